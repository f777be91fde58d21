"""The command line: click commands over the library, value parsing, JSON output. Only this package
imports click."""

from vaultkit.cli.commands import main
from vaultkit.cli.service import service

main.add_command(service)

__all__ = ["main"]
