"""pyhf.pdf: the HistFactory model class and its configuration (pyhf 0.7.6's public names).

A pyhf user changes only the import: ``neos_swift.Model(spec)`` (and ``Workspace.model()``) gives models whose
``config``, ``logpdf`` and ``expected_data`` behave as pyhf 0.7.6's, and which can also be rebuilt from new input
numbers (``with_inputs``) and differentiated with respect to them. The numbers (parameter suggestions, auxiliary
data, likelihoods) all come from libneos; what is computed here is pyhf's naming and ordering bookkeeping.
"""

from __future__ import annotations

import copy
import ctypes
import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from neos_swift import probability
from neos_swift._arguments import as_float_array
from neos_swift._handles import Handle, read_json
from neos_swift._library import CONSTRAINT_PDF_TYPES, as_doubles, bool_pointer, c_string, lib, pointer
from neos_swift.errors import ArgumentTypeError, InvalidArgument, check
from neos_swift.mixins import _ChannelSummary, _ChannelSummaryMixin, _slices, _summary
from neos_swift.parameters import paramsets

__all__ = ["Model", "_ModelConfig"]


def __dir__():
    return __all__


# pyhf's model logs its clipping under its own logger name.
if TYPE_CHECKING:
    from numpy.typing import ArrayLike

log = logging.getLogger("pyhf.pdf")

_DEFAULT_SETTINGS = {"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}}


def _pyhf_error(name: str) -> type[Exception]:
    """pyhf's exception class ``name`` (neos_swift.exceptions mirrors pyhf.exceptions)."""
    from neos_swift import exceptions

    return getattr(exceptions, name)


def _tensor_as_json(value):
    # Specs may hold tensors (pyhf accepts them): NumPy and JAX arrays and scalars become JSON lists and numbers.
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_text(value, name="json") -> bytes:
    if isinstance(value, str):
        return c_string(value, name)
    try:
        text = json.dumps(value, default=_tensor_as_json)
    except (TypeError, ValueError) as error:  # an object JSON has no form for; a circular reference
        raise ArgumentTypeError(f"{name} must be a JSON document (dict, list or JSON text): {error}") from None
    return c_string(text, name)


def _settings_text(modifier_settings) -> bytes | None:
    return None if modifier_settings is None else _json_text(modifier_settings)


def _unsupported(options) -> None:
    if options:
        raise _pyhf_error("Unsupported")(f"keyword arguments the model does not take: {sorted(options)}")


def _paramset(name, pdf_type, init, bounds, fixed, is_scalar, auxdata, widths, has_sigmas, bounds_configured):
    """pyhf's parameter set object for one of the model's parameter sets, from libneos' constraint of it
    (``pdf_type`` and ``widths`` from neos_model_constraint_widths): ``constrained_by_normal`` (with ``sigmas``
    where pyhf's set has them: staterror, lumi with configured sigmas), ``constrained_by_poisson`` (shapesys: its
    ``factors`` are libneos' tau) or ``unconstrained``. Bounds are (lower, upper) tuples, or [lower, upper] lists
    where the spec's parameter config set them (pyhf keeps the configured lists)."""
    common = {
        "name": name,
        "n_parameters": len(init),
        "inits": list(init),
        "bounds": [(list if bounds_configured else tuple)(pair) for pair in bounds],
        "fixed": list(fixed),
        "is_scalar": is_scalar,
    }
    if pdf_type == "normal":
        sigmas = list(widths) if has_sigmas else None
        return paramsets.constrained_by_normal(**common, auxdata=list(auxdata), sigmas=sigmas)
    if pdf_type == "poisson":
        return paramsets.constrained_by_poisson(**common, auxdata=list(auxdata), factors=list(widths))
    return paramsets.unconstrained(**common)


def _modifier_types_from_inputs(input_names):
    """Parameter name -> modifier type, from libneos' input names ("channel/sample/type/name..."), for models built
    without a spec (simplemodels). Modifiers without input numbers (normfactor, shapefactor, lumi) do not appear."""
    types = {}
    for name in input_names:
        parts = name.split("/")
        if len(parts) >= 4:
            types.setdefault(parts[3].split("[")[0], parts[2])
    return types


class ModelConfig(_ChannelSummaryMixin):
    """pyhf's ``model.config`` (``pyhf.pdf._ModelConfig``): parameter bookkeeping and suggestions.

    ``_ModelConfig(spec, modifier_settings=...)`` builds the configuration of a spec's channels as pyhf's does
    (a workspace spec will do), without a POI until ``set_poi``; any other keyword is pyhf's ``Unsupported``. A model makes its own with
    ``ModelConfig._of``."""

    def __init__(self, spec: Mapping[str, Any], **config_kwargs: Any) -> None:
        settings = config_kwargs.pop("modifier_settings", None)
        _unsupported(config_kwargs)
        # pyhf's configuration reads the channels (a workspace spec will do); libneos also needs the parameter
        # configs of modifiers without defaults (lumi), which a model spec carries.
        channels = {"channels": spec["channels"], "parameters": spec.get("parameters", [])}
        model = Model(channels, validate=False, poi_name=None, modifier_settings=settings)
        self.__dict__.update(model.config.__dict__)

    @classmethod
    def _of(cls, model: Model, modifier_settings) -> ModelConfig:
        config = cls.__new__(cls)
        config._read(model, modifier_settings)
        return config

    def _read(self, model: Model, modifier_settings) -> None:
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
        self._set_summary(
            _ChannelSummary(
                channels=channels,
                samples=list(metadata["samples"]),
                modifiers=[],  # not read: ModelConfig.modifiers comes from the model's structure
                channel_nbins=nbins,
                channel_slices=_slices(nbins),
            )
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
        """pyhf's modifier list: every (name, type) pair of the model's modifiers, once each, sorted."""
        return self._model._structure()[1]

    def _constraint_widths(self) -> tuple[list[str | None], list[float]]:
        """(pyhf's pdf_type, width) of every parameter, from libneos' constraint terms: sigma for normal
        constraints, tau (pyhf's factors) for Poisson ones, 0 for unconstrained parameters."""
        kinds = np.empty(self.npars, dtype=np.int32)
        widths = np.empty(self.npars)
        check(
            lib.neos_model_constraint_widths(
                self._model,
                kinds.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                kinds.size,
                pointer(widths),
                widths.size,
            )
        )
        return [CONSTRAINT_PDF_TYPES[int(kind)] for kind in kinds], widths.tolist()

    def _build_par_map(self):
        modifier_types, _, configured = self._model._structure()
        pdf_types, widths = self._constraint_widths()
        # pyhf's par_map: each parameter set's slice of the parameter vector and its paramset. Constrained sets
        # take their auxdata in par_order, one number per parameter (pyhf's auxdata_order).
        par_map = {}
        auxdata_order = []
        aux_start = 0
        for name in self._par_order:
            where = self._slices[name]
            count = where.stop - where.start
            pdf_type = pdf_types[where.start] if count else None
            if any(kind != pdf_type for kind in pdf_types[where]):
                raise InvalidArgument(f"libneos reports more than one constraint kind for the parameter set {name}")
            auxdata = self._auxdata[aux_start : aux_start + count] if pdf_type is not None else []
            if pdf_type is not None:
                auxdata_order.append(name)
                aux_start += count
            # pyhf's normal sets carry sigmas only where a width is defined for them: staterror's per-bin
            # uncertainties and a lumi's configured sigmas (normsys, histosys and a lumi without them have width 1).
            keys = configured.get(name, frozenset())
            has_sigmas = modifier_types.get(name) == "staterror" or "sigmas" in keys
            paramset = _paramset(
                name,
                pdf_type,
                self._init[where],
                self._bounds[where],
                self._fixed[where],
                name in self._par_names,
                auxdata,
                widths[where],
                has_sigmas,
                "bounds" in keys,
            )
            par_map[name] = {"slice": where, "paramset": paramset}
        if aux_start != len(self._auxdata):
            raise InvalidArgument(
                f"the constrained parameter sets {auxdata_order} cover {aux_start} auxiliary data, the model "
                f"has {len(self._auxdata)}"
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
        """The parameter-set names in the order their parameters take in the parameter vector."""
        return self._par_order

    @property
    def par_names(self) -> list[str]:
        """One name per parameter: the set's name for scalar sets, ``name[i]`` for the i-th of a vector set."""
        return self._par_names

    @property
    def poi_name(self) -> str | None:
        """The name of the parameter of interest, ``None`` without one."""
        return self._poi_name

    @property
    def poi_index(self) -> int | None:
        """The POI's index in the parameter vector, ``None`` without a POI."""
        return self._poi_index

    @property
    def auxdata(self) -> list[float]:
        """The auxiliary data of the constraint terms, in ``auxdata_order``: the tail of every data vector."""
        return self._auxdata

    @property
    def nmaindata(self) -> int:
        """The number of main-data bins, over all channels."""
        return self._nmaindata

    @property
    def nauxdata(self) -> int:
        """The number of auxiliary data."""
        return len(self._auxdata)

    def _from_param_sets(self, attribute: str, cached: list) -> list:
        # pyhf assembles the suggestions from the parameter sets on every call, so a user's change to a set
        # (config.param_set("mu").suggested_fixed = [True]) is what fits see. Until the sets exist (par_map is
        # built on first use) the suggestions are libneos' own.
        if self._par_map is None:
            return list(cached)
        return [value for name in self._par_order for value in getattr(self._par_map[name]["paramset"], attribute)]

    def suggested_init(self) -> list[float]:
        """The initial value of every parameter, as fits start from it (a new list each call)."""
        return self._from_param_sets("suggested_init", self._init)

    def suggested_bounds(self) -> list[tuple[float, float]]:
        """The (lower, upper) bounds of every parameter in fits (a new list each call)."""
        return self._from_param_sets("suggested_bounds", self._bounds)

    def suggested_fixed(self) -> list[bool]:
        """Whether each parameter is held at its initial value in fits (a new list each call)."""
        return self._from_param_sets("suggested_fixed", self._fixed)

    def par_slice(self, name: str) -> slice:
        """The slice of the parameter vector that the parameter set ``name`` occupies (KeyError if none)."""
        return self._slices[name]

    def param_set(self, name: str) -> paramsets.paramset:
        """The parameter set ``name`` (KeyError if none)."""
        return self.par_map[name]["paramset"]

    def set_poi(self, name: str | None) -> None:
        """Make ``name`` the parameter of interest (``None``: no POI), as pyhf. libneos' inference reads the POI
        from the model, so the model is rebuilt around the new one."""
        if name is not None:
            if name not in self.parameters:
                raise _pyhf_error("InvalidModel")(
                    f"no parameter named '{name}' in the model, so it cannot be the parameter of interest"
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
    """``Model.logpdf_vjp``'s result: the gradient of logpdf with respect to the parameters (``pars``, one entry
    each), the data (``data``, main bins then auxdata) and the model's input numbers (``inputs``, aligned with
    ``Model.inputs()``)."""

    pars: np.ndarray
    data: np.ndarray
    inputs: np.ndarray


class ExpectedDataGradients(NamedTuple):
    """``Model.expected_data_vjp``'s result: the gradient of ``cotangent · expected_data`` with respect to the
    parameters (``pars``) and the model's input numbers (``inputs``, aligned with ``Model.inputs()``)."""

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


def _check_build_options(modifier_set, clip_sample_data, clip_bin_data) -> tuple[float | None, float | None]:
    """Refuses ``modifier_set`` (libneos builds pyhf's HistFactory modifiers only) and returns the clipping bounds
    as floats (None: off), logging pyhf's warnings for them."""
    if modifier_set is not None:
        raise _pyhf_error("Unsupported")(
            "modifier_set is not supported by neos_swift: libneos builds pyhf's HistFactory modifiers."
        )
    bounds = []
    for name, value in (("clip_sample_data", clip_sample_data), ("clip_bin_data", clip_bin_data)):
        if value is not None:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise InvalidArgument(f"{name} must be a number or None, got {value!r}") from None
        bounds.append(value)
    if bounds[0] is not None:
        log.warning(f"Clipping expected data per-bin for each sample below {bounds[0]}")
    if bounds[1] is not None:
        log.warning(f"Clipping expected data per-bin below {bounds[1]}")
    return bounds[0], bounds[1]


def _with_clipping(handle, clipping) -> ctypes.c_void_p:
    """``handle`` itself without clipping; otherwise a clipped model derived from it by libneos (``handle`` is
    freed either way, so a refusal leaks nothing)."""
    if clipping == (None, None):
        return handle
    sample, bin_ = (None if value is None else ctypes.c_double(value) for value in clipping)
    clipped = ctypes.c_void_p()
    try:
        check(
            lib.neos_model_with_clipping(
                handle,
                None if sample is None else ctypes.pointer(sample),
                None if bin_ is None else ctypes.pointer(bin_),
                ctypes.byref(clipped),
            )
        )
    finally:
        lib.neos_model_free(handle)
    return clipped


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


def _validate_spec(spec, schema_name, version) -> None:
    """pyhf's schema check of a model spec (``InvalidSpecification`` when it does not conform; JSON text is read
    first). ``schema.validate`` is looked up when called, as pyhf's is (pyhf's tests replace it with a mock)."""
    from neos_swift import schema

    schema.validate(json.loads(spec) if isinstance(spec, str) else spec, schema_name, version=version)


# The members of a model spec that pyhf's model reads, by the object they are in (pyhf's model.json schema).
_SPEC_MEMBERS = {
    "model": ("channels", "parameters"),
    "channel": ("name", "samples"),
    "sample": ("name", "data", "modifiers"),
    "modifier": ("name", "type", "data"),
    "parameter": ("name", "inits", "bounds", "auxdata", "factors", "sigmas", "fixed"),
}


def _members_pyhf_reads(spec):
    """``spec`` without the object members pyhf's model does not read (what an unchecked pyhf model ignores).
    Values of the wrong kind, and modifier types pyhf does not have, are left for libneos to refuse (an unknown
    type is pyhf's InvalidModifier through libneos' error reason)."""

    def keep(value, kind):
        if not isinstance(value, dict):
            return value
        return {key: item for key, item in value.items() if key in _SPEC_MEMBERS[kind]}

    def each(values, kind, inner=None):
        if not isinstance(values, list):
            return values
        return [
            inner(keep(value, kind)) if inner and isinstance(value, dict) else keep(value, kind) for value in values
        ]

    def sample(value):
        return {**value, "modifiers": each(value["modifiers"], "modifier")} if "modifiers" in value else value

    def channel(value):
        return {**value, "samples": each(value["samples"], "sample", sample)} if "samples" in value else value

    spec = keep(spec, "model")
    if not isinstance(spec, dict):
        return spec
    if "channels" in spec:
        spec["channels"] = each(spec["channels"], "channel", channel)
    if "parameters" in spec:
        spec["parameters"] = each(spec["parameters"], "parameter")
    return spec


def _rebuild_model(spec, config, checks=None):
    """A pickled model rebuilt from its spec: the schema check already ran when it was first built, so it is not
    repeated; ``checks`` restores its ``validate``, ``schema`` and ``version``."""
    model = Model(spec, **config)
    if checks is not None:
        model.validate, model.schema, model.version = checks
    return model


class _DataView:
    """Splits the last axis of a tensor into index groups and stitches such parts back (what pyhf's Simultaneous
    distributions need of a tensor viewer): ``split(x)[k] = x[..., groups[k]]``; ``stitch`` is its inverse."""

    def __init__(self, groups, batch_size=None):
        self.groups = [np.asarray(group, dtype=np.int64) for group in groups]
        self.batch_size = batch_size
        self._size = sum(group.size for group in self.groups)

    def split(self, data, selection=None):
        data = np.asarray(data, dtype=np.float64)
        return [data[..., group] for group in self.groups]

    def stitch(self, parts):
        parts = [np.asarray(part, dtype=np.float64) for part in parts]
        lead = np.broadcast_shapes(*(part.shape[:-1] for part in parts))
        out = np.empty((*lead, self._size))
        for group, part in zip(self.groups, parts):
            out[..., group] = part
        return out


class _MainModel:
    """pyhf's ``model.main_model``: the Poisson terms of the main bins, with libneos' expected rates."""

    def __init__(self, model: Model):
        self._model = model
        self.batch_size = model.batch_size

    @property
    def clip_sample_data(self) -> float | None:
        """The lower bound of every sample's expected count in every bin (pyhf's option), None when off."""
        return self._model._clipping[0]

    @property
    def clip_bin_data(self) -> float | None:
        """The lower bound of every main bin's expected count (pyhf's option), None when off."""
        return self._model._clipping[1]

    @property
    def config(self) -> ModelConfig:
        return self._model.config

    def has_pdf(self) -> bool:
        """The main model always has a density."""
        return True

    def expected_data(self, pars: ArrayLike, return_by_sample: bool = False) -> np.ndarray:
        """The expected main-bin rates at ``pars``: shape ``(nmaindata,)`` (``(batch, nmaindata)`` batched). With
        ``return_by_sample`` each sample's rates, in ``config.samples`` order: ``(nsamples, nmaindata)``
        (``(batch, nsamples, nmaindata)`` batched), summing to the rates."""
        if not return_by_sample:
            return self._model.expected_data(pars, include_auxdata=False)
        if self.batch_size is None:
            return self._model._rates_by_sample(pars)
        pars, _ = self._model._batch(pars)
        return np.stack([self._model._rates_by_sample(row) for row in pars])

    def make_pdf(self, pars: ArrayLike) -> probability.Independent:
        """The joint Poisson distribution of the main bins at ``pars``."""
        return probability.Independent(probability.Poisson(self.expected_data(pars)), batch_size=self.batch_size)

    def logpdf(self, maindata: ArrayLike, pars: ArrayLike) -> np.ndarray:
        """The main bins' log-likelihood: the sum of their Poisson log-densities at ``maindata``."""
        return self.make_pdf(pars).log_prob(maindata)


class _ConstraintModel:
    """pyhf's ``model.constraint_model``: the constraint terms of the auxiliary data. Normal terms have their
    means, Poisson terms their rates, from libneos' expected auxiliary data; the widths are the parameter sets'."""

    def __init__(self, model: Model):
        self._model = model
        self.batch_size = model.batch_size
        self._layout = None

    @property
    def config(self) -> ModelConfig:
        return self._model.config

    def has_pdf(self) -> bool:
        """Whether the model has any constraint term (any auxiliary data)."""
        return self.config.nauxdata > 0

    def _terms(self):
        """(auxdata indices of Normal terms, their widths, auxdata indices of Poisson terms), from par_map."""
        if self._layout is None:
            normal, widths, poisson, start = [], [], [], 0
            for name in self.config.auxdata_order:
                paramset = self.config.param_set(name)
                indices = list(range(start, start + paramset.n_parameters))
                start += paramset.n_parameters
                if paramset.pdf_type == "normal":
                    normal.extend(indices)
                    widths.extend(paramset.width())
                else:
                    poisson.extend(indices)
            self._layout = (normal, np.asarray(widths, dtype=np.float64), poisson)
        return self._layout

    @property
    def constraints_tv(self) -> _DataView:
        """Where the Normal terms' and the Poisson terms' auxiliary data sit in the auxdata."""
        normal, _, poisson = self._terms()
        return _DataView([group for group in (normal, poisson) if group], self.batch_size)

    def make_pdf(self, pars: ArrayLike) -> probability.Simultaneous | None:
        """The joint distribution of the auxiliary data at ``pars`` (``None`` without constraints)."""
        if not self.has_pdf():
            return None
        expected = self._model.expected_data(pars)[..., self.config.nmaindata :]
        normal, widths, poisson = self._terms()
        parts = []
        if normal:
            loc = expected[..., normal]
            parts.append(
                probability.Independent(
                    probability.Normal(loc, np.broadcast_to(widths, loc.shape)), batch_size=self.batch_size
                )
            )
        if poisson:
            parts.append(
                probability.Independent(probability.Poisson(expected[..., poisson]), batch_size=self.batch_size)
            )
        return probability.Simultaneous(parts, self.constraints_tv, self.batch_size)

    def logpdf(self, auxdata: ArrayLike, pars: ArrayLike) -> np.ndarray:
        """The constraint terms' log-likelihood at ``auxdata``."""
        return self.make_pdf(pars).log_prob(auxdata)


class Model(Handle):
    """A HistFactory model: ``pyhf.Model(spec, batch_size=None, validate=True, clip_sample_data=None,
    clip_bin_data=None, poi_name="mu", modifier_settings=None)``. Immutable (except ``config.set_poi``) and safe
    to share between threads.

    ``clip_sample_data`` / ``clip_bin_data`` bound every sample's expected count in every bin, and every bin's
    total, from below, as pyhf's options do (docs/numerical-conventions.md): libneos clips the rates of every value,
    derivative and fit of the model, and pyhf's warnings are logged.

    As pyhf, the spec is checked against the JSON schema ``schema`` (default ``"model.json"``) of ``version``
    (default the current one) unless ``validate=False``: ``InvalidSpecification`` when it does not conform. libneos
    reads it first either way, and refuses what it cannot build with pyhf's class (``InvalidSpecification`` for
    the wrong shape, ``InvalidModifier``, ``InvalidModel``, ...); without validation, members pyhf does not read are
    ignored, as pyhf ignores them (and ``spec`` is the spec without them).

    With ``batch_size=N`` the parameters are ``N`` rows (shape ``(N, npars)``) and ``logpdf`` returns shape ``(N,)``
    and ``expected_data`` shape ``(N, len)``, as pyhf's batched models; libneos evaluates row by row."""

    _free_name = "neos_model_free"

    def __init__(
        self,
        spec: Mapping[str, Any],
        modifier_set: Any = None,
        batch_size: int | None = None,
        validate: bool = True,
        clip_sample_data: float | None = None,
        clip_bin_data: float | None = None,
        **config_kwargs: Any,
    ) -> None:
        if isinstance(spec, ctypes.c_void_p):
            # A handle from a libneos constructor (simplemodels); Model._from_handle is the spelling to use.
            if modifier_set is not None or batch_size is not None or config_kwargs:
                raise TypeError("Model(handle) takes no options; use Model(spec, ...)")
            self._setup(spec, None, None, None)
            return
        spec = copy.deepcopy(spec)
        if not validate:
            # Unchecked, pyhf reads only the members it knows and ignores the rest; libneos refuses unknown keys.
            spec = _members_pyhf_reads(json.loads(spec) if isinstance(spec, str) else spec)
        clipping = _check_build_options(modifier_set, clip_sample_data, clip_bin_data)
        options = _model_options(config_kwargs)
        # libneos reads the spec first (its refusals name the JSON path and carry pyhf's class, e.g.
        # InvalidModifier), then pyhf's schema check runs, as for a Workspace; the handle is freed if it fails.
        handle = _with_clipping(_native_model(spec, options["poi_name"], options["modifier_settings"]), clipping)
        self._setup(handle, spec, None, options["modifier_settings"], batch_size=batch_size, clipping=clipping)
        if validate:
            _validate_spec(spec, options["schema"], options["version"])
        self.schema, self.version, self.validate = options["schema"], options["version"], validate

    @classmethod
    def _from_handle(
        cls,
        handle,
        spec=None,
        structure=None,
        modifier_settings=None,
        batch_size=None,
        lazy_spec=None,
        clipping=(None, None),
    ) -> Model:
        """A Model owning a handle made by libneos. ``spec`` (or ``lazy_spec``, a function returning it) is the
        model spec it was built from, when known; ``structure`` the modifier bookkeeping of a model it derives
        from (``with_inputs``); ``clipping`` the (clip_sample_data, clip_bin_data) the handle was made with."""
        model = cls.__new__(cls)
        model._setup(
            handle, spec, structure, modifier_settings, batch_size=batch_size, lazy_spec=lazy_spec, clipping=clipping
        )
        return model

    def _setup(
        self, handle, spec, structure, modifier_settings, batch_size=None, lazy_spec=None, clipping=(None, None)
    ) -> None:
        super().__init__(handle)
        self._clipping = tuple(clipping)
        self._unclipped = None
        self.batch_size = batch_size
        self.schema, self.version, self.validate = "model.json", None, True
        self._spec, self._lazy_spec = spec, lazy_spec
        self._modifier_settings = modifier_settings
        self._structure_cache = structure
        self.config = ModelConfig._of(self, modifier_settings if modifier_settings is not None else _DEFAULT_SETTINGS)
        self.main_model = _MainModel(self)
        self.constraint_model = _ConstraintModel(self)
        self._sample_models = None

    def _structure(self):
        """(parameter name -> modifier type, pyhf's sorted (name, type) modifier list, parameter name -> the keys
        its parameter config in the spec sets, non-empty), from the spec when the model has one, else from libneos'
        input names (simplemodels: modifiers without numbers are factors, and there are no parameter configs)."""
        if self._structure_cache is None:
            configured = {}
            if self._spec is not None or self._lazy_spec is not None:
                modifiers = _summary(self.spec["channels"])[2]
                types = {}
                for name, kind in modifiers:
                    types.setdefault(name, kind)
                for parameter in self.spec.get("parameters", []):
                    configured[parameter["name"]] = frozenset(
                        key
                        for key, value in parameter.items()
                        if value is not None and not (hasattr(value, "__len__") and len(value) == 0)
                    )
            else:
                types = _modifier_types_from_inputs(self.config.input_names)
                for name in self.config.par_order:
                    types.setdefault(name, "normfactor" if name in self.config.par_names else "shapefactor")
                modifiers = sorted(types.items())
            self._structure_cache = (types, modifiers, configured)
        return self._structure_cache

    def _set_poi(self, name) -> None:
        handle = _with_clipping(_native_model(self.spec, name, self._modifier_settings), self._clipping)
        Handle.__init__(self, handle)
        self._unclipped = None

    @property
    def spec(self) -> dict:
        """The model spec ({"channels", "parameters"}) the model was built from, patches applied."""
        if self._spec is None and self._lazy_spec is not None:
            self._spec = self._lazy_spec()
        if self._spec is None:
            raise AttributeError("this model was built by libneos directly (simplemodels, with_inputs): it has no spec")
        return self._spec

    def __reduce__(self):
        config = {"poi_name": self.config.poi_name, "batch_size": self.batch_size, "validate": False}
        if self._modifier_settings is not None:
            config["modifier_settings"] = self._modifier_settings
        config["clip_sample_data"], config["clip_bin_data"] = self._clipping
        return (_rebuild_model, (self.spec, config, (self.validate, self.schema, self.version)))

    def _pars(self, pars) -> np.ndarray:
        return as_doubles(pars, "pars")

    def _data(self, data) -> np.ndarray:
        return as_doubles(data, "data")

    def _batch(self, pars, data=None):
        """The rows of a batched call: pars of shape (batch_size, npars), data one row per batch or shared."""
        pars = np.ascontiguousarray(as_float_array("pars", pars, ndim=None))  # a scalar as one entry
        if pars.ndim >= 1 and pars.shape[-1] != self.config.npars:
            # pyhf checks the last axis first, with its own classes (both are InvalidArgument here).
            raise _pyhf_error("InvalidPdfParameters")(
                f"pars rows hold {pars.shape[-1]} values; the model has {self.config.npars} parameters"
            )
        if pars.ndim != 2 or pars.shape[0] != self.batch_size:
            raise InvalidArgument(f"pars must have shape ({self.batch_size}, npars) for batch_size={self.batch_size}")
        if data is None:
            return pars, None
        data = np.ascontiguousarray(as_float_array("data", data, ndim=None))
        n_data = self.config.nmaindata + self.config.nauxdata
        if data.ndim >= 1 and data.shape[-1] != n_data:
            raise _pyhf_error("InvalidPdfData")(
                f"data rows hold {data.shape[-1]} values; the model has {n_data} (main data then auxdata)"
            )
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

    def logpdf(self, pars: ArrayLike, data: ArrayLike) -> np.ndarray:
        """log L(pars | data), as pyhf: shape (1,), or (batch_size,) for a batched model. ``data`` = main bins
        then auxdata."""
        if self.batch_size is None:
            return np.array([self._logpdf_row(pars, data)])
        pars, data = self._batch(pars, data)
        return np.array([self._logpdf_row(row, row_data) for row, row_data in zip(pars, data)])

    def pdf(self, pars: ArrayLike, data: ArrayLike) -> np.ndarray:
        """The likelihood L(pars | data) = exp(logpdf), with logpdf's shapes."""
        return np.exp(self.logpdf(pars, data))

    def _expected_row(self, pars, include_auxdata) -> np.ndarray:
        pars = self._pars(pars)
        out = np.empty(self.config.nmaindata + (self.config.nauxdata if include_auxdata else 0))
        check(
            lib.neos_model_expected_data(self, pointer(pars), pars.size, bool(include_auxdata), pointer(out), out.size)
        )
        return out

    def expected_data(self, pars: ArrayLike, include_auxdata: bool = True) -> np.ndarray:
        """The expected data at ``pars``: the main bins' rates, then (``include_auxdata``) the constraint terms'
        expected auxiliary data. Shape ``(n,)``, or ``(batch_size, n)`` for a batched model."""
        if self.batch_size is None:
            return self._expected_row(pars, include_auxdata)
        pars, _ = self._batch(pars)
        return np.stack([self._expected_row(row, include_auxdata) for row in pars])

    def expected_actualdata(self, pars: ArrayLike) -> np.ndarray:
        """The expected main-bin rates at ``pars`` (``expected_data`` without the auxiliary data)."""
        return self.expected_data(pars, include_auxdata=False)

    def expected_auxdata(self, pars: ArrayLike) -> np.ndarray:
        """The constraint terms' expected auxiliary data at ``pars`` (the tail of ``expected_data``)."""
        return self.expected_data(pars)[..., self.config.nmaindata :]

    @property
    def nominal_rates(self) -> np.ndarray:
        """Each sample's nominal rates (its input numbers) over all main bins, in pyhf's layout: shape
        ``(1, nsamples, batch_size or 1, nmaindata)``, 0 where a sample is absent."""
        samples = {name: index for index, name in enumerate(self.config.samples)}
        rates = np.zeros((len(samples), self.config.nmaindata))
        _, values = self.inputs()
        for name, value in zip(self.config.input_names, values):
            parts = name.split("/")
            if len(parts) == 3 and parts[2].startswith("nominal["):
                rates[samples[parts[1]], self.config.channel_slices[parts[0]].start + int(parts[2][8:-1])] = value
        return np.tile(rates[None, :, None, :], (1, 1, self.batch_size or 1, 1))

    @property
    def fullpdf_tv(self) -> _DataView:
        """Where the main bins and the auxiliary data sit in the full data."""
        n_main, n_aux = self.config.nmaindata, self.config.nauxdata
        groups = [range(n_main)] + ([range(n_main, n_main + n_aux)] if n_aux else [])
        return _DataView(groups, self.batch_size)

    def make_pdf(self, pars) -> probability.Simultaneous:
        """pyhf's distribution object of the model at ``pars``: the main model's then the constraint model's
        distribution, joined. ``log_prob(data)`` is the sum of their log-densities, ``expected_data()`` the main
        rates then the expected auxdata, ``sample(shape)`` draws pseudo-data of that shape (NumPy's global random
        state, as pyhf's NumPy backend); ``[0]`` and ``[1]`` are the two parts."""
        parts = [self.main_model.make_pdf(pars)]
        constraint = self.constraint_model.make_pdf(pars)
        if constraint is not None:
            parts.append(constraint)
        return probability.Simultaneous(parts, self.fullpdf_tv, self.batch_size)

    def mainlogpdf(self, maindata, pars) -> np.ndarray:
        """The main bins' log-likelihood (``main_model.logpdf``)."""
        return self.main_model.logpdf(maindata, pars)

    def constraint_logpdf(self, auxdata, pars) -> np.ndarray:
        """The constraint terms' log-likelihood (``constraint_model.logpdf``)."""
        return self.constraint_model.logpdf(auxdata, pars)

    def _sample_layout(self):
        """(input indices, their sample's index in ``config.samples``, their main-data bin) of the inputs that a
        sample's rate is proportional to: its nominal and histosys rates. Built once."""
        if self._sample_models is None:
            samples = {name: index for index, name in enumerate(self.config.samples)}
            indices, rows, bins = [], [], []
            for index, name in enumerate(self.config.input_names):
                parts = name.split("/")
                if len(parts) >= 3 and parts[2].startswith(("nominal", "histosys")) and name.endswith("]"):
                    indices.append(index)
                    rows.append(samples[parts[1]])
                    bins.append(self.config.channel_slices[parts[0]].start + int(name[name.rindex("[") + 1 : -1]))
            self._sample_models = (np.array(indices, dtype=np.int64), np.array(rows), np.array(bins))
        return self._sample_models

    def _rates_by_sample(self, pars) -> np.ndarray:
        """Each sample's expected main rates at one parameter row, shape (nsamples, nmaindata).

        A sample's rate in a bin is its multiplicative factors times its nominal plus its additive (histosys)
        shifts, and those shifts are linear in the sample's nominal, hi and lo rates: the rate is homogeneous of
        degree one in them, so it equals the sum of each such input times the rate's derivative with respect to
        it (Euler). One VJP of libneos' expected data (cotangent all ones; each of these inputs moves only its own
        bin) gives every derivative.

        Clipping breaks that identity (a clipped rate has no derivative), so a clipped model takes the rates of
        the same model unclipped and applies pyhf's sample clip to them: every sample in every bin, including
        the zeros of samples a channel does not contain; the bin clip is of the totals only, as in pyhf."""
        if self._clipping != (None, None):
            rates = self._unclipped_model()._rates_by_sample(pars)
            return rates if self._clipping[0] is None else np.maximum(rates, self._clipping[0])
        indices, rows, bins = self._sample_layout()
        _, values = self.inputs()
        gradient = self.expected_data_vjp(np.ones(self.config.nmaindata), pars, include_auxdata=False).inputs
        out = np.zeros((len(self.config.samples), self.config.nmaindata))
        np.add.at(out, (rows, bins), values[indices] * gradient[indices])
        return out

    def _unclipped_model(self) -> Model:
        """This model without its clipping (libneos derives it; built once)."""
        if self._unclipped is None:
            handle = ctypes.c_void_p()
            check(lib.neos_model_with_clipping(self, None, None, ctypes.byref(handle)))
            self._unclipped = Model._from_handle(
                handle, structure=self._structure(), modifier_settings=self._modifier_settings
            )
        return self._unclipped

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

    def nll_and_gradient(self, pars, data) -> tuple[float, np.ndarray]:
        """``(nll, gradient)``: NLL = −logpdf and its exact ∇ with respect to the parameters from one libneos call
        (``neos_model_nll_and_gradient``), what a minimiser asks for at every step (scipy's ``jac=True`` takes this
        pair). Equal bit for bit to ``-logpdf(pars, data)[0]`` and ``nll_gradient(pars, data)``, at about the cost of
        one of them; where the data are impossible under the model (logpdf −inf) it raises as ``nll_gradient`` does."""
        pars, data = self._pars(pars), self._data(data)
        value = ctypes.c_double()
        # The gradient is written into a ctypes array that ctypes passes as it is and numpy then wraps without a
        # copy: cheaper, on a call of a few microseconds, than np.empty plus a pointer to it.
        npars = self.config.npars
        out = (ctypes.c_double * npars)()
        check(
            lib.neos_model_nll_and_gradient(
                self, pointer(pars), pars.size, pointer(data), data.size, ctypes.byref(value), out, npars
            )
        )
        return value.value, np.frombuffer(out)

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
            handle,
            structure=self._structure(),
            modifier_settings=self._modifier_settings,
            batch_size=self.batch_size,
            clipping=self._clipping,  # libneos' derived model keeps them
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


_ModelConfig = ModelConfig
