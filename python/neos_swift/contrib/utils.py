"""``pyhf.contrib.utils.download``: fetch a published likelihood archive (HEPData) and unpack it.

It needs the ``requests`` package (pyhf's "contrib" extra); without it the call raises ``ImportError``."""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["download"]

# The hosts an archive may come from without force=True (pyhf's list).
_TRUSTED_HOSTS = ("www.hepdata.net", "doi.org")


def __dir__():
    return __all__


def _unzip(content: bytes, output_directory: Path) -> None:
    # A zip archive holds one top folder; its contents become output_directory, as a tar archive's would.
    if output_directory.exists():
        shutil.rmtree(output_directory)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(output_directory)
    top = next(iter(output_directory.iterdir()))
    staging = output_directory.parent / (output_directory.name + "__tmp__")
    top.replace(staging)
    shutil.rmtree(output_directory)
    staging.replace(output_directory)


def download(archive_url, output_directory, force=False, compress=False):
    """Download the archive at ``archive_url`` and unpack it (a tar archive, compressed or not, or a zip
    archive) into the directory ``output_directory``; with ``compress=True`` write the downloaded bytes to the
    file ``output_directory`` instead. Hosts other than HEPData's and doi.org need ``force=True``.

    Raises ``exceptions.InvalidArchiveHost`` for an untrusted host and ``exceptions.InvalidArchive`` for a
    response other than 200 or content that is neither a tar nor a zip archive."""
    from neos_swift import exceptions

    host = urlsplit(archive_url).netloc
    if not force and host not in _TRUSTED_HOSTS:
        raise exceptions.InvalidArchiveHost(
            f"{host} is not an approved archive host: {', '.join(_TRUSTED_HOSTS)}\n"
            "To download an archive from this host use the --force option."
        )
    import requests

    # HEPData returns the file itself when asked for an archive type (DOI content negotiation).
    with requests.get(archive_url, headers={"Accept": "application/x-tar, application/zip"}) as response:
        if response.status_code != 200:
            raise exceptions.InvalidArchive(
                f"{archive_url} gives a response code of {response.status_code}.\nThere is either something "
                f"temporarily wrong with the archive host or {archive_url} is an invalid URL."
            )
        content = response.content
    if compress:
        Path(output_directory).write_bytes(content)
        return
    try:
        with tarfile.open(mode="r:*", fileobj=io.BytesIO(content)) as archive:
            archive.extractall(output_directory)
        return
    except tarfile.ReadError:
        pass
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise exceptions.InvalidArchive(
            f"The archive downloaded from {archive_url} is not a tarfile or a zipfile and so can not be opened as one."
        )
    _unzip(content, Path(output_directory))
