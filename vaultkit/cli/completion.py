"""`vaultkit completion`: the shell completion script for bash, zsh or fish."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    pass

from vaultkit.cli.app import CliUsageError, main

# ---- completion ----


@click.command(
    epilog="""\b
Install (once; open a new shell afterwards):
  bash   vaultkit completion bash > ~/.local/share/bash-completion/completions/vaultkit
  zsh    vaultkit completion zsh > "${fpath[1]}/_vaultkit"
         (or add `eval "$(vaultkit completion zsh)"` to ~/.zshrc)
  fish   vaultkit completion fish > ~/.config/fish/completions/vaultkit.fish
"""
)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (commands, options, choices).

    The script calls vaultkit back with `_VAULTKIT_COMPLETE` set (click's shell completion), so it stays
    right as vaultkit changes: install it once.
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - the Choice above lists only shells click supports
        raise CliUsageError(f"no completion for {shell}")
    click.echo(cls(main, {}, "vaultkit", "_VAULTKIT_COMPLETE").source())
