"""pyhf.pdf, pyhf.patchset, pyhf.compat and pyhf.simplemodels as pyhf 0.7.6 has them, each compared with what
pyhf itself returns for the same input."""

from __future__ import annotations

import copy
import json
import pickle
import re
import subprocess
import sys

import neos_swift
import numpy as np
import pyhf
import pytest
from conftest import REFDATA

pyhf.set_backend("numpy", precision="64b")

PATCHSET = "tests_data/test_patchset__example_patchset.json"
BKGONLY = "tests_data/test_patchset__example_bkgonly.json"


def load(path):
    return json.loads((REFDATA / path).read_text())


def two_point_patchset():
    """A patchset with two labelled dimensions and two patches, for lookups by values."""
    spec = copy.deepcopy(load(PATCHSET))
    spec["metadata"]["labels"] = ["x", "y"]
    first = spec["patches"][0]
    first["metadata"]["values"] = [2100, 800]
    second = copy.deepcopy(first)
    second["metadata"] = {"name": "second_point", "values": [2200, 850.5]}
    second["patch"][0]["value"] = 1.3
    spec["patches"].append(second)
    return spec


# pyhf.pdf


def test_pdf_module_names_pyhfs_model():
    assert neos_swift.pdf.__all__ == pyhf.pdf.__all__
    assert neos_swift.pdf.Model is neos_swift.Model
    spec = neos_swift.Workspace(load(BKGONLY)).model().spec
    model = neos_swift.pdf.Model(spec, poi_name="SigXsecOverSM")
    assert isinstance(model.config, neos_swift.pdf._ModelConfig)
    assert model.config.par_order == pyhf.pdf.Model(spec, poi_name="SigXsecOverSM").config.par_order


def test_import_swap_reaches_the_same_modules():
    """``sys.modules["pyhf"] = neos_swift`` then ``import pyhf.<module>`` gives neos_swift's module itself (run in a
    fresh interpreter, since this process imports pyhf as the oracle)."""
    script = (
        "import sys, neos_swift\n"
        "sys.modules['pyhf'] = neos_swift\n"
        "import pyhf.patchset, pyhf.pdf, pyhf.compat, pyhf.simplemodels\n"
        "from pyhf.patchset import Patch, PatchSet\n"
        "assert PatchSet is neos_swift.PatchSet and Patch is neos_swift.patchset.Patch\n"
        "assert pyhf.pdf.Model is neos_swift.Model and pyhf.compat is neos_swift.compat\n"
        "assert pyhf.simplemodels is neos_swift.simplemodels\n"
        "assert isinstance(pyhf.simplemodels.uncorrelated_background([1.0], [2.0], [0.5]), pyhf.pdf.Model)\n"
        "assert not [name for name in sys.modules if name.startswith('pyhf.') and not name.split('.')[1]"
        " in ('patchset', 'pdf', 'compat', 'simplemodels')], sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


# pyhf.compat

ROOTNAMES = [
    "gamma_foo_0",
    "gamma_foo_bar_12",
    "alpha_foo",
    "alpha_gamma_x",
    "Lumi",
    "lumi",
    "mu",
    "gamma_foo",
    "gamma_",
]


@pytest.mark.parametrize("rootname", ROOTNAMES)
def test_interpret_rootname_as_pyhf(rootname):
    try:
        expected = pyhf.compat.interpret_rootname(rootname)
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            neos_swift.compat.interpret_rootname(rootname)
        return
    assert neos_swift.compat.interpret_rootname(rootname) == expected


def test_interpret_rootname_rejects_malformed_names():
    with pytest.raises(ValueError):
        neos_swift.compat.interpret_rootname("gamma_foo")
    with pytest.raises(ValueError):
        neos_swift.compat.interpret_rootname("alpha_")


@pytest.mark.parametrize(
    "path", ["xml_converted/multichannel_histfactory.json", "xml_converted/shared_nuispar_across_types.json", BKGONLY]
)
def test_paramset_to_rootnames_as_pyhf(path):
    ours, theirs = neos_swift.Workspace(load(path)).model(), pyhf.Workspace(load(path)).model()
    assert ours.config.par_order == theirs.config.par_order
    for name in theirs.config.par_order:
        assert neos_swift.compat.paramset_to_rootnames(ours.config.param_set(name)) == (
            pyhf.compat.paramset_to_rootnames(theirs.config.param_set(name))
        ), name


def test_paramset_to_rootnames_covers_lumi_and_gammas():
    spec = {
        "channels": [
            {
                "name": "c",
                "samples": [
                    {
                        "name": "s",
                        "data": [5.0, 6.0],
                        "modifiers": [
                            {"name": "mu", "type": "normfactor", "data": None},
                            {"name": "lumi", "type": "lumi", "data": None},
                            {"name": "stat", "type": "staterror", "data": [1.0, 2.0]},
                            {"name": "np", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
                        ],
                    }
                ],
            }
        ],
        "parameters": [{"name": "lumi", "inits": [1.0], "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.5, 1.5]]}],
    }
    ours, theirs = neos_swift.Model(spec), pyhf.Model(spec)
    names = {n: neos_swift.compat.paramset_to_rootnames(ours.config.param_set(n)) for n in ours.config.par_order}
    assert names == {n: pyhf.compat.paramset_to_rootnames(theirs.config.param_set(n)) for n in names}
    assert names["lumi"] == "Lumi" and names["stat"] == ["gamma_stat_0", "gamma_stat_1"]
    assert names["np"] == "alpha_np" and names["mu"] == "mu"


# pyhf.patchset


def test_patchset_is_pyhfs_patchset():
    assert neos_swift.patchset.__all__ == pyhf.patchset.__all__
    assert neos_swift.PatchSet is neos_swift.patchset.PatchSet


def test_patchset_metadata_as_pyhf():
    ours, theirs = neos_swift.PatchSet(load(PATCHSET)), pyhf.PatchSet(load(PATCHSET))
    for name in ("version", "metadata", "references", "description", "digests", "labels"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert len(ours) == len(theirs) == 1
    assert [p.name for p in ours] == [p.name for p in theirs]
    assert [p.values for p in ours.patches] == [p.values for p in theirs.patches]
    assert [p.metadata for p in ours] == [p.metadata for p in theirs]
    assert [p.patch for p in ours] == [p.patch for p in theirs]
    assert re.fullmatch(r"<neos_swift\.patchset\.PatchSet object with 1 patch at 0x[0-9a-f]+>", repr(ours))
    patch = ours.patches[0]
    assert re.fullmatch(
        r"<neos_swift\.patchset\.Patch object 'patch_channel1_signal_syst1\(0,\)' at 0x[0-9a-f]+>", repr(patch)
    )


def test_patchset_lookup_by_name_and_values_as_pyhf():
    spec = two_point_patchset()
    ours, theirs = neos_swift.PatchSet(spec), pyhf.PatchSet(spec)
    assert re.search(r"with 2 patches at", repr(ours))
    for key in ["patch_channel1_signal_syst1", "second_point", (2100, 800), [2100, 800], (2200, 850.5)]:
        assert ours[key].name == theirs[key].name, key
        assert ours[key].patch == theirs[key].patch, key
    assert ours[2100, 800] is ours["patch_channel1_signal_syst1"]
    for missing in ["no_such_patch", (2100, 801), [2100], 7]:
        with pytest.raises(pyhf.exceptions.InvalidPatchLookup):
            theirs[missing]
        with pytest.raises(neos_swift.exceptions.InvalidPatchLookup):
            ours[missing]
    # membership goes through iteration over Patch objects, as in pyhf
    for candidate in ["second_point", (2100, 800)]:
        assert (candidate in ours) == (candidate in theirs)
    assert ours["second_point"] in ours
    assert ours["second_point"] == neos_swift.PatchSet(spec)["second_point"]
    assert ours["second_point"] != ours["patch_channel1_signal_syst1"]
    assert ours["second_point"] != "second_point"


def test_patchset_rejects_what_pyhf_rejects():
    spec = two_point_patchset()
    spec["patches"][1]["metadata"]["values"] = [2200]
    with pytest.raises(pyhf.exceptions.InvalidPatchSet):
        pyhf.PatchSet(spec)
    with pytest.raises(neos_swift.exceptions.InvalidPatchSet):
        neos_swift.PatchSet(spec)
    spec = two_point_patchset()
    spec["patches"][1]["metadata"]["values"] = [2100, 800]
    with pytest.raises(pyhf.exceptions.InvalidPatchSet):
        pyhf.PatchSet(spec)
    with pytest.raises(neos_swift.exceptions.InvalidPatchSet):
        neos_swift.PatchSet(spec)


def test_patchset_verify_and_apply_as_pyhf():
    ours, theirs = neos_swift.PatchSet(load(PATCHSET)), pyhf.PatchSet(load(PATCHSET))
    ours_ws, theirs_ws = neos_swift.Workspace(load(BKGONLY)), pyhf.Workspace(load(BKGONLY))
    assert ours.verify(ours_ws) is None
    theirs.verify(theirs_ws)
    for key in ["patch_channel1_signal_syst1", (0,), [0]]:
        patched = ours.apply(ours_ws, key)
        assert isinstance(patched, neos_swift.Workspace)
        assert dict(patched) == dict(theirs.apply(theirs_ws, key))
    # Patch.apply gives the patched document and leaves the original alone, as jsonpatch does
    applied = ours[0,].apply(ours_ws)
    assert dict(applied) == dict(theirs[0,].apply(theirs_ws))
    assert dict(ours_ws) == load(BKGONLY) and dict(applied) != load(BKGONLY)
    model = neos_swift.Workspace(applied).model()
    expected = pyhf.Workspace(theirs[0,].apply(theirs_ws)).model()
    pars = expected.config.suggested_init()
    data = pyhf.Workspace(load(BKGONLY)).data(expected)
    np.testing.assert_allclose(model.logpdf(pars, data), expected.logpdf(pars, data), rtol=1e-12)
    # a workspace the patchset was not made for
    changed = load(BKGONLY)
    changed["observations"][0]["data"][0] += 1.0
    with pytest.raises(pyhf.exceptions.PatchSetVerificationError):
        theirs.verify(pyhf.Workspace(changed))
    for call in (lambda: ours.verify(neos_swift.Workspace(changed)), lambda: ours.apply(changed, (0,))):
        with pytest.raises(neos_swift.exceptions.PatchSetVerificationError, match="sha256"):
            call()


def test_patch_apply_in_place_as_pyhf():
    ours, theirs = neos_swift.PatchSet(load(PATCHSET))[0,], pyhf.PatchSet(load(PATCHSET))[0,]
    mine, pyhfs = load(BKGONLY), load(BKGONLY)
    assert ours.apply(mine, in_place=True) is mine
    theirs.apply(pyhfs, in_place=True)
    assert mine == pyhfs != load(BKGONLY)
    assert ours.apply(load(BKGONLY)) == theirs.apply(load(BKGONLY)) == mine
    with pytest.raises(TypeError):
        ours.apply(neos_swift.Workspace(load(BKGONLY)), in_place=True)


def test_patch_objects_work_as_model_patches():
    ours, theirs = neos_swift.PatchSet(load(PATCHSET)), pyhf.PatchSet(load(PATCHSET))
    workspace, pyhf_workspace = neos_swift.Workspace(load(BKGONLY)), pyhf.Workspace(load(BKGONLY))
    for patch, pyhf_patch in zip(ours, theirs):
        model = workspace.model(patches=[patch])
        expected = pyhf_workspace.model(patches=[pyhf_patch])
        assert model.spec == expected.spec


# pyhf.simplemodels

SIGNAL, BKG = [12.0, 11.0, 3.5], [50.0, 52.0, 9.0]


def both_uncorrelated(**kwargs):
    args = dict(signal=SIGNAL, bkg=BKG, bkg_uncertainty=[3.0, 7.0, 2.5], **kwargs)
    return neos_swift.simplemodels.uncorrelated_background(**args), pyhf.simplemodels.uncorrelated_background(**args)


def both_correlated(**kwargs):
    args = dict(signal=SIGNAL, bkg=BKG, bkg_up=[55.0, 56.0, 9.5], bkg_down=[45.0, 47.0, 8.0], **kwargs)
    return neos_swift.simplemodels.correlated_background(**args), pyhf.simplemodels.correlated_background(**args)


@pytest.mark.parametrize("build", [both_uncorrelated, both_correlated])
def test_simplemodels_spec_and_numbers_as_pyhf(build):
    ours, theirs = build()
    assert ours.spec == theirs.spec
    assert ours.config.channels == theirs.config.channels
    assert ours.config.par_order == theirs.config.par_order
    assert ours.config.modifiers == theirs.config.modifiers
    pars = np.asarray(theirs.config.suggested_init()) * 1.1
    data = list(theirs.expected_data(theirs.config.suggested_init()))
    np.testing.assert_allclose(ours.logpdf(pars, data), theirs.logpdf(pars, data), rtol=1e-12)
    np.testing.assert_allclose(ours.expected_data(pars), theirs.expected_data(pars), rtol=1e-12)
    # the spec is enough to rebuild the model: pickling and a new POI go through it
    restored = pickle.loads(pickle.dumps(ours))
    assert restored.spec == theirs.spec
    np.testing.assert_allclose(restored.logpdf(pars, data), theirs.logpdf(pars, data), rtol=1e-12)
    rebuilt = neos_swift.Model(ours.spec)
    np.testing.assert_allclose(rebuilt.logpdf(pars, data), ours.logpdf(pars, data), rtol=1e-12)


def test_simplemodels_keywords_as_pyhf():
    import inspect

    for name in ("uncorrelated_background", "correlated_background"):
        ours = inspect.signature(getattr(neos_swift.simplemodels, name)).parameters
        theirs = inspect.signature(getattr(pyhf.simplemodels, name)).parameters
        for keyword, parameter in theirs.items():
            assert keyword in ours, (name, keyword)
            assert ours[keyword].default == parameter.default, (name, keyword)
    ours, theirs = both_uncorrelated(validate=False)
    assert ours.spec == theirs.spec


@pytest.mark.parametrize("build", [both_uncorrelated, both_correlated])
def test_simplemodels_batch_size_as_pyhf(build):
    ours, theirs = build(batch_size=3)
    assert ours.batch_size == theirs.batch_size == 3
    init = np.asarray(theirs.config.suggested_init())
    pars = np.stack([init, init * 0.8, init * 1.3])
    data = np.asarray(theirs.expected_data(pars)[0])
    np.testing.assert_allclose(ours.logpdf(pars, data), theirs.logpdf(pars, data), rtol=1e-12)
    np.testing.assert_allclose(ours.expected_data(pars), theirs.expected_data(pars), rtol=1e-12)
    assert np.shape(ours.logpdf(pars, data)) == (3,)


def test_simplemodels_take_numpy_arrays():
    ours = neos_swift.simplemodels.uncorrelated_background(np.array(SIGNAL), np.array(BKG), np.array([3.0, 7.0, 2.5]))
    _, theirs = both_uncorrelated()
    assert ours.spec == theirs.spec
    json.dumps(ours.spec)


@pytest.mark.parametrize(
    "args, error",
    [
        (([1.0, 2.0], [2.0], [0.5]), "InvalidModel"),  # one bin short
        (([1.0], ["a"], [0.5]), "InvalidSpecification"),  # not a number: the schema says so first
    ],
)
def test_simplemodels_errors_as_pyhf(args, error):
    with pytest.raises(getattr(pyhf.exceptions, error)):
        pyhf.simplemodels.uncorrelated_background(*args)
    with pytest.raises(getattr(neos_swift.exceptions, error)):
        neos_swift.simplemodels.uncorrelated_background(*args)
    up_down = (args[0], args[1], args[1], args[2])
    with pytest.raises(getattr(pyhf.exceptions, error)):
        pyhf.simplemodels.correlated_background(*up_down)
    with pytest.raises(getattr(neos_swift.exceptions, error)):
        neos_swift.simplemodels.correlated_background(*up_down)


@pytest.mark.parametrize("name", ["infer.mle", "infer.test_statistics", "workspace"])
def test_dir_of_a_module_lists_what_pyhfs_lists(name):
    # pyhf's modules answer dir() with their public names only; ours do the same, with pyhf (installed beside us
    # for the tests) as the reference. The helpers behind the names stay importable.
    import importlib

    ours = importlib.import_module(f"neos_swift.{name}")
    theirs = importlib.import_module(f"pyhf.{name}")
    assert dir(ours) == dir(theirs)


def test_the_jacobian_type_stays_importable_though_not_listed():
    from neos_swift.infer.mle import Jacobian

    assert "Jacobian" not in dir(neos_swift.infer.mle)
    assert Jacobian.__name__ == "Jacobian"
