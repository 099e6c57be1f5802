"""neos_swift.hist / cut and their VJPs: reference values, numpy agreement, finite differences, errors."""

from __future__ import annotations

import neos_swift
import numpy as np
import pytest
from conftest import assert_gradient, central_differences

DATA = [0.1, 0.4, 0.45, 0.8]
EDGES = [0, 0.25, 0.5, 0.75, 1]


@pytest.mark.parametrize(
    "bandwidth, reflect, expected",
    [
        (0.1, False, [0.8640598281, 1.5113752832, 0.7728295774, 0.6702948365]),
        (0.1, True, [1.0227501509, 1.5113752832, 0.7728295774, 0.6930449884]),
        (0.05, False, [0.9772815393, 1.8185629439, 0.3400606378, 0.8413130758]),
        (0.3, True, [1.2858690451, 0.9783174815, 0.8741717422, 0.8616417311]),
    ],
)
def test_spot_values(bandwidth, reflect, expected):
    counts = neos_swift.hist(DATA, EDGES, bandwidth, reflect_infinities=reflect)
    np.testing.assert_allclose(counts, expected, rtol=0, atol=1e-9)


def test_zero_bandwidth_is_numpy_histogram(rng):
    data = np.concatenate([rng.normal(0, 1.5, 2000), [-5.0, 5.0, 0.0, 2.5]])  # exact edges included
    for edges in (np.linspace(-5, 5, 6), np.array([-3.0, -1, 0, 0.5, 2.5, 4])):
        weights = rng.uniform(0.5, 2, data.size)
        np.testing.assert_array_equal(neos_swift.hist(data, edges, 0), np.histogram(data, edges)[0])
        np.testing.assert_allclose(
            neos_swift.hist(data, edges, 0, weights=weights), np.histogram(data, edges, weights=weights)[0], rtol=1e-13
        )
        np.testing.assert_allclose(
            neos_swift.hist(data, edges, 0, density=True), np.histogram(data, edges, density=True)[0], rtol=1e-13
        )


def test_tiny_bandwidth_matches_numpy(rng):
    """relaxed's own test: h = 1e-6, 5000 N(0,1) points, edges linspace(-5, 5, 6), exact equality."""
    data = rng.normal(size=5000)
    edges = np.linspace(-5, 5, 6)
    np.testing.assert_array_equal(neos_swift.hist(data, edges, 1e-6), np.histogram(data, edges)[0])


def test_cut_spot_values():
    np.testing.assert_allclose(
        neos_swift.cut([1, 2, 3], 2, slope=1, keep="above"), [0.26894142, 0.5, 0.73105858], atol=1e-8
    )
    np.testing.assert_allclose(neos_swift.cut([1, 2, 3], 2, keep="below"), [0.73105858, 0.5, 0.26894142], atol=1e-8)


@pytest.mark.parametrize("density", [False, True])
@pytest.mark.parametrize("reflect", [False, True])
def test_hist_vjp_matches_finite_differences(density, reflect, rng):
    data = rng.uniform(-0.2, 1.2, 40)
    edges = np.array([0.0, 0.2, 0.55, 0.7, 1.1])
    weights = rng.uniform(-0.5, 2, data.size)
    cotangent = rng.normal(size=4)
    bandwidth = 0.13
    options = dict(density=density, reflect_infinities=reflect)

    def objective(data=data, edges=edges, weights=weights, bandwidth=bandwidth):
        return cotangent @ neos_swift.hist(data, edges, bandwidth, weights=weights, **options)

    grads = neos_swift.hist_vjp(cotangent, data, edges, bandwidth, weights=weights, **options)
    assert_gradient(grads.data, central_differences(lambda x: objective(data=x), data))
    assert_gradient(grads.bins, central_differences(lambda e: objective(edges=e), edges))
    assert_gradient(grads.weights, central_differences(lambda w: objective(weights=w), weights))
    assert_gradient(grads.bandwidth, central_differences(lambda h: objective(bandwidth=h[0]), [bandwidth]))


def test_hist_vjp_without_weights_matches_unit_weights():
    plain = neos_swift.hist_vjp([1, 2, 3, 4], DATA, EDGES, 0.1)
    weighted = neos_swift.hist_vjp([1, 2, 3, 4], DATA, EDGES, 0.1, weights=np.ones(4))
    for a, b in zip(plain, weighted):
        np.testing.assert_array_equal(a, b)


def test_hist_vjp_wrt_selects_gradients():
    full = neos_swift.hist_vjp([1, 2, 3, 4], DATA, EDGES, 0.1)
    part = neos_swift.hist_vjp([1, 2, 3, 4], DATA, EDGES, 0.1, wrt=("data", "bins"))
    np.testing.assert_array_equal(part.data, full.data)
    np.testing.assert_array_equal(part.bins, full.bins)
    assert part.weights is None and part.bandwidth is None
    with pytest.raises(neos_swift.InvalidArgument, match="wrt may only name"):
        neos_swift.hist_vjp([1, 2, 3, 4], DATA, EDGES, 0.1, wrt=("edges",))


@pytest.mark.parametrize("keep", ["above", "below"])
def test_cut_vjp_matches_finite_differences(keep, rng):
    data = rng.normal(2, 1.5, 25)
    cotangent = rng.normal(size=data.size)

    def objective(data=data, cut_val=2.0, slope=1.7):
        return cotangent @ neos_swift.cut(data, cut_val, slope, keep)

    grads = neos_swift.cut_vjp(cotangent, data, 2.0, 1.7, keep)
    assert_gradient(grads.data, central_differences(lambda x: objective(data=x), data))
    assert_gradient(grads.cut_val, central_differences(lambda c: objective(cut_val=c[0]), [2.0]))
    assert_gradient(grads.slope, central_differences(lambda s: objective(slope=s[0]), [1.7]))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: neos_swift.hist([0.1, np.nan], EDGES, 0.1), "data[1] is nan"),
        (lambda: neos_swift.hist([0.1, np.inf], EDGES, 0.1), "data[1] is inf"),
        (lambda: neos_swift.hist(DATA, [0, 0.5, 0.4, 1], 0.1), "bins must be strictly increasing"),
        (lambda: neos_swift.hist(DATA, [0.5], 0.1), "bins needs at least 2 edges"),
        (lambda: neos_swift.hist(DATA, EDGES, -0.1), "bandwidth is -0.1"),
        (lambda: neos_swift.hist(DATA, EDGES, np.nan), "bandwidth is nan"),
        (lambda: neos_swift.hist(DATA, EDGES, 0.1, weights=[1, 2]), "weights has length 2, expected 4"),
        (lambda: neos_swift.hist(np.zeros((2, 2)), EDGES, 0.1), "data must be 1-dimensional"),
        (lambda: neos_swift.hist_vjp([1, 2], DATA, EDGES, 0.1), "cotangent has length 2, expected 4"),
        (lambda: neos_swift.cut(DATA, 0.5, keep="left"), "keep must be one of 'above', 'below'; got str 'left'"),
        (lambda: neos_swift.cut(DATA, np.nan), "cut_val is nan"),
        (lambda: neos_swift.cut_vjp([1.0], DATA, 0.5), "cotangent has length 1, expected 4"),
    ],
)
def test_bad_input_raises_invalid_argument(call, message):
    with pytest.raises(neos_swift.InvalidArgument, match=None) as raised:
        call()
    assert message in str(raised.value)
    assert isinstance(raised.value, neos_swift.NeosError) and isinstance(raised.value, ValueError)
