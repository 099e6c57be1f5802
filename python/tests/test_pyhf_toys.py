"""neos_swift.infer.calculators.ToyCalculator, EmpiricalDistribution and hypotest(calctype="toybased"), against pyhf
0.7.6.

Our toys come from the core's own random streams, not numpy's, so no toy equals one of pyhf's: the comparisons are
statistical (each tolerance says how many standard errors it allows, so a correct implementation fails it with a
probability below about 1e-4 for the fixed seeds used, while a wrong distribution or a wrong hypothesis fails it by
far), or exact where both sides see the same numbers (pyhf's EmpiricalDistribution and p-value formulas over our
samples).
"""

from __future__ import annotations

import neos_swift
import numpy as np
import pyhf
import pytest
from neos_swift import exceptions
from neos_swift.infer import calculators, test_statistics
from neos_swift.infer._settings import FitSettings

# pyhf's documented 1-bin example, the shapesys model of pyhf's validation case 1bin_example1 (signal 10,
# background 50 +- 7, 55 observed).
ONE_BIN = dict(signal=[10.0], bkg=[50.0], bkg_uncertainty=[7.0])
ONE_BIN_OBSERVED = [55.0]
# pyhf 0.7.6 (numpy backend) hypotest(1.0, ..., calctype="toybased", ntoys=10000) on ONE_BIN after
# numpy.random.seed(2026): CLsb, CLb and CLs observed (the fractions of 10000 toys; run once for this test).
PYHF_10K = dict(clsb=0.3025, clb=0.6908, cls=0.43789808917197454, ntoys=10_000)
TWO_BIN = dict(signal=[12.0, 11.0], bkg=[50.0, 52.0], bkg_uncertainty=[3.0, 7.0])


@pytest.fixture(autouse=True)
def numpy_backend():
    pyhf.set_backend("numpy", precision="64b")
    yield
    pyhf.set_backend("numpy", precision="64b")


def one_bin():
    model = neos_swift.simplemodels.uncorrelated_background(**ONE_BIN)
    return model, ONE_BIN_OBSERVED + model.config.auxdata


def two_bin():
    model = neos_swift.simplemodels.uncorrelated_background(**TWO_BIN)
    return model, [51.0, 48.0] + model.config.auxdata


def binomial_tolerance(p, *counts, sigmas=4.0):
    """``sigmas`` standard errors of the difference of independent binomial fractions with these toy counts."""
    return sigmas * np.sqrt(p * (1 - p) * sum(1.0 / n for n in counts))


# --- acceptance: reproducible, independent of threads, and pyhf's p-values ----------------------------------------


def test_same_seed_gives_identical_pvalues_on_one_and_two_threads():
    model, data = one_bin()
    results = []
    for threads in (1, 2):
        calc = calculators.ToyCalculator(data, model, ntoys=300, track_progress=False, seed=17, threads=threads)
        sb, b = calc.distributions(1.0)
        q = calc.teststatistic(1.0)
        results.append((sb.samples, b.samples, calc.pvalues(q, sb, b), calc.expected_pvalues(sb, b)))
    (sb1, b1, p1, e1), (sb2, b2, p2, e2) = results
    np.testing.assert_array_equal(sb1, sb2)
    np.testing.assert_array_equal(b1, b2)
    np.testing.assert_array_equal(p1, p2)
    np.testing.assert_array_equal(e1, e2)
    assert np.count_nonzero(sb1) > 0 and not np.array_equal(sb1, b1)


def test_progress_bar_computes_the_same_toys_in_blocks(capsys):
    # With a bar the toys are computed in blocks of 64 (seed advanced per block); the values must not change.
    # (tqdm is installed with pyhf, which these tests import.)
    model, data = one_bin()
    plain = calculators.ToyCalculator(data, model, ntoys=150, track_progress=False, seed=5).distributions(1.0)
    shown = calculators.ToyCalculator(data, model, ntoys=150, track_progress=True, seed=5).distributions(1.0)
    for a, b in zip(plain, shown):
        np.testing.assert_array_equal(a.samples, b.samples)
    assert "Signal-like" in capsys.readouterr().err


def test_pvalues_agree_with_pyhf_10k_toys_within_binomial_error():
    # Our 2000 toys against pyhf's 10000 (PYHF_10K): each tail fraction within 4 standard errors of the difference
    # of two binomial fractions; CLs = CLsb / CLb within the first-order propagation of both, also 4 standard errors.
    model, data = one_bin()
    n = 2000
    cls, (clsb, clb) = neos_swift.infer.hypotest(
        1.0, data, model, calctype="toybased", ntoys=n, track_progress=False, return_tail_probs=True, seed=2026
    )
    assert abs(clsb - PYHF_10K["clsb"]) <= binomial_tolerance(PYHF_10K["clsb"], n, PYHF_10K["ntoys"])
    assert abs(clb - PYHF_10K["clb"]) <= binomial_tolerance(PYHF_10K["clb"], n, PYHF_10K["ntoys"])
    relative = np.hypot(
        binomial_tolerance(PYHF_10K["clsb"], n, PYHF_10K["ntoys"], sigmas=1) / PYHF_10K["clsb"],
        binomial_tolerance(PYHF_10K["clb"], n, PYHF_10K["ntoys"], sigmas=1) / PYHF_10K["clb"],
    )
    assert abs(cls - PYHF_10K["cls"]) <= 4 * relative * PYHF_10K["cls"]


def test_numpy_global_seed_reproduces_runs_without_a_seed():
    model, data = one_bin()

    def run():
        return neos_swift.infer.hypotest(
            1.0, data, model, calctype="toybased", ntoys=50, track_progress=False, return_expected_set=True
        )

    np.random.seed(3)
    first = run()
    np.random.seed(3)
    again = run()
    other = run()  # the global state moved on: other toys
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    calc = calculators.ToyCalculator(data, model, ntoys=50, track_progress=False)
    np.random.seed(3)
    a = calc.distributions(1.0)[0].samples
    b = calc.distributions(1.0)[0].samples
    assert not np.array_equal(a, b)  # each call draws a new seed, as each of pyhf's calls draws new toys
    assert not (np.array_equal(first[0], other[0]) and np.array_equal(first[1], other[1]))


# --- the toys themselves ------------------------------------------------------------------------------------------


def test_toy_data_distribution_matches_pyhf_make_pdf_sample():
    # 20000 toys from ours and from pyhf's make_pdf(pars).sample at the same parameters: every datum's mean and
    # variance agree within 5 standard errors of the difference (means: sqrt(2 var / n); variances:
    # sqrt(2 (mu4 - var^2) / n), mu4 estimated from pyhf's samples).
    n = 20_000
    spec = {
        "channels": [
            {
                "name": "c",
                "samples": [
                    {
                        "name": "signal",
                        "data": [5.0, 8.0],
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {
                        "name": "bkg",
                        "data": [40.0, 30.0],
                        "modifiers": [
                            {"name": "syst", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
                            {"name": "stat", "type": "staterror", "data": [4.0, 3.0]},
                            {"name": "shape", "type": "shapesys", "data": [6.0, 5.0]},
                        ],
                    },
                ],
            }
        ]
    }
    ours = neos_swift.Model(spec)
    theirs = pyhf.Model(spec)
    assert ours.config.par_order == theirs.config.par_order
    pars = np.array(theirs.config.suggested_init(), dtype=float)
    for name, value in [("mu", 0.7), ("syst", -0.4), ("stat", [1.05, 0.92]), ("shape", [0.9, 1.2])]:
        pars[theirs.config.par_slice(name)] = value
    np.random.seed(1)
    pyhf_toys = np.asarray(theirs.make_pdf(pyhf.tensorlib.astensor(pars)).sample((n,)))
    our_toys = calculators._toy_data(ours, pars, n, seed=8)
    assert our_toys.shape == pyhf_toys.shape == (n, 2 + theirs.config.nauxdata)
    np.testing.assert_array_equal(our_toys[:, :2], np.round(our_toys[:, :2]))
    variance = pyhf_toys.var(axis=0, ddof=1)
    fourth = ((pyhf_toys - pyhf_toys.mean(axis=0)) ** 4).mean(axis=0)
    np.testing.assert_array_less(np.abs(our_toys.mean(axis=0) - pyhf_toys.mean(axis=0)), 5 * np.sqrt(2 * variance / n))
    np.testing.assert_array_less(
        np.abs(our_toys.var(axis=0, ddof=1) - variance), 5 * np.sqrt(2 * (fourth - variance**2) / n)
    )


@pytest.mark.parametrize("test_stat", ["qtilde", "q", "q0"])
def test_each_toy_statistic_is_the_test_statistic_of_its_data(test_stat):
    # The core's toy statistics are exactly pyhf's test statistic functions (ours) on the toy data.
    model, _ = two_bin()
    pars = model.config.suggested_init()
    bounds = model.config.suggested_bounds()
    if test_stat == "q":
        bounds[model.config.poi_index] = [-10.0, 10.0]
    settings = FitSettings(model, None, bounds, None)
    values = calculators._toy_test_statistics(model, 1.0, test_stat, pars, settings, 8, seed=4)
    toys = calculators._toy_data(model, pars, 8, seed=4)
    function = {"qtilde": test_statistics.qmu_tilde, "q": test_statistics.qmu, "q0": test_statistics.q0}[test_stat]
    poi = 0.0 if test_stat == "q0" else 1.0
    direct = [float(function(poi, toy, model, pars, bounds, model.config.suggested_fixed())) for toy in toys]
    np.testing.assert_array_equal(values, direct)


@pytest.mark.parametrize("test_stat", ["qtilde", "q0"])
def test_hypotheses_are_sampled_at_pyhfs_fits(test_stat):
    # Signal-plus-background toys at the fixed-POI fit at poi_test, background-only at POI 0 (for q0: 1), with the
    # streams seed and seed + 1.
    model, data = two_bin()
    poi = 0.0 if test_stat == "q0" else 1.0
    calc = calculators.ToyCalculator(data, model, test_stat=test_stat, ntoys=6, track_progress=False, seed=40)
    sb, b = calc.distributions(poi)
    settings = FitSettings(model)
    for dist, mu, seed in [(sb, poi, 40), (b, 1.0 if test_stat == "q0" else 0.0, 41)]:
        pars = neos_swift.infer.mle.fixed_poi_fit(mu, data, model)
        expected = calculators._toy_test_statistics(model, poi, test_stat, pars, settings, 6, seed)
        np.testing.assert_array_equal(dist.samples, expected)


# --- pyhf's formulas over the samples: identical numbers -------------------------------------------------------


def test_empirical_distribution_and_pvalues_are_pyhfs_on_the_same_samples():
    model, data = two_bin()
    calc = calculators.ToyCalculator(data, model, ntoys=400, track_progress=False, seed=9)
    sb, b = calc.distributions(1.0)
    theirs_sb = pyhf.infer.calculators.EmpiricalDistribution(pyhf.tensorlib.astensor(sb.samples))
    theirs_b = pyhf.infer.calculators.EmpiricalDistribution(pyhf.tensorlib.astensor(b.samples))
    theirs_calc = pyhf.infer.calculators.ToyCalculator(
        data, pyhf.simplemodels.uncorrelated_background(**TWO_BIN), ntoys=400, track_progress=False
    )
    for value in [0.0, 1e-3, 0.5, 2.0, 3.9, float(sb.samples[7]), 50.0]:
        assert sb.pvalue(value) == theirs_sb.pvalue(value)
        np.testing.assert_array_equal(calc.pvalues(value, sb, b), theirs_calc.pvalues(value, theirs_sb, theirs_b))
    # pyhf reads expected values and its band at these percentiles (np.percentile, linear); its own calls of
    # np.percentile(..., interpolation=) fail under numpy 2, so its formula is applied here to its p-values.
    percentiles = [2.27501319, 15.86552539, 50.0, 84.13447461, 97.72498681]
    nsigma = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    # 1e-9 relative: the percentile points differ after 8 digits (ours from ndtr, pyhf's rounded), which moves
    # an interpolated value by ~1e-10 of a gap between neighbouring samples.
    np.testing.assert_allclose(
        b.expected_value(nsigma), np.percentile(b.samples, percentiles, method="linear"), rtol=1e-9, atol=1e-12
    )
    ours_band = calc.expected_pvalues(sb, b)
    theirs_pvalues = np.array([theirs_calc.pvalues(t, theirs_sb, theirs_b) for t in theirs_b.samples], dtype=float)
    theirs_band = np.percentile(theirs_pvalues, percentiles, axis=0, method="linear").T
    # The same rounding of the percentile points: interpolation weights differ by ~1e-9 of a step between
    # neighbouring p-values (each at most 1), hence 1e-8 absolute.
    np.testing.assert_allclose(np.asarray(ours_band, dtype=float), theirs_band, atol=1e-8)
    assert all(isinstance(v, np.ndarray) and v.ndim == 0 for band in ours_band for v in band)


def test_teststatistic_is_the_plain_statistic():
    model, data = two_bin()
    calc = calculators.ToyCalculator(data, model, ntoys=1, track_progress=False, seed=0)
    np.testing.assert_array_equal(
        calc.teststatistic(1.0), test_statistics.qmu_tilde(1.0, data, model, None, None, None)
    )
    # pyhf's docs give 3.93824492 for this model and data (its fit, tolerance 1e-6 relative)
    np.testing.assert_allclose(calc.teststatistic(1.0), 3.93824492, rtol=1e-6)


# --- hypotest's returns -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("test_stat", ["qtilde", "q0"])
@pytest.mark.parametrize("return_tail_probs", [False, True])
@pytest.mark.parametrize("return_expected", [False, True])
@pytest.mark.parametrize("return_expected_set", [False, True])
def test_hypotest_returns_pyhfs_shapes(test_stat, return_tail_probs, return_expected, return_expected_set):
    model, data = two_bin()
    poi = 0.0 if test_stat == "q0" else 1.0
    flags = dict(
        return_tail_probs=return_tail_probs, return_expected=return_expected, return_expected_set=return_expected_set
    )
    result = neos_swift.infer.hypotest(
        poi,
        data,
        model,
        calctype="toybased",
        ntoys=5,
        track_progress=False,
        test_stat=test_stat,
        return_calculator=True,
        seed=1,
        **flags,
    )
    # pyhf assembles hypotest's returns the same way for both calculators, and its toy calculator cannot run under
    # numpy 2 (np.percentile's removed interpolation=), so the shapes are compared with its asymptotic hypotest.
    theirs = pyhf.infer.hypotest(
        poi,
        data,
        pyhf.simplemodels.uncorrelated_background(**TWO_BIN),
        test_stat=test_stat,
        return_calculator=True,
        **flags,
    )
    assert len(result) == len(theirs)
    for ours_item, theirs_item in zip(result[:-1], theirs[:-1]):
        assert type(ours_item) is type(theirs_item)
        assert np.shape(ours_item) == np.shape(theirs_item)
    assert isinstance(result[-1], calculators.ToyCalculator)
    assert 0 <= result[0] <= 1


def test_hypotest_errors_are_pyhfs():
    model, data = two_bin()
    fixed = model.config.suggested_fixed()
    fixed[model.config.poi_index] = True
    with pytest.raises(exceptions.InvalidModel, match="is set as fixed"):
        neos_swift.infer.hypotest(1.0, data, model, fixed_params=fixed, calctype="toybased", ntoys=2)
    with pytest.raises(exceptions.InvalidTestStatistic):
        neos_swift.infer.hypotest(1.0, data, model, calctype="toybased", ntoys=2, test_stat="tmu")
    with pytest.raises(TypeError):
        neos_swift.infer.hypotest(1.0, data, model, calctype="toybased", calc_base_dist="normal")
    with pytest.raises(exceptions.Unsupported, match="asymptotics"):
        neos_swift.infer.hypotest(1.0, data, model, calctype="toybased", ntoys=2, return_jacobian=True)


@pytest.mark.parametrize(
    "kwargs",
    [dict(ntoys=-1), dict(ntoys=2.5), dict(seed=-1), dict(seed=2**64), dict(seed=1.0), dict(threads=0)],
    ids=str,
)
def test_invalid_toy_settings_are_refused(kwargs):
    model, data = two_bin()
    settings = dict(ntoys=3, track_progress=False, seed=1) | kwargs
    with pytest.raises(exceptions.InvalidArgument):
        calculators.ToyCalculator(data, model, **settings).distributions(1.0)


def test_too_many_toys_are_refused_by_the_library():
    model, _ = two_bin()
    with pytest.raises(exceptions.InvalidArgument, match="NEOS_MAX_TOYS"):
        calculators._toy_test_statistics(
            model, 1.0, "qtilde", model.config.suggested_init(), FitSettings(model), 10**9, 0
        )


def test_unsampleable_parameters_raise_numeric_error():
    model, _ = two_bin()
    pars = model.config.suggested_init()
    pars[model.config.poi_index] = -20.0  # negative expected rates
    with pytest.raises(neos_swift.NumericError, match="toy 0 of 3"):
        calculators._toy_test_statistics(model, 1.0, "qtilde", pars, FitSettings(model), 3, 0)
