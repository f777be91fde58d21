"""`vaultkit rollup`: progress into properties and dashboards, or (`--dry-run`) the diff it would write."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from vaultkit.cli.output import echo, echo_diff

if TYPE_CHECKING:
    pass

from vaultkit.cli.app import EXIT_PROBLEMS, emit_json, json_option, open_vault, vault_option

# ---- rollup ----


@click.command(
    epilog="""\b
Examples:
  vaultkit rollup              # update properties and dashboards
  vaultkit rollup --dry-run    # show the diff, write nothing
  vaultkit rollup --json
"""
)
@click.option("--dry-run", is_flag=True, help="Print a unified diff of what would change; write nothing.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    hidden=True,
    help="The date status automation writes to `completed` (default: today). For tests and demos.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also say how many templates were left alone.")
@vault_option
@json_option
def rollup(dry_run: bool, today: Any, verbose: bool, vault_path: str | None, as_json: bool) -> None:
    """Write task progress into properties and refresh dashboard blocks.

    Notes whose `type` is plan, milestone or journal get tasks_done, tasks_total and progress (plans also
    milestones_done and milestones_total); only properties whose value changed are written. A milestone
    whose tasks are all done becomes `status: done` with `completed: <today>`; reopened, it goes back to
    in-progress. Managed blocks in any note (plans, milestones, open-tasks, journal; see docs/rollup.md)
    are re-rendered; nothing else in a note changes. Notes without a type, in the templates folder, or
    with broken properties are never written. Settings: [rollup] in .vaultkit/config.toml.

    A note that cannot be written (a read-only note, properties written as one `{...}` mapping, a disk
    error) is skipped and reported with why; the other notes are still rolled up. Exit status 1 when a
    note was skipped for a problem (broken properties, a broken block, a note that cannot be written, a
    note that kept changing while rollup ran), 0 otherwise, also when nothing needed to change.
    """
    from vaultkit.rollup.apply import rollup_vault

    vault = open_vault(vault_path)
    report = rollup_vault(vault, dry_run=dry_run, today=today.date() if today is not None else None)
    if as_json:
        emit_json(report.as_dict())
    else:
        if report.diff:
            echo_diff(report.diff)
        echo(report.render(templates=verbose))
    if report.problems:
        sys.exit(EXIT_PROBLEMS)
