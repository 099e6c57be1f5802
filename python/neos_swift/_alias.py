"""One module object per submodule, whatever name the package is imported under.

pyhf users may alias the package (``sys.modules["pyhf"] = neos_swift``, as a migration shim or pyhf's own test suite
run against us does). A later ``import pyhf.schema`` would then search this package's folder and execute
``schema/__init__.py`` a second time as a new module ``pyhf.schema``: two copies of every class, registry and cache,
so that ``mock.patch("pyhf.schema.validate")`` or ``except pyhf.exceptions.InvalidModel`` would miss what the
package itself uses. The finder below answers such imports with the module already loaded as ``neos_swift.<name>``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

_PACKAGE = __name__.rpartition(".")[0]


class _LoadedModule(importlib.abc.Loader):
    """Hands out an existing module object instead of executing its file again."""

    def __init__(self, module):
        self._module = module
        self._spec = module.__spec__

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        # The import system has just set module.__spec__ to the alias's spec; give back the module's own, so that
        # __spec__.parent and __package__ agree again (relative imports inside the package warn otherwise).
        module.__spec__ = self._spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``ALIAS.sub.module`` to ``neos_swift.sub.module`` when ``sys.modules[ALIAS]`` is this package."""

    def find_spec(self, fullname, path=None, target=None):
        alias, _, rest = fullname.partition(".")
        if not rest or alias == _PACKAGE or sys.modules.get(alias) is not sys.modules.get(_PACKAGE):
            return None
        module = importlib.import_module(f"{_PACKAGE}.{rest}")
        return importlib.util.spec_from_loader(fullname, _LoadedModule(module), is_package=hasattr(module, "__path__"))


# Installed when the package is imported (its __init__ imports this module first), once per process.
if not any(isinstance(finder, _AliasFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _AliasFinder())


def import_name() -> str:
    """The name the package is imported under in this process: the alias when a user made one
    (``sys.modules["pyhf"] = neos_swift``), else the package's own name. Messages that name a module or an install
    command use it, so that they read as what the user imported."""
    package = sys.modules[_PACKAGE]
    for name, module in list(sys.modules.items()):
        if module is package and "." not in name and name != _PACKAGE:
            return name
    return _PACKAGE
