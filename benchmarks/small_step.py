"""The small demo step (2→32→32→1, 30 bins, 4 × 2000 events, CLs loss) of two libneos builds, in one run.

    PYTHONPATH=python python benchmarks/small_step.py BEFORE_FOLDER AFTER_FOLDER [--rounds N] [--steps N]

Each folder holds a release libneos.so. Every round starts one fresh process per build, alternating, so both
see the same load on a shared machine; each process times `--steps` steps after a first one and reports its
losses, which must agree between the builds (the comparison is of speed, not of results). Prints the CPU, the
load average before and after, each build's median step and the largest relative difference of the losses.
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
from neos_swift.neos import Trainer
steps = int(sys.argv[1])
trainer = Trainer({"hidden": [32, 32], "points_per_blob": 10000, "bins": 30, "loss": "cls", "seed": 0})
losses = [trainer.step()]
times = []
for _ in range(steps):
    start = time.perf_counter()
    losses.append(trainer.step())
    times.append(time.perf_counter() - start)
print(json.dumps({"steps": times, "losses": [float(loss) for loss in losses]}))
"""


def run(folder: str, steps: int) -> dict:
    environment = dict(os.environ, NEOS_LIBRARY=folder)
    command = [sys.executable, "-c", STEP, str(steps)]
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=50)
    arguments = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} logical cores; load average before: {os.getloadavg()[0]:.2f}")
    builds = {"before": arguments.before, "after": arguments.after}
    times = {name: [] for name in builds}
    losses = {}
    for _ in range(arguments.rounds):
        for name, folder in builds.items():
            result = run(folder, arguments.steps)
            times[name].extend(result["steps"])
            losses[name] = result["losses"]
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    difference = max(abs(a - b) / max(abs(a), 1e-300) for a, b in zip(losses["before"], losses["after"]))
    before = statistics.median(times["before"])
    print("| build | median step | vs before |\n|---|--:|--:|")
    for name in builds:
        median = statistics.median(times[name])
        print(f"| {name} | {median * 1e3:.2f} ms | {median / before:.2f}× |")
    print(f"largest relative difference of the {len(losses['before'])} losses: {difference:.2e}")


if __name__ == "__main__":
    main()
