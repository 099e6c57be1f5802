"""Upper limits on the parameter of interest (``pyhf.infer.intervals.upper_limits``)."""

from __future__ import annotations

import ctypes

import numpy as np

from ..._library import as_doubles, lib, pointer
from ...errors import check
from .._settings import FitSettings, data_array

_ROOT_FINDING_CAPACITY = 256


def upper_limit(data, model, scan=None, level=0.05, return_results=False, init_pars=None, par_bounds=None,
                fixed_params=None, **_ignored):
    """The observed and expected upper limits at CLs = ``level``: interpolated over ``scan`` as pyhf does, or,
    with no scan, found by root finding to full precision. Returns ``(observed, expected[5])``, plus
    ``(scanned_pois, results)`` with ``return_results``, where each result is ``[CLs_obs, CLs_exp_band]``."""
    settings = FitSettings(model, init_pars, par_bounds, fixed_params)
    data = data_array(data, model)
    scan_array = None if scan is None else as_doubles(scan, "scan")
    capacity = _ROOT_FINDING_CAPACITY if scan_array is None else scan_array.size
    observed = ctypes.c_double()
    expected = np.empty(5)
    pois = np.empty(capacity)
    cls = np.empty(6 * capacity)
    count = ctypes.c_size_t()
    check(lib.neos_upper_limit(model, pointer(data), data.size, pointer(scan_array),
                               0 if scan_array is None else scan_array.size, float(level), *settings.args,
                               ctypes.byref(observed), pointer(expected), pointer(pois), pointer(cls), capacity,
                               ctypes.byref(count)))
    limits = (np.asarray(observed.value), expected)
    if not return_results:
        return limits
    n = count.value
    results = [[np.asarray(row[0]), row[1:].copy()] for row in cls[: 6 * n].reshape(n, 6)]
    return (*limits, (pois[:n].copy(), results))
