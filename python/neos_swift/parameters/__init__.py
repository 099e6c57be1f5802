"""pyhf 0.7.6's ``pyhf.parameters``: the parameter-set classes a model's configuration hands out and the
:class:`ParamViewer` that picks named parameter sets out of a (possibly batched) parameter tensor."""

from __future__ import annotations

from neos_swift.parameters.paramsets import (
    constrained_by_normal,
    constrained_by_poisson,
    paramset,
    unconstrained,
)
from neos_swift.parameters.paramview import ParamViewer
from neos_swift.parameters.utils import reduce_paramsets_requirements

__all__ = [
    "ParamViewer",
    "constrained_by_normal",
    "constrained_by_poisson",
    "paramset",
    "reduce_paramsets_requirements",
    "unconstrained",
]


def __dir__():
    return __all__
