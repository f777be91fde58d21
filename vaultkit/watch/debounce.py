"""When a path has settled: per-path debounce, the wait for a writer's close, and the quiet period, with an
injected clock.

Two clocks run per path. The debounce (default 300 ms) says when a burst of events is over and the path
is worth reading: an editor's save is often three or four events (a temp file written, moved over the
note, its attributes set), and a user ticking boxes quickly makes a burst too. The quiet period (default
2 s) is longer and says when the daemon may *write* the file: a note the user touched a moment ago may be
touched again any moment, and writing it then would race the editor. Such a note is still read and
counted (the plan and the dashboards update at once); only its own properties wait.

A save in place (Obsidian's: open with O_TRUNC, write, close) is several events, and between the first
(the truncation) and the close the file is empty or half written. So an event is one of three kinds:

- `"write"`: a modification, or a create by opening the file: a writer may still hold the file open, and
  reading it now could see the truncated text. The path waits for its writer's close (`closed`).
- `"whole"`: the file is complete as it stands: a rename's destination (an atomic save), a delete.
- `"touch"`: attributes only; the path keeps whatever it was waiting for.

Where no close comes, a fallback reads the path anyway, counted from its last modification: `open_wait`
(default 1 s) when the file is known to be open (on Linux every open and close is reported, so the loop
counts the handles: a writer that keeps a note open, a log appender say), else `grace` (default 100 ms:
platforms that report no opens and closes, macOS and polling, and a writer that opened the file before
the watch began). Both are at least the debounce.

A close of a writer settles the path at once when the save it ends began while the path was quiet (no
event within `delay` before it): a single save is read as soon as it is whole, whatever the debounce. A
close within a burst is one more event of the burst, and the debounce applies as before, so a hundred
saves in a second are still read once or twice. With `delay` 0 every close settles at once.

Pure and single-threaded: the loop feeds it events and asks it questions; the clock is a parameter so that
tests step time by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

__all__ = ["DEFAULT_GRACE", "DEFAULT_OPEN_WAIT", "Debouncer", "EventKind"]

EventKind = Literal["write", "whole", "touch"]

DEFAULT_GRACE = 0.1
"""Seconds a file written in place, and not known to be open, waits for a close after its last write."""
DEFAULT_OPEN_WAIT = 1.0
"""Seconds a file written in place, and known to be open, waits for its writer's close after its last
write."""


class Debouncer:
    """Pending paths (when each becomes due), paths a writer may hold open, and recent paths (for the quiet
    period)."""

    def __init__(
        self,
        delay: float,
        quiet: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        grace: float = DEFAULT_GRACE,
        open_wait: float = DEFAULT_OPEN_WAIT,
    ) -> None:
        if min(delay, quiet, grace, open_wait) < 0:
            raise ValueError("the debounce, the quiet period and the waits for a close cannot be negative")
        self.delay = delay
        self.quiet = quiet
        self.grace = grace
        self.open_wait = open_wait
        self.clock = clock
        self._pending: dict[str, float] = {}  # path -> time of its latest event, not yet handed out
        self._settle: dict[str, float] = {}  # pending path -> when its writer's close settled it
        self._open: dict[str, int] = {}  # path -> handles open on it (opens minus closes seen)
        self._leading: set[str] = set()  # pending paths whose first event came after a quiet spell
        self._writing: set[str] = set()  # pending paths whose last write has not been closed yet
        self._last: dict[str, float] = {}  # path -> time of its latest event (pruned after `delay`)
        self._recent: dict[str, float] = {}  # path -> time of its latest event, for the quiet period

    def add(self, path: str, kind: EventKind = "whole") -> None:
        """An event for `path` now: it waits `delay` more (a write: until its close, or at least `grace`
        more), and is busy for `quiet` more."""
        self._event(path)
        if kind == "write":
            self._writing.add(path)
        elif kind == "whole":
            self._writing.discard(path)

    def opened(self, path: str) -> None:
        """Someone opened `path` (to read or to write): not a change, but a write now waits for its close."""
        self._open[path] = self._open.get(path, 0) + 1

    def closed(self, path: str, *, wrote: bool) -> None:
        """Someone closed `path`. A writer's close (`wrote`) makes the file whole: due at once when its save
        began after a quiet spell, else `delay` from now, as any event of a burst."""
        count = self._open.pop(path, 0) - 1
        if count > 0:
            self._open[path] = count
        if not wrote:
            return
        now = self._event(path)
        self._writing.discard(path)
        if path in self._leading:
            self._settle[path] = now

    def _event(self, path: str) -> float:
        now = self.clock()
        if path not in self._pending:
            last = self._last.get(path)
            if last is None or now - last >= self.delay:
                self._leading.add(path)
        self._pending[path] = now
        self._settle.pop(path, None)
        self._last[path] = now
        self._recent[path] = now
        return now

    def _due_at(self, path: str, last: float) -> float:
        settled = self._settle.get(path)
        if settled is not None:
            return settled
        if path not in self._writing:
            return last + self.delay
        return last + max(self.delay, self.open_wait if self._open.get(path) else self.grace)

    def __len__(self) -> int:
        """How many paths are pending."""
        return len(self._pending)

    def writing(self, path: str) -> bool:
        """Whether `path` waits for a writer's close (its last event was a write, not closed yet)."""
        return path in self._writing

    def due(self) -> list[str]:
        """The paths that have settled, sorted; they are no longer pending."""
        now = self.clock()
        ready = sorted(path for path, last in self._pending.items() if self._due_at(path, last) <= now)
        for path in ready:
            del self._pending[path]
            self._settle.pop(path, None)
            self._leading.discard(path)
            self._writing.discard(path)
        stale = [p for p, when in self._last.items() if now - when >= self.delay and p not in self._pending]
        for path in stale:
            del self._last[path]
        return ready

    def busy(self) -> frozenset[str]:
        """The paths with an event within the quiet period: not to be written yet."""
        now = self.clock()
        for path in [p for p, when in self._recent.items() if now - when >= self.quiet]:
            del self._recent[path]
        return frozenset(self._recent)

    def quiet_at(self, path: str) -> float | None:
        """When `path` becomes quiet (clock time), or None when it is quiet already."""
        when = self._recent.get(path)
        if when is None or self.clock() - when >= self.quiet:
            return None
        return when + self.quiet

    def next_due(self) -> float | None:
        """The clock time at which the next pending path becomes due, or None when none is pending."""
        if not self._pending:
            return None
        return min(self._due_at(path, last) for path, last in self._pending.items())
