"""relaxed 0.4.0's fixed_poi_fit, fixed, for the jax references (neos_jax_reference.py, jax_histfactory.py).

relaxed 0.4.0's objective writes the POI into the parameter dict it is handed, which is jaxopt's own iterate, so the
iterate gains a key and LBFGSB's zoom line search fails with a pytree-structure error (``tree_add_scalar_mul``);
copying the caller's dict before the call does not help. Here the objective copies the dict first. Same solver
(``relaxed.mle._minimize``: jaxopt LBFGSB, implicit differentiation, maxiter 500, tol 1e-6). Importing this module
installs the fix where ``relaxed.infer.hypotest`` looks it up when traced.
"""

from __future__ import annotations

import relaxed


def fixed_poi_fit(
    data,
    model,
    poi_value,
    poi_name,
    init_pars,
    bounds=None,
    method="LBFGSB",
    maxiter=500,
    tol=1e-6,
    other_settings=None,
):
    def objective(pars, model, data):
        return -model.logpdf(data=data, pars={**pars, poi_name: poi_value})

    result = relaxed.mle._minimize(
        fit_objective=objective,
        model=model,
        data=data,
        init_pars=init_pars,
        bounds=bounds,
        method=method,
        maxiter=maxiter,
        tol=tol,
        other_settings=other_settings,
    )
    return {**result, poi_name: poi_value}


relaxed.infer.fixed_poi_fit = fixed_poi_fit
