"""The demo's training step on each BLAS libneos can run on, in fresh processes, alternating, in one run.

    PYTHONPATH=python NEOS_LIBRARY=<folder of a release libneos.so> python benchmarks/blas_kernels.py [--rounds N]

Configurations: the system OpenBLAS with its own CPU detection (OPENBLAS_CORETYPE=Prescott reproduces what Debian
12's 0.3.21 picks on CPUs newer than it), the system OpenBLAS loaded by libneos's fallback (kernel chosen from the
CPU's features), and the scipy-openblas32 wheel the Python package depends on (the default). Prints the CPU, each
configuration's library and kernel (from neos_swift.show_config) and its median step over 5 steps after a first
one: the default demo network (2→1024→1024→1, 4 × 2000 events, 4 bins, CLs loss).
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
if "--no-wheel" in sys.argv:
    sys.modules["scipy_openblas32"] = None  # the package cannot find the wheel: libneos falls back to the system's
import neos_swift
from neos_swift.neos import Trainer
trainer = Trainer({"hidden": [1024, 1024], "points_per_blob": 10000, "bins": 4, "loss": "cls", "seed": 0})
trainer.run(1)
times = []
for _ in range(5):
    start = time.perf_counter()
    trainer.run(1)
    times.append(time.perf_counter() - start)
blas = neos_swift.show_config(mode="dicts")["blas"]
print(json.dumps({"library": blas["library"], "core": blas["core"], "steps": times}))
"""

CONFIGURATIONS = {
    "system OpenBLAS, its own detection (Prescott forced)": {
        "NEOS_BLAS_LIBRARY": "libopenblas.so.0",
        "OPENBLAS_CORETYPE": "Prescott",
    },
    "system OpenBLAS, libneos's fallback (kernel from CPU features)": {"NEOS_BLAS_LIBRARY": ""},
    "scipy-openblas32 (the package's default)": {},
}


def run(overrides: dict) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in ("NEOS_BLAS_LIBRARY", "OPENBLAS_CORETYPE")}
    environment.update({k: v for k, v in overrides.items() if v})
    # An empty NEOS_BLAS_LIBRARY marks the fallback path: no library named, and the wheel hidden from the package.
    flags = ["--no-wheel"] if overrides.get("NEOS_BLAS_LIBRARY") == "" else []
    command = [sys.executable, "-c", STEP, *flags]
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    rounds = parser.parse_args().rounds
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} logical cores")
    results: dict[str, list[float]] = {name: [] for name in CONFIGURATIONS}
    kernels: dict[str, str] = {}
    for _ in range(rounds):
        for name, overrides in CONFIGURATIONS.items():
            result = run(overrides)
            results[name].extend(result["steps"])
            kernels[name] = f"{result['library']} ({result['core']})"
    default = statistics.median(results["scipy-openblas32 (the package's default)"])
    print("| configuration | library (kernel) | median step | vs default |\n|---|---|--:|--:|")
    for name, steps in results.items():
        median = statistics.median(steps)
        print(f"| {name} | {kernels[name]} | {median:.2f} s | {median / default:.2f}× |")


if __name__ == "__main__":
    main()
