#!/usr/bin/env python3
"""Writes Resources/pyhf_reference.json: pyhf 0.7.6 (numpy backend) reference numbers for every workspace in
Tests/Data/pyhf, used by PyhfReferenceTests.swift.

Run with the reference venv:  /tmp/refvenv/bin/python Tests/NeosCoreTests/HistFactory/make_pyhf_reference.py

For each case it stores the model configuration (par_order, par_names, suggested init/bounds/fixed, auxdata,
channels, samples, observed data) and, at the suggested init and at a few seeded random in-bounds points,
expected_data (with auxdata) and logpdf(pars, observed data).

Cases and modifier_settings ("settings" in the JSON; null = pyhf defaults normsys code4 / histosys code4p):
- workspaces/*.json: defaults and {"histosys": code2} (normsys falls back to code1); validation_* also with
  {"normsys": code1, "histosys": code0}, the settings of pyhf's validation suite (refdata README).
- xml_converted/*.json: defaults, code1/code0 and code4/code4p. xmlimport_DataDriven.json is recorded as an error
  (its POI bounds [0.2, 1.5] exclude 0, so pyhf refuses hypotest's background-only fit); it and
  tests_data issue1720 (POI = a shapesys gamma with bounds [1e-10, 10]) are also checked as POI-less specs.
- docs_examples, validation_misc/xmlimport_input_bkg.json, tests_data workspaces and the patchset pair: defaults.
- sbottom RegionA/B/C BkgOnly (an error: the POI mu_SIG only exists with a signal patch; RegionA also as a
  POI-less spec) and BkgOnly + each stored patch: defaults, one random point each.
- Resources/every_modifier_spec.json (this folder): all six code combinations and defaults.
validation_data/*.json are histogram tables (binning/bindata), not workspaces or specs, so they are not used.
Paths are relative to the refdata folder ("tests:" = this folder).
"""

import json
import math
import os
import sys

import numpy as np
import pyhf

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
REFDATA = os.environ.get("NEOS_REFDATA", os.path.join(REPO, "Tests", "Data", "pyhf"))
OUT = os.path.join(HERE, "Resources", "pyhf_reference.json")

VALIDATION_SETTINGS = {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}}
CODE2_SETTINGS = {"histosys": {"interpcode": "code2"}}  # normsys falls back to code1 (pyhf quirk)
CODE4_4P_SETTINGS = {"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}}


def load(path):
    full = os.path.join(HERE, path[len("tests:") :]) if path.startswith("tests:") else os.path.join(REFDATA, path)
    with open(full) as f:
        return json.load(f)


def points(model, rng, count):
    init = np.asarray(model.config.suggested_init(), dtype=float)
    bounds = np.asarray(model.config.suggested_bounds(), dtype=float)
    result = [init.tolist()]
    for _ in range(count):
        scale = np.minimum(1.2, 0.25 * (bounds[:, 1] - bounds[:, 0]))
        x = init + rng.uniform(-1.0, 1.0, size=init.shape) * scale
        x = np.clip(x, bounds[:, 0], bounds[:, 1])
        result.append(x.tolist())
    return result


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def describe(case, model, data, rng, npoints, store_expected=True):
    cfg = model.config
    case.update(
        poi=cfg.poi_name,
        par_order=list(cfg.par_order),
        par_names=list(cfg.par_names),
        init=[float(v) for v in cfg.suggested_init()],
        bounds=[[float(a), float(b)] for a, b in cfg.suggested_bounds()],
        fixed=[bool(v) for v in cfg.suggested_fixed()],
        auxdata=[float(v) for v in cfg.auxdata],
        channels=list(cfg.channels),
        samples=list(cfg.samples),
        data=[float(v) for v in data],
    )
    case["points"] = []
    for pars in points(model, rng, npoints):
        p = np.asarray(pars)
        entry = {"pars": pars, "logpdf": num(model.logpdf(p, np.asarray(data))[0])}
        if store_expected:
            entry["expected_data"] = [num(v) for v in model.expected_data(p)]
        case["points"].append(entry)
    return case


def workspace_case(cases, rng, name, path, settings=None, patches=(), npoints=3, store_expected=True):
    spec = load(path)
    ws = pyhf.Workspace(spec)
    patch_docs = [load(p) if isinstance(p, str) else p["doc"] for p in patches]
    kwargs = {}
    if settings is not None:
        kwargs["modifier_settings"] = settings
    case = {
        "name": name,
        "kind": "workspace",
        "file": path,
        "patches": [p if isinstance(p, str) else p["ref"] for p in patches],
        "settings": settings,
    }
    try:
        model = ws.model(patches=patch_docs, **kwargs)
        init = np.asarray(model.config.suggested_init())
        bounds = np.asarray(model.config.suggested_bounds())
        if np.any(init < bounds[:, 0]) or np.any(init > bounds[:, 1]):
            raise ValueError("init outside bounds (pyhf refuses this at fit time)")
        poi = model.config.poi_index
        if poi is not None and not (bounds[poi][0] <= 0.0 <= bounds[poi][1]):
            # hypotest's background-only fits fix the POI at 0: pyhf refuses that init (ValueError)
            pyhf.infer.mle.fixed_poi_fit(0.0, ws.data(model), model)
    except Exception as error:  # noqa: BLE001
        case["error"] = f"{type(error).__name__}: {error}"
        cases.append(case)
        return
    cases.append(describe(case, model, ws.data(model), rng, npoints, store_expected))


def spec_case(cases, rng, name, path, settings=None, poi="mu"):
    spec = load(path)
    if "measurements" in spec:  # a workspace used as a model spec without its POI
        spec = {"channels": spec["channels"], "parameters": spec["measurements"][0]["config"]["parameters"]}
    kwargs = {"poi_name": poi}
    if settings is not None:
        kwargs["modifier_settings"] = settings
    model = pyhf.Model(spec, **kwargs)
    data = model.expected_data(model.config.suggested_init())
    case = {"name": name, "kind": "spec", "file": path, "patches": [], "settings": settings, "poi_request": poi}
    cases.append(describe(case, model, data, rng, 1 if "sbottom" in path else 3))


def main():
    assert pyhf.__version__ == "0.7.6", pyhf.__version__
    pyhf.set_backend("numpy")
    rng = np.random.default_rng(20240601)
    cases = []
    for fname in sorted(os.listdir(os.path.join(REFDATA, "workspaces"))):
        path = f"workspaces/{fname}"
        base = fname[:-5]
        if fname.startswith("validation_"):
            workspace_case(cases, rng, base + "+validation", path, VALIDATION_SETTINGS)
        workspace_case(cases, rng, base, path)
        workspace_case(cases, rng, base + "+code2", path, CODE2_SETTINGS)
    for fname in sorted(os.listdir(os.path.join(REFDATA, "xml_converted"))):
        base = "xml_" + fname[:-5]
        workspace_case(cases, rng, base, f"xml_converted/{fname}")
        if fname != "xmlimport_DataDriven.json":
            workspace_case(cases, rng, base + "+code1code0", f"xml_converted/{fname}", VALIDATION_SETTINGS)
            workspace_case(cases, rng, base + "+code4code4p", f"xml_converted/{fname}", CODE4_4P_SETTINGS)
    workspace_case(cases, rng, "docs_2-bin_1-channel", "docs_examples/2-bin_1-channel.json")
    workspace_case(cases, rng, "xmlimport_input_bkg", "validation_misc/xmlimport_input_bkg.json")
    for fname in [
        "test_export__workspace_integer_data.json",
        "test_modifiers__issue1720_greedy_staterror.json",
        "test_workspace__poiless.json",
        "test_patchset__example_bkgonly.json",
    ]:
        workspace_case(cases, rng, "tests_" + fname[:-5], f"tests_data/{fname}")
    patchset = load("tests_data/test_patchset__example_patchset.json")
    for patch in patchset["patches"]:
        ref = {"patchset": "tests_data/test_patchset__example_patchset.json", "name": patch["metadata"]["name"]}
        workspace_case(
            cases,
            rng,
            "tests_patchset_" + patch["metadata"]["name"],
            "tests_data/test_patchset__example_bkgonly.json",
            patches=[{"ref": ref, "doc": patch["patch"]}],
        )
    spec_case(cases, rng, "tests_modifiers_spec", "tests_data/test_modifiers__spec.json")
    # this test folder's own spec with every modifier type, under every interpolation-code combination
    for normsys in ["code1", "code4"]:
        for histosys in ["code0", "code2", "code4p"]:
            spec_case(
                cases,
                rng,
                f"every_modifier_{normsys}_{histosys}",
                "tests:Resources/every_modifier_spec.json",
                {"normsys": {"interpcode": normsys}, "histosys": {"interpcode": histosys}},
            )
    spec_case(cases, rng, "every_modifier_defaults", "tests:Resources/every_modifier_spec.json")
    # refused as workspaces (their POI bounds exclude 0), still checked numerically as POI-less model specs
    spec_case(cases, rng, "xml_xmlimport_DataDriven_nopoi", "xml_converted/xmlimport_DataDriven.json", poi=None)
    spec_case(
        cases,
        rng,
        "tests_issue1720_greedy_staterror_nopoi",
        "tests_data/test_modifiers__issue1720_greedy_staterror.json",
        poi=None,
    )
    for region in ["RegionA", "RegionB", "RegionC"]:
        folder = f"sbottom_ins1748602/{region}"
        bkg = f"{folder}/BkgOnly.json"
        workspace_case(cases, rng, f"sbottom_{region}_BkgOnly", bkg, npoints=1)
        if region == "RegionA":
            spec_case(cases, rng, f"sbottom_{region}_BkgOnly_nopoi", bkg, poi=None)
        for fname in sorted(os.listdir(os.path.join(REFDATA, folder))):
            if fname.startswith("patch."):
                workspace_case(
                    cases, rng, f"sbottom_{region}_{fname[6:-5]}", bkg, patches=[f"{folder}/{fname}"], npoints=1
                )
    with open(OUT, "w") as f:
        json.dump({"pyhf_version": pyhf.__version__, "cases": cases}, f, separators=(",", ":"))
    print(f"wrote {len(cases)} cases to {OUT} ({os.path.getsize(OUT)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
