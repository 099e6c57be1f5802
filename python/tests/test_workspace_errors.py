"""Malformed or unsupported workspaces: each gives its own exception class and a message naming the JSON path."""

from __future__ import annotations

import copy
import json

import neos_swift
import pytest

BASE = {
    "channels": [
        {
            "name": "SR",
            "samples": [
                {
                    "name": "signal",
                    "data": [5.0, 10.0],
                    "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                },
                {
                    "name": "background",
                    "data": [50.0, 60.0],
                    "modifiers": [
                        {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
                        {
                            "name": "shape",
                            "type": "histosys",
                            "data": {"hi_data": [52.0, 63.0], "lo_data": [48.0, 57.0]},
                        },
                        {"name": "staterror_SR", "type": "staterror", "data": [2.0, 3.0]},
                    ],
                },
            ],
        },
        {
            "name": "CR",
            "samples": [
                {
                    "name": "background",
                    "data": [100.0],
                    "modifiers": [{"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}],
                },
            ],
        },
    ],
    "observations": [{"name": "SR", "data": [53.0, 65.0]}, {"name": "CR", "data": [98.0]}],
    "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}],
    "version": "1.0.0",
}


def edited(edit):
    spec = copy.deepcopy(BASE)
    edit(spec)
    return spec


def set_path(path, value):
    def edit(spec):
        target = spec
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def delete_path(path):
    def edit(spec):
        target = spec
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


def build(spec):
    workspace = neos_swift.Workspace(spec)
    return workspace.model()


CASES = [
    ("malformed JSON", lambda: neos_swift.Workspace('{"channels": [}'), neos_swift.ParseError, "line 1"),
    ("missing channels", lambda: build(edited(delete_path(["channels"]))), neos_swift.ParseError, "channels"),
    (
        "missing samples",
        lambda: build(edited(delete_path(["channels", 0, "samples"]))),
        neos_swift.ParseError,
        "channels[0]",
    ),
    (
        "missing sample name",
        lambda: build(edited(delete_path(["channels", 0, "samples", 1, "name"]))),
        neos_swift.ParseError,
        "channels[0].samples[1]",
    ),
    (
        "missing sample data",
        lambda: build(edited(delete_path(["channels", 0, "samples", 1, "data"]))),
        neos_swift.ParseError,
        "channels[0].samples[1]",
    ),
    (
        "missing modifiers",
        lambda: build(edited(delete_path(["channels", 0, "samples", 0, "modifiers"]))),
        neos_swift.ParseError,
        "channels[0].samples[0]",
    ),
    (
        "sample data of the wrong length",
        lambda: build(edited(set_path(["channels", 0, "samples", 1, "data"], [50.0, 60.0, 70.0]))),
        neos_swift.ModelError,
        "channels[0].samples[1].data",
    ),
    (
        "hi_data of the wrong length",
        lambda: build(
            edited(set_path(["channels", 0, "samples", 1, "modifiers", 1, "data", "hi_data"], [1.0, 2.0, 3.0]))
        ),
        neos_swift.ModelError,
        "channels[0].samples[1].modifiers[1].data.hi_data: expected 2 numbers, got 3",
    ),
    (
        "staterror data of the wrong length",
        lambda: build(edited(set_path(["channels", 0, "samples", 1, "modifiers", 2, "data"], [1.0]))),
        neos_swift.ModelError,
        "channels[0].samples[1].modifiers[2].data",
    ),
    # Python's json writes float("nan") as the token NaN, which JSON does not allow: refused at that position.
    (
        "NaN yield",
        lambda: build(edited(set_path(["channels", 0, "samples", 1, "data"], [float("nan"), 60.0]))),
        neos_swift.ParseError,
        "non-finite numbers (NaN, Infinity) are not allowed",
    ),
    (
        "infinite yield",
        lambda: build(json.dumps(BASE).replace("50.0, 60.0", "1e999, 60.0")),
        neos_swift.NeosError,
        "channels[0].samples[1].data",
    ),
    (
        "unknown modifier type",
        lambda: build(edited(set_path(["channels", 0, "samples", 0, "modifiers", 0, "type"], "normfactorx"))),
        neos_swift.NeosError,
        "channels[0].samples[0].modifiers[0].type",
    ),
    (
        "normsys without hi",
        lambda: build(edited(delete_path(["channels", 0, "samples", 1, "modifiers", 0, "data", "hi"]))),
        neos_swift.ParseError,
        "channels[0].samples[1].modifiers[0].data",
    ),
    (
        "poi not in the model",
        lambda: build(edited(set_path(["measurements", 0, "config", "poi"], "nope"))),
        neos_swift.ModelError,
        "nope",
    ),
    (
        "duplicate channel",
        lambda: build(edited(lambda s: s["channels"].append(copy.deepcopy(s["channels"][1])))),
        neos_swift.ModelError,
        "CR",
    ),
    (
        "duplicate sample",
        lambda: build(
            edited(lambda s: s["channels"][0]["samples"].append(copy.deepcopy(s["channels"][0]["samples"][0])))
        ),
        neos_swift.ModelError,
        "signal",
    ),
    (
        "observations missing for a channel",
        lambda: build(edited(lambda s: s["observations"].pop(1))),
        neos_swift.NeosError,
        "CR",
    ),
    (
        "observation of the wrong length",
        # refused when the data are used: pyhf reads the workspace and builds its models
        lambda: (lambda ws: ws.data(ws.model()))(
            neos_swift.Workspace(edited(set_path(["observations", 0, "data"], [1.0])))
        ),
        neos_swift.NeosError,
        "observations[0].data",
    ),
    (
        "unknown measurement",
        lambda: neos_swift.Workspace(BASE).model(measurement_name="other"),
        neos_swift.InvalidArgument,
        "other",
    ),
    (
        "inits of the wrong length",
        lambda: build(
            edited(set_path(["measurements", 0, "config", "parameters"], [{"name": "staterror_SR", "inits": [1.0]}]))
        ),
        neos_swift.ModelError,
        "staterror_SR",
    ),
    (
        "sigmas on a normfactor",
        lambda: build(edited(set_path(["measurements", 0, "config", "parameters"], [{"name": "mu", "sigmas": [0.1]}]))),
        neos_swift.ModelError,
        "sigmas",
    ),
    (
        "lumi without a parameter config",
        lambda: build(
            edited(
                lambda s: s["channels"][1]["samples"][0]["modifiers"].append(
                    {"name": "lumi", "type": "lumi", "data": None}
                )
            )
        ),
        neos_swift.ModelError,
        "lumi",
    ),
    ("unsupported version", lambda: build(edited(set_path(["version"], "2.0.0"))), neos_swift.NeosError, "version"),
    (
        "jsonpatch on a missing path",
        lambda: neos_swift.Workspace(BASE).model(
            patches=[[{"op": "replace", "path": "/channels/7/samples", "value": []}]]
        ),
        neos_swift.NeosError,
        "/channels/7",
    ),
    (
        "unknown interpolation code",
        lambda: neos_swift.Workspace(BASE).model(modifier_settings={"normsys": {"interpcode": "code9"}}),
        neos_swift.NeosError,
        "code9",
    ),
]


@pytest.mark.parametrize("call, error, fragment", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_malformed_workspace(call, error, fragment):
    with pytest.raises(error) as raised:
        call()
    assert fragment in str(raised.value), str(raised.value)


def test_every_case_is_distinct():
    assert len({case[0] for case in CASES}) == len(CASES) >= 20


def test_bad_arguments():
    model = build(BASE)
    data = neos_swift.Workspace(BASE).data(model)
    with pytest.raises(neos_swift.InvalidArgument, match="n_pars"):
        model.logpdf([1.0], data)
    with pytest.raises(neos_swift.InvalidArgument, match="data"):
        model.logpdf(model.config.suggested_init(), data[:-1])
    with pytest.raises(neos_swift.InvalidArgument):
        model.logpdf([float("nan")] * model.config.npars, data)
