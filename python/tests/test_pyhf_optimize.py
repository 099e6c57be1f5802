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
    # MINUIT's goal 0.002 * 5e-12 is the native default EDM tolerance 1e-14 that scipy's tolerance=None keeps, so
    # both fits are the same one (at minuit's default 0.1 they differ within its promise, see the tolerance tests).
    neos_swift.set_backend("numpy", neos_swift.optimize.minuit_optimizer(tolerance=5e-12))
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


def test_options_that_do_not_steer_the_fit_change_nothing():
    """strategy, do_stitch and do_grad describe how MINUIT or pyhf's shims work; the native fit is the same."""
    model, _, data = models()
    neos_swift.set_backend("numpy", "minuit")
    reference = neos_swift.infer.mle.fit(data, model, return_uncertainties=True)
    for options in ({"strategy": 0}, {"strategy": 2}, {"do_stitch": True}, {"do_grad": False}):
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


# pyhf.optimize.common: stitching and objective shims


def optimize_common():
    return importlib.import_module("neos_swift.optimize.common")


def test_stitch_pars_puts_held_values_back_in_place():
    common = optimize_common()
    passthrough = common._make_stitch_pars()
    anything = ["a", object()]
    assert passthrough(anything) is anything and passthrough(anything, stitch_with=[1.0]) is anything
    viewer = neos_swift.tensor.common._TensorViewer([[0, 3], [1, 2, 4]])
    stitch = common._make_stitch_pars(viewer, [7.0, 8.0])
    assert stitch(np.array([1.0, 2.0, 3.0])).tolist() == [7.0, 1.0, 2.0, 8.0, 3.0]
    assert stitch(np.array([1.0, 2.0, 3.0]), stitch_with=np.zeros(2)).tolist() == [0.0, 1.0, 2.0, 0.0, 3.0]


@pytest.mark.parametrize("do_stitch", [False, True])
def test_shim_matches_pyhf(do_stitch):
    """Same inputs to pyhf's shim and ours: the same x0/bounds/fixed_vals, and the wrapped objective equals pyhf's
    twice NLL at the same free parameters (rtol 1e-12: the same formula, summed in a different order)."""
    common = optimize_common()
    pyhf_common = importlib.import_module("pyhf.optimize.common")
    ours_model, their_model, data = models()
    init, bounds = ours_model.config.suggested_init(), ours_model.config.suggested_bounds()
    fixed_vals = [(ours_model.config.poi_index, 1.5)]
    mine, stitch = common.shim(
        neos_swift.infer.mle.twice_nll, data, ours_model, init, bounds, fixed_vals, do_stitch=do_stitch
    )
    theirs, their_stitch = pyhf_common.shim(
        pyhf.infer.mle.twice_nll, data, their_model, init, bounds, fixed_vals, do_stitch=do_stitch
    )
    for key in ("x0", "bounds", "fixed_vals"):
        assert [list(np.atleast_1d(entry)) for entry in mine[key]] == [list(np.atleast_1d(e)) for e in theirs[key]]
    assert mine["do_grad"] is theirs["do_grad"] is False
    free = np.array(mine["x0"]) * 1.1
    if not do_stitch:
        free[ours_model.config.poi_index] = 1.5
    np.testing.assert_allclose(mine["func"](free), theirs["func"](free), rtol=1e-12)
    assert stitch(free).tolist() == np.asarray(their_stitch(free)).tolist()


def test_numpy_refuses_gradients_as_pyhf():
    common = optimize_common()
    model, _, data = models()
    init, bounds = model.config.suggested_init(), model.config.suggested_bounds()
    with pytest.raises(exceptions().Unsupported, match="autodifferentiation"):
        common.shim(neos_swift.infer.mle.twice_nll, data, model, init, bounds, do_grad=True)
    for optimizer in ("scipy", "minuit"):
        neos_swift.set_backend("numpy", optimizer)
        with pytest.raises(exceptions().Unsupported, match="autodifferentiation"):
            neos_swift.infer.mle.fit(data, model, do_grad=True)
        with pytest.raises(exceptions().Unsupported, match="autodifferentiation"):
            neos_swift.infer.mle.fixed_poi_fit(1.0, data, model, do_grad=True)
        assert neos_swift.infer.mle.fit(data, model, do_grad=False).shape == (model.config.npars,)


def test_jax_shim_gradient_is_the_native_one_of_the_free_parameters():
    """With do_stitch the gradient has the free parameters' entries of 2 * nll_gradient (exact: the same
    numbers moved), and agrees with central differences of the wrapped value (rtol 1e-6: the differences' error)."""
    from conftest import assert_gradient, central_differences

    common = optimize_common()
    model, _, data = models()
    neos_swift.set_backend("jax")
    init, bounds = model.config.suggested_init(), model.config.suggested_bounds()
    poi = model.config.poi_index
    kwargs, stitch = common.shim(
        neos_swift.infer.mle.twice_nll, data, model, init, bounds, [(poi, 0.7)], do_grad=True, do_stitch=True
    )
    free = np.array(kwargs["x0"]) * 1.05
    value, gradient = kwargs["func"](free)
    full = np.asarray(stitch(neos_swift.tensorlib.astensor(free)))
    assert float(value) == pytest.approx(float(neos_swift.infer.mle.twice_nll(full, data, model)[0]), rel=1e-15)
    free_idx = [index for index in range(model.config.npars) if index != poi]
    np.testing.assert_array_equal(np.asarray(gradient), 2 * model.nll_gradient(full, data)[free_idx])
    assert_gradient(np.asarray(gradient), central_differences(lambda p: float(kwargs["func"](p)[0]), free))

    def traceable(pars, data, pdf):  # any jax-traceable objective is differentiated by jax itself
        return neos_swift.tensorlib.astensor([neos_swift.tensorlib.sum(pars**2)])

    kwargs, _ = common.shim(traceable, data, model, init, bounds, [(poi, 0.7)], do_grad=True, do_stitch=True)
    value, gradient = kwargs["func"](free)
    assert float(value) == pytest.approx(0.49 + float(np.sum(free**2)), rel=1e-14)
    np.testing.assert_allclose(np.asarray(gradient), 2 * free, rtol=1e-15)


def test_tensor_shim_of_an_unknown_backend_raises(monkeypatch):
    common = optimize_common()
    assert common._get_tensor_shim() is common._numpy_objective
    monkeypatch.setattr(neos_swift.tensorlib, "name", "abacus")
    with pytest.raises(ValueError, match="No optimizer shim for abacus."):
        common._get_tensor_shim()


# What a fit reports, as pyhf users read it


def test_every_minuit_fit_makes_its_record(monkeypatch):
    """The optimizer's _minimize makes the result object on every fit (pyhf's makes it too), so its minuit
    record shows the strategy and tolerance each fit resolved, result object asked for or not."""
    model, _, data = models()
    neos_swift.set_backend("numpy", neos_swift.optimize.minuit_optimizer(tolerance=0.3))
    seen = []
    original = neos_swift.optimize.minuit_optimizer._minimize

    def recording(self, *args, **kwargs):
        seen.append(original(self, *args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(neos_swift.optimize.minuit_optimizer, "_minimize", recording)
    neos_swift.infer.mle.fit(data, model)
    neos_swift.infer.mle.fit(data, model, strategy=2, tolerance=0.05)
    assert [(r.minuit.strategy, r.minuit.tol) for r in seen] == [(1, 0.3), (2, 0.05)]
    assert seen[0].minuit.errors is None and seen[0].minuit.parameters == tuple(model.config.par_names)


def test_minuit_names_parameters_x0_without_names(monkeypatch):
    model, _, data = models()
    neos_swift.set_backend("numpy", "minuit")
    monkeypatch.setattr(type(model.config), "par_names", property(lambda self: None))
    _, result = neos_swift.infer.mle.fit(data, model, return_result_obj=True)
    assert result.minuit.parameters == tuple(f"x{i}" for i in range(model.config.npars))


def test_uncertainty_is_the_exact_curvature_of_twice_nll():
    """With the POI held, sigma = 1 / sqrt(d^2 NLL / d alpha^2). pyhf's logpdf differenced twice (step 1e-3:
    truncation ~1e-7 relative) gives it to rtol 1e-5; MINUIT's 0.26418 (pyhf's own test) is 5e-4 off, from
    HESSE in the bounded-parameter transform."""
    spec = {
        "channels": [
            {
                "name": "singlechannel",
                "samples": [
                    {
                        "name": "signal",
                        "data": [30.0, 95.0],
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {
                        "name": "background",
                        "data": [100.0, 150.0],
                        "modifiers": [
                            {
                                "name": "bkg_norm",
                                "type": "histosys",
                                "data": {"lo_data": [98, 100], "hi_data": [102, 190]},
                            }
                        ],
                    },
                ],
            }
        ]
    }
    ours, theirs = neos_swift.Model(spec), pyhf.Model(spec)
    data = [120.0, 180.0, *ours.config.auxdata]
    neos_swift.set_backend("numpy", "minuit")
    fitted = neos_swift.infer.mle.fixed_poi_fit(1.0, data, ours, return_uncertainties=True)
    alpha = ours.config.par_order.index("bkg_norm")

    def nll(value):
        pars = np.array(fitted[:, 0])
        pars[alpha] = value
        return -float(theirs.logpdf(pars, data)[0])

    step, best = 1e-3, float(fitted[alpha, 0])
    curvature = (nll(best + step) - 2 * nll(best) + nll(best - step)) / step**2
    assert fitted[alpha, 1] == pytest.approx(1 / np.sqrt(curvature), rel=1e-5)
    assert fitted[ours.config.poi_index].tolist() == [1.0, 0.0]


def test_failed_fit_carries_an_unsuccessful_result(monkeypatch):
    model, _, data = models()

    def failing(*args):
        raise exceptions().FailedMinimization("neos_fit: the fit did not converge: test")

    monkeypatch.setattr(importlib.import_module("neos_swift.optimize.mixins"), "_native_fit", failing)
    for optimizer in ("scipy", "minuit"):
        neos_swift.set_backend("numpy", optimizer)
        with pytest.raises(exceptions().FailedMinimization, match="Optimization failed") as caught:
            neos_swift.infer.mle.fit(data, model)
        assert isinstance(caught.value.result, OptimizeResult) and not caught.value.result.success
        assert "did not converge: test" in caught.value.result.message
        assert caught.value.result.optimizer == optimizer


def test_scipy_checks_method_and_solver_options_as_scipy():
    from scipy.optimize import OptimizeWarning

    model, _, data = models()
    neos_swift.set_backend("numpy", neos_swift.optimize.scipy_optimizer(solver_options={"ftol": 1e-9, "eps": 1e-7}))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reference = neos_swift.infer.mle.fit(data, model)  # SLSQP's own options: no warning
    neos_swift.set_backend("numpy", neos_swift.optimize.scipy_optimizer(solver_options={"bogus": 1, "ftol": 1}))
    with pytest.warns(OptimizeWarning, match="Unknown solver options: bogus$"):
        np.testing.assert_array_equal(neos_swift.infer.mle.fit(data, model), reference)
    with pytest.raises(ValueError, match="Unknown solver simplex-annealing"):
        neos_swift.infer.mle.fit(data, model, method="simplex-annealing")
    neos_swift.infer.mle.fit(data, model, method="l-bfgs-b")  # scipy compares method names in lower case


def test_verbose_prints_a_summary(capsys):
    model, _, data = models()
    neos_swift.set_backend("numpy", neos_swift.optimize.scipy_optimizer(verbose=1))
    neos_swift.infer.mle.fit(data, model)
    assert "twice NLL" in capsys.readouterr().out
    neos_swift.set_backend("numpy", neos_swift.optimize.scipy_optimizer(solver_options={"disp": True}))
    neos_swift.infer.mle.fit(data, model)
    assert "twice NLL" in capsys.readouterr().out
    neos_swift.set_backend("numpy", "scipy")
    neos_swift.infer.mle.fit(data, model)
    assert capsys.readouterr().out == ""


# maxiter and tolerance reach the native fit (neos_fit_with_options)

# Observed counts far from the model's initial point (mu = 1, gamma = 1): the fit needs several Newton steps.
FAR = [140.0, 30.0]


def far():
    model, theirs, _ = models()
    return model, theirs, FAR + model.config.auxdata


def _header_define(name):
    from pathlib import Path

    header = Path(__file__).resolve().parents[2] / "include" / "neos.h"
    values = dict(line.split()[1:3] for line in header.read_text().splitlines() if line.startswith("#define NEOS_FIT"))
    return float(values[name])


def test_native_limits_are_the_headers():
    mixins = importlib.import_module("neos_swift.optimize.mixins")
    assert mixins.DEFAULT_EDM_TOLERANCE == _header_define("NEOS_FIT_DEFAULT_EDM_TOLERANCE")
    assert mixins.MAX_ITERATIONS == _header_define("NEOS_FIT_MAX_ITERATIONS")


def test_default_options_are_the_native_default_fit():
    """pyhf's defaults (scipy: maxiter 100000, tolerance None) give neos_fit's own fit, bit for bit, and so does
    a maxiter beyond libneos' largest cap (passed as that cap)."""
    model, _, data = far()
    settings = importlib.import_module("neos_swift.infer._settings")
    mle = importlib.import_module("neos_swift.infer.mle")
    # infer.mle's own call of neos_fit, the fit without options.
    native = mle._native_fit(
        None, settings.data_array(data, model), model, settings.FitSettings(model), True, False, False
    )
    for options in ({}, {"maxiter": 100000}, {"maxiter": 10**12}, {"tolerance": None}):
        pars, twice_nll = neos_swift.infer.mle.fit(
            data, model, return_uncertainties=True, return_fitted_val=True, **options
        )
        np.testing.assert_array_equal(pars, np.column_stack(native[:1] + native[2:3]))
        assert twice_nll == native[1]


@pytest.mark.parametrize("poi", [None, 2.5])
def test_maxiter_caps_the_newton_steps(poi):
    """The smallest cap that converges gives the default fit exactly; one fewer fails as pyhf's optimizers fail
    when they run out: FailedMinimization with scipy's "Iteration limit reached" (status 9, nit) or pyhf's
    minuit message."""
    model, _, data = far()

    def fit(**options):
        if poi is None:
            return neos_swift.infer.mle.fit(data, model, return_fitted_val=True, **options)
        return neos_swift.infer.mle.fixed_poi_fit(poi, data, model, return_fitted_val=True, **options)

    reference = fit()
    for needed in range(1, 60):
        try:
            capped = fit(maxiter=needed)
        except exceptions().FailedMinimization:
            continue
        break
    assert 2 < needed < 60, "the far data need several steps, far fewer than the default cap"
    # The result object counts the same iterations.
    (_, _, result) = (
        neos_swift.infer.mle.fit(data, model, return_fitted_val=True, return_result_obj=True)
        if poi is None
        else neos_swift.infer.mle.fixed_poi_fit(poi, data, model, return_fitted_val=True, return_result_obj=True)
    )
    assert result.nit == needed
    np.testing.assert_array_equal(capped[0], reference[0])
    assert capped[1] == reference[1]
    with pytest.raises(exceptions().FailedMinimization, match="^Iteration limit reached$") as caught:
        fit(maxiter=needed - 1)
    result = caught.value.result
    assert (result.success, result.status, result.nit, result.optimizer) == (False, 9, needed - 1, "scipy")
    assert "iteration limit reached" in result.native_message
    # The optimizer object's own maxiter is the same cap.
    neos_swift.set_backend("numpy", neos_swift.optimize.scipy_optimizer(maxiter=needed - 1))
    with pytest.raises(exceptions().FailedMinimization, match="Iteration limit reached"):
        fit()
    np.testing.assert_array_equal(fit(maxiter=needed)[0], reference[0])
    # minuit's maxiter is Migrad's call budget: one call for the start, then one per Newton iteration.
    neos_swift.set_backend("numpy", neos_swift.optimize.minuit_optimizer(tolerance=5e-12, maxiter=needed))
    with pytest.raises(exceptions().FailedMinimization, match="^Optimization failed. Call limit was reached.$"):
        fit()
    np.testing.assert_array_equal(fit(maxiter=needed + 1)[0], reference[0])


def test_pyhf_fails_the_same_capped_fit():
    """pyhf's SLSQP and Migrad also give up on these data with maxiter=1, with the messages ours copy."""
    _, theirs, data = far()
    for optimizer, message in (("scipy", "Iteration limit reached"), ("minuit", "Call limit was reached")):
        pyhf.set_backend("numpy", optimizer)
        with pytest.raises(pyhf.exceptions.FailedMinimization, match=message):
            pyhf.infer.mle.fit(data, theirs, maxiter=1)


def test_minuit_tolerance_is_migrads_edm_goal():
    """minuit's tolerance t and errordef e set the goal EDM < 0.002 t e; scipy's tolerance is the EDM goal itself
    (SLSQP's ftol, a change of twice the NLL): equal goals give the same native fit, bit for bit."""
    model, _, data = far()
    fits = {}
    for name, optimizer in (
        ("scipy", neos_swift.optimize.scipy_optimizer(tolerance=0.1)),
        ("minuit", neos_swift.optimize.minuit_optimizer(tolerance=50)),
        ("minuit/2", neos_swift.optimize.minuit_optimizer(tolerance=100, errordef=0.5)),
    ):
        neos_swift.set_backend("numpy", optimizer)
        fits[name] = neos_swift.infer.mle.fit(data, model, return_fitted_val=True)
    for name in ("minuit", "minuit/2"):
        np.testing.assert_array_equal(fits[name][0], fits["scipy"][0])
        assert fits[name][1] == fits["scipy"][1]


@pytest.mark.parametrize(
    "optimizer, tolerance, goal", [("scipy", 0.1, 0.1), ("scipy", 1e-3, 1e-3), ("minuit", 0.1, 2e-4)]
)
def test_a_looser_tolerance_keeps_its_promise(optimizer, tolerance, goal):
    """A looser goal stops earlier, so the fit is not the default one, but its twice NLL is within the goal of
    the converged minimum (the EDM is the decrease still expected); pyhf's own fit at the same tolerance is held
    to the same promise. Slack: 1e-9 for rounding of a twice NLL of O(100) between two libraries."""
    model, theirs, data = far()
    pars, twice_nll, result = neos_swift.infer.mle.fit(data, model, return_fitted_val=True, return_result_obj=True)
    neos_swift.set_backend("numpy", optimizer)
    loose, loose_nll, loose_result = neos_swift.infer.mle.fit(
        data, model, return_fitted_val=True, return_result_obj=True, tolerance=tolerance
    )
    assert not np.array_equal(loose, pars), "the tolerance did not reach the fit"
    assert 1 <= loose_result.nit < result.nit
    assert -1e-9 <= loose_nll - twice_nll <= goal
    pyhf.set_backend("numpy", optimizer)
    _, their_nll = pyhf.infer.mle.fit(data, theirs, return_fitted_val=True, tolerance=tolerance)
    assert -1e-9 <= float(their_nll) - twice_nll <= goal


def test_minuit_default_tolerance_is_honoured_within_its_promise():
    """pyhf's minuit default (tolerance 0.1: EDM goal 2e-4) ends within that of the exact minimum: parameters
    within sqrt(2 * 2e-4) standard deviations (Delta twice NLL = (Delta x / sigma)^2 near the minimum)."""
    model, _, data = far()
    exact = neos_swift.infer.mle.fit(data, model, return_uncertainties=True)
    neos_swift.set_backend("numpy", "minuit")
    pars = neos_swift.infer.mle.fit(data, model)
    assert np.all(np.abs(pars - exact[:, 0]) <= np.sqrt(2 * 2e-4) * exact[:, 1])
