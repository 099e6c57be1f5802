"""relaxed.mle: maximum-likelihood fits of a model, differentiable through their optimum.

The fits are libneos' (a bounded Newton method on the exact gradient and Hessian, converged to MINUIT's EDM
criterion), not jaxopt's; their derivatives with respect to the model's inputs and the data come from implicit
differentiation in libneos. Parameters named in ``init_pars`` are fitted; any other parameter of the model is held
at its suggested init (relaxed's objective only moves the parameters it is given).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
import numpy as np

from .._arguments import as_float
from ..errors import ArgumentTypeError
from ..exceptions import Unsupported
from ..jax import _surfacing
from . import _model

if TYPE_CHECKING:
    from jax.typing import ArrayLike

    from .. import pdf

__all__ = ("fit", "fixed_poi_fit")


def _bounds(model, bounds, init_pars):
    """(npars, 2) lower/upper bounds: the model's suggestion, overridden per name by ``bounds`` (a pair for the
    whole parameter, or one pair per entry), as relaxed's bound parsing."""
    table = np.array(model.config.suggested_bounds(), dtype=np.float64).reshape(-1, 2)
    table = jnp.asarray(table)
    for name, value in (bounds or {}).items():
        where = model.config.par_slice(name) if name in model.config.par_order else None
        if where is None:
            raise _model.InvalidArgument(f"bounds names {name!r}, which is not a parameter of the model")
        value = jnp.asarray(value, jnp.float64)
        size = where.stop - where.start
        pairs = jnp.broadcast_to(value, (size, 2)) if value.ndim == 1 else value.reshape(-1, 2)
        if pairs.shape != (size, 2):
            raise _model.InvalidArgument(f"bounds of {name!r} must be one pair or {size} pairs")
        table = table.at[where].set(pairs)
    return table


def _check_settings(method, maxiter, tol, other_settings):
    if not isinstance(method, str):
        raise ArgumentTypeError(f"method must be a name, not {type(method).__name__}")
    if int(maxiter) <= 0 or not float(tol) > 0:
        raise _model.InvalidArgument(f"maxiter and tol must be positive, not {maxiter} and {tol}")
    if other_settings:
        raise Unsupported(
            f"other_settings {sorted(other_settings)} configure jaxopt's minimisers; neos_swift fits with libneos"
        )


def _run(data, model, init_pars, bounds, held=None, held_value=None):
    """The fit as relaxed's ``_minimize`` runs it: returns the flat best fit."""
    model = _model.as_model(model)
    if not isinstance(init_pars, dict):
        raise ArgumentTypeError(f"init_pars must be a dict of parameters by name, not {type(init_pars).__name__}")
    init = _model.flat_pars(model, init_pars)
    table = _bounds(model, bounds, init_pars)
    free = np.zeros(model.config.npars, dtype=bool)
    free[_model.par_indices(model, list(init_pars))] = True
    if held is not None:
        where = model.config.par_slice(held)
        free[where] = False
        init = init.at[where].set(held_value)
        # A held parameter is not bounded: widen its bounds to include the value it is held at.
        table = table.at[where, 0].min(held_value).at[where, 1].max(held_value)
    return model, _model.fit(model, _model.flat_data(model, data), init, table, free)


@_surfacing
def fit(
    data: Any,
    model: _model.Model | pdf.Model,
    init_pars: Mapping[str, ArrayLike],
    bounds: Mapping[str, ArrayLike] | None = None,
    method: str = "LBFGSB",
    maxiter: int = 500,
    tol: float = 1e-6,
    other_settings: Mapping[str, Any] | None = None,
) -> dict[str, jax.Array]:
    """The maximum-likelihood parameters of ``model`` on ``data``, as a dict with ``init_pars``' keys and shapes.

    ``bounds`` ({name: (lower, upper)} or one pair per entry) overrides the model's suggested bounds (relaxed's
    default is unbounded; a HistFactory model's suggested bounds keep its rates positive). ``method``,
    ``maxiter`` and ``tol`` name relaxed's jaxopt settings and are checked, but libneos' fit converges by its own
    criterion; non-empty ``other_settings`` raise Unsupported."""
    _check_settings(method, maxiter, tol, other_settings)
    model, best = _run(data, model, init_pars, bounds)
    return _model.pars_like(model, best, init_pars)


@_surfacing
def fixed_poi_fit(
    data: Any,
    model: _model.Model | pdf.Model,
    poi_value: float,
    poi_name: str,
    init_pars: Mapping[str, ArrayLike],
    bounds: Mapping[str, ArrayLike] | None = None,
    method: str = "LBFGSB",
    maxiter: int = 500,
    tol: float = 1e-6,
    other_settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """As :func:`fit` with the parameter ``poi_name`` held at ``poi_value`` (a concrete number: the fit is not
    differentiated with respect to it); the result has ``init_pars``' keys and ``poi_name`` set to ``poi_value``."""
    _check_settings(method, maxiter, tol, other_settings)
    model = _model.as_model(model)
    if poi_name not in model.config.par_order:
        raise _model.InvalidArgument(f"poi_name {poi_name!r} is not a parameter of the model")
    value = _concrete(poi_value, "poi_value")
    fitted = {name: v for name, v in init_pars.items() if name != poi_name}
    model, best = _run(data, model, fitted, bounds, held=poi_name, held_value=value)
    result = _model.pars_like(model, best, fitted)
    result[poi_name] = poi_value
    return result


def _concrete(value, name) -> float:
    if isinstance(value, jax.core.Tracer):  # a jax tracer cannot become a Python number
        raise ArgumentTypeError(f"{name} must be a concrete number (it selects which fit runs), not a traced value")
    return as_float(name, value)
