"""pyhf.pdf: the HistFactory model class and its configuration (pyhf 0.7.6's public names)."""

from __future__ import annotations

import sys

if __name__ != "neos_swift.pdf":
    # Imported a second time under another package name (``sys.modules["pyhf"] = neos_swift`` and then
    # ``import pyhf.pdf``): hand out this very module, so both names share one set of classes.
    import importlib

    sys.modules[__name__] = importlib.import_module("neos_swift.pdf")

from neos_swift.workspace import Model
from neos_swift.workspace import ModelConfig as _ModelConfig

__all__ = ["Model", "_ModelConfig"]


def __dir__():
    return __all__
