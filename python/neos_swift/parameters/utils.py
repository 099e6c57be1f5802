"""``pyhf.parameters.utils.reduce_paramsets_requirements``: one parameter-set configuration per parameter name,
merged from what every modifier of that name requires and what the measurement's parameter config sets.

The merge is three rules, each its own function:

- the modifiers that share a name must agree on every property (``_agreed``, else ``InvalidNameReuse``);
- a property that none of them has may be left unset, not set by the user (``_user_value``, else
  ``InvalidModel``);
- a user's list replaces a required sequence of the same length only (``_user_value``, else ``InvalidModel``).

(libneos merges the requirements of the models it builds itself; this function is pyhf's public helper.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["reduce_paramsets_requirements"]

# The properties a parameter-set requirement may carry, in the order the merged configuration lists them.
_PROPERTIES = (
    "paramset_type",
    "n_parameters",
    "is_scalar",
    "inits",
    "bounds",
    "auxdata",
    "factors",
    "sigmas",
    "fixed",
)


class _Unset:
    """A property that a requirement does not have (shown as pyhf's word for it in messages)."""

    def __repr__(self):
        return "'undefined'"


_UNSET = _Unset()


def __dir__():
    return __all__


def _agreed(name, prop, requirements):
    """The value of ``prop`` that every requirement of parameter ``name`` has (``_UNSET`` when none has it);
    ``InvalidNameReuse`` when they differ (or there is no requirement at all)."""
    from neos_swift import exceptions

    distinct = []
    for requirement in requirements:
        value = requirement.get(prop, _UNSET)
        if value not in distinct:
            distinct.append(value)
    if len(distinct) == 1:
        return distinct[0]
    raise exceptions.InvalidNameReuse(
        f"the modifiers named {name} do not agree on '{prop}' ({distinct}): modifiers that share a name share one "
        "parameter set, so give them distinct names or equal settings"
    )


def _user_value(name, prop, value, required):
    """The user's ``value`` for ``prop`` of parameter ``name`` when the modifiers require ``required``:
    ``InvalidModel`` for a set value of a property the set does not have, and for a sequence whose length is not
    that of the required one."""
    from neos_swift import exceptions

    if required is _UNSET:
        if value:
            raise exceptions.InvalidModel(f"the parameter set {name} has no {prop} to configure")
        return value
    sequences = (list, tuple)
    if isinstance(value, sequences) and isinstance(required, sequences) and len(value) != len(required):
        raise exceptions.InvalidModel(
            f"wrong number of values ({len(value)}) for {prop} of {name}: expected {len(required)}, one per parameter"
        )
    return value


def _merged(name, requirements, user):
    """The configuration of parameter ``name``: each property the modifiers require (checked to agree), replaced
    by the user's where the user sets it (checked), tuples as lists, unset properties left out, and ``name``."""
    required = {prop: _agreed(name, prop, requirements) for prop in _PROPERTIES}
    chosen = {
        prop: _user_value(name, prop, user[prop], default) if prop in user else default
        for prop, default in required.items()
    }
    merged = {prop: list(value) if isinstance(value, tuple) else value for prop, value in chosen.items()}
    merged = {prop: value for prop, value in merged.items() if value is not _UNSET}
    merged["name"] = name
    return merged


def reduce_paramsets_requirements(
    paramsets_requirements: Mapping[str, Sequence[Mapping[str, Any]]],
    paramsets_user_configs: Mapping[str, Mapping[str, Any]],
) -> dict[str, dict[str, Any]]:
    """``{name: [requirement dicts of the modifiers called name]}`` and ``{name: user config}`` -> ``{name:
    merged config}``. Every modifier of a name must require the same value of each property (else pyhf's
    ``InvalidNameReuse``); a user's value replaces it, and must have as many entries as the requirement's and name
    a property the set uses (else ``InvalidModel``). Tuples (the modifiers' defaults) become lists; properties
    that no modifier has are left out, and keys of the user config that are not properties are ignored."""
    return {
        name: _merged(name, requirements, paramsets_user_configs.get(name, {}))
        for name, requirements in paramsets_requirements.items()
    }
