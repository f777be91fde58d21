"""`python -m vaultkit` runs the CLI."""

from vaultkit.cli.commands import main

main()
