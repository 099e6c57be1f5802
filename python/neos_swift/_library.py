"""Finding and loading libneos, and declaring every C signature once.

The library is looked up at ``$NEOS_LIBRARY`` (a file, or a folder holding ``libneos.so``) when that is set,
otherwise next to this package (where ``pip install`` puts it).
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import numpy as np

from .errors import InvalidArgument

_LIBRARY_NAME = "libneos.so"

c_double_p = ctypes.POINTER(ctypes.c_double)
c_size_t = ctypes.c_size_t
c_status = ctypes.c_int32


def _library_path() -> Path:
    configured = os.environ.get("NEOS_LIBRARY")
    if configured:
        path = Path(configured)
        if path.is_dir():
            path = path / _LIBRARY_NAME
        if not path.is_file():
            raise OSError(f"NEOS_LIBRARY={configured!r} does not name {_LIBRARY_NAME} or a folder holding it")
        return path
    bundled = Path(__file__).resolve().parent / _LIBRARY_NAME
    if not bundled.is_file():
        raise OSError(
            f"{_LIBRARY_NAME} was not found next to neos_swift ({bundled.parent}); install the package with "
            "'pip install ./python' or set NEOS_LIBRARY to a folder holding a built libneos.so"
        )
    return bundled


# name -> (restype, argtypes). Every function of include/neos.h is declared here; a test checks that the two
# lists agree.
SIGNATURES: dict[str, tuple[object, list[object]]] = {
    "neos_last_error_message": (ctypes.c_char_p, []),
    "neos_status_name": (ctypes.c_char_p, [c_status]),
    "neos_version": (ctypes.c_char_p, []),
    "neos_abi_version": (ctypes.c_int32, []),
    "neos_hist": (
        c_status,
        [c_double_p, c_size_t, c_double_p, c_double_p, c_size_t, ctypes.c_double, ctypes.c_uint32, c_double_p,
         c_size_t],
    ),
    "neos_hist_vjp": (
        c_status,
        [c_double_p, c_size_t, c_double_p, c_size_t, c_double_p, c_double_p, c_size_t, ctypes.c_double,
         ctypes.c_uint32, c_double_p, c_size_t, c_double_p, c_size_t, c_double_p, c_size_t, c_double_p],
    ),
    "neos_cut": (
        c_status,
        [c_double_p, c_size_t, ctypes.c_double, ctypes.c_double, ctypes.c_int32, c_double_p, c_size_t],
    ),
    "neos_cut_vjp": (
        c_status,
        [c_double_p, c_size_t, c_double_p, c_size_t, ctypes.c_double, ctypes.c_double, ctypes.c_int32,
         c_double_p, c_size_t, c_double_p, c_double_p],
    ),
}


def _load() -> ctypes.CDLL:
    library = ctypes.CDLL(str(_library_path()))
    for name, (restype, argtypes) in SIGNATURES.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    return library


lib = _load()
path = _library_path()


def as_doubles(values, name: str) -> np.ndarray:
    """A C-contiguous float64 copy-or-view of ``values`` (a 1-D array)."""
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise InvalidArgument(f"{name} must be 1-dimensional, got shape {array.shape}")
    return array


def pointer(array: np.ndarray | None):
    """The C pointer of a float64 array, or NULL for None."""
    if array is None:
        return None
    return array.ctypes.data_as(c_double_p)
