"""Preparing an objective for a minimiser (``pyhf.optimize.common``): stitching held parameters into the free
ones, and wrapping ``objective(pars, data, pdf)`` as a function of the free parameters for the current tensor
backend (with its gradient when asked for).

neos_swift's own optimizers do not need these: their fits run natively with exact derivatives. They are here
for optimizer objects written against pyhf's helpers (an object set with ``set_backend`` is called as pyhf calls
it, see :func:`neos_swift.infer.mle.fit`), and the numpy backend's refusal of ``do_grad`` is the one every fit
applies (:func:`_require_gradients_available`).
"""

from __future__ import annotations

import numpy as np

from ..tensor.common import _TensorViewer


def _tensorlib():
    """The current tensor backend (imported late: the backend state imports this package)."""
    from .._backend import get_backend

    return get_backend()[0]


def _make_stitch_pars(tv=None, fixed_values=None):
    """A function ``stitch_pars(pars, stitch_with=fixed_values)`` that puts the free ``pars`` and the held values
    back into one parameter vector with the viewer ``tv`` (partitions: held positions, then free positions).

    Without a viewer or without held values it returns its ``pars`` unchanged (whatever they are)."""
    if tv is None or fixed_values is None:

        def passthrough(pars, stitch_with=None):
            return pars

        return passthrough

    def stitch_pars(pars, stitch_with=fixed_values):
        # The backend is read at call time: the caller may have switched it since this was made.
        tensorlib = _tensorlib()
        return tv.stitch([tensorlib.astensor(stitch_with, dtype="float"), pars])

    return stitch_pars


def _require_gradients_available(tensorlib, do_grad):
    """Raise ``exceptions.Unsupported`` when gradients are asked of a backend without automatic differentiation
    (numpy), as pyhf refuses ``do_grad=True`` there."""
    if do_grad and tensorlib.name == "numpy":
        from ..exceptions import Unsupported

        raise Unsupported("Numpy does not support autodifferentiation.")


def _numpy_objective(objective, data, pdf, stitch_pars, do_grad=False, jit_pieces=None):
    """The objective of the free parameters under the numpy backend: ``func(pars) -> value``. ``do_grad`` raises
    ``exceptions.Unsupported``; ``jit_pieces`` is accepted for the common signature and not needed."""
    tensorlib = _tensorlib()
    _require_gradients_available(tensorlib, do_grad)

    def func(pars):
        return objective(stitch_pars(tensorlib.astensor(pars)), data, pdf)[0]

    return func


def _jax_objective(objective, data, pdf, stitch_pars, do_grad=False, jit_pieces=None):
    """The objective of the free parameters under the jax backend: ``func(pars) -> value``, or with ``do_grad``
    ``func(pars) -> (value, gradient)``.

    neos_swift's ``infer.mle.twice_nll`` is evaluated natively, so its gradient is the exact native one, carried
    back through ``stitch_pars`` by jax (only the free parameters' entries remain). Any other objective is
    differentiated by ``jax.value_and_grad`` and must be traceable by jax. ``jit_pieces`` is accepted for the
    common signature and not needed."""
    import jax
    import jax.numpy as jnp

    from ..infer import mle

    tensorlib = _tensorlib()

    if objective is mle.twice_nll:

        def native(pars):
            full, pullback = jax.vjp(stitch_pars, jnp.asarray(pars, dtype=jnp.float64))
            full = np.asarray(full)
            value = jnp.asarray(mle.twice_nll(full, np.asarray(data), pdf)[0])
            if not do_grad:
                return value
            (gradient,) = pullback(jnp.asarray(2.0 * pdf.nll_gradient(full, np.asarray(data))))
            return value, gradient

        return native

    def scalar(pars):
        return objective(stitch_pars(tensorlib.astensor(pars)), data, pdf)[0]

    return jax.value_and_grad(scalar) if do_grad else scalar


_SHIMS = {"numpy": _numpy_objective, "jax": _jax_objective}


def _get_tensor_shim():
    """The objective wrapper of the current tensor backend (``wrap(objective, data, pdf, stitch_pars, do_grad,
    jit_pieces)``); a backend without one (a name neos_swift has no wrapper for) raises ValueError."""
    tensorlib = _tensorlib()
    try:
        return _SHIMS[tensorlib.name]
    except KeyError:
        raise ValueError(f"No optimizer shim for {tensorlib.name}.") from None


def shim(objective, data, pdf, init_pars, par_bounds, fixed_vals=None, do_grad=False, do_stitch=False):
    """What a minimiser needs, as pyhf's ``shim``: ``(minimizer_kwargs, stitch_pars)``.

    ``minimizer_kwargs`` holds ``func`` (the wrapped objective, see :func:`_get_tensor_shim`), ``x0``,
    ``bounds``, ``fixed_vals`` (``(index, value)`` pairs to hold) and ``do_grad``. With ``do_stitch`` the held
    parameters are taken out: ``x0`` and ``bounds`` list only the free ones, ``fixed_vals`` is empty, ``func``
    takes the free parameters and ``stitch_pars`` puts the held values back in. Without it everything is passed
    as given and ``stitch_pars`` returns its input."""
    tensorlib = _tensorlib()
    fixed_vals = list(fixed_vals or [])
    fixed_idx = [int(index) for index, _ in fixed_vals]
    fixed_values = [value for _, value in fixed_vals]
    held = set(fixed_idx)
    variable_idx = [index for index in range(pdf.config.npars) if index not in held]
    if do_stitch:
        x0 = [tensorlib.tolist(tensorlib.astensor(init_pars))[index] for index in variable_idx]
        bounds = [par_bounds[index] for index in variable_idx]
        minimizer_fixed_vals = []
        stitch_pars = _make_stitch_pars(_TensorViewer([fixed_idx, variable_idx]), fixed_values)
    else:
        x0, bounds, minimizer_fixed_vals = init_pars, par_bounds, fixed_vals
        stitch_pars = _make_stitch_pars()
    func = _get_tensor_shim()(
        objective,
        tensorlib.astensor(data),
        pdf,
        stitch_pars,
        do_grad=do_grad,
        jit_pieces={
            "fixed_idx": fixed_idx,
            "variable_idx": variable_idx,
            "fixed_values": fixed_values,
            "do_stitch": do_stitch,
        },
    )
    minimizer_kwargs = {
        "func": func,
        "x0": x0,
        "do_grad": do_grad,
        "bounds": bounds,
        "fixed_vals": minimizer_fixed_vals,
    }
    return minimizer_kwargs, stitch_pars
