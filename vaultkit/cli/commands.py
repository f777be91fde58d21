"""The `vaultkit` command. Each command resolves the vault, calls the library, and prints.

This is the only module that imports click. Library modules are imported inside commands so that
`vaultkit --help` starts fast. Exit status: 0 fine, 1 problems found, 2 usage error, 128 + the signal's
number when SIGTERM or SIGHUP stopped the run (143, 129). Errors go to stderr as one readable line, never
a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from vaultkit.cli.output import echo, echo_diff, index_progress, set_no_color, table, table_width
from vaultkit.scaffold.presets import LEVELS  # data only: cheap to import for --help

if TYPE_CHECKING:
    from vaultkit.notes.note import Note
    from vaultkit.notes.record import NoteRecord
    from vaultkit.notes.tasks import Task
    from vaultkit.vault import Vault

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


# ------------------------------------------------------------------------------------------ plumbing


def _vault_root(value: str | None) -> Path:
    """The vault folder: `--vault`, else `$VAULTKIT_VAULT`, else the nearest folder holding `.obsidian/`.

    Nothing else is guessed: with none of the three, the command stops before reading a note (a usage
    error), so a command run in the wrong folder neither indexes nor edits files that are not a vault's.
    A named folder that is not one says which of the two named it.
    """
    from vaultkit.vault import find_vault_root

    for path, source in ((value, "--vault"), (os.environ.get("VAULTKIT_VAULT"), "$VAULTKIT_VAULT")):
        if path:
            if not Path(path).is_dir():
                raise CliUsageError(f"{path}: not a folder (from {source})")
            return Path(path)
    found = find_vault_root(Path.cwd())
    if found is None:
        raise CliUsageError(
            f"no vault: no .obsidian/ folder in {Path.cwd()} or above it; pass --vault PATH, "
            "set VAULTKIT_VAULT, or make a vault with 'vaultkit init DIR'"
        )
    return found


def vault_option(func: F) -> F:
    """The `--vault PATH` option every command takes."""
    return click.option(
        "--vault",
        "vault_path",
        metavar="PATH",
        help="The vault folder. Default: $VAULTKIT_VAULT, else the nearest parent folder holding "
        ".obsidian/ (none: the command stops).",
    )(func)


def json_option(func: F) -> F:
    """The `--json` option of data commands."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON (UTF-8, indented) instead of a table."
    )(func)


class CliUsageError(click.UsageError):
    """A usage error that explains itself: printed as one line, without the `--help` hint."""


def open_vault(vault_path: str | None) -> Vault:
    """The vault to work on (see `vault_option`); a missing folder or a bad config is a usage error."""
    from vaultkit.errors import VaultError
    from vaultkit.vault import Vault

    try:
        return Vault(_vault_root(vault_path))
    except VaultError as exc:
        raise CliUsageError(str(exc)) from exc


def emit_json(data: object) -> None:
    from vaultkit.cli.jsonout import (
        dumps,  # json.dumps(indent=2) output, several times faster on big documents
    )

    click.echo(dumps(data, default=_json_default))  # JSON: control characters are escaped already


def _json_default(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def fail(message: str, code: int = EXIT_PROBLEMS) -> NoReturn:
    """Print one line on stderr and exit with `code`."""
    echo(f"vaultkit: {message}", err=True, style="error")
    sys.exit(code)


def plural(count: int, word: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _did_you_mean(vault: Vault, name: str) -> str:
    """`; did you mean 'Kubernetes'?` (up to three names), as click says for a misspelled command: the
    closest note names, or vault-relative paths when `name` was typed as a path. Only the walk's paths
    are compared (no note is read)."""
    import difflib

    paths = vault.paths_outside_templates()
    as_path = "/" in name or name.lower().endswith(".md")
    by_name: dict[str, str] = {}
    for path in paths:
        by_name.setdefault(path if as_path else PurePosixPath(path).stem, path)
    close = difflib.get_close_matches(name, list(by_name), n=3, cutoff=0.6)
    if not close and not as_path:  # a different case is also a near miss: `kubernetes`
        folded = {key.casefold(): key for key in by_name}
        close = [folded[m] for m in difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.6)]
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(m) for m in close) + "?"


def resolve_note(vault: Vault, name: str) -> str:
    """The vault-relative path of the note named on the command line, or a one-line usage error.

    A name that several notes share is refused (`Vault.find_note`: a command should not guess which note
    to edit).
    """
    path = vault.find_note(name)
    is_file = Path(name).is_file()
    if path is None and is_file:
        raise CliUsageError(f"{name} is not inside the vault {vault.root} (pass --vault PATH)")
    if path is None:
        raise CliUsageError(
            f"no note {name!r} in the vault {vault.root} "
            f"(give a vault-relative path, a file path or a note name){_did_you_mean(vault, name)}"
        )
    if path not in vault.records:
        raise CliUsageError(f"{path} is not a note (notes are .md files outside dot-folders)")
    return path


class Stopped(SystemExit):
    """A run ended by SIGTERM or SIGHUP: raised in the main thread by `_stop`, so the run unwinds as it does
    for Ctrl-C (the index's worker pool is shut down, a transaction rolled back, no half-written note)."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def _stop_on_signals() -> None:
    """Make SIGTERM and SIGHUP (a closed terminal, a service manager, `kill`) end a run cleanly, where their
    default would kill the process at once and leave its pool workers behind."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread can install handlers (the CLI run from a test's thread)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)


def _usage_line(exc: click.UsageError) -> str:
    message = exc.format_message().rstrip(".")
    if isinstance(exc, CliUsageError) or exc.ctx is None:
        return f"vaultkit: {message}"
    return f"vaultkit: {message} (see '{exc.ctx.command_path} --help')"


def _stdout_gone() -> bool:
    """Whether the BrokenPipeError was stdout's reader going away, not another pipe (a worker's) failing:
    on a pipe whose reader closed, poll reports an error for the writing end."""
    import select

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return True  # not a real file (a test's capture): the error can only have come from writing to it
    if not hasattr(select, "poll"):
        return True  # pragma: no cover - Windows: no poll; a closed stdout is the likely cause
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def _pipe_closed() -> None:
    """The reader of stdout went away (`vaultkit tasks | head -1`): not an error, the output is simply no
    longer wanted. What is still buffered, and whatever the interpreter flushes at exit, goes to devnull
    instead of raising BrokenPipeError again (which Python would print on stderr)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test's captured output): nothing will be flushed to a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class VaultkitGroup(click.Group):
    """Turns every error into one line on stderr: exit 2 for usage errors, 1 for failed operations.

    Usage errors (bad options, unknown notes, a missing vault, an invalid config) exit 2; vaultkit's
    own errors while working (a note with broken properties, a conflicting edit) and I/O errors exit 1.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's main, with a closed stdout pipe met at the last flush treated as the end of the output
        (exit 0, nothing on stderr) rather than click's exit 1."""
        try:
            code: Any = super().main(*args, **kwargs)
        except SystemExit as exc:
            code = exc.code
        else:
            if not kwargs.get("standalone_mode", True):
                return code
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _pipe_closed()
            code = EXIT_OK
        sys.exit(code)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `vaultkit` alone prints its help
                raise
            echo(_usage_line(exc), err=True, style="error")
            raise click.exceptions.Exit(EXIT_USAGE) from exc

    def invoke(self, ctx: click.Context) -> Any:
        from vaultkit.errors import UnsafePathError, VaultError, VaultkitError

        try:
            with index_progress():
                return super().invoke(ctx)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                raise
            echo(_usage_line(exc), err=True, style="error")
            ctx.exit(EXIT_USAGE)
        except (VaultError, UnsafePathError) as exc:
            echo(f"vaultkit: {exc}", err=True, style="error")
            ctx.exit(EXIT_USAGE)
        except VaultkitError as exc:
            echo(f"vaultkit: {exc}", err=True, style="error")
            ctx.exit(EXIT_PROBLEMS)
        except OSError as exc:
            if isinstance(exc, BrokenPipeError) and _stdout_gone():
                _pipe_closed()
                ctx.exit(EXIT_OK)
            where = f"{exc.filename}: " if exc.filename else ""
            echo(f"vaultkit: {where}{exc.strerror or exc}", err=True, style="error")
            ctx.exit(EXIT_PROBLEMS)
        except Stopped as exc:
            import signal

            click.echo(f"vaultkit: stopped by {signal.Signals(exc.signum).name}", err=True)
            raise


@click.group(
    cls=VaultkitGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(package_name="vaultkit")
@click.option(
    "--no-color",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: set_no_color(ctx, value),
    help="Plain text, no colour (also: the NO_COLOR variable; colour is only used on a terminal).",
)
def main() -> None:
    """Personal development plans as Markdown notes in an Obsidian vault.

    vaultkit reads and writes notes losslessly, counts their tasks, rolls progress up into properties
    and dashboards, and checks a vault for problems. Run `vaultkit COMMAND --help` for details.
    """
    _stop_on_signals()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


# ------------------------------------------------------------------------------------------ status


@main.command(
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


@main.command(
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
        for piece in dumps_list("tasks", chunks, default=_json_default):
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


def _show_value(value: object) -> str:
    """A property value as a person reads it: lists joined by commas, dates as YYYY-MM-DD."""
    if isinstance(value, list):
        return ", ".join(_show_value(item) for item in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


@main.command(
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
        out += [f"  {str(k).ljust(width)}  {_show_value(v)}".rstrip() for k, v in data["properties"].items()]
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


# ------------------------------------------------------------------------------------------ set, unset


def _save_edit(vault: Vault, path: str, edit: Callable[[Note], None]) -> bool:
    """Load, edit and save one note; note errors become one line with the vault-relative path."""
    from vaultkit.errors import NoteError

    try:
        target = vault.load(path)
        edit(target)
        return target.save()
    except NoteError as exc:
        fail(f"{path}:{exc.line}: {exc.reason}" if exc.line else f"{path}: {exc.reason}")


def _check_key(key: str) -> None:
    if not key.strip() or any(c in key for c in "\r\n"):
        raise CliUsageError(f"invalid property name {key!r}")


def _owned_refusal(vault: Vault, path: str, key: str, force: bool, unset: bool = False) -> None:
    """Refuse (exit 2) to change a property rollup computes for this note, unless `force`."""
    from vaultkit.errors import VaultError
    from vaultkit.rollup.apply import load_settings
    from vaultkit.rollup.owned import owned_properties

    summary = vault.summaries.get(path)
    if force or summary is None:
        return
    try:
        settings = load_settings(vault)
    except VaultError:
        return  # rollup cannot run with this config, so it owns nothing; `vaultkit rollup` says why
    why = owned_properties(settings, summary.type).get(key)
    if why is not None:
        fail(
            f"{path}: {key} is computed by `vaultkit rollup` {why}; --force "
            + (
                "removes it anyway (the next rollup will write it again)"
                if unset
                else "sets it anyway (the next rollup will replace it)"
            ),
            EXIT_USAGE,
        )


def _typed_value(vault: Vault, path: str, key: str, value: Any, force: bool) -> Any:
    """`value` in the shape its declared type (`.obsidian/types.json`) takes; exit 2 when it does not fit."""
    from vaultkit.props.types import PropertyTypeError, coerce_value

    types = vault.property_types
    if types.problem:
        echo(f"vaultkit: warning: {types.problem}", err=True)
    type_id = types.of(key)
    if type_id is None:
        return value
    try:
        return coerce_value(key, type_id, value)
    except PropertyTypeError as exc:
        if force:
            return value
        fail(f"{path}: {exc} (--force sets it anyway)", EXIT_USAGE)


@main.command(
    name="set",
    epilog="""\b
Examples:
  vaultkit set "Growth plan" status done
  vaultkit set "Growth plan" due 2026-12-01
  vaultkit set Milestones/Talk.md plan "[[Growth plan]]"
  vaultkit set "Growth plan" tags "[pdp, career]"
  vaultkit set "Growth plan" version 1.10     # kept as the text 1.10
  vaultkit set "Growth plan" progress 90 --force
""",
)
@click.argument("note", metavar="NOTE")
@click.argument("key", metavar="KEY")
@click.argument("value", metavar="VALUE")
@click.option(
    "--force",
    is_flag=True,
    help="Set a property that `vaultkit rollup` computes (the next rollup replaces it), or a value that "
    "does not fit the type declared in .obsidian/types.json.",
)
@vault_option
def set_(note: str, key: str, value: str, force: bool, vault_path: str | None) -> None:
    """Set one property of a note, changing only its lines.

    Sets property KEY of NOTE to VALUE. NOTE is a vault-relative path, a file path or a note name as
    in a link. VALUE is read as a YAML
    scalar or flow list: `42`, `true`, `2026-12-01`, `[[My Plan]]`, `[a, b]`; an empty VALUE leaves
    the property empty. Text that YAML would change is kept as typed (`1.10`, `NO`, `#pdp`,
    `Fix: it`). Every other byte of the note stays as it was (comments, order, CRLF line ends), and
    nothing is written when the value is already set; a write keeps the file's owner, group and mode. A
    note whose properties do not load is left alone (exit status 1), as is a read-only note (no write
    permission for its owner) and a note that changed on disk while vaultkit worked on it.

    Properties that `vaultkit rollup` computes on the note (`tasks_done`, `tasks_total`, `progress`,
    `milestones_done`, `milestones_total`, and `status` and `completed` where status automation is on)
    are refused (exit status 2) unless --force. Where `.obsidian/types.json` declares the property's
    type, VALUE must fit it (exit status 2 otherwise): a `date` takes 2026-12-01, a `datetime`
    2026-12-01T10:30:00, a `number` a number, a `checkbox` true or false; a list type (`multitext`,
    `tags`, `aliases`) makes a single value a one-item list.
    """
    from vaultkit.cli.values import parse_cli_value
    from vaultkit.errors import VaultkitError
    from vaultkit.props.yaml_format import key_length_problem

    _check_key(key)
    too_long = key_length_problem(key)
    if too_long:
        raise CliUsageError(too_long)
    try:
        parsed = parse_cli_value(value)
    except VaultkitError as exc:
        raise CliUsageError(str(exc)) from exc
    vault = open_vault(vault_path)
    path = resolve_note(vault, note)
    _owned_refusal(vault, path, key, force)
    parsed = _typed_value(vault, path, key, parsed, force)
    wrote = _save_edit(vault, path, lambda target: target.set_property(key, parsed))
    shown = _show_value(parsed) if not isinstance(parsed, list) else f"[{_show_value(parsed)}]"
    echo(f"{path}: {key} = {shown}" if wrote else f"{path}: {key} already {shown}; nothing written")


@main.command(
    epilog="""\b
Examples:
  vaultkit unset "Growth plan" due
"""
)
@click.argument("note", metavar="NOTE")
@click.argument("key", metavar="KEY")
@click.option(
    "--force",
    is_flag=True,
    help="Remove a property that `vaultkit rollup` computes (the next rollup writes it again).",
)
@vault_option
def unset(note: str, key: str, force: bool, vault_path: str | None) -> None:
    """Remove one property of a note, changing only its lines.

    Removes property KEY from NOTE. NOTE is a vault-relative path, a file path or a note name as in a
    link. A missing key is not an error: nothing is written. A property that `vaultkit rollup` computes
    on the note is refused (exit status 2) unless --force.
    """
    _check_key(key)
    vault = open_vault(vault_path)
    path = resolve_note(vault, note)
    _owned_refusal(vault, path, key, force, unset=True)
    wrote = _save_edit(vault, path, lambda target: target.delete_property(key))
    echo(f"{path}: {key} removed" if wrote else f"{path}: no property {key}; nothing written")


# ------------------------------------------------------------------------------------------ check


@main.command(
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


# ---- scaffolding: init, new ----


@main.command(
    epilog="""\b
Examples:
  vaultkit init ~/pdp --role "Data Engineer" --level senior --name "Ada"
  vaultkit init . --force            # add the template to an existing folder (nothing is overwritten)
"""
)
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", metavar="NAME", help="Your name: the plan's owner, shown on the Home dashboard.")
@click.option(
    "--role",
    metavar="ROLE",
    help="Your role, for the starter plan.  [default: Software Engineer]",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    help="Your current level: picks the starter plan's preset (goals, gaps, readiness checklist).  "
    "[default: mid]",
)
@click.option(
    "--force", is_flag=True, help="Use a folder that is not empty; existing files are kept, never changed."
)
def init(directory: Path, name: str | None, role: str | None, level: str | None, force: bool) -> None:
    """Create a vault for personal development plans in DIR.

    Copies the vault template (Home dashboard, Bases tables, templates, Obsidian settings), writes a
    starter plan for ROLE at LEVEL with two milestones, and rolls it up, so the vault opens in Obsidian
    ready to use ("Open folder as vault"). A folder that is not empty is refused unless --force; even
    then no existing file is changed (they are listed as skipped), and rollup is left to you when the
    folder already held notes. On an existing vault (a folder with .obsidian/ or notes) --force adds
    only the template's missing files: no starter plan unless --role or --level asks for one.
    """
    from vaultkit.scaffold.create import init_vault

    report = init_vault(directory, name=name, role=role, level=level, force=force)
    echo(f"created {plural(len(report.created), 'file')} in {directory}")
    for path in report.created:
        echo(f"  {path}")
    if report.skipped:
        echo(f"skipped {plural(len(report.skipped), 'file')} that already existed (left as they were):")
        for path in report.skipped:
            echo(f"  {path}")
    if report.starter_skipped:
        echo(f"no starter plan: {report.starter_skipped}")
    if report.rollup is not None:
        echo(f"rolled up: {plural(len(report.rollup.changed), 'note')} updated")
    elif report.rollup_skipped:
        echo(f"not rolled up: {report.rollup_skipped}")
    echo(f"next: open {directory} in Obsidian (Open folder as vault) and start with Home.md")
    if report.plan:
        echo(f"      your plan: {report.plan}")


@main.command(
    epilog="""\b
Examples:
  vaultkit new plan "Staff Engineer 2027"
  vaultkit new milestone "Ship the data contracts RFC" --plan "Staff Engineer 2027"
  vaultkit new journal                      # today's daily note
  vaultkit new journal --date 2026-11-20
  vaultkit new review                       # this week's review, e.g. Journal/Weekly/2026-W47.md
"""
)
@click.argument("kind", type=click.Choice(["plan", "milestone", "journal", "review"]))
@click.argument("title", required=False, metavar="[TITLE]")
@click.option("--plan", "plan", metavar="NAME", help="The plan a milestone (journal, review) belongs to.")
@click.option(
    "--date",
    "date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The note's date (default: today): the journal's day, the review's week, {{date}} in templates.",
)
@vault_option
def new(kind: str, title: str | None, plan: str | None, date: Any, vault_path: str | None) -> None:
    """Create a note from the vault's own templates.

    KIND is plan, milestone, journal or review. TITLE is required for plans and milestones; a journal
    is named by its date in the Daily notes format and folder (.obsidian/daily-notes.json), a review by
    its week (gggg-[W]ww, ISO weeks by default). Template variables {{title}}, {{date}}, {{time}},
    {{date:FORMAT}} are rendered; Templater <% %> is left for Templater. A milestone gets
    `plan: "[[NAME]]"` (--plan, which must be a plan; optional when the vault has one plan). Titles
    become safe file names; a title that is a path (/, \\, ..) is refused, and an existing note is an
    error, never overwritten.
    """
    from vaultkit.scaffold.create import new_note

    vault = open_vault(vault_path)
    result = new_note(vault, kind, title, plan=plan, day=date.date() if date is not None else None)
    echo(f"created {result.path}")
    for warning in result.warnings:
        echo(f"vaultkit: warning: {result.path}: {warning}", err=True, style="warning")


# ---- rollup ----


@main.command(
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


# ---- import, fix ----


@main.command(
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


@main.command(
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


# ---- completion ----


@main.command(
    epilog="""\b
Install (once; open a new shell afterwards):
  bash   vaultkit completion bash > ~/.local/share/bash-completion/completions/vaultkit
  zsh    vaultkit completion zsh > "${fpath[1]}/_vaultkit"
         (or add `eval "$(vaultkit completion zsh)"` to ~/.zshrc)
  fish   vaultkit completion fish > ~/.config/fish/completions/vaultkit.fish
"""
)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (commands, options, choices).

    The script calls vaultkit back with `_VAULTKIT_COMPLETE` set (click's shell completion), so it stays
    right as vaultkit changes: install it once.
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - the Choice above lists only shells click supports
        raise CliUsageError(f"no completion for {shell}")
    click.echo(cls(main, {}, "vaultkit", "_VAULTKIT_COMPLETE").source())
