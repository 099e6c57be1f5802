"""What the numpy and jax tensor backends share: pyhf's tensorlib surface written once over an array namespace.

A backend class sets ``_xp`` (the array module: numpy or jax.numpy), ``_special`` (erf, erfinv, xlogy, gammaln)
and ``_stats_norm`` (pdf, cdf) and its own ``astensor``/``tolist``/``to_numpy`` where the array types differ.
Every method is the namespace's own operation, so under the jax backend the results are jax values that
``jax.grad`` and ``jax.jit`` trace through.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

_DTYPES = ("float", "int", "bool")


class _Distribution:
    """What pyhf's ``poisson_dist`` and ``normal_dist`` objects do: ``sample(shape)`` draws from the frozen scipy
    distribution of the parameters (NumPy's global random state, as pyhf), of shape ``shape + parameter shape``,
    and returns them as the backend's tensor; ``log_prob(value)`` is the backend's log-density. A subclass
    names its parameters and gives ``_frozen`` and ``log_prob``."""

    def __init__(self, backend: _ArrayBackend) -> None:
        self._backend = backend

    def _frozen(self):
        raise NotImplementedError

    def sample(self, sample_shape: Sequence[int]) -> Any:
        """Draws of shape ``sample_shape + parameter shape``."""
        frozen = self._frozen()
        return self._backend._from_sampled(frozen.rvs(size=tuple(sample_shape) + frozen.mean().shape))


class _Poisson(_Distribution):
    """pyhf's ``poisson_dist``: counts with mean ``rate``."""

    def __init__(self, backend: _ArrayBackend, rate: Any) -> None:
        super().__init__(backend)
        self.rate = rate

    def _frozen(self):
        import numpy as np
        from scipy import stats

        return stats.poisson(np.asarray(self.rate))

    def log_prob(self, value: Any) -> Any:
        """The backend's ``poisson_logpdf(value, rate)``."""
        return self._backend.poisson_logpdf(value, self.rate)


class _Normal(_Distribution):
    """pyhf's ``normal_dist``: values around ``loc`` with width ``scale``."""

    def __init__(self, backend: _ArrayBackend, loc: Any, scale: Any) -> None:
        super().__init__(backend)
        self.loc, self.scale = loc, scale

    def _frozen(self):
        import numpy as np
        from scipy import stats

        return stats.norm(np.asarray(self.loc), np.asarray(self.scale))

    def log_prob(self, value: Any) -> Any:
        """The backend's ``normal_logpdf(value, loc, scale)``."""
        return self._backend.normal_logpdf(value, self.loc, self.scale)


class _ArrayBackend:
    """The shared methods; subclasses declare pyhf's slots (name, precision, dtypemap, default_do_grad)."""

    __slots__ = ()

    def _init(self, name, precision, xp, default_do_grad):
        self.name = name
        self.precision = precision
        wide = precision == "64b"
        self.dtypemap = {
            "float": xp.float64 if wide else xp.float32,
            "int": xp.int64 if wide else xp.int32,
            "bool": xp.bool_,
        }
        self.default_do_grad = default_do_grad

    def _setup(self):
        """Global set-up when the backend becomes current (nothing for these backends)."""

    def _dtype(self, dtype):
        try:
            return self.dtypemap[dtype]
        except KeyError:
            # "Invalid dtype" opens the message as in pyhf, whose tests look for those words in the log.
            log.error(f"Invalid dtype {dtype!r}: this backend's dtypes are {list(self.dtypemap)}", exc_info=True)
            raise

    def _from_sampled(self, draws):
        return self.astensor(draws)

    # Construction and conversion
    def astensor(self, tensor_in: Any, dtype: str = "float") -> Any:
        return self._xp.asarray(tensor_in, dtype=self._dtype(dtype))

    def ones(self, shape: Any, dtype: str = "float") -> Any:
        return self._xp.ones(shape, dtype=self._dtype(dtype))

    def zeros(self, shape: Any, dtype: str = "float") -> Any:
        return self._xp.zeros(shape, dtype=self._dtype(dtype))

    # Shape manipulation
    def shape(self, tensor: Any) -> tuple[int, ...]:
        return tensor.shape

    def reshape(self, tensor: Any, newshape: Any) -> Any:
        return self._xp.reshape(tensor, newshape)

    def ravel(self, tensor: Any) -> Any:
        return self._xp.ravel(tensor)

    def transpose(self, tensor_in: Any) -> Any:
        return tensor_in.transpose()

    def tile(self, tensor_in: Any, repeats: Any) -> Any:
        return self._xp.tile(tensor_in, repeats)

    def stack(self, sequence: Sequence[Any], axis: int = 0) -> Any:
        return self._xp.stack(sequence, axis=axis)

    def concatenate(self, sequence: Sequence[Any], axis: int = 0) -> Any:
        return self._xp.concatenate(sequence, axis=axis)

    def simple_broadcast(self, *args: Any) -> Sequence[Any]:
        return self._xp.broadcast_arrays(*args)

    # Indexing and selection
    def _subscript(self, tensor, key):
        # The key is made an array first, so that a Python list indexes as an array does (jax refuses lists).
        return tensor[self._xp.asarray(key)]

    def gather(self, tensor: Any, indices: Any) -> Any:
        """The entries of ``tensor`` at the integer array ``indices`` along its first axis, in the shape of
        ``indices`` (followed by the remaining axes)."""
        return self._subscript(tensor, indices)

    def boolean_mask(self, tensor: Any, mask: Any) -> Any:
        """The entries of ``tensor`` where ``mask`` (a boolean array of the leading shape) is true, flattened."""
        return self._subscript(tensor, mask)

    def where(self, mask: Any, tensor_in_1: Any, tensor_in_2: Any) -> Any:
        return self._xp.where(mask, tensor_in_1, tensor_in_2)

    def clip(self, tensor_in: Any, min_value: Any, max_value: Any) -> Any:
        return self._xp.clip(tensor_in, min_value, max_value)

    def conditional(self, predicate: Any, true_callable: Callable[[], Any], false_callable: Callable[[], Any]) -> Any:
        return true_callable() if predicate else false_callable()

    def isfinite(self, tensor: Any) -> Any:
        return self._xp.isfinite(tensor)

    # Arithmetic and reductions
    def sum(self, tensor_in: Any, axis: int | None = None) -> Any:
        return self._xp.sum(tensor_in, axis=axis)

    def product(self, tensor_in: Any, axis: int | None = None) -> Any:
        return self._xp.prod(tensor_in, axis=axis)

    def abs(self, tensor: Any) -> Any:
        return self._xp.abs(tensor)

    def power(self, tensor_in_1: Any, tensor_in_2: Any) -> Any:
        return self._xp.power(tensor_in_1, tensor_in_2)

    def sqrt(self, tensor_in: Any) -> Any:
        return self._xp.sqrt(tensor_in)

    def divide(self, tensor_in_1: Any, tensor_in_2: Any) -> Any:
        return self._xp.divide(tensor_in_1, tensor_in_2)

    def log(self, tensor_in: Any) -> Any:
        return self._xp.log(tensor_in)

    def exp(self, tensor_in: Any) -> Any:
        return self._xp.exp(tensor_in)

    def outer(self, tensor_in_1: Any, tensor_in_2: Any) -> Any:
        return self._xp.outer(tensor_in_1, tensor_in_2)

    def einsum(self, subscripts: str, *operands: Any) -> Any:
        return self._xp.einsum(subscripts, *operands)

    def percentile(self, tensor_in: Any, q: Any, axis: int | None = None, interpolation: str = "linear") -> Any:
        """The q-th percentile; ``interpolation`` is pyhf's name for numpy's ``method`` (linear, lower, higher,
        midpoint, nearest)."""
        return self._xp.percentile(tensor_in, q, axis=axis, method=interpolation)

    def erf(self, tensor_in: Any) -> Any:
        return self._special.erf(tensor_in)

    def erfinv(self, tensor_in: Any) -> Any:
        return self._special.erfinv(tensor_in)

    # Distributions
    def poisson_logpdf(self, n: Any, lam: Any) -> Any:
        """log of the continuous Poisson p.m.f., n! = Gamma(n + 1); finite at lam = 0 for n = 0."""
        n, lam = self._xp.asarray(n), self._xp.asarray(lam)
        return self._special.xlogy(n, lam) - lam - self._special.gammaln(n + 1.0)

    def poisson(self, n: Any, lam: Any) -> Any:
        return self._xp.exp(self.poisson_logpdf(n, lam))

    def normal_logpdf(self, x: Any, mu: Any, sigma: Any) -> Any:
        xp = self._xp
        z = xp.divide(xp.subtract(x, mu), sigma)
        return -0.5 * z * z - xp.log(xp.multiply(sigma, math.sqrt(2.0 * math.pi)))

    def normal(self, x: Any, mu: Any, sigma: Any) -> Any:
        return self._stats_norm.pdf(x, loc=mu, scale=sigma)

    def normal_cdf(self, x: Any, mu: Any = 0, sigma: Any = 1) -> Any:
        return self._stats_norm.cdf(x, loc=mu, scale=sigma)

    def poisson_dist(self, rate: Any) -> _Poisson:
        return _Poisson(self, rate)

    def normal_dist(self, mu: Any, sigma: Any) -> _Normal:
        return _Normal(self, mu, sigma)
