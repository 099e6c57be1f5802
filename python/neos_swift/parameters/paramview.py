"""``pyhf.parameters.ParamViewer``: the parameters of chosen parameter sets, gathered from a parameter tensor of
one row (shape ``(npars,)``) or of a batch of rows (shape ``(batch, npars)``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["ParamViewer"]


def __dir__():
    return __all__


class _Names:
    """The parameter sets of a par_map in the order their slices take in the parameter vector (``names``)."""

    def __init__(self, par_map):
        self.names = [name for name, _ in sorted(par_map.items(), key=lambda item: item[1]["slice"].start)]


class ParamViewer:
    """Gathers the parameter sets ``par_selection`` (names of ``par_map``, whose entries carry a ``"slice"``) from
    tensors of ``shape``: ``(npars,)``, or ``(batch, npars)`` for a batch.

    ``get(pars)`` returns the selected parameters one after the other in selection order: shape ``(n,)`` for one
    row, and ``(n, batch)`` (one row per selected parameter) for a batch. ``index_selection`` holds, per selected
    set, the flat indices it reads (shape ``(batch, size)`` for a batch); ``allpar_viewer.names`` is the order of
    all sets in the parameter vector."""

    def __init__(
        self, shape: Sequence[int], par_map: Mapping[str, Mapping[str, Any]], par_selection: Iterable[str]
    ) -> None:
        shape = tuple(int(size) for size in shape)
        self.batch_size = shape[0] if len(shape) > 1 else None
        self.allpar_viewer = _Names(par_map)
        self.par_selection = list(par_selection)
        all_indices = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
        self.index_selection = [all_indices[..., par_map[name]["slice"]] for name in self.par_selection]
        if self.index_selection:
            stitched = np.concatenate(self.index_selection, axis=-1)
            self.indices_concatenated = stitched.T if stitched.ndim > 1 else stitched
        else:
            self.indices_concatenated = None

    def get(self, data: Any, indices: Any = None) -> Any:
        """The selected parameters of ``data`` (or the flat ``indices`` given), ``None`` when nothing is
        selected."""
        if not self.index_selection:
            return None
        from .._backend import get_backend

        tensorlib, _ = get_backend()
        indices = self.indices_concatenated if indices is None else indices
        flat = np.reshape(tensorlib.to_numpy(tensorlib.astensor(data)), (-1,))
        return tensorlib.astensor(flat[np.asarray(indices)])
