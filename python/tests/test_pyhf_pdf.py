"""pyhf.pdf's distribution surface of a model: ``main_model``, ``constraint_model``, ``make_pdf`` and the parameter
sets' constraint widths, with pyhf 0.7.6 as the oracle. The densities are closed forms over libneos' rates, so
they must agree with libneos' own ``logpdf`` as well as with pyhf's."""

from __future__ import annotations

import copy
import json
import pickle

import neos_swift
import numpy as np
import pyhf
import pytest
from conftest import REFDATA

pyhf.set_backend("numpy", precision="64b")

# Every constrained modifier type; a staterror shared by two samples and one whose second bin has no uncertainty
# (pyhf: width 1, parameter fixed); a sample ("b1") carrying the staterror in one channel and not in the other,
# whose nominal still counts in pyhf's staterror totals; a lumi with its own sigma; a shapefactor.
SPEC = {
    "channels": [
        {
            "name": "c",
            "samples": [
                {
                    "name": "s",
                    "data": [10.0, 10.0],
                    "modifiers": [
                        {"name": "mu", "type": "normfactor", "data": None},
                        {"name": "lumi", "type": "lumi", "data": None},
                    ],
                },
                {
                    "name": "b1",
                    "data": [50.0, 70.0],
                    "modifiers": [
                        {"name": "st", "type": "staterror", "data": [12.0, 12.0]},
                        {"name": "sh", "type": "shapesys", "data": [5.0, 7.0]},
                    ],
                },
                {
                    "name": "b2",
                    "data": [30.0, 20.0],
                    "modifiers": [
                        {"name": "st", "type": "staterror", "data": [5.0, 5.0]},
                        {"name": "ns", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
                        {"name": "hs", "type": "histosys", "data": {"hi_data": [31, 21], "lo_data": [29, 19]}},
                        {"name": "sf", "type": "shapefactor", "data": None},
                    ],
                },
            ],
        },
        {
            "name": "d",
            "samples": [
                {
                    "name": "b1",
                    "data": [5.0, 0.0],
                    "modifiers": [{"name": "st2", "type": "staterror", "data": [1.0, 0.0]}],
                },
                {
                    "name": "b2",
                    "data": [2.0, 3.0],
                    "modifiers": [{"name": "st2", "type": "staterror", "data": [0.5, 0.0]}],
                },
                {"name": "s", "data": [3.0, 4.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
            ],
        },
    ],
    "parameters": [{"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.5, 1.5]], "inits": [1.0]}],
}

# Relative agreement of two double-precision evaluations of the same closed forms (sums of a dozen logs and
# products): a few ulps each, so 1e-12 leaves two orders of magnitude.
RTOL = 1e-12


def both(spec=SPEC, **kwargs):
    return neos_swift.Model(copy.deepcopy(spec), **kwargs), pyhf.Model(copy.deepcopy(spec), **kwargs)


def off_init(model):
    # Away from the suggestion, so every modifier moves the rates (and no normal term sits at its mean).
    return np.asarray(model.config.suggested_init()) * 1.05 + 0.01


def test_parameter_sets_are_pyhfs_classes_with_pyhfs_widths():
    ours, theirs = both()
    for name in theirs.config.par_order:
        mine, pyhfs = ours.config.param_set(name), theirs.config.param_set(name)
        assert type(mine).__name__ == type(pyhfs).__name__, name
        assert isinstance(mine, neos_swift.parameters.paramsets.paramset)
        assert hasattr(mine, "sigmas") == hasattr(pyhfs, "sigmas"), name
        if hasattr(pyhfs, "sigmas"):
            np.testing.assert_allclose(mine.sigmas, pyhfs.sigmas, rtol=RTOL, err_msg=name)
        if hasattr(pyhfs, "factors"):
            np.testing.assert_allclose(mine.factors, pyhfs.factors, rtol=RTOL, err_msg=name)
        if pyhfs.constrained:
            np.testing.assert_allclose(mine.width(), pyhfs.width(), rtol=RTOL, err_msg=name)
    # The staterror in "d" has no uncertainty in its second bin: width 1 and the parameter fixed, as pyhf.
    assert ours.config.param_set("st2").sigmas[1] == 1.0
    assert ours.config.param_set("st2").suggested_fixed == [False, True]


def test_shapesys_factors_where_nominal_or_uncertainty_vanish():
    spec = {
        "channels": [
            {
                "name": "c",
                "samples": [
                    {
                        "name": "sig",
                        "data": [2.0, 1.0, 1.0, 3.0],
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {
                        "name": "bkg",
                        "data": [100.0, 0.0, 70.0, 0.1],
                        "modifiers": [{"name": "sys", "type": "shapesys", "data": [10.0, 1.0, 0.0, 0.1]}],
                    },
                ],
            }
        ]
    }
    ours, theirs = both(spec)
    np.testing.assert_allclose(ours.config.param_set("sys").factors, theirs.config.param_set("sys").factors, rtol=RTOL)
    assert ours.config.param_set("sys").suggested_fixed == list(theirs.config.param_set("sys").suggested_fixed)


def test_make_pdf_is_libneos_logpdf_and_pyhfs_density():
    ours, theirs = both()
    pars = off_init(theirs)
    data = np.asarray(theirs.expected_data(pars)) * 1.1
    pdf = ours.make_pdf(pars)
    assert float(pdf.log_prob(data)) == pytest.approx(float(ours.logpdf(pars, data)[0]), rel=RTOL)
    assert float(pdf.log_prob(data)) == pytest.approx(float(theirs.make_pdf(pars).log_prob(data)), rel=RTOL)
    np.testing.assert_allclose(pdf.expected_data(), theirs.make_pdf(pars).expected_data(), rtol=RTOL)
    n_main = ours.config.nmaindata
    main, aux = data[:n_main], data[n_main:]
    assert float(ours.main_model.logpdf(main, pars)) == pytest.approx(float(theirs.mainlogpdf(main, pars)), rel=RTOL)
    assert float(ours.constraint_logpdf(aux, pars)) == pytest.approx(
        float(theirs.constraint_model.logpdf(aux, pars)), rel=RTOL
    )
    np.testing.assert_allclose(pdf[0].expected_data(), ours.expected_actualdata(pars), rtol=RTOL)
    np.testing.assert_allclose(pdf[1].expected_data(), ours.expected_auxdata(pars), rtol=RTOL)
    assert ours.constraint_model.has_pdf() and ours.main_model.has_pdf()


def test_batched_make_pdf_has_pyhfs_shapes_and_values():
    ours, theirs = both(batch_size=3)
    row = off_init(theirs)
    pars = np.stack([row, row * 0.9, row * 1.1])
    data = np.asarray(theirs.expected_data(pars))[0] * 1.1
    values = ours.make_pdf(pars).log_prob(data)
    assert values.shape == (3,)
    np.testing.assert_allclose(values, theirs.make_pdf(pars).log_prob(data), rtol=RTOL)
    np.testing.assert_allclose(values, ours.logpdf(pars, data), rtol=RTOL)
    assert ours.main_model.logpdf(data[: ours.config.nmaindata], pars).shape == (3,)
    assert ours.make_pdf(pars).sample((5,)).shape == (5, 3, data.size)
    np.testing.assert_array_equal(ours.nominal_rates, theirs.nominal_rates)  # (1, nsamples, 3, nbins)
    # Wrong lengths of the last axis raise pyhf's classes, as pyhf's batched logpdf does.
    for kind, bad_pars, bad_data in (("InvalidPdfParameters", pars[:, :-1], data), ("InvalidPdfData", pars, data[:-1])):
        with pytest.raises(getattr(pyhf.exceptions, kind)):
            theirs.logpdf(bad_pars, bad_data)
        with pytest.raises(getattr(neos_swift.exceptions, kind)):
            ours.logpdf(bad_pars, bad_data)


def test_expected_data_by_sample_is_pyhfs_and_sums_to_the_rates():
    ours, theirs = both()
    pars = off_init(theirs)
    by_sample = ours.main_model.expected_data(pars, return_by_sample=True)
    assert by_sample.shape == (len(ours.config.samples), ours.config.nmaindata)
    np.testing.assert_allclose(by_sample, theirs.main_model.expected_data(pars, return_by_sample=True), rtol=RTOL)
    np.testing.assert_allclose(by_sample.sum(axis=0), ours.main_model.expected_data(pars), rtol=RTOL)
    batched, theirs_batched = both(batch_size=2)
    rows = np.stack([pars, pars * 0.8])
    np.testing.assert_allclose(
        batched.main_model.expected_data(rows, return_by_sample=True),
        theirs_batched.main_model.expected_data(rows, return_by_sample=True),
        rtol=RTOL,
    )


def test_samples_follow_numpys_random_state_as_pyhfs():
    ours, theirs = both()
    pars = np.asarray(theirs.config.suggested_init())
    np.random.seed(7)
    mine = ours.make_pdf(pars).sample((4,))
    np.random.seed(7)
    pyhfs = theirs.make_pdf(pars).sample((4,))
    assert mine.shape == (4, ours.config.nmaindata + ours.config.nauxdata)
    # Same draws from the same stream; the normal draws pass through loc + scale * z in both, so equal to
    # rounding.
    np.testing.assert_allclose(mine, pyhfs, rtol=RTOL)


def test_model_config_from_a_spec_and_its_keywords():
    config = neos_swift.pdf._ModelConfig(copy.deepcopy(SPEC))
    # pyhf's bare _ModelConfig has the channel summary and no POI (its parameters come later, from pyhf.Model).
    theirs = pyhf.pdf._ModelConfig(copy.deepcopy(SPEC))
    for name in ("channels", "samples", "modifiers", "channel_nbins", "channel_slices", "modifier_settings"):
        assert getattr(config, name) == getattr(theirs, name), name
    assert config.poi_name is None and theirs.poi_name is None
    assert config.par_order == pyhf.Model(copy.deepcopy(SPEC)).config.par_order
    config.set_poi("mu")
    assert config.poi_index == pyhf.Model(copy.deepcopy(SPEC)).config.poi_index
    # A workspace spec will do: its channels are read, as by pyhf.
    channels = [
        {
            "name": "c",
            "samples": [
                {"name": "s", "data": [1.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]}
            ],
        }
    ]
    workspace_spec = {"channels": channels, "measurements": [], "observations": [], "version": "1.0.0"}
    assert neos_swift.pdf._ModelConfig(workspace_spec).par_order == ["mu"]
    for keyword in ("poi_name", "measurement_name"):
        with pytest.raises(neos_swift.exceptions.Unsupported):
            neos_swift.pdf._ModelConfig(copy.deepcopy(SPEC), **{keyword: "mu"})


def test_specs_may_hold_numpy_arrays():
    spec = copy.deepcopy(SPEC)
    spec["channels"][0]["samples"][0]["data"] = np.array([10.0, 10.0])
    spec["parameters"][0]["sigmas"] = [np.float64(0.02)]
    ours = neos_swift.Model(spec)
    np.testing.assert_allclose(
        ours.expected_data(ours.config.suggested_init()),
        both()[1].expected_data(both()[1].config.suggested_init()),
        rtol=RTOL,
    )


def test_reference_workspace_densities_split_as_pyhfs():
    workspace = pyhf.Workspace(json.loads((REFDATA / "xml_converted/xmlimport_input.json").read_text()))
    theirs = workspace.model()
    ours = neos_swift.Workspace(dict(workspace)).model()
    pars = off_init(theirs)
    data = np.asarray(workspace.data(theirs))
    assert float(ours.make_pdf(pars).log_prob(data)) == pytest.approx(float(theirs.logpdf(pars, data)[0]), rel=RTOL)
    n_main = theirs.config.nmaindata
    assert float(ours.mainlogpdf(data[:n_main], pars)) == pytest.approx(
        float(theirs.mainlogpdf(data[:n_main], pars)), rel=RTOL
    )


REFERENCE_WORKSPACES = sorted(
    str(path.relative_to(REFDATA))
    for folder in ("workspaces", "xml_converted")
    for path in (REFDATA / folder).glob("*.json")
) + ["sbottom_ins1748602/RegionA/BkgOnly.json", "tests_data/test_modifiers__issue1720_greedy_staterror.json"]


@pytest.mark.parametrize("path", REFERENCE_WORKSPACES)
def test_reference_workspaces_widths_densities_and_samples(path):
    spec = json.loads((REFDATA / path).read_text())
    # The sbottom background-only workspace gets its signal (and POI) from a patch.
    signal = REFDATA / path.replace("BkgOnly.json", "patch.sbottom_1300_205_60.json")
    patches = [json.loads(signal.read_text())] if "BkgOnly" in path else []
    workspace = pyhf.Workspace(spec)
    theirs = workspace.model(patches=patches)
    ours = neos_swift.Workspace(spec).model(patches=patches)
    for name in theirs.config.par_order:
        mine, pyhfs = ours.config.param_set(name), theirs.config.param_set(name)
        if pyhfs.constrained:
            np.testing.assert_allclose(mine.width(), pyhfs.width(), rtol=RTOL, err_msg=name)
    pars = off_init(theirs)
    data = np.asarray(workspace.data(theirs))
    n_main = theirs.config.nmaindata
    assert float(ours.mainlogpdf(data[:n_main], pars)) == pytest.approx(
        float(theirs.mainlogpdf(data[:n_main], pars)), rel=RTOL
    )
    if theirs.config.nauxdata:
        assert float(ours.constraint_logpdf(data[n_main:], pars)) == pytest.approx(
            float(theirs.constraint_logpdf(data[n_main:], pars)), rel=RTOL
        )
    np.testing.assert_array_equal(ours.nominal_rates, theirs.nominal_rates)
    # Per-sample rates: sums of a few products; absolute floor for samples absent from a bin (exact zeros).
    np.testing.assert_allclose(
        ours.main_model.expected_data(pars, return_by_sample=True),
        theirs.main_model.expected_data(pars, return_by_sample=True),
        rtol=RTOL,
        atol=1e-12,
    )


# A shapesys and a staterror with a vanishing bin each (nominal 0, uncertainty 0), for the widths' configurations.
SHAPESYS_SPEC = {
    "channels": [
        {
            "name": "c",
            "samples": [
                {
                    "name": "s",
                    "data": [2.0, 1.0, 1.0],
                    "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                },
                {
                    "name": "b",
                    "data": [100.0, 0.0, 70.0],
                    "modifiers": [
                        {"name": "sys", "type": "shapesys", "data": [10.0, 1.0, 7.0]},
                        {"name": "stat", "type": "staterror", "data": [3.0, 0.0, 2.0]},
                    ],
                },
            ],
        }
    ]
}


def assert_same_constraints(ours, theirs):
    for name in theirs.config.par_order:
        mine, pyhfs = ours.config.param_set(name), theirs.config.param_set(name)
        assert type(mine).__name__ == type(pyhfs).__name__, name
        for attribute in ("sigmas", "factors", "auxdata"):
            assert hasattr(mine, attribute) == hasattr(pyhfs, attribute), (name, attribute)
            if hasattr(pyhfs, attribute):
                np.testing.assert_allclose(getattr(mine, attribute), getattr(pyhfs, attribute), rtol=RTOL)


@pytest.mark.parametrize(
    "parameters",
    [
        [{"name": "sys", "factors": [4.0, 9.0, 16.0]}, {"name": "stat", "sigmas": [0.5, 0.25, 0.125]}],
        [{"name": "sys", "auxdata": [90.0, 1.0, 95.0]}],
    ],
    ids=["configured factors and sigmas", "configured shapesys auxdata"],
)
def test_configured_factors_sigmas_and_auxdata_are_pyhfs(parameters):
    # pyhf's factors are the configured ones, never the auxdata: libneos' tau is what its constraint terms use.
    spec = {**copy.deepcopy(SHAPESYS_SPEC), "parameters": parameters}
    ours, theirs = both(spec, poi_name=None)
    assert_same_constraints(ours, theirs)
    data = np.asarray(theirs.expected_data(off_init(theirs)))
    n_main = theirs.config.nmaindata
    assert float(ours.constraint_logpdf(data[n_main:], off_init(theirs))) == pytest.approx(
        float(theirs.constraint_logpdf(data[n_main:], off_init(theirs))), rel=RTOL
    )


def test_widths_follow_new_inputs_as_pyhfs_model_of_those_numbers():
    ours = neos_swift.Model(copy.deepcopy(SHAPESYS_SPEC), poi_name=None)
    names, values = ours.inputs()
    doubled = np.where([("/shapesys/" in n or "/staterror/" in n) for n in names], 2 * values, values)
    spec = copy.deepcopy(SHAPESYS_SPEC)
    for modifier in spec["channels"][0]["samples"][1]["modifiers"]:
        modifier["data"] = [2 * value for value in modifier["data"]]
    moved, theirs = ours.with_inputs(doubled), pyhf.Model(spec, poi_name=None)
    assert_same_constraints(moved, theirs)
    # the original model keeps its own widths
    assert ours.config.param_set("stat").sigmas[0] == pytest.approx(0.03, rel=RTOL)


def test_a_lumi_without_configured_sigmas_has_width_one_and_no_sigmas():
    spec = copy.deepcopy(SPEC)
    del spec["parameters"][0]["sigmas"]
    ours, theirs = both(spec)
    assert not hasattr(theirs.config.param_set("lumi"), "sigmas")
    assert_same_constraints(ours, theirs)
    assert ours.config.param_set("lumi").width() == [1.0] == theirs.config.param_set("lumi").width()


def test_libneos_reports_each_parameters_constraint_kind_and_width():
    ours, theirs = both()
    pdf_types, widths = ours.config._constraint_widths()
    for name in theirs.config.par_order:
        where, paramset = theirs.config.par_slice(name), theirs.config.param_set(name)
        assert pdf_types[where] == [getattr(paramset, "pdf_type", None)] * paramset.n_parameters, name
        expected = paramset.factors if getattr(paramset, "pdf_type", None) == "poisson" else None
        if getattr(paramset, "pdf_type", None) == "normal":
            expected = paramset.width()
        np.testing.assert_allclose(widths[where], expected or [0.0] * paramset.n_parameters, rtol=RTOL)


INVALID_SPECS = {
    "an unknown sample member": lambda spec: spec["channels"][0]["samples"][0].update(note="x"),
    "an unknown top-level member": lambda spec: spec.update(note="x"),
    "an unknown parameter-config member": lambda spec: spec["parameters"][0].update(note="x"),
    "an empty sample": lambda spec: spec["channels"][0]["samples"][0].update(data=[]),
}


@pytest.mark.parametrize("change", INVALID_SPECS.values(), ids=INVALID_SPECS.keys())
def test_validate_checks_the_schema_as_pyhf(change):
    spec = copy.deepcopy(SPEC)
    change(spec)
    with pytest.raises(pyhf.exceptions.InvalidSpecification) as theirs:
        pyhf.Model(copy.deepcopy(spec))
    with pytest.raises(neos_swift.exceptions.InvalidSpecification):
        neos_swift.Model(copy.deepcopy(spec))
    assert isinstance(theirs.value, pyhf.exceptions.InvalidSpecification)


def test_the_schema_check_uses_the_schema_and_version_asked_for():
    # A model spec is not a workspace: checked against workspace.json its parameters are out of place,
    # though libneos builds it; unchecked, both engines build it.
    for engine in (pyhf, neos_swift):
        with pytest.raises(engine.exceptions.InvalidSpecification, match="'parameters' was unexpected"):
            engine.Model(copy.deepcopy(SPEC), schema="workspace.json", version="1.0.0")
        model = engine.Model(copy.deepcopy(SPEC), schema="workspace.json", validate=False)
        assert (model.schema, model.version) == ("workspace.json", None)
    with pytest.raises(pyhf.exceptions.SchemaNotFound):
        pyhf.Model(copy.deepcopy(SPEC), version="0.0.0")
    with pytest.raises(neos_swift.exceptions.SchemaNotFound):
        neos_swift.Model(copy.deepcopy(SPEC), version="0.0.0")


@pytest.mark.parametrize("change", list(INVALID_SPECS.values())[:3], ids=list(INVALID_SPECS)[:3])
def test_without_validation_unknown_members_are_ignored_as_pyhf(change):
    spec = copy.deepcopy(SPEC)
    change(spec)
    ours, theirs = both(spec, validate=False)
    assert ours.validate is False
    pars = off_init(theirs)
    np.testing.assert_allclose(ours.expected_data(pars), theirs.expected_data(pars), rtol=RTOL)
    assert_same_constraints(ours, theirs)


def test_without_validation_an_unknown_modifier_type_is_pyhfs_invalid_modifier():
    spec = copy.deepcopy(SPEC)
    spec["channels"][0]["samples"][0]["modifiers"][0]["type"] = "not_a_type"
    with pytest.raises(pyhf.exceptions.InvalidModifier) as theirs:
        pyhf.Model(copy.deepcopy(spec), validate=False)
    with pytest.raises(neos_swift.exceptions.InvalidModifier, match="not_a_type"):
        neos_swift.Model(copy.deepcopy(spec), validate=False)
    assert "not_a_type" in str(theirs.value)
    with pytest.raises(neos_swift.exceptions.InvalidSpecification):
        neos_swift.Model(copy.deepcopy(spec))


def test_validation_runs_once_per_model_through_schema_validate(monkeypatch):
    calls = []
    monkeypatch.setattr(neos_swift.schema, "validate", lambda *args, **kwargs: calls.append((args[1:], kwargs)))
    model = neos_swift.Model(copy.deepcopy(SPEC), version="1.0.0")
    assert calls == [(("model.json",), {"version": "1.0.0"})]
    neos_swift.Model(copy.deepcopy(SPEC), validate=False)
    neos_swift.pdf._ModelConfig(copy.deepcopy(SPEC))
    assert len(calls) == 1
    # a pickled model is rebuilt from its checked spec without a second check, and keeps its settings
    copied = pickle.loads(pickle.dumps(model))
    assert len(calls) == 1
    assert (copied.validate, copied.schema, copied.version) == (True, "model.json", "1.0.0")


@pytest.mark.parametrize("other", ["normsys", "staterror"])
def test_a_name_shared_by_modifiers_pyhf_cannot_merge_is_invalid_name_reuse(other):
    data = {"normsys": {"hi": 1.1, "lo": 0.9}, "staterror": [1.0]}[other]
    spec = {
        "channels": [
            {
                "name": "c",
                "samples": [
                    {"name": "s", "data": [5.0], "modifiers": [{"name": "x", "type": "normfactor", "data": None}]},
                    {"name": "b", "data": [50.0], "modifiers": [{"name": "x", "type": other, "data": data}]},
                ],
            }
        ]
    }
    with pytest.raises(pyhf.exceptions.InvalidNameReuse):
        pyhf.Model(copy.deepcopy(spec), poi_name="x")
    with pytest.raises(
        neos_swift.exceptions.InvalidNameReuse,
        match=f'parameter "x" is shared by a normfactor modifier .* and a {other} modifier',
    ):
        neos_swift.Model(copy.deepcopy(spec), poi_name="x")
    # normsys and histosys have the same parameter-set defaults: pyhf (and libneos) share one parameter
    spec["channels"][0]["samples"][0]["modifiers"] = [
        {"name": "x", "type": "histosys", "data": {"hi_data": [6.0], "lo_data": [4.0]}}
    ]
    if other == "normsys":
        ours, theirs = both(spec, poi_name=None)
        assert ours.config.par_order == theirs.config.par_order == ["x"]


@pytest.mark.parametrize(
    "modifier",
    [
        {"name": "h", "type": "histosys", "data": {"hi_data": [11.0, 12.0], "lo_data": [9.0]}},
        {"name": "sh_b2", "type": "shapesys", "data": [1.0, 1.0, 1.0]},
        {"name": "st", "type": "staterror", "data": [1.0]},
    ],
    ids=lambda modifier: modifier["type"],
)
def test_bin_wise_modifier_data_of_the_wrong_length_is_invalid_modifier(modifier):
    spec = copy.deepcopy(SPEC)
    spec["channels"][0]["samples"][2]["modifiers"].append(modifier)
    with pytest.raises(pyhf.exceptions.InvalidModifier):
        pyhf.Model(copy.deepcopy(spec))
    with pytest.raises(neos_swift.exceptions.InvalidModifier, match="samples\\[2\\].modifiers\\[4\\]"):
        neos_swift.Model(copy.deepcopy(spec))


def test_configured_bounds_and_inits_are_kept_as_pyhfs_sets_keep_them():
    # pyhf keeps a parameter config's lists as given and its defaults as tuples.
    spec = {**copy.deepcopy(SHAPESYS_SPEC), "parameters": [{"name": "sys", "bounds": [[0.5, 2.0]] * 3}]}
    ours, theirs = both(spec, poi_name=None)
    for name in ("sys", "stat", "mu"):
        mine, pyhfs = ours.config.param_set(name), theirs.config.param_set(name)
        assert mine.suggested_bounds == pyhfs.suggested_bounds, name
        assert [type(pair) for pair in mine.suggested_bounds] == [type(pair) for pair in pyhfs.suggested_bounds]
        assert mine.suggested_init == pyhfs.suggested_init, name


def test_changes_to_a_parameter_set_reach_the_suggestions_and_the_fits():
    # As in pyhf, the suggestions are assembled from the parameter sets: fixing the POI's set fixes it for fits,
    # and inference then refuses (a fixed POI leaves no profile likelihood ratio).
    model = neos_swift.simplemodels.uncorrelated_background([12.0, 11.0], [50.0, 52.0], [3.0, 7.0])
    data = [51.0, 48.0] + model.config.auxdata
    assert model.config.suggested_fixed() == [False, False, False]
    model.config.param_set("mu").suggested_fixed = [True]
    model.config.param_set("uncorr_bkguncrt").suggested_init = [1.5, 0.5]
    assert model.config.suggested_fixed() == [True, False, False]
    assert model.config.suggested_init() == [1.0, 1.5, 0.5]
    with pytest.raises(neos_swift.exceptions.InvalidModel, match="fixed"):
        neos_swift.infer.hypotest(1.0, data, model)
