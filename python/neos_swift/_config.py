"""``neos_swift.show_config()``: what this installation runs on (libneos, its ABI, the BLAS and kernel)."""

from __future__ import annotations

import json
import platform
from typing import Any

from . import _handles
from ._library import lib, path


def show_config(mode: str = "stdout") -> dict[str, Any] | None:
    """Prints (``mode="stdout"``) or returns (``mode="dicts"``) the configuration neos_swift runs with: the
    libneos file and version, and the BLAS library the dense layers and fit Hessians use, with the kernel family
    OpenBLAS chose for this CPU (``"core"``; "built-in" as the library means no BLAS was found and portable loops
    run), like ``numpy.show_config``. Loads the BLAS library if no call has needed it yet."""
    if mode not in ("stdout", "dicts"):
        raise ValueError(f"mode must be 'stdout' or 'dicts', not {mode!r}")
    blas = _handles.read_json(lib.neos_blas_describe)
    config = {
        "neos_swift": {
            "version": lib.neos_version().decode(),
            "abi_version_number": lib.neos_version_number(),
            "library": str(path),
        },
        "blas": blas,
        "machine": {"processor": _processor_name(), "architecture": platform.machine()},
    }
    if mode == "dicts":
        return config
    print(json.dumps(config, indent=2))
    return None


def _processor_name() -> str:
    """The CPU's model name (Linux's /proc/cpuinfo), else what the platform module says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
