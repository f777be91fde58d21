"""What the index keeps of one note: a cheap summary, and the detail that only some commands read.

A `NoteRecord` holds every task, heading and link of a note. Rebuilding 10,000 of them (half a million
objects) costs seconds, yet `status` and plan progress only need a note's type, properties, task counts
and problems. So the index keeps two layers per note:

- the summary (`NoteSummary`): title, type, properties, counts, errors and warnings. It is computed from
  the file with the fast counting scanner, stored as plain columns, and loaded for every note on every run;
- the detail, computed the first time a command asks for a note's full record and then kept, in two
  parts: the tasks, and the outline (headings, links, tags, placeholders, and the findings its text alone
  decides, such as mojibake). `check` reads outlines only, which keeps it from building half a million
  tasks it never looks at, and from reading any note's text again.

`build_record` joins both into a `NoteRecord` equal to `NoteRecord.from_note(Note.load(path), path)`; the
tests hold every part of this module to that. Values are stored with pickle, and read back through an
unpickler that can build nothing but plain data and dates (an index is a file anyone could have written).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import pickle
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from vaultkit.errors import NoteError, Problem
from vaultkit.markdown.findings import TextFinding
from vaultkit.notes.tasks import TASK_ROW_STATE, TaskCounts, TaskStatuses

if TYPE_CHECKING:  # the parsing modules load markdown-it and PyYAML: only when a note is parsed
    from vaultkit.markdown.scanner import FastDetail
    from vaultkit.notes.links import Link
    from vaultkit.notes.record import NoteRecord
    from vaultkit.notes.structure import Heading

__all__ = [
    "FLAG_FRONTMATTER",
    "FLAG_MARKERS",
    "FLAG_RECHECK",
    "FLAG_TEMPLATE",
    "NoteOutline",
    "NoteSummary",
    "build_outline",
    "build_record",
    "decode",
    "detail_of_record",
    "encode",
    "open_due",
    "read_note",
    "summary_parts",
]

FLAG_FRONTMATTER = 1
FLAG_TEMPLATE = 2
FLAG_RECHECK = 4  # stat alone cannot be trusted for this row (modified just now, or unreadable)
FLAG_MARKERS = 8  # the bytes hold `vaultkit:`, as a managed block's markers do (rollup looks only there)
MARKER = b"vaultkit:"


@cache
def _field_names() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    from vaultkit.notes.links import Link
    from vaultkit.notes.structure import Heading
    from vaultkit.notes.tasks import Task

    return tuple(tuple(f.name for f in dataclasses.fields(cls)) for cls in (Task, Heading, Link))  # type: ignore[return-value]


# (title, type, done, open, cancelled, flags, properties blob, problems blob): the summary columns.
SummaryParts = tuple[str, str | None, int, int, int, int, bytes | None, bytes | None]
# Tasks, headings and links as tuples of field values.
_Rows = tuple[tuple[Any, ...], ...]
# (headings, links, tags, placeholders, text findings): what `check` reads of a note.
Outline = tuple[_Rows, _Rows, tuple[str, ...], tuple[tuple[int, str], ...], tuple[TextFinding, ...]]
# (tasks, outline): a note's detail, stored as two values so that either is read without the other.
Detail = tuple[_Rows, Outline]


@dataclasses.dataclass(frozen=True, slots=True)
class NoteOutline:
    """A note's headings, links, tags, placeholders and text findings: its full record but the tasks."""

    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    tags: tuple[str, ...]
    placeholders: tuple[tuple[int, str], ...]
    findings: tuple[TextFinding, ...]


# ---------------------------------------------------------------------------------------------- storage

_SAFE_GLOBALS = {
    ("datetime", "date"): dt.date,
    ("datetime", "datetime"): dt.datetime,
    ("datetime", "time"): dt.time,
    ("datetime", "timedelta"): dt.timedelta,
    ("datetime", "timezone"): dt.timezone,
}


class _SafeUnpickler(pickle.Unpickler):
    """Builds plain data and dates only; any other global in the stream is refused."""

    def find_class(self, module: str, name: str) -> Any:
        found = _SAFE_GLOBALS.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"index entry refers to {module}.{name}; refused")
        return found


def encode(value: Any) -> bytes:
    return pickle.dumps(value, protocol=5)


def decode(blob: bytes) -> Any:
    """A value stored by `encode`. Raises ValueError for anything else (a corrupt or foreign entry)."""
    try:
        return _SafeUnpickler(io.BytesIO(blob)).load()
    except Exception as exc:
        raise ValueError(f"unreadable index entry: {exc}") from exc


def _problem_rows(problems: tuple[Problem, ...]) -> tuple[tuple[Any, ...], ...]:
    return tuple((p.line, p.message, p.severity, p.code) for p in problems)


def _problems(rows: Any) -> tuple[Problem, ...]:
    return tuple(Problem(*row) for row in rows)


# ---------------------------------------------------------------------------------------------- summary


class NoteSummary:
    """What `status`, plan progress and rollup planning need of a note (a `NoteRecord` without its tasks,
    headings and links). Same attribute names and meaning as on `NoteRecord`; `properties` is decoded on
    first use, since most commands only read it for plans and milestones.
    """

    __slots__ = (
        "_blob",
        "_properties",
        "_repair",
        "counts",
        "errors",
        "has_frontmatter",
        "is_template",
        "markers",
        "path",
        "title",
        "type",
        "warnings",
    )

    def __init__(
        self,
        path: str,
        title: str,
        type: str | None,
        counts: TaskCounts,
        errors: tuple[Problem, ...] = (),
        warnings: tuple[Problem, ...] = (),
        has_frontmatter: bool = False,
        is_template: bool = False,
        properties: dict[str, Any] | None = None,
        blob: bytes | None = None,
    ) -> None:
        self.path = path
        self.title = title
        self.type = type
        self.counts = counts
        self.errors = errors
        self.warnings = warnings
        self.has_frontmatter = has_frontmatter
        self.is_template = is_template
        self._properties = properties
        self._blob = blob
        self._repair: Callable[[str], dict[str, Any]] | None = None
        #: Whether the note's bytes hold `vaultkit:` (managed block markers); None when not known.
        self.markers: bool | None = None

    @classmethod
    def of(cls, record: NoteRecord) -> NoteSummary:
        return cls(
            record.path,
            record.title,
            record.type,
            record.counts,
            record.errors,
            record.warnings,
            record.has_frontmatter,
            record.is_template,
            dict(record.properties),
        )

    @classmethod
    def from_row(
        cls,
        path: str,
        title: str,
        kind: str | None,
        counts: TaskCounts,
        flags: int,
        props: bytes | None,
        problems: bytes | None,
    ) -> NoteSummary:
        """A summary from the index's columns (the fast path of loading 10,000 of them)."""
        summary = cls.__new__(cls)
        summary.path = path
        summary.title = title
        summary.type = kind
        summary.counts = counts
        summary.has_frontmatter = bool(flags & FLAG_FRONTMATTER)
        summary.is_template = bool(flags & FLAG_TEMPLATE)
        summary.markers = bool(flags & FLAG_MARKERS)
        summary._properties = {} if props is None else None
        summary._blob = props
        summary._repair = None
        if problems is None:
            summary.errors = summary.warnings = ()
        else:
            found = _problems(decode(problems))
            summary.errors = tuple(p for p in found if p.severity == "error")
            summary.warnings = tuple(p for p in found if p.severity != "error")
        return summary

    @classmethod
    def from_parts(cls, path: str, parts: SummaryParts) -> NoteSummary:
        title, kind, done, open_, cancelled, flags, props, problems = parts
        errors: tuple[Problem, ...] = ()
        warnings: tuple[Problem, ...] = ()
        if problems is not None:
            found = _problems(decode(problems))
            errors = tuple(p for p in found if p.severity == "error")
            warnings = tuple(p for p in found if p.severity != "error")
        summary = cls(
            path,
            title,
            kind,
            TaskCounts(done, open_, cancelled),
            errors,
            warnings,
            bool(flags & FLAG_FRONTMATTER),
            bool(flags & FLAG_TEMPLATE),
            {} if props is None else None,
            props,
        )
        summary.markers = bool(flags & FLAG_MARKERS)
        return summary

    @property
    def properties(self) -> dict[str, Any]:
        if self._properties is None:
            try:
                value = decode(self._blob) if self._blob is not None else {}
                if not isinstance(value, dict):
                    raise ValueError("unreadable index entry: properties are not a mapping")
            except ValueError:
                if self._repair is None:
                    raise
                value = self._repair(self.path)  # a damaged entry: the note is read again, never trusted
            self._properties = value
        return self._properties

    @property
    def editable(self) -> bool:
        return not self.errors

    @property
    def progress(self) -> int | None:
        return self.counts.progress

    def _key(self) -> tuple[Any, ...]:
        return (
            self.path,
            self.title,
            self.type,
            self.counts,
            self.errors,
            self.warnings,
            self.has_frontmatter,
            self.is_template,
            self.properties,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoteSummary) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"NoteSummary({self.path!r}, type={self.type!r}, counts={self.counts!r})"


def _flags(has_frontmatter: bool, is_template: bool, data: bytes | None) -> int:
    return (
        (FLAG_FRONTMATTER if has_frontmatter else 0)
        | (FLAG_TEMPLATE if is_template else 0)
        | (FLAG_MARKERS if data is not None and MARKER in data else 0)
    )


def parts_of_record(record: NoteRecord, data: bytes | None) -> SummaryParts:
    counts = record.counts
    problems = record.errors + record.warnings
    return (
        record.title,
        record.type,
        counts.done,
        counts.open,
        counts.cancelled,
        _flags(record.has_frontmatter, record.is_template, data),
        encode(record.properties) if record.properties else None,
        encode(_problem_rows(problems)) if problems else None,
    )


def detail_of_record(record: NoteRecord, findings: tuple[TextFinding, ...] = ()) -> Detail:
    task_fields, heading_fields, link_fields = _field_names()
    return (
        tuple(tuple(getattr(t, name) for name in task_fields) for t in record.tasks),
        (
            tuple(tuple(getattr(h, name) for name in heading_fields) for h in record.headings),
            tuple(tuple(getattr(link, name) for name in link_fields) for link in record.links),
            record.tags,
            record.placeholders,
            findings,
        ),
    )


def build_outline(outline: Outline) -> NoteOutline:
    from vaultkit.notes.links import Link
    from vaultkit.notes.structure import Heading

    headings, links, tags, placeholders, findings = outline
    return NoteOutline(
        tuple(Heading(*h) for h in headings),
        tuple(Link(*link) for link in links),
        tuple(tags),
        tuple(placeholders),
        tuple(findings),
    )


def open_due(detail: Detail) -> int:
    """The earliest 📅 due date of a note's open tasks, as `date.toordinal()`; 0 when none has one.

    An open-tasks block orders notes by this date: kept beside the detail it comes from, it lets a block
    pick the notes it shows from the index alone and build the tasks of those notes only.
    """
    fields = _field_names()[0]
    state, dates = fields.index("state"), fields.index("dates")
    days = [row[dates]["due"] for row in detail[0] if row[state] == "open" and "due" in row[dates]]
    return min(days).toordinal() if days else 0


def build_record(summary: NoteSummary, detail: Detail) -> NoteRecord:
    """The full record: equal to `NoteRecord.from_note` for the same file."""
    from vaultkit.notes.links import Link
    from vaultkit.notes.record import NoteRecord
    from vaultkit.notes.structure import Heading
    from vaultkit.notes.tasks import Task

    tasks, (headings, links, tags, placeholders, _findings) = detail
    return NoteRecord(
        path=summary.path,
        title=summary.title,
        type=summary.type,
        properties=dict(summary.properties),
        tasks=tuple(Task(*t) for t in tasks),
        headings=tuple(Heading(*h) for h in headings),
        links=tuple(Link(*link) for link in links),
        tags=tuple(tags),
        errors=summary.errors,
        warnings=summary.warnings,
        placeholders=tuple(placeholders),
        has_frontmatter=summary.has_frontmatter,
        is_template=summary.is_template,
        counts=summary.counts,
    )


# ---------------------------------------------------------------------------------------------- parsing




def read_note(path: str, abspath: Any) -> tuple[bytes | None, str | None]:
    """(bytes, None), or (None, reason) when the file cannot be read (the reason `Vault` reports)."""
    from vaultkit.fileio import read_bytes

    try:
        return read_bytes(abspath), None
    except NoteError as exc:
        return None, exc.reason


def _record(
    path: str, data: bytes | None, reason: str | None, statuses: TaskStatuses, is_template: bool
) -> NoteRecord:
    """The reference: exactly what `Vault.read_record` has always returned."""
    from vaultkit.notes.note import Note, decode_note
    from vaultkit.notes.record import NoteRecord

    if data is None:
        note = Note("", path, statuses=statuses)
        problem = Problem(None, f"cannot read: {reason}", code="io")
        return NoteRecord.from_note(note, path, is_template=is_template).with_errors(problem)
    text, problems = decode_note(data)
    note = Note(text, path, statuses=statuses, problems=problems)
    return NoteRecord.from_note(note, path, is_template=is_template)


def reference_record(root: Any, path: str, statuses: TaskStatuses, is_template: bool) -> NoteRecord:
    """A note's record parsed from disk the reference way (no index, no fast path)."""
    from vaultkit.fileio import OUTSIDE, inside_vault

    full = root / path
    if full.is_symlink() and not inside_vault(root, full):
        return _record(path, None, OUTSIDE, statuses, is_template)
    data, reason = read_note(path, full)
    return _record(path, data, reason, statuses, is_template)


def summary_parts(
    path: str, data: bytes | None, reason: str | None, statuses: TaskStatuses, is_template: bool
) -> SummaryParts:
    """The summary columns of one note from its bytes (`data` None: unreadable, for `reason`)."""
    if data is not None:
        from vaultkit.markdown.scanner import note_summary

        fast = note_summary(path, data, statuses)
        if fast is not None:
            done, open_, cancelled = fast.counts
            return (
                fast.title,
                fast.type,
                done,
                open_,
                cancelled,
                _flags(fast.has_properties, is_template, data),
                encode(fast.properties) if fast.properties else None,
                encode(_problem_rows(fast.problems)) if fast.problems else None,
            )
    return parts_of_record(_record(path, data, reason, statuses, is_template), data)


def full_parts(
    path: str, data: bytes | None, reason: str | None, statuses: TaskStatuses, is_template: bool
) -> tuple[SummaryParts, Detail]:
    """Summary and detail of one note from its bytes: `NoteRecord.from_note`, as `Vault` always built it,
    and the findings its text decides (none for a note that cannot be read or is not UTF-8).

    Most notes take the fast path: `_fast.scan.fast_detail` reads the rows the detail is made of, without
    building a `Note`, its record or any task object; the rest are read the reference way (`_record`).
    """
    findings: tuple[TextFinding, ...] = ()
    if data is not None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            from vaultkit.markdown.findings import text_findings

            findings = text_findings(text)
        from vaultkit.markdown.scanner import note_detail

        fast = note_detail(path, data, statuses)
        if fast is not None:
            return _fast_parts(fast, data, is_template, findings)
    record = _record(path, data, reason, statuses, is_template)
    return parts_of_record(record, data), detail_of_record(record, findings)


def _fast_parts(
    fast: FastDetail, data: bytes, is_template: bool, findings: tuple[TextFinding, ...]
) -> tuple[SummaryParts, Detail]:
    """`full_parts` from what `_fast.scan.fast_detail` read: the same values, joined as
    `NoteRecord.from_note` joins them (links in properties first, then the body's; the `tags` property,
    then the body's tags)."""
    from vaultkit.notes.structure import note_tags

    props = fast.properties
    tasks = fast.body.tasks
    done = cancelled = 0
    for task in tasks:
        state = task[TASK_ROW_STATE]
        if state == "done":
            done += 1
        elif state == "cancelled":
            cancelled += 1
    parts: SummaryParts = (
        fast.title,
        fast.type,
        done,
        len(tasks) - done - cancelled,
        cancelled,
        _flags(fast.has_properties, is_template, data),
        encode(props) if props else None,
        encode(_problem_rows(fast.problems)) if fast.problems else None,
    )
    outline: Outline = (
        tuple(fast.body.headings),
        tuple(fast.property_links + fast.body.links),
        note_tags(props.get("tags"), fast.body.tags),
        tuple(fast.body.placeholders),
        findings,
    )
    return parts, (tuple(tasks), outline)
