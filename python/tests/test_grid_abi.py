"""ABI 1.5 (issue 16): the core's toy p-values against pyhf 0.7.6's EmpiricalDistribution and ToyCalculator
formulas over the same samples, and the signal grids neos_grid_upper_limit and neos_grid_toy_hypotest against the
Python calls on each point's model alone, bit for bit, on one and two threads.

pyhf's toy calculator cannot run its own percentiles under numpy 2 (it passes np.percentile's removed
``interpolation=``), so its formulas are applied here to its own p-values with ``method="linear"``, the same
numbers numpy 1 gave it.
"""

from __future__ import annotations

import ctypes

import neos_swift
import numpy as np
import pyhf
import pytest
from neos_swift import PatchSet, Workspace, utils
from neos_swift._library import CONSTANTS, c_string, lib, pointer
from neos_swift.errors import check
from neos_swift.infer import calculators
from scipy.stats import norm

# pyhf's band percentiles, as src/pyhf/infer/calculators.py writes them
PYHF_PERCENTILES = [2.27501319, 15.86552539, 50.0, 84.13447461, 97.72498681]
TOY_ROWS = 9  # NEOS_TOY_HYPOTEST_ROWS
UL_ROWS = CONSTANTS["NEOS_UPPER_LIMIT_ROWS"]


@pytest.fixture(autouse=True)
def numpy_backend():
    pyhf.set_backend("numpy", precision="64b")
    yield
    pyhf.set_backend("numpy", precision="64b")


def toy_like_samples(seed, n, zeros=0.4):
    """Samples shaped as a q-tilde distribution: a share of exact zeros (ties), the rest chi-square like."""
    rng = np.random.default_rng(seed)
    values = rng.chisquare(1, n)
    values[rng.random(n) < zeros] = 0.0
    return values


# --- the core's p-values are pyhf's ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 400, 2001])
def test_empirical_pvalue_is_pyhfs_bit_for_bit(n):
    samples = toy_like_samples(n, n)
    ours = calculators.EmpiricalDistribution(samples)
    theirs = pyhf.infer.calculators.EmpiricalDistribution(pyhf.tensorlib.astensor(samples))
    for value in [-1.0, 0.0, 1e-300, *samples[:50], 0.5, 3.0, 1e6, np.inf, -np.inf]:
        mine = ours.pvalue(value)
        assert isinstance(mine, np.ndarray) and mine.ndim == 0
        assert float(mine) == float(theirs.pvalue(value)), value
    # an array of values is one core call, each value as alone
    values = np.array([[0.0, 0.5], [1.0, 2.0]])
    np.testing.assert_array_equal(ours.pvalue(values), [[float(ours.pvalue(v)) for v in row] for row in values])


@pytest.mark.parametrize("n", [1, 2, 5, 400, 2001])
def test_expected_value_is_numpys_percentile_at_phi(n):
    samples = toy_like_samples(100 + n, n)
    ours = calculators.EmpiricalDistribution(samples)
    nsigma = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, -0.3, 1.7])
    # pyhf's formula (np.percentile of tensorlib.normal_cdf(nsigma) * 100, linear) with numpy 2's keyword
    theirs = np.percentile(samples, norm.cdf(nsigma) * 100, method="linear")
    # Phi comes from the core's erfc, scipy's from cephes: the percentile points can differ in the last bit, which
    # moves an interpolated value by about 1e-16 of the gap between two samples.
    gap = np.ptp(samples) if n > 1 else 1.0
    np.testing.assert_allclose(ours.expected_value(nsigma), theirs, rtol=0, atol=1e-12 * gap)
    # where Phi is exact (0.5, 0, 1) the values are numpy's bit for bit
    for sigma, q in [(0.0, 50.0), (-np.inf, 0.0), (np.inf, 100.0)]:
        value = ours.expected_value(sigma)
        assert isinstance(value, np.float64)
        assert value == np.percentile(samples, q, method="linear")


@pytest.mark.parametrize(("n_signal", "n_background"), [(1, 1), (3, 5), (400, 400), (1000, 333)])
def test_expected_pvalues_band_is_pyhfs_bit_for_bit(n_signal, n_background):
    signal = toy_like_samples(n_signal, n_signal, zeros=0.5)
    background = toy_like_samples(7 * n_background, n_background, zeros=0.1) + 0.5
    sb, b = calculators.EmpiricalDistribution(signal), calculators.EmpiricalDistribution(background)
    model = pyhf.simplemodels.uncorrelated_background([1.0], [10.0], [1.0])
    theirs_calc = pyhf.infer.calculators.ToyCalculator([10.0, 100.0], model, ntoys=1, track_progress=False)
    theirs_sb = pyhf.infer.calculators.EmpiricalDistribution(pyhf.tensorlib.astensor(signal))
    theirs_b = pyhf.infer.calculators.EmpiricalDistribution(pyhf.tensorlib.astensor(background))
    # pyhf's expected_pvalues, its np.percentile call given numpy 2's keyword
    pvalues = np.array([theirs_calc.pvalues(t, theirs_sb, theirs_b) for t in theirs_b.samples], dtype=float)
    theirs_band = np.percentile(pvalues, PYHF_PERCENTILES, axis=0, method="linear").T
    ours_calc = calculators.ToyCalculator(
        [10.0, 100.0], neos_swift.simplemodels.uncorrelated_background([1.0], [10.0], [1.0]), ntoys=1
    )
    ours_band = ours_calc.expected_pvalues(sb, b)
    assert [len(band) for band in ours_band] == [5, 5, 5]
    assert all(isinstance(v, np.ndarray) and v.ndim == 0 for band in ours_band for v in band)
    np.testing.assert_array_equal(np.asarray(ours_band, dtype=float), theirs_band)


def test_samples_the_core_cannot_order_are_refused():
    with pytest.raises(neos_swift.InvalidArgument, match="n_samples is 0"):
        calculators.EmpiricalDistribution([]).pvalue(1.0)
    with pytest.raises(neos_swift.InvalidArgument, match=r"samples\[1\] is nan"):
        calculators.EmpiricalDistribution([1.0, np.nan]).expected_value(0.0)
    with pytest.raises(neos_swift.InvalidArgument, match=r"values\[0\] is NaN"):
        calculators.EmpiricalDistribution([1.0]).pvalue(np.nan)


# --- the grids: each point is the Python call on its model alone ------------------------------------------------

BACKGROUND = {
    "channels": [
        {
            "name": "singlechannel",
            "samples": [
                {
                    "name": "signal",
                    "data": [5.0, 10.0],
                    "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                },
                {
                    "name": "background",
                    "data": [50.0, 60.0],
                    "modifiers": [{"name": "uncorr_bkguncrt", "type": "shapesys", "data": [5.0, 12.0]}],
                },
            ],
        }
    ],
    "observations": [{"name": "singlechannel", "data": [52.0, 63.0]}],
    "measurements": [{"name": "Measurement", "config": {"poi": "mu", "parameters": []}}],
    "version": "1.0.0",
}


def patch(name, scale, path="/channels/0/samples/0/data"):
    return {
        "metadata": {"name": name, "values": [scale]},
        "patch": [{"op": "replace", "path": path, "value": [5.0 * scale, 10.0 * scale]}],
    }


PATCHSET = {
    "metadata": {
        "references": {"hepdata": "ins0000001"},
        "description": "signal strengths",
        "digests": {"sha256": utils.digest(BACKGROUND)},
        "labels": ["scale"],
    },
    "patches": [patch("s2", 2.0), patch("broken", 3.0, path="/channels/4/samples/0/data"), patch("s4", 4.0)],
    "version": "1.0.0",
}


@pytest.fixture(scope="module")
def grid():
    return Workspace(BACKGROUND), PatchSet(PATCHSET)


def alone(workspace, patchset, name):
    model = workspace.model(patches=[patchset[name].patch])
    return model, workspace.data(model)


def names_array(names):
    return (ctypes.c_char_p * len(names))(*[c_string(name, "name") for name in names])


def grid_toy_hypotest(workspace, patchset, names, ntoys, seed, threads, poi=1.0, test_stat="qtilde"):
    out = np.empty(len(names) * TOY_ROWS)
    status = (ctypes.c_int32 * len(names))()
    check(
        lib.neos_grid_toy_hypotest(
            workspace,
            patchset,
            names_array(names),
            len(names),
            None,
            None,
            poi,
            c_string(test_stat, "test_stat"),
            ntoys,
            seed,
            threads,
            pointer(out),
            out.size,
            status,
            len(names),
        )
    )
    return out.reshape(len(names), TOY_ROWS), list(status)


def grid_upper_limit(workspace, patchset, names, scan, threads):
    out = np.empty(len(names) * UL_ROWS)
    positions = (ctypes.c_int32 * out.size)()
    status = (ctypes.c_int32 * len(names))()
    scan = None if scan is None else np.ascontiguousarray(scan, dtype=np.float64)
    check(
        lib.neos_grid_upper_limit(
            workspace,
            patchset,
            names_array(names),
            len(names),
            None,
            None,
            0.05,
            pointer(scan),
            0 if scan is None else scan.size,
            c_string("qtilde", "test_stat"),
            threads,
            pointer(out),
            out.size,
            positions,
            out.size,
            status,
            len(names),
        )
    )
    return out.reshape(len(names), UL_ROWS), np.reshape(list(positions), (len(names), UL_ROWS)), list(status)


NAMES = ["s2", "broken", "s4"]


@pytest.mark.parametrize("test_stat", ["qtilde", "q0"])
def test_toy_grid_points_are_the_toy_hypotest_alone_on_one_and_two_threads(grid, test_stat):
    workspace, patchset = grid
    poi = 0.0 if test_stat == "q0" else 1.0
    one, status_one = grid_toy_hypotest(workspace, patchset, NAMES, 60, 2026, 1, poi, test_stat)
    two, status_two = grid_toy_hypotest(workspace, patchset, NAMES, 60, 2026, 2, poi, test_stat)
    np.testing.assert_array_equal(one, two)
    assert status_one == status_two
    assert status_one[0] == status_one[2] == 0 and status_one[1] != 0
    np.testing.assert_array_equal(one[1], np.zeros(TOY_ROWS))
    for row, name in zip(one, NAMES):
        if name == "broken":
            continue
        model, data = alone(workspace, patchset, name)
        headline, tails, band, calc = neos_swift.infer.hypotest(
            poi,
            data,
            model,
            calctype="toybased",
            ntoys=60,
            seed=2026,
            test_stat=test_stat,
            track_progress=False,
            return_tail_probs=True,
            return_expected_set=True,
            return_calculator=True,
        )
        # pyhf's returns: (CLs, [CLsb, CLb], band), for q0 (p0 = CLsb, [CLb], p0 band)
        clsb, clb = (float(headline), float(tails[0])) if test_stat == "q0" else map(float, tails)
        assert row[0] == float(calc.teststatistic(poi))
        assert (row[1], row[2], row[3]) == (clsb, clb, clsb / clb)
        np.testing.assert_array_equal(row[4:], np.asarray(band, dtype=float))


def test_toy_grid_seed_decides_the_toys(grid):
    workspace, patchset = grid
    first, _ = grid_toy_hypotest(workspace, patchset, ["s4"], 40, 1, 0)
    again, _ = grid_toy_hypotest(workspace, patchset, ["s4"], 40, 1, 2)
    other, _ = grid_toy_hypotest(workspace, patchset, ["s4"], 40, 2, 0)
    np.testing.assert_array_equal(first, again)
    assert first[0, 0] == other[0, 0]  # the observed statistic does not depend on the toys
    assert not np.array_equal(first[0, 1:], other[0, 1:])


@pytest.mark.parametrize("scan", [None, np.linspace(0.0, 6.0, 25)], ids=["root finding", "scan"])
def test_upper_limit_grid_points_are_the_upper_limit_alone(grid, scan):
    workspace, patchset = grid
    one, positions_one, status_one = grid_upper_limit(workspace, patchset, NAMES, scan, 1)
    two, positions_two, status_two = grid_upper_limit(workspace, patchset, NAMES, scan, 2)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(positions_one, positions_two)
    assert status_one == status_two and status_one[1] != 0 and status_one[0] == status_one[2] == 0
    for row, name in zip(one, NAMES):
        if name == "broken":
            continue
        model, data = alone(workspace, patchset, name)
        observed, expected = neos_swift.infer.intervals.upper_limits.upper_limit(data, model, scan=scan)
        np.testing.assert_array_equal(row, [float(observed), *map(float, expected)])
        # pyhf 0.7.6 on the same model, converged tightly (its fits at tolerance 1e-12, its root finding at rtol
        # 1e-10; by default they stop at 1e-6 and 1e-4): limits within 1e-6 relative.
        theirs_model = pyhf.Workspace(BACKGROUND).model(patches=[PATCHSET["patches"][NAMES.index(name)]["patch"]])
        extra = {} if scan is not None else {"rtol": 1e-10}
        pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-12))
        try:
            theirs = pyhf.infer.intervals.upper_limits.upper_limit(data, theirs_model, scan=scan, **extra)
        finally:
            pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer())
        np.testing.assert_allclose(row, [float(theirs[0]), *map(float, theirs[1])], rtol=1e-6)
    assert one[2, 0] < one[0, 0]  # a stronger signal, a smaller limit
