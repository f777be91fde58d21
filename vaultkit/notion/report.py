"""What a Notion sync reports: one outcome per note (or trashed page), and the run's report.

Kept apart from the run so that choosing the notes (`selection.py`), finding their pages (`lookup.py`) and
the run itself (`sync.py`) record into one shape, and a failure reads the same whichever step met it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from vaultkit.errors import VaultkitError
from vaultkit.notion.client import NotionError

__all__ = ["NoteOutcome", "SyncReport", "record_failure"]

# The run's logger: a note's failure is a line of the sync, whichever of its modules met it.
log = logging.getLogger("vaultkit.notion.sync")


@dataclass
class NoteOutcome:
    """What the sync did with one note (or, with `--dry-run`, would do)."""

    path: str
    action: str  # created | updated | unchanged | trashed | failed
    page_id: str | None = None
    error: str | None = None
    line: int | None = None
    sync_id: str | None = None
    sent: list[str] = field(default_factory=list)  # what was (or would be) sent, one phrase each
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "action": self.action, "page_id": self.page_id}
        if self.error is not None:
            out["error"] = self.error
            out["line"] = self.line
        if self.sent:
            out["sent"] = list(self.sent)
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


@dataclass
class SyncReport:
    """Every note's outcome, and what the run asked of Notion."""

    notes: list[NoteOutcome] = field(default_factory=list)
    requests: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def failed(self) -> list[NoteOutcome]:
        return [n for n in self.notes if n.action == "failed"]

    def as_dict(self) -> dict[str, Any]:
        totals: dict[str, int] = {}
        for note in self.notes:
            totals[note.action] = totals.get(note.action, 0) + 1
        return {
            "dry_run": self.dry_run,
            "notes": [n.as_dict() for n in self.notes],
            "totals": totals,
            "requests": dict(self.requests),
        }


def record_failure(outcome: NoteOutcome, exc: VaultkitError) -> None:
    """Mark a note failed with the reason `exc` gives (for Notion, the request it refused), so the run
    reports it with its path and goes on with the other notes."""
    outcome.action = "failed"
    outcome.error = exc.message if isinstance(exc, NotionError) else str(exc)
    line = getattr(exc, "line", None)
    outcome.line = line if isinstance(line, int) else None
    if isinstance(exc, NotionError) and exc.method:
        outcome.error = f"{exc.method} /v1/{exc.path}: {exc.code}: {exc.message}"
    log.info("%s: %s", outcome.path, outcome.error)
