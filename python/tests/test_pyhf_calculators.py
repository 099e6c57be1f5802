"""neos_swift.infer.calculators, infer.utils, hypotest's calculator surface and the test statistics' log messages,
against pyhf 0.7.6 itself.

pyhf's fits (SLSQP, ftol 1e-6) stop short of the optimum by up to ~1e-4 relative in CLs on these models, so the
fitted numbers are compared with pyhf run to convergence (jax backend, exact gradients, tolerance 1e-14), to
``FIT_RTOL``. The distribution formulas take no fit: they are compared with pyhf's over the same shift to
``FORMULA_RTOL``.
"""

from __future__ import annotations

import logging

import neos_swift
import numpy as np
import pyhf
import pytest
from neos_swift import exceptions
from neos_swift.infer import calculators, utils
from pyhf_fits import converged_backend

FIT_RTOL = 1e-6
FORMULA_RTOL = 1e-13
TEST_STATS = ["qtilde", "q", "q0"]
BASE_DISTS = ["normal", "clipped_normal"]
SIMPLE = dict(signal=[12.0, 11.0], bkg=[50.0, 52.0], bkg_uncertainty=[3.0, 7.0])
# Observations that give mu_hat > 0 (so q0 > 0 and the qtilde branch beyond sqrt(q_A) can be reached).
OBSERVED = [62.0, 60.0]


@pytest.fixture(autouse=True)
def numpy_backend():
    pyhf.set_backend("numpy", precision="64b")
    yield
    pyhf.set_backend("numpy", precision="64b")


def models():
    ours = neos_swift.simplemodels.uncorrelated_background(**SIMPLE)
    theirs = pyhf.simplemodels.uncorrelated_background(**SIMPLE)
    return ours, theirs, OBSERVED + theirs.config.auxdata


def converged_pyhf_hypotest(poi, data, model, **kwargs):
    converged_backend()
    try:
        return pyhf.infer.hypotest(poi, data, model, **kwargs)
    finally:
        pyhf.set_backend("numpy", precision="64b")


# --- the distributions: pyhf's closed forms over a given shift ---------------------------------------------------

SHIFTS = [0.0, -0.7, -3.2, -12.0]
VALUES = [-40.0, -5.0, -1.5, -0.3, 0.0, 0.4, 2.0, 8.0, 30.0]


@pytest.mark.parametrize("shift", SHIFTS)
@pytest.mark.parametrize("clipped", [False, True])
def test_distribution_formulas_are_pyhfs(shift, clipped):
    cutoff = shift if clipped else float("-inf")
    ours = calculators.AsymptoticTestStatDistribution(shift, cutoff)
    theirs = pyhf.infer.calculators.AsymptoticTestStatDistribution(shift, cutoff)
    for value in VALUES:
        np.testing.assert_allclose(ours.cdf(value), theirs.cdf(value), rtol=FORMULA_RTOL, atol=0)
        np.testing.assert_allclose(ours.pvalue(value), theirs.pvalue(value), rtol=FORMULA_RTOL, atol=0)
    nsigma = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(ours.expected_value(nsigma), theirs.expected_value(nsigma))
    np.testing.assert_allclose(ours.pvalue(np.asarray(VALUES)), theirs.pvalue(np.asarray(VALUES)), rtol=FORMULA_RTOL)


def test_far_tail_keeps_relative_precision():
    # 1 - cdf would round to 0 here; pyhf and we take the lower tail of the negated argument.
    dist = calculators.AsymptoticTestStatDistribution(0.0)
    assert dist.pvalue(30.0) > 0
    np.testing.assert_allclose(dist.pvalue(30.0), 4.906713927148187e-198, rtol=1e-12)
    assert np.isnan(calculators.AsymptoticTestStatDistribution(-1.0, cutoff=-1.0).pvalue(-1.5))


# --- the calculator -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("test_stat", TEST_STATS)
@pytest.mark.parametrize("poi", [0.5, 1.0, 2.5])
def test_teststatistic_is_pyhfs(test_stat, poi):
    ours_model, theirs_model, data = models()
    ours = calculators.AsymptoticCalculator(data, ours_model, test_stat=test_stat)
    converged_backend()
    theirs = pyhf.infer.calculators.AsymptoticCalculator(data, theirs_model, test_stat=test_stat)
    expected = theirs.teststatistic(poi)
    pyhf.set_backend("numpy", precision="64b")
    np.testing.assert_allclose(ours.teststatistic(poi), expected, rtol=FIT_RTOL, atol=1e-9)
    np.testing.assert_allclose(ours.sqrtqmuA_v, theirs.sqrtqmuA_v, rtol=FIT_RTOL)


def test_qtilde_beyond_asimov_uses_the_wald_branch():
    # A deficit (mu_hat < 0) makes the observed q exceed q_A: the statistic is then (q - q_A) / (2 sqrt(q_A)).
    ours_model, theirs_model, _ = models()
    data = [38.0, 40.0] + theirs_model.config.auxdata
    values = neos_swift.infer.hypotest_derivatives(1.0, data, ours_model).values
    q, q_a = values[0], values[1]
    assert q > q_a
    ours = calculators.AsymptoticCalculator(data, ours_model).teststatistic(1.0)
    np.testing.assert_allclose(ours, (q - q_a) / (2 * np.sqrt(q_a)), rtol=1e-14)
    converged_backend()
    theirs = pyhf.infer.calculators.AsymptoticCalculator(data, theirs_model).teststatistic(1.0)
    pyhf.set_backend("numpy", precision="64b")
    np.testing.assert_allclose(ours, theirs, rtol=FIT_RTOL)


@pytest.mark.parametrize("test_stat", TEST_STATS)
@pytest.mark.parametrize("base", BASE_DISTS)
def test_distributions_and_pvalues_are_pyhfs_over_our_shift(test_stat, base):
    ours_model, theirs_model, data = models()
    ours = calculators.AsymptoticCalculator(data, ours_model, test_stat=test_stat, calc_base_dist=base)
    teststat = ours.teststatistic(1.0)
    theirs = pyhf.infer.calculators.AsymptoticCalculator(data, theirs_model, test_stat=test_stat, calc_base_dist=base)
    theirs.sqrtqmuA_v = ours.sqrtqmuA_v  # pyhf's formulas over the core's sqrt(q_A)
    our_dists, their_dists = ours.distributions(1.0), theirs.distributions(1.0)
    for a, b in zip(our_dists, their_dists):
        assert a.shift == b.shift and a.cutoff == b.cutoff
    np.testing.assert_allclose(
        ours.pvalues(teststat, *our_dists), theirs.pvalues(teststat, *their_dists), rtol=FORMULA_RTOL
    )
    ours_band, theirs_band = ours.expected_pvalues(*our_dists), theirs.expected_pvalues(*their_dists)
    assert [len(row) for row in ours_band] == [5, 5, 5]
    np.testing.assert_allclose(np.asarray(ours_band, float), np.asarray(theirs_band, float), rtol=FORMULA_RTOL)


def test_distributions_need_the_teststatistic_first():
    ours_model, _, data = models()
    with pytest.raises(RuntimeError, match="teststatistic"):
        calculators.AsymptoticCalculator(data, ours_model).distributions(1.0)


def test_unknown_base_distribution_raises_valueerror_like_pyhf():
    ours_model, theirs_model, data = models()
    ours = calculators.AsymptoticCalculator(data, ours_model, calc_base_dist="lognormal")
    ours.teststatistic(1.0)
    theirs = pyhf.infer.calculators.AsymptoticCalculator(data, theirs_model, calc_base_dist="lognormal")
    theirs.teststatistic(1.0)
    with pytest.raises(ValueError, match="lognormal"):
        theirs.distributions(1.0)
    with pytest.raises(ValueError, match="lognormal"):
        ours.distributions(1.0)


def test_unknown_test_statistic_raises_pyhfs_error():
    ours_model, _, data = models()
    with pytest.raises(exceptions.InvalidTestStatistic):
        calculators.AsymptoticCalculator(data, ours_model, test_stat="qmu").teststatistic(1.0)


# --- hypotest -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("test_stat", TEST_STATS)
@pytest.mark.parametrize("base", BASE_DISTS)
def test_hypotest_with_calculator_is_pyhfs(test_stat, base):
    ours_model, theirs_model, data = models()
    flags = dict(return_tail_probs=True, return_expected=True, return_expected_set=True, return_calculator=True)
    ours = neos_swift.infer.hypotest(1.0, data, ours_model, test_stat=test_stat, calc_base_dist=base, **flags)
    theirs = converged_pyhf_hypotest(1.0, data, theirs_model, test_stat=test_stat, calc_base_dist=base, **flags)
    assert len(ours) == len(theirs) == 5
    assert isinstance(ours[-1], calculators.AsymptoticCalculator)
    assert ours[-1].test_stat == test_stat and ours[-1].calc_base_dist == base
    assert len(ours[1]) == len(theirs[1]) and len(ours[3]) == 5 and isinstance(ours[3], list)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=FIT_RTOL)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=FIT_RTOL)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=FIT_RTOL)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=FIT_RTOL)


@pytest.mark.parametrize("test_stat", TEST_STATS)
def test_core_pvalues_agree_with_the_calculators_formulas(test_stat):
    # hypotest reports the core's CLsb, CLb, CLs and band; pyhf's formulas over the core's statistic give the same.
    ours_model, _, data = models()
    observed, tails, band, calc = neos_swift.infer.hypotest(
        1.3,
        data,
        ours_model,
        test_stat=test_stat,
        return_tail_probs=True,
        return_expected_set=True,
        return_calculator=True,
    )
    teststat = calc.teststatistic(1.3)
    dists = calc.distributions(1.3)
    clsb, clb, cls = calc.pvalues(teststat, *dists)
    clsb_band, _, cls_band = calc.expected_pvalues(*dists)
    if test_stat == "q0":
        np.testing.assert_allclose([observed, *tails], [clsb, clb], rtol=1e-10)
        np.testing.assert_allclose(band, clsb_band, rtol=1e-10)
    else:
        np.testing.assert_allclose([observed, *tails], [cls, clsb, clb], rtol=1e-10)
        np.testing.assert_allclose(band, cls_band, rtol=1e-10)


def test_hypotest_return_structure_follows_the_flags():
    ours_model, _, data = models()
    calc_only = neos_swift.infer.hypotest(1.0, data, ours_model, return_calculator=True)
    assert len(calc_only) == 2 and isinstance(calc_only[1], calculators.AsymptoticCalculator)
    assert np.ndim(calc_only[0]) == 0
    expected_only = neos_swift.infer.hypotest(1.0, data, ours_model, return_expected=True)
    assert len(expected_only) == 2 and np.ndim(expected_only[1]) == 0
    with_jacobian = neos_swift.infer.hypotest(1.0, data, ours_model, return_jacobian=True, return_calculator=True)
    assert isinstance(with_jacobian[-1], calculators.AsymptoticCalculator)
    assert isinstance(with_jacobian[-2], neos_swift.infer.mle.Jacobian)


def test_unknown_keyword_raises_typeerror_like_pyhf():
    ours_model, theirs_model, data = models()
    with pytest.raises(TypeError):
        pyhf.infer.hypotest(1.0, data, theirs_model, not_an_option=True)
    with pytest.raises(TypeError, match="not_an_option"):
        neos_swift.infer.hypotest(1.0, data, ours_model, not_an_option=True)


def test_toybased_builds_a_toy_calculator_like_pyhf():
    ours_model, _, data = models()
    calc = utils.create_calculator("toybased", data, ours_model, ntoys=10, track_progress=False)
    assert isinstance(calc, calculators.ToyCalculator)
    assert (calc.ntoys, calc.test_stat, calc.track_progress) == (10, "qtilde", False)
    with pytest.raises(TypeError):  # a keyword neither calculator takes
        utils.create_calculator("toybased", data, ours_model, calc_base_dist="normal")


def test_unknown_calctype_raises_keyerror_like_pyhf():
    ours_model, theirs_model, data = models()
    with pytest.raises(KeyError):
        pyhf.infer.hypotest(1.0, data, theirs_model, calctype="bayesian")
    with pytest.raises(KeyError):
        neos_swift.infer.hypotest(1.0, data, ours_model, calctype="bayesian")


def test_fixed_poi_is_refused_like_pyhf():
    ours_model, theirs_model, data = models()
    fixed = [True, False, False]
    with pytest.raises(pyhf.exceptions.InvalidModel, match="is set as fixed"):
        pyhf.infer.hypotest(1.0, data, theirs_model, fixed_params=fixed)
    with pytest.raises(exceptions.InvalidModel, match=r"POI at index \[0\] is set as fixed"):
        neos_swift.infer.hypotest(1.0, data, ours_model, fixed_params=fixed)


# --- infer.utils --------------------------------------------------------------------------------------------------


def test_get_test_stat_maps_pyhfs_names():
    from neos_swift.infer import test_statistics

    assert utils.get_test_stat("q0") is test_statistics.q0
    assert utils.get_test_stat("q") is test_statistics.qmu
    assert utils.get_test_stat("qtilde") is test_statistics.qmu_tilde
    for name in ["q0", "q", "qtilde"]:
        assert utils.get_test_stat(name).__name__ == pyhf.infer.utils.get_test_stat(name).__name__
    with pytest.raises(exceptions.InvalidTestStatistic):
        utils.get_test_stat("tmu")


def test_create_calculator_passes_arguments():
    ours_model, _, data = models()
    calc = utils.create_calculator("asymptotics", data, ours_model, test_stat="q", calc_base_dist="clipped_normal")
    assert isinstance(calc, calculators.AsymptoticCalculator)
    assert (calc.test_stat, calc.calc_base_dist) == ("q", "clipped_normal")


@pytest.mark.parametrize("fixed", [[False, False, False], [True, False, False], [False, True, True]])
def test_all_pois_floating_is_pyhfs(fixed):
    ours_model, theirs_model, _ = models()
    assert utils.all_pois_floating(ours_model, fixed) == pyhf.infer.utils.all_pois_floating(theirs_model, fixed)


# --- the test statistics' log messages ----------------------------------------------------------------------------

BOUNDED_AT_ZERO = [[0.0, 10.0], [1e-10, 10.0], [1e-10, 10.0]]
BOUNDED_BELOW_ZERO = [[-10.0, 10.0], [1e-10, 10.0], [1e-10, 10.0]]


def records(caplog, call):
    caplog.clear()
    with caplog.at_level(logging.INFO, "pyhf.infer.test_statistics"):
        call()
    return [(r.name, r.levelno, r.getMessage()) for r in caplog.records]


@pytest.mark.parametrize(
    ("name", "mu", "bounds"),
    [
        ("qmu", 1.0, BOUNDED_AT_ZERO),
        ("qmu", 1.0, BOUNDED_BELOW_ZERO),
        ("qmu_tilde", 1.0, BOUNDED_AT_ZERO),
        ("qmu_tilde", 1.0, BOUNDED_BELOW_ZERO),
        ("tmu", 1.0, BOUNDED_AT_ZERO),
        ("tmu", 1.0, BOUNDED_BELOW_ZERO),
        ("tmu_tilde", 1.0, BOUNDED_AT_ZERO),
        ("tmu_tilde", 1.0, BOUNDED_BELOW_ZERO),
        ("q0", 1.0, BOUNDED_AT_ZERO),
        ("q0", 0.0, BOUNDED_AT_ZERO),
    ],
)
def test_test_statistic_log_messages_are_pyhfs(caplog, name, mu, bounds):
    ours_model, theirs_model, data = models()
    init, fixed = theirs_model.config.suggested_init(), theirs_model.config.suggested_fixed()
    ours_func = getattr(neos_swift.infer.test_statistics, name)
    theirs_func = getattr(pyhf.infer.test_statistics, name)
    theirs = records(caplog, lambda: theirs_func(mu, data, theirs_model, init, bounds, fixed))
    ours = records(caplog, lambda: ours_func(mu, data, ours_model, init, bounds, fixed))
    assert ours == theirs
    warned = name == "q0" and mu != 0 or (bounds[0][0] == 0) != name.endswith("_tilde") and name != "q0"
    assert len(ours) == (1 if warned else 0)


@pytest.mark.parametrize("test_stat", TEST_STATS)
def test_hypotest_log_messages_are_pyhfs(caplog, test_stat):
    ours_model, theirs_model, data = models()
    theirs = records(caplog, lambda: pyhf.infer.hypotest(1.0, data, theirs_model, test_stat=test_stat))
    ours = records(caplog, lambda: neos_swift.infer.hypotest(1.0, data, ours_model, test_stat=test_stat))
    assert ours == theirs
    assert len(ours) == (0 if test_stat == "qtilde" else 2)


def test_keyword_catch_alls_are_gone():
    ours_model, _, data = models()
    with pytest.raises(TypeError):
        neos_swift.infer.test_statistics.qmu_tilde(1.0, data, ours_model, not_an_option=True)
    with pytest.raises(TypeError):
        neos_swift.infer.hypotest_derivatives(1.0, data, ours_model, not_an_option=True)


@pytest.mark.parametrize("test_stat", TEST_STATS)
def test_fitted_pars_are_pyhfs(test_stat):
    ours_model, theirs_model, data = models()
    poi = 0.0 if test_stat == "q0" else 1.4
    ours = calculators.AsymptoticCalculator(data, ours_model, test_stat=test_stat)
    assert ours.fitted_pars is None
    ours.teststatistic(poi)
    converged_backend(1e-12)
    theirs = pyhf.infer.calculators.AsymptoticCalculator(data, theirs_model, test_stat=test_stat)
    theirs.teststatistic(poi)
    pyhf.set_backend("numpy", precision="64b")
    fields = [
        "asimov_pars",
        "free_fit_to_data",
        "free_fit_to_asimov",
        "fixed_poi_fit_to_data",
        "fixed_poi_fit_to_asimov",
    ]
    for field in fields:
        np.testing.assert_allclose(
            getattr(ours.fitted_pars, field), getattr(theirs.fitted_pars, field), rtol=1e-5, atol=1e-7, err_msg=field
        )


def test_no_nan_where_pyhf_guards_against_it():
    # pyhf issue 1992: q = q_A = 0 at mu = 0 must give the statistic 0, not 0/0.
    model = neos_swift.simplemodels.uncorrelated_background(signal=[1.0], bkg=[1.0], bkg_uncertainty=[1.0])
    data = [2.0, *model.config.auxdata]
    calc = calculators.AsymptoticCalculator(data, model, test_stat="qtilde")
    assert calc.teststatistic(0.0) == pytest.approx(0.0)
    # pyhf issue 529: a tiny signal still gives finite CLs and expected CLs.
    model = neos_swift.simplemodels.uncorrelated_background(signal=[0.005], bkg=[28.0], bkg_uncertainty=[5.0])
    results = neos_swift.infer.hypotest(1.0, [28.0, *model.config.auxdata], model, return_expected=True)
    assert all(np.isfinite(r) for r in results)


@pytest.mark.parametrize("asimov_mu", [0.0, 1.0])
def test_generate_asimov_data_is_pyhfs(asimov_mu):
    ours_model, theirs_model, data = models()
    settings = (None, None, None)
    ours_data, ours_pars = calculators.generate_asimov_data(
        asimov_mu, data, ours_model, *settings, return_fitted_pars=True
    )
    converged_backend(1e-12)
    theirs_data, theirs_pars = pyhf.infer.calculators.generate_asimov_data(
        asimov_mu, data, theirs_model, *settings, return_fitted_pars=True
    )
    pyhf.set_backend("numpy", precision="64b")
    np.testing.assert_allclose(ours_pars, theirs_pars, rtol=1e-6)
    np.testing.assert_allclose(ours_data, theirs_data, rtol=1e-6)
    np.testing.assert_array_equal(calculators.generate_asimov_data(asimov_mu, data, ours_model, *settings), ours_data)


def test_jacobian_of_the_clipped_band_is_refused():
    # The core differentiates the normal band; returning it beside clipped values would be silently wrong.
    ours_model, _, data = models()
    with pytest.raises(exceptions.Unsupported, match="clipped_normal"):
        neos_swift.infer.hypotest(1.0, data, ours_model, calc_base_dist="clipped_normal", return_jacobian=True)
    value, jacobian = neos_swift.infer.hypotest(1.0, data, ours_model, return_jacobian=True)
    assert jacobian.inputs.shape[0] == 6


@pytest.mark.parametrize("name", ["qmu", "qmu_tilde", "tmu", "tmu_tilde", "q0"])
def test_no_poi_raises_pyhfs_error(name):
    spec = pyhf.simplemodels.uncorrelated_background(signal=[12.0], bkg=[50.0], bkg_uncertainty=[3.0]).spec
    theirs_model, ours_model = pyhf.Model(spec, poi_name=None), neos_swift.Model(spec, poi_name=None)
    data = [51.0, *theirs_model.config.auxdata]
    settings = [theirs_model.config.suggested_init(), theirs_model.config.suggested_bounds(), [False, False]]
    with pytest.raises(pyhf.exceptions.UnspecifiedPOI) as theirs:
        getattr(pyhf.infer.test_statistics, name)(1.0, data, theirs_model, *settings)
    with pytest.raises(exceptions.UnspecifiedPOI) as ours:
        getattr(neos_swift.infer.test_statistics, name)(1.0, data, ours_model, *settings)
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(pyhf.exceptions.UnspecifiedPOI) as theirs:
        pyhf.infer.hypotest(1.0, data, theirs_model)
    with pytest.raises(exceptions.UnspecifiedPOI) as ours:
        neos_swift.infer.hypotest(1.0, data, ours_model)
    assert str(ours.value) == str(theirs.value)


def test_public_names_are_pyhfs():
    assert dir(utils) == dir(pyhf.infer.utils)
    assert dir(calculators) == dir(pyhf.infer.calculators)
