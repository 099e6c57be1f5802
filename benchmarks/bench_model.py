"""Benchmark: HistFactory models — build from a workspace dict, logpdf and its gradient.

For each workspace (ATLAS sbottom RegionA + signal patch sbottom_1300_205_60; the small validation_2bin_2channel)
it times

* model build: ``neos_swift.Workspace(spec).model(patches=[...])`` vs ``pyhf.Workspace(spec).model(patches=[...])``
  (numpy backend, and jax backend), starting from the parsed-JSON dict;
* logpdf (value only): ``model.logpdf(pars, data)`` — neos-swift, pyhf numpy, and pyhf jax under
  ``jax.jit(lambda p: model.logpdf(p, data)[0])``;
* logpdf + gradient: neos-swift ``model.logpdf`` then ``model.nll_gradient`` (two calls), neos-swift
  ``model.nll_gradient`` alone, and neos-swift ``model.logpdf_vjp`` (d/d pars, data and inputs in one call), all
  against pyhf jax ``jax.jit(jax.value_and_grad(lambda p: model.logpdf(p, data)[0]))``. pyhf numpy has no exact
  gradient (a finite-difference gradient would not be the same work), so it has no entry in those rows.

Parameters are pyhf's suggested init moved by a seeded random step (clipped to the bounds), the data are the
workspace's observations + auxdata. Before timing, it asserts that neos-swift's logpdf agrees with pyhf numpy and
pyhf jax to 1e-9 relative, and that ``nll_gradient`` and ``-logpdf_vjp(...).pars`` agree with the jax gradient of
``-logpdf`` to 1e-7 relative to its largest component.
"""

from __future__ import annotations

import json
import sys

import harness

WORKLOAD = "model"
REFDATA = harness.REFDATA
CASES = (
    (
        "sbottom RegionA + 1300_205_60",
        REFDATA / "sbottom_ins1748602/RegionA/BkgOnly.json",
        REFDATA / "sbottom_ins1748602/RegionA/patch.sbottom_1300_205_60.json",
    ),
    ("validation_2bin_2channel", REFDATA / "workspaces/validation_2bin_2channel.json", None),
)
SEED = 20240602
STEP = 0.05  # scale of the random step away from the suggested init
LOGPDF_TOLERANCE = 1e-9
GRADIENT_TOLERANCE = 1e-7


def relative_difference(actual: float, expected: float) -> float:
    return abs(actual - expected) / abs(expected) if expected != 0 else abs(actual - expected)


def evaluation_point(rng, init, bounds):
    import numpy as np

    init = np.asarray(init, dtype=np.float64)
    low, high = np.asarray(bounds, dtype=np.float64).T
    pars = init + STEP * rng.normal(size=init.size) * np.maximum(np.abs(init), 1.0)
    return np.clip(pars, low + 1e-3 * (high - low), high - 1e-3 * (high - low))


def build_pyhf(pyhf, spec, patches):
    return pyhf.Workspace(spec).model(patches=patches)


def run_case(settings, label, spec_path, patch_path, rng):
    import jax
    import jax.numpy as jnp
    import neos_swift
    import numpy as np
    import pyhf

    spec = json.loads(spec_path.read_text())
    patches = [json.loads(patch_path.read_text())] if patch_path is not None else []

    # ---- models and data ----
    neos_workspace = neos_swift.Workspace(spec)
    neos_model = neos_workspace.model(patches=patches)
    pyhf.set_backend("numpy")
    pyhf_workspace = pyhf.Workspace(spec)
    np_model = pyhf_workspace.model(patches=patches)
    if list(neos_model.config.par_order) != list(np_model.config.par_order):
        raise AssertionError(
            f"{label}: parameter order differs: {neos_model.config.par_order} vs {np_model.config.par_order}"
        )
    data = np.asarray(pyhf_workspace.data(np_model), dtype=np.float64)
    neos_data = np.asarray(neos_workspace.data(neos_model))
    if harness.max_relative_difference(neos_data, data) != 0.0:
        raise AssertionError(f"{label}: workspace data differ")
    pars = evaluation_point(rng, np_model.config.suggested_init(), np_model.config.suggested_bounds())

    pyhf.set_backend("jax")
    jax_model = build_pyhf(pyhf, spec, patches)
    jdata, jpars = jnp.asarray(data), jnp.asarray(pars)

    # First calls of fresh jitted closures: trace + XLA compile + one run.
    jax_value = jax.jit(lambda p: jax_model.logpdf(p, jdata)[0])
    jax_value_and_grad = jax.jit(jax.value_and_grad(lambda p: jax_model.logpdf(p, jdata)[0]))
    first_value = harness.time_once(lambda: jax.block_until_ready(jax_value(jpars)))
    first_value_and_grad = harness.time_once(lambda: jax.block_until_ready(jax_value_and_grad(jpars)))

    # ---- agreement ----
    pyhf.set_backend("numpy")
    ref_numpy = float(np_model.logpdf(pars, data)[0])
    ref_jax_value, ref_jax_grad = jax_value_and_grad(jpars)
    ref_jax_value, ref_jax_grad = float(ref_jax_value), np.asarray(ref_jax_grad)
    neos_value = float(neos_model.logpdf(pars, data)[0])
    neos_grad = neos_model.nll_gradient(pars, data)
    neos_vjp = neos_model.logpdf_vjp(pars, data)
    agreement = {
        "logpdf_vs_pyhf_numpy": relative_difference(neos_value, ref_numpy),
        "logpdf_vs_pyhf_jax": relative_difference(neos_value, ref_jax_value),
        "nll_gradient_vs_jax": harness.max_relative_difference(neos_grad, -ref_jax_grad),
        "logpdf_vjp_pars_vs_jax": harness.max_relative_difference(neos_vjp.pars, ref_jax_grad),
    }
    print(
        f"\n[{label}] {neos_model.config.npars} parameters, {neos_model.config.nmaindata} bins + "
        f"{neos_model.config.nauxdata} auxdata, {neos_model.config.ninputs} inputs; logpdf = {neos_value:.10g}"
    )
    print(f"[{label}] agreement — " + ", ".join(f"{k} {v:.2e}" for k, v in agreement.items()), flush=True)
    for key, difference in agreement.items():
        tolerance = LOGPDF_TOLERANCE if key.startswith("logpdf_vs") else GRADIENT_TOLERANCE
        if not difference < tolerance:
            raise AssertionError(f"{label}: {key} = {difference:.3e}, above {tolerance:g}")

    # ---- timing ----
    repeat, warmup = settings.repeat, settings.warmup
    pyhf.set_backend("numpy")
    build = {
        "neos_swift": harness.measure(lambda: neos_swift.Workspace(spec).model(patches=patches), repeat, warmup),
        "pyhf_numpy": harness.measure(lambda: build_pyhf(pyhf, spec, patches), repeat, warmup),
    }
    pyhf.set_backend("jax")
    build["pyhf_jax"] = harness.measure(lambda: build_pyhf(pyhf, spec, patches), repeat, warmup)
    pyhf.set_backend("numpy")

    def neos_value_and_gradient():
        neos_model.logpdf(pars, data)
        neos_model.nll_gradient(pars, data)

    evaluation = {
        "logpdf": {
            "neos_swift": harness.measure(lambda: neos_model.logpdf(pars, data), repeat, warmup),
            "pyhf_numpy": harness.measure(lambda: np_model.logpdf(pars, data), repeat, warmup),
            "pyhf_jax": harness.measure(lambda: jax.block_until_ready(jax_value(jpars)), repeat, warmup),
        },
        "logpdf_and_nll_gradient": {
            "neos_swift": harness.measure(neos_value_and_gradient, repeat, warmup),
            "pyhf_jax": harness.measure(lambda: jax.block_until_ready(jax_value_and_grad(jpars)), repeat, warmup),
        },
        "nll_gradient": {
            "neos_swift": harness.measure(lambda: neos_model.nll_gradient(pars, data), repeat, warmup),
        },
        "logpdf_vjp": {
            "neos_swift": harness.measure(lambda: neos_model.logpdf_vjp(pars, data), repeat, warmup),
        },
    }
    # The gradient rows all compare against the same jitted value_and_grad.
    for key in ("nll_gradient", "logpdf_vjp"):
        evaluation[key]["pyhf_jax"] = evaluation["logpdf_and_nll_gradient"]["pyhf_jax"]
    print(f"[{label}] build: " + ", ".join(f"{k} {harness.format_timing(t)}" for k, t in build.items()))
    for key, timings in evaluation.items():
        print(
            f"[{label}] {key}: " + ", ".join(f"{k} {harness.format_timing(t)}" for k, t in timings.items()), flush=True
        )
    return {
        "label": label,
        "workspace": str(spec_path),
        "patch": None if patch_path is None else str(patch_path),
        "npars": neos_model.config.npars,
        "nmaindata": neos_model.config.nmaindata,
        "nauxdata": neos_model.config.nauxdata,
        "ninputs": neos_model.config.ninputs,
        "pars": pars.tolist(),
        "logpdf": neos_value,
        "agreement": agreement,
        "build": build,
        "evaluation": evaluation,
        "pyhf_jax_first_call_seconds": {"logpdf": first_value, "value_and_grad": first_value_and_grad},
    }


ROWS = (
    ("logpdf", "logpdf (value)", "logpdf"),
    ("logpdf_and_nll_gradient", "logpdf + nll_gradient", "value_and_grad"),
    ("nll_gradient", "nll_gradient only", "value_and_grad"),
    ("logpdf_vjp", "logpdf_vjp (d/d pars, data, inputs)", "value_and_grad"),
)


def main(argv=None) -> int:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)

    harness.enable_jax_x64()
    import numpy as np

    info = harness.report_machine(settings)

    rng = np.random.default_rng(SEED)
    results = [run_case(settings, label, spec_path, patch_path, rng) for label, spec_path, patch_path in CASES]

    headers = [
        "workload",
        "neos-swift",
        "pyhf numpy",
        "neos/numpy",
        "pyhf jax",
        "neos/jax",
        "jax 1st call",
        "neos-swift calls/s",
    ]
    rows = []
    for r in results:
        b = r["build"]
        rows.append(
            [
                f"{r['label']}: model build",
                harness.format_timing(b["neos_swift"]),
                harness.format_timing(b["pyhf_numpy"]),
                harness.format_ratio(b["neos_swift"], b["pyhf_numpy"]),
                harness.format_timing(b["pyhf_jax"]),
                harness.format_ratio(b["neos_swift"], b["pyhf_jax"]),
                "-",
                f"{1.0 / b['neos_swift'].median:,.0f}",
            ]
        )
        for key, text, first in ROWS:
            t = r["evaluation"][key]
            rows.append(
                [
                    f"{r['label']}: {text}",
                    harness.format_timing(t["neos_swift"]),
                    harness.format_timing(t.get("pyhf_numpy")),
                    harness.format_ratio(t["neos_swift"], t.get("pyhf_numpy")),
                    harness.format_timing(t["pyhf_jax"]),
                    harness.format_ratio(t["neos_swift"], t["pyhf_jax"]),
                    harness.format_seconds(r["pyhf_jax_first_call_seconds"][first]),
                    f"{1.0 / t['neos_swift'].median:,.0f}",
                ]
            )
    harness.print_table(
        headers,
        rows,
        title="model: build and logpdf / gradient, medians ±half-IQR (gradient rows: pyhf jax = jitted value_and_grad)",
    )
    worst = {key: max(r["agreement"][key] for r in results) for key in results[0]["agreement"]}
    print(
        "\nLargest differences over the cases: "
        + ", ".join(f"{k} {v:.2e}" for k, v in worst.items())
        + f" (asserted: logpdf < {LOGPDF_TOLERANCE:g}, gradients < {GRADIENT_TOLERANCE:g})"
    )
    harness.write_results(
        WORKLOAD,
        settings,
        info,
        results,
        extra={
            "parameters": {
                "seed": SEED,
                "step": STEP,
                "cases": [[c[0], str(c[1]), None if c[2] is None else str(c[2])] for c in CASES],
                "logpdf_tolerance": LOGPDF_TOLERANCE,
                "gradient_tolerance": GRADIENT_TOLERANCE,
            }
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
