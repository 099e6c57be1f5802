"""Gradients through inference on the reference workspaces and on random ones: hypotest Jacobians (CLs observed and
the expected band, w.r.t. model inputs) against central differences of re-run hypotests, 1e-5 relative or 1e-9
absolute near zero (issue 5's tolerance). sbottom RegionA is checked on a sample of its 5328 inputs.

Opt-in (NEOS_GRADIENT_CHECKS=1) while issue 5 is open. Status at the end of stop 7: 44 of 60 pass. The failures
fall into three kinds, to be worked through next:
- entries of order 1e-9 where the analytic derivative is exactly 0: the noise of re-fitted finite differences at
  the 1e-9 absolute floor;
- a parameter held at a code0/code1 kink, or one that sits on a bound, gets a zero derivative while re-fits with
  perturbed inputs move it (the hold is not stable under the perturbation);
- band derivatives that differ by ~6e-5 relative (sbottom, some random cases): either the step (relative to
  max(1, |x|), large for small inputs) or a missing term in the Asimov chain.
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


def assert_jacobian(model, data, poi, test_stat, columns, relative_step=2e-5):
    _, _, jacobian = neos_swift.infer.hypotest(poi, data, model, test_stat=test_stat, return_expected_set=True,
                                               return_jacobian=True)
    values = model.inputs()[1]
    for k in columns:
        step = relative_step * max(1.0, abs(values[k]))
        plus, minus = values.copy(), values.copy()
        plus[k] += step
        minus[k] -= step
        numeric = (outputs(model.with_inputs(plus), data, poi, test_stat)
                   - outputs(model.with_inputs(minus), data, poi, test_stat)) / (2 * step)
        tolerance = np.maximum(ATOL, RTOL * np.abs(numeric))
        bad = np.abs(jacobian.inputs[:, k] - numeric) > tolerance
        assert not bad.any(), f"input {k} ({model.inputs()[0][k]}): {jacobian.inputs[:, k]} vs {numeric}"


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
