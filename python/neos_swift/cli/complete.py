"""``completions SHELL``: the shell completion script, written by click_completion (the ``shellcomplete`` extra)."""

from __future__ import annotations

import click

try:
    import click_completion

    click_completion.init()

    # A plain click.Choice of click_completion's shells: its own DocumentedChoice predates click 8.2's get_metavar.
    @click.command(name="completions", help="Print the completion script for a shell.")
    @click.argument("shell", required=False, type=click.Choice(sorted(click_completion.core.shells)))
    def cli(shell: str | None) -> None:
        """Print the shell completion code for SHELL (the current shell when omitted)."""
        click.echo(click_completion.core.get_code(shell, prog_name="pyhf"))

except ImportError:

    @click.command(name="completions", help="Print the completion script for a shell.")
    @click.argument("shell", default=None)
    def cli(shell: str | None) -> None:
        """Without click_completion there is no script to print: say how to get it."""
        # The middle line is pyhf's wording, which pyhf's tests look for.
        click.secho(
            "Completion scripts are written by click_completion, which is not installed.\n"
            "You can install it with the shellcomplete extra:\n"
            "python -m pip install 'neos-swift[shellcomplete]'"
        )
