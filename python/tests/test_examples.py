"""The scripts in examples/ run with their short settings and print what the API answers directly.

Each example runs in a child process with the library under test (the one this process imported: $NEOS_LIBRARY
or the installed package's), and its output is compared with the same computation made here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import neos_swift
import numpy as np
import pytest
from conftest import REFDATA, REPO
from neos_swift._library import path as LIBRARY_PATH

EXAMPLES = REPO / "examples"
SBOTTOM = REFDATA / "sbottom_ins1748602" / "RegionA"


def run_example(name, *arguments, cwd):
    """stdout of ``python examples/NAME --quick ARGUMENTS``; a failing example fails the test with its stderr."""
    environment = dict(os.environ, NEOS_LIBRARY=str(LIBRARY_PATH))
    # The child imports the same package as this process (a source tree on PYTHONPATH, or the installed one).
    package_root = str(os.path.dirname(os.path.dirname(neos_swift.__file__)))
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--quick", *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_pyhf_migration_prints_the_apis_hypotest_and_limits(tmp_path):
    output = json.loads(run_example("pyhf_migration.py", cwd=tmp_path))
    # The example's default workspace, read here by the API directly.
    workspace = neos_swift.Workspace(json.loads((REFDATA / "workspaces" / "validation_1bin_lumi.json").read_text()))
    model = workspace.model()
    data = workspace.data(model)
    observed, expected = neos_swift.infer.hypotest(1.0, data, model, return_expected_set=True)
    # Same library, same inputs: equal to rounding (1e-12 relative allows a different summation order only).
    assert output["cls_observed"] == pytest.approx(float(observed), rel=1e-12)
    assert output["cls_expected"] == pytest.approx([float(value) for value in expected], rel=1e-12)
    limit, expected_limits = neos_swift.infer.intervals.upper_limits.upper_limit(
        data, model, scan=np.linspace(0, 5, 11)
    )
    assert output["upper_limit_observed"] == pytest.approx(float(limit), rel=1e-12)
    assert output["upper_limit_expected"] == pytest.approx([float(value) for value in expected_limits], rel=1e-12)
    # The expected limits are a band: increasing from -2 sigma to +2 sigma, all inside the scan.
    assert np.all(np.diff(output["upper_limit_expected"]) > 0)
    assert 0 < output["upper_limit_expected"][0] and output["upper_limit_expected"][-1] < 5


def test_jax_training_loop_lowers_the_loss(tmp_path):
    output = json.loads(run_example("jax_training_loop.py", cwd=tmp_path))
    losses = output["losses"] + [output["final_loss"]]
    assert len(losses) == 4
    assert all(0 < value < 1 for value in losses)  # an expected CLs
    # Normalised gradient steps of 1e-3 on a smooth loss: each step lowers it.
    assert np.all(np.diff(losses) < 0), losses


def test_train_on_workspace_writes_metrics(tmp_path):
    output = json.loads(run_example("train_on_workspace.py", "--out", str(tmp_path / "run"), cwd=tmp_path))
    assert output["steps"] == 3
    assert 0 <= output["best_step"] < 3
    assert 0 < output["test"]["cls"] < 1 and 0 < output["test"]["discovery"] < 1 and output["test"]["poi_uncert"] > 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert [step["step"] for step in metrics["steps"]] == [0, 1, 2]
    assert metrics["config"]["workspace"]["channels"][0]["name"] == "SR"


def test_signal_grid_writes_the_apis_cls(tmp_path):
    run_example("signal_grid.py", "--out", "grid.json", cwd=tmp_path)
    table = json.loads((tmp_path / "grid.json").read_text())
    first = sorted(SBOTTOM.glob("patch.sbottom_*.json"))[0]
    assert [row["patch"] for row in table] == [first.name]
    workspace = neos_swift.Workspace(json.loads((SBOTTOM / "BkgOnly.json").read_text()))
    model = workspace.model(patches=[json.loads(first.read_text())])
    observed, expected = neos_swift.infer.hypotest(1.0, workspace.data(model), model, return_expected_set=True)
    assert table[0]["cls_observed"] == pytest.approx(float(observed), rel=1e-12)
    assert table[0]["cls_expected"] == pytest.approx([float(value) for value in expected], rel=1e-12)
    assert table[0]["masses"] == [float(mass) for mass in first.stem.split("_")[1:]]


def test_c_and_cpp_examples_print_the_apis_cls(tmp_path):
    subprocess.run(
        ["make", "-s", "-C", str(EXAMPLES / "c"), f"NEOS_LIBRARY={LIBRARY_PATH.parent}", f"OUT={tmp_path}"],
        check=True,
        capture_output=True,
        text=True,
    )
    workspace_path = REFDATA / "workspaces" / "validation_1bin_lumi.json"
    workspace = neos_swift.Workspace(json.loads(workspace_path.read_text()))
    model = workspace.model()
    observed, expected = neos_swift.infer.hypotest(1.0, workspace.data(model), model, return_expected_set=True)
    for program in ("hypotest", "hypotest_cpp"):
        result = subprocess.run(
            [str(tmp_path / program), str(workspace_path)], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
        # Printed with 10 significant digits.
        assert float(lines["CLs"]) == pytest.approx(float(observed), rel=1e-9)
        assert [float(value) for value in lines["expected"].split()] == pytest.approx(
            [float(value) for value in expected], rel=1e-9
        )
    # A file that is not a workspace: a one-line error and a non-zero exit.
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    for program in ("hypotest", "hypotest_cpp"):
        result = subprocess.run([str(tmp_path / program), str(bad)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert "neos_workspace_from_json" in result.stderr
