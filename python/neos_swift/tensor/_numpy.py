"""pyhf's ``numpy_backend`` (``pyhf.tensor.numpy_backend``), over numpy and scipy."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from ._common import _ArrayBackend


class _ImportedOnFirstUse:
    """A class attribute taken from a module the first time it is read: ``scipy.stats`` costs about 70 MB of
    memory and 0.4 s when imported, which a program that only trains or fits through neos_swift never needs."""

    def __init__(self, module: str, attribute: str | None = None) -> None:
        self._module, self._attribute, self._value = module, attribute, None

    def __get__(self, instance, owner):
        if self._value is None:
            module = importlib.import_module(self._module)
            self._value = getattr(module, self._attribute) if self._attribute else module
        return self._value


class numpy_backend(_ArrayBackend):  # noqa: N801  (pyhf's name)
    """NumPy tensor backend: ``name == "numpy"``, no automatic gradients.

    ``precision`` is pyhf's: "64b" (the default) gives float64/int64 tensors, any other value float32/int32, and
    is kept as given. ``poisson_from_normal`` is accepted and unused, as pyhf 0.7.6 accepts and ignores it (an
    option of older pyhf versions that pyhf's own test fixtures still pass). Any other keyword is a
    ``TypeError``."""

    __slots__ = ["name", "precision", "dtypemap", "default_do_grad"]

    #: The array type of this backend's tensors.
    array_type = np.ndarray
    #: The element type of this backend's tensors.
    array_subtype = np.number

    _xp = np
    _special = _ImportedOnFirstUse("scipy.special")
    _stats_norm = _ImportedOnFirstUse("scipy.stats", "norm")

    def __init__(self, *, precision: str = "64b", poisson_from_normal: bool = False) -> None:
        self._init("numpy", precision, np, False)

    def tolist(self, tensor_in: Any) -> Any:
        if isinstance(tensor_in, list):
            return tensor_in
        return tensor_in.tolist()

    def to_numpy(self, tensor_in: Any) -> np.ndarray:
        """The tensor itself: numpy arrays already are numpy arrays."""
        return tensor_in
