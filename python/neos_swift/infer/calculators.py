"""pyhf's calculators (``pyhf.infer.calculators``): asymptotic, and toy-based with the pseudo-experiments generated
and fitted in the core, and their p-values counted in the core.

The calculator's numbers come from the core: one ``neos_hypotest`` call per :meth:`AsymptoticCalculator.teststatistic`
gives q_obs, q_A, their square roots, CLsb, CLb, CLs and the expected band. What is left in Python is pyhf's API over
those numbers: the test statistic in pyhf's ``-mu_hat/sigma`` space and the unit-width normal distributions shifted by
``sqrt(q_A)``, whose one-line tail formulas let a pyhf user evaluate p-values at any value of the statistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _progress
from .._arguments import allocate, as_count, as_float, as_model_like, unset
from .._library import (
    EXPECTED_SET_SIZE,
    HYPOTEST_CLB,
    HYPOTEST_CLS,
    HYPOTEST_CLSB,
    HYPOTEST_EXPECTED,
    HYPOTEST_ROW_NAMES,
    c_string,
    lib,
    pointer,
)
from ..errors import check
from ..optimize.mixins import model_with_optimizer_options
from . import test_statistics, utils
from ._settings import FitSettings

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "AsymptoticCalculator",
    "AsymptoticTestStatDistribution",
    "EmpiricalDistribution",
    "ToyCalculator",
    "generate_asimov_data",
]

_Z_OBSERVED = HYPOTEST_ROW_NAMES.index("z_observed")
_Z_ASIMOV = HYPOTEST_ROW_NAMES.index("z_asimov")
_NSIGMA = (2, 1, 0, -1, -2)  # pyhf's band order: from the -2 sigma p-value (largest statistic) to +2 sigma
# The lowest value the statistic can take under each asymptotic base distribution, from the signal-plus-background
# centre -sqrt(q_A): the whole normal, or clipped where the expected mu_hat would pass the tested mu.
_LOWEST_STATISTIC = {
    "normal": lambda signal_centre: float("-inf"),
    "clipped_normal": lambda signal_centre: signal_centre,
}


def __dir__():
    return __all__


def generate_asimov_data(
    asimov_mu: float,
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None,
    par_bounds: Sequence[Sequence[float]] | None,
    fixed_params: Sequence[bool] | None,
    return_fitted_pars: bool = False,
) -> Any:
    """The Asimov data at ``asimov_mu``: the model's expected data (with auxdata) at the core's fit of the data with
    the POI fixed at ``asimov_mu``; with ``return_fitted_pars`` also those fitted parameters."""
    from . import mle

    pars = mle.fixed_poi_fit(asimov_mu, data, pdf, init_pars, par_bounds, fixed_params)
    asimov_data = pdf.expected_data(pars)
    return (asimov_data, pars) if return_fitted_pars else asimov_data


def _ndtr(x):
    """scipy.special.ndtr, imported on first use: importing scipy.special costs about 25 MB and 0.1 s, which a
    program that fits or trains without asking for p-values through this class never needs."""
    from scipy.special import ndtr

    return ndtr(x)


class AsymptoticTestStatDistribution:
    """Where the statistic of :meth:`AsymptoticCalculator.teststatistic` falls under one hypothesis, in the large
    sample limit: a normal of width one around ``shift`` (arXiv:1007.1727's Wald approximation; the calculator
    puts signal plus background at ``-sqrt(q_A)`` and background only at 0). ``cutoff`` is the lowest value the
    statistic can take: p-values below it are undefined (NaN) and expected values stop at it; ``-inf`` leaves
    the normal whole.

    The tails are ``scipy.special.ndtr`` of the distance from the centre taken with the sign that makes the tail
    the lower one, so that a p-value of 1e-30 is as precise as one of 0.5; no ``1 - cdf``."""

    def __init__(self, shift: float, cutoff: float = float("-inf")) -> None:
        self.shift = shift
        self.cutoff = cutoff

    def _distance(self, value):
        # In standard deviations above the centre: the width is one by construction.
        return np.asarray(value, dtype=np.float64) - self.shift

    def cdf(self, value: ArrayLike) -> np.ndarray:
        """The probability of the statistic being at most ``value``."""
        return _ndtr(self._distance(value))

    def pvalue(self, value: ArrayLike) -> np.ndarray:
        """The probability of the statistic being at least ``value``; NaN for a ``value`` under the cutoff, which
        the statistic cannot reach."""
        reachable = np.asarray(value, dtype=np.float64) >= self.cutoff
        return np.where(reachable, _ndtr(-self._distance(value)), np.nan)

    def expected_value(self, nsigma: ArrayLike) -> np.ndarray:
        """The statistic ``nsigma`` standard deviations from the centre, raised to the cutoff when it lies under
        it (``fmax``: a NaN position gives the cutoff)."""
        return np.asarray(np.fmax(self.shift + np.asarray(nsigma, dtype=np.float64), self.cutoff))


def _cls_of(teststat, sig_plus_bkg_distribution, bkg_only_distribution):
    """CLsb and CLb, the two tails at ``teststat``, and their ratio CLs."""
    tails = (sig_plus_bkg_distribution.pvalue(teststat), bkg_only_distribution.pvalue(teststat))
    return (*tails, np.asarray(tails[0] / tails[1]))


@dataclass(frozen=True)
class HypoTestFitResults:
    """The best-fit parameters of the five fits behind :meth:`AsymptoticCalculator.teststatistic`."""

    asimov_pars: np.ndarray
    free_fit_to_data: np.ndarray
    free_fit_to_asimov: np.ndarray
    fixed_poi_fit_to_data: np.ndarray
    fixed_poi_fit_to_asimov: np.ndarray


class AsymptoticCalculator:
    """pyhf's asymptotic calculator for ``test_stat`` ``"qtilde"``, ``"q"`` or ``"q0"`` and ``calc_base_dist``
    ``"normal"`` or ``"clipped_normal"`` (the latter caps the expected statistic so that no expected limit comes
    from an expected ``mu_hat > mu``). Call :meth:`teststatistic` first; it runs the fits in the core."""

    def __init__(
        self,
        data: ArrayLike,
        pdf: Any,
        init_pars: ArrayLike | None = None,
        par_bounds: Sequence[Sequence[float]] | None = None,
        fixed_params: Sequence[bool] | None = None,
        test_stat: str = "qtilde",
        calc_base_dist: str = "normal",
    ) -> None:
        self.data = data
        # as pyhf, the model is read here only for the suggestions not given (any object will do until then)
        self.pdf = pdf if None not in (init_pars, par_bounds, fixed_params) else as_model_like("pdf", pdf)
        self.init_pars = pdf.config.suggested_init() if init_pars is None else init_pars
        self.par_bounds = pdf.config.suggested_bounds() if par_bounds is None else par_bounds
        self.fixed_params = pdf.config.suggested_fixed() if fixed_params is None else fixed_params
        self.test_stat = test_stat
        self.calc_base_dist = calc_base_dist
        self.sqrtqmuA_v = None
        self._fitted_pars = None
        self._core_values = None  # the neos_hypotest rows of the last teststatistic call
        self._core_poi = None

    def teststatistic(self, poi_test: float) -> np.ndarray:
        """The test statistic at ``poi_test`` in pyhf's ``-mu_hat/sigma`` space: ``sqrt(q) - sqrt(q_A)`` (for
        qtilde beyond ``sqrt(q_A)`` the Wald form ``(q - q_A) / (2 sqrt(q_A))``), q and q_A from the core."""
        return self._teststatistic(poi_test, False)[0]

    def _teststatistic(self, poi_test, with_jacobian):
        """:meth:`teststatistic`, and the core's (rows, n) Jacobians with respect to the inputs and the data (None
        unless ``with_jacobian``) from the same call."""
        poi_test = as_float("poi_test", poi_test)
        as_model_like("pdf", self.pdf)
        name = utils.get_test_stat(self.test_stat).__name__
        for _ in range(2):  # pyhf's statistic is evaluated on the data and on the Asimov data; each checks the setup
            test_statistics._check_configuration(name, poi_test, self.pdf, self.par_bounds)
        from . import _hypotest

        values, wrt_inputs, wrt_data = _hypotest(
            poi_test,
            self.data,
            self.pdf,
            self.init_pars,
            self.par_bounds,
            self.fixed_params,
            self.test_stat,
            with_jacobian,
        )
        self._core_values = values
        self._core_poi = poi_test
        self._fitted_pars = None
        z_data, z_asimov = values[_Z_OBSERVED], values[_Z_ASIMOV]
        self.sqrtqmuA_v = np.asarray(z_asimov)
        gap = z_data - z_asimov
        if self.test_stat == "qtilde" and gap > 0:
            # Beyond sqrt(q_A) q-tilde is linear in mu_hat: (q - q_A) / (2 sqrt(q_A)), here factored as
            # gap (z + z_A) / (2 z_A). A NaN gap stays NaN on either branch.
            gap = gap * (z_data + z_asimov) / (2 * z_asimov)
        return np.asarray(gap), wrt_inputs, wrt_data

    @property
    def fitted_pars(self) -> HypoTestFitResults | None:
        """pyhf's :class:`HypoTestFitResults` of the last :meth:`teststatistic` (None before it). neos_hypotest
        returns no parameters, so the five fits are run again through the core's fits (``infer.mle``) on first
        access, which keeps a hypotest that never reads them at one set of fits."""
        if self._fitted_pars is None and self._core_values is not None:
            self._fitted_pars = self._fits(self._core_poi)
        return self._fitted_pars

    def _fits(self, poi_test):
        from . import mle

        settings = (self.init_pars, self.par_bounds, self.fixed_params)
        poi = 0.0 if self.test_stat == "q0" else poi_test  # pyhf's q0 fits the POI at 0
        asimov_mu = 1.0 if self.test_stat == "q0" else 0.0
        asimov_data, asimov_pars = generate_asimov_data(asimov_mu, self.data, self.pdf, *settings, True)
        return HypoTestFitResults(
            asimov_pars=asimov_pars,
            free_fit_to_data=mle.fit(self.data, self.pdf, *settings),
            free_fit_to_asimov=mle.fit(asimov_data, self.pdf, *settings),
            fixed_poi_fit_to_data=mle.fixed_poi_fit(poi, self.data, self.pdf, *settings),
            fixed_poi_fit_to_asimov=mle.fixed_poi_fit(poi, asimov_data, self.pdf, *settings),
        )

    def distributions(self, poi_test: float) -> tuple[AsymptoticTestStatDistribution, AsymptoticTestStatDistribution]:
        """``(signal plus background, background only)`` distributions of the statistic at ``poi_test``."""
        if self.sqrtqmuA_v is None:
            raise RuntimeError("distributions() needs the Asimov significance: run teststatistic(poi_test) before it")
        if self.calc_base_dist not in _LOWEST_STATISTIC:
            raise ValueError(
                f"calc_base_dist {self.calc_base_dist!r} is neither of the asymptotic base distributions "
                f"{sorted(_LOWEST_STATISTIC)}"
            )
        signal_centre = -self.sqrtqmuA_v
        lowest = _LOWEST_STATISTIC[self.calc_base_dist](signal_centre)
        return (
            AsymptoticTestStatDistribution(signal_centre, lowest),
            AsymptoticTestStatDistribution(0.0, lowest),
        )

    def pvalues(
        self,
        teststat: ArrayLike,
        sig_plus_bkg_distribution: AsymptoticTestStatDistribution,
        bkg_only_distribution: AsymptoticTestStatDistribution,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(CLsb, CLb, CLs)`` at the statistic value ``teststat``."""
        return _cls_of(teststat, sig_plus_bkg_distribution, bkg_only_distribution)

    def expected_pvalues(
        self,
        sig_plus_bkg_distribution: AsymptoticTestStatDistribution,
        bkg_only_distribution: AsymptoticTestStatDistribution,
    ) -> list[list[np.ndarray]]:
        """``[CLsb band, CLb band, CLs band]``, each five values for the background-only statistic at +2 … -2
        standard deviations (pyhf's order)."""
        # The five background-only statistics go through both tails at once; each band entry is a 0-d array.
        statistics = np.stack([bkg_only_distribution.expected_value(n) for n in _NSIGMA])
        bands = self.pvalues(statistics, sig_plus_bkg_distribution, bkg_only_distribution)
        return [[np.asarray(value) for value in band] for band in bands]

    def _core_results(self):
        """The observed ``(CLsb, CLb, CLs)`` and the expected band (CLs, for q0 p0) as the core computed them, for
        the normal base distribution; ``None`` for the band under ``clipped_normal``, which the core does not model."""
        values = self._core_values
        observed = tuple(np.asarray(values[row]) for row in (HYPOTEST_CLSB, HYPOTEST_CLB, HYPOTEST_CLS))
        band = None
        if self.calc_base_dist == "normal":
            band = [np.asarray(v) for v in values[HYPOTEST_EXPECTED : HYPOTEST_EXPECTED + EXPECTED_SET_SIZE]]
        return observed, band


# SplitMix64's increment: toys a..<b of seed s are toys 0..<(b - a) of seed s + a * _GAMMA (mod 2**64), since toy i's
# stream is seeded by output i of SplitMix64(s) (see neos_toy_data in include/neos.h).
_GAMMA = 0x9E3779B97F4A7C15
_UINT64 = 2**64
# Toys per core call when a progress bar is shown (it advances once per call); without one, one call does all.
_PROGRESS_BATCH = 64


def _toy_data(pdf, pars, ntoys, seed):
    """``ntoys`` pseudo-experiments (rows of main data then auxdata) drawn by the core at ``pars`` from ``seed``."""
    pars = np.ascontiguousarray(pars, dtype=np.float64)
    ntoys = _toy_count(ntoys)
    out = allocate("toy data", (ntoys, pdf.config.nmaindata + pdf.config.nauxdata))
    check(lib.neos_toy_data(pdf, pointer(pars), pars.size, ntoys, _seed(seed), pointer(out), out.size))
    return out


def _toy_test_statistics(pdf, poi_test, test_stat, pars, settings, ntoys, seed, threads=None):
    """The core's test statistic ``test_stat`` at ``poi_test`` of ``ntoys`` toys drawn at ``pars`` from ``seed``
    (exactly the toys of :func:`_toy_data`), fitted with ``settings`` (a :class:`FitSettings`) on ``threads``
    threads (None: every core)."""
    pars = np.ascontiguousarray(pars, dtype=np.float64)
    ntoys = _toy_count(ntoys)
    out = allocate("toy test statistics", ntoys)
    check(
        lib.neos_toy_test_statistics(
            model_with_optimizer_options(pdf),
            as_float("poi_test", poi_test),
            c_string(test_stat, "test_stat"),
            pointer(pars),
            *settings.args,
            ntoys,
            _seed(seed),
            0 if threads is None else _thread_count(threads),
            pointer(out),
            out.size,
        )
    )
    return out


def _toy_count(ntoys):
    return as_count("ntoys", ntoys)


def _thread_count(threads):
    return as_count("threads", threads, minimum=1)


def _seed(seed):
    return as_count("seed", seed, maximum=_UINT64 - 1)  # a uint64 at the ABI


class EmpiricalDistribution:
    """The distribution of a test statistic given by samples of it (the toys' values): p-values are the fraction of
    samples at or above a value, and expected values are the samples' percentiles, as pyhf's; both computed by the
    core (``neos_empirical_pvalues``, ``neos_empirical_expected_values``). The samples must be finite and at least
    one (pyhf's NaN for none is :class:`~neos_swift.exceptions.InvalidArgument` here)."""

    def __init__(self, samples: ArrayLike) -> None:
        self.samples = np.ravel(np.asarray(samples, dtype=np.float64))

    def pvalue(self, value: ArrayLike) -> np.ndarray:
        """The fraction of the samples that are at least ``value`` (a 0-d array; an array of them for an array)."""
        values = np.asarray(value, dtype=np.float64)
        return _per_point("neos_empirical_pvalues", self.samples, values)

    def expected_value(self, nsigma: ArrayLike) -> np.ndarray:
        """The statistic ``nsigma`` standard deviations into the distribution: the samples' percentile at the unit
        normal's distribution function of ``nsigma``, linearly interpolated (numpy's default); a float64 scalar for
        a scalar ``nsigma``, as ``np.percentile`` gives."""
        nsigma = np.asarray(nsigma, dtype=np.float64)
        result = _per_point("neos_empirical_expected_values", self.samples, nsigma)
        return result[()] if result.ndim == 0 else result


def _per_point(function, samples, points):
    """One core call of ``function`` (samples, points -> one value per point), shaped as ``points``."""
    samples = np.ascontiguousarray(samples, dtype=np.float64)
    flat = np.ascontiguousarray(points.ravel())
    out = allocate("p-values", flat.size)
    check(getattr(lib, function)(pointer(samples), samples.size, pointer(flat), flat.size, pointer(out), out.size))
    return np.asarray(out.reshape(points.shape))


class ToyCalculator:
    """pyhf's toy-based calculator: the test statistic's distributions under signal plus background and under
    background only come from pseudo-experiments that the core draws and fits.

    The toys of each hypothesis are drawn at the fit of the data with the POI fixed at the tested value (for
    ``"q0"`` at 0) and at 0 (for ``"q0"`` at 1), as pyhf does, and each is fitted exactly as the observed data are.
    ``seed`` (keyword; beyond pyhf) makes them reproducible: each :meth:`distributions` call with a seed gives the
    same toys, on any number of ``threads`` (None: every core). Without a seed, each call draws one from numpy's
    global random state, so ``numpy.random.seed(...)`` before the calls reproduces them as it does pyhf's toys.
    ``track_progress`` shows a tqdm bar per hypothesis when tqdm is installed (the toys are then computed in
    blocks; the values are the same)."""

    def __init__(
        self,
        data: ArrayLike,
        pdf: Any,
        init_pars: ArrayLike | None = None,
        par_bounds: Sequence[Sequence[float]] | None = None,
        fixed_params: Sequence[bool] | None = None,
        test_stat: str = "qtilde",
        ntoys: int = 2000,
        track_progress: bool = True,
        *,
        seed: int | None = None,
        threads: int | None = None,
    ) -> None:
        self.ntoys = _toy_count(ntoys)
        self.data = data
        given = not (
            unset("init_pars", init_pars) or unset("par_bounds", par_bounds) or unset("fixed_params", fixed_params)
        )
        # as pyhf, the model is read here only for the suggestions not given (any object will do until then)
        self.pdf = pdf if given else as_model_like("pdf", pdf)
        self.init_pars = pdf.config.suggested_init() if unset("init_pars", init_pars) else init_pars
        self.par_bounds = pdf.config.suggested_bounds() if unset("par_bounds", par_bounds) else par_bounds
        self.fixed_params = pdf.config.suggested_fixed() if unset("fixed_params", fixed_params) else fixed_params
        self.test_stat = test_stat
        self.track_progress = track_progress
        self.seed = None if seed is None else _seed(seed)
        self.threads = None if threads is None else _thread_count(threads)

    def _settings(self):
        return (self.init_pars, self.par_bounds, self.fixed_params)

    def distributions(
        self, poi_test: float, track_progress: bool | None = None
    ) -> tuple[EmpiricalDistribution, EmpiricalDistribution]:
        """``(signal plus background, background only)`` :class:`EmpiricalDistribution` of the statistic at
        ``poi_test``, each from ``ntoys`` toys."""
        from . import mle

        poi_test = as_float("poi_test", poi_test)
        as_model_like("pdf", self.pdf)
        statistic = utils.get_test_stat(self.test_stat)
        test_statistics._check_configuration(statistic.__name__, poi_test, self.pdf, self.par_bounds)
        seed = self.seed
        if seed is None:
            seed = int(np.random.randint(0, _UINT64, dtype=np.uint64))
        signal_pars = mle.fixed_poi_fit(poi_test, self.data, self.pdf, *self._settings())
        background_mu = 1.0 if self.test_stat == "q0" else 0.0
        background_pars = mle.fixed_poi_fit(background_mu, self.data, self.pdf, *self._settings())
        show = self.track_progress if track_progress is None else track_progress
        samples = [
            self._toys(poi_test, pars, stream, show, label)
            for pars, stream, label in (
                (signal_pars, seed, "Signal-like"),
                (background_pars, (seed + 1) % _UINT64, "Background-like"),
            )
        ]
        return EmpiricalDistribution(samples[0]), EmpiricalDistribution(samples[1])

    def _toys(self, poi_test, pars, seed, show, label):
        settings = FitSettings(self.pdf, *self._settings())
        ntoys = _toy_count(self.ntoys)
        # pyhf's track_progress is a default, not a demand: without tqdm (or with NEOS_PROGRESS=0) no bar.
        if not _progress.enabled(None, default=bool(show)):
            return _toy_test_statistics(self.pdf, poi_test, self.test_stat, pars, settings, ntoys, seed, self.threads)
        values = np.empty(ntoys)
        with _progress.bar(ntoys, desc=label, unit="toy", default=True) as bar:
            for first in range(0, ntoys, _PROGRESS_BATCH):
                count = min(_PROGRESS_BATCH, ntoys - first)
                block_seed = (seed + first * _GAMMA) % _UINT64
                values[first : first + count] = _toy_test_statistics(
                    self.pdf, poi_test, self.test_stat, pars, settings, count, block_seed, self.threads
                )
                bar.update(count)
        return values

    def pvalues(
        self,
        teststat: float,
        sig_plus_bkg_distribution: EmpiricalDistribution,
        bkg_only_distribution: EmpiricalDistribution,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(CLsb, CLb, CLs)`` of the statistic value ``teststat``: the fractions of the signal-plus-background
        and background-only toys at or above it, and their ratio."""
        return _cls_of(teststat, sig_plus_bkg_distribution, bkg_only_distribution)

    def expected_pvalues(
        self, sig_plus_bkg_distribution: EmpiricalDistribution, bkg_only_distribution: EmpiricalDistribution
    ) -> list[list[np.ndarray]]:
        """``[CLsb band, CLb band, CLs band]``: the p-values of every background-only toy, read at the -2 ... +2
        standard-deviation percentiles pyhf writes (pyhf's order: ascending percentiles), each band a list of five
        0-d arrays; computed by the core (``neos_toy_expected_pvalues``)."""
        signal = np.ascontiguousarray(sig_plus_bkg_distribution.samples, dtype=np.float64)
        background = np.ascontiguousarray(bkg_only_distribution.samples, dtype=np.float64)
        out = allocate("the expected band", 3 * EXPECTED_SET_SIZE)
        check(
            lib.neos_toy_expected_pvalues(
                pointer(signal), signal.size, pointer(background), background.size, pointer(out), out.size
            )
        )
        return [[np.asarray(value) for value in band] for band in out.reshape(3, EXPECTED_SET_SIZE)]

    def teststatistic(self, poi_test: float) -> Any:
        """The test statistic (q, q-tilde or q0 itself, not in the asymptotic calculator's sqrt space) of the
        observed data at ``poi_test``."""
        statistic = utils.get_test_stat(self.test_stat)
        return statistic(poi_test, self.data, self.pdf, *self._settings())
