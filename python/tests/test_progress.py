"""Progress bars (neos_swift._progress): shown on standard error when asked for, absent when quiet or with
NEOS_PROGRESS=0, absent by default in the pyhf-compatible functions, and a clear error when asked for without tqdm."""

import sys

import neos_swift
import numpy as np
import pytest
from neos_swift import _progress
from neos_swift.infer import calculators
from neos_swift.infer.intervals import upper_limits
from neos_swift.neos import Trainer

SMALL = {"hidden": [4], "points_per_blob": 40, "batch_size": 20, "seed": 3}


@pytest.fixture(autouse=True)
def no_environment_setting(monkeypatch):
    monkeypatch.delenv("NEOS_PROGRESS", raising=False)


@pytest.fixture
def model_and_data():
    model = neos_swift.simplemodels.uncorrelated_background([5.0, 4.0], [40.0, 30.0], [4.0, 3.0])
    return model, [42.0, 33.0, *model.config.auxdata]


def test_rules_of_enabled(monkeypatch):
    assert _progress.enabled(True) and not _progress.enabled(False)
    assert not _progress.enabled(None) and _progress.enabled(None, default=True)
    monkeypatch.setenv("NEOS_PROGRESS", "1")
    assert _progress.enabled(None)  # the environment turns the defaults on
    assert not _progress.enabled(False)  # but not an explicit refusal
    monkeypatch.setenv("NEOS_PROGRESS", "0")
    assert not _progress.enabled(True) and not _progress.enabled(None, default=True)


def test_asking_for_a_bar_without_tqdm_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `import tqdm` raise ImportError
    with pytest.raises(ImportError, match="pip install tqdm"):
        _progress.enabled(True)
    assert not _progress.enabled(None, default=True)  # a default bar is silently left out


def test_training_bar_when_asked_and_none_when_quiet(capfd, monkeypatch):
    Trainer(SMALL).run(3, progress=True)
    shown = capfd.readouterr().err
    assert "training" in shown and "step" in shown
    Trainer(SMALL).run(3, progress=False)
    assert "training" not in capfd.readouterr().err
    monkeypatch.setenv("NEOS_PROGRESS", "0")
    Trainer(SMALL).run(3, progress=True)
    assert "training" not in capfd.readouterr().err


def test_training_shows_no_bar_off_a_terminal_by_default(capfd):
    # pytest's captured standard error is not a terminal
    metrics = Trainer(SMALL).run(2)
    assert len(metrics["steps"]) == 2
    assert "training" not in capfd.readouterr().err


def test_the_demo_passes_quiet_on_to_the_bar(capfd, tmp_path):
    from neos_swift import demo

    demo.run(2, out=tmp_path / "loud", config=SMALL, plots=False, progress=True)
    loud = capfd.readouterr()
    assert "training" in loud.err and "best step" in loud.out
    demo.run(2, out=tmp_path / "quiet", config=SMALL, plots=False, quiet=True, progress=True)
    quiet = capfd.readouterr()
    assert quiet.err == "" and quiet.out == ""


def test_upper_limit_scan_bar_only_when_asked(capfd, model_and_data, monkeypatch):
    model, data = model_and_data
    scan = np.linspace(0.0, 5.0, 6)
    plain = upper_limits.upper_limit(data, model, scan=scan)
    assert "upper-limit scan" not in capfd.readouterr().err  # pyhf's default: no bar
    with_bar = upper_limits.upper_limit(data, model, scan=scan, progress=True)
    assert "upper-limit scan" in capfd.readouterr().err
    np.testing.assert_array_equal(np.asarray(plain[0]), np.asarray(with_bar[0]))
    # The q test statistic is tested one POI at a time in Python: a bar over the six points (tqdm redraws at most
    # every 0.1 s, so which counts it drew in between is not checked).
    upper_limits.linear_grid_scan(data, model, scan, test_stat="q", progress=True)
    per_point = capfd.readouterr().err
    assert "/6" in per_point and "point" in per_point
    monkeypatch.setenv("NEOS_PROGRESS", "0")
    upper_limits.upper_limit(data, model, scan=scan, progress=True)
    assert capfd.readouterr().err == ""


def test_toy_bars_follow_track_progress_and_the_environment(capfd, model_and_data, monkeypatch):
    model, data = model_and_data
    calculators.ToyCalculator(data, model, ntoys=20, track_progress=True, seed=5).distributions(1.0)
    shown = capfd.readouterr().err
    assert "Signal-like" in shown and "Background-like" in shown
    calculators.ToyCalculator(data, model, ntoys=20, track_progress=False, seed=5).distributions(1.0)
    assert "Signal-like" not in capfd.readouterr().err
    monkeypatch.setenv("NEOS_PROGRESS", "0")
    calculators.ToyCalculator(data, model, ntoys=20, track_progress=True, seed=5).distributions(1.0)
    assert "Signal-like" not in capfd.readouterr().err
