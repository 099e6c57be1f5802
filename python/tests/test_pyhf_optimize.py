"""neos_swift.optimize and what infer.mle.fit / fixed_poi_fit return per optimizer, held to pyhf 0.7.6.

The real pyhf (with scipy and iminuit) fits the same model for the structure of every return combination; the
values agree to pyhf's own convergence (its minimisers stop at tolerance 0.1 for MINUIT's EDM, ours at Newton
convergence), and exactly on held parameters.
"""

from __future__ import annotations

import importlib
import itertools

import neos_swift
import numpy as np
import pyhf
import pytest
from scipy.optimize import OptimizeResult

SIGNAL, BACKGROUND, UNCERTAINTY = [5.0, 8.0], [10.0, 12.0], [3.5, 2.0]
OBSERVED = [15.0, 17.0]


def exceptions():
    """pyhf's exception classes (neos_swift.exceptions, imported when a test needs one)."""
    return importlib.import_module("neos_swift.exceptions")


@pytest.fixture(autouse=True)
def fresh_state():
    neos_swift.set_backend("numpy", default=True)
    pyhf.set_backend("numpy", default=True)
    yield
    neos_swift.set_backend("numpy", default=True)
    pyhf.set_backend("numpy", default=True)


def models():
    ours = neos_swift.simplemodels.uncorrelated_background(SIGNAL, BACKGROUND, UNCERTAINTY)
    theirs = pyhf.simplemodels.uncorrelated_background(SIGNAL, BACKGROUND, UNCERTAINTY)
    return ours, theirs, OBSERVED + ours.config.auxdata


# The optimizer objects


def test_scipy_optimizer_attributes():
    optimizer = neos_swift.optimize.scipy_optimizer()
    assert (optimizer.name, optimizer.maxiter, optimizer.verbose) == ("scipy", 100000, 0)
    assert (optimizer.tolerance, optimizer.solver_options) == (None, {})
    custom = neos_swift.optimize.scipy_optimizer(tolerance=1e-3, maxiter=50, verbose=1, solver_options={"ftol": 1e-5})
    assert (custom.tolerance, custom.maxiter, custom.verbose, custom.solver_options) == (1e-3, 50, 1, {"ftol": 1e-5})
    assert neos_swift.optimize.scipy_optimizer.__module__ == "neos_swift.optimize"


def test_minuit_optimizer_attributes():
    optimizer = neos_swift.optimize.minuit_optimizer()
    assert (optimizer.name, optimizer.errordef, optimizer.steps, optimizer.strategy, optimizer.tolerance) == (
        "minuit",
        1,
        1000,
        None,
        0.1,
    )
    assert (optimizer.maxiter, optimizer.verbose) == (100000, 0)
    custom = neos_swift.optimize.minuit_optimizer(errordef=0.5, steps=10, strategy=2, tolerance=0.01)
    assert (custom.errordef, custom.steps, custom.strategy, custom.tolerance) == (0.5, 10, 2, 0.01)


@pytest.mark.parametrize("kind", ["scipy_optimizer", "minuit_optimizer"])
def test_optimizers_are_slotted_and_refuse_unknown_settings(kind):
    optimizer_class = getattr(neos_swift.optimize, kind)
    assert isinstance(optimizer_class(), neos_swift.optimize.OptimizerMixin)
    with pytest.raises(AttributeError):
        optimizer_class().anything = 1
    with pytest.raises(exceptions().Unsupported, match="not_an_option"):
        optimizer_class(not_an_option=3)


# Return values of mle.fit and fixed_poi_fit


def _structure(value):
    """Types and shapes of a return value, with the OptimizeResult reduced to its type."""
    if isinstance(value, tuple):
        return tuple(_structure(part) for part in value)
    if isinstance(value, OptimizeResult):
        return "OptimizeResult"
    return ("array", np.shape(value))


FLAGS = ["return_uncertainties", "return_correlations", "return_fitted_val", "return_result_obj"]


@pytest.mark.parametrize(
    "flags", list(itertools.product([False, True], repeat=4)), ids=lambda f: "".join("01"[x] for x in f)
)
def test_minuit_returns_match_pyhf(flags):
    ours_model, their_model, data = models()
    kwargs = dict(zip(FLAGS, flags))
    neos_swift.set_backend("numpy", "minuit")
    pyhf.set_backend("numpy", "minuit")
    for fit, args in (("fit", ()), ("fixed_poi_fit", (1.0,))):
        ours = getattr(neos_swift.infer.mle, fit)(*args, data, ours_model, **kwargs)
        theirs = getattr(pyhf.infer.mle, fit)(*args, data, their_model, **kwargs)
        assert _structure(ours) == _structure(theirs)
        ours, theirs = (ours, theirs) if isinstance(ours, tuple) else ((ours,), (theirs,))
        for mine, reference in zip(ours, theirs):
            if isinstance(reference, OptimizeResult):
                assert set(reference) <= set(mine) | {"nfev", "njev"}
                assert mine.success and np.shape(mine.x) == np.shape(reference.x)
                assert mine.minuit.parameters == reference.minuit.parameters
                assert list(mine.minuit.fixed) == list(reference.minuit.fixed)
                np.testing.assert_allclose(mine.fun, reference.fun, atol=1e-4)
                np.testing.assert_allclose(mine.unc, reference.unc, rtol=2e-2, atol=1e-12)
                np.testing.assert_allclose(mine.hess_inv, np.asarray(reference.hess_inv), rtol=5e-2, atol=1e-6)
            else:
                np.testing.assert_allclose(mine, reference, rtol=2e-2, atol=2e-3)


@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=2)), ids=["none", "obj", "fval", "both"])
def test_scipy_returns_match_pyhf(flags):
    ours_model, their_model, data = models()
    kwargs = dict(zip(["return_fitted_val", "return_result_obj"], flags))
    ours = neos_swift.infer.mle.fit(data, ours_model, **kwargs)
    theirs = pyhf.infer.mle.fit(data, their_model, **kwargs)
    assert _structure(ours) == _structure(theirs)
    if kwargs["return_result_obj"]:
        result = ours[-1]
        assert result.unc is None and result.corr is None and "minuit" not in result
        assert result.optimizer == "scipy" and result.options["method"] == "SLSQP"
        assert result.success and result.fun == pytest.approx(float(theirs[-1].fun), abs=1e-4)


def test_uncertainties_and_correlations_are_exact_with_scipy_too():
    """pyhf's scipy optimizer returns no uncertainty column (and None correlations); ours returns the same exact
    numbers whichever optimizer is set — a superset that keeps pyhf code written for minuit working."""
    model, _, data = models()
    scipy_result = neos_swift.infer.mle.fit(data, model, return_uncertainties=True, return_correlations=True)
    neos_swift.set_backend("numpy", "minuit")
    minuit_result = neos_swift.infer.mle.fit(data, model, return_uncertainties=True, return_correlations=True)
    for mine, other in zip(scipy_result, minuit_result):
        np.testing.assert_array_equal(mine, other)
    assert scipy_result[0].shape == (model.config.npars, 2)


def test_held_parameters_have_zero_uncertainty_and_correlation():
    model, _, data = models()
    poi = model.config.poi_index
    neos_swift.set_backend("numpy", "minuit")
    pars, correlations, result = neos_swift.infer.mle.fixed_poi_fit(
        0.5, data, model, return_uncertainties=True, return_correlations=True, return_result_obj=True
    )
    assert pars[poi].tolist() == [0.5, 0.0]
    assert not correlations[poi].any() and not correlations[:, poi].any()
    free = np.arange(model.config.npars) != poi
    np.testing.assert_allclose(np.diag(correlations)[free], 1.0)
    assert result.minuit.fixed[poi] and not any(np.asarray(result.minuit.fixed)[free])
    assert not np.asarray(result.hess_inv)[poi].any()
    np.testing.assert_allclose(np.sqrt(np.diag(result.hess_inv)), pars[:, 1], rtol=1e-12)


def test_errordef_scales_uncertainties_as_minuit():
    model, _, data = models()
    neos_swift.set_backend("numpy", "minuit")
    unit = neos_swift.infer.mle.fit(data, model, return_uncertainties=True)
    neos_swift.set_backend("numpy", neos_swift.optimize.minuit_optimizer(errordef=4))
    scaled = neos_swift.infer.mle.fit(data, model, return_uncertainties=True)
    np.testing.assert_allclose(scaled[:, 1], 2 * unit[:, 1], rtol=1e-12)
    np.testing.assert_array_equal(scaled[:, 0], unit[:, 0])


# Options per fit


def test_minuit_strategy_resolves_as_pyhf():
    model, _, data = models()
    neos_swift.set_backend("numpy", neos_swift.optimize.minuit_optimizer(tolerance=0.2))
    _, result = neos_swift.infer.mle.fit(data, model, return_result_obj=True)
    assert (result.minuit.strategy, result.minuit.tol) == (1, 0.2)  # numpy: no gradients, strategy 1
    for strategy in (0, 1, 2):
        _, result = neos_swift.infer.mle.fit(data, model, return_result_obj=True, strategy=strategy, tolerance=0.5)
        assert (result.minuit.strategy, result.minuit.tol) == (strategy, 0.5)
    neos_swift.set_backend("jax", neos_swift.optimize.minuit_optimizer(strategy=2))
    _, result = neos_swift.infer.mle.fit(data, model, return_result_obj=True)
    assert result.minuit.strategy == 2 and result.optimizer == "minuit"
    _, result = neos_swift.infer.mle.fit(data, model, return_result_obj=True, strategy=None)
    assert result.minuit.strategy == 0  # jax: gradients by default
    _, result = neos_swift.infer.mle.fit(data, model, return_result_obj=True, strategy=None, do_grad=False)
    assert result.minuit.strategy == 1  # gradients refused: MINUIT's careful strategy, as pyhf


def test_options_change_nothing_in_the_answer():
    model, _, data = models()
    reference = neos_swift.infer.mle.fit(data, model, return_uncertainties=True)
    neos_swift.set_backend("numpy", "minuit")
    for options in ({"tolerance": 10.0}, {"strategy": 0}, {"maxiter": 5}, {"do_stitch": True}, {"do_grad": False}):
        np.testing.assert_array_equal(
            neos_swift.infer.mle.fit(data, model, return_uncertainties=True, **options), reference
        )


@pytest.mark.parametrize(
    "optimizer, option",
    [("scipy", {"strategy": 0}), ("minuit", {"verbose": 1}), ("minuit", {"method": "SLSQP"}), ("scipy", {"bogus": 1})],
)
def test_unsupported_options_raise(optimizer, option):
    model, _, data = models()
    neos_swift.set_backend("numpy", optimizer)
    with pytest.raises(exceptions().Unsupported, match=next(iter(option))):
        neos_swift.infer.mle.fit(data, model, **option)
    with pytest.raises(exceptions().Unsupported, match=next(iter(option))):
        neos_swift.infer.mle.fixed_poi_fit(1.0, data, model, **option)


@pytest.mark.parametrize(
    "optimizer, option",
    [
        ("minuit", {"strategy": 3}),
        ("minuit", {"tolerance": 0.0}),
        ("scipy", {"tolerance": -1.0}),
        ("scipy", {"maxiter": 0}),
        ("scipy", {"solver_options": "ftol"}),
    ],
)
def test_invalid_option_values_raise(optimizer, option):
    model, _, data = models()
    neos_swift.set_backend("numpy", optimizer)
    with pytest.raises((ValueError, TypeError)):
        neos_swift.infer.mle.fit(data, model, **option)


def test_scipy_options_are_recorded():
    model, _, data = models()
    neos_swift.set_backend("numpy", neos_swift.optimize.scipy_optimizer(tolerance=1e-3, solver_options={"ftol": 1e-6}))
    _, result = neos_swift.infer.mle.fit(data, model, return_result_obj=True, method="L-BFGS-B", maxiter=20)
    assert dict(result.options) == {
        "maxiter": 20,
        "verbose": 0,
        "method": "L-BFGS-B",
        "tolerance": 1e-3,
        "solver_options": {"ftol": 1e-6},
    }


# optimizer.minimize, and optimizers that are not ours


def test_minimize_is_the_fit():
    model, _, data = models()
    neos_swift.set_backend("numpy", "minuit")
    init, bounds = model.config.suggested_init(), model.config.suggested_bounds()
    poi = model.config.poi_index
    minimized = neos_swift.optimizer.minimize(
        neos_swift.infer.mle.twice_nll, data, model, init, bounds, [(poi, 1.0)], return_uncertainties=True
    )
    np.testing.assert_array_equal(
        minimized, neos_swift.infer.mle.fixed_poi_fit(1.0, data, model, return_uncertainties=True)
    )
    assert init[poi] == model.config.suggested_init()[poi]  # the caller's list is not modified
    with pytest.raises(exceptions().Unsupported, match="twice_nll"):
        neos_swift.optimizer.minimize(lambda pars, data, pdf: 0.0, data, model, init, bounds)


def test_a_foreign_optimizer_is_called_as_pyhf_calls_it():
    model, _, data = models()
    calls = []

    class Recorder:
        name = "recorder"

        def minimize(self, objective, data, pdf, init_pars, par_bounds, fixed_vals=None, **kwargs):
            calls.append((objective, list(init_pars), fixed_vals, kwargs))
            return "answer"

    neos_swift.set_backend("numpy", Recorder())
    assert neos_swift.infer.mle.fixed_poi_fit(2.0, data, model, return_fitted_val=True, tolerance=3) == "answer"
    objective, init, fixed_vals, kwargs = calls[0]
    poi = model.config.poi_index
    assert objective is neos_swift.infer.mle.twice_nll and init[poi] == 2.0
    assert fixed_vals == [(poi, 2.0)]
    assert kwargs["return_fitted_val"] and kwargs["tolerance"] == 3 and not kwargs["return_result_obj"]
