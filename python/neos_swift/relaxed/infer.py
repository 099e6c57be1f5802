"""relaxed.infer: asymptotic p-values (and relaxed's CLs) of a model, differentiable with respect to its inputs
and the data."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jax.numpy as jnp
import jax.scipy as jsp
import numpy as np

from ..jax import _surfacing
from . import _model
from .mle import _bounds, _concrete, fit, fixed_poi_fit

if TYPE_CHECKING:
    import jax
    from jax.typing import ArrayLike

    from .. import pdf

__all__ = ("hypotest",)

# relaxed's CLs divides the p-value by the power of the test at the alternative μ' = 0, 1 − Φ(0) = 1/2.
_POWER_AT_ZERO = 0.5


@_surfacing
def hypotest(
    test_poi: float,
    data: Any,
    model: _model.Model | pdf.Model,
    init_pars: Mapping[str, ArrayLike],
    bounds: Mapping[str, ArrayLike] | None = None,
    poi_name: str = "mu",
    return_mle_pars: bool = False,
    test_stat: str = "qmu",
    expected_pars: Mapping[str, ArrayLike] | None = None,
    cls_method: bool = True,
) -> jax.Array | tuple[jax.Array, Mapping[str, Any]]:
    """relaxed's hypothesis test: for ``test_stat`` "q"/"qmu" the p-value of q_μ at ``test_poi`` (divided by
    1 − Φ(0) = 1/2 when ``cls_method``: relaxed's CLs), for "q0" the discovery p-value p0 (``test_poi`` set to 0);
    anything else is ``ValueError("Unknown test statistic: ...")``.

    Both fits start from ``init_pars`` (parameters it does not name are held at their suggested init) within
    ``bounds`` (default: the model's suggested bounds). With ``expected_pars`` those parameters stand in for the
    global fit. ``return_mle_pars`` also returns the global fit (or ``expected_pars``) as a dict.

    Without ``expected_pars`` the p-value is libneos' hypotest (the test statistic from term-wise likelihood
    differences, its derivative by implicit differentiation of both fits). With them, q is −2 Δlog L of libneos'
    conditional fit and ``expected_pars``, clipped as relaxed clips it; a q of 0 has the one-sided derivative 0."""
    if test_stat in ("q", "qmu"):
        clipped_below, use_cls = True, cls_method
    elif test_stat == "q0":
        logging.info(f"test_stat='q0' tests the background-only hypothesis: test_poi {test_poi} is taken as 0")
        test_poi, clipped_below, use_cls = 0.0, False, False
    else:
        msg = f"Unknown test statistic: {test_stat}"
        raise _model.InvalidArgument(msg)  # a ValueError, as relaxed raises
    model = _model.as_model(model)
    if poi_name != model.config.poi_name:
        raise _model.InvalidArgument(
            f"poi_name {poi_name!r} is not the model's parameter of interest {model.config.poi_name!r}"
        )
    poi = _concrete(test_poi, "test_poi")
    flat = _model.flat_data(model, data)
    if expected_pars is None:
        init = _model.flat_pars(model, init_pars)
        free = np.zeros(model.config.npars, dtype=bool)
        free[_model.par_indices(model, list(init_pars))] = True
        native = "q" if clipped_below else "q0"
        p_value = _model.observed_clsb(model, poi, native, flat, init, _bounds(model, bounds, init_pars), free)
        mle_pars = fit(flat, model, init_pars=init_pars, bounds=bounds) if return_mle_pars else None
    else:
        conditional = fixed_poi_fit(
            flat,
            model,
            poi_value=poi,
            poi_name=poi_name,
            init_pars={k: v for k, v in init_pars.items() if k != poi_name},
            bounds=None if bounds is None else {k: v for k, v in bounds.items() if k != poi_name},
        )
        mle_pars = expected_pars
        ratio = -2 * (model.logpdf(conditional, flat) - model.logpdf(expected_pars, flat))
        poi_hat = jnp.asarray(expected_pars[poi_name], jnp.float64)
        counts = poi_hat < poi if clipped_below else poi_hat >= poi
        q = jnp.where(counts & (ratio > 0), ratio, 0.0)
        # √q with the derivative 0 where q is 0 (the clipped side), instead of 0 · ∞.
        root = jnp.where(q > 0, jnp.sqrt(jnp.where(q > 0, q, 1.0)), 0.0)
        p_value = jsp.stats.norm.sf(root)
    result = p_value / _POWER_AT_ZERO if use_cls else p_value
    return (result, mle_pars) if return_mle_pars else result
