"""Evidence for the numbers where neos_swift and pyhf 0.7.6's defaults differ: which fit is the lower minimum.

    PYTHONPATH=python python scripts/pyhf_stopping_short.py [--markdown]

Run with a Python that has both pyhf 0.7.6 and neos_swift importable (e.g. python/requirements-test.txt's venv).
For each case (the examples of pyhf's API reference whose printed numbers differ from ours) it fits with

- pyhf's defaults (scipy SLSQP, tolerance 1e-6: the numbers pyhf's docs print),
- pyhf converged (the same SLSQP with tolerance 1e-14, and iminuit with tolerance 1e-10),
- neos_swift,

and evaluates every best-fit point with pyhf's own ``-2 * model.logpdf``: the smaller twice NLL is the better fit
of the same likelihood. Then the derived quantity (q0, q̃μ, CLs, the upper limit) from each. Nothing here is a
test; the output is what docs/pyhf-compatibility.md quotes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import neos_swift
import numpy as np
import pyhf

SIGNAL, BACKGROUND, UNCERTAINTY = [12.0, 11.0], [50.0, 52.0], [3.0, 7.0]


def models():
    reference = pyhf.simplemodels.uncorrelated_background(SIGNAL, BACKGROUND, UNCERTAINTY)
    ours = neos_swift.simplemodels.uncorrelated_background(SIGNAL, BACKGROUND, UNCERTAINTY)
    return reference, ours


def twice_nll(model, pars, data):
    return float(-2 * model.logpdf(np.asarray(pars, dtype=float), np.asarray(data, dtype=float))[0])


def configurations():
    return {
        "pyhf default": lambda: pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer()),
        "pyhf SLSQP tol 1e-14": lambda: pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-14)),
        "pyhf minuit tol 1e-10": lambda: pyhf.set_backend("numpy", pyhf.optimize.minuit_optimizer(tolerance=1e-10)),
    }


def fits(observations, poi=None):
    """Best-fit points (free, or the POI fixed at ``poi``) from each configuration and from neos_swift, with the
    twice NLL pyhf evaluates at each."""
    reference, ours = models()
    data = observations + reference.config.auxdata
    rows = []
    for name, configure in configurations().items():
        configure()
        if poi is None:
            pars = pyhf.infer.mle.fit(data, reference)
        else:
            pars = pyhf.infer.mle.fixed_poi_fit(poi, data, reference)
        rows.append((name, np.asarray(pars), twice_nll(reference, pars, data)))
    pyhf.set_backend("numpy")
    pars = neos_swift.infer.mle.fit(data, ours) if poi is None else neos_swift.infer.mle.fixed_poi_fit(poi, data, ours)
    rows.append(("neos_swift", np.asarray(pars), twice_nll(reference, pars, data)))
    return rows


def derived(observations, quantity):
    """A derived number (callable of (module, model, data)) from each configuration and from neos_swift."""
    reference, ours = models()
    data = observations + reference.config.auxdata
    values = []
    for name, configure in configurations().items():
        configure()
        values.append((name, quantity(pyhf, reference, data)))
    pyhf.set_backend("numpy")
    values.append(("neos_swift", quantity(neos_swift, ours, data)))
    return values


def q0(module, model, data):
    fit = module.infer.test_statistics.q0
    return float(
        fit(
            0.0,
            data,
            model,
            model.config.suggested_init(),
            model.config.suggested_bounds(),
            model.config.suggested_fixed(),
        )
    )


def qmu_tilde(module, model, data):
    fit = module.infer.test_statistics.qmu_tilde
    return float(
        fit(
            1.0,
            data,
            model,
            model.config.suggested_init(),
            model.config.suggested_bounds(),
            model.config.suggested_fixed(),
        )
    )


def cls(module, model, data):
    observed, expected = module.infer.hypotest(1.0, data, model, test_stat="qtilde", return_expected=True)
    return f"{float(observed):.8f}, {float(expected):.8f}"


def upper_limit(module, model, data):
    observed, _ = module.infer.intervals.upper_limits.upper_limit(data, model, np.linspace(0, 5, 21))
    return float(observed)


def upper_limit_11(module, model, data):
    observed, _ = module.infer.intervals.upper_limits.upper_limit(data, model, np.linspace(0, 5, 11))
    return float(observed)


def cls_at_grid_points(module, model, data):
    """CLs at the two scan points (μ = 1, 1.5) between which the 11-point scan's limit is interpolated."""
    values = [float(module.infer.hypotest(mu, data, model, test_stat="qtilde")) for mu in (1.0, 1.5)]
    return ", ".join(f"{value:.8f}" for value in values)


def empirical_distribution_case():
    """pyhf's tests/test_infer.py::test_emperical_distribution: q̃μ at μ = 1 on ten toys drawn by pyhf's own
    ``make_pdf(...).sample((10,))`` after ``np.random.seed(0)`` (the same numbers for every row), computed by each
    configuration. For each toy also the twice NLL, evaluated by pyhf, of pyhf's default free fit and of ours:
    where q̃μ differs, the lower twice NLL says which free fit is the better one."""
    reference, ours = models()
    np.random.seed(0)
    toys = reference.make_pdf(pyhf.tensorlib.astensor(reference.config.suggested_init())).sample((10,))
    settings = (
        reference.config.suggested_init(),
        reference.config.suggested_bounds(),
        reference.config.suggested_fixed(),
    )
    columns = {}
    for name, configure in configurations().items():
        configure()
        columns[name] = [float(pyhf.infer.test_statistics.qmu_tilde(1.0, toy, reference, *settings)) for toy in toys]
    pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer())
    default_free = [twice_nll(reference, pyhf.infer.mle.fit(toy, reference), toy) for toy in toys]
    pyhf.set_backend("numpy")
    columns["neos_swift"] = [
        float(neos_swift.infer.test_statistics.qmu_tilde(1.0, toy, ours, *settings)) for toy in toys
    ]
    our_free = [twice_nll(reference, neos_swift.infer.mle.fit(toy, ours), toy) for toy in toys]
    return columns, default_free, our_free


VALIDATION = Path(__file__).resolve().parents[1] / "Tests" / "Data" / "pyhf" / "workspaces"
# pyhf's tests/test_validation.py cases whose CLs pyhf's defaults give differently from ours: (workspace, μ, test
# statistic). pyhf's test builds each model with modifier_settings={"normsys": {"interpcode": "code1"}}.
VALIDATION_CASES = [
    ("validation_1bin_shapesys.json", 1.0, "q"),
    ("validation_1bin_shapesys_q0.json", 0.0, "q0"),
    ("validation_1bin_lumi.json", 1.0, "q"),
    ("validation_1bin_normsys.json", 1.0, "q"),
    ("validation_2bin_2channel.json", 1.0, "q"),
    ("validation_2bin_2channel_couplednorm.json", 1.0, "q"),
    ("validation_2bin_2channel_coupledhistosys.json", 1.0, "q"),
]
SETTINGS = {"normsys": {"interpcode": "code1"}}


def validation_case(name, mu, test_stat):
    """CLs (or p0) and the twice NLLs, evaluated by pyhf, of the fits behind it: pyhf's defaults, pyhf converged,
    neos_swift. The fits are the free fit and the fit with the POI fixed at the tested value (at 0 for q0), on the
    observed data."""
    spec = json.loads((VALIDATION / name).read_text())
    reference_ws = pyhf.Workspace(spec)
    reference = reference_ws.model(modifier_settings=SETTINGS)
    data = np.asarray(reference_ws.data(reference), dtype=float)
    ours = neos_swift.Workspace(spec).model(modifier_settings=SETTINGS)
    rows = []

    def run(module, model):
        result = module.infer.hypotest(mu, data, model, test_stat=test_stat, return_expected_set=True)
        free = module.infer.mle.fit(data, model)
        fixed = module.infer.mle.fixed_poi_fit(mu, data, model)
        observed, band = float(result[0]), ", ".join(f"{float(value):.6g}" for value in result[1])
        return f"{observed:.10g} [{band}]", twice_nll(reference, free, data), twice_nll(reference, fixed, data)

    for label, configure in configurations().items():
        configure()
        rows.append((label, *run(pyhf, reference)))
    pyhf.set_backend("numpy")
    rows.append(("neos_swift", *run(neos_swift, ours)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    print(f"pyhf {pyhf.__version__}, neos_swift {neos_swift.__version__}")
    cases = [
        ("free fit, n = [51, 48] (mle.fit)", [51, 48], None),
        ("μ = 1 fit, n = [51, 48] (mle.fixed_poi_fit, generate_asimov_data)", [51, 48], 1.0),
        ("free fit, n = [60, 65] (q0)", [60, 65], None),
        ("μ = 0 fit, n = [60, 65] (q0)", [60, 65], 0.0),
    ]
    for title, observations, poi in cases:
        print(f"\n### {title}\n")
        print("| fit | best-fit parameters | twice NLL (pyhf's logpdf) |")
        print("|---|---|--:|")
        for name, pars, value in fits(observations, poi):
            print(f"| {name} | {np.array2string(pars, precision=8)} | {value:.10f} |")
    for title, observations, quantity in [
        ("q0 at n = [60, 65]", [60, 65], q0),
        ("q̃μ at μ = 1, n = [51, 48]", [51, 48], qmu_tilde),
        ("CLs observed, expected at μ = 1, n = [51, 48] (README)", [51, 48], cls),
        ("observed upper limit, linear scan 0–5 (21 points), n = [51, 48]", [51, 48], upper_limit),
        (
            "observed upper limit, linear scan 0–5 (11 points), n = [51, 48] (tests/test_infer.py)",
            [51, 48],
            upper_limit_11,
        ),
        ("CLs at μ = 1 and 1.5, n = [51, 48] (the 11-point scan's bracket)", [51, 48], cls_at_grid_points),
    ]:
        print(f"\n### {title}\n")
        print("| fit | value |")
        print("|---|--:|")
        for name, value in derived(observations, quantity):
            print(f"| {name} | {value if isinstance(value, str) else f'{value:.8f}'} |")
    columns, default_free, our_free = empirical_distribution_case()
    print("\n### tests/test_infer.py::test_emperical_distribution: q̃μ at μ = 1 on pyhf's ten seeded toys\n")
    print("| toy | " + " | ".join(columns) + " | twice NLL, free fit: pyhf default | ours |")
    print("|--:|" + "--:|" * (len(columns) + 2))
    for toy in range(len(our_free)):
        values = " | ".join(f"{column[toy]:.10g}" for column in columns.values())
        print(f"| {toy} | {values} | {default_free[toy]:.10f} | {our_free[toy]:.10f} |")
    for name, mu, test_stat in VALIDATION_CASES:
        print(f"\n### tests/test_validation.py: {name}, {test_stat} at μ = {mu:g}\n")
        print("| fit | CLs [expected band] (p-values for q0) | twice NLL, free fit | twice NLL, μ fixed |")
        print("|---|--:|--:|--:|")
        for label, value, free, fixed in validation_case(name, mu, test_stat):
            print(f"| {label} | {value} | {free:.10f} | {fixed:.10f} |")


if __name__ == "__main__":
    main()
