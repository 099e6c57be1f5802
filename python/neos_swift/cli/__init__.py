"""pyhf 0.7.6's command line, on neos_swift: ``python -m neos_swift.cli`` (or ``neos_swift.cli.cli`` from Python).

The group ``cli`` and its commands keep pyhf's names, options, defaults, JSON output and exit codes; every number
comes from neos_swift's public API (Workspace, PatchSet, infer, readxml/writexml, contrib.utils). With the package
aliased as ``pyhf`` (``sys.modules["pyhf"] = neos_swift``), ``import pyhf.cli`` is this module. No console script
named ``pyhf`` is installed, so a real pyhf beside neos_swift keeps its own.
"""

from neos_swift.cli.cli import cli
from neos_swift.cli.complete import cli as complete
from neos_swift.cli.infer import cli as infer
from neos_swift.cli.rootio import cli as rootio
from neos_swift.cli.spec import cli as spec
from neos_swift.contrib import cli as contrib

__all__ = ["cli", "complete", "contrib", "infer", "rootio", "spec"]


def __dir__():
    return __all__
