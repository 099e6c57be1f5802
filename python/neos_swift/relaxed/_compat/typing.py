"""The typing names relaxed 0.4.0 re-exports (``TypeAlias``, ``Self``, ``assert_never``), from :mod:`typing`."""

from __future__ import annotations

from typing import Self, TypeAlias, assert_never

__all__ = ["Self", "TypeAlias", "assert_never"]


def __dir__() -> list[str]:
    return __all__
