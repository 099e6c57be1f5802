"""relaxed.ops: the differentiable histogram and cut, and the Fisher-information uncertainties of a model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jax.numpy as jnp
from jax import flatten_util

from .. import jax as _neos_jax
from ..jax import _surfacing
from . import _model

if TYPE_CHECKING:
    import jax
    from jax.typing import ArrayLike

    from .. import pdf

__all__ = ("cramer_rao_uncert", "cut", "fisher_info", "hist")


def cut(data: ArrayLike, cut_val: ArrayLike, slope: ArrayLike = 1.0, keep: str = "above") -> jax.Array:
    """Sigmoid weights for a soft cut at ``cut_val``: ``1 / (1 + exp(∓slope (data − cut_val)))``, keeping
    ``data`` "above" (default) or "below" the cut (anything else is a ValueError). A hard cut as slope → ∞.
    Values and gradients (data, cut_val, slope) from libneos."""
    return _neos_jax.cut(data, cut_val, slope=slope, keep=keep)


def hist(
    data: ArrayLike, bins: ArrayLike, bandwidth: ArrayLike, density: bool = False, reflect_infinities: bool = False
) -> jax.Array:
    """Binned kernel density estimate of 1-D ``data`` in the bins with edges ``bins``: each event's Gaussian
    kernel of width ``bandwidth`` spread over the bins. ``density`` normalises to unit area;
    ``reflect_infinities`` adds the mass beyond the outer edges to the outer bins. Values and gradients (data,
    bins, bandwidth) from libneos."""
    return _neos_jax.hist(data, bins, bandwidth, density=density, reflect_infinities=reflect_infinities)


@_surfacing
def fisher_info(model: _model.Model | pdf.Model, pars: Any, data: Any) -> jax.Array:
    """As relaxed: the inverse of −∇² log L at ``pars`` (a dict by name, or a flat vector in
    ``config.par_order``) and ``data``, i.e. the covariance the Cramér–Rao bound gives. Rows and columns follow
    ``jax.flatten_util.ravel_pytree(pars)``; with a dict naming only some parameters, the others are held at their
    suggested init and the Hessian is that of the named ones.

    The Hessian and its VJP are libneos' exact NLL Hessian and third derivatives; the inverse and its derivative
    are jax's."""
    return jnp.linalg.inv(_named_hessian(_model.as_model(model), pars, data))


def _named_hessian(model, pars, data):
    vector = _model.flat_pars(model, pars)
    hessian = _model.nll_hessian(model, vector, _model.flat_data(model, data))
    if not isinstance(pars, dict):
        return hessian
    # ravel_pytree orders a dict by sorted key, then each value's entries in order.
    order = _model.par_indices(model, sorted(pars))
    return hessian[jnp.ix_(order, order)]


@_surfacing
def cramer_rao_uncert(model: _model.Model | pdf.Model, pars: Any, data: Any, return_tree: bool = True) -> Any:
    """The square roots of the diagonal of :func:`fisher_info`: the Cramér–Rao uncertainties of ``pars``; as a
    pytree shaped like ``pars`` (``return_tree``), or flat."""
    uncertainties = jnp.sqrt(jnp.diag(fisher_info(model, pars, data)))
    if return_tree:
        return flatten_util.ravel_pytree(pars)[1](uncertainties)
    return uncertainties
