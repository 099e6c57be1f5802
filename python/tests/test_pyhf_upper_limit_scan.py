"""upper_limits.linear_grid_scan / upper_limit(scan=...) in cases pyhf gets wrong in silence (issue 13, class 6):
an unsorted scan gives the sorted scan's limits, repeats are tested once, fewer than two distinct values are
refused, and a limit beyond the scan keeps pyhf's value (the scan's end) with a warning naming it and the range."""

from __future__ import annotations

import warnings

import neos_swift
import numpy as np
import pyhf
import pytest

pyhf.set_backend("numpy", precision="64b")

ours_ul = neos_swift.infer.intervals.upper_limits
MODEL = neos_swift.simplemodels.uncorrelated_background([5.0], [50.0], [7.0])
THEIRS = pyhf.simplemodels.uncorrelated_background([5.0], [50.0], [7.0])
DATA = [55.0, *THEIRS.config.auxdata]
SCAN = np.linspace(0.0, 8.0, 17)  # brackets all six limits (1.9 … 7.6)


def limits_of(result):
    observed, expected = result[0], result[1]
    return np.array([float(observed), *map(float, expected)])


@pytest.mark.parametrize("kwargs", [{}, {"test_stat": "q"}], ids=["core", "python"])
def test_order_and_repeats_do_not_change_the_limits(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ours_ul.UpperLimitOutsideScanWarning)
        reference = limits_of(ours_ul.upper_limit(DATA, MODEL, scan=SCAN, **kwargs))
        shuffled = np.random.default_rng(3).permutation(SCAN)
        repeated = np.concatenate([SCAN, SCAN[3:7]])
        for scan in (shuffled, SCAN[::-1], repeated):
            observed, expected, (returned_scan, results) = ours_ul.upper_limit(
                DATA, MODEL, scan=scan, return_results=True, **kwargs
            )
            np.testing.assert_array_equal(limits_of((observed, expected)), reference)  # the same hypotests
            assert returned_scan is scan and len(results) == scan.size  # pyhf's structure: one result per value
            at_first = results[int(np.argmin(scan))]
            assert float(at_first[0]) == pytest.approx(1.0, abs=1e-9)  # CLs at mu = 0


def test_pyhf_gives_another_limit_for_an_unsorted_scan():
    # What the sorting repairs: pyhf interpolates the values as given.
    shuffled = np.random.default_rng(3).permutation(SCAN)
    theirs_sorted = limits_of(pyhf.infer.intervals.upper_limits.upper_limit(DATA, THEIRS, scan=SCAN))
    theirs_shuffled = limits_of(pyhf.infer.intervals.upper_limits.upper_limit(DATA, THEIRS, scan=shuffled))
    assert not np.allclose(theirs_sorted, theirs_shuffled, rtol=1e-3)
    ours = limits_of(ours_ul.upper_limit(DATA, MODEL, scan=shuffled))
    np.testing.assert_allclose(ours, theirs_sorted, rtol=5e-4)  # pyhf's fits stop at scipy's tolerance


@pytest.mark.parametrize("scan", [[2.0], [2.0, 2.0, 2.0], []])
def test_fewer_than_two_distinct_values_are_refused(scan):
    with pytest.raises(neos_swift.InvalidArgument, match="at least two distinct POI values"):
        ours_ul.upper_limit(DATA, MODEL, scan=scan)
    with pytest.raises(neos_swift.InvalidArgument, match="at least two distinct POI values"):
        ours_ul.linear_grid_scan(DATA, MODEL, scan, test_stat="q")


@pytest.mark.parametrize("kwargs", [{}, {"test_stat": "q"}], ids=["core", "python"])
def test_limits_beyond_the_scan_warn_and_keep_pyhfs_values(kwargs):
    scan = np.linspace(0.0, 3.0, 7)  # the observed and upper expected limits lie above 3
    with pytest.warns(ours_ul.UpperLimitOutsideScanWarning) as caught:
        observed, expected = ours_ul.upper_limit(DATA, MODEL, scan=scan, **kwargs)
    messages = [str(warning.message) for warning in caught]
    assert any(message.startswith("the observed upper limit lies above the scan [0.0, 3.0]") for message in messages)
    assert any("expected +2σ upper limit lies above" in message for message in messages)
    assert float(observed) == 3.0 and float(expected[4]) == 3.0  # pyhf's numpy.interp clamps to the end
    theirs = limits_of(pyhf.infer.intervals.upper_limits.upper_limit(DATA, THEIRS, scan=scan, **kwargs))
    np.testing.assert_allclose(limits_of((observed, expected)), theirs, rtol=5e-4)
    with pytest.warns(ours_ul.UpperLimitOutsideScanWarning, match="expected -2σ upper limit lies below the scan"):
        ours_ul.upper_limit(DATA, MODEL, scan=[4.0, 9.0], **kwargs)
