"""pyhf's asymptotic calculator (``pyhf.infer.calculators``).

The calculator's numbers come from the core: one ``neos_hypotest`` call per :meth:`AsymptoticCalculator.teststatistic`
gives q_obs, q_A, their square roots, CLsb, CLb, CLs and the expected band. What is left in Python is pyhf's API over
those numbers: the test statistic in pyhf's ``-mu_hat/sigma`` space and the unit-width normal distributions shifted by
``sqrt(q_A)``, whose one-line tail formulas let a pyhf user evaluate p-values at any value of the statistic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from .._library import (
    EXPECTED_SET_SIZE,
    HYPOTEST_CLB,
    HYPOTEST_CLS,
    HYPOTEST_CLSB,
    HYPOTEST_EXPECTED,
    HYPOTEST_ROW_NAMES,
)
from ..exceptions import Unsupported
from . import test_statistics, utils

__all__ = [
    "AsymptoticCalculator",
    "AsymptoticTestStatDistribution",
    "ToyCalculator",
    "generate_asimov_data",
]

_Z_OBSERVED = HYPOTEST_ROW_NAMES.index("z_observed")
_Z_ASIMOV = HYPOTEST_ROW_NAMES.index("z_asimov")
_NSIGMA = (2, 1, 0, -1, -2)  # pyhf's band order: from the -2 sigma p-value (largest statistic) to +2 sigma


def __dir__():
    return __all__


def generate_asimov_data(asimov_mu, data, pdf, init_pars, par_bounds, fixed_params, return_fitted_pars=False):
    """The Asimov data at ``asimov_mu``: the model's expected data (with auxdata) at the core's fit of the data with
    the POI fixed at ``asimov_mu``; with ``return_fitted_pars`` also those fitted parameters."""
    from . import mle

    pars = mle.fixed_poi_fit(asimov_mu, data, pdf, init_pars, par_bounds, fixed_params)
    asimov_data = pdf.expected_data(pars)
    return (asimov_data, pars) if return_fitted_pars else asimov_data


class AsymptoticTestStatDistribution:
    """The asymptotic distribution of the test statistic in pyhf's ``-mu_hat/sigma`` space: a unit-width normal
    centred at ``shift`` (``-sqrt(q_A)`` under signal plus background, 0 under background only), optionally clipped
    below ``cutoff``.

    These are pyhf's closed forms over a shift the core computed; they stay in Python because pyhf exposes them as
    functions of an arbitrary statistic value. Tails use ``scipy.special.ndtr`` of the negated argument (never
    ``1 - cdf``), so p-values far in the tail keep their relative precision."""

    def __init__(self, shift, cutoff=float("-inf")):
        self.shift = shift
        self.cutoff = cutoff

    def cdf(self, value):
        """P(statistic <= value)."""
        return ndtr(np.asarray(value, dtype=np.float64) - self.shift)

    def pvalue(self, value):
        """P(statistic >= value): the right tail; NaN where ``value`` is below the cutoff, as in pyhf."""
        value = np.asarray(value, dtype=np.float64)
        return np.where(value >= self.cutoff, ndtr(-(value - self.shift)), np.nan)

    def expected_value(self, nsigma):
        """The statistic ``nsigma`` standard deviations above the centre, clipped at the cutoff."""
        shifted = self.shift + np.asarray(nsigma, dtype=np.float64)
        return np.where(shifted > self.cutoff, shifted, self.cutoff)


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
        data,
        pdf,
        init_pars=None,
        par_bounds=None,
        fixed_params=None,
        test_stat="qtilde",
        calc_base_dist="normal",
    ):
        self.data = data
        self.pdf = pdf
        self.init_pars = pdf.config.suggested_init() if init_pars is None else init_pars
        self.par_bounds = pdf.config.suggested_bounds() if par_bounds is None else par_bounds
        self.fixed_params = pdf.config.suggested_fixed() if fixed_params is None else fixed_params
        self.test_stat = test_stat
        self.calc_base_dist = calc_base_dist
        self.sqrtqmuA_v = None
        self._fitted_pars = None
        self._core_values = None  # the neos_hypotest rows of the last teststatistic call
        self._core_poi = None

    def teststatistic(self, poi_test):
        """The test statistic at ``poi_test`` in pyhf's ``-mu_hat/sigma`` space: ``sqrt(q) - sqrt(q_A)`` (for
        qtilde beyond ``sqrt(q_A)`` the Wald form ``(q - q_A) / (2 sqrt(q_A))``), q and q_A from the core."""
        return self._teststatistic(poi_test, False)[0]

    def _teststatistic(self, poi_test, with_jacobian):
        """:meth:`teststatistic`, and the core's (rows, n) Jacobians with respect to the inputs and the data (None
        unless ``with_jacobian``) from the same call."""
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
        sqrtqmu_v = values[_Z_OBSERVED]
        sqrtqmuA_v = values[_Z_ASIMOV]
        self.sqrtqmuA_v = np.asarray(sqrtqmuA_v)
        if self.test_stat == "qtilde" and not sqrtqmu_v <= sqrtqmuA_v:
            teststat = (sqrtqmu_v**2 - sqrtqmuA_v**2) / (2 * sqrtqmuA_v)
        else:
            teststat = sqrtqmu_v - sqrtqmuA_v
        return np.asarray(teststat), wrt_inputs, wrt_data

    @property
    def fitted_pars(self):
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

    def distributions(self, poi_test):
        """``(signal plus background, background only)`` distributions of the statistic at ``poi_test``."""
        if self.sqrtqmuA_v is None:
            raise RuntimeError("need to call .teststatistic(poi_test) first")
        if self.calc_base_dist == "normal":
            cutoff = float("-inf")
        elif self.calc_base_dist == "clipped_normal":
            cutoff = -self.sqrtqmuA_v
        else:
            raise ValueError(f"unknown base distribution for asymptotics {self.calc_base_dist}")
        return AsymptoticTestStatDistribution(-self.sqrtqmuA_v, cutoff), AsymptoticTestStatDistribution(0.0, cutoff)

    def pvalues(self, teststat, sig_plus_bkg_distribution, bkg_only_distribution):
        """``(CLsb, CLb, CLs)`` at the statistic value ``teststat``."""
        clsb = sig_plus_bkg_distribution.pvalue(teststat)
        clb = bkg_only_distribution.pvalue(teststat)
        return clsb, clb, np.asarray(clsb / clb)

    def expected_pvalues(self, sig_plus_bkg_distribution, bkg_only_distribution):
        """``[CLsb band, CLb band, CLs band]``, each five values for the background-only statistic at +2 … -2
        standard deviations (pyhf's order)."""
        rows = [
            self.pvalues(bkg_only_distribution.expected_value(n), sig_plus_bkg_distribution, bkg_only_distribution)
            for n in _NSIGMA
        ]
        return [list(column) for column in zip(*rows)]

    def _core_results(self):
        """The observed ``(CLsb, CLb, CLs)`` and the expected band (CLs, for q0 p0) as the core computed them, for
        the normal base distribution; ``None`` for the band under ``clipped_normal``, which the core does not model."""
        values = self._core_values
        observed = tuple(np.asarray(values[row]) for row in (HYPOTEST_CLSB, HYPOTEST_CLB, HYPOTEST_CLS))
        band = None
        if self.calc_base_dist == "normal":
            band = [np.asarray(v) for v in values[HYPOTEST_EXPECTED : HYPOTEST_EXPECTED + EXPECTED_SET_SIZE]]
        return observed, band


class ToyCalculator:
    """pyhf's pseudo-experiment calculator is not available yet: its toys would have to be fitted in the core.
    Constructing one raises :class:`~neos_swift.exceptions.Unsupported` rather than falling back to asymptotics."""

    def __init__(self, *args, **kwargs):
        raise Unsupported(
            "calctype='toybased' (ToyCalculator) is not yet available in neos-swift: pseudo-experiments are not "
            "fitted in the core yet; use calctype='asymptotics'"
        )
