"""Brazil-band plots of a scan of hypothesis tests (``pyhf.contrib.viz.brazil``), with pyhf 0.7.6's look:
the observed CLs as a black line, the five expected CLs as dotted lines (the median dashed) over a yellow
+-2 sigma and a green +-1 sigma band, the test size as a red line; optionally CLs+b (red) and CLb (blue).

The inputs are whatever ``infer.hypotest`` returned at each tested POI value; nothing is computed here. The
styling keywords are pyhf's names and defaults; a keyword none of the functions knows raises ``TypeError``, as
it would for any Python function (pyhf ignores it)."""

from __future__ import annotations

import inspect
from collections import namedtuple
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PolyCollection
    from matplotlib.lines import Line2D
    from numpy.typing import ArrayLike

__all__ = ["BrazilBandCollection", "plot_brazil_band", "plot_cls_components", "plot_results"]


def __dir__():
    return __all__


class BrazilBandCollection(
    namedtuple(
        "BrazilBandCollection",
        ("cls_obs", "cls_exp", "one_sigma_band", "two_sigma_band", "test_size", "clsb", "clb", "axes"),
    )
):
    """The artists :func:`plot_results` drew: the observed CLs line, the list of five expected CLs lines, the
    +-1 and +-2 sigma bands (``PolyCollection``), the test-size line, the CLs+b and CLb lines, and the axes.
    What was not drawn is ``None``."""


_CLS = r"$\mathrm{CL}_{s}$"
_CLS_EXP = r"$\mathrm{CL}_{s,\mathrm{exp}}$"
_MEDIAN = 2  # the index of the median among the five expected curves (-2 sigma ... +2 sigma)


def _line(ax, x, y, **style):
    """Draws one line and returns its artist."""
    (artist,) = ax.plot(x, y, **style)
    return artist


def _fill(ax, x, curves, low, high, facecolor, width):
    """Fills between two expected curves (``low`` and ``high`` index ``curves``), labelled as the +-width band."""
    return ax.fill_between(x, curves[low], curves[high], facecolor=facecolor, label=rf"$\pm{width}\sigma$ {_CLS_EXP}")


def plot_brazil_band(
    test_pois: ArrayLike,
    cls_obs: ArrayLike,
    cls_exp: Sequence[ArrayLike],
    test_size: float,
    ax: Axes,
    *,
    color: Any = "black",
    test_size_color: Any = "red",
    test_size_linestyle: Any = "solid",
) -> tuple[Line2D, list[Line2D], PolyCollection, PolyCollection, Line2D]:
    """Draw the observed CLs, the expected band ``cls_exp`` (five sequences, -2 sigma to +2 sigma) and the test
    size ``test_size`` against ``test_pois`` on ``ax``. ``color`` is the CLs lines' colour, ``test_size_color``
    and ``test_size_linestyle`` the test-size line's. Returns the artists (observed line, expected lines, one
    sigma band, two sigma band, test-size line)."""
    observed = _line(ax, test_pois, cls_obs, color=color, label=_CLS)
    expected = [
        _line(
            ax,
            test_pois,
            curve,
            color=color,
            linestyle="dashed" if index == _MEDIAN else "dotted",
            label=_CLS_EXP if index == _MEDIAN else None,
        )
        for index, curve in enumerate(cls_exp[:5])
    ]
    # The wider band first, so that the narrower one is drawn over it.
    two_sigma = _fill(ax, test_pois, cls_exp, 0, -1, "yellow", 2)
    one_sigma = _fill(ax, test_pois, cls_exp, 1, -2, "green", 1)
    size_line = _line(
        ax,
        test_pois,
        np.full(len(test_pois), test_size),
        label=rf"$\alpha={test_size}$",
        color=test_size_color,
        linestyle=test_size_linestyle,
    )
    return observed, expected, one_sigma, two_sigma, size_line


def plot_cls_components(
    test_pois: ArrayLike,
    tail_probs: Sequence[Sequence[float]],
    ax: Axes,
    *,
    linewidth: float = 2,
    no_clsb: bool = False,
    no_clb: bool = False,
    clsb_color: Any = "red",
    clb_color: Any = "blue",
) -> tuple[Line2D | None, Line2D | None]:
    """Draw the observed CLs+b and CLb (``tail_probs``: one ``[CLs+b, CLb]`` pair per tested POI) on ``ax``, in
    ``clsb_color`` and ``clb_color`` with width ``linewidth``; ``no_clsb`` / ``no_clb`` leave one out. Returns
    the two lines (``None`` for one left out)."""
    columns = np.asarray([[pair[0], pair[1]] for pair in tail_probs], dtype=np.float64).reshape(-1, 2).T
    drawn = []
    for values, skip, colour, label in (
        (columns[0], no_clsb, clsb_color, r"$\mathrm{CL}_{s+b}$"),
        (columns[1], no_clb, clb_color, r"$\mathrm{CL}_{b}$"),
    ):
        drawn.append(None if skip else _line(ax, test_pois, values, color=colour, linewidth=linewidth, label=label))
    return tuple(drawn)


def _keyword_only(function) -> frozenset:
    return frozenset(
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    )


# Which of plot_results' styling keywords each drawing function takes.
_BAND_KEYWORDS = _keyword_only(plot_brazil_band)
_COMPONENT_KEYWORDS = _keyword_only(plot_cls_components)


def _split_styles(styles: dict) -> tuple[dict, dict]:
    """The keywords for :func:`plot_brazil_band` and for :func:`plot_cls_components`; ``TypeError`` for one that
    neither takes."""
    unknown = sorted(set(styles) - _BAND_KEYWORDS - _COMPONENT_KEYWORDS)
    if unknown:
        raise TypeError(f"plot_results() got an unexpected keyword argument {unknown[0]!r}")
    band = {key: value for key, value in styles.items() if key in _BAND_KEYWORDS}
    parts = {key: value for key, value in styles.items() if key in _COMPONENT_KEYWORDS}
    return band, parts


def _move_to_end(handles, labels, last):
    """The legend entries in their order, except the artists of ``last``, which go to the end in that order."""
    place = {id(artist): rank for rank, artist in enumerate(last, start=1)}
    order = sorted(range(len(handles)), key=lambda index: place.get(id(handles[index]), 0))
    return [handles[index] for index in order], [labels[index] for index in order]


def plot_results(
    test_pois: ArrayLike,
    tests: Sequence[Sequence[Any]],
    test_size: float = 0.05,
    ax: Axes | None = None,
    *,
    components: bool = False,
    no_cls: bool = False,
    xlabel: str = r"$\mu$ (POI)",
    ylabel: str = _CLS,
    **styles: Any,
) -> BrazilBandCollection:
    """Plot hypothesis tests at ``test_pois``: each entry of ``tests`` is ``[CLs_obs, CLs_exp band]``, or, as
    ``hypotest(..., return_tail_probs=True, return_expected_set=True)`` returns, ``[CLs_obs, [CLs+b, CLb],
    CLs_exp band]``. On ``ax`` (the current axes by default).

    ``components`` also draws CLs+b and CLb (it needs the three-part entries: ``ValueError`` otherwise),
    ``no_cls`` leaves the CLs lines and band out, ``xlabel`` and ``ylabel`` label the axes, and ``styles`` are
    the keywords of :func:`plot_brazil_band` and :func:`plot_cls_components` (``TypeError`` for any other). The
    y range is [0, 1], or [test_size / 10, 1] on a log axis. Returns a :class:`BrazilBandCollection`."""
    band_styles, component_styles = _split_styles(styles)
    if components and len(tests[0]) != 3:
        raise ValueError(
            f"components=True needs tests with len of 3, [CLs_obs, [CLsb, CLb], CLs_exp band]; "
            f"tests[0] has len {len(tests[0])}"
        )
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()

    observed = np.asarray([test[0] for test in tests], dtype=np.float64).reshape(-1)
    # One row per tested POI, one column per expected curve (-2 sigma ... +2 sigma).
    band = np.asarray([np.asarray(test[-1], dtype=np.float64).reshape(-1) for test in tests])
    drawn = (None,) * 5 if no_cls else plot_brazil_band(test_pois, observed, list(band.T), test_size, ax, **band_styles)
    tails = (
        plot_cls_components(test_pois, [test[1] for test in tests], ax, **component_styles)
        if components
        else (None, None)
    )

    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0.1 * test_size if ax.get_yscale() == "log" else 0, 1)

    handles, labels = ax.get_legend_handles_labels()
    if not no_cls:
        # The expected median, the two bands and the test size close the legend.
        _, expected, one_sigma, two_sigma, size_line = drawn
        handles, labels = _move_to_end(handles, labels, (expected[_MEDIAN], one_sigma, two_sigma, size_line))
    ax.legend(handles, labels, loc="best")
    return BrazilBandCollection(*drawn, *tails, ax)
