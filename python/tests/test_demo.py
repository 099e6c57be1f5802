"""The main job's two entry points on a small configuration: `python -m neos_swift.demo` and the native `neos
train` (through the installed console script), each writing metrics.json, the parameters, the plot data and, with
matplotlib, the PNGs and the GIF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SMALL = {"hidden": [8, 8], "points_per_blob": 400, "batch_size": 100}
PLOTS = ["metrics.png", "histograms.png", "output_plane.png", "training.gif"]


def _have_plots() -> bool:
    try:
        import matplotlib  # noqa: F401
        import PIL  # noqa: F401
    except ImportError:
        return False
    return True


def _check_outputs(out: Path, steps: int, plots: bool) -> dict:
    metrics = json.loads((out / "metrics.json").read_text())
    assert [s["step"] for s in metrics["steps"]] == list(range(steps))
    assert metrics["best"]["step"] in range(steps)
    assert (out / "parameters.neos").read_bytes().startswith(b'{"format":"neos-swift-parameters"')
    data = json.loads((out / "plot_data.json").read_text())
    assert set(data["before"]) == {"sig", "bkg_nominal", "bkg_up", "bkg_down"}
    assert len(data["frames"]) >= 2
    for name in PLOTS if plots else []:
        assert (out / name).stat().st_size > 1000, name
    return metrics


def test_python_demo(tmp_path):
    from neos_swift import demo

    config = tmp_path / "config.json"
    config.write_text(json.dumps(SMALL))
    plots = _have_plots()
    args = ["--steps", "3", "--out", str(tmp_path / "out"), "--config", str(config), "--quiet"]
    demo.main(args + ([] if plots else ["--no-plots"]))
    metrics = _check_outputs(tmp_path / "out", 3, plots)
    assert metrics["config"]["loss"] == "cls"


def _neos_command():
    candidate = Path(sys.executable).parent / "neos"
    if candidate.is_file():
        return str(candidate)
    return shutil.which("neos")


@pytest.mark.skipif(_neos_command() is None, reason="the `neos` console script is installed with the package")
def test_native_neos_train(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps(SMALL))
    plots = _have_plots()
    command = [
        _neos_command(),
        "train",
        "--steps",
        "3",
        "--loss",
        "bce",
        "--out",
        str(tmp_path / "out"),
        "--config",
        str(config),
    ] + ([] if plots else ["--no-plots"])
    result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "best step" in result.stdout
    metrics = _check_outputs(tmp_path / "out", 3, plots)
    assert metrics["objective"] == "bce" and metrics["select_by"] == "discovery"
    bad = subprocess.run(
        [_neos_command(), "train", "--loss", "nope", "--out", str(tmp_path / "bad")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "unknown loss" in bad.stderr
    unreadable = subprocess.run(
        [_neos_command(), "train", "--config", str(tmp_path / "missing.json"), "--out", str(tmp_path / "bad")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unreadable.returncode == 2 and "missing.json" in unreadable.stderr


@pytest.mark.skipif(_neos_command() is None, reason="the `neos` console script is installed with the package")
def test_native_neos_help_completion_and_usage_errors():
    """`--help` on the command and each subcommand, a bash completion script, and a usage error as one line
    on standard error with exit 2 (click's code, which pyhf's commands use)."""
    for arguments in ([], ["train"], ["version"], ["help", "train"]):
        shown = subprocess.run([_neos_command(), *arguments, "--help"], capture_output=True, text=True, timeout=60)
        assert shown.returncode == 0, shown.stderr
        assert "USAGE: neos" in shown.stdout
    assert (
        "--frame-every"
        in subprocess.run([_neos_command(), "train", "--help"], capture_output=True, text=True, timeout=60).stdout
    )
    completion = subprocess.run(
        [_neos_command(), "--generate-completion-script", "bash"], capture_output=True, text=True, timeout=60
    )
    assert completion.returncode == 0 and "complete" in completion.stdout and "train" in completion.stdout
    for arguments in (["train", "--bogus"], ["train", "--frame-every", "0"], ["no-such-command"]):
        bad = subprocess.run([_neos_command(), *arguments], capture_output=True, text=True, timeout=60)
        assert bad.returncode == 2, (arguments, bad.returncode, bad.stderr)
        assert bad.stderr.startswith("neos: ") and bad.stderr.count("\n") == 1, bad.stderr
        assert bad.stdout == ""
