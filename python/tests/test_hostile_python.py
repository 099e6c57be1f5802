"""Hostile arguments to every public entry point of the Python package (issue 13, class 7).

Each generated case replaces one argument of a working call with something a careless or hostile caller could pass:
None, text, bytes, NaN and ±inf, empty, ragged, wrongly shaped and huge arrays, integers beyond what ctypes holds,
negative sizes, wrong or bogus handle objects. The contract: the call returns normally, or raises a ``NeosError``
subclass whose message names the argument. Anything else fails the case: an exception from inside the package
(``AttributeError``, a bare ``TypeError``, a ``ctypes.ArgumentError``, numpy's errors), a hang, or a crash.

Cases that reach libneos run in a worker process (``_Worker``), so that a crash is one failing case, not the end of
the run: the worker is restarted after it dies. The checks of ``_arguments``' helpers themselves are pure Python and
run in this process. Hypothesis runs with a fixed ``max_examples`` and ``derandomize=True``, so CI repeats the same
cases; ``CASES`` counts the cases run (printed at the end of the module).
"""

from __future__ import annotations

import ctypes
import math
import os
import pickle
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# ---- the cases: which argument of which call gets which hostile value ---------------------------------------------

# Hostile values by the kind of argument they are given to; each is named and built inside the worker from the
# fixtures (``F``), so that only names and numbers cross the pipe.
_COMMON = {
    "None": lambda F: None,
    "object()": lambda F: object(),
    "dict": lambda F: {"a": 1},
    "text": lambda F: "abc",
    "bytes": lambda F: b"\x00\xff",
    "function": lambda F: print,
}
_ARRAYS = {
    **_COMMON,
    "empty": lambda F: [],
    "[None]": lambda F: [None, 1.0],
    "ragged": lambda F: [[1.0], [1.0, 2.0]],
    "['a']": lambda F: ["a"],
    "3-d": lambda F: np.zeros((2, 3, 4)),
    "0-d": lambda F: np.float64(1.0),
    "[nan]": lambda F: [math.nan] * 4,
    "[inf]": lambda F: [math.inf] * 4,
    "[-inf]": lambda F: [-math.inf] * 4,
    "complex": lambda F: np.ones(4, dtype=complex) * 1j,
    "huge ints": lambda F: [10**400] * 4,
    "long": lambda F: np.ones(100_000),
    "strings array": lambda F: np.array(["1", "2", "3", "4"]),
    "set": lambda F: {1.0, 2.0},
}
_FLOATS = {
    **_COMMON,
    "empty": lambda F: [],
    "pair": lambda F: [1.0, 2.0],
    "complex": lambda F: 1j,
    "10**400": lambda F: 10**400,
    "numeric text": lambda F: "1.0",
}
_COUNTS = {
    **_COMMON,
    "True": lambda F: True,
    "1.5": lambda F: 1.5,
    "2.0": lambda F: 2.0,
    "numeric text": lambda F: "3",
    "2**64": lambda F: 2**64,
    "2**40": lambda F: 2**40,  # in range for ctypes, far beyond what fits in memory
    "2**63": lambda F: 2**63,
    "-1": lambda F: -1,
    "np.int8(-1)": lambda F: np.int8(-1),
    "array": lambda F: np.array([3]),
}
_TEXTS = {
    **{key: value for key, value in _COMMON.items() if key != "text"},
    "NUL inside": lambda F: "a\0b",
    "lone surrogate": lambda F: "\udc80",
    "empty": lambda F: "",
    "int": lambda F: 1,
    "long": lambda F: "x" * 100_000,
    "list": lambda F: ["a"],
}
_PATHS = {
    **_TEXTS,
    "bytes path": lambda F: b"/tmp/x",
    "missing folder": lambda F: "/nonexistent-neos-folder/file.bin",
    "a folder": lambda F: tempfile.gettempdir(),
}
_CHOICES = {
    **_COMMON,
    "unknown": lambda F: "no-such-choice",
    "list": lambda F: [],
    "int": lambda F: 1,
    "upper case": lambda F: "QTILDE",
}
_HANDLES = {
    **_COMMON,
    "workspace": lambda F: F.workspace,
    "trainer": lambda F: F.trainer,
    "patchset": lambda F: F.patchset,
    "other model": lambda F: F.other_model,
    "bogus handle": lambda F: F.bogus_model,
    "c_void_p": lambda F: ctypes.c_void_p(1234),
    "int address": lambda F: 1234,
}
_EVENTS = {
    **_COMMON,
    "list": lambda F: [np.zeros((5, 2))],
    "None arrays": lambda F: {name: None for name in F.event_names},
    "text arrays": lambda F: {name: "x" for name in F.event_names},
    "int names": lambda F: {index: np.zeros((5, 2)) for index, _ in enumerate(F.event_names)},
    "3-d arrays": lambda F: {name: np.zeros((5, 2, 2)) for name in F.event_names},
    "wrong dimension": lambda F: {name: np.zeros((5, 3)) for name in F.event_names},
    "empty": lambda F: {},
    "nan events": lambda F: {name: np.full((5, 2), math.nan) for name in F.event_names},
}
_CONFIGS = {
    **{key: value for key, value in _COMMON.items() if key not in ("None", "dict", "text", "bytes")},
    "list": lambda F: [],
    "int": lambda F: 3,
    "broken JSON": lambda F: "{",
    "not UTF-8": lambda F: b"\xff\xfe",
    "NaN value": lambda F: {"learning_rate": math.nan},
    "object value": lambda F: {"hidden": object()},
    "unknown key": lambda F: {"no_such_key": 1},
    "negative size": lambda F: {"hidden": [-3]},
}
_SPECS = {
    **_COMMON,
    "list": lambda F: [],
    "broken JSON": lambda F: "{",
    "no channels": lambda F: {"version": "1.0.0"},
    "nan data": lambda F: _workspace_spec(math.nan),
}
# The methods called on a Model object with a bogus handle (every one must raise, none may crash).
_BOGUS_METHODS = ("logpdf", "expected_data", "nll_gradient", "logpdf_vjp", "expected_data_vjp", "with_inputs", "inputs")
_METHODS = {name: (lambda name: lambda F: name)(name) for name in _BOGUS_METHODS}
_NAMES = {
    **{key: value for key, value in _COMMON.items() if key not in ("text", "None")},
    "[None]": lambda F: [None],
    "[NUL]": lambda F: ["a\0b"],
    "[surrogate]": lambda F: ["\udc80"],
    "[int]": lambda F: [3],
    "unknown": lambda F: ["no-such-name"],
}
_RENAMES = {
    **{key: value for key, value in _COMMON.items() if key not in ("dict", "None")},
    "list": lambda F: ["b"],
    "None values": lambda F: {"b": None},
    "int keys": lambda F: {1: "x"},
    "NUL": lambda F: {"b": "a\0b"},
    "unknown": lambda F: {"no-such-sample": "x"},
}
_PARS = {
    **{key: value for key, value in _COMMON.items() if key != "dict"},
    "list": lambda F: [1.0, 1.0, 1.0],
    "unknown name": lambda F: {"no-such-parameter": 1.0},
    "None value": lambda F: {"mu": None},
    "text value": lambda F: {"mu": "a"},
    "wrong size": lambda F: {"uncorr_bkguncrt": [1.0, 2.0, 3.0]},
    "nan value": lambda F: {"mu": math.nan},
}
HOSTILE = {
    "pars": _PARS,
    "names": _NAMES,
    "renames": _RENAMES,
    "method": _METHODS,
    "array": _ARRAYS,
    "float": _FLOATS,
    "count": _COUNTS,
    "text": _TEXTS,
    "path": _PATHS,
    "choice": _CHOICES,
    "handle": _HANDLES,
    "events": _EVENTS,
    "config": _CONFIGS,
    "spec": _SPECS,
}


def _workspace_spec(value=5.0):
    return {
        "channels": [
            {
                "name": "c",
                "samples": [
                    {
                        "name": "s",
                        "data": [value, 3.0],
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {
                        "name": "b",
                        "data": [50.0, 40.0],
                        "modifiers": [{"name": "u", "type": "shapesys", "data": [5.0, 4.0]}],
                    },
                ],
            }
        ],
        "observations": [{"name": "c", "data": [55.0, 43.0]}],
        "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }


class Entry:
    """One public call: ``call(F, **arguments)``, and for each argument its kind and a working value.
    ``allowed`` names exception classes other than NeosError the call may raise: pyhf's own behaviour there."""

    def __init__(self, name, call, /, allowed=(), **slots):
        self.name = name
        self.call = call
        self.allowed = tuple(allowed)
        self.slots = slots  # argument -> (kind, good value from F)


def _entries():
    import neos_swift
    from neos_swift import infer, interpolators, losses, relaxed, simplemodels
    from neos_swift import jax as neos_jax
    from neos_swift.infer import calculators, mle, test_statistics
    from neos_swift.neos import Trainer

    def init(F):
        return F.model.config.suggested_init()

    def set_parameters(F, values):
        F.trainer.parameters = values

    return [
        # Not a call of the package: what a crash looks like to the suite (see test_a_crash_fails_only_its_case).
        Entry("os.abort", lambda F: os.abort()),
        Entry(
            "hist",
            lambda F, data, bins, bandwidth, weights: neos_swift.hist(data, bins, bandwidth, weights=weights),
            data=("array", lambda F: [0.1, 0.4, 0.6, 0.9]),
            bins=("array", lambda F: [0.0, 0.5, 1.0]),
            bandwidth=("float", lambda F: 0.1),
            weights=("array", lambda F: None),
        ),
        Entry(
            "hist_vjp",
            lambda F, cotangent, data, bandwidth, wrt: neos_swift.hist_vjp(
                cotangent, data, [0.0, 0.5, 1.0], bandwidth, wrt=wrt
            ),
            cotangent=("array", lambda F: [1.0, 2.0]),
            data=("array", lambda F: [0.1, 0.4, 0.6, 0.9]),
            bandwidth=("float", lambda F: 0.1),
            wrt=("choice", lambda F: ("data", "bins")),
        ),
        Entry(
            "cut",
            lambda F, data, cut_val, slope, keep: neos_swift.cut(data, cut_val, slope, keep),
            data=("array", lambda F: [0.1, 0.4, 0.6, 0.9]),
            cut_val=("float", lambda F: 0.5),
            slope=("float", lambda F: 2.0),
            keep=("choice", lambda F: "above"),
        ),
        Entry(
            "cut_vjp",
            lambda F, cotangent, cut_val: neos_swift.cut_vjp(cotangent, [0.1, 0.4, 0.6, 0.9], cut_val),
            cotangent=("array", lambda F: [1.0, 1.0, 1.0, 1.0]),
            cut_val=("float", lambda F: 0.5),
        ),
        Entry(
            "Model.logpdf",
            lambda F, pars, data: F.model.logpdf(pars, data),
            pars=("array", init),
            data=("array", lambda F: F.data),
        ),
        Entry(
            # a Model whose handle libneos never made: libneos' handle registry refuses it in every call
            "Model methods on a bogus handle",
            lambda F, method: getattr(F.bogus_model, method)(*F.bogus_arguments[method]),
            method=("method", lambda F: "logpdf"),
        ),
        Entry(
            "Model.expected_data",
            lambda F, pars: F.model.expected_data(pars),
            pars=("array", init),
        ),
        Entry(
            "Model.nll_gradient",
            lambda F, pars, data: F.model.nll_gradient(pars, data),
            pars=("array", init),
            data=("array", lambda F: F.data),
        ),
        Entry(
            "Model.logpdf_vjp",
            lambda F, pars, data: F.model.logpdf_vjp(pars, data),
            pars=("array", init),
            data=("array", lambda F: F.data),
        ),
        Entry(
            "Model.expected_data_vjp",
            lambda F, cotangent, pars: F.model.expected_data_vjp(cotangent, pars),
            cotangent=("array", lambda F: np.ones(len(F.data))),
            pars=("array", init),
        ),
        Entry(
            "Model.with_inputs",
            lambda F, values: F.model.with_inputs(values),
            values=("array", lambda F: F.model.inputs()[1]),
        ),
        Entry(
            "Model(spec)",
            lambda F, spec: neos_swift.Model(spec),
            spec=("spec", lambda F: {"channels": _workspace_spec()["channels"]}),
        ),
        Entry(
            "Workspace(spec)",
            lambda F, spec: neos_swift.Workspace(spec),
            spec=("spec", lambda F: _workspace_spec()),
        ),
        Entry(
            "Workspace.data",
            lambda F, model: F.workspace.data(model),
            model=("handle", lambda F: F.workspace_model),
        ),
        Entry(
            "Workspace.model",
            lambda F, measurement_name: F.workspace.model(measurement_name=measurement_name),
            measurement_name=("text", lambda F: "m"),
        ),
        Entry(
            "Workspace.build",
            lambda F, model, data, name: neos_swift.Workspace.build(model, data, name=name),
            model=("handle", lambda F: F.workspace_model),
            data=("array", lambda F: [55.0, 43.0]),
            name=("text", lambda F: "measurement"),
        ),
        Entry(
            "PatchSet[name]",
            lambda F, name: F.patchset[name],
            name=("text", lambda F: "p1"),
        ),
        Entry(
            "simplemodels.uncorrelated_background",
            lambda F, signal, bkg, uncertainty: simplemodels.uncorrelated_background(
                signal, bkg, uncertainty, validate=False
            ),
            signal=("array", lambda F: [5.0, 6.0]),
            bkg=("array", lambda F: [50.0, 52.0]),
            uncertainty=("array", lambda F: [7.0, 8.0]),
        ),
        Entry(
            "simplemodels.correlated_background",
            lambda F, signal, up: simplemodels.correlated_background(
                signal, [50.0, 52.0], up, [45.0, 47.0], validate=False
            ),
            signal=("array", lambda F: [5.0, 6.0]),
            up=("array", lambda F: [55.0, 57.0]),
        ),
        Entry(
            "infer.hypotest",
            lambda F, poi_test, data, pdf, test_stat: infer.hypotest(poi_test, data, pdf, test_stat=test_stat),
            poi_test=("float", lambda F: 1.0),
            data=("array", lambda F: F.data),
            pdf=("handle", lambda F: F.model),
            test_stat=("choice", lambda F: "qtilde"),
        ),
        Entry(
            "infer.hypotest_derivatives",
            lambda F, poi_test, pdf: infer.hypotest_derivatives(poi_test, F.data, pdf),
            poi_test=("float", lambda F: 1.0),
            pdf=("handle", lambda F: F.model),
        ),
        Entry(
            "infer.mle.fit",
            lambda F, data, pdf, init_pars, par_bounds, fixed_params: mle.fit(
                data, pdf, init_pars, par_bounds, fixed_params
            ),
            data=("array", lambda F: F.data),
            pdf=("handle", lambda F: F.model),
            init_pars=("array", init),
            par_bounds=("array", lambda F: F.model.config.suggested_bounds()),
            fixed_params=("array", lambda F: F.model.config.suggested_fixed()),
        ),
        Entry(
            "infer.mle.fixed_poi_fit",
            lambda F, poi_val, data: mle.fixed_poi_fit(poi_val, data, F.model),
            poi_val=("float", lambda F: 1.0),
            data=("array", lambda F: F.data),
        ),
        Entry(
            "infer.test_statistics.qmu_tilde",
            lambda F, mu, data, pdf: test_statistics.qmu_tilde(mu, data, pdf, None, None, None),
            mu=("float", lambda F: 1.0),
            data=("array", lambda F: F.data),
            pdf=("handle", lambda F: F.model),
        ),
        Entry(
            "AsymptoticCalculator.teststatistic",
            lambda F, pdf, test_stat, poi_test: calculators.AsymptoticCalculator(
                F.data, pdf, test_stat=test_stat
            ).teststatistic(poi_test),
            pdf=("handle", lambda F: F.model),
            test_stat=("choice", lambda F: "qtilde"),
            poi_test=("float", lambda F: 1.0),
        ),
        Entry(
            "ToyCalculator.distributions",
            lambda F, ntoys, seed, threads, poi_test: calculators.ToyCalculator(
                F.data, F.model, ntoys=ntoys, track_progress=False, seed=seed, threads=threads
            ).distributions(poi_test),
            ntoys=("count", lambda F: 3),
            seed=("count", lambda F: 7),
            threads=("count", lambda F: 1),
            poi_test=("float", lambda F: 1.0),
        ),
        Entry(
            "losses.expected_cls",
            lambda F, model, test_poi, test_stat: losses.expected_cls(model, test_poi, test_stat),
            model=("handle", lambda F: F.model),
            test_poi=("float", lambda F: 1.0),
            test_stat=("choice", lambda F: "q"),
        ),
        Entry(
            "losses.discovery_p0",
            lambda F, model: losses.discovery_p0(model, return_grad=True),
            model=("handle", lambda F: F.model),
        ),
        Entry(
            "losses.expected_upper_limit",
            lambda F, level: losses.expected_upper_limit(F.model, level),
            level=("float", lambda F: 0.05),
        ),
        Entry(
            "losses.poi_uncertainty",
            lambda F, model, poi_value: losses.poi_uncertainty(model, poi_value),
            model=("handle", lambda F: F.model),
            poi_value=("float", lambda F: 1.0),
        ),
        Entry(
            "Trainer(config)",
            lambda F, config: Trainer(config),
            config=("config", lambda F: {"hidden": [3], "points_per_blob": 20, "batch_size": 10}),
        ),
        Entry(
            "Trainer(events)",
            lambda F, train, test: Trainer({"data": "events", "hidden": [3], "batch_size": 5}, train=train, test=test),
            train=("events", lambda F: {name: np.random.default_rng(1).normal(size=(10, 2)) for name in F.event_names}),
            test=("events", lambda F: {name: np.random.default_rng(2).normal(size=(10, 2)) for name in F.event_names}),
        ),
        Entry("Trainer.run", lambda F, steps: F.trainer.run(steps), steps=("count", lambda F: 1)),
        Entry("Trainer.save", lambda F, path: F.trainer.save(path), path=("path", lambda F: F.folder / "saved.bin")),
        Entry("Trainer.load", lambda F, path: F.trainer.load(path), path=("path", lambda F: F.saved)),
        Entry(
            "Trainer.histograms",
            lambda F, split, bandwidth: F.trainer.histograms(split, bandwidth),
            split=("choice", lambda F: "test"),
            bandwidth=("float", lambda F: 0.1),
        ),
        Entry(
            "Trainer.events",
            lambda F, name, split: F.trainer.events(name, split),
            name=("text", lambda F: F.event_names[0]),
            split=("choice", lambda F: "train"),
        ),
        Entry(
            "Trainer.predict", lambda F, points: F.trainer.predict(points), points=("array", lambda F: np.zeros((3, 2)))
        ),
        Entry(
            "Trainer.parameters=",
            set_parameters,
            values=("array", lambda F: F.trainer.parameters),
        ),
        Entry(
            "Trainer.loss_and_gradient",
            lambda F, parameters, events: F.trainer.loss_and_gradient(parameters, events),
            parameters=("array", lambda F: F.trainer.parameters),
            events=(
                "events",
                lambda F: {name: np.random.default_rng(3).normal(size=(10, 2)) for name in F.event_names},
            ),
        ),
        Entry(
            "jax.expected_cls",
            lambda F, model, inputs, test_poi, test_stat: neos_jax.expected_cls(model, inputs, test_poi, test_stat),
            model=("handle", lambda F: F.model),
            inputs=("array", lambda F: F.model.inputs()[1]),
            test_poi=("float", lambda F: 1.0),
            test_stat=("choice", lambda F: "q"),
        ),
        Entry(
            "jax.hypotest",
            lambda F, poi_test, model, data: neos_jax.hypotest(poi_test, model, F.model.inputs()[1], data),
            poi_test=("float", lambda F: 1.0),
            model=("handle", lambda F: F.model),
            data=("array", lambda F: F.data),
        ),
        Entry(
            "jax.hist",
            lambda F, data, bins, bandwidth: neos_jax.hist(data, bins, bandwidth),
            data=("array", lambda F: [0.1, 0.4, 0.6, 0.9]),
            bins=("array", lambda F: [0.0, 0.5, 1.0]),
            bandwidth=("float", lambda F: 0.1),
        ),
        Entry(
            "jax.cut",
            lambda F, data, cut_val, keep: neos_jax.cut(data, cut_val, keep=keep),
            data=("array", lambda F: [0.1, 0.4, 0.6, 0.9]),
            cut_val=("float", lambda F: 0.5),
            keep=("choice", lambda F: "below"),
        ),
        Entry(
            "jax.pipeline_loss",
            lambda F, trainer, events: neos_jax.pipeline_loss(trainer, F.trainer.parameters, events),
            trainer=("handle", lambda F: F.trainer),
            events=(
                "events",
                lambda F: {name: np.random.default_rng(4).normal(size=(10, 2)) for name in F.event_names},
            ),
        ),
        Entry(
            "Workspace.prune",
            lambda F, channels, samples: F.workspace.prune(channels=channels, samples=samples),
            channels=("names", lambda F: []),
            samples=("names", lambda F: ["b"]),
        ),
        Entry(
            "Workspace.rename",
            lambda F, samples: F.workspace.rename(samples=samples),
            samples=("renames", lambda F: {"b": "background"}),
        ),
        Entry(
            "Workspace.combine",
            lambda F, right, join: neos_swift.Workspace.combine(F.workspace, right, join=join),
            right=("handle", lambda F: F.workspace.rename(channels={"c": "d"})),
            join=("choice", lambda F: "none"),
            # pyhf reads right["version"]: a non-mapping or a dict without it fails there, as in pyhf
            allowed=("builtins.TypeError", "builtins.KeyError"),
        ),
        Entry(
            "Workspace.sorted",
            lambda F, workspace: neos_swift.Workspace.sorted(workspace),
            workspace=("handle", lambda F: F.workspace),
        ),
        Entry(
            "Workspace.get_measurement",
            lambda F, measurement_name: F.workspace.get_measurement(measurement_name=measurement_name),
            measurement_name=("text", lambda F: "m"),
        ),
        Entry(
            "Model.config lookups",
            lambda F, name: (F.model.config.par_slice(name), F.model.config.param_set(name)),
            name=("text", lambda F: "mu"),
            # pyhf looks the name up in a dict: KeyError, or TypeError for an unhashable name
            allowed=("builtins.KeyError", "builtins.TypeError"),
        ),
        Entry(
            "Model.config.set_poi",
            lambda F, name: F.other_model.config.set_poi(name),
            name=("text", lambda F: "mu"),
        ),
        Entry(
            "patchset.PatchSet",
            lambda F, spec: neos_swift.patchset.PatchSet(spec),
            spec=("spec", lambda F: F.patchset_spec),
        ),
        Entry(
            "utils.digest",
            lambda F, obj, algorithm: neos_swift.utils.digest(obj, algorithm),
            obj=("spec", lambda F: _workspace_spec()),
            algorithm=("choice", lambda F: "sha256"),
            # pyhf: json.dumps refuses what JSON cannot hold (TypeError, ValueError for NaN with allow_nan=False)
            allowed=("builtins.TypeError", "builtins.ValueError"),
        ),
        Entry(
            "probability.Poisson.log_prob",
            lambda F, rate, value: neos_swift.probability.Poisson(rate).log_prob(value),
            rate=("array", lambda F: [5.0, 6.0]),
            value=("array", lambda F: [4.0, 7.0]),
            allowed=("builtins.ValueError",),  # numpy's broadcasting error for unequal shapes, as in pyhf
        ),
        Entry(
            "probability.Normal.log_prob",
            lambda F, loc, scale: neos_swift.probability.Normal(loc, scale).log_prob([0.5, 0.2]),
            loc=("array", lambda F: [0.0, 0.1]),
            scale=("array", lambda F: [1.0, 2.0]),
            allowed=("builtins.ValueError",),  # numpy's broadcasting error for unequal shapes, as in pyhf
        ),
        Entry(
            "schema.validate",
            lambda F, spec, schema_name: neos_swift.schema.validate(spec, schema_name),
            spec=("spec", lambda F: _workspace_spec()),
            schema_name=("text", lambda F: "workspace.json"),
        ),
        Entry(
            "set_backend",
            lambda F, backend: neos_swift.set_backend(backend),
            backend=("choice", lambda F: "numpy"),
        ),
        Entry(
            "relaxed.hist",
            lambda F, data, bins, bandwidth: relaxed.hist(data, bins, bandwidth),
            data=("array", lambda F: [0.1, 0.4, 0.6, 0.9]),
            bins=("array", lambda F: [0.0, 0.5, 1.0]),
            bandwidth=("float", lambda F: 0.1),
        ),
        Entry(
            "relaxed.infer.hypotest",
            lambda F, test_poi, data, model, init_pars, test_stat: relaxed.infer.hypotest(
                test_poi, data, model, init_pars, test_stat=test_stat
            ),
            init_pars=("pars", lambda F: dict(F.relaxed_init)),
            test_poi=("float", lambda F: 1.0),
            data=("array", lambda F: F.data),
            model=("handle", lambda F: F.model),
            test_stat=("choice", lambda F: "q"),
        ),
        Entry(
            "relaxed.mle.fit",
            lambda F, data, model, init_pars: relaxed.mle.fit(data, model, init_pars),
            init_pars=("pars", lambda F: dict(F.relaxed_init)),
            data=("array", lambda F: F.data),
            model=("handle", lambda F: F.model),
        ),
        Entry(
            "interpolators.get",
            lambda F, code: interpolators.get(code),
            code=("choice", lambda F: 4),
        ),
        Entry(
            "interpolators.code4",
            lambda F, histogramssets, alpha0, alphasets: interpolators.code4(histogramssets, alpha0=alpha0)(alphasets),
            histogramssets=("array", lambda F: [[[[0.9, 0.8], [1.0, 1.0], [1.1, 1.3]]]]),
            alpha0=("float", lambda F: 1.0),
            alphasets=("array", lambda F: [[0.5, -0.2]]),
        ),
    ]


# ---- the worker process --------------------------------------------------------------------------------------------


class _Fixtures:
    """What the cases are built from, made once per worker."""

    def __init__(self):
        import neos_swift
        from neos_swift import simplemodels
        from neos_swift.neos import Trainer
        from neos_swift.workspace import PatchSet

        self.model = simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 52.0], [7.0, 8.0])
        self.data = list(self.model.expected_data(self.model.config.suggested_init()))
        self.relaxed_init = {"mu": 1.0, "uncorr_bkguncrt": [1.0, 1.0]}
        self.other_model = simplemodels.uncorrelated_background([1.0], [10.0], [2.0])
        self.bogus_model = simplemodels.uncorrelated_background([5.0, 6.0], [50.0, 52.0], [7.0, 8.0])
        self.bogus_model._handle = ctypes.c_void_p(0x1234)  # a model object whose handle libneos never made
        pars = self.model.config.suggested_init()
        self.bogus_arguments = {
            "logpdf": (pars, self.data),
            "expected_data": (pars,),
            "nll_gradient": (pars, self.data),
            "logpdf_vjp": (pars, self.data),
            "expected_data_vjp": (np.ones(len(self.data)), pars),
            "with_inputs": (self.model.inputs()[1],),
            "inputs": (),
        }
        self.workspace = neos_swift.Workspace(_workspace_spec())
        self.workspace_model = self.workspace.model()
        self.patchset = PatchSet(
            {
                "metadata": {"references": {}, "description": "one patch", "digests": {}, "labels": ["x"]},
                "patches": [
                    {
                        "metadata": {"name": "p1", "values": [1.0]},
                        "patch": [{"op": "replace", "path": "/channels/0/samples/0/data", "value": [6.0, 2.0]}],
                    }
                ],
                "version": "1.0.0",
            }
        )
        self.patchset_spec = {
            "metadata": {
                "references": {"hepdata": "ins1234567"},
                "description": "one patch",
                "digests": {"sha256": neos_swift.utils.digest(_workspace_spec())},
                "labels": ["x"],
            },
            "patches": [
                {
                    "metadata": {"name": "p1", "values": [1.0]},
                    "patch": [{"op": "replace", "path": "/channels/0/samples/0/data", "value": [6.0, 2.0]}],
                }
            ],
            "version": "1.0.0",
        }
        self.trainer = Trainer({"hidden": [3], "points_per_blob": 20, "batch_size": 10, "seed": 1})
        self.event_names = self.trainer.event_sets
        self.folder = Path(tempfile.mkdtemp(prefix="neos-hostile-"))
        self.saved = self.folder / "trainer.bin"
        self.trainer.save(self.saved)
        os.chdir(self.folder)  # a path written by mistake (a file named "None") lands here, not in the repository


def _outcome(entries, fixtures, case):
    """Runs one case in this process: ("ok", "") or ("raised", class path, is NeosError, message)."""
    import neos_swift

    entry_name, slot, (form, value) = case
    entry = entries[entry_name]
    arguments = {name: good(fixtures) for name, (_, good) in entry.slots.items()}
    if slot is None:
        pass  # the working call itself
    elif form == "named":
        arguments[slot] = HOSTILE[entry.slots[slot][0]][value](fixtures)
    else:
        arguments[slot] = value
    try:
        entry.call(fixtures, **arguments)
    except Exception as error:  # noqa: BLE001  (every exception is the outcome being classified)
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        accepted = isinstance(error, neos_swift.NeosError) or kind in entry.allowed
        return ("raised", kind, accepted, str(error))
    return ("ok", "", True, "")


def _serve():
    """The worker's loop: reads pickled cases (length-prefixed) from stdin, writes pickled outcomes to stdout."""
    entries = {entry.name: entry for entry in _entries()}
    fixtures = _Fixtures()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdout.write(b"ready\n")
    stdout.flush()
    while header := stdin.read(4):
        case = pickle.loads(stdin.read(struct.unpack("<I", header)[0]))
        reply = pickle.dumps(_outcome(entries, fixtures, case))
        stdout.write(struct.pack("<I", len(reply)) + reply)
        stdout.flush()


class _Worker:
    """A worker process, restarted after a crash; ``run(case)`` gives the case's outcome or ("crashed", ...)."""

    TIMEOUT = 120.0  # seconds a single case may take before it counts as a hang (the slowest real case takes ~1 s)

    def __init__(self):
        self.process = None
        self.crashes = 0

    def _start(self):
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        line = self.process.stdout.readline()
        if line != b"ready\n":
            raise RuntimeError(f"the hostile-case worker did not start (exit status {self.process.wait()})")

    def run(self, case):
        if self.process is None or self.process.poll() is not None:
            self._start()
        message = pickle.dumps(case)
        try:
            self.process.stdin.write(struct.pack("<I", len(message)) + message)
            self.process.stdin.flush()
            header = self._read(4)
            return pickle.loads(self._read(struct.unpack("<I", header)[0]))
        except (EOFError, BrokenPipeError, TimeoutError) as error:
            self.crashes += 1
            self.process.kill()
            status = self.process.wait()
            self.process = None
            return ("crashed", f"worker died or hung ({type(error).__name__}), exit status {status}", False, "")

    def _read(self, size):
        import select

        data = b""
        while len(data) < size:
            ready, _, _ = select.select([self.process.stdout], [], [], self.TIMEOUT)
            if not ready:
                raise TimeoutError
            chunk = self.process.stdout.read1(size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)


CASES = {"worker": 0, "in-process": 0}


@pytest.fixture(scope="module")
def worker():
    running = _Worker()
    yield running
    running.close()
    print(
        f"\nhostile Python cases: {CASES['worker']} in the worker process, {CASES['in-process']} in-process; "
        f"worker crashes: {running.crashes}"
    )


# Which classes other than NeosError a hostile value may raise: pyhf's own behaviour, kept for compatibility.
_PYHF_COMPATIBLE = {
    # pyhf's Workspace.data looks up the model's channels among its observations: another workspace's model
    # raises KeyError there.
    ("Workspace.data", "other model"): "builtins.KeyError",
    ("Workspace.data", "bogus handle"): "builtins.KeyError",  # a simplemodels model: its channel is not there
}

_ENTRIES = [(entry.name, slot, kind) for entry in _entries() for slot, (kind, _) in entry.slots.items()]
_SETTINGS = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _hostile_values(kind):
    named = st.sampled_from(sorted(HOSTILE[kind])).map(lambda name: ("named", name))
    if kind == "float":
        return st.one_of(
            named, st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, -1e308]).map(lambda x: ("value", x))
        )
    if kind == "count":
        beyond = st.one_of(st.integers(max_value=-1), st.integers(min_value=2**64))
        return st.one_of(named, beyond.map(lambda n: ("value", n)))
    return named


@pytest.mark.parametrize("entry_name, slot, kind", _ENTRIES, ids=[f"{e}-{s}" for e, s, _ in _ENTRIES])
def test_hostile_argument_raises_a_neos_error(worker, entry_name, slot, kind):
    """A hostile value of one argument: the call returns or raises a NeosError; never anything else, no crash."""
    failures = []

    @_SETTINGS
    @given(value=_hostile_values(kind))
    def case(value):
        CASES["worker"] += 1
        status, raised, is_neos, message = worker.run((entry_name, slot, value))
        label = value[1] if value[0] == "named" else repr(value[1])
        if status == "crashed":
            failures.append(f"{entry_name}({slot}={label}): {raised}")
        elif status == "raised" and not is_neos and _PYHF_COMPATIBLE.get((entry_name, label)) != raised:
            failures.append(f"{entry_name}({slot}={label}): {raised}: {message[:200]}")

    case()
    assert not failures, "\n".join(failures)


def test_a_crash_fails_only_its_case(worker):
    """The isolation itself: a case that kills its process is reported as crashed, and the next case runs."""
    crashes = worker.crashes
    status, detail, _, _ = worker.run(("os.abort", None, ("named", None)))
    assert status == "crashed" and "exit status -6" in detail  # SIGABRT
    assert worker.crashes == crashes + 1
    worker.crashes = crashes  # the deliberate crash is not one of the package's
    assert worker.run(("hist", None, ("named", None)))[0] == "ok"


# ---- the validation helpers themselves (pure Python, in-process) ---------------------------------------------------


@settings(max_examples=200, derandomize=True, database=None)
@given(st.integers(min_value=-(2**80), max_value=2**80))
def test_as_count_accepts_exactly_the_range(number):
    from neos_swift._arguments import INDEX_MAX, as_count
    from neos_swift.errors import InvalidArgument

    CASES["in-process"] += 1
    if 0 <= number <= INDEX_MAX:
        assert as_count("n", number) == number
    else:
        with pytest.raises(InvalidArgument, match=r"n must be an integer in \[0, 9223372036854775807\]"):
            as_count("n", number)


@settings(max_examples=200, derandomize=True, database=None)
@given(st.one_of(st.floats(), st.integers(min_value=-(10**400), max_value=10**400), st.booleans()))
def test_as_float_converts_every_real_number(number):
    from neos_swift._arguments import as_float
    from neos_swift.errors import InvalidArgument

    CASES["in-process"] += 1
    try:
        expected = float(number)
    except OverflowError:
        with pytest.raises(InvalidArgument, match="x must be a real number"):
            as_float("x", number)
        return
    result = as_float("x", number)
    assert result == expected or (math.isnan(result) and math.isnan(expected))


@settings(max_examples=100, derandomize=True, database=None)
@given(st.one_of(st.none(), st.text(), st.binary(), st.dictionaries(st.text(), st.integers()), st.complex_numbers()))
def test_as_float_refuses_non_numbers_with_the_argument_name(value):
    from neos_swift._arguments import as_float
    from neos_swift.errors import ArgumentTypeError

    CASES["in-process"] += 1
    with pytest.raises(ArgumentTypeError, match="^bandwidth must be a real number, got ") as raised:
        as_float("bandwidth", value)
    assert isinstance(raised.value, TypeError) and isinstance(raised.value, ValueError)


@settings(max_examples=100, derandomize=True, database=None)
@given(st.lists(st.one_of(st.floats(), st.integers(min_value=-(2**53), max_value=2**53)), max_size=20))
def test_as_float_array_keeps_every_list_of_numbers(values):
    from neos_swift._arguments import as_float_array

    CASES["in-process"] += 1
    array = as_float_array("data", values)
    assert array.dtype == np.float64 and array.flags.c_contiguous and array.shape == (len(values),)
    np.testing.assert_array_equal(array, np.asarray(values, dtype=np.float64))  # NaN compares equal here


@settings(max_examples=100, derandomize=True, database=None)
@given(st.one_of(st.none(), st.integers(), st.binary(), st.lists(st.text(max_size=3), max_size=2)))
def test_as_path_takes_only_text_and_path_objects(value):
    from neos_swift._arguments import as_path
    from neos_swift.errors import ArgumentTypeError

    CASES["in-process"] += 1
    with pytest.raises(ArgumentTypeError, match=r"^path must be a path \(str or os.PathLike\)"):
        as_path("path", value)


# ---- the cases the issue names, each as its own regression test ---------------------------------------------------


def test_trainer_run_refuses_more_steps_than_ctypes_holds():
    from neos_swift.errors import InvalidArgument
    from neos_swift.neos import Trainer

    trainer = Trainer({"hidden": [3], "points_per_blob": 20, "batch_size": 10})
    # Before: ctypes wrapped 2**64 to 0 and the call ran no step, without a word.
    with pytest.raises(
        InvalidArgument, match=r"steps must be an integer in \[0, 9223372036854775807\], got 18446744073709551616"
    ):
        trainer.run(2**64)
    assert trainer.steps_taken == 0


def test_trainer_save_refuses_none_and_writes_nothing(tmp_path, monkeypatch):
    from neos_swift.errors import ArgumentTypeError
    from neos_swift.neos import Trainer

    monkeypatch.chdir(tmp_path)
    trainer = Trainer({"hidden": [3], "points_per_blob": 20, "batch_size": 10})
    # Before: str(None) made a file named "None".
    with pytest.raises(ArgumentTypeError, match="path must be a path"):
        trainer.save(None)
    assert list(tmp_path.iterdir()) == []
    trainer.save(tmp_path / "kept.bin")  # a PathLike works
    trainer.load(str(tmp_path / "kept.bin"))  # and a str


def test_trainer_refuses_events_of_the_wrong_dimension_at_creation():
    from neos_swift.errors import InvalidArgument
    from neos_swift.neos import Trainer

    names = Trainer({"hidden": [3], "points_per_blob": 20}).event_sets
    events = {name: np.zeros((8, 3)) for name in names}
    # Before: the trainer was made, and its first step failed.
    with pytest.raises(InvalidArgument, match="dimension is 3; the network takes 2 features"):
        Trainer({"data": "events", "hidden": [3]}, train=events, test=events)


def test_wrong_argument_types_name_the_argument():
    import neos_swift
    from neos_swift import jax as neos_jax
    from neos_swift import losses, simplemodels
    from neos_swift.errors import ArgumentTypeError

    model = simplemodels.uncorrelated_background([5.0], [50.0], [7.0])
    workspace = neos_swift.Workspace(_workspace_spec())
    # Before: AttributeError ('Workspace' object has no attribute 'config').
    with pytest.raises(ArgumentTypeError, match="^model must be a neos_swift.Model, got Workspace"):
        workspace.data(workspace)
    # Before: TypeError from float(None).
    with pytest.raises(ArgumentTypeError, match="^bandwidth must be a real number, got NoneType None"):
        neos_swift.hist([0.5], [0.0, 1.0], None)
    # Before: the error surfaced from inside jax.pure_callback as an XlaRuntimeError.
    with pytest.raises(neos_swift.InvalidArgument, match="^test_stat must be one of 'q', 'qtilde'; got NoneType None"):
        neos_jax.expected_cls(model, model.inputs()[1], test_stat=None)
    with pytest.raises(neos_swift.InvalidArgument, match="^test_stat must be one of"):
        losses.expected_cls(model, test_stat=None)
    with pytest.raises(ArgumentTypeError, match="^poi_test must be a real number, got NoneType None"):
        neos_swift.infer.hypotest(None, [50.0, 49.0], model)
    # pyhf's interfaces accept what numpy does: a numpy scalar, an int, a list, a jax array.
    assert math.isfinite(neos_swift.hist(np.array([0.5]), [0, 1], np.float32(0.1))[0])
    assert math.isfinite(float(neos_swift.infer.hypotest(np.int64(1), np.array([50.0, 49.0]), model)))


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    # absolute, since the worker changes its directory (a relative PYTHONPATH would stop resolving)
    sys.path[:] = [os.path.abspath(entry) for entry in sys.path]
    _serve()
