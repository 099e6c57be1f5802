"""Optimizers with pyhf's names (``pyhf.optimize``): :class:`scipy_optimizer` (the default) and
:class:`minuit_optimizer`. They carry and check pyhf's options; the fit itself is always neos_swift's native
one (see :mod:`neos_swift.optimize.mixins`)."""

from __future__ import annotations

from .mixins import OptimizerMixin
from .opt_minuit import MinuitRecord, minuit_optimizer
from .opt_scipy import scipy_optimizer

# pyhf shows them one level up: pyhf.optimize.scipy_optimizer.
scipy_optimizer.__module__ = __name__
minuit_optimizer.__module__ = __name__

__all__ = ["MinuitRecord", "OptimizerMixin", "minuit_optimizer", "scipy_optimizer"]
