"""neos_swift.schema against pyhf 0.7.6's pyhf.schema: the same schemas, the same verdicts and messages, the
same module state (path, version, cache) and the callable / context-manager way of changing the schema folder."""

from __future__ import annotations

import copy
import json
import socket
import warnings

import neos_swift
import numpy as np
import pyhf
import pytest
from conftest import REFDATA
from neos_swift import schema
from neos_swift.exceptions import InvalidSpecification, SchemaNotFound

SCHEMA_NAMES = ["defs.json", "jsonpatch.json", "measurement.json", "model.json", "patchset.json", "workspace.json"]
WORKSPACE = json.loads((REFDATA / "workspaces" / "validation_2bin_2channel.json").read_text())
MODEL = {"channels": WORKSPACE["channels"], "parameters": WORKSPACE["measurements"][0]["config"]["parameters"]}


@pytest.fixture
def restored_schema_state():
    """Puts the schema folder and cache back as they were, whatever the test did."""
    path, cache = schema.variables.schemas, schema.variables.SCHEMA_CACHE
    saved = dict(cache)
    yield
    schema.variables.schemas, schema.variables.SCHEMA_CACHE = path, cache
    cache.clear()
    cache.update(saved)


def pyhf_validate(spec, name, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pyhf 0.7.6 uses jsonschema's RefResolver
        pyhf.schema.validate(spec, name, **kwargs)


def test_the_public_names_are_pyhfs():
    assert dir(schema) == dir(pyhf.schema)
    assert schema.version == pyhf.schema.version == "1.0.0"
    assert callable(schema)
    assert schema.path.name == "schemas"
    assert sorted(p.name for p in (schema.path / "1.0.0").iterdir()) == SCHEMA_NAMES
    assert neos_swift.schema is schema


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_load_schema_gives_pyhfs_schemas(name):
    loaded = schema.load_schema(f"1.0.0/{name}")
    assert loaded == json.loads((REFDATA / "schemas_1.0.0" / name).read_text())
    assert loaded == pyhf.schema.load_schema(f"1.0.0/{name}")
    assert schema.load_schema(f"1.0.0/{name}") is loaded
    assert schema.variables.SCHEMA_CACHE[loaded["$id"]] is loaded


def test_the_definitions_are_cached_at_import():
    assert schema.variables.SCHEMA_BASE + "1.0.0/defs.json" in schema.variables.SCHEMA_CACHE


@pytest.mark.parametrize("schema_id", ["0.0.0/defs.json", "nothing.json", "1.0.0/model"])
def test_a_missing_schema_is_schema_not_found(schema_id):
    with pytest.raises(SchemaNotFound, match="check the version") as raised:
        schema.load_schema(schema_id)
    assert isinstance(raised.value, FileNotFoundError)
    assert isinstance(raised.value, neos_swift.NeosError)
    with pytest.raises(SchemaNotFound):
        schema.validate(MODEL, "model.json", version="0.0.0")


def _patchset():
    return json.loads((REFDATA / "tests_data" / "test_patchset__example_patchset.json").read_text())


VALID = [
    ("workspace.json", WORKSPACE),
    ("workspace.json", json.loads((REFDATA / "sbottom_ins1748602" / "RegionA" / "BkgOnly.json").read_text())),
    ("model.json", MODEL),
    ("measurement.json", WORKSPACE["measurements"][0]),
    ("patchset.json", _patchset()),
    (
        "jsonpatch.json",
        json.loads((REFDATA / "sbottom_ins1748602" / "RegionA" / "patch.sbottom_1300_205_60.json").read_text()),
    ),
]


@pytest.mark.parametrize(("name", "spec"), VALID, ids=[f"{i}-{case[0]}" for i, case in enumerate(VALID)])
def test_valid_documents_validate(name, spec):
    assert schema.validate(spec, name) is None
    pyhf_validate(spec, name)


def _mutated(spec, path, value):
    spec = copy.deepcopy(spec)
    target = spec
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return spec


_DELETE = object()
SAMPLE = ["channels", 0, "samples", 0]
INVALID = [
    ("model.json", {"channels": []}),
    ("model.json", _mutated(MODEL, ["channels", 0, "samples"], [])),
    ("model.json", _mutated(MODEL, [*SAMPLE, "data"], [])),
    ("model.json", _mutated(MODEL, [*SAMPLE, "name"], _DELETE)),
    ("model.json", _mutated(MODEL, [*SAMPLE, "modifiers", 0, "type"], "no_such_modifier")),
    ("model.json", _mutated(MODEL, [*SAMPLE, "extra"], 1)),
    ("model.json", _mutated(MODEL, ["parameters"], [{"name": "mu", "inits": ["a"]}])),
    ("model.json", _mutated(MODEL, ["parameters"], [{"name": "mu", "op_code": "x"}])),
    ("model.json", _mutated(MODEL, [*SAMPLE, "data", 0], "1.0")),
    ("workspace.json", _mutated(WORKSPACE, ["observations"], _DELETE)),
    ("workspace.json", _mutated(WORKSPACE, ["version"], "2.0.0")),
    ("workspace.json", _mutated(WORKSPACE, ["measurements", 0, "config", "poi"], 5)),
    ("measurement.json", {"name": "m"}),
    ("patchset.json", _mutated(_patchset(), ["patches"], [])),
    ("patchset.json", _mutated(_patchset(), ["metadata", "digests"], {"sha256": "not-hex"})),
    ("patchset.json", _mutated(_patchset(), ["version"], _DELETE)),
    ("jsonpatch.json", [{"op": "add", "path": "/a"}]),
    ("jsonpatch.json", [{"op": "move", "path": "/a"}]),
    ("jsonpatch.json", [{"op": "frobnicate", "path": "/a", "value": 1}]),
]


@pytest.mark.parametrize(("name", "spec"), INVALID, ids=[f"{i}-{case[0]}" for i, case in enumerate(INVALID)])
def test_invalid_documents_raise_pyhfs_invalid_specification(name, spec):
    with pytest.raises(InvalidSpecification) as ours:
        schema.validate(spec, name)
    with pytest.raises(pyhf.exceptions.InvalidSpecification) as theirs:
        pyhf_validate(spec, name)
    assert str(ours.value) == str(theirs.value)
    assert ours.value.path == theirs.value.path
    assert ours.value.instance == theirs.value.instance
    assert ours.value.schema == name
    assert isinstance(ours.value, neos_swift.ParseError)


def test_version_and_allow_tensors_are_keyword_only():
    assert schema.validate.__kwdefaults__ == {"version": None, "allow_tensors": True}
    with pytest.raises(TypeError):
        schema.validate(MODEL, "model.json", "1.0.0")
    assert schema.validate(MODEL, "model.json", version="1.0.0") is None


def _with_arrays(make):
    spec = copy.deepcopy(MODEL)
    for channel in spec["channels"]:
        for sample in channel["samples"]:
            sample["data"] = make(sample["data"])
    return spec


def test_numpy_arrays_and_scalars_count_as_arrays_and_numbers():
    spec = _with_arrays(np.asarray)
    assert schema.validate(spec, "model.json") is None
    scalars = _with_arrays(lambda data: [np.float32(x) for x in data])
    assert schema.validate(scalars, "model.json") is None
    with pytest.raises(InvalidSpecification, match="is not of type 'array'"):
        schema.validate(spec, "model.json", allow_tensors=False)
    # NumPy's scalars are numbers.Number, so plain draft 6 takes them as numbers too (as pyhf does).
    assert schema.validate(scalars, "model.json", allow_tensors=False) is None
    pyhf_validate(scalars, "model.json", allow_tensors=False)


def test_jax_arrays_count_as_arrays_once_jax_is_imported():
    jnp = pytest.importorskip("jax.numpy")
    spec = _with_arrays(jnp.asarray)
    assert schema.validate(spec, "model.json") is None
    with pytest.raises(InvalidSpecification):
        schema.validate(spec, "model.json", allow_tensors=False)


def test_the_default_of_allow_tensors_is_read_at_each_call(monkeypatch):
    monkeypatch.setattr(schema.validate, "__kwdefaults__", {"version": None, "allow_tensors": False})
    with pytest.raises(InvalidSpecification):
        schema.validate(_with_arrays(np.asarray), "model.json")


def _custom_schemas(folder, version="1.1.0", max_channels=1):
    """A copy of pyhf's schemas as version ``version`` with relative ids, whose models have at most
    ``max_channels`` channels (so that using them shows in the verdict)."""
    (folder / version).mkdir(parents=True)
    for name in SCHEMA_NAMES:
        document = json.loads((REFDATA / "schemas_1.0.0" / name).read_text())
        document["$id"] = f"{version}/{name}"
        if name == "defs.json":
            document["definitions"]["model"]["properties"]["channels"]["maxItems"] = max_channels
        # The documents of this version name it (pyhf's 1.0.0 schema pins "version" to "1.0.0").
        (folder / version / name).write_text(json.dumps(document).replace('"const": "1.0.0"', f'"const": "{version}"'))
    return folder


def test_calling_the_module_changes_the_folder_and_empties_the_cache(tmp_path, restored_schema_state):
    original = schema.path
    folder = _custom_schemas(tmp_path / "custom")
    assert schema(folder) is schema
    assert schema.path == folder
    assert len(schema.variables.SCHEMA_CACHE) == 0
    assert len(MODEL["channels"]) == 2
    with pytest.raises(InvalidSpecification, match="is too long"):
        schema.validate(MODEL, "model.json", version="1.1.0")
    one_channel = {"channels": MODEL["channels"][:1]}
    assert schema.validate(one_channel, "model.json", version="1.1.0") is None
    assert list(schema.variables.SCHEMA_CACHE) == ["1.1.0/model.json"]
    with pytest.raises(SchemaNotFound):
        schema.validate(MODEL, "model.json")  # 1.0.0 is not in the new folder
    schema(original)
    assert schema.path == original
    assert schema.validate(MODEL, "model.json") is None


def test_the_module_as_context_manager_restores_folder_and_cache(tmp_path, restored_schema_state):
    original_path, original_cache = schema.path, schema.variables.SCHEMA_CACHE
    saved = dict(original_cache)
    folder = _custom_schemas(tmp_path / "custom")
    with schema(folder) as entered:
        assert entered is None
        assert schema.path == folder
        assert schema.variables.SCHEMA_CACHE == {}
        assert schema.validate({"channels": MODEL["channels"][:1]}, "model.json", version="1.1.0") is None
        assert len(schema.variables.SCHEMA_CACHE) == 1
    assert schema.path == original_path
    assert schema.variables.SCHEMA_CACHE == saved
    with pytest.raises(ZeroDivisionError):
        with schema(folder):
            schema.validate({"channels": MODEL["channels"][:1]}, "model.json", version="1.1.0")
            raise ZeroDivisionError
    assert schema.path == original_path
    assert schema.variables.SCHEMA_CACHE == saved


def test_validation_never_uses_the_network(tmp_path, monkeypatch, restored_schema_state):
    def refuse(*args, **kwargs):
        raise AssertionError("schema validation opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for key in [k for k in schema.variables.SCHEMA_CACHE if not k.endswith("/defs.json")]:
        del schema.variables.SCHEMA_CACHE[key]
    assert schema.validate(WORKSPACE, "workspace.json") is None
    # Even with the definitions gone from the cache they come from the local file.
    schema.variables.SCHEMA_CACHE.clear()
    assert schema.validate(WORKSPACE, "workspace.json") is None
    assert schema.validate(_patchset(), "patchset.json") is None


def test_a_workspace_is_checked_against_the_schema_of_its_version(tmp_path, restored_schema_state):
    # A 1.1.0 workspace is read by the core (schema major version 1) and validated against the user's 1.1.0 schema
    # folder; without such a folder, its schema is not found.
    one_channel = {
        "channels": MODEL["channels"][:1],
        "observations": [
            {"name": MODEL["channels"][0]["name"], "data": [1.0] * len(MODEL["channels"][0]["samples"][0]["data"])}
        ],
        "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.1.0",
    }
    with pytest.raises(SchemaNotFound):
        neos_swift.Workspace(one_channel)
    with schema(_custom_schemas(tmp_path / "custom")):
        workspace = neos_swift.Workspace(one_channel)
        assert workspace.version == "1.1.0"
    with pytest.raises(InvalidSpecification, match="unsupported workspace version"):
        neos_swift.Workspace(dict(one_channel, version="2.0.0"), validate=False)
