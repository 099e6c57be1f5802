"""pyhf 0.7.6's ``pyhf.probability``: Poisson and Normal distributions over tensors, and their joints.

These are tensor-level helpers a pyhf user calls directly (``Poisson(rates).log_prob(counts)``); neos-swift's
model does not use them, its likelihood is evaluated in the Swift core. Each is a closed-form density over
arrays, so NumPy and SciPy evaluate it here, with pyhf's formulas and broadcasting: the Poisson's continuous
log-density ``xlogy(n, rate) - rate - gammaln(n + 1)`` and the Normal's ``-log(scale * sqrt(2 pi)) - ((x - loc) /
(sqrt(2) scale))**2``. ``sample`` draws from NumPy's global random state as pyhf's NumPy backend does (so
``numpy.random.seed`` makes draws repeatable, and equal to pyhf's for the same seed). Results are NumPy arrays.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Independent", "Normal", "Poisson", "Simultaneous"]


def __dir__():
    return __all__


def _array(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def _shape(sample_shape) -> tuple:
    return tuple(sample_shape)


class Poisson:
    """The Poisson distribution with mean ``rate`` (a tensor: one distribution per entry)."""

    def __init__(self, rate):
        self.rate = rate

    def log_prob(self, value):
        """The log of the density at ``value``, broadcast against ``rate``."""
        from scipy.special import gammaln, xlogy

        n, rate = _array(value), _array(self.rate)
        return xlogy(n, rate) - rate - gammaln(n + 1.0)

    def expected_data(self):
        """The mean, which is ``rate`` itself."""
        return self.rate

    def sample(self, sample_shape=()):
        """Integer draws of shape ``sample_shape + rate.shape``."""
        rate = _array(self.rate)
        return np.random.poisson(rate, size=_shape(sample_shape) + rate.shape)


class Normal:
    """The Normal distribution with mean ``loc`` and standard deviation ``scale`` (tensors)."""

    def __init__(self, loc, scale):
        self.loc = loc
        self.scale = scale

    def log_prob(self, value):
        """The log of the density at ``value``, broadcast against ``loc`` and ``scale``."""
        x, loc, scale = _array(value), _array(self.loc), _array(self.scale)
        return -np.log(scale * np.sqrt(2.0 * np.pi)) - np.square((x - loc) / (np.sqrt(2.0) * scale))

    def expected_data(self):
        """The mean, which is ``loc`` itself."""
        return self.loc

    def sample(self, sample_shape=()):
        """Draws of shape ``sample_shape + loc.shape``."""
        loc, scale = _array(self.loc), _array(self.scale)
        return np.random.standard_normal(_shape(sample_shape) + loc.shape) * scale + loc


class Independent:
    """The joint distribution of a batch of independent variables of one type (``batched_pdf``, e.g. a Poisson
    with one rate per bin): its log-density is the sum of the batch's log-densities over the last axis."""

    def __init__(self, batched_pdf, batch_size=None):
        self.batch_size = batch_size
        self._pdf = batched_pdf

    def log_prob(self, value):
        """The sum over the last axis of the batch's log-densities at ``value``."""
        return np.sum(self._pdf.log_prob(value), axis=-1)

    def expected_data(self):
        """The batch's means."""
        return self._pdf.expected_data()

    def sample(self, sample_shape=()):
        """Draws of the whole batch, of shape ``sample_shape + batch shape``."""
        return self._pdf.sample(sample_shape)


class Simultaneous:
    """The joint distribution of several different distributions (``pdfobjs``), whose values are laid out in
    one tensor by ``tensorview`` (an object with pyhf's ``_TensorViewer`` methods ``split`` and ``stitch``).

    Indexing and iteration give the component distributions."""

    def __init__(self, pdfobjs, tensorview, batch_size=None):
        self.tv = tensorview
        self._pdfobjs = pdfobjs
        self.batch_size = batch_size

    def __iter__(self):
        yield from self._pdfobjs

    def __getitem__(self, index):
        return self._pdfobjs[index]

    def expected_data(self):
        """The components' means, stitched into one tensor."""
        return self.tv.stitch([pdf.expected_data() for pdf in self])

    def sample(self, sample_shape=()):
        """One draw from each component, stitched: shape ``sample_shape + (total size,)``."""
        return self.tv.stitch([pdf.sample(sample_shape) for pdf in self])

    def log_prob(self, value):
        """The sum of the components' log-densities at their parts of ``value``."""
        parts = self.tv.split(value)
        return Simultaneous._joint_logpdf(
            [pdf.log_prob(part) for pdf, part in zip(self, parts)], batch_size=self.batch_size
        )

    @staticmethod
    def _joint_logpdf(terms, batch_size=None):
        if len(terms) == 1:
            return terms[0]
        if len(terms) == 2 and batch_size is None:
            return terms[0] + terms[1]
        return np.sum(np.stack(terms), axis=0)
