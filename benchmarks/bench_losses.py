"""Benchmark: value + gradient of neos's expected-CLs loss, neos-swift against relaxed 0.4.0 under jax.

The loss (neos's ``"cls"``): CLs of the "q" test at μ = 1 on the background-only Asimov data (free parameters at
their init, POI 0) — ``erfc(sqrt(q/2))``, only the constrained fit at μ = 1 runs — and its gradient with respect to
every number the model is built from (``model.inputs()``), on

* the 4-bin model ``simplemodels.correlated_background([5, 10, 3, 1], b=[50, 30, 20, 10], up=1.1 b, down=0.9 b)``
  with histosys code0 (reference value 0.12076356951357, d/d signal [−0.0026062, −0.0309136, −0.0097141,
  −0.0026062]);
* ATLAS sbottom RegionA (``BkgOnly.json`` + ``patch.sbottom_1300_205_60.json``; 64 parameters, 5328 inputs; normsys
  code4, histosys code4p, staterror, lumi, normfactors).

| column | what is timed |
|---|---|
| neos-swift | ``neos_swift.losses.expected_cls(model, return_grad=True)`` (value and d/d all inputs) |
| relaxed/jax | ``jax.jit(jax.value_and_grad(loss))(inputs)``, warm; ``loss`` = ``relaxed.infer.hypotest(1.0, asimov, model, init_pars, bounds, test_stat="q", expected_pars=bkg_only_pars)`` on the jax HistFactory model of ``jax_histfactory.py`` built from the same inputs vector (jaxopt LBFGSB, tol 1e-6, implicit differentiation) |
| jax 1st call | trace + compile + run of a fresh ``jax.jit`` in a fresh Python process (after imports, model building and jax backend start-up) |

The reference runs in two parameter layouts (rows): relaxed's usual **dict** {parameter name: value} (what neos
does), and **packed** {POI: μ, nuisance: one vector} (fewer pytree leaves for jaxopt, jax's faster variant).

Before any timing the script checks (and raises otherwise): the jax model reproduces pyhf 0.7.6's ``logpdf`` and
``expected_data`` (numpy backend) at several random parameter points to 1e-10 relative and has pyhf's parameter
order, init, bounds and auxdata; neos-swift's loss value agrees with the reference to 1e-5 relative and its
gradient to 1e-4 of the largest entry (both agree far better; relaxed's LBFGSB tolerance is 1e-6); the 4-bin
value and signal gradient match the documented reference. The machine's load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import harness

WORKLOAD = "losses"
BENCH_DIR = Path(__file__).resolve().parent
SBOTTOM = harness.REFDATA / "sbottom_ins1748602/RegionA"
SIGNAL = [5.0, 10.0, 3.0, 1.0]
BKG = [50.0, 30.0, 20.0, 10.0]
FOUR_BIN_SETTINGS = {"histosys": {"interpcode": "code0"}}
FOUR_BIN_REFERENCE_VALUE = 0.12076356951357
FOUR_BIN_REFERENCE_DSIG = [-0.002606158387761515, -0.030913589205383334, -0.009714109018913125, -0.0026061583877614977]
VARIANTS = ("dict", "packed")
LOGPDF_TOLERANCE = 1e-10
VALUE_TOLERANCE = 1e-5
GRADIENT_TOLERANCE = 1e-4  # max |difference| / max |gradient|
REFERENCE_TOLERANCE = 1e-10
LOGPDF_POINTS = 5
LOAD_WARNING = 1.5


# ---- the two models ---------------------------------------------------------------------------------------------


def four_bin_spec():
    bkg = [float(b) for b in BKG]
    return {
        "channels": [
            {
                "name": "single_channel",
                "samples": [
                    {
                        "name": "signal",
                        "data": list(SIGNAL),
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {
                        "name": "background",
                        "data": bkg,
                        "modifiers": [
                            {
                                "name": "correlated_bkg_uncertainty",
                                "type": "histosys",
                                "data": {"hi_data": [1.1 * b for b in bkg], "lo_data": [0.9 * b for b in bkg]},
                            }
                        ],
                    },
                ],
            }
        ]
    }


def sbottom_files():
    workspace = json.loads((SBOTTOM / "BkgOnly.json").read_text())
    patch = json.loads((SBOTTOM / "patch.sbottom_1300_205_60.json").read_text())
    return workspace, patch


CASES = {
    "4bin": {"label": "4-bin correlated_background (histosys code0)", "signal": "signal"},
    "sbottom": {"label": "sbottom RegionA + 1300_205_60", "signal": "sbottom_1300_205_60"},
}


def neos_model(key):
    import neos_swift
    import numpy as np

    if key == "4bin":
        b = np.asarray(BKG)
        return neos_swift.simplemodels.correlated_background(
            SIGNAL, b, 1.1 * b, 0.9 * b, modifier_settings=FOUR_BIN_SETTINGS
        )
    workspace, patch = sbottom_files()
    return neos_swift.Workspace(workspace).model(patches=[patch])


def jax_structure(key):
    """(structure, inputs, observed main data or None) of the jax reference model."""
    import jax_histfactory as jh

    if key == "4bin":
        structure, inputs = jh.build_model(four_bin_spec(), "mu", FOUR_BIN_SETTINGS)
        return structure, inputs, None
    workspace, patch = sbottom_files()
    spec, poi = jh.workspace_model_spec(workspace, [patch])
    structure, inputs = jh.build_model(spec, poi)
    return structure, inputs, jh.workspace_observed_main(workspace, structure)


def pyhf_model(key):
    import pyhf

    pyhf.set_backend("numpy")
    if key == "4bin":
        return pyhf.Model(four_bin_spec(), poi_name="mu", modifier_settings=FOUR_BIN_SETTINGS), None
    workspace, patch = sbottom_files()
    ws = pyhf.Workspace(workspace)
    model = ws.model(patches=[patch])
    return model, ws.data(model)


def jitted_loss(structure, variant):
    import jax
    import jax_histfactory as jh

    return jax.jit(jax.value_and_grad(jh.expected_cls_loss(structure, packed=(variant == "packed"))))


# ---- checks -----------------------------------------------------------------------------------------------------


def check_against_pyhf(key, structure, inputs, observed_main):
    """Largest relative difference of the jax model's logpdf / expected_data from pyhf 0.7.6 (numpy) at random
    parameter points, with the observed (sbottom) and Asimov data; raises beyond LOGPDF_TOLERANCE."""
    import jax
    import jax.numpy as jnp
    import jax_histfactory as jh
    import numpy as np

    model, data = pyhf_model(key)
    config = model.config
    if structure.par_order != list(config.par_order):
        raise AssertionError(f"{key}: parameter order {structure.par_order} != pyhf {config.par_order}")
    for name, mine, theirs in (
        ("init", structure.suggested_init(), config.suggested_init()),
        ("bounds", structure.suggested_bounds(), config.suggested_bounds()),
        ("fixed", structure.suggested_fixed(), config.suggested_fixed()),
    ):
        if not np.array_equal(np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)):
            raise AssertionError(f"{key}: suggested {name} differs from pyhf")
    jmodel = jh.HistFactoryModel(structure, jnp.asarray(inputs))
    auxdata = np.asarray(jmodel.auxdata())
    worst = {"auxdata": float(np.max(np.abs(auxdata - np.asarray(config.auxdata)))) if auxdata.size else 0.0}
    if data is not None:
        worst["observed_data"] = harness.max_relative_difference(np.concatenate([observed_main, auxdata]), data)
    logpdf = jax.jit(lambda d, p: jmodel.logpdf(d, p))
    expected = jax.jit(lambda p: jmodel.expected_data(p))
    rng = np.random.default_rng(20240611)
    init, bounds, fixed = (
        np.asarray(config.suggested_init()),
        np.asarray(config.suggested_bounds()),
        np.asarray(config.suggested_fixed()),
    )
    lp_worst = ed_worst = 0.0
    for _ in range(LOGPDF_POINTS):
        pars = init.copy()
        for i, (lo, hi) in enumerate(bounds):
            if fixed[i]:
                continue
            if init[i] == 0.0:  # normsys/histosys α: both sides of ±1 (code4/code4p branches)
                pars[i] = rng.uniform(-2.5, 2.5)
            else:  # normfactors, lumi, γ: around the init
                pars[i] = init[i] * rng.uniform(0.8, 1.25)
            pars[i] = min(max(pars[i], lo), hi)
        asimov = np.asarray(model.expected_data(pars))
        ed_worst = max(ed_worst, harness.max_relative_difference(np.asarray(expected(jnp.asarray(pars))), asimov))
        for d in [asimov] + ([np.asarray(data)] if data is not None else []):
            mine = float(logpdf(jnp.asarray(d), jnp.asarray(pars)))
            theirs = float(model.logpdf(pars, d)[0])
            lp_worst = max(lp_worst, abs(mine - theirs) / abs(theirs))
    worst["logpdf"] = lp_worst
    worst["expected_data"] = ed_worst
    bad = {k: v for k, v in worst.items() if not v <= LOGPDF_TOLERANCE}
    if bad:
        raise AssertionError(f"{key}: jax model differs from pyhf 0.7.6 beyond {LOGPDF_TOLERANCE:g}: {bad}")
    return worst


def compare_gradients(structure, neos_names, neos_grad, jax_grad, signal):
    """Align by input name; relative differences on the signal's nominal yields and the largest differences."""
    import numpy as np

    index = {n: i for i, n in enumerate(neos_names)}
    if set(index) != set(structure.input_names):
        raise AssertionError(
            "neos-swift and the jax model have different inputs: "
            f"{sorted(set(index) ^ set(structure.input_names))[:10]}"
        )
    neos = np.asarray(neos_grad)[[index[n] for n in structure.input_names]]
    ref = np.asarray(jax_grad)
    scale = float(np.max(np.abs(ref)))
    diff = np.abs(neos - ref)
    signal_entries = [i for i, n in enumerate(structure.input_names) if f"/{signal}/nominal[" in n]
    nominal_entries = [i for i, n in enumerate(structure.input_names) if "/nominal[" in n]
    large = [i for i in range(len(ref)) if abs(ref[i]) > 1e-3 * scale]
    top = sorted(range(len(ref)), key=lambda i: -abs(ref[i]))[:5]

    def entries(indices):
        return {
            structure.input_names[i]: {
                "neos_swift": float(neos[i]),
                "jax": float(ref[i]),
                "rel_diff": float(diff[i] / abs(ref[i])),
            }
            for i in indices
        }

    return {
        "max_abs_diff_over_max_grad": float(np.max(diff) / scale),
        "worst_entry": structure.input_names[int(np.argmax(diff))],
        "max_rel_diff_entries_above_1e-3_of_max": float(np.max(diff[large] / np.abs(ref[large]))),
        "n_entries_above_1e-3_of_max": len(large),
        "max_rel_diff_nominal": float(np.max(diff[nominal_entries] / np.maximum(np.abs(ref[nominal_entries]), 1e-300))),
        "signal": entries(signal_entries),
        "largest": entries(top),
    }


# ---- the first call in a fresh process --------------------------------------------------------------------------


def first_call_child(key, variant) -> int:
    """Run in a fresh process: build the model, start jax's backend, then time one call of a new jitted
    value_and_grad (trace + compile + run). Prints one JSON line."""
    import jax
    import jax.numpy as jnp

    structure, inputs, _ = jax_structure(key)
    x = jax.block_until_ready(jnp.asarray(inputs))
    fn = jitted_loss(structure, variant)
    start = time.perf_counter()
    value, _ = jax.block_until_ready(fn(x))
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    jax.block_until_ready(fn(x))
    second = time.perf_counter() - start
    print(
        json.dumps(
            {
                "key": key,
                "variant": variant,
                "first_call_seconds": seconds,
                "second_call_seconds": second,
                "value": float(value),
            }
        )
    )
    return 0


def first_call_fresh_process(key, variant):
    command = [sys.executable, str(Path(__file__).resolve()), "--first-call-child", key, variant]
    completed = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"first-call child {key}/{variant} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# ---- the workload -----------------------------------------------------------------------------------------------


def loadavg():
    return [round(v, 2) for v in os.getloadavg()]


def cpu_snapshot():
    """(wall seconds, machine-wide busy CPU seconds from /proc/stat, this process's CPU seconds incl. children)."""
    with open("/proc/stat", encoding="utf-8") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:]]
    busy = sum(ticks[:8]) - ticks[3] - ticks[4]  # all but idle and iowait (guest is inside user)
    own = os.times()
    return (
        time.perf_counter(),
        busy / os.sysconf("SC_CLK_TCK"),
        own.user + own.system + own.children_user + own.children_system,
    )


def other_cpu(start, end):
    """Average number of cores busy with other processes between two snapshots (the load average also counts
    this benchmark's own threads, so it is never below ~1 while the benchmark runs)."""
    wall = end[0] - start[0]
    return round(max(0.0, (end[1] - start[1]) - (end[2] - start[2])) / wall, 2) if wall > 0 else None


def run_case(settings, key, variants):
    import jax
    import jax.numpy as jnp
    import neos_swift
    import numpy as np

    label, signal = CASES[key]["label"], CASES[key]["signal"]
    model = neos_model(key)
    names, _ = model.inputs()

    def neos_call():
        return neos_swift.losses.expected_cls(model, return_grad=True)

    neos_first = harness.time_once(neos_call)
    neos_value, neos_grad = neos_call()
    print(
        f"\n[{label}] neos-swift: {model.config.npars} parameters, {len(names)} inputs; expected CLs "
        f"{neos_value:.14g} (first call {harness.format_seconds(neos_first)})",
        flush=True,
    )
    if key == "4bin":
        dsig = neos_grad[[names.index(f"single_channel/signal/nominal[{i}]") for i in range(4)]]
        reference = {
            "value_rel_diff": abs(neos_value / FOUR_BIN_REFERENCE_VALUE - 1.0),
            "dsig_max_rel_diff": harness.max_relative_difference(dsig, FOUR_BIN_REFERENCE_DSIG),
        }
        if max(reference.values()) > REFERENCE_TOLERANCE:
            raise AssertionError(f"{label}: neos-swift differs from the documented reference: {reference}")
        print(
            f"[{label}] neos-swift vs documented reference: value {reference['value_rel_diff']:.1e}, d/d signal "
            f"{reference['dsig_max_rel_diff']:.1e}",
            flush=True,
        )
    else:
        reference = None

    structure, inputs, observed = jax_structure(key)
    pyhf_check = check_against_pyhf(key, structure, inputs, observed)
    print(
        f"[{label}] jax model vs pyhf 0.7.6 (numpy), {LOGPDF_POINTS} random points: logpdf "
        f"{pyhf_check['logpdf']:.1e}, expected_data {pyhf_check['expected_data']:.1e}"
        + (f", observed data {pyhf_check['observed_data']:.1e}" if "observed_data" in pyhf_check else ""),
        flush=True,
    )

    x = jax.block_until_ready(jnp.asarray(inputs))
    out = {
        "key": key,
        "label": label,
        "npars": model.config.npars,
        "ninputs": len(names),
        "neos_swift": {"value": neos_value, "first_call_seconds": neos_first},
        "reference_check": reference,
        "pyhf_logpdf_check": pyhf_check,
        "jax": {},
    }
    jax_fns = {}
    for variant in variants:
        fn = jitted_loss(structure, variant)
        start = time.perf_counter()
        value, grad = jax.block_until_ready(fn(x))
        in_process_first = time.perf_counter() - start
        value, grad = float(value), np.asarray(grad)
        value_rel = abs(neos_value / value - 1.0)
        gradients = compare_gradients(structure, names, neos_grad, grad, signal)
        print(
            f"[{label}] relaxed/jax ({variant}): CLs {value:.14g}, rel diff of neos-swift {value_rel:.1e}; "
            f"gradient: max |diff| / max |g| {gradients['max_abs_diff_over_max_grad']:.1e}, signal nominal max rel "
            f"{max(v['rel_diff'] for v in gradients['signal'].values()):.1e}, entries > 1e-3 max: max rel "
            f"{gradients['max_rel_diff_entries_above_1e-3_of_max']:.1e} "
            f"(in-process first call {harness.format_seconds(in_process_first)})",
            flush=True,
        )
        if not value_rel <= VALUE_TOLERANCE or not gradients["max_abs_diff_over_max_grad"] <= GRADIENT_TOLERANCE:
            raise AssertionError(
                f"{label} ({variant}): neos-swift and relaxed/jax disagree: value {value_rel:.2e}, "
                f"gradient {gradients['max_abs_diff_over_max_grad']:.2e}"
            )
        out["jax"][variant] = {
            "value": value,
            "value_rel_diff": value_rel,
            "gradient": gradients,
            "in_process_first_call_seconds": in_process_first,
        }
        jax_fns[variant] = fn
    print(
        f"[{label}] d CLs / d signal nominal:\n"
        + "\n".join(
            f"    {n}: neos-swift {v['neos_swift']: .12e}, jax {v['jax']: .12e}"
            for n, v in out["jax"][variants[0]]["gradient"]["signal"].items()
        ),
        flush=True,
    )

    # ---- timing (after every check)
    out["loadavg_before_timing"] = loadavg()
    snapshot = cpu_snapshot()
    out["timings"] = {"neos_swift": harness.measure(neos_call, settings.repeat, settings.warmup)}
    print(f"[{label}] neos-swift: {harness.format_timing(out['timings']['neos_swift'])}", flush=True)
    for variant, fn in jax_fns.items():
        timing = harness.measure(lambda fn=fn: jax.block_until_ready(fn(x)), settings.repeat, settings.warmup)
        out["timings"][f"jax_{variant}"] = timing
        print(f"[{label}] relaxed/jax ({variant}), jit warm: {harness.format_timing(timing)}", flush=True)
    out["loadavg_after_timing"] = loadavg()
    out["other_processes_cores_during_timing"] = other_cpu(snapshot, cpu_snapshot())
    print(
        f"[{label}] load average before/after timing {out['loadavg_before_timing']}/"
        f"{out['loadavg_after_timing']}; other processes used {out['other_processes_cores_during_timing']} "
        "cores on average while timing",
        flush=True,
    )
    return out


def main(argv=None) -> int:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--first-call-child", nargs=2, metavar=("CASE", "VARIANT"))
    pre.add_argument(
        "--first-call",
        choices=("process", "jit"),
        default=None,
        help="first jax call measured in a fresh process (default; --quick: the in-process first call of a fresh jit)",
    )
    pre.add_argument("--variants", default=",".join(VARIANTS), help="reference parameter layouts: dict,packed")
    pre.add_argument("--cases", default=",".join(CASES), help="models: 4bin,sbottom")
    own, rest = pre.parse_known_args(argv)

    harness.enable_jax_x64()
    if own.first_call_child:
        return first_call_child(*own.first_call_child)

    settings = harness.parse_args(
        WORKLOAD,
        __doc__.splitlines()[0] + " Extra options: --first-call {process,jit}, "
        "--variants dict,packed, --cases 4bin,sbottom.",
        rest,
    )
    variants = tuple(v for v in own.variants.split(",") if v)
    cases = tuple(c for c in own.cases.split(",") if c)
    if not set(variants) <= set(VARIANTS) or not set(cases) <= set(CASES) or not variants or not cases:
        raise SystemExit(f"--variants from {VARIANTS}, --cases from {tuple(CASES)}")
    first_call_mode = own.first_call or ("jit" if settings.quick else "process")

    loads = {"start": loadavg()}
    run_snapshot = cpu_snapshot()
    info = harness.report_machine(
        settings,
        f"; jax first call: {'fresh process' if first_call_mode == 'process' else 'fresh jit in this process'}",
        notes=[f"Load average at start: {loads['start']}"],
        flush=True,
    )

    results = [run_case(settings, key, variants) for key in cases]

    if first_call_mode == "process":
        for r in results:
            for variant in variants:
                child = first_call_fresh_process(r["key"], variant)
                r["jax"][variant]["first_call_seconds"] = child["first_call_seconds"]
                r["jax"][variant]["first_call_fresh_process"] = child
                print(
                    f"[{r['label']}] relaxed/jax ({variant}) first call in a fresh process: "
                    f"{harness.format_seconds(child['first_call_seconds'])}",
                    flush=True,
                )
    else:
        for r in results:
            for variant in variants:
                r["jax"][variant]["first_call_seconds"] = r["jax"][variant]["in_process_first_call_seconds"]
    loads["end"] = loadavg()
    loads["other_processes_cores_whole_run"] = other_cpu(run_snapshot, cpu_snapshot())
    peak = max(
        [max(loads["start"][:1] + loads["end"][:1])]
        + [max(r["loadavg_before_timing"][0], r["loadavg_after_timing"][0]) for r in results]
    )
    under_load = peak > LOAD_WARNING

    headers = [
        "workload (value + gradient)",
        "neos-swift",
        "relaxed/jax (jit, warm)",
        "neos/jax",
        "jax 1st call",
        "neos/jax 1st",
        "neos 1st call",
    ]
    rows = []
    for r in results:
        for variant in variants:
            t = r["timings"]
            first = r["jax"][variant]["first_call_seconds"]
            rows.append(
                [
                    f"{r['label']}, {variant} pars",
                    harness.format_timing(t["neos_swift"]),
                    harness.format_timing(t[f"jax_{variant}"]),
                    harness.format_ratio(t["neos_swift"], t[f"jax_{variant}"]),
                    harness.format_seconds(first),
                    harness.format_ratio(t["neos_swift"], first),
                    harness.format_seconds(r["neos_swift"]["first_call_seconds"]),
                ]
            )
    harness.print_table(
        headers, rows, title=f"expected_cls value + gradient: medians ±half-IQR ({settings.repeat} samples)"
    )

    headers = [
        "workload",
        "neos-swift CLs",
        "relaxed/jax CLs",
        "value rel diff",
        "d/d signal: max rel diff",
        "all inputs: max abs diff / max abs grad",
        "jax logpdf vs pyhf",
    ]
    rows = []
    for r in results:
        for variant in variants:
            j = r["jax"][variant]
            rows.append(
                [
                    f"{r['label']}, {variant} pars",
                    f"{r['neos_swift']['value']:.12g}",
                    f"{j['value']:.12g}",
                    f"{j['value_rel_diff']:.1e}",
                    f"{max(v['rel_diff'] for v in j['gradient']['signal'].values()):.1e}",
                    f"{j['gradient']['max_abs_diff_over_max_grad']:.1e}",
                    f"{r['pyhf_logpdf_check']['logpdf']:.1e}",
                ]
            )
    harness.print_table(headers, rows, title="agreement (checked before timing)")
    print(
        f"\nLoad average (1, 5, 15 min; it counts this benchmark's own threads too): start {loads['start']}, "
        f"end {loads['end']}; per case before/after timing: "
        + "; ".join(f"{r['key']} {r['loadavg_before_timing']}/{r['loadavg_after_timing']}" for r in results)
    )
    print(
        "Cores used by other processes (from /proc/stat minus this process and its children): whole run "
        f"{loads['other_processes_cores_whole_run']}; while timing: "
        + ", ".join(f"{r['key']} {r['other_processes_cores_during_timing']}" for r in results)
    )
    if under_load and not settings.quick:
        print(
            f"WARNING: this full run was made under load (1-minute load average up to {peak:.2f} > "
            f"{LOAD_WARNING}; see the other-process cores above for how much of it was not this benchmark); "
            "timings (jax's multi-threaded XLA especially) may be inflated."
        )
    harness.write_results(
        WORKLOAD,
        settings,
        info,
        results,
        extra={
            "parameters": {
                "test_poi": 1.0,
                "test_stat": "q",
                "four_bin_modifier_settings": FOUR_BIN_SETTINGS,
                "variants": variants,
                "first_call": first_call_mode,
                "logpdf_tolerance": LOGPDF_TOLERANCE,
                "value_tolerance": VALUE_TOLERANCE,
                "gradient_tolerance": GRADIENT_TOLERANCE,
                "relaxed_fit": "jaxopt LBFGSB, maxiter 500, tol 1e-6, implicit_diff (relaxed 0.4.0 defaults), "
                "fixed_poi_fit copying the parameter dict (jax_histfactory.fixed_poi_fit)",
            },
            "loadavg": {**loads, "peak_1min": peak, "under_load": under_load, "threshold": LOAD_WARNING},
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
