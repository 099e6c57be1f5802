"""INFERNO training epoch: neos-swift's native trainer against the jax reference of the same loss and pytorch_inferno.

For each benchmark (B0–B4 of examples/inferno) on the example's 200k training events (80% of them trained on):

1. the same parameters (the native trainer's initial network) on the same mini-batch (1000 signal and 1000 of
   every background set): the loss and its gradient of both implementations agree (printed: relative
   differences of the value and of the gradient's largest component);
2. one training epoch of each, in this process (neos-swift also in float32, the study's setting): 80 steps of Adam (learning rate 1e-3) on 1000 + 1000 events per
   step — the native ``Trainer.step()`` loop and the jitted jax step (value_and_grad + optax update) on batches
   of the same size (the jax side's batches are its own permutation of the same events). The jax step's first
   call (tracing and XLA compilation) is timed separately and left out of the epoch times;
3. after all benchmarks, pytorch_inferno's epoch (G. Strong's PyTorch INFERNO, its exact-nuisance ``PaperInferno``
   on its own generator's events: the same network, softmax, Adam and 80 steps of 2000 events per epoch; what
   differs is in ``inferno_torch_reference.py``'s docstring) when ``INFERNO_TORCH_PYTHON`` names the python of a
   venv made from ``requirements-torch.txt`` (run.sh makes benchmarks/.venv-torch and sets it): that script runs
   in a subprocess, one warm-up epoch and then as many timed epochs as ours. Without it the column is skipped and
   the run prints why (and stores it in the results).

Run: ``bash benchmarks/run.sh inferno`` (or ``python benchmarks/bench_inferno.py [--quick]`` in that environment).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import harness
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "inferno"))
import inferno as example  # noqa: E402
import inferno_jax_reference as reference  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from neos_swift.neos import Trainer  # noqa: E402

WORKLOAD = "inferno"
EPOCHS = 3  # timed epochs per implementation (median reported)
TORCH_PYTHON = "INFERNO_TORCH_PYTHON"  # the torch venv's python (run.sh: benchmarks/.venv-torch/bin/python)
TORCH_REFERENCE = Path(__file__).resolve().parent / "inferno_torch_reference.py"


def pytorch_inferno_epochs(benchmarks, epochs: int, train_events: int, batch_size: int):
    """(inferno_torch_reference.py's results, None), or (None, why the column is skipped)."""
    python = os.environ.get(TORCH_PYTHON)
    if not python:
        return None, f"{TORCH_PYTHON} is not set (bash benchmarks/run.sh inferno makes benchmarks/.venv-torch)"
    if not Path(python).is_file():
        return None, f"{TORCH_PYTHON}={python} does not exist"
    command = [python, str(TORCH_REFERENCE), "--benchmarks", *benchmarks, "--epochs", str(epochs)]
    command += ["--train-events", str(train_events), "--batch-size", str(batch_size)]
    print(f"\n==> pytorch_inferno: {' '.join(command[1:])}", flush=True)
    completed = subprocess.run(command, capture_output=True, text=True)  # stderr: its progress bars
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-1:] or ["no output"]
        return None, f"inferno_torch_reference.py failed (exit {completed.returncode}): {tail[0][-500:]}"
    return json.loads(completed.stdout.strip().splitlines()[-1]), None


def main(argv=None) -> int:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)
    info = harness.machine_info()
    harness.print_machine_summary(info)
    study = dict(example.FULL, precision="float64")  # the jax reference is float64 throughout
    epochs = 1 if settings.quick else EPOCHS
    benchmarks = ("B2",) if settings.quick else example.BENCHMARKS
    rng = np.random.default_rng([2026, 0])
    half = study["train_events"] // 2
    events = example.generate(half, half, rng)
    results, rows = {}, []
    for benchmark in benchmarks:
        config = example.inferno_config(benchmark, 0, study)
        names = list(config["scales"])
        train, validation = example.split(events, names, study["validation_fraction"])
        trainer = Trainer(config, train=train, test=validation)
        initial = trainer.parameters
        batch_size = config["batch_size"]
        steps = int(np.ceil(train[names[0]].shape[0] / batch_size))

        # 1. Same loss: value and gradient at the same parameters on the same batch.
        batch = {name: train[name][:batch_size] for name in names}
        native_value, native_gradient = trainer.loss_and_gradient(initial, batch)
        jax_trainer = reference.JaxInferno(benchmark, initial, study["temperature"], study["inferno_learning_rate"])
        jax_batch = {name: jnp.asarray(x) for name, x in batch.items()}
        jax_value, jax_gradient = jax_trainer.value_and_grad(jnp.asarray(initial), jax_batch)
        jax_gradient = np.asarray(jax_gradient)
        value_difference = abs(native_value - float(jax_value)) / abs(float(jax_value))
        gradient_difference = float(np.max(np.abs(native_gradient - jax_gradient)) / np.max(np.abs(jax_gradient)))
        assert value_difference < 1e-10 and gradient_difference < 1e-8, (value_difference, gradient_difference)

        # 2. One epoch of each.
        native_epochs = []
        for _ in range(epochs):
            start = time.perf_counter()
            for _ in range(steps):
                trainer.step()
            native_epochs.append(time.perf_counter() - start)
        # The study's setting (examples/inferno runs the network in float32): the same epoch in float32.
        trainer32 = Trainer(dict(config, precision="float32"), train=train, test=validation)
        native32_epochs = []
        for _ in range(epochs):
            start = time.perf_counter()
            for _ in range(steps):
                trainer32.step()
            native32_epochs.append(time.perf_counter() - start)
        order = np.random.default_rng(1)
        count = train[names[0]].shape[0]
        device = {name: jnp.asarray(x) for name, x in train.items()}

        def jax_epoch():
            permutation = order.permutation(count)
            for i in range(steps):
                rows_ = jnp.asarray(permutation[i * batch_size : (i + 1) * batch_size])
                value = jax_trainer.step({name: x[rows_] for name, x in device.items()})
            value.block_until_ready()

        start = time.perf_counter()
        first = {name: x[:batch_size] for name, x in device.items()}
        jax_trainer.step(first)[()].block_until_ready()
        compile_seconds = time.perf_counter() - start
        jax_epochs = []
        for _ in range(epochs):
            start = time.perf_counter()
            jax_epoch()
            jax_epochs.append(time.perf_counter() - start)
        native, jax_time = statistics.median(native_epochs), statistics.median(jax_epochs)
        train_events = 2 * count  # pytorch_inferno's: as many signal and background events as ours per set
        results[benchmark] = {
            "steps_per_epoch": steps,
            "events_per_set_per_step": batch_size,
            "event_sets": names,
            "loss_relative_difference": value_difference,
            "gradient_max_relative_difference": gradient_difference,
            "native_loss": native_value,
            "jax_loss": float(jax_value),
            "native_epoch_seconds": native_epochs,
            "native_float32_epoch_seconds": native32_epochs,
            "jax_epoch_seconds": jax_epochs,
            "jax_first_step_seconds": compile_seconds,
            "ratio_jax_over_native": jax_time / native,
        }
        rows.append(
            [
                benchmark,
                f"{value_difference:.1e}",
                f"{gradient_difference:.1e}",
                harness.format_seconds(native),
                harness.format_seconds(statistics.median(native32_epochs)),
                harness.format_seconds(jax_time),
                f"{jax_time / native:.2f}×",
                harness.format_seconds(compile_seconds),
            ]
        )
    headers = [
        "benchmark",
        "Δloss (rel)",
        "Δgrad (max rel)",
        "neos-swift epoch",
        "neos-swift float32",
        "jax epoch",
        "jax / neos (float64)",
        "jax compile",
    ]
    # 3. pytorch_inferno, once for all benchmarks (its own venv, a subprocess): 2 × 1000 events per step.
    torch_results, skipped = pytorch_inferno_epochs(list(results), epochs, train_events, 2 * batch_size)
    extra = {}
    if torch_results is None:
        print(f"\npytorch_inferno column skipped: {skipped}")
        extra["pytorch_inferno_skipped"] = skipped
    else:
        headers += ["pytorch_inferno epoch", "pytorch_inferno / neos (float32)"]
        for benchmark, row in zip(results, rows):
            measured = torch_results[benchmark]
            torch_time = statistics.median(measured["epoch_seconds"])
            native32 = statistics.median(results[benchmark]["native_float32_epoch_seconds"])
            native = statistics.median(results[benchmark]["native_epoch_seconds"])
            results[benchmark].update(
                pytorch_inferno=measured,
                pytorch_inferno_epoch_seconds=measured["epoch_seconds"],
                ratio_pytorch_inferno_over_native=torch_time / native,
                ratio_pytorch_inferno_over_native_float32=torch_time / native32,
            )
            row += [harness.format_seconds(torch_time), f"{torch_time / native32:.2f}×"]
        first = next(iter(torch_results.values()))
        print(
            f"\npytorch_inferno {first['pytorch_inferno']}, torch {first['torch']} ({first['threads']} threads), "
            f"float32, {first['steps_per_epoch']} steps of {first['events_per_step']} events (both classes); "
            f"its DataLoader alone: {harness.format_seconds(first['loader_epoch_seconds'])} per epoch"
        )
    harness.print_table(
        headers,
        rows,
        title=f"INFERNO epoch ({steps} steps of {batch_size} events per set), median of {epochs}",
    )
    harness.write_results(WORKLOAD, settings, info, results, extra)
    return 0 if torch_results is not None or not os.environ.get(TORCH_PYTHON) else 1


if __name__ == "__main__":
    raise SystemExit(main())
