"""Parameter sets (``pyhf.parameters.paramsets``): a named block of model parameters with its suggested initial
values, bounds and fixed flags, and, when constrained, its auxiliary data and constraint widths.

These are plain records. A model's sets (``model.config.param_set(name)``) are filled with libneos' suggestions
and auxiliary data; the widths are the ones the model's constraint terms use."""

from __future__ import annotations

import math

__all__ = [
    "constrained_by_normal",
    "constrained_by_poisson",
    "constrained_paramset",
    "paramset",
    "unconstrained",
]


def __dir__():
    return __all__


class paramset:  # noqa: N801  (pyhf's class name)
    """A parameter set: ``name``, ``n_parameters``, ``suggested_init``, ``suggested_bounds``, ``suggested_fixed``
    and ``is_scalar``, from pyhf's keywords ``name``, ``n_parameters``, ``inits``, ``bounds``, ``fixed`` (one
    bool for every parameter, or one per parameter) and ``is_scalar``. A scalar set has exactly one parameter
    (``ValueError`` otherwise)."""

    def __init__(self, **kwargs):
        self.name = kwargs.pop("name")
        self.n_parameters = kwargs.pop("n_parameters")
        self.suggested_init = kwargs.pop("inits")
        self.suggested_bounds = kwargs.pop("bounds")
        self._suggested_fixed = kwargs.pop("fixed")
        self.is_scalar = kwargs.pop("is_scalar")
        if self.is_scalar and self.n_parameters != 1:
            raise ValueError(
                f"misconfigured parameter set {self.name}. Scalar but N>1 parameters (N = {self.n_parameters})."
            )

    @property
    def suggested_fixed(self) -> list[bool]:
        """One fixed flag per parameter (a single bool given at construction applies to all of them)."""
        if isinstance(self._suggested_fixed, bool):
            return [self._suggested_fixed] * self.n_parameters
        return self._suggested_fixed

    @suggested_fixed.setter
    def suggested_fixed(self, value) -> None:
        if not isinstance(value, bool) and len(value) != self.n_parameters:
            raise ValueError(f"{self.name} has {self.n_parameters} parameter(s), got {len(value)} fixed flags")
        self._suggested_fixed = value

    @property
    def suggested_fixed_as_bool(self) -> bool:
        """The fixed flags as one bool when they all agree; ``RuntimeError`` when they do not."""
        flags = self.suggested_fixed
        if all(flag == flags[0] for flag in flags):
            return flags[0]
        raise RuntimeError(f"{flags} is neither all-True nor all-False, so not compressible")

    def __repr__(self):
        kind = f"constrained by {self.pdf_type}" if getattr(self, "constrained", False) else "unconstrained"
        return f"<{type(self).__name__} {self.name!r}: {self.n_parameters} parameter(s), {kind}>"


class unconstrained(paramset):  # noqa: N801
    """A parameter set without a constraint term (normfactor, shapefactor)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.constrained = False


class constrained_paramset(paramset):  # noqa: N801
    """A parameter set with a constraint term (the base of the normal and Poisson ones)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.constrained = True


class constrained_by_normal(constrained_paramset):  # noqa: N801
    """A set constrained by Normal(auxdata | parameter, sigma): ``auxdata``, and ``sigmas`` when given (the
    widths are 1 otherwise, as for normsys and histosys)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pdf_type = "normal"
        self.auxdata = kwargs.pop("auxdata")
        sigmas = kwargs.pop("sigmas", None)
        if sigmas:
            self.sigmas = sigmas

    def width(self) -> list[float]:
        """The constraint's standard deviations, one per parameter."""
        return list(getattr(self, "sigmas", [1.0] * self.n_parameters))


class constrained_by_poisson(constrained_paramset):  # noqa: N801
    """A set constrained by Poisson(auxdata | parameter * factor): ``auxdata`` and the ``factors`` (shapesys'
    (nominal / uncertainty)^2 per bin)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pdf_type = "poisson"
        self.auxdata = kwargs.pop("auxdata")
        self.factors = kwargs.pop("factors")

    def width(self) -> list[float]:
        """The relative widths 1/sqrt(factor) of the constraint; ``RuntimeError`` without factors."""
        if not self.factors:
            raise RuntimeError(f"the parameter set {self.name} has no factors, so no width")
        return [1.0 / math.sqrt(float(factor)) for factor in self.factors]
