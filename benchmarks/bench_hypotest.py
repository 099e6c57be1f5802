"""Benchmark: asymptotic CLs hypothesis tests and upper limits against pyhf (numpy + scipy, and jax).

Hypothesis tests: ``hypotest(1.0, data, model, test_stat="qtilde", return_expected_set=True)`` — observed CLs and
the five-point expected band — with ``neos_swift.infer.hypotest`` and ``pyhf.infer.hypotest`` on

* a 1-bin model, ``simplemodels.uncorrelated_background([5.], [50.], [7.])``, data [55] + auxdata;
* validation_2bin_2channel (modifier_settings normsys code1, histosys code0);
* ATLAS sbottom RegionA + signal patch sbottom_1300_205_60 (64 parameters).

Upper limits: ``upper_limit(data, model, scan=None)`` on the 1-bin model — neos-swift root-finds to full
precision; pyhf 0.7.6 runs ``toms748_scan`` (its default ``rtol=1e-4``, and with ``rtol=1e-6`` passed through).
Under the jax backend pyhf 0.7.6's ``toms748_scan`` raises (scikit-hep/pyhf#2466); that is recorded, not timed.

pyhf runs with the numpy backend (scipy SLSQP fits) and with the jax backend (pyhf jit-compiles the objective and
its gradient, scipy SLSQP drives the fit); the model is rebuilt after each ``pyhf.set_backend``. The first jax call
(tracing + compilation + one run) is timed separately, then the jitted functions are warm. Calls of a reference
that take longer than ``SLOW_SECONDS`` are timed with ``SLOW_REPEAT`` samples (1 with --quick) and no warm-up.

Agreement with pyhf is printed and stored, not asserted tightly: neos-swift converges its fits to machine
precision while pyhf's SLSQP stops at ftol 1e-6, so relative differences up to ~1e-4 are expected. The script
only fails beyond ``TOLERANCE`` (relative, or absolute for CLs values below ``ABSOLUTE_FLOOR``).
"""

from __future__ import annotations

import json
import sys

import harness

WORKLOAD = "hypotest"
REFDATA = harness.REFDATA
SBOTTOM = REFDATA / "sbottom_ins1748602/RegionA"
VALIDATION = REFDATA / "workspaces/validation_2bin_2channel.json"
VALIDATION_SETTINGS = {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}}
POI_TEST = 1.0
SLOW_SECONDS = 1.0
SLOW_REPEAT = 3
TOLERANCE = 1e-3
ABSOLUTE_FLOOR = 1e-6
# pyhf 0.7.6's toms748_scan (upper_limit with scan=None) fails under the jax backend: it keys a dict on the POI,
# which is a jax array there (https://github.com/scikit-hep/pyhf/issues/2466).
PYHF_JAX_TOMS748_ISSUE = "known pyhf bug scikit-hep/pyhf#2466"


# ---- models -----------------------------------------------------------------------------------------------------


def one_bin(lib):
    model = lib.simplemodels.uncorrelated_background([5.0], [50.0], [7.0])
    return model, [55.0] + list(model.config.auxdata)


def validation(lib):
    spec = json.loads(VALIDATION.read_text())
    workspace = lib.Workspace(spec)
    model = workspace.model(modifier_settings=VALIDATION_SETTINGS)
    return model, list(workspace.data(model))


def sbottom(lib):
    spec = json.loads((SBOTTOM / "BkgOnly.json").read_text())
    patch = json.loads((SBOTTOM / "patch.sbottom_1300_205_60.json").read_text())
    workspace = lib.Workspace(spec)
    model = workspace.model(patches=[patch])
    return model, list(workspace.data(model))


HYPOTEST_CASES = (
    ("1-bin uncorrelated_background", one_bin),
    ("validation_2bin_2channel", validation),
    ("sbottom RegionA + 1300_205_60", sbottom),
)


# ---- helpers ----------------------------------------------------------------------------------------------------


def flatten_hypotest(result):
    """``(CLs, band)`` → [CLs, band[0..4]] as floats."""
    import numpy as np

    cls, band = result
    return [float(cls)] + [float(v) for v in np.asarray(band, dtype=np.float64).ravel()]


def flatten_limit(result):
    import numpy as np

    observed, expected = result[0], result[1]
    return [float(observed)] + [float(v) for v in np.asarray(expected, dtype=np.float64).ravel()]


def relative_differences(actual, expected):
    return [abs(a - e) / abs(e) if e != 0 else abs(a - e) for a, e in zip(actual, expected)]


def check_agreement(label, reference, actual, expected):
    """Per-entry relative differences; raises only beyond TOLERANCE (absolute below ABSOLUTE_FLOOR)."""
    differences = relative_differences(actual, expected)
    for a, e, d in zip(actual, expected, differences):
        if not (d < TOLERANCE or abs(a - e) < ABSOLUTE_FLOOR):
            raise AssertionError(
                f"{label}: neos-swift {a!r} vs {reference} {e!r} (rel diff {d:.3e}) — beyond {TOLERANCE:g}"
            )
    return differences


def measure_reference(settings, fn, single_call_seconds):
    """Full repetitions for fast calls, SLOW_REPEAT samples (1 with --quick) and no warm-up for slow ones."""
    if single_call_seconds > SLOW_SECONDS:
        return harness.measure(fn, 1 if settings.quick else min(SLOW_REPEAT, settings.repeat), warmup=0, number=1)
    return harness.measure(fn, settings.repeat, settings.warmup)


def report_reference(tag, key, first_call, timing, columns, differences):
    """One reference's line: its first call, its median and neos-swift's relative differences from it."""
    print(
        f"[{tag}] {key}: first call {harness.format_seconds(first_call)}, median "
        f"{harness.format_timing(timing)} (n={timing.repeat}); rel diff of neos-swift "
        f"[{columns}] " + ", ".join(f"{d:.1e}" for d in differences),
        flush=True,
    )


def timed(fn):
    """(result, seconds) of one call."""
    import time

    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


# ---- workloads --------------------------------------------------------------------------------------------------


def run_hypotest_case(settings, label, make_model):
    import neos_swift
    import pyhf

    neos_model, neos_data = make_model(neos_swift)

    def neos_call():
        return neos_swift.infer.hypotest(POI_TEST, neos_data, neos_model, test_stat="qtilde", return_expected_set=True)

    neos_values = flatten_hypotest(neos_call())
    print(
        f"\n[{label}] neos-swift {neos_model.config.npars} parameters; CLs {neos_values[0]:.8g}, expected band "
        + ", ".join(f"{v:.6g}" for v in neos_values[1:]),
        flush=True,
    )
    timings, first_calls, values, agreement = {}, {}, {}, {}
    timings["neos_swift"] = harness.measure(neos_call, settings.repeat, settings.warmup)
    values["neos_swift"] = neos_values

    for backend in ("numpy", "jax"):
        key = f"pyhf_{backend}"
        pyhf.set_backend(backend)
        model, data_list = make_model(pyhf)  # rebuilt under this backend
        data = pyhf.tensorlib.astensor(data_list)

        def pyhf_call(model=model, data=data):
            return pyhf.infer.hypotest(POI_TEST, data, model, test_stat="qtilde", return_expected_set=True)

        result, first_calls[key] = timed(pyhf_call)
        values[key] = flatten_hypotest(result)
        agreement[key] = check_agreement(f"{label} vs {key}", key, neos_values, values[key])
        single = first_calls[key]
        if backend == "jax":  # the first call compiled; time a warm one to pick the repetitions
            single = harness.time_once(pyhf_call)
        timings[key] = measure_reference(settings, pyhf_call, single)
        report_reference(label, key, first_calls[key], timings[key], "CLs, band", agreement[key])
    pyhf.set_backend("numpy")
    return {
        "label": label,
        "kind": "hypotest",
        "npars": neos_model.config.npars,
        "values": values,
        "agreement_rel_diff": agreement,
        "timings": timings,
        "first_call_seconds": first_calls,
    }


def run_upper_limit(settings):
    import neos_swift
    import pyhf
    from pyhf.infer.intervals import upper_limits as pyhf_upper_limits

    label = "1-bin upper limit (scan=None)"
    neos_model, neos_data = one_bin(neos_swift)

    def neos_call():
        return neos_swift.infer.intervals.upper_limits.upper_limit(neos_data, neos_model, scan=None)

    neos_values = flatten_limit(neos_call())
    print(
        f"\n[{label}] neos-swift observed {neos_values[0]:.10g}, expected "
        + ", ".join(f"{v:.10g}" for v in neos_values[1:]),
        flush=True,
    )
    neos_timing = harness.measure(neos_call, settings.repeat, settings.warmup)

    results = []
    variants = (("pyhf rtol 1e-4 (default)", {}), ("pyhf rtol 1e-6", {"rtol": 1e-6}))
    for variant, kwargs in variants:
        timings, first_calls, values, agreement = {"neos_swift": neos_timing}, {}, {"neos_swift": neos_values}, {}
        errors = {}
        for backend in ("numpy", "jax"):
            key = f"pyhf_{backend}"
            pyhf.set_backend(backend)
            model, data_list = one_bin(pyhf)
            data = pyhf.tensorlib.astensor(data_list)

            def pyhf_call(model=model, data=data):
                return pyhf_upper_limits.upper_limit(data, model, scan=None, **kwargs)

            try:
                result, first_calls[key] = timed(pyhf_call)
            except TypeError as error:  # pyhf 0.7.6 + jax: toms748_scan caches on unhashable jax arrays
                print(
                    f"[{label}, {variant}] {key}: pyhf failed ({type(error).__name__}: {error}) — "
                    f"{PYHF_JAX_TOMS748_ISSUE}",
                    flush=True,
                )
                errors[key] = f"{type(error).__name__}: {error} ({PYHF_JAX_TOMS748_ISSUE})"
                timings[key] = first_calls[key] = values[key] = agreement[key] = None
                continue
            values[key] = flatten_limit(result)
            agreement[key] = check_agreement(f"{label}, {variant} vs {key}", key, neos_values, values[key])
            single = first_calls[key] if backend == "numpy" else harness.time_once(pyhf_call)
            timings[key] = measure_reference(settings, pyhf_call, single)
            report_reference(
                f"{label}, {variant}", key, first_calls[key], timings[key], "obs, exp band", agreement[key]
            )
        pyhf.set_backend("numpy")
        results.append(
            {
                "label": f"1-bin upper limit, {variant}",
                "kind": "upper_limit",
                "pyhf_kwargs": kwargs,
                "values": values,
                "agreement_rel_diff": agreement,
                "timings": timings,
                "first_call_seconds": first_calls,
                "errors": errors,
            }
        )
    return results


def main(argv=None) -> int:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)

    harness.enable_jax_x64()
    info = harness.report_machine(
        settings,
        f"; references slower than {SLOW_SECONDS:g} s per call: {1 if settings.quick else SLOW_REPEAT} samples, "
        "no warm-up",
    )

    results = [run_hypotest_case(settings, label, make_model) for label, make_model in HYPOTEST_CASES]
    results += run_upper_limit(settings)

    headers = [
        "workload",
        "neos-swift",
        "pyhf numpy",
        "neos/numpy",
        "pyhf jax",
        "neos/jax",
        "jax 1st call",
        "samples (neos/numpy/jax)",
    ]
    rows = []
    for r in results:
        t = r["timings"]
        rows.append(
            [
                r["label"],
                harness.format_timing(t["neos_swift"]),
                harness.format_timing(t["pyhf_numpy"]),
                harness.format_ratio(t["neos_swift"], t["pyhf_numpy"]),
                (
                    harness.format_timing(t["pyhf_jax"])
                    if "pyhf_jax" not in r.get("errors", {})
                    else "fails (pyhf#2466)"
                ),
                harness.format_ratio(t["neos_swift"], t["pyhf_jax"]),
                harness.format_seconds(r["first_call_seconds"]["pyhf_jax"]),
                "/".join(
                    str(t[k].repeat) if t[k] is not None else "-" for k in ("neos_swift", "pyhf_numpy", "pyhf_jax")
                ),
            ]
        )
    harness.print_table(headers, rows, title="hypotest / upper_limit: medians ±half-IQR")

    headers = ["workload", "neos-swift CLs (obs) / limit", "vs pyhf numpy: obs, max band", "vs pyhf jax: obs, max band"]
    rows = []
    for r in results:
        a = r["agreement_rel_diff"]
        rows.append(
            [r["label"], f"{r['values']['neos_swift'][0]:.8g}"]
            + [
                f"{a[k][0]:.1e}, {max(a[k][1:]):.1e}" if a[k] is not None else "pyhf failed (#2466)"
                for k in ("pyhf_numpy", "pyhf_jax")
            ]
        )
    harness.print_table(
        headers,
        rows,
        title="agreement: relative differences of neos-swift vs pyhf "
        "(observed, largest over the 5 expected-band entries)",
    )
    harness.write_results(
        WORKLOAD,
        settings,
        info,
        results,
        extra={
            "parameters": {
                "poi_test": POI_TEST,
                "test_stat": "qtilde",
                "validation_modifier_settings": VALIDATION_SETTINGS,
                "slow_seconds": SLOW_SECONDS,
                "slow_repeat": SLOW_REPEAT,
                "tolerance": TOLERANCE,
                "absolute_floor": ABSOLUTE_FLOOR,
            }
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
