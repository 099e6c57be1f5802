"""relaxed.metrics: the Asimov significance of a counting experiment and the Gaussianity of a likelihood."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
from jax import flatten_util

from ..jax import _surfacing
from . import _model
from .ops import fisher_info

if TYPE_CHECKING:
    from jax.typing import ArrayLike

    from .. import pdf

__all__ = ("asimov_sig", "gaussianity")


def asimov_sig(s: ArrayLike, b: ArrayLike) -> jax.Array:
    """The median expected discovery significance of signal counts ``s`` over background counts ``b`` (arrays
    of bins, or numbers): Z_A = √(2 Σ [(s + b) ln(1 + s/b) − s]), elementwise jax."""
    s = jnp.asarray(s, jnp.float64)
    b = jnp.asarray(b, jnp.float64)
    return jnp.sqrt(2 * jnp.sum((s + b) * jnp.log1p(s / b) - s))


@_surfacing
def gaussianity(
    model: _model.Model | pdf.Model, bestfit_pars: Any, data: Any, rng_key: jax.Array, n_samples: int = 1000
) -> jax.Array:
    """relaxed's Gaussianity metric: the mean squared difference between the model's −Δlog L and that of a
    Gaussian with the same maximum, over ``n_samples`` points drawn (``rng_key``) from relaxed's Gaussian
    approximation (mean ``bestfit_pars``, covariance the inverse of :func:`~neos_swift.relaxed.fisher_info`, as
    relaxed draws them). log L is libneos' (NaN where the likelihood has no finite value: a sample with a
    negative rate, which the mean skips, with a zero gradient); the sampling is jax's."""
    model = _model.as_model(model)
    information = fisher_info(model, bestfit_pars, data)
    # relaxed draws from the Gaussian whose covariance is the inverse of fisher_info (the NLL Hessian).
    flat_best, unravel = flatten_util.ravel_pytree(bestfit_pars)
    samples = jax.random.multivariate_normal(
        key=rng_key, mean=flat_best, cov=jnp.linalg.inv(information), shape=(n_samples,)
    )
    flat_data = _model.flat_data(model, data)
    best = model.logpdf(bestfit_pars, flat_data)

    def rise_above_best(pars):
        # Samples outside the likelihood's domain (negative rates) are NaN, which nanmean drops, as in relaxed.
        return best - _model.logpdf(model, _model.flat_pars(model, unravel(pars)), flat_data, nan_outside=True)

    model_nll = jax.vmap(rise_above_best)(samples)
    # That Gaussian's own rise of -log L above its peak is half the squared Mahalanobis distance from the peak,
    # with the inverse covariance fisher_info.
    offsets = samples - flat_best
    gaussian_nll = 0.5 * jnp.einsum("si,ij,sj->s", offsets, information, offsets)
    diffs = model_nll - gaussian_nll
    # nanmean of the squares, written so that a NaN sample gets a zero gradient instead of 0 · NaN.
    outside = jnp.isnan(diffs)
    squares = jnp.where(outside, jnp.nan, jnp.where(outside, 0.0, diffs) ** 2)
    return jnp.nanmean(squares, axis=0)
