"""Models that neos_swift did not build, with only pyhf's model interface, fitted and tested by the core through
its callback models (neos_swift.infer._generic)."""

from __future__ import annotations

import math

import neos_swift
import numpy as np
import pytest
from neos_swift.errors import ModelError, NeosError, NumericError
from neos_swift.infer import _generic
from scipy.optimize import minimize
from scipy.special import gammaln, xlogy


class _Settings:
    """What pyhf's infer reads from ``model.config``."""

    def __init__(self, npars, poi_index, init, bounds):
        self.npars, self.poi_index = npars, poi_index
        self._init, self._bounds = init, bounds

    def suggested_init(self):
        return list(self._init)

    def suggested_bounds(self):
        return [list(pair) for pair in self._bounds]

    def suggested_fixed(self):
        return [False] * self.npars


class BinnedCounting:
    """Signal strength mu over several bins, each with its own background scale gamma_b constrained by an
    auxiliary Poisson count with factor tau_b (the likelihood of simplemodels.uncorrelated_background), written
    with scipy only. ``logpdf_hook`` may replace the log-density, to make it fail."""

    def __init__(self, signal, background, uncertainty, logpdf_hook=None):
        self.signal, self.background = np.asarray(signal, float), np.asarray(background, float)
        self.tau = (self.background / np.asarray(uncertainty, float)) ** 2
        bins = self.signal.size
        self.config = _Settings(1 + bins, 0, [1.0] * (1 + bins), [(0.0, 10.0)] + [(1e-10, 10.0)] * bins)
        self.hook = logpdf_hook

    def expected_data(self, pars, include_auxdata=True):
        pars = np.asarray(pars, float)
        main = pars[0] * self.signal + pars[1:] * self.background
        return np.concatenate([main, pars[1:] * self.tau]) if include_auxdata else main

    def logpdf(self, pars, data):
        if self.hook is not None:
            return self.hook(pars, data)
        data = np.asarray(data, float)
        rates = self.expected_data(pars)
        return np.array([np.sum(xlogy(data, rates) - rates - gammaln(data + 1))])


def _model():
    return BinnedCounting([4.0, 9.0], [40.0, 55.0], [6.0, 8.0])


def _observed(model, main):
    return np.concatenate([main, model.tau])


def test_hypotest_agrees_with_the_same_model_built_natively():
    """CLs, the tail probabilities and the expected band of the callback model are the native model's within
    1e-7 relative (the core's numerical gradient is accurate to about 3e-13 of log L)."""
    foreign = _model()
    native = neos_swift.simplemodels.uncorrelated_background([4.0, 9.0], [40.0, 55.0], [6.0, 8.0])
    for main, poi, test_stat in [([47, 60], 1.0, "qtilde"), ([41, 70], 2.0, "q"), ([50, 75], 0.0, "q0")]:
        data = _observed(foreign, main)
        kwargs = {"return_tail_probs": True, "return_expected_set": True, "test_stat": test_stat}
        ours = neos_swift.infer.hypotest(poi, data, foreign, **kwargs)
        reference = neos_swift.infer.hypotest(poi, data, native, **kwargs)
        flat = np.concatenate([np.ravel(ours[0]), np.ravel(ours[1]), np.ravel(ours[2])])
        expected = np.concatenate([np.ravel(reference[0]), np.ravel(reference[1]), np.ravel(reference[2])])
        np.testing.assert_allclose(flat, expected, rtol=1e-7, atol=0)


def test_fits_are_at_least_as_good_as_slsqp():
    """The core's fits reach a twice NLL no higher than scipy's SLSQP (ftol 1e-12, pyhf's default optimizer)
    from the same start, up to 1e-12 (the rounding of the sums that make the value), free and with the POI held."""
    model = _model()
    bounds = model.config.suggested_bounds()
    for main in ([47, 60], [35, 50], [60, 80]):
        data = _observed(model, main)
        for poi in (None, 0.0, 1.5):
            pars, twice_nll = _generic.fit(data, model, model.config.suggested_init(), bounds, [False] * 3, poi)
            free = [0, 1, 2] if poi is None else [1, 2]
            start = np.array(model.config.suggested_init())
            if poi is not None:
                start[0] = poi

            def objective(x, free=free, start=start, data=data):
                point = start.copy()
                point[free] = x
                return float(-2 * model.logpdf(point, data)[0])

            reference = minimize(
                objective,
                start[free],
                method="SLSQP",
                bounds=[bounds[i] for i in free],
                options={"ftol": 1e-12, "maxiter": 100000},
            )
            assert reference.success
            assert twice_nll <= reference.fun + 1e-12, (main, poi, twice_nll - reference.fun)
            assert twice_nll == pytest.approx(objective(pars[free]), abs=1e-12)
            if poi is not None:
                assert pars[0] == poi


def test_an_exception_inside_the_model_is_raised_after_the_call():
    """A Python exception raised in the model's logpdf cannot cross the C frames: the callback reports a failure
    and the exception comes back as a NeosError (a ModelError) whose cause is the original."""
    calls = []

    def broken(pars, data):
        calls.append(1)
        raise ZeroDivisionError("no log-density here")

    model = BinnedCounting([4.0], [40.0], [6.0], logpdf_hook=broken)
    data = _observed(model, [45])
    with pytest.raises(ModelError, match="ZeroDivisionError: no log-density here") as caught:
        neos_swift.infer.hypotest(1.0, data, model)
    assert isinstance(caught.value, NeosError)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert len(calls) == 1  # the first failure ends the call

    class Interrupt(BaseException):
        pass

    def interrupted(pars, data):
        raise Interrupt

    with pytest.raises(Interrupt):
        neos_swift.infer.hypotest(1.0, data, BinnedCounting([4.0], [40.0], [6.0], logpdf_hook=interrupted))


def test_a_non_finite_or_malformed_log_density_is_an_error():
    """NaN from the model is a NumericError naming the callback; more than one value is a ModelError."""
    data = _observed(_model(), [47, 60])
    nan = BinnedCounting([4.0, 9.0], [40.0, 55.0], [6.0, 8.0], logpdf_hook=lambda pars, data: np.array([math.nan]))
    with pytest.raises(NumericError, match="logpdf callback returned nan"):
        neos_swift.infer.hypotest(1.0, data, nan)
    two = BinnedCounting([4.0, 9.0], [40.0, 55.0], [6.0, 8.0], logpdf_hook=lambda pars, data: np.zeros(2))
    with pytest.raises(ModelError, match="returned 2 values"):
        neos_swift.infer.hypotest(1.0, data, two)


def test_the_callback_model_is_released():
    """Each call frees its callback model: after the block the library no longer knows the handle."""
    import ctypes

    from neos_swift._library import lib
    from neos_swift.errors import InvalidArgument

    model = _model()
    data = _observed(model, [47, 60])
    settings = _generic.FitSettings(model, None, None, None)
    with _generic._CallbackModel(model, data.size, settings) as wrapped:
        handle = ctypes.c_void_p(wrapped.handle.value)
        assert (
            lib.neos_callback_fit(
                handle,
                data.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                data.size,
                None,
                None,
                None,
                3,
                None,
                0,
                None,
                None,
                0,
            )
            == 0
        )
    status = lib.neos_callback_fit(
        handle,
        data.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
        data.size,
        None,
        None,
        None,
        3,
        None,
        0,
        None,
        None,
        0,
    )
    assert status == InvalidArgument.status
    assert b"not a live handle" in lib.neos_last_error_message()
