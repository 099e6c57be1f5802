"""Where the current OpenBLAS the package depends on (the scipy-openblas32 wheel) keeps its library. No libneos
import here: the `neos` console script uses it before it hands its process to the native command."""

from __future__ import annotations

import os
from pathlib import Path


def bundled_openblas() -> Path | None:
    """The scipy-openblas32 wheel's shared library, or None when the wheel is missing or NEOS_BLAS_LIBRARY names
    another library (libneos links no BLAS and would otherwise take the system's, which may be older than the
    CPU)."""
    if os.environ.get("NEOS_BLAS_LIBRARY"):
        return None
    try:
        import scipy_openblas32
    except ImportError:
        return None
    folder = Path(scipy_openblas32.get_lib_dir())
    found = sorted(folder.glob("libscipy_openblas*.so*")) + sorted(folder.glob("libscipy_openblas*.dylib"))
    return found[0] if found else None
