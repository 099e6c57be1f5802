"""pyhf's model options clip_sample_data and clip_bin_data: neos_swift's clipped models against pyhf 0.7.6's (rates
by bin and by sample, log-likelihoods), their gradients against central finite differences away from the clip's
kink, and the one-sided derivative at it; pyhf's own test case (a workspace whose observation is shorter than a
channel) builds and fits."""

from __future__ import annotations

import logging
import pickle

import neos_swift
import numpy as np
import pyhf
import pytest
from conftest import assert_gradient, central_differences

pyhf.set_backend("numpy", precision="64b")

# Channel "a": signal (mu) and a background whose histosys drives bin 0 below zero at h = -2; channel "c" lacks the
# signal (pyhf counts it as a sample of zeros there) and has a normsys on the background.
SPEC = {
    "channels": [
        {
            "name": "a",
            "samples": [
                {"name": "s", "data": [5.0, 0.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
                {
                    "name": "b",
                    "data": [1.0, 2.0],
                    "modifiers": [
                        {"name": "h", "type": "histosys", "data": {"hi_data": [3.0, 4.0], "lo_data": [-2.0, 1.0]}}
                    ],
                },
            ],
        },
        {
            "name": "c",
            "samples": [
                {
                    "name": "b",
                    "data": [3.0, 6.0],
                    "modifiers": [{"name": "n", "type": "normsys", "data": {"hi": 1.2, "lo": 0.7}}],
                }
            ],
        },
    ]
}
OPTIONS = [
    {"clip_sample_data": 0.5},
    {"clip_bin_data": 0.5},
    {"clip_sample_data": 0.0, "clip_bin_data": 0.25},
    {"clip_sample_data": -1.0},
]
# (h, mu, n) points in pyhf's parameter order, with each clip active somewhere
POINTS = [[-2.0, 1.0, 0.0], [-1.3, 1.3, 0.4], [0.4, 0.0, -0.8]]


def pars_of(model, h, mu, n):
    values = {"h": h, "mu": mu, "n": n}
    return np.array([values[name] for name in model.config.par_names])


@pytest.mark.parametrize("options", OPTIONS, ids=[str(options) for options in OPTIONS])
def test_rates_and_logpdf_are_pyhfs(options):
    ours, theirs = neos_swift.Model(SPEC, **options), pyhf.Model(SPEC, **options)
    assert ours.config.par_names == theirs.config.par_names
    data = np.array([4.0, 2.0, 3.0, 7.0, 0.0, 0.0])
    for point in POINTS:
        pars = pars_of(ours, *point)
        # one rounding of the same sums: 1e-12 relative
        np.testing.assert_allclose(ours.expected_data(pars), theirs.expected_data(pars), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(
            ours.main_model.expected_data(pars, return_by_sample=True),
            theirs.main_model.expected_data(pars, return_by_sample=True),
            rtol=1e-12,
            atol=1e-12,
        )
        np.testing.assert_allclose(ours.logpdf(pars, data), theirs.logpdf(pars, data), rtol=1e-12)
    assert ours.main_model.clip_sample_data == options.get("clip_sample_data")
    assert ours.main_model.clip_bin_data == options.get("clip_bin_data")


def test_pyhfs_warnings_are_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="pyhf.pdf"):
        neos_swift.Model(SPEC, clip_sample_data=0.5, clip_bin_data=0.25)
    assert "Clipping expected data per-bin for each sample below 0.5" in caplog.text
    assert "Clipping expected data per-bin below 0.25" in caplog.text


def test_gradients_match_finite_differences_away_from_the_kink():
    # At h = -1.3, mu = 1.3: b in bin a[0] is -2.9 (held at 0.5), bin a[1]'s total 1.2 is held at the bin clip 1.5.
    model = neos_swift.Model(SPEC, clip_sample_data=0.5, clip_bin_data=1.5)
    pars = pars_of(model, -1.3, 1.3, 0.4)
    data = np.array([4.0, 2.0, 3.0, 7.0, 0.0, 0.0])
    np.testing.assert_allclose(model.expected_actualdata(pars)[:2], [7.0, 1.5], rtol=1e-12)
    numeric = central_differences(lambda p: -model.logpdf(p, data)[0], pars)
    assert_gradient(model.nll_gradient(pars, data), numeric, rtol=1e-6)
    hessian_numeric = np.array(
        [central_differences(lambda p, i=i: model.nll_gradient(p, data)[i], pars) for i in range(pars.size)]
    )
    np.testing.assert_allclose(model.nll_hessian(pars, data), hessian_numeric, rtol=1e-5, atol=1e-6)
    names, inputs = model.inputs()
    numeric_inputs = central_differences(lambda x: model.with_inputs(x).logpdf(pars, data)[0], inputs)
    assert_gradient(model.logpdf_vjp(pars, data).inputs, numeric_inputs, rtol=1e-6)


def test_at_the_kink_the_derivative_is_the_unclipped_sides():
    # b in bin a[1] is 2 - 1.5 = 0.5 at h = -1.5, exactly the sample clip: the derivative is b's own, dh = 1,
    # the difference from above; below, the rate is flat.
    model = neos_swift.Model(SPEC, clip_sample_data=0.5)
    pars = pars_of(model, -1.5, 1.0, 0.0)
    index = model.config.par_names.index("h")
    cotangent = np.array([0.0, 1.0, 0.0, 0.0])
    gradient = model.expected_data_vjp(cotangent, pars, include_auxdata=False).pars[index]
    step = np.zeros_like(pars)
    step[index] = 1e-7
    above = (model.expected_actualdata(pars + step)[1] - model.expected_actualdata(pars)[1]) / 1e-7
    assert gradient == pytest.approx(1.0, abs=1e-12)
    assert above == pytest.approx(gradient, abs=1e-6)
    assert model.expected_actualdata(pars - step)[1] == pytest.approx(model.expected_actualdata(pars)[1], abs=1e-15)


def test_clipping_survives_pickling_with_inputs_and_set_poi():
    model = neos_swift.Model(SPEC, clip_sample_data=0.5)
    pars = pars_of(model, -2.0, 1.0, 0.0)
    expected = model.expected_actualdata(pars)
    assert np.array_equal(pickle.loads(pickle.dumps(model)).expected_actualdata(pars), expected)
    assert np.array_equal(model.with_inputs(model.inputs()[1]).expected_actualdata(pars), expected)
    model.config.set_poi("mu")
    assert np.array_equal(model.expected_actualdata(pars), expected)


def test_workspace_models_take_the_options_and_a_short_observation_fails_only_when_used():
    # pyhf's test_pdf_clipping: ch1's observation has one number for two bins, which pyhf reads and builds.
    workspace_spec = {
        "channels": [
            {
                "name": "ch1",
                "samples": [
                    {
                        "name": "signal",
                        "data": [100.0, 100.0],
                        "modifiers": [
                            {"name": "mu_sig", "type": "normfactor", "data": None},
                            {
                                "name": "np_1",
                                "type": "histosys",
                                "data": {"hi_data": [125.0, 75.0], "lo_data": [175.0, 10.0]},
                            },
                        ],
                    }
                ],
            },
            {
                "name": "ch2",
                "samples": [
                    {
                        "name": "signal",
                        "data": [15000.0],
                        "modifiers": [
                            {"name": "mu_sig", "type": "normfactor", "data": None},
                            {"name": "np_1", "type": "histosys", "data": {"hi_data": [15500.0], "lo_data": [1200.0]}},
                        ],
                    }
                ],
            },
        ],
        "measurements": [{"name": "meas", "config": {"poi": "mu_sig", "parameters": []}}],
        "observations": [{"name": "ch1", "data": [100.0]}, {"name": "ch2", "data": [1000.0]}],
        "version": "1.0.0",
    }
    ours, theirs = neos_swift.Workspace(workspace_spec), pyhf.Workspace(workspace_spec)
    pars = [-1.2, 1.0]  # np_1, mu_sig (pyhf's order): ch1 bin 1 and ch2 go negative
    for options in ({}, {"clip_sample_data": 0.0}, {"clip_bin_data": 0.0}):
        np.testing.assert_allclose(
            ours.model(**options).expected_actualdata(pars),
            theirs.model(**options).expected_actualdata(pars),
            rtol=1e-12,
        )
    with pytest.raises(neos_swift.ModelError, match=r"observations\[0\]\.data: expected 2 numbers"):
        ours.data(ours.model())
    data = [100.0, 100.0, 10.0, 0.0]
    for options in ({}, {"clip_sample_data": 0.0}, {"clip_bin_data": 0.0}):
        model = ours.model(**options)
        best = neos_swift.infer.mle.fit(data, model)
        assert np.all(model.expected_actualdata(best) >= 0)


def test_bad_bounds_are_refused():
    with pytest.raises(neos_swift.InvalidArgument, match="clip_sample_data is nan"):
        neos_swift.Model(SPEC, clip_sample_data=float("nan"))
    with pytest.raises(neos_swift.InvalidArgument, match="clip_bin_data must be a number"):
        neos_swift.Model(SPEC, clip_bin_data="zero")
    with pytest.raises(neos_swift.exceptions.Unsupported, match="modifier_set"):
        neos_swift.Model(SPEC, modifier_set={})
