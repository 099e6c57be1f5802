"""Model.nll_and_gradient (issue 14): one libneos call for NLL and its gradient, equal bit for bit to the two
separate calls; and the fast path of the argument conversion (an exact 1-D C-contiguous float64 ndarray is passed
as it is) gives the same results and refuses exactly what the general conversion refuses, with the same messages."""

from __future__ import annotations

import math

import neos_swift
import numpy as np
import pytest
from conftest import assert_gradient, central_differences
from neos_swift import _library

SPEC = {
    "channels": [
        {
            "name": "sr",
            "samples": [
                {
                    "name": "signal",
                    "data": [2.0, 5.0, 8.0, 4.0],
                    "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                },
                {
                    "name": "background",
                    "data": [50.0, 40.0, 30.0, 20.0],
                    "modifiers": [
                        {"name": "norm", "type": "normsys", "data": {"hi": 1.08, "lo": 0.92}},
                        {
                            "name": "shape",
                            "type": "histosys",
                            "data": {"hi_data": [52.5, 41.6, 31.8, 20.6], "lo_data": [48.0, 38.8, 28.5, 19.6]},
                        },
                        {"name": "stat", "type": "staterror", "data": [2.5, 2.0, 1.8, 1.5]},
                    ],
                },
            ],
        }
    ]
}


@pytest.fixture(scope="module")
def model():
    return neos_swift.Model(SPEC)


@pytest.fixture(scope="module")
def data(model):
    return np.concatenate([[56.0, 48.0, 41.0, 26.0], model.config.auxdata])


def points(model, count=4):
    rng = np.random.default_rng(14)
    init = np.asarray(model.config.suggested_init(), dtype=float)
    return [init] + [init + rng.uniform(-0.2, 0.2, init.size) for _ in range(count - 1)]


def test_equals_the_two_calls_bit_for_bit(model, data):
    for pars in points(model):
        value, gradient = model.nll_and_gradient(pars, data)
        assert isinstance(value, float)
        # exact equality: the same kernels in the same order, negated
        assert value == -model.logpdf(pars, data)[0]
        assert gradient.shape == (model.config.npars,) and gradient.dtype == np.float64
        assert gradient.flags.writeable and gradient.flags.c_contiguous  # a result the caller owns
        assert np.array_equal(gradient, model.nll_gradient(pars, data))


def test_gradient_against_central_differences(model, data):
    pars = points(model)[2]
    _, gradient = model.nll_and_gradient(pars, data)
    assert_gradient(gradient, central_differences(lambda p: model.nll_and_gradient(p, data)[0], pars))


class _Subclass(np.ndarray):
    """An ndarray subclass: the fast path takes only exact ndarrays, so this one takes the general path."""


def _forms(values):
    """The same numbers as every kind of argument: the fast path's exact ndarray and the general path's others."""
    array = np.array(values, dtype=np.float64)
    read_only = array.copy()
    read_only.flags.writeable = False
    strided = np.repeat(array, 2)[::2]
    return {
        "ndarray": array,
        "list": list(values),
        "tuple": tuple(values),
        "read-only": read_only,
        "strided": strided,
        "big-endian": array.astype(">f8"),
        "subclass": array.view(_Subclass),
    }


def test_every_form_of_the_arguments_gives_the_same_bits(model, data):
    pars = points(model)[1]
    reference_value, reference_gradient = model.nll_and_gradient(pars, data)
    for name, form in _forms(pars).items():
        value, gradient = model.nll_and_gradient(form, data)
        assert value == reference_value and np.array_equal(gradient, reference_gradient), name
    for name, form in _forms(data).items():
        value, gradient = model.nll_and_gradient(pars, form)
        assert value == reference_value and np.array_equal(gradient, reference_gradient), name
        assert np.array_equal(model.nll_gradient(pars, form), reference_gradient), name


def _hostile(valid):
    """Arguments to refuse; the float64 ndarrays among them take the fast path."""
    n = len(valid)
    nan = np.array(valid, dtype=float)
    nan[0] = math.nan
    inf = np.array(valid, dtype=float)
    inf[-1] = math.inf
    return {
        "too short (ndarray)": np.array(valid[:-1], dtype=float),
        "too long (ndarray)": np.append(np.array(valid, dtype=float), 1.0),
        "empty (ndarray)": np.empty(0),
        "NaN (ndarray)": nan,
        "inf (ndarray)": inf,
        "-inf (ndarray)": -np.abs(inf),
        "2-d (ndarray)": np.ones((1, n)),
        "0-d (ndarray)": np.float64(1.0),
        "NaN (list)": list(nan),
        "too short (list)": list(valid[:-1]),
        "None": None,
        "text": "abc",
        "[None]": [None] * n,
        "strings": np.array(["a"] * n),
        "object ndarray": np.array([object()] * n),
    }


def _outcome(call):
    """What ``call`` gives: its gradient (the fused call's second result), or the class and message of what it
    raises without the name of the libneos function that refused."""
    try:
        result = call()
    except Exception as error:  # noqa: BLE001 - any class is compared, not handled
        message = str(error)
        for function in ("neos_model_nll_and_gradient: ", "neos_model_nll_derivatives: "):
            message = message.replace(function, "")
        return type(error), message
    return ("accepted", tuple(result[1] if isinstance(result, tuple) else result))


def test_refuses_what_the_separate_calls_refuse(model, data):
    pars = points(model)[0]
    for name, bad in _hostile(list(pars)).items():
        fused = _outcome(lambda: model.nll_and_gradient(bad, data))
        assert fused == _outcome(lambda: model.nll_gradient(bad, data)), name
        assert fused[0] != "accepted" and issubclass(fused[0], neos_swift.errors.NeosError), name
    for name, bad in _hostile(list(data)).items():
        fused = _outcome(lambda: model.nll_and_gradient(pars, bad))
        assert fused == _outcome(lambda: model.nll_gradient(pars, bad)), name
        assert fused[0] != "accepted" and issubclass(fused[0], neos_swift.errors.NeosError), name


@pytest.mark.parametrize(
    "value",
    [np.ones(3), np.ones(3)[::2], np.ones((2, 2)), np.ones(3, dtype=">f8"), np.ones(3, dtype=np.float32), [1.0], 2.0],
    ids=["fast", "strided", "2-d", "big-endian", "float32", "list", "scalar"],
)
def test_as_doubles_fast_path_agrees_with_the_general_conversion(value):
    """The fast path returns the argument itself only where as_float_array would (a view, no copy)."""
    from neos_swift._arguments import as_float_array

    try:
        general = as_float_array("x", value, ndim=1)
    except neos_swift.errors.NeosError as error:
        with pytest.raises(type(error), match="x"):
            _library.as_doubles(value, "x")
        return
    converted = _library.as_doubles(value, "x")
    assert converted.dtype == np.float64 and converted.flags.c_contiguous and converted.ndim == 1
    assert np.array_equal(converted, general)
    assert (converted is value) == (general is value)


def test_pointer_reads_the_arrays_first_element():
    """pointer() hands libneos the address of element 0 for writable, read-only and strided-then-copied arrays."""
    array = np.array([1.5, 2.5, 3.5])
    read_only = array.copy()
    read_only.flags.writeable = False
    for form in (array, read_only, np.ascontiguousarray(np.repeat(array, 2)[::2])):
        address = _library.pointer(form)
        assert _library.c_double_p.from_param(address) is not None
        assert ctypes_value(address) == 1.5
    assert _library.pointer(None) is None


def ctypes_value(address):
    import ctypes

    return ctypes.cast(address, _library.c_double_p)[0]
