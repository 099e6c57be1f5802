"""Benchmark: the neos training loop — neos-swift's Trainer against the jax reference pipeline.

Two sides, each run in a fresh subprocess per configuration (so "first loss" includes every one-time cost and the
peak RSS is that side's alone):

* neos-swift: ``neos_swift.neos.Trainer({"hidden": [H, H], "points_per_blob": N, "bins": B, "loss": "cls",
  "seed": 0})`` then ``step()`` (one Adam step on the next batch, returns the batch loss) and ``evaluate()``;
  reported as "unavailable" when ``neos_swift.neos`` cannot be imported;
* jax reference: ``neos_jax_reference.JaxTrainer`` with the same config — neos HEAD's demo pipeline written with
  jax, relaxed 0.4.0 (``relaxed.hist``, ``relaxed.infer.hypotest(test_stat="q")``), equinox and optax
  (``jax.jit`` of value_and_grad of the loss + the Adam update).

Configurations: ``default`` (hidden 1024, 10,000 points per blob, 4 bins) and ``small`` (hidden 32, 10,000 points
per blob, 30 bins); batch 2000, bandwidth 0.09, Adam 1e-3, trainable inner edges.

Per side and configuration:

* time to first loss: construction + the first ``step()`` in a fresh process (jit compilation included for jax;
  the imports are timed separately);
* step time: the median (± half IQR) of ``STEPS`` further steps, one step per sample (the batches cycle through an
  epoch of 7500 training points: three of 2000 and one of 1500 — jax compiles the 1500-event shape on its first
  occurrence; the median is robust to that one step, the mean in the JSON is not);
* peak RSS (Linux's ``VmHWM`` of the worker process) after those steps, and again after ``evaluate()``;
* the batch losses and the test-set metrics after training (a sanity check: the two sides draw their data and
  initial weights with different generators, so only the orders of magnitude are comparable); the jax worker
  also checks, after its timings, that the reference reproduces neos.md §7.1 (CLs, p0, σ_μ and dCLs/ds on the
  stored 4-bin yields) to REFERENCE_TOLERANCE relative, and the script fails otherwise.

Plus this machine's dgemm rate (numpy float64 ``a @ b`` on 1024 x 1024 matrices, best of several, with all BLAS
threads and with one) and the FLOP rate each side's median step reaches as a fraction of it, counting the MLP's
dgemm FLOPs: per step 4 samples x 2000 events, forward 2 n (2H + H^2 + H), backward ~2x forward.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

WORKLOAD = "train"
CONFIGS = {
    "default": {"hidden": 1024, "points_per_blob": 10_000, "bins": 4},
    "small": {"hidden": 32, "points_per_blob": 10_000, "bins": 30},
}
SIDES = ("neos_swift", "jax")
SIDE_LABELS = {"neos_swift": "neos-swift", "jax": "jax + relaxed"}
STEPS = 10  # timed steps after the first
QUICK_STEPS = 3
BATCH_SIZE = 2000
SAMPLES_PER_STEP = 4
WORKER_TIMEOUT = 900.0
DGEMM_N = 1024
DGEMM_REPEAT = 7
# The jax reference must reproduce neos.md §7.1 (CLs, p0, σ_μ, dCLs/ds on the stored 4-bin yields) this closely.
REFERENCE_TOLERANCE = 1e-3


def trainer_config(config: dict) -> dict:
    return {
        "hidden": [config["hidden"], config["hidden"]],
        "points_per_blob": config["points_per_blob"],
        "bins": config["bins"],
        "loss": "cls",
        "seed": 0,
    }


def mlp_flops_per_step(hidden: int, events: int = SAMPLES_PER_STEP * BATCH_SIZE) -> float:
    """dgemm FLOPs of one training step of the 2 → H → H → 1 MLP: forward 2 n (2H + H² + H), backward ≈ 2x."""
    forward = 2.0 * events * (2 * hidden + hidden * hidden + hidden)
    return 3.0 * forward


# ---- worker (one side, one configuration, fresh process) --------------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident memory: Linux's VmHWM, the high-water mark of the worker's own address space.
    Not ``ru_maxrss``: Linux carries it across exec from the forked parent, so a worker started by a parent that
    had imported jax (256 MiB) reported at least that much whatever it used itself."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux, bytes on macOS


def run_worker(side: str, config_name: str, steps: int) -> dict:
    config = trainer_config(CONFIGS[config_name])
    result: dict = {"side": side, "config": config, "steps_timed": steps}
    start = time.perf_counter()
    try:
        if side == "neos_swift":
            from neos_swift.neos import Trainer
        else:
            from neos_jax_reference import JaxTrainer as Trainer
    except Exception as error:  # neos_swift.neos not built yet, or the library is missing
        result.update(status="unavailable", reason=f"{type(error).__name__}: {error}")
        return result
    result["import_seconds"] = time.perf_counter() - start
    result["rss_after_import_mib"] = peak_rss_mib()

    start = time.perf_counter()
    trainer = Trainer(config)
    result["construct_seconds"] = time.perf_counter() - start
    first_loss = trainer.step()
    result["first_loss_seconds"] = time.perf_counter() - start
    result["rss_after_first_step_mib"] = peak_rss_mib()

    losses = [float(first_loss)]
    timing = harness.measure(lambda: losses.append(float(trainer.step())), repeat=steps, warmup=0, number=1)
    result["step"] = timing
    result["losses"] = losses
    result["rss_after_steps_mib"] = peak_rss_mib()

    start = time.perf_counter()
    metrics = trainer.evaluate()
    result["evaluate_seconds"] = time.perf_counter() - start
    result["test_metrics"] = {k: float(metrics[k]) for k in ("cls", "discovery", "poi_uncert")}
    result["rss_final_mib"] = peak_rss_mib()
    if side == "jax":  # the reference reproduces neos.md §7.1 (after the timings: it compiles more)
        from neos_jax_reference import reference_check

        result["reference_check"] = reference_check()
    result["finite"] = all(math.isfinite(v) for v in losses + list(result["test_metrics"].values()))
    result["status"] = "ok"
    return result


def worker_main(argv: list[str]) -> int:
    # bench_train.py --worker SIDE CONFIG STEPS RESULT_FILE
    side, config_name, steps, output = argv[1], argv[2], int(argv[3]), Path(argv[4])
    result = run_worker(side, config_name, steps)
    output.write_text(json.dumps(harness._jsonable(result), indent=1) + "\n", encoding="utf-8")
    return 0


def launch_worker(side: str, config_name: str, steps: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_train_") as folder:
        output = Path(folder) / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            side,
            config_name,
            str(steps),
            str(output),
        ]
        start = time.perf_counter()
        try:
            process = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=WORKER_TIMEOUT,
                cwd=str(harness.BENCH_DIR),
                env=os.environ.copy(),
            )
        except subprocess.TimeoutExpired:
            return {"side": side, "status": "failed", "reason": f"timed out after {WORKER_TIMEOUT:.0f} s"}
        wall = time.perf_counter() - start
        if process.returncode != 0 or not output.exists():
            tail = "\n".join((process.stderr or process.stdout or "").strip().splitlines()[-15:])
            return {"side": side, "status": "failed", "reason": f"exit code {process.returncode}", "stderr": tail}
        result = json.loads(output.read_text(encoding="utf-8"))
        result["process_wall_seconds"] = wall
        return result


# ---- dgemm ------------------------------------------------------------------------------------------------------


def measure_dgemm() -> dict:
    """Best-of-DGEMM_REPEAT GFLOP/s of numpy float64 (N x N) @ (N x N), all BLAS threads and one thread."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.standard_normal((DGEMM_N, DGEMM_N))
    b = rng.standard_normal((DGEMM_N, DGEMM_N))
    flops = 2.0 * DGEMM_N**3

    def best_rate() -> float:
        a @ b  # warm-up (thread start-up, page faults)
        best = min(harness.time_once(lambda: a @ b) for _ in range(DGEMM_REPEAT))
        return flops / best / 1e9

    result = {"n": DGEMM_N, "repeat": DGEMM_REPEAT, "gflops": best_rate()}
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        result["threads"] = None
        result["gflops_1thread"] = None
        return result
    result["threads"] = max(
        (p.get("num_threads", 1) for p in threadpool_info() if p.get("user_api") == "blas"), default=None
    )
    with threadpool_limits(limits=1, user_api="blas"):
        result["gflops_1thread"] = best_rate()
    return result


# ---- report -----------------------------------------------------------------------------------------------------


def timing_of(result: dict) -> harness.Timing | None:
    step = result.get("step")
    return harness.Timing(**step) if isinstance(step, dict) else None


def add_rates(result: dict, hidden: int, dgemm: dict) -> None:
    timing = timing_of(result)
    if timing is None:
        return
    flops = mlp_flops_per_step(hidden)
    rate = flops / timing.median / 1e9
    result["mlp_gflops"] = rate
    result["fraction_of_dgemm"] = rate / dgemm["gflops"]
    if dgemm.get("gflops_1thread"):
        result["fraction_of_dgemm_1thread"] = rate / dgemm["gflops_1thread"]


def status_text(result: dict) -> str:
    return "unavailable" if result.get("status") == "unavailable" else "failed"


def format_mib(value) -> str:
    return "-" if value is None else f"{value:.0f} MiB"


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--worker":
        return worker_main(argv)
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)
    explicit_repeat = any(a == "--repeat" or a.startswith("--repeat=") for a in argv)
    steps = settings.repeat if explicit_repeat else (QUICK_STEPS if settings.quick else STEPS)

    info = harness.machine_info()
    harness.print_machine_summary(info)
    print(
        f"Steps: first step (fresh process, construction + compile) then {steps} timed steps (median, ±half-IQR)"
        f"{' [--quick]' if settings.quick else ''}"
    )

    dgemm = measure_dgemm()
    one = f", 1 thread {dgemm['gflops_1thread']:.1f}" if dgemm.get("gflops_1thread") else ""
    print(
        f"dgemm ({DGEMM_N}x{DGEMM_N} float64, numpy, best of {DGEMM_REPEAT}): {dgemm['gflops']:.1f} GFLOP/s with "
        f"{dgemm.get('threads')} BLAS threads{one}",
        flush=True,
    )

    results: dict = {}
    for config_name, config in CONFIGS.items():
        entry = {"config": trainer_config(config), "flops_per_step": mlp_flops_per_step(config["hidden"]), "sides": {}}
        for side in SIDES:
            print(f"\n[{config_name}] {SIDE_LABELS[side]}: running in a fresh process …", flush=True)
            result = launch_worker(side, config_name, steps)
            if result.get("status") == "ok":
                add_rates(result, config["hidden"], dgemm)
                losses = result["losses"]
                print(
                    f"[{config_name}] {SIDE_LABELS[side]}: first loss {result['first_loss_seconds']:.2f} s "
                    f"(import {result['import_seconds']:.2f} s), step {harness.format_timing(timing_of(result))}, "
                    f"peak RSS {result['rss_after_steps_mib']:.0f} MiB; batch losses "
                    + " ".join(f"{v:.3g}" for v in losses)
                    + "; test "
                    + ", ".join(f"{k} {v:.3g}" for k, v in result["test_metrics"].items()),
                    flush=True,
                )
                if "reference_check" in result:
                    print(
                        f"[{config_name}] {SIDE_LABELS[side]}: relative difference from neos.md §7.1 values: "
                        + ", ".join(f"{k} {v:.1e}" for k, v in result["reference_check"].items()),
                        flush=True,
                    )
            else:
                print(
                    f"[{config_name}] {SIDE_LABELS[side]}: {status_text(result)} — {result.get('reason')}"
                    + (f"\n{result['stderr']}" if result.get("stderr") else ""),
                    flush=True,
                )
            entry["sides"][side] = result
        results[config_name] = entry

    # ---- tables ----
    rows = []
    for config_name, entry in results.items():
        hidden = CONFIGS[config_name]["hidden"]
        label = f"{config_name} (H {hidden}, {CONFIGS[config_name]['bins']} bins)"
        for side in SIDES:
            r = entry["sides"][side]
            if r.get("status") != "ok":
                rows.append([label, SIDE_LABELS[side], status_text(r)] + ["-"] * 6)
                continue
            fraction = f"{100 * r['fraction_of_dgemm']:.1f}%"
            if "fraction_of_dgemm_1thread" in r:
                fraction += f" ({100 * r['fraction_of_dgemm_1thread']:.0f}% of 1 thr)"
            rows.append(
                [
                    label,
                    SIDE_LABELS[side],
                    harness.format_timing(timing_of(r)),
                    harness.format_seconds(r["first_loss_seconds"]),
                    harness.format_seconds(r["import_seconds"]),
                    format_mib(r["rss_after_steps_mib"]),
                    f"{r['mlp_gflops']:.1f}",
                    fraction,
                    f"{r['test_metrics']['cls']:.3g}",
                ]
            )
    harness.print_table(
        [
            "config",
            "side",
            "step (median)",
            "first loss",
            "import",
            "peak RSS",
            "MLP GFLOP/s",
            "of dgemm",
            "test CLs after",
        ],
        rows,
        title=f"Training step, {steps} timed steps after the first; dgemm "
        f"{dgemm['gflops']:.1f} GFLOP/s ({dgemm.get('threads')} threads)"
        + (f", {dgemm['gflops_1thread']:.1f} GFLOP/s (1 thread)" if dgemm.get("gflops_1thread") else ""),
    )

    ratio_rows = []
    for config_name, entry in results.items():
        neos, ref = entry["sides"]["neos_swift"], entry["sides"]["jax"]
        if neos.get("status") == "ok" and ref.get("status") == "ok":
            ratio_rows.append(
                [
                    config_name,
                    harness.format_ratio(timing_of(neos), timing_of(ref)),
                    harness.format_ratio(neos["first_loss_seconds"], ref["first_loss_seconds"]),
                    harness.format_ratio(neos["rss_after_steps_mib"], ref["rss_after_steps_mib"]),
                ]
            )
        else:
            ratio_rows.append([config_name, "-", "-", "-"])
    harness.print_table(
        ["config", "step", "first loss", "peak RSS"],
        ratio_rows,
        title="neos-swift / jax (below 1x: neos-swift is faster or smaller)",
    )

    harness.write_results(
        WORKLOAD,
        settings,
        info,
        results,
        extra={
            "steps": steps,
            "batch_size": BATCH_SIZE,
            "dgemm": dgemm,
            "flop_model": "per step 4 samples x 2000 events; forward 2n(2H + H^2 + H), backward 2x forward",
        },
    )

    failed = [
        f"{c}/{s}"
        for c, e in results.items()
        for s, r in e["sides"].items()
        if r.get("status") == "failed"
        or (r.get("status") == "ok" and not r.get("finite"))
        or max(r.get("reference_check", {}).values(), default=0.0) > REFERENCE_TOLERANCE
    ]
    if failed:
        print(f"\nFailed or non-finite: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
