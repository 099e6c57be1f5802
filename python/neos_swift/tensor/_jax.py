"""pyhf's ``jax_backend`` (``pyhf.tensor.jax_backend``), over jax.numpy: every operation is a jax operation, so
values built with it flow through ``jax.grad``/``jax.jit``. Importing it switches on float64 in jax, as pyhf does."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.special as jax_special
import jax.scipy.stats as jax_stats
import numpy as np

from ._common import _ArrayBackend

jax.config.update("jax_enable_x64", True)


class jax_backend(_ArrayBackend):  # noqa: N801  (pyhf's name)
    """JAX tensor backend: ``name == "jax"``, gradients by default.

    ``precision`` is pyhf's: "64b" (the default) gives float64/int64 tensors, any other value float32/int32, and
    is kept as given. ``poisson_from_normal`` is accepted and unused, as by :class:`numpy_backend`. Any other
    keyword is a ``TypeError``."""

    __slots__ = ["name", "precision", "dtypemap", "default_do_grad"]

    #: The array type of this backend's tensors.
    array_type = jax.Array
    #: The element type of this backend's tensors (jax arrays carry their dtype themselves).
    array_subtype = jax.Array

    _xp = jnp
    _special = jax_special
    _stats_norm = jax_stats.norm

    def __init__(self, *, precision: str = "64b", poisson_from_normal: bool = False) -> None:
        self._init("jax", precision, jnp, True)

    def _from_sampled(self, draws):
        return jnp.asarray(draws, dtype=self.dtypemap["float"])

    def tolist(self, tensor_in: Any) -> Any:
        if isinstance(tensor_in, list):
            return tensor_in
        return jnp.asarray(tensor_in).tolist()

    def to_numpy(self, tensor_in: Any) -> np.ndarray:
        """A numpy copy with the tensor's dtype."""
        return np.asarray(tensor_in, dtype=tensor_in.dtype)
