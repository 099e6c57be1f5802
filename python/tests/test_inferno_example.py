"""examples/inferno (INFERNO's synthetic benchmark): the short run's results and the figure of merit itself.

The figure of merit is checked once against an independent computation: the network's argmax bins taken here
in numpy from the parameters, the yields in a pyhf workspace read by pyhf itself, and the Fisher information of
pyhf's expected rates (central differences) with the benchmark's constraint terms.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import neos_swift
import numpy as np
import pyhf
import pytest
from conftest import REPO
from neos_swift._library import path as LIBRARY_PATH

EXAMPLE = REPO / "examples" / "inferno" / "inferno.py"


def load_example():
    spec = importlib.util.spec_from_file_location("inferno_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("inferno")
    environment = dict(os.environ, NEOS_LIBRARY=str(LIBRARY_PATH))
    package_root = str(os.path.dirname(os.path.dirname(neos_swift.__file__)))
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--quick", "--out", str(out)],
        cwd=out,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out


def test_quick_run_writes_the_results_table_and_plot(quick_run):
    results = json.loads((quick_run / "results.json").read_text())
    assert results["inits"] == 2 and results["events"] == 100_000
    for benchmark in ("B0", "B1", "B2", "B3", "B4"):
        for kind in ("inferno", "bce"):
            summary = results[benchmark][kind]
            assert set(summary) == {"median", "q16", "q84"}
            assert 0 < summary["q16"] <= summary["median"] <= summary["q84"]
            values = [
                record[kind][benchmark]["sigma_s"] if kind == "inferno" else record[kind]["sigma_s"][benchmark]
                for record in results["per_init"]
            ]
            assert summary["median"] == pytest.approx(float(np.median(values)), rel=1e-12)
            # No binned summary of these events beats the analytical likelihood's 14.71 on B0 (the paper's
            # table); with 50 signal in 1050 events no useful one is worse than 100.
            assert 14 < summary["median"] < 100
    # Each nuisance parameter added can only widen σ_s for a fixed summary (the classifier's): B0 ≤ B1 ≤ B2,
    # B3 ≤ B2 (constraints narrow it) and B3 ≤ B4 (a free background normalisation widens it).
    for record in results["per_init"]:
        s = record["bce"]["sigma_s"]
        assert s["B0"] <= s["B1"] <= s["B2"] and s["B3"] <= s["B2"] and s["B3"] <= s["B4"], s
    # INFERNO's point: with both shape nuisances free its summary beats the classifier's.
    assert results["B2"]["inferno"]["median"] < results["B2"]["bce"]["median"]
    assert (quick_run / "results.png").stat().st_size > 10_000
    table = (quick_run / "results.md").read_text()
    assert f"{results['B2']['inferno']['median']:.2f}" in table


def numpy_logits(parameters, sizes, x):
    offset = 0
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        w = parameters[offset : offset + fan_in * fan_out].reshape(fan_in, fan_out)
        offset += fan_in * fan_out
        b = parameters[offset : offset + fan_out]
        offset += fan_out
        x = x @ w + b
        if layer < len(sizes) - 2:
            x = np.maximum(x, 0)
    return x


def pyhf_sigma_mu(example, benchmark, yields):
    """σ_μ from pyhf's expected main rates at the nominal point and the benchmark's constraint terms."""
    spec = example.workspace(benchmark)
    samples = spec["channels"][0]["samples"]
    samples[0]["data"] = list(yields["sig"])
    samples[1]["data"] = list(yields["bkg_nominal"])
    for modifier in samples[1]["modifiers"]:
        if modifier["type"] == "histosys":
            high, low = example.TEMPLATES[modifier["name"]]
            modifier["data"] = {"hi_data": list(yields[high]), "lo_data": list(yields[low])}
    model = pyhf.Workspace(spec).model()
    nominal = np.asarray(model.config.suggested_init(), dtype=float)
    rates = model.expected_actualdata(nominal)
    jacobian = np.empty((rates.size, nominal.size))
    for i in range(nominal.size):
        step = 1e-5
        up, down = nominal.copy(), nominal.copy()
        up[i] += step
        down[i] -= step
        jacobian[:, i] = (model.expected_actualdata(up) - model.expected_actualdata(down)) / (2 * step)
    fisher = jacobian.T @ (jacobian / rates[:, None])
    for name in model.config.parameters:
        index = model.config.par_slice(name).start
        if name == "lumi":
            fisher[index, index] += 1 / (example.B_SIGMA / example.BACKGROUND) ** 2
        elif name != "mu" and name not in example.UNCONSTRAINED[benchmark]:
            fisher[index, index] += 1.0
    poi = model.config.poi_index
    return float(np.sqrt(np.linalg.inv(fisher)[poi, poi]))


@pytest.mark.parametrize("benchmark", ["B1", "B4"])
def test_the_figure_of_merit_is_the_hard_histogram_fisher_sigma(benchmark):
    example = load_example()
    events = example.generate(20_000, 20_000, np.random.default_rng(3))
    config = example.inferno_config(benchmark, 7, dict(example.QUICK, precision="float64"))
    names = list(config["scales"])
    parameters = np.random.default_rng(5).normal(0.0, 0.3, 3 * 100 + 100 + 100 * 100 + 100 + 100 * 10 + 10)
    sigma_s = example.sigma_s(config, parameters, events)
    # Independently: argmax bins of the numpy network, yields = counts · scale / N + floor (1e-3, the default).
    yields = {}
    for name in names:
        bins = np.argmax(numpy_logits(parameters, (3, 100, 100, 10), events[name]), axis=1)
        counts = np.bincount(bins, minlength=example.BINS)
        yields[name] = counts * config["scales"][name] / events[name].shape[0] + 1e-3
    # Random parameters leave some bins empty (their yields are the floor alone, on both sides of the comparison);
    # at least two populated bins in signal and background keep the comparison a shape's, not one bin's.
    assert np.count_nonzero(yields["sig"] > 1e-3) >= 2 and np.count_nonzero(yields["bkg_nominal"] > 1e-3) >= 2
    expected = example.SIGNAL * pyhf_sigma_mu(example, benchmark, yields)
    assert sigma_s == pytest.approx(expected, rel=1e-6)
    # The study runs the network in float32 (docs/inferno.md): the argmax of a float32 network moves an event
    # only on a near tie, so σ_s agrees to far better than the spread between initialisations (~1%).
    config32 = example.inferno_config(benchmark, 7, dict(example.QUICK, precision="float32"))
    assert example.sigma_s(config32, parameters, events) == pytest.approx(sigma_s, rel=1e-4)


def test_the_classifier_shortcut_is_the_full_network(rng):
    """bce_sigma_s bins the classifier's stored outputs through an identity network: the same hard histograms,
    and so the same σ_s, as the full network run on the events with each benchmark's model."""
    example = load_example()
    events = example.generate(5_000, 5_000, np.random.default_rng(11))
    settings = dict(example.QUICK, precision="float64")
    trainer_config = example.bce_config("B4", 3, settings)
    names = list(trainer_config["scales"])
    trainer = example.Trainer(trainer_config, train=events, test=events)
    for _ in range(3):
        trainer.step()
    scores = {name: trainer.predict(events[name])[:, None] for name in names}
    for benchmark in ("B0", "B2", "B4"):
        full = example.sigma_s(example.bce_config(benchmark, 3, settings), trainer.parameters, events)
        assert example.bce_sigma_s(benchmark, 3, settings, scores) == pytest.approx(full, rel=1e-12)
