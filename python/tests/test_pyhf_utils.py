"""neos_swift.utils against pyhf 0.7.6's pyhf.utils: the same digests, the same option parsing."""

from __future__ import annotations

import json

import click
import pyhf
import pytest
from click.testing import CliRunner
from conftest import REFDATA
from neos_swift import utils


def test_the_public_names_are_pyhfs():
    assert dir(utils) == dir(pyhf.utils)


DIGESTED = [
    {},
    {"b": 1, "a": [1.5, None, True], "c": {"z": "x", "y": 2}},
    {"name": "μ-signal", "data": [1e-300, -0.0, 12345678901234567890]},
    ["a", {"k": [[], {}]}],
    "text",
    3.25,
]


@pytest.mark.parametrize("obj", DIGESTED)
@pytest.mark.parametrize("algorithm", ["sha256", "md5", "sha1", "sha512", "blake2b"])
def test_digest_is_pyhfs(obj, algorithm):
    assert utils.digest(obj, algorithm=algorithm) == pyhf.utils.digest(obj, algorithm=algorithm)


def test_digest_of_a_workspace_is_pyhfs_and_ignores_key_order():
    spec = json.loads((REFDATA / "workspaces" / "validation_1bin_shapesys.json").read_text())
    reordered = json.loads(json.dumps(dict(reversed(list(spec.items())))))
    assert utils.digest(spec) == pyhf.utils.digest(spec)
    assert utils.digest(reordered) == utils.digest(spec)
    assert len(utils.digest(spec)) == 64


def test_digest_refuses_what_json_cannot_write():
    with pytest.raises(ValueError, match="not JSON-serializable"):
        utils.digest({"a": object()})


def test_digest_refuses_an_unknown_algorithm_by_name():
    with pytest.raises(ValueError, match="no_such_hash"):
        utils.digest({}, algorithm="no_such_hash")


def test_digest_takes_every_name_hashlib_new_knows():
    import hashlib

    text = json.dumps({"b": [1, 2], "a": "é"}, sort_keys=True, ensure_ascii=False).encode("utf-8")
    # sha512_256 is an OpenSSL name: hashlib.new knows it, hashlib has no attribute of that name
    assert utils.digest({"a": "é", "b": [1, 2]}, algorithm="sha512_256") == hashlib.new("sha512_256", text).hexdigest()


def test_digest_of_a_circular_object_is_a_value_error():
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        utils.digest(loop)


OPTIONS = [
    ["n=3"],
    ["x=-2.5", "flag=false", "other=True"],
    ["tol=1.0e-8", "loose=1e-8"],
    ["name=fit", "expr=a=b=c"],
    ["empty="],
    ["list=[1, 2]", "null=~"],
]


@pytest.mark.parametrize("opts", OPTIONS)
def test_options_from_eqdelimstring_is_pyhfs(opts):
    assert utils.options_from_eqdelimstring(opts) == pyhf.utils.options_from_eqdelimstring(opts)


def test_options_from_eqdelimstring_types():
    assert utils.options_from_eqdelimstring(["a=10", "b=1.0e-8", "c=off", "d=x=y"]) == {
        "a": 10,
        "b": 1e-8,
        "c": False,
        "d": "x=y",
    }


def test_an_option_without_equals_sign_is_an_index_error():
    with pytest.raises(IndexError):
        utils.options_from_eqdelimstring(["novalue"])


def test_eqdelim_param_type_in_a_click_command():
    assert issubclass(utils.EqDelimStringParamType, click.ParamType)
    assert utils.EqDelimStringParamType.name == pyhf.utils.EqDelimStringParamType.name

    @click.command()
    @click.option("--opt", "opts", type=utils.EqDelimStringParamType(), multiple=True)
    def command(opts):
        click.echo(json.dumps(list(opts)))

    runner = CliRunner()
    good = runner.invoke(command, ["--opt", "maxiter=100", "--opt", "method=SLSQP"])
    assert good.exit_code == 0
    assert json.loads(good.output) == [{"maxiter": 100}, {"method": "SLSQP"}]
    bad = runner.invoke(command, ["--opt", "maxiter"])
    assert bad.exit_code == 2
    assert "maxiter has no '=': expected key=value" in bad.output


def test_citation_is_neos_swifts():
    import neos_swift

    text = utils.citation()
    assert text.startswith("@software{neos_swift,")
    assert neos_swift.__version__ in text
    assert "pyhf" not in text.split("\n", 1)[0]
    assert text.count("\n") >= 2
    oneline = utils.citation(oneline=True)
    assert "\n" not in oneline
    assert oneline == "".join(text.splitlines())
