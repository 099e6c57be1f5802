"""Gradients through inference on the reference workspaces and on random ones: hypotest Jacobians (CLs observed and
the expected band, w.r.t. model inputs) against central differences of re-run hypotests, 1e-5 relative or 1e-9
absolute near zero (issue 5's tolerance). sbottom RegionA is checked on a sample of its 5328 inputs.

Opt-in (NEOS_GRADIENT_CHECKS=1) while issue 5 is open: 57 of 60 pass. The three others (random seeds 4, 33, 47)
are limited by the rounding of the fits, not by the derivatives: their outputs jump by ~1e-11 between neighbouring
inputs (CLs near 1, where √q amplifies the last bits of a fit), which at any usable step is a difference-quotient
noise of ~1e-8, above the 1e-9 absolute floor; the fits need to land reproducibly to rounding level there.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import neos_swift
from conftest import REFDATA
from workspaces import random_workspace

ENABLED = bool(os.environ.get("NEOS_GRADIENT_CHECKS"))
VALIDATION = json.loads((REFDATA / "expected_results_validation.json").read_text())
CASES = [name for name, case in VALIDATION.items() if case.get("calctype") == "asymptotics" and ENABLED]
RTOL, ATOL = 1e-5, 1e-9
RANDOM_CASES = 50 if ENABLED else 0


def outputs(model, data, poi, test_stat):
    value, band = neos_swift.infer.hypotest(poi, data, model, test_stat=test_stat, return_expected_set=True)
    return np.concatenate([[float(value)], band])


def assert_jacobian(model, data, poi, test_stat, columns, relative_steps=(1e-3, 1e-4)):
    """Each column of the hypotest Jacobian against finite differences of re-run hypotests.

    Steps are h = 1e-3·max(1, |x|), large enough that the rounding of converged fits stays far below the tolerance
    in a difference quotient, and, where a kink lies within a few of those steps, 1e-4·max(1, |x|). Where the
    outputs are smooth around x, the 5-point central difference (truncation O(h⁴)) must match. The outputs have
    kinks, though: a statistic reaching its clip at 0, μ̂ crossing the tested μ, a parameter reaching a bound or an
    interpolation kink. Within two steps of one, no central difference is meaningful; there the analytic
    derivative must match a one-sided derivative, from a side on which the outputs are smooth, which shows as its
    second-order one-sided estimates at h and 2h agreeing. Every comparison uses the same tolerance."""
    _, _, jacobian = neos_swift.infer.hypotest(poi, data, model, test_stat=test_stat, return_expected_set=True,
                                               return_jacobian=True)
    values = model.inputs()[1]
    base = outputs(model, data, poi, test_stat)
    for k in columns:
        analytic = jacobian.inputs[:, k]
        reports = []
        for relative_step in relative_steps:
            ok, report = _check_column(model, data, poi, test_stat, values, base, k, analytic,
                                       relative_step * max(1.0, abs(values[k])))
            reports.append(report)
            if ok.all():
                break
        assert ok.all(), f"input {k} ({model.inputs()[0][k]}): analytic {analytic}; " + "; ".join(reports)


def _check_column(model, data, poi, test_stat, values, base, k, analytic, step):
    """Whether each output's derivative matches at this step, and the differences for a failure message."""

    def at(offset):
        shifted = values.copy()
        shifted[k] += offset
        return outputs(model.with_inputs(shifted), data, poi, test_stat)

    f = {n: at(n * step) for n in (-4, -2, -1, 1, 2, 4)}
    f[0] = base

    def close(reference):
        return np.abs(analytic - reference) <= np.maximum(ATOL, RTOL * np.abs(reference))

    def one_sided(sign, scale):
        # (−3f(x) + 4f(x ± s) − f(x ± 2s)) / (±2s), second order.
        return sign * (-3 * f[0] + 4 * f[sign * scale] - f[2 * sign * scale]) / (2 * scale * step)

    central = (-f[2] + 8 * f[1] - 8 * f[-1] + f[-2]) / (12 * step)
    ok = close(central)
    for sign in (1, -1):
        near, far = one_sided(sign, 1), one_sided(sign, 2)
        # The error of the estimate at 2h is four times that at h, so agreement within the tolerance bounds the
        # error at h by a third of it.
        smooth = np.abs(near - far) <= np.maximum(ATOL, RTOL * np.abs(near))
        ok |= smooth & close(near)
    report = (f"step {step:.1e}: central {central}, one-sided + {one_sided(1, 1)} / {one_sided(1, 2)}, "
              f"− {one_sided(-1, 1)} / {one_sided(-1, 2)}")
    return ok, report


@pytest.mark.parametrize("name", CASES)
def test_validation_workspace(name):
    case = VALIDATION[name]
    workspace = neos_swift.Workspace(json.loads((REFDATA / case["workspace"]).read_text()))
    model = workspace.model(modifier_settings=case["modifier_settings"])
    assert_jacobian(model, np.asarray(workspace.data(model)), case["test_poi"], case["test_stat"],
                    range(model.config.ninputs))


@pytest.mark.parametrize("patch", ["sbottom_1300_205_60"] if ENABLED else [])
def test_sbottom_region_a_sample(patch):
    region = REFDATA / "sbottom_ins1748602" / "RegionA"
    workspace = neos_swift.Workspace(json.loads((region / "BkgOnly.json").read_text()))
    model = workspace.model(patches=[json.loads((region / f"patch.{patch}.json").read_text())])
    columns = np.random.default_rng(1748602).choice(model.config.ninputs, size=12, replace=False)
    assert_jacobian(model, np.asarray(workspace.data(model)), 1.0, "qtilde", columns)


@pytest.mark.parametrize("seed", range(RANDOM_CASES))
def test_random_workspace(seed):
    spec, settings = random_workspace(seed, for_inference=True)
    workspace = neos_swift.Workspace(spec)
    model = workspace.model(**({} if settings is None else {"modifier_settings": settings}))
    columns = np.random.default_rng(seed).choice(model.config.ninputs, size=min(8, model.config.ninputs),
                                                 replace=False)
    assert_jacobian(model, np.asarray(workspace.data(model)), 1.0, "qtilde", columns)
