"""`vaultkit import` and `fix`: bringing documents in, and mending notes already in the vault."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vaultkit.cli.output import echo, echo_diff

if TYPE_CHECKING:
    pass

from vaultkit.cli.app import (
    EXIT_PROBLEMS,
    CliUsageError,
    emit_json,
    json_option,
    open_vault,
    plural,
    resolve_note,
    vault_option,
)

# ---- import, fix ----


@click.command(
    name="import",
    epilog="""\b
Examples:
  vaultkit import ~/Documents/pdp.md                  # a plan in Plans/
  vaultkit import ladder.md --split-level 3 --dry-run  # see the notes and repairs first
  vaultkit import ladder.md --tasks                    # its criteria become a checklist
  vaultkit import *.md --into Imported --json
""",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@click.option(
    "--type",
    "kind",
    type=click.Choice(["plan", "ladder", "journal"]),
    help="What the documents are (default: inferred). A ladder is a plan tagged career-ladder.",
)
@click.option(
    "--into",
    metavar="FOLDER",
    help="Vault folder for every new note (default: Plans/, Milestones/ or the journal folder, as "
    "`vaultkit new` uses them). Created if needed; must be inside the vault.",
)
@click.option(
    "--split-level",
    type=click.IntRange(1, 6),
    metavar="N",
    help="Make each heading of level N (and what follows it) a milestone note linked to the plan, where "
    "it looks like one: it holds tasks, or its heading names a goal or a period (Phase 1, 3-Month Goals).",
)
@click.option(
    "--tasks",
    is_flag=True,
    help="Make the list items of goal and criteria sections (Goals, Success criteria, Expectations, "
    "Milestones, ...) tasks, so that progress counts them.",
)
@click.option("--dry-run", is_flag=True, help="Show the notes and repairs; write nothing.")
@vault_option
@json_option
def import_(
    files: tuple[Path, ...],
    kind: str | None,
    into: str | None,
    split_level: int | None,
    tasks: bool,
    dry_run: bool,
    vault_path: str | None,
    as_json: bool,
) -> None:
    """Bring existing PDP documents (Markdown or text) into the vault as notes.

    Repairs on the way, each reported with its line: mojibake (UTF-8 read as cp1252 or Mac Roman),
    unrendered template placeholders ({{date}} becomes the file's date), metadata kept only as YAML
    comments (`# role: Data Engineer`) made properties, an empty title filled in. Sets type, title, tags,
    status (planned) and created (the date the document states, else the file's date); every line of the
    document is kept. Links to headings that --split-level moved, and to other documents of the same run,
    become wikilinks to their new notes. Never overwrites a note: a document whose notes exist
    already is not imported (the others are). Exit status 1 when a document could not be imported.
    """
    from vaultkit.importing.apply import import_files

    if split_level is not None and kind == "journal":
        raise CliUsageError("--split-level splits a plan into milestones; journals are not split")
    vault = open_vault(vault_path)
    results = import_files(
        vault, files, kind=kind, into=into, split_level=split_level, tasks=tasks, dry_run=dry_run
    )
    if as_json:
        emit_json({"imported": [r.as_dict() for r in results], "dry_run": dry_run})
    else:
        for result in results:
            if result.error:
                echo(f"vaultkit: {result.error}", err=True, style="error")
                continue
            for note in result.notes:
                echo(f"{'would create' if dry_run else 'created'} {note.path}  ({note.type})")
            name = Path(result.source).name
            for repair in result.repairs:
                where = f"{name}:{repair.line}" if repair.line else name
                echo(f"  {where}: {repair.kind}: {repair.message}")
        made = sum(len(r.notes) for r in results if not r.error)
        done = sum(not r.error for r in results)
        summary = f"{plural(made, 'note')} from {plural(done, 'document')}"
        echo(f"{summary}; dry run, nothing written" if dry_run else f"{summary} written")
    if any(r.error for r in results):
        sys.exit(EXIT_PROBLEMS)


@click.command(
    epilog="""\b
Examples:
  vaultkit fix --dry-run                  # show what would change in every note
  vaultkit fix "Plans/My plan.md" --encoding
  vaultkit fix --placeholders --json
"""
)
@click.argument("notes", nargs=-1, metavar="[NOTE]...")
@click.option("--encoding", is_flag=True, help="Repair mojibake (UTF-8 read as cp1252 or Mac Roman).")
@click.option("--placeholders", is_flag=True, help="Fill in unrendered {{date}}, {{time}}, {{title}}.")
@click.option("--dry-run", is_flag=True, help="Show the diff; write nothing.")
@vault_option
@json_option
def fix(
    notes: tuple[str, ...],
    encoding: bool,
    placeholders: bool,
    dry_run: bool,
    vault_path: str | None,
    as_json: bool,
) -> None:
    """Repair notes already in the vault; each change is shown as a unified diff first.

    NOTEs default to every note outside the templates folder; both repairs run when neither flag is
    given. Property values are changed through the note's properties (only their lines), other lines in
    place; a note whose properties do not load is left alone unless a placeholder line is what breaks
    them. Exit status 1 when something was left for you to fix (it is listed).
    """
    from vaultkit.importing.apply import fix_notes

    both = not encoding and not placeholders
    vault = open_vault(vault_path)
    paths = [resolve_note(vault, n) for n in notes] if notes else None
    results = fix_notes(
        vault, paths, encoding=encoding or both, placeholders=placeholders or both, dry_run=dry_run
    )
    changed = [r for r in results if r.diff]
    if as_json:
        emit_json(
            {
                "notes": [r.as_dict() for r in results],
                "changed": len(changed),
                "written": sum(r.written for r in results),
                "dry_run": dry_run,
            }
        )
    else:
        for result in changed:
            echo_diff(result.diff)
        for result in results:
            for repair in result.left_alone:
                echo(f"{result.path}:{repair.line or ''}: left alone: {repair.message}")
            if result.error:
                echo(f"vaultkit: {result.error}", err=True, style="error")
        count = plural(len(changed), "note")
        echo(f"{count} to repair; dry run, nothing written" if dry_run else f"{count} repaired")
    if any(r.error or r.left_alone for r in results):
        sys.exit(EXIT_PROBLEMS)
