"""pyhf.Model(spec, ...) and model.config as pyhf 0.7.6 has them, with pyhf itself as the oracle for every piece of
bookkeeping (names, orders, slices, parameter sets) and for the shapes of batched evaluations."""

from __future__ import annotations

import copy
import ctypes
import json
import pickle

import neos_swift
import numpy as np
import pyhf
import pytest
from conftest import REFDATA

pyhf.set_backend("numpy", precision="64b")

# Workspaces covering every modifier type, shared parameters, several channels and measurements.
WORKSPACES = [
    "workspaces/validation_1bin_lumi.json",
    "workspaces/validation_1bin_shapesys.json",
    "workspaces/validation_2bin_2channel_coupledhistosys.json",
    "workspaces/validation_2bin_2channel_coupledshapefactor.json",
    "xml_converted/multichannel_histfactory.json",
    "xml_converted/shared_nuispar_across_types.json",
    "xml_converted/xmlimport_input.json",
    "xml_converted/xmlimport_ShapeSys.json",
    "xml_converted/xmlimport_DataDriven.json",
    "xml_converted/multichan_coupledoverall_histfactory.json",
]


def load(path):
    return json.loads((REFDATA / path).read_text())


def model_spec(workspace_spec, measurement_index=0):
    measurement = workspace_spec["measurements"][measurement_index]
    return {"channels": workspace_spec["channels"], "parameters": measurement["config"]["parameters"]}, measurement


def assert_same_config(ours, theirs):
    for name in (
        "channels",
        "samples",
        "modifiers",
        "channel_nbins",
        "channel_slices",
        "par_order",
        "par_names",
        "parameters",
        "poi_name",
        "poi_index",
        "npars",
        "nmaindata",
        "nauxdata",
        "auxdata_order",
    ):
        assert getattr(ours.config, name) == getattr(theirs.config, name), name
    np.testing.assert_allclose(ours.config.auxdata, theirs.config.auxdata, rtol=1e-12)
    assert ours.config.suggested_init() == pytest.approx(theirs.config.suggested_init(), rel=1e-12)
    np.testing.assert_allclose(ours.config.suggested_bounds(), theirs.config.suggested_bounds(), rtol=1e-12)
    assert ours.config.suggested_fixed() == theirs.config.suggested_fixed()
    for name in theirs.config.par_order:
        assert ours.config.par_slice(name) == theirs.config.par_slice(name), name
        mine, pyhfs = ours.config.param_set(name), theirs.config.param_set(name)
        assert mine.n_parameters == pyhfs.n_parameters, name
        assert mine.is_scalar == pyhfs.is_scalar, name
        assert mine.constrained == pyhfs.constrained, name
        assert mine.suggested_fixed == list(pyhfs.suggested_fixed), name
        assert mine.suggested_init == pytest.approx(list(pyhfs.suggested_init), rel=1e-12), name
        np.testing.assert_allclose(mine.suggested_bounds, pyhfs.suggested_bounds, rtol=1e-12, err_msg=name)
        if pyhfs.constrained:
            assert mine.pdf_type == pyhfs.pdf_type, name
            np.testing.assert_allclose(mine.auxdata, pyhfs.auxdata, rtol=1e-12, err_msg=name)
        assert set(ours.config.par_map[name]) == {"slice", "paramset"}


@pytest.mark.parametrize("path", WORKSPACES)
def test_model_from_spec_matches_pyhf(path):
    spec, measurement = model_spec(load(path))
    poi = measurement["config"]["poi"]
    theirs = pyhf.Model(spec, poi_name=poi)
    ours = neos_swift.Model(spec, poi_name=poi)
    assert_same_config(ours, theirs)
    assert ours.spec == theirs.spec
    assert ours.spec is not spec  # a copy, as pyhf's
    pars = theirs.config.suggested_init()
    data = pyhf.Workspace(load(path)).data(theirs)
    np.testing.assert_allclose(ours.logpdf(pars, data), theirs.logpdf(pars, data), rtol=1e-9)
    np.testing.assert_allclose(ours.pdf(pars, data), theirs.pdf(pars, data), rtol=1e-9)
    if theirs.config.nauxdata:
        np.testing.assert_allclose(ours.expected_auxdata(pars), theirs.expected_auxdata(pars), rtol=1e-9, atol=1e-12)
    else:  # pyhf's has no constraint pdf to ask (IndexError); ours is the empty auxdata
        assert ours.expected_auxdata(pars).shape == (0,)


@pytest.mark.parametrize("path", WORKSPACES)
def test_workspace_model_config_matches_pyhf(path):
    spec = load(path)
    assert_same_config(neos_swift.Workspace(spec).model(), pyhf.Workspace(spec).model())


def test_the_default_poi_is_mu_and_an_empty_or_none_poi_means_none():
    spec, _ = model_spec(load("workspaces/validation_2bin_2channel_coupledhistosys.json"))
    assert neos_swift.Model(spec).config.poi_name == pyhf.Model(spec).config.poi_name == "mu"
    for poi in (None, ""):
        ours, theirs = neos_swift.Model(spec, poi_name=poi), pyhf.Model(spec, poi_name=poi)
        assert ours.config.poi_name is theirs.config.poi_name is None
        assert ours.config.poi_index is theirs.config.poi_index is None


def test_modifier_settings_are_honoured():
    spec, _ = model_spec(load("xml_converted/shared_nuispar_across_types.json"))
    settings = {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}}
    ours = neos_swift.Model(spec, poi_name="SigXsecOverSM", modifier_settings=settings)
    theirs = pyhf.Model(spec, poi_name="SigXsecOverSM", modifier_settings=settings)
    assert ours.config.modifier_settings == theirs.config.modifier_settings == settings
    pars = np.array(theirs.config.suggested_init()) + 0.7  # away from the nominal, where the codes differ
    np.testing.assert_allclose(ours.expected_data(pars), theirs.expected_data(pars), rtol=1e-9)
    default = neos_swift.Model(spec, poi_name="SigXsecOverSM")
    assert default.config.modifier_settings == pyhf.Model(spec, poi_name="SigXsecOverSM").config.modifier_settings
    assert not np.allclose(default.expected_data(pars), ours.expected_data(pars))


def test_unknown_and_unsupported_keywords_raise_pyhfs_unsupported():
    spec, _ = model_spec(load("workspaces/validation_1bin_shapesys.json"))
    with pytest.raises(pyhf.exceptions.Unsupported):
        pyhf.Model(spec, not_an_option=1)
    with pytest.raises(neos_swift.exceptions.Unsupported, match="not_an_option"):
        neos_swift.Model(spec, not_an_option=1)
    with pytest.raises(neos_swift.exceptions.Unsupported, match="modifier_set"):
        neos_swift.Model(spec, modifier_set={})
    with pytest.raises(neos_swift.exceptions.Unsupported, match="not_an_option"):
        neos_swift.Workspace(load("workspaces/validation_1bin_shapesys.json")).model(not_an_option=1)


def test_schema_and_version_are_kept_as_pyhf():
    spec, _ = model_spec(load("workspaces/validation_1bin_shapesys.json"))
    for kwargs in ({}, {"schema": "model.json", "version": "1.0.0"}):
        ours, theirs = neos_swift.Model(spec, **kwargs), pyhf.Model(spec, **kwargs)
        assert (ours.schema, ours.version) == (theirs.schema, theirs.version)


@pytest.mark.parametrize("path", ["workspaces/validation_1bin_lumi.json", "xml_converted/xmlimport_input.json"])
def test_batched_model_has_pyhfs_shapes_and_values(path):
    spec, measurement = model_spec(load(path))
    poi = measurement["config"]["poi"]
    batch = 4
    ours = neos_swift.Model(spec, poi_name=poi, batch_size=batch)
    theirs = pyhf.Model(spec, poi_name=poi, batch_size=batch)
    assert ours.batch_size == theirs.batch_size == batch
    init = np.array(theirs.config.suggested_init())
    pars = np.tile(init, (batch, 1))
    pars[:, theirs.config.poi_index] = [0.0, 0.5, 1.0, 2.0]
    data = np.array(pyhf.Workspace(load(path)).data(theirs))
    rows = np.tile(data, (batch, 1))
    rows[1, 0] += 3.0
    for data_arg in (rows, data):
        expected = theirs.logpdf(pars, data_arg)
        got = ours.logpdf(pars, data_arg)
        assert got.shape == expected.shape == (batch,)
        np.testing.assert_allclose(got, expected, rtol=1e-9)
    for method in ("expected_data", "expected_actualdata", "expected_auxdata"):
        expected, got = getattr(theirs, method)(pars), getattr(ours, method)(pars)
        assert got.shape == expected.shape, method
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12, err_msg=method)
    # each row is the unbatched model's answer
    single = neos_swift.Model(spec, poi_name=poi)
    np.testing.assert_allclose(ours.logpdf(pars, rows)[2], single.logpdf(pars[2], rows[2])[0], rtol=1e-15)
    with pytest.raises(neos_swift.InvalidArgument, match="shape"):
        ours.logpdf(pars[:2], rows[:2])
    with pytest.raises(neos_swift.InvalidArgument, match="shape"):
        ours.logpdf(init, data)


def test_set_poi_moves_the_poi_of_the_native_model_too():
    spec, _ = model_spec(load("workspaces/validation_2bin_2channel_coupledhistosys.json"))
    ours, theirs = neos_swift.Model(spec), pyhf.Model(spec)
    ours.config.set_poi("coupled_histosys")
    theirs.config.set_poi("coupled_histosys")
    assert (ours.config.poi_name, ours.config.poi_index) == (theirs.config.poi_name, theirs.config.poi_index)
    # libneos' own idea of the POI (what inference uses) follows
    poi_index = ctypes.c_int64()
    neos_swift._lib.neos_model_sizes(ours, None, None, None, None, ctypes.byref(poi_index))
    assert poi_index.value == theirs.config.poi_index
    ours.config.set_poi(None)
    theirs.config.set_poi(None)
    assert ours.config.poi_name is theirs.config.poi_name is None
    neos_swift._lib.neos_model_sizes(ours, None, None, None, None, ctypes.byref(poi_index))
    assert poi_index.value == -1
    with pytest.raises(pyhf.exceptions.InvalidModel):
        theirs.config.set_poi("no_such_parameter")
    with pytest.raises(neos_swift.exceptions.InvalidModel, match="no_such_parameter"):
        ours.config.set_poi("no_such_parameter")


def test_a_multi_bin_parameter_cannot_be_the_poi():
    spec, _ = model_spec(load("workspaces/validation_2bin_2channel_coupledshapefactor.json"))
    with pytest.raises(pyhf.exceptions.InvalidModel):
        pyhf.Model(spec).config.set_poi("coupled_shapefactor")
    with pytest.raises(neos_swift.exceptions.InvalidModel, match="coupled_shapefactor"):
        neos_swift.Model(spec).config.set_poi("coupled_shapefactor")


def test_unknown_parameter_set_is_a_key_error_as_pyhf():
    spec, _ = model_spec(load("workspaces/validation_1bin_shapesys.json"))
    for model in (neos_swift.Model(spec), pyhf.Model(spec)):
        with pytest.raises(KeyError):
            model.config.par_slice("no_such_parameter")
        with pytest.raises(KeyError):
            model.config.param_set("no_such_parameter")


def test_models_from_handles_keep_working():
    ours = neos_swift.simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 52.0], [3.0, 7.0])
    theirs = pyhf.simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 52.0], [3.0, 7.0])
    assert ours.config.modifiers == theirs.config.modifiers
    assert ours.config.auxdata_order == theirs.config.auxdata_order
    assert ours.config.param_set("uncorr_bkguncrt").pdf_type == theirs.config.param_set("uncorr_bkguncrt").pdf_type
    rebuilt = ours.with_inputs(ours.inputs()[1] * 2)
    assert rebuilt.config.modifiers == theirs.config.modifiers
    assert rebuilt.config.par_names == theirs.config.par_names
    with pytest.raises(AttributeError, match="no spec"):
        _ = rebuilt.spec
    with pytest.raises(TypeError):
        neos_swift.Model(ctypes.c_void_p(), poi_name="mu")


def test_models_pickle_and_deep_copy():
    spec, _ = model_spec(load("xml_converted/xmlimport_input.json"))
    model = neos_swift.Model(spec, poi_name="SigXsecOverSM", modifier_settings={"normsys": {"interpcode": "code1"}})
    pars = model.config.suggested_init()
    data = neos_swift.Workspace(load("xml_converted/xmlimport_input.json")).data(model)
    for clone in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert clone.config.par_names == model.config.par_names
        assert clone.config.modifier_settings == model.config.modifier_settings
        np.testing.assert_array_equal(clone.logpdf(pars, data), model.logpdf(pars, data))
