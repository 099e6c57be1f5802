"""HistFactory workspaces with pyhf's names and return shapes.

A pyhf user changes only the import: ``neos_swift.Workspace(spec)`` holds the spec as a dict, as pyhf's does, and
libneos holds the parsed workspace. Every operation (the model, the data, prune, rename, combine, sorted, build and
the JSON patches) runs in libneos; what is done here is converting arguments and results (dicts to JSON text,
names to C string arrays, libneos' errors to pyhf's exception classes).

A result comes back as libneos' JSON text of the new workspace, read with ``json.loads``: its values are exactly
the inputs', but libneos writes an integral number as an integer, so a ``20.0`` of the input would read back as
``20`` (equal in Python, but another ``json.dumps`` text and so another ``utils.digest`` than pyhf's result).
``_NumberKinds`` makes such numbers floats again where the inputs had floats, and ``_BuiltNumbers`` gives a built
workspace pyhf's number types, so that results have pyhf's ``json.dumps`` text and digest.
"""

from __future__ import annotations

import copy
import ctypes
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from . import schema
from ._arguments import as_float_array, as_handle, as_iterable, as_mapping
from ._handles import Handle, read_json, read_string
from ._library import CONSTANTS, JOINS, c_string, lib, pointer
from ._spec_lists import deep_copy
from .errors import InvalidArgument, ParseError, check
from .mixins import _ChannelSummaryMixin, _summary
from .pdf import (
    Model,
    _check_build_options,
    _json_text,
    _model_options,
    _native_model,
    _pyhf_error,
    _settings_text,
    _unsupported,
    _with_clipping,
)

# pyhf's public names for this module (dir() lists them, as pyhf's does); the helpers stay importable.
__all__ = ["Workspace"]


def __dir__():
    return __all__


log = logging.getLogger(__name__)


class _NumberKinds:
    """Which integral numbers of some inputs were Python floats. libneos writes ``20.0`` as ``20`` and ``json.loads``
    reads that back as an int; ``retyped`` makes a result's integral number a float again where the inputs had it
    as one: at the same place (the keys leading to it) or, for a place the inputs do not have, anywhere. So the
    results' ``json.dumps`` text, and pyhf's digest of it, are pyhf's. ``floats`` names places always float."""

    def __init__(self, *documents, floats=()):
        self._at, self._anywhere, self._floats = {}, {}, set(floats)
        stack = [(document, ()) for document in documents]
        while stack:
            node, keys = stack.pop()
            if isinstance(node, dict):
                stack.extend((value, (*keys, key)) for key, value in node.items())
            elif isinstance(node, (list, tuple)):
                stack.extend((value, keys) for value in node)
            elif isinstance(node, (int, float)) and not isinstance(node, bool) and float(node).is_integer():
                kind = float if isinstance(node, float) else int
                self._at.setdefault((keys, node), set()).add(kind)  # 20 and 20.0 are one key
                self._anywhere.setdefault(node, set()).add(kind)

    def retyped(self, node, keys=()):
        if isinstance(node, dict):
            return {key: self.retyped(value, (*keys, key)) for key, value in node.items()}
        if isinstance(node, list):
            return [self.retyped(value, keys) for value in node]
        if isinstance(node, int) and not isinstance(node, bool):
            kinds = self._at.get((keys, node)) or self._anywhere.get(node)
            if keys in self._floats or kinds == {float}:
                return float(node)
        return node


def _apply_jsonpatch(document, patch):
    """``document`` (a dict or list) with the RFC 6902 ``patch`` (a list of operations) applied, by libneos; the
    argument is not changed."""
    patched = json.loads(
        read_string(lib.neos_json_patch_apply, _json_text(document, "document"), _json_text(patch, "patch"))
    )
    return _NumberKinds(document, patch).retyped(patched)


def _patch_list(patch):
    # pyhf's Patch and jsonpatch.JsonPatch objects carry their operations in .patch; JSON text is parsed.
    patch = getattr(patch, "patch", patch)
    return json.loads(patch) if isinstance(patch, str) else patch


class _NativeWorkspace(Handle):
    _free_name = "neos_workspace_free"


def _operation(status: int, refusals: bool = True) -> None:
    """``check`` for a workspace operation: a name or join it cannot apply is pyhf's InvalidWorkspaceOperation
    (a ValueError for merge_channels with join 'none', as pyhf; with ``refusals`` False every argument error
    stays InvalidArgument), a result that is not a workspace pyhf's InvalidSpecification."""
    try:
        check(status)
    except InvalidArgument as error:
        message = str(error)
        if not refusals or "You can only merge channels" in message:
            raise InvalidArgument(message) from None
        raise _pyhf_error("InvalidWorkspaceOperation")(message) from None
    except ParseError as error:
        if isinstance(error, _pyhf_error("InvalidSpecification")):
            raise
        raise _pyhf_error("InvalidSpecification")(str(error)) from None


def _join_code(join) -> int:
    try:
        return JOINS[join]
    except (KeyError, TypeError):
        raise InvalidArgument(  # a ValueError, as pyhf raises
            f"{join!r} is not one of the valid join operations {Workspace.valid_joins}"
        ) from None


def _names(values, what) -> tuple[ctypes.Array, int]:
    """A C array of NUL-terminated names (iterating ``values`` as pyhf does: a string gives its characters)."""
    encoded = [c_string(str(value), what) for value in as_iterable(what, values, "a list of names")]
    return (ctypes.c_char_p * max(len(encoded), 1))(*encoded), len(encoded)


def _joined(function, *args) -> list:
    text = ctypes.c_size_t()
    _operation(function(*args, None, 0, ctypes.byref(text)))
    buffer = ctypes.create_string_buffer(text.value)
    _operation(function(*args, buffer, text.value, ctypes.byref(text)))
    return json.loads(buffer.value.decode("utf-8"))


def _join_items(join, left_items, right_items, key="name", deep_merge_key=None):
    """pyhf's ``_join_items`` (libneos' join of two lists of objects by their ``key``)."""
    joined = _joined(
        lib.neos_json_join_items,
        _join_code(join),
        _json_text(list(left_items), "left_items"),
        _json_text(list(right_items), "right_items"),
        c_string(key, "key"),
        None if deep_merge_key is None else c_string(deep_merge_key, "deep_merge_key"),
    )
    return _NumberKinds(list(left_items), list(right_items)).retyped(joined)


def _join_list(what, join, left, right, merge=False, measurement_name=None):
    joined = _joined(
        lib.neos_workspace_join_list,
        c_string(what, "list"),
        _join_code(join),
        bool(merge),
        None if measurement_name is None else c_string(measurement_name, "measurement_name"),
        _json_text(list(left), "left"),
        _json_text(list(right), "right"),
    )
    return _NumberKinds(list(left), list(right)).retyped(joined)


def _join_versions(join, left_version, right_version):
    """pyhf's ``_join_versions``: checked here too, since libneos reads only version 1.0.0 workspaces."""
    if left_version != right_version:
        raise _pyhf_error("InvalidWorkspaceOperation")(
            f"workspaces of different versions ({left_version} and {right_version}) cannot be combined"
        )
    return left_version


def _join_channels(join, left_channels, right_channels, merge=False):
    """pyhf's ``_join_channels``."""
    return _join_list("channels", join, left_channels, right_channels, merge=merge)


def _join_observations(join, left_observations, right_observations):
    """pyhf's ``_join_observations``."""
    return _join_list("observations", join, left_observations, right_observations)


def _join_parameter_configs(measurement_name, left_parameters, right_parameters):
    """pyhf's ``_join_parameter_configs`` (an outer join)."""
    return _join_list("parameters", "outer", left_parameters, right_parameters, measurement_name=measurement_name)


def _join_measurements(join, left_measurements, right_measurements):
    """pyhf's ``_join_measurements``."""
    return _join_list("measurements", join, left_measurements, right_measurements)


def _validate(spec, schema_name, version) -> None:
    """``schema.validate``, looked up when called (pyhf's suite replaces ``pyhf.schema.validate`` with a mock to
    count the checks a Workspace makes)."""
    schema.validate(spec, schema_name, version=version)


def _native_of(workspace) -> _NativeWorkspace:
    """libneos' workspace for ``workspace`` as it is now: its own handle while its dict is unchanged, else (a dict
    edited in place, or a plain dict) a new one parsed from the current contents."""
    as_mapping("workspace", workspace, "a Workspace (or its spec as a dict)")
    if isinstance(workspace, Workspace):
        try:
            unchanged = bool(dict(workspace) == workspace._parsed)
        except (TypeError, ValueError):  # an array put into the dict compares element-wise
            unchanged = False
        if unchanged:
            return workspace._native
    handle = ctypes.c_void_p()
    status = lib.neos_workspace_from_json_with_options(
        _json_text(dict(workspace)), CONSTANTS["NEOS_WORKSPACE_OBSERVATIONS_OPTIONAL"], ctypes.byref(handle)
    )
    check(status)  # pyhf's classes for a spec that is not a workspace, as Workspace(spec) raises
    return _NativeWorkspace(handle)


class Workspace(_ChannelSummaryMixin, dict):
    """A pyhf workspace (``pyhf.Workspace(spec)``): the spec as a dict, parsed and validated by libneos.

    ``spec`` may also be JSON text. Edits (prune, rename, combine, sorted, build) return new workspaces."""

    valid_joins: ClassVar[list[str]] = ["none", "outer", "left outer", "right outer"]

    def __init__(self, spec: Mapping[str, Any] | str, validate: bool = True, **config_kwargs: Any) -> None:
        # libneos reads the text as given first (its errors name the line or the JSON path), then pyhf's schema
        # check runs on the dict, as pyhf's Workspace runs it
        handle = ctypes.c_void_p()
        check(lib.neos_workspace_from_json(_json_text(spec), ctypes.byref(handle)))
        spec = json.loads(spec) if isinstance(spec, str) else deep_copy(dict(spec))
        schema_name = config_kwargs.pop("schema", "workspace.json")
        version = config_kwargs.pop("version", spec.get("version"))
        if validate:
            _validate(spec, schema_name, version)
        self._setup(_NativeWorkspace(handle), spec, validate, schema_name, version, config_kwargs)

    def _setup(self, native, spec: dict, validate: bool, schema_name: str, version, config_kwargs: dict) -> None:
        self._native = native
        # what libneos parsed: an edit of the dict in place after this makes operations parse it again
        self._parsed = deep_copy(spec)
        self.schema = schema_name
        self.version = version
        self.validate = validate
        _unsupported(config_kwargs)
        super().__init__(spec)
        self._set_summary(_summary(spec["channels"]))
        self.measurement_names = [measurement["name"] for measurement in spec.get("measurements", [])]
        self.observations = {observation["name"]: observation["data"] for observation in spec["observations"]}

    @classmethod
    def _from_native(cls, native: _NativeWorkspace, kinds: _NumberKinds, validate: bool = True, edit=None) -> Workspace:
        """The Workspace of a handle libneos made (an operation's result), its dict read from libneos' JSON (the
        integral floats of the inputs, ``kinds``, made floats again, then ``edit(spec)`` when given) and, with
        ``validate``, checked against the schema as pyhf checks its results."""
        spec = kinds.retyped(json.loads(read_string(lib.neos_workspace_json, native)))
        if edit is not None:
            edit(spec)
        if validate:
            _validate(spec, "workspace.json", spec.get("version"))
        workspace = cls.__new__(cls)
        workspace._setup(native, spec, validate, "workspace.json", spec.get("version"), {})
        return workspace

    @property
    def _as_parameter_(self):
        return self._native._handle

    def __eq__(self, other):
        return isinstance(other, Workspace) and dict(self) == dict(other)

    def __ne__(self, other):
        return not self == other

    __hash__ = None

    def __repr__(self):
        return object.__repr__(self)

    def __reduce__(self):
        return (type(self), (dict(self),))

    def __copy__(self):
        return type(self)(dict(self))

    def __deepcopy__(self, memo):
        return type(self)(copy.deepcopy(dict(self), memo))

    def get_measurement(self, measurement_name: str | None = None, measurement_index: int | None = None) -> dict:
        """The measurement called ``measurement_name``, else the one at ``measurement_index``, else the first,
        checked against pyhf's measurement schema."""
        measurement = self._measurement(measurement_name, measurement_index)
        _validate(measurement, "measurement.json", self.version)
        return measurement

    def _measurement(self, measurement_name, measurement_index) -> dict:
        if not self.measurement_names:
            raise _pyhf_error("InvalidMeasurement")("No measurements have been defined.")
        if measurement_name is not None:
            if measurement_name not in self.measurement_names:
                raise _pyhf_error("InvalidMeasurement")(
                    f"the workspace has no measurement '{measurement_name}'; its measurements are "
                    f"{self.measurement_names}"
                )
            return self["measurements"][self.measurement_names.index(measurement_name)]
        if measurement_index is None and len(self.measurement_names) > 1:
            log.warning(f"{len(self.measurement_names)} measurements and none chosen: using the first")
        index = 0 if measurement_index is None else measurement_index
        try:
            return self["measurements"][index]
        except IndexError:
            raise _pyhf_error("InvalidMeasurement")(
                f"measurement index {index} is out of bounds: the workspace defines "
                f"{len(self.measurement_names)} measurement(s)"
            ) from None

    def _model_spec(self, measurement_name, patches) -> dict:
        measurement = self["measurements"][self.measurement_names.index(measurement_name)]
        spec = {"channels": self["channels"], "parameters": measurement["config"]["parameters"]}
        for patch in patches:
            spec = _apply_jsonpatch(spec, _patch_list(patch))
        return deep_copy(spec)

    def model(
        self,
        measurement_name: str | None = None,
        measurement_index: int | None = None,
        patches: Iterable[Any] | None = None,
        **config_kwargs: Any,
    ) -> Model:
        """The model of a measurement (by name, else index, else the first), patches applied, as pyhf. Keywords are
        pyhf.Model's; ``poi_name`` overrides the measurement's POI (``None``: no POI)."""
        measurement = self.get_measurement(measurement_name=measurement_name, measurement_index=measurement_index)
        measurement_name = measurement["name"]
        modifier_set = config_kwargs.pop("modifier_set", None)
        batch_size = config_kwargs.pop("batch_size", None)
        validate = config_kwargs.pop("validate", True)
        clipping = _check_build_options(
            modifier_set, config_kwargs.pop("clip_sample_data", None), config_kwargs.pop("clip_bin_data", None)
        )
        patches = list(patches or [])
        poi_given = "poi_name" in config_kwargs
        options = _model_options(config_kwargs)
        settings = options["modifier_settings"]
        if poi_given and options["poi_name"] != measurement["config"]["poi"]:
            # Another POI than the measurement's (or none): built from the model spec, as pyhf does.
            spec = self._model_spec(measurement_name, patches)
            handle = _with_clipping(_native_model(spec, options["poi_name"], settings), clipping)
            model = Model._from_handle(
                handle, spec=spec, modifier_settings=settings, batch_size=batch_size, clipping=clipping
            )
        else:
            # libneos builds the measurement's model (its POI, its parameter configs) and applies the patches.
            patch_texts = [_json_text(_patch_list(patch)) for patch in patches]
            array = (ctypes.c_char_p * max(len(patch_texts), 1))(*patch_texts)
            handle = ctypes.c_void_p()
            check(
                lib.neos_workspace_model(
                    self,
                    c_string(measurement_name, "measurement_name"),
                    _settings_text(settings),
                    array,
                    len(patch_texts),
                    ctypes.byref(handle),
                )
            )
            model = Model._from_handle(
                _with_clipping(handle, clipping),
                modifier_settings=settings,
                batch_size=batch_size,
                lazy_spec=lambda: self._model_spec(measurement_name, patches),
                clipping=clipping,
            )
        model.schema, model.version, model.validate = options["schema"], options["version"], validate
        return model

    def data(self, model: Model, include_auxdata: bool = True) -> list[float]:
        """Observations in the model's channel order, then its auxdata (a list, as pyhf). A model with a channel
        this workspace has no observations for (a model of another workspace) raises KeyError, as in pyhf."""
        as_handle("model", model, Model)
        missing = [channel for channel in model.config.channels if channel not in self.observations]
        if missing:
            log.error("Invalid channel: the workspace has no observations for channel %r of the model", missing[0])
            raise KeyError(missing[0])
        out = np.empty(model.config.nmaindata + (model.config.nauxdata if include_auxdata else 0))
        check(lib.neos_workspace_data(self, model, bool(include_auxdata), pointer(out), out.size))
        values = out.tolist()
        # pyhf returns the observations as stored: an integer count stays an int (Workspace.build keeps it so)
        stored = [value for channel in model.config.channels for value in self.observations.get(channel, [])]
        for index, (kept, value) in enumerate(zip(stored, values)):
            if isinstance(kept, int) and not isinstance(kept, bool) and kept == value:
                values[index] = kept
        return values

    def _new(self, function, *args) -> Workspace:
        """The workspace libneos' ``function(*args, &out)`` makes."""
        handle = ctypes.c_void_p()
        _operation(function(*args, ctypes.byref(handle)))
        return type(self)._from_native(_NativeWorkspace(handle), _NumberKinds(dict(self)))

    def prune(
        self,
        modifiers: Sequence[str] | None = None,
        modifier_types: Sequence[str] | None = None,
        samples: Sequence[str] | None = None,
        channels: Sequence[str] | None = None,
        measurements: Sequence[str] | None = None,
    ) -> Workspace:
        """A new workspace without the named modifiers (and modifier types), samples, channels, measurements."""
        arguments = []
        for values, what in (
            (modifiers, "modifiers"),
            (modifier_types, "modifier_types"),
            (samples, "samples"),
            (channels, "channels"),
            (measurements, "measurements"),
        ):
            arguments.extend(_names(values or [], what))
        return self._new(lib.neos_workspace_prune, _native_of(self), *arguments)

    def rename(
        self,
        modifiers: Mapping[str, str] | None = None,
        samples: Mapping[str, str] | None = None,
        channels: Mapping[str, str] | None = None,
        measurements: Mapping[str, str] | None = None,
    ) -> Workspace:
        """A new workspace with modifiers, samples, channels, measurements renamed by the ``{old: new}`` maps."""
        arguments = []
        for mapping, what in (
            (modifiers, "modifiers"),
            (samples, "samples"),
            (channels, "channels"),
            (measurements, "measurements"),
        ):
            pairs = list(as_mapping(what, mapping or {}, "a dict of old names to new names").items())
            old, count = _names([old for old, _ in pairs], f"old {what}")
            new, _ = _names([new for _, new in pairs], f"new {what}")
            arguments.extend((old, new, count))
        return self._new(lib.neos_workspace_rename, _native_of(self), *arguments)

    @classmethod
    def combine(cls, left: Workspace, right: Workspace, join: str = "none", merge_channels: bool = False) -> Workspace:
        """The union of two workspaces' channels, observations and measurements; ``join`` is one of
        ``valid_joins``, and ``merge_channels`` (outer joins only) merges the samples of shared channels."""
        code = _join_code(join)
        if join in ("left outer", "right outer"):
            log.warning(
                # "using an unsafe join operation" is pyhf's wording, which pyhf's tests look for in the log.
                f"using an unsafe join operation ({join!r}): a component both workspaces have is taken from one "
                "side without the error an 'outer' join raises"
            )
        if not merge_channels or join != "none":
            _join_versions(join, left["version"], right["version"])
        handle = ctypes.c_void_p()
        _operation(
            lib.neos_workspace_combine(
                _native_of(left), _native_of(right), code, bool(merge_channels), ctypes.byref(handle)
            )
        )
        return cls._from_native(_NativeWorkspace(handle), _NumberKinds(dict(left), dict(right)))

    @classmethod
    def sorted(cls, workspace: Workspace) -> Workspace:
        """A copy with channels, samples, modifiers (by name, type), measurements, their parameters and the
        observations sorted by name."""
        handle = ctypes.c_void_p()
        _operation(lib.neos_workspace_sorted(_native_of(workspace), ctypes.byref(handle)))
        return cls._from_native(_NativeWorkspace(handle), _NumberKinds(dict(workspace)))

    @classmethod
    def build(cls, model: Model, data: Sequence[float], name: str = "measurement", validate: bool = True) -> Workspace:
        """A workspace holding ``model``'s channels, one measurement ``name`` with the model's parameter
        configurations, and ``data`` (main bins in the model's channel order) as the observations."""
        as_handle("model", model, Model)
        values = np.ascontiguousarray(as_float_array("data", data, ndim=None).ravel())
        handle = ctypes.c_void_p()
        _operation(
            lib.neos_workspace_build(
                _json_text(model.spec, "model.spec"),
                model,
                pointer(values),
                values.size,
                c_string(name, "name"),
                ctypes.byref(handle),
            ),
            refusals=False,
        )
        return cls._from_native(
            _NativeWorkspace(handle), _NumberKinds(), validate=validate, edit=_BuiltNumbers(model.spec, data)
        )


def _like(value, given):
    """``value`` as an int where pyhf would keep the int ``given`` (``None``: a float), else as a float."""
    return int(value) if isinstance(given, int) and not isinstance(given, bool) else float(value)


class _BuiltNumbers:
    """The number types of pyhf's ``Workspace.build`` for a workspace libneos built: the data as given (an int stays
    an int), a parameter's bounds and inits as its measurement config gives them, else pyhf's defaults (integer
    bounds ``[0, 10]`` for a normfactor, floats otherwise), and the channels as in the model's spec."""

    _INTEGER_BOUNDS = ("normfactor",)

    def __init__(self, spec, data):
        self._spec = _NumberKinds(spec)
        self._data = np.asarray(data, dtype=object).ravel().tolist()
        self._configs = {config["name"]: config for config in spec.get("parameters", [])}
        self._types = {
            modifier["name"]: modifier["type"]
            for channel in spec["channels"]
            for sample in channel["samples"]
            for modifier in sample["modifiers"]
        }

    def __call__(self, built: dict) -> None:
        built["channels"] = self._spec.retyped(built["channels"], ("channels",))
        given = iter(self._data)
        for observation in built["observations"]:
            observation["data"] = [_like(value, next(given, None)) for value in observation["data"]]
        for parameter in built["measurements"][0]["config"]["parameters"]:
            config = self._configs.get(parameter["name"], {})
            default = 0 if self._types.get(parameter["name"]) in self._INTEGER_BOUNDS else None
            bounds = config.get("bounds") or [[default, default]] * len(parameter["bounds"])
            parameter["bounds"] = [
                [_like(value, limit) for value, limit in zip(pair, limits)]
                for pair, limits in zip(parameter["bounds"], bounds)
            ]
            inits = config.get("inits") or [None] * len(parameter["inits"])
            parameter["inits"] = [_like(value, init) for value, init in zip(parameter["inits"], inits)]


class PatchSet(Handle):
    """A pyhf patchset: ``patchset[name]`` is a patch to pass to ``Workspace.model(patches=[...])``."""

    _free_name = "neos_patchset_free"

    def __init__(self, spec):
        text = _json_text(spec)
        handle = ctypes.c_void_p()
        check(lib.neos_patchset_from_json(text, ctypes.byref(handle)))
        super().__init__(handle)
        self.patch_names = read_json(lib.neos_patchset_names_json, self)

    def __getitem__(self, name: str) -> list:
        return json.loads(read_string(lib.neos_patchset_patch_json, self, c_string(name, "name")))

    def __iter__(self):
        return iter(self.patch_names)

    def __len__(self):
        return len(self.patch_names)
