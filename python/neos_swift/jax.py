"""neos-swift's differentiable results as jax functions, for relaxed/jax pipelines.

Each loss takes a model (the structure) and jax arrays (the numbers: ``inputs`` aligned with
``model.inputs()[1]``, and ``data`` where a function has data) and returns a jax scalar; :func:`hist` and
:func:`cut` are relaxed's differentiable histogram and cut. Values and gradients come from the native library
through ``jax.pure_callback`` inside a ``jax.custom_vjp``, so they work under ``jax.grad`` and ``jax.jit``
(first-order only; ``vmap`` runs the callback once per element). float64 is switched on at import.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
import numpy as np

from . import histograms, infer, losses
from ._arguments import as_choice, as_float, as_handle
from .errors import ArgumentTypeError, InvalidArgument, NeosError

if TYPE_CHECKING:
    from jax.typing import ArrayLike

    from .neos import Trainer
    from .pdf import Model

jax.config.update("jax_enable_x64", True)

__all__ = [
    "cut",
    "discovery_p0",
    "expected_cls",
    "expected_upper_limit",
    "hist",
    "hypotest",
    "pipeline_loss",
    "poi_uncertainty",
]

# jax >= 0.4.34 takes vmap_method; older releases (relaxed 0.4.0 needs jax 0.4.19) loop under vmap by default.
_SEQUENTIAL = {"vmap_method": "sequential"} if "vmap_method" in inspect.signature(jax.pure_callback).parameters else {}


# The NeosError the last host callback raised: jax reports a failed callback as its own runtime error, so the
# public functions below raise this one instead (see _surfacing). Callbacks may run on another thread than their
# caller, so this is a plain module global, not a thread-local.
_callback_error: list = [None]


def callback(function: Callable[..., Any], shapes: Any, *arguments: ArrayLike) -> Any:
    """``jax.pure_callback(function, shapes, *arguments)`` that runs once per element under ``jax.vmap``, on every
    jax release this package supports. ``function`` receives numpy float64 arrays."""

    def host(*values):
        try:
            return function(*(np.asarray(value, dtype=np.float64) for value in values))
        except NeosError as error:
            _callback_error[0] = error
            raise

    return jax.pure_callback(host, shapes, *arguments, **_SEQUENTIAL)


def _surfacing(function):
    """``function`` raising the NeosError of a failed host callback (NaN data, a cut_val of inf, ...) rather than
    jax's wrapper of it, when the callback runs during the call (outside ``jax.jit``)."""

    @functools.wraps(function)
    def surfaced(*arguments, **keywords):
        _callback_error[0] = None
        try:
            return function(*arguments, **keywords)
        except NeosError:
            raise
        except Exception as error:
            cause, _callback_error[0] = _callback_error[0], None
            if cause is None:
                raise
            raise cause from error

    return surfaced


def _float64(shape):
    return jax.ShapeDtypeStruct(tuple(shape), jnp.float64)


def _scalar_with_gradient(evaluate):
    """A jax function of one array whose value and gradient come from ``evaluate(values) -> (value, gradient)``."""

    @jax.custom_vjp
    def function(x):
        return callback(lambda v: np.float64(evaluate(v)[0]), _float64(()), x)

    def forward(x):
        shapes = (_float64(()), _float64(x.shape))
        return callback(lambda v: tuple(np.asarray(part, dtype=np.float64) for part in evaluate(v)), shapes, x)

    def backward(gradient, cotangent):
        return (cotangent * gradient,)

    function.defvjp(forward, backward)
    return function


def _model(model):
    """``model`` checked before tracing: a wrong one would otherwise fail inside the host callback, where jax
    reports only that the callback failed."""
    from .pdf import Model

    return as_handle("model", model, Model)


def _static_float(name, value) -> float:
    """A static (not traced) real argument, checked before tracing."""
    if isinstance(value, jax.core.Tracer):
        raise ArgumentTypeError(f"{name} must be a concrete number (it is static here), got a traced value")
    return as_float(name, value)


def _loss(name, model, inputs, **kwargs):
    _model(model)
    loss = getattr(losses, name)
    return _scalar_with_gradient(lambda values: loss(model.with_inputs(values), return_grad=True, **kwargs))(
        _traceable("inputs", inputs)
    )


@_surfacing
def expected_cls(model: Model, inputs: ArrayLike, test_poi: float = 1.0, test_stat: str = "q") -> jax.Array:
    """losses.expected_cls of ``model.with_inputs(inputs)`` as a differentiable jax function of ``inputs``."""
    as_choice("test_stat", test_stat, ("q", "qtilde"))
    return _loss("expected_cls", model, inputs, test_poi=_static_float("test_poi", test_poi), test_stat=test_stat)


@_surfacing
def discovery_p0(model: Model, inputs: ArrayLike) -> jax.Array:
    """losses.discovery_p0 as a differentiable jax function of ``inputs``."""
    return _loss("discovery_p0", model, inputs)


@_surfacing
def expected_upper_limit(model: Model, inputs: ArrayLike, level: float = 0.05) -> jax.Array:
    """losses.expected_upper_limit as a differentiable jax function of ``inputs``."""
    return _loss("expected_upper_limit", model, inputs, level=_static_float("level", level))


@_surfacing
def poi_uncertainty(model: Model, inputs: ArrayLike, poi_value: float = 1.0) -> jax.Array:
    """losses.poi_uncertainty (σ_μ from the Fisher information) as a differentiable jax function of ``inputs``."""
    return _loss("poi_uncertainty", model, inputs, poi_value=_static_float("poi_value", poi_value))


@_surfacing
def hypotest(poi_test: float, model: Model, inputs: ArrayLike, data: ArrayLike, test_stat: str = "qtilde") -> jax.Array:
    """Observed CLs (for q0: p0) of ``infer.hypotest`` as a differentiable jax function of ``inputs`` and ``data``."""
    _model(model)
    poi_test = _static_float("poi_test", poi_test)
    as_choice("test_stat", test_stat, ("q0", "q", "qtilde"))
    inputs = _traceable("inputs", inputs)
    data = _traceable("data", data)
    if inputs.ndim != 1 or data.ndim != 1:
        raise InvalidArgument(f"hypotest takes 1-D inputs and data, not shapes {inputs.shape} and {data.shape}")
    split = inputs.shape[0]

    def evaluate(both):
        rebuilt = model.with_inputs(both[:split])
        value, jacobian = infer.hypotest(poi_test, both[split:], rebuilt, test_stat=test_stat, return_jacobian=True)
        return float(value), np.concatenate([jacobian.inputs[0], jacobian.data[0]])

    return _scalar_with_gradient(evaluate)(jnp.concatenate([inputs, data]))


@_surfacing
def pipeline_loss(
    trainer: Trainer,
    parameters: ArrayLike,
    events: Mapping[str, ArrayLike],
    weights: Mapping[str, ArrayLike] | None = None,
) -> jax.Array:
    """The neos pipeline's objective (network → histograms → model → loss) of ``trainer``'s configuration as a
    differentiable jax function of the trained vector ``parameters`` (``trainer.parameters``'s layout), on fixed
    ``events`` ({name: (N, d) array}): for optimising with optax or composing with other jax code."""
    from .neos import Trainer, _EventArrays

    as_handle("trainer", trainer, Trainer)
    _EventArrays(events, weights)  # checks the events here, before tracing
    events = {name: np.asarray(array, dtype=float) for name, array in events.items()}
    return _scalar_with_gradient(lambda values: trainer.loss_and_gradient(values, events, weights))(
        _traceable("parameters", parameters)
    )


@functools.cache
def _hist_function(density, reflect_infinities, weighted):
    """The jax binned KDE for one choice of the static options: arguments (data, bins, bandwidth[, weights])."""
    options = {"density": density, "reflect_infinities": reflect_infinities}

    def counts(*arguments):
        return callback(
            lambda d, e, h, *w: histograms.hist(d, e, float(h), weights=w[0] if w else None, **options),
            _float64((arguments[1].shape[0] - 1,)),
            *arguments,
        )

    def gradients(arguments, cotangent):
        data, bins = arguments[0], arguments[1]
        shapes = (_float64(data.shape), _float64(bins.shape), _float64(()), _float64(data.shape))

        def host(c, d, e, h, *w):
            g = histograms.hist_vjp(c, d, e, float(h), weights=w[0] if w else None, **options)
            return g.data, g.bins, np.float64(g.bandwidth), g.weights

        # libneos refuses non-finite cotangents; jax's dense arithmetic would make every gradient entry NaN.
        finite = jnp.isfinite(cotangent)
        grads = callback(host, shapes, jnp.where(finite, cotangent, 0.0), *arguments)
        grads = tuple(jnp.where(jnp.all(finite), g, jnp.nan) for g in grads)
        return grads if weighted else grads[:3]

    function = jax.custom_vjp(counts)
    function.defvjp(lambda *arguments: (counts(*arguments), arguments), gradients)
    return function


@_surfacing
def hist(
    data: ArrayLike,
    bins: ArrayLike,
    bandwidth: ArrayLike,
    density: bool = False,
    reflect_infinities: bool = False,
    weights: ArrayLike | None = None,
) -> jax.Array:
    """relaxed.hist as a jax function: the binned KDE of ``data`` (1-D) in the bins with ``bins`` (1-D edges), a
    Gaussian kernel of width ``bandwidth``; ``density`` and ``reflect_infinities`` as
    :func:`neos_swift.histograms.hist`, ``weights`` one per event (the neos addition). Differentiable with respect
    to ``data``, ``bins``, ``bandwidth`` and ``weights``; the two flags are static."""
    arguments = [_traceable("data", data), _traceable("bins", bins), _traceable("bandwidth", bandwidth)]
    if arguments[0].ndim != 1 or arguments[1].ndim != 1 or arguments[2].ndim != 0:
        raise InvalidArgument("hist takes 1-D data, 1-D bins and a scalar bandwidth")
    if arguments[1].shape[0] < 2:
        raise InvalidArgument(f"bins needs at least 2 edges, got {arguments[1].shape[0]}")
    if weights is not None:
        arguments.append(_traceable("weights", weights))
        if arguments[3].shape != arguments[0].shape:
            raise InvalidArgument(f"weights has shape {arguments[3].shape}, data {arguments[0].shape}")
    return _hist_function(bool(density), bool(reflect_infinities), weights is not None)(*arguments)


@functools.cache
def _cut_function(keep):
    """The jax sigmoid cut for one ``keep``: arguments (data, cut_val, slope)."""

    def weights(data, cut_val, slope):
        return callback(
            lambda d, c, s: histograms.cut(d, float(c), float(s), keep=keep), _float64(data.shape), data, cut_val, slope
        )

    def gradients(arguments, cotangent):
        shapes = (_float64(arguments[0].shape), _float64(()), _float64(()))

        def host(t, d, c, s):
            g = histograms.cut_vjp(t, d, float(c), float(s), keep=keep)
            return g.data, np.float64(g.cut_val), np.float64(g.slope)

        # libneos refuses non-finite cotangents; as in jax, such an entry makes its event's gradient and the
        # summed cut_val and slope gradients NaN.
        finite = jnp.isfinite(cotangent)
        data, cut_val, slope = callback(host, shapes, jnp.where(finite, cotangent, 0.0), *arguments)
        every = jnp.all(finite)
        return jnp.where(finite, data, jnp.nan), jnp.where(every, cut_val, jnp.nan), jnp.where(every, slope, jnp.nan)

    function = jax.custom_vjp(weights)
    function.defvjp(lambda *arguments: (weights(*arguments), arguments), gradients)
    return function


@_surfacing
def cut(data: ArrayLike, cut_val: ArrayLike, slope: ArrayLike = 1.0, keep: str = "above") -> jax.Array:
    """relaxed.cut as a jax function: the sigmoid weights ``sigmoid(±slope·(data − cut_val))`` of 1-D ``data``
    (``keep`` "above" or "below", static; anything else raises a ValueError). Differentiable with respect to
    ``data``, ``cut_val`` and ``slope``."""
    histograms._keep(keep)
    data = _traceable("data", data)
    if data.ndim != 1:
        raise InvalidArgument(f"cut takes 1-D data, not shape {data.shape}")
    cut_val, slope = _traceable("cut_val", cut_val), _traceable("slope", slope)
    if cut_val.ndim != 0 or slope.ndim != 0:
        raise InvalidArgument(f"cut takes a scalar cut_val and slope, not shapes {cut_val.shape} and {slope.shape}")
    return _cut_function(keep)(data, cut_val, slope)


def _traceable(name, value):
    """``value`` as a float64 jax array (a tracer stays one); None, text and other non-numbers are refused with
    the argument's name instead of jax's anonymous error."""
    if isinstance(value, jax.core.Tracer):
        return value
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise ArgumentTypeError(f"{name} must be an array of real numbers, got {type(value).__name__} {value!r:.60}")
    try:
        return jnp.asarray(value, jnp.float64)
    except OverflowError:
        raise InvalidArgument(f"{name} must hold real numbers within float64's range") from None
    except (TypeError, ValueError) as error:
        raise ArgumentTypeError(
            f"{name} must be an array of real numbers, got {type(value).__name__}: {error}"
        ) from None
