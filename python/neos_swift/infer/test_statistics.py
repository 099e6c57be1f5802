"""Profile-likelihood test statistics with pyhf's signatures (``pyhf.infer.test_statistics``)."""

from __future__ import annotations

import ctypes

import numpy as np

from .._library import lib, pointer
from ..errors import check
from ._settings import FitSettings, data_array


def _statistic(name, mu, data, pdf, init_pars, par_bounds, fixed_params, return_jacobian=False):
    if return_jacobian:
        # The hypotest's q_obs is this statistic; its derivatives come from the same implicit differentiation.
        from . import hypotest_derivatives
        from .mle import Jacobian

        test_stat = {"qmu": "q", "qmu_tilde": "qtilde", "q0": "q0"}[name]
        derivatives = hypotest_derivatives(
            0.0 if name == "q0" else mu, data, pdf, init_pars, par_bounds, fixed_params, test_stat=test_stat
        )
        value, wrt_inputs, wrt_data = derivatives["q_observed"]
        return np.asarray(value), Jacobian(wrt_inputs[None, :], wrt_data[None, :])
    settings = FitSettings(pdf, init_pars, par_bounds, fixed_params)
    data = data_array(data, pdf)
    out = ctypes.c_double()
    check(
        lib.neos_test_statistic(
            pdf, float(mu), name.encode(), pointer(data), data.size, *settings.args, ctypes.byref(out)
        )
    )
    return np.asarray(out.value)


def qmu(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, return_jacobian=False, **_ignored):
    """pyhf's ``qmu``; with ``return_jacobian`` also a :class:`~neos_swift.infer.mle.Jacobian` (one row) of its
    derivatives with respect to ``pdf.inputs()`` and the data."""
    return _statistic("qmu", mu, data, pdf, init_pars, par_bounds, fixed_params, return_jacobian)


def qmu_tilde(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, return_jacobian=False, **_ignored):
    """pyhf's ``qmu_tilde``; with ``return_jacobian`` also a :class:`~neos_swift.infer.mle.Jacobian` (one row) of its
    derivatives with respect to ``pdf.inputs()`` and the data."""
    return _statistic("qmu_tilde", mu, data, pdf, init_pars, par_bounds, fixed_params, return_jacobian)


def tmu(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, **_ignored):
    return _statistic("tmu", mu, data, pdf, init_pars, par_bounds, fixed_params)


def tmu_tilde(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, **_ignored):
    return _statistic("tmu_tilde", mu, data, pdf, init_pars, par_bounds, fixed_params)


def q0(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, return_jacobian=False, **_ignored):
    """pyhf's ``q0``; with ``return_jacobian`` also a :class:`~neos_swift.infer.mle.Jacobian` (one row) of its
    derivatives with respect to ``pdf.inputs()`` and the data."""
    return _statistic("q0", mu, data, pdf, init_pars, par_bounds, fixed_params, return_jacobian)
