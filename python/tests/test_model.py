"""Model derivatives from Python: gradient, Hessian and VJPs against central finite differences (1e-6 relative),
with_inputs, and patchsets."""

from __future__ import annotations

import json

import neos_swift
import numpy as np
import pytest
from conftest import REFDATA, assert_gradient, central_differences

SETTINGS = [
    None,
    {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}},
    {"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code2"}},
]


def xml_model(settings):
    workspace = neos_swift.Workspace(json.loads((REFDATA / "xml_converted/xmlimport_input.json").read_text()))
    model = workspace.model(modifier_settings=settings)
    return model, np.asarray(workspace.data(model))


@pytest.mark.parametrize("settings", SETTINGS, ids=["defaults", "code1-code0", "code4-code2"])
def test_parameter_derivatives(settings, rng):
    model, data = xml_model(settings)
    # Away from the kinks of code0/code2 at alpha = 0 and +-1.
    pars = np.asarray(model.config.suggested_init()) + rng.uniform(0.1, 0.3, model.config.npars)
    nll = lambda p: -model.logpdf(p, data)[0]
    assert_gradient(model.nll_gradient(pars, data), central_differences(nll, pars))
    hessian = model.nll_hessian(pars, data)
    for row in range(model.config.npars):
        assert_gradient(hessian[row], central_differences(lambda p: model.nll_gradient(p, data)[row], pars), atol=1e-7)
    np.testing.assert_allclose(hessian, hessian.T, rtol=0, atol=1e-12)


@pytest.mark.parametrize("settings", SETTINGS, ids=["defaults", "code1-code0", "code4-code2"])
def test_input_and_data_vjps(settings, rng):
    model, data = xml_model(settings)
    pars = np.asarray(model.config.suggested_init()) + rng.uniform(0.1, 0.3, model.config.npars)
    names, inputs = model.inputs()
    assert len(names) == len(inputs) == model.config.ninputs
    gradients = model.logpdf_vjp(pars, data)
    logpdf_of_inputs = lambda values: model.with_inputs(values).logpdf(pars, data)[0]
    assert_gradient(gradients.inputs, central_differences(logpdf_of_inputs, inputs))
    assert_gradient(gradients.data, central_differences(lambda d: model.logpdf(pars, d)[0], data))
    cotangent = rng.normal(size=model.config.nmaindata + model.config.nauxdata)
    expected = model.expected_data_vjp(cotangent, pars)
    assert_gradient(
        expected.inputs, central_differences(lambda v: cotangent @ model.with_inputs(v).expected_data(pars), inputs)
    )
    assert_gradient(expected.pars, central_differences(lambda p: cotangent @ model.expected_data(p), pars))


def test_with_inputs_keeps_structure():
    model = neos_swift.simplemodels.correlated_background([5, 10], [50, 30], [55, 33], [45, 27])
    names, values = model.inputs()
    assert names[:2] == ["single_channel/background/nominal[0]", "single_channel/background/nominal[1]"]
    doubled = model.with_inputs(values * 2)
    assert doubled.config.par_order == model.config.par_order
    np.testing.assert_allclose(
        doubled.expected_actualdata(model.config.suggested_init()),
        2 * model.expected_actualdata(model.config.suggested_init()),
        rtol=1e-15,
    )
    with pytest.raises(neos_swift.InvalidArgument):
        model.with_inputs(values[:-1])


def test_patchset():
    patchset = neos_swift.PatchSet(
        json.loads((REFDATA / "tests_data/test_patchset__example_patchset.json").read_text())
    )
    assert len(patchset) >= 1
    workspace = neos_swift.Workspace(
        json.loads((REFDATA / "tests_data/test_patchset__example_bkgonly.json").read_text())
    )
    for name in patchset:
        model = workspace.model(patches=[patchset[name]])
        assert model.config.npars > 0
    with pytest.raises(neos_swift.InvalidArgument):
        patchset["no such patch"]
