"""pyhf's inference helpers (``pyhf.infer.utils``): choosing a calculator and a test statistic by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._arguments import as_choice
from ..errors import InvalidArgument
from ..exceptions import InvalidTestStatistic
from .test_statistics import q0, qmu, qmu_tilde

if TYPE_CHECKING:
    from .calculators import AsymptoticCalculator, ToyCalculator

__all__ = ["create_calculator", "get_test_stat"]  # as pyhf; all_pois_floating is public but unlisted


def __dir__():
    return __all__


class UnknownCalculator(InvalidArgument, KeyError):
    """A calculator type that is not ``"asymptotics"`` or ``"toybased"``: a KeyError, as pyhf raises."""

    def __str__(self) -> str:  # KeyError's str is the repr of its argument; this is a message
        return str(self.args[0]) if self.args else ""


def all_pois_floating(pdf: Any, fixed_params: Sequence[bool]) -> bool:
    """True when the parameter of interest is not fixed in ``fixed_params`` (one bool per model parameter)."""
    return not fixed_params[pdf.config.poi_index]


def create_calculator(calctype: str, *args: Any, **kwargs: Any) -> AsymptoticCalculator | ToyCalculator:
    """The calculator of type ``calctype`` built from ``args`` and ``kwargs``: ``"asymptotics"`` gives an
    :class:`~neos_swift.infer.calculators.AsymptoticCalculator`, ``"toybased"`` a
    :class:`~neos_swift.infer.calculators.ToyCalculator`. Any other name raises KeyError, as in pyhf."""
    from .calculators import AsymptoticCalculator, ToyCalculator

    calculators = {"asymptotics": AsymptoticCalculator, "toybased": ToyCalculator}
    return calculators[as_choice("calctype", calctype, calculators, UnknownCalculator)](*args, **kwargs)


def get_test_stat(name: str) -> Callable[..., Any]:
    """The test statistic function named ``name``: ``"q0"`` (:func:`q0`), ``"q"`` (:func:`qmu`) or ``"qtilde"``
    (:func:`qmu_tilde`); any other name raises :class:`~neos_swift.exceptions.InvalidTestStatistic`."""
    statistics = {"q0": q0, "q": qmu, "qtilde": qmu_tilde}
    try:
        return statistics[name]
    except (KeyError, TypeError):  # TypeError: an unhashable name
        raise InvalidTestStatistic(f"unknown test statistic {name!r}; expected 'q0', 'q' or 'qtilde'") from None
