"""Brazil-band plots of a scan of hypothesis tests (``pyhf.contrib.viz.brazil``), with pyhf 0.7.6's look:
the observed CLs as a black line, the five expected CLs as dotted lines (the median dashed) over a yellow
+-2 sigma and a green +-1 sigma band, the test size as a red line; optionally CLs+b (red) and CLb (blue).

The inputs are whatever ``infer.hypotest`` returned at each tested POI value; nothing is computed here."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

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


def plot_brazil_band(test_pois, cls_obs, cls_exp, test_size, ax, **kwargs):
    """Draw the observed CLs, the expected band ``cls_exp`` (five sequences, -2 sigma to +2 sigma) and the test
    size ``test_size`` against ``test_pois`` on ``ax``. Keywords: ``color`` of the CLs lines (black),
    ``test_size_color`` (red) and ``test_size_linestyle`` (solid). Returns the artists (observed line, expected
    lines, one sigma band, two sigma band, test-size line)."""
    color = kwargs.pop("color", "black")
    (observed,) = ax.plot(test_pois, cls_obs, color=color, label=_CLS)
    expected = []
    for index in range(5):
        median = index == 2
        (line,) = ax.plot(
            test_pois,
            cls_exp[index],
            color=color,
            linestyle="dashed" if median else "dotted",
            label=_CLS_EXP if median else None,
        )
        expected.append(line)
    two_sigma = ax.fill_between(
        test_pois, cls_exp[0], cls_exp[-1], facecolor="yellow", label=r"$\pm2\sigma$ " + _CLS_EXP
    )
    one_sigma = ax.fill_between(
        test_pois, cls_exp[1], cls_exp[-2], facecolor="green", label=r"$\pm1\sigma$ " + _CLS_EXP
    )
    (size_line,) = ax.plot(
        test_pois,
        [test_size] * len(test_pois),
        color=kwargs.pop("test_size_color", "red"),
        linestyle=kwargs.pop("test_size_linestyle", "solid"),
        label=rf"$\alpha={test_size}$",
    )
    return observed, expected, one_sigma, two_sigma, size_line


def plot_cls_components(test_pois, tail_probs, ax, **kwargs):
    """Draw the observed CLs+b and CLb (``tail_probs``: one ``[CLs+b, CLb]`` pair per tested POI) on ``ax``.
    Keywords: ``linewidth`` (2), ``clsb_color`` (red), ``clb_color`` (blue), ``no_clsb`` / ``no_clb`` to leave
    one out. Returns the two lines (``None`` for one left out)."""
    pairs = np.asarray([[pair[0], pair[1]] for pair in tail_probs], dtype=np.float64).reshape(-1, 2)
    width = kwargs.pop("linewidth", 2)
    lines = []
    for column, (skip, color_key, color, label) in enumerate(
        (
            ("no_clsb", "clsb_color", "red", r"$\mathrm{CL}_{s+b}$"),
            ("no_clb", "clb_color", "blue", r"$\mathrm{CL}_{b}$"),
        )
    ):
        if kwargs.pop(skip, False):
            lines.append(None)
            continue
        (line,) = ax.plot(test_pois, pairs[:, column], color=kwargs.pop(color_key, color), linewidth=width, label=label)
        lines.append(line)
    return tuple(lines)


def _legend_last(handles, labels, parts):
    # Each part in turn: the first entry whose label contains it goes to the end of the legend.
    for part in parts:
        index = next(i for i, label in enumerate(labels) if part in label)
        handles.append(handles.pop(index))
        labels.append(labels.pop(index))


def plot_results(test_pois, tests, test_size=0.05, ax=None, **kwargs):
    """Plot hypothesis tests at ``test_pois``: each entry of ``tests`` is ``[CLs_obs, CLs_exp band]``, or, as
    ``hypotest(..., return_tail_probs=True, return_expected_set=True)`` returns, ``[CLs_obs, [CLs+b, CLb],
    CLs_exp band]``. On ``ax`` (the current axes by default).

    Keywords: ``components`` (also draw CLs+b and CLb: needs the three-part entries, ``ValueError`` otherwise),
    ``no_cls`` (leave the band out), ``xlabel``, ``ylabel``, and those of :func:`plot_brazil_band` and
    :func:`plot_cls_components`. The y range is [0, 1], or [test_size / 10, 1] on a log axis. Returns a
    :class:`BrazilBandCollection`."""
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    components = kwargs.pop("components", False)
    no_cls = kwargs.pop("no_cls", False)
    parts = len(tests[0])
    if components and parts != 3:
        raise ValueError(
            f"The components of 'tests' should have len of 3 to visualize the CLs components but have len {parts}."
            "\n'tests' should have format of: [CLs_obs, [CLsb, CLb], [CLs_exp band]]"
        )
    cls_obs = np.array([test[0] for test in tests]).flatten()
    band = np.array([test[-1] for test in tests])
    cls_exp = [np.array([row[index] for row in band]).flatten() for index in range(5)]
    artists = (None,) * 5 if no_cls else plot_brazil_band(test_pois, cls_obs, cls_exp, test_size, ax, **kwargs)
    clsb, clb = (
        plot_cls_components(test_pois, [test[1] for test in tests], ax, **kwargs) if components else (None, None)
    )
    ax.set_xlabel(kwargs.pop("xlabel", r"$\mu$ (POI)"))
    ax.set_ylabel(kwargs.pop("ylabel", _CLS))
    ax.set_ylim(test_size * 0.1 if ax.get_yscale() == "log" else 0, 1)
    handles, labels = ax.get_legend_handles_labels()
    if not no_cls:
        _legend_last(handles, labels, ("exp", "pm1", "pm2", "alpha"))
    ax.legend(handles, labels, loc="best")
    return BrazilBandCollection(*artists, clsb, clb, ax)
