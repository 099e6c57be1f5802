"""Statistical inference with pyhf's signatures (``pyhf.infer``): fits, test statistics, asymptotic hypothesis
tests and upper limits, computed natively with exact derivatives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._arguments import as_float, as_model_like, unset
from .._library import (
    EXPECTED_SET_SIZE,
    HYPOTEST_CLS,
    HYPOTEST_CLSB,
    HYPOTEST_EXPECTED,
    HYPOTEST_ROW_NAMES,
    HYPOTEST_ROWS,
    c_string,
    lib,
    pointer,
)
from ..errors import check
from ..exceptions import InvalidModel, UnspecifiedPOI, Unsupported
from ..optimize.mixins import model_with_optimizer_options
from . import _generic, calculators, intervals, mle, test_statistics, utils
from ._settings import FitSettings, data_array

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "HypotestDerivatives",
    "calculators",
    "hypotest",
    "hypotest_derivatives",
    "intervals",
    "mle",
    "test_statistics",
    "utils",
]


def hypotest(
    poi_test: float,
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None = None,
    par_bounds: Sequence[Sequence[float]] | None = None,
    fixed_params: Sequence[bool] | None = None,
    calctype: str = "asymptotics",
    return_tail_probs: bool = False,
    return_expected: bool = False,
    return_expected_set: bool = False,
    return_calculator: bool = False,
    test_stat: str = "qtilde",
    return_jacobian: bool = False,
    **kwargs: Any,
) -> Any:
    """Hypothesis test at ``poi_test``, asymptotic or (``calctype="toybased"``) from pseudo-experiments. Returns CLs
    (for ``test_stat="q0"``: the discovery p-value p0), then as requested ``[CLsb, CLb]`` (q0: ``[CLb]``), the
    expected median and the expected band (a list of five values), exactly in pyhf's order. With
    ``return_jacobian`` (asymptotics only) a :class:`~neos_swift.infer.mle.Jacobian` follows: the derivatives of
    CLs observed and of the five band values (in that order) with respect to ``pdf.inputs()`` and the data. With
    ``return_calculator`` the :class:`~neos_swift.infer.calculators.AsymptoticCalculator` or
    :class:`~neos_swift.infer.calculators.ToyCalculator` comes last. Further keyword arguments go to the
    calculator, as in pyhf (``calc_base_dist``; ``ntoys``, ``track_progress`` and our ``seed`` and ``threads`` for
    toys); one it does not take raises TypeError."""
    as_model_like("pdf", pdf)
    poi_test = as_float("poi_test", poi_test)
    init_pars = pdf.config.suggested_init() if unset("init_pars", init_pars) else init_pars
    par_bounds = pdf.config.suggested_bounds() if unset("par_bounds", par_bounds) else par_bounds
    fixed_params = pdf.config.suggested_fixed() if unset("fixed_params", fixed_params) else fixed_params
    if pdf.config.poi_index is None:
        raise UnspecifiedPOI("No POI is defined. A POI is required to run a hypothesis test.")
    if not utils.all_pois_floating(pdf, fixed_params):
        index = pdf.config.poi_index
        raise InvalidModel(
            f"POI at index [{index}] is set as fixed: the profile likelihood ratio fits it freely in the "
            f"denominator, so fixed_params[{index}] must be False"
        )
    if not _generic.is_native(pdf):
        # A model with pyhf's interface that libneos did not build: _generic hands it to the core as a callback
        # model, whose fits and asymptotic hypotest run natively on its logpdf and expected_data
        # (docs/callback-likelihoods.md).
        return _generic.hypotest(
            poi_test,
            data,
            pdf,
            init_pars,
            par_bounds,
            fixed_params,
            calctype,
            return_tail_probs,
            return_expected,
            return_expected_set,
            return_calculator,
            test_stat,
            return_jacobian,
            **kwargs,
        )
    calc = utils.create_calculator(
        calctype, data, pdf, init_pars, par_bounds, fixed_params, test_stat=test_stat, **kwargs
    )
    if calctype == "toybased":
        if return_jacobian:
            raise Unsupported("return_jacobian=True needs calctype='asymptotics': toy p-values are step functions")
        return _toy_hypotest(
            calc,
            poi_test,
            test_stat == "q0",
            return_tail_probs,
            return_expected,
            return_expected_set,
            return_calculator,
        )
    if return_jacobian and calc.calc_base_dist != "normal":
        # The core differentiates the normal band only; a Jacobian of other values than those returned is wrong.
        raise Unsupported(f"return_jacobian=True needs calc_base_dist='normal', not {calc.calc_base_dist!r}")
    # One core call gives the statistic, every p-value and, when asked, their derivatives.
    _, wrt_inputs, wrt_data = calc._teststatistic(poi_test, return_jacobian)
    sb_dist, b_dist = calc.distributions(poi_test)
    (clsb, clb, cls), band = calc._core_results()
    is_q0 = test_stat == "q0"
    if band is None:  # clipped_normal: pyhf's band over the clipped distributions
        clsb_exp, _, cls_exp = calc.expected_pvalues(sb_dist, b_dist)
        band = [np.asarray(v) for v in (clsb_exp if is_q0 else cls_exp)]
    result = [clsb if is_q0 else cls]
    if return_tail_probs:
        result.append([clb] if is_q0 else [clsb, clb])
    if return_expected:
        result.append(np.asarray(band[2]))
    if return_expected_set:
        result.append(band)
    if return_jacobian:
        headline = HYPOTEST_CLSB if is_q0 else HYPOTEST_CLS
        rows = [headline, *range(HYPOTEST_EXPECTED, HYPOTEST_EXPECTED + EXPECTED_SET_SIZE)]
        result.append(mle.Jacobian(wrt_inputs[rows], wrt_data[rows]))
    if return_calculator:
        result.append(calc)
    return result[0] if len(result) == 1 else tuple(result)


def _toy_hypotest(calc, poi_test, is_q0, return_tail_probs, return_expected, return_expected_set, return_calculator):
    """hypotest's returns from a ToyCalculator: pyhf's sequence of statistic, distributions, p-values and band."""
    teststat = calc.teststatistic(poi_test)
    sb_dist, b_dist = calc.distributions(poi_test)
    clsb, clb, cls = (np.asarray(v) for v in calc.pvalues(teststat, sb_dist, b_dist))
    clsb_exp, _, cls_exp = calc.expected_pvalues(sb_dist, b_dist)
    band = [np.asarray(v) for v in (clsb_exp if is_q0 else cls_exp)]
    result = [clsb if is_q0 else cls]
    if return_tail_probs:
        result.append([clb] if is_q0 else [clsb, clb])
    if return_expected:
        result.append(np.asarray(band[2]))
    if return_expected_set:
        result.append(band)
    if return_calculator:
        result.append(calc)
    return result[0] if len(result) == 1 else tuple(result)


def _hypotest(poi_test, data, pdf, init_pars, par_bounds, fixed_params, test_stat, with_jacobian):
    """One neos_hypotest call: every row's value, and with ``with_jacobian`` the (rows, n) Jacobians (else None)."""
    settings = FitSettings(pdf, init_pars, par_bounds, fixed_params)
    data = data_array(data, pdf)
    values = np.empty(HYPOTEST_ROWS)
    wrt_inputs = np.empty(HYPOTEST_ROWS * pdf.config.ninputs) if with_jacobian else None
    wrt_data = np.empty(HYPOTEST_ROWS * data.size) if with_jacobian else None
    check(
        lib.neos_hypotest(
            model_with_optimizer_options(pdf),
            as_float("poi_test", poi_test),
            c_string(test_stat, "test_stat"),
            pointer(data),
            data.size,
            *settings.args,
            pointer(values),
            values.size,
            pointer(wrt_inputs),
            0 if wrt_inputs is None else wrt_inputs.size,
            pointer(wrt_data),
            0 if wrt_data is None else wrt_data.size,
        )
    )
    if not with_jacobian:
        return values, None, None
    return values, wrt_inputs.reshape(HYPOTEST_ROWS, -1), wrt_data.reshape(HYPOTEST_ROWS, -1)


class HypotestDerivatives:
    """Every output of an asymptotic hypothesis test with its derivatives. Rows, in :attr:`names` order: the test
    statistic on the data and on the Asimov data (``q_observed``, ``q_asimov``), their square roots (``z_observed``,
    ``z_asimov``: for q0 the observed and median expected discovery significance), ``clsb`` (for q0 the discovery
    p-value p0), ``clb``, ``cls``, then the expected band in pyhf's order (``expected_m2`` … ``expected_p2``; for q0
    the p0 band). ``values`` has one entry per row; ``inputs`` has shape (rows, len(pdf.inputs()[1])) and ``data``
    (rows, len(data)). ``derivatives["cls"]`` gives one row as ``(value, d/d inputs, d/d data)``."""

    names = HYPOTEST_ROW_NAMES  # from the library (neos_hypotest_row_name)

    def __init__(self, values: np.ndarray, inputs: np.ndarray, data: np.ndarray) -> None:
        self.values = values
        self.inputs = inputs
        self.data = data

    def __getitem__(self, name: str) -> tuple[float, np.ndarray, np.ndarray]:
        try:
            row = self.names.index(name)
        except ValueError:
            raise KeyError(f"{name!r} is not a hypotest output; expected one of {', '.join(self.names)}") from None
        return self.values[row], self.inputs[row], self.data[row]

    def __repr__(self) -> str:
        return "HypotestDerivatives(" + ", ".join(f"{n}={v:.6g}" for n, v in zip(self.names, self.values)) + ")"


def hypotest_derivatives(
    poi_test: float,
    data: ArrayLike,
    pdf: Any,
    init_pars: ArrayLike | None = None,
    par_bounds: Sequence[Sequence[float]] | None = None,
    fixed_params: Sequence[bool] | None = None,
    test_stat: str = "qtilde",
) -> HypotestDerivatives:
    """The asymptotic hypothesis test of :func:`hypotest` with every output (test statistics, significances, CLsb,
    CLb, CLs and the expected band) and their exact derivatives with respect to ``pdf.inputs()`` and the data, from
    one set of fits (implicit differentiation at each optimum, p-values in log space)."""
    as_model_like("pdf", pdf)
    values, wrt_inputs, wrt_data = _hypotest(
        poi_test, data, pdf, init_pars, par_bounds, fixed_params, test_stat, with_jacobian=True
    )
    return HypotestDerivatives(values, wrt_inputs, wrt_data)
