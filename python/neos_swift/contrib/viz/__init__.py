"""pyhf 0.7.6's ``pyhf.contrib.viz``: matplotlib views of inference results."""

from __future__ import annotations

import sys

if __name__ != "neos_swift.contrib.viz":
    # Imported a second time under another package name: hand out this very package.
    import importlib

    sys.modules[__name__] = importlib.import_module("neos_swift.contrib.viz")
