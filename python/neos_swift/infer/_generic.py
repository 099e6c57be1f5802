"""Asymptotic hypothesis tests of models that libneos does not hold.

pyhf's ``infer`` is written against an interface, not against pyhf's Model: ``config.poi_index``,
``config.npars``, ``config.suggested_init/bounds/fixed()``, ``logpdf(pars, data)`` and
``expected_data(pars)``. Any object that has them can be tested (pyhf's test_inferapi_pyhf_independence builds one
by hand). libneos can only fit models it built, so for such an object the fits run here, with scipy's SLSQP on
twice the negative log-likelihood as pyhf's default optimizer does; the test statistic and the asymptotic
p-values are pyhf's formulas over those fits. Models made by neos_swift never come here: their hypotests run in
the core.
"""

from __future__ import annotations

import numpy as np

from .._handles import Handle
from ..exceptions import FailedMinimization, Unsupported
from .calculators import AsymptoticTestStatDistribution

# SLSQP's stopping tolerance on the objective (twice the NLL): far below what a p-value can resolve, so the
# result does not depend on where the search started.
_FTOL = 1e-12
_NSIGMA = (2, 1, 0, -1, -2)  # pyhf's band order


def is_native(pdf) -> bool:
    """Whether ``pdf`` is held by libneos (then the core runs its inference)."""
    return isinstance(pdf, Handle)


def _twice_nll(pdf, data, pars) -> float:
    return float(-2 * np.ravel(np.asarray(pdf.logpdf(pars, data), dtype=np.float64))[0])


def fit(data, pdf, init_pars, par_bounds, fixed_params, poi=None):
    """The best-fit parameters and twice the NLL there; with ``poi`` the POI is held at it."""
    from scipy.optimize import minimize

    start = np.array(init_pars, dtype=np.float64)
    held = np.array(fixed_params, dtype=bool)
    if poi is not None:
        start[pdf.config.poi_index] = poi
        held[pdf.config.poi_index] = True
    free = np.flatnonzero(~held)
    bounds = [tuple(par_bounds[i]) for i in free]

    def objective(x):
        pars = start.copy()
        pars[free] = x
        return _twice_nll(pdf, data, pars)

    if free.size == 0:
        return start, objective(start[free])
    result = minimize(objective, start[free], method="SLSQP", bounds=bounds, options={"maxiter": 100000, "ftol": _FTOL})
    if not result.success:
        raise FailedMinimization(result)
    best = start.copy()
    best[free] = result.x
    return best, float(result.fun)


def qmu_like(mu, data, pdf, init_pars, par_bounds, fixed_params) -> float:
    """pyhf's q_mu (and q̃_mu, the same expression under a POI bounded at 0): the twice-NLL difference of the
    fixed-POI and the free fit, clipped at 0, and 0 where the free fit's POI is above ``mu``."""
    _, constrained = fit(data, pdf, init_pars, par_bounds, fixed_params, poi=mu)
    free_pars, unconstrained = fit(data, pdf, init_pars, par_bounds, fixed_params)
    if free_pars[pdf.config.poi_index] > mu:
        return 0.0
    return max(constrained - unconstrained, 0.0)


def hypotest(
    poi_test,
    data,
    pdf,
    init_pars,
    par_bounds,
    fixed_params,
    calctype,
    return_tail_probs,
    return_expected,
    return_expected_set,
    return_calculator,
    test_stat,
    return_jacobian,
    **kwargs,
):
    """pyhf's asymptotic hypotest (``"qtilde"`` or ``"q"``, normal base distribution) of a model libneos does not
    hold; returns as :func:`neos_swift.infer.hypotest`."""
    if calctype != "asymptotics" or test_stat not in ("qtilde", "q") or return_calculator or return_jacobian:
        raise Unsupported(
            "a model that neos_swift did not build is tested with calctype='asymptotics', test_stat 'qtilde' or "
            "'q', without return_calculator or return_jacobian"
        )
    if kwargs.get("calc_base_dist", "normal") != "normal" or set(kwargs) - {"calc_base_dist"}:
        raise Unsupported(f"options {sorted(kwargs)} are not available for a model that neos_swift did not build")
    from . import test_statistics

    name = "qmu_tilde" if test_stat == "qtilde" else "qmu"
    test_statistics._check_configuration(name, poi_test, pdf, par_bounds)
    settings = (init_pars, par_bounds, fixed_params)
    # The Asimov data of the background-only hypothesis: the expected data at the fit with the POI held at 0.
    asimov_pars, _ = fit(data, pdf, *settings, poi=0.0)
    asimov_data = pdf.expected_data(asimov_pars)
    qmu = qmu_like(poi_test, data, pdf, *settings)
    qmu_asimov = qmu_like(poi_test, asimov_data, pdf, *settings)
    sqrtqmu, sqrtqmu_asimov = np.sqrt(qmu), np.sqrt(qmu_asimov)
    if test_stat == "qtilde" and sqrtqmu > sqrtqmu_asimov:
        teststat = (qmu - qmu_asimov) / (2 * sqrtqmu_asimov)
    else:
        teststat = sqrtqmu - sqrtqmu_asimov
    signal = AsymptoticTestStatDistribution(-sqrtqmu_asimov)
    background = AsymptoticTestStatDistribution(0.0)

    def pvalues(value):
        clsb, clb = signal.pvalue(value), background.pvalue(value)
        return np.asarray(clsb), np.asarray(clb), np.asarray(clsb / clb)

    clsb, clb, cls = pvalues(teststat)
    band = [pvalues(background.expected_value(n))[2] for n in _NSIGMA]
    result = [cls]
    if return_tail_probs:
        result.append([clsb, clb])
    if return_expected:
        result.append(band[2])
    if return_expected_set:
        result.append(band)
    return result[0] if len(result) == 1 else tuple(result)
