"""Upper limits on the parameter of interest (``pyhf.infer.intervals.upper_limits``).

The hypothesis tests behind a limit run in libneos. For pyhf's default test (asymptotic ``qtilde``, normal
expected band) libneos also does the scan or the root finding in one call; its root finding solves
CLs(mu) = level to full precision, which meets any ``atol``/``rtol`` a caller asks of pyhf's ``toms748``. Other
test settings (``test_stat="q"``, ``calc_base_dist="clipped_normal"``, ...) go to :func:`~neos_swift.infer.hypotest`
point by point; their limits are interpolated (``numpy.interp``) or solved with ``scipy.optimize.toms748``
from a widened bracket, the same methods pyhf uses. Every keyword not listed here goes to ``hypotest``, which refuses
one it does not take (``TypeError``) as pyhf's does.
"""

from __future__ import annotations

import ctypes
import numbers
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from ... import _progress
from ..._library import CONSTANTS, UPPER_LIMIT_ROWS, UPPER_LIMIT_SCAN_CAPACITY, as_doubles, lib, pointer
from ...errors import InvalidArgument, check
from ...optimize.mixins import model_with_optimizer_options
from .._settings import FitSettings, data_array

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["linear_grid_scan", "toms748_scan", "upper_limit"]

# hypotest keywords libneos' upper limit takes, and the values of the test settings it implements.
_FIT_KEYWORDS = ("init_pars", "par_bounds", "fixed_params")
_CORE_SETTINGS = {"test_stat": "qtilde", "calctype": "asymptotics", "calc_base_dist": "normal"}


def __dir__():
    return __all__


class UpperLimitOutsideScanWarning(RuntimeWarning):
    """A limit of :func:`linear_grid_scan` lies beyond its scan: the value returned is the scan's end (pyhf returns
    the same value without a word)."""


# The limits in the order they are returned, for messages.
_LIMIT_NAMES = ("observed", "expected -2σ", "expected -1σ", "expected median", "expected +1σ", "expected +2σ")
_BELOW, _INSIDE, _ABOVE = (
    CONSTANTS["NEOS_UPPER_LIMIT_BELOW_SCAN"],
    CONSTANTS["NEOS_UPPER_LIMIT_INSIDE_SCAN"],
    CONSTANTS["NEOS_UPPER_LIMIT_ABOVE_SCAN"],
)


def _scan_values(scan) -> np.ndarray:
    """The scan as given (finite floats), refused when it has fewer than two distinct values."""
    values = np.asarray(as_doubles(scan, "scan"), dtype=np.float64).ravel()
    if not np.all(np.isfinite(values)):
        raise InvalidArgument(f"scan[{int(np.argmin(np.isfinite(values)))}] is not finite; every value must be")
    distinct = np.unique(values)
    if distinct.size < 2:
        raise InvalidArgument(
            f"the scan has {values.size} value(s), {distinct.size} distinct: interpolating an upper limit needs at "
            "least two distinct POI values"
        )
    return values


def _warn_outside(positions, scan, level) -> None:
    """One warning per limit beyond the scan, naming it and the scan's range."""
    low, high = float(np.min(scan)), float(np.max(scan))
    for name, position in zip(_LIMIT_NAMES, positions):
        if position == _ABOVE:
            warnings.warn(
                f"the {name} upper limit lies above the scan [{low}, {high}]: CLs is still above {level} at "
                f"mu = {high}, and {high} (the scan's end) is returned, as pyhf returns it; extend the scan",
                UpperLimitOutsideScanWarning,
                stacklevel=4,
            )
        elif position == _BELOW:
            warnings.warn(
                f"the {name} upper limit lies below the scan [{low}, {high}]: CLs is already below {level} at "
                f"mu = {low}, and {low} (the scan's start) is returned, as pyhf returns it; extend the scan",
                UpperLimitOutsideScanWarning,
                stacklevel=4,
            )


def _in_core(hypotest_kwargs) -> bool:
    """Whether libneos' upper limit computes what pyhf's would with these hypotest keywords."""
    for name, value in hypotest_kwargs.items():
        if name in _FIT_KEYWORDS:
            continue
        if name not in _CORE_SETTINGS or value != _CORE_SETTINGS[name]:
            return False
    return True


def _check_hypotest_kwargs(hypotest_kwargs) -> None:
    # The limit functions ask hypotest for the expected set themselves, as pyhf's do.
    if "return_expected_set" in hypotest_kwargs:
        raise TypeError("hypotest() got multiple values for keyword argument 'return_expected_set'")


def _check_tolerance(name, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise InvalidArgument(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _point_result(row):
    """One hypotest's result from a row of libneos' scan (CLs observed, then the expected set), in the form
    ``hypotest(..., return_expected_set=True)`` returns it."""
    return np.asarray(row[0]), [np.asarray(value) for value in row[1:]]


def _core_limit(data, model, level, hypotest_kwargs):
    """libneos' upper limit by root finding: (observed, expected[5], tested POIs, their results)."""
    settings = FitSettings(model, *(hypotest_kwargs.get(name) for name in _FIT_KEYWORDS))
    data = data_array(data, model)
    capacity = UPPER_LIMIT_SCAN_CAPACITY
    limits = np.empty(UPPER_LIMIT_ROWS)
    pois = np.empty(capacity)
    cls = np.empty(UPPER_LIMIT_ROWS * capacity)
    count = ctypes.c_size_t()
    check(
        lib.neos_upper_limit(
            model_with_optimizer_options(model),
            float(level),
            None,
            0,
            pointer(data),
            data.size,
            *settings.args,
            pointer(limits),
            limits.size,
            pointer(pois),
            pois.size,
            pointer(cls),
            cls.size,
            ctypes.byref(count),
        )
    )
    n = count.value
    rows = cls[: UPPER_LIMIT_ROWS * n].reshape(n, UPPER_LIMIT_ROWS)
    return np.asarray(limits[0]), [np.asarray(value) for value in limits[1:]], pois[:n].tolist(), rows


def _core_scan(data, model, level, scan, hypotest_kwargs):
    """libneos' upper limit over a scan: (observed, expected[5], one result row per scan value as given, each
    limit's NEOS_UPPER_LIMIT_*_SCAN position). libneos sorts the values and runs each distinct one once."""
    settings = FitSettings(model, *(hypotest_kwargs.get(name) for name in _FIT_KEYWORDS))
    data = data_array(data, model)
    limits = np.empty(UPPER_LIMIT_ROWS)
    positions = (ctypes.c_int32 * UPPER_LIMIT_ROWS)()
    cls = np.empty(UPPER_LIMIT_ROWS * scan.size)
    check(
        lib.neos_upper_limit_scan(
            model_with_optimizer_options(model),
            float(level),
            pointer(scan),
            scan.size,
            pointer(data),
            data.size,
            *settings.args,
            pointer(limits),
            limits.size,
            positions,
            UPPER_LIMIT_ROWS,
            pointer(cls),
            cls.size,
        )
    )
    rows = cls.reshape(scan.size, UPPER_LIMIT_ROWS)
    return np.asarray(limits[0]), [np.asarray(value) for value in limits[1:]], rows, list(positions)


class _LimitCurves:
    """The six curves an upper limit is read from (CLs observed, then the expected CLs at -2 ... +2 sigma) as
    functions of the POI, through :func:`neos_swift.infer.hypotest`; each POI value is tested once and kept, in
    the order tested."""

    def __init__(self, data, model, hypotest_kwargs):
        self._data, self._model, self._kwargs = data, model, hypotest_kwargs
        self.results = {}  # POI -> hypotest(..., return_expected_set=True)'s result, as 0-d arrays

    def result(self, poi):
        poi = float(poi)
        if poi not in self.results:
            from ... import infer

            cls_obs, band = infer.hypotest(poi, self._data, self._model, return_expected_set=True, **self._kwargs)
            self.results[poi] = (np.asarray(cls_obs), [np.asarray(value) for value in band])
        return self.results[poi]

    def at(self, poi) -> np.ndarray:
        """All six curves at ``poi``."""
        cls_obs, band = self.result(poi)
        return np.array([cls_obs, *band], dtype=np.float64)

    def tightest_bracket(self, curve, level):
        """Two tested POIs on either side of ``curve``'s crossing of ``level``: the one with the smallest CLs at or
        above it and the one with the largest CLs below it."""
        pois = np.array(list(self.results))
        heights = np.array([self.at(poi)[curve] for poi in pois]) - level
        above, below = heights >= 0, heights < 0
        return pois[above][np.argmin(heights[above])], pois[below][np.argmax(heights[below])]


def _widened(curves, low, high, level):
    """``[low, high]`` grown until it holds every curve's crossing of ``level``, as pyhf grows it: the low end
    halved while some curve is under the level there, then the high end doubled while some curve is over it."""
    while np.any(curves.at(low) < level):
        low /= 2
    while np.any(curves.at(high) > level):
        high *= 2
    return low, high


def _jacobian_limit(data, model, level, hypotest_kwargs):
    from ..mle import Jacobian

    settings = FitSettings(model, *(hypotest_kwargs.get(name) for name in _FIT_KEYWORDS))
    data = data_array(data, model)
    rows = UPPER_LIMIT_ROWS
    limits = np.empty(rows)
    inputs = np.empty(rows * model.config.ninputs)
    wrt_data = np.empty(rows * data.size)
    check(
        lib.neos_upper_limit_jacobian(
            model_with_optimizer_options(model),
            float(level),
            pointer(data),
            data.size,
            *settings.args,
            pointer(limits),
            limits.size,
            pointer(inputs),
            inputs.size,
            pointer(wrt_data),
            wrt_data.size,
        )
    )
    return (
        np.asarray(limits[0]),
        [np.asarray(value) for value in limits[1:]],
        Jacobian(inputs.reshape(rows, -1), wrt_data.reshape(rows, -1)),
    )


def toms748_scan(
    data: ArrayLike,
    model: Any,
    bounds_low: float,
    bounds_up: float,
    level: float = 0.05,
    atol: float = 2e-12,
    rtol: float = 1e-4,
    from_upper_limit_fn: bool = False,
    **hypotest_kwargs: Any,
) -> tuple[Any, ...]:
    """The observed and the five expected upper limits at CLs = ``level``, by root finding from the bracket
    ``[bounds_low, bounds_up]`` (halved or doubled until it brackets every limit, as pyhf), to within ``atol``
    or ``rtol`` of each root. Returns ``(observed, expected)``, plus ``(tested POIs, their hypotest results)``
    with ``from_upper_limit_fn``. ``hypotest_kwargs`` configure the hypotests."""
    _check_hypotest_kwargs(hypotest_kwargs)
    atol, rtol = _check_tolerance("atol", atol), _check_tolerance("rtol", rtol)
    bounds_low, bounds_up = float(bounds_low), float(bounds_up)
    if not (np.isfinite(bounds_low) and np.isfinite(bounds_up)):
        raise InvalidArgument(f"the bracket [{bounds_low}, {bounds_up}] must be finite")
    if _in_core(hypotest_kwargs):
        # The roots do not depend on the starting bracket; libneos solves them to full precision.
        observed, expected, pois, rows = _core_limit(data, model, level, hypotest_kwargs)
        results = (pois, [_point_result(row) for row in rows])
    else:
        observed, expected, results = _toms748_python(
            data, model, bounds_low, bounds_up, level, atol, rtol, hypotest_kwargs
        )
    if from_upper_limit_fn:
        return observed, expected, results
    return observed, expected


def _toms748_python(data, model, bounds_low, bounds_up, level, atol, rtol, hypotest_kwargs):
    """Root finding for the test settings libneos' upper limit does not implement: scipy's ``toms748`` on each of
    the six curves of :class:`_LimitCurves`, started from the tightest bracket the hypotests so far give it (after
    widening ``[bounds_low, bounds_up]`` to hold every crossing), stopping within ``atol`` or ``rtol`` of the
    root. Returns (observed, expected, (tested POIs, their results))."""
    from scipy.optimize import toms748

    curves = _LimitCurves(data, model, hypotest_kwargs)
    _widened(curves, bounds_low, bounds_up, level)
    limits = []
    for curve in range(UPPER_LIMIT_ROWS):
        bracket = curves.tightest_bracket(curve, level)
        # k=2: two inverse cubic steps per iteration, the setting pyhf runs toms748 with.
        root = toms748(lambda poi: curves.at(poi)[curve] - level, *bracket, k=2, xtol=atol, rtol=rtol)
        limits.append(np.asarray(root))
    return limits[0], limits[1:], (list(curves.results), list(curves.results.values()))


def linear_grid_scan(
    data: ArrayLike,
    model: Any,
    scan: ArrayLike,
    level: float = 0.05,
    return_results: bool = False,
    *,
    progress: bool | None = None,
    **hypotest_kwargs: Any,
) -> tuple[Any, ...]:
    """The observed and the five expected upper limits at CLs = ``level``, interpolated (``numpy.interp``, as
    pyhf) over hypotests at the POI values ``scan``. Returns ``(observed, expected)``, plus ``(scan, results)``
    with ``return_results`` (``scan`` as given, one hypotest result per value).

    Unlike pyhf, the values are interpolated in ascending order whatever order they come in (pyhf's result for an
    unsorted scan is not the limit), a repeated value is tested once, and fewer than two distinct values are
    refused (``InvalidArgument``). A limit beyond the scan is returned as the scan's end, as pyhf returns it, with
    an :class:`UpperLimitOutsideScanWarning` naming the limit and the scan's range.

    ``progress`` (not in pyhf; default off, see :mod:`neos_swift._progress`) shows a tqdm bar: one tick per POI
    value when each is a separate hypotest, a single tick for the whole scan when libneos runs it in one call."""
    _check_hypotest_kwargs(hypotest_kwargs)
    values = _scan_values(scan)
    if _in_core(hypotest_kwargs):
        with _progress.bar(1, desc="upper-limit scan", unit="scan", progress=progress) as bar:
            observed, expected, rows, positions = _core_scan(data, model, level, values, hypotest_kwargs)
            bar.update()
        results = [_point_result(row) for row in rows]
    else:
        curves = _LimitCurves(data, model, hypotest_kwargs)
        results = []
        with _progress.bar(len(values), desc="upper-limit scan", unit="point", progress=progress) as bar:
            for poi in values:
                results.append(curves.result(poi))
                bar.update()
        pois = np.unique(values)  # ascending and distinct, as libneos interpolates them
        table = np.array([curves.at(poi) for poi in pois]).T
        # CLs falls with the POI: numpy.interp wants rising abscissae, so both run backwards.
        limits = [np.asarray(np.interp(level, row[::-1], pois[::-1])) for row in table]
        observed, expected = limits[0], limits[1:]
        positions = [_ABOVE if level < row[-1] else _BELOW if level > row[0] else _INSIDE for row in table]
    _warn_outside(positions, values, level)
    if return_results:
        return observed, expected, (scan, results)
    return observed, expected


def upper_limit(
    data: ArrayLike,
    model: Any,
    scan: ArrayLike | None = None,
    level: float = 0.05,
    return_results: bool = False,
    return_jacobian: bool = False,
    *,
    progress: bool | None = None,
    **hypotest_kwargs: Any,
) -> tuple[Any, ...]:
    """The observed and the five expected upper limits at CLs = ``level``: interpolated over ``scan``
    (:func:`linear_grid_scan`) or, with no scan, by root finding from the POI's suggested bounds
    (:func:`toms748_scan`; its ``atol``, ``rtol`` may be given here). Returns ``(observed, expected)``, plus
    ``(tested POIs, results)`` with ``return_results``, where each result is ``hypotest(...,
    return_expected_set=True)``'s.

    With ``return_jacobian`` (root finding with pyhf's default test only) a :class:`~neos_swift.infer.mle.Jacobian`
    comes last instead: the derivatives of the observed limit and the five expected ones with respect to
    ``model.inputs()`` and the data, by implicit differentiation of CLs(mu) = level. ``progress`` shows the bar
    of :func:`linear_grid_scan` when there is a scan (root finding shows none)."""
    if return_jacobian:
        _check_hypotest_kwargs(hypotest_kwargs)
        tolerances = {name: hypotest_kwargs.pop(name) for name in ("atol", "rtol") if name in hypotest_kwargs}
        for name, value in tolerances.items():
            _check_tolerance(name, value)
        if scan is not None or return_results or not _in_core(hypotest_kwargs):
            raise InvalidArgument(
                "return_jacobian needs scan=None, return_results=False and pyhf's default test (qtilde, "
                "asymptotics): the derivative is that of the root of CLs(mu) = level"
            )
        return _jacobian_limit(data, model, level, hypotest_kwargs)
    if scan is not None:
        return linear_grid_scan(data, model, scan, level, return_results, progress=progress, **hypotest_kwargs)
    if model.config.poi_name is None:
        from ...exceptions import UnspecifiedPOI

        raise UnspecifiedPOI("No POI is defined. A POI is required to find an upper limit.")
    low, high = model.config.suggested_bounds()[model.config.poi_index]
    observed, expected, results = toms748_scan(
        data, model, low, high, level=level, from_upper_limit_fn=True, **hypotest_kwargs
    )
    if return_results:
        return observed, expected, results
    return observed, expected
