"""Benchmark: the differentiable histogram (binned KDE) — value and vector-Jacobian product.

For each case (events x bins x data distribution) it times

* neos-swift: ``neos_swift.hist(data, bins, bw)`` followed by ``neos_swift.hist_vjp(cot, data, bins, bw, wrt=("data", "bins"))`` (the gradients relaxed computes);
* relaxed/jax: ``jax.jit(jax.value_and_grad(sum(cot * relaxed.hist(data, bins, bw)), argnums=(data, bins)))``
  with the histogram itself returned as auxiliary output (so both sides produce the histogram and the gradients
  with respect to data and bins); its first call (trace + compile + run) is recorded separately;
* numpy-KDE: the same KDE value and gradient written with numpy + ``scipy.special.ndtr`` (a plain CPU reference);
* numpy.histogram: the hard histogram, value only — a floor, not the same work.

Before timing, every case checks that neos-swift and numpy-KDE agree with relaxed (values, d/d data, d/d bins)
to better than 1e-9 relative to the largest absolute reference value.
"""

from __future__ import annotations

import math
import sys

import harness

WORKLOAD = "hist"
BANDWIDTH = 0.09
EVENTS = (10_000, 100_000)
BINS = (4, 10, 30)
DISTRIBUTIONS = ("uniform", "normal")  # uniform on [0, 1); N(0.5, 0.25)
SEED = 20240601
TOLERANCE = 1e-9


def make_case(rng, n_events: int, n_bins: int, distribution: str):
    import numpy as np

    if distribution == "uniform":
        data = rng.uniform(0.0, 1.0, size=n_events)
    elif distribution == "normal":
        data = rng.normal(0.5, 0.25, size=n_events)
    else:
        raise ValueError(distribution)
    bins = np.linspace(0.0, 1.0, n_bins + 1)
    cotangent = rng.normal(size=n_bins)
    return data, bins, cotangent


# ---- numpy + scipy reference -----------------------------------------------------------------------------------


def numpy_kde_value(data, bins, bandwidth):
    """counts_j = sum_k [Phi((e_{j+1} - x_k)/h) - Phi((e_j - x_k)/h)]."""
    import numpy as np
    from scipy.special import ndtr

    cdf = ndtr((bins[:, None] - data[None, :]) / bandwidth)
    return np.diff(cdf, axis=0).sum(axis=1)


def numpy_kde_value_and_vjp(cotangent, data, bins, bandwidth):
    """The histogram and the gradient of sum(cotangent * hist) w.r.t. data and bins.

    With a_i the coefficient of Phi(z_i) in sum_j cot_j (Phi(z_{j+1}) - Phi(z_j)) (a_i = cot_{i-1} - cot_i, with
    cot_{-1} = cot_B = 0) and phi the normal density: d/d e_i = a_i sum_k phi(z_ik)/h, d/d x_k = -sum_i a_i
    phi(z_ik)/h.
    """
    import numpy as np
    from scipy.special import ndtr

    z = (bins[:, None] - data[None, :]) / bandwidth
    counts = np.diff(ndtr(z), axis=0).sum(axis=1)
    coefficients = np.zeros(len(bins))
    coefficients[1:] += cotangent
    coefficients[:-1] -= cotangent
    density = np.exp(-0.5 * z * z)
    density *= 1.0 / (math.sqrt(2.0 * math.pi) * bandwidth)
    grad_bins = coefficients * density.sum(axis=1)
    grad_data = -(coefficients @ density)
    return counts, grad_data, grad_bins


# ---- relaxed / jax ---------------------------------------------------------------------------------------------


def make_jax_functions(bandwidth: float):
    """Fresh jitted functions (a new closure per case, so the first call really compiles)."""
    import jax
    import jax.numpy as jnp
    import relaxed

    def loss(data, bins, cotangent):
        histogram = relaxed.hist(data, bins, bandwidth)
        return jnp.sum(cotangent * histogram), histogram

    value_and_grad = jax.jit(jax.value_and_grad(loss, argnums=(0, 1), has_aux=True))
    value = jax.jit(lambda data, bins: relaxed.hist(data, bins, bandwidth))
    return value_and_grad, value


def main(argv=None) -> int:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)

    harness.enable_jax_x64()
    import jax
    import jax.numpy as jnp
    import neos_swift
    import numpy as np

    info = harness.report_machine(settings)

    rng = np.random.default_rng(SEED)
    results = []
    for n_events in EVENTS:
        for n_bins in BINS:
            for distribution in DISTRIBUTIONS:
                data, bins, cotangent = make_case(rng, n_events, n_bins, distribution)
                label = f"{n_events // 1000}k ev x {n_bins} bins, {distribution}"
                jd, jb, jc = jnp.asarray(data), jnp.asarray(bins), jnp.asarray(cotangent)
                jax_vg, jax_value = make_jax_functions(BANDWIDTH)

                # First calls: tracing + XLA compilation + one run.
                jax_compile_vg = harness.time_once(lambda: jax.block_until_ready(jax_vg(jd, jb, jc)))
                jax_compile_value = harness.time_once(lambda: jax.block_until_ready(jax_value(jd, jb)))

                # ---- agreement (the work measured must be the same) ----
                (_, ref_hist), (ref_grad_data, ref_grad_bins) = jax_vg(jd, jb, jc)
                ref_hist, ref_grad_data, ref_grad_bins = map(np.asarray, (ref_hist, ref_grad_data, ref_grad_bins))
                neos_hist = neos_swift.hist(data, bins, BANDWIDTH)
                neos_grads = neos_swift.hist_vjp(cotangent, data, bins, BANDWIDTH, wrt=("data", "bins"))
                np_hist, np_grad_data, np_grad_bins = numpy_kde_value_and_vjp(cotangent, data, bins, BANDWIDTH)
                agreement = {
                    "neos_swift": {
                        "value": harness.max_relative_difference(neos_hist, ref_hist),
                        "grad_data": harness.max_relative_difference(neos_grads.data, ref_grad_data),
                        "grad_bins": harness.max_relative_difference(neos_grads.bins, ref_grad_bins),
                    },
                    "numpy_kde": {
                        "value": harness.max_relative_difference(np_hist, ref_hist),
                        "grad_data": harness.max_relative_difference(np_grad_data, ref_grad_data),
                        "grad_bins": harness.max_relative_difference(np_grad_bins, ref_grad_bins),
                    },
                }
                print(
                    f"\n[{label}] max rel diff vs relaxed — "
                    + "; ".join(
                        f"{impl}: " + ", ".join(f"{k} {v:.2e}" for k, v in diffs.items())
                        for impl, diffs in agreement.items()
                    ),
                    flush=True,
                )
                for impl, diffs in agreement.items():
                    for quantity, difference in diffs.items():
                        if not difference < TOLERANCE:
                            raise AssertionError(
                                f"{label}: {impl} {quantity} differs from relaxed by "
                                f"{difference:.3e} (relative to max abs), above {TOLERANCE}"
                            )

                # ---- timing ----
                def run_neos():
                    neos_swift.hist(data, bins, BANDWIDTH)
                    neos_swift.hist_vjp(cotangent, data, bins, BANDWIDTH, wrt=("data", "bins"))

                timings = {
                    "neos_swift": harness.measure(run_neos, settings.repeat, settings.warmup),
                    "relaxed_jax": harness.measure(
                        lambda: jax.block_until_ready(jax_vg(jd, jb, jc)), settings.repeat, settings.warmup
                    ),
                    "numpy_kde": harness.measure(
                        lambda: numpy_kde_value_and_vjp(cotangent, data, bins, BANDWIDTH),
                        settings.repeat,
                        settings.warmup,
                    ),
                    "numpy_histogram": harness.measure(
                        lambda: np.histogram(data, bins), settings.repeat, settings.warmup
                    ),
                }
                value_timings = {
                    "neos_swift": harness.measure(
                        lambda: neos_swift.hist(data, bins, BANDWIDTH), settings.repeat, settings.warmup
                    ),
                    "relaxed_jax": harness.measure(
                        lambda: jax.block_until_ready(jax_value(jd, jb)), settings.repeat, settings.warmup
                    ),
                    "numpy_kde": harness.measure(
                        lambda: numpy_kde_value(data, bins, BANDWIDTH), settings.repeat, settings.warmup
                    ),
                }
                print(
                    f"[{label}] value+VJP medians: "
                    + ", ".join(f"{k} {harness.format_timing(t)}" for k, t in timings.items()),
                    flush=True,
                )
                results.append(
                    {
                        "label": label,
                        "events": n_events,
                        "bins": n_bins,
                        "distribution": distribution,
                        "bandwidth": BANDWIDTH,
                        "agreement_max_rel_diff_vs_relaxed": agreement,
                        "value_and_vjp": timings,
                        "value_only": value_timings,
                        "relaxed_jax_first_call_seconds": {"value_and_vjp": jax_compile_vg, "value": jax_compile_value},
                    }
                )

    # Both tables: neos-swift, relaxed/jax and numpy-KDE with the two ratios, then numpy.histogram (timed once, with
    # the value + VJP case).
    headers = ["neos-swift", "relaxed/jax", "neos/jax", "numpy-KDE", "neos/numpy", "numpy.histogram"]

    def comparison(r, key):
        t = r[key]
        return [
            r["label"],
            harness.format_timing(t["neos_swift"]),
            harness.format_timing(t["relaxed_jax"]),
            harness.format_ratio(t["neos_swift"], t["relaxed_jax"]),
            harness.format_timing(t["numpy_kde"]),
            harness.format_ratio(t["neos_swift"], t["numpy_kde"]),
            harness.format_timing(r["value_and_vjp"]["numpy_histogram"]),
        ]

    harness.print_table(
        ["workload (value + VJP)", *headers, "jax 1st call"],
        [
            comparison(r, "value_and_vjp")
            + [harness.format_seconds(r["relaxed_jax_first_call_seconds"]["value_and_vjp"])]
            for r in results
        ],
        title="hist: value + VJP (d/d data, d/d bins), medians ±half-IQR",
    )
    harness.print_table(
        ["workload (value only)", *headers],
        [comparison(r, "value_only") for r in results],
        title="hist: value only, medians ±half-IQR",
    )

    worst = {
        impl: max(max(r["agreement_max_rel_diff_vs_relaxed"][impl].values()) for r in results)
        for impl in ("neos_swift", "numpy_kde")
    }
    print(
        "\nLargest max-rel-diff vs relaxed over all cases: "
        + ", ".join(f"{k} {v:.2e}" for k, v in worst.items())
        + f" (asserted < {TOLERANCE:g})"
    )
    harness.write_results(
        WORKLOAD,
        settings,
        info,
        results,
        extra={
            "parameters": {
                "bandwidth": BANDWIDTH,
                "events": EVENTS,
                "bins": BINS,
                "distributions": DISTRIBUTIONS,
                "seed": SEED,
                "edges": "linspace(0, 1, B + 1)",
                "normal": "N(0.5, 0.25)",
                "tolerance": TOLERANCE,
            }
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
