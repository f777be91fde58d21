"""What the last sync learnt, kept in `.vaultkit/notion/state.json`: a cache, never the truth.

Per sync id it remembers the page id and a hash of what was sent, so a note whose desired page is unchanged
costs no request at all; and the data source id of each database, so it is not asked for on every run.
Notion stays the truth: pages are found by querying their id property, so deleting this file, or syncing
from a second machine, only costs reads, never a duplicate page. A damaged file is ignored (and rewritten).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.errors import NoteError
from vaultkit.fileio import atomic_write, read_regular

__all__ = ["STATE_PATH", "PageState", "SyncState"]

STATE_PATH = Path(".vaultkit") / "notion" / "state.json"
_LIMIT = 64 * 1024 * 1024
_VERSION = 1

log = logging.getLogger("vaultkit.notion.state")


@dataclass(frozen=True)
class PageState:
    """The page of one sync id, the hash of what was last sent to it, and its data source."""

    page_id: str
    content_hash: str
    data_source: str


@dataclass
class SyncState:
    """The cache, loaded from and saved to one vault's `.vaultkit/notion/state.json`."""

    root: Path
    pages: dict[str, PageState] = field(default_factory=dict)
    data_sources: dict[str, str] = field(default_factory=dict)  # database id -> data source id
    _loaded: bytes | None = None

    @property
    def path(self) -> Path:
        return self.root / STATE_PATH

    @classmethod
    def load(cls, root: Path) -> SyncState:
        state = cls(root)
        try:
            data = read_regular(state.path, _LIMIT, "a sync state file")
        except (FileNotFoundError, NotADirectoryError):
            return state
        except (NoteError, OSError) as exc:
            log.warning("%s: unreadable (%s); starting from Notion", state.path, exc)
            return state
        state._loaded = data
        try:
            raw = json.loads(data.decode("utf-8"))
            pages = {
                str(key): PageState(str(v["page_id"]), str(v["content_hash"]), str(v["data_source"]))
                for key, v in raw.get("pages", {}).items()
            }
            sources = {str(k): str(v) for k, v in raw.get("data_sources", {}).items()}
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("%s: damaged (%s); starting from Notion", state.path, exc)
            return state
        state.pages, state.data_sources = pages, sources
        return state

    def as_json(self) -> dict[str, Any]:
        return {
            "version": _VERSION,
            "data_sources": dict(sorted(self.data_sources.items())),
            "pages": {
                key: {"page_id": s.page_id, "content_hash": s.content_hash, "data_source": s.data_source}
                for key, s in sorted(self.pages.items())
            },
        }

    def save(self) -> bool:
        """Write the state atomically when it changed; True when it wrote."""
        data = (json.dumps(self.as_json(), indent=1, sort_keys=True) + "\n").encode("utf-8")
        if data == self._loaded:
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        current: bytes | None
        try:
            current = self.path.read_bytes()
        except FileNotFoundError:
            current = None
        wrote = atomic_write(self.path, data, current)
        self._loaded = data
        return wrote
