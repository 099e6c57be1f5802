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
from typing import ClassVar, NamedTuple

import numpy as np

from ._handles import Handle, read_json, read_string
from ._library import as_doubles, bool_pointer, c_string, lib, pointer
from .errors import InvalidArgument, check

log = logging.getLogger(__name__)

# pyhf's constraint of each modifier type (pyhf.modifiers.*: "op_code"-independent bookkeeping).
_PDF_TYPE = {
    "normsys": "normal",
    "histosys": "normal",
    "lumi": "normal",
    "staterror": "normal",
    "shapesys": "poisson",
    "normfactor": None,
    "shapefactor": None,
}
_DEFAULT_SETTINGS = {"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}}


def _pyhf_error(name: str) -> type[Exception]:
    """pyhf's exception class ``name`` (neos_swift.exceptions mirrors pyhf.exceptions)."""
    from . import exceptions

    return getattr(exceptions, name)


def _json_text(value, name="json") -> bytes:
    return c_string(value if isinstance(value, str) else json.dumps(value), name)


def _settings_text(modifier_settings) -> bytes | None:
    return None if modifier_settings is None else _json_text(modifier_settings)


def _unsupported(options) -> None:
    if options:
        raise _pyhf_error("Unsupported")(f"Unsupported options were passed in: {list(options)}.")


def _summary(channels):
    """pyhf's channel summary of a list of channel specs: sorted channel, sample and (name, type) modifier lists,
    bins per channel and each channel's slice of the main data."""
    names, samples, modifiers, nbins = set(), set(), set(), {}
    for channel in channels:
        names.add(channel["name"])
        nbins[channel["name"]] = len(channel["samples"][0]["data"])
        for sample in channel["samples"]:
            samples.add(sample["name"])
            modifiers.update((modifier["name"], modifier["type"]) for modifier in sample["modifiers"])
    ordered = sorted(names)
    channel_nbins = {name: nbins[name] for name in ordered}
    slices, begin = {}, 0
    for name in ordered:
        slices[name] = slice(begin, begin + channel_nbins[name])
        begin += channel_nbins[name]
    return ordered, sorted(samples), sorted(modifiers), channel_nbins, slices


class _ChannelSummary:
    """pyhf's ``_ChannelSummaryMixin`` properties, from the summary tuple of ``_summary``."""

    def _set_summary(self, summary) -> None:
        self._channels, self._samples, self._modifiers, self._channel_nbins, self._channel_slices = summary

    @property
    def channels(self) -> list[str]:
        return self._channels

    @property
    def samples(self) -> list[str]:
        return self._samples

    @property
    def modifiers(self) -> list[tuple[str, str]]:
        return self._modifiers

    @property
    def channel_nbins(self) -> dict[str, int]:
        return self._channel_nbins

    @property
    def channel_slices(self) -> dict[str, slice]:
        return self._channel_slices


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


class ParamSet:
    """pyhf's ``pyhf.parameters.paramset``: one named parameter set of the model, as ``config.param_set(name)``.

    ``constrained`` sets also carry ``pdf_type`` ("normal" or "poisson") and their ``auxdata``."""

    def __init__(self, name, modifier_type, init, bounds, fixed, is_scalar, auxdata):
        self.name = name
        self.modifier_type = modifier_type
        self.n_parameters = len(init)
        self.suggested_init = list(init)
        self.suggested_bounds = [tuple(pair) for pair in bounds]
        self.suggested_fixed = list(fixed)
        self.is_scalar = is_scalar
        pdf_type = _PDF_TYPE.get(modifier_type)
        self.constrained = pdf_type is not None
        if self.constrained:
            self.pdf_type = pdf_type
            self.auxdata = list(auxdata)

    @property
    def suggested_fixed_as_bool(self) -> bool:
        """The fixed flags as one bool when they agree (pyhf's compression; RuntimeError when they do not)."""
        first = self.suggested_fixed[0]
        if any(flag != first for flag in self.suggested_fixed):
            raise RuntimeError(f"{self.suggested_fixed} is neither all-True nor all-False, so not compressible")
        return first

    def __repr__(self):
        kind = f"constrained by {self.pdf_type}" if self.constrained else "unconstrained"
        return f"<ParamSet {self.name!r}: {self.n_parameters} parameter(s), {kind}>"


def _modifier_types_from_inputs(input_names):
    """Parameter name -> modifier type, from libneos' input names ("channel/sample/type/name..."), for models built
    without a spec (simplemodels). Modifiers without input numbers (normfactor, shapefactor, lumi) do not appear."""
    types = {}
    for name in input_names:
        parts = name.split("/")
        if len(parts) >= 4:
            types.setdefault(parts[3].split("[")[0], parts[2])
    return types


class ModelConfig(_ChannelSummary):
    """pyhf's ``model.config`` (``pyhf.pdf._ModelConfig``): parameter bookkeeping and suggestions."""

    def __init__(self, model: Model, modifier_settings):
        metadata = read_json(lib.neos_model_metadata_json, model)
        n_pars, n_main, n_aux, n_inputs = (ctypes.c_size_t() for _ in range(4))
        poi_index = ctypes.c_int64()
        check(
            lib.neos_model_sizes(
                model,
                ctypes.byref(n_pars),
                ctypes.byref(n_main),
                ctypes.byref(n_aux),
                ctypes.byref(n_inputs),
                ctypes.byref(poi_index),
            )
        )
        self._model = model
        self.npars = n_pars.value
        self._nmaindata = n_main.value
        self.ninputs = n_inputs.value
        self._poi_index = None if poi_index.value < 0 else poi_index.value
        self._poi_name = metadata["poi_name"]
        self._par_order = list(metadata["par_order"])
        self._par_names = list(metadata["par_names"])
        self.input_names = metadata["input_names"]
        self.modifier_settings = modifier_settings
        channels = list(metadata["channels"])
        nbins = {name: int(bins) for name, bins in zip(channels, metadata["channel_nbins"])}
        slices, begin = {}, 0
        for name in channels:
            slices[name] = slice(begin, begin + nbins[name])
            begin += nbins[name]
        self._channels, self._samples, self._channel_nbins, self._channel_slices = (
            channels,
            list(metadata["samples"]),
            nbins,
            slices,
        )

        init = np.empty(self.npars)
        bounds = np.empty(2 * self.npars)
        fixed = np.empty(self.npars, dtype=np.bool_)
        aux = np.empty(n_aux.value)
        check(
            lib.neos_model_suggested(
                model,
                pointer(init),
                init.size,
                pointer(bounds),
                bounds.size,
                bool_pointer(fixed),
                fixed.size,
                pointer(aux),
                aux.size,
            )
        )
        self._init = init.tolist()
        self._bounds = [tuple(pair) for pair in bounds.reshape(-1, 2).tolist()]
        self._fixed = [bool(flag) for flag in fixed]
        self._auxdata = aux.tolist()

        self.parameters = sorted(self._par_order)
        self._par_map = None
        self._slices, start = {}, 0
        for name in self._par_order:
            count = sum(1 for full in self._par_names if full == name or full.startswith(name + "["))
            self._slices[name] = slice(start, start + count)
            start += count

    @property
    def modifiers(self) -> list[tuple[str, str]]:
        return self._model._structure()[1]

    def _build_par_map(self):
        modifier_types = self._model._structure()[0]
        # pyhf's par_map: each parameter set's slice of the parameter vector and its paramset. Constrained sets
        # take their auxdata in par_order, one number per parameter (pyhf's auxdata_order).
        par_map = {}
        auxdata_order = []
        aux_start = 0
        for name in self._par_order:
            where = self._slices[name]
            count = where.stop - where.start
            is_scalar = name in self._par_names
            modifier_type = modifier_types.get(name, "normfactor" if is_scalar else "shapefactor")
            constrained = _PDF_TYPE.get(modifier_type) is not None
            auxdata = self._auxdata[aux_start : aux_start + count] if constrained else []
            if constrained:
                auxdata_order.append(name)
                aux_start += count
            paramset = ParamSet(
                name, modifier_type, self._init[where], self._bounds[where], self._fixed[where], is_scalar, auxdata
            )
            par_map[name] = {"slice": where, "paramset": paramset}
        if aux_start != len(self._auxdata):
            raise InvalidArgument(
                f"the constrained parameter sets {auxdata_order} cover {aux_start} auxiliary data, the model "
                f"has {len(self._auxdata)}: a modifier type is missing from the model's bookkeeping"
            )
        self._par_map, self._auxdata_order = par_map, auxdata_order

    @property
    def par_map(self) -> dict:
        """pyhf's parameter map: name -> {"slice": its slice of the parameters, "paramset": its ParamSet}."""
        if self._par_map is None:
            self._build_par_map()
        return self._par_map

    @property
    def auxdata_order(self) -> list[str]:
        """The constrained parameter sets, in the order their auxdata come."""
        if self._par_map is None:
            self._build_par_map()
        return self._auxdata_order

    @property
    def par_order(self) -> list[str]:
        return self._par_order

    @property
    def par_names(self) -> list[str]:
        return self._par_names

    @property
    def poi_name(self) -> str | None:
        return self._poi_name

    @property
    def poi_index(self) -> int | None:
        return self._poi_index

    @property
    def auxdata(self) -> list[float]:
        return self._auxdata

    @property
    def nmaindata(self) -> int:
        return self._nmaindata

    @property
    def nauxdata(self) -> int:
        return len(self._auxdata)

    def suggested_init(self) -> list[float]:
        return list(self._init)

    def suggested_bounds(self) -> list[tuple[float, float]]:
        return list(self._bounds)

    def suggested_fixed(self) -> list[bool]:
        return list(self._fixed)

    def par_slice(self, name: str) -> slice:
        """The slice of the parameter vector that the parameter set ``name`` occupies (KeyError if none)."""
        return self._slices[name]

    def param_set(self, name: str) -> ParamSet:
        """The parameter set ``name`` (KeyError if none)."""
        return self.par_map[name]["paramset"]

    def set_poi(self, name: str | None) -> None:
        """Make ``name`` the parameter of interest (``None``: no POI), as pyhf. libneos' inference reads the POI
        from the model, so the model is rebuilt around the new one."""
        if name is not None:
            if name not in self.parameters:
                raise _pyhf_error("InvalidModel")(
                    f"The parameter of interest '{name}' cannot be fit as it is not declared in the model specification."
                )
            if self.par_slice(name).stop - self.par_slice(name).start > 1:
                raise _pyhf_error("InvalidModel")(
                    f"The parameter '{name}' contains multiple components and is not currently supported as "
                    "parameter of interest."
                )
        if name == self._poi_name:
            return
        self._model._set_poi(name)
        self._poi_name = name
        self._poi_index = None if name is None else self.par_slice(name).start


class LogpdfGradients(NamedTuple):
    pars: np.ndarray
    data: np.ndarray
    inputs: np.ndarray


class ExpectedDataGradients(NamedTuple):
    pars: np.ndarray
    inputs: np.ndarray


def _model_options(config_kwargs, poi_default="mu"):
    """pyhf's Model config keywords, popped from ``config_kwargs``; anything left over is pyhf's Unsupported."""
    options = {
        "schema": config_kwargs.pop("schema", "model.json"),
        "version": config_kwargs.pop("version", None),
        "poi_name": config_kwargs.pop("poi_name", poi_default),
        "modifier_settings": config_kwargs.pop("modifier_settings", None),
    }
    _unsupported(config_kwargs)
    if options["poi_name"] == "":
        options["poi_name"] = None
    return options


def _check_build_options(modifier_set, clip_sample_data, clip_bin_data) -> None:
    # pyhf keywords whose behaviour libneos does not have: refused rather than ignored.
    for name, value in (
        ("modifier_set", modifier_set),
        ("clip_sample_data", clip_sample_data),
        ("clip_bin_data", clip_bin_data),
    ):
        if value is not None:
            raise _pyhf_error("Unsupported")(
                f"{name} is not supported by neos_swift: libneos builds pyhf's HistFactory modifiers without clipping."
            )


def _native_model(spec, poi_name, modifier_settings) -> ctypes.c_void_p:
    handle = ctypes.c_void_p()
    check(
        lib.neos_model_from_json(
            _json_text(spec),
            None if poi_name is None else c_string(poi_name, "poi_name"),
            _settings_text(modifier_settings),
            ctypes.byref(handle),
        )
    )
    return handle


def _rebuild_model(spec, config):
    return Model(spec, **config)


class Model(Handle):
    """A HistFactory model: ``pyhf.Model(spec, batch_size=None, validate=True, poi_name="mu",
    modifier_settings=None)``. Immutable (except ``config.set_poi``) and safe to share between threads.

    With ``batch_size=N`` the parameters are ``N`` rows (shape ``(N, npars)``) and ``logpdf`` returns shape ``(N,)``
    and ``expected_data`` shape ``(N, len)``, as pyhf's batched models; libneos evaluates row by row."""

    _free_name = "neos_model_free"

    def __init__(
        self,
        spec,
        modifier_set=None,
        batch_size=None,
        validate: bool = True,
        clip_sample_data=None,
        clip_bin_data=None,
        **config_kwargs,
    ):
        if isinstance(spec, ctypes.c_void_p):
            # A handle from a libneos constructor (simplemodels); Model._from_handle is the spelling to use.
            if modifier_set is not None or batch_size is not None or config_kwargs:
                raise TypeError("Model(handle) takes no options; use Model(spec, ...)")
            self._setup(spec, None, None, None)
            return
        _check_build_options(modifier_set, clip_sample_data, clip_bin_data)
        options = _model_options(config_kwargs)
        spec = copy.deepcopy(spec)
        handle = _native_model(spec, options["poi_name"], options["modifier_settings"])
        self._setup(handle, spec, None, options["modifier_settings"], batch_size=batch_size)
        self.schema, self.version, self.validate = options["schema"], options["version"], validate

    @classmethod
    def _from_handle(
        cls, handle, spec=None, structure=None, modifier_settings=None, batch_size=None, lazy_spec=None
    ) -> Model:
        """A Model owning a handle made by libneos. ``spec`` (or ``lazy_spec``, a function returning it) is the
        model spec it was built from, when known; ``structure`` the modifier bookkeeping of a model it derives
        from (``with_inputs``)."""
        model = cls.__new__(cls)
        model._setup(handle, spec, structure, modifier_settings, batch_size=batch_size, lazy_spec=lazy_spec)
        return model

    def _setup(self, handle, spec, structure, modifier_settings, batch_size=None, lazy_spec=None) -> None:
        super().__init__(handle)
        self.batch_size = batch_size
        self.schema, self.version, self.validate = "model.json", None, True
        self._spec, self._lazy_spec = spec, lazy_spec
        self._modifier_settings = modifier_settings
        self._structure_cache = structure
        self.config = ModelConfig(self, modifier_settings if modifier_settings is not None else _DEFAULT_SETTINGS)

    def _structure(self):
        """(parameter name -> modifier type, pyhf's sorted (name, type) modifier list), from the spec when the
        model has one, else from libneos' input names (simplemodels: modifiers without numbers are factors)."""
        if self._structure_cache is None:
            if self._spec is not None or self._lazy_spec is not None:
                modifiers = _summary(self.spec["channels"])[2]
                types = {}
                for name, kind in modifiers:
                    types.setdefault(name, kind)
            else:
                types = _modifier_types_from_inputs(self.config.input_names)
                for name in self.config.par_order:
                    types.setdefault(name, "normfactor" if name in self.config.par_names else "shapefactor")
                modifiers = sorted(types.items())
            self._structure_cache = (types, modifiers)
        return self._structure_cache

    def _set_poi(self, name) -> None:
        handle = _native_model(self.spec, name, self._modifier_settings)
        Handle.__init__(self, handle)

    @property
    def spec(self) -> dict:
        """The model spec ({"channels", "parameters"}) the model was built from, patches applied."""
        if self._spec is None and self._lazy_spec is not None:
            self._spec = self._lazy_spec()
        if self._spec is None:
            raise AttributeError("this model was built by libneos directly (simplemodels, with_inputs): it has no spec")
        return self._spec

    def __reduce__(self):
        config = {"poi_name": self.config.poi_name, "batch_size": self.batch_size}
        if self._modifier_settings is not None:
            config["modifier_settings"] = self._modifier_settings
        return (_rebuild_model, (self.spec, config))

    def _pars(self, pars) -> np.ndarray:
        return as_doubles(pars, "pars")

    def _data(self, data) -> np.ndarray:
        return as_doubles(data, "data")

    def _batch(self, pars, data=None):
        """The rows of a batched call: pars of shape (batch_size, npars), data one row per batch or shared."""
        pars = np.ascontiguousarray(pars, dtype=np.float64)
        if pars.ndim != 2 or pars.shape[0] != self.batch_size:
            raise InvalidArgument(f"pars must have shape ({self.batch_size}, npars) for batch_size={self.batch_size}")
        if data is None:
            return pars, None
        data = np.ascontiguousarray(data, dtype=np.float64)
        if data.ndim == 1:
            data = np.broadcast_to(data, (self.batch_size, data.size))
        if data.ndim != 2 or data.shape[0] != self.batch_size:
            raise InvalidArgument(
                f"data must have shape ({self.batch_size}, n) or (n,) for batch_size={self.batch_size}"
            )
        return pars, np.ascontiguousarray(data)

    def _logpdf_row(self, pars, data) -> float:
        pars, data = self._pars(pars), self._data(data)
        out = ctypes.c_double()
        check(lib.neos_model_logpdf(self, pointer(pars), pars.size, pointer(data), data.size, ctypes.byref(out)))
        return out.value

    def logpdf(self, pars, data) -> np.ndarray:
        """log L(pars | data), as pyhf: shape (1,), or (batch_size,) for a batched model. ``data`` = main bins
        then auxdata."""
        if self.batch_size is None:
            return np.array([self._logpdf_row(pars, data)])
        pars, data = self._batch(pars, data)
        return np.array([self._logpdf_row(row, row_data) for row, row_data in zip(pars, data)])

    def pdf(self, pars, data) -> np.ndarray:
        return np.exp(self.logpdf(pars, data))

    def _expected_row(self, pars, include_auxdata) -> np.ndarray:
        pars = self._pars(pars)
        out = np.empty(self.config.nmaindata + (self.config.nauxdata if include_auxdata else 0))
        check(
            lib.neos_model_expected_data(self, pointer(pars), pars.size, bool(include_auxdata), pointer(out), out.size)
        )
        return out

    def expected_data(self, pars, include_auxdata=True) -> np.ndarray:
        if self.batch_size is None:
            return self._expected_row(pars, include_auxdata)
        pars, _ = self._batch(pars)
        return np.stack([self._expected_row(row, include_auxdata) for row in pars])

    def expected_actualdata(self, pars) -> np.ndarray:
        return self.expected_data(pars, include_auxdata=False)

    def expected_auxdata(self, pars) -> np.ndarray:
        return self.expected_data(pars)[..., self.config.nmaindata :]

    def nll_gradient(self, pars, data) -> np.ndarray:
        """Exact ∇ of NLL = −logpdf with respect to the parameters."""
        pars, data = self._pars(pars), self._data(data)
        out = np.empty(self.config.npars)
        check(
            lib.neos_model_nll_derivatives(
                self, pointer(pars), pars.size, pointer(data), data.size, pointer(out), out.size, None, 0
            )
        )
        return out

    def nll_hessian(self, pars, data) -> np.ndarray:
        """Exact ∇² of NLL = −logpdf with respect to the parameters, shape (npars, npars)."""
        pars, data = self._pars(pars), self._data(data)
        out = np.empty(self.config.npars**2)
        check(
            lib.neos_model_nll_derivatives(
                self, pointer(pars), pars.size, pointer(data), data.size, None, 0, pointer(out), out.size
            )
        )
        return out.reshape(self.config.npars, self.config.npars)

    def inputs(self) -> tuple[list[str], np.ndarray]:
        """``(names, values)``: every number the model was built from, flattened."""
        out = np.empty(self.config.ninputs)
        check(lib.neos_model_inputs(self, pointer(out), out.size))
        return list(self.config.input_names), out

    def with_inputs(self, values) -> Model:
        """The same model built from new input numbers (aligned with ``inputs()[1]``), without re-parsing."""
        values = as_doubles(values, "values")
        handle = ctypes.c_void_p()
        check(lib.neos_model_with_inputs(self, pointer(values), values.size, ctypes.byref(handle)))
        return Model._from_handle(
            handle, structure=self._structure(), modifier_settings=self._modifier_settings, batch_size=self.batch_size
        )

    def logpdf_vjp(self, pars, data) -> LogpdfGradients:
        """Gradient of logpdf with respect to the parameters, the data and the model's inputs."""
        pars, data = self._pars(pars), self._data(data)
        grad_pars, grad_data, grad_inputs = np.empty(pars.size), np.empty(data.size), np.empty(self.config.ninputs)
        check(
            lib.neos_model_logpdf_gradient(
                self,
                pointer(pars),
                pars.size,
                pointer(data),
                data.size,
                pointer(grad_pars),
                grad_pars.size,
                pointer(grad_data),
                grad_data.size,
                pointer(grad_inputs),
                grad_inputs.size,
            )
        )
        return LogpdfGradients(grad_pars, grad_data, grad_inputs)

    def expected_data_vjp(self, cotangent, pars, include_auxdata=True) -> ExpectedDataGradients:
        """Gradient of ``cotangent · expected_data(pars)`` with respect to the parameters and the inputs."""
        cotangent, pars = as_doubles(cotangent, "cotangent"), self._pars(pars)
        grad_pars, grad_inputs = np.empty(pars.size), np.empty(self.config.ninputs)
        check(
            lib.neos_model_expected_data_vjp(
                self,
                pointer(pars),
                pars.size,
                bool(include_auxdata),
                pointer(cotangent),
                cotangent.size,
                pointer(grad_pars),
                grad_pars.size,
                pointer(grad_inputs),
                grad_inputs.size,
            )
        )
        return ExpectedDataGradients(grad_pars, grad_inputs)


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
