"""HistFactory workspaces and models with pyhf's names and return shapes.

A pyhf user changes only the import: ``neos_swift.Workspace(spec).model()`` gives a model whose ``config``,
``logpdf`` and ``expected_data`` behave as pyhf 0.7.6's, and which can also be rebuilt from new input numbers
(``with_inputs``) and differentiated with respect to them.
"""

from __future__ import annotations

import ctypes
import json
from typing import NamedTuple

import numpy as np

from ._handles import Handle, read_json, read_string
from ._library import as_doubles, bool_pointer, c_string, lib, pointer
from .errors import InvalidArgument, check


def _json_text(value, name="json") -> bytes:
    return c_string(value if isinstance(value, str) else json.dumps(value), name)


def _settings_text(modifier_settings) -> bytes | None:
    return None if modifier_settings is None else _json_text(modifier_settings)


class ModelConfig:
    """pyhf's ``model.config``: parameter bookkeeping and suggestions."""

    def __init__(self, model: Model):
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
        self.npars = n_pars.value
        self.nmaindata = n_main.value
        self.nauxdata = n_aux.value
        self.ninputs = n_inputs.value
        self.poi_index = None if poi_index.value < 0 else poi_index.value
        self.poi_name = metadata["poi_name"]
        self.par_order = metadata["par_order"]
        self.par_names = metadata["par_names"]
        self.channels = metadata["channels"]
        self.channel_nbins = {name: int(bins) for name, bins in zip(self.channels, metadata["channel_nbins"])}
        self.samples = metadata["samples"]
        self.input_names = metadata["input_names"]
        self.modifier_settings = {
            "normsys": {"interpcode": metadata["normsys_interpcode"]},
            "histosys": {"interpcode": metadata["histosys_interpcode"]},
        }
        init = np.empty(self.npars)
        bounds = np.empty(2 * self.npars)
        fixed = np.empty(self.npars, dtype=np.bool_)
        aux = np.empty(self.nauxdata)
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
        self.auxdata = aux.tolist()

    def suggested_init(self) -> list[float]:
        return list(self._init)

    def suggested_bounds(self) -> list[tuple[float, float]]:
        return list(self._bounds)

    def suggested_fixed(self) -> list[bool]:
        return list(self._fixed)

    def par_slice(self, name: str) -> slice:
        """The slice of the parameter vector that the parameter set ``name`` occupies."""
        indices = [i for i, full in enumerate(self.par_names) if full == name or full.startswith(name + "[")]
        if not indices:
            raise InvalidArgument(f"no parameter named {name!r}")
        return slice(indices[0], indices[-1] + 1)


class LogpdfGradients(NamedTuple):
    pars: np.ndarray
    data: np.ndarray
    inputs: np.ndarray


class ExpectedDataGradients(NamedTuple):
    pars: np.ndarray
    inputs: np.ndarray


class Model(Handle):
    """A HistFactory model (pyhf's ``pyhf.pdf.Model``), immutable and safe to share between threads."""

    _free_name = "neos_model_free"

    def __init__(self, pointer: ctypes.c_void_p):
        super().__init__(pointer)
        self.config = ModelConfig(self)

    @classmethod
    def from_spec(cls, spec, poi_name="mu", modifier_settings=None) -> Model:
        """``pyhf.Model(spec, poi_name=..., modifier_settings=...)`` for a model spec with channels (and
        optionally parameters)."""
        text = _json_text(spec)
        handle = ctypes.c_void_p()
        check(
            lib.neos_model_from_json(
                text,
                None if poi_name is None else c_string(poi_name, "poi_name"),
                _settings_text(modifier_settings),
                ctypes.byref(handle),
            )
        )
        return cls(handle)

    def _pars(self, pars) -> np.ndarray:
        return as_doubles(pars, "pars")

    def _data(self, data) -> np.ndarray:
        return as_doubles(data, "data")

    def logpdf(self, pars, data) -> np.ndarray:
        """log L(pars | data), as pyhf: an array of shape (1,). ``data`` = main bins then auxdata."""
        pars, data = self._pars(pars), self._data(data)
        out = ctypes.c_double()
        check(lib.neos_model_logpdf(self, pointer(pars), pars.size, pointer(data), data.size, ctypes.byref(out)))
        return np.array([out.value])

    def expected_data(self, pars, include_auxdata=True) -> np.ndarray:
        pars = self._pars(pars)
        out = np.empty(self.config.nmaindata + (self.config.nauxdata if include_auxdata else 0))
        check(
            lib.neos_model_expected_data(self, pointer(pars), pars.size, bool(include_auxdata), pointer(out), out.size)
        )
        return out

    def expected_actualdata(self, pars) -> np.ndarray:
        return self.expected_data(pars, include_auxdata=False)

    def expected_auxdata(self, pars) -> np.ndarray:
        return self.expected_data(pars)[self.config.nmaindata :]

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
        return Model(handle)

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


def _patch_text(patch) -> bytes:
    # pyhf's Patch objects carry their jsonpatch in .patch; plain lists (or JSON text) are jsonpatches already.
    return _json_text(getattr(patch, "patch", patch))


class Workspace(Handle):
    """A pyhf workspace (``pyhf.Workspace(spec)``), parsed and validated by libneos."""

    _free_name = "neos_workspace_free"

    def __init__(self, spec, **_ignored):
        text = _json_text(spec)
        handle = ctypes.c_void_p()
        check(lib.neos_workspace_from_json(text, ctypes.byref(handle)))
        super().__init__(handle)
        metadata = read_json(lib.neos_workspace_metadata_json, self)
        self.measurement_names = metadata["measurements"]
        self.channels = metadata["channels"]

    def model(self, measurement_name=None, modifier_settings=None, patches=None, **_ignored) -> Model:
        patch_texts = [_patch_text(patch) for patch in (patches or [])]
        array = (ctypes.c_char_p * max(len(patch_texts), 1))(*patch_texts)
        handle = ctypes.c_void_p()
        check(
            lib.neos_workspace_model(
                self,
                None if measurement_name is None else c_string(measurement_name, "measurement_name"),
                _settings_text(modifier_settings),
                array,
                len(patch_texts),
                ctypes.byref(handle),
            )
        )
        return Model(handle)

    def data(self, model: Model, include_auxdata=True) -> list[float]:
        """Observations in the model's channel order, then its auxdata (a list, as pyhf)."""
        out = np.empty(model.config.nmaindata + (model.config.nauxdata if include_auxdata else 0))
        check(lib.neos_workspace_data(self, model, bool(include_auxdata), pointer(out), out.size))
        return out.tolist()


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
