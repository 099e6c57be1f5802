"""pyhf 0.7.6's results on the random inference workspaces, stored so that CI compares against them in seconds.

``reference(seed)`` computes, for ``random_workspace(seed, for_inference=True)`` (workspaces.py), everything
test_inference_pyhf.py compares with. Live, a case costs pyhf 1–30 s (SLSQP with finite differences, jax
compilation, MINUIT), which for 150 cases is most of an hour; stored in data/pyhf_random_workspaces.json, the test
checks the 150 cases in under a minute. ``python pyhf_random_reference.py [count]`` writes that file (needs a venv
with pyhf 0.7.6, jax and iminuit); each entry carries the SHA-256 of its workspace and settings, and the test
refuses an entry whose workspace the generator no longer produces.

Per case:
- ``hypotest``: hypotest(1.0, qtilde, expected set) and the twice NLL of the five fits behind it (pyhf_fits.py) on
  pyhf's own Asimov data, with pyhf's defaults (``numpy``: numpy backend, SLSQP at ftol 1e-6 with finite
  differences) and run to convergence (``converged``: jax backend, exact gradients, SLSQP tolerance 1e-14, or 1e-12
  / 1e-10 where SLSQP reports incompatible constraints at the tighter one), with the free fit's parameters.
- ``minuit``: ``pyhf.infer.mle.fit(..., return_uncertainties=True)`` with the minuit optimizer (numpy backend: Migrad
  with numerical gradients, strategy 1, tolerance 0.1, then HESSE): the fitted values and twice NLL, MINUIT's
  ``errors`` (what pyhf returns as uncertainties) and √diag of its ``covariance`` (pyhf's ``hess_inv``).
- ``hesse_at_minimum``: MINUIT's HESSE (iminuit, pyhf's twice NLL, pyhf's bounds as limits, strategy 1) at pyhf's
  converged free fit, without Migrad: the same computation, at the exact minimum instead of where Migrad stopped.
- ``exact_at_minimum``: √diag of the covariance MINUIT's HESSE would report at that point were its second
  derivatives exact: the exact Hessian of pyhf's twice NLL (jax) taken to MINUIT's internal coordinates
  (θ = asin(2(x − a)/(b − a) − 1) for limits [a, b], so H_int = J H J + diag(g ∘ x''), J = dx/dθ), V_int = 2 H_int⁻¹,
  and back, V = J V_int J.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import warnings
from pathlib import Path

import numpy as np
from workspaces import random_workspace

HERE = Path(__file__).resolve().parent
PATH = HERE / "data" / "pyhf_random_workspaces.json"
SLSQP_TOLERANCES = (1e-14, 1e-12, 1e-10)


def workspace(seed):
    """The workspace spec and the model keyword arguments of case ``seed``."""
    spec, settings = random_workspace(seed, for_inference=True)
    return spec, ({} if settings is None else {"modifier_settings": settings})


def fingerprint(spec, kwargs):
    return hashlib.sha256(json.dumps([spec, kwargs], sort_keys=True).encode()).hexdigest()


def floats(values):
    return [float(value) for value in np.asarray(values, dtype=float).ravel()]


def _hypotest_and_fits(pyhf, spec, kwargs):
    """hypotest, then the five fits behind it (as pyhf_fits.fit_values) keeping the free fit's parameters and the
    Asimov data made from the third."""
    workspace = pyhf.Workspace(spec)
    model = workspace.model(**kwargs)
    data = np.asarray(workspace.data(model), dtype=float)
    observed, band = pyhf.infer.hypotest(1.0, data, model, return_expected_set=True)
    free, free_nll = pyhf.infer.mle.fit(data, model, return_fitted_val=True)
    _, tested_nll = pyhf.infer.mle.fixed_poi_fit(1.0, data, model, return_fitted_val=True)
    background, background_nll = pyhf.infer.mle.fixed_poi_fit(0.0, data, model, return_fitted_val=True)
    asimov = np.asarray(model.expected_data(background), dtype=float)
    _, asimov_free_nll = pyhf.infer.mle.fit(asimov, model, return_fitted_val=True)
    _, asimov_tested_nll = pyhf.infer.mle.fixed_poi_fit(1.0, asimov, model, return_fitted_val=True)
    fits = [free_nll, tested_nll, background_nll, asimov_free_nll, asimov_tested_nll]
    return {
        "cls": [float(observed)] + floats(band),
        "fits": [float(value) for value in fits],
        "asimov_data": floats(asimov),
        "free_fit": floats(free),
    }


def _minuit(pyhf, spec, kwargs):
    pyhf.set_backend("numpy", "minuit")
    try:
        workspace = pyhf.Workspace(spec)
        model = workspace.model(**kwargs)
        data = workspace.data(model)
        fitted, twice_nll, result = pyhf.infer.mle.fit(
            data, model, return_uncertainties=True, return_fitted_val=True, return_result_obj=True
        )
        minuit = result.minuit
        return {
            "values": floats(minuit.values),
            "twice_nll": float(twice_nll),
            "errors": floats(fitted[:, 1]),
            "sqrt_cov": floats(np.sqrt(np.clip(np.diag(np.asarray(minuit.covariance)), 0, None))),
        }
    except (pyhf.exceptions.FailedMinimization, AttributeError) as error:
        # AttributeError: Migrad valid but HESSE failed, so pyhf 0.7.6 calls .correlation() on None.
        return {"failed": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}
    finally:
        pyhf.set_backend("numpy")


def _hesse_at(pyhf, spec, kwargs, point):
    import iminuit

    pyhf.set_backend("numpy")
    workspace = pyhf.Workspace(spec)
    model = workspace.model(**kwargs)
    data = np.asarray(workspace.data(model), dtype=float)
    minuit = iminuit.Minuit(lambda pars: float(pyhf.infer.mle.twice_nll(pars, data, model)[0]), list(point))
    minuit.limits = model.config.suggested_bounds()
    minuit.fixed = model.config.suggested_fixed()
    minuit.errordef = 1
    minuit.strategy = 1
    minuit.hesse()
    if minuit.covariance is None:
        return {"failed": "HESSE failed"}
    return {
        "sqrt_cov": floats(np.sqrt(np.clip(np.diag(np.asarray(minuit.covariance)), 0, None))),
        "errors": floats(minuit.errors),
    }


def _exact_at(pyhf, spec, kwargs, point):
    import jax

    pyhf.set_backend("jax")
    try:
        workspace = pyhf.Workspace(spec)
        model = workspace.model(**kwargs)
        data = jax.numpy.asarray(workspace.data(model))
        objective = lambda pars: pyhf.infer.mle.twice_nll(pars, data, model)[0]  # noqa: E731
        x = np.asarray(point, dtype=float)
        gradient = np.asarray(jax.jit(jax.grad(objective))(jax.numpy.asarray(x)))
        hessian = np.asarray(jax.jit(jax.hessian(objective))(jax.numpy.asarray(x)))
        bounds = np.asarray(model.config.suggested_bounds(), dtype=float)
        free = np.flatnonzero(~np.asarray(model.config.suggested_fixed()))
    finally:
        pyhf.set_backend("numpy")
    half = (bounds[free, 1] - bounds[free, 0]) / 2
    theta = np.arcsin(np.clip((x[free] - bounds[free, 0]) / half - 1, -1, 1))
    jacobian, curvature = half * np.cos(theta), -half * np.sin(theta)
    internal = jacobian[:, None] * hessian[np.ix_(free, free)] * jacobian[None, :] + np.diag(gradient[free] * curvature)
    try:
        covariance = 2 * np.linalg.inv(internal)
    except np.linalg.LinAlgError:
        return {"failed": "singular internal Hessian"}
    result = np.zeros(x.size)
    result[free] = np.abs(jacobian) * np.sqrt(np.abs(np.diag(covariance)))
    return {"sqrt_cov": floats(result)}


def reference(seed):
    """Every pyhf number test_inference_pyhf.py compares with, for case ``seed`` (minutes of pyhf at worst)."""
    import pyhf

    logging.getLogger("pyhf").setLevel(logging.ERROR)
    spec, kwargs = workspace(seed)
    entry = {"sha256": fingerprint(spec, kwargs)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyhf.set_backend("numpy")
        try:
            entry["numpy"] = _hypotest_and_fits(pyhf, spec, kwargs)
        except pyhf.exceptions.FailedMinimization as error:
            entry["numpy"] = {"failed": f"FailedMinimization: {str(error).splitlines()[0]}"}
        for tolerance in SLSQP_TOLERANCES:
            pyhf.set_backend("jax", pyhf.optimize.scipy_optimizer(tolerance=tolerance))
            try:
                entry["converged"] = {**_hypotest_and_fits(pyhf, spec, kwargs), "slsqp_tolerance": tolerance}
                break
            except pyhf.exceptions.FailedMinimization as error:
                entry["converged"] = {"failed": f"FailedMinimization: {str(error).splitlines()[0]}"}
            finally:
                pyhf.set_backend("numpy")
        entry["minuit"] = _minuit(pyhf, spec, kwargs)
        if "free_fit" in entry["converged"]:
            point = entry["converged"]["free_fit"]
            entry["hesse_at_minimum"] = _hesse_at(pyhf, spec, kwargs, point)
            entry["exact_at_minimum"] = _exact_at(pyhf, spec, kwargs, point)
    return entry


def load():
    """The stored cases, keyed by seed (int); empty if the file is missing."""
    if not PATH.exists():
        return {}
    return {int(seed): entry for seed, entry in json.loads(PATH.read_text())["cases"].items()}


def main(count, part=0, parts=1):
    """Computes the missing or outdated cases below `count` (those with seed % parts == part when the work is split
    between processes, each writing its own file; `merge` joins them)."""
    import pyhf

    global PATH
    cases = load()
    if parts > 1:
        PATH = PATH.with_suffix(f".part{part}.json")
        cases = {seed: entry for seed, entry in cases.items() if seed % parts == part}
    for seed in range(part, count, parts):
        spec, kwargs = workspace(seed)
        if seed in cases and cases[seed]["sha256"] == fingerprint(spec, kwargs):
            continue
        cases[seed] = reference(seed)
        print(
            seed, {key: "failed" in value for key, value in cases[seed].items() if isinstance(value, dict)}, flush=True
        )
        if seed % 10 == 9:
            _write(cases, pyhf.__version__)
    _write(cases, pyhf.__version__)


def _write(cases, version):
    import iminuit
    import jax

    PATH.write_text(
        json.dumps(
            {
                "generator": "python/tests/pyhf_random_reference.py",
                "versions": {
                    "pyhf": version,
                    "iminuit": iminuit.__version__,
                    "jax": jax.__version__,
                    "numpy": np.__version__,
                },
                "cases": {str(seed): cases[seed] for seed in sorted(cases)},
            },
            separators=(",", ":"),
        )
        + "\n"
    )


def merge(parts):
    import pyhf

    cases = load()
    for part in range(parts):
        path = PATH.with_suffix(f".part{part}.json")
        cases.update({int(seed): entry for seed, entry in json.loads(path.read_text())["cases"].items()})
        path.unlink()
    _write(cases, pyhf.__version__)


if __name__ == "__main__":
    # python pyhf_random_reference.py [count [part parts]] | merge parts
    if len(sys.argv) > 1 and sys.argv[1] == "merge":
        merge(int(sys.argv[2]))
    else:
        main(*(int(arg) for arg in sys.argv[1:]) if len(sys.argv) > 1 else (150,))
