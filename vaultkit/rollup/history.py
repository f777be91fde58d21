"""Progress history from the rollup: the points each rollup records, and the history rebuilt from git.

Why this lives in rollup/ and not in history/: a point must be what the rollup counts (task statuses from
the config, status automation, plans aggregated from their milestones, links resolved as the vault
resolves them), and that is `rollup.model.build_model`. `history/` sits below rollup (rollup records
into it), so it holds the file format and the git reading, and this module joins them to the model.

Backfill runs the same model on the vault as it was at the last commit of each day (its notes read from
git, never from the working tree), with today's configuration and templates folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vaultkit.config import CONFIG_PATH
from vaultkit.errors import NoteError
from vaultkit.history.git import GIT_TIMEOUT, open_git
from vaultkit.history.store import HISTORY_PATH, Point, load_history, record, replace_history
from vaultkit.notes.links import LinkIndex
from vaultkit.notes.note import Note, decode_note
from vaultkit.notes.record import NoteRecord
from vaultkit.rollup.model import RollupModel, RollupSettings, build_model
from vaultkit.vault import Vault

__all__ = ["BackfillReport", "backfill", "progress_points", "record_progress"]

RECORDED_TYPES = ("plan", "milestone")


def progress_points(model: RollupModel, day: dt.date) -> list[Point]:
    """One point per plan (its tasks with its milestones') and milestone (its own tasks), in path order."""
    points = []
    for path in sorted(model.views):
        kind = model.views[path].type
        plan = model.plans.get(path) if kind == "plan" else None
        if plan is not None:
            counts = plan.counts
            milestones = (plan.milestones_done, plan.milestones_total)
            points.append(Point(day, path, "plan", counts.done, counts.total, *milestones))
        elif kind == "milestone":
            counts = model.views[path].counts
            points.append(Point(day, path, kind, counts.done, counts.total))
    return points


def record_progress(vault: Vault, model: RollupModel, day: dt.date) -> tuple[int, str | None]:
    """Append the day's changed points; (how many, None), or (0, a warning) when the history cannot be
    read or written: the history never stops a rollup."""
    try:
        return record(vault.root, progress_points(model, day)), None
    except (NoteError, OSError) as exc:
        reason = exc.reason if isinstance(exc, NoteError) else (exc.strerror or str(exc))
        return 0, f"{HISTORY_PATH.as_posix()}: progress not recorded: {reason}"


@dataclass(slots=True)
class BackfillReport:
    """What `backfill` did: days read from git, points written, live points kept, notes followed across
    renames, and warnings (a shallow clone)."""

    days: int = 0
    points: int = 0
    kept: int = 0
    renamed: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "points": self.points,
            "kept": self.kept,
            "renamed": dict(sorted(self.renamed.items())),
            "warnings": list(self.warnings),
        }

    def render(self) -> str:
        lines = [f"{HISTORY_PATH.as_posix()}: {self.points} points from {self.days} days of git history"]
        if self.kept:
            lines[0] += f", {self.kept} recorded points kept for days git does not cover"
        lines += [f"followed a rename: {old} → {new}" for old, new in sorted(self.renamed.items())]
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)


def backfill(vault: Vault, *, timeout: float = GIT_TIMEOUT) -> BackfillReport:
    """Rebuild the history from the vault's git commits and merge it with the history recorded live.

    Each day git covers is replaced by what the model counts at that day's last commit; points recorded
    on other days are kept. A note git saw renamed keeps its series under its newest path. The merged
    history is written atomically, with a point only where a note's counts changed.
    """
    repo = open_git(vault.root, timeout)
    report = BackfillReport()
    if repo.shallow:
        report.warnings.append(
            "a shallow clone: days before its first commit are missing (`git fetch --unshallow` gets them)"
        )
    settings = RollupSettings.from_config(vault.config, vault.root / CONFIG_PATH)
    notes: dict[str, Note] = {}
    built: dict[tuple[str, str], NoteRecord] = {}
    found: list[Point] = []
    moves: list[tuple[dt.date, str, str]] = []
    previous: str | None = None
    days = repo.days()
    for day, commit in days:
        files = repo.files(commit)
        wanted = {blob for path, (mode, blob) in files.items() if path.endswith(".md") and mode != "120000"}
        missing = [blob for blob in wanted if blob not in notes]
        for blob, data in repo.blobs(missing).items():
            text, problems = decode_note(data)
            notes[blob] = Note(text, None, statuses=vault.config.statuses, problems=problems, disk_bytes=data)
        records = []
        for path, (_mode, blob) in files.items():
            if blob in wanted and blob in notes:
                key = (path, blob)
                if key not in built:
                    built[key] = NoteRecord.from_note(notes[blob], path, is_template=vault.is_template(path))
                records.append(built[key])
        model = build_model(records, _resolver(LinkIndex(files)), settings, day)
        found += progress_points(model, day)
        if previous is not None:
            moves += [(day, old, new) for old, new in repo.renames(previous, commit)]
        previous = commit
    report.days = len(days)
    live = load_history(vault.root)
    covered = {day for day, _ in days}
    kept = [point for point in live.points if point.day not in covered]
    report.kept = len(kept)
    points = _follow(kept + found, moves, report.renamed)
    merged = _changes_only(points)
    replace_history(vault.root, merged)
    report.points = len(merged)
    return report


def _resolver(links: LinkIndex) -> Callable[[str, str], str | None]:
    """Link resolution over one commit's files, as `Vault.resolve_path` resolves over the walk's."""
    return lambda target, source: links.resolve(target, source).path


def _follow(
    points: list[Point], moves: list[tuple[dt.date, str, str]], renamed: dict[str, str]
) -> list[Point]:
    """Points of a note before each of its moves filed under the path it moved to, in the order of the
    moves, so a note moved twice ends under its newest path."""
    for day, old, new in moves:
        if any(point.path == old and point.day < day for point in points):
            renamed[old] = new
        points = [Point(p.day, new, *_rest(p)) if p.path == old and p.day < day else p for p in points]
    for old, new in list(renamed.items()):  # report where each old name ended up
        seen = {old}
        while new in renamed and new not in seen:
            seen.add(new)
            new = renamed[new]
        renamed[old] = new
    return points


def _rest(point: Point) -> tuple[str, int, int, int | None, int | None]:
    return (point.type, point.done, point.total, point.milestones_done, point.milestones_total)


def _changes_only(points: list[Point]) -> list[Point]:
    """One point per note and day (the last given), then only those that differ from the note's previous
    point; ordered by day, then path, as appends would have written them."""
    by_key = {(point.path, point.day): point for point in points}
    kept: list[Point] = []
    last: dict[str, Point] = {}
    for path, day in sorted(by_key):
        point = by_key[(path, day)]
        before = last.get(path)
        if before is None or (before.type, before.value()) != (point.type, point.value()):
            kept.append(point)
            last[path] = point
    return sorted(kept, key=lambda point: (point.day, point.path))
