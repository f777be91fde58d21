"""Injected failures: error statuses (optionally after the write is committed), dropped connections, slowness.

Notion can save a write and still answer 503, or drop the connection after saving; a sync that repeats such a
write blindly duplicates pages or blocks. `committed=True` reproduces exactly that: the emulator applies the
request, then fails it, so tests can check that the client reads back before retrying.
"""

from __future__ import annotations

import random as _random
import re
import threading
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["status", "drop", "slow"]


def _pattern(match: str) -> re.Pattern[str]:
    """`"PATCH /v1/blocks/*/children"`: `*` is one path segment, `**` any run; no method means any method."""
    method, _, path = match.partition(" ") if " " in match else ("*", "", match)
    pieces = re.split(r"(\*\*|\*)", path)
    parts = [".*" if piece == "**" else "[^/]+" if piece == "*" else re.escape(piece) for piece in pieces]
    method_re = "[A-Z]+" if method == "*" else re.escape(method.upper())
    return re.compile(f"{method_re} {''.join(parts)}")


@dataclass
class Fault:
    """One injected failure; `times=None` keeps it forever, `match=None` matches every request."""

    status: int = 500
    kind: FaultKind = "status"
    times: int | None = 1
    match: str | None = None
    committed: bool = False
    retry_after: int | None = None
    delay: float = 0.0
    html: bool = False

    def matches(self, method: str, path: str) -> bool:
        return self.match is None or _pattern(self.match).fullmatch(f"{method} {path}") is not None


@dataclass(frozen=True)
class Fired:
    """A fault that hit a request (what tests observe besides the request log)."""

    method: str
    path: str
    fault: Fault


@dataclass
class _RandomFaults:
    ratio: float
    statuses: tuple[int, ...]
    committed_share: float
    html_share: float
    rng: _random.Random


@dataclass
class Faults:
    """The queue of faults; the first fault matching a request fires and uses up one of its `times`."""

    _queue: list[Fault] = field(default_factory=list)
    _random: _RandomFaults | None = None
    fired: list[Fired] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._queue.append(fault)
        return fault

    def random(
        self,
        ratio: float,
        *,
        seed: int = 0,
        statuses: tuple[int, ...] = (500, 502, 503, 504, 529),
        committed_share: float = 0.5,
        html_share: float = 0.0,
    ) -> None:
        """Fail about `ratio` of all requests; a share of the failing writes is committed before failing."""
        with self._lock:
            self._random = _RandomFaults(ratio, statuses, committed_share, html_share, _random.Random(seed))

    def forget_fired(self) -> None:
        with self._lock:
            self.fired.clear()

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self._random = None

    def take(self, method: str, path: str, *, is_write: bool) -> Fault | None:
        """The fault for this request, if any (random ones are drawn after the queued ones)."""
        with self._lock:
            fault = self._take_queued(method, path) or self._draw(is_write)
            if fault is not None:
                self.fired.append(Fired(method, path, fault))
            return fault

    def _take_queued(self, method: str, path: str) -> Fault | None:
        for fault in self._queue:
            if fault.matches(method, path):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._queue.remove(fault)
                return fault
        return None

    def _draw(self, is_write: bool) -> Fault | None:
        spec = self._random
        if spec is None or spec.rng.random() >= spec.ratio:
            return None
        status = spec.rng.choice(spec.statuses)
        committed = is_write and spec.rng.random() < spec.committed_share
        html = status == 502 and spec.rng.random() < spec.html_share
        return Fault(status=status, committed=committed, html=html, retry_after=0 if status == 429 else None)
