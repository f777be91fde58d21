"""`vaultkit check`: every finding about a vault, with its path and line."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from vaultkit.cli.output import echo

if TYPE_CHECKING:
    pass

from vaultkit.cli.app import EXIT_PROBLEMS, emit_json, json_option, open_vault, plural, vault_option

# ------------------------------------------------------------------------------------------ check


@click.command(
    epilog="""\b
Severities and codes:
  error    invalid         properties that do not load (file:line of the YAML error)
  error    encoding, io    a file that is not UTF-8 or cannot be read
  error    placeholder     {{date}}, {{title}}, <% ... %> left outside the templates folder
  error    plan            a `plan` property that does not link to a `type: plan` note
  error    mojibake        garbled characters such as â€™ Ã© â†’ ‚Äì üîπ
  error    too-deep        lines nested 50 lists deep or more (their tasks go uncounted)
  warning  broken-link     a link to no file (a note not written yet)
  warning  broken-heading  a link to a heading the note does not have
  warning  ambiguous-link  a bare name that several notes share
  warning  name-collision  two paths that differ only in case or accents (one file on macOS)
  warning  stale-rollup    a rollup-owned property (progress, ...) edited by hand; rollup replaces it
  warning  property-type   a value that does not fit its type in .obsidian/types.json

\b
Examples:
  vaultkit check
  vaultkit check --strict          # fail on warnings too (for CI)
  vaultkit check --json | jq '.problems[] | select(.severity == "error")'
"""
)
@vault_option
@json_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (broken and ambiguous links).")
def check(vault_path: str | None, as_json: bool, strict: bool) -> None:
    """Find problems: broken YAML, placeholders, bad links, mojibake.

    Reports properties that do not load (with file:line), leftover template placeholders outside the
    templates folder, broken or ambiguous links, `plan` properties that do not point at a plan, and
    mojibake (UTF-8 read as cp1252 or Mac Roman). Each problem is one line, `path:line: severity:
    message [code]`, sorted by path and line; then a count. Notes in the templates folder are only
    checked for properties that do not load. Exit status 1 when any error exists (or any warning, with
    --strict).
    """
    from vaultkit.check.findings import check_vault

    vault = open_vault(vault_path)
    findings = check_vault(vault)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if as_json:
        emit_json({"problems": [f.as_dict() for f in findings], "errors": errors, "warnings": warnings})
    else:
        for finding in findings:
            echo(str(finding), style="error" if finding.severity == "error" else "warning")
        counted = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}" if findings else "no problems"
        echo(f"{plural(len(vault.records), 'note')} checked: {counted}")
    if errors or (strict and warnings):
        sys.exit(EXIT_PROBLEMS)
