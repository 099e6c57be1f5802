"""Training against a user's workspace: the network's histograms replace the signal and background samples of a
pyhf workspace (workspace-template mode, docs/training.md), everything else (here a normsys and a lumi modifier)
stays as the workspace says.

Run: python examples/train_on_workspace.py [--quick] [--out DIR]   (prints one JSON line; writes DIR/metrics.json)
"""

import argparse
import json
from pathlib import Path

from neos_swift.neos import Trainer

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--quick", action="store_true", help="short settings: a small network, 3 steps")
parser.add_argument("--out", default="train-on-workspace", help="output folder for metrics.json")
arguments = parser.parse_args()

# The user's workspace: four bins, whose sample numbers are placeholders the network's histograms overwrite.
workspace = {
    "channels": [
        {
            "name": "SR",
            "samples": [
                {
                    "name": "signal",
                    "data": [1.0, 1.0, 1.0, 1.0],
                    "modifiers": [
                        {"name": "mu", "type": "normfactor", "data": None},
                        {"name": "lumi", "type": "lumi", "data": None},
                    ],
                },
                {
                    "name": "background",
                    "data": [1.0, 1.0, 1.0, 1.0],
                    "modifiers": [
                        {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}},
                        {
                            "name": "bkg_shape",
                            "type": "histosys",
                            "data": {"hi_data": [1.0, 1.0, 1.0, 1.0], "lo_data": [1.0, 1.0, 1.0, 1.0]},
                        },
                        {"name": "lumi", "type": "lumi", "data": None},
                    ],
                },
            ],
        }
    ],
    "observations": [{"name": "SR", "data": [1.0, 1.0, 1.0, 1.0]}],
    "measurements": [
        {
            "name": "meas",
            "config": {
                "poi": "mu",
                "parameters": [
                    {"name": "lumi", "inits": [1.0], "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]]}
                ],
            },
        }
    ],
    "version": "1.0.0",
}

config = {
    "workspace": workspace,
    "replace": [
        {"channel": "SR", "sample": "signal", "events": "sig"},
        {
            "channel": "SR",
            "sample": "background",
            "events": "bkg_nominal",
            "histosys": [{"modifier": "bkg_shape", "hi": "bkg_up", "lo": "bkg_down"}],
        },
    ],
    "loss": "cls",
    "bins": 4,
}
if arguments.quick:
    config.update({"hidden": [32], "points_per_blob": 2000, "batch_size": 500})
steps = 3 if arguments.quick else 60

trainer = Trainer(config)
metrics = trainer.run(steps)
trainer.restore_best()
out = Path(arguments.out)
out.mkdir(parents=True, exist_ok=True)
(out / "metrics.json").write_text(json.dumps(metrics))
print(json.dumps({"steps": trainer.steps_taken, "best_step": metrics["best"]["step"], "test": trainer.evaluate()}))
