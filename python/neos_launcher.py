"""The `neos` console script's entry point, outside the neos_swift package on purpose: importing anything inside the
package first runs its ``__init__`` (numpy, scipy, libneos: about a second), which the native command does not need.
This finds the package's folder without importing it and runs ``neos_swift/_cli.py`` from there."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def main() -> None:
    """Hands the process to the native `neos` command of the installed neos_swift package."""
    spec = importlib.util.find_spec("neos_swift")  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        sys.exit("neos: the neos_swift package is not installed; reinstall with 'pip install ./python'")
    launcher = Path(next(iter(spec.submodule_search_locations))) / "_cli.py"
    module_spec = importlib.util.spec_from_file_location("_neos_swift_cli", launcher)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    module.main()


if __name__ == "__main__":
    main()
