"""Differentiable histograms (binned KDE) and sigmoid cuts, with their vector-Jacobian products.

Names and arguments follow relaxed (``relaxed.hist``, ``relaxed.cut``); per-event weights are an addition.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ._arguments import as_choice, as_float
from ._library import HIST_DENSITY, HIST_REFLECT_INFINITIES, KEEP_ABOVE, KEEP_BELOW, as_doubles, lib, pointer
from .errors import ArgumentTypeError, InvalidArgument, check

if TYPE_CHECKING:
    from collections.abc import Iterable

    from numpy.typing import ArrayLike

_KEEP = {"above": KEEP_ABOVE, "below": KEEP_BELOW}


class HistGradients(NamedTuple):
    """Gradients of ``sum(cotangent * hist(...))``."""

    data: np.ndarray
    bins: np.ndarray
    weights: np.ndarray
    bandwidth: float


class CutGradients(NamedTuple):
    """Gradients of ``sum(cotangent * cut(...))``."""

    data: np.ndarray
    cut_val: float
    slope: float


def _flags(density: bool, reflect_infinities: bool) -> int:
    return (HIST_DENSITY if density else 0) | (HIST_REFLECT_INFINITIES if reflect_infinities else 0)


def _hist_inputs(data, bins, weights):
    data = as_doubles(data, "data")
    bins = as_doubles(bins, "bins")
    weights = None if weights is None else as_doubles(weights, "weights")
    if weights is not None and len(weights) != len(data):
        raise InvalidArgument(f"weights has length {len(weights)}, expected {len(data)} (one per event)")
    return data, bins, weights


def hist(
    data: ArrayLike,
    bins: ArrayLike,
    bandwidth: float,
    density: bool = False,
    reflect_infinities: bool = False,
    weights: ArrayLike | None = None,
) -> np.ndarray:
    """Binned kernel density estimate: the mass of a Gaussian kernel of width ``bandwidth`` around each event
    that falls in each bin, ``c_j = sum_k w_k [Phi((e_{j+1}-x_k)/h) - Phi((e_j-x_k)/h)]``.

    ``bandwidth=0`` gives ``numpy.histogram(data, bins)[0]``. ``density`` divides by bin width and total;
    ``reflect_infinities`` adds the mass outside the edges to the first and last bins.
    """
    data, bins, weights = _hist_inputs(data, bins, weights)
    out = np.empty(max(len(bins) - 1, 0))
    check(
        lib.neos_hist(
            pointer(data),
            len(data),
            pointer(weights),
            pointer(bins),
            len(bins),
            as_float("bandwidth", bandwidth),
            _flags(density, reflect_infinities),
            pointer(out),
            len(out),
        )
    )
    return out


_HIST_ARGNAMES = ("data", "bins", "weights", "bandwidth")


def hist_vjp(
    cotangent: ArrayLike,
    data: ArrayLike,
    bins: ArrayLike,
    bandwidth: float,
    density: bool = False,
    reflect_infinities: bool = False,
    weights: ArrayLike | None = None,
    wrt: Iterable[str] = _HIST_ARGNAMES,
) -> HistGradients:
    """Gradient of ``sum(cotangent * hist(data, bins, bandwidth, ...))`` with respect to data, bins, weights
    (ones when ``weights`` is None) and bandwidth.

    ``wrt`` names the gradients wanted (the others come back as None): the weight gradient is the only one that
    needs the kernel CDF, so leaving it out roughly halves the cost.
    """
    if isinstance(wrt, str) or not all(isinstance(name, str) for name in _iterable("wrt", wrt)):
        raise ArgumentTypeError(f"wrt must be a collection of argument names, got {type(wrt).__name__} {wrt!r:.60}")
    unknown = set(wrt) - set(_HIST_ARGNAMES)
    if unknown:
        raise InvalidArgument(f"wrt may only name {_HIST_ARGNAMES}, not {sorted(unknown)}")
    data, bins, weights = _hist_inputs(data, bins, weights)
    cotangent = as_doubles(cotangent, "cotangent")
    grad_data = np.empty(len(data)) if "data" in wrt else None
    grad_weights = np.empty(len(data)) if "weights" in wrt else None
    grad_bins = np.empty(len(bins)) if "bins" in wrt else None
    grad_bandwidth = ctypes.c_double()
    check(
        lib.neos_hist_vjp(
            pointer(data),
            len(data),
            pointer(weights),
            pointer(bins),
            len(bins),
            as_float("bandwidth", bandwidth),
            _flags(density, reflect_infinities),
            pointer(cotangent),
            len(cotangent),
            pointer(grad_data),
            len(data),
            pointer(grad_weights),
            len(data),
            pointer(grad_bins),
            len(bins),
            ctypes.byref(grad_bandwidth),
        )
    )
    return HistGradients(grad_data, grad_bins, grad_weights, grad_bandwidth.value if "bandwidth" in wrt else None)


def _iterable(name: str, value):
    try:
        return list(value)
    except TypeError:
        raise ArgumentTypeError(f"{name} must be a collection, got {type(value).__name__} {value!r:.60}") from None


def _keep(keep: str) -> int:
    return _KEEP[as_choice("keep", keep, _KEEP)]


def cut(data: ArrayLike, cut_val: float, slope: float = 1.0, keep: str = "above") -> np.ndarray:
    """Sigmoid weights ``sigmoid(+-slope * (data - cut_val))``: a cut that keeps gradients."""
    data = as_doubles(data, "data")
    out = np.empty(len(data))
    cut_val, slope = as_float("cut_val", cut_val), as_float("slope", slope)
    check(lib.neos_cut(pointer(data), len(data), cut_val, slope, _keep(keep), pointer(out), len(out)))
    return out


def cut_vjp(
    cotangent: ArrayLike, data: ArrayLike, cut_val: float, slope: float = 1.0, keep: str = "above"
) -> CutGradients:
    """Gradient of ``sum(cotangent * cut(data, cut_val, slope, keep))`` with respect to data, cut_val and
    slope."""
    data = as_doubles(data, "data")
    cotangent = as_doubles(cotangent, "cotangent")
    grad_data = np.empty(len(data))
    grad_cut = ctypes.c_double()
    grad_slope = ctypes.c_double()
    check(
        lib.neos_cut_vjp(
            pointer(data),
            len(data),
            as_float("cut_val", cut_val),
            as_float("slope", slope),
            _keep(keep),
            pointer(cotangent),
            len(cotangent),
            pointer(grad_data),
            len(grad_data),
            ctypes.byref(grad_cut),
            ctypes.byref(grad_slope),
        )
    )
    return CutGradients(grad_data, grad_cut.value, grad_slope.value)
