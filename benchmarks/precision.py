"""The network's precision: the demo's training step in float64 and float32, in fresh processes, alternating, in
one run.

    PYTHONPATH=python NEOS_LIBRARY=<folder of a release libneos.so> python benchmarks/precision.py [--rounds N]

Configurations: the trainer's ``"precision"`` key, ``"float64"`` (the default: dgemm) and ``"float32"`` (sgemm,
Float activations and backward pass; the histograms, model, fits and optimiser stay float64). Networks: the default
demo (2→1024→1024→1, 4 bins) and the small one (2→32→32→1, 30 bins), 10,000 points per blob, 4 × 2000 events per
step, CLs loss. A step is ``Trainer.step()``: forward, histograms, model, CLs, backward and the Adam update, as
``bench_train.py`` times it against jax (no test evaluation). Prints the CPU, the BLAS library and kernel, the load
average before and after, each configuration's median step over ``--steps`` steps after a first one, and the
batch losses of both precisions side by side (they agree to ≈ 1e-6 relative).

``--jax PYTHON``: also times the jax reference (``neos_jax_reference.JaxTrainer``, float64, as ``bench_train.py``
runs it) with that interpreter (one with jax, relaxed 0.4.0, equinox and optax), in the same alternation, so the
ratio to jax is taken under the same load. Its median is robust to the step that compiles the last, shorter batch.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

STEP = r"""
import json, sys, time
import neos_swift
from neos_swift.neos import Trainer
hidden, bins, steps, precision = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
trainer = Trainer({"hidden": [hidden, hidden], "points_per_blob": 10000, "bins": bins, "loss": "cls", "seed": 0,
                   "precision": precision})
losses = [trainer.step()]
times = []
for _ in range(steps):
    start = time.perf_counter()
    losses.append(trainer.step())
    times.append(time.perf_counter() - start)
blas = neos_swift.show_config(mode="dicts")["blas"]
print(json.dumps({"steps": times, "losses": losses, "library": blas["library"],
                  "core": blas["core"]}))
"""

JAX_STEP = r"""
import json, sys, time
sys.path.insert(0, sys.argv[5])
from neos_jax_reference import JaxTrainer
hidden, bins, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
trainer = JaxTrainer({"hidden": [hidden, hidden], "points_per_blob": 10000, "bins": bins, "loss": "cls", "seed": 0})
losses = [float(trainer.step())]
times = []
for _ in range(steps):
    start = time.perf_counter()
    losses.append(float(trainer.step()))
    times.append(time.perf_counter() - start)
print(json.dumps({"steps": times, "losses": losses, "library": "jax", "core": "XLA"}))
"""

NETWORKS = {"default (H 1024, 4 bins)": (1024, 4), "small (H 32, 30 bins)": (32, 30)}
PRECISIONS = ("float64", "float32")


def run(precision: str, hidden: int, bins: int, steps: int, jax_python: str | None = None) -> dict:
    if precision == "jax":
        folder = os.path.dirname(os.path.abspath(__file__))
        command = [jax_python, "-c", JAX_STEP, str(hidden), str(bins), str(steps), precision, folder]
        environment = {**os.environ, "JAX_PLATFORMS": "cpu"}
    else:
        command = [sys.executable, "-c", STEP, str(hidden), str(bins), str(steps), precision]
        environment = dict(os.environ)
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--jax", metavar="PYTHON", help="an interpreter with jax, relaxed, equinox and optax")
    arguments = parser.parse_args()
    sides = PRECISIONS + (("jax",) if arguments.jax else ())
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} logical cores; load average before: {os.getloadavg()[0]:.2f}")
    results = {(network, side): [] for network in NETWORKS for side in sides}
    losses = {}
    library = ""
    for _ in range(arguments.rounds):
        for network, (hidden, bins) in NETWORKS.items():
            for side in sides:
                result = run(side, hidden, bins, arguments.steps, arguments.jax)
                results[(network, side)].extend(result["steps"])
                losses[(network, side)] = result["losses"]
                if side != "jax":
                    library = f"{result['library']} ({result['core']})"
    print(f"load average after: {os.getloadavg()[0]:.2f}; BLAS: {library}")
    print("| network | precision | median step | vs float64 |\n|---|---|--:|--:|")
    for network in NETWORKS:
        reference = statistics.median(results[(network, "float64")])
        for side in sides:
            median = statistics.median(results[(network, side)])
            label = "jax + relaxed (float64)" if side == "jax" else side
            print(f"| {network} | {label} | {median * 1e3:.1f} ms | {median / reference:.2f}× |")
        if arguments.jax:
            jax = statistics.median(results[(network, "jax")])
            ratios = ", ".join(
                f"{side} {jax / statistics.median(results[(network, side)]):.2f}×" for side in PRECISIONS
            )
            print(f"{network}: jax's step / ours: {ratios}")
    for network in NETWORKS:
        pairs = zip(losses[(network, "float64")], losses[(network, "float32")])
        worst = max(abs(b - a) / abs(a) for a, b in pairs)
        print(f"{network}: batch losses of the two precisions agree to {worst:.1e} relative")


if __name__ == "__main__":
    main()
