"""`vaultkit watch --notion`: the notes each round changed, pushed to Notion from a thread of their own.

The daemon's loop must never wait for Notion (a request can take seconds, and Notion can be away for
hours), so the loop only hands each round's paths to `NotionPush.queue`, a SimpleQueue put, and this
module's worker thread does the rest with its own `Vault` (the loop's vault is the loop's alone): it
follows the paths in its vault, waits `delay` seconds so that a burst of rounds becomes one batch (a note
queued ten times is pushed once), and calls `sync_vault` for the plans, milestones and journals among them.
A note that left the vault (deleted, moved, no longer of a synced type) makes the batch a full sync, the
one kind that trashes pages; so do the first rollup and a rescan.

The only file it writes is a new note's `vaultkit_id`, through `sync_vault` (`Note.save`: compare and swap,
so a note being written by the loop or the user is never overwritten). The loop sees that as a change like
any other and runs one round, which writes nothing (rollup owns no `vaultkit_id`); when that note comes
back here with the bytes this worker left, it is not pushed again.

Notion unreachable (no connection, 5xx after the client's retries, a storm of 429s): the first failure
makes every later request of the batch fail at once, without a request; one line is logged, the batch goes
back to the queue and is tried again with backoff (doubling, capped), and whatever was queued meanwhile is
pushed with it when Notion answers again. A note Notion refuses (a 400) is logged with its path and line
and left alone until it changes again. `stop()` ends the worker between two requests (sleeps included);
a request in flight is abandoned, which is safe: every sync is idempotent.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultkit.errors import NoteError, UnsafePathError, VaultkitError
from vaultkit.index.scan import content_hash
from vaultkit.notes.note import Note
from vaultkit.notion.client import Notion, NotionError, Pacing
from vaultkit.notion.settings import NotionSettings
from vaultkit.notion.sync import ID_PROPERTY, KIND_OF_TYPE, NoteOutcome, SyncReport, sync_vault
from vaultkit.vault import Change, Vault

if TYPE_CHECKING:
    import httpx

__all__ = ["NotionPush", "PushSettings"]

log = logging.getLogger("vaultkit.watch.notion")

TRANSIENT = frozenset(
    {"unreachable", "timeout", "rate_limited", "request_blocked", "service_overload", "conflict_error",
     "internal_server_error", "bad_gateway", "service_unavailable", "gateway_timeout"}
)
"""Notion's error codes (and the client's own) that say "not now" rather than "not this note"."""


@dataclass(frozen=True, slots=True)
class PushSettings:
    """`delay` seconds between a note being queued and its batch going out; after Notion failed, retries
    from `backoff` seconds, doubling up to `max_backoff`; `join` seconds that `stop()` waits for the
    worker before abandoning a request in flight."""

    delay: float = 2.0
    backoff: float = 5.0
    max_backoff: float = 300.0
    join: float = 1.0


class _StoppedError(Exception):
    """Raised inside the client (between requests, or out of a wait) when the worker is asked to stop;
    deliberately not a VaultkitError, so that `sync_vault` does not take it for one note's failure."""


class _Client(Notion):
    """The sync's client for a watcher: a stop request ends its waits, and after one failure that says
    Notion is away, every later request of the batch fails at once instead of retrying on its own."""

    def __init__(
        self, token: str, base_url: str, pacing: Pacing, stop: threading.Event, http: httpx.Client | None
    ) -> None:
        def sleep(seconds: float) -> None:
            if stop.wait(seconds):
                raise _StoppedError

        super().__init__(token, base_url, pacing=pacing, http=http, sleep=sleep)
        self.stop = stop
        self.down: NotionError | None = None

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        reading: bool = False,
        confirm: Callable[[], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        if self.stop.is_set():
            raise _StoppedError
        if self.down is not None:  # fail at once, as the first request of the batch did
            raise NotionError(
                self.down.message, code=self.down.code, status=self.down.status, method=method, path=path
            )
        try:
            return super().call(method, path, body=body, query=query, reading=reading, confirm=confirm)
        except NotionError as exc:
            if exc.code in TRANSIENT:
                self.down = exc
            raise


@dataclass
class _Batch:
    """What is waiting to be pushed: paths by when they were first queued, and whether to sync it all."""

    since: dict[str, float] = field(default_factory=dict)
    full: bool = False
    full_since: float | None = None

    def add(self, paths: Iterable[str], full: bool, now: float) -> None:
        for path in paths:
            self.since.setdefault(path, now)
        if full:
            self.full = True
            self.full_since = now if self.full_since is None else self.full_since

    def oldest(self) -> float | None:
        times = [*self.since.values(), *([self.full_since] if self.full_since is not None else [])]
        return min(times) if times else None

    def __bool__(self) -> bool:
        return bool(self.since) or self.full


class NotionPush:
    """The worker: `start()`, then `queue(paths, full)` after each round (any thread), `stop()` at the end.

    `http` is the transport to use (tests pass one that ignores proxy variables); the push owns and closes
    it. `pushes` counts the batches sent, `down` says whether Notion is away: what tests and logs read.
    """

    def __init__(
        self,
        root: Path | str,
        settings: NotionSettings,
        token: str,
        pacing: Pacing,
        push: PushSettings | None = None,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root = Path(root).absolute()
        self.settings = settings
        self.push = push if push is not None else PushSettings()
        self.clock = clock
        self.pushes = 0
        self.down = False
        self._token = token
        self._pacing = pacing
        self._http = http
        self._stop = threading.Event()
        self._inbox: queue.SimpleQueue[tuple[list[str], bool]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._own: dict[str, bytes | None] = {}
        self._rejected: dict[str, bytes | None] = {}
        self._backoff = 0.0
        self._retry_at: float | None = None

    # ------------------------------------------------------------------------------------ control

    def queue(self, paths: list[str], full: bool) -> None:
        """Take one round's paths (`full`: sync everything); returns at once, from any thread."""
        self._inbox.put((list(paths), full))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="vaultkit-notion-push", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the worker between two requests; a request in flight is waited for `join` seconds at most,
        then abandoned to its daemon thread (the next sync finds whatever it did)."""
        self._stop.set()
        self._inbox.put(([], False))
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=self.push.join)
            if thread.is_alive():
                log.debug("notion: a request is still in flight; not waiting for it")

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ------------------------------------------------------------------------------------ the worker

    def _run(self) -> None:
        client = _Client(self._token, self.settings.base_url, self._pacing, self._stop, self._http)
        try:
            vault = Vault(self.root)
            batch = _Batch()
            while not self._stop.is_set():
                self._wait_and_take(batch)
                if self._stop.is_set() or not batch or not self._due(batch):
                    continue
                taken, batch = batch, _Batch()
                try:
                    batch = self._push(vault, client, taken) or batch
                except _StoppedError:
                    raise
                except Exception:  # one batch's failure never ends the worker, nor the daemon
                    log.exception("notion: a push failed; pushing again at the next change")
        except _StoppedError:
            pass
        except Exception:  # opening the vault failed: local rollups go on without the push
            log.exception("notion: cannot push; local rollups go on (restart to push again)")
        finally:
            client.close()

    def _wait_and_take(self, batch: _Batch) -> None:
        now = self.clock()
        deadline = now + 60.0
        oldest = batch.oldest()
        if oldest is not None:
            deadline = min(deadline, oldest + self.push.delay)
        if self._retry_at is not None and batch:
            deadline = max(deadline, self._retry_at)
        try:
            paths, full = self._inbox.get(timeout=max(0.0, deadline - now))
        except queue.Empty:
            return
        while True:
            batch.add(paths, full, self.clock())
            try:
                paths, full = self._inbox.get_nowait()
            except queue.Empty:
                return

    def _due(self, batch: _Batch) -> bool:
        now = self.clock()
        oldest = batch.oldest()
        if self._retry_at is not None and now < self._retry_at:
            return False
        return oldest is not None and now >= oldest + self.push.delay

    # ------------------------------------------------------------------------------------ one batch

    def _push(self, vault: Vault, client: _Client, batch: _Batch) -> _Batch | None:
        """Sync one batch; the batch back when Notion is away (to be tried again), else None."""
        if self._follow(vault, batch.since):
            batch.add((), True, self.clock())  # kept if Notion is away: the vault forgot the note now
        full = batch.full
        notes = None if full else self._wanted(vault, batch.since)
        if notes is not None and not notes:
            return None
        client.down = None
        before = client.counts.reads + client.counts.writes
        unnamed = self._without_id(vault, notes)
        try:
            report = sync_vault(vault, client, self.settings, notes=notes)
        except NotionError as exc:
            if exc.code in TRANSIENT:
                return self._away(batch, exc)
            log.warning("notion: %s (nothing pushed until the next change)", exc)
            return None
        except VaultkitError as exc:
            log.warning("notion: %s (nothing pushed until the next change)", exc)
            return None
        requests = client.counts.reads + client.counts.writes - before
        retry = [o for o in report.failed if _transient(o)]
        self._report(vault, report, requests, retry, unnamed)
        if client.down is not None:
            again = _Batch()
            again.add([o.path for o in retry], full, self.clock())
            return self._away(again, client.down)
        if self.down:
            log.info("notion: reachable again; caught up")
        self.down, self._backoff, self._retry_at = False, 0.0, None
        return None

    def _follow(self, vault: Vault, paths: Iterable[str]) -> bool:
        """Bring the worker's vault up to date with these paths; True when a synced note left the vault
        (deleted, moved away, no longer a plan, milestone or journal): only a full sync trashes its page."""
        gone = False
        for path in paths:
            before = vault.summaries.get(path)
            try:
                vault.apply_change(Change("created", path))
            except (OSError, UnsafePathError, VaultkitError) as exc:
                log.debug("notion: %s: %s; refreshing", path, exc)
                vault.refresh()
                return True
            after = vault.summaries.get(path)
            if _synced(before) and not _synced(after):
                gone = True
        return gone

    def _wanted(self, vault: Vault, paths: Iterable[str]) -> list[str]:
        """The synced notes among `paths`, less those holding exactly what this worker wrote or what
        Notion refused last time."""
        out = []
        for path in sorted(paths):
            if not _synced(vault.summaries.get(path)):
                continue
            digest = _hash(vault.abspath(path))
            if path in self._own and self._own.pop(path) == digest:
                log.debug("notion: %s: our own vaultkit_id write", path)
                continue
            if path in self._rejected and self._rejected[path] == digest:
                continue
            self._rejected.pop(path, None)
            out.append(path)
        return out

    def _without_id(self, vault: Vault, notes: list[str] | None) -> dict[str, Note]:
        """The notes about to get a sync id, as they are now: what each will hold once the sync wrote its
        id is then known exactly (a user's edit right after it is not mistaken for our write)."""
        paths = notes if notes is not None else sorted(vault.summaries)
        out: dict[str, Note] = {}
        for path in paths:
            summary = vault.summaries.get(path)
            if summary is None or not _synced(summary) or summary.properties.get(ID_PROPERTY):
                continue
            try:
                out[path] = Note.load(vault.abspath(path), statuses=vault.config.statuses)
            except NoteError:
                continue
        return out

    def _report(
        self, vault: Vault, report: SyncReport, requests: int, retry: list[NoteOutcome],
        unnamed: Mapping[str, Note],
    ) -> None:
        totals: dict[str, int] = {}
        for outcome in report.notes:
            note = unnamed.get(outcome.path)
            if note is not None and outcome.sync_id and outcome.action in ("created", "updated"):
                try:  # the bytes our id write left, exactly: an event for those is our echo
                    note.set_property(ID_PROPERTY, outcome.sync_id)
                    self._own[outcome.path] = content_hash(note.text.encode("utf-8"))
                except NoteError:
                    pass
            if outcome.action == "failed" and outcome not in retry:
                where = f"{outcome.path}:{outcome.line}" if outcome.line else outcome.path
                digest = _hash(vault.abspath(outcome.path))
                if self._rejected.get(outcome.path, b"") != digest:
                    log.warning("notion: %s: %s", where, outcome.error)
                self._rejected[outcome.path] = digest
            if outcome not in retry:
                totals[outcome.action] = totals.get(outcome.action, 0) + 1
            if outcome.action != "unchanged":
                log.debug("notion: %s %s", outcome.action, outcome.path)
        pushed = sum(n for action, n in totals.items() if action in ("created", "updated", "trashed"))
        self.pushes += 1
        detail = ", ".join(f"{n} {action}" for action, n in sorted(totals.items()) if action != "unchanged")
        line = (
            f"notion: {pushed} note{'s' if pushed != 1 else ''} pushed ({detail or 'nothing changed'}), "
            f"{requests} request{'s' if requests != 1 else ''}"
        )
        fields = {"notion": {"totals": totals, "requests": requests, "notes": [
            o.as_dict() for o in report.notes if o.action != "unchanged" and o not in retry
        ]}}
        if pushed or totals.get("failed"):
            log.info(line, extra={"fields": fields})
        else:
            log.debug(line, extra={"fields": fields})

    def _away(self, batch: _Batch, error: NotionError) -> _Batch:
        """Notion is away: keep the batch, and try again after a backoff (logged once per outage)."""
        self._backoff = min(self.push.max_backoff, max(self.push.backoff, self._backoff * 2))
        self._retry_at = self.clock() + self._backoff
        waiting = len(batch.since) + (1 if batch.full and not batch.since else 0)
        if not self.down:
            log.warning(
                "notion: unreachable (%s); local rollups go on, %d change%s kept, retrying with backoff",
                error.code, waiting, "s" if waiting != 1 else "",
                extra={"fields": {"notion": {"error": str(error), "queued": sorted(batch.since)}}},
            )
        else:
            log.debug("notion: still unreachable (%s); next try in %.0f s", error.code, self._backoff)
        self.down = True
        return batch


def _synced(summary: Any) -> bool:
    return summary is not None and not summary.is_template and (summary.type or "") in KIND_OF_TYPE


def _transient(outcome: NoteOutcome) -> bool:
    """Whether a note failed because Notion was away (its error names one of those codes)."""
    error = outcome.error or ""
    return any(f": {code}:" in error or error.startswith(f"{code}:") for code in TRANSIENT)


def _hash(path: Path) -> bytes | None:
    try:
        return content_hash(path.read_bytes())
    except OSError:
        return None
