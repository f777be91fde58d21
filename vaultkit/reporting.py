"""How far a long run got, for whoever wants to show it: the library knows no terminal.

A cold index of thousands of notes, a first rollup that writes every managed note, an import of many
documents: each passes its items through `reported(items, total, label)`, and whoever called the
library with `reporting_progress(callback)` around it hears `callback(label, done, total)` now and then
(first with 0, last with the total). The CLI draws a progress bar from it; nothing else is printed. A
context variable rather than an argument: the work happens deep inside whatever first asks the vault for
something, and the caller that wants a bar should not have to know which call that is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import TypeVar

__all__ = ["Progress", "reported", "reporting_progress"]

Progress = Callable[[str, int, int], None]
"""Called as `progress(label, done, total)`: what is being done, how many items are done, of how many."""

_T = TypeVar("_T")
_PROGRESS: ContextVar[Progress | None] = ContextVar("vaultkit_progress", default=None)
_EVERY = 50  # items between two reports: a bar moves smoothly, the loop stays cheap


@contextlib.contextmanager
def reporting_progress(progress: Progress) -> Iterator[None]:
    """Within this block, every long run reports to `progress` (see `Progress`)."""
    token = _PROGRESS.set(progress)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def reported(items: Iterable[_T], total: int, label: str) -> Iterator[_T]:
    """`items`, passed through as they come, reported to the current progress callback (if any)."""
    progress = _PROGRESS.get()
    if progress is None or not total:
        yield from items
        return
    progress(label, 0, total)
    done = 0
    for done, item in enumerate(items, 1):
        yield item
        if done % _EVERY == 0:
            progress(label, done, total)
    progress(label, total, total)
