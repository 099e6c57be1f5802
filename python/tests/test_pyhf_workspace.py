"""pyhf.Workspace as pyhf 0.7.6 has it: a dict with pyhf's summaries, measurements, models and data, and its JSON
edits (prune, rename, combine, sorted, build), each compared with what pyhf itself returns."""

from __future__ import annotations

import copy
import json
import pickle

import neos_swift
import numpy as np
import pyhf
import pytest
from conftest import REFDATA

pyhf.set_backend("numpy", precision="64b")

MULTI_MEASUREMENT = "xml_converted/xmlimport_input.json"  # four measurements, one channel
TWO_CHANNELS = "xml_converted/multichannel_histfactory.json"
SHARED = "xml_converted/shared_nuispar_across_types.json"


def load(path):
    return json.loads((REFDATA / path).read_text())


def both(path_or_spec):
    spec = load(path_or_spec) if isinstance(path_or_spec, str) else path_or_spec
    return neos_swift.Workspace(spec), pyhf.Workspace(spec)


def assert_same_workspace(ours, theirs):
    assert isinstance(ours, neos_swift.Workspace)
    assert dict(ours) == dict(theirs)
    for name in ("channels", "samples", "modifiers", "channel_nbins", "channel_slices", "measurement_names"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert ours.observations == theirs.observations
    assert ours.version == theirs.version


@pytest.mark.parametrize("path", [MULTI_MEASUREMENT, TWO_CHANNELS, SHARED, "workspaces/validation_2bin_histosys.json"])
def test_workspace_is_pyhfs_dict(path):
    ours, theirs = both(path)
    assert isinstance(ours, dict)
    assert_same_workspace(ours, theirs)
    assert ours.schema == theirs.schema == "workspace.json"
    assert json.loads(json.dumps(ours)) == json.loads(json.dumps(theirs))
    assert repr(ours).startswith("<neos_swift.workspace.Workspace object at ")
    again = neos_swift.Workspace(load(path))
    assert ours == again and not ours != again
    assert ours != dict(ours)  # as pyhf: only workspaces equal workspaces
    for clone in (pickle.loads(pickle.dumps(ours)), copy.deepcopy(ours), copy.copy(ours)):
        assert clone == ours and clone is not ours
        assert clone.model().config.par_names == theirs.model().config.par_names


def test_json_text_is_accepted_and_the_spec_is_copied():
    text = (REFDATA / TWO_CHANNELS).read_text()
    spec = json.loads(text)
    from_text, from_dict = neos_swift.Workspace(text), neos_swift.Workspace(spec)
    assert from_text == from_dict
    spec["channels"][0]["name"] = "changed"
    assert from_dict["channels"][0]["name"] != "changed"


def test_unknown_keywords_raise_pyhfs_unsupported():
    with pytest.raises(pyhf.exceptions.Unsupported):
        pyhf.Workspace(load(TWO_CHANNELS), not_an_option=True)
    with pytest.raises(neos_swift.exceptions.Unsupported, match="not_an_option"):
        neos_swift.Workspace(load(TWO_CHANNELS), not_an_option=True)


def test_get_measurement_by_name_index_and_default():
    ours, theirs = both(MULTI_MEASUREMENT)
    assert ours.get_measurement() == theirs.get_measurement()
    for index in range(len(theirs.measurement_names)):
        assert ours.get_measurement(measurement_index=index) == theirs.get_measurement(measurement_index=index)
    for name in theirs.measurement_names:
        assert ours.get_measurement(measurement_name=name) == theirs.get_measurement(measurement_name=name)
    with pytest.raises(pyhf.exceptions.InvalidMeasurement):
        theirs.get_measurement(measurement_name="nope")
    with pytest.raises(neos_swift.exceptions.InvalidMeasurement, match="nope"):
        ours.get_measurement(measurement_name="nope")
    with pytest.raises(neos_swift.exceptions.InvalidMeasurement, match="out of bounds"):
        ours.get_measurement(measurement_index=17)


def test_models_of_each_measurement_match_pyhf():
    ours, theirs = both(MULTI_MEASUREMENT)
    for index, name in enumerate(theirs.measurement_names):
        for mine, pyhfs in (
            (ours.model(measurement_index=index), theirs.model(measurement_index=index)),
            (ours.model(measurement_name=name), theirs.model(measurement_name=name)),
        ):
            assert mine.config.par_names == pyhfs.config.par_names
            assert mine.config.suggested_fixed() == pyhfs.config.suggested_fixed()
            np.testing.assert_allclose(mine.config.suggested_init(), pyhfs.config.suggested_init(), rtol=1e-12)
            assert mine.spec == pyhfs.spec
            for include_auxdata in (True, False):
                np.testing.assert_allclose(
                    ours.data(mine, include_auxdata=include_auxdata),
                    theirs.data(pyhfs, include_auxdata=include_auxdata),
                    rtol=1e-12,
                )
            pars, data = pyhfs.config.suggested_init(), theirs.data(pyhfs)
            np.testing.assert_allclose(mine.logpdf(pars, data), pyhfs.logpdf(pars, data), rtol=1e-9)


def test_model_poi_override_and_poiless_measurement():
    ours, theirs = both(SHARED)
    for poi in ("SigXsecOverSM", "syst1" if "syst1" in theirs.model().config.parameters else None, None):
        mine, pyhfs = ours.model(poi_name=poi), theirs.model(poi_name=poi)
        assert (mine.config.poi_name, mine.config.poi_index) == (pyhfs.config.poi_name, pyhfs.config.poi_index)
        assert mine.spec == pyhfs.spec
    ours, theirs = both("tests_data/test_workspace__poiless.json")
    mine, pyhfs = ours.model(), theirs.model()
    assert mine.config.poi_name is pyhfs.config.poi_name is None
    assert mine.config.par_names == pyhfs.config.par_names


def test_model_keywords_reach_the_model():
    ours, theirs = both(SHARED)
    settings = {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}}
    mine = ours.model(modifier_settings=settings, batch_size=2)
    pyhfs = theirs.model(modifier_settings=settings, batch_size=2)
    assert mine.batch_size == pyhfs.batch_size == 2
    assert mine.config.modifier_settings == pyhfs.config.modifier_settings
    pars = np.tile(np.array(pyhfs.config.suggested_init()) + 0.6, (2, 1))
    np.testing.assert_allclose(mine.expected_data(pars), pyhfs.expected_data(pars), rtol=1e-9)


def test_patched_model_spec_matches_pyhf():
    ours = neos_swift.Workspace(load("tests_data/test_patchset__example_bkgonly.json"))
    theirs = pyhf.Workspace(load("tests_data/test_patchset__example_bkgonly.json"))
    patchset = pyhf.PatchSet(load("tests_data/test_patchset__example_patchset.json"))
    for patch in patchset:
        mine, pyhfs = ours.model(patches=[patch]), theirs.model(patches=[patch])
        assert mine.spec == pyhfs.spec
        assert mine.config.samples == pyhfs.config.samples
        assert mine.config.modifiers == pyhfs.config.modifiers
        pars = pyhfs.config.suggested_init()
        np.testing.assert_allclose(mine.expected_data(pars), pyhfs.expected_data(pars), rtol=1e-9)
    # every RFC 6902 operation, against pyhf's jsonpatch
    patch = [
        {"op": "add", "path": "/channels/0/samples/-", "value": {"name": "extra", "data": [1.0, 2.0], "modifiers": []}},
        {"op": "copy", "from": "/channels/0/samples/0/data", "path": "/channels/0/samples/3/data"},
        {"op": "test", "path": "/channels/0/name", "value": "channel1"},
        {"op": "move", "from": "/channels/0/samples/3", "path": "/channels/0/samples/0"},
        {"op": "replace", "path": "/channels/0/samples/0/name", "value": "renamed~/extra"},
        {"op": "remove", "path": "/channels/0/samples/2"},
    ]
    mine, pyhfs = ours.model(patches=[patch], poi_name=None), theirs.model(patches=[patch], poi_name=None)
    assert mine.spec == pyhfs.spec
    assert mine.config.samples == pyhfs.config.samples


PRUNES = [
    {"modifiers": ["syst1"]},
    {"modifier_types": ["normsys"]},
    {"samples": ["background1"]},
    {"measurements": ["GammaExample", "ConstExample"]},
    {"modifiers": ["lumi"], "samples": ["signal"], "measurements": ["GaussExample"]},
]


@pytest.mark.parametrize("kwargs", PRUNES)
def test_prune_matches_pyhf(kwargs):
    ours, theirs = both(MULTI_MEASUREMENT)
    assert_same_workspace(ours.prune(**kwargs), theirs.prune(**kwargs))
    assert ours == neos_swift.Workspace(load(MULTI_MEASUREMENT))  # the original is untouched


def test_prune_channels_matches_pyhf():
    ours, theirs = both(TWO_CHANNELS)
    channel = theirs.channels[0]
    assert_same_workspace(ours.prune(channels=[channel]), theirs.prune(channels=[channel]))


RENAMES = [
    {"modifiers": {"syst2": "syst_two", "SigXsecOverSM": "mu"}},
    {"samples": {"background2": "bkg2"}},
    {"channels": {"channel1": "SR"}},
    {"measurements": {"GaussExample": "gauss"}},
]


@pytest.mark.parametrize("kwargs", RENAMES)
def test_rename_matches_pyhf(kwargs):
    ours, theirs = both(MULTI_MEASUREMENT)
    mine, pyhfs = ours.rename(**kwargs), theirs.rename(**kwargs)
    assert_same_workspace(mine, pyhfs)
    assert mine.model().config.par_names == pyhfs.model().config.par_names


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("prune", {"modifiers": ["nope"]}),
        ("prune", {"modifier_types": ["shapefactor"]}),
        ("prune", {"samples": ["nope"]}),
        ("prune", {"channels": ["nope"]}),
        ("prune", {"measurements": ["nope"]}),
        ("rename", {"modifiers": {"nope": "x"}}),
        ("rename", {"samples": {"nope": "x"}}),
        ("rename", {"channels": {"nope": "x"}}),
        ("rename", {"measurements": {"nope": "x"}}),
    ],
)
def test_prune_and_rename_of_missing_items_raise_as_pyhf(method, kwargs):
    ours, theirs = both(MULTI_MEASUREMENT)
    with pytest.raises(pyhf.exceptions.InvalidWorkspaceOperation):
        getattr(theirs, method)(**kwargs)
    with pytest.raises(neos_swift.exceptions.InvalidWorkspaceOperation, match="is not one of the"):
        getattr(ours, method)(**kwargs)


def split_pair():
    """Two workspaces from one: each keeps one channel, and the right one renames its measurements."""
    spec = load(TWO_CHANNELS)
    names = [channel["name"] for channel in spec["channels"]]
    pairs = []
    for module in (neos_swift, pyhf):
        whole = module.Workspace(spec)
        right = whole.prune(channels=[names[0]]).rename(measurements={m: m + "_right" for m in whole.measurement_names})
        pairs.append((whole.prune(channels=[names[1]]), right))
    return pairs


@pytest.mark.parametrize("join", ["none", "outer", "left outer", "right outer"])
def test_combine_disjoint_channels_matches_pyhf(join):
    (left, right), (pyhf_left, pyhf_right) = split_pair()
    mine = neos_swift.Workspace.combine(left, right, join=join)
    pyhfs = pyhf.Workspace.combine(pyhf_left, pyhf_right, join=join)
    assert_same_workspace(mine, pyhfs)
    assert mine.model().config.par_names == pyhfs.model().config.par_names


@pytest.mark.parametrize("join", ["outer", "left outer", "right outer"])
def test_combine_with_itself_and_overlaps_matches_pyhf(join):
    ours, theirs = both(MULTI_MEASUREMENT)
    assert_same_workspace(
        neos_swift.Workspace.combine(ours, ours, join=join), pyhf.Workspace.combine(theirs, theirs, join=join)
    )
    # a renamed sample in the right workspace: channels differ, so 'outer' refuses, the one-sided joins pick a side,
    # and merge_channels merges the samples
    ours_right, theirs_right = ours.rename(samples={"signal": "signal2"}), theirs.rename(samples={"signal": "signal2"})
    if join == "outer":
        with pytest.raises(pyhf.exceptions.InvalidWorkspaceOperation):
            pyhf.Workspace.combine(theirs, theirs_right, join=join)
        with pytest.raises(neos_swift.exceptions.InvalidWorkspaceOperation, match="incompatible structure"):
            neos_swift.Workspace.combine(ours, ours_right, join=join)
    else:
        assert_same_workspace(
            neos_swift.Workspace.combine(ours, ours_right, join=join),
            pyhf.Workspace.combine(theirs, theirs_right, join=join),
        )
    assert_same_workspace(
        neos_swift.Workspace.combine(ours, ours_right, join=join, merge_channels=True),
        pyhf.Workspace.combine(theirs, theirs_right, join=join, merge_channels=True),
    )


def test_outer_combine_merges_and_checks_measurements_as_pyhf():
    ours, theirs = both(MULTI_MEASUREMENT)
    # the same measurement with another parameter config on the right
    right_spec = load(MULTI_MEASUREMENT)
    right_spec["channels"][0]["name"] = "channel2"
    right_spec["observations"][0]["name"] = "channel2"
    right_spec["measurements"][0]["config"]["parameters"].append({"name": "extra", "fixed": True})
    ours_right, theirs_right = both(right_spec)
    assert_same_workspace(
        neos_swift.Workspace.combine(ours, ours_right, join="outer"),
        pyhf.Workspace.combine(theirs, theirs_right, join="outer"),
    )
    for edit, message in (
        (lambda m: m["config"].update(poi="syst1"), "incompatible POI"),
        (lambda m: m["config"]["parameters"].__setitem__(0, {"name": "lumi", "auxdata": [2.0]}), "parameter configs"),
    ):
        spec = copy.deepcopy(right_spec)
        edit(spec["measurements"][0])
        ours_right, theirs_right = both(spec)
        with pytest.raises(pyhf.exceptions.InvalidWorkspaceOperation):
            pyhf.Workspace.combine(theirs, theirs_right, join="outer")
        with pytest.raises(neos_swift.exceptions.InvalidWorkspaceOperation, match=message):
            neos_swift.Workspace.combine(ours, ours_right, join="outer")


def test_combine_refusals_as_pyhf():
    ours, theirs = both(MULTI_MEASUREMENT)
    assert neos_swift.Workspace.valid_joins == pyhf.Workspace.valid_joins
    with pytest.raises(pyhf.exceptions.InvalidWorkspaceOperation):
        pyhf.Workspace.combine(theirs, theirs)
    with pytest.raises(neos_swift.exceptions.InvalidWorkspaceOperation, match="channels in common"):
        neos_swift.Workspace.combine(ours, ours)
    with pytest.raises(ValueError, match="valid join operations"):
        neos_swift.Workspace.combine(ours, ours, join="inner")
    with pytest.raises(ValueError, match="merge channels"):
        neos_swift.Workspace.combine(ours, ours, join="none", merge_channels=True)
    other_version = dict(copy.deepcopy(dict(theirs)), version="1.0.1")
    with pytest.raises(pyhf.exceptions.InvalidWorkspaceOperation):
        pyhf.Workspace.combine(theirs, _FakeVersion(other_version), join="outer")
    with pytest.raises(neos_swift.exceptions.InvalidWorkspaceOperation, match="different versions"):
        neos_swift.Workspace.combine(ours, _FakeVersion(other_version), join="outer")


class _FakeVersion(dict):
    """A workspace-shaped dict of another schema version (neither engine parses schema versions other than 1.0.0)."""


@pytest.mark.parametrize("path", [MULTI_MEASUREMENT, TWO_CHANNELS, SHARED])
def test_sorted_matches_pyhf(path):
    spec = load(path)
    for channel in spec["channels"]:
        channel["samples"].reverse()
        for sample in channel["samples"]:
            sample["modifiers"].reverse()
    spec["channels"].reverse()
    spec["measurements"].reverse()
    spec["observations"].reverse()
    ours, theirs = both(spec)
    mine, pyhfs = neos_swift.Workspace.sorted(ours), pyhf.Workspace.sorted(theirs)
    assert_same_workspace(mine, pyhfs)
    assert [channel["name"] for channel in mine["channels"]] == sorted(channel["name"] for channel in spec["channels"])
    assert mine != ours


@pytest.mark.parametrize(
    "path",
    [
        MULTI_MEASUREMENT,
        TWO_CHANNELS,
        "workspaces/validation_1bin_shapesys.json",
        "workspaces/validation_2bin_2channel_coupledshapefactor.json",
    ],
)
def test_build_matches_pyhf(path):
    ours, theirs = both(path)
    mine_model, pyhfs_model = ours.model(), theirs.model()
    data = theirs.data(pyhfs_model, include_auxdata=False)
    mine = neos_swift.Workspace.build(mine_model, data, name="rebuilt")
    pyhfs = pyhf.Workspace.build(pyhfs_model, data, name="rebuilt")
    assert_same_workspace(mine, pyhfs)
    # the same numbers of the same types (pyhf's default bounds of a normfactor are ints, the others floats)
    assert neos_swift.utils.digest(mine) == pyhf.utils.digest(pyhfs)
    if "lumi" in dict(mine.modifiers).values():
        return  # build keeps inits, bounds and fixed only: a lumi parameter loses its auxdata (in pyhf too)
    rebuilt = mine.model()
    assert rebuilt.config.par_names == mine_model.config.par_names
    np.testing.assert_allclose(mine.data(rebuilt), ours.data(mine_model), rtol=1e-12)


# --- The operations run in libneos: what the Python side still has to get right is the conversion. ---


def test_operations_read_a_dict_edited_in_place():
    # pyhf's operations read the dict as it is now (its names are checked against the summary made when the
    # workspace was); ours parse the dict again once it differs from what libneos holds
    ours, theirs = both(TWO_CHANNELS)
    for workspace in (ours, theirs):
        workspace["channels"][0]["samples"][0]["data"][0] = 1234.5
    modifier = theirs.modifiers[0][0]
    mine, pyhfs = ours.prune(modifiers=[modifier]), theirs.prune(modifiers=[modifier])
    assert_same_workspace(mine, pyhfs)
    assert mine["channels"][0]["samples"][0]["data"][0] == 1234.5
    assert_same_workspace(neos_swift.Workspace.sorted(ours), pyhf.Workspace.sorted(theirs))


def test_an_edited_observation_can_leave_a_channel_without_one_as_in_pyhf():
    # pyhf's schema allows a channel without observation: a left outer join then keeps the left observation
    ours, theirs = both(TWO_CHANNELS)
    renames = {"channels": {name: f"renamed_{name}" for name in theirs.channels}}
    mine, pyhfs = ours.rename(**renames), theirs.rename(**renames)
    for workspace, original in ((mine, ours), (pyhfs, theirs)):
        workspace["observations"][0]["name"] = original["observations"][0]["name"]
        workspace["observations"][0]["data"][0] = -10.0
    combined = neos_swift.Workspace.combine(ours, mine, join="left outer")
    assert_same_workspace(combined, pyhf.Workspace.combine(theirs, pyhfs, join="left outer"))
    with pytest.raises(pyhf.exceptions.InvalidWorkspaceOperation):
        pyhf.Workspace.combine(theirs, pyhfs, join="outer")
    with pytest.raises(neos_swift.exceptions.InvalidWorkspaceOperation, match="observations in common"):
        neos_swift.Workspace.combine(ours, mine, join="outer")


@pytest.mark.parametrize("join", ["none", "outer", "left outer", "right outer"])
def test_private_joins_match_pyhfs(join):
    # pyhf's suite calls its private join helpers directly; ours are libneos' joins
    ours, theirs = both(SHARED)
    other = copy.deepcopy(dict(theirs))
    other["channels"][0]["samples"][0]["data"] = [value + 1 for value in other["channels"][0]["samples"][0]["data"]]
    for helper in ("_join_channels", "_join_observations", "_join_measurements"):
        arguments = (join, theirs[helper[6:]], other[helper[6:]])
        try:
            expected = getattr(pyhf.workspace, helper)(*arguments)
        except pyhf.exceptions.InvalidWorkspaceOperation as error:
            with pytest.raises(neos_swift.exceptions.InvalidWorkspaceOperation, match=str(error).split(":")[0]):
                getattr(neos_swift.workspace, helper)(*arguments)
        else:
            assert getattr(neos_swift.workspace, helper)(*arguments) == expected, helper
    items = [{"name": 1, "deep": [{"name": "a"}]}, {"name": 2, "deep": []}]
    more = [{"name": 1, "deep": [{"name": "b"}]}, {"name": 3, "deep": []}]
    for deep in (None, "deep"):
        mine = neos_swift.workspace._join_items(join, items, more, deep_merge_key=deep)
        assert mine == pyhf.workspace._join_items(join, items, more, deep_merge_key=deep)
    parameters = theirs["measurements"][0]["config"]["parameters"]
    assert neos_swift.workspace._join_parameter_configs("m", parameters, parameters) == parameters


def test_parameter_config_conflicts_name_the_measurement():
    first, second = [{"name": "p", "inits": [1.0]}], [{"name": "p", "inits": [2.0]}]
    with pytest.raises(pyhf.exceptions.InvalidWorkspaceOperation, match=r"measurement \(meas\)"):
        pyhf.workspace._join_parameter_configs("meas", first, second)
    with pytest.raises(neos_swift.exceptions.InvalidWorkspaceOperation, match=r"measurement \(meas\) .*\['p'\]"):
        neos_swift.workspace._join_parameter_configs("meas", first, second)
    with pytest.raises(ValueError, match="valid join operations"):
        neos_swift.workspace._join_items("inner", first, second)


def test_pruning_everything_is_an_invalid_specification_as_in_pyhf():
    ours, theirs = both(TWO_CHANNELS)
    with pytest.raises(pyhf.exceptions.InvalidSpecification):
        theirs.prune(measurements=theirs.measurement_names)
    with pytest.raises(neos_swift.exceptions.InvalidSpecification, match="measurements"):
        ours.prune(measurements=ours.measurement_names)
    # a string is iterated as pyhf iterates it: its characters are not channels
    with pytest.raises(neos_swift.exceptions.InvalidWorkspaceOperation, match="c is not one of the channels"):
        ours.prune(channels="channel1")


@pytest.mark.parametrize("path", [MULTI_MEASUREMENT, TWO_CHANNELS, SHARED])
def test_results_keep_integral_floats_so_digests_are_pyhfs(path):
    # libneos writes 50.0 as 50; the conversion makes it a float again where the input had a float, so that
    # json.dumps of a result, and pyhf's digest of it, are pyhf's
    ours, theirs = both(path)
    data = theirs["channels"][0]["samples"][0]["data"]
    assert any(isinstance(value, float) and value.is_integer() for value in data)
    modifier = theirs.modifiers[0][0]
    pairs = [
        (ours.prune(modifiers=[modifier]), theirs.prune(modifiers=[modifier])),
        (
            ours.rename(channels={theirs.channels[0]: "renamed"}),
            theirs.rename(channels={theirs.channels[0]: "renamed"}),
        ),
        (neos_swift.Workspace.sorted(ours), pyhf.Workspace.sorted(theirs)),
        (neos_swift.Workspace.combine(ours, ours, join="outer"), pyhf.Workspace.combine(theirs, theirs, join="outer")),
    ]
    for mine, pyhfs in pairs:
        assert json.dumps(dict(mine), sort_keys=True) == json.dumps(dict(pyhfs), sort_keys=True)
        assert neos_swift.utils.digest(mine) == pyhf.utils.digest(pyhfs)
    # an integer stays an integer, a float a float, also in a patched document
    patched = neos_swift.workspace._apply_jsonpatch({"a": [1, 2.0]}, [{"op": "add", "path": "/b", "value": 3.0}])
    assert json.dumps(patched) == '{"a": [1, 2.0], "b": 3.0}'


def test_the_schema_is_checked_as_in_pyhf(monkeypatch):
    spec = {"channels": [{"name": "SR", "samples_wrong_name": []}]}
    with pytest.raises(pyhf.exceptions.InvalidSpecification):
        pyhf.Workspace(spec)
    with pytest.raises(neos_swift.exceptions.InvalidSpecification, match="version"):
        neos_swift.Workspace(spec)
    # pyhf checks the workspace against workspace.json when it is made (unless validate=False) and the measurement
    # against measurement.json when get_measurement picks it; so does ours, through the same function
    checked = []
    monkeypatch.setattr(neos_swift.schema, "validate", lambda spec, name, version=None: checked.append(name))
    workspace = neos_swift.Workspace(load(TWO_CHANNELS))
    assert checked == ["workspace.json"]
    workspace.get_measurement()
    assert checked == ["workspace.json", "measurement.json"]
    unchecked = neos_swift.Workspace(load(TWO_CHANNELS), validate=False)
    assert unchecked == workspace and unchecked.validate is False and len(checked) == 2
    neos_swift.Workspace.build(workspace.model(), [1.0] * workspace.model().config.nmaindata, validate=False)
    assert checked.count("workspace.json") == 1


def test_patches_are_applied_by_libneos_as_jsonpatch_does():
    import jsonpatch

    document = {"a": [1, {"b": "c"}], "d": 2.5}
    patch = [
        {"op": "add", "path": "/a/1/e", "value": [3]},
        {"op": "move", "from": "/d", "path": "/f"},
        {"op": "test", "path": "/a/0", "value": 1},
        {"op": "remove", "path": "/a/0"},
    ]
    assert neos_swift.workspace._apply_jsonpatch(document, patch) == jsonpatch.JsonPatch(patch).apply(document)
    assert document == {"a": [1, {"b": "c"}], "d": 2.5}  # the argument is not changed
    with pytest.raises(neos_swift.errors.ModelError, match="test failed"):
        neos_swift.workspace._apply_jsonpatch(document, [{"op": "test", "path": "/d", "value": 3}])
    with pytest.raises(neos_swift.errors.ModelError, match="path does not exist"):
        neos_swift.workspace._apply_jsonpatch(document, [{"op": "remove", "path": "/nope"}])


def test_build_refuses_data_of_another_length():
    # pyhf slices whatever it is given; libneos takes the main bins, or the main bins and the auxdata
    ours = neos_swift.Workspace(load(TWO_CHANNELS))
    model = ours.model()
    main = ours.data(model, include_auxdata=False)
    assert neos_swift.Workspace.build(model, ours.data(model)) == neos_swift.Workspace.build(model, main)
    with pytest.raises(neos_swift.InvalidArgument, match=f"n_data is {len(main) - 1}") as raised:
        neos_swift.Workspace.build(model, main[:-1])
    assert not isinstance(raised.value, neos_swift.exceptions.InvalidWorkspaceOperation)


def test_build_keeps_the_datas_integers_as_pyhf():
    # pyhf stores the data as given (ints stay ints) and hands them back from data(): build(model, data(model))
    # of a built workspace is the same document, digest included
    spec = load("workspaces/validation_2bin_histosys.json")
    ours, theirs = both(spec)
    nmain = theirs.model().config.nmaindata
    counts = list(range(10, 10 + nmain))
    mine = neos_swift.Workspace.build(ours.model(), counts)
    pyhfs = pyhf.Workspace.build(theirs.model(), counts)
    assert json.dumps(mine["observations"]) == json.dumps(pyhfs["observations"])
    again = neos_swift.Workspace.build(mine.model(), mine.data(mine.model()))
    assert neos_swift.utils.digest(again) == neos_swift.utils.digest(mine)
    halves = [count + 0.5 for count in counts]
    assert json.dumps(neos_swift.Workspace.build(ours.model(), halves)["observations"]) == json.dumps(
        pyhf.Workspace.build(theirs.model(), halves)["observations"]
    )
