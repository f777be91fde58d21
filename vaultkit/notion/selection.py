"""Which notes a Notion sync takes, and their sync ids.

A note is synced when its type is plan, milestone or journal. Each is read once here and given its sync id
(`vaultkit_id` in the frontmatter; a new one is written into the note once, as a one-line change). Two notes
carrying one id (a copied note) are both failed rather than fighting over one page, and the ids found in
notes whose properties are broken are kept, so that a full sync never trashes their pages for them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vaultkit.errors import NoteError
from vaultkit.notes.links import linked_targets
from vaultkit.notes.note import Note
from vaultkit.notion.report import NoteOutcome
from vaultkit.vault import Vault

__all__ = [
    "ID_PROPERTY",
    "KIND_OF_TYPE",
    "KIND_ORDER",
    "Selection",
    "SyncItem",
    "is_sync_id",
    "members_of",
    "select_notes",
    "sync_id_in",
    "write_sync_id",
]

ID_PROPERTY = "vaultkit_id"
"""The frontmatter key of a note's sync id: 32 hex digits, written once, never changed."""

KIND_OF_TYPE = {"plan": "plans", "milestone": "milestones", "journal": "journals"}
KIND_ORDER = {"plans": 0, "milestones": 1, "journals": 2}
"""The order the kinds are synced in: plans first, so that relations can point at their pages."""

_ID_RE = re.compile(r"[0-9a-f]{32}")
_FRONT_ID = re.compile(rf"^{ID_PROPERTY}:\s*[\"']?([0-9a-f]{{32}})", re.MULTILINE)
_FRONT_TYPE = re.compile(r"^type:\s*[\"']?(plan|milestone|journal)\b", re.MULTILINE | re.IGNORECASE)


def is_sync_id(text: str) -> bool:
    """Whether `text` has the shape of a sync id (32 lowercase hex digits), in a note or on a page."""
    return _ID_RE.fullmatch(text) is not None


@dataclass
class SyncItem:
    """One note being synced: read once, with its sync id and (once known) its page."""

    path: str
    note: Note
    kind: str
    sync_id: str
    new_id: bool
    outcome: NoteOutcome
    data_source: str = ""
    page: dict[str, Any] | None = None
    created: bool = False


@dataclass
class Selection:
    """The notes to sync, the outcomes of those that cannot be, the ids of pages to keep whatever happens
    (broken or copied notes), and whether a note could not be read at all (then no page may be trashed:
    its id is unknown)."""

    items: list[SyncItem] = field(default_factory=list)
    failed: list[NoteOutcome] = field(default_factory=list)
    protected: set[str] = field(default_factory=set)
    unreadable: bool = False


def select_notes(vault: Vault, paths: Sequence[str] | None) -> Selection:
    """The notes to sync (every plan, milestone and journal, or only `paths`), each read once."""
    summaries = vault.summaries
    wanted = set(paths) if paths is not None else None
    chosen = Selection()
    items: list[SyncItem] = []
    seen: dict[str, list[SyncItem]] = {}
    for path in sorted(summaries):
        summary = summaries[path]
        if summary.is_template or (wanted is not None and path not in wanted):
            continue
        if summary.errors:
            raw = _raw(vault, path)
            chosen.protected.update(_FRONT_ID.findall(raw))
            if wanted is not None or _FRONT_TYPE.search(raw):
                first = summary.errors[0]
                chosen.failed.append(NoteOutcome(path, "failed", error=first.message, line=first.line))
            continue
        kind = KIND_OF_TYPE.get(summary.type or "")
        if kind is None:
            if wanted is not None:
                chosen.failed.append(NoteOutcome(
                    path, "failed", error=f"type {summary.type!r}: only plan, milestone and journal "
                    "notes are synced",
                ))
            continue
        item = _item(vault, path, kind)
        if item.outcome.action == "failed":
            chosen.unreadable = True  # its sync id is unknown: no page may be trashed for want of it
            chosen.failed.append(item.outcome)
            continue
        seen.setdefault(item.sync_id, []).append(item)
        items.append(item)
    for sync_id, sharing in seen.items():
        if len(sharing) < 2:
            continue
        chosen.protected.add(sync_id)  # its page stays as it is until the copy is told apart
        for item in sharing:
            others = ", ".join(other.path for other in sharing if other is not item)
            item.outcome.action = "failed"
            item.outcome.error = (
                f"{ID_PROPERTY} is the same as in {others} (a copied note?): delete the "
                f"{ID_PROPERTY} line of the copy and sync again"
            )
            chosen.failed.append(item.outcome)
    chosen.items = [item for item in items if item.outcome.action != "failed"]
    return chosen


def _raw(vault: Vault, path: str) -> str:
    try:
        return vault.abspath(path).read_bytes()[:65536].decode("utf-8", "replace")
    except OSError:
        return ""


def _item(vault: Vault, path: str, kind: str) -> SyncItem:
    outcome = NoteOutcome(path, "unchanged")
    try:
        note = Note.load(vault.abspath(path), statuses=vault.config.statuses)
    except NoteError as exc:
        outcome.action, outcome.error = "failed", exc.reason
        return SyncItem(path, Note.parse(""), kind, "", False, outcome)
    value = note.properties.get(ID_PROPERTY)
    text = value.strip().lower() if isinstance(value, str) else ""
    new = not is_sync_id(text)
    sync_id = uuid.uuid4().hex if new else text
    outcome.sync_id = sync_id
    if new and value not in (None, ""):
        outcome.warnings.append(f"{ID_PROPERTY} {value!r} is not 32 hex digits; a new id is written")
    return SyncItem(path, note, kind, sync_id, new, outcome)


def members_of(vault: Vault, plans: Iterable[str]) -> list[str]:
    """Milestones and journals of these plans that were synced before (their relations may lag)."""
    plans = set(plans)
    out: list[str] = []
    for path, summary in vault.summaries.items():
        if summary.is_template or summary.errors or summary.type not in ("milestone", "journal"):
            continue
        if not isinstance(summary.properties.get(ID_PROPERTY), str):
            continue
        targets = linked_targets(summary.properties.get("plan"))
        if any(vault.resolve_path(target, path) in plans for target in targets):
            out.append(path)
    return out


def sync_id_in(vault: Vault, path: str) -> str | None:
    """The sync id the index holds for the note at `path`, without reading it (None if it has none)."""
    summary = vault.summaries.get(path)
    if summary is None or summary.errors:
        return None
    value = summary.properties.get(ID_PROPERTY)
    text = value.strip().lower() if isinstance(value, str) else ""
    return text if is_sync_id(text) else None


def write_sync_id(item: SyncItem, dry_run: bool) -> bool:
    """Write a new sync id into the note (a one-line change); False, with the note failed, if it can't."""
    if not item.new_id or dry_run:
        if item.new_id:
            item.outcome.sent.append(f"write {ID_PROPERTY}: {item.sync_id} (provisional) into the note")
        return True
    try:
        item.note.set_property(ID_PROPERTY, item.sync_id)
        item.note.save()
    except NoteError as exc:
        item.outcome.action, item.outcome.error, item.outcome.line = "failed", exc.reason, exc.line
        return False
    item.new_id = False
    return True
