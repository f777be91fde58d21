"""One daemon per vault: `.vaultkit/watch.lock`, holding the pid of the daemon that watches the vault.

Two daemons on one vault would each take the other's writes for the user's edits and race each other's
compare-and-swap. The lock file is created with O_EXCL (exactly one creator wins) and O_NOFOLLOW, and
`.vaultkit/` must be a real folder of the vault: a link planted there never makes us create or delete a
file elsewhere. A lock whose pid is no longer running (a daemon killed with SIGKILL, a machine that lost
power) is stale and taken over; on Linux a pid that now belongs to another program counts as stale too.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path
from types import TracebackType

from vaultkit.errors import VaultError, VaultkitError
from vaultkit.fileio import pid_running

__all__ = ["LOCK_PATH", "WatchLock", "WatchLockedError"]

LOCK_PATH = Path(".vaultkit") / "watch.lock"

_STARTING = 5.0
"""Seconds an empty lock file is taken for a daemon that has created it and is writing its pid."""


class WatchLockedError(VaultkitError):
    """Another daemon holds the vault's watch lock."""

    def __init__(self, message: str, pid: int | None) -> None:
        super().__init__(message)
        self.pid = pid


class WatchLock:
    """The vault's watch lock; `acquire()` or refuse, `release()` when done (also as a context manager)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / LOCK_PATH
        self.held = False

    def acquire(self) -> None:
        """Take the lock; WatchLockedError naming the pid when a running daemon holds it."""
        folder = self.path.parent
        try:
            folder.mkdir(exist_ok=True)
            mode = folder.lstat().st_mode
        except OSError as exc:
            raise VaultError(f"{folder}: cannot make the watch lock's folder: {exc.strerror or exc}") from exc
        if not stat.S_ISDIR(mode):
            raise VaultError(f"{folder} is not a folder (a link?); refusing to put the watch lock there")
        for _ in range(3):  # a stale lock removed, then our create: another taker may win in between
            if self._create():
                self.held = True
                return
            pid, age = self._holder()
            if pid == os.getpid() and self.held:
                return  # ours already (a vault folder restored with our lock in it)
            if pid is None and age is not None and age < _STARTING:
                raise WatchLockedError(
                    f"another vaultkit watch is starting on this vault ({self.path})", None
                )
            if pid is not None and _alive(pid):
                raise WatchLockedError(
                    f"another vaultkit watch (pid {pid}) is already watching this vault; stop it first "
                    f"(or, if no such process runs, delete {self.path})",
                    pid,
                )
            self._remove_stale(pid)
        raise WatchLockedError(
            f"cannot take the watch lock {self.path}: other processes keep taking it", None
        )

    def release(self) -> None:
        """Remove the lock if it is still ours (never another daemon's that took it over meanwhile)."""
        if not self.held:
            return
        self.held = False
        pid, _ = self._holder()
        if pid == os.getpid():
            with contextlib.suppress(OSError):
                self.path.unlink()

    def __enter__(self) -> WatchLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def _create(self) -> bool:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except FileExistsError:
            return False
        except OSError as exc:
            raise VaultError(f"{self.path}: cannot create the watch lock: {exc.strerror or exc}") from exc
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(f"{os.getpid()}\n")
        return True

    def _holder(self) -> tuple[int | None, float | None]:
        """(pid written in the lock, or None; the lock's age in seconds, or None when it is gone)."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(self.path, flags)
        except OSError:
            return None, None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read(64) if stat.S_ISREG(info.st_mode) else b""
        age = time.time() - info.st_mtime
        text = data.decode("ascii", "replace").strip()
        return (int(text) if text.isdigit() else None), age

    def _remove_stale(self, pid: int | None) -> None:
        """Delete a stale lock, after checking once more that it still names the same dead pid."""
        if self._holder()[0] == pid:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def _alive(pid: int) -> bool:
    """Whether `pid` runs (this process counts: a second daemon in the same process is refused too), and,
    where /proc tells, runs vaultkit rather than a program that was given a dead daemon's pid."""
    if not pid_running(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    return b"vaultkit" in cmdline or pid == os.getpid()
