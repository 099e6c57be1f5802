"""The trainer's ``precision`` key from Python: a float32 network with everything after it in float64."""

from __future__ import annotations

import json

import neos_swift
import numpy as np
import pytest
from neos_swift.neos import Trainer

SMALL = {"hidden": [16, 16], "points_per_blob": 300, "bins": 4, "seed": 2}


def test_float32_follows_float64_and_keeps_the_float64_parameters(tmp_path):
    """Five steps in each precision: the losses within 1e-5 relative (float32 rounds the network's outputs to
    ≈ 1e-6; the Swift tests derive the bound), the parameters a float64 vector of the same layout, within 1e-6
    (Adam moves each by ≲ learning rate × the gradient's relative error per step), and the saved file the same
    float64 format."""
    double = Trainer(SMALL)
    single = Trainer({**SMALL, "precision": "float32"})
    reference = double.run(5)["steps"]
    rounded = single.run(5)["steps"]
    assert single.metrics()["config"]["precision"] == "float32"
    np.testing.assert_allclose([s["loss"] for s in rounded], [s["loss"] for s in reference], rtol=1e-5)
    assert [s["loss"] for s in rounded] != [s["loss"] for s in reference], "float32 gave float64's losses exactly"
    assert single.parameters.dtype == np.float64 and single.parameters.shape == double.parameters.shape
    np.testing.assert_allclose(single.parameters, double.parameters, rtol=0, atol=1e-6)
    path = tmp_path / "parameters.neos"
    single.save(path)
    header = json.loads(path.read_bytes().split(b"\n", 1)[0])
    assert header["sizes"] == [2, 16, 16, 1]
    double.load(path)
    np.testing.assert_array_equal(double.parameters, single.parameters)


def test_an_unknown_precision_is_refused_naming_the_key():
    with pytest.raises(neos_swift.InvalidArgument, match=r"precision: unknown precision \"float16\""):
        Trainer({"precision": "float16"})
    with pytest.raises(neos_swift.ParseError, match="precision"):
        Trainer({"precision": 32})
