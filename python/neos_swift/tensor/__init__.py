"""Tensor backends with pyhf's names (``pyhf.tensor``): ``numpy_backend``, ``jax_backend``, and the
``pytorch_backend``/``tensorflow_backend`` names, which neos_swift cannot make current.

As pyhf's ``pyhf.tensor``, every backend is looked up when first asked for (and again if the attribute is
deleted), importing its array library then: ``ImportError`` when numpy cannot be imported,
``exceptions.ImportBackendError`` when jax cannot. ``array_types`` and ``array_subtypes`` are the array classes of
the backends loaded so far.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["array_subtypes", "array_types", "jax_backend", "numpy_backend", "pytorch_backend", "tensorflow_backend"]

_loaded: dict = {}


def __dir__():
    return __all__


def _numpy_backend():
    importlib.import_module("numpy")  # raises ImportError when numpy is unavailable (or hidden)
    from ._numpy import numpy_backend

    return numpy_backend


def _jax_backend():
    try:
        importlib.import_module("jax")
        from ._jax import jax_backend
    except ImportError as error:
        from ..exceptions import ImportBackendError

        raise ImportBackendError("jax could not be imported, so the jax backend is not available", error) from error
    return jax_backend


def _pytorch_backend():
    from ._unavailable import pytorch_backend

    return pytorch_backend


def _tensorflow_backend():
    from ._unavailable import tensorflow_backend

    return tensorflow_backend


_BACKENDS = {
    "numpy_backend": _numpy_backend,
    "jax_backend": _jax_backend,
    "pytorch_backend": _pytorch_backend,
    "tensorflow_backend": _tensorflow_backend,
}


def __getattr__(name: str) -> Any:
    if name in _BACKENDS:
        backend = _BACKENDS[name]()
        globals()[name] = backend
        if name in ("numpy_backend", "jax_backend"):
            _loaded[name] = backend
        return backend
    if name == "array_types":
        return tuple(dict.fromkeys(backend.array_type for backend in _loaded.values()))
    if name == "array_subtypes":
        return tuple(dict.fromkeys(backend.array_subtype for backend in _loaded.values()))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
