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
