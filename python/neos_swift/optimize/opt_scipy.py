"""pyhf's ``scipy_optimizer``."""

from __future__ import annotations

import warnings
from types import MappingProxyType
from typing import Any

from .mixins import _COMMON_OPTIONS, DEFAULT_EDM_TOLERANCE, OptimizerMixin

#: scipy_optimizer's own constructor options, with pyhf's defaults (no tolerance: the native goal; no extra
#: solver options). The mixin copies the empty dict for every optimizer.
_SCIPY_OPTIONS = MappingProxyType({"tolerance": None, "solver_options": {}})


class scipy_optimizer(OptimizerMixin):  # noqa: N801  (pyhf's name)
    """pyhf's default optimizer: ``name == "scipy"``, ``tolerance`` (default None), ``solver_options`` (default
    {}), plus ``maxiter``/``verbose``. A fit may override ``maxiter``, ``verbose``, ``method`` (pyhf's default
    "SLSQP"), ``tolerance`` and ``solver_options``; anything else raises ``exceptions.Unsupported``.

    The fit is the native Newton fit whatever the method; the options are recorded on the result object
    (``options``), and two of them control it, mapped from SLSQP's meaning:

    * ``maxiter`` caps the fit's Newton iterations, as it caps SLSQP's major iterations (each one gradient and
      one step). A fit that reaches it raises ``exceptions.FailedMinimization`` whose result has scipy's
      ``status`` 9, ``message`` "Iteration limit reached" and ``nit``. The fits of hypotest, the test
      statistics, toys and upper limits get the same cap and tolerance
      (:func:`neos_swift.optimize.mixins.model_with_optimizer_options`).
    * ``tolerance`` is scipy's ``tol``, SLSQP's ``ftol``: SLSQP stops when twice the NLL changes by less than it
      between iterations. The native fit stops when the change it still expects (MINUIT's EDM of twice the NLL)
      is below it, so the EDM tolerance is ``tolerance`` itself. None (pyhf's default) keeps the native goal,
      1e-14, which converges to rounding level.

    The options are checked as scipy checks them: a ``method`` scipy.optimize.minimize does not have raises
    ValueError, and ``solver_options`` names that SLSQP does not take (with the default method) give scipy's
    ``OptimizeWarning`` ("Unknown solver options: ..."); other methods' option names are not checked. A positive
    ``verbose`` prints a summary of each fit. As pyhf's scipy result, the result object has ``unc`` and
    ``corr`` set to None; ``return_uncertainties``/``return_correlations`` still return the exact ones (a
    superset of pyhf, which returns no uncertainty column and None correlations with scipy)."""

    __slots__ = ("name", *_SCIPY_OPTIONS)

    _constructor_options = MappingProxyType({**_COMMON_OPTIONS, **_SCIPY_OPTIONS})
    _call_options = ("maxiter", "verbose", "method", "tolerance", "solver_options")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Options by keyword (see the class); positional arguments are refused with TypeError, as pyhf's
        ``OptimizerMixin`` refuses them. Each optimizer gets its own ``solver_options`` dict."""
        super().__init__(*args, **kwargs)
        self.name = "scipy"

    @property
    def method(self) -> str:
        """pyhf's default ``scipy.optimize.minimize`` method."""
        return "SLSQP"

    def _complete(self, resolved, do_grad):
        tolerance = resolved["tolerance"]
        if tolerance is not None and not tolerance > 0:
            raise ValueError(f"tolerance must be positive or None, got {tolerance!r}")
        solver_options = resolved["solver_options"]
        if not isinstance(solver_options, dict):
            raise TypeError(f"solver_options must be a dict, got {type(solver_options).__name__}")
        method = resolved["method"]
        if not isinstance(method, str) or method.lower() not in _MINIMIZE_METHODS:
            # scipy.optimize.minimize's own refusal of a method it does not have.
            raise ValueError(f"Unknown solver {method}")
        unknown = [name for name in solver_options if name not in _SLSQP_OPTIONS]
        if method.lower() == "slsqp" and unknown:
            # pyhf passes solver_options to scipy, which warns about names SLSQP does not take; so do we.
            from scipy.optimize import OptimizeWarning

            warnings.warn(f"Unknown solver options: {', '.join(unknown)}", OptimizeWarning, stacklevel=5)
        return resolved

    def _edm_tolerance(self, requested):
        tolerance = requested["tolerance"]
        return DEFAULT_EDM_TOLERANCE if tolerance is None else float(tolerance)

    def _iteration_limit(self, maxiter):
        # scipy's SLSQP exit mode 9.
        return {"status": 9, "message": "Iteration limit reached"}


#: The methods of ``scipy.optimize.minimize`` (lower case, as it compares them).
_MINIMIZE_METHODS = frozenset(
    {
        "nelder-mead",
        "powell",
        "cg",
        "bfgs",
        "newton-cg",
        "l-bfgs-b",
        "tnc",
        "cobyla",
        "cobyqa",
        "slsqp",
        "trust-constr",
        "dogleg",
        "trust-ncg",
        "trust-exact",
        "trust-krylov",
    }
)

#: The options ``scipy.optimize.minimize(method="SLSQP")`` documents (scipy 1.9 to 1.17); others are warned of.
_SLSQP_OPTIONS = frozenset({"ftol", "eps", "disp", "maxiter", "iprint", "finite_diff_rel_step", "workers"})
