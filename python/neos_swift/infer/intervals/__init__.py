"""Intervals (``pyhf.infer.intervals``)."""

from . import upper_limits

__all__ = ["upper_limits"]
