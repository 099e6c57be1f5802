"""Writes data/pyhf_converged.json: pyhf 0.7.6's hypotest results with its fits converged (jax backend, exact
gradients, SLSQP tolerance 1e-14) for every pinned reference case.

pyhf's pinned numbers come from the numpy backend's SLSQP, which stops at ftol 1e-6 with finite-difference
gradients; its CLs then carry errors up to ~5e-5 relative. These converged numbers are what pyhf itself gives
when its optimiser is allowed to finish. Run with a venv holding pyhf 0.7.6 and jax:
    python python/tests/make_pyhf_converged_reference.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pyhf

HERE = Path(__file__).resolve().parent
REFDATA = HERE.parents[2] / "Tests" / "Data" / "pyhf"


def load(path):
    return json.loads((REFDATA / path).read_text())


def cases():
    validation = load("expected_results_validation.json")
    for name, case in validation.items():
        if case.get("calctype") == "asymptotics":
            yield (
                name,
                case["workspace"],
                dict(modifier_settings=case["modifier_settings"]),
                case["test_poi"],
                case["test_stat"],
            )
    yield "shapesys_nuisparfilter_ROOTref", "workspaces/shapesys_nuisparfilter_ROOTref.json", {}, 1.0, "qtilde"
    for region, patch in [
        ("RegionA", "sbottom_1300_205_60"),
        ("RegionA", "sbottom_1400_950_60"),
        ("RegionA", "sbottom_1500_850_60"),
        ("RegionB", "sbottom_1400_550_60"),
        ("RegionC", "sbottom_1600_850_60"),
    ]:
        yield (
            f"{region}/{patch}",
            f"sbottom_ins1748602/{region}/BkgOnly.json",
            dict(patches=[load(f"sbottom_ins1748602/{region}/patch.{patch}.json")]),
            1.0,
            "qtilde",
        )
    for name, case in load("expected_results_xml_converted_pyhf076.json").items():
        for measurement, reference in case.get("measurements", {}).items():
            if "error" in reference:  # pyhf refuses it (xmlimport_DataDriven); tested on its own
                continue
            yield (
                f"{name}/{measurement}",
                case["workspace"],
                dict(measurement_name=measurement),
                reference["test_poi"],
                reference["test_stat"],
            )


def main():
    results = {}
    for name, path, model_kwargs, poi, test_stat in cases():
        # SLSQP occasionally reports "Inequality constraints incompatible" at the tightest tolerance; then the
        # next one is used and recorded.
        for tolerance in (1e-14, 1e-12, 1e-10):
            pyhf.set_backend("jax", pyhf.optimize.scipy_optimizer(tolerance=tolerance))
            workspace = pyhf.Workspace(load(path))
            model = workspace.model(**model_kwargs)
            try:
                observed, expected = pyhf.infer.hypotest(
                    poi, workspace.data(model), model, test_stat=test_stat, return_expected_set=True
                )
            except pyhf.exceptions.FailedMinimization:
                continue
            break
        results[name] = {
            "obs": float(observed),
            "exp": [float(value) for value in expected],
            "slsqp_tolerance": tolerance,
        }
        print(name, results[name], flush=True)
    (HERE / "data" / "pyhf_converged.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
