"""Who runs the dense layers' threads: the demo's training step three ways, in fresh processes, alternating, in one run.

    PYTHONPATH=python NEOS_LIBRARY=<folder of a release libneos.so> python benchmarks/blas_threads.py [--rounds N]

Configurations (all on the scipy-openblas32 library the Python package depends on):
- libneos splits (the default): libneos loads OpenBLAS itself, sets it to one thread and splits each large product
  into blocks of rows or columns over the cores, with threads that block while they wait;
- OpenBLAS threads: OPENBLAS_NUM_THREADS set to the core count, so libneos leaves the library's own threading
  alone (OpenBLAS's threads spin while they wait for work);
- one thread: OPENBLAS_NUM_THREADS=1, nothing split.
Networks: the default demo (2→1024→1024→1, 4 bins) and the small one (2→32→32→1, 30 bins), 4 × 2000 events per
step, CLs loss. Prints the CPU, the load average before and after, and each configuration's median step over
`--steps` steps after a first one.
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
hidden, bins, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
trainer = Trainer({"hidden": [hidden, hidden], "points_per_blob": 10000, "bins": bins, "loss": "cls", "seed": 0})
trainer.run(1)
times = []
for _ in range(steps):
    start = time.perf_counter()
    trainer.run(1)
    times.append(time.perf_counter() - start)
blas = neos_swift.show_config(mode="dicts")["blas"]
print(json.dumps({"splits": blas["splits_products"], "steps": times}))
"""

NETWORKS = {"default (H 1024, 4 bins)": (1024, 4), "small (H 32, 30 bins)": (32, 30)}


def configurations() -> dict[str, dict[str, str]]:
    return {
        "libneos splits (default)": {},
        "OpenBLAS threads": {"OPENBLAS_NUM_THREADS": str(os.cpu_count() or 1)},
        "one thread": {"OPENBLAS_NUM_THREADS": "1"},
    }


def run(overrides: dict, hidden: int, bins: int, steps: int) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "NEOS_BLAS_LIBRARY")}
    environment.update(overrides)
    command = [sys.executable, "-c", STEP, str(hidden), str(bins), str(steps)]
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    arguments = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} logical cores; load average before: {os.getloadavg()[0]:.2f}")
    results = {(network, name): [] for network in NETWORKS for name in configurations()}
    for _ in range(arguments.rounds):
        for network, (hidden, bins) in NETWORKS.items():
            for name, overrides in configurations().items():
                result = run(overrides, hidden, bins, arguments.steps)
                expected_split = not overrides
                if result["splits"] != expected_split:
                    raise SystemExit(f"{name}: libneos splits_products is {result['splits']}, not {expected_split}")
                results[(network, name)].extend(result["steps"])
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("| network | configuration | median step | vs libneos splits |\n|---|---|--:|--:|")
    for network in NETWORKS:
        default = statistics.median(results[(network, "libneos splits (default)")])
        for name in configurations():
            median = statistics.median(results[(network, name)])
            print(f"| {network} | {name} | {median * 1e3:.1f} ms | {median / default:.2f}× |")


if __name__ == "__main__":
    main()
