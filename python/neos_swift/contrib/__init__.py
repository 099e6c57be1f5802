"""pyhf 0.7.6's ``pyhf.contrib``: extras outside the statistics (plots of hypothesis-test scans, downloads of
published likelihoods)."""

from __future__ import annotations

import sys

if __name__ != "neos_swift.contrib":
    # Imported a second time under another package name (``sys.modules["pyhf"] = neos_swift`` and then
    # ``import pyhf.contrib``): hand out this very package.
    import importlib

    sys.modules[__name__] = importlib.import_module("neos_swift.contrib")
