"""neos_swift.probability's log-densities come from the core (neos_poisson_logpdf, neos_normal_logpdf) and must be
scipy's to 1e-12 relative, with pyhf's shapes, broadcasting and edge values."""

from __future__ import annotations

import numpy as np
import pytest
from neos_swift import probability
from neos_swift._library import lib
from neos_swift.errors import InvalidArgument
from scipy import stats
from scipy.special import gammaln, xlogy

RELATIVE = 1e-12


def test_poisson_matches_scipy_on_counts():
    generator = np.random.default_rng(20261202)
    rates = generator.uniform(0.05, 300.0, size=500)
    counts = generator.integers(0, 400, size=500).astype(float)
    ours = probability.Poisson(rates).log_prob(counts)
    np.testing.assert_allclose(ours, stats.poisson.logpmf(counts, rates), rtol=RELATIVE, atol=0)


def test_poisson_is_continuous_in_the_count():
    """Non-integer counts (Asimov data) follow lgamma, as pyhf's continuous Poisson."""
    generator = np.random.default_rng(7)
    rates = generator.uniform(0.05, 300.0, size=300)
    counts = generator.uniform(0.0, 400.0, size=300)
    reference = xlogy(counts, rates) - rates - gammaln(counts + 1)
    np.testing.assert_allclose(probability.Poisson(rates).log_prob(counts), reference, rtol=RELATIVE, atol=0)


def test_normal_matches_scipy():
    generator = np.random.default_rng(11)
    x = generator.normal(0.0, 30.0, size=400)
    loc = generator.normal(0.0, 30.0, size=400)
    scale = generator.uniform(0.01, 50.0, size=400)
    np.testing.assert_allclose(
        probability.Normal(loc, scale).log_prob(x), stats.norm.logpdf(x, loc, scale), rtol=RELATIVE, atol=0
    )


def test_shapes_follow_numpy_broadcasting():
    assert probability.Poisson([10.0]).log_prob(2.0).shape == (1,)
    assert probability.Poisson([10.0, 4.0]).log_prob([[2.0, 3.0], [1.0, 0.0], [5.5, 6.0]]).shape == (3, 2)
    assert np.ndim(probability.Poisson(3.0).log_prob(2.0)) == 0
    assert probability.Normal([[1.0], [2.0]], [1.0, 2.0, 3.0]).log_prob(0.5).shape == (2, 3)
    with pytest.raises(ValueError):
        probability.Poisson([1.0, 2.0]).log_prob([1.0, 2.0, 3.0])
    independent = probability.Independent(probability.Poisson([3.0, 5.0])).log_prob([[1.0, 2.0], [4.0, 6.0]])
    np.testing.assert_allclose(
        independent, stats.poisson.logpmf([[1, 2], [4, 6]], [3.0, 5.0]).sum(axis=-1), rtol=RELATIVE, atol=0
    )


def test_edge_values_are_pyhfs():
    """-inf for a count at rate 0, 0 log(rate) = 0 even for a negative rate (then the value is -rate), NaN for a
    count at a negative rate or a NaN input; a Normal with scale 0 or below is NaN."""
    counts = np.array([1.0, 0.0, 0.0, 2.0, np.nan])
    rates = np.array([0.0, 0.0, -1.5, -1.0, 3.0])
    ours = probability.Poisson(rates).log_prob(counts)
    np.testing.assert_array_equal(ours, xlogy(counts, rates) - rates - gammaln(counts + 1))
    assert ours[0] == -np.inf and ours[2] == 1.5 and np.isnan(ours[3]) and np.isnan(ours[4])
    assert np.isnan(probability.Normal([0.0, 0.0], [0.0, -1.0]).log_prob([1.0, 1.0])).all()


def test_lengths_that_differ_are_refused_by_the_library():
    import ctypes

    pointer = ctypes.POINTER(ctypes.c_double)
    counts, rates, out = np.ones(3), np.ones(2), np.empty(3)
    status = lib.neos_poisson_logpdf(
        counts.ctypes.data_as(pointer), 3, rates.ctypes.data_as(pointer), 2, out.ctypes.data_as(pointer), 3
    )
    assert status == InvalidArgument.status
    assert b"n_rates" in lib.neos_last_error_message()
