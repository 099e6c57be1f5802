"""Intervals (``pyhf.infer.intervals``): upper limits on the parameter of interest."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from . import upper_limits

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["upper_limits"]


def __dir__():
    # pyhf 0.7.6 lists its one public function by its dotted name.
    return ["upper_limits.upper_limit"]


def upperlimit(
    data: ArrayLike,
    model: Any,
    scan: ArrayLike | None = None,
    level: float = 0.05,
    return_results: bool = False,
    **hypotest_kwargs: Any,
) -> tuple[Any, ...]:
    """Deprecated since pyhf 0.7.0 (to be removed in 0.9.0): :func:`upper_limits.upper_limit`, with a
    ``DeprecationWarning``."""
    warnings.warn(
        "pyhf.infer.intervals.upperlimit is deprecated in favor of pyhf.infer.intervals.upper_limits.upper_limit "
        "as of pyhf v0.7.0 and will be removed in pyhf v0.9.0. Please use "
        "pyhf.infer.intervals.upper_limits.upper_limit.",
        DeprecationWarning,
        stacklevel=2,
    )
    return upper_limits.upper_limit(data, model, scan, level, return_results, **hypotest_kwargs)
