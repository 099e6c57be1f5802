"""pyhf.compat: translating between ROOT's parameter names and pyhf's parameter sets (pyhf 0.7.6)."""

from __future__ import annotations

import re

__all__ = ["interpret_rootname", "paramset_to_rootnames"]

_GAMMA = re.compile(r"^gamma_(.+)_(\d+)$")
_ALPHA = re.compile(r"^alpha_(.+)$")


def __dir__():
    return __all__


def paramset_to_rootnames(paramset):
    """ROOT's name(s) for a parameter set: ``Lumi`` for ``lumi``; ``alpha_<name>`` for a constrained scalar set,
    ``<name>`` for an unconstrained one; ``gamma_<name>_<i>`` for each parameter of a non-scalar set."""
    if paramset.name == "lumi":
        return "Lumi"
    if not paramset.is_scalar:
        return [f"gamma_{paramset.name}_{i}" for i in range(paramset.n_parameters)]
    return f"alpha_{paramset.name}" if paramset.constrained else paramset.name


def interpret_rootname(rootname):
    """What a ROOT parameter name says: ``constrained``, ``is_scalar``, ``name`` and ``element`` (``"n/a"`` when
    the name does not tell). ``ValueError`` for a ``gamma_``/``alpha_`` name that does not have their form."""
    result = {"constrained": "n/a", "is_scalar": "n/a", "name": "n/a", "element": "n/a"}
    if rootname.startswith("gamma_"):
        match = _GAMMA.match(rootname)
        if match is None:
            raise ValueError(f"confusing rootname {rootname}. Please report as a bug.")
        result.update(is_scalar=False, name=match.group(1), element=int(match.group(2)))
        return result
    result["is_scalar"] = True
    if rootname.startswith("alpha_"):
        match = _ALPHA.match(rootname)
        if match is None:
            raise ValueError(f"confusing rootname {rootname}. Please report as a bug.")
        result.update(constrained=True, name=match.group(1))
        return result
    result.update(constrained=False, name="lumi" if rootname == "Lumi" else rootname)
    return result
