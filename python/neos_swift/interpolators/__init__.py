"""pyhf.interpolators: the histogram interpolation codes, evaluated by libneos (``neos_interpolate``).

Each class is built from histogram sets of shape ``[n_systematics, n_samples, 3, n_bins]`` (lo, nominal, hi per
sample) and called on alpha sets of shape ``[n_systematics, n_alphas]``; it returns an array of shape
``[n_systematics, n_samples, n_alphas, n_bins]`` in the current tensor backend: additive deltas for codes 0, 2
and 4p, multiplicative factors for codes 1 and 4. ``get(code, do_tensorized_calc)`` picks the class as pyhf does.

The numbers come from the same core functions as the model's histosys and normsys modifiers; this module only
converts arrays. Two things differ from numpy arithmetic, by design:

- NaN is padding (pyhf's own tests pad ragged histogram sets with NaN): a bin whose lo, nominal or hi is NaN, and
  an alpha that is NaN, are not sent to libneos, and their outputs are NaN (where numpy's masks give a number in
  a few cases, e.g. NaN ** 0 = 1 for code 1 at alpha = 0).
- Infinite inputs raise ``InvalidArgument``; a result that would be infinite or NaN (a multiplicative code with a
  zero nominal, say) raises ``NumericError`` naming the entry, where numpy would warn and return it.

``get(2, do_tensorized_calc=False)`` is pyhf's per-entry reference code 2, which extrapolates below alpha = -1 with
(b - 2a)(alpha + 1) where the tensorised code 2 (and the model) uses (b - 2a) alpha; the other codes are the same
either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import events
from .._arguments import as_float, as_float_array, describe
from .._backend import get_backend
from .._library import lib, pointer
from ..errors import ArgumentTypeError, InvalidArgument, check

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["code0", "code1", "code2", "code4", "code4p"]

# The neos_interpolation_code constants of include/neos.h (a test checks them against the header).
INTERPOLATION_CODES = {
    "NEOS_INTERPOLATION_CODE0": 0,
    "NEOS_INTERPOLATION_CODE1": 1,
    "NEOS_INTERPOLATION_CODE2": 2,
    "NEOS_INTERPOLATION_CODE4": 4,
    "NEOS_INTERPOLATION_CODE4P": 5,
    "NEOS_INTERPOLATION_CODE2_REFERENCE": 6,
}


def __dir__():
    return __all__


def _histogram_sets(histogramssets) -> np.ndarray:
    histograms = np.array(as_float_array("histogramssets", histogramssets, ndim=None))  # a copy, as pyhf keeps
    if histograms.ndim != 4 or histograms.shape[2] != 3:
        raise InvalidArgument(
            "histogramssets must have shape [n_systematics, n_samples, 3 (lo, nom, hi), n_bins], "
            f"got {histograms.shape}"
        )
    return histograms


class _NonPositiveAlpha0(InvalidArgument, AssertionError):
    """Code 4's ``alpha0`` at or below 0 (or NaN): an AssertionError, as pyhf's assertion raises."""


class _Interpolator:
    """What every code shares: the histogram sets as libneos reads them, and the call."""

    _code: str  # the key of INTERPOLATION_CODES
    # Whether ``subscribe=True`` registers ``_precompute`` for ``tensorlib_changed``: pyhf's tensorised classes do,
    # its per-entry reference classes accept the argument and never subscribe (they cache nothing).
    _follows_backend_changes = True

    def __init__(self, histogramssets: ArrayLike, subscribe: bool = True, alpha0: float = 1.0) -> None:
        self._histogramssets = _histogram_sets(histogramssets)
        self._alpha0 = as_float("alpha0", alpha0)
        # pyhf's initial alphas shape: one alpha per systematic.
        self.alphasets_shape = (self._histogramssets.shape[0], 1)
        self._precompute()
        if subscribe and self._follows_backend_changes:
            events.subscribe("tensorlib_changed")(self._precompute)

    def _precompute(self):
        """Prepares what libneos reads: the histogram sets with padded (NaN) bins replaced by a neutral
        lo = nom = hi = 1, and the mask of those bins. pyhf re-converts its cached tensors here when the backend
        changes; the buffer libneos reads does not depend on the backend, so this only derives it again."""
        self._padded = np.isnan(self._histogramssets).any(axis=2)  # [s, h, b]
        self._buffer = np.ascontiguousarray(
            np.where(self._padded[:, :, np.newaxis, :], 1.0, self._histogramssets), dtype=np.float64
        )

    def _precompute_alphasets(self, alphasets_shape):
        """Records the shape of the alpha sets last evaluated (pyhf rebuilds its masks for it)."""
        if alphasets_shape == self.alphasets_shape:
            return
        self.alphasets_shape = alphasets_shape

    def _evaluate(self, alphasets, derivative: bool):
        tensorlib, _ = get_backend()
        alphas = as_float_array("alphasets", alphasets, ndim=None)
        n_systematics, n_samples, _, n_bins = self._buffer.shape
        if alphas.ndim != 2 or alphas.shape[0] != n_systematics:
            raise InvalidArgument(
                f"alphasets must have shape [n_systematics = {n_systematics}, n_alphas], got {alphas.shape}"
            )
        self._precompute_alphasets(tuple(alphas.shape))
        n_alphas = alphas.shape[1]
        missing = np.isnan(alphas)
        alpha_buffer = np.ascontiguousarray(np.where(missing, 0.0, alphas))
        shape = (n_systematics, n_samples, n_alphas, n_bins)
        out = np.empty(shape)
        slopes = np.empty(shape) if derivative else None
        check(
            lib.neos_interpolate(
                INTERPOLATION_CODES[self._code],
                self._alpha0,
                n_systematics,
                n_samples,
                n_bins,
                n_alphas,
                pointer(self._buffer),
                self._buffer.size,
                pointer(alpha_buffer),
                alpha_buffer.size,
                pointer(out),
                out.size,
                pointer(slopes),
                0 if slopes is None else slopes.size,
            )
        )
        result = slopes if derivative else out
        padding = self._padded[:, :, np.newaxis, :] | missing[:, np.newaxis, :, np.newaxis]
        return tensorlib.astensor(np.where(padding, np.nan, result))

    def __call__(self, alphasets: ArrayLike) -> Any:
        """The interpolated deltas (codes 0, 2, 4p) or factors (codes 1, 4), [n_systematics, n_samples, n_alphas,
        n_bins], for alphasets [n_systematics, n_alphas]."""
        return self._evaluate(alphasets, derivative=False)

    def dalpha(self, alphasets: ArrayLike) -> Any:
        """neos_swift's addition: the derivative of ``self(alphasets)`` with respect to each alpha, in the same
        shape (on a kink, the one-sided derivative of the piece the value comes from)."""
        return self._evaluate(alphasets, derivative=True)


class code0(_Interpolator):  # noqa: N801  (pyhf's class name)
    """Code 0, additive and piecewise linear: alpha (hi - nom) for alpha > 0, alpha (nom - lo) otherwise."""

    _code = "NEOS_INTERPOLATION_CODE0"

    def __init__(self, histogramssets: ArrayLike, subscribe: bool = True) -> None:
        super().__init__(histogramssets, subscribe)


class code1(_Interpolator):  # noqa: N801  (pyhf's class name)
    """Code 1, multiplicative and piecewise exponential: (hi/nom)^alpha for alpha > 0, (lo/nom)^-alpha
    otherwise."""

    _code = "NEOS_INTERPOLATION_CODE1"

    def __init__(self, histogramssets: ArrayLike, subscribe: bool = True) -> None:
        super().__init__(histogramssets, subscribe)


class code2(_Interpolator):  # noqa: N801  (pyhf's class name)
    """Code 2, additive: a alpha^2 + b alpha inside [-1, 1] with a = (hi + lo)/2 - nom and b = (hi - lo)/2,
    (b + 2a)(alpha - 1) above 1 and (b - 2a) alpha below -1 (pyhf's tensorised code 2)."""

    _code = "NEOS_INTERPOLATION_CODE2"

    def __init__(self, histogramssets: ArrayLike, subscribe: bool = True) -> None:
        super().__init__(histogramssets, subscribe)


class code4(_Interpolator):  # noqa: N801  (pyhf's class name)
    """Code 4, multiplicative: (hi/nom)^alpha for alpha >= alpha0, (lo/nom)^-alpha for alpha <= -alpha0, and in
    between the sixth-order polynomial whose value, slope and curvature match both at +-alpha0."""

    _code = "NEOS_INTERPOLATION_CODE4"

    def __init__(self, histogramssets: ArrayLike, subscribe: bool = True, alpha0: float = 1) -> None:
        alpha0 = as_float("alpha0", alpha0)
        if not alpha0 > 0:
            # pyhf asserts this (so an AssertionError, as in pyhf): at alpha0 = 0 the matching conditions have
            # no solution.
            raise _NonPositiveAlpha0(f"alpha0 must be > 0, got {alpha0}")
        super().__init__(histogramssets, subscribe, alpha0)


class code4p(_Interpolator):  # noqa: N801  (pyhf's class name)
    """Code 4p, additive: alpha (hi - nom) above 1, alpha (nom - lo) below -1, and in between
    alpha S + alpha^2 A (15 - 10 alpha^2 + 3 alpha^4) with S = (hi - lo)/2 and A = (hi - 2 nom + lo)/16."""

    _code = "NEOS_INTERPOLATION_CODE4P"

    def __init__(self, histogramssets: ArrayLike, subscribe: bool = True) -> None:
        super().__init__(histogramssets, subscribe)


class _slow_code0(code0):  # noqa: N801
    """Code 0 as ``get(0, do_tensorized_calc=False)`` returns it (the same numbers as :class:`code0`).

    ``subscribe`` is accepted and ignored, as by pyhf's reference classes: nothing it holds depends on the
    backend. The same holds for every ``_slow_code*`` class."""

    _follows_backend_changes = False


class _slow_code1(code1):  # noqa: N801
    """Code 1 as ``get(1, do_tensorized_calc=False)`` returns it (the same numbers as :class:`code1`)."""

    _follows_backend_changes = False


class _slow_code2(code2):  # noqa: N801
    """pyhf's reference code 2: below alpha = -1 it gives (b - 2a)(alpha + 1) rather than (b - 2a) alpha."""

    _code = "NEOS_INTERPOLATION_CODE2_REFERENCE"
    _follows_backend_changes = False


class _slow_code4(code4):  # noqa: N801
    """Code 4 as ``get(4, do_tensorized_calc=False)`` returns it (the same numbers as :class:`code4`)."""

    _follows_backend_changes = False


class _slow_code4p(code4p):  # noqa: N801
    """Code 4p as ``get('4p', do_tensorized_calc=False)`` returns it (the same numbers as :class:`code4p`)."""

    _follows_backend_changes = False


# Interpolation code -> (tensorised class, per-entry reference class); ``get`` picks by ``do_tensorized_calc``.
_CLASSES_BY_CODE = {
    0: (code0, _slow_code0),
    1: (code1, _slow_code1),
    2: (code2, _slow_code2),
    4: (code4, _slow_code4),
    "4p": (code4p, _slow_code4p),
}


def get(interpcode: int | str, do_tensorized_calc: bool = True) -> type[_Interpolator]:
    """The interpolator class of ``interpcode`` (0, 1, 2, 4 or '4p', compared as dict keys are, so ``1.0`` and
    ``True`` are code 1); ``do_tensorized_calc=False`` gives pyhf's per-entry reference classes. Any other code
    raises ``InvalidInterpCode``."""
    try:
        known = interpcode in _CLASSES_BY_CODE
    except TypeError:  # pyhf indexes a dict with the code: a TypeError for an unhashable one
        raise ArgumentTypeError(f"interpcode must be 0, 1, 2, 4 or '4p', got {describe(interpcode)}") from None
    if not known:
        # looked up when raised, as the package's other pyhf exceptions are (a test may reload the module)
        from .. import exceptions

        raise exceptions.InvalidInterpCode
    return _CLASSES_BY_CODE[interpcode][not do_tensorized_calc]
