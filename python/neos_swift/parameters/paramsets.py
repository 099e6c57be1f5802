"""Parameter sets (``pyhf.parameters.paramsets``): a named block of model parameters with its suggested initial
values, bounds and fixed flags, and, when constrained, its auxiliary data and constraint widths.

These are plain records. A model's sets (``model.config.param_set(name)``) are filled with libneos' suggestions
and auxiliary data; the widths are the ones the model's constraint terms use.

Every class shares one keyword-only constructor. What tells the kinds apart is class data: ``constrained``,
``pdf_type`` and ``_FIELDS``, the extra keywords a kind keeps (``auxdata``, ``sigmas``, ``factors``). A keyword
that no kind knows is Python's ``TypeError``; so is one that this kind does not keep, or a required one left
out."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

__all__ = [
    "constrained_by_normal",
    "constrained_by_poisson",
    "constrained_paramset",
    "paramset",
    "unconstrained",
]


def __dir__():
    return __all__


class _NotGiven:
    """The default of the extra keywords, so that an explicit ``None`` (pyhf's "no factors") is told apart from a
    keyword left out."""

    def __repr__(self):
        return "<not given>"


_NOT_GIVEN = _NotGiven()

# How a kind treats one of its extra keywords: it must be passed and is kept as passed (even None), or it may be
# passed and is kept only when it holds something (no attribute at all otherwise: pyhf's sets without ``sigmas``).
_REQUIRED = "required"
_KEPT_WHEN_SET = "kept when set"


class paramset:  # noqa: N801  (pyhf's class name)
    """A parameter set: ``name``, ``n_parameters``, ``suggested_init``, ``suggested_bounds``, ``suggested_fixed``
    and ``is_scalar``, from the keywords ``name``, ``n_parameters``, ``inits``, ``bounds``, ``fixed`` (one bool for
    every parameter, or one per parameter) and ``is_scalar``. ``paramset_type``, when given (a merged requirement
    from ``reduce_paramsets_requirements`` carries it), must name this class.

    The shared fields are checked before the extra ones: a scalar set with other than one parameter is a
    ``ValueError``, and a ``fixed`` list of the wrong length too; the extra keywords follow the kind's
    ``_FIELDS``."""

    #: The extra keywords this kind keeps, and how (``_REQUIRED`` or ``_KEPT_WHEN_SET``).
    _FIELDS: ClassVar[Mapping[str, str]] = {}

    def __init__(
        self,
        *,
        name: str,
        n_parameters: int,
        inits: Sequence[float],
        bounds: Sequence[Sequence[float]],
        fixed: bool | Sequence[bool],
        is_scalar: bool,
        paramset_type: str | None = None,
        auxdata: Any = _NOT_GIVEN,
        sigmas: Any = _NOT_GIVEN,
        factors: Any = _NOT_GIVEN,
    ) -> None:
        if is_scalar and n_parameters != 1:
            raise ValueError(f"misconfigured parameter set {name}. Scalar but N>1 parameters (N = {n_parameters}).")
        if paramset_type is not None and paramset_type != type(self).__name__:
            raise ValueError(f"parameter set {name} is a {type(self).__name__}, not a {paramset_type}")
        self.name = name
        self.n_parameters = n_parameters
        self.is_scalar = is_scalar
        self.suggested_init = inits
        self.suggested_bounds = bounds
        self.suggested_fixed = fixed
        self._keep_fields({"auxdata": auxdata, "sigmas": sigmas, "factors": factors})

    def _keep_fields(self, given) -> None:
        """Sets the extra keywords ``given`` as this kind's ``_FIELDS`` say; ``TypeError`` for one it does not
        keep and for a required one that is missing."""
        unused = [field for field, value in given.items() if value is not _NOT_GIVEN and field not in self._FIELDS]
        if unused:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument(s): {', '.join(unused)}")
        for field, rule in self._FIELDS.items():
            value = given[field]
            if value is _NOT_GIVEN:
                if rule == _REQUIRED:
                    raise TypeError(f"{type(self).__name__}() missing required keyword argument: '{field}'")
            elif rule == _REQUIRED or value:
                setattr(self, field, value)

    @property
    def suggested_fixed(self) -> list[bool]:
        """One fixed flag per parameter. Setting one bool fixes or frees every parameter; a list must have one
        flag per parameter (``ValueError`` otherwise)."""
        return [self._fixed] * self.n_parameters if isinstance(self._fixed, bool) else self._fixed

    @suggested_fixed.setter
    def suggested_fixed(self, value: bool | Sequence[bool]) -> None:
        if not isinstance(value, bool) and len(value) != self.n_parameters:
            raise ValueError(f"{self.name} has {self.n_parameters} parameter(s), got {len(value)} fixed flags")
        self._fixed = value

    @property
    def suggested_fixed_as_bool(self) -> bool:
        """The fixed flags as one bool when they all agree; ``RuntimeError`` when they do not."""
        distinct = set(self.suggested_fixed)
        if len(distinct) != 1:
            raise RuntimeError(f"the fixed flags {self.suggested_fixed} of {self.name} differ: they are not one bool")
        return distinct.pop()

    def __repr__(self) -> str:
        pdf_type = getattr(self, "pdf_type", None)
        kind = f"constrained by {pdf_type}" if pdf_type else "unconstrained"
        return f"<{type(self).__name__} {self.name!r}: {self.n_parameters} parameter(s), {kind}>"


class unconstrained(paramset):  # noqa: N801
    """A parameter set without a constraint term (normfactor, shapefactor)."""

    constrained = False


class constrained_paramset(paramset):  # noqa: N801
    """A parameter set with a constraint term (the base of the normal and Poisson ones): it keeps ``auxdata``."""

    constrained = True
    _FIELDS: ClassVar[Mapping[str, str]] = {"auxdata": _REQUIRED}


class constrained_by_normal(constrained_paramset):  # noqa: N801
    """A set constrained by Normal(auxdata | parameter, sigma): ``auxdata``, and ``sigmas`` when given non-empty
    (the widths are 1 otherwise, as for normsys and histosys)."""

    pdf_type = "normal"
    _FIELDS: ClassVar[Mapping[str, str]] = {"auxdata": _REQUIRED, "sigmas": _KEPT_WHEN_SET}

    def width(self) -> list[float]:
        """The constraint's standard deviations, one per parameter."""
        return list(getattr(self, "sigmas", [1.0] * self.n_parameters))


class constrained_by_poisson(constrained_paramset):  # noqa: N801
    """A set constrained by Poisson(auxdata | parameter * factor): ``auxdata`` and the ``factors`` (shapesys'
    (nominal / uncertainty)^2 per bin; ``None`` is accepted, and then the set has no width)."""

    pdf_type = "poisson"
    _FIELDS: ClassVar[Mapping[str, str]] = {"auxdata": _REQUIRED, "factors": _REQUIRED}

    def width(self) -> list[float]:
        """The relative widths 1/sqrt(factor) of the constraint; ``RuntimeError`` without factors."""
        if not self.factors:
            raise RuntimeError(f"the parameter set {self.name} has no factors, so no width")
        return [1.0 / math.sqrt(float(factor)) for factor in self.factors]
