"""The progress history: an append-only JSON-lines file, `.vaultkit/history.jsonl`.

One line per point, in the order they were recorded:

    {"day": "2026-12-03", "path": "Plans/Senior PDP.md", "type": "plan", "done": 9, "total": 16,
     "milestones_done": 1, "milestones_total": 3}

(on one line; `milestones_done`/`milestones_total` only for plans). `path` is vault-relative with `/`.
A note's value on a day is the last line for that path and day, and it holds until the note's next recorded
day. Rollup appends a point only when a note's counts differ from the value in force on the point's day (the
last line of that day, or of the latest day before it), so a day with many rollups holds a few lines per
note, an idle rollup appends nothing, and a backdated rollup (`vaultkit rollup --today` earlier than the
last recorded day) records its day without changing the later days that have points of their own.

Why JSON lines and appends: the file is the user's data, and an append cannot lose what is already there.
Each append is one `os.write` of whole lines on an `O_APPEND` descriptor, then fsync; a crash can at worst
leave a torn last line, which is skipped (and reported) on reading, and the next append starts with a
newline so it never glues onto it. Any line that does not parse is skipped the same way: a damaged history
is reported, never fatal. When the file holds many more lines than (note, day) pairs, it is compacted:
rewritten atomically (`fileio.atomic_write`) with the last value of each note and day, damaged lines kept
as they were, so its size stays proportional to days x notes.

The history is keyed by path. A note moved between two rollups starts a new series under its new name (the
old series stays under the old one); `vaultkit history backfill` follows git's renames and files a moved
note's whole series under its current path.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.errors import ConflictError, NoteError
from vaultkit.fileio import atomic_write, not_a_file, read_regular
from vaultkit.notes.tasks import percent_done

__all__ = [
    "COMPACT_MIN",
    "HISTORY_LIMIT",
    "HISTORY_PATH",
    "History",
    "Point",
    "as_csv",
    "as_json",
    "compact",
    "compacted",
    "follow_history",
    "load_history",
    "parse_history",
    "parse_line",
    "point_from",
    "record",
    "replace_history",
]

HISTORY_PATH = Path(".vaultkit") / "history.jsonl"
"""Where the history lives, relative to the vault root."""

HISTORY_LIMIT = 256 << 20
"""The most vaultkit reads of a history: ten years of daily points for 2,000 notes fit many times over."""

COMPACT_MIN = 1000
"""Lines beyond one per (note, day) that a history may hold before it is compacted; compaction also waits
until those extra lines outnumber the needed ones, so the file never grows past about twice its size."""


@dataclass(frozen=True, slots=True)
class Point:
    """One note's done/total on one day (plans also count their milestones)."""

    day: dt.date
    path: str
    type: str
    done: int
    total: int
    milestones_done: int | None = None
    milestones_total: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.done <= self.total:  # what a reader would skip must never be written
            raise ValueError(f"{self.path}: done {self.done} of {self.total} is not a count of tasks")

    @property
    def progress(self) -> int | None:
        """Percent done as the note's `progress` property shows it (`percent_done`: halves rounded up, so
        3 of 7 is 43); None when there are no tasks."""
        return percent_done(self.done, self.total)

    def value(self) -> tuple[int, int, int | None, int | None]:
        """What decides whether a point is news: the counts, not the day."""
        return (self.done, self.total, self.milestones_done, self.milestones_total)

    def as_dict(self) -> dict[str, Any]:
        """The line's fields (also the `--json` shape), milestones only when known."""
        data: dict[str, Any] = {
            "day": self.day.isoformat(),
            "path": self.path,
            "type": self.type,
            "done": self.done,
            "total": self.total,
        }
        if self.milestones_total is not None:
            data["milestones_done"] = self.milestones_done
            data["milestones_total"] = self.milestones_total
        return data

    def line(self) -> bytes:
        return (json.dumps(self.as_dict(), ensure_ascii=False) + "\n").encode("utf-8")


def _count(data: dict[str, Any], key: str) -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"`{key}` must be a whole number of 0 or more, not {value!r}")
    return value


def parse_line(text: str) -> Point:
    """The point on one line; ValueError saying what is wrong."""
    return point_from(json.loads(text))


def point_from(data: Any) -> Point:
    """The point a line's decoded JSON describes; ValueError saying what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for key in ("day", "path", "type", "done", "total"):
        if key not in data:
            raise ValueError(f"no `{key}`")
    day, path, kind = data["day"], data["path"], data["type"]
    if not isinstance(day, str):
        raise ValueError(f"`day` must be a date like 2026-12-03, not {day!r}")
    if not isinstance(path, str) or not path:
        raise ValueError(f"`path` must be a note's path, not {path!r}")
    if not isinstance(kind, str):
        raise ValueError(f"`type` must be text, not {kind!r}")
    done, total = _count(data, "done"), _count(data, "total")
    if done > total:
        raise ValueError(f"`done` ({done}) is more than `total` ({total})")
    milestones: tuple[int | None, int | None] = (None, None)
    if "milestones_total" in data or "milestones_done" in data:
        milestones = (_count(data, "milestones_done"), _count(data, "milestones_total"))
    return Point(dt.date.fromisoformat(day), path, kind, done, total, *milestones)


@dataclass(slots=True)
class History:
    """A history as read: its points in file order, and the lines that were skipped, with why."""

    points: list[Point] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(1-based line number, reason) of every damaged line: skipped, never fatal."""

    def paths(self) -> list[str]:
        """Every note with a point, sorted."""
        return sorted({point.path for point in self.points})

    def series(self, path: str) -> list[Point]:
        """The points of one note by day, one a day: the last recorded that day."""
        by_day = {point.day: point for point in self.points if point.path == path}
        return [by_day[day] for day in sorted(by_day)]

    def all_series(self) -> Iterator[Point]:
        """Every note's series, note by note in path order."""
        by_key = {(point.path, point.day): point for point in self.points}
        return (by_key[key] for key in sorted(by_key))

    def last(self) -> dict[str, Point]:
        """Each note's value on its latest recorded day (that day's last line), whatever order the lines
        were appended in: a backdated point appended last does not stand for the days after it."""
        latest: dict[str, Point] = {}
        for point in self.points:
            known = latest.get(point.path)
            if known is None or point.day >= known.day:
                latest[point.path] = point
        return latest

    def value_on(self, path: str, day: dt.date) -> Point | None:
        """The point in force for `path` on `day`: the last line of that day, else of the latest day before
        it; None when nothing was recorded for the note on or before `day`."""
        found: Point | None = None
        for point in self.points:
            if point.path == path and point.day <= day and (found is None or point.day >= found.day):
                found = point
        return found


def parse_history(data: bytes) -> History:
    """A history from the file's bytes. A line that is not a point is skipped and listed in `problems`."""
    history = History()
    lines = data.split(b"\n")
    torn = bool(lines[-1])  # no newline at the end: an append that never finished
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            history.points.append(parse_line(raw.decode("utf-8")))
        except UnicodeDecodeError:
            history.problems.append((number, "not UTF-8 text; line skipped"))
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            reason = "an unfinished line (a write was interrupted)" if torn and number == len(lines) else exc
            history.problems.append((number, f"{reason}; line skipped"))
    return history


def _history_path(root: Path) -> Path:
    """The history file of the vault at `root`, refused when it or `.vaultkit` is a link (a link could
    take the appends outside the vault) or something other than a file."""
    path = root / HISTORY_PATH
    for part in (path.parent, path):
        try:
            mode = part.lstat().st_mode
        except FileNotFoundError:
            break
        except OSError as exc:
            raise NoteError(f"cannot read: {exc.strerror or exc}", part) from exc
        if stat.S_ISLNK(mode):
            raise NoteError("is a symbolic link; vaultkit keeps its history only in a real file", part)
    return path


def _read(root: Path) -> tuple[Path, bytes | None]:
    path = _history_path(root)
    try:
        return path, read_regular(path, HISTORY_LIMIT, "a history file")
    except (FileNotFoundError, NotADirectoryError):
        return path, None


def load_history(root: Path | str) -> History:
    """The history of the vault at `root` (empty when there is none). Raises NoteError (naming the file)
    when it cannot be read: a link, a FIFO, a folder, a file too large, no permission."""
    data = _read(Path(root))[1]
    return parse_history(data) if data is not None else History()


_Stamp = tuple[int, int, int, int]
_READ: dict[Path, tuple[_Stamp, bytes, History]] = {}
"""Per history file: its stat stamp, its bytes and their parse, for `follow_history`."""


def follow_history(root: Path | str) -> History:
    """`load_history` for a process that reads the history again and again (a watcher's rounds draw
    charts and trends from it): unchanged, it is not read at all; grown by whole lines that all read as
    points, only the new lines are parsed; anything else (rewritten, compacted, a torn or damaged line)
    is read whole. Raises NoteError as `load_history` does."""
    path = _history_path(Path(root))
    try:
        stamp: _Stamp | None = _stamp(path.stat())
    except OSError:
        stamp = None
    cached = _READ.get(path)
    if stamp is not None and cached is not None:
        if cached[0] == stamp:
            return cached[2]
        grown = _grown(path, stamp, cached)
        if grown is not None:
            return grown
    _READ.pop(path, None)
    data = _read(Path(root))[1]
    if data is None:
        return History()
    history = parse_history(data)
    if stamp is not None and len(data) == stamp[2]:  # unchanged while read
        _READ[path] = (stamp, data, history)
    return history


def _grown(path: Path, stamp: _Stamp, cached: tuple[_Stamp, bytes, History]) -> History | None:
    """The cached history plus the lines appended since; None unless the file only grew by whole lines
    that all read as points."""
    known, before, history = cached
    if known[:2] != stamp[:2] or stamp[2] <= known[2] or not before.endswith(b"\n"):
        return None
    try:
        data = read_regular(path, HISTORY_LIMIT, "a history file")
    except (NoteError, OSError):
        return None
    if len(data) != stamp[2] or not data.startswith(before):
        return None
    tail = parse_history(data[len(before) :])
    if tail.problems:
        return None
    grown = History(points=[*history.points, *tail.points], problems=list(history.problems))
    _READ[path] = (stamp, data, grown)
    return grown


_LATEST: dict[Path, tuple[_Stamp, dict[str, Point], int]] = {}
"""Per history file: its stat stamp, the last point of each note, its line count. A watcher's rollup
round then neither reads nor parses the file when nothing else wrote it since its last append."""


def _stamp(info: os.stat_result) -> _Stamp:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _latest(data: bytes) -> tuple[dict[str, Point], int]:
    """Each note's value on its latest recorded day (`History.last`), and the number of lines.

    The fast way (about 15 times faster than a line at a time, which matters: a year of 200 notes is
    73,000 lines, read on every rollup) decodes every line in one JSON array and validates only the line
    chosen for each note; a history with a line that is not a JSON object, or a chosen line that is not a
    point, falls back to reading line by line. Either way only valid points count.
    """
    lines = [line for line in data.split(b"\n") if line.strip()]
    try:
        rows = json.loads(b"[" + b",".join(lines) + b"]")
    except (ValueError, RecursionError):
        rows = None
    if isinstance(rows, list) and len(rows) == len(lines) and all(isinstance(row, dict) for row in rows):
        days: dict[str, dt.date | None] = {}
        chosen: dict[str, tuple[dt.date, dict[str, Any]]] = {}
        for row in rows:
            path, text = row.get("path"), row.get("day")
            if not isinstance(path, str) or not isinstance(text, str):
                continue
            if text not in days:
                days[text] = _day_or_none(text)
            day = days[text]
            if day is not None and (path not in chosen or day >= chosen[path][0]):
                chosen[path] = (day, row)
        try:
            return {path: point_from(row) for path, (_day, row) in chosen.items()}, len(lines)
        except (ValueError, KeyError, TypeError):
            pass  # a chosen line is damaged: the one before it counts; read line by line
    return parse_history(data).last(), len(lines)


def _day_or_none(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def record(root: Path | str, points: Iterable[Point], *, compact_min: int = COMPACT_MIN) -> int:
    """Append the points whose counts differ from their note's value in force on their day; return how many.

    The value in force on a day is that day's last line, else the last line of the latest day before it
    (`History.value_on`), so days may come in any order: a point for a day before the note's latest
    recorded day is compared with what that day showed, and a later day with a point of its own keeps it
    (the days between take the new value, as they would had the rollups run in order: replaying weeks of
    dated rollups before today's point draws the curve they count). Only such a backdated point needs the
    whole file read; a point for the latest day or after is compared with the per-process summary of each
    note's latest day.

    Nothing is written (the file is not even opened for writing) when no point is news: an idle rollup
    leaves the history as it was. Each time the file grows past another `compact_min` lines it is looked
    at as a whole, and compacted when more than half its lines are superseded. Raises NoteError, naming
    the file, when the history cannot be read or written; the caller decides whether that matters (a
    rollup only warns).
    """
    root = Path(root)
    path = _history_path(root)
    try:
        stamp: _Stamp | None = _stamp(path.stat())
    except OSError:
        stamp = None
    cached = _LATEST.get(path)
    if stamp is not None and cached is not None and cached[0] == stamp:
        last, count = dict(cached[1]), cached[2]
    else:
        data = _read(root)[1]
        last, count = _latest(data) if data is not None else ({}, 0)
        if stamp is not None and data is not None and len(data) == stamp[2]:  # unchanged while read
            _LATEST[path] = (stamp, dict(last), count)
    new: list[Point] = []
    full: History | None = None  # the whole history, read only for a backdated point
    for point in points:
        known = last.get(point.path)
        if known is not None and point.day < known.day:
            if full is None:
                data = _read(root)[1]
                full = parse_history(data) if data is not None else History()
                full.points += new
            before = full.value_on(point.path, point.day)
            if before is None or before.value() != point.value():
                new.append(point)
                full.points.append(point)
            continue
        if known is None or known.value() != point.value():
            new.append(point)
            last[point.path] = point
            if full is not None:
                full.points.append(point)
    if not new:
        return 0
    _LATEST.pop(path, None)
    after = _append(path, b"".join(point.line() for point in new))
    _LATEST[path] = (_stamp(after), last, count + len(new))
    if (count + len(new)) // compact_min > count // compact_min:
        with contextlib.suppress(ConflictError):  # someone appended meanwhile: compact next time
            _compact_if_worth_it(root, compact_min)
    return len(new)


def _compact_if_worth_it(root: Path, compact_min: int) -> None:
    data = _read(root)[1]
    if data is None:
        return
    history = parse_history(data)
    keys = len({(point.path, point.day) for point in history.points})
    if len(history.points) - keys > max(compact_min, keys):
        compact(root)


def _append(path: Path, lines: bytes) -> os.stat_result:
    """One write of whole lines at the end of the file, then fsync; a newline first if the file ends in
    a torn line, so the new lines stay lines of their own."""
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        path.parent.mkdir(exist_ok=True)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise NoteError(f"cannot write: {exc.strerror or exc}", path) from exc
    try:
        info = os.fstat(fd)
        reason = not_a_file(info.st_mode, "a history file")
        if reason is not None:
            raise NoteError(reason, path)
        if info.st_size and os.pread(fd, 1, info.st_size - 1) != b"\n":
            lines = b"\n" + lines
        view = memoryview(lines)
        while view:  # one write; a short write (a full disk) finishes or fails below
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        return os.fstat(fd)
    except OSError as exc:
        raise NoteError(f"cannot write: {exc.strerror or exc}", path) from exc
    finally:
        os.close(fd)


def compacted(data: bytes) -> bytes:
    """The file's lines with every point but the last of its (note, day) dropped; damaged lines kept."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    parsed: list[tuple[str, dt.date] | None] = []
    for raw in lines:
        try:
            point = parse_line(raw.decode("utf-8"))
            parsed.append((point.path, point.day))
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
            parsed.append(None)
    last = {key: number for number, key in enumerate(parsed) if key is not None}
    kept = [
        raw
        for number, (raw, key) in enumerate(zip(lines, parsed, strict=True))
        if (key is None and raw.strip()) or (key is not None and last[key] == number)
    ]
    return b"".join(raw + b"\n" for raw in kept)


def compact(root: Path | str) -> bool:
    """Rewrite the history with one point per note and day (the last), atomically; False when there was
    nothing to drop. ConflictError when the file changed while this ran (nothing is written then)."""
    path, data = _read(Path(root))
    if data is None:
        return False
    new = compacted(data)
    _LATEST.pop(path, None)
    return new != data and atomic_write(path, new, data)


def replace_history(root: Path | str, points: Iterable[Point]) -> None:
    """Write a whole new history (backfill), atomically: the points in the order given. Lines of the old
    file that could not be read are kept at its end, so nothing the user had is dropped unseen."""
    path, data = _read(Path(root))
    kept = b""
    if data is not None:
        lines = data.split(b"\n")
        for number, _reason in parse_history(data).problems:
            kept += lines[number - 1] + b"\n"
    new = b"".join(point.line() for point in points) + kept
    _LATEST.pop(path, None)
    if data is None:
        path.parent.mkdir(exist_ok=True)
    atomic_write(path, new, data)


def as_json(points: Iterable[Point], problems: Iterable[tuple[int, str]] = ()) -> dict[str, Any]:
    """The `history show --json` shape: `{"points": [...], "problems": [{"line", "reason"}]}`."""
    return {
        "points": [point.as_dict() for point in points],
        "problems": [{"line": line, "reason": reason} for line, reason in problems],
    }


CSV_FIELDS = ("day", "path", "type", "done", "total", "milestones_done", "milestones_total")


def as_csv(points: Iterable[Point]) -> str:
    """The points as CSV with a header row (`CSV_FIELDS`); milestone columns empty for non-plans."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for point in points:
        writer.writerow(point.as_dict())
    return out.getvalue()
