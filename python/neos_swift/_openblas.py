"""Where the current OpenBLAS the package depends on (the scipy-openblas32 wheel) keeps its library. No libneos
import here: the `neos` console script uses it before it hands its process to the native command."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def bundled_openblas() -> Path | None:
    """The scipy-openblas32 wheel's shared library, or None when the wheel is missing or NEOS_BLAS_LIBRARY names
    another library (libneos links no BLAS and would otherwise take the system's, which may be older than the
    CPU)."""
    if os.environ.get("NEOS_BLAS_LIBRARY"):
        return None
    # Found, not imported: importing scipy_openblas32 loads its library into the process (RTLD_GLOBAL), and
    # libneos leaves the thread settings of a library someone else loaded alone; loaded by libneos itself, it runs
    # single-threaded and libneos splits large products over the cores (threads that block instead of spinning).
    spec = importlib.util.find_spec("scipy_openblas32")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "lib"
    found = sorted(folder.glob("libscipy_openblas*.so*")) + sorted(folder.glob("libscipy_openblas*.dylib"))
    return found[0] if found else None
