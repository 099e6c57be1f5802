"""Fast handling of the long number lists of big specs (a model of 10⁶ bins holds lists of 10⁶ floats).

``copy.deepcopy`` and jsonschema's validation visit every element of every list in Python, a few µs each: 57 s to
make a ``Workspace`` of 10⁶ bins. The two helpers here give the same results while touching those lists at C speed:

- ``deep_copy(spec)`` is ``copy.deepcopy(spec)`` with every list of plain numbers copied as one slice (floats and
  ints are immutable, so a slice is what deepcopy makes of them; a list met twice is still copied once, through
  deepcopy's memo);
- ``condensed(spec)`` is ``spec`` with every long list of plain numbers of one type cut to its first element, for
  a schema that checks such lists only element by element by type (pyhf's schemas: ``items: number`` and
  ``minItems: 1``). A spec valid in this form is valid in full; the caller validates the full spec whenever the
  condensed one fails, so that errors name what they name today.
"""

from __future__ import annotations

import copy

# Shorter lists cost little either way; the fast path only pays where lists are long.
_LONG = 32
_NUMBER_TYPES = frozenset((float, int))


def _is_number_list(value) -> bool:
    """A list of plain Python floats and ints only (bool is an int subclass, and is left to deepcopy)."""
    return type(value) is list and len(value) >= _LONG and set(map(type, value)) <= _NUMBER_TYPES


def _number_lists(value, found: dict) -> None:
    """Records, by id, every long list of plain numbers inside the dicts and lists of ``value``."""
    if type(value) is dict:
        for item in value.values():
            _number_lists(item, found)
    elif type(value) is list:
        if _is_number_list(value):
            found[id(value)] = value
        else:
            for item in value:
                _number_lists(item, found)


def deep_copy(value):
    """``copy.deepcopy(value)``, with the long lists of plain numbers copied as slices."""
    lists: dict = {}
    _number_lists(value, lists)
    if not lists:
        return copy.deepcopy(value)
    memo = {key: list_[:] for key, list_ in lists.items()}
    # deepcopy keeps what it copies alive through memo[id(memo)]; the originals stay alive in ``value``.
    return copy.deepcopy(value, memo)


def condensed(value):
    """``value`` with each long list of plain numbers of one type replaced by a list of its first element (new
    dicts and lists along the way; the input is not changed). The same object if nothing was cut."""
    if type(value) is dict:
        items = {key: condensed(item) for key, item in value.items()}
        return value if all(items[key] is value[key] for key in value) else items
    if type(value) is list:
        if len(value) >= _LONG and len(set(map(type, value))) == 1 and type(value[0]) in _NUMBER_TYPES:
            return value[:1]
        items = [condensed(item) for item in value]
        return value if all(a is b for a, b in zip(items, value)) else items
    return value
