"""relaxed 0.4.0's public names on libneos: ``import neos_swift.relaxed as relaxed``.

``hist`` and ``cut``, ``fisher_info`` and ``cramer_rao_uncert``, ``mle.fit`` and ``mle.fixed_poi_fit``,
``infer.hypotest``, ``metrics.asimov_sig`` and ``metrics.gaussianity`` take relaxed's arguments and work under
``jax.grad``, ``jax.jit`` and ``jax.vmap``. Their models are neos_swift models: :class:`Model` wraps one with its
numbers as a jax array, so that fits, tests and Fisher information are differentiable with respect to the model's
yields and uncertainties; a plain neos_swift model is taken with its own numbers. Values and gradients of
histograms, likelihoods, fits and p-values are libneos' (see each function for what is jax).
"""

from __future__ import annotations

__version__ = "0.4.0"

__all__ = (
    "Model",
    "__version__",
    "cramer_rao_uncert",
    "cut",
    "fisher_info",
    "hist",
    "infer",
    "metrics",
    "mle",
)

from . import infer, metrics, mle
from ._model import Model
from .ops import cramer_rao_uncert, cut, fisher_info, hist
