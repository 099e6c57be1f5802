"""Benchmark: toy-based hypothesis tests (pseudo-experiments) against pyhf 0.7.6's ToyCalculator (numpy backend).

The workload is ``ToyCalculator(data, model, ntoys=N, track_progress=False).distributions(1.0)``: two fixed-POI fits
of the data, then N signal-plus-background and N background-only toys, each fitted twice (q-tilde at mu = 1). The
rate reported is toys per second, 2N toys per call, on

* the 1-bin model of pyhf's validation case 1bin_example1, ``uncorrelated_background([10], [50], [7])``, data [55];
* pyhf's documented 2-bin model, ``uncorrelated_background([12, 11], [50, 52], [3, 7])``, data [51, 48].

neos-swift draws and fits its toys in the core (``seed`` fixed), on one thread and on every core; pyhf draws them
with numpy and fits each with scipy's SLSQP, one after another, so it runs far fewer toys per call (its rate does
not depend on N beyond the two initial fits). Before timing, both runs' CLsb and CLb at the observed q-tilde are
checked to agree within 5 standard errors of the difference of two binomial fractions: the toys differ (different
random streams), so agreement is statistical, and the script fails beyond it.

Run it inside the benchmarks environment (``benchmarks/.venv``, with ``NEOS_LIBRARY`` set to a release build), e.g.
``python benchmarks/bench_toys.py --quick`` (or ``bash benchmarks/run.sh toys````.
"""

from __future__ import annotations

import math
import sys

import harness

WORKLOAD = "toys"
POI_TEST = 1.0
NTOYS_NEOS = 2000
NTOYS_PYHF = 100
QUICK_NTOYS_NEOS = 200
QUICK_NTOYS_PYHF = 20
PYHF_REPEAT = 3  # pyhf calls take seconds: a few samples, no warm-up
SEED = 2026
SIGMAS = 5.0

CASES = (
    ("1-bin (1bin_example1)", dict(signal=[10.0], bkg=[50.0], bkg_uncertainty=[7.0]), [55.0]),
    ("2-bin (pyhf docs)", dict(signal=[12.0, 11.0], bkg=[50.0, 52.0], bkg_uncertainty=[3.0, 7.0]), [51.0, 48.0]),
)


def tails(lib, model, data, ntoys, **kwargs):
    """Observed (CLsb, CLb) from ``ntoys`` toys per hypothesis."""
    calc = lib.infer.calculators.ToyCalculator(data, model, ntoys=ntoys, track_progress=False, **kwargs)
    q = calc.teststatistic(POI_TEST)
    sb, b = calc.distributions(POI_TEST)
    clsb, clb, _ = calc.pvalues(q, sb, b)
    return float(clsb), float(clb)


def check_agreement(label, ours, theirs, n_ours, n_theirs):
    """Raise unless each tail fraction agrees within SIGMAS binomial standard errors of the difference."""
    differences = []
    for name, a, b in zip(("CLsb", "CLb"), ours, theirs):
        p = min(max(0.5 * (a + b), 1.0 / n_theirs), 1 - 1.0 / n_theirs)
        error = math.sqrt(p * (1 - p) * (1.0 / n_ours + 1.0 / n_theirs))
        differences.append((a - b) / error)
        if abs(a - b) > SIGMAS * error:
            raise SystemExit(
                f"{label}: {name} neos-swift {a:.4f} ({n_ours} toys) vs pyhf {b:.4f} ({n_theirs} toys) differ by "
                f"{abs(a - b) / error:.1f} standard errors (> {SIGMAS:g})"
            )
    return differences


def run_case(settings, label, arguments, observed):
    import neos_swift
    import numpy as np
    import pyhf

    pyhf.set_backend("numpy")
    n_ours = QUICK_NTOYS_NEOS if settings.quick else NTOYS_NEOS
    n_pyhf = QUICK_NTOYS_PYHF if settings.quick else NTOYS_PYHF
    ours_model = neos_swift.simplemodels.uncorrelated_background(**arguments)
    theirs_model = pyhf.simplemodels.uncorrelated_background(**arguments)
    ours_data = observed + list(ours_model.config.auxdata)
    theirs_data = observed + list(theirs_model.config.auxdata)

    np.random.seed(SEED)
    theirs_tails = tails(pyhf, theirs_model, theirs_data, n_pyhf)
    ours_tails = tails(neos_swift, ours_model, ours_data, n_ours, seed=SEED)
    standard_errors = check_agreement(label, ours_tails, theirs_tails, n_ours, n_pyhf)

    def ours_call(threads):
        calc = neos_swift.infer.calculators.ToyCalculator(
            ours_data, ours_model, ntoys=n_ours, track_progress=False, seed=SEED, threads=threads
        )
        return lambda: calc.distributions(POI_TEST)

    def pyhf_call():
        calc = pyhf.infer.calculators.ToyCalculator(theirs_data, theirs_model, ntoys=n_pyhf, track_progress=False)
        calc.distributions(POI_TEST)

    timings = {
        "neos_swift_1_thread": harness.measure(ours_call(1), settings.repeat, settings.warmup),
        "neos_swift_all_cores": harness.measure(ours_call(None), settings.repeat, settings.warmup),
        "pyhf_numpy": harness.measure(pyhf_call, 1 if settings.quick else PYHF_REPEAT, warmup=0, number=1),
    }
    toys = {"neos_swift_1_thread": 2 * n_ours, "neos_swift_all_cores": 2 * n_ours, "pyhf_numpy": 2 * n_pyhf}
    rates = {key: toys[key] / timings[key].median for key in timings}
    print(
        f"[{label}] CLsb, CLb: neos-swift {ours_tails[0]:.4f}, {ours_tails[1]:.4f} ({n_ours} toys); pyhf "
        f"{theirs_tails[0]:.4f}, {theirs_tails[1]:.4f} ({n_pyhf} toys); differences "
        f"{standard_errors[0]:+.1f}, {standard_errors[1]:+.1f} standard errors",
        flush=True,
    )
    return {
        "label": label,
        "model": arguments,
        "observed": observed,
        "ntoys_per_hypothesis": {"neos_swift": n_ours, "pyhf_numpy": n_pyhf},
        "tails": {"neos_swift": ours_tails, "pyhf_numpy": theirs_tails},
        "difference_standard_errors": standard_errors,
        "toys_per_call": toys,
        "toys_per_second": rates,
        "timings": timings,
    }


def main(argv=None) -> int:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)
    info = harness.report_machine(
        settings, f"; pyhf: {1 if settings.quick else PYHF_REPEAT} samples of one call, no warm-up", flush=True
    )
    results = [run_case(settings, label, arguments, observed) for label, arguments, observed in CASES]
    headers = [
        "model",
        "neos-swift 1 thread",
        "neos-swift all cores",
        "pyhf numpy",
        "speed-up (1 thread)",
        "speed-up (all cores)",
    ]
    rows = []
    for r in results:
        rate = r["toys_per_second"]
        t = r["timings"]
        rows.append(
            [
                r["label"],
                f"{rate['neos_swift_1_thread']:.0f} toys/s ({harness.format_timing(t['neos_swift_1_thread'])})",
                f"{rate['neos_swift_all_cores']:.0f} toys/s ({harness.format_timing(t['neos_swift_all_cores'])})",
                f"{rate['pyhf_numpy']:.1f} toys/s ({harness.format_timing(t['pyhf_numpy'])})",
                f"{rate['neos_swift_1_thread'] / rate['pyhf_numpy']:.0f}x",
                f"{rate['neos_swift_all_cores'] / rate['pyhf_numpy']:.0f}x",
            ]
        )
    harness.print_table(headers, rows, title="toys per second (each toy: one q-tilde, two fits); per-call medians")
    harness.write_results(
        WORKLOAD,
        settings,
        info,
        results,
        extra={"parameters": {"poi_test": POI_TEST, "test_stat": "qtilde", "seed": SEED, "sigmas": SIGMAS}},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
