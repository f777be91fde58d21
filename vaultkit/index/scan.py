"""Reading notes for the index: one stat, one read, one hash, a parse when the bytes changed; in a process
pool when there are many; and the fingerprint of everything besides the notes that decides an entry.

Kept apart from `index` (the store) because these are the functions that run in the worker processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sys
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from vaultkit.fileio import OUTSIDE, inside_vault, not_a_file
from vaultkit.index.rows import FLAG_RECHECK, Detail, SummaryParts, full_parts, summary_parts
from vaultkit.markdown.scanner import current_engine
from vaultkit.notes.tasks import TaskStatuses

__all__ = [
    "RACY_NS",
    "RECORD_PACKAGES",
    "content_hash",
    "fingerprint",
    "parse_batch",
    "pool_context",
    "record_modules",
    "unchanged",
    "worker_start",
]

FORMAT_VERSION = 4  # 2: SHA-256 content hashes; 3: tasks and outline apart, text findings; 4: dues
#: A file modified less than this before it was indexed is hashed again next time (nanoseconds).
RACY_NS = 2_000_000_000
#: The parts of the package whose code may decide what a record holds: the layers below the index and the
#: index itself (the import-linter contracts in pyproject.toml keep the index from importing anything
#: above them), and the package's top-level modules. A change to any of their files invalidates an index.
RECORD_PACKAGES = ("notes", "props", "markdown", "index")

# One parsed note: (path, mtime_ns, size, hash, flags to add, summary parts, detail or None).
_Parsed = tuple[str, int, int, bytes, int, SummaryParts, "Detail | None"]


_PACKAGE = Path(__file__).resolve().parents[1]


def record_modules() -> list[Path]:
    """The source files whose code may decide a stored row, found in the package (not a list that drifts)."""
    found = sorted(_PACKAGE.glob("*.py"))
    for package in RECORD_PACKAGES:
        found += sorted((_PACKAGE / package).rglob("*.py"))
    return found


@cache
def _code_fingerprint() -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in record_modules():
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    for package in ("markdown_it", "yaml", "ftfy"):  # their files, not an import: a warm run loads neither
        spec = importlib.util.find_spec(package)
        origin = spec.origin if spec is not None else None
        try:
            stat = Path(origin).stat() if origin else None
        except OSError:
            stat = None
        digest.update(repr((package, origin, stat and (stat.st_mtime_ns, stat.st_size))).encode())
    return digest.hexdigest()


def fingerprint(statuses: TaskStatuses, templates: str | None) -> str:
    """Everything besides the notes themselves that decides what the index holds."""
    parts = (
        FORMAT_VERSION,  # vaultkit's version is in the code fingerprint (vaultkit/__init__.py)
        sys.version_info[:2],
        sorted(statuses.done),
        sorted(statuses.cancelled),
        templates,
        current_engine(),
        _code_fingerprint(),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def content_hash(data: bytes) -> bytes:
    """128 bits of SHA-256: whether a note's bytes changed. SHA-256 runs in hardware on current CPUs (via
    OpenSSL), twice as fast here as the BLAKE2 that CPython builds without SIMD."""
    return hashlib.sha256(data).digest()[:16]


def _read(abspath: str) -> tuple[bytes | None, str | None, int, int]:
    """(bytes, None, mtime_ns, size), or (None, reason, -1, -1) as `fileio.read_bytes` words the reason.

    One open, one fstat, one read: the stat belongs to the bytes read, and no Path object is built (10,000
    of them cost more than reading the files).
    """
    try:  # without blocking: a FIFO put where a note was must not hang the run (see `fileio.not_a_file`)
        fd = os.open(abspath, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None, "no such file", -1, -1
    except IsADirectoryError:
        return None, "is a folder, not a note", -1, -1
    except OSError as exc:
        return None, str(exc.strerror or exc), -1, -1
    try:
        stat = os.fstat(fd)
        refused = not_a_file(stat.st_mode, "a note")
        if refused is not None:
            return None, refused, -1, -1
        data = os.read(fd, stat.st_size + 1)  # a regular file reads short only at its end
        if len(data) > stat.st_size:  # it grew since fstat: read on to the end
            chunks = [data]
            while chunk := os.read(fd, 1 << 16):
                chunks.append(chunk)
            data = b"".join(chunks)
    except IsADirectoryError:
        return None, "is a folder, not a note", -1, -1
    except OSError as exc:
        return None, str(exc.strerror or exc), -1, -1
    finally:
        os.close(fd)
    return data, None, stat.st_mtime_ns, stat.st_size


def _parse_one(
    root: str, path: str, known_hash: bytes | None, statuses: TaskStatuses, template: bool, detail: bool
) -> _Parsed | tuple[str, int, int, bytes, int]:
    """Stat, read and (unless the bytes hash as `known_hash`) parse one note."""
    now = time.time_ns()
    full = os.path.join(root, path)  # noqa: PTH118
    read: tuple[bytes | None, str | None, int, int] = (None, OUTSIDE, -1, -1)
    if not os.path.islink(full) or inside_vault(root, full):  # noqa: PTH114 (no Path object per note)
        read = _read(full)
    data, reason, mtime, size = read
    flags = FLAG_RECHECK if data is None or now - mtime < RACY_NS else 0
    digest = content_hash(data) if data is not None else b""
    if data is not None and digest == known_hash:
        return (path, mtime, size, digest, flags)
    if detail:
        parts, found = full_parts(path, data, reason, statuses, template)
        return (path, mtime, size, digest, flags, parts, found)
    return (path, mtime, size, digest, flags, summary_parts(path, data, reason, statuses, template), None)


def parse_batch(
    root: str, batch: Sequence[tuple[str, bytes | None, bool]], statuses: TaskStatuses, detail: bool
) -> list[_Parsed | tuple[str, int, int, bytes, int]]:
    return [_parse_one(root, path, known, statuses, template, detail) for path, known, template in batch]


def unchanged(root: str, paths: Sequence[str], stats: dict[str, tuple[int, int, bytes, int]]) -> set[str]:
    """The paths whose (mtime_ns, size) are as indexed and need no re-check.

    One `stat` per note, relative to an open descriptor of its folder: the cheapest way to stat 10,000
    files from Python (no full path built and resolved per file).
    """
    folders: dict[str, list[tuple[str, str]]] = {}
    for path in paths:
        known = stats.get(path)
        if known is not None and not known[3] & FLAG_RECHECK:
            folder, _, name = path.rpartition("/")
            folders.setdefault(folder, []).append((name, path))
    same: set[str] = set()
    stat = os.stat
    by_folder = os.stat in os.supports_dir_fd  # not on Windows
    for folder, entries in folders.items():
        where = os.path.join(root, folder) if folder else root  # noqa: PTH118
        fd = None
        if by_folder:
            with contextlib.suppress(OSError):
                fd = os.open(where, os.O_RDONLY)
        try:
            for name, path in entries:
                try:
                    found = stat(name, dir_fd=fd) if fd is not None else stat(os.path.join(where, name))  # noqa: PTH118
                except OSError:
                    continue
                known = stats[path]
                if found.st_mtime_ns == known[0] and found.st_size == known[1]:
                    same.add(path)
        finally:
            if fd is not None:
                os.close(fd)
    return same


def pool_context() -> Any:
    import multiprocessing
    import threading

    # fork starts workers in milliseconds with every module already imported; it is only safe while this
    # process runs a single thread (a watcher's threads get the slower, safe default instead).
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


#: How often a pool worker looks whether its parent is still there (seconds).
PARENT_POLL = 0.2


def worker_start(parent: int) -> None:
    """Run first in each pool worker: make it end when the run that started it ends, however it ends.

    The workers wait on a queue whose writing end they hold themselves, so they never see it close: a
    parent killed (`kill -9`, or a SIGTERM before the CLI handled it) left them blocked forever, children
    of init. So: on Linux the kernel sends SIGTERM when the parent dies (`PR_SET_PDEATHSIG`); everywhere a
    daemon thread polls `os.getppid()`, which changes when the parent is gone. Ctrl-C reaches the whole
    process group: a worker ignores it and the parent, which gets it too, shuts the pool down; SIGTERM and
    SIGHUP end a worker at once (not the CLI's handlers, inherited through fork).
    """
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # gone before the above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="vaultkit-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)  # no cleanup to run: the worker holds nothing but its share of a parse
