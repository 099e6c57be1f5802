"""Upper limits on the parameter of interest (``pyhf.infer.intervals.upper_limits``)."""

from __future__ import annotations

import ctypes

import numpy as np

from ..._library import as_doubles, lib, pointer
from ...errors import InvalidArgument, check
from .._settings import FitSettings, data_array

_ROOT_FINDING_CAPACITY = 256


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

        limits = np.empty(6)
        inputs = np.empty(6 * model.config.ninputs)
        wrt_data = np.empty(6 * data.size)
        check(
            lib.neos_upper_limit_jacobian(
                model,
                pointer(data),
                data.size,
                float(level),
                *settings.args,
                pointer(limits),
                6,
                pointer(inputs),
                inputs.size,
                pointer(wrt_data),
                wrt_data.size,
            )
        )
        return np.asarray(limits[0]), limits[1:].copy(), Jacobian(inputs.reshape(6, -1), wrt_data.reshape(6, -1))
    scan_array = None if scan is None else as_doubles(scan, "scan")
    capacity = _ROOT_FINDING_CAPACITY if scan_array is None else scan_array.size
    observed = ctypes.c_double()
    expected = np.empty(5)
    pois = np.empty(capacity)
    cls = np.empty(6 * capacity)
    count = ctypes.c_size_t()
    check(
        lib.neos_upper_limit(
            model,
            pointer(data),
            data.size,
            pointer(scan_array),
            0 if scan_array is None else scan_array.size,
            float(level),
            *settings.args,
            ctypes.byref(observed),
            pointer(expected),
            pointer(pois),
            pointer(cls),
            capacity,
            ctypes.byref(count),
        )
    )
    limits = (np.asarray(observed.value), expected)
    if not return_results:
        return limits
    n = count.value
    results = [[np.asarray(row[0]), row[1:].copy()] for row in cls[: 6 * n].reshape(n, 6)]
    return (*limits, (pois[:n].copy(), results))
