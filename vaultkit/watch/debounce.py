"""When a path has settled: per-path debounce and the quiet period, with an injected clock.

Two clocks run per path. The debounce (default 300 ms) says when a burst of events is over and the path
is worth reading: an editor's save is often three or four events (a temp file written, moved over the
note, its attributes set), and a user ticking boxes quickly makes a burst too. The quiet period (default
2 s) is longer and says when the daemon may *write* the file: a note the user touched a moment ago may be
touched again any moment, and writing it then would race the editor. Such a note is still read and
counted (the plan and the dashboards update at once); only its own properties wait.

Pure and single-threaded: the loop feeds it events and asks it questions; the clock is a parameter so that
tests step time by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["Debouncer"]


class Debouncer:
    """Pending paths (the latest event of each) and recent paths (for the quiet period)."""

    def __init__(self, delay: float, quiet: float, clock: Callable[[], float] = time.monotonic) -> None:
        if delay < 0 or quiet < 0:
            raise ValueError("the debounce and the quiet period cannot be negative")
        self.delay = delay
        self.quiet = quiet
        self.clock = clock
        self._pending: dict[str, float] = {}  # path -> time of its latest event, not yet handed out
        self._recent: dict[str, float] = {}  # path -> time of its latest event, for the quiet period

    def add(self, path: str) -> None:
        """An event for `path` now: it waits `delay` more, and is busy for `quiet` more."""
        now = self.clock()
        self._pending[path] = now
        self._recent[path] = now

    def __len__(self) -> int:
        """How many paths are pending."""
        return len(self._pending)

    def due(self) -> list[str]:
        """The paths whose last event is at least `delay` old, sorted; they are no longer pending."""
        now = self.clock()
        ready = sorted(path for path, when in self._pending.items() if now - when >= self.delay)
        for path in ready:
            del self._pending[path]
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
        return min(self._pending.values()) + self.delay
