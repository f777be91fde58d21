"""`vaultkit review week|month|quarter`: the review note of a period, pre-filled with what moved."""

from __future__ import annotations

from typing import Any

import click

from vaultkit.cli.app import emit_json, json_option, open_vault, plural, vault_option
from vaultkit.cli.output import echo, echo_diff

__all__ = ["review"]


@click.command(
    epilog="""\b
Examples:
  vaultkit review week                     # this week's review: Journal/Weekly/2026-W49.md
  vaultkit review month --date 2026-11-30  # November's check-in: Journal/Monthly/2026-11.md
  vaultkit review quarter --dry-run        # show what would be written
  vaultkit review week --json
"""
)
@click.argument("period", type=click.Choice(["week", "month", "quarter"]))
@click.option(
    "--date",
    "date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="A day in the period to review (default: today). Weeks follow [new] week (ISO: Monday to Sunday).",
)
@click.option("--dry-run", is_flag=True, help="Print a unified diff of what would change; write nothing.")
@vault_option
@json_option
def review(period: str, date: Any, dry_run: bool, vault_path: str | None, as_json: bool) -> None:
    """Create or refresh the review note of the week, month or quarter holding --date.

    A new note starts from the vault's template for the cadence (Weekly review, Monthly check-in,
    Quarterly review; see docs/history.md). Its managed block lists what moved in the period: tasks done
    (by their ✅ date, and tasks the history saw done without one), each plan's progress from the start
    to the end of the period, milestones completed, milestones due in the next period, and open tasks
    due by the period's end. Run it again at any time: only the block is rewritten, and only when it
    changed; the reflection sections are yours. Plan progress comes from the history, which every
    rollup records: roll up first for today's counts.
    """
    from vaultkit.review.write import write_review

    vault = open_vault(vault_path)
    result = write_review(vault, period, date.date() if date is not None else None, dry_run=dry_run)
    for warning in result.warnings:
        echo(f"vaultkit: {warning}", err=True, style="warning")
    if as_json:
        emit_json(result.as_dict())
        return
    if dry_run and result.diff:
        echo_diff(result.diff)
    moved = result.moved
    span = f"{moved.period.start.isoformat()} – {moved.period.end.isoformat()}"
    done = sum(task.tasks for task in moved.completed)
    what = f"{plural(done, 'task')} done, {plural(len(moved.plans), 'plan')} moved"
    if not result.diff:
        verb = "up to date"
    elif dry_run:
        verb = "would create" if result.created else "would refresh"
    else:
        verb = "created" if result.created else "refreshed"
    echo(f"{verb}: {result.path} ({period} {span}): {what}")
