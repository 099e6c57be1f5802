"""neos_swift.plots writes valid images from synthetic training output, and tolerates non-finite metrics."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

from neos_swift import plots  # noqa: E402  (after the skips)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GIF_MAGICS = (b"GIF87a", b"GIF89a")
SAMPLES = ("sig", "bkg_nominal", "bkg_up", "bkg_down")


# --- synthetic training output -------------------------------------------------------------------------------------


def fake_metrics(steps=10, seed=1):
    rng = np.random.default_rng(seed)
    records = []
    for step in range(steps):
        cls = float(0.3 * math.exp(-0.4 * step) * rng.uniform(0.8, 1.2))
        records.append(
            {
                "step": step,
                "loss": cls,
                "seconds": 0.01 * (step + 1),
                "test": {"cls": cls, "discovery": cls / 10, "poi_uncert": float(rng.uniform(0.3, 0.6))},
            }
        )
    best = min(records, key=lambda record: record["test"]["cls"])
    return {
        "config": {"loss": "cls", "bins": 4, "lr": 1e-3, "seed": 0, "hidden": [16, 16]},
        "steps": records,
        "best": {"step": best["step"], "test": best["test"]},
    }


def fake_histograms(rng, bins):
    nominal = rng.uniform(5, 50, bins)
    return {
        "sig": rng.uniform(0, 10, bins),
        "bkg_nominal": nominal,
        "bkg_up": nominal * rng.uniform(1.0, 1.2, bins),
        "bkg_down": nominal * rng.uniform(0.8, 1.0, bins),
    }


def fake_plane(step, points=40):
    axis = np.linspace(-2, 2, points)
    xx, yy = np.meshgrid(axis, axis)
    sharpness = 1.0 + step
    return xx, yy, 1 / (1 + np.exp(-sharpness * (xx + 0.5 * yy)))


def fake_blobs(rng, events=2000):
    return {
        "sig": rng.normal([0.0, 1.0], 0.5, (events, 2)),
        "bkg": rng.normal([1.0, -1.0], 0.6, (events, 2)),
        "bkg_up": rng.normal([1.2, -0.8], 0.6, (events, 2)),
        "bkg_down": rng.normal([0.8, -1.2], 0.6, (events, 2)),
    }


def fake_frames(count=3, seed=2):
    rng = np.random.default_rng(seed)
    frames = []
    for index in range(count):
        step = 5 * index
        xx, yy, zz = fake_plane(index)
        edges = np.concatenate([[0.0], np.sort(rng.uniform(0.05, 0.95, 3)), [1.0]])  # non-uniform edges
        cls = [0.3 * math.exp(-0.2 * s) for s in range(step + 1)]
        frames.append(
            {
                "step": step,
                "xx": xx,
                "yy": yy,
                "zz": zz,
                "edges": edges,
                "histograms": fake_histograms(rng, 4),
                "metrics": {"step": list(range(step + 1)), "cls": cls, "discovery": [c / 10 for c in cls]},
            }
        )
    return frames


# --- file checks ---------------------------------------------------------------------------------------------------


def assert_png(path):
    data = open(path, "rb").read()
    assert data.startswith(PNG_MAGIC), f"{path} is not a PNG"
    with Image.open(path) as image:
        image.verify()
        assert image.format == "PNG"


def assert_gif(path, frames):
    data = open(path, "rb").read()
    assert data[:6] in GIF_MAGICS, f"{path} is not a GIF"
    with Image.open(path) as image:
        assert image.format == "GIF"
        assert image.n_frames == frames
        assert image.is_animated == (frames > 1)


# --- tests ---------------------------------------------------------------------------------------------------------


def test_plot_metrics_writes_png(tmp_path):
    path = plots.plot_metrics(fake_metrics(), tmp_path / "metrics.png")
    assert path == tmp_path / "metrics.png"
    assert_png(path)


def test_plot_metrics_survives_non_finite_and_missing_values(tmp_path):
    metrics = fake_metrics()
    steps = metrics["steps"]
    steps[0]["loss"] = float("nan")
    steps[1]["loss"] = -0.5  # a non-positive loss switches the loss panel to a linear axis
    steps[2]["test"]["cls"] = float("inf")
    steps[3]["test"]["discovery"] = 0.0  # can't go on a log axis
    steps[4]["test"]["poi_uncert"] = None
    del steps[5]["test"]
    metrics["best"] = {"step": steps[2]["step"], "test": steps[2]["test"]}  # best at a non-finite value
    assert_png(plots.plot_metrics(metrics, tmp_path / "partial.png"))

    for record in steps:
        record["loss"] = float("nan")
        record["test"] = {"cls": float("nan"), "discovery": float("-inf"), "poi_uncert": float("nan")}
    metrics["best"] = {"step": float("nan"), "test": {}}
    assert_png(plots.plot_metrics(metrics, tmp_path / "all_nan.png"))

    assert_png(plots.plot_metrics({"steps": []}, tmp_path / "empty.png"))


def test_plot_histograms_non_uniform_edges_and_extra_samples(tmp_path):
    rng = np.random.default_rng(3)
    before = fake_histograms(rng, 4)
    after = fake_histograms(rng, 5)
    after["sig_variation"] = rng.uniform(0, 10, 5)  # an unknown sample is drawn too
    after["bkg_up"][2] = np.nan
    path = plots.plot_histograms(
        before, after, np.linspace(0, 1, 5), [0.0, 0.1, 0.35, 0.5, 0.9, 1.0], tmp_path / "nested" / "histograms.png"
    )
    assert_png(path)


def test_plot_histograms_rejects_mismatched_bins(tmp_path):
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError, match="bins"):
        plots.plot_histograms(
            fake_histograms(rng, 4),
            fake_histograms(rng, 4),
            np.linspace(0, 1, 5),
            np.linspace(0, 1, 4),
            tmp_path / "bad.png",
        )
    with pytest.raises(ValueError, match="increasing"):
        plots.plot_histograms(
            fake_histograms(rng, 2), fake_histograms(rng, 2), [0, 0.7, 0.5], [0, 0.5, 1], tmp_path / "bad.png"
        )


def test_plot_output_plane_writes_png_and_subsamples_events(tmp_path):
    rng = np.random.default_rng(5)
    xx, yy, zz = fake_plane(2)
    blobs = fake_blobs(rng)
    assert_png(plots.plot_output_plane(xx, yy, zz, blobs, tmp_path / "plane.png", title="after training"))
    assert_png(plots.plot_output_plane(xx, yy, zz, {}, tmp_path / "plane_without_events.png"))

    shown = plots._subsample_events(blobs["sig"])
    assert shown.shape == (500, 2)
    np.testing.assert_array_equal(shown, plots._subsample_events(blobs["sig"]))  # the same points every time
    assert plots._subsample_events(blobs["sig"][:20]).shape == (20, 2)


def test_training_animation_has_one_frame_per_entry(tmp_path):
    rng = np.random.default_rng(6)
    path = plots.training_animation(fake_frames(3), tmp_path / "training.gif", fps=4, blobs=fake_blobs(rng))
    assert_gif(path, 3)


def test_save_all_writes_every_file(tmp_path):
    rng = np.random.default_rng(7)
    frames = fake_frames(3)
    out_dir = tmp_path / "plots"
    paths = plots.save_all(
        out_dir, fake_metrics(), frames[0]["histograms"], frames[-1]["histograms"], frames, fake_blobs(rng, events=300)
    )
    assert [path.name for path in paths] == ["metrics.png", "histograms.png", "output_plane.png", "training.gif"]
    for path in paths[:3]:
        assert_png(path)
    assert_gif(paths[3], 3)


def test_missing_matplotlib_gives_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    with pytest.raises(ImportError, match=r"pip install neos-swift\[plots\]"):
        plots.plot_metrics(fake_metrics(), tmp_path / "metrics.png")


def test_importing_the_package_does_not_import_matplotlib():
    check = "import sys, neos_swift, neos_swift.plots; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
