"""docs/c-api.md cannot fall behind include/neos.h: every exported function of the header has its entry there."""

from __future__ import annotations

import re

from conftest import HEADER, REPO

REFERENCE = REPO / "docs" / "c-api.md"


def header_functions():
    """Names of the header's NEOS_API functions, in the header's order."""
    text = HEADER.read_text()
    return re.findall(r"^NEOS_API\b[^;(]*?\b(neos_\w+)\s*\(", text, re.M)


def test_the_header_is_parsed():
    names = header_functions()
    # The parser must see the whole header (99 functions at ABI 1.3), not a prefix of it.
    assert len(names) >= 99 and len(set(names)) == len(names)
    assert {"neos_version_number", "neos_hypotest", "neos_trainer_free"} <= set(names)


def test_every_header_function_has_a_reference_entry():
    documented = set(re.findall(r"^### `(neos_\w+)`", REFERENCE.read_text(), re.M))
    missing = [name for name in header_functions() if name not in documented]
    assert not missing, f"docs/c-api.md lacks entries for {missing}"
    stale = sorted(documented - set(header_functions()))
    assert not stale, f"docs/c-api.md documents functions the header does not declare: {stale}"
