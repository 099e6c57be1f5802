"""The package under another name (``sys.modules["pyhf"] = neos_swift``) keeps one module object per submodule."""

from __future__ import annotations

import importlib
import sys
from unittest import mock

import neos_swift
import pytest

SUBMODULES = [
    "compat",
    "events",
    "exceptions",
    "infer.calculators",
    "interpolators",
    "optimize.opt_scipy",
    "patchset",
    "schema",
    "simplemodels",
    "tensor",
]


@pytest.fixture
def aliased():
    saved = {name: module for name, module in sys.modules.items() if name == "pyhf" or name.startswith("pyhf.")}
    for name in saved:
        del sys.modules[name]
    sys.modules["pyhf"] = neos_swift
    yield
    for name in [name for name in sys.modules if name == "pyhf" or name.startswith("pyhf.")]:
        del sys.modules[name]
    sys.modules.update(saved)


@pytest.mark.parametrize("name", SUBMODULES)
def test_submodule_is_the_package_module(aliased, name):
    assert importlib.import_module(f"pyhf.{name}") is importlib.import_module(f"neos_swift.{name}")


def test_patch_through_the_alias_reaches_the_package(aliased):
    importlib.import_module("pyhf.schema")
    with mock.patch("pyhf.schema.validate") as patched:
        assert neos_swift.schema.validate is patched
    assert neos_swift.schema.validate is not patched


def test_exception_classes_are_shared(aliased):
    exceptions = importlib.import_module("pyhf.exceptions")
    assert exceptions.InvalidModel is neos_swift.exceptions.InvalidModel


def test_unknown_submodule_still_fails(aliased):
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("pyhf.no_such_module")


def test_other_packages_are_untouched():
    # Without the alias the finder declines: a missing top-level name stays missing.
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("pyhf_not_installed_anywhere.schema")


def test_module_keeps_its_own_spec(aliased):
    module = importlib.import_module("pyhf.schema")
    assert module.__spec__.name == "neos_swift.schema"
    assert module.__spec__.parent == module.__package__
