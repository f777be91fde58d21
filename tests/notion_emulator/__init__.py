"""A Notion API emulator for the test suite: a real HTTP server on 127.0.0.1 that `notion-client` talks to.

It speaks API version 2025-09-03 (databases hold data sources; rows are pages under a data source), enforces
Notion's request limits and schema rules with Notion's error shapes, paginates with small pages, rate-limits
with 429 and `Retry-After`, and injects faults (error statuses, "saved, then 503", dropped connections, slow
answers), so a sync can be tested for exactly what it sends and for surviving what Notion does.

    with NotionEmulator(page_size=3) as emu:
        parent = emu.add_page("PDP")
        client = emu.client()
"""

from __future__ import annotations

import copy
import logging
import threading
from types import TracebackType
from typing import Any

import httpx
import notion_client

from .errors import NotionError
from .faults import Fault, Faults, Fired
from .server import Bucket, EmulatorServer, RateLimit, Recorded, is_write, retry_after
from .store import Store, normal_id, render_block_data

__all__ = ["Fault", "Faults", "Fired", "NotionEmulator", "RateLimit", "Recorded"]


class NotionEmulator:
    """The emulator; a context manager that starts the server on entry and stops and joins it on exit."""

    def __init__(
        self, page_size: int = 100, rate_limit: RateLimit | None = None, token: str = "secret-test-token"
    ) -> None:
        self.token = token
        self.store = Store(page_size)
        self.faults = Faults()
        self.lock = threading.RLock()
        self._log: list[Recorded] = []
        self._log_lock = threading.Lock()
        self._bucket_lock = threading.Lock()
        self._bucket: Bucket | None = None
        self._rate_limit: RateLimit | None = None
        self.rate_limit = rate_limit
        self._clients: list[httpx.Client] = []
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> NotionEmulator:
        self._server = EmulatorServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="notion-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()
        if self._server is not None:
            self._server.shutdown()
            self._server.close_all()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> NotionEmulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`, without `/v1` (the SDK appends it)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running (use it as a context manager)")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def client(self, **options: Any) -> notion_client.Client:
        """A real SDK client for the emulator (proxy variables ignored; closed when the emulator stops)."""
        http = httpx.Client(trust_env=False)
        self._clients.append(http)
        options.setdefault(
            "logger", logging.getLogger("tests.notion_emulator.client")
        )  # the SDK's own adds a handler each time
        return notion_client.Client(
            auth=options.pop("auth", self.token), base_url=self.base_url, client=http, **options
        )

    # ----- pacing ------------------------------------------------------------------------------------------
    @property
    def rate_limit(self) -> RateLimit | None:
        return self._rate_limit

    @rate_limit.setter
    def rate_limit(self, limit: RateLimit | None) -> None:
        with self._bucket_lock:
            self._rate_limit = limit
            self._bucket = Bucket(limit) if limit is not None else None

    def throttle(self) -> None:
        """Raise 429 when the token bucket is empty (with `Retry-After` in whole seconds, as Notion sends)."""
        with self._bucket_lock:
            wait = self._bucket.take() if self._bucket is not None else 0.0
        if wait > 0:
            seconds = retry_after(wait)
            raise NotionError(
                429,
                "rate_limited",
                "You have been rate limited. Please try again in a few minutes.",
                additional_data={"retry_after": seconds},
                headers={"Retry-After": str(seconds)},
            )

    # ----- the request log ---------------------------------------------------------------------------------
    def record(self, entry: Recorded) -> None:
        with self._log_lock:
            self._log.append(entry)

    @property
    def requests(self) -> list[Recorded]:
        """Every request in arrival order (a copy; rejected, failed and dropped ones included)."""
        with self._log_lock:
            return list(self._log)

    def writes(self) -> list[Recorded]:
        """The requests that write: POST, PATCH and DELETE except queries and search."""
        return [entry for entry in self.requests if is_write(entry.method, entry.path)]

    def reset_log(self) -> None:
        with self._log_lock:
            self._log.clear()
        self.faults.forget_fired()

    # ----- the workspace, for assertions -------------------------------------------------------------------
    def add_page(self, title: str, *, shared: bool = True) -> str:
        """A top-level page, shared with the integration unless told otherwise (then it answers 404)."""
        with self.lock:
            page_id = self.store.add_page(title)
            if not shared:
                self.store.unshared.add(page_id)
            return page_id

    def pages(self, data_source_id: str, include_trashed: bool = False) -> list[dict[str, Any]]:
        """The page objects in a data source, in creation order."""
        with self.lock:
            source = normal_id(data_source_id, "data_source_id")
            return [
                self.store.render_page(page)
                for page in self.store.pages.values()
                if page["parent"].get("data_source_id") == source
                and (include_trashed or not self.store.blocks[page["id"]]["in_trash"])
            ]

    def tree(self, block_or_page_id: str) -> list[dict[str, Any]]:
        """The live block tree under a page or block: `[{"id", "type", <type>: {...}, "children": [...]}]`."""
        with self.lock:
            return self._tree(normal_id(block_or_page_id))

    def _tree(self, parent_id: str) -> list[dict[str, Any]]:
        out = []
        for block in self.store.live_children(parent_id):
            kind = block["type"]
            data = {"title": block["title"]} if "title" in block else render_block_data(kind, block["data"])
            out.append(
                {
                    "id": block["id"],
                    "type": kind,
                    kind: copy.deepcopy(data),
                    "children": self._tree(block["id"]),
                }
            )
        return out
