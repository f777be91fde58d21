"""`vaultkit notion sync`: every plan, milestone and journal as one page of its Notion database.

A page is found by its note's sync id (`vaultkit_id` in the frontmatter, written once), never by title or
path, so renaming or moving a note keeps its page, and lost local state or a second machine costs reads,
never a duplicate. The run:

1. selects the notes (type plan, milestone or journal; a note with broken properties is reported as failed,
   and its page is never trashed for it), gives each a sync id, and resolves the data sources;
2. finds the pages: one paginated query per data source on a full sync, an `equals` query per note when
   notes are named;
3. phase A creates the missing pages, properties only, plans first so that relations can point at them;
   a create whose answer was lost is looked up by id before it is repeated;
4. phase B brings each page up to date: the properties that differ (`pages.changed_properties`) and the
   body through `body.sync_body` (block-level diff). A note whose desired page hashes to what was last
   sent to a page that still exists costs no request;
5. on a full sync, pages whose id matches no note go to Notion's trash (`[notion] deleted = "keep"` keeps).

One note failing (Notion refusing it, a note that cannot be written) is reported with its path and the
reason, and the others go on.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vaultkit.errors import NoteError, VaultError, VaultkitError
from vaultkit.notes.links import linked_targets
from vaultkit.notes.note import Note
from vaultkit.notion.blocks import markdown_to_blocks
from vaultkit.notion.body import read_tree, sync_body
from vaultkit.notion.client import Notion, NotionError
from vaultkit.notion.matching import adoptable
from vaultkit.notion.model import Block, RemoteBlock, canonical_json
from vaultkit.notion.pages import (
    PageSource,
    canonical_properties,
    changed_properties,
    page_properties,
    plain_id,
)
from vaultkit.notion.richtext import canonical_rich_text, plain_text
from vaultkit.notion.settings import NotionSettings
from vaultkit.notion.setup import data_source_of
from vaultkit.notion.state import PageState, SyncState
from vaultkit.reporting import Progress, reported, reporting_progress
from vaultkit.vault import Vault

__all__ = ["ID_PROPERTY", "KIND_OF_TYPE", "NoteOutcome", "SyncReport", "page_url", "sync_vault"]

log = logging.getLogger("vaultkit.notion.sync")

ID_PROPERTY = "vaultkit_id"
"""The frontmatter key of a note's sync id: 32 hex digits, written once, never changed."""

KIND_OF_TYPE = {"plan": "plans", "milestone": "milestones", "journal": "journals"}
_ORDER = {"plans": 0, "milestones": 1, "journals": 2}
_ID_RE = re.compile(r"[0-9a-f]{32}")
_FRONT_ID = re.compile(rf"^{ID_PROPERTY}:\s*[\"']?([0-9a-f]{{32}})", re.MULTILINE)
_FRONT_TYPE = re.compile(r"^type:\s*[\"']?(plan|milestone|journal)\b", re.MULTILINE | re.IGNORECASE)
LABEL = "syncing with Notion"


def page_url(page_id: str) -> str:
    """The address of a Notion page, as wikilinks to synced notes point at it."""
    return f"https://www.notion.so/{plain_id(page_id)}"


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


@dataclass
class _Item:
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


def _page_sync_id(page: Mapping[str, Any], id_name: str) -> str | None:
    prop = (page.get("properties") or {}).get(id_name)
    if not isinstance(prop, Mapping):
        return None
    text = plain_text(canonical_rich_text(prop.get("rich_text") or [])).strip()
    return text if _ID_RE.fullmatch(text) else None


class _Run:
    """One sync: the vault, the client, what is known of Notion, and the outcomes so far."""

    def __init__(self, vault: Vault, notion: Notion, settings: NotionSettings, dry_run: bool) -> None:
        self.vault = vault
        self.notion = notion
        self.settings = settings
        self.dry_run = dry_run
        self.state = SyncState.load(vault.root)
        self.id_name = settings.name("id")
        self.pages: dict[str, str] = {}  # sync id -> page id known this run (found or created)
        self.ids_by_path: dict[str, str] = {}
        self.unreadable = False

    # ----------------------------------------------------------------------------------- selection

    def select(self, paths: Sequence[str] | None) -> tuple[list[_Item], list[NoteOutcome], set[str]]:
        """The notes to sync, the outcomes of those that cannot be, and the ids of broken notes."""
        summaries = self.vault.summaries
        wanted = set(paths) if paths is not None else None
        items: list[_Item] = []
        failed: list[NoteOutcome] = []
        protected: set[str] = set()
        seen: dict[str, list[_Item]] = {}
        for path in sorted(summaries):
            summary = summaries[path]
            if summary.is_template or (wanted is not None and path not in wanted):
                continue
            if summary.errors:
                raw = self._raw(path)
                protected.update(_FRONT_ID.findall(raw))
                if wanted is not None or _FRONT_TYPE.search(raw):
                    first = summary.errors[0]
                    failed.append(NoteOutcome(path, "failed", error=first.message, line=first.line))
                continue
            kind = KIND_OF_TYPE.get(summary.type or "")
            if kind is None:
                if wanted is not None:
                    failed.append(NoteOutcome(
                        path, "failed", error=f"type {summary.type!r}: only plan, milestone and journal "
                        "notes are synced",
                    ))
                continue
            item = self._item(path, kind)
            if item.outcome.action == "failed":
                failed.append(item.outcome)
                continue
            seen.setdefault(item.sync_id, []).append(item)
            items.append(item)
        for sync_id, sharing in seen.items():
            if len(sharing) < 2:
                continue
            protected.add(sync_id)  # its page stays as it is until the copy is told apart
            for item in sharing:
                others = ", ".join(other.path for other in sharing if other is not item)
                item.outcome.action = "failed"
                item.outcome.error = (
                    f"{ID_PROPERTY} is the same as in {others} (a copied note?): delete the "
                    f"{ID_PROPERTY} line of the copy and sync again"
                )
                failed.append(item.outcome)
        return [item for item in items if item.outcome.action != "failed"], failed, protected

    def _raw(self, path: str) -> str:
        try:
            return self.vault.abspath(path).read_bytes()[:65536].decode("utf-8", "replace")
        except OSError:
            return ""

    def _item(self, path: str, kind: str) -> _Item:
        outcome = NoteOutcome(path, "unchanged")
        try:
            note = Note.load(self.vault.abspath(path), statuses=self.vault.config.statuses)
        except NoteError as exc:
            outcome.action, outcome.error = "failed", exc.reason
            self.unreadable = True  # its sync id is unknown: no page may be trashed for want of it
            return _Item(path, Note.parse(""), kind, "", False, outcome)
        value = note.properties.get(ID_PROPERTY)
        text = value.strip().lower() if isinstance(value, str) else ""
        new = not _ID_RE.fullmatch(text)
        sync_id = uuid.uuid4().hex if new else text
        outcome.sync_id = sync_id
        if new and value not in (None, ""):
            outcome.warnings.append(f"{ID_PROPERTY} {value!r} is not 32 hex digits; a new id is written")
        return _Item(path, note, kind, sync_id, new, outcome)

    def members_of(self, plans: Iterable[str]) -> list[str]:
        """Milestones and journals of these plans that were synced before (their relations may lag)."""
        plans = set(plans)
        out: list[str] = []
        for path, summary in self.vault.summaries.items():
            if summary.is_template or summary.errors or summary.type not in ("milestone", "journal"):
                continue
            if not isinstance(summary.properties.get(ID_PROPERTY), str):
                continue
            targets = linked_targets(summary.properties.get("plan"))
            if any(self.vault.resolve_path(target, path) in plans for target in targets):
                out.append(path)
        return out

    # ----------------------------------------------------------------------------------- sync ids

    def write_id(self, item: _Item) -> bool:
        """Write a new sync id into the note (a one-line change); False, with the note failed, if it can't."""
        if not item.new_id or self.dry_run:
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

    # ----------------------------------------------------------------------------------- pages

    def data_source(self, kind: str) -> str:
        database = self.settings.databases.get(kind)
        if database is None:
            raise VaultError(
                f"no [notion] {kind} database in .vaultkit/config.toml: "
                "run `vaultkit notion setup --parent PAGE`"
            )
        source = self.state.data_sources.get(database)
        if source is None:
            source = data_source_of(self.notion, database)
            self.state.data_sources[database] = source
        return source

    def list_pages(self, source: str) -> dict[str, dict[str, Any]]:
        """Sync id -> page of every live page in a data source that carries one (the first of each id)."""
        found: dict[str, dict[str, Any]] = {}
        for page in self.notion.paginate("POST", f"data_sources/{source}/query"):
            sync_id = _page_sync_id(page, self.id_name)
            if sync_id is not None:
                found.setdefault(sync_id, page)
        return found

    def find_page(self, source: str, sync_id: str) -> dict[str, Any] | None:
        body = {"filter": {"property": self.id_name, "rich_text": {"equals": sync_id}}}
        for page in self.notion.paginate("POST", f"data_sources/{source}/query", body):
            if _page_sync_id(page, self.id_name) == sync_id:
                return page
        return None

    def plan_page(self, item: _Item) -> str | None:
        """The page id of the note's plan, when the plan has one (else the relation stays empty)."""
        if item.kind == "plans":
            return None
        for target in linked_targets(item.note.properties.get("plan")):
            path = self.vault.resolve_path(target, item.path)
            if path is None:
                continue
            sync_id = self.ids_by_path.get(path) or self.id_in(path)
            if sync_id is None:
                continue
            page = self.pages.get(sync_id) or self._known(sync_id)
            if page is None and not self.dry_run:
                found = self.find_page(self.data_source("plans"), sync_id)
                page = str(found["id"]) if found else None
                if page is not None:
                    self.pages[sync_id] = page
            if page is not None:
                return page
        return None

    def id_in(self, path: str) -> str | None:
        summary = self.vault.summaries.get(path)
        if summary is None or summary.errors:
            return None
        value = summary.properties.get(ID_PROPERTY)
        text = value.strip().lower() if isinstance(value, str) else ""
        return text if _ID_RE.fullmatch(text) else None

    def _known(self, sync_id: str) -> str | None:
        cached = self.state.pages.get(sync_id)
        return cached.page_id if cached else None

    def links(self, source: str) -> Callable[[str], str | None]:
        """A wikilink target -> the URL of its note's page, when that note is synced."""

        def resolve(target: str) -> str | None:
            path = self.vault.resolve_path(target, source)
            if path is None:
                return None
            sync_id = self.ids_by_path.get(path) or self.id_in(path)
            page = (self.pages.get(sync_id) or self._known(sync_id)) if sync_id else None
            return page_url(page) if page else None

        return resolve

    def desired(self, item: _Item) -> tuple[dict[str, Any], list[Block]]:
        summary = self.vault.summaries[item.path]
        counts = summary.counts
        plan = self.vault.plans.get(item.path) if item.kind == "plans" else None
        if plan is not None:
            counts = plan.counts
        source = PageSource(
            kind=item.kind, title=summary.title, path=item.path, sync_id=item.sync_id,
            frontmatter=item.note.properties, tasks_done=counts.done, tasks_total=counts.total,
            progress=counts.progress, plan_page=self.plan_page(item),
        )
        values = page_properties(source, self.settings.names)
        item.outcome.warnings.extend(w for w in values.warnings if w not in item.outcome.warnings)
        blocks = markdown_to_blocks(
            item.note.body, first_line=item.note.body_line, links=self.links(item.path)
        )
        return values.properties, blocks

    def create(self, item: _Item) -> None:
        properties, _ = self.desired(item)
        item.outcome.sent.append(f"create page ({len(properties)} properties)")
        if self.dry_run:
            item.outcome.action = "created"
            return

        def confirm() -> dict[str, Any] | None:
            return self.find_page(item.data_source, item.sync_id)

        body = {
            "parent": {"type": "data_source_id", "data_source_id": item.data_source},
            "properties": properties,
        }
        page = self.notion.call("POST", "pages", body=body, confirm=confirm)
        item.page, item.created = page, True
        item.outcome.action = "created"
        self.pages[item.sync_id] = str(page["id"])

    def update(self, item: _Item) -> None:
        """Bring one existing (or just created) page up to date: the properties that differ, then the body.

        The properties are compared with what the page holds (the query brought them, free); the body,
        which costs reads, is left alone when the desired page hashes to what was last sent to this page.
        """
        properties, blocks = self.desired(item)
        page = item.page
        if page is None:  # only in a dry run: the page would be created first
            item.outcome.sent.append(f"body: {sum(b.size() for b in blocks)} blocks")
            return
        page_id = str(page["id"])
        item.outcome.page_id = page_id
        digest = hashlib.sha256(
            canonical_json(
                {"p": properties, "b": [b.to_api() for b in blocks], "s": item.data_source}
            ).encode()
        ).hexdigest()
        cached = self.state.pages.get(item.sync_id)
        writes = self.notion.counts.writes
        changed = changed_properties(properties, canonical_properties(page.get("properties") or {}))
        if changed:
            item.outcome.sent.append("properties: " + ", ".join(changed))
            if not self.dry_run:
                self.notion.call("PATCH", f"pages/{page_id}", body={"properties": changed})
        same = (
            not item.created and cached is not None and cached.content_hash == digest
            and plain_id(cached.page_id) == plain_id(page_id)
        )
        if same:
            pass
        elif self.dry_run:
            remote = read_tree(self.notion, page_id) if not item.created else []
            if not _same_tree(blocks, remote):
                item.outcome.sent.append(f"body: differs ({sum(b.size() for b in blocks)} blocks wanted)")
        else:
            sync_body(self.notion, page_id, blocks, remote=[] if item.created else None)
        if not self.dry_run:
            self.state.pages[item.sync_id] = PageState(page_id, digest, item.data_source)
        if item.outcome.action != "created" and (item.outcome.sent or self.notion.counts.writes > writes):
            item.outcome.action = "updated"

    def trash(self, sync_id: str, page: Mapping[str, Any]) -> NoteOutcome:
        page_id = str(page["id"])
        path = plain_text(canonical_rich_text(
            ((page.get("properties") or {}).get(self.settings.name("path")) or {}).get("rich_text") or []
        )) or f"(page {page_id})"
        outcome = NoteOutcome(path, "trashed", page_id=page_id, sync_id=sync_id, sent=["move page to trash"])
        self.state.pages.pop(sync_id, None)
        if self.dry_run:
            return outcome

        def confirm() -> dict[str, Any] | None:
            current = self.notion.get(f"pages/{page_id}")
            return current if current.get("in_trash") or current.get("archived") else None

        self.notion.call("PATCH", f"pages/{page_id}", body={"in_trash": True}, confirm=confirm)
        return outcome


def _same_tree(want: Sequence[Block], have: Sequence[RemoteBlock]) -> bool:
    return len(want) == len(have) and all(
        a.key == b.key and _same_tree(a.children, b.children) for a, b in zip(want, have, strict=True)
    )


def _fail(item: _Item, exc: VaultkitError) -> None:
    item.outcome.action = "failed"
    item.outcome.error = exc.message if isinstance(exc, NotionError) else str(exc)
    line = getattr(exc, "line", None)
    item.outcome.line = line if isinstance(line, int) else None
    if isinstance(exc, NotionError) and exc.method:
        item.outcome.error = f"{exc.method} /v1/{exc.path}: {exc.code}: {exc.message}"
    log.info("%s: %s", item.path, item.outcome.error)


def _adopt(
    run: _Run, items: Sequence[_Item], listings: Mapping[str, Mapping[str, dict[str, Any]]] | None
) -> set[tuple[str, str]]:
    """Give each note without a page the page of its path that no note of the vault claims (see
    `vaultkit.notion.matching`); returns the (kind, former sync id) of the pages taken over."""
    claimed = {sync_id for path in run.vault.summaries if (sync_id := run.id_in(path)) is not None}
    claimed |= {item.sync_id for item in items}
    path_name = run.settings.name("path")
    adopted: set[tuple[str, str]] = set()
    for item in items:
        if item.page is not None or item.outcome.action == "failed":
            continue
        try:
            if listings is not None:
                candidates: list[tuple[str | None, Mapping[str, Any]]] = list(listings[item.kind].items())
            else:
                body = {"filter": {"property": path_name, "rich_text": {"equals": item.path}}}
                candidates = [
                    (_page_sync_id(page, run.id_name), page)
                    for page in run.notion.paginate("POST", f"data_sources/{item.data_source}/query", body)
                ]
        except NotionError as exc:
            _fail(item, exc)
            continue
        found = adoptable(candidates, item.path, path_name, claimed)
        if found is None:
            continue
        former, page = found
        if former is not None:
            adopted.add((item.kind, former))
            claimed.add(former)
        if item.new_id and former is not None:  # the note takes the page's id: every copy agrees on it
            item.sync_id = item.outcome.sync_id = former
            item.outcome.warnings.append(f"found its page by path; took its {ID_PROPERTY} {former}")
            if not run.write_id(item):
                continue
        else:
            item.outcome.warnings.append(
                f"took over the page synced from this path (id {former or 'none'}); it gets the note's id"
            )
        item.page = dict(page)
        run.pages[item.sync_id] = str(page["id"])
    return adopted


def sync_vault(
    vault: Vault,
    notion: Notion,
    settings: NotionSettings,
    *,
    notes: Sequence[str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> SyncReport:
    """Sync the vault's plans, milestones and journals (or only `notes`, vault paths) to Notion.

    A full sync (`notes` None) also trashes pages whose note is gone. `dry_run` reads Notion but sends no
    write and writes no file: each outcome's `sent` lists what would be sent.
    """
    if progress is not None:
        with reporting_progress(progress):
            return sync_vault(vault, notion, settings, notes=notes, dry_run=dry_run)
    run = _Run(vault, notion, settings, dry_run)
    paths = list(notes) if notes is not None else None
    if paths is not None:
        plans = [p for p in paths if vault.summaries.get(p) is not None and vault.summaries[p].type == "plan"]
        paths += [p for p in run.members_of(plans) if p not in paths]
    items, failed, protected = run.select(paths)
    run.ids_by_path = {item.path: item.sync_id for item in items}
    kinds = sorted({item.kind for item in items}, key=_ORDER.__getitem__)
    sources = {kind: run.data_source(kind) for kind in kinds}
    listings: dict[str, dict[str, dict[str, Any]]] = {}
    if paths is None:
        for kind in ("plans", "milestones", "journals"):
            if kind in settings.databases:
                sources.setdefault(kind, run.data_source(kind))
                listings[kind] = run.list_pages(sources[kind])
    items.sort(key=lambda i: (_ORDER[i.kind], i.path))
    for item in items:
        item.data_source = sources[item.kind]
        try:
            if paths is None:
                item.page = listings[item.kind].get(item.sync_id)
            elif not item.new_id:
                item.page = run.find_page(item.data_source, item.sync_id)
            if item.page is not None:
                run.pages[item.sync_id] = str(item.page["id"])
        except NotionError as exc:
            _fail(item, exc)
    adopted = _adopt(run, items, listings if paths is None else None)
    run.ids_by_path = {item.path: item.sync_id for item in items}  # adopted notes took their page's id
    live = [item for item in items if item.outcome.action != "failed"]
    for item in live:  # phase A: plans first, so relations can point at them
        if item.page is not None:
            continue
        try:
            if run.write_id(item):
                run.create(item)
        except VaultkitError as exc:
            _fail(item, exc)
    for item in reported(live, len(live), LABEL):  # phase B
        if item.outcome.action == "failed":
            continue
        try:
            run.update(item)
        except VaultkitError as exc:
            _fail(item, exc)
    trashed: list[NoteOutcome] = []
    if paths is None and not run.unreadable:
        claimed = {(item.kind, item.sync_id) for item in items} | adopted | {
            (kind, sync_id) for kind in listings for sync_id in protected
        }
        for kind, pages in listings.items():
            for sync_id, page in pages.items():
                if (kind, sync_id) in claimed or settings.deleted == "keep":
                    continue
                try:
                    trashed.append(run.trash(sync_id, page))
                except NotionError as exc:
                    page_id = str(page["id"])
                    trashed.append(NoteOutcome(page_id, "failed", page_id=page_id, error=exc.message))
    if not dry_run:
        run.state.save()
    outcomes = sorted([item.outcome for item in items] + failed, key=lambda o: o.path) + trashed
    return SyncReport(outcomes, notion.counts.as_dict(), dry_run)
