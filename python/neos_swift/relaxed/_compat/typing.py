"""The typing names relaxed 0.4.0 re-exports (``TypeAlias``, ``Self``, ``assert_never``), on every Python this
package supports (``requires-python >= 3.9``).

Each name is :mod:`typing`'s where it has it (``TypeAlias`` from 3.10, ``Self`` and ``assert_never`` from 3.11),
else ``typing_extensions``'s when that is installed, else a minimal definition here. The package's modules use
``from __future__ import annotations``, so annotations are never evaluated and the minimal ``TypeAlias`` and
``Self`` only need to be importable names; ``assert_never`` raises ``AssertionError`` as the standard one does.
"""

from __future__ import annotations

import importlib
from typing import NoReturn

__all__ = ["Self", "TypeAlias", "assert_never"]


def __dir__() -> list[str]:
    return __all__


class _AnnotationOnly:
    """A stand-in for a typing special form that only appears in (unevaluated) annotations."""

    def __init__(self, name: str):
        self._name = name

    def __repr__(self) -> str:
        return f"neos_swift.relaxed._compat.typing.{self._name}"


def _assert_never(arg: object, /) -> NoReturn:
    """Marks code that type checking proves unreachable; reaching it at run time is a bug."""
    raise AssertionError(f"unreachable code reached with {arg!r}")


_FALLBACKS = {"Self": _AnnotationOnly("Self"), "TypeAlias": _AnnotationOnly("TypeAlias"), "assert_never": _assert_never}


def _first_definition(name: str, sources=("typing", "typing_extensions")):
    """``name`` from the first module of ``sources`` that can be imported and has it, else our fallback."""
    for source in sources:
        try:
            module = importlib.import_module(source)
        except ImportError:
            continue
        if hasattr(module, name):
            return getattr(module, name)
    return _FALLBACKS[name]


Self = _first_definition("Self")
TypeAlias = _first_definition("TypeAlias")
assert_never = _first_definition("assert_never")
