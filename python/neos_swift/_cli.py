"""The `neos` console script: starts the native `neos` command bundled with the package (neos-cli), telling it
which Python draws the plots (this one, where neos_swift is installed). The console script's entry point
(``neos_launcher.main``, outside the package) runs this file by its path, so nothing here may import the package
(its ``__init__`` loads numpy, scipy and libneos): its sibling ``_openblas.py`` is loaded by its path too."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path


def _bundled_openblas():
    """``_openblas.bundled_openblas()`` of this folder, loaded without importing the package."""
    spec = importlib.util.spec_from_file_location("_neos_swift_openblas", Path(__file__).with_name("_openblas.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.bundled_openblas()


def main() -> None:
    """Replaces this process by the native command, with NEOS_PYTHON (this Python) and NEOS_BLAS_LIBRARY (the
    package's current OpenBLAS) set unless the caller set them."""
    command = Path(__file__).resolve().parent / "neos-cli"
    if not command.is_file():
        sys.exit(f"neos: the native command was not found at {command}; reinstall with 'pip install ./python'")
    environment = dict(os.environ)
    environment.setdefault("NEOS_PYTHON", sys.executable)
    # The native command runs on the same current OpenBLAS as the package (scipy-openblas32), not the system's.
    blas = _bundled_openblas()
    if blas is not None:
        environment.setdefault("NEOS_BLAS_LIBRARY", str(blas))
    os.execve(str(command), ["neos", *sys.argv[1:]], environment)


if __name__ == "__main__":
    main()
