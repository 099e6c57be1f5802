"""The vector-Jacobian product of a model's NLL Hessian (libneos' ``neos_model_nll_hessian_vjp``, ABI 1.1).

For a cotangent C of shape (npars, npars), :func:`nll_hessian_vjp` gives the exact gradient of
Σ_pq C_pq ∂²NLL/∂θ_p∂θ_q with respect to the parameters, the data (main data, then auxdata) and the model's inputs
(``model.inputs()[1]``): third derivatives of the likelihood, composed in the core. At an interpolation kink the
derivatives are those of the branch the rates take there (one-sided)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from neos_swift._library import as_doubles, lib, pointer
from neos_swift.errors import check


class HessianGradients(NamedTuple):
    """The gradients of Σ C ∘ ∇²NLL: ``pars`` (npars), ``data`` (main data then auxdata), ``inputs`` (ninputs, or
    None when not asked for)."""

    pars: np.ndarray
    data: np.ndarray
    inputs: np.ndarray | None


def nll_hessian_vjp(model, pars, data, cotangent, inputs: bool = True) -> HessianGradients:
    """The exact VJP of ``model.nll_hessian(pars, data)`` for ``cotangent`` (shape (npars, npars), or flat
    row-major); ``inputs=False`` skips the gradient with respect to the model's inputs."""
    pars, data = as_doubles(pars, "pars"), as_doubles(data, "data")
    cotangent = as_doubles(np.ravel(np.asarray(cotangent, dtype=np.float64)), "cotangent")
    grad_pars, grad_data = np.empty(pars.size), np.empty(data.size)
    grad_inputs = np.empty(model.config.ninputs) if inputs else None
    check(
        lib.neos_model_nll_hessian_vjp(
            model,
            pointer(pars),
            pars.size,
            pointer(data),
            data.size,
            pointer(cotangent),
            cotangent.size,
            pointer(grad_pars),
            grad_pars.size,
            pointer(grad_data),
            grad_data.size,
            pointer(grad_inputs),
            0 if grad_inputs is None else grad_inputs.size,
        )
    )
    return HessianGradients(grad_pars, grad_data, grad_inputs)
