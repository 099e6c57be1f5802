"""The fit plots of neos_swift.plots draw real images from small reference workspaces, the ranking's impacts are
the POI shifts of refits, and the command line writes each kind of plot and fails on bad input with one line and
exit code 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import neos_swift
import numpy as np
import pytest
from matplotlib.image import imread
from neos_swift import plots
from neos_swift.infer import mle

DATA = Path(__file__).resolve().parents[2] / "Tests" / "Data" / "pyhf"
# Two channels, four samples, one shared histosys and the POI: every plot has something to draw, and fits are fast.
WORKSPACE = DATA / "workspaces" / "validation_2bin_2channel_coupledhistosys.json"
# A PNG of a drawn figure is a few kB at least; a blank canvas compresses to far less and has no pixel variance.
MIN_PNG_BYTES = 5_000
MIN_PIXEL_VARIANCE = 1e-3  # of the RGB values in [0, 1]


@pytest.fixture(scope="module")
def model_and_data():
    workspace = neos_swift.Workspace(json.loads(WORKSPACE.read_text()))
    model = workspace.model()
    return model, workspace.data(model)


@pytest.fixture(scope="module")
def summary(model_and_data):
    return plots.fit_summary(*model_and_data)


def assert_drawn_png(path: Path) -> None:
    assert path.stat().st_size > MIN_PNG_BYTES, f"{path} is only {path.stat().st_size} bytes"
    pixels = imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert float(np.var(pixels[..., :3])) > MIN_PIXEL_VARIANCE


@pytest.mark.parametrize("name", ["plot_pulls", "plot_correlation", "plot_stack", "plot_ranking"])
def test_each_fit_plot_returns_its_figure_and_writes_a_png(tmp_path, model_and_data, summary, name):
    path = tmp_path / f"{name}.png"
    figure, axes = getattr(plots, name)(*model_and_data, summary=summary, path=path)
    assert figure.axes, "the figure has no axes"
    assert axes is not None
    assert_drawn_png(path)


def test_the_brazil_band_scans_the_range_asked_for(tmp_path, model_and_data):
    path = tmp_path / "brazil.png"
    figure, axes = plots.plot_brazil(*model_and_data, poi_range=(0.0, 4.0), points=9, path=path)
    observed_line = axes.get_lines()[0]
    np.testing.assert_allclose(observed_line.get_xdata(), np.linspace(0.0, 4.0, 9), rtol=0, atol=1e-12)
    assert_drawn_png(path)


def test_without_a_path_nothing_is_written(tmp_path, model_and_data, summary):
    figure, _ = plots.plot_pulls(*model_and_data, summary=summary)
    assert list(tmp_path.iterdir()) == []
    figure.savefig(tmp_path / "by_caller.png")
    assert_drawn_png(tmp_path / "by_caller.png")


def test_pulls_are_measured_in_prefit_widths(model_and_data, summary):
    _, axes = plots.plot_pulls(*model_and_data, summary=summary)
    index = summary.labels.index("coupled_histosys")
    (points,) = [line for line in axes.get_lines() if line.get_marker() == "o"]
    # The histosys is constrained by a unit normal around 0, so its pull is its best-fit value.
    np.testing.assert_allclose(points.get_xdata(), [summary.values[index]], rtol=0, atol=1e-12)


def test_ranking_impacts_are_the_poi_shifts_of_refits(model_and_data, summary):
    model, data = model_and_data
    (entry,) = plots.nuisance_ranking(model, data, summary=summary)
    assert entry.label == "coupled_histosys"
    index, poi = entry.index, model.config.poi_index
    best = np.asarray(mle.fit(data, model), dtype=float)
    for shift, reported in ((summary.uncertainties[index], entry.postfit_up), (-1.0, entry.prefit_down)):
        init = best.copy()
        init[index] += shift
        fixed = [False] * model.config.npars
        fixed[index] = True
        refit = np.asarray(mle.fit(data, model, init_pars=init.tolist(), fixed_params=fixed), dtype=float)
        # Both fits converge to the same minimum; 1e-6 on the POI is well above the fit's tolerance effects.
        assert reported == pytest.approx(refit[poi] - best[poi], abs=1e-6)
    # The POI and the histosys are anti-correlated, so raising the histosys lowers the POI.
    assert entry.postfit_up < 0 < entry.postfit_down


def run_cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "neos_swift.plots", *arguments],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
    )


@pytest.mark.parametrize("kind", ["pulls", "brazil", "correlation", "stack", "ranking"])
def test_the_command_line_writes_each_kind(tmp_path, kind):
    output = tmp_path / f"{kind}.png"
    extra = ["--poi-range", "0", "3", "--points", "7"] if kind == "brazil" else []
    result = run_cli(kind, str(WORKSPACE), *extra, "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert_drawn_png(output)


def test_the_command_line_applies_patches_and_names_the_measurement(tmp_path):
    patch = tmp_path / "patch.json"
    # A patch that keeps the workspace valid (the signal channel's first signal bin doubled) is read and applied.
    patch.write_text(json.dumps([{"op": "replace", "path": "/channels/0/samples/0/data/0", "value": 60.0}]))
    output = tmp_path / "pulls.png"
    name = json.loads(WORKSPACE.read_text())["measurements"][0]["name"]
    result = run_cli("pulls", str(WORKSPACE), "--patch", str(patch), "--measurement", name, "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert_drawn_png(output)


@pytest.mark.parametrize(
    "arguments",
    [
        ["pulls", "/nonexistent/workspace.json", "--output", "x.png"],
        ["brazil", str(WORKSPACE), "--poi-range", "2", "1", "--output", "x.png"],
        ["stack", str(WORKSPACE), "--measurement", "no such measurement", "--output", "x.png"],
        ["correlation", str(WORKSPACE)],  # --output is required
    ],
)
def test_bad_input_gives_one_line_and_exit_code_2(tmp_path, arguments):
    result = subprocess.run(
        [sys.executable, "-m", "neos_swift.plots", *arguments], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "error" in result.stderr.splitlines()[-1]
    assert not (tmp_path / "x.png").exists()
    if arguments[-2:] == ["--output", "x.png"]:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_exclusion_contour_of_a_grid_from_either_table(tmp_path):
    """A synthetic grid over two masses, CLs falling with distance from a corner: the contour is drawn from
    distributed.GridPoint results and from `neos cls --patchset`'s JSON rows alike; failed points are skipped."""
    from neos_swift.distributed import GridPoint

    rows, points = [], []
    for m1 in range(400, 1401, 100):
        for m2 in range(100, 901, 100):
            if m2 >= m1:
                continue
            scale = (m1 / 1000.0) ** 2 + (m2 / 1500.0) ** 2
            expected = [min(1.0, 0.05 * scale * factor) for factor in (0.4, 0.6, 1.0, 1.6, 2.5)]
            observed = min(1.0, 0.05 * scale * 1.2)
            rows.append({"name": f"p_{m1}_{m2}", "values": [m1, m2], "CLs_obs": observed, "CLs_exp": expected})
            points.append(GridPoint(name=f"p_{m1}_{m2}", values=(m1, m2), result=(observed, expected)))
    rows.append({"name": "failed", "values": [900, 100], "error": "FailedMinimization: ..."})
    points.append(GridPoint(name="failed", values=(900, 100), error="FailedMinimization: ..."))
    for grid, name in ((rows, "rows.png"), (points, "points.png")):
        figure, axes = plots.plot_exclusion_contour(grid, labels=["m1", "m2"], path=tmp_path / name)
        assert figure.axes and axes.get_xlabel() == "m1"
        assert_drawn_png(tmp_path / name)
    with pytest.raises(ValueError, match="at least 3 computed points"):
        plots.plot_exclusion_contour(rows[:2])
