"""Inference on models that libneos did not build, through the core's callback models.

pyhf's ``infer`` is written against an interface, not against pyhf's Model: ``config.poi_index``,
``config.npars``, ``config.suggested_init/bounds/fixed()``, ``logpdf(pars, data)`` and
``expected_data(pars)``. Any object that has them can be tested (pyhf's test_inferapi_pyhf_independence builds one
by hand). Such an object is handed to libneos as a callback model (``neos_callback_model_create``): its
``logpdf`` and ``expected_data`` become C callbacks, and the core runs its own fits and asymptotic hypotest on it,
differentiating the log-density numerically (the header's "Callback likelihoods" section says how, and how
accurately). This module only converts: arrays in and out, and exceptions raised inside a callback, which are
caught there (ctypes cannot carry them through C), reported to the core as a failure, and raised again here after
the call. Models made by neos_swift never come here: their hypotests run in the core on the model itself.
"""

from __future__ import annotations

import ctypes

import numpy as np

from .._arguments import as_float_array
from .._handles import Handle
from .._library import (
    CALLBACK_TYPES,
    EXPECTED_SET_SIZE,
    HYPOTEST_CLB,
    HYPOTEST_CLS,
    HYPOTEST_CLSB,
    HYPOTEST_EXPECTED,
    HYPOTEST_ROWS,
    c_string,
    lib,
    pointer,
)
from ..errors import ModelError, NeosError, check
from ..exceptions import Unsupported
from ._settings import FitSettings

# The callbacks' return values: success, and the failure the core turns into NEOS_ERR_MODEL.
_SUCCESS, _FAILURE = 0, 1


def is_native(pdf) -> bool:
    """Whether ``pdf`` is held by libneos (then the core runs its inference on it directly)."""
    return isinstance(pdf, Handle)


class _CallbackModel:
    """``pdf`` as a neos_callback_model for the duration of a ``with`` block, with the fit settings of the call
    as its suggestions (so the numerical derivatives stay inside the bounds the fits use).

    Each callback converts the C arrays to fresh numpy arrays, calls the model and writes its answer back. An
    exception raised by the model is kept (the first one) and the callback returns a failure; ``call`` raises it
    after the C call: a :class:`~neos_swift.errors.NeosError` as it is, ``KeyboardInterrupt`` and other
    ``BaseException`` as they are, any other exception as a :class:`~neos_swift.errors.ModelError` whose cause is
    the original."""

    def __init__(self, pdf, data_size: int, settings: FitSettings):
        self.pdf = pdf
        self.settings = settings
        self.error: BaseException | None = None
        n = pdf.config.npars
        poi = pdf.config.poi_index
        # The C function pointers must outlive every call that can reach them: they are kept on self.
        self._logpdf = CALLBACK_TYPES["neos_logpdf_callback"](self._logpdf_callback)
        self._expected_data = CALLBACK_TYPES["neos_expected_data_callback"](self._expected_data_callback)
        # No gradient callback: pyhf's model interface has none, the core differentiates numerically.
        no_gradient = CALLBACK_TYPES["neos_logpdf_gradient_callback"]()
        init, bounds, fixed, _ = settings.args
        self.handle = ctypes.c_void_p()
        check(
            lib.neos_callback_model_create(
                n,
                -1 if poi is None else int(poi),
                init,
                bounds,
                fixed,
                data_size,
                self._logpdf,
                no_gradient,
                self._expected_data,
                None,
                ctypes.byref(self.handle),
            )
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        lib.neos_callback_model_free(self.handle)
        self.handle = ctypes.c_void_p()

    def _keep(self, error: BaseException) -> int:
        if self.error is None:
            self.error = error
        return _FAILURE

    @staticmethod
    def _array(values, size: int) -> np.ndarray:
        return np.ctypeslib.as_array(values, shape=(size,)).copy()

    def _logpdf_callback(self, _context, pars, n_pars, data, n_data, out_logpdf):
        try:
            value = np.ravel(
                np.asarray(self.pdf.logpdf(self._array(pars, n_pars), self._array(data, n_data)), dtype=np.float64)
            )
            if value.size != 1:
                raise ModelError(f"the model's logpdf returned {value.size} values; one log-density is needed")
            out_logpdf[0] = value[0]
            return _SUCCESS
        except BaseException as error:  # noqa: BLE001 (nothing may cross the C frames; ``call`` re-raises it)
            return self._keep(error)

    def _expected_data_callback(self, _context, pars, n_pars, out_data, n_out_data):
        try:
            expected = np.ravel(np.asarray(self.pdf.expected_data(self._array(pars, n_pars)), dtype=np.float64))
            if expected.size != n_out_data:
                raise ModelError(
                    f"the model's expected_data returned {expected.size} values; the data have {n_out_data}"
                )
            np.ctypeslib.as_array(out_data, shape=(n_out_data,))[:] = expected
            return _SUCCESS
        except BaseException as error:  # noqa: BLE001 (as above)
            return self._keep(error)

    def call(self, function, *args) -> None:
        """``function(handle, *args)``, raising the model's own exception when a callback failed."""
        self.error = None
        status = function(self.handle, *args)
        error, self.error = self.error, None
        if error is not None:
            if isinstance(error, NeosError) or not isinstance(error, Exception):
                raise error
            raise ModelError(f"the model raised {type(error).__name__}: {error}") from error
        check(status)


def _data(data) -> np.ndarray:
    """The data as one flat float64 array, main then auxiliary data (the order the model's logpdf reads them)."""
    return np.ascontiguousarray(as_float_array("data", data, ndim=None).ravel())


def fit(data, pdf, init_pars, par_bounds, fixed_params, poi=None):
    """The core's best fit of a foreign model and twice the NLL there; with ``poi`` the POI is held at it."""
    data = _data(data)
    settings = FitSettings(pdf, init_pars, par_bounds, fixed_params)
    pars = np.empty(pdf.config.npars)
    twice_nll = ctypes.c_double()
    with _CallbackModel(pdf, data.size, settings) as model:
        common = (pointer(data), data.size, *settings.args, pointer(pars), pars.size, ctypes.byref(twice_nll), None, 0)
        if poi is None:
            model.call(lib.neos_callback_fit, *common)
        else:
            model.call(lib.neos_callback_fixed_poi_fit, float(poi), *common)
    return pars, twice_nll.value


def hypotest(
    poi_test,
    data,
    pdf,
    init_pars,
    par_bounds,
    fixed_params,
    calctype,
    return_tail_probs,
    return_expected,
    return_expected_set,
    return_calculator,
    test_stat,
    return_jacobian,
    **kwargs,
):
    """pyhf's asymptotic hypotest (``"qtilde"``, ``"q"`` or ``"q0"``, normal base distribution) of a model libneos
    does not hold, run by the core on the model's callbacks; returns as :func:`neos_swift.infer.hypotest`."""
    if calctype != "asymptotics" or test_stat not in ("qtilde", "q", "q0") or return_calculator or return_jacobian:
        raise Unsupported(
            "a model that neos_swift did not build is tested with calctype='asymptotics', test_stat 'qtilde', "
            "'q' or 'q0', without return_calculator or return_jacobian"
        )
    if kwargs.get("calc_base_dist", "normal") != "normal" or set(kwargs) - {"calc_base_dist"}:
        raise Unsupported(f"options {sorted(kwargs)} are not available for a model that neos_swift did not build")
    from . import test_statistics

    name = {"qtilde": "qmu_tilde", "q": "qmu", "q0": "q0"}[test_stat]
    test_statistics._check_configuration(name, poi_test, pdf, par_bounds)
    data = _data(data)
    settings = FitSettings(pdf, init_pars, par_bounds, fixed_params)
    values = np.empty(HYPOTEST_ROWS)
    with _CallbackModel(pdf, data.size, settings) as model:
        model.call(
            lib.neos_callback_hypotest,
            float(poi_test),
            c_string(test_stat, "test_stat"),
            pointer(data),
            data.size,
            *settings.args,
            pointer(values),
            values.size,
        )
    is_q0 = test_stat == "q0"
    clsb, clb, cls = (np.asarray(values[row]) for row in (HYPOTEST_CLSB, HYPOTEST_CLB, HYPOTEST_CLS))
    band = [np.asarray(value) for value in values[HYPOTEST_EXPECTED : HYPOTEST_EXPECTED + EXPECTED_SET_SIZE]]
    result = [clsb if is_q0 else cls]
    if return_tail_probs:
        result.append([clb] if is_q0 else [clsb, clb])
    if return_expected:
        result.append(band[2])
    if return_expected_set:
        result.append(band)
    return result[0] if len(result) == 1 else tuple(result)
