"""Workspace commands: ``inspect``, ``prune``, ``rename``, ``combine``, ``digest``, ``sort``."""

from __future__ import annotations

import json
import logging

import click

from neos_swift import parameters, utils
from neos_swift.cli._io import emit_json, read_json
from neos_swift.workspace import Workspace

log = logging.getLogger(__name__)

# pyhf's modifier types (the keys of pyhf.modifiers.histfactory_set), the choices of ``prune -t``.
MODIFIER_TYPES = ["histosys", "lumi", "normfactor", "normsys", "shapefactor", "shapesys", "staterror"]

_WORKSPACE_OUT = click.option(
    "--output-file", default=None, help="Write the JSON result to this file instead of standard output."
)


@click.group(name="spec")
def cli() -> None:
    """Commands that read or transform a workspace."""


def _constraint_name(paramset) -> str:
    """How ``inspect`` names a parameter set's constraint."""
    for kind in ("unconstrained", "constrained_by_normal", "constrained_by_poisson"):
        if isinstance(paramset, getattr(parameters.paramsets, kind)):
            return kind
    raise TypeError(f"unknown parameter set type {type(paramset).__name__}")


def _summary(ws: Workspace) -> dict:
    """The facts ``inspect`` prints and writes: samples, channels with bins, modifiers, parameters with their
    constraint, the modifier types of each parameter, and the measurements."""
    model = ws.model()
    parameter_rows = sorted((name, _constraint_name(entry["paramset"])) for name, entry in model.config.par_map.items())
    modifiers = list(ws.modifiers)
    bins = {channel["name"]: len(channel["samples"][0]["data"]) for channel in ws["channels"]}
    return {
        "samples": ws.samples,
        "channels": [(channel, bins[channel]) for channel in ws.channels],
        "modifiers": dict(modifiers),
        "parameters": parameter_rows,
        "systematics": [
            (name, constraint, [kind for modifier, kind in modifiers if modifier == name])
            for name, constraint in parameter_rows
        ],
        "measurements": [
            (entry["name"], entry["config"]["poi"], [p["name"] for p in entry["config"]["parameters"]])
            for entry in ws.get("measurements")
        ],
    }


def _print_summary(summary: dict, default_measurement: str) -> None:
    """pyhf's tables: right-aligned names in a column as wide as the longest name of any kind."""
    width = max(
        len(name)
        for name in [
            *(channel for channel, _ in summary["channels"]),
            *summary["samples"],
            *(name for name, _ in summary["parameters"]),
            *(entry[0] for entry in summary["measurements"]),
        ]
    )

    def row(*cells):
        click.echo("  ".join(cells))

    row(f"{'     Summary     ':>{width + len('Summary')}}", "")
    row(f"{'-' * 18:>{width + len('Summary')}}", "")
    for key in ("channels", "samples", "parameters", "modifiers"):
        row(f"{key:>{width}}", str(len(summary[key])))
    click.echo()

    row(f"{'channels':>{width}}", f"{'nbins':^5}")
    row(f"{'-' * 10:>{width}}", f"{'-' * 5:^5}")
    for channel, nbins in summary["channels"]:
        row(f"{channel:>{width}}", f"{nbins!s:^5}")
    click.echo()

    click.echo(f"{'samples':>{width}}")
    click.echo(f"{'-' * 10:>{width}}")
    for sample in summary["samples"]:
        click.echo(f"{sample:>{width}}")
    click.echo()

    row(f"{'parameters':>{width}}", f"{'constraint':<22}", "modifiers")
    row(f"{'-' * 10:>{width}}", f"{'-' * 10:<22}", "-" * 10)
    for name, constraint, kinds in summary["systematics"]:
        row(f"{name:>{width}}", f"{constraint:<22}", ",".join(sorted(set(kinds))))
    click.echo()

    row(f"{'measurement':>{width}}", f"{'poi':^22}", "parameters")
    row(f"{'-' * 10:>{width}}", f"{'-' * 10:^22}", "-" * 10)
    for name, poi, fixed in summary["measurements"]:
        label = ("(*) " if name == default_measurement else "") + name
        row(f"{label:>{width}}", f"{poi:^22}", ",".join(fixed) if fixed else "(none)")
    click.echo()


@cli.command()
@click.argument("workspace", default="-")
@_WORKSPACE_OUT
@click.option("--measurement", default=None)
def inspect(workspace: str, output_file: str | None, measurement: str | None) -> None:
    """Print a summary of WORKSPACE (a file, or "-" for standard input): its channels and bins, samples,
    parameters with their constraints and modifiers, and measurements (the default one marked (*)).
    With --output-file the summary is also written there as JSON."""
    ws = Workspace(read_json(workspace))
    summary = _summary(ws)
    _print_summary(summary, ws.get_measurement()["name"])
    if output_file:
        with open(output_file, "w+", encoding="utf-8") as stream:
            json.dump(summary, stream, indent=4, sort_keys=True)
        log.debug(f"JSON output in {output_file}")


@cli.command()
@click.argument("workspace", default="-")
@_WORKSPACE_OUT
@click.option("-c", "--channel", default=[], multiple=True, metavar="<CHANNEL>...")
@click.option("-s", "--sample", default=[], multiple=True, metavar="<SAMPLE>...")
@click.option("-m", "--modifier", default=[], multiple=True, metavar="<MODIFIER>...")
@click.option("-t", "--modifier-type", default=[], multiple=True, type=click.Choice(MODIFIER_TYPES))
@click.option("--measurement", default=[], multiple=True, metavar="<MEASUREMENT>...")
def prune(
    workspace: str,
    output_file: str | None,
    channel: tuple[str, ...],
    sample: tuple[str, ...],
    modifier: tuple[str, ...],
    modifier_type: tuple[str, ...],
    measurement: tuple[str, ...],
) -> None:
    """Remove the named channels, samples, modifiers (by name or by type) and measurements from WORKSPACE
    (Workspace.prune) and print the result."""
    ws = Workspace(read_json(workspace))
    pruned = ws.prune(
        channels=list(channel),
        samples=list(sample),
        modifiers=list(modifier),
        modifier_types=list(modifier_type),
        measurements=list(measurement),
    )
    emit_json(pruned, output_file)


@cli.command()
@click.argument("workspace", default="-")
@_WORKSPACE_OUT
@click.option("-c", "--channel", default=[], multiple=True, type=click.Tuple([str, str]), metavar="<OLD> <NEW>...")
@click.option("-s", "--sample", default=[], multiple=True, type=click.Tuple([str, str]), metavar="<OLD> <NEW>...")
@click.option("-m", "--modifier", default=[], multiple=True, type=click.Tuple([str, str]), metavar="<OLD> <NEW>...")
@click.option("--measurement", default=[], multiple=True, type=click.Tuple([str, str]), metavar="<OLD> <NEW>...")
def rename(
    workspace: str,
    output_file: str | None,
    channel: tuple[tuple[str, str], ...],
    sample: tuple[tuple[str, str], ...],
    modifier: tuple[tuple[str, str], ...],
    measurement: tuple[tuple[str, str], ...],
) -> None:
    """Rename channels, samples, modifiers and measurements of WORKSPACE, each option taking the old and the new
    name (Workspace.rename), and print the result."""
    ws = Workspace(read_json(workspace))
    renamed = ws.rename(
        channels=dict(channel),
        samples=dict(sample),
        modifiers=dict(modifier),
        measurements=dict(measurement),
    )
    emit_json(renamed, output_file)


@cli.command()
@click.argument("workspace-one", default="-")
@click.argument("workspace-two", default="-")
@click.option(
    "-j",
    "--join",
    default="none",
    type=click.Choice(Workspace.valid_joins),
    help="How components present in both workspaces are joined.",
)
@_WORKSPACE_OUT
@click.option(
    "--merge-channels/--no-merge-channels",
    default=False,
    help="Merge the samples of channels both workspaces have (left or right outer joins only).",
)
def combine(workspace_one: str, workspace_two: str, join: str, output_file: str | None, merge_channels: bool) -> None:
    """Join two workspaces into one (Workspace.combine) and print it."""
    first = Workspace(read_json(workspace_one))
    second = Workspace(read_json(workspace_two))
    emit_json(Workspace.combine(first, second, join=join, merge_channels=merge_channels), output_file)


@cli.command()
@click.argument("workspace", default="-")
@click.option(
    "-a", "--algorithm", default=["sha256"], multiple=True, help="A hashlib algorithm; repeat for several digests."
)
@click.option(
    "-j/-p", "--json/--plaintext", "output_json", help="Print a JSON object instead of algorithm:digest lines."
)
def digest(workspace: str, algorithm: tuple[str, ...], output_json: bool) -> None:
    """Print the digests of WORKSPACE's canonical JSON (the ones patchsets record), one per algorithm."""
    ws = Workspace(read_json(workspace))
    digests = {name: utils.digest(ws, algorithm=name) for name in algorithm}
    if output_json:
        click.echo(json.dumps(digests, indent=4, sort_keys=True))
    else:
        click.echo("\n".join(f"{name}:{value}" for name, value in digests.items()))


@cli.command()
@click.argument("workspace", default="-")
@_WORKSPACE_OUT
def sort(workspace: str, output_file: str | None) -> None:
    """Print WORKSPACE in canonical order: channels, samples, modifiers and observations sorted by name
    (Workspace.sorted)."""
    ws = Workspace(read_json(workspace))
    emit_json(Workspace.sorted(ws), output_file)
