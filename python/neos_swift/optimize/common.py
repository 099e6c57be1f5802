"""Preparing an objective for a minimiser (``pyhf.optimize.common``): stitching held parameters into the free
ones, and wrapping ``objective(pars, data, pdf)`` as a function of the free parameters for the current tensor
backend (with its gradient when asked for).

neos_swift's own optimizers do not need these: their fits run natively with exact derivatives. They are here
for optimizer objects written against pyhf's helpers (an object set with ``set_backend`` is called as pyhf calls
it, see :func:`neos_swift.infer.mle.fit`), and the numpy backend's refusal of ``do_grad`` is the one every fit
applies (:func:`_require_gradients_available`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

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
        held = _tensorlib().astensor(stitch_with, dtype="float")
        return tv.stitch([held, pars])

    return stitch_pars


def _require_gradients_available(tensorlib, do_grad):
    """Raise ``exceptions.Unsupported`` when gradients are asked of a backend without automatic differentiation
    (numpy), as pyhf refuses ``do_grad=True`` there."""
    if do_grad and tensorlib.name == "numpy":
        from ..exceptions import Unsupported

        raise Unsupported(
            "do_grad=True needs autodifferentiation, which the numpy backend does not have: "
            "use the jax backend or do_grad=False"
        )


def _numpy_objective(objective, observed, model, stitch, do_grad=False, jit_pieces=None):
    """The objective of the free parameters under the numpy backend: ``func(pars) -> value``. ``do_grad`` raises
    ``exceptions.Unsupported``; ``jit_pieces`` is accepted for the common signature and not needed."""
    tensorlib = _tensorlib()
    _require_gradients_available(tensorlib, do_grad)

    def func(pars):
        return objective(stitch(tensorlib.astensor(pars)), observed, model)[0]

    return func


def _jax_objective(objective, observed, model, stitch, do_grad=False, jit_pieces=None):
    """The objective of the free parameters under the jax backend: ``func(pars) -> value``, or with ``do_grad``
    ``func(pars) -> (value, gradient)``.

    neos_swift's ``infer.mle.twice_nll`` is evaluated natively, so its gradient is the exact native one, carried
    back through ``stitch`` by jax (only the free parameters' entries remain). Any other objective is
    differentiated by ``jax.value_and_grad`` and must be traceable by jax. ``jit_pieces`` is accepted for the
    common signature and not needed."""
    import jax
    import jax.numpy as jnp

    from ..infer import mle

    tensorlib = _tensorlib()

    if objective is mle.twice_nll:

        def native(pars):
            full, pullback = jax.vjp(stitch, jnp.asarray(pars, dtype=jnp.float64))
            full = np.asarray(full)
            value = jnp.asarray(mle.twice_nll(full, np.asarray(observed), model)[0])
            if not do_grad:
                return value
            (gradient,) = pullback(jnp.asarray(2.0 * model.nll_gradient(full, np.asarray(observed))))
            return value, gradient

        return native

    def scalar(pars):
        return objective(stitch(tensorlib.astensor(pars)), observed, model)[0]

    return jax.value_and_grad(scalar) if do_grad else scalar


#: The objective wrapper of each tensor backend neos_swift has, by the backend's ``name``.
_SHIMS = {"numpy": _numpy_objective, "jax": _jax_objective}


def _get_tensor_shim():
    """The objective wrapper of the current tensor backend (``wrap(objective, data, pdf, stitch_pars, do_grad,
    jit_pieces)``); a backend without one (a name neos_swift has no wrapper for) raises ValueError."""
    name = _tensorlib().name
    wrapper = _SHIMS.get(name)
    if wrapper is None:
        # pyhf's test_get_tensor_shim pins these words (match="No optimizer shim for fake_backend.").
        raise ValueError(f"No optimizer shim for {name}.")
    return wrapper


class _Partition(NamedTuple):
    """A fit's parameters split into the held and the free ones, in index order of ``fixed_vals`` and of the
    model. The field names are the keys of pyhf's ``jit_pieces`` (the partition handed to a backend's objective
    wrapper), so that ``_asdict()`` is that dict but for ``do_stitch``."""

    fixed_idx: list
    variable_idx: list
    fixed_values: list


def _partition(npars, held_pairs):
    """The :class:`_Partition` of ``npars`` parameters of which the ``(index, value)`` pairs ``held_pairs`` are
    held."""
    indices = [int(pair[0]) for pair in held_pairs]
    taken = set(indices)
    return _Partition(
        fixed_idx=indices,
        variable_idx=[index for index in range(npars) if index not in taken],
        fixed_values=[pair[1] for pair in held_pairs],
    )


def shim(
    objective: Callable[..., Any],
    data: Any,
    pdf: Any,
    init_pars: Sequence[float] | Any,
    par_bounds: Sequence[Sequence[float]],
    fixed_vals: Sequence[tuple[int, float]] | None = None,
    do_grad: bool = False,
    do_stitch: bool = False,
) -> tuple[dict[str, Any], Callable[..., Any]]:
    """What a minimiser needs, as pyhf's ``shim``: ``(minimizer_kwargs, stitch_pars)``.

    ``minimizer_kwargs`` holds ``func`` (the wrapped objective, see :func:`_get_tensor_shim`), ``x0``,
    ``bounds``, ``fixed_vals`` (``(index, value)`` pairs to hold) and ``do_grad``. With ``do_stitch`` the held
    parameters are taken out: ``x0`` and ``bounds`` list only the free ones, ``fixed_vals`` is empty, ``func``
    takes the free parameters and ``stitch_pars`` puts the held values back in. Without it everything is passed
    as given and ``stitch_pars`` returns its input."""
    tensorlib = _tensorlib()
    held_pairs = list(fixed_vals or [])
    split = _partition(pdf.config.npars, held_pairs)
    if do_stitch:
        # The minimiser is given the free parameters alone; the held values live on in stitch_pars.
        viewer = _TensorViewer([split.fixed_idx, split.variable_idx])
        stitch_pars = _make_stitch_pars(viewer, split.fixed_values)
        everything = tensorlib.tolist(tensorlib.astensor(init_pars))
        start = [everything[index] for index in split.variable_idx]
        limits = [par_bounds[index] for index in split.variable_idx]
        still_held = []
    else:
        # The minimiser sees every parameter and holds the pairs itself.
        stitch_pars = _make_stitch_pars()
        start, limits, still_held = init_pars, par_bounds, held_pairs
    wrap = _get_tensor_shim()
    observed = tensorlib.astensor(data)
    pieces = {**split._asdict(), "do_stitch": do_stitch}
    objective_of_free = wrap(objective, observed, pdf, stitch_pars, do_grad=do_grad, jit_pieces=pieces)
    # The keys (and their order) are pyhf's: the arguments of a scipy.optimize.minimize-like call.
    return {
        "func": objective_of_free,
        "x0": start,
        "do_grad": do_grad,
        "bounds": limits,
        "fixed_vals": still_held,
    }, stitch_pars
