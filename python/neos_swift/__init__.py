"""neos-swift: a native, differentiable statistical-inference engine for high-energy physics.

The numerics live in libneos (Swift, exposed through the C header ``include/neos.h``); this package is a thin
ctypes layer with pyhf- and relaxed-style names.
"""

from __future__ import annotations

from . import (  # noqa: E402  (after the types they use)
    _alias,  # noqa: F401  (first: installs the finder that keeps one module object per submodule)
    compat,
    events,
    exceptions,
    infer,
    interpolators,
    losses,
    mixins,
    neos,
    optimize,
    parameters,
    patchset,
    pdf,
    probability,
    schema,
    simplemodels,
    tensor,
    utils,
)
from ._backend import get_backend, set_backend
from ._config import show_config
from ._library import lib as _lib
from .errors import (
    ArgumentInterfaceError,
    ArgumentTypeError,
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
from .patchset import PatchSet
from .workspace import Model, Workspace

__version__ = _lib.neos_version().decode()
# The library's ABI version, MAJOR * 1000000 + MINOR * 1000 + PATCH (checked against the bindings at import).
VERSION_NUMBER = _lib.neos_version_number()

__all__ = [
    "show_config",
    "VERSION_NUMBER",
    "ArgumentInterfaceError",
    "ArgumentTypeError",
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
    "default_backend",
    "events",
    "get_backend",
    "optimize",
    "optimizer",
    "set_backend",
    "tensor",
    "tensorlib",
    "compat",
    "cut_vjp",
    "exceptions",
    "hist",
    "hist_vjp",
    "infer",
    "interpolators",
    "losses",
    "mixins",
    "neos",
    "parameters",
    "patchset",
    "pdf",
    "probability",
    "schema",
    "simplemodels",
    "utils",
]


def __getattr__(name):
    # pyhf's module attributes that follow set_backend: the current tensor backend and optimizer, the default backend.
    if name == "tensorlib":
        return get_backend()[0]
    if name == "optimizer":
        return get_backend()[1]
    if name == "default_backend":
        return get_backend(default=True)[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
