"""``contrib download``: pyhf 0.7.6's ``pyhf.contrib.cli``, fetching a published likelihood archive with
neos_swift.contrib.utils.download (which needs the ``requests`` package, pyhf's "contrib" extra)."""

import logging
from pathlib import Path

import click

logging.basicConfig()
log = logging.getLogger(__name__)

__all__ = ["download"]


def __dir__():
    return __all__


@click.group(name="contrib")
def cli():
    """Extra operations (need the contrib extra: the requests package)."""
    from neos_swift.contrib import utils  # noqa: F401  (fails early, here, when the extra's module cannot load)


@cli.command()
@click.argument("archive-url")
@click.argument("output-directory")
@click.option("-v", "--verbose", is_flag=True, help="List the files unpacked.")
@click.option("-f", "--force", is_flag=True, help="Download from a host that is not HEPData or doi.org.")
@click.option("-c", "--compress", is_flag=True, help="Keep the archive as the downloaded tar.gz file.")
def download(archive_url, output_directory, verbose, force, compress):
    """Download the archive at ARCHIVE_URL (HEPData likelihoods) and unpack it into OUTPUT_DIRECTORY
    (InvalidArchiveHost for another host unless --force)."""
    try:
        from neos_swift.contrib import utils

        utils.download(archive_url, output_directory, force, compress)
        if verbose:
            print("\n".join(str(path) for path in Path(output_directory).glob("*")))
    except AttributeError:
        # the module loaded without requests, so it has no download function (pyhf's behaviour: log, exit 0)
        log.error(
            "\nInstallation of the contrib extra is required to use the contrib CLI API"
            "\nPlease install with: python -m pip install 'neos-swift[contrib]'\n",
            exc_info=True,
        )
