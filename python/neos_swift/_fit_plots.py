"""Plots of a statistical analysis of a HistFactory model: the Brazil band of an upper-limit scan, the pulls and
constraints of a fit, stacked pre-fit and post-fit histograms per channel with the data, the correlation matrix
and the ranking of the nuisance parameters by their impact on the POI.

Every number drawn comes from the package's own API (``infer.mle.fit`` with exact uncertainties and
correlations from the core's Hessian, ``infer.intervals.upper_limits.upper_limit``, ``Model.main_model
.expected_data``); this module only arranges them. Each ``plot_*`` function returns ``(figure, axes)`` and, given
``path=``, also writes the figure there as PNG. The figures live on an Agg canvas (no pyplot), so nothing here
changes the caller's backend. With mplhep installed the figures use its ROOT style; plain matplotlib otherwise.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "FitSummary",
    "RankingEntry",
    "fit_summary",
    "nuisance_ranking",
    "plot_brazil",
    "plot_correlation",
    "plot_pulls",
    "plot_ranking",
    "plot_stack",
]

_DEFAULT_SCAN = (0.0, 5.0, 21)  # the Brazil band's POI range and number of points when none is given


@contextlib.contextmanager
def _style() -> Iterator[None]:
    """mplhep's ROOT style for the figures drawn inside, when mplhep is installed; matplotlib's defaults
    otherwise. A context, so the caller's rcParams are left as they were."""
    import matplotlib

    try:
        import mplhep
    except ImportError:
        yield
        return
    with matplotlib.style.context(mplhep.style.ROOT):
        yield


def _figure(figsize: tuple[float, float]):
    from .plots import _agg_figure

    return _agg_figure(figsize=figsize)


def _saved(figure, path) -> None:
    if path is not None:
        path = Path(os.fspath(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format="png")


# --- the fit ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FitSummary:
    """A global maximum-likelihood fit as the plots read it: best-fit values, their exact uncertainties and
    correlations, the parameter labels, the pre-fit centres and widths (``nan`` for unconstrained parameters),
    which parameters are fixed and the POI's index (``None`` without a POI)."""

    values: np.ndarray
    uncertainties: np.ndarray
    correlations: np.ndarray
    labels: list[str]
    prefit_values: np.ndarray
    prefit_widths: np.ndarray
    fixed: np.ndarray
    poi_index: int | None


def _prefit_widths(model) -> np.ndarray:
    """The constraint width of each parameter (nan where it has none), in parameter order."""
    widths = np.full(model.config.npars, np.nan)
    for name in model.config.par_order:
        paramset = model.config.param_set(name)
        if getattr(paramset, "constrained", False):
            try:
                widths[model.config.par_slice(name)] = paramset.width()
            except RuntimeError:  # a Poisson set without factors has no width
                pass
    return widths


def fit_summary(model: Any, data: ArrayLike) -> FitSummary:
    """Fits ``model`` to ``data`` once (``infer.mle.fit`` with uncertainties and correlations) and collects what
    the fit plots need."""
    from .infer import mle

    fitted, correlations = mle.fit(data, model, return_uncertainties=True, return_correlations=True)
    fitted = np.asarray(fitted, dtype=float)
    return FitSummary(
        values=fitted[:, 0],
        uncertainties=fitted[:, 1],
        correlations=np.asarray(correlations, dtype=float),
        labels=list(model.config.par_names),
        prefit_values=np.asarray(model.config.suggested_init(), dtype=float),
        prefit_widths=_prefit_widths(model),
        fixed=np.asarray(model.config.suggested_fixed(), dtype=bool),
        poi_index=model.config.poi_index,
    )


def _nuisance_indices(summary: FitSummary, constrained_only: bool) -> list[int]:
    """The free parameters other than the POI (and, if asked, only those with a constraint)."""
    return [
        index
        for index in range(len(summary.values))
        if index != summary.poi_index
        and not summary.fixed[index]
        and not (constrained_only and not np.isfinite(summary.prefit_widths[index]))
    ]


# --- pulls -----------------------------------------------------------------------------------------------------


def plot_pulls(
    model: Any, data: ArrayLike, *, summary: FitSummary | None = None, path: str | os.PathLike | None = None
) -> tuple[Any, Any]:
    """Pulls (θ̂ − θ₀)/Δθ and constraints Δθ̂/Δθ of the constrained nuisance parameters, with the ±1σ and ±2σ
    bands of the pre-fit constraint. ``summary`` reuses a :func:`fit_summary`; otherwise the model is fitted.
    Returns ``(figure, axes)``; writes a PNG to ``path`` when given."""
    summary = summary or fit_summary(model, data)
    indices = _nuisance_indices(summary, constrained_only=True)
    if not indices:
        raise ValueError("the model has no free constrained nuisance parameter to show pulls for")
    widths = summary.prefit_widths[indices]
    pulls = (summary.values[indices] - summary.prefit_values[indices]) / widths
    constraints = summary.uncertainties[indices] / widths
    labels = [summary.labels[index] for index in indices]
    positions = np.arange(len(indices))[::-1]  # the first parameter on top
    with _style():
        figure = _figure((6.5, 1.2 + 0.32 * len(indices)))
        axes = figure.subplots()
        axes.axvspan(-2, 2, color="yellow", zorder=0)
        axes.axvspan(-1, 1, color="limegreen", zorder=0)
        axes.axvline(0, color="gray", linestyle="dotted")
        axes.errorbar(pulls, positions, xerr=constraints, fmt="o", color="black", capsize=2)
        axes.set_yticks(positions, labels)
        axes.set_xlim(-3, 3)
        axes.set_ylim(-0.7, len(indices) - 0.3)
        axes.set_xlabel(r"$(\hat\theta - \theta_0)\,/\,\Delta\theta$")
        axes.set_title("pulls and constraints")
        _saved(figure, path)
    return figure, axes


# --- correlations ----------------------------------------------------------------------------------------------


def plot_correlation(
    model: Any, data: ArrayLike, *, summary: FitSummary | None = None, path: str | os.PathLike | None = None
) -> tuple[Any, Any]:
    """The correlation matrix of the free parameters after the fit (fixed parameters left out), each cell
    annotated when there are at most 20 parameters. Returns ``(figure, axes)``; writes a PNG to ``path`` when
    given."""
    summary = summary or fit_summary(model, data)
    indices = [index for index in range(len(summary.values)) if not summary.fixed[index]]
    matrix = summary.correlations[np.ix_(indices, indices)]
    labels = [summary.labels[index] for index in indices]
    size = 2.5 + 0.45 * len(indices)
    with _style():
        figure = _figure((size + 1.2, size))
        axes = figure.subplots()
        image = axes.imshow(matrix, cmap="RdBu_r", vmin=-1, vmax=1)
        figure.colorbar(image, ax=axes, label="correlation")
        ticks = np.arange(len(indices))
        axes.set_xticks(ticks, labels, rotation=90)
        axes.set_yticks(ticks, labels)
        if len(indices) <= 20:
            for row in ticks:
                for column in ticks:
                    value = matrix[row, column]
                    colour = "white" if abs(value) > 0.5 else "black"
                    axes.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=7, color=colour)
        axes.set_title("post-fit correlations")
        _saved(figure, path)
    return figure, axes


# --- stacked histograms ----------------------------------------------------------------------------------------


def plot_stack(
    model: Any, data: ArrayLike, *, summary: FitSummary | None = None, path: str | os.PathLike | None = None
) -> tuple[Any, np.ndarray]:
    """Per channel (rows), the samples' stacked yields before the fit (suggested initial parameters, left) and
    after it (best fit, right), with the observed data and their Poisson √n errors. Bins are drawn at their
    index (the workspace does not carry bin edges). Returns ``(figure, axes)`` with ``axes`` of shape
    ``(channels, 2)``; writes a PNG to ``path`` when given."""
    summary = summary or fit_summary(model, data)
    config = model.config
    observed = np.asarray(data, dtype=float)[: config.nmaindata]
    stages = (("pre-fit", summary.prefit_values), ("post-fit", summary.values))
    by_sample = {
        title: np.asarray(model.main_model.expected_data(pars, return_by_sample=True)) for title, pars in stages
    }
    colours = [f"C{index % 10}" for index in range(len(config.samples))]
    with _style():
        figure = _figure((10, 3.4 * len(config.channels)))
        axes = np.atleast_2d(figure.subplots(len(config.channels), 2, squeeze=False))
        start = 0
        for row, channel in enumerate(config.channels):
            nbins = config.channel_nbins[channel]
            bins = slice(start, start + nbins)
            start += nbins
            edges = np.arange(nbins + 1, dtype=float)
            centres = edges[:-1] + 0.5
            for column, (title, _) in enumerate(stages):
                ax = axes[row, column]
                bottom = np.zeros(nbins)
                for sample, colour in zip(config.samples, colours):
                    rates = by_sample[title][config.samples.index(sample), bins]
                    if not np.any(rates):
                        continue  # the sample is absent from this channel
                    ax.stairs(bottom + rates, edges, baseline=bottom, fill=True, color=colour, label=sample)
                    bottom = bottom + rates
                counts = observed[bins]
                ax.errorbar(centres, counts, yerr=np.sqrt(counts), fmt="o", color="black", label="data")
                ax.set_xlim(edges[0], edges[-1])
                ax.set_ylim(0, 1.3 * max(float(np.max(bottom)), float(np.max(counts + np.sqrt(counts)))))
                ax.set_title(f"{channel}, {title}")
                ax.set_xlabel("bin")
                ax.set_ylabel("events")
                ax.legend(fontsize="small")
        _saved(figure, path)
    return figure, axes


# --- ranking ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingEntry:
    """The impact of one nuisance parameter on the POI: the POI's shift when the parameter is fixed at its best
    fit ± its post-fit uncertainty and refitted (``postfit_up``, ``postfit_down``), and likewise at ± its pre-fit
    width (``prefit_up``, ``prefit_down``; nan for unconstrained parameters), with its pull and constraint (nan
    when unconstrained)."""

    index: int
    label: str
    postfit_up: float
    postfit_down: float
    prefit_up: float
    prefit_down: float
    pull: float
    constraint: float


def _refit_poi(model, data, summary: FitSummary, index: int, value: float) -> float:
    """The POI's best fit with parameter ``index`` held at ``value`` (starting from the global best fit)."""
    from .infer import mle

    init = summary.values.copy()
    init[index] = value
    fixed = summary.fixed.copy()
    fixed[index] = True
    fitted = mle.fit(data, model, init_pars=init.tolist(), fixed_params=fixed.tolist())
    return float(np.asarray(fitted)[summary.poi_index])


def nuisance_ranking(model: Any, data: ArrayLike, *, summary: FitSummary | None = None) -> list[RankingEntry]:
    """The impact on the POI of every free nuisance parameter (four refits each: fixed at θ̂ ± Δθ̂ post-fit and,
    when constrained, θ̂ ± Δθ pre-fit), ordered by the larger post-fit impact, largest first. ``ValueError``
    without a POI."""
    summary = summary or fit_summary(model, data)
    if summary.poi_index is None:
        raise ValueError("the ranking needs a POI: the model has none")
    bounds = model.config.suggested_bounds()
    poi = summary.values[summary.poi_index]
    entries = []
    for index in _nuisance_indices(summary, constrained_only=False):
        low, high = bounds[index]

        def impact(shift: float, index: int = index, low: float = low, high: float = high) -> float:
            if not np.isfinite(shift):
                return float("nan")
            # A shift past a bound is clipped to it, as the parameter cannot take values outside.
            value = min(max(summary.values[index] + shift, low), high)
            return _refit_poi(model, data, summary, index, value) - poi

        postfit = summary.uncertainties[index]
        prefit = summary.prefit_widths[index]
        entries.append(
            RankingEntry(
                index=index,
                label=summary.labels[index],
                postfit_up=impact(postfit),
                postfit_down=impact(-postfit),
                prefit_up=impact(prefit),
                prefit_down=impact(-prefit),
                pull=(summary.values[index] - summary.prefit_values[index]) / prefit,
                constraint=postfit / prefit,
            )
        )
    return sorted(entries, key=lambda entry: -max(abs(entry.postfit_up), abs(entry.postfit_down)))


def plot_ranking(
    model: Any,
    data: ArrayLike,
    *,
    summary: FitSummary | None = None,
    ranking: Sequence[RankingEntry] | None = None,
    max_parameters: int = 15,
    path: str | os.PathLike | None = None,
) -> tuple[Any, tuple[Any, Any]]:
    """The nuisance-parameter ranking: per parameter (largest impact on top, at most ``max_parameters``), bars of
    the POI's shift for the pre-fit (hollow) and post-fit (filled) ±1σ variations on the impact axis (top), and
    the pull with its constraint as a point with error bars on the pull axis (bottom). ``ranking`` reuses a
    :func:`nuisance_ranking`. Returns ``(figure, (impact_axes, pull_axes))``; writes a PNG to ``path`` when
    given."""
    entries = list(ranking if ranking is not None else nuisance_ranking(model, data, summary=summary))
    entries = entries[:max_parameters]
    if not entries:
        raise ValueError("the model has no free nuisance parameter to rank")
    positions = np.arange(len(entries))[::-1]
    with _style():
        figure = _figure((7, 1.6 + 0.4 * len(entries)))
        pull_axes = figure.subplots()
        impact_axes = pull_axes.twiny()
        # The bars sit behind the pull points, which are drawn on the axes in front.
        pull_axes.set_zorder(impact_axes.get_zorder() + 1)
        pull_axes.patch.set_visible(False)
        for attribute, style in (
            ("prefit_up", dict(facecolor="none", edgecolor="tab:blue", label=r"pre-fit $+1\sigma$")),
            ("prefit_down", dict(facecolor="none", edgecolor="tab:orange", label=r"pre-fit $-1\sigma$")),
            ("postfit_up", dict(color="tab:blue", alpha=0.7, label=r"post-fit $+1\sigma$")),
            ("postfit_down", dict(color="tab:orange", alpha=0.7, label=r"post-fit $-1\sigma$")),
        ):
            shifts = np.nan_to_num([getattr(entry, attribute) for entry in entries], nan=0.0)
            impact_axes.barh(positions, shifts, height=0.7, **style)
        widest = max(
            (
                abs(getattr(entry, name))
                for entry in entries
                for name in ("prefit_up", "prefit_down", "postfit_up", "postfit_down")
            ),
            default=0.0,
            key=lambda value: value if np.isfinite(value) else 0.0,
        )
        widest = widest if np.isfinite(widest) and widest > 0 else 1.0
        impact_axes.set_xlim(-1.3 * widest, 1.3 * widest)
        impact_axes.set_xlabel(r"$\Delta\hat\mu$")
        impact_axes.legend(fontsize="x-small", loc="lower right", ncols=2)
        pulls = np.array([entry.pull for entry in entries])
        constraints = np.array([entry.constraint for entry in entries])
        shown = np.isfinite(pulls)
        pull_axes.errorbar(pulls[shown], positions[shown], xerr=constraints[shown], fmt="o", color="black")
        pull_axes.axvline(0, color="gray", linestyle="dotted")
        pull_axes.set_xlim(-2, 2)
        pull_axes.set_xlabel(r"$(\hat\theta - \theta_0)\,/\,\Delta\theta$")
        pull_axes.set_yticks(positions, [entry.label for entry in entries])
        pull_axes.set_ylim(-0.7, len(entries) - 0.3)
        _saved(figure, path)
    return figure, (impact_axes, pull_axes)


# --- Brazil band -----------------------------------------------------------------------------------------------


def plot_brazil(
    model: Any,
    data: ArrayLike,
    *,
    poi_range: tuple[float, float] = _DEFAULT_SCAN[:2],
    points: int = _DEFAULT_SCAN[2],
    level: float = 0.05,
    path: str | os.PathLike | None = None,
    **hypotest_kwargs: Any,
) -> tuple[Any, Any]:
    """The Brazil band of an upper-limit scan: ``infer.intervals.upper_limits.upper_limit`` over ``points``
    evenly spaced POI values in ``poi_range``, drawn by ``contrib.viz.brazil.plot_results`` (pyhf's look), with
    the observed limit marked. ``hypotest_kwargs`` go to the hypothesis tests. Returns ``(figure, axes)``; writes
    a PNG to ``path`` when given."""
    from .contrib.viz import brazil
    from .infer.intervals import upper_limits

    low, high = (float(value) for value in poi_range)
    if not (np.isfinite(low) and np.isfinite(high) and high > low) or points < 2:
        raise ValueError(f"the scan needs LO < HI and at least 2 points, got {low}..{high} with {points}")
    scan = np.linspace(low, high, int(points))
    observed, _, (tested, results) = upper_limits.upper_limit(
        data, model, scan=scan, level=level, return_results=True, **hypotest_kwargs
    )
    with _style():
        figure = _figure((7, 5))
        axes = figure.subplots()
        brazil.plot_results(np.asarray(tested, dtype=float), results, test_size=level, ax=axes)
        axes.axvline(float(observed), color="gray", linestyle="dashdot", linewidth=1)
        axes.set_title(rf"observed upper limit $\mu$ = {float(observed):.3f} at {100 * (1 - level):.0f}% CL")
        _saved(figure, path)
    return figure, axes


# --- signal grids ------------------------------------------------------------------------------------------------


def _grid_rows(points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, CLs_obs, CLs_exp) of the computed points of a grid: ``distributed.GridPoint``s, or the objects of
    ``neos cls --patchset``'s JSON table (``values``, ``CLs_obs``, ``CLs_exp``); failed points are left out."""
    values, observed, expected = [], [], []
    for point in points:
        if isinstance(point, dict):
            if "error" in point:
                continue
            row = (point["values"], point["CLs_obs"], point["CLs_exp"])
        else:
            if not point.ok:
                continue
            row = (point.values, *point.result)
        values.append([float(v) for v in row[0]])
        observed.append(float(row[1]))
        expected.append([float(v) for v in row[2]])
    if len(values) < 3:
        raise ValueError(f"an exclusion contour needs at least 3 computed points, got {len(values)}")
    return np.asarray(values), np.asarray(observed), np.asarray(expected)


def plot_exclusion_contour(
    points: Sequence[Any],
    *,
    x: int = 0,
    y: int = 1,
    labels: Sequence[str] | None = None,
    level: float = 0.05,
    path: str | os.PathLike | None = None,
) -> tuple[Any, Any]:
    """The exclusion contour of a signal grid: CLs = ``level`` in the plane of two of the points' values
    (``x``, ``y``: indices into each point's metadata values, e.g. the two masses), interpolated over the
    triangulated points; observed (solid), expected median (dashed) and its ±1σ band, over the points coloured by
    their observed CLs. ``points``: :func:`neos_swift.distributed.hypotest_grid`'s result or ``neos cls
    --patchset``'s JSON table (failed points are skipped). ``labels`` name the axes (default ``values[x]``,
    ``values[y]``). Returns ``(figure, axes)``; writes a PNG to ``path`` when given."""
    import matplotlib.tri as mtri

    values, observed, expected = _grid_rows(points)
    xs, ys = values[:, x], values[:, y]
    triangles = mtri.Triangulation(xs, ys)
    with _style():
        figure = _figure((7, 5.5))
        axes = figure.subplots()
        # the ±1σ band: where the -1σ expected curve excludes and the +1σ one does not
        inside_band = np.minimum(expected[:, 3] - level, level - expected[:, 1])
        if np.nanmax(inside_band) > 0:
            axes.tricontourf(triangles, inside_band, levels=[0.0, np.inf], colors=["gold"], alpha=0.5)
        axes.tricontour(triangles, expected[:, 2], levels=[level], colors="black", linestyles="dashed")
        axes.tricontour(triangles, observed, levels=[level], colors="firebrick", linewidths=2)
        shown = axes.scatter(xs, ys, c=observed, cmap="viridis", s=14, vmin=0.0, vmax=1.0, zorder=3)
        figure.colorbar(shown, ax=axes, label=r"observed CL$_s$")
        names = list(labels) if labels is not None else [f"values[{x}]", f"values[{y}]"]
        axes.set_xlabel(names[0])
        axes.set_ylabel(names[1])
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        axes.legend(
            handles=[
                Line2D([], [], color="firebrick", linewidth=2, label=f"observed CLs = {level}"),
                Line2D([], [], color="black", linestyle="dashed", label="expected"),
                Patch(color="gold", alpha=0.5, label=r"expected $\pm 1\sigma$"),
            ],
            loc="best",
        )
        _saved(figure, path)
    return figure, axes
