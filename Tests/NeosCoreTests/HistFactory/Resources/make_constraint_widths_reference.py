#!/usr/bin/env python3
"""Writes constraint_widths_pyhf076.json (this folder): what pyhf 0.7.6's parameter sets report about their
constraints, for every model of Tests/Data/pyhf and this folder's every_modifier_spec.json, used by
Tests/NeosCoreTests/HistFactory/Model/ConstraintWidthsTests.swift.

Run with a venv that has pyhf 0.7.6 (e.g. /work/main/.venv):
    python Tests/NeosCoreTests/HistFactory/Resources/make_constraint_widths_reference.py

Each case is a model spec (a workspace's channels and its first measurement's parameter configs) built without a
POI (the widths do not depend on it), or a spec stored inline ("spec") for configurations no reference file has
(measurement-set staterror sigmas, shapesys factors and auxdata, and a model whose uncertainties are
doubled, for Model.withInputs). For each parameter set, in par_order: its
pdf_type ("normal", "poisson" or null for unconstrained sets), its "sigmas" (null when pyhf's set has no such
attribute: normsys, histosys, lumi without configured sigmas) and its "factors" (Poisson sets).
"""

import copy
import json
import os

import pyhf

HERE = os.path.dirname(os.path.abspath(__file__))
REFDATA = os.path.abspath(os.path.join(HERE, "..", "..", "..", "Data", "pyhf"))
OUT = os.path.join(HERE, "constraint_widths_pyhf076.json")


def model_spec(document):
    if "measurements" not in document:
        return document
    return {"channels": document["channels"], "parameters": document["measurements"][0]["config"]["parameters"]}


def describe(model):
    sets = []
    for name in model.config.par_order:
        paramset = model.config.param_set(name)
        sets.append(
            {
                "name": name,
                "pdf_type": getattr(paramset, "pdf_type", None),
                "sigmas": [float(v) for v in paramset.sigmas] if hasattr(paramset, "sigmas") else None,
                "factors": [float(v) for v in paramset.factors] if hasattr(paramset, "factors") else None,
            }
        )
    return sets


def inline_cases():
    """Specs whose measurement config replaces input-derived constraint numbers."""
    with open(os.path.join(HERE, "every_modifier_spec.json")) as f:
        base = json.load(f)
    shapesys = {
        "channels": [
            {
                "name": "c",
                "samples": [
                    {
                        "name": "s",
                        "data": [2.0, 1.0, 1.0],
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {
                        "name": "b",
                        "data": [100.0, 0.0, 70.0],
                        "modifiers": [
                            {"name": "sys", "type": "shapesys", "data": [10.0, 1.0, 7.0]},
                            {"name": "stat", "type": "staterror", "data": [3.0, 0.0, 2.0]},
                        ],
                    },
                ],
            }
        ]
    }
    configured = copy.deepcopy(shapesys)
    configured["parameters"] = [
        {"name": "sys", "factors": [4.0, 9.0, 16.0]},
        {"name": "stat", "sigmas": [0.5, 0.25, 0.125]},
    ]
    auxdata_only = copy.deepcopy(shapesys)
    auxdata_only["parameters"] = [{"name": "sys", "auxdata": [90.0, 1.0, 95.0]}]
    # The same model with every staterror and shapesys uncertainty doubled: what Model.withInputs must reproduce.
    doubled = copy.deepcopy(shapesys)
    for modifier in doubled["channels"][0]["samples"][1]["modifiers"]:
        modifier["data"] = [2 * value for value in modifier["data"]]
    lumi_default_sigma = copy.deepcopy(base)
    lumi_default_sigma["parameters"] = [
        {k: v for k, v in p.items() if k != "sigmas"} for p in base.get("parameters", [])
    ]
    return [
        ("inline_shapesys_staterror_vanishing_bins", shapesys),
        ("inline_shapesys_staterror_doubled_uncertainties", doubled),
        ("inline_configured_factors_and_sigmas", configured),
        ("inline_configured_shapesys_auxdata", auxdata_only),
        ("inline_every_modifier_lumi_without_sigmas", lumi_default_sigma),
    ]


def main():
    assert pyhf.__version__ == "0.7.6", pyhf.__version__
    pyhf.set_backend("numpy", precision="64b")
    files = [f"workspaces/{n}" for n in sorted(os.listdir(os.path.join(REFDATA, "workspaces")))]
    files += [f"xml_converted/{n}" for n in sorted(os.listdir(os.path.join(REFDATA, "xml_converted")))]
    files += [
        "docs_examples/2-bin_1-channel.json",
        "validation_misc/xmlimport_input_bkg.json",
        "tests_data/test_export__workspace_integer_data.json",
        "tests_data/test_modifiers__issue1720_greedy_staterror.json",
        "tests_data/test_modifiers__spec.json",
        "tests_data/test_workspace__poiless.json",
        "tests_data/test_patchset__example_bkgonly.json",
        "sbottom_ins1748602/RegionA/BkgOnly.json",
        "sbottom_ins1748602/RegionB/BkgOnly.json",
        "sbottom_ins1748602/RegionC/BkgOnly.json",
    ]
    cases = []
    for path in files:
        with open(os.path.join(REFDATA, path)) as f:
            spec = model_spec(json.load(f))
        cases.append({"name": path, "file": path, "sets": describe(pyhf.Model(spec, poi_name=None))})
    with open(os.path.join(HERE, "every_modifier_spec.json")) as f:
        spec = json.load(f)
    cases.append(
        {
            "name": "every_modifier_spec",
            "file": "tests:every_modifier_spec.json",
            "sets": describe(pyhf.Model(spec, poi_name=None)),
        }
    )
    for name, spec in inline_cases():
        cases.append({"name": name, "spec": spec, "sets": describe(pyhf.Model(copy.deepcopy(spec), poi_name=None))})
    with open(OUT, "w") as f:
        json.dump({"pyhf": pyhf.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
