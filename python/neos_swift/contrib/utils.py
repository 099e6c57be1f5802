"""``pyhf.contrib.utils.download``: fetch a published likelihood archive (HEPData) and unpack it.

It needs the ``requests`` package (the "contrib" extra, as in pyhf); without it, importing this module logs how to
install it and the call raises ``ImportError``.

Unpacking is limited to the target folder: tar members go through tarfile's ``"data"`` filter where the Python
has it (3.12, and the security releases of 3.9 to 3.11), all of them checked before the first is written, so an
archive with absolute paths, ``..`` components, links out of the folder or device files is refused as a whole
(``InvalidArchive``); zipfile already maps every member name into the target folder."""

from __future__ import annotations

import io
import logging
import os
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from neos_swift._alias import import_name

__all__ = ["download"]

log = logging.getLogger(__name__)

try:
    import requests  # noqa: F401  (only whether it imports: _fetch imports it again where it is used)
except ImportError as missing:
    # Said once, when the module is imported, as pyhf does; download() raises ImportError when it is called. The
    # second and third lines are pyhf's own words (its tests look for them), naming the package as it was imported.
    _name = import_name()
    log.error(
        f"{missing}\nInstallation of the contrib extra is required to use {_name}.contrib.utils.download\n"
        f"Please install with: python -m pip install '{_name}[contrib]'\n"
    )

# The hosts an archive may come from without force=True (pyhf's list).
_TRUSTED_HOSTS = ("www.hepdata.net", "doi.org")

# HEPData answers a request that accepts an archive type with the file itself rather than its landing page (DOI
# content negotiation).
_ACCEPT_ARCHIVES = {"Accept": "application/x-tar, application/zip"}

# What macOS's archiver adds next to the real top folder of a zip archive.
_ZIP_CLUTTER = "__MACOSX"


def __dir__():
    return __all__


def _exceptions():
    # looked up when used, as the package's other pyhf exceptions are (a test may reload the module)
    from neos_swift import exceptions

    return exceptions


def _check_host(archive_url: str) -> None:
    host = urlsplit(archive_url).netloc
    if host not in _TRUSTED_HOSTS:
        raise _exceptions().InvalidArchiveHost(
            f"{host} is not an approved archive host ({', '.join(_TRUSTED_HOSTS)}); "
            "use force=True (the CLI's --force option) to download from it"
        )


def _fetch(archive_url: str) -> bytes:
    import requests

    with requests.get(archive_url, headers=_ACCEPT_ARCHIVES) as response:
        if response.status_code != 200:
            raise _exceptions().InvalidArchive(
                # "gives a response code of N": the words pyhf's message has, which scripts may look for
                f"{archive_url} gives a response code of {response.status_code}: "
                "the host has a problem or the URL is not an archive's"
            )
        return response.content


def _untar(content: bytes, target: Path) -> bool:
    """Unpacks a tar archive (any compression tarfile reads) into ``target``; False if it is not one."""
    try:
        archive = tarfile.open(mode="r:*", fileobj=io.BytesIO(content))
    except tarfile.ReadError:
        return False
    with archive:
        if not hasattr(tarfile, "data_filter"):
            archive.extractall(target)
            return True
        try:
            for member in archive.getmembers():
                tarfile.data_filter(member, str(target))
        except tarfile.FilterError as error:
            raise _exceptions().InvalidArchive(f"refusing to unpack the archive: {error}") from error
        archive.extractall(target, filter="data")
    return True


def _unzip(content: bytes, target: Path) -> bool:
    """Unpacks a zip archive so that its top folder becomes ``target`` (replaced if it exists), as a tar
    archive's members would land; a zip with several top entries becomes ``target`` as a whole. False if the
    content is not a zip archive."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            archive.extractall(staging)
        shutil.rmtree(staging / _ZIP_CLUTTER, ignore_errors=True)
        entries = list(staging.iterdir())
        unpacked = entries[0] if len(entries) == 1 and entries[0].is_dir() else staging
        if target.exists():
            shutil.rmtree(target)
        unpacked.replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return True


def download(
    archive_url: str, output_directory: str | os.PathLike[str], force: bool = False, compress: bool = False
) -> None:
    """Download the archive at ``archive_url`` and unpack it (a tar archive, compressed or not, or a zip
    archive) into the directory ``output_directory``; with ``compress=True`` write the downloaded bytes to the
    file ``output_directory`` instead. Hosts other than HEPData's and doi.org need ``force=True``.

    Raises ``exceptions.InvalidArchiveHost`` for an untrusted host and ``exceptions.InvalidArchive`` for a
    response other than 200, content that is neither a tar nor a zip archive, or a tar archive with members
    that would land outside ``output_directory``."""
    if not force:
        _check_host(archive_url)
    content = _fetch(archive_url)
    target = Path(output_directory)
    if compress:
        target.write_bytes(content)
    elif not (_untar(content, target) or _unzip(content, target)):
        raise _exceptions().InvalidArchive(f"{archive_url} gave neither a tar nor a zip archive")
