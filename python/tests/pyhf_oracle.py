"""pyhf 0.7.6 as the oracle: build the same model in pyhf and in neos_swift, and compare everything the model exposes.

Compared (``compare_workspace``, or ``compare_config`` + ``compare_values`` for models without a workspace):
- configuration: ``npars``, ``par_order``, ``par_names``, ``poi_index``, ``suggested_init/bounds/fixed``,
  ``auxdata``, ``channels``, ``channel_nbins``, ``samples``;
- the workspace data vector (``Workspace.data`` with and without auxdata), when both sides come from a workspace;
- ``logpdf`` (which must have shape (1,), like pyhf's), ``expected_data`` with ``include_auxdata`` True and False,
  and ``expected_actualdata``, at the suggested init and at ``N_RANDOM_POINTS`` random in-bounds points.

pyhf always runs on its numpy backend in 64-bit precision. Every number is compared with ``RTOL`` / ``ATOL``.
pyhf is called without ``modifier_settings`` when the settings are None (passing ``None`` explicitly would break
pyhf's own default), and with the dict otherwise, including ``{}``.
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path

import neos_swift
import numpy as np
import pyhf
from workspaces import random_points

pyhf.set_backend("numpy", precision="64b")
logging.getLogger("pyhf").setLevel(logging.ERROR)  # "multiple measurements defined. Taking the first measurement."

# Both engines compute in float64 from the same inputs, but not with the same operation order (sums over samples,
# modifiers and constraint terms; the code4 polynomial; (ν/σ)² for shapesys τ), so agreement to the last bit is not
# expected: a few ulps per term, accumulated over up to a few thousand terms (sbottom), stays far below 1e-9.
RTOL = 1e-9
# Absolute floor for entries that are exactly zero on one side (masked samples, the 0.0 auxdata of normsys and
# histosys constraints) and for values that vanish by cancellation; 1e-10 is far below any meaningful yield.
ATOL = 1e-10
# Random parameter points per model, on top of the suggested init.
N_RANDOM_POINTS = 5


def load_json(path):
    return json.loads(Path(path).read_text())


def pyhf_model_kwargs(modifier_settings):
    return {} if modifier_settings is None else {"modifier_settings": modifier_settings}


def build_pyhf(spec_or_workspace, measurement_name=None, modifier_settings=None, patches=None):
    """(pyhf.Workspace, pyhf.Model); spec_or_workspace may already be a pyhf.Workspace (to reuse a slow one)."""
    ws = spec_or_workspace if isinstance(spec_or_workspace, pyhf.Workspace) else pyhf.Workspace(spec_or_workspace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ws.model(measurement_name=measurement_name, patches=patches, **pyhf_model_kwargs(modifier_settings))
    return ws, model


def build_neos(spec_or_workspace, measurement_name=None, modifier_settings=None, patches=None):
    """(neos_swift.Workspace, neos_swift model), the same call with only the import changed."""
    ws = (
        spec_or_workspace
        if isinstance(spec_or_workspace, neos_swift.Workspace)
        else neos_swift.Workspace(spec_or_workspace)
    )
    model = ws.model(measurement_name=measurement_name, modifier_settings=modifier_settings, patches=patches)
    return ws, model


def _as_float_array(values):
    return np.asarray(values, dtype=float)


def assert_close(actual, desired, what):
    actual, desired = _as_float_array(actual), _as_float_array(desired)
    assert actual.shape == desired.shape, f"{what}: shape {actual.shape} != pyhf's {desired.shape}"
    np.testing.assert_allclose(actual, desired, rtol=RTOL, atol=ATOL, err_msg=what)


def compare_config(pyhf_model, neos_model):
    p, n = pyhf_model.config, neos_model.config
    assert list(n.par_order) == list(p.par_order), "par_order"
    assert list(n.par_names) == list(p.par_names), "par_names"
    assert n.npars == p.npars, "npars"
    assert n.poi_index == p.poi_index, "poi_index"
    assert list(n.channels) == list(p.channels), "channels"
    assert dict(n.channel_nbins) == dict(p.channel_nbins), "channel_nbins"
    assert list(n.samples) == list(p.samples), "samples"
    names = list(p.par_names)
    assert_close(n.suggested_init(), p.suggested_init(), f"suggested_init (parameters {names})")
    assert_close(
        np.asarray(n.suggested_bounds(), dtype=float).reshape(-1, 2),
        np.asarray(p.suggested_bounds(), dtype=float),
        f"suggested_bounds (parameters {names})",
    )
    n_fixed = [bool(x) for x in n.suggested_fixed()]
    p_fixed = [bool(x) for x in p.suggested_fixed()]
    assert n_fixed == p_fixed, f"suggested_fixed: {dict(zip(names, n_fixed))} != pyhf {dict(zip(names, p_fixed))}"
    assert_close(n.auxdata, p.auxdata, "auxdata")


def compare_workspace_data(pyhf_ws, pyhf_model, neos_ws, neos_model):
    for include_auxdata in (True, False):
        assert_close(
            neos_ws.data(neos_model, include_auxdata=include_auxdata),
            pyhf_ws.data(pyhf_model, include_auxdata=include_auxdata),
            f"Workspace.data(include_auxdata={include_auxdata})",
        )


def compare_at(pyhf_model, neos_model, pars, data, label):
    pars = _as_float_array(pars)
    data = _as_float_array(data)
    expected = pyhf_model.logpdf(pars, data)
    got = np.asarray(neos_model.logpdf(pars, data))
    assert got.shape == (1,), f"logpdf at {label} has shape {got.shape}, pyhf returns (1,)"
    assert_close(got, expected, f"logpdf at {label}: pars {pars.tolist()}")
    for include_auxdata in (True, False):
        assert_close(
            neos_model.expected_data(pars, include_auxdata=include_auxdata),
            pyhf_model.expected_data(pars, include_auxdata=include_auxdata),
            f"expected_data(include_auxdata={include_auxdata}) at {label}: pars {pars.tolist()}",
        )
    assert_close(
        neos_model.expected_actualdata(pars),
        pyhf_model.expected_actualdata(pars),
        f"expected_actualdata at {label}: pars {pars.tolist()}",
    )


def finite_points(pyhf_model, data, rng, n=N_RANDOM_POINTS, max_tries=200):
    """n random in-bounds points where pyhf's logpdf is finite and no expected bin is negative.

    (A bin that is empty in every sample, with 0 observed, stays at 0 and contributes log Pois(0 | 0) = 0: kept,
    as in multibin_histfactory.)

    Published workspaces do not guarantee positive yields over the whole box (e.g. a histosys extrapolated to
    α = ±5), and pyhf returns NaN there, so the box is shrunk towards the init while too many draws fail.
    Points that pass are used as they are.
    """
    data = _as_float_array(data)
    points, scale, failures = [], 1.0, 0
    for _ in range(max_tries):
        if len(points) == n:
            return points
        (point,) = random_points(pyhf_model, rng, 1, scale=scale)
        rates = np.asarray(pyhf_model.expected_actualdata(point))
        if np.all(rates >= 0) and np.isfinite(pyhf_model.logpdf(point, data)[0]):
            points.append(point)
        else:
            failures += 1
            if failures % 3 == 0:
                scale *= 0.5
    raise AssertionError(f"could not draw {n} points with a finite pyhf logpdf (last scale {scale})")


def compare_values(pyhf_model, neos_model, data, points):
    """logpdf / expected data at the suggested init and at each point."""
    init = pyhf_model.config.suggested_init()
    compare_at(pyhf_model, neos_model, init, data, "suggested_init")
    # pyhf also takes plain lists
    assert_close(
        neos_model.logpdf(list(init), [float(x) for x in data]),
        pyhf_model.logpdf(init, data),
        "logpdf at suggested_init, pars and data given as lists",
    )
    for index, point in enumerate(points):
        compare_at(pyhf_model, neos_model, point, data, f"random point {index}")


def compare_workspace(
    spec,
    rng,
    measurement_name=None,
    modifier_settings=None,
    patches=None,
    pyhf_workspace=None,
    guaranteed_positive=False,
    n_points=N_RANDOM_POINTS,
):
    """Build the model from ``spec`` in both engines and compare everything; returns (pyhf model, neos model).

    ``guaranteed_positive``: the generator guarantees positive yields over the whole box (random_points can be
    used directly); otherwise points are drawn with ``finite_points``.
    """
    pws, pmodel = build_pyhf(
        pyhf_workspace if pyhf_workspace is not None else spec, measurement_name, modifier_settings, patches
    )
    nws, nmodel = build_neos(spec, measurement_name, modifier_settings, patches)
    data = _as_float_array(pws.data(pmodel))
    if guaranteed_positive:
        points = random_points(pmodel, rng, n_points)
        for point in [pmodel.config.suggested_init(), *points]:  # a generator bug must not pass as NaN == NaN
            assert np.isfinite(pmodel.logpdf(point, data)[0]), f"pyhf's logpdf is not finite at {list(point)}"
    else:
        points = finite_points(pmodel, data, rng, n_points)
    compare_config(pmodel, nmodel)
    compare_workspace_data(pws, pmodel, nws, nmodel)
    compare_values(pmodel, nmodel, data, points)
    return pmodel, nmodel


def workspace_from_model_spec(model_spec, poi_name="mu"):
    """A full workspace around a bare model spec ({"channels": ..., "parameters": ...}), as pyhf.Model(spec) sees it.

    The observations are the nominal bin totals (rounded to integers), which is only used to get a data vector.
    """
    channels = model_spec["channels"]
    observations = []
    for channel in channels:
        totals = np.sum([sample["data"] for sample in channel["samples"]], axis=0)
        observations.append({"name": channel["name"], "data": [float(round(x)) for x in totals]})
    measurement = {"name": "wrapped", "config": {"poi": poi_name, "parameters": model_spec.get("parameters", [])}}
    return {"channels": channels, "observations": observations, "measurements": [measurement], "version": "1.0.0"}
