"""pyhf's ``scipy_optimizer``."""

from __future__ import annotations

from .mixins import OptimizerMixin


class scipy_optimizer(OptimizerMixin):  # noqa: N801  (pyhf's name)
    """pyhf's default optimizer: ``name == "scipy"``, ``tolerance`` (default None), ``solver_options`` (default
    {}), plus ``maxiter``/``verbose``. A fit may override ``maxiter``, ``verbose``, ``method`` (pyhf's default
    "SLSQP"), ``tolerance`` and ``solver_options``; anything else raises ``exceptions.Unsupported``.

    The fit is the native Newton fit whatever these say; they are recorded on the result object (``options``).
    Its convergence test (on the exact Newton decrement) is tighter than SLSQP's at any ``tolerance`` pyhf users
    pass, so a tolerance never loosens our answer. As pyhf's scipy result, the result object has ``unc`` and
    ``corr`` set to None; ``return_uncertainties``/``return_correlations`` still return the exact ones (a
    superset of pyhf, which returns no uncertainty column and None correlations with scipy)."""

    __slots__ = ["name", "tolerance", "solver_options"]

    _call_options = ("maxiter", "verbose", "method", "tolerance", "solver_options")

    def __init__(self, *args, **kwargs):
        self.name = "scipy"
        self.tolerance = kwargs.pop("tolerance", None)
        self.solver_options = kwargs.pop("solver_options", {})
        super().__init__(*args, **kwargs)

    @property
    def method(self):
        """pyhf's default ``scipy.optimize.minimize`` method."""
        return "SLSQP"

    def _complete(self, resolved, do_grad):
        tolerance = resolved["tolerance"]
        if tolerance is not None and not tolerance > 0:
            raise ValueError(f"tolerance must be positive or None, got {tolerance!r}")
        if not isinstance(resolved["solver_options"], dict):
            raise TypeError(f"solver_options must be a dict, got {type(resolved['solver_options']).__name__}")
        return resolved
