"""Fit-by-fit comparison with pyhf: the evidence for "pyhf's fit is the one that is off".

A hypotest runs five fits. Where neos-swift and pyhf disagree on CLs, the tests show on the same data (pyhf's
Asimov data for the last two) that none of pyhf's fits reaches a lower twice NLL than ours, and that at least one of
them stops above ours: pyhf's SLSQP stopped short, or ended in a higher local minimum (code0/code1 kinks split the
likelihood into pieces that can each hold one).
"""

from __future__ import annotations

import numpy as np
import pyhf

# Our minimum is never above pyhf's by more than this (twice NLL).
NLL_SLACK = 1e-6
# A pyhf fit "stopped above ours" when its twice NLL is higher by more than rounding (twice NLL values here are
# O(10-1000) and agree to ~1e-12 where both fits converge). SLSQP's ftol 1e-6 leaves gaps of 1e-8 to 1e-6, and a
# gap of 1e-7 in a twice NLL already moves CLs by ~1e-5 relative.
SHORTFALL = 1e-9


def asimov_data(model, data, poi=0.0):
    """pyhf's Asimov data (its fit with the POI at ``poi``), so both engines' Asimov fits see the same numbers."""
    return np.asarray(model.expected_data(pyhf.infer.mle.fixed_poi_fit(poi, data, model)), dtype=float)


def fit_values(infer, data, model, asimov, poi=1.0, asimov_poi=0.0):
    """Twice NLL of the five fits of a hypotest at ``poi``: free, POI at poi and POI at asimov_poi on the data, then
    free and POI at poi on the given Asimov data."""
    values = []
    for dataset, fixed in [(data, None), (data, poi), (data, asimov_poi), (asimov, None), (asimov, poi)]:
        if fixed is None:
            _, value = infer.mle.fit(dataset, model, return_fitted_val=True)
        else:
            _, value = infer.mle.fixed_poi_fit(fixed, dataset, model, return_fitted_val=True)
        values.append(float(value))
    return np.array(values)


def gaps(pyhf_model, our_model, data, poi=1.0, test_stat="qtilde"):
    """pyhf's twice NLL minus ours for the five fits, with pyhf's current backend."""
    import neos_swift

    tested = 0.0 if test_stat == "q0" else poi
    asimov_poi = 1.0 if test_stat == "q0" else 0.0
    asimov = asimov_data(pyhf_model, data, asimov_poi)
    return fit_values(pyhf.infer, data, pyhf_model, asimov, tested, asimov_poi) - fit_values(
        neos_swift.infer, data, our_model, asimov, tested, asimov_poi
    )


def converged_backend(tolerance=1e-14):
    """pyhf run to convergence: jax backend (exact gradients), SLSQP at the given tolerance."""
    pyhf.set_backend("jax", pyhf.optimize.scipy_optimizer(tolerance=tolerance))


def assert_pyhf_fits_fall_short(build_pyhf_model, our_model, data, poi=1.0, test_stat="qtilde"):
    """With pyhf's defaults and with pyhf converged: no pyhf fit below ours, and some pyhf fit above ours."""
    shortfalls = []
    for configure in (lambda: pyhf.set_backend("numpy"), converged_backend):
        configure()
        try:
            found = gaps(build_pyhf_model(), our_model, data, poi, test_stat)
        except pyhf.exceptions.FailedMinimization:
            continue
        finally:
            pyhf.set_backend("numpy")
        assert found.min() >= -NLL_SLACK, f"a pyhf fit went below ours (twice NLL gaps {found})"
        shortfalls.append(found.max())
    assert shortfalls and max(shortfalls) > SHORTFALL, (
        f"CLs differ, yet no pyhf fit stopped above ours (largest gaps {shortfalls})"
    )
