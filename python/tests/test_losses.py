"""neos losses from Python: reference numbers from relaxed 0.4.0 with its fits converged tightly and re-fitted finite differences."""

from __future__ import annotations

import neos_swift
import numpy as np
from conftest import assert_gradient, central_differences

CODE0 = {"histosys": {"interpcode": "code0"}}


def reference_model():
    b = np.array([50.0, 30, 20, 10])
    return neos_swift.simplemodels.correlated_background([5, 10, 3, 1], b, 1.1 * b, 0.9 * b, modifier_settings=CODE0)


def test_expected_cls_matches_relaxed():
    model = reference_model()
    value, grad = neos_swift.losses.expected_cls(model, return_grad=True)
    np.testing.assert_allclose(value, 0.12076356951357, rtol=1e-6)
    names = model.inputs()[0]
    pick = lambda prefix: grad[[i for i, name in enumerate(names) if name.startswith(prefix)]]
    np.testing.assert_allclose(
        pick("single_channel/signal/nominal"),
        [-0.002606158387761515, -0.030913589205383334, -0.009714109018913125, -0.0026061583877614977],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        pick("single_channel/background/nominal"),
        [0.002180713369491051, 0.029187100298601693, 0.008364575072638566, 0.0021807133694909577],
        rtol=1e-6,
    )
    np.testing.assert_array_equal(pick("single_channel/background/histosys/correlated_bkg_uncertainty/hi"), 0)
    np.testing.assert_allclose(
        pick("single_channel/background/histosys/correlated_bkg_uncertainty/lo"),
        [-0.0021584553080384356, -0.02560304892604451, -0.008045355291220994, -0.0021584553080384213],
        rtol=1e-6,
    )
    assert neos_swift.losses.expected_cls(model) == value


def test_expected_cls_qtilde_equals_q_on_asimov_data():
    model = reference_model()
    assert neos_swift.losses.expected_cls(model, test_stat="qtilde") == neos_swift.losses.expected_cls(model)


def test_discovery_p0_matches_relaxed():
    np.testing.assert_allclose(neos_swift.losses.discovery_p0(reference_model()), 0.060718799445061755, rtol=1e-6)


def test_gradients_match_refitted_finite_differences():
    model = reference_model()
    values = model.inputs()[1]
    for loss in (
        neos_swift.losses.expected_cls,
        neos_swift.losses.discovery_p0,
        neos_swift.losses.expected_upper_limit,
    ):
        _, grad = loss(model, return_grad=True)
        numeric = central_differences(lambda v: loss(model.with_inputs(v)), values, relative_step=1e-5)
        assert_gradient(grad, numeric, rtol=1e-5, atol=1e-9)


def test_fit_jacobian_matches_refitted_finite_differences():
    """mle.fit / fixed_poi_fit(return_jacobian=True): d(best fit)/d(inputs, data) by implicit differentiation, against
    central differences of re-fitted parameters (1e-5 relative)."""
    model = neos_swift.simplemodels.correlated_background([5, 10, 3], [50, 30, 20], [56, 31, 23], [45, 28, 18])
    data = np.array([58.0, 43, 21] + model.config.auxdata)
    values = model.inputs()[1]
    for fit in (neos_swift.infer.mle.fit, lambda *a, **k: neos_swift.infer.mle.fixed_poi_fit(1.0, *a, **k)):
        pars, jacobian = fit(data, model, return_jacobian=True)
        assert jacobian.inputs.shape == (model.config.npars, values.size)
        assert jacobian.data.shape == (model.config.npars, data.size)
        for i in range(model.config.npars):
            assert_gradient(
                jacobian.inputs[i],
                central_differences(lambda v: fit(data, model.with_inputs(v))[i], values, relative_step=1e-4),
                rtol=1e-5,
                atol=1e-8,
            )
            assert_gradient(
                jacobian.data[i],
                central_differences(lambda d: fit(d, model)[i], data, relative_step=1e-4),
                rtol=1e-5,
                atol=1e-8,
            )


def test_hypotest_jacobian_matches_rerun_finite_differences():
    """hypotest(return_jacobian=True): d(CLs obs, band)/d(inputs, data) against central differences of re-run
    hypotests (1e-5 relative, 1e-9 absolute near zero)."""
    model = neos_swift.simplemodels.uncorrelated_background([12, 11], [50, 52], [3, 7])
    data = np.array([51.0, 48] + model.config.auxdata)
    values = model.inputs()[1]

    def outputs(model, data):
        cls, band = neos_swift.infer.hypotest(1.0, data, model, return_expected_set=True)
        return np.concatenate([[float(cls)], band])

    cls, band, jacobian = neos_swift.infer.hypotest(1.0, data, model, return_expected_set=True, return_jacobian=True)
    assert jacobian.inputs.shape == (6, values.size) and jacobian.data.shape == (6, data.size)
    for o in range(6):
        assert_gradient(
            jacobian.inputs[o],
            central_differences(lambda v: outputs(model.with_inputs(v), data)[o], values, relative_step=2e-5),
            rtol=1e-5,
            atol=1e-9,
        )
        assert_gradient(
            jacobian.data[o],
            central_differences(lambda d: outputs(model, d)[o], data, relative_step=2e-5),
            rtol=1e-5,
            atol=1e-9,
        )


def _pyhf_fisher_sigma(spec_or_workspace, poi_value=1.0):
    """σ_μ from pyhf 0.7.6 itself: the jax Hessian of −logpdf at the nominal point on its own Asimov data."""
    import jax
    import pyhf

    pyhf.set_backend("jax", precision="64b")
    try:
        model = spec_or_workspace.model() if hasattr(spec_or_workspace, "model") else pyhf.Model(spec_or_workspace)
        pars = np.array(model.config.suggested_init(), dtype=float)
        pars[model.config.poi_index] = poi_value
        data = model.expected_data(pars)
        hessian = np.asarray(jax.hessian(lambda p: -model.logpdf(p, data)[0])(jax.numpy.asarray(pars)))
        free = [i for i, fixed in enumerate(model.config.suggested_fixed()) if not fixed]
        inverse = np.linalg.inv(hessian[np.ix_(free, free)])
        return float(np.sqrt(inverse[free.index(model.config.poi_index), free.index(model.config.poi_index)]))
    finally:
        pyhf.set_backend("numpy")


def test_poi_uncertainty_matches_issue_reference():
    """Issue 5's references: 0.6755777235775706 on the code0 model and 0.265907 on neos's yields (1e-6 relative)."""
    np.testing.assert_allclose(neos_swift.losses.poi_uncertainty(reference_model()), 0.6755777235775706, rtol=1e-6)
    neos = neos_swift.simplemodels.correlated_background(
        [1.84, 2.31, 5.04, 10.8], [90.3, 6.25, 3, 0.4], [72.4, 13.1, 9.3, 5.15], [72, 14.5, 9.85, 3.75]
    )
    np.testing.assert_allclose(neos_swift.losses.poi_uncertainty(neos), 0.265907, rtol=1e-6)


def test_poi_uncertainty_matches_pyhf_hessian():
    """σ_μ against pyhf's own model (jax Hessian, 1e-10 relative) on neos's 2-bin model and a shapesys model, and
    neos.md §7.1's 0.616089; its gradient against central differences (1e-6)."""
    import pyhf

    model = neos_swift.simplemodels.correlated_background([3, 6], [20, 10], [24, 9], [17, 12])
    value, grad = neos_swift.losses.poi_uncertainty(model, return_grad=True)
    np.testing.assert_allclose(value, 0.616089, rtol=1e-6)
    spec = pyhf.simplemodels.correlated_background([3, 6], [20, 10], [24, 9], [17, 12]).spec
    np.testing.assert_allclose(value, _pyhf_fisher_sigma(spec), rtol=1e-10)
    inputs = model.inputs()[1]
    numeric = central_differences(lambda v: neos_swift.losses.poi_uncertainty(model.with_inputs(v)), inputs)
    assert_gradient(grad, numeric, rtol=1e-6)
    variance = neos_swift.losses.poi_variance(model)
    np.testing.assert_allclose(variance, value**2, rtol=1e-14)

    shapes = neos_swift.simplemodels.uncorrelated_background([5, 8], [50, 40], [5, 7])
    spec = pyhf.simplemodels.uncorrelated_background([5, 8], [50, 40], [5, 7]).spec
    np.testing.assert_allclose(
        neos_swift.losses.poi_uncertainty(shapes, poi_value=0.5), _pyhf_fisher_sigma(spec, 0.5), rtol=1e-10
    )
