"""neos_swift.relaxed against relaxed 0.4.0's semantics: values against numbers relaxed itself computed (made by
this file's ``__main__`` block, see the bottom) or closed forms, gradients against central finite differences, and
each function under jax.jit and jax.vmap.

The model is relaxed's test model (one channel: signal scaled by mu, background with a per-bin Poisson-constrained
shapesys) built by neos_swift.simplemodels.uncorrelated_background; relaxed's reference model names the shapesys
parameter "shapesys", ours "uncorr_bkguncrt", nothing else differs.
"""

from __future__ import annotations

import json
import math
import sys

import jax
import jax.numpy as jnp
import neos_swift
import neos_swift.relaxed as relaxed
import numpy as np
import pytest
from conftest import REFDATA, assert_gradient, central_differences
from neos_swift import _hessian
from neos_swift.exceptions import InvalidArgument, Unsupported
from scipy.stats import norm

SIGNAL, BACKGROUND, UNCERTAINTY = [12.0, 11.0], [50.0, 52.0], [3.0, 7.0]
AUXDATA = list((np.array(BACKGROUND) / np.array(UNCERTAINTY)) ** 2)
MAIN = {"deficit": [51.0, 48.0], "excess": [70.0, 66.0]}
GAMMA = "uncorr_bkguncrt"
INIT = {"mu": 1.0, GAMMA: jnp.array([1.0, 1.0])}
BOUNDS = {"mu": (0, 10), GAMMA: (1e-10, 10)}
POINT = {"mu": 0.8, GAMMA: jnp.array([1.02, 0.95])}
EXPECTED = {"mu": 0.3, GAMMA: jnp.array([1.01, 0.97])}

# relaxed 0.4.0 (jax 0.4.19, jaxopt 0.8, its fits at tol=1e-12), from `python test_relaxed.py RELAXED_SDIST`.
# Parameter vectors are [mu, shapesys...]. NaN is where relaxed takes the square root of a slightly negative
# likelihood ratio; neos_swift clips it at 0 instead (tested separately below).
REFERENCE = {
    "deficit_fit": [0.0, 1.0030508474576267, 0.9626808834729658],
    "deficit_fixed_poi_fit": [1.0, 0.9722465757624322, 0.8755358353123297],
    "deficit_hypotest_q_True": 0.04719999667532848,
    "deficit_hypotest_q_False": 0.02359999833766424,
    "deficit_hypotest_expected_q": 0.072556081856608,
    "deficit_fisher_info": [
        [0.3541354314210788, -0.009780378058422853, -0.02886010830416164],
        [-0.009780378058422853, 0.0035845501822671876, 0.0007970475275209327],
        [-0.02886010830416166, 0.0007970475275209331, 0.012405904519408645],
    ],
    "excess_fit": [1.5246306770916969, 1.0039728715906244, 0.9779003227095322],
    "excess_fixed_poi_fit": [1.0, 1.0203502886620348, 1.0253017075095958],
    "excess_hypotest_q_True": 1.0,
    "excess_hypotest_q_False": 0.5,
    "excess_hypotest_q0_True": 0.003046696299185969,
    "excess_hypotest_q0_False": 0.003046696299185969,
    "excess_fisher_info": [
        [0.2781216050315004, -0.010109239251304272, -0.027230931241390557],
        [-0.010109239251304279, 0.0035456422550191667, 0.0009897972468692403],
        [-0.027230931241390543, 0.00098979724686924, 0.011451023163945525],
    ],
}


def base_model():
    return neos_swift.simplemodels.uncorrelated_background(SIGNAL, BACKGROUND, UNCERTAINTY)


def model_of(inputs):
    """The test model with its numbers (background, shapesys uncertainty, signal; see inputs()) as jax values."""
    return relaxed.Model(base_model(), inputs)


def data_of(case):
    return jnp.array(MAIN[case] + AUXDATA)


def central_difference(function, x, step):
    """(f(x + h e_k) − f(x − h e_k)) / 2h for each k, with h = step · max(1, |x_k|): the columns of the Jacobian."""
    x = np.asarray(x, dtype=float)
    columns = []
    for k in range(x.size):
        h = step * max(1.0, abs(x[k]))
        up, down = x.copy(), x.copy()
        up[k] += h
        down[k] -= h
        columns.append((np.asarray(function(up)) - np.asarray(function(down))) / (2 * h))
    return np.stack(columns, axis=-1)


def flat(pars):
    return jnp.concatenate([jnp.ravel(pars["mu"]), jnp.ravel(pars[GAMMA])])


# ---- hist and cut ---------------------------------------------------------------------------------------------------

EVENTS = np.random.default_rng(7).normal(0.4, 0.3, 400)
EDGES = np.array([-0.2, 0.1, 0.35, 0.6, 1.1])


def kde_closed_form(data, edges, bandwidth):
    cdf = norm.cdf((edges[:, None] - data[None, :]) / bandwidth)
    return (cdf[1:] - cdf[:-1]).sum(axis=1)


def test_hist_is_the_binned_kde_with_relaxeds_options():
    counts = relaxed.hist(EVENTS, EDGES, 0.05)
    # Sums of 400 CDF differences in float64: 1e-12 relative covers the different summation order.
    np.testing.assert_allclose(counts, kde_closed_form(EVENTS, EDGES, 0.05), rtol=1e-12)
    density = relaxed.hist(EVENTS, EDGES, 0.05, density=True)
    np.testing.assert_allclose(density, counts / np.diff(EDGES) / counts.sum(), rtol=1e-12)
    reflected = relaxed.hist(EVENTS, EDGES, 0.05, reflect_infinities=True)
    outside = kde_closed_form(EVENTS, np.array([-np.inf, EDGES[0], EDGES[-1], np.inf]), 0.05)
    np.testing.assert_allclose(reflected, np.asarray(counts) + [outside[0], 0, 0, outside[2]], rtol=1e-12)
    # bandwidth → 0 is numpy's histogram (no event within 1e-6 of an edge for this seed).
    np.testing.assert_array_equal(relaxed.hist(EVENTS, EDGES, 1e-9), np.histogram(EVENTS, EDGES)[0])


def test_hist_gradients_match_finite_differences():
    weights = jnp.arange(1.0, 5.0)
    objective = lambda d, e, h: jnp.sum(weights * relaxed.hist(d, e, h))  # noqa: E731
    grad_data, grad_edges, grad_bandwidth = jax.jit(jax.grad(objective, argnums=(0, 1, 2)))(EVENTS, EDGES, 0.05)
    closed = lambda d, e, h: np.sum(np.arange(1.0, 5.0) * kde_closed_form(d, e, h))  # noqa: E731
    # Step 1e-6 on O(1) arguments: truncation ~1e-12 · f''' and rounding ~1e-16 · f / 1e-6 ~ 1e-8 absolute on
    # sums of order 400, hence atol 1e-6.
    np.testing.assert_allclose(
        grad_data, central_difference(lambda d: closed(d, EDGES, 0.05), EVENTS, 1e-6), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(
        grad_edges, central_difference(lambda e: closed(EVENTS, e, 0.05), EDGES, 1e-6), rtol=1e-6, atol=1e-6
    )
    fd_bandwidth = central_difference(lambda h: closed(EVENTS, EDGES, h[0]), [0.05], 1e-7)[0]
    np.testing.assert_allclose(grad_bandwidth, fd_bandwidth, rtol=1e-6)


def test_hist_under_vmap_is_the_loop():
    bandwidths = jnp.array([0.02, 0.05, 0.2])
    batched = jax.vmap(lambda h: relaxed.hist(EVENTS, EDGES, h))(bandwidths)
    for row, h in zip(batched, bandwidths):
        np.testing.assert_array_equal(row, relaxed.hist(EVENTS, EDGES, float(h)))
    # Per-sample Jacobians (jacrev inside vmap, as relaxed's own gradient test does) equal the one-by-one ones.
    shifts = jnp.array([-0.1, 0.0, 0.3])
    jacobians = jax.vmap(jax.jacrev(lambda s: relaxed.hist(EVENTS + s, EDGES, 0.1)))(shifts)
    for row, s in zip(jacobians, shifts):
        np.testing.assert_allclose(row, jax.jacrev(lambda t: relaxed.hist(EVENTS + t, EDGES, 0.1))(s), rtol=1e-15)


def test_cut_is_a_sigmoid_with_exact_gradients():
    data = jnp.array([-1.0, 0.2, 0.5, 3.0])
    above = 1 / (1 + np.exp(-2.5 * (np.asarray(data) - 0.4)))
    np.testing.assert_allclose(relaxed.cut(data, 0.4, slope=2.5), above, rtol=1e-15)
    below = 1 / (1 + np.exp(2.5 * (np.asarray(data) - 0.4)))
    np.testing.assert_allclose(relaxed.cut(data, 0.4, slope=2.5, keep="below"), below, rtol=1e-15)
    grads = jax.jit(jax.grad(lambda d, c, s: jnp.sum(relaxed.cut(d, c, s) ** 2), argnums=(0, 1, 2)))(data, 0.4, 2.5)
    closed = lambda d, c, s: np.sum((1 / (1 + np.exp(-s * (d - c)))) ** 2)  # noqa: E731
    arguments = [np.asarray(data), 0.4, 2.5]
    for k, grad in enumerate(grads):

        def shifted(x, k=k):
            values = list(arguments)
            values[k] = x if k == 0 else x[0]
            return closed(*values)

        # Step 1e-6 on a smooth O(1) function: central differences good to ~1e-10.
        expected = central_difference(shifted, np.atleast_1d(arguments[k]), 1e-6)
        np.testing.assert_allclose(np.atleast_1d(grad), expected, rtol=1e-8, atol=1e-10)
    slopes = jnp.array([1.0, 10.0])
    np.testing.assert_allclose(
        jax.vmap(lambda s: relaxed.cut(data, 0.4, s))(slopes), [relaxed.cut(data, 0.4, float(s)) for s in slopes]
    )
    with pytest.raises(ValueError, match="keep must be one of"):
        relaxed.cut(data, 0.0, keep="sideways")


def test_a_nan_cotangent_gives_nan_gradients_as_jax_would():
    # relaxed's pipelines can divide by an empty bin: the NaN reaches the histogram's VJP, which libneos refuses;
    # jax's own arithmetic would make every gradient NaN, and so does ours.
    grad = jax.grad(lambda d: jnp.sum(jnp.log(relaxed.hist(d, jnp.array([0.0, 1.0, 50.0]), 1e-3))))(EVENTS - 10)
    assert np.all(np.isnan(grad))


def test_asimov_significance_closed_form_and_gradient():
    s, b = jnp.array([3.0, 5.0, 0.5]), jnp.array([20.0, 7.0, 1.0])
    z = math.sqrt(2 * sum((si + bi) * math.log(1 + si / bi) - si for si, bi in zip(s.tolist(), b.tolist())))
    np.testing.assert_allclose(relaxed.metrics.asimov_sig(s, b), z, rtol=1e-15)
    grad_s, grad_b = jax.jit(jax.grad(relaxed.metrics.asimov_sig, argnums=(0, 1)))(s, b)
    # dZ/ds = ln(1 + s/b) / Z and dZ/db = (ln(1 + s/b) − s/b) / Z, from Z² = 2Σ[(s + b) ln(1 + s/b) − s].
    np.testing.assert_allclose(grad_s, np.log1p(s / b) / z, rtol=1e-14)
    np.testing.assert_allclose(grad_b, (np.log1p(s / b) - s / b) / z, rtol=1e-13)


# ---- the model ------------------------------------------------------------------------------------------------------


def test_model_is_a_pytree_of_its_inputs_and_replace_sets_named_inputs():
    model = relaxed.Model(base_model())
    leaves, tree = jax.tree_util.tree_flatten(model)
    np.testing.assert_array_equal(leaves[0], base_model().inputs()[1])
    assert jax.tree_util.tree_unflatten(tree, leaves).structure is model.structure
    replaced = model.replace({"singlechannel/signal/nominal": jnp.array([1.0, 2.0])})
    names = model.input_names()
    signal = [k for k, name in enumerate(names) if name.startswith("singlechannel/signal/nominal")]
    np.testing.assert_array_equal(np.asarray(replaced.inputs)[signal], [1.0, 2.0])
    with pytest.raises(InvalidArgument, match="no input named"):
        model.replace({"singlechannel/signal/norm": jnp.ones(2)})
    with pytest.raises(InvalidArgument, match="has 2 entries"):
        model.replace({"singlechannel/signal/nominal": jnp.ones(3)})
    with pytest.raises(InvalidArgument, match="inputs has shape"):
        relaxed.Model(base_model(), jnp.ones(2))


def test_logpdf_and_expected_data_are_libneos_with_gradients():
    model, data = relaxed.Model(base_model()), data_of("deficit")
    native = base_model()
    np.testing.assert_allclose(model.logpdf(POINT, data), native.logpdf(flat(POINT), data)[0], rtol=1e-15)
    # The pair (main, auxdata) is the same data.
    np.testing.assert_allclose(model.logpdf(POINT, (data[:2], data[2:])), model.logpdf(POINT, data), rtol=1e-15)
    gradients = native.logpdf_vjp(flat(POINT), data)
    grad_model, grad_pars = jax.grad(lambda m, p: m.logpdf(p, data), argnums=(0, 1))(model, POINT)
    np.testing.assert_allclose(grad_model.inputs, gradients.inputs, rtol=1e-15)
    np.testing.assert_allclose(flat(grad_pars), gradients.pars, rtol=1e-15)
    np.testing.assert_allclose(model.expected_data(POINT), native.expected_data(flat(POINT)), rtol=1e-15)
    vjp = jax.grad(lambda m: jnp.sum(m.expected_data(POINT) * jnp.arange(4.0)))(model)
    np.testing.assert_allclose(vjp.inputs, native.expected_data_vjp(np.arange(4.0), flat(POINT)).inputs, rtol=1e-15)


# ---- fits -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["deficit", "excess"])
def test_fits_match_relaxed(case):
    model, data = relaxed.Model(base_model()), data_of(case)
    best = relaxed.mle.fit(data, model, INIT, bounds=BOUNDS)
    assert set(best) == set(INIT) and jnp.shape(best["mu"]) == () and best[GAMMA].shape == (2,)
    # relaxed's LBFGSB at tol 1e-12 and libneos' Newton fit (EDM-converged) agree to ~1e-9.
    np.testing.assert_allclose(flat(best), REFERENCE[f"{case}_fit"], rtol=1e-7, atol=1e-9)
    fixed = relaxed.mle.fixed_poi_fit(data, model, 1.0, "mu", {GAMMA: jnp.array([1.0, 1.0])}, bounds=BOUNDS)
    assert fixed["mu"] == 1.0
    np.testing.assert_allclose(flat(fixed), REFERENCE[f"{case}_fixed_poi_fit"], rtol=1e-7, atol=1e-9)


def test_fit_gradients_are_implicit_derivatives():
    inputs, data = base_model().inputs()[1], data_of("excess")

    def best(x, d):
        return flat(relaxed.mle.fit(d, model_of(x), INIT, bounds=BOUNDS))

    jacobian_inputs, jacobian_data = jax.jit(jax.jacrev(lambda x, d: jnp.asarray(best(x, d)), argnums=(0, 1)))(
        inputs, data
    )
    # Re-fits at ±1e-5 relative: fits converge to ~1e-10, so the differences are good to ~1e-5 relative.
    np.testing.assert_allclose(
        jacobian_inputs, central_difference(lambda x: best(x, data), inputs, 1e-5), rtol=1e-4, atol=1e-7
    )
    np.testing.assert_allclose(
        jacobian_data, central_difference(lambda d: best(inputs, d), data, 1e-5), rtol=1e-4, atol=1e-7
    )


def test_fit_settings_are_checked():
    model, data = relaxed.Model(base_model()), data_of("deficit")
    with pytest.raises(Unsupported, match="other_settings"):
        relaxed.mle.fit(data, model, INIT, other_settings={"history_size": 3})
    with pytest.raises(InvalidArgument, match="maxiter and tol"):
        relaxed.mle.fit(data, model, INIT, maxiter=0)
    with pytest.raises(InvalidArgument, match="not a parameter"):
        relaxed.mle.fit(data, model, INIT, bounds={"nu": (0, 1)})
    with pytest.raises(TypeError, match="concrete number"):
        jax.jit(lambda p: relaxed.mle.fixed_poi_fit(data, model, p, "mu", {GAMMA: 1.0})["mu"])(1.0)


# ---- hypothesis tests -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "test_stat", "cls_method"),
    [("deficit", "q", True), ("deficit", "q", False), ("excess", "q", True), ("excess", "q0", True)],
)
def test_hypotest_matches_relaxed(case, test_stat, cls_method):
    model, data = relaxed.Model(base_model()), data_of(case)
    value = relaxed.infer.hypotest(1.0, data, model, INIT, bounds=BOUNDS, test_stat=test_stat, cls_method=cls_method)
    # libneos' statistic from term-wise differences vs relaxed's difference of two log-likelihoods: 1e-9.
    np.testing.assert_allclose(value, REFERENCE[f"{case}_hypotest_{test_stat}_{cls_method}"], rtol=1e-9)


def test_hypotest_with_expected_pars_and_mle_pars():
    model, data = relaxed.Model(base_model()), data_of("deficit")
    value, mle = relaxed.infer.hypotest(
        1.0, data, model, INIT, bounds=BOUNDS, expected_pars=EXPECTED, return_mle_pars=True
    )
    np.testing.assert_allclose(value, REFERENCE["deficit_hypotest_expected_q"], rtol=1e-9)
    assert mle is EXPECTED
    _, mle = relaxed.infer.hypotest(1.0, data, model, INIT, bounds=BOUNDS, return_mle_pars=True)
    np.testing.assert_allclose(flat(mle), REFERENCE["deficit_fit"], rtol=1e-7, atol=1e-9)
    # Where relaxed takes √ of a negative ratio (expected_pars far from the best fit, NaN in relaxed) the
    # statistic is clipped at 0: p = 1/2, CLs = 1.
    clipped = relaxed.infer.hypotest(1.0, data_of("excess"), model, INIT, bounds=BOUNDS, expected_pars=EXPECTED)
    assert clipped == 1.0
    with pytest.raises(ValueError, match="Unknown test statistic: q1"):
        relaxed.infer.hypotest(1.0, data, model, INIT, test_stat="q1")


@pytest.mark.parametrize(("test_stat", "expected"), [("q", None), ("q0", None), ("q", EXPECTED)])
def test_hypotest_gradients_match_refits(test_stat, expected):
    inputs, data = base_model().inputs()[1], data_of("deficit" if test_stat == "q" else "excess")

    def value(x, d):
        return relaxed.infer.hypotest(
            1.0, d, model_of(x), INIT, bounds=BOUNDS, test_stat=test_stat, expected_pars=expected
        )

    grad_inputs, grad_data = jax.jit(jax.grad(value, argnums=(0, 1)))(inputs, data)
    # Central differences of re-fitted p-values at 1e-5 relative: ~1e-6 relative agreement.
    fd_inputs = central_difference(lambda x: float(value(x, data)), inputs, 1e-5)
    fd_data = central_difference(lambda d: float(value(inputs, d)), data, 1e-5)
    np.testing.assert_allclose(grad_inputs, fd_inputs, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(grad_data, fd_data, rtol=1e-5, atol=1e-9)


def test_hypotest_under_vmap_over_models():
    inputs = jnp.asarray(base_model().inputs()[1])
    batch = jnp.stack([inputs, inputs * 1.05, inputs * 0.9])
    data = data_of("deficit")
    values = jax.vmap(lambda x: relaxed.infer.hypotest(1.0, data, model_of(x), INIT, bounds=BOUNDS))(batch)
    for row, x in zip(values, batch):
        assert row == relaxed.infer.hypotest(1.0, data, model_of(x), INIT, bounds=BOUNDS)


def test_models_pass_through_jit_as_arguments():
    # The model is a pytree (its inputs the leaf, its structure static): jit traces it like any array argument,
    # and compiles once per structure.
    model, data = relaxed.Model(base_model()), data_of("excess")
    hypotest = jax.jit(lambda m, d: relaxed.infer.hypotest(1.0, d, m, INIT, bounds=BOUNDS, test_stat="q0"))
    np.testing.assert_allclose(hypotest(model, data), REFERENCE["excess_hypotest_q0_True"], rtol=1e-9)
    fisher = jax.jit(relaxed.cramer_rao_uncert, static_argnames="return_tree")(model, POINT, data, return_tree=False)
    np.testing.assert_allclose(fisher, np.sqrt(np.diag(REFERENCE["excess_fisher_info"])), rtol=1e-12)
    scaled = model.replace({"singlechannel/signal/nominal": jnp.array(SIGNAL) * 2})
    assert hypotest(scaled, data) < hypotest(model, data)


def test_fits_and_fisher_info_under_vmap_and_plain_models():
    inputs, data = jnp.asarray(base_model().inputs()[1]), data_of("excess")
    batch = jnp.stack([inputs, inputs * 1.1])
    fits = jax.vmap(lambda x: flat(relaxed.mle.fit(data, model_of(x), INIT, bounds=BOUNDS)))(batch)
    fishers = jax.vmap(lambda x: relaxed.fisher_info(model_of(x), POINT, data))(batch)
    for fitted, fisher, x in zip(fits, fishers, batch):
        np.testing.assert_array_equal(fitted, flat(relaxed.mle.fit(data, model_of(x), INIT, bounds=BOUNDS)))
        np.testing.assert_array_equal(fisher, relaxed.fisher_info(model_of(x), POINT, data))
    # A neos_swift model without the wrapper is taken with its own numbers.
    np.testing.assert_array_equal(fits[0], flat(relaxed.mle.fit(data, base_model(), INIT, bounds=BOUNDS)))
    with pytest.raises(TypeError, match="expected a neos_swift model"):
        relaxed.fisher_info(object(), POINT, data)


# ---- Fisher information and metrics ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["deficit", "excess"])
def test_fisher_info_matches_relaxed(case):
    model, data = relaxed.Model(base_model()), data_of(case)
    fisher = relaxed.fisher_info(model, POINT, data)
    # relaxed's jax Hessian and libneos' exact one, both inverted: rounding only.
    np.testing.assert_allclose(fisher, REFERENCE[f"{case}_fisher_info"], rtol=1e-12)
    uncert = relaxed.cramer_rao_uncert(model, POINT, data)
    np.testing.assert_allclose(flat(uncert), np.sqrt(np.diag(REFERENCE[f"{case}_fisher_info"])), rtol=1e-12)
    assert uncert[GAMMA].shape == (2,)
    # A dict naming only some parameters: the Hessian of those, the rest held; ravel_pytree's (sorted) order.
    partial = relaxed.fisher_info(model, {GAMMA: POINT[GAMMA], "mu": POINT["mu"]}, data)
    np.testing.assert_allclose(partial, fisher, rtol=1e-15)
    sub = relaxed.fisher_info(model, {GAMMA: POINT[GAMMA]}, data)
    held = flat(POINT).at[0].set(base_model().config.suggested_init()[0])  # mu held at its suggested init
    hessian = base_model().nll_hessian(held, data)
    np.testing.assert_allclose(sub, np.linalg.inv(hessian[1:, 1:]), rtol=1e-12)


def test_fisher_info_gradients_match_finite_differences():
    inputs, data = base_model().inputs()[1], data_of("excess")
    pars = flat(POINT)

    def entry_sum(x, p, d):
        return jnp.sum(relaxed.fisher_info(model_of(x), p, d) * jnp.arange(1.0, 10.0).reshape(3, 3))

    grads = jax.jit(jax.grad(entry_sum, argnums=(0, 1, 2)))(inputs, pars, data)
    # The Hessian's VJP is libneos' exact third derivatives. Central differences of the value at step 1e-4 carry a
    # truncation error O(h²) ≈ 3e-8 relative here (it falls 100-fold from step 1e-3, as an exact reference's must)
    # and rounding ~1e-16/1e-4 ≈ 1e-12: rtol 3e-7 keeps a tenfold margin; the former finite-difference VJP was
    # only good to ~1e-7.
    arguments = [inputs, pars, data]
    for k, grad in enumerate(grads):

        def shifted(v, k=k):
            values = list(arguments)
            values[k] = v
            return float(entry_sum(*values))

        np.testing.assert_allclose(grad, central_difference(shifted, arguments[k], 1e-4), rtol=3e-7, atol=1e-12)


HESSIAN_WORKSPACES = [
    "validation_2bin_2channel_coupledhistosys.json",
    "validation_2bin_2channel_couplednorm.json",
    "validation_1bin_shapesys.json",
    "validation_1bin_lumi.json",
    "validation_2bin_2channel_coupledshapefactor.json",
]
HESSIAN_CODES = [
    None,
    {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}},
    {"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code2"}},
]


@pytest.mark.parametrize("settings", HESSIAN_CODES)
@pytest.mark.parametrize("name", HESSIAN_WORKSPACES)
def test_nll_hessian_vjp_is_the_derivative_of_the_exact_hessian(name, settings):
    """libneos' Hessian VJP against central differences of its exact Hessian (the finite differences that relaxed's
    gradients used before), with respect to parameters, data and inputs, away from interpolation kinks."""
    workspace = neos_swift.Workspace(json.loads((REFDATA / "workspaces" / name).read_text()))
    model = workspace.model(modifier_settings=settings) if settings else workspace.model()
    n = model.config.npars
    pars = np.asarray(model.config.suggested_init()) + 0.3 * np.sin(np.arange(n) * 1.9 + 0.5) + 0.05
    observed = np.asarray(workspace.data(model))
    data = observed * (1 + 0.1 * np.sin(np.arange(observed.size)))  # n ≠ λ: every term of the VJP is exercised
    cotangent = np.sin(np.arange(n * n) * 0.77 + 0.3).reshape(n, n)  # not symmetric: only its symmetric part counts
    gradients = _hessian.nll_hessian_vjp(model, pars, data, cotangent)

    def contraction(m, p, d):
        return np.sum(cotangent * m.nll_hessian(p, d))

    # Step 1e-5 (relative): truncation O(h²) ~1e-10 and rounding ~1e-16·|G|/h ~1e-11 of the largest entry; measured
    # at most 4e-8 (the input part, whose entries span orders of magnitude), so rtol 1e-6 relative to each pair's
    # larger magnitude with an absolute floor of 1e-6 of the largest entry.
    references = [
        (gradients.pars, central_differences(lambda p: contraction(model, p, data), pars, 1e-5)),
        (gradients.data, central_differences(lambda d: contraction(model, pars, d), data, 1e-5)),
        (
            gradients.inputs,
            central_differences(lambda x: contraction(model.with_inputs(x), pars, data), model.inputs()[1], 1e-5),
        ),
    ]
    for exact, numeric in references:
        assert_gradient(exact, numeric, rtol=1e-6, atol=1e-6 * np.max(np.abs(numeric)))
    assert np.max(np.abs(gradients.inputs)) > 0
    transposed = _hessian.nll_hessian_vjp(model, pars, data, cotangent.T, inputs=False)
    assert transposed.inputs is None
    np.testing.assert_allclose(transposed.pars, gradients.pars, rtol=1e-12)  # the same symmetric part


def test_nll_hessian_vjp_refuses_a_bad_cotangent():
    model = base_model()
    pars, data = model.config.suggested_init(), data_of("excess")
    with pytest.raises(InvalidArgument, match="cotangent"):
        _hessian.nll_hessian_vjp(model, pars, data, np.ones((2, 2)))
    with pytest.raises(InvalidArgument, match="cotangent"):
        _hessian.nll_hessian_vjp(model, pars, data, np.full((3, 3), np.nan))
    with pytest.raises(InvalidArgument, match="data"):
        _hessian.nll_hessian_vjp(model, pars, data[:-1], np.ones((3, 3)))


def test_gaussianity_is_relaxeds_formula():
    model, data = relaxed.Model(base_model()), data_of("deficit")
    key = jax.random.PRNGKey(5)
    value = relaxed.metrics.gaussianity(model, POINT, data, key, n_samples=50)
    # The same metric written out: samples from relaxed's Gaussian (covariance = the NLL Hessian, the inverse of
    # fisher_info), the model's −Δlog L against the Gaussian's, NaNs (negative rates) dropped.
    native, best = base_model(), flat(POINT)
    hessian = native.nll_hessian(best, data)
    samples = np.asarray(jax.random.multivariate_normal(key, jnp.asarray(best), jnp.asarray(hessian), shape=(50,)))
    inverse = np.linalg.inv(hessian)
    diffs = []
    for sample in samples:
        try:
            model_nll = native.logpdf(best, data)[0] - native.logpdf(sample, data)[0]
        except ArithmeticError:
            continue
        gaussian_nll = 0.5 * (best - sample) @ inverse @ (best - sample)
        diffs.append((model_nll - gaussian_nll) ** 2)
    assert 0 < len(diffs) < 50  # the metric's NaN handling is exercised
    # Sums of 50 squares computed in two orders: 1e-10.
    np.testing.assert_allclose(value, np.mean(diffs), rtol=1e-10)
    # Its gradient (samples outside the domain contribute nothing) against differences of the value: the NLL
    # Hessian's VJP is exact, so the only error is the check's own: at step 1e-5 truncation ~1e-9 relative (1e-7 at
    # 1e-4, falling as h²) and rounding ~1e-16·|metric|/1e-5 ≈ 1e-10; measured 2e-9, so rtol 1e-7.
    metric = lambda d: relaxed.metrics.gaussianity(model, POINT, d, key, n_samples=50)  # noqa: E731
    grad = jax.jit(jax.grad(metric))(data)
    np.testing.assert_allclose(grad, central_difference(lambda d: float(metric(d)), data, 1e-5), rtol=1e-7)


def test_a_neos_pipeline_events_to_cls_is_differentiable_end_to_end():
    # Events → relaxed.hist (signal shifted by θ) → the model's signal yields → relaxed's CLs: every stage's VJP
    # from libneos, composed by jax.
    rng = np.random.default_rng(11)
    signal_events, background_events = rng.normal(0.7, 0.15, 200), rng.uniform(0, 1, 1000)
    edges = jnp.array([0.0, 0.5, 1.0])
    data = data_of("deficit")

    def cls(theta):
        model = relaxed.Model(base_model()).replace(
            {
                "singlechannel/signal/nominal": 0.1 * relaxed.hist(signal_events + theta, edges, 0.1),
                "singlechannel/background/nominal": 0.1 * relaxed.hist(background_events, edges, 0.1),
            }
        )
        return relaxed.infer.hypotest(1.0, data, model, INIT, bounds=BOUNDS)

    grad = jax.jit(jax.grad(cls))(0.05)
    # Re-fitted central differences at θ ± 1e-5: ~1e-6 relative.
    fd = central_difference(lambda t: float(cls(t[0])), [0.05], 1e-5)[0]
    np.testing.assert_allclose(grad, fd, rtol=1e-5)
    assert grad != 0


def reference_numbers(sdist):  # pragma: no cover - run by hand with relaxed 0.4.0 installed
    """Prints REFERENCE, computed by relaxed 0.4.0 itself on its tests' dummy model (tests/dummy_pyhf.py of the
    sdist at ``sdist``), in a venv with jax 0.4.19, jaxopt 0.8 and relaxed (see scripts/relaxed_test_suite.sh)."""
    sys.path.insert(0, sdist + "/tests")
    import relaxed as reference  # the real one: this runs outside the test suite
    from dummy_pyhf import HEPDataLike

    jax.config.update("jax_enable_x64", True)
    background = jnp.array(BACKGROUND)
    model = HEPDataLike(jnp.array(SIGNAL), background, jnp.array(UNCERTAINTY))
    rename = lambda pars: {("shapesys" if k == GAMMA else k): v for k, v in pars.items()}  # noqa: E731
    init, bounds = rename(INIT), rename(BOUNDS)
    out = {}
    for case, main in MAIN.items():
        data = (jnp.array(main), jnp.array(AUXDATA))
        best = reference.mle.fit(data, model, init, bounds=bounds, tol=1e-12, maxiter=5000)
        out[f"{case}_fit"] = [float(best["mu"]), *map(float, best["shapesys"])]
        fixed = reference.mle.fixed_poi_fit(
            data, model, 1.0, "mu", {"shapesys": jnp.ones(2)}, bounds={"shapesys": bounds["shapesys"]}, tol=1e-12
        )
        out[f"{case}_fixed_poi_fit"] = [float(fixed["mu"]), *map(float, fixed["shapesys"])]
        for test_stat in ("q", "q0"):
            for cls_method in (True, False):
                value = reference.infer.hypotest(
                    1.0, data, model, init, bounds=bounds, test_stat=test_stat, cls_method=cls_method
                )
                out[f"{case}_hypotest_{test_stat}_{cls_method}"] = float(value)
        value = reference.infer.hypotest(1.0, data, model, init, bounds=bounds, expected_pars=rename(EXPECTED))
        out[f"{case}_hypotest_expected_q"] = float(value)
        out[f"{case}_fisher_info"] = np.asarray(reference.fisher_info(model, rename(POINT), data)).tolist()
    for name, value in out.items():
        print(f"    {name!r}: {value!r},")  # noqa: T201


if __name__ == "__main__":  # pragma: no cover
    reference_numbers(sys.argv[1])
