"""`vaultkit rollup`: write the rollup into the vault's notes, safely, and report what changed and why.

The thin I/O layer over `rollup` (what each note's properties should be) and `summary` (what each managed
block should say). For every note that rollup manages (a managed `type`, status automation, or managed
blocks) it reads the file, checks that it still is what the model was computed from, splices the new block
texts and edits only the derived properties, and writes atomically, only when the bytes change.

Obsidian, a sync tool or the user may change a note while this runs. Two guards: a note whose content no
longer matches the record the model was built from is re-read and the whole model recomputed; and the
write itself is a compare-and-swap (`ConflictError` when the file changed after we read it), handled the
same way. After `MAX_PASSES` passes a note that keeps changing is skipped and reported, never overwritten.

One note rollup cannot write (properties it may not edit, a read-only note or folder, a disk error) is
skipped and reported with its path and why; the others are still rolled up. A real run first removes the
temp files an interrupted earlier write left behind (`remove_stale_temp_files`).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vaultkit.config import CONFIG_PATH
from vaultkit.diffs import unified_diff
from vaultkit.errors import ConflictError, NoteError, Problem, UnsafePathError
from vaultkit.fileio import read_bytes, refuse_read_only, remove_stale_temp_files
from vaultkit.index.rows import MARKER
from vaultkit.index.scan import content_hash
from vaultkit.notes.note import Note, decode_note, type_problem
from vaultkit.notes.record import NoteRecord
from vaultkit.notes.tasks import Task, TaskCounts
from vaultkit.reporting import reported
from vaultkit.rollup.charts import ChartFiles
from vaultkit.rollup.dashboards import Block, SummaryData, apply_blocks, parse_blocks
from vaultkit.rollup.history import record_progress
from vaultkit.rollup.incremental import RollupState, keep_blocks, plan_round, remember
from vaultkit.rollup.model import NoteView, PropertyChange, RollupModel, RollupSettings, build_model
from vaultkit.rollup.render import RolledNote, first_open_due
from vaultkit.vault import Change, Vault

if TYPE_CHECKING:
    from vaultkit.index.rows import NoteSummary

__all__ = ["MAX_PASSES", "NoteChange", "RollupReport", "Skipped", "load_settings", "rollup_vault"]

MAX_PASSES = 3
"""How often a note that keeps changing under us is re-read before it is skipped."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A note rollup left alone. `problem` is False for expected skips (templates, hints)."""

    path: str
    reason: str
    problem: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason}


@dataclass(slots=True)
class NoteChange:
    """What rollup changed (or, in a dry run, would change) in one note."""

    path: str
    properties: list[PropertyChange] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        names = list(dict.fromkeys(change.key for change in self.properties))
        return {"path": self.path, "properties": names, "blocks": list(dict.fromkeys(self.blocks))}

    def why(self) -> str:
        parts = []
        if self.properties:
            parts.append(", ".join(change.describe() for change in self.properties))
        if self.blocks:
            noun = "block" if len(set(self.blocks)) == 1 else "blocks"
            parts.append(f"{noun} " + ", ".join(dict.fromkeys(self.blocks)))
        return "; ".join(parts)


TEMPLATE_REASON = "in the templates folder (templates are never rolled up)"


@dataclass(slots=True)
class RollupReport:
    """The outcome of `rollup_vault`. `as_dict()` is the `--json` contract; `diff` is set in dry runs."""

    changed: list[NoteChange] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    diff: str = ""
    dry_run: bool = False
    held: list[str] = field(default_factory=list)
    """Notes in `hold` that are out of date: computed, not written (a later run writes them)."""
    written: dict[str, bytes] = field(default_factory=dict)
    """The content hash of every note this run wrote, by path: how a watcher knows its own writes."""
    recorded: int = 0
    """Points this run appended to the progress history (`vaultkit.history`): notes whose counts changed."""
    warnings: list[str] = field(default_factory=list)
    """What went wrong beside the notes (a history that cannot be written): said, never a failure."""
    charts: list[str] = field(default_factory=list)
    """Chart files (`chart` and `skills` blocks) this run wrote, vault-relative: only those whose bytes
    changed."""
    stopped: bool = False
    """`should_stop` ended the run between two notes: what was written is whole, the rest is not done."""

    @property
    def problems(self) -> bool:
        """True when a note was skipped for a problem (exit status 1)."""
        return any(skip.problem for skip in self.skipped)

    def as_dict(self) -> dict[str, Any]:
        return {
            "changed": [change.as_dict() for change in self.changed],
            "unchanged": self.unchanged,
            "skipped": [skip.as_dict() for skip in self.skipped],
        } | ({"warnings": list(self.warnings)} if self.warnings else {})

    def render(self, *, templates: bool = True) -> str:
        """Human output: one line per changed note saying why, then a total, then what was skipped.

        `templates=False` leaves out the line counting the templates left alone: they are skipped by
        design on every run, so the CLI shows that line only when asked to be verbose.
        """
        lines = [f"{change.path}: {change.why()}" for change in self.changed]
        notes = "note" if self.unchanged == 1 else "notes"
        if not self.changed:
            lines.append(f"nothing to change ({self.unchanged} {notes} up to date)")
        else:
            verb = "would update" if self.dry_run else "updated"
            count = len(self.changed)
            lines.append(
                f"{verb} {count} {'note' if count == 1 else 'notes'}, {self.unchanged} {notes} up to date"
                + (" (dry run: nothing written)" if self.dry_run else "")
            )
        # Problems are listed one by one; templates (skipped by design, every run) in one line.
        left = [skip for skip in self.skipped if skip.reason == TEMPLATE_REASON]
        lines += [f"skipped {skip.path}: {skip.reason}" for skip in self.skipped if skip not in left]
        if left and templates:
            count = len(left)
            lines.append(f"{count} {'template' if count == 1 else 'templates'} left alone (never rolled up)")
        lines += [f"{chart}: chart redrawn" for chart in self.charts]
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)


class _Known(ABC):
    """A note rollup knows through something else (`_source`): a summary, a record built on demand."""

    __slots__ = ()

    @abstractmethod
    def _source(self) -> NoteSummary | NoteRecord:
        """Where the note's attributes are read from."""

    @property
    def title(self) -> str:
        return self._source().title

    @property
    def type(self) -> str | None:
        return self._source().type

    @property
    def properties(self) -> Mapping[str, Any]:
        return self._source().properties

    @property
    def counts(self) -> TaskCounts:
        return self._source().counts

    @property
    def errors(self) -> tuple[Problem, ...]:
        return self._source().errors

    @property
    def editable(self) -> bool:
        return not self._source().errors

    @property
    def is_template(self) -> bool:
        return self._source().is_template


class IndexedNote(_Known):
    """A note as the index summarises it (type, properties, counts, problems), with its tasks built from
    the index only when asked for: a summary block that lists tasks, or a note about to be written.
    Building every note's full record costs seconds on a 10,000-note vault; most rollups need none."""

    __slots__ = ("_summary", "_vault")

    def __init__(self, summary: NoteSummary, vault: Vault) -> None:
        self._summary = summary
        self._vault = vault

    def _source(self) -> NoteSummary:
        return self._summary

    @property
    def path(self) -> str:
        return self._summary.path

    @property
    def tasks(self) -> tuple[Task, ...]:
        return self._vault.records[self._summary.path].tasks


class WrittenNote(_Known):
    """A note this rollup has just written. Its record is built from the new text only when a later pass
    asks for it (after a note changed on disk meanwhile): on a first rollup of 10,000 notes that is never,
    and building each record would cost as much as the rest of the run."""

    __slots__ = ("_abspath", "_data", "_record", "_statuses", "path")

    def __init__(self, path: str, text: str, abspath: Any, statuses: Any) -> None:
        self.path = path
        self._data = text.encode("utf-8")  # a quarter of the text's size where a note holds an emoji
        self._abspath = abspath
        self._statuses = statuses
        self._record: NoteRecord | None = None

    def _source(self) -> NoteRecord:
        if self._record is None:
            note = Note.parse(self._data.decode("utf-8"), self._abspath, statuses=self._statuses)
            self._record = NoteRecord.from_note(note, self.path)
        return self._record

    @property
    def tasks(self) -> tuple[Task, ...]:
        return self._source().tasks


KnownNote = NoteRecord | IndexedNote | WrittenNote


def load_settings(vault: Vault) -> RollupSettings:
    """The vault's `[rollup]` settings. Raises VaultError (file and key) when the config is invalid."""
    return RollupSettings.from_config(vault.config, vault.root / CONFIG_PATH)


# ---------------------------------------------------------------------------------------------- running


def rollup_vault(
    vault: Vault,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
    hold: Collection[str] = (),
    following: bool = False,
    state: RollupState | None = None,
    changed: Collection[str] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RollupReport:
    """Roll up every managed note of `vault`; with `dry_run`, compute the diff and write nothing.

    `today` is the date written to `completed` by status automation (default: the local date).

    `hold` names notes not to write this time (a watcher's notes that the user is editing): they count as
    they read now, so plans and dashboards are right at once, but their own properties and blocks wait;
    those that are out of date are listed in `report.held`. `following` is for a caller that keeps `vault`
    current itself (the watcher): the notes written are followed one path at a time instead of walking the
    vault again, and the sweep for stale temp files (a walk too) is left to the caller's first run.

    `state` (kept by the caller between runs) and `changed` (the notes re-read since the last run) make the
    run incremental: only those notes, the plans they belong to and the dashboards that can show them are
    recomputed (`rollup.incremental`), with the same result as a full run. Without `changed`, or when the
    change may move links, the run is a full one, and it fills `state` for the next. `should_stop` is asked
    between notes; when it says yes the run ends there (`report.stopped`), after the write in flight.
    """
    today = today if today is not None else dt.date.today()
    settings = load_settings(vault)
    if not dry_run and not following:
        remove_stale_temp_files(vault.root)
    records = _records(vault, state, changed if not dry_run else None)
    report = RollupReport(dry_run=dry_run)
    block_paths: set[str] = set()
    resolve = state.resolve(vault.resolve_path) if state is not None else vault.resolve_path
    model, only, keeps = plan_round(state, vault.root, records, settings, today, changed, resolve)
    pending = _candidates(vault, records, settings, report, block_paths, only)
    candidates = list(pending)
    outcomes: dict[str, NoteChange] = {}
    previews: dict[str, tuple[str, str]] = {}
    stale: list[str] = []
    block_notes: dict[tuple[str, int, str], None] = {}
    charts = ChartFiles(vault.root, today, completed_key=settings.names["completed"])
    for _ in range(MAX_PASSES):
        if model is None:
            model = build_model(records.values(), resolve, settings, today)
        data = _summary_data(model, settings, vault, resolve, charts, state)
        stale = []
        for path in reported(pending, len(pending), "rolling up notes"):
            if should_stop is not None and should_stop():
                report.stopped = True
                break
            if path not in block_paths and not model.changes.get(path):
                continue  # up to date by its (index-fresh) record: no need to read or parse it
            held = path in hold and not dry_run
            try:
                keep = keep_blocks(keeps.get(path), path, resolve)
                result = _roll_note(vault, path, records, model, data, dry_run or held, keep)
            except (NoteError, UnsafePathError, OSError) as exc:  # one note never stops the others
                result = Skipped(path, _reason(exc))
            if isinstance(result, Skipped):
                report.skipped.append(result)
            elif result is None:
                stale.append(path)
            else:
                block_notes.update(dict.fromkeys((path, line, msg) for line, msg in result.problems))
            if held:
                if isinstance(result, _Rolled) and result.change is not None and path not in report.held:
                    report.held.append(path)
                continue
            if isinstance(result, _Rolled) and result.change is not None:
                if not dry_run:
                    report.written[path] = content_hash(result.after.encode("utf-8"))
                _merge(outcomes, result.change, dry_run)
                if dry_run:  # the diff is printed: a real run keeps no text (10,000 notes, hundreds of MB)
                    previews[path] = (previews[path][0] if path in previews else result.before, result.after)
        if not stale or report.stopped:
            break
        # The model changed: notes already handled may now be out of date too, so look at all again.
        model = None
        if only is not None:  # an incremental run widens to every note, as a full run would
            scratch = RollupReport()
            candidates = _candidates(vault, records, settings, scratch, block_paths)
            known = {skip.path for skip in report.skipped}
            report.skipped += [skip for skip in scratch.skipped if skip.path not in known]
            only, keeps = None, {}
        skipped = {skip.path for skip in report.skipped}
        pending = [path for path in candidates if path not in skipped]
    for path in stale if not report.stopped else ():
        if dry_run:  # a real run keeps what it did write to the note in an earlier pass
            outcomes.pop(path, None)
            previews.pop(path, None)
        report.skipped.append(
            Skipped(
                path, f"changed on disk while rollup ran ({MAX_PASSES} tries); nothing written, run again"
            )
        )
    report.skipped += [Skipped(path, f"line {line}: {message}") for path, line, message in block_notes]
    report.skipped.sort(key=lambda skip: skip.path)
    report.changed = [outcomes[path] for path in sorted(outcomes)]
    done = set(outcomes) | {skip.path for skip in report.skipped} | set(report.held)
    report.unchanged = sum(1 for path in candidates if path not in done)
    if dry_run:
        report.diff = "".join(unified_diff(path, *previews[path]) for path in sorted(previews))
    elif report.changed and following:  # the notes just written, into the index in one transaction
        vault.apply_changes([Change("changed", change.path) for change in report.changed])
    elif report.changed:
        # The index takes in what was just written, so the next command (a second rollup, `status`)
        # finds every note as the index knows it and writes nothing: a run that changes nothing writes
        # nothing, the index included.
        vault.index.follow([change.path for change in report.changed], [])
        vault.refresh()
    if not dry_run and not report.stopped:  # charts of `chart` and `skills` blocks, where their bytes changed
        report.charts, warnings = charts.write()
        report.warnings += warnings
    if not dry_run and not report.stopped:  # the day's progress, where it changed: an idle run writes nothing
        final = model if model is not None else build_model(records.values(), resolve, settings, today)
        report.recorded, warning = record_progress(vault, final, today)
        report.warnings += [warning] if warning else []
    if state is not None:
        remember(
            state, model if not (dry_run or report.stopped) else None, settings, today, block_paths, only
        )
        state.retry = {*report.held, *(skip.path for skip in report.skipped if skip.problem)}
        state.dirty = {*report.written, *state.retry}
    return report


def _records(
    vault: Vault, state: RollupState | None, changed: Collection[str] | None
) -> dict[str, KnownNote]:
    """Every note as rollup knows it. A watcher's round takes the previous round's and renews only the
    notes re-read since (10,000 new objects a round otherwise); any other run starts afresh."""
    kept: dict[str, KnownNote] | None = None
    if state is not None and changed is not None and state.model is not None:
        kept = state.records
    if kept is None:
        records: dict[str, KnownNote] = {
            path: IndexedNote(summary, vault) for path, summary in vault.summaries.items()
        }
    else:
        records = kept
        for path in {*changed, *state.dirty} if state is not None and changed is not None else ():
            summary = vault.summaries.get(path)
            if summary is None:
                records.pop(path, None)
            else:
                records[path] = IndexedNote(summary, vault)
    if state is not None:
        state.records = records
    return records


def _candidates(
    vault: Vault,
    records: dict[str, KnownNote],
    settings: RollupSettings,
    report: RollupReport,
    block_paths: set[str],
    only: list[str] | None = None,
) -> list[str]:
    """Notes rollup works on (of `only`, when given), in path order; notes it must leave alone go to
    `report.skipped`.

    Notes that hold managed blocks are added to `block_paths`: those are re-rendered every full run.
    """
    candidates = []
    status_types = settings.status.types if settings.status.enabled else frozenset()
    chosen = records.items() if only is None else ((path, records[path]) for path in only if path in records)
    for path, record in chosen:
        managed = record.type in settings.types or record.type in status_types
        blocks = _mentions_blocks(vault, path)
        if record.is_template:
            if managed or blocks:
                report.skipped.append(Skipped(path, TEMPLATE_REASON, problem=False))
        elif not record.editable:
            first = record.errors[0]
            where = f"line {first.line}: " if first.line else ""
            report.skipped.append(Skipped(path, f"{where}{first.message}"))
        elif managed or blocks:
            candidates.append(path)
            if blocks:
                block_paths.add(path)
        elif record.type is None and record.properties.get("plan"):
            wrong_type = type_problem(record.properties.get("type"))
            report.skipped.append(
                Skipped(
                    path,
                    f"has a `plan` property, but {wrong_type} to roll it up"
                    if wrong_type
                    else "has a `plan` property but no `type` (add `type: milestone` to roll it up)",
                    problem=False,
                )
            )
    return candidates


def _mentions_blocks(vault: Vault, path: str) -> bool:
    """Whether the note may hold managed blocks: the index knows (it looked for the markers when it read
    the note); a note it does not know is read."""
    summary = vault.summaries.get(path)
    if summary is not None and summary.markers is not None:
        return summary.markers
    try:
        return MARKER in (vault.root / path).read_bytes()
    except OSError:
        return False


def _summary_data(
    model: RollupModel,
    settings: RollupSettings,
    vault: Vault,
    resolve: Callable[[str, str], str | None],
    charts: ChartFiles,
    state: RollupState | None = None,
) -> SummaryData:
    ambiguous = state.ambiguous if state is not None else {}

    def is_ambiguous(name: str, source: str) -> bool:
        key = (name, source)
        if key not in ambiguous:
            ambiguous[key] = vault.resolve(name, source).ambiguous
        return ambiguous[key]

    dues = state.dues if state is not None else {}
    return SummaryData(
        notes=model.views,
        plans=model.plans,
        resolve=resolve,
        done_statuses=settings.done_statuses,
        bar_width=settings.bar_width,
        journal_limit=settings.journal_limit,
        open_tasks_limit=settings.open_tasks_limit,
        due_key=settings.names["due"],
        date_key=settings.names["date"],
        open_dues=lambda notes: _open_dues(vault, notes, dues),
        ambiguous=is_ambiguous,
        today=charts.today,
        history=charts.series,
        renderers=charts.renderers(),
        rows=state.rows if state is not None else None,
    )


def _open_dues(
    vault: Vault, notes: Sequence[RolledNote], cache: dict[str, dt.date | None]
) -> dict[str, dt.date | None]:
    """Where each note stands in an open-tasks block, from the index for notes known by their summary
    (no task is built), from the tasks of a note read during this run (its index entry is behind).
    `cache` keeps the answers for the next run of a watcher (its state drops those of changed notes)."""
    found = {note.path: cache[note.path] for note in notes if note.path in cache}
    notes = [note for note in notes if note.path not in found]
    indexed = [n.path for n in notes if isinstance(n, NoteView) and isinstance(n.source, IndexedNote)]
    known = vault.index.open_dues(indexed) if indexed else {}
    for note in notes:
        day = known.get(note.path)
        if day is None:
            found[note.path] = first_open_due(note.tasks)
        else:
            found[note.path] = dt.date.fromordinal(day) if day else None
        cache[note.path] = found[note.path]
    return found


@dataclass(frozen=True, slots=True)
class _Rolled:
    change: NoteChange | None  # None: the note is up to date
    before: str
    after: str
    problems: list[tuple[int, str]]  # blocks left untouched, with why


def _fingerprint(record: KnownNote) -> str:
    """What the model reads of a note; if it differs from the file now, the model is out of date.

    The counts are read apart from the tasks: an index entry whose stat looked current (an edit that kept
    size and mtime) may hold old counts while its tasks are parsed from the file as it is now.
    """
    return repr((record.type, record.properties, record.counts, record.tasks, record.errors))


def _roll_note(
    vault: Vault,
    path: str,
    records: dict[str, KnownNote],
    model: RollupModel,
    data: SummaryData,
    dry_run: bool,
    keep: Callable[[Block], bool] | None = None,
) -> _Rolled | Skipped | None:
    """Bring one note up to date. None: it changed since the model was built (re-read; recompute)."""
    try:
        abspath = vault.abspath(path)
        raw = read_bytes(abspath)
    except (NoteError, UnsafePathError) as exc:
        return Skipped(path, str(exc.reason if isinstance(exc, NoteError) else exc))
    text, decode_problems = decode_note(raw)
    note = Note(text, abspath, statuses=vault.config.statuses, problems=decode_problems, disk_bytes=raw)
    known = records[path]
    # Up to date: the index entry the model read was made from these very bytes (a hash, no parse), or
    # the note reads as the model read it.
    current = isinstance(known, IndexedNote) and vault.index.holds(path, raw)
    if not current:
        fresh = NoteRecord.from_note(note, path)
        if _fingerprint(fresh) != _fingerprint(known):
            records[path] = fresh
            return None
    if not note.editable:  # it broke while we ran: its record was refreshed, now leave it alone
        return Skipped(path, note.errors[0].message)
    body = note.body
    found, problems = parse_blocks(body, note.body_line)
    new_body, blocks = apply_blocks(body, data, path, note.body_line, keep, found)
    target = note
    if blocks:
        target = Note(
            text[: len(text) - len(body)] + new_body, abspath, statuses=vault.config.statuses, disk_bytes=raw
        )
    changes = list(model.changes.get(path, ()))
    try:
        for change in changes:
            if change.delete:
                target.delete_property(change.key)
            else:
                target.set_property(change.key, change.new)
    except NoteError as exc:  # properties it may not edit, such as one `{...}` mapping
        return Skipped(path, exc.reason)
    after = target.dumps()
    if after == text:
        return _Rolled(None, text, text, problems)
    try:
        if dry_run:
            refuse_read_only(abspath)  # a dry run reports what the real run would do
        else:
            _save(target)
    except ConflictError:
        records[path] = vault.read_record(path)
        return None
    except NoteError as exc:
        return Skipped(path, exc.reason)
    except OSError as exc:
        return Skipped(path, f"cannot write: {exc.strerror or exc}")
    if not dry_run:
        records[path] = WrittenNote(path, after, abspath, vault.config.statuses)
    return _Rolled(NoteChange(path, changes, blocks), text, after, problems)


def _reason(exc: NoteError | UnsafePathError | OSError) -> str:
    if isinstance(exc, NoteError):
        return exc.reason
    if isinstance(exc, OSError):
        return f"cannot read or write it: {exc.strerror or exc}"
    return str(exc)


def _save(note: Note) -> bool:
    """The one place rollup writes (a seam for tests that change a file at the last moment)."""
    return note.save()


def _merge(outcomes: dict[str, NoteChange], change: NoteChange, dry_run: bool) -> None:
    """Record a change; after a re-read, a real run adds to what it already wrote, a dry run replaces."""
    known = outcomes.get(change.path)
    if known is None or dry_run:
        outcomes[change.path] = change
    else:
        known.properties += change.properties
        known.blocks += [b for b in change.blocks if b not in known.blocks]
