"""HistFactory workspaces and models with pyhf's names and return shapes.

A pyhf user changes only the import: ``neos_swift.Workspace(spec).model()`` and ``neos_swift.Model(spec)`` give
models whose ``config``, ``logpdf`` and ``expected_data`` behave as pyhf 0.7.6's, and which can also be rebuilt
from new input numbers (``with_inputs``) and differentiated with respect to them.

The numbers (parameter suggestions, auxiliary data, likelihoods) all come from libneos. What is computed here is
the naming and ordering bookkeeping that pyhf defines on top of a spec: sorted channel/sample/modifier lists,
channel slices, the parameter map, and the workspace's JSON edits (prune, rename, combine, sorted, build), which
the C ABI does not offer yet.
"""

from __future__ import annotations

import collections
import copy
import ctypes
import json
import logging
from typing import ClassVar

import numpy as np

from ._handles import Handle, read_json, read_string
from ._library import c_string, lib, pointer
from .errors import InvalidArgument, check
from .pdf import (
    Model,
    _ChannelSummary,
    _check_build_options,
    _json_text,
    _model_options,
    _native_model,
    _pyhf_error,
    _settings_text,
    _summary,
    _unsupported,
)

log = logging.getLogger(__name__)

# --- RFC 6902 (jsonpatch), for Model.spec of a patched workspace model: libneos applies the patches itself when it
# builds the model, but the ABI does not hand back the patched spec.


def _pointer_tokens(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise InvalidArgument(f"jsonpatch path {path!r} does not start with '/'")
    return [token.replace("~1", "/").replace("~0", "~") for token in path[1:].split("/")]


def _container(document, tokens, path):
    node = document
    for token in tokens[:-1]:
        node = _child(node, token, path)
    return node


def _child(node, token, path):
    try:
        return node[int(token)] if isinstance(node, list) else node[token]
    except (KeyError, IndexError, ValueError, TypeError):
        raise InvalidArgument(f"jsonpatch path {path!r} does not exist") from None


def _index(node, token, path, adding=False):
    if token == "-" and adding:
        return len(node)
    try:
        index = int(token)
    except ValueError:
        raise InvalidArgument(f"jsonpatch path {path!r} does not name a list index") from None
    if not 0 <= index <= len(node) - (0 if adding else 1):
        raise InvalidArgument(f"jsonpatch path {path!r} is out of range")
    return index


def _patch_remove(document, path):
    tokens = _pointer_tokens(path)
    parent = _container(document, tokens, path)
    if isinstance(parent, list):
        return parent.pop(_index(parent, tokens[-1], path))
    if tokens[-1] not in parent:
        raise InvalidArgument(f"jsonpatch path {path!r} does not exist")
    return parent.pop(tokens[-1])


def _patch_add(document, path, value):
    tokens = _pointer_tokens(path)
    if not tokens:
        return value
    parent = _container(document, tokens, path)
    if isinstance(parent, list):
        parent.insert(_index(parent, tokens[-1], path, adding=True), value)
    else:
        parent[tokens[-1]] = value
    return document


def _apply_jsonpatch(document, patch):
    document = copy.deepcopy(document)
    for operation in patch:
        op, path = operation["op"], operation["path"]
        if op == "add":
            document = _patch_add(document, path, copy.deepcopy(operation["value"]))
        elif op == "remove":
            _patch_remove(document, path)
        elif op == "replace":
            if _pointer_tokens(path):
                _patch_remove(document, path)
            document = _patch_add(document, path, copy.deepcopy(operation["value"]))
        elif op in ("move", "copy"):
            source = operation["from"]
            tokens = _pointer_tokens(source)
            value = _child(_container(document, tokens, source), tokens[-1], source) if tokens else document
            if op == "move":
                _patch_remove(document, source)
            document = _patch_add(document, path, copy.deepcopy(value))
        elif op == "test":
            tokens = _pointer_tokens(path)
            value = _child(_container(document, tokens, path), tokens[-1], path) if tokens else document
            if value != operation["value"]:
                raise InvalidArgument(f"jsonpatch test at {path!r} failed")
        else:
            raise InvalidArgument(f"unknown jsonpatch operation {op!r}")
    return document


def _patch_list(patch):
    # pyhf's Patch and jsonpatch.JsonPatch objects carry their operations in .patch; JSON text is parsed.
    patch = getattr(patch, "patch", patch)
    return json.loads(patch) if isinstance(patch, str) else patch


class _NativeWorkspace(Handle):
    _free_name = "neos_workspace_free"


def _join_items(join, left_items, right_items, key="name", deep_merge_key=None):
    """pyhf's join of two lists of named items: 'none' and 'outer' keep everything (outer drops exact duplicates),
    the one-sided outer joins keep the primary side's item of a shared name; deep_merge_key merges those."""
    primary, secondary = (right_items, left_items) if join == "right outer" else (left_items, right_items)
    joined = copy.deepcopy(primary)
    keys = [item[key] for item in joined]
    for item in secondary:
        if item[key] in keys and deep_merge_key is not None:
            target = joined[keys.index(item[key])]
            target[deep_merge_key] = _join_items("left outer", target[deep_merge_key], item[deep_merge_key])
        elif (
            join == "none"
            or (join == "outer" and item not in primary)
            or (join in ("left outer", "right outer") and item[key] not in keys)
        ):
            joined.append(copy.deepcopy(item))
    return joined


def _join_named(join, left, right, what):
    """Channels or observations: a 'none' join refuses shared names, an 'outer' join differing items of one name."""
    joined = _join_items(join, left, right)
    if join == "none":
        common = {item["name"] for item in left} & {item["name"] for item in right}
        if common:
            raise _pyhf_error("InvalidWorkspaceOperation")(
                f"Workspaces cannot have any {what} in common with the same name: {common}. You can also try a "
                f"different join operation: {Workspace.valid_joins}."
            )
    elif join == "outer":
        repeated = [name for name, count in collections.Counter(item["name"] for item in joined).items() if count > 1]
        if repeated:
            raise _pyhf_error("InvalidWorkspaceOperation")(
                f"Workspaces cannot have {what} in common with incompatible structure: {repeated}. You can also try "
                f"a different join operation: {Workspace.valid_joins}."
            )
    return joined


def _join_measurements(join, left, right):
    joined = _join_items(join, left, right)
    if join == "none":
        common = {item["name"] for item in left} & {item["name"] for item in right}
        if common:
            raise _pyhf_error("InvalidWorkspaceOperation")(
                f"Workspaces cannot have any measurements in common with the same name: {common}. You can also try "
                f"a different join operation: {Workspace.valid_joins}."
            )
        return joined
    if join != "outer":
        return joined
    by_name = {}
    for measurement in joined:
        by_name.setdefault(measurement["name"], []).append(measurement)
    bad_poi = [name for name, group in by_name.items() if len({m["config"]["poi"] for m in group}) > 1]
    if bad_poi:
        raise _pyhf_error("InvalidWorkspaceOperation")(
            f"Workspaces cannot have the same measurements with incompatible POI: {bad_poi}."
        )
    merged = []
    for name, group in by_name.items():
        if len(group) == 1:
            merged.append(group[0])
            continue
        parameters = _join_items("outer", *(m["config"]["parameters"] for m in group))
        repeated = [p for p, count in collections.Counter(item["name"] for item in parameters).items() if count > 1]
        if repeated:
            raise _pyhf_error("InvalidWorkspaceOperation")(
                f"Workspaces cannot have a measurement ({name}) with incompatible parameter configs: {repeated}. "
                f"You can also try a different join operation: {Workspace.valid_joins}."
            )
        merged.append({"name": name, "config": {"poi": group[0]["config"]["poi"], "parameters": parameters}})
    return merged


class Workspace(_ChannelSummary, dict):
    """A pyhf workspace (``pyhf.Workspace(spec)``): the spec as a dict, parsed and validated by libneos.

    ``spec`` may also be JSON text. Edits (prune, rename, combine, sorted, build) return new workspaces."""

    valid_joins: ClassVar[list[str]] = ["none", "outer", "left outer", "right outer"]

    def __init__(self, spec, validate: bool = True, **config_kwargs):
        handle = ctypes.c_void_p()
        check(lib.neos_workspace_from_json(_json_text(spec), ctypes.byref(handle)))
        self._native = _NativeWorkspace(handle)
        spec = json.loads(spec) if isinstance(spec, str) else copy.deepcopy(dict(spec))
        self.schema = config_kwargs.pop("schema", "workspace.json")
        self.version = config_kwargs.pop("version", spec.get("version"))
        self.validate = validate
        _unsupported(config_kwargs)
        super().__init__(spec)
        self._set_summary(_summary(spec["channels"]))
        self.measurement_names = [measurement["name"] for measurement in spec.get("measurements", [])]
        self.observations = {observation["name"]: observation["data"] for observation in spec["observations"]}

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

    def get_measurement(self, measurement_name=None, measurement_index=None) -> dict:
        """The measurement called ``measurement_name``, else the one at ``measurement_index``, else the first."""
        if not self.measurement_names:
            raise _pyhf_error("InvalidMeasurement")("No measurements have been defined.")
        if measurement_name is not None:
            if measurement_name not in self.measurement_names:
                raise _pyhf_error("InvalidMeasurement")(
                    f"no measurement by name '{measurement_name}' was found in the workspace, pick from one of the "
                    f"valid ones: {self.measurement_names}"
                )
            return self["measurements"][self.measurement_names.index(measurement_name)]
        if measurement_index is None and len(self.measurement_names) > 1:
            log.warning("multiple measurements defined. Taking the first measurement.")
        index = 0 if measurement_index is None else measurement_index
        try:
            return self["measurements"][index]
        except IndexError:
            raise _pyhf_error("InvalidMeasurement")(
                f"The measurement index {index} is out of bounds as only {len(self.measurement_names)} "
                "measurement(s) have been defined."
            ) from None

    def _model_spec(self, measurement_name, patches) -> dict:
        measurement = self["measurements"][self.measurement_names.index(measurement_name)]
        spec = {"channels": self["channels"], "parameters": measurement["config"]["parameters"]}
        for patch in patches:
            spec = _apply_jsonpatch(spec, _patch_list(patch))
        return copy.deepcopy(spec)

    def model(self, measurement_name=None, measurement_index=None, patches=None, **config_kwargs) -> Model:
        """The model of a measurement (by name, else index, else the first), patches applied, as pyhf. Keywords are
        pyhf.Model's; ``poi_name`` overrides the measurement's POI (``None``: no POI)."""
        if measurement_name is None:
            measurement_name = self.get_measurement(measurement_index=measurement_index)["name"]
        modifier_set = config_kwargs.pop("modifier_set", None)
        batch_size = config_kwargs.pop("batch_size", None)
        validate = config_kwargs.pop("validate", True)
        _check_build_options(
            modifier_set, config_kwargs.pop("clip_sample_data", None), config_kwargs.pop("clip_bin_data", None)
        )
        patches = list(patches or [])
        poi_given = "poi_name" in config_kwargs
        options = _model_options(config_kwargs)
        settings = options["modifier_settings"]
        if poi_given and options["poi_name"] != self.get_measurement(measurement_name)["config"]["poi"]:
            # Another POI than the measurement's (or none): built from the model spec, as pyhf does.
            spec = self._model_spec(measurement_name, patches)
            handle = _native_model(spec, options["poi_name"], settings)
            model = Model._from_handle(handle, spec=spec, modifier_settings=settings, batch_size=batch_size)
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
                handle,
                modifier_settings=settings,
                batch_size=batch_size,
                lazy_spec=lambda: self._model_spec(measurement_name, patches),
            )
        model.schema, model.version, model.validate = options["schema"], options["version"], validate
        return model

    def data(self, model: Model, include_auxdata=True) -> list[float]:
        """Observations in the model's channel order, then its auxdata (a list, as pyhf)."""
        out = np.empty(model.config.nmaindata + (model.config.nauxdata if include_auxdata else 0))
        check(lib.neos_workspace_data(self, model, bool(include_auxdata), pointer(out), out.size))
        return out.tolist()

    def _prune_and_rename(
        self,
        prune_modifiers=(),
        prune_modifier_types=(),
        prune_samples=(),
        prune_channels=(),
        prune_measurements=(),
        rename_modifiers=None,
        rename_samples=None,
        rename_channels=None,
        rename_measurements=None,
    ) -> Workspace:
        rename_modifiers = rename_modifiers or {}
        rename_samples = rename_samples or {}
        rename_channels = rename_channels or {}
        rename_measurements = rename_measurements or {}

        def invalid(message):
            return _pyhf_error("InvalidWorkspaceOperation")(message)

        modifier_types = dict(self.modifiers)
        for kind in prune_modifier_types:
            if kind not in modifier_types.values():
                raise invalid(f"{kind} is not one of the modifier types in this workspace.")
        checks = (
            ((*prune_modifiers, *rename_modifiers), modifier_types, "modifiers"),
            ((*prune_samples, *rename_samples), self.samples, "samples"),
            ((*prune_channels, *rename_channels), self.channels, "channels"),
            ((*prune_measurements, *rename_measurements), self.measurement_names, "measurements"),
        )
        for names, known, what in checks:
            for name in names:
                if name not in known:
                    raise invalid(f"{name} is not one of the {what} in this workspace.")

        def kept_modifiers(sample):
            return [
                dict(modifier, name=rename_modifiers.get(modifier["name"], modifier["name"]))
                for modifier in sample["modifiers"]
                if modifier["name"] not in prune_modifiers and modifier["type"] not in prune_modifier_types
            ]

        spec = {
            "channels": [
                {
                    "name": rename_channels.get(channel["name"], channel["name"]),
                    "samples": [
                        {
                            "name": rename_samples.get(sample["name"], sample["name"]),
                            "data": sample["data"],
                            "modifiers": kept_modifiers(sample),
                        }
                        for sample in channel["samples"]
                        if sample["name"] not in prune_samples
                    ],
                }
                for channel in self["channels"]
                if channel["name"] not in prune_channels
            ],
            "measurements": [
                {
                    "name": rename_measurements.get(measurement["name"], measurement["name"]),
                    "config": {
                        "parameters": [
                            dict(parameter, name=rename_modifiers.get(parameter["name"], parameter["name"]))
                            for parameter in measurement["config"]["parameters"]
                            if parameter["name"] not in prune_modifiers
                        ],
                        "poi": rename_modifiers.get(measurement["config"]["poi"], measurement["config"]["poi"]),
                    },
                }
                for measurement in self["measurements"]
                if measurement["name"] not in prune_measurements
            ],
            "observations": [
                dict(observation, name=rename_channels.get(observation["name"], observation["name"]))
                for observation in self["observations"]
                if observation["name"] not in prune_channels
            ],
            "version": self["version"],
        }
        return Workspace(copy.deepcopy(spec))

    def prune(self, modifiers=None, modifier_types=None, samples=None, channels=None, measurements=None) -> Workspace:
        """A new workspace without the named modifiers (and modifier types), samples, channels, measurements."""
        return self._prune_and_rename(
            prune_modifiers=modifiers or [],
            prune_modifier_types=modifier_types or [],
            prune_samples=samples or [],
            prune_channels=channels or [],
            prune_measurements=measurements or [],
        )

    def rename(self, modifiers=None, samples=None, channels=None, measurements=None) -> Workspace:
        """A new workspace with modifiers, samples, channels, measurements renamed by the ``{old: new}`` maps."""
        return self._prune_and_rename(
            rename_modifiers=modifiers,
            rename_samples=samples,
            rename_channels=channels,
            rename_measurements=measurements,
        )

    @classmethod
    def combine(cls, left, right, join="none", merge_channels=False) -> Workspace:
        """The union of two workspaces' channels, observations and measurements; ``join`` is one of
        ``valid_joins``, and ``merge_channels`` (outer joins only) merges the samples of shared channels."""
        if join not in cls.valid_joins:
            raise ValueError(
                f"Workspaces must be joined using one of the valid join operations ({cls.valid_joins}); not {join}"
            )
        if merge_channels and join not in ("outer", "left outer", "right outer"):
            raise ValueError(
                f"You can only merge channels using the 'outer', 'left outer', or 'right outer' join operations; "
                f"not {join}"
            )
        if join in ("left outer", "right outer"):
            log.warning(
                "You are using an unsafe join operation. This will silence exceptions that might be raised during a "
                "normal 'outer' operation."
            )
        if left["version"] != right["version"]:
            raise _pyhf_error("InvalidWorkspaceOperation")(
                f"Workspaces of different versions cannot be combined: {left['version']} != {right['version']}"
            )
        if merge_channels:
            channels = _join_items(join, left["channels"], right["channels"], deep_merge_key="samples")
            if join == "outer":
                channels = _join_named(join, channels, [], "channels")
        else:
            channels = _join_named(join, left["channels"], right["channels"], "channels")
        spec = {
            "channels": channels,
            "measurements": _join_measurements(join, left["measurements"], right["measurements"]),
            "observations": _join_named(join, left["observations"], right["observations"], "observations"),
            "version": left["version"],
        }
        return cls(spec)

    @classmethod
    def sorted(cls, workspace) -> Workspace:
        """A copy with channels, samples, modifiers (by name, type), measurements, their parameters and the
        observations sorted by name."""
        spec = copy.deepcopy(dict(workspace))
        spec["channels"].sort(key=lambda channel: channel["name"])
        for channel in spec["channels"]:
            channel["samples"].sort(key=lambda sample: sample["name"])
            for sample in channel["samples"]:
                sample["modifiers"].sort(key=lambda modifier: (modifier["name"], modifier["type"]))
        spec["measurements"].sort(key=lambda measurement: measurement["name"])
        for measurement in spec["measurements"]:
            measurement["config"]["parameters"].sort(key=lambda parameter: parameter["name"])
        spec["observations"].sort(key=lambda observation: observation["name"])
        return cls(spec)

    @classmethod
    def build(cls, model: Model, data, name="measurement", validate: bool = True) -> Workspace:
        """A workspace holding ``model``'s channels, one measurement ``name`` with the model's parameter
        configurations, and ``data`` (main bins in the model's channel order) as the observations."""
        data = list(np.asarray(data, dtype=np.float64).tolist())
        parameters = [
            {
                "bounds": [list(pair) for pair in entry["paramset"].suggested_bounds],
                "inits": entry["paramset"].suggested_init,
                "fixed": entry["paramset"].suggested_fixed_as_bool,
                "name": par_name,
            }
            for par_name, entry in model.config.par_map.items()
        ]
        spec = {
            "channels": copy.deepcopy(model.spec["channels"]),
            "version": "1.0.0",
            "measurements": [{"name": name, "config": {"poi": model.config.poi_name, "parameters": parameters}}],
            "observations": [
                {"name": channel, "data": data[model.config.channel_slices[channel]]}
                for channel in model.config.channels
            ],
        }
        return cls(spec, validate=validate)


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
