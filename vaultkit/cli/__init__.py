"""The command line: click commands over the library, value parsing, JSON output. Only this package
imports click."""

from vaultkit.cli import watch  # noqa: F401  (registers `vaultkit watch` on main)
from vaultkit.cli.commands import main

__all__ = ["main"]
