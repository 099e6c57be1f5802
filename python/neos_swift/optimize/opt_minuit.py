"""pyhf's ``minuit_optimizer``."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from .mixins import _COMMON_OPTIONS, OptimizerMixin

#: minuit_optimizer's own constructor options, with pyhf's defaults (what each means: the class's docstring).
_MINUIT_OPTIONS = MappingProxyType({"errordef": 1, "steps": 1000, "strategy": None, "tolerance": 0.1})


class minuit_optimizer(OptimizerMixin):  # noqa: N801  (pyhf's name)
    """pyhf's MINUIT optimizer: ``name == "minuit"``, ``errordef`` (default 1), ``steps`` (default 1000),
    ``strategy`` (default None), ``tolerance`` (default 0.1), plus ``maxiter``/``verbose``. A fit may override
    ``maxiter``, ``strategy`` and ``tolerance``; anything else (``verbose`` included, as pyhf) raises
    ``exceptions.Unsupported``.

    What the options mean here (no MINUIT runs; the fit is the native exact Newton fit):

    * ``tolerance`` sets MINUIT's convergence goal: the fit stops when its EDM (½ gᵀH⁻¹g of twice the NLL, exact
      here) is below 0.002 * tolerance * errordef, as Migrad does; pyhf's default 0.1 gives 2e-4. After that
      the native fit takes one more Newton step, so it usually ends much closer to the minimum than the goal.
      It must be positive and is recorded as ``minuit.tol``.
    * ``maxiter`` is Migrad's call budget in pyhf (``ncall``), and is one here too, charged as Migrad spends it
      at the least: one call for the start (Migrad's seed: the function value there, before any step) and one
      per Newton iteration (Migrad's every step calls the function at least once, for its line search). The
      native fit's iteration cap is therefore ``maxiter - 1``, never tighter than Migrad's budget, and
      ``maxiter=1`` leaves no iteration: every fit fails, as pyhf's Migrad always does with a budget of one
      call. A fit that runs out of it raises ``exceptions.FailedMinimization`` with pyhf's message
      "Optimization failed. Call limit was reached."; so do hypotest, the test statistics, toys and upper
      limits, whose fits get the same cap (:func:`neos_swift.optimize.mixins.model_with_optimizer_options`).
    * ``strategy`` (0, 1, 2; None resolves as pyhf: 0 with gradients, 1 without) sets how carefully MINUIT
      estimates the Hessian. Ours is exact, so every strategy gives the same uncertainties: those of strategy 2 at
      the true minimum. Recorded as ``minuit.strategy``.
    * ``errordef`` scales the reported errors as MINUIT's: error = sqrt(errordef * diag(2 * H^-1)) for the
      Hessian H of twice the NLL; pyhf's 1 gives the usual one-sigma errors.

    The result object (``return_result_obj``) has pyhf's ``unc``, ``corr``, ``hess_inv`` (the covariance) and a
    ``minuit`` record (:class:`MinuitRecord`)."""

    __slots__ = ("name", *_MINUIT_OPTIONS)

    _constructor_options = MappingProxyType({**_COMMON_OPTIONS, **_MINUIT_OPTIONS})
    _call_options = ("maxiter", "strategy", "tolerance")
    _reports_uncertainties = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Options by keyword (see the class); positional arguments are refused with TypeError, as pyhf's
        ``OptimizerMixin`` refuses them."""
        super().__init__(*args, **kwargs)
        self.name = "minuit"

    def _complete(self, resolved, do_grad):
        if resolved["strategy"] is None:
            resolved["strategy"] = 0 if do_grad else 1
        if resolved["strategy"] not in (0, 1, 2):
            raise ValueError(f"strategy must be 0, 1 or 2, got {resolved['strategy']!r}")
        if not resolved["tolerance"] > 0:
            raise ValueError(f"tolerance must be positive, got {resolved['tolerance']!r}")
        if not self.errordef > 0:
            raise ValueError(f"errordef must be positive, got {self.errordef!r}")
        resolved["errordef"] = self.errordef
        return resolved

    def _edm_tolerance(self, requested):
        # Migrad's goal: EDM < 0.002 * tol * errordef, on the objective's scale (twice the NLL).
        return 0.002 * float(requested["tolerance"]) * float(requested["errordef"])

    def _iteration_limit(self, maxiter):
        return {"status": 1, "message": "Optimization failed. Call limit was reached."}

    def _iteration_cap(self, maxiter):
        # Migrad's budget pays for its seed (one call at the start) before any step: one iteration per further call.
        return maxiter - 1

    def _annotate(self, result, pdf, requested):
        """A minuit result object's ``minuit`` record (always) and ``hess_inv`` (the covariance, when the fit
        computed uncertainties and correlations; held parameters give zero rows and columns)."""
        covariance = None
        if result.unc is not None and result.corr is not None:
            covariance = result.corr * np.outer(result.unc, result.unc)
            result.hess_inv = covariance
        names = getattr(pdf.config, "par_names", None)
        names = tuple(names) if names else tuple(f"x{i}" for i in range(len(result.x)))
        result.minuit = MinuitRecord(
            values=result.x,
            errors=result.unc,
            covariance=covariance,
            fixed=[bool(held) for held in result.fixed],
            parameters=names,
            fval=float(result.fun),
            strategy=requested["strategy"],
            tol=requested["tolerance"],
            errordef=requested["errordef"],
        )


class MinuitRecord:
    """The fields of an ``iminuit.Minuit`` that pyhf users read from ``result.minuit``, filled from the native fit
    (no MINUIT ran): ``values``, ``errors``, ``covariance`` (n x n, zero rows for held parameters; ``errors`` and
    ``covariance`` are None when the fit did not compute them), ``fixed``,
    ``parameters`` (names, or x0, x1, ... without them), ``fval``, ``valid``, ``strategy``, ``tol``, ``errordef``."""

    def __init__(
        self,
        values: Any,
        errors: Any,
        covariance: np.ndarray | None,
        fixed: Sequence[bool],
        parameters: Sequence[str],
        fval: float,
        strategy: int,
        tol: float,
        errordef: float,
    ) -> None:
        self.values = values
        self.errors = errors
        self.covariance = covariance
        self.fixed = fixed
        self.parameters = parameters
        self.fval = fval
        self.valid = True
        self.strategy = strategy
        self.tol = tol
        self.errordef = errordef

    def __repr__(self) -> str:
        return f"MinuitRecord(parameters={self.parameters}, fval={self.fval}, strategy={self.strategy}, tol={self.tol})"
