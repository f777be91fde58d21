"""The watcher's loop: bring the vault up to date, then follow the user's edits as they are saved.

Shape (watchfiles' loop, watchdog's events): watchdog's Observer (inotify on Linux, no polling) calls
`_Handler` on its own thread, which only filters the event and puts the vault-relative paths on a queue.
The loop, on the main thread, takes what is queued, lets the debouncer coalesce bursts per path and hold a
note written in place until its writer closes it (the opens and closes are counted per path: see
`Debouncer`), and when paths are due runs one round: each path is followed through `Vault.apply_change`
(one path at a time, never a walk of the vault), then `rollup_vault` writes what is out of date, holding
back the notes the user touched within the quiet period (a later round writes them, once quiet).

Its own writes never start a round: the rollup report gives the content hash of each note it wrote, and an
event for a file that hashes the same is dropped (content, not timing: a user who edits the note a
millisecond later has other bytes). With nothing happening, nothing is read and nothing is written.

Each round after the first is incremental where it can be (`RollupState`, kept here: only the changed
notes, their plans and the dashboards that show them are recomputed); a create, delete or move, or a
rescan, makes it a full one.

Robustness: one note that cannot be read or written is reported by the rollup and skipped; an error while
following a path (a file gone mid-read, a permission error) or too many events at once makes the next
round a rescan (`Vault.refresh()` and a full rollup); an exception in a round is logged and retried with
backoff, never the end of the daemon; the vault folder vanishing (an unmounted disk, a sync tool replacing
it) stops the observer, and the loop waits for the folder with backoff and starts again. `stop()` may be
called from a signal handler: the queue is a SimpleQueue, whose `put` is reentrant.
"""

from __future__ import annotations

import logging
import os
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from vaultkit.config import CONFIG_PATH
from vaultkit.errors import UnsafePathError, VaultError, VaultkitError
from vaultkit.index.scan import content_hash
from vaultkit.reporting import reporting_progress
from vaultkit.rollup.apply import RollupReport, rollup_vault
from vaultkit.rollup.incremental import RollupState
from vaultkit.vault import Change, ChangeKind, Vault
from vaultkit.watch.debounce import DEFAULT_GRACE, DEFAULT_OPEN_WAIT, Debouncer, EventKind
from vaultkit.watch.describe import describe_change, describe_round
from vaultkit.watch.filters import ignored, ignored_folder
from vaultkit.watch.lock import WatchLock

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver

__all__ = ["WatchSettings", "Watcher", "close_waits"]

log = logging.getLogger("vaultkit.watch")

_STOP = "stop"
_RESCAN = "rescan"
_ROOT = "root"


_Kind = EventKind | Literal["close", "open", "release"]


@dataclass(frozen=True, slots=True)
class _Event:
    """A path of the vault that an event concerns; `structural` for a create, delete or move; `kind` what
    it says of the file (see `Debouncer`): written by a writer that may still hold it open, whole,
    attributes only, closed by its writer; or only opened, or closed without a write (a reader's)."""

    path: str
    structural: bool
    moved_from: str | None = None
    kind: _Kind = "whole"


_Item = _Event | str


class _StoppedError(Exception):
    """Raised out of a long first run (the index of a cold vault) when a stop was asked for."""


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """How long to wait: `debounce` after a path's last event before reading it, `quiet` after it before
    writing it (seconds); `max_events` pending paths at once before the loop rescans instead."""

    debounce: float = 0.3
    quiet: float = 2.0
    close_grace: float | None = None
    """Seconds a note written in place, and not known to be open, waits for a close after its last write
    (platforms that report no closes); None: `[watch] close_grace_ms` of the vault's config, else 0.1."""
    open_wait: float | None = None
    """Seconds a note written in place, and known to be open, waits for its writer's close after its last
    write (a writer that never closes); None: `[watch] open_wait_ms` of the vault's config, else 1.0."""
    max_events: int = 10_000
    idle_check: float = 2.0
    """Seconds between checks, while idle, that the vault folder is still the one being watched."""
    max_backoff: float = 30.0


class Watcher:
    """One vault's daemon: `run()` until `stop()`, or `run_once()` for a single rollup."""

    def __init__(
        self,
        root: Path | str,
        settings: WatchSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        vault: Vault | None = None,
        after_round: Callable[[list[str], bool], None] | None = None,
    ) -> None:
        """`vault`, when given, is `root`'s vault opened already (the CLI's, which checked the config).

        `after_round(paths, full)` is told, on the loop's thread, what each round may have changed: the
        paths followed and the notes written (`full` after the first rollup and a rescan, when anything may
        have). It must return at once (the Notion push queues them for its own thread): rounds wait on it.
        """
        self.root = Path(root).absolute()
        self.settings = settings if settings is not None else WatchSettings()
        self.clock = clock
        self.debouncer = Debouncer(self.settings.debounce, self.settings.quiet, clock)
        self._set_waits(DEFAULT_GRACE, DEFAULT_OPEN_WAIT)
        self.lock = WatchLock(self.root)
        self.vault: Vault | None = vault
        self.rounds = 0
        """Rounds run (the first full rollup included): what tests count."""
        self.writes = 0
        """Notes written, over all rounds."""
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._stopping = False
        self._written: dict[str, bytes] = {}
        self._structural: set[str] = set()
        self._moved_from: dict[str, str] = {}
        self._held: set[str] = set()
        self._reported: set[tuple[str, str]] = set()
        self._rescan_at: float | None = None
        self._backoff = 0.0
        self._identity: tuple[int, int] | None = None
        self._observer: BaseObserver | None = None
        self._state = RollupState()
        self._after_round = after_round

    # ------------------------------------------------------------------------------------ control

    def stop(self) -> None:
        """End `run()` after the write in flight; safe to call from a signal handler or another thread."""
        self._stopping = True
        self._queue.put(_STOP)

    def run_once(self) -> RollupReport:
        """Bring the vault up to date and return the report (the lock is held meanwhile)."""
        with self.lock:
            return rollup_vault(self.vault if self.vault is not None else Vault(self.root))

    def run(self) -> None:
        """Take the lock, bring the vault up to date, then follow changes until `stop()`."""
        with self.lock:
            try:
                self._start()
                while not self._stopping:
                    self._step()
            finally:
                self._stop_observer()
        log.info("stopped watching %s", self.root)

    # ------------------------------------------------------------------------------------ the loop

    def _start(self) -> None:
        """Open the vault, run the full rollup, then watch (an event during the rollup is queued)."""
        self._identity = _identity(self.root)
        if self.vault is None or self.vault.root.absolute() != self.root or self.rounds:
            self.vault = Vault(self.root)
        self._set_waits(*close_waits(self.root, self.vault.config.section("watch")))
        self._start_observer()
        self._state.clear()
        try:
            # The first run may index a cold vault (seconds at 10,000 notes): a stop request ends it at
            # the next progress report, which the index takes without writing anything half-done.
            with reporting_progress(self._progress):
                report = rollup_vault(self.vault, state=self._state, should_stop=self._should_stop)
        except _StoppedError:
            self._state.clear()
            log.info("stopped before the vault was up to date")
            return
        self._after_rollup(report)
        _ = self.vault.summaries  # the index as of now: what the first change is described against
        self.rounds += 1
        _log_report(f"watching {self.root}", report)
        if self._after_round is not None:
            self._after_round(sorted(report.written), True)

    def _set_waits(self, grace: float, open_wait: float) -> None:
        """The waits for a close: the settings' where they give one, else these (the vault's config)."""
        given = self.settings.close_grace, self.settings.open_wait
        self.debouncer.grace = grace if given[0] is None else given[0]
        self.debouncer.open_wait = open_wait if given[1] is None else given[1]

    def _should_stop(self) -> bool:
        """Asked by rollup between notes: a stop request ends even the first full rollup within moments."""
        return self._stopping

    def _progress(self, label: str, done: int, total: int) -> None:
        """The progress callback of the first run: the index of a cold vault asks nothing else between
        notes, so a stop request is raised from here (the index drops the chunks not yet parsed)."""
        if self._stopping:
            raise _StoppedError(label)

    def _step(self) -> None:
        """Wait for events or the next deadline, take in what is queued, and run a round when one is due."""
        item = self._get(self._timeout())
        while item is not None:
            if item == _STOP:
                return
            self._take(item)
            item = self._get(0)
        if self._root_changed():
            self._recover()
            return
        due = self.debouncer.due()
        quiet = [path for path in self._held if self.debouncer.quiet_at(path) is None]
        rescan = self._rescan_at is not None and self.clock() >= self._rescan_at
        if due or quiet or rescan:
            try:
                self._round(due, rescan)
                self._backoff = 0.0
            except Exception:  # one round's failure never ends the daemon: log it, rescan later
                log.exception("a round failed; rescanning the vault")
                self._schedule_rescan()

    def _timeout(self) -> float:
        now = self.clock()
        deadlines = [now + self.settings.idle_check]
        next_due = self.debouncer.next_due()
        if next_due is not None:
            deadlines.append(next_due)
        for path in self._held:  # a held note is written once it is quiet (now, if it is already)
            when = self.debouncer.quiet_at(path)
            deadlines.append(now if when is None else when)
        if self._rescan_at is not None:
            deadlines.append(self._rescan_at)
        return max(0.0, min(deadlines) - now)

    def _get(self, timeout: float) -> _Item | None:
        try:
            if timeout <= 0:
                return self._queue.get_nowait()
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def _take(self, item: _Item) -> None:
        """One queued item into the debouncer, unless it is the echo of our own write."""
        if item == _RESCAN:
            self._schedule_rescan(now=True)
            return
        if item == _ROOT or not isinstance(item, _Event):
            return  # the root check after the queue is drained looks at it
        match item.kind:
            case "open":
                self.debouncer.opened(item.path)
                return
            case "close" | "release":  # never our own write's echo: we write by rename
                self.debouncer.closed(item.path, wrote=item.kind == "close")
                return
            case "write" | "whole" | "touch" as kind:
                pass
        if item.moved_from is None and self._own_write(item.path):
            log.debug("%s: our own write", item.path)
            return
        self.debouncer.add(item.path, kind)
        if item.structural:
            self._structural.add(item.path)
        if item.moved_from is not None:
            self._moved_from[item.path] = item.moved_from
        if len(self.debouncer) > self.settings.max_events:
            log.warning("more than %d changes at once; rescanning the vault", self.settings.max_events)
            self._schedule_rescan(now=True)

    def _own_write(self, path: str) -> bool:
        """Whether the file at `path` holds exactly what this daemon last wrote there."""
        written = self._written.get(path)
        if written is None:
            return False
        try:
            data = (self.root / path).read_bytes()
        except OSError:
            data = None
        if data is not None and content_hash(data) == written:
            return True
        del self._written[path]  # someone else's bytes now: a later event for it is theirs too
        return False

    def _round(self, due: list[str], rescan: bool) -> None:
        """Follow the due paths, then roll up, holding back the notes edited within the quiet period."""
        vault = self.vault
        assert vault is not None
        self.rounds += 1
        changes: list[str] = []
        changed: list[str] | None = None
        if rescan:
            self._rescan_at = None
            self._structural.clear()
            self._moved_from.clear()
            self._state.clear()
            vault.refresh()
        else:
            # A created, deleted or moved note may change what links resolve to: a full round then.
            local = not any(path in self._structural or path in self._moved_from for path in due)
            changes = self._follow(vault, due)
            if local and self._rescan_at is None:
                changed = [path for path in due if not ignored(path)]
        busy = self.debouncer.busy()
        report = rollup_vault(
            vault,
            hold=busy,
            following=True,
            state=self._state,
            changed=changed,
            should_stop=self._should_stop,
        )
        self._after_rollup(report)
        if self._after_round is not None:
            self._after_round(sorted({*due, *report.written}), rescan)
        line = describe_round(changes, report, vault.summaries, due, "rescan" if rescan else "quiet")
        if changes or report.changed:
            log.info(line, extra={"fields": _fields(changes, report)})
        else:
            log.debug(line, extra={"fields": _fields(changes, report)})

    def _follow(self, vault: Vault, due: list[str]) -> list[str]:
        """Apply each due path to the vault; describe what changed. A path that cannot be followed (a
        file vanishing mid-read, a permission error) makes the next round a rescan."""
        described = []
        for path in due:
            kind: ChangeKind = "created" if path in self._structural else "changed"
            self._structural.discard(path)
            moved_from = self._moved_from.pop(path, None)
            before = vault.summaries.get(path) if not ignored(path) else None
            try:
                vault.apply_change(Change(kind, path))
            except (OSError, UnsafePathError, VaultkitError) as exc:
                log.warning("%s: %s; rescanning the vault", path, exc)
                self._schedule_rescan(now=True)
                continue
            if not ignored(path):
                described.append(describe_change(path, before, vault.summaries.get(path), moved_from))
        return described

    def _after_rollup(self, report: RollupReport) -> None:
        self._written.update(report.written)
        self.writes += len(report.written)
        self._held = set(report.held)
        for skip in report.skipped:  # each problem once, not once per round
            if skip.problem and (skip.path, skip.reason) not in self._reported:
                self._reported.add((skip.path, skip.reason))
                log.warning("skipped %s: %s", skip.path, skip.reason)

    def _schedule_rescan(self, *, now: bool = False) -> None:
        if now:
            self._rescan_at = self.clock()
            return
        self._backoff = min(self.settings.max_backoff, max(0.5, self._backoff * 2))
        self._rescan_at = self.clock() + self._backoff

    # ------------------------------------------------------------------------------------ the folder

    def _root_changed(self) -> bool:
        return _identity(self.root) != self._identity

    def _recover(self) -> None:
        """The vault folder went away (or was replaced): stop watching, wait for it with backoff, start
        again with a full rollup. A stop request ends the wait."""
        log.warning("the vault folder %s is gone; waiting for it to come back", self.root)
        self._stop_observer()
        delay = 0.1
        while not self._stopping:
            item = self._get(delay)
            if item == _STOP:
                return
            if _identity(self.root) is not None:
                try:
                    self.lock.acquire()
                    self._structural.clear()
                    self._moved_from.clear()
                    self.debouncer.due()
                    self._start()
                    log.info("the vault folder %s is back", self.root)
                    return
                except Exception as exc:  # the folder came back half-way: try again later
                    log.warning("cannot watch %s yet: %s", self.root, exc)
                    self._stop_observer()
            delay = min(self.settings.max_backoff, delay * 2)

    def _start_observer(self) -> None:
        observer = Observer()
        observer.schedule(_Handler(self.root, self._queue), str(self.root), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer

    @property
    def watching(self) -> bool:
        """Whether the observer runs (False before the start, while waiting for a vanished folder, after)."""
        return self._observer is not None and self._observer.is_alive()

    def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=2)


class _Handler(FileSystemEventHandler):
    """Runs on watchdog's thread: turns each event into vault-relative paths on the queue, nothing more."""

    def __init__(self, root: Path, items: queue.SimpleQueue[_Item]) -> None:
        self.root = root
        self.items = items

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        source = self._relative(event.src_path)
        if source == "":  # the vault folder itself: deleted or moved away
            if kind in ("deleted", "moved"):
                self.items.put(_ROOT)
            return
        dest = self._relative(event.dest_path) if kind == "moved" else None
        if event.is_directory:
            if kind in ("modified", "attrib", "closed", "opened", "closed_no_write"):
                return  # a folder's own change tells nothing its files' events do not
            for path in (source, dest):
                if path and not ignored_folder(path):
                    self.items.put(_Event(path, structural=True))
            return
        if kind == "moved":
            keep_source = source is not None and not ignored(source)
            keep_dest = dest is not None and not ignored(dest)
            if keep_source and source is not None:
                self.items.put(_Event(source, structural=True))
            if keep_dest and dest is not None:
                # an editor's atomic save (a temp file moved over the note) is a change of the note
                self.items.put(_Event(dest, structural=True, moved_from=source if keep_source else None))
            return
        if source is not None and not ignored(source):
            structural = kind in ("created", "deleted")
            self.items.put(_Event(source, structural=structural, kind=_KINDS.get(kind, "whole")))

    def _relative(self, path: bytes | str) -> str | None:
        text = os.fsdecode(path)
        rel = os.path.relpath(text, self.root)
        if rel == os.curdir:
            return ""
        if rel.startswith(os.pardir):
            return None
        return Path(rel).as_posix()


_KINDS: dict[str, _Kind] = {
    "modified": "write",
    "created": "write",  # a file created by opening it is being written until its close
    "closed": "close",
    "opened": "open",
    "closed_no_write": "release",
    "attrib": "touch",
    "deleted": "whole",
}


def close_waits(root: Path, section: dict[str, Any]) -> tuple[float, float]:
    """`[watch] close_grace_ms` and `open_wait_ms` of the vault's config in seconds (100 ms and 1 s when
    not set: `Debouncer` says what each is for); a value that is not a number of milliseconds from 0 to
    60,000 is refused, naming the file."""
    waits = []
    for key, default in (("close_grace_ms", DEFAULT_GRACE), ("open_wait_ms", DEFAULT_OPEN_WAIT)):
        value = section.get(key)
        if value is None:
            waits.append(default)
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 60_000:
            raise VaultError(
                f"{root / CONFIG_PATH}: [watch] {key} must be a number of milliseconds from 0 to 60000,"
                f" not {value!r}"
            )
        waits.append(float(value) / 1000)
    return waits[0], waits[1]


def _identity(root: Path) -> tuple[int, int] | None:
    """(device, inode) of the vault folder, or None when it is not there: a folder replaced by another
    (restored from a backup, a sync tool's swap) has another inode, and the old watches are dead."""
    try:
        info = root.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if root.is_dir() else None


def _fields(changes: list[str], report: RollupReport) -> dict[str, object]:
    return {
        "changes": changes,
        "written": [change.path for change in report.changed],
        "why": {change.path: change.why() for change in report.changed},
        "held": report.held,
        "skipped": [skip.as_dict() for skip in report.skipped if skip.problem],
    }


def _log_report(prefix: str, report: RollupReport) -> None:
    written = [change.path for change in report.changed]
    message = f"{prefix}: " + (f"updated {', '.join(written)}" if written else "everything up to date")
    log.info(message, extra={"fields": _fields([], report)})
