"""neos_swift.probability against pyhf 0.7.6's pyhf.probability (NumPy backend): log-densities, means, draws
and the joint distributions, with pyhf's shapes and broadcasting."""

from __future__ import annotations

import numpy as np
import pyhf
import pytest
import scipy.stats
from neos_swift import probability
from pyhf.tensor.common import _TensorViewer


@pytest.fixture(autouse=True)
def numpy_backend():
    pyhf.set_backend("numpy")


def test_the_public_names_are_pyhfs():
    assert dir(probability) == dir(pyhf.probability)


# (rate or loc shape, value) pairs whose broadcast shapes pyhf documents by example.
VALUES = [
    ([10.0], 2.0),
    ([10.0, 4.0], 2.0),
    ([10.0, 4.0], [2.0, 3.0]),
    ([10.0, 4.0], [[2.0, 3.0]]),
    ([10.0, 4.0], [[2.0, 3.0], [0.0, 7.5]]),
    ([[1.0, 2.0], [3.0, 0.5]], [4.0, 0.0]),
]


@pytest.mark.parametrize(("rate", "value"), VALUES)
def test_poisson_log_prob_is_pyhfs(rate, value):
    ours = probability.Poisson(np.asarray(rate)).log_prob(np.asarray(value))
    theirs = pyhf.probability.Poisson(pyhf.tensorlib.astensor(rate)).log_prob(pyhf.tensorlib.astensor(value))
    assert ours.shape == np.shape(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=0)


def test_poisson_log_prob_at_integers_is_the_log_pmf():
    rate, counts = np.array([0.5, 3.0, 40.0]), np.array([0.0, 3.0, 52.0])
    np.testing.assert_allclose(
        probability.Poisson(rate).log_prob(counts), scipy.stats.poisson.logpmf(counts, rate), rtol=1e-13
    )
    # No events expected and none seen: probability one (xlogy takes 0 log 0 as 0).
    assert probability.Poisson(np.array([0.0])).log_prob(np.array([0.0]))[0] == 0.0


@pytest.mark.parametrize(("loc", "value"), VALUES)
def test_normal_log_prob_is_pyhfs(loc, value):
    scale = np.full(np.shape(loc), 1.5)
    ours = probability.Normal(np.asarray(loc), scale).log_prob(np.asarray(value))
    theirs = pyhf.probability.Normal(pyhf.tensorlib.astensor(loc), pyhf.tensorlib.astensor(scale)).log_prob(
        pyhf.tensorlib.astensor(value)
    )
    assert ours.shape == np.shape(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=0)
    np.testing.assert_allclose(ours, scipy.stats.norm.logpdf(value, loc, scale), rtol=1e-12)


def test_expected_data_is_the_parameter_given():
    rate, loc, scale = np.array([5.0, 8.0]), np.array([1.0, -2.0]), np.array([0.5, 2.0])
    assert probability.Poisson(rate).expected_data() is rate
    assert probability.Normal(loc, scale).expected_data() is loc
    assert probability.Independent(probability.Poisson(rate)).expected_data() is rate


@pytest.mark.parametrize("sample_shape", [(), (10,), (3, 4)])
def test_draws_have_pyhfs_shape_and_values_for_one_seed(sample_shape):
    rate, loc, scale = [10.0, 3.0], [1.0, 100.0], [1.0, 2.0]
    np.random.seed(7)
    ours = (
        probability.Poisson(np.asarray(rate)).sample(sample_shape),
        probability.Normal(np.asarray(loc), np.asarray(scale)).sample(sample_shape),
    )
    np.random.seed(7)
    t = pyhf.tensorlib.astensor
    theirs = (
        pyhf.probability.Poisson(t(rate)).sample(sample_shape),
        pyhf.probability.Normal(t(loc), t(scale)).sample(sample_shape),
    )
    for mine, pyhfs in zip(ours, theirs):
        assert mine.shape == (*sample_shape, 2)
        np.testing.assert_array_equal(mine, pyhfs)
    assert ours[0].dtype.kind == "i"


def test_poisson_draws_have_the_rate_as_mean():
    np.random.seed(11)
    draws = probability.Poisson(np.array([4.0, 30.0])).sample((20000,))
    np.testing.assert_allclose(draws.mean(axis=0), [4.0, 30.0], rtol=0.02)


def test_independent_sums_the_last_axis():
    rate = np.array([10.0, 4.0, 7.0])
    values = np.array([[8.0, 5.0, 7.0], [1.0, 2.0, 3.0]])
    joint = probability.Independent(probability.Poisson(rate)).log_prob(values)
    np.testing.assert_allclose(joint, scipy.stats.poisson.logpmf(values, rate).sum(axis=-1), rtol=1e-13)
    theirs = pyhf.probability.Independent(pyhf.probability.Poisson(rate)).log_prob(values)
    np.testing.assert_allclose(joint, theirs, rtol=1e-14)
    np.random.seed(3)
    draws = probability.Independent(probability.Poisson(rate)).sample((5,))
    assert draws.shape == (5, 3)


def test_simultaneous_stitches_its_components_as_pyhf():
    viewer = _TensorViewer([[0, 2], [1, 3]])
    t = pyhf.tensorlib.astensor
    ours = probability.Simultaneous(
        [
            probability.Poisson(np.array([1.0, 100.0])),
            probability.Normal(np.array([1.0, 100.0]), np.array([1.0, 2.0])),
        ],
        viewer,
    )
    theirs = pyhf.probability.Simultaneous(
        [pyhf.probability.Poisson(t([1.0, 100.0])), pyhf.probability.Normal(t([1.0, 100.0]), t([1.0, 2.0]))],
        viewer,
    )
    np.testing.assert_array_equal(ours.expected_data(), [1.0, 1.0, 100.0, 100.0])
    value = np.array([2.0, 0.5, 97.0, 101.0])
    np.testing.assert_allclose(ours.log_prob(value), theirs.log_prob(value), rtol=1e-14)
    # Entries 0 and 2 are the Poisson's, 1 and 3 the Normal's; each pair of terms is summed elementwise.
    expected = scipy.stats.poisson.logpmf([2.0, 97.0], [1.0, 100.0]) + scipy.stats.norm.logpdf(
        [0.5, 101.0], [1.0, 100.0], [1.0, 2.0]
    )
    np.testing.assert_allclose(ours.log_prob(value), expected, rtol=1e-12)
    np.random.seed(0)
    drawn = ours.sample((4,))
    np.random.seed(0)
    np.testing.assert_array_equal(drawn, theirs.sample((4,)))
    assert drawn.shape == (4, 4)


def test_simultaneous_indexes_and_iterates_like_a_list():
    items = ["first", 2, 3.0, None]
    joint = probability.Simultaneous(items, None)
    assert joint[1] == 2
    assert list(joint) == items
    assert joint.batch_size is None
    assert probability.Simultaneous(items, None, batch_size=5).batch_size == 5


def test_joint_logpdf_of_one_two_and_more_terms():
    a, b, c = np.array([-1.0, -2.0]), np.array([-0.5, -4.0]), np.array([-3.0, -1.0])
    # One summing path for any number of terms: a single term comes back equal, as a new array.
    single = probability.Simultaneous._joint_logpdf([a])
    np.testing.assert_array_equal(single, a)
    assert single is not a
    np.testing.assert_array_equal(probability.Simultaneous._joint_logpdf([a, b]), a + b)
    np.testing.assert_array_equal(probability.Simultaneous._joint_logpdf([a, b], batch_size=2), a + b)
    np.testing.assert_array_equal(probability.Simultaneous._joint_logpdf([a, b, c]), a + b + c)
    for terms, batch in [([a], None), ([a, b], None), ([a, b], 2), ([a, b, c], None)]:
        np.testing.assert_array_equal(
            probability.Simultaneous._joint_logpdf(terms, batch_size=batch),
            pyhf.probability.Simultaneous._joint_logpdf(terms, batch_size=batch),
        )


def test_joint_logpdf_broadcasts_its_terms_as_pyhfs_sum_of_two():
    # pyhf adds two terms with +, which broadcasts; a scalar term and a batch of terms therefore combine.
    batch, scalar = np.array([-1.0, -2.0, -3.0]), np.float64(-0.5)
    np.testing.assert_array_equal(probability.Simultaneous._joint_logpdf([batch, scalar]), batch + scalar)
    np.testing.assert_array_equal(
        probability.Simultaneous._joint_logpdf([batch, scalar]),
        pyhf.probability.Simultaneous._joint_logpdf([batch, scalar]),
    )
    with pytest.raises(ValueError):
        probability.Simultaneous._joint_logpdf([np.zeros(2), np.zeros(3)])


def test_batched_simultaneous_log_prob_sums_per_batch_row():
    # Two rows of parameters (a batch of 2): each row's log-density is the sum over all its components.
    viewer = _TensorViewer([[0, 1], [2]])
    joint = probability.Simultaneous(
        [
            probability.Independent(probability.Poisson(np.array([[3.0, 4.0], [5.0, 6.0]])), batch_size=2),
            probability.Independent(probability.Normal(np.array([[0.0], [1.0]]), np.array([[1.0], [2.0]])), 2),
        ],
        viewer,
        batch_size=2,
    )
    value = np.array([2.0, 5.0, 0.5])
    expected = [
        scipy.stats.poisson.logpmf([2.0, 5.0], [3.0, 4.0]).sum() + scipy.stats.norm.logpdf(0.5, 0.0, 1.0),
        scipy.stats.poisson.logpmf([2.0, 5.0], [5.0, 6.0]).sum() + scipy.stats.norm.logpdf(0.5, 1.0, 2.0),
    ]
    # rtol: scipy's logpmf and our xlogy/gammaln formula agree to a few ulp, summed over three terms.
    np.testing.assert_allclose(joint.log_prob(value), expected, rtol=1e-13)
    np.testing.assert_array_equal(joint.expected_data(), [[3.0, 4.0, 0.0], [5.0, 6.0, 1.0]])
