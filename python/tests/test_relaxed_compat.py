"""neos_swift.relaxed._compat.typing: relaxed 0.4.0's typing names on every supported Python (>= 3.9). Python 3.9
and 3.10 are simulated here by hiding the names from typing (and typing_extensions) and re-importing."""

from __future__ import annotations

import importlib
import sys
import typing

import pytest
from neos_swift.relaxed._compat import typing as compat


def test_the_names_are_typings_where_it_has_them():
    assert dir(compat) == ["Self", "TypeAlias", "assert_never"]
    assert compat.Self is typing.Self and compat.TypeAlias is typing.TypeAlias
    assert compat.assert_never is typing.assert_never


@pytest.fixture
def reimport():
    """Re-imports the module with whatever the test hid, and restores the real one afterwards."""
    yield lambda: importlib.reload(compat)
    importlib.reload(compat)


@pytest.mark.parametrize("hidden", [("Self", "assert_never"), ("Self", "TypeAlias", "assert_never")])
def test_without_typings_names_and_without_typing_extensions_the_fallbacks_work(monkeypatch, reimport, hidden):
    # 3.10 lacks Self and assert_never, 3.9 TypeAlias as well; typing_extensions is not a dependency
    for name in hidden:
        monkeypatch.delattr(typing, name)
    monkeypatch.setitem(sys.modules, "typing_extensions", None)  # importing it raises ImportError
    module = reimport()
    for name in hidden:
        assert getattr(module, name) is module._FALLBACKS[name]
    assert "Self" in repr(module.Self)
    with pytest.raises(AssertionError, match="unreachable code reached with 'late'"):
        module.assert_never("late")
    if "TypeAlias" not in hidden:
        assert module.TypeAlias is typing.TypeAlias


def test_typing_extensions_is_used_when_typing_lacks_a_name(monkeypatch, reimport):
    import types

    extensions = types.ModuleType("typing_extensions")

    def their_assert_never(arg):
        raise AssertionError("from typing_extensions")

    extensions.Self, extensions.assert_never = object(), their_assert_never
    monkeypatch.delattr(typing, "Self")
    monkeypatch.delattr(typing, "assert_never")
    monkeypatch.setitem(sys.modules, "typing_extensions", extensions)
    module = reimport()
    assert module.Self is extensions.Self and module.assert_never is their_assert_never
    assert module.TypeAlias is typing.TypeAlias
