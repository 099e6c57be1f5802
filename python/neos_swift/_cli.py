"""The `neos` console script: starts the native `neos` command bundled with the package (neos-cli), telling it
which Python draws the plots (this one, where neos_swift is installed)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ._openblas import bundled_openblas


def main() -> None:
    command = Path(__file__).resolve().parent / "neos-cli"
    if not command.is_file():
        sys.exit(f"neos: the native command was not found at {command}; reinstall with 'pip install ./python'")
    environment = dict(os.environ)
    environment.setdefault("NEOS_PYTHON", sys.executable)
    # The native command runs on the same current OpenBLAS as the package (scipy-openblas32), not the system's.
    blas = bundled_openblas()
    if blas is not None:
        environment.setdefault("NEOS_BLAS_LIBRARY", str(blas))
    os.execve(str(command), ["neos", *sys.argv[1:]], environment)


if __name__ == "__main__":
    main()
