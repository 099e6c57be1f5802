"""neos_swift's HistFactory models against pyhf 0.7.6 (numpy backend, float64), quantity by quantity.

(a) every reference workspace under REFDATA (see its README): the validation workspaces with the settings recorded
    in expected_results_validation.json, the XML-converted workspaces (every measurement), the docs example,
    the test-data workspaces and patchset, the ATLAS sbottom likelihoods with each signal patch (files that are not
    workspaces, such as pyhf's raw validation histograms, have nothing to compare and are not parametrized);
(b) a property test over random workspaces (workspaces.random_workspace; NEOS_PROPERTY_CASES, default 200);
(c) simplemodels.uncorrelated_background / correlated_background.

What is compared, and the tolerances, are in pyhf_oracle.py.
"""

from __future__ import annotations

import functools
import json
import os
import zlib

import neos_swift
import numpy as np
import pyhf
import pyhf_oracle as oracle
import pytest
from conftest import REFDATA
from workspaces import random_patch, random_workspace

VALIDATION_SETTINGS = {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}}
PROPERTY_CASES = int(os.environ.get("NEOS_PROPERTY_CASES", "200"))
# Random workspaces additionally compared with a jsonpatch applied: every PATCHED_EVERY-th seed.
PATCHED_EVERY = 10


def case_rng(name):
    """A generator seeded by the case name, so that a failing case replays with the same points."""
    return np.random.default_rng(zlib.crc32(name.encode()))


@functools.cache
def _load_text(path):
    return (REFDATA / path).read_text()


def load(path):
    """A fresh copy of a refdata JSON document (parsed once, copied per use so no test can alter another's)."""
    return json.loads(_load_text(path))


@functools.cache
def pyhf_workspace(path):
    """One pyhf.Workspace per file for the whole module (the sbottom ones are large)."""
    return pyhf.Workspace(load(path))


def settings_label(settings):
    if settings is None:
        return "defaults"
    if not settings:
        return "empty-settings"
    return "+".join(f"{kind}-{value['interpcode']}" for kind, value in sorted(settings.items()))


def classify(document):
    """('workspace' | 'patchset' | 'modelspec', None) or ('skip', reason)."""
    if isinstance(document, list):
        return "skip", "jsonpatch-array-not-a-workspace"
    keys = set(document)
    if {"channels", "observations", "measurements", "version"} <= keys:
        return "workspace", None
    if {"patches", "metadata", "version"} <= keys:
        return "patchset", None
    if keys == {"channels"} and isinstance(document["channels"], list):
        return "modelspec", None
    if {"binning", "bindata"} <= keys:
        return "skip", "pyhf-validation-source-histograms(binning+bindata)-not-a-workspace"
    if keys == {"channels"} and isinstance(document["channels"], dict):
        return "skip", "pyhf-validation-source-histograms(channels-dict-of-binning+bindata)-not-a-workspace"
    return "skip", f"not-a-workspace(keys:{','.join(sorted(keys))})"


# ---------------------------------------------------------------------------------------------------------------
# (a) reference workspaces


def _validation_settings_by_workspace():
    """workspace path -> list of modifier_settings used for it in expected_results_validation.json."""
    expected = load("expected_results_validation.json")
    result = {}
    for case in expected.values():
        settings = case.get("modifier_settings")
        if isinstance(settings, str):  # "defaults (normsys code4, histosys code4p)"
            assert settings.startswith("defaults"), settings
            settings = None
        result.setdefault(case["workspace"], [])
        if settings not in result[case["workspace"]]:
            result[case["workspace"]].append(settings)
    return result


def _reference_cases():
    """pytest.param(kind, path, measurement_name, modifier_settings, patch_name) for every reference file."""
    cases = []
    validation_settings = _validation_settings_by_workspace()

    def add_workspace(path, settings_list):
        document = load(path)
        for measurement in document["measurements"]:
            for settings in settings_list:
                case_id = f"{path}-{measurement['name']}-{settings_label(settings)}"
                cases.append(pytest.param("workspace", path, measurement["name"], settings, None, id=case_id))

    for file in sorted((REFDATA / "workspaces").glob("*.json")):
        path = f"workspaces/{file.name}"
        if file.name.startswith("validation_"):
            settings_list = validation_settings.get(path)
            assert settings_list, f"{path} is not described in expected_results_validation.json"
            assert VALIDATION_SETTINGS in settings_list
        else:
            settings_list = validation_settings.get(path, [None])
        add_workspace(path, settings_list)

    for file in sorted((REFDATA / "xml_converted").glob("*.json")):
        # xmlimport_DataDriven builds fine in pyhf (its inits are inside their bounds) and is compared here too;
        # its refusal (the POI's bounds exclude the background-only value 0) is tested separately below.
        add_workspace(f"xml_converted/{file.name}", [None])

    for folder in ("docs_examples", "validation_data", "validation_misc", "tests_data"):
        for file in sorted((REFDATA / folder).glob("*.json")):
            path = f"{folder}/{file.name}"
            kind, reason = classify(load(path))
            if kind == "workspace":
                add_workspace(path, [None])
            elif kind == "modelspec":
                cases.append(pytest.param("modelspec", path, None, None, None, id=f"{path}-modelspec-as-workspace"))
            elif kind == "patchset":
                bkgonly = path.replace("example_patchset", "example_bkgonly")
                assert (REFDATA / bkgonly).exists(), f"no background-only workspace for {path}"
                for patch in load(path)["patches"]:
                    name = patch["metadata"]["name"]
                    cases.append(
                        pytest.param("patchset", bkgonly, None, None, (path, name), id=f"{bkgonly}+{path}:{name}")
                    )
            # Anything else is not a workspace (pyhf's raw validation histograms, result tables): nothing to
            # compare. test_every_reference_folder_is_covered checks that no folder is left out.

    for region in sorted((REFDATA / "sbottom_ins1748602").glob("Region*")):
        bkgonly = f"sbottom_ins1748602/{region.name}/BkgOnly.json"
        for patch_file in sorted(region.glob("patch.*.json")):
            patch_path = f"sbottom_ins1748602/{region.name}/{patch_file.name}"
            cases.append(
                pytest.param(
                    "sbottom",
                    bkgonly,
                    None,
                    None,
                    patch_path,
                    id=f"sbottom-{region.name}-{patch_file.stem.removeprefix('patch.')}",
                )
            )
    return cases


REFERENCE_CASES = _reference_cases()


def _patches_for(patch_path):
    """The patch file as a list of patches for Workspace.model: a plain jsonpatch array is one patch; a pyhf
    patchset contributes each of its patches' operation lists."""
    document = load(patch_path)
    if isinstance(document, list):
        return [document]
    assert classify(document)[0] == "patchset", patch_path
    return [patch["patch"] for patch in document["patches"]]


@pytest.mark.parametrize("kind,path,measurement,settings,patch", REFERENCE_CASES)
def test_reference_workspace(request, kind, path, measurement, settings, patch):
    rng = case_rng(request.node.callspec.id)
    if kind == "workspace":
        oracle.compare_workspace(
            load(path),
            rng,
            measurement_name=measurement,
            modifier_settings=settings,
            pyhf_workspace=pyhf_workspace(path),
        )
    elif kind == "modelspec":
        spec = oracle.workspace_from_model_spec(load(path))
        # the wrapper is only a container: it must give exactly pyhf.Model(spec)'s configuration
        direct = pyhf.Model(load(path))
        _, wrapped = oracle.build_pyhf(spec)
        assert wrapped.config.par_names == direct.config.par_names
        assert wrapped.config.suggested_init() == direct.config.suggested_init()
        oracle.compare_workspace(spec, rng)
    elif kind == "patchset":
        patchset_path, name = patch
        pyhf_patch = pyhf.PatchSet(load(patchset_path))[name]
        # pyhf.patchset.Patch objects go to both sides (neos_swift takes anything with .patch)
        oracle.compare_workspace(load(path), rng, patches=[pyhf_patch], pyhf_workspace=pyhf_workspace(path))
    elif kind == "sbottom":
        oracle.compare_workspace(load(path), rng, patches=_patches_for(patch), pyhf_workspace=pyhf_workspace(path))
    else:  # pragma: no cover - skipped cases never run
        raise AssertionError(kind)


def test_every_reference_folder_is_covered():
    """No folder of REFDATA is silently left out of the cases above."""
    covered = {
        "workspaces",
        "xml_converted",
        "docs_examples",
        "validation_data",
        "validation_misc",
        "tests_data",
        "sbottom_ins1748602",
        "schemas_1.0.0",
    }
    folders = {p.name for p in REFDATA.iterdir() if p.is_dir()}
    assert folders <= covered, f"new refdata folders not covered: {sorted(folders - covered)}"
    ids = [case.id for case in REFERENCE_CASES]
    assert len(ids) == len(set(ids))
    runnable = [case for case in REFERENCE_CASES if not case.marks]
    assert len(runnable) >= 40, len(runnable)


PINNED_KEYS = ("par_order", "par_names", "channels_order", "auxdata", "full_data_vector")


def _validation_pinned_cases():
    cases = []
    for name, case in sorted(load("expected_results_validation.json").items()):
        if all(key in case for key in PINNED_KEYS):
            cases.append(pytest.param(name, id=name))
        # Toy and ROOT-reference entries record results only; their workspaces are compared above.
    return cases


@pytest.mark.parametrize("name", _validation_pinned_cases())
def test_validation_pinned_configuration(name):
    """neos_swift against the configuration pinned in expected_results_validation.json (pyhf 0.7.6's values)."""
    case = load("expected_results_validation.json")[name]
    settings = case.get("modifier_settings")
    settings = None if isinstance(settings, str) else settings
    ws, model = oracle.build_neos(load(case["workspace"]), modifier_settings=settings)
    assert list(model.config.par_order) == case["par_order"]
    assert list(model.config.par_names) == case["par_names"]
    assert list(model.config.channels) == case["channels_order"]
    oracle.assert_close(model.config.auxdata, case["auxdata"], "auxdata")
    oracle.assert_close(ws.data(model), case["full_data_vector"], "data")
    if isinstance(case["suggested_init"], list):
        oracle.assert_close(model.config.suggested_init(), case["suggested_init"], "suggested_init")
    if isinstance(case["suggested_bounds"], list):
        oracle.assert_close(
            np.asarray(model.config.suggested_bounds(), dtype=float).reshape(-1, 2),
            np.asarray(case["suggested_bounds"], dtype=float),
            "suggested_bounds",
        )


def _xml_measurements():
    expected = load("expected_results_xml_converted_pyhf076.json")
    cases = []
    for name, entry in sorted(expected.items()):
        if "workspace" not in entry:  # the XML could not be converted (recorded as an error): nothing to compare
            continue
        for measurement, result in sorted(entry["measurements"].items()):
            if "par_names" in result:
                cases.append(pytest.param(name, measurement, id=f"{name}-{measurement}"))
            # Otherwise only pyhf's refusal is recorded (xmlimport_DataDriven): see test_datadriven_is_refused.
    return cases


@pytest.mark.parametrize("name,measurement", _xml_measurements())
def test_xml_converted_pinned_configuration(name, measurement):
    """par_names, npars and fixed flags against expected_results_xml_converted_pyhf076.json."""
    entry = load("expected_results_xml_converted_pyhf076.json")[name]
    result = entry["measurements"][measurement]
    _, model = oracle.build_neos(load(entry["workspace"]), measurement_name=measurement)
    assert list(model.config.par_names) == result["par_names"]
    assert model.config.npars == result["npars"]
    assert [bool(x) for x in model.config.suggested_fixed()] == result["fixed"]


def test_datadriven_is_refused():
    """xmlimport_DataDriven: the POI SigXsecOverSM has bounds [0.2, 1.5], so the background-only fit (POI = 0) of
    an asymptotic hypotest starts outside its bounds. pyhf refuses it (ValueError from the fit); neos_swift must
    refuse it too, with ModelError or InvalidArgument naming the parameter, either when building the model or
    at the hypotest. (pyhf itself builds the model; test_reference_workspace compares that model.)"""
    path = "xml_converted/xmlimport_DataDriven.json"
    pws, pmodel = oracle.build_pyhf(load(path))
    assert pmodel.config.suggested_bounds()[pmodel.config.poi_index] == [0.2, 1.5]
    with pytest.raises(ValueError, match="outside of its bounds"):
        pyhf.infer.hypotest(1.0, pws.data(pmodel), pmodel, test_stat="qtilde")
    with pytest.raises((neos_swift.ModelError, neos_swift.InvalidArgument)) as raised:
        nws, nmodel = oracle.build_neos(load(path))
        neos_swift.infer.hypotest(1.0, nws.data(nmodel), nmodel, test_stat="qtilde")
    assert "SigXsecOverSM" in str(raised.value), str(raised.value)


@pytest.mark.parametrize("region", ["RegionA", "RegionB", "RegionC"])
def test_sbottom_background_only_has_no_poi(region):
    """The background-only sbottom workspaces name the POI mu_SIG, which only the signal patches add: pyhf refuses
    the unpatched model, and so must neos_swift (a NeosError naming mu_SIG)."""
    path = f"sbottom_ins1748602/{region}/BkgOnly.json"
    with pytest.raises(pyhf.exceptions.InvalidModel, match="mu_SIG"):
        oracle.build_pyhf(pyhf_workspace(path))
    with pytest.raises(neos_swift.NeosError) as raised:
        oracle.build_neos(load(path))
    assert "mu_SIG" in str(raised.value), str(raised.value)


# ---------------------------------------------------------------------------------------------------------------
# (b) property test: random workspaces


@pytest.mark.parametrize("seed", range(PROPERTY_CASES), ids=lambda seed: f"seed{seed}")
def test_random_workspace(seed):
    spec, settings = random_workspace(seed)
    rng = case_rng(f"random-{seed}")
    for measurement in spec["measurements"]:
        name = None if measurement is spec["measurements"][0] else measurement["name"]
        oracle.compare_workspace(spec, rng, measurement_name=name, modifier_settings=settings, guaranteed_positive=True)


@pytest.mark.parametrize("seed", range(0, PROPERTY_CASES, PATCHED_EVERY), ids=lambda seed: f"seed{seed}")
def test_random_workspace_patched(seed):
    spec, settings = random_workspace(seed)
    rng = case_rng(f"random-patched-{seed}")
    patches = [random_patch(spec, rng)]
    if seed % (2 * PATCHED_EVERY) == 0:
        added = [op["value"]["name"] for op in patches[0]]
        patches.append(random_patch(spec, rng, avoid=added))  # two patches, applied in order
    oracle.compare_workspace(spec, rng, modifier_settings=settings, patches=patches, guaranteed_positive=True)


def test_random_workspace_is_deterministic():
    assert random_workspace(3) == random_workspace(3)
    assert random_workspace(3) != random_workspace(4)


# ---------------------------------------------------------------------------------------------------------------
# (c) simplemodels


def _compare_simplemodel(pyhf_model, neos_model, observed, name):
    data = np.concatenate([np.asarray(observed, dtype=float), np.asarray(pyhf_model.config.auxdata, dtype=float)])
    oracle.compare_config(pyhf_model, neos_model)
    points = oracle.finite_points(pyhf_model, data, case_rng(name))
    oracle.compare_values(pyhf_model, neos_model, data, points)


UNCORRELATED = [
    pytest.param([12.0, 11.0], [50.0, 52.0], [3.0, 7.0], [51.0, 48.0], id="readme-2bin"),
    pytest.param([1.0], [1.0], [1.0], [2.0], id="1bin-unit"),
    pytest.param([0.005], [28.0], [5.0], [28.0], id="issue529"),
    pytest.param(
        [5.0, 0.0, 3.0, 1.5],
        [20.0, 30.0, 12.5, 8.0],
        [2.0, 0.0, 1.0, 4.0],
        [24.0, 31.0, 14.0, 9.5],
        id="4bin-zero-signal-zero-uncertainty",
    ),
]

CORRELATED = [
    pytest.param([12.0, 11.0], [50.0, 52.0], [45.0, 57.0], [55.0, 47.0], [51.0, 48.0], id="2bin-opposite"),
    pytest.param([3.0], [10.0], [12.0], [9.0], [11.0], id="1bin"),
    pytest.param(
        [5.0, 0.0, 3.0],
        [20.0, 30.0, 12.5],
        [22.0, 31.0, 13.0],
        [19.0, 29.5, 12.0],
        [24.0, 31.0, 14.0],
        id="3bin-same-side-zero-signal",
    ),
]


@pytest.mark.parametrize("signal,bkg,uncertainty,observed", UNCORRELATED)
def test_uncorrelated_background(request, signal, bkg, uncertainty, observed):
    _compare_simplemodel(
        pyhf.simplemodels.uncorrelated_background(signal, bkg, uncertainty),
        neos_swift.simplemodels.uncorrelated_background(signal, bkg, uncertainty),
        observed,
        request.node.callspec.id,
    )


@pytest.mark.parametrize("signal,bkg,up,down,observed", CORRELATED)
def test_correlated_background(request, signal, bkg, up, down, observed):
    _compare_simplemodel(
        pyhf.simplemodels.correlated_background(signal, bkg, up, down),
        neos_swift.simplemodels.correlated_background(signal, bkg, up, down),
        observed,
        request.node.callspec.id,
    )
