"""neos_swift.infer.intervals.upper_limits against pyhf 0.7.6: every keyword of upper_limit, linear_grid_scan and
toms748_scan is honoured (or refused as pyhf refuses it), with pyhf's return structures.

pyhf's fits stop at scipy's tolerance, libneos' converge: their CLs differ by about 1e-5 relative on this model
(CLs(mu=1) is 0.0525150 in pyhf, 0.0525155 here), and interpolated limits inherit up to 3e-5 of it, so limits
are compared with rtol = 5e-5. Our own limits are
also checked against our own hypotest, which must give CLs = level at them to the root finder's precision."""

from __future__ import annotations

import warnings

import neos_swift
import numpy as np
import pyhf
import pytest

pyhf.set_backend("numpy", precision="64b")

ours_ul = neos_swift.infer.intervals.upper_limits
pyhfs_ul = pyhf.infer.intervals.upper_limits

SIGNAL, BKG, UNCERTAINTY = [12.0, 11.0], [50.0, 52.0], [3.0, 7.0]
OURS = neos_swift.simplemodels.uncorrelated_background(SIGNAL, BKG, UNCERTAINTY)
THEIRS = pyhf.simplemodels.uncorrelated_background(SIGNAL, BKG, UNCERTAINTY)
DATA = [51.0, 48.0, *THEIRS.config.auxdata]
SCAN = np.linspace(0.0, 5.0, 11)
VS_PYHF = 5e-5  # see the module docstring


def limits(result):
    observed, expected = result[0], result[1]
    return np.array([float(observed), *map(float, expected)])


def cls_values(limit_row, **hypotest_kwargs):
    # CLs observed at the observed limit and each band value at its own expected limit.
    observed = float(neos_swift.infer.hypotest(limit_row[0], DATA, OURS, **hypotest_kwargs))
    band = [
        float(neos_swift.infer.hypotest(mu, DATA, OURS, return_expected_set=True, **hypotest_kwargs)[1][index])
        for index, mu in enumerate(limit_row[1:])
    ]
    return np.array([observed, *band])


def test_grid_scan_is_pyhfs_with_its_results():
    ours = ours_ul.upper_limit(DATA, OURS, scan=SCAN, return_results=True)
    theirs = pyhfs_ul.upper_limit(DATA, THEIRS, scan=SCAN, return_results=True)
    np.testing.assert_allclose(limits(ours), limits(theirs), rtol=VS_PYHF)
    scan, results = ours[2]
    assert scan is SCAN  # as given, as pyhf
    assert len(results) == SCAN.size
    # At mu = 0 the null and alternative coincide and CLs is exactly 1; pyhf's fits leave it at 0.9997.
    assert [float(results[0][0]), *map(float, results[0][1])] == [1.0] * 6
    for mine, pyhfs in zip(results[1:], theirs[2][1][1:]):
        assert len(mine) == 2 and len(mine[1]) == 5
        # Small CLs (1e-3 at mu = 5) carry pyhf's fit error as an absolute 1e-7 or so: atol 1e-6.
        np.testing.assert_allclose(
            [float(mine[0]), *map(float, mine[1])], [float(pyhfs[0]), *map(float, pyhfs[1])], rtol=VS_PYHF, atol=1e-6
        )
    same = ours_ul.linear_grid_scan(DATA, OURS, SCAN)
    np.testing.assert_array_equal(limits(same), limits(ours))


@pytest.mark.parametrize("tolerances", [{}, {"rtol": 1e-6}, {"atol": 1e-3, "rtol": 0.0}])
def test_root_finding_meets_pyhfs_tolerances(tolerances):
    ours = limits(ours_ul.upper_limit(DATA, OURS, **tolerances))
    theirs = limits(pyhfs_ul.upper_limit(DATA, THEIRS, rtol=1e-10))
    np.testing.assert_allclose(ours, theirs, rtol=VS_PYHF)
    # libneos solves CLs(mu) = level to full precision: our own hypotests give 0.05 there (1e-9 relative covers
    # the hypotest's own rounding near a CLs of 0.05).
    np.testing.assert_allclose(cls_values(ours), 0.05, rtol=1e-9)


def test_toms748_scan_bracket_and_results():
    default = ours_ul.toms748_scan(DATA, OURS, 0.0, 5.0, rtol=1e-8)
    for low, high in ((3.0, 5.0), (0.0, 1.0)):  # a bracket above the limits, and one below them
        np.testing.assert_allclose(
            limits(ours_ul.toms748_scan(DATA, OURS, low, high, rtol=1e-8)), limits(default), rtol=1e-12
        )
    observed, expected, (pois, results) = ours_ul.toms748_scan(DATA, OURS, 0.0, 5.0, from_upper_limit_fn=True)
    assert len(pois) == len(results) > 0
    np.testing.assert_allclose(limits((observed, expected)), limits(default), rtol=1e-12)
    np.testing.assert_allclose(
        limits(default), limits(pyhfs_ul.toms748_scan(DATA, THEIRS, 0.0, 5.0, rtol=1e-10)), rtol=VS_PYHF
    )
    _, _, (pois, results) = ours_ul.upper_limit(DATA, OURS, return_results=True)
    assert len(pois) == len(results)


def test_the_level_is_honoured():
    # pyhf 0.7.6's upper_limit(scan=None) drops level (toms748_scan runs at 0.05); ours solves at the given one.
    at_ten = limits(ours_ul.upper_limit(DATA, OURS, level=0.1))
    np.testing.assert_allclose(cls_values(at_ten), 0.1, rtol=1e-9)
    grid = limits(ours_ul.upper_limit(DATA, OURS, scan=SCAN, level=0.1))
    np.testing.assert_allclose(grid, limits(pyhfs_ul.upper_limit(DATA, THEIRS, scan=SCAN, level=0.1)), rtol=VS_PYHF)


def test_other_test_statistics_go_through_hypotest():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = limits(ours_ul.upper_limit(DATA, OURS, scan=SCAN, test_stat="q"))
        theirs_grid = limits(pyhfs_ul.upper_limit(DATA, THEIRS, scan=SCAN, test_stat="q"))
        root = limits(ours_ul.toms748_scan(DATA, OURS, 0.0, 5.0, rtol=1e-10, test_stat="q"))
        theirs_root = limits(pyhfs_ul.toms748_scan(DATA, THEIRS, 0.0, 5.0, rtol=1e-10, test_stat="q"))
    np.testing.assert_allclose(grid, theirs_grid, rtol=VS_PYHF)
    np.testing.assert_allclose(root, theirs_root, rtol=VS_PYHF)
    # q's observed limit differs from qtilde's here (pyhf: 1.01329 against 1.01157).
    assert abs(root[0] - limits(ours_ul.upper_limit(DATA, OURS))[0]) > 1e-3
    # toms748 stops within rtol = 1e-10 of each root: CLs there is the level to 1e-8.
    np.testing.assert_allclose(cls_values(root, test_stat="q"), 0.05, rtol=1e-8)


def test_fit_settings_reach_the_hypotests():
    bounds = OURS.config.suggested_bounds()
    bounds[OURS.config.poi_index] = (0.0, 20.0)
    init = OURS.config.suggested_init()
    ours = limits(ours_ul.upper_limit(DATA, OURS, scan=SCAN, init_pars=init, par_bounds=bounds))
    theirs = limits(pyhfs_ul.upper_limit(DATA, THEIRS, scan=SCAN, init_pars=init, par_bounds=bounds))
    np.testing.assert_allclose(ours, theirs, rtol=VS_PYHF)


def test_refusals():
    with pytest.raises(TypeError, match="return_expected_set"):
        ours_ul.upper_limit(DATA, OURS, scan=SCAN, return_expected_set=True)
    with pytest.raises(TypeError):
        ours_ul.upper_limit(DATA, OURS, scan=SCAN, no_such_option=1)
    with pytest.raises(neos_swift.errors.InvalidArgument, match="rtol"):
        ours_ul.upper_limit(DATA, OURS, rtol=-1.0)
    with pytest.raises(neos_swift.errors.InvalidArgument, match="return_jacobian"):
        ours_ul.upper_limit(DATA, OURS, scan=SCAN, return_jacobian=True)
    with pytest.raises(neos_swift.errors.InvalidArgument, match="return_jacobian"):
        ours_ul.upper_limit(DATA, OURS, return_jacobian=True, test_stat="q")


def test_jacobian_limits_are_the_root_findings():
    observed, expected, jacobian = ours_ul.upper_limit(DATA, OURS, return_jacobian=True, rtol=1e-6)
    np.testing.assert_allclose(limits((observed, expected)), limits(ours_ul.upper_limit(DATA, OURS)), rtol=1e-12)
    assert jacobian.inputs.shape == (6, OURS.config.ninputs)


def test_deprecated_name_and_public_names():
    with pytest.warns(DeprecationWarning, match="upperlimit is deprecated in favor of"):
        result = neos_swift.infer.intervals.upperlimit(DATA, OURS, scan=SCAN)
    np.testing.assert_array_equal(limits(result), limits(ours_ul.upper_limit(DATA, OURS, scan=SCAN)))
    assert dir(neos_swift.infer.intervals) == dir(pyhf.infer.intervals)
    assert dir(ours_ul) == dir(pyhfs_ul)
