"""A signal grid: the ATLAS sbottom background-only workspace patched with one signal point after another, the CLs
of each written to a JSON table.

Run: python examples/signal_grid.py [--quick] [--out grid.json]   (--quick: the first point only)
"""

import argparse
import json
from pathlib import Path

import neos_swift as pyhf

REGION = Path(__file__).resolve().parents[1] / "Tests" / "Data" / "pyhf" / "sbottom_ins1748602" / "RegionA"

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--quick", action="store_true", help="short settings: one signal point")
parser.add_argument("--out", default="signal_grid.json", help="where the table is written")
arguments = parser.parse_args()

workspace = pyhf.Workspace(json.loads((REGION / "BkgOnly.json").read_text()))
patches = sorted(REGION.glob("patch.sbottom_*.json"))[: 1 if arguments.quick else None]

table = []
for path in patches:
    patch = json.loads(path.read_text())
    model = workspace.model(patches=[patch])
    data = workspace.data(model)
    cls_observed, cls_expected = pyhf.infer.hypotest(1.0, data, model, return_expected_set=True)
    # The point's masses are in its name: sbottom_<m(sbottom)>_<m(neutralino 2)>_<m(neutralino 1)>.
    masses = [float(mass) for mass in path.stem.split("_")[1:]]
    table.append(
        {
            "patch": path.name,
            "masses": masses,
            "cls_observed": float(cls_observed),
            "cls_expected": [float(value) for value in cls_expected],
        }
    )
    print(f"{path.name}: CLs observed {float(cls_observed):.4f}, expected {float(cls_expected[2]):.4f}")

Path(arguments.out).write_text(json.dumps(table, indent=1) + "\n")
print(f"wrote {arguments.out}")
