"""The schema module's state, as pyhf 0.7.6 names it: where schemas are read from, which version is the default,
and the cache of loaded schemas (keyed by each schema's ``$id``).

``schemas`` and ``SCHEMA_CACHE`` are re-bound by ``neos_swift.schema(new_path)`` and its context manager, so
code reads them through this module each time rather than keeping a reference."""

from pathlib import Path

schemas = Path(__file__).resolve().parent / "schemas"

SCHEMA_CACHE = {}
SCHEMA_BASE = "https://scikit-hep.org/pyhf/schemas/"
SCHEMA_VERSION = "1.0.0"
