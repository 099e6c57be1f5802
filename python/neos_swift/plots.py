"""Plots for the neos training demo: metric curves, histograms before and after training, the network output over
the input plane, and an animated GIF of the training (like neos's README animation).

Pure plotting: every function takes numpy arrays and plain dicts, writes one file and returns its path. matplotlib
and pillow are optional (``pip install neos-swift[plots]``) and imported only when a function is called, so
``import neos_swift`` never needs them. Figures are drawn on matplotlib's Agg canvas directly, without pyplot, so
nothing here changes the caller's matplotlib backend or leaves figures open.

The plots of a fit (``plot_pulls``, ``plot_brazil``, ``plot_correlation``, ``plot_stack``, ``plot_ranking``) live in
:mod:`neos_swift._fit_plots` and are reachable from here; unlike the training plots (which take a path and return
it) they return ``(figure, axes)`` and write a PNG only when given ``path=``. On the command line:
``python -m neos_swift.plots KIND WORKSPACE [--patch P ...] [--measurement M] --output PATH`` (KIND one of
pulls, brazil, correlation, stack, ranking; brazil also takes ``--poi-range LO HI --points N``, default 0 5 and
21); any failure prints one line and exits with 2. ``python -m neos_swift.plots DIR`` renders a training output
directory as before.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._fit_plots import (
    fit_summary,
    nuisance_ranking,
    plot_brazil,
    plot_correlation,
    plot_exclusion_contour,
    plot_pulls,
    plot_ranking,
    plot_stack,
)

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "fit_summary",
    "nuisance_ranking",
    "plot_brazil",
    "plot_correlation",
    "plot_exclusion_contour",
    "plot_histograms",
    "plot_metrics",
    "plot_output_plane",
    "plot_pulls",
    "plot_ranking",
    "plot_stack",
    "save_all",
    "training_animation",
]

_INSTALL_HINT = "neos_swift.plots needs matplotlib and pillow: pip install neos-swift[plots]"

# The four samples of the neos demo get fixed styles so that every figure reads the same; other samples cycle
# through the remaining colours.
_SAMPLE_STYLES = {
    "sig": dict(color="tab:red", linestyle="-", label="signal"),
    "bkg_nominal": dict(color="tab:blue", linestyle="-", label="background"),
    "bkg_up": dict(color="tab:green", linestyle="--", label="background up"),
    "bkg_down": dict(color="tab:purple", linestyle=":", label="background down"),
}
_EXTRA_COLOURS = ["tab:orange", "tab:brown", "tab:pink", "tab:gray", "tab:olive", "tab:cyan"]
# Blobs named like a sample (or "bkg" for the nominal background) share its colour across the figures.
_BLOB_ALIASES = {"bkg": "bkg_nominal", "signal": "sig", "background": "bkg_nominal"}
_METRIC_LABELS = {"cls": "expected CLs", "discovery": "discovery p₀", "poi_uncert": "σ(μ)", "loss": "loss"}
_PLANE_COLOURMAP = "Greys"  # grey shades keep the coloured event markers on top legible
_MAX_EVENTS_SHOWN = 500


# --- optional dependencies -------------------------------------------------------------------------------------


def _agg_figure(figsize, dpi=100, layout="constrained"):
    """A matplotlib Figure attached to an Agg canvas (no pyplot, no global backend switch)."""
    try:
        import matplotlib  # noqa: F401  (imported first so a missing matplotlib gives the install hint)
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    figure = Figure(figsize=figsize, dpi=dpi, layout=layout)
    FigureCanvasAgg(figure)
    return figure


def _pillow_writer(fps):
    try:
        import PIL  # noqa: F401  (PillowWriter only fails when saving; check up front)
        from matplotlib.animation import PillowWriter
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    return PillowWriter(fps=fps)


def _colour_mappable(vmin, vmax):
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    return ScalarMappable(norm=Normalize(vmin, vmax), cmap=_PLANE_COLOURMAP)


# --- array handling --------------------------------------------------------------------------------------------


def _output_path(path) -> Path:
    path = Path(os.fspath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _finite_or_nan(values) -> np.ndarray:
    """Floats with None, ±inf and NaN all turned into NaN, which matplotlib draws as gaps."""
    array = np.array(
        [np.nan if value is None else value for value in np.ravel(np.asarray(values, dtype=object))], dtype=float
    )
    array[~np.isfinite(array)] = np.nan
    return array


def _positive_or_nan(values) -> np.ndarray:
    array = _finite_or_nan(values)
    array[~(array > 0)] = np.nan
    return array


def _has_finite(array) -> bool:
    return bool(np.isfinite(array).any())


def _checked_edges(edges) -> np.ndarray:
    edges = np.asarray(edges, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
        raise ValueError(f"bin edges must be a finite, strictly increasing 1-D array of ≥ 2 values, got {edges!r}")
    return edges


def _checked_yields(name, yields, edges) -> np.ndarray:
    yields = _finite_or_nan(yields)
    if yields.size != edges.size - 1:
        raise ValueError(f"sample {name!r} has {yields.size} bins but the edges define {edges.size - 1}")
    return yields


def _ordered_samples(histograms: Mapping) -> list:
    """The demo's four samples first, in their usual order, then any others in the order given."""
    known = [name for name in _SAMPLE_STYLES if name in histograms]
    return known + [name for name in histograms if name not in _SAMPLE_STYLES]


def _sample_style(name, extra_index) -> dict:
    if name in _SAMPLE_STYLES:
        return dict(_SAMPLE_STYLES[name])
    return dict(color=_EXTRA_COLOURS[extra_index % len(_EXTRA_COLOURS)], linestyle="-.", label=str(name))


def _subsample_events(events, limit=_MAX_EVENTS_SHOWN, seed=0) -> np.ndarray:
    """At most `limit` rows of an (N, 2) event array, chosen with a fixed seed so repeated plots agree."""
    events = np.asarray(events, dtype=float)
    if events.ndim != 2 or events.shape[1] != 2:
        raise ValueError(f"blob events must be an (N, 2) array, got shape {events.shape}")
    if len(events) <= limit:
        return events
    chosen = np.random.default_rng(seed).choice(len(events), size=limit, replace=False)
    return events[np.sort(chosen)]


def _subsampled_blobs(blobs) -> dict:
    return {name: _subsample_events(events) for name, events in (blobs or {}).items()}


# --- drawing helpers shared by the figures and the animation -----------------------------------------------------


def _draw_histograms(axes, histograms: Mapping, edges) -> None:
    edges = _checked_edges(edges)
    extra_index = 0
    for name in _ordered_samples(histograms):
        yields = _checked_yields(name, histograms[name], edges)
        style = _sample_style(name, extra_index)
        extra_index += name not in _SAMPLE_STYLES
        # NaN bins would blank out the whole step line; draw them as empty bins instead.
        axes.stairs(np.nan_to_num(yields, nan=0.0), edges, linewidth=1.8, **style)
    axes.set_xlim(edges[0], edges[-1])
    axes.set_xlabel("network output")
    axes.set_ylabel("yield")
    if histograms:
        axes.legend(fontsize="small")


def _blob_colours(blobs: Mapping) -> dict:
    colours, extra_index = {}, 0
    for name in blobs:
        sample = _BLOB_ALIASES.get(name, name)
        if sample in _SAMPLE_STYLES:
            colours[name] = _SAMPLE_STYLES[sample]["color"]
        else:
            colours[name] = _EXTRA_COLOURS[extra_index % len(_EXTRA_COLOURS)]
            extra_index += 1
    return colours


def _draw_output_plane(axes, xx, yy, zz, blobs_shown: Mapping, edges=None):
    zz = np.ma.masked_invalid(np.asarray(zz, dtype=float))
    mesh = axes.pcolormesh(
        np.asarray(xx, dtype=float),
        np.asarray(yy, dtype=float),
        zz,
        cmap=_PLANE_COLOURMAP,
        vmin=0.0,
        vmax=1.0,
        shading="auto",
    )
    if edges is not None and zz.count() > 0:
        # Only edges strictly inside the output's range give contour lines (others would just warn).
        low, high = float(zz.min()), float(zz.max())
        levels = [edge for edge in np.unique(np.asarray(edges, dtype=float)) if low < edge < high]
        if levels and zz.ndim == 2 and min(zz.shape) >= 2:
            axes.contour(xx, yy, zz, levels=levels, colors="gold", linewidths=1.2)
    for name, colour in _blob_colours(blobs_shown).items():
        events = blobs_shown[name]
        axes.scatter(events[:, 0], events[:, 1], s=6, alpha=0.6, linewidths=0, color=colour, label=str(name))
    axes.set_xlim(np.nanmin(xx), np.nanmax(xx))
    axes.set_ylim(np.nanmin(yy), np.nanmax(yy))
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    if blobs_shown:
        axes.legend(fontsize="small", loc="upper left", markerscale=2)
    return mesh


def _note_no_data(axes) -> None:
    axes.text(0.5, 0.5, "no finite values", transform=axes.transAxes, ha="center", va="center", color="gray")


def _positive_limits(series: Sequence[np.ndarray]):
    """Log-axis limits spanning every positive value, padded by a factor of two; None if there is none."""
    positives = [values[values > 0] for values in series]
    positives = np.concatenate(positives) if positives else np.empty(0)
    if positives.size == 0:
        return None
    return positives.min() / 2, positives.max() * 2


# --- metrics -----------------------------------------------------------------------------------------------------


def _metric_series(steps_records: Sequence[Mapping], key: str, test: bool) -> np.ndarray:
    values = []
    for record in steps_records:
        source = (record.get("test") or {}) if test else record
        values.append(source.get(key))
    return _finite_or_nan(values) if values else np.empty(0)


def _config_summary(config: Mapping, limit=110) -> str:
    scalars = [
        f"{key}={value}"
        for key, value in (config or {}).items()
        if isinstance(value, (str, int, float, bool)) or value is None
    ]
    summary = ", ".join(scalars)
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"


def plot_metrics(metrics: Mapping, path: str | os.PathLike[str]) -> Path:
    """Training loss, test CLs, test discovery p₀ and test σ(μ) per step, with the best step marked.

    `metrics` has the metrics.json format: {"config": {...}, "steps": [{"step", "loss", "test": {"cls",
    "discovery", "poi_uncert"}, "seconds"}, ...], "best": {"step", "test"}}. Missing or non-finite values become
    gaps in the curves.
    """
    path = _output_path(path)
    records = list(metrics.get("steps") or [])
    steps = _finite_or_nan([record.get("step", index) for index, record in enumerate(records)])
    best = metrics.get("best") or {}
    best_step = _finite_or_nan([best.get("step")])[0]

    figure = _agg_figure(figsize=(11, 7.5))
    panels = figure.subplots(2, 2, sharex=True).ravel()
    # (title, values, log scale?) — the loss may legitimately be ≤ 0 (e.g. a log-CLs loss), so it gets a log
    # axis only when every finite value is positive; p-values and σ(μ) are always positive when finite.
    loss = _metric_series(records, "loss", test=False)
    loss_is_positive = _has_finite(loss) and bool(np.all(loss[np.isfinite(loss)] > 0))
    contents = [
        ("training loss", loss, loss_is_positive),
        ("test expected CLs", _metric_series(records, "cls", test=True), True),
        ("test discovery p₀", _metric_series(records, "discovery", test=True), True),
        ("test σ(μ)", _metric_series(records, "poi_uncert", test=True), False),
    ]
    for axes, (title, values, log_scale) in zip(panels, contents):
        shown = _positive_or_nan(values) if log_scale else values
        axes.set_title(title)
        axes.grid(alpha=0.3)
        if not _has_finite(shown):
            _note_no_data(axes)
        else:
            axes.plot(steps, shown, marker="." if len(steps) <= 60 else None, color="tab:blue")
            if log_scale:
                axes.set_yscale("log")
        if math.isfinite(best_step):
            axes.axvline(best_step, color="tab:red", linestyle=":", label=f"best (step {best_step:g})")
            at_best = shown[steps == best_step] if shown.size else shown
            if at_best.size and math.isfinite(at_best[0]):
                axes.plot([best_step], [at_best[0]], marker="*", markersize=13, color="tab:red", linestyle="none")
            axes.legend(fontsize="small")
    for axes in panels[2:]:
        axes.set_xlabel("step")
    figure.suptitle(
        "neos training" + (f"\n{_config_summary(metrics.get('config'))}" if metrics.get("config") else ""),
        fontsize="medium",
    )
    figure.savefig(path)
    return path


# --- histograms --------------------------------------------------------------------------------------------------


def plot_histograms(
    before: Mapping, after: Mapping, edges_before: ArrayLike, edges_after: ArrayLike, path: str | os.PathLike[str]
) -> Path:
    """Step histograms of every sample (name → yields per bin) before and after training, side by side.

    The edges may be non-uniform and differ between the two panels (trainable bin edges).
    """
    path = _output_path(path)
    figure = _agg_figure(figsize=(11, 4.5))
    panel_before, panel_after = figure.subplots(1, 2)
    for axes, histograms, edges, title in (
        (panel_before, before, edges_before, "before training"),
        (panel_after, after, edges_after, "after training"),
    ):
        _draw_histograms(axes, histograms, edges)
        axes.set_title(title)
    figure.savefig(path)
    return path


# --- output plane ------------------------------------------------------------------------------------------------


def plot_output_plane(
    xx: ArrayLike, yy: ArrayLike, zz: ArrayLike, blobs: Mapping, path: str | os.PathLike[str], title: str | None = None
) -> Path:
    """The network output zz (0…1) over the grid xx, yy, with up to 500 events of each blob (name → (N, 2))."""
    path = _output_path(path)
    figure = _agg_figure(figsize=(6.5, 5.5))
    axes = figure.subplots()
    mesh = _draw_output_plane(axes, xx, yy, zz, _subsampled_blobs(blobs))
    figure.colorbar(mesh, ax=axes, label="network output")
    if title:
        axes.set_title(title)
    figure.savefig(path)
    return path


# --- animation ---------------------------------------------------------------------------------------------------


def _frame_metric_curves(frame: Mapping) -> tuple:
    """(steps, {name: values}) of a frame's metrics so far; every key other than "step" is a curve."""
    metrics = frame.get("metrics") or {}
    curves = {key: _positive_or_nan(values) for key, values in metrics.items() if key != "step"}
    length = max((len(values) for values in curves.values()), default=0)
    steps = _finite_or_nan(metrics.get("step", range(length)))
    return steps, {key: values for key, values in curves.items() if len(values) == len(steps)}


def training_animation(
    frames: Sequence[Mapping], path: str | os.PathLike[str], fps: float = 5, *, blobs: Mapping | None = None
) -> Path:
    """An animated GIF of the training: per frame, the output plane with contour lines at the bin edges, the
    histograms, and the metric curves so far (log y).

    Each frame is {"step", "xx", "yy", "zz", "histograms": {name: yields}, "edges", "metrics": {"step": [...],
    "cls": [...], "discovery": [...]}}. Axis ranges are fixed over the whole animation so that nothing jumps.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("training_animation needs at least one frame")
    path = _output_path(path)
    writer = _pillow_writer(fps)
    blobs_shown = _subsampled_blobs(blobs)

    # Ranges over all frames, computed up front so that every frame uses the same axes.
    highest_yield = max(
        (
            np.nanmax(np.concatenate([_finite_or_nan(y) for y in frame["histograms"].values()]), initial=0.0)
            for frame in frames
            if frame.get("histograms")
        ),
        default=0.0,
    )
    curves_per_frame = [_frame_metric_curves(frame) for frame in frames]
    all_steps = np.concatenate([steps for steps, _ in curves_per_frame] + [np.empty(0)])
    all_steps = all_steps[np.isfinite(all_steps)]
    metric_limits = _positive_limits(
        [values[np.isfinite(values)] for _, curves in curves_per_frame for values in curves.values()]
    )
    edge_low = min(float(np.min(frame["edges"])) for frame in frames)
    edge_high = max(float(np.max(frame["edges"])) for frame in frames)

    figure = _agg_figure(figsize=(15, 4.8), dpi=80, layout=None)
    # The plane is wider because its colourbar takes a share of its slot.
    plane_axes, histogram_axes, metrics_axes = figure.subplots(1, 3, width_ratios=[1.25, 1, 1])
    # A fixed layout (not constrained) so the panels stay put from frame to frame.
    figure.subplots_adjust(left=0.045, right=0.985, bottom=0.13, top=0.86, wspace=0.25)
    figure.colorbar(_colour_mappable(0.0, 1.0), ax=plane_axes, label="network output")

    with writer.saving(figure, str(path), dpi=figure.dpi):
        for index, (frame, (steps, curves)) in enumerate(zip(frames, curves_per_frame)):
            step = frame.get("step", index)
            for axes in (plane_axes, histogram_axes, metrics_axes):
                axes.clear()

            _draw_output_plane(plane_axes, frame["xx"], frame["yy"], frame["zz"], blobs_shown, frame["edges"])
            plane_axes.set_title("network output, bin edges")

            _draw_histograms(histogram_axes, frame.get("histograms") or {}, frame["edges"])
            histogram_axes.set_xlim(edge_low, edge_high)
            if highest_yield > 0:
                histogram_axes.set_ylim(0, highest_yield * 1.1)
            histogram_axes.set_title("histograms")

            drawn = False
            for key, values in curves.items():
                if _has_finite(values):
                    metrics_axes.plot(steps, values, label=_METRIC_LABELS.get(key, key))
                    drawn = True
            if drawn:
                metrics_axes.set_yscale("log")
                metrics_axes.legend(fontsize="small", loc="upper right")
            else:
                _note_no_data(metrics_axes)
            if all_steps.size:
                metrics_axes.set_xlim(all_steps.min(), max(all_steps.max(), all_steps.min() + 1))
            if drawn and metric_limits:
                metrics_axes.set_ylim(*metric_limits)
            metrics_axes.set_xlabel("step")
            metrics_axes.set_title("test metrics")
            metrics_axes.grid(alpha=0.3)

            figure.suptitle(f"step {step}")
            writer.grab_frame()
    return path


# --- everything at once ------------------------------------------------------------------------------------------


def save_all(
    out_dir: str | os.PathLike[str],
    metrics: Mapping,
    before: Mapping,
    after: Mapping,
    frames: Sequence[Mapping],
    blobs: Mapping | None,
    *,
    edges_before: ArrayLike | None = None,
    edges_after: ArrayLike | None = None,
    fps: float = 5,
) -> list[Path]:
    """Write metrics.png, histograms.png, output_plane.png (last frame) and training.gif into out_dir.

    The histogram edges default to those of the first and the last frame (the state before and after training).
    Returns the written paths in that order.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("save_all needs at least one frame (for the output plane and the animation)")
    out_dir = Path(os.fspath(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    edges_before = frames[0]["edges"] if edges_before is None else edges_before
    edges_after = frames[-1]["edges"] if edges_after is None else edges_after
    last = frames[-1]
    return [
        plot_metrics(metrics, out_dir / "metrics.png"),
        plot_histograms(before, after, edges_before, edges_after, out_dir / "histograms.png"),
        plot_output_plane(
            last["xx"],
            last["yy"],
            last["zz"],
            blobs or {},
            out_dir / "output_plane.png",
            title=f"network output at step {last.get('step', len(frames) - 1)}",
        ),
        training_animation(frames, out_dir / "training.gif", fps=fps, blobs=blobs),
    ]


def render_directory(out_dir: str | os.PathLike[str], fps: float = 5) -> list[Path]:
    """Renders the PNGs and the GIF of a training output directory written by ``python -m neos_swift.demo`` or
    the native ``neos train``: it reads metrics.json and plot_data.json (histograms before/after, edges, blob
    samples and the network-output frames) and calls :func:`save_all`."""
    import json

    out_dir = Path(os.fspath(out_dir))
    metrics = json.loads((out_dir / "metrics.json").read_text())
    data = json.loads((out_dir / "plot_data.json").read_text())
    steps = metrics.get("steps", [])
    frames = []
    for frame in data["frames"]:
        shown = [s for s in steps if s["step"] <= frame["step"]]
        frames.append(
            {
                "step": frame["step"],
                "xx": np.asarray(data["grid"]["x"])[None, :].repeat(len(data["grid"]["y"]), 0),
                "yy": np.asarray(data["grid"]["y"])[:, None].repeat(len(data["grid"]["x"]), 1),
                "zz": np.asarray(frame["zz"], dtype=float),
                "histograms": {k: np.asarray(v) for k, v in frame["histograms"].items()},
                "edges": np.asarray(frame["edges"]),
                "metrics": {
                    "step": [s["step"] for s in shown],
                    "cls": [s["test"]["cls"] for s in shown],
                    "discovery": [s["test"]["discovery"] for s in shown],
                },
            }
        )
    blobs = {k: np.asarray(v, dtype=float).reshape(-1, 2) for k, v in data.get("blobs", {}).items()}
    return save_all(
        out_dir,
        metrics,
        data["before"],
        data["after"],
        frames,
        blobs,
        edges_before=data["edges_before"],
        edges_after=data["edges_after"],
        fps=fps,
    )


_FIT_PLOTS = ("pulls", "brazil", "correlation", "stack", "ranking")


def _fit_plot_main(kind: str, argv: Sequence[str]) -> int:
    """``python -m neos_swift.plots KIND WORKSPACE [--patch P ...] [--measurement M] --output PATH``: one fit plot
    of a workspace as PNG. Returns the exit code: 0, or 2 with a one-line error on standard error."""
    import argparse
    import json
    import sys

    parser = argparse.ArgumentParser(prog=f"python -m neos_swift.plots {kind}")
    parser.add_argument("workspace", help="a pyhf JSON workspace ('-' for standard input)")
    parser.add_argument("--patch", "-p", action="append", default=[], help="a JSON patch to apply (repeatable)")
    parser.add_argument("--measurement", default=None, help="the measurement's name (default: the first)")
    parser.add_argument("--output", "-o", required=True, help="the PNG to write")
    if kind == "brazil":
        parser.add_argument("--poi-range", nargs=2, type=float, default=[0.0, 5.0], metavar=("LO", "HI"))
        parser.add_argument("--points", type=int, default=21)
    args = parser.parse_args(argv)  # argparse itself exits with 2 and a usage line on bad options
    try:
        from . import _fit_plots
        from .workspace import Workspace

        text = sys.stdin.read() if args.workspace == "-" else Path(args.workspace).read_text()
        patches = [json.loads(Path(patch).read_text()) for patch in args.patch]
        workspace = Workspace(json.loads(text))
        model = workspace.model(measurement_name=args.measurement, patches=patches)
        data = workspace.data(model)
        if kind == "brazil":
            _fit_plots.plot_brazil(model, data, poi_range=tuple(args.poi_range), points=args.points, path=args.output)
        else:
            getattr(_fit_plots, f"plot_{kind}")(model, data, path=args.output)
    except Exception as error:  # noqa: BLE001  (every failure is reported as one line and exit code 2)
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"neos_swift.plots {kind}: error: {message}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m neos_swift.plots DIR``: render a training output directory (see :func:`render_directory`).
    ``python -m neos_swift.plots KIND WORKSPACE ... --output PATH`` with KIND one of pulls, brazil, correlation,
    stack, ranking: one fit plot of a workspace (see :func:`_fit_plot_main`)."""
    import argparse
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in _FIT_PLOTS:
        return _fit_plot_main(argv[0], argv[1:])
    parser = argparse.ArgumentParser(prog="python -m neos_swift.plots", description=main.__doc__)
    parser.add_argument("directory")
    parser.add_argument("--fps", type=int, default=5)
    args = parser.parse_args(argv)
    for path in render_directory(args.directory, fps=args.fps):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
