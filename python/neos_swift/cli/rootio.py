"""HistFactory XML + ROOT conversion: ``xml2json`` (neos_swift.readxml) and ``json2xml`` (neos_swift.writexml)."""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from typing import Any

import click

from neos_swift.cli._io import emit_json, read_json

log = logging.getLogger(__name__)


class VolumeMountPath(click.Path):
    """``LOCAL:MOUNTED``: a local folder (checked as click.Path checks it) standing in for the folder the XML
    names as MOUNTED, as a Docker volume does. Converts to the pair ``(local, mounted)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = f"{self.name}:path"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> tuple[Any, Any]:
        fields = value.split(":")
        if len(fields) != 2:
            self.fail(f"{value!r} is not a valid colon-separated option", param, ctx)
        local, mounted = fields
        return super().convert(local, param, ctx), self.coerce_path_result(mounted)


def _warn_without_uproot(command: str) -> None:
    """pyhf's command line logs an error (and carries on to fail in the reader) when uproot is missing."""
    if importlib.util.find_spec("uproot") is None:
        log.error(
            f"{command} requires uproot, please install neos-swift with the xmlio extra: "
            "python -m pip install 'neos-swift[xmlio]'"
        )


@click.group(name="rootio")
def cli() -> None:
    """Conversion between HistFactory XML + ROOT files and JSON workspaces."""


@cli.command()
@click.argument("entrypoint-xml", type=click.Path(exists=True))
@click.option(
    "--basedir",
    type=click.Path(exists=True),
    default=Path.cwd(),
    help="The folder the paths inside the XML files are relative to (default: the current folder).",
)
@click.option(
    "-v",
    "--mount",
    type=VolumeMountPath(exists=True, resolve_path=True, path_type=Path),
    default=None,
    multiple=True,
    help="LOCAL:MOUNTED — read files the XML places under the folder MOUNTED from the local folder LOCAL; repeatable.",
)
@click.option("--output-file", default=None, help="Write the JSON workspace to this file instead of standard output.")
@click.option("--track-progress/--hide-progress", default=True, help="Show progress bars on standard error.")
@click.option(
    "--validation-as-error/--validation-as-warning",
    default=True,
    help="Whether an XML file that fails its DTD stops the conversion or only warns.",
)
def xml2json(
    entrypoint_xml: str,
    basedir: str | os.PathLike[str],
    mount: tuple[tuple[Any, Any], ...],
    output_file: str | None,
    track_progress: bool,
    validation_as_error: bool,
) -> None:
    """Convert the HistFactory configuration ENTRYPOINT_XML (the top-level XML file) and the XML and ROOT
    files it names into a JSON workspace."""
    _warn_without_uproot("xml2json")
    from neos_swift import readxml

    spec = readxml.parse(
        entrypoint_xml,
        basedir,
        mounts=mount,
        track_progress=track_progress,
        validation_as_error=validation_as_error,
    )
    emit_json(spec, output_file)


@cli.command()
@click.argument("workspace", default="-")
@click.option("--output-dir", type=click.Path(exists=True), default=".", help="Where the files are written.")
@click.option("--specroot", default="config", help="The subfolder of the channel XML files.")
@click.option("--dataroot", default="data", help="The subfolder of the ROOT file of histograms.")
@click.option("--resultprefix", default="FitConfig", help="The name (without .xml) of the top-level XML file.")
@click.option("-p", "--patch", multiple=True, help='A JSON patch applied first ("-" for standard input).')
def json2xml(
    workspace: str, output_dir: str, specroot: str, dataroot: str, resultprefix: str, patch: tuple[str, ...]
) -> None:
    """Write WORKSPACE (after its patches) as HistFactory XML files and a ROOT file of histograms."""
    _warn_without_uproot("json2xml")
    from neos_swift import writexml
    from neos_swift.patchset import Patch

    spec = read_json(workspace)
    for path in patch:
        operations = read_json(path)
        spec = Patch({"metadata": {"name": path, "values": []}, "patch": operations}).apply(spec)
    out = Path(output_dir)
    os.makedirs(out / specroot, exist_ok=True)
    os.makedirs(out / dataroot, exist_ok=True)
    text = writexml.writexml(spec, out / specroot, out / dataroot, resultprefix)
    (out / f"{resultprefix}.xml").write_text(text.decode("utf-8"), encoding="utf-8")
