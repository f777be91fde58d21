"""`vaultkit history show` and `backfill`: the progress history as a table, JSON or CSV; rebuilt from git."""

from __future__ import annotations

import click

from vaultkit.cli.app import emit_json, json_option, open_vault, resolve_note, vault_option
from vaultkit.cli.output import echo, table, table_width

__all__ = ["history"]


@click.group(name="history")
def history() -> None:
    """Progress over time: what every rollup recorded in .vaultkit/history.jsonl.

    Each rollup (`vaultkit rollup`, the watcher) records the done/total of every plan and milestone
    whose counts changed that day. See docs/history.md.
    """


@history.command(
    epilog="""\b
Examples:
  vaultkit history show
  vaultkit history show "Senior PDP"
  vaultkit history show --csv > progress.csv
  vaultkit history show --json | jq '.points[] | select(.type == "plan")'
"""
)
@click.argument("note", required=False, metavar="[NOTE]")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header row instead of a table.")
@vault_option
@json_option
def show(note: str | None, as_csv: bool, vault_path: str | None, as_json: bool) -> None:
    """Recorded progress of every plan and milestone, or of one note.

    A row per note and day: done/total and percent. NOTE is a vault-relative path, a file path or a
    note name as in a link; the path of a note that has since been moved or deleted works too. A day's
    value is the last one recorded that day. Damaged lines of the history are skipped and listed (on
    stderr, or under `problems` with --json).
    """
    from vaultkit.history.store import HISTORY_PATH, load_history
    from vaultkit.history.store import as_csv as to_csv
    from vaultkit.history.store import as_json as to_json

    if as_csv and as_json:
        raise click.UsageError("--json and --csv exclude each other")
    vault = open_vault(vault_path)
    found = load_history(vault.root)
    if note is None:
        points = list(found.all_series())
    else:
        known = set(found.paths())
        path = next((p for p in (note, note + ".md") if p in known), None) or resolve_note(vault, note)
        points = found.series(path)
    if as_json:
        emit_json(to_json(points, found.problems))
        return
    for line, reason in found.problems:
        echo(f"vaultkit: {HISTORY_PATH.as_posix()}:{line}: {reason}", err=True, style="warning")
    if as_csv:
        click.echo(to_csv(points), nl=False)  # CSV: quoted by the csv module, for programs to read
    elif not points:
        echo("no history yet: a rollup records it (`vaultkit history backfill` rebuilds it from git)")
    else:
        rows = [
            (p.day.isoformat(), p.path, f"{p.done}/{p.total}", "" if p.progress is None else f"{p.progress}%")
            for p in points
        ]
        echo(table(rows, ["day", "note", "done", "progress"], flexible=(1,), width=table_width()))


@history.command(
    epilog="""\b
Examples:
  vaultkit history backfill
  vaultkit history backfill --json
"""
)
@vault_option
@json_option
def backfill(vault_path: str | None, as_json: bool) -> None:
    """Rebuild the history from the vault's git commits.

    When the vault (or a folder above it) is a git repository, the done/total of every plan and
    milestone is counted, as rollup counts it, at the last commit of each day (the committer's date),
    read from git without touching the working tree. Those days replace what the history held for them;
    points recorded on other days are kept. A note git saw renamed keeps its series under its new path.
    Exit status 2 when git is not installed or the vault is not in a repository.
    """
    from vaultkit.rollup.history import backfill as rebuild

    vault = open_vault(vault_path)
    report = rebuild(vault)
    if as_json:
        emit_json(report.as_dict())
    else:
        echo(report.render())
