"""Gradients through inference against re-fitted finite differences (1e-5 relative, against 5-point central differences of re-fitted values), for every output:

- the fits θ̂ and θ̂̂(μ) (``infer.mle.fit`` / ``fixed_poi_fit(return_jacobian=True)``);
- every row of ``infer.hypotest_derivatives`` (q_obs, q_A, their square roots, CLsb, CLb, CLs and the expected band)
  for the "qtilde" and "q0" tests, with respect to model inputs and the data;
- the neos losses ``expected_cls``, ``discovery_p0``, ``expected_upper_limit`` and σ_μ (``poi_uncertainty``), total
  derivatives with respect to the inputs;
- the observed and expected upper limits (``intervals.upper_limits.upper_limit(return_jacobian=True)``).

Tolerance: 1e-5 relative, or 1e-9 absolute near zero, against central differences of re-run hypotests / re-solved
limits. Cases: the validation workspaces (every input), sbottom RegionA (a sample of its 5328 inputs) and 50 random
workspaces (a sample of inputs and data per workspace; limits on the first ten that have one).

The derivatives are only as checkable as the outputs are reproducible: a test statistic is a difference of twice
NLLs, computed term by term (``logpdfDifference``) so that neighbouring inputs give outputs that differ smoothly to
~1e-16 and not by the ~1e-11 jumps of subtracting two rounded likelihoods, which √q amplifies near q = 0.
"""

from __future__ import annotations

import json

import neos_swift
import numpy as np
import pytest
from conftest import REFDATA
from workspaces import random_workspace

VALIDATION = json.loads((REFDATA / "expected_results_validation.json").read_text())
CASES = [name for name, case in VALIDATION.items() if case.get("calctype") == "asymptotics"]
RTOL, ATOL = 1e-5, 1e-9
RANDOM_CASES = 50
# Random workspaces for the limits: the first ten of the corpus that have one. Seeds 6 and 9 have none: their POI
# is degenerate with a free normalisation, so CLs stays above 0.05 at any μ (test_random_workspace_without_limit).
RANDOM_LIMIT_SEEDS = [0, 1, 2, 3, 4, 5, 7, 8, 10, 11]
NAMES = neos_swift.infer.HypotestDerivatives.names


def hypotest_values(model, data, poi, test_stat):
    return neos_swift.infer.hypotest_derivatives(poi, data, model, test_stat=test_stat).values


def limit_values(model, data, par_bounds=None):
    observed, expected, _ = neos_swift.infer.intervals.upper_limits.upper_limit(
        data, model, par_bounds=par_bounds, return_jacobian=True
    )
    return np.concatenate([[float(observed)], expected])


def assert_columns(evaluate, values, analytic, columns, labels, relative_steps=(1e-3, 1e-4, 1e-5, 1e-6)):
    """Each column of ``analytic`` (outputs × len(values)) against finite differences of ``evaluate(values)``.

    Steps are h = 1e-3·max(1, |x|), large enough that the rounding of converged fits stays far below the tolerance
    in a difference quotient, and, where a kink lies within a few of those steps, 1e-4·max(1, |x|). Where the
    outputs are smooth around x, the 5-point central difference (truncation O(h⁴)) must match. The outputs have
    kinks, though: a statistic reaching its clip at 0, μ̂ crossing the tested μ, a parameter reaching a bound or an
    interpolation kink. Within two steps of one, no central difference is meaningful; there the analytic
    derivative must match a one-sided derivative, from a side on which the outputs are smooth, which shows as its
    second-order one-sided estimates at h and 2h agreeing. Every comparison uses the same tolerance."""
    base = evaluate(values)
    for k in columns:
        reports = []
        for relative_step in relative_steps:
            ok, report = _check_column(
                evaluate, values, base, k, analytic[:, k], relative_step * max(1.0, abs(values[k]))
            )
            reports.append(report)
            if ok.all():
                break
        failing = [labels[o] for o in np.flatnonzero(~ok)]
        assert ok.all(), f"column {k}, outputs {failing}: analytic {analytic[:, k]}; " + "; ".join(reports)


def _check_column(evaluate, values, base, k, analytic, step):
    """Whether each output's derivative matches at this step, and the differences for a failure message."""

    def at(offset):
        shifted = values.copy()
        shifted[k] += offset
        return evaluate(shifted)

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
    report = (
        f"step {step:.1e}: central {central}, one-sided + {one_sided(1, 1)} / {one_sided(1, 2)}, "
        f"− {one_sided(-1, 1)} / {one_sided(-1, 2)}"
    )
    return ok, report


def check_hypotest(model, data, poi, test_stat, input_columns, data_columns=()):
    """Every hypotest output's derivatives w.r.t. the given inputs and data entries."""
    derivatives = neos_swift.infer.hypotest_derivatives(poi, data, model, test_stat=test_stat)
    values = model.inputs()[1]
    assert np.all(np.isfinite(derivatives.inputs)) and np.all(np.isfinite(derivatives.data))
    assert_columns(
        lambda v: hypotest_values(model.with_inputs(v), data, poi, test_stat),
        values,
        derivatives.inputs,
        input_columns,
        NAMES,
    )
    assert_columns(lambda d: hypotest_values(model, d, poi, test_stat), data, derivatives.data, data_columns, NAMES)


# σ_μ² = [I⁻¹]_μμ is I_μμ⁻¹ (the unprofiled variance) times 1/(1 − R²), R the multiple correlation of μ with the
# nuisance parameters. Rounding of I moves σ_μ by ~ε/(1 − R²) relative, so a difference quotient at the steps used
# here resolves its derivative to 1e-5 only while 1/(1 − R²) ≲ 1e5; beyond that μ is all but degenerate with other
# parameters and σ_μ is not a meaningful loss.
MAX_PROFILING_RATIO = 1e5


def profiling_ratio(model, sigma):
    """1/(1 − R²) = σ_μ² I_μμ, with I_μμ = Σ_b (∂λ_b/∂μ)²/λ_b on the Asimov data (λ is linear in μ)."""
    pars = np.array(model.config.suggested_init(), dtype=float)
    pars[model.config.poi_index] = 1.0
    rates = np.asarray(model.expected_actualdata(pars))
    pars[model.config.poi_index] = 2.0
    slope = np.asarray(model.expected_actualdata(pars)) - rates
    return sigma**2 * np.sum(slope**2 / rates)


def poi_uncertainty_is_checkable(model):
    """False where σ_μ is undefined (the loss must then refuse: a free parameter without effect on the expected
    data makes the Fisher information singular) or ill-conditioned (see MAX_PROFILING_RATIO)."""
    try:
        sigma = neos_swift.losses.poi_uncertainty(model)
    except neos_swift.errors.NumericError as error:
        assert "not positive definite" in str(error)
        return False
    return profiling_ratio(model, sigma) <= MAX_PROFILING_RATIO


FITS = {
    "fit": neos_swift.infer.mle.fit,
    "fixed_poi_fit": lambda *a, **k: neos_swift.infer.mle.fixed_poi_fit(1.0, *a, **k),
}


def fit_is_determined(fit, model, data):
    """Whether the best fit is a unique point, so that it has a derivative. The random corpus includes models where it
    is not: a parameter the likelihood does not see (the Hessian is singular: no uncertainties), or parameters seen
    only in a fixed combination (a valley: the Jacobian refuses, 1 − R² below 1e-12)."""
    try:
        fit(data, model, return_uncertainties=True)
        fit(data, model, return_jacobian=True)
    except neos_swift.errors.NumericError as error:
        assert "not positive definite" in str(error) or "the best fit is not unique" in str(error), str(error)
        return False
    return True


def check_fits(model, data, input_columns, data_columns=()):
    """θ̂ and θ̂̂(μ = 1) by implicit differentiation against re-run fits, where the fit is determined."""
    labels = model.config.par_names
    for fit in FITS.values():
        if not fit_is_determined(fit, model, data):
            continue
        _, jacobian = fit(data, model, return_jacobian=True)
        assert_columns(
            lambda v: fit(data, model.with_inputs(v)), model.inputs()[1], jacobian.inputs, input_columns, labels
        )
        assert_columns(lambda d: fit(d, model), data, jacobian.data, data_columns, labels)


def check_losses(model, columns, losses):
    """The neos losses' total derivatives (through the Asimov data) against re-evaluated losses."""
    for loss in losses:
        _, gradient = loss(model, return_grad=True)
        assert_columns(
            lambda v: np.array([loss(model.with_inputs(v))]),
            model.inputs()[1],
            gradient[None, :],
            columns,
            [loss.__name__],
        )


def check_poi_uncertainty(model, columns):
    _, gradient = neos_swift.losses.poi_uncertainty(model, return_grad=True)
    assert_columns(
        lambda v: np.array([neos_swift.losses.poi_uncertainty(model.with_inputs(v))]),
        model.inputs()[1],
        gradient[None, :],
        columns,
        ["sigma_mu"],
    )


def check_upper_limits(model, data, input_columns, data_columns=(), par_bounds=None):
    _, _, jacobian = neos_swift.infer.intervals.upper_limits.upper_limit(
        data, model, par_bounds=par_bounds, return_jacobian=True
    )
    labels = ["observed"] + [f"expected[{i}]" for i in range(5)]
    assert_columns(
        lambda v: limit_values(model.with_inputs(v), data, par_bounds),
        model.inputs()[1],
        jacobian.inputs,
        input_columns,
        labels,
    )
    assert_columns(lambda d: limit_values(model, d, par_bounds), data, jacobian.data, data_columns, labels)


def validation_model(name):
    case = VALIDATION[name]
    workspace = neos_swift.Workspace(json.loads((REFDATA / case["workspace"]).read_text()))
    model = workspace.model(modifier_settings=case["modifier_settings"])
    return case, model, np.asarray(workspace.data(model))


@pytest.mark.parametrize("name", CASES)
def test_validation_workspace(name):
    case, model, data = validation_model(name)
    everything = range(model.config.ninputs)
    check_hypotest(model, data, case["test_poi"], case["test_stat"], everything, range(data.size))
    check_hypotest(model, data, 0.0, "q0", everything)
    check_fits(model, data, everything, range(data.size))
    check_losses(model, everything, [neos_swift.losses.expected_cls, neos_swift.losses.discovery_p0])
    check_poi_uncertainty(model, everything)


@pytest.mark.parametrize("name", CASES)
def test_validation_upper_limits(name):
    _, model, data = validation_model(name)
    columns = np.random.default_rng(5).choice(model.config.ninputs, size=min(4, model.config.ninputs), replace=False)
    check_upper_limits(model, data, columns, data_columns=[0])
    check_losses(model, columns, [neos_swift.losses.expected_upper_limit])


def test_sbottom_region_a_sample():
    region = REFDATA / "sbottom_ins1748602" / "RegionA"
    workspace = neos_swift.Workspace(json.loads((region / "BkgOnly.json").read_text()))
    model = workspace.model(patches=[json.loads((region / "patch.sbottom_1300_205_60.json").read_text())])
    data = np.asarray(workspace.data(model))
    rng = np.random.default_rng(1748602)
    columns = rng.choice(model.config.ninputs, size=12, replace=False)
    check_hypotest(model, data, 1.0, "qtilde", columns, rng.choice(data.size, size=3, replace=False))
    check_poi_uncertainty(model, columns[:4])


def random_case(seed):
    spec, settings = random_workspace(seed, for_inference=True)
    workspace = neos_swift.Workspace(spec)
    model = workspace.model(**({} if settings is None else {"modifier_settings": settings}))
    return model, np.asarray(workspace.data(model))


@pytest.mark.parametrize("seed", range(RANDOM_CASES))
def test_random_workspace(seed):
    model, data = random_case(seed)
    rng = np.random.default_rng(seed)
    columns = rng.choice(model.config.ninputs, size=min(8, model.config.ninputs), replace=False)
    data_columns = rng.choice(data.size, size=min(2, data.size), replace=False)
    check_hypotest(model, data, 1.0, "qtilde", columns, data_columns)
    check_hypotest(model, data, 0.0, "q0", columns[:4], data_columns[:1])
    check_fits(model, data, columns, data_columns)
    check_losses(model, columns[:4], [neos_swift.losses.expected_cls, neos_swift.losses.discovery_p0])
    if poi_uncertainty_is_checkable(model):
        check_poi_uncertainty(model, columns)


@pytest.mark.parametrize("name", FITS)
def test_fits_are_checked_on_most_random_workspaces(name):
    assert sum(fit_is_determined(FITS[name], *random_case(seed)) for seed in range(RANDOM_CASES)) >= 40


def test_poi_uncertainty_is_checked_on_most_random_workspaces():
    """The random corpus includes degenerate models on purpose; σ_μ must still be checked on most of it."""
    assert sum(poi_uncertainty_is_checkable(random_case(seed)[0]) for seed in range(RANDOM_CASES)) >= 40


def widened_poi_bounds(model):
    """Weak signals have limits beyond the corpus's POI bounds (where the search stops with an error); a twentyfold
    range finds them."""
    bounds = [list(b) for b in model.config.suggested_bounds()]
    bounds[model.config.poi_index][1] *= 20
    return bounds


@pytest.mark.parametrize("seed", [6, 9])
def test_random_workspace_without_limit(seed):
    model, data = random_case(seed)
    with pytest.raises(neos_swift.errors.NumericError, match="CLs stays above 0.05 up to the POI's upper bound"):
        neos_swift.infer.intervals.upper_limits.upper_limit(
            data, model, par_bounds=widened_poi_bounds(model), return_jacobian=True
        )


@pytest.mark.parametrize("seed", RANDOM_LIMIT_SEEDS)
def test_random_workspace_upper_limits(seed):
    model, data = random_case(seed)
    rng = np.random.default_rng([seed, 7])
    bounds = widened_poi_bounds(model)
    check_upper_limits(
        model,
        data,
        rng.choice(model.config.ninputs, size=min(2, model.config.ninputs), replace=False),
        data_columns=[0],
        par_bounds=bounds,
    )
