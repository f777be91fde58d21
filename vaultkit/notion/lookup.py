"""Finding each note's Notion page: the data sources, listing and querying their pages by sync id, and
taking over the page of a note's path when the note has no page under its own id (`matching.py` decides
which page qualifies; this module asks Notion for the candidates).

A page is found by the sync id in its id property, never by title; only a note without a page under its id
falls back to its path, so that an id not yet copied to this machine never leaves two pages for one note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vaultkit.errors import VaultError
from vaultkit.notion.client import Notion, NotionError
from vaultkit.notion.matching import adoptable, page_text
from vaultkit.notion.report import record_failure
from vaultkit.notion.selection import ID_PROPERTY, SyncItem, is_sync_id, sync_id_in, write_sync_id
from vaultkit.notion.settings import NotionSettings
from vaultkit.notion.setup import data_source_of
from vaultkit.notion.state import SyncState
from vaultkit.vault import Vault

__all__ = ["PageLookup", "page_sync_id"]


def page_sync_id(page: Mapping[str, Any], id_name: str) -> str | None:
    """The sync id a page carries in its id property `id_name`, or None when it carries none."""
    text = page_text(page, id_name)
    return text if is_sync_id(text) else None


class PageLookup:
    """The pages of one run: data sources (cached in the sync state), and each page by its sync id.

    `pages` holds the page id of each sync id known this run (found, adopted or created), so that
    relations and links find a page without asking Notion again.
    """

    def __init__(self, notion: Notion, settings: NotionSettings, state: SyncState) -> None:
        self.notion = notion
        self.settings = settings
        self.state = state
        self.id_name = settings.name("id")
        self.pages: dict[str, str] = {}  # sync id -> page id known this run (found or created)

    def data_source(self, kind: str) -> str:
        """The data source of the kind's database, from the state when known, else asked once."""
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
            sync_id = page_sync_id(page, self.id_name)
            if sync_id is not None:
                found.setdefault(sync_id, page)
        return found

    def find_page(self, source: str, sync_id: str) -> dict[str, Any] | None:
        """The page of one sync id, by an `equals` query (when only some notes are synced)."""
        body = {"filter": {"property": self.id_name, "rich_text": {"equals": sync_id}}}
        for page in self.notion.paginate("POST", f"data_sources/{source}/query", body):
            if page_sync_id(page, self.id_name) == sync_id:
                return page
        return None

    def adopt(
        self,
        vault: Vault,
        items: Sequence[SyncItem],
        listings: Mapping[str, Mapping[str, dict[str, Any]]] | None,
        dry_run: bool,
    ) -> set[tuple[str, str]]:
        """Give each note without a page the page of its path that no note of the vault claims (see
        `vaultkit.notion.matching`); returns the (kind, former sync id) of the pages taken over."""
        claimed = {sync_id for path in vault.summaries if (sync_id := sync_id_in(vault, path)) is not None}
        claimed |= {item.sync_id for item in items}
        path_name = self.settings.name("path")
        adopted: set[tuple[str, str]] = set()
        for item in items:
            if item.page is not None or item.outcome.action == "failed":
                continue
            try:
                if listings is not None:
                    candidates: list[tuple[str | None, Mapping[str, Any]]] = list(listings[item.kind].items())
                else:
                    body = {"filter": {"property": path_name, "rich_text": {"equals": item.path}}}
                    query = f"data_sources/{item.data_source}/query"
                    candidates = [
                        (page_sync_id(page, self.id_name), page)
                        for page in self.notion.paginate("POST", query, body)
                    ]
            except NotionError as exc:
                record_failure(item.outcome, exc)
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
                if not write_sync_id(item, dry_run):
                    continue
            else:
                item.outcome.warnings.append(
                    f"took over the page synced from this path (id {former or 'none'}); it gets the note's id"
                )
            item.page = dict(page)
            self.pages[item.sync_id] = str(page["id"])
        return adopted
