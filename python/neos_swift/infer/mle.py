"""Maximum-likelihood fits with pyhf's signatures (``pyhf.infer.mle``)."""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._arguments import as_float, as_model_like, unset
from .._library import lib, pointer
from ..errors import check
from ._settings import FitSettings, data_array

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

# pyhf's public names for this module (dir() lists them, as pyhf's does); the helpers stay importable.
__all__ = ["fit", "fixed_poi_fit", "twice_nll"]


def __dir__():
    return __all__


class Jacobian:
    """Derivatives of a fit's outputs (its best-fit parameters, in order): ``inputs`` has shape
    (n_outputs, len(model.inputs()[1])), ``data`` has shape (n_outputs, len(data))."""

    def __init__(self, inputs: np.ndarray, data: np.ndarray) -> None:
        self.inputs = inputs
        self.data = data


def _native_fit(poi, data, pdf, settings, uncertainties, correlations, jacobian):
    """One native fit (neos_fit, or neos_fixed_poi_fit when ``poi`` is given) computing only what is asked for:
    (pars, twice_nll, uncertainties or None, correlations (n, n) or None, Jacobian or None)."""
    n, n_inputs = pdf.config.npars, pdf.config.ninputs
    pars = np.empty(n)
    twice_nll = ctypes.c_double()
    unc = np.empty(n) if uncertainties else None
    corr = np.empty(n * n) if correlations else None
    wrt_inputs = np.empty(n * n_inputs) if jacobian else None
    wrt_data = np.empty(n * data.size) if jacobian else None
    outputs = (
        pointer(pars),
        n,
        ctypes.byref(twice_nll),
        pointer(unc),
        0 if unc is None else n,
        pointer(corr),
        0 if corr is None else n * n,
        pointer(wrt_inputs),
        0 if wrt_inputs is None else wrt_inputs.size,
        pointer(wrt_data),
        0 if wrt_data is None else wrt_data.size,
    )
    if poi is None:
        check(lib.neos_fit(pdf, pointer(data), data.size, *settings.args, *outputs))
    else:
        check(lib.neos_fixed_poi_fit(pdf, as_float("poi_val", poi), pointer(data), data.size, *settings.args, *outputs))
    jac = Jacobian(wrt_inputs.reshape(n, n_inputs), wrt_data.reshape(n, data.size)) if jacobian else None
    return pars, twice_nll.value, unc, None if corr is None else corr.reshape(n, n), jac


def _minimize(
    optimizer,
    poi,
    data,
    pdf,
    init_pars,
    par_bounds,
    fixed_params,
    return_fitted_val=False,
    return_result_obj=False,
    return_uncertainties=False,
    return_correlations=False,
    return_jacobian=False,
    do_grad=None,
    options=None,
):
    """The native fit as pyhf's ``optimizer.minimize`` reports it, for one of our optimizer objects.

    Returns, in pyhf's order, the parameters (shape (n,), or (n, 2) rows of [value, uncertainty] with
    ``return_uncertainties``), then the (n, n) correlations, the fitted twice NLL, the
    ``scipy.optimize.OptimizeResult``, and last (neos_swift's addition) the :class:`Jacobian`; a single output is
    returned bare. Arrays are the current tensor backend's (``tensorlib.astensor``)."""
    from .._backend import get_backend
    from ..optimize.common import _require_gradients_available

    tensorlib = get_backend()[0]
    do_grad = tensorlib.default_do_grad if do_grad is None else do_grad
    _require_gradients_available(tensorlib, do_grad)
    requested = optimizer._resolve(dict(options or {}), do_grad)
    settings = FitSettings(pdf, init_pars, par_bounds, fixed_params)
    data = data_array(data, pdf)
    # pyhf's minuit result object carries uncertainties and correlations whether or not they were asked for.
    reported = return_result_obj and optimizer._reports_uncertainties
    result = optimizer._minimize(
        poi,
        data,
        pdf,
        settings,
        requested,
        uncertainties=return_uncertainties or reported,
        correlations=return_correlations or reported,
        jacobian=return_jacobian,
        required=return_uncertainties or return_correlations,
    )
    jac = result.pop("jacobian")
    x = np.column_stack([result.x, result.unc]) if return_uncertainties else result.x
    returns = [tensorlib.astensor(x)]
    if return_correlations:
        returns.append(tensorlib.astensor(result.corr))
    if return_fitted_val:
        returns.append(tensorlib.astensor(result.fun))
    if return_result_obj:
        # pyhf's result object: x as returned first, tensors of the current backend; unc and corr only where
        # pyhf's optimizer reports them (minuit), None otherwise.
        result.x, result.fun = tensorlib.astensor(x), tensorlib.astensor(result.fun)
        if reported and result.unc is not None:
            result.unc, result.corr = tensorlib.astensor(result.unc), tensorlib.astensor(result.corr)
        else:
            result.unc = result.corr = None
        del result["fixed"]
        returns.append(result)
    if return_jacobian:
        returns.append(jac)
    return tuple(returns) if len(returns) > 1 else returns[0]


def _dispatch(
    poi,
    data,
    pdf,
    init_pars,
    par_bounds,
    fixed_params,
    return_fitted_val,
    return_uncertainties,
    return_correlations,
    return_jacobian,
    return_result_obj,
    do_grad,
    do_stitch,
    options,
):
    """The fit with the current optimizer: ours run natively; another object's ``minimize`` is called as pyhf
    calls it (``twice_nll`` objective, ``(index, value)`` pairs of held parameters)."""
    from .._backend import get_backend
    from ..optimize import OptimizerMixin

    as_model_like("pdf", pdf)
    optimizer = get_backend()[1]
    if isinstance(optimizer, OptimizerMixin):
        return _minimize(
            optimizer,
            poi,
            data,
            pdf,
            init_pars,
            par_bounds,
            fixed_params,
            return_fitted_val=return_fitted_val,
            return_result_obj=return_result_obj,
            return_uncertainties=return_uncertainties,
            return_correlations=return_correlations,
            return_jacobian=return_jacobian,
            do_grad=do_grad,
            options=options,
        )
    if return_jacobian:
        raise TypeError(f"return_jacobian needs one of neos_swift's optimizers, not {type(optimizer).__name__}")
    init = list(pdf.config.suggested_init() if unset("init_pars", init_pars) else init_pars)
    bounds = pdf.config.suggested_bounds() if unset("par_bounds", par_bounds) else par_bounds
    fixed = list(pdf.config.suggested_fixed() if unset("fixed_params", fixed_params) else fixed_params)
    if poi is not None:
        init[pdf.config.poi_index] = poi
        fixed[pdf.config.poi_index] = True
    fixed_vals = [(index, value) for index, (value, held) in enumerate(zip(init, fixed)) if held]
    return optimizer.minimize(
        twice_nll,
        data,
        pdf,
        init,
        bounds,
        fixed_vals,
        return_fitted_val=return_fitted_val,
        return_result_obj=return_result_obj,
        return_uncertainties=return_uncertainties,
        return_correlations=return_correlations,
        do_grad=do_grad,
        do_stitch=do_stitch,
        **options,
    )


def fit(
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None = None,
    par_bounds: Sequence[Sequence[float]] | None = None,
    fixed_params: Sequence[bool] | None = None,
    return_fitted_val: bool = False,
    return_uncertainties: bool = False,
    return_correlations: bool = False,
    return_jacobian: bool = False,
    return_result_obj: bool = False,
    do_grad: bool | None = None,
    do_stitch: bool = False,
    **options: Any,
) -> Any:
    """Global maximum-likelihood fit (minimises twice the NLL with exact derivatives), as
    ``pyhf.infer.mle.fit``. Raises ``neos_swift.FitFailed`` when it does not converge, as pyhf raises
    FailedMinimization.

    Returns, in pyhf's order: the best-fit parameters ((n,), or (n, 2) rows of [value, uncertainty] with
    ``return_uncertainties``), the (n, n) correlations (``return_correlations``), the fitted twice NLL
    (``return_fitted_val``), a ``scipy.optimize.OptimizeResult`` (``return_result_obj``; see
    :mod:`neos_swift.optimize` for its fields per optimizer) and last, with ``return_jacobian``, a
    :class:`Jacobian` of the best-fit parameters (implicit differentiation). ``options`` are the current
    optimizer's per-fit options (pyhf's ``maxiter``, ``tolerance``, ``strategy``, ...); any other raises
    ``exceptions.Unsupported``. ``do_grad`` resolves minuit's default strategy, as in pyhf,
    and ``do_grad=True`` under the numpy backend raises ``exceptions.Unsupported`` (numpy has no automatic
    differentiation, as pyhf says); the fit's own derivatives are exact either way. ``do_stitch`` changes nothing
    (held parameters are always reported in place). Uncertainties and correlations are exact whichever optimizer
    is set (with scipy, pyhf itself returns none)."""
    return _dispatch(
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
        return_result_obj,
        do_grad,
        do_stitch,
        options,
    )


def fixed_poi_fit(
    poi_val: float,
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None = None,
    par_bounds: Sequence[Sequence[float]] | None = None,
    fixed_params: Sequence[bool] | None = None,
    return_fitted_val: bool = False,
    return_uncertainties: bool = False,
    return_correlations: bool = False,
    return_jacobian: bool = False,
    return_result_obj: bool = False,
    do_grad: bool | None = None,
    do_stitch: bool = False,
    **options: Any,
) -> Any:
    """The fit with the parameter of interest held at ``poi_val``; returns as :func:`fit`."""
    return _dispatch(
        as_float("poi_val", poi_val),  # None here would silently make it the free fit
        data,
        pdf,
        init_pars,
        par_bounds,
        fixed_params,
        return_fitted_val,
        return_uncertainties,
        return_correlations,
        return_jacobian,
        return_result_obj,
        do_grad,
        do_stitch,
        options,
    )


def twice_nll(pars: ArrayLike, data: ArrayLike, pdf: Any) -> np.ndarray:
    """−2 log L, as pyhf's ``pyhf.infer.mle.twice_nll``."""
    return -2 * pdf.logpdf(pars, data)
