"""Shared test helpers: central finite differences and the repository paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
HEADER = REPO / "include" / "neos.h"
REFDATA = REPO / "Tests" / "Data" / "pyhf"


def central_differences(function, point, relative_step=1e-6):
    """Gradient of a scalar function by central differences, with a step scaled to each coordinate."""
    point = np.asarray(point, dtype=float)
    gradient = np.empty_like(point)
    for index in range(point.size):
        step = relative_step * max(1.0, abs(point[index]))
        plus, minus = point.copy(), point.copy()
        plus[index] += step
        minus[index] -= step
        gradient[index] = (function(plus) - function(minus)) / (2 * step)
    return gradient


def assert_gradient(analytic, numeric, rtol=1e-6, atol=1e-9):
    """rtol relative to the larger magnitude of each pair, with an absolute floor for vanishing components."""
    analytic, numeric = np.atleast_1d(analytic), np.atleast_1d(numeric)
    assert analytic.shape == numeric.shape
    scale = np.maximum(np.abs(analytic), np.abs(numeric))
    bad = np.abs(analytic - numeric) > np.maximum(atol, rtol * scale)
    assert not bad.any(), f"analytic {analytic[bad]} vs finite differences {numeric[bad]}"


@pytest.fixture
def rng():
    return np.random.default_rng(20261130)


# Our tests skip nothing: a skipped test fails the run. A module may instead count cases it checks differently
# (NOT_COMPARED, a collections.Counter of reasons) against NOT_COMPARED_BUDGET = {reason: most cases}; a run over
# budget fails, so a regression cannot hide behind a growing count.
_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    problems = [f"{nodeid}: skipped (our tests skip nothing)" for nodeid in _skipped]
    modules = {id(item.module): item.module for item in session.items}
    for module in modules.values():
        budget, counts = getattr(module, "NOT_COMPARED_BUDGET", None), getattr(module, "NOT_COMPARED", None)
        if budget is None or counts is None:
            continue
        for reason, count in counts.items():
            allowed = budget.get(reason, 0)
            if count > allowed:
                problems.append(f"{module.__name__}: {count} cases {reason!r}, at most {allowed} allowed")
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("\n" + "\n".join(["test policy:", *problems]), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
