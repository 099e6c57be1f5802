"""neos's losses for any model, with their gradient with respect to ``model.inputs()``.

Each returns the value, or with ``return_grad=True`` a pair ``(value, grad)`` where ``grad`` is aligned with
``model.inputs()[1]``: the total derivative, including how the Asimov data depend on the inputs, with the fits
differentiated implicitly at their optimum.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

import numpy as np

from ._arguments import as_choice, as_float, as_handle
from ._library import lib, pointer
from .errors import check

if TYPE_CHECKING:
    from .pdf import Model


def _loss(function, model, return_grad, *arguments):
    """Calls one neos_loss_* function: the value, and the gradient w.r.t. the model's inputs when asked for."""
    from .pdf import Model

    as_handle("model", model, Model)
    value = ctypes.c_double()
    gradient = np.empty(model.config.ninputs) if return_grad else None
    check(function(model, *arguments, ctypes.byref(value), pointer(gradient), 0 if gradient is None else gradient.size))
    return (value.value, gradient) if return_grad else value.value


def expected_cls(
    model: Model, test_poi: float = 1.0, test_stat: str = "q", return_grad: bool = False
) -> float | tuple[float, np.ndarray]:
    """CLs of the test at ``test_poi`` on the background-only Asimov data (parameters at their init, POI at 0).

    On that data μ̂ = 0 and the observed statistic equals the Asimov one, so "q" and "qtilde" give the same CLs,
    2Φ(−√q)."""
    as_choice("test_stat", test_stat, ("q", "qtilde"))
    return _loss(lib.neos_loss_expected_cls, model, return_grad, as_float("test_poi", test_poi))


def discovery_p0(model: Model, return_grad: bool = False) -> float | tuple[float, np.ndarray]:
    """The discovery p-value on the Asimov data at POI = 1 (parameters at their init)."""
    return _loss(lib.neos_loss_discovery_p0, model, return_grad)


def expected_upper_limit(
    model: Model, level: float = 0.05, return_grad: bool = False
) -> float | tuple[float, np.ndarray]:
    """The median expected upper limit at CLs = ``level`` (qtilde, root finding), with the background-only Asimov
    data as the observation."""
    return _loss(lib.neos_loss_expected_upper_limit, model, return_grad, as_float("level", level))


def poi_uncertainty(
    model: Model, poi_value: float = 1.0, return_grad: bool = False
) -> float | tuple[float, np.ndarray]:
    """neos's ``poi_uncert``: σ_μ = √[(I⁻¹)_μμ] with I the Fisher information at the nominal point (parameters at
    their init, POI at ``poi_value``) on its own Asimov data; every free nuisance parameter is profiled."""
    return _loss(lib.neos_loss_poi_uncertainty, model, return_grad, as_float("poi_value", poi_value))


def poi_variance(model: Model, poi_value: float = 1.0, return_grad: bool = False) -> float | tuple[float, np.ndarray]:
    """INFERNO's objective: the POI variance (I⁻¹)_μμ, the square of :func:`poi_uncertainty`."""
    return _loss(lib.neos_loss_poi_variance, model, return_grad, as_float("poi_value", poi_value))
