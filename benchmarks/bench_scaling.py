"""Benchmark: scaling curves of neos-swift from Python, with fitted power-law exponents and a four-panel PNG.

Curves (wall-clock medians through the ``neos_swift`` package, release libneos):

(a) binned KDE value + VJP (``neos_swift.hist`` then ``neos_swift.hist_vjp(..., wrt=("data", "bins"))``, as in
    bench_hist.py) against the number of events, 1k … 1M, at 30 bins; with relaxed 0.4.0's jitted
    ``value_and_grad`` of the same (the reference of bench_hist.py) in the same run;
(b) the same against the number of bins, 4 … 100, at 100k events;
(c) one maximum-likelihood fit (``infer.mle.fit`` from the suggested initial parameters) against the number of
    model parameters, 1 … 200, on 100 bins: the normfactor ``mu`` on a signal plus k − 1 histosys modifiers of
    different shapes on the background (the workspace builder below);
(d) one fit against the number of bins, 10 … 10⁶, at one parameter (``bench_fit_scaling.workspace_spec(n,
    "none")``: the signal's normfactor only).

Events are uniform on [0, 1) (seeded), edges ``linspace(0, 1, B + 1)``, bandwidth 0.09. Before timing, every (a)/(b)
point checks neos-swift's histogram against relaxed's to 1e-9 relative. Per point the number of samples adapts to
its cost (at least 3, at most ``--repeat``; about 2 s of samples per implementation and point), so the default run
stays under ~10 minutes on a loaded 2-core machine; the process CPU seconds of the same calls are recorded too
(robust to other processes on a shared machine: wall-clock time also counts waiting for a core). A power law t = c·xᵏ is fitted (least squares on log t against
log x) over all points and over the upper half of each curve (where fixed per-call costs no longer matter); both
exponents are printed, stored and drawn. ``--quick``: fewer points, smaller sizes (a smoke run).

Output: ``benchmarks/results/scaling.json`` and ``benchmarks/results/scaling.png`` (``-quick`` variants with
``--quick``).
"""

from __future__ import annotations

import math
import os
import sys
import time

import bench_fit_scaling
import harness

WORKLOAD = "scaling"
SEED = 20261202
BANDWIDTH = 0.09
TOLERANCE = 1e-9
SECONDS_PER_POINT = 2.0
MIN_SAMPLES = 3

EVENTS = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)
BINS = (4, 7, 10, 15, 20, 30, 50, 70, 100)
PARAMETERS = (1, 2, 4, 10, 20, 50, 100, 200)
FIT_BINS = (10, 100, 1_000, 10_000, 100_000, 1_000_000)
QUICK = {
    "events": (1_000, 10_000, 100_000),
    "bins": (4, 20, 100),
    "parameters": (1, 10, 50),
    "fit_bins": (10, 1_000, 100_000),
}
EVENTS_AT_FIXED = 100_000
BINS_AT_FIXED = 30
PARAMETER_MODEL_BINS = 100


def parameters_spec(n_parameters: int, n_bins: int = PARAMETER_MODEL_BINS) -> dict:
    """A workspace with ``n_parameters`` parameters: ``mu`` on the signal, n_parameters − 1 histosys on the
    background, each a ±(3 + j % 5)% shape sin((j + 1)·π·x + j) so no two are alike."""
    spec = bench_fit_scaling.workspace_spec(n_bins, "none")
    background = spec["channels"][0]["samples"][1]
    x = [(b + 0.5) / n_bins for b in range(n_bins)]
    modifiers = []
    for j in range(n_parameters - 1):
        size = 0.03 + 0.01 * (j % 5)
        shape = [math.sin((j + 1) * math.pi * v + j) for v in x]
        modifiers.append(
            {
                "name": f"shape_{j}",
                "type": "histosys",
                "data": {
                    "hi_data": [v * (1 + size * s) for v, s in zip(background["data"], shape)],
                    "lo_data": [v * (1 - 0.8 * size * s) for v, s in zip(background["data"], shape)],
                },
            }
        )
    background["modifiers"] = modifiers
    return spec


def adaptive_measure(fn, settings: harness.Settings) -> tuple[harness.Timing, float]:
    """harness.measure with as many samples as fit in about SECONDS_PER_POINT (at least MIN_SAMPLES), and the
    process CPU seconds per call over the same calls (every thread of the process: on an oversubscribed machine
    wall-clock time also counts waiting for a core, CPU time does not)."""
    cpu = [0.0, 0]

    def counted():
        start = time.process_time()
        fn()
        cpu[0] += time.process_time() - start
        cpu[1] += 1

    single = harness.time_once(counted)
    repeat = max(MIN_SAMPLES, min(settings.repeat, int(SECONDS_PER_POINT / max(single, 1e-9))))
    timing = harness.measure(counted, repeat, warmup=min(settings.warmup, 1 if single > 0.1 else settings.warmup))
    return timing, cpu[0] / cpu[1]


def power_law(xs, ts) -> float:
    """The exponent k of t = c·xᵏ fitted by least squares on log t against log x."""
    import numpy as np

    k, _ = np.polyfit(np.log(np.asarray(xs, dtype=float)), np.log(np.asarray(ts, dtype=float)), 1)
    return float(k)


def exponents(xs, ts) -> dict:
    """Exponents over all points and over the upper half (at least the three largest points)."""
    upper = max(3, len(xs) // 2 + 1) if len(xs) >= 3 else len(xs)
    return {"all": power_law(xs, ts), "upper": power_law(xs[-upper:], ts[-upper:]), "upper_from": xs[-upper]}


def hist_curve(name, cases, settings, rng):
    """Curves (a)/(b): neos-swift and relaxed value + VJP at each (events, bins)."""
    import jax
    import jax.numpy as jnp
    import neos_swift
    import numpy as np
    import relaxed

    points = []
    for n_events, n_bins in cases:
        data = rng.uniform(0.0, 1.0, size=n_events)
        bins = np.linspace(0.0, 1.0, n_bins + 1)
        cotangent = rng.normal(size=n_bins)

        def loss(d, b, c):
            histogram = relaxed.hist(d, b, BANDWIDTH)
            return jnp.sum(c * histogram), histogram

        value_and_grad = jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))
        jdata, jbins, jcot = jnp.asarray(data), jnp.asarray(bins), jnp.asarray(cotangent)
        (_, reference), _ = value_and_grad(jdata, jbins, jcot)
        ours = neos_swift.hist(data, bins, BANDWIDTH)
        difference = harness.max_relative_difference(ours, np.asarray(reference))
        if difference > TOLERANCE:
            raise AssertionError(f"{name} {n_events} x {n_bins}: histogram differs from relaxed by {difference:.1e}")

        def run_neos():
            neos_swift.hist(data, bins, BANDWIDTH)
            neos_swift.hist_vjp(cotangent, data, bins, BANDWIDTH, wrt=("data", "bins"))

        neos_t, neos_cpu = adaptive_measure(run_neos, settings)
        jax_t, jax_cpu = adaptive_measure(lambda: jax.block_until_ready(value_and_grad(jdata, jbins, jcot)), settings)
        points.append(
            {
                "events": n_events,
                "bins": n_bins,
                "neos_swift": neos_t,
                "relaxed_jax": jax_t,
                "neos_swift_cpu": neos_cpu,
                "relaxed_jax_cpu": jax_cpu,
                "max_rel_diff": difference,
            }
        )
        print(
            f"({name}) {n_events} events x {n_bins} bins: neos {harness.format_timing(neos_t)}, "
            f"relaxed {harness.format_timing(jax_t)} (histogram rel diff {difference:.1e})",
            flush=True,
        )
    return points


def fit_curve(name, specs, settings):
    """Curves (c)/(d): one fit per (label, spec); building the model is not timed."""
    import neos_swift

    points = []
    for label, spec in specs:
        start = time.perf_counter()
        workspace = neos_swift.Workspace(spec)
        model = workspace.model()
        data = workspace.data(model)
        build = time.perf_counter() - start
        parameters, twice_nll = neos_swift.infer.mle.fit(data, model, return_fitted_val=True)
        timing, cpu = adaptive_measure(lambda: neos_swift.infer.mle.fit(data, model), settings)
        points.append(
            {
                **label,
                "parameters": len(parameters),
                "neos_swift": timing,
                "neos_swift_cpu": cpu,
                "build_seconds": build,
                "twice_nll": float(twice_nll),
            }
        )
        print(
            f"({name}) {label}: fit {harness.format_timing(timing)} (build {build:.2f} s, twice NLL "
            f"{float(twice_nll):.10g})",
            flush=True,
        )
    return points


def plot(curves, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    figure, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    for axis, curve in zip(axes.flat, curves):
        xs = np.asarray(curve["x"], dtype=float)
        for key, label, marker in (("neos_swift", "neos-swift", "o"), ("relaxed_jax", "relaxed/jax (jit)", "s")):
            if key not in curve["times"]:
                continue
            ts = np.asarray(curve["times"][key])
            exps = curve["exponents"][key]
            axis.loglog(xs, ts, marker, label=f"{label}: k = {exps['all']:.2f} (all), {exps['upper']:.2f} (upper)")
            color = axis.lines[-1].get_color()
            k, c = np.polyfit(np.log(xs), np.log(ts), 1)
            grid = np.geomspace(xs[0], xs[-1], 50)
            axis.loglog(grid, np.exp(c) * grid**k, "--", color=color, linewidth=1)
            upper = xs >= exps["upper_from"]
            k, c = np.polyfit(np.log(xs[upper]), np.log(ts[upper]), 1)
            grid = np.geomspace(exps["upper_from"], xs[-1], 20)
            axis.loglog(grid, np.exp(c) * grid**k, ":", color=color, linewidth=2)
        axis.set_title(curve["title"], fontsize=10)
        axis.set_xlabel(curve["xlabel"])
        axis.set_ylabel("seconds per call (median)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle(
        "neos-swift scaling (points: medians; dashed: power-law fit over all points, dotted: over the upper half)",
        fontsize=11,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    print(f"Plot written to {path}")


def main(argv=None) -> int:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)
    harness.enable_jax_x64()
    import numpy as np

    sizes = (
        QUICK if settings.quick else {"events": EVENTS, "bins": BINS, "parameters": PARAMETERS, "fit_bins": FIT_BINS}
    )
    load = os.getloadavg()
    info = harness.report_machine(
        settings,
        f"; samples adapt to ~{SECONDS_PER_POINT:g} s per point (at least {MIN_SAMPLES})",
        notes=[f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"],
        flush=True,
    )
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    a = hist_curve("a", [(n, BINS_AT_FIXED) for n in sizes["events"]], settings, rng)
    b = hist_curve("b", [(EVENTS_AT_FIXED, n) for n in sizes["bins"]], settings, rng)
    c = fit_curve("c", [({"k": k}, parameters_spec(k)) for k in sizes["parameters"]], settings)
    d = fit_curve(
        "d", [({"bins": n}, bench_fit_scaling.workspace_spec(n, "none")) for n in sizes["fit_bins"]], settings
    )

    def curve(title, xlabel, xs, points, keys):
        times = {key: [p[key].median for p in points] for key in keys}
        cpu = {key: [p[key + "_cpu"] for p in points] for key in keys}
        return {
            "title": title,
            "xlabel": xlabel,
            "x": list(xs),
            "times": times,
            "cpu_per_call": cpu,
            "exponents": {key: exponents(list(xs), times[key]) for key in keys},
            "cpu_exponents": {key: exponents(list(xs), cpu[key]) for key in keys},
        }

    both = ("neos_swift", "relaxed_jax")
    curves = [
        curve(f"(a) bKDE value + VJP vs events ({BINS_AT_FIXED} bins)", "events", sizes["events"], a, both),
        curve(f"(b) bKDE value + VJP vs bins ({EVENTS_AT_FIXED:,} events)", "bins", sizes["bins"], b, both),
        curve(
            f"(c) fit vs model parameters ({PARAMETER_MODEL_BINS} bins, histosys)",
            "parameters",
            [p["parameters"] for p in c],
            c,
            ("neos_swift",),
        ),
        curve("(d) fit vs bins (1 parameter)", "bins", sizes["fit_bins"], d, ("neos_swift",)),
    ]
    rows = []
    for cv, points in zip(curves, (a, b, c, d)):
        for x, p in zip(cv["x"], points):
            jax_t = p.get("relaxed_jax")
            rows.append(
                [
                    cv["title"].split(" ")[0],
                    f"{x:,}",
                    harness.format_timing(p["neos_swift"]),
                    harness.format_seconds(p["neos_swift_cpu"]),
                    harness.format_timing(jax_t) if jax_t else "",
                    harness.format_seconds(p["relaxed_jax_cpu"]) if jax_t else "",
                    harness.format_ratio(p["neos_swift"], jax_t) if jax_t else "",
                ]
            )
    harness.print_table(
        ["curve", "x", "neos-swift", "neos CPU/call", "relaxed/jax", "jax CPU/call", "neos/jax"],
        rows,
        title="scaling points (wall-clock median ±half-IQR; process CPU seconds per call)",
    )
    exponent_rows = []
    for cv in curves:
        for key, e in cv["exponents"].items():
            e_cpu = cv["cpu_exponents"][key]
            exponent_rows.append(
                [
                    cv["title"],
                    "neos-swift" if key == "neos_swift" else "relaxed/jax",
                    f"{e['all']:.2f}",
                    f"{e['upper']:.2f} (x ≥ {e['upper_from']:,})",
                    f"{e_cpu['all']:.2f}",
                    f"{e_cpu['upper']:.2f}",
                ]
            )
    harness.print_table(
        ["curve", "implementation", "k, wall (all)", "k, wall (upper)", "k, CPU (all)", "k, CPU (upper)"],
        exponent_rows,
        title="fitted power-law exponents t ∝ x^k",
    )
    png = harness.RESULTS_DIR / ("scaling-quick.png" if settings.quick else "scaling.png")
    plot(curves, png)
    elapsed = time.perf_counter() - started
    print(f"Total {elapsed:.0f} s; load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    harness.write_results(
        WORKLOAD,
        settings,
        info,
        {"curves": curves, "points": {"a": a, "b": b, "c": c, "d": d}},
        extra={"elapsed_seconds": elapsed, "load_average": {"start": load, "end": os.getloadavg()}, "png": str(png)},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
