"""Benchmark: the cost of a maximum-likelihood fit against the number of bins, from Python (neos-swift only).

Workload, per size n: one channel of n bins, a signal sample with the normfactor ``mu`` (the POI) on a background
that carries, according to the variant, nothing else (``none``: one parameter), one histosys (``histosys``: two
parameters) or a shapesys (``shapesys``: one gamma per bin, n + 1 parameters). Yields and observations are smooth
deterministic functions of the bin index (the same as ``neos-core-bench fit-scaling``, the Swift driver of
benchmarks/swift), the observations a fluctuation of 1.2 x signal + background. Timed, in process CPU seconds
(``time.process_time``: the machine is shared, wall-clock time would count the other processes): building the model
from the workspace (``Workspace(spec).model()``) and one ``infer.mle.fit`` from the suggested initial parameters.
The table also gives the fit's CPU time per bin and the exponent of fit time against bins between the two largest
sizes, which is 1 for a fit whose cost is linear in the bins.

Run it inside the benchmarks environment (``NEOS_LIBRARY`` set to a release build), e.g.
``python benchmarks/bench_fit_scaling.py --quick`` (or ``bash benchmarks/run.sh fit_scaling``).
"""

from __future__ import annotations

import math
import sys
import time

import harness

WORKLOAD = "fit_scaling"
SIZES = (1_000, 4_000, 16_000, 64_000, 256_000)
QUICK_SIZES = (1_000, 4_000, 16_000)
VARIANTS = ("none", "histosys", "shapesys")


def workspace_spec(n: int, variant: str) -> dict:
    """The workspace of one size and variant (see the module docstring)."""
    x = [(b + 0.5) / n for b in range(n)]
    signal = [5 * math.exp(-0.5 * ((v - 0.6) / 0.1) ** 2) + 0.5 for v in x]
    background = [50 + 30 * math.cos(3 * v) for v in x]
    observed = []
    for b in range(n):
        expected = 1.2 * signal[b] + background[b]
        observed.append(float(round(expected + math.sqrt(expected) * math.sin(b * 2.399963))))
    modifiers = []
    if variant == "histosys":
        up = [v * (1 + 0.05 * math.sin(7 * x[b])) for b, v in enumerate(background)]
        down = [v * (1 - 0.04 * math.sin(7 * x[b])) for b, v in enumerate(background)]
        modifiers.append({"name": "shape", "type": "histosys", "data": {"hi_data": up, "lo_data": down}})
    elif variant == "shapesys":
        uncertainty = [0.05 * v * (1 + 0.5 * x[b]) for b, v in enumerate(background)]
        modifiers.append({"name": "uncorr", "type": "shapesys", "data": uncertainty})
    return {
        "channels": [
            {
                "name": "sr",
                "samples": [
                    {
                        "name": "signal",
                        "data": signal,
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {"name": "background", "data": background, "modifiers": modifiers},
                ],
            }
        ],
        "observations": [{"name": "sr", "data": observed}],
        "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }


def cpu_seconds(fn):
    """(process CPU seconds of one call, its result)."""
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def run_case(n: int, variant: str) -> dict:
    import neos_swift

    spec = workspace_spec(n, variant)
    build, (workspace, model) = cpu_seconds(lambda: (lambda w: (w, w.model()))(neos_swift.Workspace(spec)))
    data = workspace.data(model)
    fit, (parameters, twice_nll) = cpu_seconds(lambda: neos_swift.infer.mle.fit(data, model, return_fitted_val=True))
    return {
        "variant": variant,
        "bins": n,
        "parameters": len(parameters),
        "build_cpu_seconds": build,
        "fit_cpu_seconds": fit,
        "fit_cpu_microseconds_per_bin": fit / n * 1e6,
        "twice_nll": float(twice_nll),
        "mu_hat": float(parameters[model.config.poi_index]),
    }


def main(argv=None) -> int:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)
    sizes = QUICK_SIZES if settings.quick else SIZES
    info = harness.report_machine(settings, "; one call per size (process CPU time)", flush=True)
    results = []
    for variant in VARIANTS:
        for n in sizes:
            results.append(run_case(n, variant))
            print(f"{variant} {n}: fit {results[-1]['fit_cpu_seconds']:.3f} s CPU", flush=True)
    headers = ["variant", "bins", "parameters", "build (CPU s)", "fit (CPU s)", "fit / bin (CPU µs)", "exponent"]
    rows = []
    for r in results:
        previous = [p for p in results if p["variant"] == r["variant"] and p["bins"] < r["bins"]]
        exponent = ""
        if previous:
            p = previous[-1]
            exponent = f"{math.log(r['fit_cpu_seconds'] / p['fit_cpu_seconds']) / math.log(r['bins'] / p['bins']):.2f}"
        rows.append(
            [
                r["variant"],
                r["bins"],
                r["parameters"],
                f"{r['build_cpu_seconds']:.3f}",
                f"{r['fit_cpu_seconds']:.3f}",
                f"{r['fit_cpu_microseconds_per_bin']:.2f}",
                exponent,
            ]
        )
    harness.print_table(headers, rows, title="fit cost against bins (exponent: against the previous size)")
    harness.write_results(WORKLOAD, settings, info, results, extra={"parameters": {"sizes": list(sizes)}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
