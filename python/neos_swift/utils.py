"""pyhf 0.7.6's ``pyhf.utils``: content digests, ``key=value`` option parsing, and the citation.

``digest`` hashes the JSON text pyhf hashes (keys sorted, non-ASCII kept, UTF-8), so a workspace's digest here is
the one pyhf records in patchsets. ``options_from_eqdelimstring`` reads each value as a YAML scalar (``10`` is an
int, ``1.0e-8`` a float, ``false`` a bool), as pyhf does. ``EqDelimStringParamType`` is the click parameter type
for such options; it is built on first use, so click is needed only by code that asks for it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

__all__ = [
    "EqDelimStringParamType",  # noqa: F822  (built on first access, by __getattr__)
    "citation",
    "digest",
    "options_from_eqdelimstring",
]


def __dir__():
    return __all__


_CITATION = """@software{neos_swift,
  title = "{neos-swift: v%(version)s}",
  version = {%(version)s},
  note = {neos and pyhf inference, native and differentiable: a Swift core, one C header, a Python package}
}"""


def options_from_eqdelimstring(opts: Iterable[str]) -> dict[str, Any]:
    """``["a=10", "b=x=y"]`` -> ``{"a": 10, "b": "x=y"}``: each option split at its first ``=``, each value
    read as YAML. An option without ``=`` raises ``IndexError`` (which ``EqDelimStringParamType`` reports)."""
    import yaml

    lines = []
    for opt in opts:
        parts = opt.split("=", 1)
        lines.append(f"{parts[0]}: {parts[1]}")
    return yaml.safe_load("\n".join(lines))


def _canonical_json(obj) -> bytes:
    """The text pyhf hashes: JSON with sorted keys and non-ASCII characters kept, in UTF-8."""
    try:
        return json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf-8")
    except TypeError as error:
        from .errors import InvalidArgument

        raise InvalidArgument(f"cannot digest an object that is not JSON-serializable ({error})") from None


def digest(obj: Any, algorithm: str = "sha256") -> str:
    """The hex digest of ``obj``'s canonical JSON text (sorted keys, UTF-8) with ``hashlib``'s ``algorithm``
    (any name ``hashlib.new`` knows, e.g. "sha256", "md5", "sha1").

    Raises ``ValueError`` when ``obj`` is not JSON-serialisable or ``hashlib`` has no such algorithm."""
    from ._arguments import as_text
    from .errors import InvalidArgument

    as_text("algorithm", algorithm)
    text = _canonical_json(obj)
    try:
        hasher = hashlib.new(algorithm)
    except ValueError:
        raise InvalidArgument(f"hashlib has no algorithm {algorithm!r}") from None  # a ValueError, as pyhf
    hasher.update(text)
    return hasher.hexdigest()


def citation(oneline: bool = False) -> str:
    """The BibTeX entry for neos-swift; with ``oneline=True``, the same text without its line breaks."""
    from ._library import lib

    text = _CITATION % {"version": lib.neos_version().decode()}
    return "".join(text.splitlines()) if oneline else text


def _make_eqdelim_param_type():
    import click

    class EqDelimStringParamType(click.ParamType):
        """A click option value of the form ``key=value``, converted to ``{key: value}`` (value read as YAML)."""

        name = "equal-delimited option"

        def convert(self, value, param, ctx):
            if "=" not in value:
                self.fail(f"{value:s} has no '=': expected key=value", param, ctx)
            return options_from_eqdelimstring([value])

    EqDelimStringParamType.__module__ = __name__
    EqDelimStringParamType.__qualname__ = "EqDelimStringParamType"
    return EqDelimStringParamType


def __getattr__(name):
    if name == "EqDelimStringParamType":
        cls = _make_eqdelim_param_type()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
