"""Profile-likelihood test statistics with pyhf's signatures (``pyhf.infer.test_statistics``)."""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._arguments import as_float, as_model_like, unset
from .._library import lib, pointer
from ..errors import check
from ..exceptions import UnspecifiedPOI
from ..optimize.mixins import model_with_optimizer_options
from ._settings import FitSettings, data_array

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

# pyhf's public names for this module (dir() lists them, as pyhf's does); the helpers stay importable.
__all__ = ["q0", "qmu", "qmu_tilde", "tmu", "tmu_tilde"]


def __dir__():
    return __all__


# pyhf's logger name, so that a pyhf user's logging configuration (and pytest's caplog) reaches these messages.
log = logging.getLogger("pyhf.infer.test_statistics")

_ALTERNATIVE = {"qmu": "qmu_tilde", "qmu_tilde": "qmu", "tmu": "tmu_tilde", "tmu_tilde": "tmu"}
_HYPOTEST_NAME = {"qmu": "q", "qmu_tilde": "qtilde"}


def _check_configuration(name, mu, pdf, par_bounds):
    """pyhf's checks before a test statistic: a POI must exist (else UnspecifiedPOI), and a warning is logged when
    the POI's lower bound does not suit the statistic (the tilde statistics want it at zero, the others not), or
    for q0 when ``mu`` is not 0."""
    poi = pdf.config.poi_index
    if poi is None:
        raise UnspecifiedPOI("No POI is defined. A POI is required for profile likelihood based test statistics.")
    # The warnings are pyhf's, word for word: they are part of the interface (pyhf users filter their logs on them,
    # and python/tests/test_pyhf_calculators.py compares them with pyhf's own).
    if name == "q0":
        if mu != 0.0:
            log.warning("q0 test statistic only used for fit configuration with POI set to zero. Setting mu=0.")
        return
    bounds = pdf.config.suggested_bounds() if unset("par_bounds", par_bounds) else par_bounds
    at_zero = bounds[poi][0] == 0
    tilde = name.endswith("_tilde")
    if at_zero == tilde:
        return
    other = _ALTERNATIVE[name]
    message = (
        f"{name} test statistic used for fit configuration with POI {'not ' if tilde else ''}bounded at zero.\n"
        f"Use the {other} test statistic (pyhf.infer.test_statistics.{other}) instead."
    )
    if name in _HYPOTEST_NAME:
        message += (
            f'\nIf you called this from pyhf.infer.mle or pyhf.infer.hypotest, set test_stat="{_HYPOTEST_NAME[other]}".'
        )
    log.warning(message)


def _statistic(
    name, mu, data, pdf, init_pars, par_bounds, fixed_params, return_jacobian=False, return_fitted_pars=False
):
    as_model_like("pdf", pdf)
    mu = as_float("mu", mu)
    _check_configuration(name, mu, pdf, par_bounds)
    if return_fitted_pars and return_jacobian:
        raise TypeError("return_fitted_pars and return_jacobian cannot be combined")
    if return_fitted_pars:
        # pyhf's (statistic, (θ̂̂ at the tested POI, (μ̂, θ̂))): the core's two fits, as the statistic runs them.
        from . import mle

        value = _statistic(name, mu, data, pdf, init_pars, par_bounds, fixed_params)
        tested = 0.0 if name == "q0" else mu
        constrained = mle.fixed_poi_fit(tested, data, pdf, init_pars, par_bounds, fixed_params)
        free = mle.fit(data, pdf, init_pars, par_bounds, fixed_params)
        return value, (constrained, free)
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
            model_with_optimizer_options(pdf),
            float(mu),
            name.encode(),
            pointer(data),
            data.size,
            *settings.args,
            ctypes.byref(out),
        )
    )
    return np.asarray(out.value)


def qmu(
    mu: float,
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None = None,
    par_bounds: Sequence[Sequence[float]] | None = None,
    fixed_params: Sequence[bool] | None = None,
    return_jacobian: bool = False,
    return_fitted_pars: bool = False,
) -> Any:
    """pyhf's ``qmu``; with ``return_jacobian`` also a :class:`~neos_swift.infer.mle.Jacobian` (one row) of its
    derivatives with respect to ``pdf.inputs()`` and the data; with ``return_fitted_pars`` also ``(θ̂̂, θ̂)``, the
    fixed-POI and the free fit, as pyhf."""
    return _statistic("qmu", mu, data, pdf, init_pars, par_bounds, fixed_params, return_jacobian, return_fitted_pars)


def qmu_tilde(
    mu: float,
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None = None,
    par_bounds: Sequence[Sequence[float]] | None = None,
    fixed_params: Sequence[bool] | None = None,
    return_jacobian: bool = False,
    return_fitted_pars: bool = False,
) -> Any:
    """pyhf's ``qmu_tilde``; with ``return_jacobian`` also a :class:`~neos_swift.infer.mle.Jacobian` (one row) of its
    derivatives with respect to ``pdf.inputs()`` and the data; with ``return_fitted_pars`` also ``(θ̂̂, θ̂)``, the
    fixed-POI and the free fit, as pyhf."""
    return _statistic(
        "qmu_tilde", mu, data, pdf, init_pars, par_bounds, fixed_params, return_jacobian, return_fitted_pars
    )


def tmu(
    mu: float,
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None = None,
    par_bounds: Sequence[Sequence[float]] | None = None,
    fixed_params: Sequence[bool] | None = None,
    return_fitted_pars: bool = False,
) -> Any:
    """pyhf's ``tmu``; with ``return_fitted_pars`` also ``(θ̂̂, θ̂)``, the fixed-POI and the free fit."""
    return _statistic("tmu", mu, data, pdf, init_pars, par_bounds, fixed_params, False, return_fitted_pars)


def tmu_tilde(
    mu: float,
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None = None,
    par_bounds: Sequence[Sequence[float]] | None = None,
    fixed_params: Sequence[bool] | None = None,
    return_fitted_pars: bool = False,
) -> Any:
    """pyhf's ``tmu_tilde``; with ``return_fitted_pars`` also ``(θ̂̂, θ̂)``, the fixed-POI and the free fit."""
    return _statistic("tmu_tilde", mu, data, pdf, init_pars, par_bounds, fixed_params, False, return_fitted_pars)


def q0(
    mu: float,
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None = None,
    par_bounds: Sequence[Sequence[float]] | None = None,
    fixed_params: Sequence[bool] | None = None,
    return_jacobian: bool = False,
    return_fitted_pars: bool = False,
) -> Any:
    """pyhf's ``q0``; with ``return_jacobian`` also a :class:`~neos_swift.infer.mle.Jacobian` (one row) of its
    derivatives with respect to ``pdf.inputs()`` and the data; with ``return_fitted_pars`` also ``(θ̂̂, θ̂)``, the
    fixed-POI and the free fit, as pyhf."""
    return _statistic("q0", mu, data, pdf, init_pars, par_bounds, fixed_params, return_jacobian, return_fitted_pars)
