"""A pyhf user's script with only the import changed: workspace -> model -> hypotest and upper limit.

Run: python examples/pyhf_migration.py [WORKSPACE.json] [--quick]   (prints one JSON line: CLs, its expected band, the limits)
"""

import argparse
import json
from pathlib import Path

import neos_swift as pyhf  # the one line a pyhf user changes (was: import pyhf)
import numpy as np

parser = argparse.ArgumentParser(description=__doc__)
DEFAULT = Path(__file__).resolve().parents[1] / "Tests" / "Data" / "pyhf" / "workspaces" / "validation_1bin_lumi.json"
parser.add_argument("workspace", nargs="?", default=str(DEFAULT), help="a pyhf workspace (JSON file)")
parser.add_argument("--quick", action="store_true", help="short settings: a coarse upper-limit scan")
arguments = parser.parse_args()

workspace = pyhf.Workspace(json.loads(Path(arguments.workspace).read_text()))
model = workspace.model()
data = workspace.data(model)

cls_observed, cls_expected = pyhf.infer.hypotest(1.0, data, model, test_stat="qtilde", return_expected_set=True)
scan = np.linspace(0, 5, 11 if arguments.quick else 41)
limit_observed, limit_expected = pyhf.infer.intervals.upper_limits.upper_limit(data, model, scan=scan)

print(
    json.dumps(
        {
            "cls_observed": float(cls_observed),
            "cls_expected": [float(value) for value in cls_expected],
            "upper_limit_observed": float(limit_observed),
            "upper_limit_expected": [float(value) for value in limit_expected],
        }
    )
)
