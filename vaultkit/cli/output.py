"""What reaches a person's terminal: text with its control characters made visible, coloured only where a
terminal shows it, and tables that fit.

File names, headings, property values and task text are the user's (or an imported document's) bytes,
and a terminal acts on control characters: `ESC ] 0 ;` sets the window title, `ESC [ 2 J` clears the
screen, a CR overwrites the line already printed, bidirectional overrides reorder what is shown. Every
line of human output goes through `echo` here, which writes such characters as escapes (`\\x1b`,
`\\u202e`); tabs and newlines stay, as layout. JSON output needs none of this: JSON strings escape
control characters themselves.

Colour is added after escaping, as ANSI codes around the already-visible text (rich's `Style.render`,
never rich markup, so a note's `[red]` stays text). It is used only when the stream is a terminal (or
`FORCE_COLOR` says to treat it as one), and never with `NO_COLOR` set or `vaultkit --no-color`: rich
makes that decision, as it does for every program built on it. rich is imported only when something is
styled or a table measured, so `vaultkit --help` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

import click

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "color_wanted",
    "console",
    "echo",
    "echo_diff",
    "progress_bar",
    "set_no_color",
    "shorten_middle",
    "show_value",
    "table",
    "table_width",
    "visible",
]

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings and isolates.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# What each kind of line looks like on a terminal.
STYLES = {"error": "red", "warning": "yellow", "add": "green", "remove": "red", "hunk": "cyan", "dim": "dim"}

_NO_COLOR_KEY = "vaultkit.no_color"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character written as an escape (searched first: most text has none)."""
    return _CONTROL_RE.sub(_escape, text) if _CONTROL_RE.search(text) else text


def _stream(err: bool) -> TextIO:
    """The stream `click.echo` writes to (a test runner's capture replaces them both)."""
    return sys.stderr if err else sys.stdout


def _no_color_option() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(_NO_COLOR_KEY))


def set_no_color(ctx: click.Context, value: bool) -> None:
    """Record `--no-color` for the whole run (`ctx.meta` is shared by every context of one invocation)."""
    ctx.meta[_NO_COLOR_KEY] = value


def console(err: bool = False) -> Console:
    """A rich console on the stream click writes to (stdout, or stderr with `err`), for colour and progress.

    Markup, emoji codes and highlighting are off: text reaching it is the user's, and must be shown as is.
    """
    from rich.console import Console

    stream = _stream(err)
    return Console(
        file=stream,
        no_color=True if _no_color_option() else None,  # None: rich reads NO_COLOR
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=True,
    )


def color_wanted(err: bool = False) -> bool:
    """Whether styled output would be seen as colour: a terminal (or FORCE_COLOR), no NO_COLOR, no
    --no-color. Decided once per stream and run: rich's console is not cheap enough to make per line."""
    stream = _stream(err)
    ctx = click.get_current_context(silent=True)
    key = f"vaultkit.color.{'err' if err else 'out'}"
    if ctx is not None:
        known = ctx.meta.get(key)
        if known is not None and known[0] is stream:
            return bool(known[1])
    if _no_color_option() or os.environ.get("NO_COLOR"):
        wanted = False
    else:
        made = console(err)
        wanted = made.is_terminal and not made.no_color and made.color_system is not None
    if ctx is not None:
        ctx.meta[key] = (stream, wanted)
    return wanted


def _styled(text: str, style: str, err: bool) -> str:
    from rich.console import COLOR_SYSTEMS
    from rich.style import Style

    system = console(err).color_system
    return Style.parse(STYLES.get(style, style)).render(text, color_system=COLOR_SYSTEMS.get(system or ""))


def echo(text: str = "", *, err: bool = False, nl: bool = True, style: str | None = None) -> None:
    """`click.echo` of human output, control characters made visible, then coloured (`style`: a key of
    STYLES) when a person looks at it on a terminal."""
    shown = visible(text)
    if style is None or not shown or not color_wanted(err):
        click.echo(shown, err=err, nl=nl)
        return
    shown = "\n".join(_styled(line, style, err) if line else line for line in shown.split("\n"))
    click.echo(shown, err=err, nl=nl, color=True)  # decided above: click would strip codes off a non-tty


def _diff_style(line: str) -> str | None:
    if line.startswith(("+++", "---")):
        return "dim"
    if line.startswith("+"):
        return "add"
    if line.startswith("-"):
        return "remove"
    if line.startswith("@@"):
        return "hunk"
    return None


def echo_diff(diff: str) -> None:
    """A unified diff, its added lines green, removed red, hunk headers cyan on a terminal (plain text
    otherwise, byte for byte what it was)."""
    if not color_wanted():
        echo(diff, nl=False)
        return
    for line in diff.splitlines(keepends=True):
        body = line.rstrip("\n")
        echo(body, nl=line.endswith("\n"), style=_diff_style(body))


# ------------------------------------------------------------------------------------------ tables


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(callable(isatty) and isatty())
    except ValueError:  # a closed stream
        return False


def table_width() -> int | None:
    """The width tables must fit: the terminal's (COLUMNS wins, as everywhere), or COLUMNS when output goes
    elsewhere; None (as wide as the values need) for a pipe or file with no COLUMNS, so scripts see whole
    values."""
    stream = _stream(False)
    if _isatty(stream):
        return shutil.get_terminal_size().columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def shorten_middle(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells by dropping its middle for `…`: both ends of a path (its
    folder and its file name) stay readable. Wide characters count as two cells."""
    from rich.cells import cell_len

    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head_room = (width - 1 + 1) // 2
    tail_room = width - 1 - head_room
    head, used = [], 0
    for char in text:
        size = cell_len(char)
        if used + size > head_room:
            break
        head.append(char)
        used += size
    tail, used = [], 0
    for char in reversed(text):
        size = cell_len(char)
        if used + size > tail_room:
            break
        tail.append(char)
        used += size
    return "".join(head) + "…" + "".join(reversed(tail))


def _pad(text: str, width: int, size: int) -> str:
    return text + " " * (width - size)


def table(
    rows: Iterable[Iterable[object]],
    headers: list[str],
    *,
    flexible: tuple[int, ...] = (0,),
    width: int | None = None,
) -> str:
    """An aligned text table: headers, a rule, the rows, columns two spaces apart.

    Widths are terminal cells (rich's measure: a CJK character or an emoji takes two). When the table is
    wider than `width`, the `flexible` columns (paths and titles) give up the difference, widest first,
    their values shortened in the middle with `…`; a column never gets narrower than its header, so a
    header is never cut or wrapped. Without `width`, the table is as wide as its values.
    """
    from rich.cells import cell_len

    body = [[visible("" if c is None else str(c)) for c in row] for row in rows]
    widths = [cell_len(h) for h in headers]
    for row in body:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, row, strict=False)]
    if width is not None:
        excess = sum(widths) + 2 * (len(widths) - 1) - width
        floors = {i: max(cell_len(headers[i]), 12) for i in flexible if i < len(widths)}  # still a name
        while excess > 0:
            room = [i for i in floors if widths[i] > floors[i]]
            if not room:
                break
            widest = max(room, key=lambda i: widths[i])
            others = [widths[i] for i in room if i != widest]
            gap = max(1, widths[widest] - max(others, default=0))  # down to the next widest, then share
            step = min(excess, widths[widest] - floors[widest], gap)
            widths[widest] -= step
            excess -= step
        body = [
            [shorten_middle(c, widths[i]) if i in floors else c for i, c in enumerate(row)] for row in body
        ]
    lines = ["  ".join(_pad(h, w, cell_len(h)) for h, w in zip(headers, widths, strict=False)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    lines += [
        "  ".join(_pad(c, w, cell_len(c)) for c, w in zip(row, widths, strict=False)).rstrip() for row in body
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ progress

BAR_MIN = 500  # notes: fewer parse or roll up in about a second, and a bar that flashes by is noise
#: Runs whose items each take longer get a bar sooner (a document to import is parsed and planned whole).
BAR_MIN_BY_LABEL = {"importing documents": 20, "syncing with Notion": 5}


@contextlib.contextmanager
def progress_bar() -> Iterator[None]:
    """A progress bar on stderr during the long runs the library reports (`vaultkit.reporting`: a cold
    index, a first rollup writing every managed note, an import of many documents), shown only when
    stderr is a terminal: never in captured output, a log or a pipe. It is drawn only while that run
    lasts and removed when it ends, so it never mixes with what the command prints."""
    if not _stderr_is_terminal():
        yield
        return
    from vaultkit.reporting import reporting_progress

    bar: Any = None
    task: Any = None

    def report(label: str, done: int, total: int) -> None:
        nonlocal bar, task
        if total < BAR_MIN_BY_LABEL.get(label, BAR_MIN):
            return
        if bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console(err=True),
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            bar.start()
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done)
        if done >= total:
            bar.stop()
            bar = None

    try:
        with reporting_progress(report):
            yield
    finally:
        if bar is not None:
            bar.stop()


def _stderr_is_terminal() -> bool:
    """Whether stderr reaches a person (rich decides, so FORCE_COLOR and TTY_COMPATIBLE count too)."""
    stream = _stream(True)
    if not _isatty(stream) and not os.environ.get("FORCE_COLOR") and os.environ.get("TTY_COMPATIBLE") != "1":
        return False  # the common case in scripts and tests, decided without importing rich
    return console(err=True).is_terminal


def show_value(value: object) -> str:
    """A property value as a person reads it: lists joined by commas, dates as YYYY-MM-DD."""
    if isinstance(value, list):
        return ", ".join(show_value(item) for item in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
