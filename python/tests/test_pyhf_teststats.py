"""Test statistics with pyhf's return_fitted_pars: the two fits behind each statistic, in pyhf's shapes."""

from __future__ import annotations

import neos_swift
import numpy as np
import pytest
from neos_swift.infer import test_statistics

STATISTICS = ("qmu", "qmu_tilde", "tmu", "tmu_tilde", "q0")


@pytest.fixture(scope="module")
def model_and_data():
    model = neos_swift.simplemodels.uncorrelated_background([12.0, 11.0], [50.0, 52.0], [3.0, 7.0])
    # Observations below the background, so that μ̂ < μ for μ = 1 and the one-sided statistics are not clipped.
    data = np.concatenate([[48.0, 49.0], model.config.auxdata])
    return model, data


@pytest.mark.parametrize("name", STATISTICS)
def test_fitted_pars_are_the_fits_the_statistic_compares(name, model_and_data):
    model, data = model_and_data
    statistic = getattr(test_statistics, name)
    mu = 0.0 if name == "q0" else 1.0
    bounds = model.config.suggested_bounds()
    if not name.endswith("tilde") and name != "q0":
        bounds[model.config.poi_index] = (-10.0, 10.0)  # the statistics without a tilde want a POI free below zero
    plain = statistic(mu, data, model, par_bounds=bounds)
    value, (constrained, free) = statistic(mu, data, model, par_bounds=bounds, return_fitted_pars=True)
    assert float(value) == float(plain)
    assert constrained.shape == free.shape == (model.config.npars,)
    assert constrained[model.config.poi_index] == mu
    # The statistic is twice the NLL difference of the two returned points (1e-9 absolute: both fits converge to
    # rounding); q0 here is clipped to 0 because μ̂ < 0 is outside the default bounds, so it checks the fit only.
    twice_nll_difference = -2.0 * (float(model.logpdf(constrained, data)[0]) - float(model.logpdf(free, data)[0]))
    if name == "q0":
        assert float(value) == 0.0
    else:
        assert float(value) == pytest.approx(twice_nll_difference, abs=1e-9)


def test_fitted_pars_match_pyhf_fits(model_and_data):
    import pyhf  # the oracle, installed with the test requirements

    model, data = model_and_data
    reference = pyhf.simplemodels.uncorrelated_background([12.0, 11.0], [50.0, 52.0], [3.0, 7.0])
    _, (ours_constrained, ours_free) = test_statistics.qmu_tilde(1.0, data, model, return_fitted_pars=True)
    _, (theirs_constrained, theirs_free) = pyhf.infer.test_statistics.qmu_tilde(
        1.0,
        data,
        reference,
        reference.config.suggested_init(),
        reference.config.suggested_bounds(),
        reference.config.suggested_fixed(),
        return_fitted_pars=True,
    )
    # pyhf's SLSQP stops at ftol 1e-6 of the NLL: its parameters agree with the converged ones to ~1e-3.
    np.testing.assert_allclose(ours_constrained, theirs_constrained, rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(ours_free, theirs_free, rtol=2e-3, atol=2e-3)


def test_fitted_pars_and_jacobian_do_not_combine(model_and_data):
    model, data = model_and_data
    with pytest.raises(TypeError):
        test_statistics.qmu(1.0, data, model, return_fitted_pars=True, return_jacobian=True)
