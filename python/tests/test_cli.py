"""neos_swift.cli: pyhf 0.7.6's command line on neos_swift.

Each command runs through click's CliRunner and its output is compared with what neos_swift's API returns for the
same input; ``cls`` and ``fit`` are also compared with the JSON of the real ``pyhf`` command (pyhf 0.7.6 in the test
environment) run with a tight SLSQP tolerance, i.e. pyhf converged: its default stops short of the minimum. A few
runs go through a real process (``python -m neos_swift.cli``) to check exit statuses and standard error.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import neos_swift
import numpy as np
import pytest
from click.testing import CliRunner
from conftest import REFDATA
from neos_swift import PatchSet, Workspace, utils
from neos_swift.cli import cli
from neos_swift.infer import hypotest, mle

TWO_BIN = REFDATA / "docs_examples" / "2-bin_1-channel.json"
COUPLED = REFDATA / "workspaces" / "validation_2bin_2channel_coupledhistosys.json"
BKGONLY = REFDATA / "tests_data" / "test_patchset__example_bkgonly.json"
PATCHSET = REFDATA / "tests_data" / "test_patchset__example_patchset.json"

# Against pyhf converged (its scipy fit at tolerance 1e-12): the tolerance of python/tests' pyhf comparisons.
CLS_RTOL = 1e-6
PARAMETER_RTOL, PARAMETER_ATOL = 1e-5, 1e-6
# The same computation through the API and through the command line: equal but for JSON's float round trip.
SAME_RTOL = 1e-12
PYHF_CONVERGED = ["--optconf", "tolerance=1.0e-12"]


def run(*args, stdin=None):
    """Invoke the command line in this process; returns click's Result (exit code, stdout, stderr)."""
    return CliRunner().invoke(cli, [str(arg) for arg in args], input=stdin)


def ok(*args, stdin=None):
    result = run(*args, stdin=stdin)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def subprocess_env():
    env = dict(os.environ)
    package_root = str(Path(neos_swift.__file__).resolve().parents[1])
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def neos_process(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "neos_swift.cli", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        env=subprocess_env(),
        check=False,
    )


def pyhf_command(*args):
    """The real pyhf 0.7.6 command's JSON output (the executable beside this Python)."""
    executable = shutil.which("pyhf", path=str(Path(sys.executable).parent))
    assert executable is not None, "pyhf 0.7.6 (python/requirements-test.txt) has no pyhf command beside this Python"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run([executable, *map(str, args)], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout)


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


COMMANDS = [
    [],
    ["inspect"],
    ["prune"],
    ["rename"],
    ["combine"],
    ["digest"],
    ["sort"],
    ["fit"],
    ["cls"],
    ["patchset"],
    ["patchset", "extract"],
    ["patchset", "apply"],
    ["patchset", "inspect"],
    ["patchset", "verify"],
    ["xml2json"],
    ["json2xml"],
    ["contrib"],
    ["contrib", "download"],
    ["completions"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda words: " ".join(words) or "top")
def test_every_command_answers_help(command):
    text = ok(*command, "--help")
    assert text.startswith("Usage: ")


def test_version_is_the_packages_and_citation_names_pyhf_then_neos_swift():
    assert neos_swift.__version__ in ok("--version")
    for flag in ("--cite", "--citation"):
        text = ok(flag)
        assert text.startswith("@software{pyhf,")
        assert "@article{pyhf_joss," in text and "doi = {10.21105/joss.02823}" in text
        assert text.rstrip("\n").endswith(utils.citation())
        assert text.endswith("}\n")


def test_inspect_prints_the_tables_and_writes_the_summary(tmp_path):
    text = ok("inspect", TWO_BIN)
    lines = text.splitlines()
    assert [line.split() for line in lines[2:6]] == [
        ["channels", "1"],
        ["samples", "2"],
        ["parameters", "2"],
        ["modifiers", "2"],
    ]
    assert "  singlechannel    2  " in lines
    assert any(line.split() == ["uncorr_bkguncrt", "constrained_by_poisson", "shapesys"] for line in lines)
    assert any(line.split() == ["(*)", "Measurement", "mu", "(none)"] for line in lines)
    # every name column is right-aligned to the longest name (here the parameter uncorr_bkguncrt)
    assert lines[-2].startswith("(*) Measurement") and lines[-1] == ""
    summary_file = tmp_path / "summary.json"
    assert ok("inspect", TWO_BIN, "--output-file", summary_file) == text
    summary = load(summary_file)
    ws = Workspace(load(TWO_BIN))
    assert summary["samples"] == ws.samples
    assert summary["channels"] == [["singlechannel", 2]]
    assert summary["modifiers"] == dict(ws.modifiers)
    assert summary["parameters"] == [["mu", "unconstrained"], ["uncorr_bkguncrt", "constrained_by_poisson"]]
    assert summary["systematics"] == [
        ["mu", "unconstrained", ["normfactor"]],
        ["uncorr_bkguncrt", "constrained_by_poisson", ["shapesys"]],
    ]
    assert summary["measurements"] == [["Measurement", "mu", []]]


def test_workspace_commands_print_what_the_api_returns(tmp_path):
    spec = load(COUPLED)
    ws = Workspace(spec)
    channel = ws.channels[0]

    pruned = json.loads(ok("prune", COUPLED, "-c", channel))
    assert pruned == json.loads(json.dumps(ws.prune(channels=[channel])))
    renamed = json.loads(ok("rename", COUPLED, "-c", channel, "renamed", "-m", "mu", "signal_strength"))
    assert renamed == json.loads(
        json.dumps(ws.rename(channels={channel: "renamed"}, modifiers={"mu": "signal_strength"}))
    )

    renamed_file = tmp_path / "renamed.json"
    measurements = [("--measurement", name, f"other_{name}") for name in ws.measurement_names]
    ok(
        "rename",
        COUPLED,
        *[word for option in measurements for word in option],
        "-c",
        channel,
        "renamed",
        "--output-file",
        renamed_file,
    )
    combined = json.loads(ok("combine", COUPLED, renamed_file, "--join", "outer"))
    expected = Workspace.combine(ws, Workspace(load(renamed_file)), join="outer")
    assert combined == json.loads(json.dumps(expected))
    assert Workspace(combined).channels == sorted([*ws.channels, "renamed"])

    assert json.loads(ok("sort", COUPLED)) == json.loads(json.dumps(Workspace.sorted(ws)))
    assert ok("sort", "-", stdin=COUPLED.read_text()) == ok("sort", COUPLED)

    plain = ok("digest", COUPLED, "-a", "sha256", "-a", "md5")
    assert plain == f"sha256:{utils.digest(ws)}\nmd5:{utils.digest(ws, algorithm='md5')}\n"
    as_json = json.loads(ok("digest", COUPLED, "-a", "md5", "-j"))
    assert as_json == {"md5": utils.digest(ws, algorithm="md5")}


def test_fit_matches_the_api_and_pyhf_converged(tmp_path):
    for path in (TWO_BIN, COUPLED):
        ws = Workspace(load(path))
        model = ws.model()
        best, twice_nll = mle.fit(ws.data(model), model, return_fitted_val=True)
        ours = json.loads(ok("fit", path, "--value"))
        assert set(ours) == {"mle_parameters", "twice_nll"}
        np.testing.assert_allclose(ours["twice_nll"], float(twice_nll), rtol=SAME_RTOL)
        for name, entry in model.config.par_map.items():
            np.testing.assert_allclose(ours["mle_parameters"][name], best[entry["slice"]], rtol=SAME_RTOL, atol=1e-15)

        theirs = pyhf_command("fit", path, "--value", *PYHF_CONVERGED)
        assert set(theirs["mle_parameters"]) == set(ours["mle_parameters"])
        for name, values in theirs["mle_parameters"].items():
            np.testing.assert_allclose(ours["mle_parameters"][name], values, rtol=PARAMETER_RTOL, atol=PARAMETER_ATOL)
        # ours is the lower minimum or the same one to rounding
        assert ours["twice_nll"] <= theirs["twice_nll"] + 1e-9

    output = tmp_path / "fit.json"
    assert ok("fit", TWO_BIN, "--output-file", output) == ""
    assert set(load(output)) == {"mle_parameters"}


def test_cls_matches_the_api_and_pyhf_converged():
    for path in (TWO_BIN, COUPLED):
        ws = Workspace(load(path))
        model = ws.model(modifier_settings={"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}})
        for test_poi in (1.0, 1.5):
            observed, expected = hypotest(test_poi, ws.data(model), model, return_expected_set=True)
            ours = json.loads(ok("cls", path, "--test-poi", test_poi))
            np.testing.assert_allclose(ours["CLs_obs"], float(observed), rtol=SAME_RTOL)
            np.testing.assert_allclose(ours["CLs_exp"], np.asarray(expected, dtype=float), rtol=SAME_RTOL)
            theirs = pyhf_command("cls", path, "--test-poi", test_poi, *PYHF_CONVERGED)
            np.testing.assert_allclose(ours["CLs_obs"], theirs["CLs_obs"], rtol=CLS_RTOL)
            np.testing.assert_allclose(ours["CLs_exp"], theirs["CLs_exp"], rtol=CLS_RTOL)


def test_cls_where_pyhfs_free_fit_stays_in_a_higher_minimum():
    """At mu = 0.5 on the coupled-histosys workspace the free fit from pyhf's start (mu = 1) settles at twice NLL
    30.80, above the fit with mu held at 0.5; the likelihood's lower minimum (29.33, mu = 0.43) is where a free fit
    started at mu = 0.5 goes. pyhf then clips q to 0 (CLs_obs 0.561); ours uses the lower minimum (q = 0.043)."""
    ws = Workspace(load(COUPLED))
    model = ws.model(modifier_settings={"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}})
    data = ws.data(model)
    _, held = mle.fixed_poi_fit(0.5, data, model, return_fitted_val=True)
    lower, lowest = mle.fit(data, model, init_pars=[0.0, 0.5], return_fitted_val=True)
    theirs = pyhf_command("cls", COUPLED, "--test-poi", 0.5, *PYHF_CONVERGED)
    pyhf_free = pyhf_command("fit", COUPLED, "--value", *PYHF_CONVERGED)["twice_nll"]
    assert lowest < held < pyhf_free and lower[model.config.poi_index] < 0.5
    ours = json.loads(ok("cls", COUPLED, "--test-poi", 0.5))
    observed = hypotest(0.5, data, model, test_stat="qtilde")
    np.testing.assert_allclose(ours["CLs_obs"], float(observed), rtol=SAME_RTOL)
    assert ours["CLs_obs"] < 0.5 < theirs["CLs_obs"]  # with q = 0, CLs is 0.5 / CLb >= 0.5


def test_cls_and_fit_take_patches_from_files_and_standard_input(tmp_path):
    operations = [{"op": "replace", "path": "/channels/0/samples/0/data", "value": [6.0, 7.0]}]
    patch = tmp_path / "patch.json"
    patch.write_text(json.dumps(operations))
    ws = Workspace(load(TWO_BIN))
    model = ws.model(patches=[operations])
    best = mle.fit(ws.data(model), model)
    from_file = json.loads(ok("fit", TWO_BIN, "-p", patch))
    from_stdin = json.loads(ok("fit", TWO_BIN, "--patch", "-", stdin=json.dumps(operations)))
    assert from_file == from_stdin
    np.testing.assert_allclose(from_file["mle_parameters"]["mu"], best[model.config.par_slice("mu")], rtol=SAME_RTOL)
    assert json.loads(ok("cls", TWO_BIN, "-p", patch)) != json.loads(ok("cls", TWO_BIN))


def test_optimizer_options_reach_the_fit():
    limited = run("fit", COUPLED, "--optconf", "maxiter=1")
    assert limited.exit_code == 1
    assert isinstance(limited.exception, neos_swift.exceptions.FailedMinimization)
    assert run("fit", COUPLED, "--optconf", "maxiter=1000").exit_code == 0
    minuit = json.loads(ok("cls", COUPLED, "--optimizer", "minuit"))
    scipy = json.loads(ok("cls", COUPLED))
    np.testing.assert_allclose(minuit["CLs_exp"], scipy["CLs_exp"], rtol=CLS_RTOL)
    bad = run("fit", COUPLED, "--optconf", "maxiter")
    assert bad.exit_code == 2
    assert "expected key=value" in bad.stderr


def test_patchset_commands_follow_the_patchset_api(tmp_path):
    patchset = PatchSet(load(PATCHSET))
    first = patchset.patches[0]
    listed = ok("patchset", "inspect", PATCHSET)
    assert f"{len(patchset.patches)} patches found in Patchset" in listed
    assert listed.splitlines()[-len(patchset.patches) :] == [patch.name for patch in patchset.patches]

    assert json.loads(ok("patchset", "extract", PATCHSET, "--name", first.name)) == first.patch
    with_metadata = json.loads(ok("patchset", "extract", PATCHSET, "--name", first.name, "--with-metadata"))
    assert with_metadata["patch"] == first.patch
    assert with_metadata["metadata"] == {**first.metadata, **patchset.metadata}

    ws = Workspace(load(BKGONLY))
    applied = tmp_path / "applied.json"
    ok("patchset", "apply", BKGONLY, PATCHSET, "--name", first.name, "--output-file", applied)
    assert load(applied) == json.loads(json.dumps(patchset.apply(ws, first.name)))
    assert ok("patchset", "verify", BKGONLY, PATCHSET) == "All good.\n"

    missing = run("patchset", "extract", PATCHSET, "--name", "no_such_patch")
    assert isinstance(missing.exception, neos_swift.exceptions.InvalidPatchLookup)
    other = tmp_path / "other.json"
    other.write_text(json.dumps(Workspace(load(TWO_BIN))))
    unverified = run("patchset", "verify", other, PATCHSET)
    assert isinstance(unverified.exception, neos_swift.exceptions.PatchSetVerificationError)


def test_json2xml_then_xml2json_gives_the_workspace_back(tmp_path):
    from neos_swift import readxml

    out = tmp_path / "xml"
    out.mkdir()
    ok("json2xml", COUPLED, "--output-dir", out)
    top = out / "FitConfig.xml"
    assert top.is_file() and any((out / "config").iterdir()) and any((out / "data").iterdir())
    converted = tmp_path / "converted.json"
    assert ok("xml2json", top, "--basedir", out, "--hide-progress", "--output-file", converted) == ""
    assert load(converted) == json.loads(json.dumps(readxml.parse(top, out)))
    back, original = Workspace(load(converted)), Workspace(load(COUPLED))
    assert back.channels == original.channels and back.samples == original.samples
    back_model, original_model = back.model(), original.model()
    np.testing.assert_allclose(back.data(back_model), original.data(original_model), rtol=SAME_RTOL)
    from_xml, from_json = json.loads(ok("cls", converted)), json.loads(ok("cls", COUPLED))
    np.testing.assert_allclose(from_xml["CLs_exp"], from_json["CLs_exp"], rtol=CLS_RTOL)
    np.testing.assert_allclose(from_xml["CLs_obs"], from_json["CLs_obs"], rtol=CLS_RTOL)


def test_xml2json_refuses_a_mount_without_one_colon(tmp_path):
    (tmp_path / "top.xml").write_text("<Combination/>")
    for mount in (f"{tmp_path}::/x", str(tmp_path)):
        result = run("xml2json", tmp_path / "top.xml", "-v", mount)
        assert result.exit_code == 2
        assert "is not a valid colon-separated option" in result.stderr


def test_contrib_download_refuses_an_unknown_host_without_force(tmp_path):
    result = run("contrib", "download", "https://example.invalid/archive.tar.gz", tmp_path / "out")
    assert isinstance(result.exception, neos_swift.exceptions.InvalidArchiveHost)
    assert not (tmp_path / "out").exists()


def test_completions_with_and_without_click_completion(monkeypatch):
    # the module (neos_swift.cli's attribute of that name is its command, as in pyhf)
    complete = importlib.import_module("neos_swift.cli.complete")
    assert "complete -F _pyhf_completion -o default pyhf" in CliRunner().invoke(complete.cli, ["bash"]).output
    monkeypatch.setitem(sys.modules, "click_completion", None)
    try:
        importlib.reload(complete)
        text = CliRunner().invoke(complete.cli, ["bash"]).output
        assert "You can install it with the shellcomplete extra" in text
        assert "neos-swift[shellcomplete]" in text
    finally:
        monkeypatch.undo()
        importlib.reload(complete)


def test_a_real_process_prints_the_same_json_and_reports_errors():
    done = neos_process("cls", COUPLED)
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout) == json.loads(ok("cls", COUPLED))
    version = neos_process("--version")
    assert version.returncode == 0 and neos_swift.__version__ in version.stdout and version.stderr == ""

    from_stdin = neos_process("digest", stdin=TWO_BIN.read_text())
    assert from_stdin.stdout == f"sha256:{utils.digest(Workspace(load(TWO_BIN)))}\n"

    wrong_measurement = neos_process("cls", COUPLED, "--measurement", "no_such_measurement")
    assert wrong_measurement.returncode == 1
    assert wrong_measurement.stderr.rstrip().splitlines()[-1].startswith("neos_swift.exceptions.InvalidMeasurement: ")

    usage = neos_process("cls", COUPLED, "--test-stat", "q1")
    assert usage.returncode == 2 and "Invalid value for '--test-stat'" in usage.stderr

    host = neos_process("contrib", "download", "https://example.invalid/a.tar.gz", "out")
    assert host.returncode == 1
    assert "neos_swift.exceptions.InvalidArchiveHost: example.invalid is not an approved archive host" in host.stderr


def test_under_the_pyhf_alias_errors_name_the_alias(tmp_path):
    launcher = tmp_path / "launch.py"
    launcher.write_text(
        "import sys\nimport neos_swift\nsys.modules['pyhf'] = neos_swift\n"
        "import pyhf.cli\nassert pyhf.cli.cli is neos_swift.cli.cli\n"
        "from neos_swift.cli.cli import main\nmain()\n"
    )
    done = subprocess.run(
        [sys.executable, str(launcher), "contrib", "download", "https://example.invalid/a.tar.gz", "out"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        check=False,
    )
    assert done.returncode == 1
    assert "pyhf.exceptions.InvalidArchiveHost: example.invalid is not an approved archive host" in done.stderr
