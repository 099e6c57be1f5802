"""neos_swift.jax: the same values and gradients as the native calls, under jax.jit(jax.grad(...))."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import neos_swift
import neos_swift.jax as neos_jax
import numpy as np
import pytest


def model():
    b = np.array([50.0, 30, 20, 10])
    return neos_swift.simplemodels.correlated_background(
        [5, 10, 3, 1], b, 1.1 * b, 0.9 * b, modifier_settings={"histosys": {"interpcode": "code0"}}
    )


def test_losses_under_jit_and_grad():
    m = model()
    inputs = m.inputs()[1]
    for name in ("expected_cls", "discovery_p0", "expected_upper_limit", "poi_uncertainty"):
        native_value, native_grad = getattr(neos_swift.losses, name)(m, return_grad=True)
        function = lambda x, name=name: getattr(neos_jax, name)(m, x)
        np.testing.assert_allclose(jax.jit(function)(inputs), native_value, rtol=1e-15)
        np.testing.assert_allclose(jax.jit(jax.grad(function))(inputs), native_grad, rtol=1e-15)
    # The relaxed 0.4.0 reference value (its fits converged tightly), through jax.
    np.testing.assert_allclose(neos_jax.expected_cls(m, inputs), 0.12076356951357, rtol=1e-6)


def test_hypotest_under_jit_and_grad():
    m = neos_swift.simplemodels.uncorrelated_background([12, 11], [50, 52], [3, 7])
    inputs = m.inputs()[1]
    data = np.array([51.0, 48] + m.config.auxdata)
    cls, jacobian = neos_swift.infer.hypotest(1.0, data, m, return_jacobian=True)
    function = lambda x, d: neos_jax.hypotest(1.0, m, x, d)
    np.testing.assert_allclose(jax.jit(function)(inputs, data), cls, rtol=1e-15)
    grad_inputs, grad_data = jax.jit(jax.grad(function, argnums=(0, 1)))(inputs, data)
    np.testing.assert_allclose(grad_inputs, jacobian.inputs[0], rtol=1e-15)
    np.testing.assert_allclose(grad_data, jacobian.data[0], rtol=1e-15)


def test_pipeline_loss_under_jit_and_grad():
    """The neos pipeline as a jax function of the trained vector: native value and gradient under jit(grad)."""
    from neos_swift.neos import Trainer

    trainer = Trainer({"hidden": [5], "points_per_blob": 100, "loss": "cls"})
    rng = np.random.default_rng(0)
    events = {
        name: rng.normal(mean, 1, (30, 2))
        for name, mean in [("sig", (-1, 1)), ("bkg_nominal", (1, -1)), ("bkg_up", (2.5, 2)), ("bkg_down", (-2.5, -1.5))]
    }
    parameters = trainer.parameters
    value, gradient = trainer.loss_and_gradient(parameters, events)
    function = lambda p: neos_jax.pipeline_loss(trainer, p, events)
    np.testing.assert_allclose(jax.jit(function)(parameters), value, rtol=1e-15)
    np.testing.assert_allclose(jax.jit(jax.grad(function))(parameters), gradient, rtol=1e-15)


def test_hist_is_the_native_call_under_jit_grad_and_vmap():
    rng = np.random.default_rng(3)
    data, weights = rng.normal(0.5, 0.25, 300), rng.uniform(0.5, 2.0, 300)
    edges, cotangent = np.array([0.0, 0.3, 0.5, 0.8, 1.0]), np.array([1.0, -2.0, 0.5, 3.0])
    for density, reflect in ((False, False), (True, False), (False, True), (True, True)):
        options = {"density": density, "reflect_infinities": reflect}
        native = neos_swift.hist(data, edges, 0.07, weights=weights, **options)
        function = lambda d, e, h, w, options=options: neos_jax.hist(d, e, h, weights=w, **options)  # noqa: E731
        # The same libneos call through a callback: bit for bit.
        np.testing.assert_array_equal(jax.jit(function)(data, edges, 0.07, weights), native)
        grads = jax.jit(jax.grad(lambda *a, f=function: (f(*a) * cotangent).sum(), argnums=(0, 1, 2, 3)))(
            data, edges, 0.07, weights
        )
        expected = neos_swift.hist_vjp(cotangent, data, edges, 0.07, weights=weights, **options)
        for got, want in zip(grads, (expected.data, expected.bins, expected.bandwidth, expected.weights)):
            np.testing.assert_array_equal(got, want)
    # Unweighted: three differentiable arguments; vmap over data runs the native call per row.
    rows = np.stack([data, data + 0.1])
    batched = jax.vmap(lambda d: neos_jax.hist(d, edges, 0.07))(rows)
    for got, row in zip(batched, rows):
        np.testing.assert_array_equal(got, neos_swift.hist(row, edges, 0.07))
    with pytest.raises(neos_swift.InvalidArgument, match="1-D data"):
        neos_jax.hist(rows, edges, 0.07)
    with pytest.raises(neos_swift.InvalidArgument, match="weights has shape"):
        neos_jax.hist(data, edges, 0.07, weights=weights[:3])


def test_cut_is_the_native_call_under_jit_grad_and_vmap():
    data, cotangent = np.array([-0.5, 0.1, 0.4, 2.0]), np.array([1.0, 2.0, -1.0, 0.5])
    for keep in ("above", "below"):
        np.testing.assert_array_equal(
            jax.jit(lambda d, c, s, keep=keep: neos_jax.cut(d, c, s, keep=keep))(data, 0.3, 4.0),
            neos_swift.cut(data, 0.3, 4.0, keep=keep),
        )
        objective = lambda d, c, s, keep=keep: (neos_jax.cut(d, c, s, keep=keep) * cotangent).sum()  # noqa: E731
        grads = jax.jit(jax.grad(objective, argnums=(0, 1, 2)))(data, 0.3, 4.0)
        expected = neos_swift.cut_vjp(cotangent, data, 0.3, 4.0, keep=keep)
        for got, want in zip(grads, expected):
            np.testing.assert_array_equal(got, want)
    cuts = jnp.array([0.0, 0.3])
    batched = jax.vmap(lambda c: neos_jax.cut(data, c, 4.0))(cuts)
    for got, c in zip(batched, cuts):
        np.testing.assert_array_equal(got, neos_swift.cut(data, float(c), 4.0))
    # A non-finite cotangent is refused by libneos; as in jax, it makes that event's gradient (and the summed
    # cut and slope gradients) NaN, the others exact.
    poisoned = cotangent.copy()
    poisoned[1] = np.nan
    grad_data, grad_cut, grad_slope = jax.grad(
        lambda d, c, s: (neos_jax.cut(d, c, s) * poisoned).sum(), argnums=(0, 1, 2)
    )(data, 0.3, 4.0)
    clean = neos_swift.cut_vjp(np.where(np.isnan(poisoned), 0, poisoned), data, 0.3, 4.0)
    np.testing.assert_array_equal(np.isnan(grad_data), [False, True, False, False])
    np.testing.assert_array_equal(np.asarray(grad_data)[[0, 2, 3]], clean.data[[0, 2, 3]])
    assert np.isnan(grad_cut) and np.isnan(grad_slope)
    with pytest.raises(ValueError, match="keep must be one of"):
        neos_jax.cut(data, 0.3, keep="both")
