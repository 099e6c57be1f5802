"""``pyhf.parameters.utils.reduce_paramsets_requirements``: one parameter-set configuration per parameter name,
merged from what every modifier of that name requires and what the measurement's parameter config sets."""

from __future__ import annotations

__all__ = ["reduce_paramsets_requirements"]

# The properties a parameter-set requirement may carry, in pyhf's order.
_KEYS = ("paramset_type", "n_parameters", "is_scalar", "inits", "bounds", "auxdata", "factors", "sigmas", "fixed")
_ABSENT = "undefined"


def __dir__():
    return __all__


def reduce_paramsets_requirements(paramsets_requirements, paramsets_user_configs):
    """``{name: [requirement dicts of the modifiers called name]}`` and ``{name: user config}`` -> ``{name:
    merged config}``. Every modifier of a name must require the same value of each property (else pyhf's
    ``InvalidNameReuse``); a user's value replaces it, and must have as many entries as the requirement's and name
    a property the set uses (else ``InvalidModel``). Requirement tuples (defaults) become lists."""
    from neos_swift import exceptions

    reduced = {}
    for name, requirements in paramsets_requirements.items():
        user = paramsets_user_configs.get(name, {})
        merged = {}
        for key in _KEYS:
            values = []
            for requirement in requirements:
                value = requirement.get(key, _ABSENT)
                if value not in values:
                    values.append(value)
            if len(values) != 1:
                raise exceptions.InvalidNameReuse(
                    f"Multiple values for '{key}' ({values}) were found for {name}. Use unique modifier names when "
                    "constructing the pdf."
                )
            default = values[0]
            value = user.get(key, default)
            if value == _ABSENT:
                continue
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, list) and default and len(value) != len(default):
                raise exceptions.InvalidModel(
                    f"Incorrect number of values ({len(value)}) for {key} were configured by you, expected "
                    f"{len(default)}."
                )
            elif value and default == _ABSENT:
                raise exceptions.InvalidModel(f"{name} does not use the {key} attribute.")
            merged[key] = value
        merged["name"] = name
        reduced[name] = merged
    return reduced
