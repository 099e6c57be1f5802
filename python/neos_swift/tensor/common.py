"""Bookkeeping shared by pyhf-style code (``pyhf.tensor.common``): :class:`_TensorViewer` splits one flat tensor
into named pieces by index lists and stitches such pieces back together; two constructors build one from
contiguous slices or from piece sizes. No statistics happens here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .. import events


def _tensorlib():
    """The current tensor backend (imported late: the backend state imports this package)."""
    from .._backend import get_backend

    return get_backend()[0]


def _as_index_list(indices) -> list[int]:
    """One partition's target positions as plain ints (accepts lists, ranges and any backend's int or float
    tensors holding whole numbers)."""
    values = np.asarray(indices).reshape(-1)
    if values.size and not np.all(np.equal(np.mod(values, 1), 0)):
        raise ValueError(f"tensor viewer indices must be whole numbers, got {values.tolist()}")
    return [int(value) for value in values]


class _TensorViewer:
    """A view of a flat tensor (the last axis of a batched one) as several pieces.

    ``indices`` is a list of partitions, each the positions its entries take in the stitched tensor. The
    positions of all partitions together must be distinct; only their order matters, so a viewer over a subset
    of a larger vector (positions 3, 7, 9) stitches a tensor of 3 entries. ``split(data)`` returns the pieces
    (``selection``: only the named ones, in the order asked, by ``names``); ``stitch(pieces)`` is its inverse.
    ``batch_size`` is carried for callers, as pyhf's viewer carries it.

    The index tensors follow the current tensor backend: they are rebuilt whenever it changes."""

    def __init__(
        self, indices: Iterable[Any], batch_size: int | None = None, names: Sequence[str] | None = None
    ) -> None:
        self.batch_size = batch_size
        self.names = names
        self._partitions = [_as_index_list(partition) for partition in indices]
        if names is not None and len(names) != len(self._partitions):
            raise ValueError(f"{len(names)} names for {len(self._partitions)} partitions")
        targets = [position for partition in self._partitions for position in partition]
        if len(set(targets)) != len(targets):
            raise ValueError(f"tensor viewer positions must be distinct, got {targets}")
        # Entry k of the concatenated pieces goes to the k-th smallest target position: reading the
        # concatenation at the argsort of the targets puts every entry where it belongs.
        self._order = np.argsort(np.asarray(targets, dtype=np.int64), kind="stable").tolist()
        self._rebuild()
        events.subscribe("tensorlib_changed")(self._rebuild)

    def _rebuild(self):
        """The index tensors in the current backend."""
        tensorlib = _tensorlib()
        self.sorted_indices = tensorlib.astensor(self._order, dtype="int")
        self.partition_indices = [tensorlib.astensor(partition, dtype="int") for partition in self._partitions]
        self.name_map = dict(zip(self.names, self.partition_indices)) if self.names else {}

    @staticmethod
    def _take_last_axis(tensorlib, tensor, indices):
        """``tensor[..., indices]`` with the backend's first-axis gather: reversing the axes brings the last
        one to the front and back again."""
        if len(tensorlib.shape(tensor)) == 1:
            return tensorlib.gather(tensor, indices)
        return tensorlib.transpose(tensorlib.gather(tensorlib.transpose(tensor), indices))

    def stitch(self, data: Sequence[Any]) -> Any:
        """One tensor from one piece per partition, in the partitions' order; pieces are concatenated on their
        last axis, so batched pieces (batch, n_k) give (batch, n)."""
        if len(data) != len(self._partitions):
            raise ValueError(f"stitch needs {len(self._partitions)} pieces, got {len(data)}")
        tensorlib = _tensorlib()
        joined = tensorlib.concatenate([tensorlib.astensor(piece) for piece in data], axis=-1)
        width = tensorlib.shape(joined)[-1]
        if width != len(self._order):
            raise ValueError(f"stitch needs {len(self._order)} entries in all, got {width}")
        return self._take_last_axis(tensorlib, joined, self.sorted_indices)

    def split(self, data: Any, selection: Iterable[str] | None = None) -> list[Any]:
        """The pieces of ``data`` (last axis): every partition's, or with ``selection`` the named ones in the
        order given (a name that is not one of ``names`` raises KeyError)."""
        tensorlib = _tensorlib()
        if selection is None:
            chosen = self.partition_indices
        else:
            chosen = [self.name_map[name] for name in selection]
        if not isinstance(data, tensorlib.array_type):
            data = tensorlib.astensor(data)
        return [self._take_last_axis(tensorlib, data, indices) for indices in chosen]


def _tensorviewer_from_slices(target_slices, names, batch_size):
    """A viewer whose partitions are the positions of ``target_slices`` (Python slices with start and stop), or
    None when there are none."""
    if not target_slices:
        return None
    return _TensorViewer(
        [range(piece.start, piece.stop) for piece in target_slices], names=names, batch_size=batch_size
    )


def _tensorviewer_from_sizes(sizes, names, batch_size):
    """A viewer over consecutive partitions of the given sizes (the first ``sizes[0]`` positions, then the next
    ``sizes[1]``, ...), or None when ``sizes`` is empty."""
    bounds = np.cumsum([0, *sizes]).tolist()
    return _tensorviewer_from_slices([slice(start, stop) for start, stop in zip(bounds, bounds[1:])], names, batch_size)
