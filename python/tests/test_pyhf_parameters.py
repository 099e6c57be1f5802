"""neos_swift.parameters against pyhf 0.7.6's pyhf.parameters: the parameter-set records and ParamViewer."""

from __future__ import annotations

import neos_swift
import numpy as np
import pyhf
import pytest
from neos_swift import parameters
from neos_swift.parameters import paramsets

pyhf.set_backend("numpy", precision="64b")

COMMON = {"name": "p", "is_scalar": False, "n_parameters": 3, "inits": [0.5, 1.0, 1.5], "bounds": [(0, 2)] * 3}


def test_the_public_names_are_pyhfs():
    assert dir(parameters) == dir(pyhf.parameters)
    assert dir(paramsets) == dir(pyhf.parameters.paramsets)


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("unconstrained", {}),
        ("constrained_by_normal", {"auxdata": [0.0] * 3}),
        ("constrained_by_normal", {"auxdata": [0.0] * 3, "sigmas": [0.1, 0.2, 0.3]}),
        ("constrained_by_poisson", {"auxdata": [4.0, 9.0, 16.0], "factors": [4.0, 9.0, 16.0]}),
    ],
)
def test_sets_have_pyhfs_attributes_and_widths(kind, extra):
    mine = getattr(paramsets, kind)(**COMMON, fixed=False, **extra)
    theirs = getattr(pyhf.parameters.paramsets, kind)(**COMMON, fixed=False, **extra)
    for name in ("name", "n_parameters", "suggested_init", "suggested_bounds", "suggested_fixed", "is_scalar"):
        assert getattr(mine, name) == getattr(theirs, name), name
    assert mine.constrained == theirs.constrained
    assert mine.suggested_fixed_as_bool is False
    if theirs.constrained:
        assert mine.pdf_type == theirs.pdf_type
        assert mine.auxdata == theirs.auxdata
        # sqrt(1 / factor) of perfect squares is exact in both; the normal widths are the numbers given.
        assert mine.width() == pytest.approx(theirs.width(), rel=1e-15)


def test_fixed_flags_one_for_all_or_one_each():
    mine = paramsets.unconstrained(**COMMON, fixed=True)
    assert mine.suggested_fixed == [True, True, True]
    assert mine.suggested_fixed_as_bool is True
    mine.suggested_fixed = [True, False, True]
    assert mine.suggested_fixed == [True, False, True]
    with pytest.raises(RuntimeError):
        _ = mine.suggested_fixed_as_bool
    with pytest.raises(ValueError):
        mine.suggested_fixed = [True]


def test_refusals_as_pyhfs():
    with pytest.raises(ValueError):
        paramsets.paramset(**dict(COMMON, is_scalar=True), fixed=False)
    without = paramsets.constrained_by_poisson(**COMMON, fixed=False, auxdata=[1.0] * 3, factors=None)
    with pytest.raises(RuntimeError):
        without.width()


@pytest.mark.parametrize("shape", [(7,), (3, 7)])
def test_param_viewer_gathers_as_pyhfs(shape):
    par_map = {"a": {"slice": slice(0, 2)}, "b": {"slice": slice(2, 3)}, "c": {"slice": slice(5, 7)}}
    pars = np.arange(np.prod(shape), dtype=float).reshape(shape) + 1.0
    mine = parameters.ParamViewer(shape, par_map, ["c", "a"])
    theirs = pyhf.parameters.ParamViewer(shape, par_map, ["c", "a"])
    np.testing.assert_array_equal(mine.get(pars), theirs.get(pars))
    assert list(mine.allpar_viewer.names) == list(theirs.allpar_viewer.names) == ["a", "b", "c"]
    assert [np.shape(x) for x in mine.index_selection] == [np.shape(x) for x in theirs.index_selection]
    assert parameters.ParamViewer(shape, par_map, []).get(pars) is None


def test_a_models_par_map_views_its_parameters():
    model = neos_swift.simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 60.0], [5.0, 6.0])
    pars = np.asarray(model.config.suggested_init()) + np.arange(model.config.npars)
    view = parameters.ParamViewer((model.config.npars,), model.config.par_map, ["uncorr_bkguncrt"])
    np.testing.assert_array_equal(view.get(pars), pars[model.config.par_slice("uncorr_bkguncrt")])
    assert list(view.allpar_viewer.names) == model.config.par_order


def test_requirements_merge_as_pyhfs():
    requirements = {
        "shared": [
            {"paramset_type": "constrained_by_normal", "n_parameters": 1, "inits": (0.0,), "bounds": ((-5.0, 5.0),)},
            {"paramset_type": "constrained_by_normal", "n_parameters": 1, "inits": (0.0,), "bounds": ((-5.0, 5.0),)},
        ],
        "free": [{"paramset_type": "unconstrained", "n_parameters": 2, "inits": (1.0, 1.0), "fixed": False}],
    }
    user = {"free": {"inits": [2.0, 3.0]}}
    theirs = pyhf.parameters.reduce_paramsets_requirements(requirements, user)
    # pyhf leaves an empty set() under each property no requirement carries; ours leaves such properties out.
    theirs = {name: {k: v for k, v in config.items() if v != set()} for name, config in theirs.items()}
    assert parameters.reduce_paramsets_requirements(requirements, user) == theirs
    clash = {"x": [{"n_parameters": 1}, {"n_parameters": 2}]}
    with pytest.raises(neos_swift.exceptions.InvalidNameReuse):
        parameters.reduce_paramsets_requirements(clash, {})
    with pytest.raises(neos_swift.exceptions.InvalidModel):
        parameters.reduce_paramsets_requirements(requirements, {"free": {"inits": [2.0]}})
    with pytest.raises(neos_swift.exceptions.InvalidModel):
        parameters.reduce_paramsets_requirements(requirements, {"shared": {"sigmas": [2.0]}})


# The constructor is keyword-only with explicit keywords: what pyhf would swallow is refused here.


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("unconstrained", {"sigma": [1.0] * 3}),  # a typo of sigmas: no kind knows it
        ("unconstrained", {"auxdata": [0.0] * 3}),  # an unconstrained set has no auxiliary data
        ("constrained_by_normal", {"auxdata": [0.0] * 3, "factors": [1.0] * 3}),
        ("constrained_by_poisson", {"auxdata": [1.0] * 3, "factors": [1.0] * 3, "sigmas": [1.0] * 3}),
        ("constrained_by_normal", {}),  # auxdata left out
        ("constrained_by_poisson", {"auxdata": [1.0] * 3}),  # factors left out
    ],
)
def test_keywords_a_kind_does_not_take_or_needs_are_type_errors(kind, extra):
    with pytest.raises(TypeError):
        getattr(paramsets, kind)(**COMMON, fixed=False, **extra)


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        paramsets.unconstrained("p", 3, [0.5, 1.0, 1.5], [(0, 2)] * 3, False, False)


def test_a_misconfigured_scalar_set_is_a_value_error_before_its_extra_keywords_are_looked_at():
    # pyhf's own test passes auxdata to the base class and expects the ValueError.
    with pytest.raises(ValueError, match="Scalar but N>1"):
        paramsets.paramset(**dict(COMMON, is_scalar=True), fixed=False, auxdata=[0.0] * 3)


def test_fixed_flags_of_the_wrong_length_are_refused_at_construction():
    with pytest.raises(ValueError, match="3 parameter"):
        paramsets.unconstrained(**COMMON, fixed=[True, False])


def test_empty_sigmas_leave_no_attribute_as_pyhfs():
    mine = paramsets.constrained_by_normal(**COMMON, fixed=False, auxdata=[0.0] * 3, sigmas=[])
    theirs = pyhf.parameters.paramsets.constrained_by_normal(**COMMON, fixed=False, auxdata=[0.0] * 3, sigmas=[])
    assert hasattr(mine, "sigmas") is hasattr(theirs, "sigmas") is False
    assert mine.width() == theirs.width() == [1.0, 1.0, 1.0]


def test_a_merged_requirement_builds_the_set_it_names():
    requirements = {
        "k": [
            {
                "paramset_type": "constrained_by_poisson",
                "n_parameters": 2,
                "is_scalar": False,
                "inits": (1.0, 1.0),
                "bounds": ((1e-10, 10.0), (1e-10, 10.0)),
                "fixed": False,
                "auxdata": (4.0, 16.0),
                "factors": (4.0, 16.0),
            }
        ]
    }
    (config,) = parameters.reduce_paramsets_requirements(requirements, {}).values()
    built = getattr(paramsets, config["paramset_type"])(**config)
    assert (built.name, built.pdf_type, built.factors) == ("k", "poisson", [4.0, 16.0])
    # 1/sqrt(4) and 1/sqrt(16) are exact.
    assert built.width() == [0.5, 0.25]
    with pytest.raises(ValueError, match="not a constrained_by_poisson"):
        paramsets.constrained_by_normal(**config)


def test_requirement_rules_one_by_one():
    shared = {"n_parameters": 1, "inits": (0.0,), "sigmas": (1.0,)}
    # Must agree: a property one modifier has and the other has not is a disagreement too.
    with pytest.raises(neos_swift.exceptions.InvalidNameReuse, match="'sigmas'.*'undefined'"):
        parameters.reduce_paramsets_requirements({"x": [shared, {"n_parameters": 1, "inits": (0.0,)}]}, {})
    # May be unset: a falsy user value of a property the set does not have is kept as given (as pyhf).
    merged = parameters.reduce_paramsets_requirements({"x": [{"n_parameters": 1}]}, {"x": {"factors": None}})
    assert merged == {"x": {"n_parameters": 1, "factors": None, "name": "x"}}
    # Lengths must match, for a user tuple too (pyhf checks only lists).
    with pytest.raises(neos_swift.exceptions.InvalidModel, match=r"\(2\) for inits.*expected 1"):
        parameters.reduce_paramsets_requirements({"x": [shared]}, {"x": {"inits": (1.0, 2.0)}})
    # Keys of the user config that are not properties (its name, say) are ignored.
    merged = parameters.reduce_paramsets_requirements({"x": [shared]}, {"x": {"name": "x", "inits": [3.0]}})
    assert merged == {"x": {"n_parameters": 1, "inits": [3.0], "sigmas": [1.0], "name": "x"}}
