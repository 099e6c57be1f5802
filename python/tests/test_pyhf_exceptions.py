"""neos_swift.exceptions: pyhf 0.7.6's exception names, one hierarchy with NeosError, and the library's errors
raised as the class pyhf raises in the same situation (checked against pyhf itself where pyhf raises one)."""

from __future__ import annotations

import copy
import warnings

import jsonschema
import neos_swift
import pyhf
import pytest
from neos_swift import exceptions
from neos_swift.workspace import Model

SPEC = {
    "channels": [
        {
            "name": "SR",
            "samples": [
                {
                    "name": "signal",
                    "data": [5.0, 8.0],
                    "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                },
                {
                    "name": "background",
                    "data": [40.0, 50.0],
                    "modifiers": [{"name": "bkg_unc", "type": "shapesys", "data": [4.0, 6.0]}],
                },
            ],
        }
    ]
}
WORKSPACE = {
    **SPEC,
    "observations": [{"name": "SR", "data": [45.0, 55.0]}],
    "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}],
    "version": "1.0.0",
}
PATCHSET = {
    "metadata": {
        "references": {"hepdata": "ins0000000"},
        "description": "two signal points",
        "digests": {"sha256": "0" * 64},
        "labels": ["mass"],
    },
    "patches": [
        {
            "metadata": {"name": "point_a", "values": [100]},
            "patch": [{"op": "replace", "path": "/channels/0/samples/0/data", "value": [1.0, 2.0]}],
        },
        {
            "metadata": {"name": "point_b", "values": [200]},
            "patch": [{"op": "replace", "path": "/channels/0/samples/0/data", "value": [3.0, 4.0]}],
        },
    ],
    "version": "1.0.0",
}


def test_the_public_names_are_pyhfs():
    assert dir(exceptions) == dir(pyhf.exceptions)
    assert exceptions.__all__ == pyhf.exceptions.__all__


@pytest.mark.parametrize("name", [*pyhf.exceptions.__all__, "SchemaNotFound", "InvalidArchive"])
def test_every_class_is_a_neos_error_with_pyhfs_builtin_bases(name):
    ours, theirs = getattr(exceptions, name), getattr(pyhf.exceptions, name)
    assert issubclass(ours, neos_swift.NeosError)
    for base in theirs.__mro__[1:]:
        if base.__module__ == "builtins":
            assert issubclass(ours, base), (name, base)


def test_schema_not_found_is_a_file_not_found_error():
    assert issubclass(exceptions.SchemaNotFound, FileNotFoundError)
    with pytest.raises(OSError):
        raise exceptions.SchemaNotFound("no such schema")


def _raised(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call()
        except Exception as error:  # noqa: BLE001  (the class is what is compared)
            return error
    raise AssertionError("no exception raised")


def _with(spec, path, value):
    spec = copy.deepcopy(spec)
    target = spec
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return spec


# A model predicting no events where 5 are seen: the likelihood is zero wherever a fit starts.
EMPTY_SPEC = {
    "channels": [
        {
            "name": "SR",
            "samples": [
                {"name": "signal", "data": [0.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]}
            ],
        }
    ]
}
DUPLICATE_PARAMETERS = {
    **SPEC,
    "parameters": [{"name": "mu", "bounds": [[0, 5]]}, {"name": "mu", "bounds": [[0, 8]]}],
}

# (label, neos_swift call, the same call in pyhf, the pyhf class both raise, neos_swift's status class)
SAME_AS_PYHF = [
    (
        "empty channels",
        lambda: Model({"channels": []}),
        lambda: pyhf.Model({"channels": []}),
        "InvalidSpecification",
        neos_swift.ParseError,
    ),
    (
        "unknown key",
        lambda: Model({**SPEC, "extra": 1}),
        lambda: pyhf.Model({**SPEC, "extra": 1}),
        "InvalidSpecification",
        neos_swift.ParseError,
    ),
    (
        "duplicated parameter configuration",
        lambda: Model(DUPLICATE_PARAMETERS),
        lambda: pyhf.Model(DUPLICATE_PARAMETERS),
        "InvalidModel",
        neos_swift.ModelError,
    ),
    (
        "undeclared parameter of interest",
        lambda: Model(SPEC, poi_name="not_there"),
        lambda: pyhf.Model(SPEC, poi_name="not_there"),
        "InvalidModel",
        neos_swift.ModelError,
    ),
    (
        "workspace without observations",
        lambda: neos_swift.Workspace({**WORKSPACE, "observations": []}),
        lambda: pyhf.Workspace({**WORKSPACE, "observations": []}),
        "InvalidSpecification",
        neos_swift.ParseError,
    ),
    (
        "unknown measurement",
        lambda: neos_swift.Workspace(WORKSPACE).model(measurement_name="other"),
        lambda: pyhf.Workspace(WORKSPACE).model(measurement_name="other"),
        "InvalidMeasurement",
        neos_swift.InvalidArgument,
    ),
    (
        "logpdf with too many parameters",
        lambda: Model(SPEC).logpdf([1.0, 1.0, 1.0, 1.0], [45.0, 55.0, 100.0, 69.4]),
        lambda: pyhf.Model(SPEC).logpdf([1.0, 1.0, 1.0, 1.0], [45.0, 55.0, 100.0, 69.4]),
        "InvalidPdfParameters",
        neos_swift.InvalidArgument,
    ),
    (
        "logpdf with too few data",
        lambda: Model(SPEC).logpdf([1.0, 1.0, 1.0], [45.0, 55.0]),
        lambda: pyhf.Model(SPEC).logpdf([1.0, 1.0, 1.0], [45.0, 55.0]),
        "InvalidPdfData",
        neos_swift.InvalidArgument,
    ),
    (
        "hypotest without a parameter of interest",
        lambda: neos_swift.infer.hypotest(1.0, [45.0, 55.0, 100.0, 69.4], Model(SPEC, poi_name=None)),
        lambda: pyhf.infer.hypotest(1.0, [45.0, 55.0, 100.0, 69.4], pyhf.Model(SPEC, poi_name=None)),
        "UnspecifiedPOI",
        neos_swift.ModelError,
    ),
    (
        "fit whose likelihood is zero at the start",
        lambda: neos_swift.infer.mle.fit([5.0], Model(EMPTY_SPEC)),
        lambda: pyhf.infer.mle.fit([5.0], pyhf.Model(EMPTY_SPEC)),
        "FailedMinimization",
        neos_swift.FitFailed,
    ),
    (
        "patchset with two patches of one name",
        lambda: neos_swift.PatchSet(_with(PATCHSET, ["patches", 1, "metadata", "name"], "point_a")),
        lambda: pyhf.PatchSet(_with(PATCHSET, ["patches", 1, "metadata", "name"], "point_a")),
        "InvalidPatchSet",
        neos_swift.ModelError,
    ),
    (
        "patch that the patchset does not hold",
        lambda: neos_swift.PatchSet(PATCHSET)["point_c"],
        lambda: pyhf.PatchSet(PATCHSET)["point_c"],
        "InvalidPatchLookup",
        neos_swift.InvalidArgument,
    ),
]


@pytest.mark.parametrize(
    ("ours", "theirs", "name", "status_class"),
    [case[1:] for case in SAME_AS_PYHF],
    ids=[case[0] for case in SAME_AS_PYHF],
)
def test_library_errors_are_raised_as_pyhfs_class(ours, theirs, name, status_class):
    assert type(_raised(theirs)) is getattr(pyhf.exceptions, name)
    error = _raised(ours)
    assert type(error) is getattr(exceptions, name)
    assert isinstance(error, status_class)
    assert error.status == status_class.status


def test_unknown_interpolation_code_is_invalid_interp_code():
    error = _raised(lambda: Model(SPEC, modifier_settings={"normsys": {"interpcode": "code7"}}))
    assert type(error) is exceptions.InvalidInterpCode
    assert isinstance(error, neos_swift.InvalidArgument)
    assert "code7" in str(error)


def test_errors_without_a_pyhf_counterpart_keep_their_status_class():
    # Decreasing bin edges are a plain bad argument to the library: pyhf has no class of its own for it.
    error = _raised(lambda: neos_swift.hist([0.5], bins=[1.0, 0.0], bandwidth=0.1))
    assert type(error) is neos_swift.InvalidArgument
    assert str(error).startswith("neos_hist: ")


def test_failed_minimization_carries_a_result():
    error = _raised(lambda: neos_swift.infer.mle.fit([5.0], Model(EMPTY_SPEC)))
    assert error.result.success is False
    assert error.result.message == str(error)

    class Result:
        message = "the optimizer gave up"

    assert str(exceptions.FailedMinimization(Result())) == "the optimizer gave up"
    assert exceptions.FailedMinimization(Result()).result.message == "the optimizer gave up"
    assert "Unknown failure" in str(exceptions.FailedMinimization(object()))


def test_invalid_specification_from_the_core_names_the_location():
    error = _raised(lambda: Model(_with(SPEC, ["channels", 0, "samples"], [])))
    assert type(error) is exceptions.InvalidSpecification
    assert error.path == "channels[0].samples"
    assert error.parent is None


def test_invalid_specification_from_a_validation_error_reads_as_pyhfs():
    schema = {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "number"}}}}
    validation_error = _raised(lambda: jsonschema.validate({"a": [1, "x"]}, schema))
    ours = exceptions.InvalidSpecification(validation_error, "made_up.json")
    theirs = pyhf.exceptions.InvalidSpecification(validation_error, "made_up.json")
    assert str(ours) == str(theirs)
    assert (ours.path, ours.instance, ours.schema, ours.parent) == ("a[1]", "x", "made_up.json", validation_error)
