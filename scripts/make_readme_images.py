"""Regenerates the README's fit plots, docs/images/brazil.png and docs/images/pulls.png, with the project's own
code from reference workspaces in Tests/Data: the Brazil band of the two-channel validation workspace and the
pulls of the sbottom analysis' region A with one signal patch.

    PYTHONPATH=python python scripts/make_readme_images.py [--output-dir docs/images]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import neos_swift
from neos_swift import plots

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "Tests" / "Data" / "pyhf"
BRAZIL_WORKSPACE = DATA / "workspaces" / "validation_2bin_2channel_coupledhistosys.json"
PULLS_WORKSPACE = DATA / "sbottom_ins1748602" / "RegionA" / "BkgOnly.json"
PULLS_PATCH = DATA / "sbottom_ins1748602" / "RegionA" / "patch.sbottom_1300_205_60.json"
DPI = 80  # keeps each PNG well under 200 kB


def _model_and_data(workspace_path: Path, patch_path: Path | None = None):
    workspace = neos_swift.Workspace(json.loads(workspace_path.read_text()))
    patches = [json.loads(patch_path.read_text())] if patch_path else []
    model = workspace.model(patches=patches)
    return model, workspace.data(model)


def main(argv: list[str] | None = None) -> None:
    """Writes brazil.png and pulls.png into the output directory (docs/images by default)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--output-dir", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)

    figure, _ = plots.plot_brazil(*_model_and_data(BRAZIL_WORKSPACE), poi_range=(0.0, 4.0), points=41)
    figure.savefig(args.output_dir / "brazil.png", dpi=DPI)
    figure, _ = plots.plot_pulls(*_model_and_data(PULLS_WORKSPACE, PULLS_PATCH))
    figure.savefig(args.output_dir / "pulls.png", dpi=DPI)
    for name in ("brazil.png", "pulls.png"):
        path = args.output_dir / name
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
