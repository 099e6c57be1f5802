"""Statistical inference with pyhf's signatures (``pyhf.infer``): fits, test statistics, asymptotic hypothesis
tests and upper limits, computed natively with exact derivatives."""

from __future__ import annotations

import numpy as np

from .._library import (
    EXPECTED_SET_SIZE,
    HYPOTEST_CLB,
    HYPOTEST_CLS,
    HYPOTEST_CLSB,
    HYPOTEST_EXPECTED,
    HYPOTEST_ROW_NAMES,
    HYPOTEST_ROWS,
    c_string,
    lib,
    pointer,
)
from ..errors import InvalidArgument, check
from . import intervals, mle, test_statistics
from ._settings import FitSettings, data_array

__all__ = ["HypotestDerivatives", "hypotest", "hypotest_derivatives", "intervals", "mle", "test_statistics"]


def hypotest(
    poi_test,
    data,
    pdf,
    init_pars=None,
    par_bounds=None,
    fixed_params=None,
    calctype="asymptotics",
    return_tail_probs=False,
    return_expected=False,
    return_expected_set=False,
    test_stat="qtilde",
    return_jacobian=False,
    **_ignored,
):
    """Asymptotic hypothesis test at ``poi_test``. Returns CLs (for ``test_stat="q0"``: the discovery p-value
    p0), then as requested ``[CLsb, CLb]`` (q0: ``[CLb]``), the expected median and the expected band, exactly
    in pyhf's order. With ``return_jacobian`` a :class:`~neos_swift.infer.mle.Jacobian` comes last: the
    derivatives of CLs observed and of the five band values (in that order) with respect to ``pdf.inputs()`` and
    the data."""
    if calctype != "asymptotics":
        raise InvalidArgument(f"only calctype='asymptotics' is supported, not {calctype!r}")
    values, wrt_inputs, wrt_data = _hypotest(
        poi_test, data, pdf, init_pars, par_bounds, fixed_params, test_stat, return_jacobian
    )
    headline = HYPOTEST_CLSB if test_stat == "q0" else HYPOTEST_CLS
    band = list(range(HYPOTEST_EXPECTED, HYPOTEST_EXPECTED + EXPECTED_SET_SIZE))
    result = [np.asarray(values[headline])]
    if return_tail_probs:
        result.append(
            [np.asarray(values[HYPOTEST_CLB])]
            if test_stat == "q0"
            else [np.asarray(values[HYPOTEST_CLSB]), np.asarray(values[HYPOTEST_CLB])]
        )
    if return_expected:
        result.append(np.asarray(values[HYPOTEST_EXPECTED + EXPECTED_SET_SIZE // 2]))
    if return_expected_set:
        result.append(values[band].copy())
    if return_jacobian:
        rows = [headline, *band]
        result.append(mle.Jacobian(wrt_inputs[rows], wrt_data[rows]))
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
            pdf,
            float(poi_test),
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

    def __init__(self, values: np.ndarray, inputs: np.ndarray, data: np.ndarray):
        self.values = values
        self.inputs = inputs
        self.data = data

    def __getitem__(self, name):
        try:
            row = self.names.index(name)
        except ValueError:
            raise KeyError(f"{name!r} is not a hypotest output; expected one of {', '.join(self.names)}") from None
        return self.values[row], self.inputs[row], self.data[row]

    def __repr__(self):
        return "HypotestDerivatives(" + ", ".join(f"{n}={v:.6g}" for n, v in zip(self.names, self.values)) + ")"


def hypotest_derivatives(
    poi_test, data, pdf, init_pars=None, par_bounds=None, fixed_params=None, test_stat="qtilde", **_ignored
) -> HypotestDerivatives:
    """The asymptotic hypothesis test of :func:`hypotest` with every output (test statistics, significances, CLsb,
    CLb, CLs and the expected band) and their exact derivatives with respect to ``pdf.inputs()`` and the data, from
    one set of fits (implicit differentiation at each optimum, p-values in log space)."""
    values, wrt_inputs, wrt_data = _hypotest(
        poi_test, data, pdf, init_pars, par_bounds, fixed_params, test_stat, with_jacobian=True
    )
    return HypotestDerivatives(values, wrt_inputs, wrt_data)
