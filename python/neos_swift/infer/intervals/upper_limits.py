"""Upper limits on the parameter of interest (``pyhf.infer.intervals.upper_limits``)."""

from __future__ import annotations

import ctypes

import numpy as np

from ..._library import UPPER_LIMIT_ROWS, UPPER_LIMIT_SCAN_CAPACITY, as_doubles, lib, pointer
from ...errors import InvalidArgument, check
from .._settings import FitSettings, data_array


def upper_limit(
    data,
    model,
    scan=None,
    level=0.05,
    return_results=False,
    init_pars=None,
    par_bounds=None,
    fixed_params=None,
    return_jacobian=False,
    **_ignored,
):
    """The observed and expected upper limits at CLs = ``level``: interpolated over ``scan`` as pyhf does, or,
    with no scan, found by root finding to full precision. Returns ``(observed, expected[5])``, plus
    ``(scanned_pois, results)`` with ``return_results``, where each result is ``[CLs_obs, CLs_exp_band]``.

    With ``return_jacobian`` (root finding only: an interpolated scan is not the limit being differentiated) a
    :class:`~neos_swift.infer.mle.Jacobian` comes last: the derivatives of the observed limit and the five expected
    ones with respect to ``model.inputs()`` and the data, by implicit differentiation of CLs(μ) = level."""
    settings = FitSettings(model, init_pars, par_bounds, fixed_params)
    data = data_array(data, model)
    if return_jacobian:
        if scan is not None or return_results:
            raise InvalidArgument(
                "return_jacobian needs scan=None and return_results=False: the derivative is that "
                "of the root of CLs(mu) = level"
            )
        from ..mle import Jacobian

        rows = UPPER_LIMIT_ROWS
        limits = np.empty(rows)
        inputs = np.empty(rows * model.config.ninputs)
        wrt_data = np.empty(rows * data.size)
        check(
            lib.neos_upper_limit_jacobian(
                model,
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
            limits[1:].copy(),
            Jacobian(inputs.reshape(rows, -1), wrt_data.reshape(rows, -1)),
        )
    scan_array = None if scan is None else as_doubles(scan, "scan")
    capacity = UPPER_LIMIT_SCAN_CAPACITY if scan_array is None else scan_array.size
    limits = np.empty(UPPER_LIMIT_ROWS)
    pois = np.empty(capacity)
    cls = np.empty(UPPER_LIMIT_ROWS * capacity)
    count = ctypes.c_size_t()
    check(
        lib.neos_upper_limit(
            model,
            float(level),
            pointer(scan_array),
            0 if scan_array is None else scan_array.size,
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
    result = (np.asarray(limits[0]), limits[1:].copy())
    if not return_results:
        return result
    n = count.value
    rows = cls[: UPPER_LIMIT_ROWS * n].reshape(n, UPPER_LIMIT_ROWS)
    results = [[np.asarray(row[0]), row[1:].copy()] for row in rows]
    return (*result, (pois[:n].copy(), results))
