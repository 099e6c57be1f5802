"""Statistical inference with pyhf's signatures (``pyhf.infer``): fits, test statistics, asymptotic hypothesis
tests and upper limits, computed natively with exact derivatives."""

from __future__ import annotations

import ctypes

import numpy as np

from .._library import lib, pointer
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
    settings = FitSettings(pdf, init_pars, par_bounds, fixed_params)
    data = data_array(data, pdf)
    cls = ctypes.c_double()
    tails = np.empty(2)
    expected = np.empty(5)
    if return_jacobian:
        # One native call: the fits behind the hypotest are run once and differentiated implicitly.
        inputs = np.empty(6 * pdf.config.ninputs)
        wrt_data = np.empty(6 * data.size)
        check(
            lib.neos_hypotest_with_jacobian(
                pdf,
                float(poi_test),
                pointer(data),
                data.size,
                *settings.args,
                test_stat.encode(),
                ctypes.byref(cls),
                pointer(tails),
                pointer(expected),
                None,
                pointer(inputs),
                inputs.size,
                pointer(wrt_data),
                wrt_data.size,
            )
        )
    else:
        check(
            lib.neos_hypotest(
                pdf,
                float(poi_test),
                pointer(data),
                data.size,
                *settings.args,
                test_stat.encode(),
                ctypes.byref(cls),
                pointer(tails),
                pointer(expected),
                None,
            )
        )
    result = [np.asarray(cls.value)]
    if return_tail_probs:
        result.append([np.asarray(tails[1])] if test_stat == "q0" else [np.asarray(tails[0]), np.asarray(tails[1])])
    if return_expected:
        result.append(np.asarray(expected[2]))
    if return_expected_set:
        result.append(expected.copy())
    if return_jacobian:
        result.append(mle.Jacobian(inputs.reshape(6, -1), wrt_data.reshape(6, -1)))
    return result[0] if len(result) == 1 else tuple(result)


class HypotestDerivatives:
    """Every output of an asymptotic hypothesis test with its derivatives. Rows, in :attr:`names` order: the test
    statistic on the data and on the Asimov data (``q_observed``, ``q_asimov``), their square roots (``z_observed``,
    ``z_asimov``: for q0 the observed and median expected discovery significance), ``clsb`` (for q0 the discovery
    p-value p0), ``clb``, ``cls``, then the expected band in pyhf's order (``expected_m2`` … ``expected_p2``; for q0
    the p0 band). ``values`` has one entry per row; ``inputs`` has shape (rows, len(pdf.inputs()[1])) and ``data``
    (rows, len(data)). ``derivatives["cls"]`` gives one row as ``(value, d/d inputs, d/d data)``."""

    names = (
        "q_observed",
        "q_asimov",
        "z_observed",
        "z_asimov",
        "clsb",
        "clb",
        "cls",
        "expected_m2",
        "expected_m1",
        "expected_0",
        "expected_p1",
        "expected_p2",
    )

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
    settings = FitSettings(pdf, init_pars, par_bounds, fixed_params)
    data = data_array(data, pdf)
    rows = len(HypotestDerivatives.names)
    values = np.empty(rows)
    inputs = np.empty(rows * pdf.config.ninputs)
    wrt_data = np.empty(rows * data.size)
    check(
        lib.neos_hypotest_derivatives(
            pdf,
            float(poi_test),
            pointer(data),
            data.size,
            *settings.args,
            test_stat.encode(),
            pointer(values),
            rows,
            pointer(inputs),
            inputs.size,
            pointer(wrt_data),
            wrt_data.size,
        )
    )
    return HypotestDerivatives(values, inputs.reshape(rows, -1), wrt_data.reshape(rows, -1))
