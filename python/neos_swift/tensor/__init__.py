"""Tensor backends with pyhf's names (``pyhf.tensor``): ``numpy_backend``, ``jax_backend`` (imported on first use,
as pyhf imports it), and the ``pytorch_backend``/``tensorflow_backend`` names, which neos_swift cannot make current.

``array_types`` and ``array_subtypes`` are the array classes of the backends loaded so far, as pyhf's.
"""

from __future__ import annotations

from ._numpy import numpy_backend
from ._unavailable import pytorch_backend, tensorflow_backend

__all__ = ["array_subtypes", "array_types", "jax_backend", "numpy_backend", "pytorch_backend", "tensorflow_backend"]

_loaded = [numpy_backend]


def __dir__():
    return __all__


def __getattr__(name):
    if name == "jax_backend":
        try:
            from ._jax import jax_backend
        except ImportError as error:
            from ..exceptions import ImportBackendError

            raise ImportBackendError(
                "There was a problem importing JAX. The jax backend cannot be used.", error
            ) from error
        globals()["jax_backend"] = jax_backend
        _loaded.append(jax_backend)
        return jax_backend
    if name == "array_types":
        return tuple(dict.fromkeys(backend.array_type for backend in _loaded))
    if name == "array_subtypes":
        return tuple(dict.fromkeys(backend.array_subtype for backend in _loaded))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
