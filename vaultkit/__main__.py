"""`python -m vaultkit` runs the CLI."""

from .cli import main

main()
