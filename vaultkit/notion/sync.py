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

Steps 1 and 2 have modules of their own: `selection.py` (the notes and their sync ids) and `lookup.py` (the
data sources and pages); `report.py` holds the outcomes. This module is the run: phases A and B, the
relations and links between pages, the trash, and the report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from vaultkit.errors import VaultkitError
from vaultkit.notes.links import linked_targets
from vaultkit.notion.blocks import markdown_to_blocks
from vaultkit.notion.body import read_tree, sync_body
from vaultkit.notion.client import Notion, NotionError
from vaultkit.notion.lookup import PageLookup
from vaultkit.notion.model import Block, RemoteBlock, canonical_json
from vaultkit.notion.pages import (
    PageSource,
    canonical_properties,
    changed_properties,
    page_properties,
    plain_id,
)
from vaultkit.notion.report import NoteOutcome, SyncReport, record_failure
from vaultkit.notion.richtext import canonical_rich_text, plain_text
from vaultkit.notion.selection import (
    ID_PROPERTY,
    KIND_OF_TYPE,
    KIND_ORDER,
    SyncItem,
    members_of,
    select_notes,
    sync_id_in,
    write_sync_id,
)
from vaultkit.notion.settings import NotionSettings
from vaultkit.notion.state import PageState, SyncState
from vaultkit.reporting import Progress, reported, reporting_progress
from vaultkit.vault import Vault

__all__ = ["ID_PROPERTY", "KIND_OF_TYPE", "NoteOutcome", "SyncReport", "page_url", "sync_vault"]

LABEL = "syncing with Notion"


def page_url(page_id: str) -> str:
    """The address of a Notion page, as wikilinks to synced notes point at it."""
    return f"https://www.notion.so/{plain_id(page_id)}"


class _Run:
    """One sync: the vault, the client, what is known of Notion (`lookup`), and the outcomes so far."""

    def __init__(self, vault: Vault, notion: Notion, settings: NotionSettings, dry_run: bool) -> None:
        self.vault = vault
        self.notion = notion
        self.settings = settings
        self.dry_run = dry_run
        self.state = SyncState.load(vault.root)
        self.lookup = PageLookup(notion, settings, self.state)
        self.pages = self.lookup.pages  # sync id -> page id known this run (found, adopted or created)
        self.ids_by_path: dict[str, str] = {}

    # ----------------------------------------------------------------------------------- pages

    def plan_page(self, item: SyncItem) -> str | None:
        """The page id of the note's plan, when the plan has one (else the relation stays empty)."""
        if item.kind == "plans":
            return None
        for target in linked_targets(item.note.properties.get("plan")):
            path = self.vault.resolve_path(target, item.path)
            if path is None:
                continue
            sync_id = self.ids_by_path.get(path) or sync_id_in(self.vault, path)
            if sync_id is None:
                continue
            page = self.pages.get(sync_id) or self._known(sync_id)
            if page is None and not self.dry_run:
                found = self.lookup.find_page(self.lookup.data_source("plans"), sync_id)
                page = str(found["id"]) if found else None
                if page is not None:
                    self.pages[sync_id] = page
            if page is not None:
                return page
        return None

    def _known(self, sync_id: str) -> str | None:
        cached = self.state.pages.get(sync_id)
        return cached.page_id if cached else None

    def links(self, source: str) -> Callable[[str], str | None]:
        """A wikilink target -> the URL of its note's page, when that note is synced."""

        def resolve(target: str) -> str | None:
            path = self.vault.resolve_path(target, source)
            if path is None:
                return None
            sync_id = self.ids_by_path.get(path) or sync_id_in(self.vault, path)
            page = (self.pages.get(sync_id) or self._known(sync_id)) if sync_id else None
            return page_url(page) if page else None

        return resolve

    def desired(self, item: SyncItem) -> tuple[dict[str, Any], list[Block]]:
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

    def create(self, item: SyncItem) -> None:
        properties, _ = self.desired(item)
        item.outcome.sent.append(f"create page ({len(properties)} properties)")
        if self.dry_run:
            item.outcome.action = "created"
            return

        def confirm() -> dict[str, Any] | None:
            return self.lookup.find_page(item.data_source, item.sync_id)

        body = {
            "parent": {"type": "data_source_id", "data_source_id": item.data_source},
            "properties": properties,
        }
        page = self.notion.call("POST", "pages", body=body, confirm=confirm)
        item.page, item.created = page, True
        item.outcome.action = "created"
        self.pages[item.sync_id] = str(page["id"])

    def update(self, item: SyncItem) -> None:
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
        paths += [p for p in members_of(vault, plans) if p not in paths]
    chosen = select_notes(vault, paths)
    items, failed, protected = chosen.items, chosen.failed, chosen.protected
    run.ids_by_path = {item.path: item.sync_id for item in items}
    kinds = sorted({item.kind for item in items}, key=KIND_ORDER.__getitem__)
    sources = {kind: run.lookup.data_source(kind) for kind in kinds}
    listings: dict[str, dict[str, dict[str, Any]]] = {}
    if paths is None:
        for kind in ("plans", "milestones", "journals"):
            if kind in settings.databases:
                sources.setdefault(kind, run.lookup.data_source(kind))
                listings[kind] = run.lookup.list_pages(sources[kind])
    items.sort(key=lambda i: (KIND_ORDER[i.kind], i.path))
    for item in items:
        item.data_source = sources[item.kind]
        try:
            if paths is None:
                item.page = listings[item.kind].get(item.sync_id)
            elif not item.new_id:
                item.page = run.lookup.find_page(item.data_source, item.sync_id)
            if item.page is not None:
                run.pages[item.sync_id] = str(item.page["id"])
        except NotionError as exc:
            record_failure(item.outcome, exc)
    adopted = run.lookup.adopt(vault, items, listings if paths is None else None, dry_run)
    run.ids_by_path = {item.path: item.sync_id for item in items}  # adopted notes took their page's id
    live = [item for item in items if item.outcome.action != "failed"]
    for item in live:  # phase A: plans first, so relations can point at them
        if item.page is not None:
            continue
        try:
            if write_sync_id(item, dry_run):
                run.create(item)
        except VaultkitError as exc:
            record_failure(item.outcome, exc)
    for item in reported(live, len(live), LABEL):  # phase B
        if item.outcome.action == "failed":
            continue
        try:
            run.update(item)
        except VaultkitError as exc:
            record_failure(item.outcome, exc)
    trashed: list[NoteOutcome] = []
    if paths is None and not chosen.unreadable:
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
