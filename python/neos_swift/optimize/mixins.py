"""What pyhf's optimizers share (``pyhf.optimize.mixins.OptimizerMixin``): ``maxiter``/``verbose`` and ``minimize``.

neos_swift's fits always run in the native core: exact gradient and Hessian, damped Newton steps to MINUIT's EDM
criterion, and uncertainties/correlations from the exact Hessian at the minimum. An optimizer object therefore does
not choose an algorithm; it carries the options a pyhf user sets, checks them as pyhf does (an unknown option
raises ``exceptions.Unsupported``), hands ``maxiter`` and ``tolerance`` to the native fit (libneos'
``neos_fit_with_options``: an iteration cap and an EDM tolerance, each optimizer with its own mapping) and decides
what the fit reports, as pyhf's optimizers differ there: a ``minuit`` result object has ``unc``, ``corr``,
``hess_inv`` and a ``minuit`` record; a ``scipy`` one does not.

The calculations that run their fits inside libneos (hypotest, the test statistics, toys, upper limits) take the
same cap and tolerance from the model they are given: :func:`model_with_optimizer_options` derives it
(``neos_model_with_fit_options``) when the optimizer's options are not its defaults.
"""

from __future__ import annotations

import copy
import ctypes
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from .._handles import Handle
from .._library import lib, pointer
from ..errors import FitFailed, NumericError, check
from ..exceptions import FailedMinimization, Unsupported

#: include/neos.h's NEOS_FIT_DEFAULT_EDM_TOLERANCE: the native fit's own EDM goal (twice the NLL), which an
#: optimizer without a tolerance of its own uses (a test checks it against the header).
DEFAULT_EDM_TOLERANCE = 1e-14
#: include/neos.h's NEOS_FIT_MAX_ITERATIONS: the largest cap libneos takes. A larger ``maxiter`` asks for no
#: limit a fit could reach and is passed as this one.
MAX_ITERATIONS = 100_000_000
#: The options every optimizer's constructor takes, with pyhf's defaults: an iteration cap and a verbosity level.
_COMMON_OPTIONS = MappingProxyType({"maxiter": 100000, "verbose": 0})


def _native_fit(poi, data, pdf, settings, uncertainties, correlations, jacobian, max_iterations, edm_tolerance):
    """One native fit (``neos_fit_with_options``, or ``neos_fixed_poi_fit_with_options`` when ``poi`` is given)
    with an iteration cap and an EDM tolerance, computing only what is asked for: (pars, twice_nll,
    uncertainties or None, correlations (n, n) or None, :class:`neos_swift.infer.mle.Jacobian` or None,
    iterations)."""
    from ..infer.mle import Jacobian

    n, n_inputs = pdf.config.npars, pdf.config.ninputs
    pars = np.empty(n)
    twice_nll = ctypes.c_double()
    iterations = ctypes.c_size_t()
    unc = np.empty(n) if uncertainties else None
    corr = np.empty(n * n) if correlations else None
    wrt_inputs = np.empty(n * n_inputs) if jacobian else None
    wrt_data = np.empty(n * data.size) if jacobian else None
    options = (min(int(max_iterations), MAX_ITERATIONS), float(edm_tolerance))
    outputs = (
        pointer(pars),
        n,
        ctypes.byref(twice_nll),
        pointer(unc),
        0 if unc is None else n,
        pointer(corr),
        0 if corr is None else n * n,
        pointer(wrt_inputs),
        0 if wrt_inputs is None else wrt_inputs.size,
        pointer(wrt_data),
        0 if wrt_data is None else wrt_data.size,
        ctypes.byref(iterations),
    )
    if poi is None:
        check(lib.neos_fit_with_options(pdf, pointer(data), data.size, *settings.args, *options, *outputs))
    else:
        check(
            lib.neos_fixed_poi_fit_with_options(
                pdf, float(poi), pointer(data), data.size, *settings.args, *options, *outputs
            )
        )
    jac = Jacobian(wrt_inputs.reshape(n, n_inputs), wrt_data.reshape(n, data.size)) if jacobian else None
    return pars, twice_nll.value, unc, None if corr is None else corr.reshape(n, n), jac, iterations.value


#: What libneos' message of a fit that ran out of iterations contains (include/neos.h, Fit options).
_ITERATION_LIMIT = "iteration limit reached"
#: The native message of a fit whose ``maxiter`` leaves no iteration (minuit's budget is spent on Migrad's seed).
_NO_ITERATION = f"{_ITERATION_LIMIT} before the first iteration: maxiter leaves none"


class OptimizerMixin:
    """Options common to all optimizers: ``maxiter`` (default 100000) and ``verbose`` (default 0).

    ``maxiter`` (a positive integer) caps the native fit's iterations, one per Newton step (what each optimizer's
    ``maxiter`` counts in pyhf is in its class). A fit that has not converged within it raises
    ``exceptions.FailedMinimization`` whose result object says so as pyhf's optimizer would (see
    ``_iteration_limit``). Fits converge in far fewer Newton iterations than pyhf's default allows, so the
    default changes nothing. The native fit's restarts from other starting points (its search for a lower
    minimum) each have the cap to themselves. Every option is recorded on the result object (``options``).
    ``maxiter`` and ``tolerance`` reach the fits of hypotest, the test statistics, toys and upper limits too
    (:func:`model_with_optimizer_options`)."""

    # One slot per constructor option (an optimizer adds slots for its own, and for its name).
    __slots__ = tuple(_COMMON_OPTIONS)

    #: The constructor's options and their defaults: these common ones, extended by each optimizer.
    _constructor_options = _COMMON_OPTIONS

    #: Options a single fit call may override, besides those common to all optimizers.
    _call_options: tuple = ()

    def __init__(self, **kwargs: Any) -> None:
        """Set every option of :attr:`_constructor_options`, from ``kwargs`` or its default. A name that is not
        one of them raises ``exceptions.Unsupported`` (pyhf's tests ask only for the class and, by match, the
        name)."""
        accepted = self._constructor_options
        foreign = [name for name in kwargs if name not in accepted]
        if foreign:
            raise Unsupported(
                f"{type(self).__name__} has no option {', '.join(map(repr, foreign))}; "
                f"its options are {', '.join(accepted)}"
            )
        for option, default in accepted.items():
            # Defaults are copied so that no two optimizers share a mutable one (scipy's solver_options {}).
            setattr(self, option, kwargs[option] if option in kwargs else copy.copy(default))

    def _resolve(self, options: dict, do_grad: bool) -> dict:
        """This call's options: the object's, overridden by ``options`` (a fit's extra keyword arguments, consumed).
        Raises ``exceptions.Unsupported`` for any option this optimizer does not take, as pyhf's do."""
        resolved = {name: options.pop(name, getattr(self, name)) for name in self._call_options}
        if options:
            # pyhf's test_optimizer_unsupported_minimizer_options matches the option's name only.
            raise Unsupported(
                f"a fit with {type(self).__name__} takes no option {', '.join(map(repr, options))}; "
                f"a fit's options are {', '.join(self._call_options) or 'none'}"
            )
        maxiter = resolved.get("maxiter", self.maxiter)
        if isinstance(maxiter, bool) or not isinstance(maxiter, int) or maxiter < 1:
            raise ValueError(f"maxiter must be a positive integer, got {maxiter!r}")
        return self._complete(resolved, do_grad)

    def _complete(self, resolved: dict, do_grad: bool) -> dict:
        return resolved

    def _edm_tolerance(self, requested: dict) -> float:
        """The native fit's EDM tolerance (twice the NLL) for this call's resolved options; each optimizer maps
        its ``tolerance``. Without a mapping, the native default."""
        return DEFAULT_EDM_TOLERANCE

    def _iteration_limit(self, maxiter: int) -> dict:
        """The fields of the unsuccessful result object of a fit that ran out of its ``maxiter`` iterations."""
        return {"status": 1, "message": f"Optimization failed. Iteration limit ({maxiter}) reached."}

    def _iteration_cap(self, maxiter: int) -> int:
        """The native fit's iteration cap for ``maxiter`` (each optimizer says what its ``maxiter`` counts): here
        one iteration per unit. 0 means the budget leaves no iteration, so the fit fails before it starts."""
        return maxiter

    def _native_limits(self, requested: dict) -> tuple[int, float]:
        """(iteration cap, EDM tolerance) of the native fit for this call's resolved options: what ``maxiter`` and
        ``tolerance`` become in libneos' units (a cap above NEOS_FIT_MAX_ITERATIONS is passed as that one)."""
        cap = self._iteration_cap(int(requested.get("maxiter", self.maxiter)))
        return min(cap, MAX_ITERATIONS), self._edm_tolerance(requested)

    def _out_of_iterations(self, maxiter: int, native_message: str):
        """The ``exceptions.FailedMinimization`` of a fit that ran out of its ``maxiter``, whose result object says
        so as this optimizer's would (``_iteration_limit``) and keeps libneos' words in ``native_message``."""
        from scipy.optimize import OptimizeResult

        failed = OptimizeResult(success=False, nit=maxiter, **self._iteration_limit(maxiter))
        failed.optimizer = self.name
        failed.native_message = native_message
        return FailedMinimization(failed)

    #: Whether this optimizer's result object carries uncertainties and correlations (pyhf: minuit's does).
    _reports_uncertainties = False

    def minimize(
        self,
        objective: Callable[..., Any],
        data: Any,
        pdf: Any,
        init_pars: Sequence[float] | Any,
        par_bounds: Sequence[Sequence[float]],
        fixed_vals: Sequence[tuple[int, float]] | None = None,
        return_fitted_val: bool = False,
        return_result_obj: bool = False,
        return_uncertainties: bool = False,
        return_correlations: bool = False,
        do_grad: bool | None = None,
        do_stitch: bool = False,
        **kwargs: Any,
    ) -> Any:
        """pyhf's ``optimizer.minimize`` for ``objective = infer.mle.twice_nll`` (the only objective pyhf's fits
        minimise): the native fit of ``pdf`` to ``data`` from ``init_pars`` within ``par_bounds``, with the
        ``(index, value)`` pairs of ``fixed_vals`` held. Returns what :func:`neos_swift.infer.mle.fit` returns.
        ``do_stitch`` changes nothing here: held parameters are always reported in place."""
        from ..infer import mle

        if objective is not mle.twice_nll:
            raise Unsupported(
                "neos_swift minimises only neos_swift.infer.mle.twice_nll (natively, with exact derivatives); "
                f"got {objective!r}"
            )
        init = list(init_pars)
        fixed = [False] * len(init)
        for index, value in fixed_vals or []:
            init[index] = value
            fixed[index] = True
        return mle._minimize(
            self,
            None,
            data,
            pdf,
            init,
            par_bounds,
            fixed,
            return_fitted_val=return_fitted_val,
            return_result_obj=return_result_obj,
            return_uncertainties=return_uncertainties,
            return_correlations=return_correlations,
            do_grad=do_grad,
            options=kwargs,
        )

    def _minimize(self, poi, data, pdf, settings, requested, uncertainties, correlations, jacobian, required):
        """One native fit with this call's resolved options (``requested``), as a ``scipy.optimize.OptimizeResult``.

        ``x`` holds the best-fit parameters (shape (n,)), ``fun`` the twice NLL, ``nit`` the Newton iterations of
        the descent that ended at ``x`` (scipy's name), ``fixed`` which parameters were held (the POI too when
        ``poi`` is given); ``unc`` (held ones 0, scaled by ``errordef``) and ``corr`` (held
        rows and columns 0) when ``uncertainties``/``correlations`` ask for them, else None; ``jacobian`` (a
        :class:`neos_swift.infer.mle.Jacobian`, or None). A minuit optimizer adds ``hess_inv`` and its ``minuit``
        record. When the Hessian is singular and the numbers were not ``required`` (only a result object wanted
        them), the fit is reported without them; when the fit fails, ``exceptions.FailedMinimization`` carries
        an unsuccessful result object.

        With ``verbose`` (a positive level), or scipy's ``disp`` solver option, a one-line summary of the fit is
        printed."""
        from scipy.optimize import OptimizeResult

        maxiter = requested.get("maxiter", self.maxiter)
        limits = self._native_limits(requested)
        if limits[0] < 1:
            raise self._out_of_iterations(maxiter, _NO_ITERATION)
        try:
            try:
                pars, twice_nll, unc, corr, jac, nit = _native_fit(
                    poi, data, pdf, settings, uncertainties, correlations, jacobian, *limits
                )
            except NumericError:
                if required or not (uncertainties or correlations):
                    raise
                pars, twice_nll, unc, corr, jac, nit = _native_fit(
                    poi, data, pdf, settings, False, False, jacobian, *limits
                )
        except FitFailed as error:
            message = getattr(getattr(error, "result", None), "message", None) or str(error)
            if _ITERATION_LIMIT in message:
                raise self._out_of_iterations(maxiter, message) from error
            failed = OptimizeResult(success=False, status=1, message=f"Optimization failed. {message}")
            failed.optimizer = self.name
            failed.native_message = message
            raise FailedMinimization(failed) from error
        fixed = np.array(pdf.config.suggested_fixed() if settings.fixed is None else settings.fixed, dtype=bool)
        if poi is not None:
            fixed[pdf.config.poi_index] = True
        if corr is not None:
            # pyhf stitches held parameters into the correlation matrix as zero rows and columns, diagonal included.
            corr = np.where(fixed[:, None] | fixed[None, :], 0.0, corr)
        if unc is not None:
            # Held parameters have no uncertainty (pyhf sets MINUIT's to 0 too); errordef scales as MINUIT's errors.
            unc = np.where(fixed, 0.0, unc) * np.sqrt(requested.get("errordef", 1))
        result = OptimizeResult(
            x=pars,
            fun=twice_nll,
            success=True,
            status=0,
            message="Optimization terminated successfully.",
            unc=unc,
            corr=corr,
            fixed=fixed,
            nit=nit,
            jacobian=jac,
            optimizer=self.name,
            options=MappingProxyType(requested),
        )
        self._annotate(result, pdf, requested)
        # scipy's disp is the solver's own switch for the same summary (pyhf sets it from verbose).
        if requested.get("verbose", self.verbose) or requested.get("solver_options", {}).get("disp"):
            print(
                f"neos_swift native fit ({self.name} options): converged, twice NLL = {twice_nll:.10g}, pars = {pars}"
            )
        return result

    def _annotate(self, result, pdf, requested):
        """What this optimizer adds to a result object (nothing by default)."""


class _ModelWithFitOptions(Handle):
    """A model libneos derived with fit options (``neos_model_with_fit_options``), passed to the calls that fit
    inside libneos in place of the model it came from; the native model is freed when this object goes."""

    _free_name = "neos_model_free"


# The native limits of each optimizer class's defaults, made once: building a default optimizer to compare with
# cost as much as a small fit's whole native call.
_DEFAULT_LIMITS: dict[type, tuple[int, float]] = {}


def _default_limits(kind: type) -> tuple[int, float]:
    """The (iteration cap, EDM tolerance) that an optimizer of class ``kind`` built with its defaults maps to."""
    limits = _DEFAULT_LIMITS.get(kind)
    if limits is None:
        defaults = kind()
        limits = _DEFAULT_LIMITS[kind] = defaults._native_limits(defaults._resolve({}, do_grad=False))
    return limits


def model_with_optimizer_options(pdf: Any) -> Any:
    """``pdf``, or the model libneos derives from it whose every fit runs with the current optimizer's ``maxiter``
    and ``tolerance`` (in libneos' units, as :meth:`OptimizerMixin._native_limits` maps them for a single fit):
    the model to hand to the calls whose fits run inside libneos (``neos_hypotest``, ``neos_test_statistic``,
    ``neos_toy_test_statistics``, ``neos_upper_limit``, ``neos_upper_limit_scan``, ``neos_upper_limit_jacobian``),
    so that a cap or tolerance reaches their fits as it reaches ``mle.fit``'s.

    ``pdf`` itself when the optimizer's options map to what its defaults map to (pyhf's defaults ask for converged
    fits; libneos' own defaults converge to rounding level, which the asymptotic formulae and the implicit
    derivatives want), when the optimizer is not one of ours, or when ``pdf`` is not a libneos model. A derived
    model is made once per options and model and kept on ``pdf`` (made again after ``config.set_poi`` replaces
    its native model). Raises ``exceptions.FailedMinimization``, as a fit would, when ``maxiter`` leaves no
    iteration (a minuit ``maxiter`` of 1, see ``minuit_optimizer``)."""
    from .._backend import get_backend

    optimizer = get_backend()[1]
    base = getattr(pdf, "_as_parameter_", None)
    if not isinstance(optimizer, OptimizerMixin) or not isinstance(base, ctypes.c_void_p):
        return pdf
    requested = optimizer._resolve({}, do_grad=False)
    limits = optimizer._native_limits(requested)
    if limits == _default_limits(type(optimizer)):
        return pdf
    if limits[0] < 1:
        raise optimizer._out_of_iterations(requested.get("maxiter", optimizer.maxiter), _NO_ITERATION)
    cached = pdf.__dict__.get("_models_with_fit_options")
    if cached is None or cached[0] != base.value:
        cached = (base.value, {})
        pdf.__dict__["_models_with_fit_options"] = cached
    derived = cached[1].get(limits)
    if derived is None:
        handle = ctypes.c_void_p()
        check(lib.neos_model_with_fit_options(pdf, limits[0], limits[1], ctypes.byref(handle)))
        derived = cached[1][limits] = _ModelWithFitOptions(handle)
    return derived
