"""Maximum-likelihood fits with pyhf's signatures (``pyhf.infer.mle``)."""

from __future__ import annotations

import ctypes

import numpy as np

from .._library import lib, pointer
from ..errors import check
from ._settings import FitSettings, data_array


class Jacobian:
    """Derivatives of a fit's outputs (its best-fit parameters, in order): ``inputs`` has shape
    (n_outputs, len(model.inputs()[1])), ``data`` has shape (n_outputs, len(data))."""

    def __init__(self, inputs: np.ndarray, data: np.ndarray):
        self.inputs = inputs
        self.data = data


def _fit(
    poi,
    data,
    pdf,
    init_pars,
    par_bounds,
    fixed_params,
    return_fitted_val,
    return_uncertainties,
    return_correlations,
    return_jacobian=False,
):
    """One native fit (neos_fit, or neos_fixed_poi_fit when ``poi`` is given) with exactly the outputs asked for."""
    settings = FitSettings(pdf, init_pars, par_bounds, fixed_params)
    data = data_array(data, pdf)
    n, n_inputs = pdf.config.npars, pdf.config.ninputs
    pars = np.empty(n)
    twice_nll = ctypes.c_double()
    uncertainties = np.empty(n) if return_uncertainties else None
    correlations = np.empty(n * n) if return_correlations else None
    wrt_inputs = np.empty(n * n_inputs) if return_jacobian else None
    wrt_data = np.empty(n * data.size) if return_jacobian else None
    outputs = (
        pointer(pars),
        n,
        ctypes.byref(twice_nll),
        pointer(uncertainties),
        n if return_uncertainties else 0,
        pointer(correlations),
        n * n if return_correlations else 0,
        pointer(wrt_inputs),
        0 if wrt_inputs is None else wrt_inputs.size,
        pointer(wrt_data),
        0 if wrt_data is None else wrt_data.size,
    )
    if poi is None:
        check(lib.neos_fit(pdf, pointer(data), data.size, *settings.args, *outputs))
    else:
        check(lib.neos_fixed_poi_fit(pdf, float(poi), pointer(data), data.size, *settings.args, *outputs))
    # pyhf: with uncertainties, each row is (value, uncertainty); then the fitted 2NLL; then correlations.
    result = np.column_stack([pars, uncertainties]) if return_uncertainties else pars
    extras = []
    if return_fitted_val:
        extras.append(np.asarray(twice_nll.value))
    if return_correlations:
        extras.append(correlations.reshape(n, n))
    if return_jacobian:
        extras.append(Jacobian(wrt_inputs.reshape(n, n_inputs), wrt_data.reshape(n, data.size)))
    return (result, *extras) if extras else result


def fit(
    data,
    pdf,
    init_pars=None,
    par_bounds=None,
    fixed_params=None,
    return_fitted_val=False,
    return_uncertainties=False,
    return_correlations=False,
    return_jacobian=False,
    **_ignored,
):
    """Global maximum-likelihood fit (minimises twice the NLL with exact derivatives). Raises
    ``neos_swift.FitFailed`` when it does not converge, as pyhf raises FailedMinimization. With
    ``return_jacobian`` a :class:`Jacobian` of the best-fit parameters comes last (implicit differentiation)."""
    return _fit(
        None,
        data,
        pdf,
        init_pars,
        par_bounds,
        fixed_params,
        return_fitted_val,
        return_uncertainties,
        return_correlations,
        return_jacobian,
    )


def fixed_poi_fit(
    poi_val,
    data,
    pdf,
    init_pars=None,
    par_bounds=None,
    fixed_params=None,
    return_fitted_val=False,
    return_uncertainties=False,
    return_correlations=False,
    return_jacobian=False,
    **_ignored,
):
    """The fit with the parameter of interest held at ``poi_val``."""
    return _fit(
        poi_val,
        data,
        pdf,
        init_pars,
        par_bounds,
        fixed_params,
        return_fitted_val,
        return_uncertainties,
        return_correlations,
        return_jacobian,
    )


def twice_nll(pars, data, pdf) -> np.ndarray:
    """−2 log L, as pyhf's ``pyhf.infer.mle.twice_nll``."""
    return -2 * pdf.logpdf(pars, data)
