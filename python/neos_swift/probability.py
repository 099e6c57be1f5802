"""pyhf 0.7.6's ``pyhf.probability``: Poisson and Normal distributions over tensors, and their joints.

These are tensor-level helpers a pyhf user calls directly (``Poisson(rates).log_prob(counts)``). Their
log-densities are the Swift core's (``neos_poisson_logpdf``, ``neos_normal_logpdf``), the same terms a model's
likelihood is made of, in pyhf's formulas: the Poisson's continuous log-density ``xlogy(n, rate) - rate -
lgamma(n + 1)`` (counts need not be integers) and the Normal's ``-log(scale * sqrt(2 pi)) - ((x - loc) / (sqrt(2)
scale))**2``, with NaN and -inf where pyhf's give them. This module only broadcasts the arrays as NumPy does
(pyhf's shapes), passes them flat and reshapes the result. ``sample`` draws from NumPy's global random state as
pyhf's NumPy backend does (so ``numpy.random.seed`` makes draws repeatable, and equal to pyhf's for the same seed).
Results are NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._arguments import as_float_array
from ._library import lib, pointer
from .errors import check

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["Independent", "Normal", "Poisson", "Simultaneous"]


def __dir__():
    return __all__


def _array(value, name="value") -> np.ndarray:
    # None would silently become NaN (numpy reads it so); pyhf's backends raise a TypeError for it
    return as_float_array(name, value, ndim=None)


def _shape(sample_shape) -> tuple:
    return tuple(sample_shape)


def _log_density(function, *arrays):
    """``function`` (a core density over flat arrays of one length) of ``arrays`` broadcast against each other as
    NumPy broadcasts; the result has the broadcast shape (a NumPy scalar for 0-d inputs, as NumPy's own
    arithmetic gives)."""
    broadcast = np.broadcast_arrays(*arrays)
    shape = broadcast[0].shape
    flat = [np.ascontiguousarray(array).reshape(-1) for array in broadcast]
    out = np.empty(flat[0].size)
    arguments = []
    for array in flat:
        arguments += [pointer(array), array.size]
    check(function(*arguments, pointer(out), out.size))
    return out.reshape(shape)[()]


class Poisson:
    """Counts, one Poisson law per entry of ``rate`` (its mean): a tensor of independent distributions."""

    def __init__(self, rate: ArrayLike) -> None:
        self.rate = rate

    def log_prob(self, value: ArrayLike) -> np.ndarray:
        """The log of the density at ``value``, broadcast against ``rate``."""
        return _log_density(lib.neos_poisson_logpdf, _array(value), _array(self.rate, "rate"))

    def expected_data(self) -> ArrayLike:
        """The mean, which is ``rate`` itself."""
        return self.rate

    def sample(self, sample_shape: Sequence[int] = ()) -> np.ndarray:
        """Integer draws of shape ``sample_shape + rate.shape``."""
        rate = _array(self.rate, "rate")
        return np.random.poisson(rate, size=_shape(sample_shape) + rate.shape)


class Normal:
    """Gaussian densities, one per entry: centred on ``loc`` with width ``scale`` (tensors that broadcast)."""

    def __init__(self, loc: ArrayLike, scale: ArrayLike) -> None:
        self.loc, self.scale = loc, scale

    def log_prob(self, value: ArrayLike) -> np.ndarray:
        """The log of the density at ``value``, broadcast against ``loc`` and ``scale``."""
        return _log_density(lib.neos_normal_logpdf, _array(value), _array(self.loc, "loc"), _array(self.scale, "scale"))

    def expected_data(self) -> ArrayLike:
        """The mean, which is ``loc`` itself."""
        return self.loc

    def sample(self, sample_shape: Sequence[int] = ()) -> np.ndarray:
        """Draws of shape ``sample_shape + loc.shape``."""
        loc, scale = _array(self.loc, "loc"), _array(self.scale, "scale")
        return np.random.standard_normal(_shape(sample_shape) + loc.shape) * scale + loc


def _sum_of_terms(terms) -> np.ndarray:
    """The elementwise sum of log-density terms, broadcast against each other; always a new array."""
    return np.sum(np.stack(np.broadcast_arrays(*(_array(term) for term in terms))), axis=0)


class _Joint:
    """A distribution made of component distributions (``self._components``). Its mean and its draws are the
    components' means and draws, assembled into one tensor by ``_assemble``; each subclass says how, and how its
    log-density is made of the components' log-densities."""

    _components: list

    def _assemble(self, parts):
        raise NotImplementedError

    def expected_data(self) -> Any:
        """The components' means, assembled into one tensor."""
        return self._assemble([component.expected_data() for component in self._components])

    def sample(self, sample_shape: Sequence[int] = ()) -> Any:
        """One draw of shape ``sample_shape`` from each component, assembled: the batch (or total) size is the
        last axis."""
        return self._assemble([component.sample(sample_shape) for component in self._components])


class Independent(_Joint):
    """Many variables of one kind, independent of each other (``batched_pdf``, e.g. a Poisson with one rate per
    bin), taken as one distribution: its log-density adds up the batch's log-densities over the last axis."""

    def __init__(self, batched_pdf: Any, batch_size: int | None = None) -> None:
        self._components = [batched_pdf]
        self.batch_size = batch_size

    def _assemble(self, parts):
        # One component, already laid out as the batch: its mean is returned as it is (the same object).
        (whole,) = parts
        return whole

    def log_prob(self, value: ArrayLike) -> np.ndarray:
        """The sum over the last axis of the batch's log-densities at ``value``."""
        (batch,) = self._components
        return np.sum(batch.log_prob(value), axis=-1)


class Simultaneous(_Joint):
    """The joint distribution of several different distributions (``pdfobjs``), whose values are laid out in
    one tensor by ``tensorview`` (an object with pyhf's ``_TensorViewer`` methods ``split`` and ``stitch``).

    Indexing and iteration give the component distributions."""

    def __init__(self, pdfobjs: Sequence[Any], tensorview: Any, batch_size: int | None = None) -> None:
        self._components = pdfobjs
        self.tv = tensorview
        self.batch_size = batch_size

    def __iter__(self) -> Iterator[Any]:
        return iter(self._components)

    def __getitem__(self, index: int) -> Any:
        return self._components[index]

    def _assemble(self, parts):
        return self.tv.stitch(parts)

    def log_prob(self, value: ArrayLike) -> np.ndarray:
        """The sum of the components' log-densities at their parts of ``value``."""
        terms = [component.log_prob(part) for component, part in zip(self._components, self.tv.split(value))]
        return self._joint_logpdf(terms, batch_size=self.batch_size)

    @staticmethod
    def _joint_logpdf(terms, batch_size=None):
        """The elementwise sum of log-density ``terms`` (any number of them, broadcast against each other), as a
        new array. ``batch_size`` is part of pyhf's signature; a batch is a leading axis and does not change
        the sum."""
        return _sum_of_terms(terms)
