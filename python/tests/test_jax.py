"""neos_swift.jax: the same values and gradients as the native calls, under jax.jit(jax.grad(...))."""

from __future__ import annotations

import jax
import neos_swift
import neos_swift.jax as neos_jax
import numpy as np


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
