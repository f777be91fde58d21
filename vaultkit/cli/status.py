"""`vaultkit status`, `tasks` and `show`: a vault's progress, its tasks, one note; as tables or JSON."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import click

from vaultkit.cli.output import echo, show_value, table, table_width

if TYPE_CHECKING:
    from vaultkit.notes.record import NoteRecord
    from vaultkit.notes.tasks import Task

from vaultkit.cli.app import (
    EXIT_PROBLEMS,
    emit_json,
    json_default,
    json_option,
    open_vault,
    plural,
    resolve_note,
    vault_option,
)

# ------------------------------------------------------------------------------------------ status


@click.command(
    epilog="""\b
Examples:
  vaultkit status
  vaultkit status --vault ~/Notes/Career
  vaultkit status --json | jq '.plans[] | {path, progress}'
"""
)
@vault_option
@json_option
def status(vault_path: str | None, as_json: bool) -> None:
    """Task counts and progress of every note and plan.

    A note's progress is done / (done + open) tasks, in percent; cancelled tasks (`- [-]`) are left
    out. A plan (`type: plan`) adds the tasks of its milestones (`type: milestone` notes whose `plan`
    property links to it) to its own. Notes in the templates folder are not counted.

    The table lists plans, then notes that have tasks or a `type`. Exit status 1 when a note has
    errors (they are listed at the end; every other note is still counted).
    """
    from vaultkit.status import vault_status

    vault = open_vault(vault_path)
    data = vault_status(vault)
    if as_json:
        emit_json(data)
    else:
        echo(render_status(data, table_width()))
    if data["errors"]:
        sys.exit(EXIT_PROBLEMS)


def render_status(data: dict[str, Any], width: int | None = None) -> str:
    """The Plans and Notes tables. A plan appears in both: its own tasks in Notes, its own plus its
    milestones' in Plans. Where the two differ, both are labelled (`own tasks`, `with milestones`), so
    5/25 in one table and 0/11 in the other explain themselves."""
    from vaultkit.notes.progress import progress_bar

    own = {n["path"]: n["tasks"] for n in data["notes"]}
    differ = {
        p["path"]
        for p in data["plans"]
        if p["path"] in own and (own[p["path"]]["done"], own[p["path"]]["total"]) != (p["done"], p["total"])
    }
    out: list[str] = []
    rows: list[tuple[str, ...]]
    if data["plans"]:
        if differ:
            headers = ["plan", "own tasks", "with milestones", "progress", "milestones"]
            rows = [
                (
                    p["path"],
                    f"{own[p['path']]['done']}/{own[p['path']]['total']}" if p["path"] in own else "",
                    f"{p['done']}/{p['total']}",
                    progress_bar(p["progress"]),
                    f"{p['milestones_done']}/{p['milestones_total']}",
                )
                for p in data["plans"]
            ]
        else:
            headers = ["plan", "done", "progress", "milestones"]
            rows = [
                (
                    p["path"],
                    f"{p['done']}/{p['total']}",
                    progress_bar(p["progress"]),
                    f"{p['milestones_done']}/{p['milestones_total']}",
                )
                for p in data["plans"]
            ]
        out += ["Plans", table(rows, headers, width=width), ""]
    rows = [
        (
            n["path"],
            f"{n['type']} (own tasks)" if n["path"] in differ else n["type"] or "",
            f"{n['tasks']['done']}/{n['tasks']['total']}",
            progress_bar(n["progress"]),
        )
        for n in data["notes"]
        if n["tasks"]["total"] or n["type"]
    ]
    headers = ["note", "type", "done", "progress"]
    out += ["Notes", table(rows, headers, width=width) if rows else "(no notes with tasks)"]
    hidden = len(data["notes"]) - len(rows)
    if hidden:
        out.append(f"… and {plural(hidden, 'note')} without tasks or type")
    if data["errors"]:
        out += ["", "Errors"]
        out += [f"  {e['path']}:{e['line'] or ''}: {e['message']}" for e in data["errors"]]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------ tasks, show


@click.command(
    epilog="""\b
Examples:
  vaultkit tasks --open
  vaultkit tasks "Growth plan" Milestones/Speak.md --done
  vaultkit tasks --json | jq '.tasks[] | select(.dates.due)'
"""
)
@click.argument("notes", nargs=-1, metavar="[NOTE]...")
@click.option(
    "--open", "only_open", is_flag=True, help="Only open tasks (any status but done and cancelled)."
)
@click.option("--done", "only_done", is_flag=True, help="Only done tasks (`[x]`, `[X]` by default).")
@vault_option
@json_option
def tasks(
    notes: tuple[str, ...], only_open: bool, only_done: bool, vault_path: str | None, as_json: bool
) -> None:
    """List the tasks of some notes, or of all.

    Without NOTE, every note outside the templates folder. NOTE is a vault-relative path, a file path or
    a note name as in a link (`Growth plan`). Each task is shown with its line number and status
    character, indented by its nesting level, under its note and the note's progress.
    """
    if only_open and only_done:
        raise click.UsageError("--open and --done exclude each other")
    vault = open_vault(vault_path)
    if notes:
        paths = list(dict.fromkeys(resolve_note(vault, n) for n in notes))
    else:
        paths = vault.paths_outside_templates()
    wanted = (lambda task: task.open) if only_open else (lambda task: task.done) if only_done else None
    # Note by note, never the whole vault's tasks at once (10,000 notes hold half a million).
    per_note = (
        (record, [t for t in record.tasks if wanted is None or wanted(t)])
        for record in vault.iter_records(paths)
    )
    if as_json:
        from vaultkit.cli.jsonout import dumps_list

        chunks = ([{"path": r.path, **t.as_dict()} for t in found] for r, found in per_note)
        for piece in dumps_list("tasks", chunks, default=json_default):
            click.echo(piece, nl=False)  # JSON: control characters are escaped already
        click.echo()
        return
    printed = False
    for line in render_tasks(per_note):
        echo(line)
        printed = True
    if not printed:
        echo("no tasks")


def render_tasks(groups: Iterable[tuple[NoteRecord, list[Task]]]) -> Iterator[str]:
    """Tasks grouped by note, a line at a time: a header line with the note's progress, then `line  [s]
    text` rows, then a total (nothing when there are no tasks). Only each row's text is kept while the
    groups are read: line numbers are aligned to the widest, which is known at the end."""
    from vaultkit.notes.progress import progress_bar

    shown: list[tuple[str, list[tuple[int, str]]]] = []
    for record, found in groups:
        if found:
            counts = record.counts
            header = f"{record.path}  {counts.done}/{counts.total} done  {progress_bar(counts.progress)}"
            shown.append((header, [(t.line, f"{'  ' * t.level}[{t.status}] {t.text}") for t in found]))
    if not shown:
        return
    width = max(len(str(line)) for _, rows in shown for line, _ in rows)
    for header, rows in shown:
        yield header
        yield from (f"  {str(line).rjust(width)}  {row}" for line, row in rows)
    total = sum(len(rows) for _, rows in shown)
    yield f"{plural(total, 'task')} in {plural(len(shown), 'note')}"




@click.command(
    epilog="""\b
Examples:
  vaultkit show "Growth plan"
  vaultkit show Plans/Growth.md --json
"""
)
@click.argument("note", metavar="NOTE")
@vault_option
@json_option
def show(note: str, vault_path: str | None, as_json: bool) -> None:
    """Properties, tasks, headings, links and problems of one note.

    NOTE is a vault-relative path, a file path or a note name as in a link. Each link is shown with
    the note it resolves to (Obsidian's rules). Exit status 1 when the note has errors.
    """
    vault = open_vault(vault_path)
    path = resolve_note(vault, note)
    record = vault.records[path]
    data = {
        "path": path,
        "type": record.type,
        "title": record.title,
        "properties": record.properties,
        "tasks": record.counts.as_dict(),
        "progress": record.counts.progress,
        "headings": [h.as_dict() for h in record.headings],
        "links": [
            {**link.as_dict(), "raw": link.raw, "resolved": vault.resolve_path(link.target, path)}
            for link in record.links
        ],
        "tags": list(record.tags),
        "errors": [p.as_dict() for p in record.errors],
        "warnings": [p.as_dict() for p in record.warnings],
    }
    plan = vault.plans.get(path) if record.type == "plan" else None
    if plan is not None:  # extends the JSON: the plan's tasks with its milestones', as rollup counts them
        data["with_milestones"] = {**plan.counts.as_dict(), "progress": plan.counts.progress}
    if as_json:
        emit_json(data)
    else:
        echo(render_show(data))
    if record.errors:
        sys.exit(EXIT_PROBLEMS)


def render_show(data: dict[str, Any]) -> str:
    from vaultkit.notes.progress import progress_bar

    out = [f"{data['path']}  (type: {data['type'] or '-'})"]
    if data["properties"]:
        out += ["", "Properties"]
        width = max(len(str(key)) for key in data["properties"])
        out += [f"  {str(k).ljust(width)}  {show_value(v)}".rstrip() for k, v in data["properties"].items()]
    tasks = data["tasks"]
    summary = f"{tasks['done']}/{tasks['total']} done, {tasks['open']} open, {tasks['cancelled']} cancelled"
    out += ["", f"Tasks  {summary}  {progress_bar(data['progress'])}"]
    both = data.get("with_milestones")
    if both is not None and (both["done"], both["total"]) != (tasks["done"], tasks["total"]):
        out[-1] = f"Tasks  own tasks {summary}  {progress_bar(data['progress'])}"
        out.append(
            f"       with milestones {both['done']}/{both['total']} done  {progress_bar(both['progress'])}"
            "  (what rollup writes to progress)"
        )
    if data["headings"]:
        out += ["", "Headings"]
        out += [f"  {'  ' * (h['level'] - 1)}{h['text']}" for h in data["headings"]]
    if data["links"]:
        out += ["", "Links"]
        for link in data["links"]:
            where = f"line {link['line']}"
            if link["source"].startswith("property:"):
                where += f" ({link['source'].removeprefix('property:')})"
            out.append(f"  {where}: {link['raw'] or link['target']} → {link['resolved'] or '(no such note)'}")
    if data["tags"]:
        out += ["", "Tags  " + " ".join("#" + t for t in data["tags"])]
    problems = [*data["errors"], *data["warnings"]]
    if problems:
        out += ["", "Problems"]
        out += [f"  line {p['line'] or '-'}: {p['severity']}: {p['message']}" for p in problems]
    return "\n".join(out)
