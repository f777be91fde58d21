"""The `vaultkit` command. Each command resolves the vault, calls the library, and prints.

This is the only module that imports click. Library modules are imported inside commands so that
`vaultkit --help` starts fast. Exit status: 0 fine, 1 problems found, 2 usage error. Errors go to
stderr as one readable line, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from .vault import Vault

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


# ------------------------------------------------------------------------------------------ plumbing


def _vault_root(value: str | None) -> Path:
    from .vault import find_vault_root

    if value:
        return Path(value)
    env = os.environ.get("VAULTKIT_VAULT")
    if env:
        return Path(env)
    return find_vault_root(Path.cwd())


def vault_option(func: F) -> F:
    return click.option(
        "--vault",
        "vault_path",
        metavar="PATH",
        help="The vault folder. Default: $VAULTKIT_VAULT, else the nearest parent folder holding "
        ".obsidian/, else the current folder.",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(func)


def open_vault(vault_path: str | None) -> Vault:
    from .errors import VaultError
    from .vault import Vault

    try:
        return Vault(_vault_root(vault_path))
    except VaultError as exc:
        raise click.UsageError(str(exc)) from exc


def emit_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def fail(message: str, code: int = EXIT_PROBLEMS) -> None:
    click.echo(f"vaultkit: {message}", err=True)
    sys.exit(code)


def table(rows: Iterable[Iterable[object]], headers: list[str]) -> str:
    """A plain aligned text table."""
    body = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in body:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=False)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in body]
    return "\n".join(lines)


def resolve_note(vault: Vault, name: str) -> str:
    path = vault.find_note(name)
    if path is None:
        raise click.BadParameter(f"no note {name!r} in {vault.root}", param_hint="NOTE")
    return path


class VaultkitGroup(click.Group):
    """Turns vaultkit's own errors into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import UnsafePathError, VaultError, VaultkitError

        try:
            return super().invoke(ctx)
        except (VaultError, UnsafePathError) as exc:
            click.echo(f"vaultkit: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except VaultkitError as exc:
            click.echo(f"vaultkit: {exc}", err=True)
            ctx.exit(EXIT_PROBLEMS)


@click.group(
    cls=VaultkitGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(package_name="vaultkit")
def main() -> None:
    """Personal development plans as Markdown notes in an Obsidian vault.

    vaultkit reads and writes notes losslessly, counts their tasks, rolls progress up into properties
    and dashboards, and checks a vault for problems. Run `vaultkit COMMAND --help` for details.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


# ------------------------------------------------------------------------------------------ status


@main.command()
@vault_option
@json_option
def status(vault_path: str | None, as_json: bool) -> None:
    """Task counts and progress of every note and plan.

    Exit status 1 when a note has errors (they are listed; every other note is still counted).
    """
    from .status import vault_status

    vault = open_vault(vault_path)
    data = vault_status(vault)
    if as_json:
        emit_json(data)
    else:
        click.echo(render_status(data))
    if data["errors"]:
        sys.exit(EXIT_PROBLEMS)


def render_status(data: dict[str, Any]) -> str:
    from .progress import progress_bar

    out: list[str] = []
    if data["plans"]:
        rows = [
            (
                p["path"],
                f"{p['done']}/{p['total']}",
                progress_bar(p["progress"]),
                f"{p['milestones_done']}/{p['milestones_total']}",
            )
            for p in data["plans"]
        ]
        out += ["Plans", table(rows, ["plan", "done", "progress", "milestones"]), ""]
    rows = [
        (
            n["path"],
            n["type"] or "",
            f"{n['tasks']['done']}/{n['tasks']['total']}",
            progress_bar(n["progress"]),
        )
        for n in data["notes"]
        if n["tasks"]["total"] or n["type"]
    ]
    out += ["Notes", table(rows, ["note", "type", "done", "progress"]) if rows else "(no notes with tasks)"]
    hidden = len(data["notes"]) - len(rows)
    if hidden:
        out.append(f"… and {hidden} notes without tasks or type")
    if data["errors"]:
        out += ["", "Errors"]
        out += [f"  {e['path']}:{e['line'] or ''}: {e['message']}" for e in data["errors"]]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------ tasks, show


@main.command()
@click.argument("notes", nargs=-1, metavar="[NOTE]...")
@click.option("--open", "only_open", is_flag=True, help="Only open tasks.")
@click.option("--done", "only_done", is_flag=True, help="Only done tasks.")
@vault_option
@json_option
def tasks(
    notes: tuple[str, ...], only_open: bool, only_done: bool, vault_path: str | None, as_json: bool
) -> None:
    """List tasks of the given notes (default: every note outside the templates folder)."""
    if only_open and only_done:
        raise click.UsageError("--open and --done exclude each other")
    vault = open_vault(vault_path)
    paths = [resolve_note(vault, n) for n in notes] if notes else [r.path for r in vault.notes()]
    found = []
    for path in paths:
        for task in vault.records[path].tasks:
            if (only_open and not task.open) or (only_done and not task.done):
                continue
            found.append({"path": path, **task.as_dict()})
    if as_json:
        emit_json({"tasks": found})
        return
    for item in found:
        click.echo(f"{item['path']}:{item['line']}: - [{item['status']}] {item['text']}")
    if not found:
        click.echo("no tasks")


@main.command()
@click.argument("note", metavar="NOTE")
@vault_option
@json_option
def show(note: str, vault_path: str | None, as_json: bool) -> None:
    """Properties, task counts, headings, links and problems of one note.

    NOTE is a vault-relative path, a file path or a note name as in a link.
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
            {**link.as_dict(), "resolved": vault.resolve_path(link.target, path)} for link in record.links
        ],
        "tags": list(record.tags),
        "errors": [p.as_dict() for p in record.errors],
        "warnings": [p.as_dict() for p in record.warnings],
    }
    if as_json:
        emit_json(data)
        return
    from .progress import progress_bar

    click.echo(f"{path}  ({record.type or 'no type'})")
    for key, value in record.properties.items():
        click.echo(f"  {key}: {_json_default(value) if hasattr(value, 'isoformat') else value}")
    counts = record.counts
    click.echo(
        f"tasks: {counts.done}/{counts.total} done, {counts.cancelled} cancelled  "
        f"{progress_bar(counts.progress)}"
    )
    if record.headings:
        click.echo(
            "headings: "
            + ", ".join(h.text for h in record.headings[:12])
            + (" …" if len(record.headings) > 12 else "")
        )
    if record.tags:
        click.echo("tags: " + ", ".join("#" + t for t in record.tags))
    for problem in (*record.errors, *record.warnings):
        click.echo(f"{problem.severity}: line {problem.line or '-'}: {problem.message}", err=True)


# ------------------------------------------------------------------------------------------ set, unset


@main.command(name="set")
@click.argument("note", metavar="NOTE")
@click.argument("key", metavar="KEY")
@click.argument("value", metavar="VALUE")
@vault_option
def set_(note: str, key: str, value: str, vault_path: str | None) -> None:
    """Set property KEY of NOTE to VALUE, changing only that property's lines.

    VALUE is read as a YAML scalar or flow list: `42`, `true`, `2026-12-01`, `"[[My Plan]]"`,
    `[a, b]`. Text that YAML would read differently than typed (`1.10`, `NO`) is kept as typed.
    """
    from .cli_values import parse_cli_value

    vault = open_vault(vault_path)
    path = resolve_note(vault, note)
    parsed = parse_cli_value(value)
    target = vault.load(path)
    target.set_property(key, parsed)
    wrote = target.save()
    click.echo(f"{path}: {key} set" if wrote else f"{path}: {key} already had that value; nothing written")


@main.command()
@click.argument("note", metavar="NOTE")
@click.argument("key", metavar="KEY")
@vault_option
def unset(note: str, key: str, vault_path: str | None) -> None:
    """Remove property KEY from NOTE (only its lines). A missing key is not an error."""
    vault = open_vault(vault_path)
    path = resolve_note(vault, note)
    target = vault.load(path)
    target.delete_property(key)
    wrote = target.save()
    click.echo(f"{path}: {key} removed" if wrote else f"{path}: no property {key}; nothing written")


# ------------------------------------------------------------------------------------------ check


@main.command()
@vault_option
@json_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (broken and ambiguous links).")
def check(vault_path: str | None, as_json: bool, strict: bool) -> None:
    """Report problems: broken YAML (file:line), leftover template placeholders, broken or ambiguous
    links, `plan` properties that are not plans, and mojibake.

    Exit status 1 when any error exists (or any warning, with --strict).
    """
    from .check import check_vault

    vault = open_vault(vault_path)
    findings = check_vault(vault)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if as_json:
        emit_json({"problems": [f.as_dict() for f in findings], "errors": errors, "warnings": warnings})
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"{len(vault.records)} notes checked: {errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        sys.exit(EXIT_PROBLEMS)
