"""What every command shares: reading JSON from a file or standard input ("-") and writing JSON results."""

from __future__ import annotations

import json
import logging
from typing import Any

import click

log = logging.getLogger("neos_swift.cli")


def read_json(source: str) -> Any:
    """The JSON document in the file ``source``, or on standard input when ``source`` is "-"."""
    with click.open_file(source, "r", encoding="utf-8") as stream:
        return json.load(stream)


def emit_json(result: Any, output_file: str | None) -> None:
    """Print ``result`` as indented JSON with sorted keys (pyhf's layout), or write it to ``output_file``."""
    if output_file is None:
        click.echo(json.dumps(result, indent=4, sort_keys=True))
        return
    with open(output_file, "w+", encoding="utf-8") as stream:
        json.dump(result, stream, indent=4, sort_keys=True)
    log.debug(f"JSON output in {output_file}")
