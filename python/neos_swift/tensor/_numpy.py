"""pyhf's ``numpy_backend`` (``pyhf.tensor.numpy_backend``), over numpy and scipy."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special, stats

from ._common import _ArrayBackend


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
    _special = special
    _stats_norm = stats.norm

    def __init__(self, *, precision: str = "64b", poisson_from_normal: bool = False) -> None:
        self._init("numpy", precision, np, False)

    def tolist(self, tensor_in: Any) -> Any:
        if isinstance(tensor_in, list):
            return tensor_in
        return tensor_in.tolist()

    def to_numpy(self, tensor_in: Any) -> np.ndarray:
        """The tensor itself: numpy arrays already are numpy arrays."""
        return tensor_in
