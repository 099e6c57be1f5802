"""The current optimizer's ``maxiter`` and ``tolerance`` reach every fit, not only ``mle.fit``'s: hypotest, the test
statistics, toys and upper limits run their fits inside libneos through a model that carries the options
(``neos_model_with_fit_options``, derived by ``optimize.mixins.model_with_optimizer_options``), and the command
line's ``--optconf maxiter=1`` makes ``cls`` fail as pyhf's does."""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import neos_swift
import numpy as np
import pytest

# A two-bin model whose observation lies far above its expectation at the initial point, so that every fit
# needs several Newton steps (one is never enough).
SIGNAL, BACKGROUND, UNCERTAINTY = [6.0, 9.0], [20.0, 24.0], [4.0, 3.0]
FAR = [110.0, 35.0]


def exceptions():
    return importlib.import_module("neos_swift.exceptions")


def mixins():
    return importlib.import_module("neos_swift.optimize.mixins")


@pytest.fixture(autouse=True)
def default_backend():
    neos_swift.set_backend("numpy", default=True)
    yield
    neos_swift.set_backend("numpy", default=True)


def model_and_data():
    model = neos_swift.simplemodels.uncorrelated_background(SIGNAL, BACKGROUND, UNCERTAINTY)
    return model, FAR + model.config.auxdata


def use(optimizer):
    neos_swift.set_backend("numpy", optimizer)


def native_options(model_like):
    """(max_iterations, edm_tolerance) as libneos reports them for a model handle."""
    from neos_swift._library import lib

    cap, tolerance = ctypes.c_size_t(), ctypes.c_double()
    assert lib.neos_model_fit_options(model_like, ctypes.byref(cap), ctypes.byref(tolerance)) == 0
    return cap.value, tolerance.value


# Every calculation whose fits run inside libneos, by name.
CALCULATIONS = {
    "hypotest": lambda model, data: neos_swift.infer.hypotest(1.0, data, model),
    "hypotest q0": lambda model, data: neos_swift.infer.hypotest(0.0, data, model, test_stat="q0"),
    "hypotest derivatives": lambda model, data: neos_swift.infer.hypotest_derivatives(1.0, data, model),
    "qmu_tilde": lambda model, data: neos_swift.infer.test_statistics.qmu_tilde(1.0, data, model),
    "q0": lambda model, data: neos_swift.infer.test_statistics.q0(0.0, data, model),
    "toys": lambda model, data: neos_swift.infer.hypotest(1.0, data, model, calctype="toybased", ntoys=4),
    "upper limit": lambda model, data: neos_swift.infer.intervals.upper_limits.upper_limit(data, model),
    "upper limit scan": lambda model, data: neos_swift.infer.intervals.upper_limits.upper_limit(
        data, model, scan=np.linspace(0, 5, 6)
    ),
    "upper limit jacobian": lambda model, data: neos_swift.infer.intervals.upper_limits.upper_limit(
        data, model, return_jacobian=True
    ),
}


@pytest.mark.parametrize("name", sorted(CALCULATIONS))
@pytest.mark.parametrize("optimizer", ["scipy", "minuit"])
def test_a_cap_of_one_fails_every_calculation(name, optimizer):
    model, data = model_and_data()
    calculation = CALCULATIONS[name]
    calculation(model, data)  # converges with the defaults
    use(getattr(neos_swift.optimize, f"{optimizer}_optimizer")(maxiter=1))
    with pytest.raises(exceptions().FailedMinimization):
        calculation(model, data)
    # The cap belongs to the optimizer in use, not to the model: back at the defaults, the same model converges.
    neos_swift.set_backend("numpy", default=True)
    calculation(model, data)


def test_the_optimizers_defaults_leave_the_model_as_it_is():
    model, _ = model_and_data()
    for optimizer in (
        neos_swift.optimize.scipy_optimizer(),
        neos_swift.optimize.scipy_optimizer(maxiter=100000, tolerance=None),
        neos_swift.optimize.minuit_optimizer(),
        neos_swift.optimize.minuit_optimizer(tolerance=0.1),
    ):
        use(optimizer)
        assert mixins().model_with_optimizer_options(model) is model


def test_other_options_give_a_model_with_them_made_once():
    model, _ = model_and_data()
    helper = mixins().model_with_optimizer_options
    use(neos_swift.optimize.scipy_optimizer(maxiter=17, tolerance=1e-6))
    derived = helper(model)
    assert derived is not model
    assert native_options(derived) == (17, 1e-6)
    assert helper(model) is derived  # cached per options
    # minuit: Migrad's budget pays one call for the start, the tolerance is Migrad's goal 0.002 * tol * errordef.
    use(neos_swift.optimize.minuit_optimizer(maxiter=17, tolerance=0.5))
    assert native_options(helper(model)) == (16, pytest.approx(1e-3, rel=1e-15))
    # A change of the POI replaces the native model; the derived one follows it.
    use(neos_swift.optimize.scipy_optimizer(maxiter=17, tolerance=1e-6))
    model.config.set_poi(None)
    again = helper(model)
    assert again is not derived
    assert native_options(again) == (17, 1e-6)
    # Not a libneos model: nothing to derive, the object itself is passed on.
    stranger = object()
    assert helper(stranger) is stranger


def test_the_default_cap_through_a_derived_model_is_bit_identical():
    """maxiter=1000 is libneos' default cap, but not the optimizer's default, so a model is derived: its results are
    the plain model's, bit for bit."""
    model, data = model_and_data()
    plain = neos_swift.infer.hypotest(1.0, data, model, return_expected_set=True)
    limit = neos_swift.infer.intervals.upper_limits.upper_limit(data, model)
    use(neos_swift.optimize.scipy_optimizer(maxiter=1000))
    assert mixins().model_with_optimizer_options(model) is not model
    capped = neos_swift.infer.hypotest(1.0, data, model, return_expected_set=True)
    assert np.asarray(capped[0]).tobytes() == np.asarray(plain[0]).tobytes()
    assert np.asarray(capped[1]).tobytes() == np.asarray(plain[1]).tobytes()
    again = neos_swift.infer.intervals.upper_limits.upper_limit(data, model)
    assert np.asarray(again[0]).tobytes() == np.asarray(limit[0]).tobytes()


def test_a_tolerance_reaches_the_test_statistic():
    """A loose scipy tolerance (SLSQP's ftol, the EDM goal of twice the NLL) stops the statistic's fits earlier:
    the value moves, by less than twice the tolerance (each of its two twice-NLL minima is within it)."""
    model, data = model_and_data()
    best = neos_swift.infer.mle.fit(data, model)[model.config.poi_index]
    tested = 1.5 * best  # above the best fit, where the statistic is not clipped to 0
    tight = float(neos_swift.infer.test_statistics.qmu_tilde(tested, data, model))
    assert tight > 1
    tolerance = 0.05
    use(neos_swift.optimize.scipy_optimizer(tolerance=tolerance))
    loose = float(neos_swift.infer.test_statistics.qmu_tilde(tested, data, model))
    assert loose != tight
    assert abs(loose - tight) <= 2 * tolerance


def test_minuits_maxiter_is_a_call_budget():
    """maxiter=1 is spent on Migrad's start and leaves no iteration; maxiter = k + 1 allows k Newton iterations."""
    model, data = model_and_data()
    _, _, result = neos_swift.infer.mle.fit(data, model, return_fitted_val=True, return_result_obj=True)
    needed = result.nit
    assert needed > 1
    use(neos_swift.optimize.minuit_optimizer(tolerance=5e-12, maxiter=1))
    with pytest.raises(exceptions().FailedMinimization, match="^Optimization failed. Call limit was reached.$") as e:
        neos_swift.infer.mle.fit(data, model)
    assert e.value.result.success is False and "before the first iteration" in e.value.result.native_message
    use(neos_swift.optimize.minuit_optimizer(tolerance=5e-12, maxiter=needed))
    with pytest.raises(exceptions().FailedMinimization, match="Call limit was reached"):
        neos_swift.infer.mle.fit(data, model)
    use(neos_swift.optimize.minuit_optimizer(tolerance=5e-12, maxiter=needed + 1))
    neos_swift.infer.mle.fit(data, model)


def _cli(*args):
    env = dict(os.environ)
    package_root = str(Path(neos_swift.__file__).resolve().parents[1])
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "neos_swift.cli", *map(str, args)], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.parametrize("optimizer", ["scipy", "minuit"])
def test_the_command_lines_maxiter_reaches_cls(tmp_path, optimizer):
    model, data = model_and_data()
    workspace = {
        "channels": [{"name": "singlechannel", "samples": model.spec["channels"][0]["samples"]}],
        "observations": [{"name": "singlechannel", "data": FAR}],
        "measurements": [{"name": "measurement", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }
    path = tmp_path / "workspace.json"
    path.write_text(json.dumps(workspace), encoding="utf-8")
    converged = _cli("cls", path, "--optimizer", optimizer, "--optconf", "maxiter=1000")
    assert converged.returncode == 0, converged.stderr
    assert "CLs_obs" in json.loads(converged.stdout)
    capped = _cli("cls", path, "--optimizer", optimizer, "--optconf", "maxiter=1")
    assert capped.returncode != 0
    assert "FailedMinimization" in capped.stderr
