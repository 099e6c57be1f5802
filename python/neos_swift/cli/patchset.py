"""Patchset commands: ``patchset extract``, ``apply``, ``verify``, ``inspect``."""

from __future__ import annotations

import logging

import click

from neos_swift.cli._io import emit_json, read_json
from neos_swift.patchset import PatchSet
from neos_swift.workspace import Workspace

log = logging.getLogger(__name__)

_OUTPUT = click.option(
    "--output-file", default=None, help="Write the JSON result to this file instead of standard output."
)
_NAME = click.option("--name", default=None, help="The name of the patch.")


@click.group(name="patchset")
def cli() -> None:
    """Read, check and apply patchsets (signal grids as JSON patches to a background-only workspace)."""


@cli.command()
@click.argument("patchset", default="-")
@_NAME
@_OUTPUT
@click.option(
    "--with-metadata/--without-metadata",
    default=False,
    help="Print the patch with its and the patchset's metadata instead of its operations alone.",
)
def extract(patchset: str, name: str | None, output_file: str | None, with_metadata: bool) -> None:
    """Print the JSON-patch operations of the patch --name in PATCHSET (InvalidPatchLookup if it has none)."""
    patches = PatchSet(read_json(patchset))
    patch = patches[name]
    if with_metadata:
        metadata = dict(patch.metadata)
        metadata.update(patches.metadata)
        result = {"metadata": metadata, "patch": patch.patch}
    else:
        result = patch.patch
    emit_json(result, output_file)


@cli.command()
@click.argument("background-only", default="-")
@click.argument("patchset", default="-")
@_NAME
@_OUTPUT
def apply(background_only: str, patchset: str, name: str | None, output_file: str | None) -> None:
    """Print BACKGROUND_ONLY with the patch --name of PATCHSET applied, after checking the patchset's digests
    against it (PatchSetVerificationError if they differ)."""
    ws = Workspace(read_json(background_only))
    patches = PatchSet(read_json(patchset))
    emit_json(patches.apply(ws, name), output_file)


@cli.command()
@click.argument("background-only", default="-")
@click.argument("patchset", default="-")
def verify(background_only: str, patchset: str) -> None:
    """Check that PATCHSET was made for BACKGROUND_ONLY (its digests); prints "All good." or fails with
    PatchSetVerificationError."""
    ws = Workspace(read_json(background_only))
    PatchSet(read_json(patchset)).verify(ws)
    click.echo("All good.")


@cli.command()
@click.argument("patchset", default="-")
def inspect(patchset: str) -> None:
    """List the names of the patches in PATCHSET."""
    patches = PatchSet(read_json(patchset))
    click.secho(f"\n    {len(patches.patches)} patches found in Patchset")
    click.secho("---------------------------------\n")
    for patch in patches.patches:
        click.echo(patch.name)
