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


# Skip budgets: a test module may declare SKIP_BUDGET = {message prefix: most skips}; a run that skips more of its
# tests for a reason than that fails, so a regression cannot hide behind growing skips.
_skips_by_module: dict[str, list[str]] = {}


def pytest_runtest_logreport(report):
    if report.skipped and isinstance(report.longrepr, tuple):
        message = report.longrepr[2].removeprefix("Skipped: ")
        _skips_by_module.setdefault(report.nodeid.split("::")[0], []).append(message)


def pytest_sessionfinish(session, exitstatus):
    modules = {item.module.__name__: item.module for item in session.items}
    over = []
    for path, messages in _skips_by_module.items():
        module = modules.get(Path(path).stem)
        budget = getattr(module, "SKIP_BUDGET", None)
        if budget is None:
            continue
        unbudgeted = [m for m in messages if not any(m.startswith(reason) for reason in budget)]
        if unbudgeted:
            over.append(f"{path}: skipped for a reason without a budget: {unbudgeted[0]!r}")
        for reason, allowed in budget.items():
            count = sum(m.startswith(reason) for m in messages)
            if count > allowed:
                over.append(f"{path}: {count} skips for {reason!r}, at most {allowed} allowed")
    if over:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("\n" + "\n".join(["skip budget exceeded:", *over]), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
