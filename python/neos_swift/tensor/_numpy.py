"""pyhf's ``numpy_backend`` (``pyhf.tensor.numpy_backend``), over numpy and scipy."""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from ._common import _ArrayBackend


class numpy_backend(_ArrayBackend):  # noqa: N801  (pyhf's name)
    """NumPy tensor backend: ``name == "numpy"``, ``precision`` "64b" (default) or "32b", no automatic gradients.

    Keyword arguments other than ``precision`` are accepted and unused, as pyhf's backend accepts them."""

    __slots__ = ["name", "precision", "dtypemap", "default_do_grad"]

    #: The array type of this backend's tensors.
    array_type = np.ndarray
    #: The element type of this backend's tensors.
    array_subtype = np.number

    _xp = np
    _special = special
    _stats_norm = stats.norm

    def __init__(self, **kwargs):
        self._init("numpy", kwargs.get("precision", "64b"), np, False)

    def tolist(self, tensor_in):
        if isinstance(tensor_in, list):
            return tensor_in
        return tensor_in.tolist()

    def to_numpy(self, tensor_in):
        """The tensor itself: numpy arrays already are numpy arrays."""
        return tensor_in
