"""neos-swift: a native, differentiable statistical-inference engine for high-energy physics.

The numerics live in libneos (Swift, exposed through the C header ``include/neos.h``); this package is a thin
ctypes layer with pyhf- and relaxed-style names.
"""

from __future__ import annotations

from . import exceptions, infer, losses, neos, probability, schema, simplemodels, utils  # noqa: E402  (after the types they use)
from ._library import lib as _lib
from .errors import (
    FitFailed,
    InternalError,
    InvalidArgument,
    ModelError,
    NeosError,
    NumericError,
    OutOfMemory,
    ParseError,
)
from .histograms import CutGradients, HistGradients, cut, cut_vjp, hist, hist_vjp
from .workspace import Model, PatchSet, Workspace

__version__ = _lib.neos_version().decode()
# The library's ABI version, MAJOR * 1000000 + MINOR * 1000 + PATCH (checked against the bindings at import).
VERSION_NUMBER = _lib.neos_version_number()

__all__ = [
    "VERSION_NUMBER",
    "CutGradients",
    "FitFailed",
    "HistGradients",
    "InternalError",
    "InvalidArgument",
    "ModelError",
    "Model",
    "NeosError",
    "NumericError",
    "OutOfMemory",
    "ParseError",
    "PatchSet",
    "Workspace",
    "cut",
    "cut_vjp",
    "exceptions",
    "hist",
    "hist_vjp",
    "infer",
    "losses",
    "neos",
    "probability",
    "schema",
    "simplemodels",
    "utils",
]
