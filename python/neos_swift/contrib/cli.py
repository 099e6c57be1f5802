"""``contrib download``: pyhf 0.7.6's ``pyhf.contrib.cli``, fetching a published likelihood archive with
neos_swift.contrib.utils.download (which needs the ``requests`` package, pyhf's "contrib" extra)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

logging.basicConfig()
log = logging.getLogger(__name__)

__all__ = ["download"]

_NO_DOWNLOAD = (
    "neos_swift.contrib.utils has no download function here: the contrib command needs the contrib extra "
    "(python -m pip install 'neos-swift[contrib]')"
)


def __dir__():
    return __all__


@click.group(name="contrib")
def cli() -> None:
    """Extra operations (need the contrib extra: the requests package)."""
    from neos_swift.contrib import utils  # noqa: F401  (fails early, here, when the extra's module cannot load)


@cli.command()
@click.argument("archive-url")
@click.argument("output-directory")
@click.option("-v", "--verbose", is_flag=True, help="List the files unpacked.")
@click.option("-f", "--force", is_flag=True, help="Download from a host that is not HEPData or doi.org.")
@click.option("-c", "--compress", is_flag=True, help="Keep the archive as the downloaded tar.gz file.")
def download(archive_url: str, output_directory: str, verbose: bool, force: bool, compress: bool) -> None:
    """Download the archive at ARCHIVE_URL (HEPData likelihoods) and unpack it into OUTPUT_DIRECTORY
    (InvalidArchiveHost for another host unless --force)."""
    from neos_swift.contrib import utils

    fetch = getattr(utils, "download", None)
    if fetch is None:
        # A contrib.utils without its download function: log and return (exit status 0), as pyhf's command does.
        log.error(_NO_DOWNLOAD)
        return
    fetch(archive_url, output_directory, force, compress)
    if verbose:
        print("\n".join(str(path) for path in Path(output_directory).glob("*")))
