"""Profile-likelihood test statistics with pyhf's signatures (``pyhf.infer.test_statistics``)."""

from __future__ import annotations

import ctypes

import numpy as np

from .._library import lib, pointer
from ..errors import check
from ._settings import FitSettings, data_array


def _statistic(name, mu, data, pdf, init_pars, par_bounds, fixed_params):
    settings = FitSettings(pdf, init_pars, par_bounds, fixed_params)
    data = data_array(data, pdf)
    out = ctypes.c_double()
    check(lib.neos_test_statistic(pdf, name.encode(), float(mu), pointer(data), data.size, *settings.args,
                                  ctypes.byref(out)))
    return np.asarray(out.value)


def qmu(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, **_ignored):
    return _statistic("qmu", mu, data, pdf, init_pars, par_bounds, fixed_params)


def qmu_tilde(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, **_ignored):
    return _statistic("qmu_tilde", mu, data, pdf, init_pars, par_bounds, fixed_params)


def tmu(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, **_ignored):
    return _statistic("tmu", mu, data, pdf, init_pars, par_bounds, fixed_params)


def tmu_tilde(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, **_ignored):
    return _statistic("tmu_tilde", mu, data, pdf, init_pars, par_bounds, fixed_params)


def q0(mu, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, **_ignored):
    return _statistic("q0", mu, data, pdf, init_pars, par_bounds, fixed_params)
