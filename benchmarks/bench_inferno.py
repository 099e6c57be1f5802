"""INFERNO training epoch: neos-swift's native trainer against the jax reference of the same loss.

For each benchmark (B0–B4 of examples/inferno) on the example's 200k training events (80% of them trained on):

1. the same parameters (the native trainer's initial network) on the same mini-batch (1000 signal and 1000 of
   every background set): the loss and its gradient of both implementations agree (printed: relative
   differences of the value and of the gradient's largest component);
2. one training epoch of each, in this process (neos-swift also in float32, the study's setting): 80 steps of Adam (learning rate 1e-3) on 1000 + 1000 events per
   step — the native ``Trainer.step()`` loop and the jitted jax step (value_and_grad + optax update) on batches
   of the same size (the jax side's batches are its own permutation of the same events). The jax step's first
   call (tracing and XLA compilation) is timed separately and left out of the epoch times.

Run: ``bash benchmarks/run.sh inferno`` (or ``python benchmarks/bench_inferno.py [--quick]`` in that environment).
"""

from __future__ import annotations

import statistics
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
    harness.print_table(
        [
            "benchmark",
            "Δloss (rel)",
            "Δgrad (max rel)",
            "neos-swift epoch",
            "neos-swift float32",
            "jax epoch",
            "jax / neos (float64)",
            "jax compile",
        ],
        rows,
        title=f"INFERNO epoch ({steps} steps of {batch_size} events per set), median of {epochs}",
    )
    harness.write_results(WORKLOAD, settings, info, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
