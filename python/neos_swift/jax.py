"""neos-swift's differentiable results as jax functions, for relaxed/jax pipelines.

Each function takes a model (the structure) and jax arrays (the numbers: ``inputs`` aligned with
``model.inputs()[1]``, and ``data`` where a function has data) and returns a jax scalar. Values and gradients come
from the native library through ``jax.pure_callback`` inside a ``jax.custom_vjp``, so they work under ``jax.grad``
and ``jax.jit`` (first-order only; ``vmap`` runs the callback sequentially). float64 is switched on at import.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from . import infer, losses

jax.config.update("jax_enable_x64", True)

__all__ = ["discovery_p0", "expected_cls", "expected_upper_limit", "hypotest", "pipeline_loss", "poi_uncertainty"]


def _scalar_with_gradient(evaluate):
    """A jax function of one array whose value and gradient come from ``evaluate(values) -> (value, gradient)``."""

    @jax.custom_vjp
    def function(x):
        return jax.pure_callback(
            lambda v: np.float64(evaluate(np.asarray(v, dtype=float))[0]),
            jax.ShapeDtypeStruct((), jnp.float64),
            x,
            vmap_method="sequential",
        )

    def forward(x):
        shapes = (jax.ShapeDtypeStruct((), jnp.float64), jax.ShapeDtypeStruct(x.shape, jnp.float64))
        value, gradient = jax.pure_callback(
            lambda v: tuple(np.asarray(part, dtype=np.float64) for part in evaluate(np.asarray(v, dtype=float))),
            shapes,
            x,
            vmap_method="sequential",
        )
        return value, gradient

    def backward(gradient, cotangent):
        return (cotangent * gradient,)

    function.defvjp(forward, backward)
    return function


def _loss(name, model, inputs, **kwargs):
    loss = getattr(losses, name)
    return _scalar_with_gradient(lambda values: loss(model.with_inputs(values), return_grad=True, **kwargs))(
        jnp.asarray(inputs, jnp.float64)
    )


def expected_cls(model, inputs, test_poi=1.0, test_stat="q"):
    """losses.expected_cls of ``model.with_inputs(inputs)`` as a differentiable jax function of ``inputs``."""
    return _loss("expected_cls", model, inputs, test_poi=test_poi, test_stat=test_stat)


def discovery_p0(model, inputs):
    """losses.discovery_p0 as a differentiable jax function of ``inputs``."""
    return _loss("discovery_p0", model, inputs)


def expected_upper_limit(model, inputs, level=0.05):
    """losses.expected_upper_limit as a differentiable jax function of ``inputs``."""
    return _loss("expected_upper_limit", model, inputs, level=level)


def poi_uncertainty(model, inputs, poi_value=1.0):
    """losses.poi_uncertainty (σ_μ from the Fisher information) as a differentiable jax function of ``inputs``."""
    return _loss("poi_uncertainty", model, inputs, poi_value=poi_value)


def hypotest(poi_test, model, inputs, data, test_stat="qtilde"):
    """Observed CLs (for q0: p0) of ``infer.hypotest`` as a differentiable jax function of ``inputs`` and ``data``."""
    inputs = jnp.asarray(inputs, jnp.float64)
    data = jnp.asarray(data, jnp.float64)
    split = inputs.shape[0]

    def evaluate(both):
        rebuilt = model.with_inputs(both[:split])
        value, jacobian = infer.hypotest(poi_test, both[split:], rebuilt, test_stat=test_stat, return_jacobian=True)
        return float(value), np.concatenate([jacobian.inputs[0], jacobian.data[0]])

    return _scalar_with_gradient(evaluate)(jnp.concatenate([inputs, data]))


def pipeline_loss(trainer, parameters, events, weights=None):
    """The neos pipeline's objective (network → histograms → model → loss) of ``trainer``'s configuration as a
    differentiable jax function of the trained vector ``parameters`` (``trainer.parameters``'s layout), on fixed
    ``events`` ({name: (N, d) array}): for optimising with optax or composing with other jax code."""
    events = {name: np.asarray(array, dtype=float) for name, array in events.items()}
    return _scalar_with_gradient(lambda values: trainer.loss_and_gradient(values, events, weights))(
        jnp.asarray(parameters, jnp.float64)
    )
