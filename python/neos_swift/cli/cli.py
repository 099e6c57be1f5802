"""The top-level group: ``--version``, ``--cite/--citation`` and every command of pyhf 0.7.6's command line."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Sequence

import click

from neos_swift import __version__, utils
from neos_swift._alias import import_name
from neos_swift.cli import complete, infer, patchset, rootio, spec
from neos_swift.contrib import cli as contrib

# As pyhf's command line does: warnings and errors of the package's loggers reach standard error.
logging.basicConfig()
log = logging.getLogger(__name__)


# The command line is pyhf's interface, so its citation names pyhf first (the software, in the version whose
# behaviour it follows, and its JOSS paper), then neos-swift itself (utils.citation()).
PYHF_BIBTEX = """@software{pyhf,
  author = {Lukas Heinrich and Matthew Feickert and Giordon Stark},
  title = "{pyhf: v0.7.6}",
  version = {0.7.6},
  doi = {10.5281/zenodo.1169739},
  url = {https://doi.org/10.5281/zenodo.1169739},
  note = {the command line and Python interface neos-swift implements}
}

@article{pyhf_joss,
  author = {Lukas Heinrich and Matthew Feickert and Giordon Stark and Kyle Cranmer},
  title = {pyhf: pure-Python implementation of HistFactory statistical models},
  journal = {Journal of Open Source Software},
  year = {2021},
  volume = {6},
  number = {58},
  pages = {2823},
  doi = {10.21105/joss.02823},
  url = {https://doi.org/10.21105/joss.02823}
}"""


def citation() -> str:
    """The BibTeX block ``--cite`` prints: pyhf's software and JOSS entries, then neos-swift's."""
    return f"{PYHF_BIBTEX}\n\n{utils.citation()}"


def _show_citation(ctx, param, value):
    """Eager option callback: print the BibTeX block and stop before any command runs."""
    if value and not ctx.resilient_parsing:
        click.echo(citation())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__)
@click.option(
    "--cite",
    "--citation",
    is_flag=True,
    default=False,
    expose_value=False,
    is_eager=True,
    callback=_show_citation,
    help="Print the BibTeX entries to cite (neos-swift and pyhf, whose interface it implements) and exit.",
)
def cli() -> None:
    """HistFactory statistics from the command line: pyhf 0.7.6's commands, computed by neos-swift."""


for command in (
    rootio.json2xml,
    rootio.xml2json,
    spec.inspect,
    spec.prune,
    spec.rename,
    spec.combine,
    spec.digest,
    spec.sort,
    infer.fit,
    infer.cls,
    patchset.cli,
    complete.cli,
    contrib.cli,
):
    cli.add_command(command)
del command


def main(args: Sequence[str] | None = None, prog_name: str | None = None) -> None:
    """Run the command line (exits). An error of the package is reported as Python reports an uncaught
    exception (traceback, exit status 1), its class named under the package's import name, so that under the
    pyhf alias the last line reads ``pyhf.exceptions.InvalidArchiveHost: ...`` as pyhf's own does."""
    try:
        cli.main(args=args, prog_name=prog_name)
    except Exception as error:  # click handles its own usage errors and exits before this point
        lines = traceback.format_exception(type(error), error, error.__traceback__)
        module = type(error).__module__
        if module == "neos_swift" or module.startswith("neos_swift."):
            module = import_name() + module[len("neos_swift") :]
            lines[-1] = f"{module}.{type(error).__qualname__}: {error}\n"
        sys.stderr.write("".join(lines))
        sys.exit(1)
