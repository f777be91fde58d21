"""Safe file writes: atomic replace, skip when unchanged, and refuse to clobber someone else's edit.

Obsidian (and sync tools, and editors) may write a note while we work on it. We remember the bytes we
read and compare them with the file before writing; if it differs we raise `ConflictError` instead of
overwriting. The new content goes to a temporary file in the same folder, is fsynced, gets the original
file's owner, group and permissions, and takes the note's place in one step, so a reader sees the old
note or the new one, never half of one. On Linux that step is an atomic exchange of the two names
(`renameat2(RENAME_EXCHANGE)`): the file displaced is compared with what we read, and a save that landed
after our check is put back, never lost (`_swap`). Elsewhere the note is read once more right before a
plain rename, which leaves a window of microseconds.

A note whose owner has no write permission was made read-only on purpose: it is left alone
(`ReadOnlyError`), whoever runs vaultkit (root passes every permission check).

The temp file is `.vk-<pid>-<8 random>.tmp`: short whatever the note's name (a note may use the whole
file-name limit), starting with a dot so vault walks and watchers skip it, and removed whatever goes wrong.
Only `kill -9` or a power cut can leave one behind; `remove_stale_temp_files` deletes those later, by that
name pattern only, once their writer is gone or they are old enough that no write can still be running.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import re
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

from vaultkit.errors import ConflictError, NoteError, ReadOnlyError, UnsafePathError

__all__ = [
    "CONFIG_LIMIT",
    "IMPORT_LIMIT",
    "OUTSIDE",
    "STALE_TEMP_AGE",
    "atomic_write",
    "ensure_inside",
    "inside_vault",
    "not_a_file",
    "pid_running",
    "read_bytes",
    "read_regular",
    "refuse_read_only",
    "remove_stale_temp_files",
]

#: The most vaultkit reads of one settings file (`.vaultkit/config.toml`, `.obsidian/*.json`): 1 MiB.
CONFIG_LIMIT = 1 << 20
#: The most `vaultkit import` reads of one document: 64 MiB (a 50 MB note is read and imported).
IMPORT_LIMIT = 64 << 20

_KINDS = (
    (stat.S_ISFIFO, "is a FIFO (named pipe), not a file"),
    (stat.S_ISCHR, "is a device, not a file"),
    (stat.S_ISBLK, "is a device, not a file"),
    (stat.S_ISSOCK, "is a socket, not a file"),
)

_log = logging.getLogger(__name__)

_TEMP_PREFIX, _TEMP_SUFFIX = ".vk-", ".tmp"
_TEMP_NAME = re.compile(r"\.vk-([0-9a-f]{1,16})-[a-z0-9_]{8}\.tmp")
"""Our temp files: `.vk-<writer pid in hex>-<mkstemp's 8 characters>.tmp`, and nothing else."""
_LEGACY_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.vaultkit-tmp", re.DOTALL)
"""What earlier versions named them (`.NAME.xxxxxxxx.vaultkit-tmp`): no pid, so removed by age only."""

STALE_TEMP_AGE = 3600.0
"""Seconds after which a temp file is left over whoever wrote it: a write takes milliseconds."""
_DEAD_WRITER_GRACE = 60.0
"""A temp file whose writer pid is gone is removed only after this many seconds: in a folder shared with
another machine, a pid that does not run here may be a write in progress there."""

_READ_ONLY = "read-only (no write permission for its owner); make it writable to let vaultkit update it"


def not_a_file(mode: int, what: str = "a file") -> str | None:
    """Why a file of this `st_mode` is not read (a folder, a FIFO, a device, a socket), or None for a
    regular file. Every reader of vaultkit's asks this of an fstat before it reads a byte."""
    if stat.S_ISDIR(mode):
        return f"is a folder, not {what}"
    return next((reason for test, reason in _KINDS if test(mode)), None)


def read_regular(path: Path, limit: int | None = None, what: str = "a file") -> bytes:
    """The bytes of the regular file at `path`, never more than `limit`.

    A FIFO, device or socket is refused before a byte is read (opened without blocking, then checked
    with fstat): reading one would hang (a FIFO with no writer) or never end (`/dev/zero`). Raises
    FileNotFoundError (or NotADirectoryError) when there is no file, and NoteError with the reason for
    everything else, including a file larger than `limit` (`what` names the file's role in that message).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise  # the caller says what a missing file means (defaults, or "no such file")
    except IsADirectoryError as exc:
        raise NoteError(f"is a folder, not {what}", path) from exc
    except OSError as exc:
        raise NoteError(str(exc.strerror or exc), path) from exc
    try:
        mode = os.fstat(fd).st_mode
        reason = not_a_file(mode, what)
        if reason is not None:
            raise NoteError(reason, path)
        chunks: list[bytes] = []
        size = 0
        cap = limit + 1 if limit is not None else None
        while cap is None or size < cap:
            chunk = os.read(fd, 1 << 20 if cap is None else min(1 << 20, cap - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise NoteError(str(exc.strerror or exc), path) from exc
    finally:
        os.close(fd)
    if limit is not None and size > limit:
        raise NoteError(f"is larger than {_size(limit)}, the most vaultkit reads of {what}", path)
    return b"".join(chunks)


def _size(count: int) -> str:
    return f"{count >> 20} MiB" if count >= 1 << 20 else f"{count} bytes"


def read_bytes(path: Path, limit: int | None = None, what: str = "a note") -> bytes:
    """A file's bytes (see `read_regular`); NoteError (with the path, and the reason only) when it
    cannot be read, a missing file included."""
    try:
        return read_regular(path, limit, what)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise NoteError("no such file", path) from exc


#: Why a note that is a link to a file outside the vault is not read (nor written).
OUTSIDE = "is a link to a file outside the vault; vaultkit neither reads nor writes it"


def inside_vault(root: Path | str, path: Path | str) -> bool:
    """Whether `path`, every link followed, lies inside the vault at `root` (links within it are fine)."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def ensure_inside(root: Path, path: Path, *, to: Literal["read", "write"] = "write") -> Path:
    """`path` resolved, if it lies inside `root`; otherwise UnsafePathError (no writes outside a vault).

    `to` says what the path is for, so the refusal names what was refused: a template is only read.
    """
    root_resolved = root.resolve()
    resolved = (root_resolved / path).resolve() if not path.is_absolute() else path.resolve()
    if resolved != root_resolved and root_resolved not in resolved.parents:
        where = "there" if to == "write" else "from there"
        raise UnsafePathError(f"{path} is outside the vault {root}; refusing to {to} {where}")
    return resolved


def atomic_write(path: Path, data: bytes, expected: bytes | None) -> bool:
    """Replace `path` with `data` atomically. Returns False (and writes nothing) when already equal.

    `expected` is what the file held when it was read (None: it must not exist yet). If the file on disk
    differs from it, nothing is written and ConflictError is raised. A symlinked note is written through
    its link (the link stays a link). A note its owner may not write raises ReadOnlyError, unless there
    is nothing to write; owner, group and mode carry over to the new file.
    """
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        return _replace(path, data, expected)
    except OSError as exc:
        raise NoteError(f"cannot write: {exc.strerror or exc}", path) from exc


def _replace(path: Path, data: bytes, expected: bytes | None) -> bool:
    current = _current(path)
    if current is not None and current == data and expected is not None:
        return False
    if current != expected:
        raise ConflictError(_conflict_message(expected, current), path)
    old = None
    with contextlib.suppress(FileNotFoundError):
        old = path.stat()
    if old is not None and not old.st_mode & stat.S_IWUSR:
        raise ReadOnlyError(_READ_ONLY, path)
    prefix = f"{_TEMP_PREFIX}{os.getpid():x}-"
    fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=_TEMP_SUFFIX, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if old is not None:
            _take_owner(tmp, old)
            tmp.chmod(stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits
        else:
            tmp.chmod(0o666 & ~_UMASK)
        _before_swap(path)
        if expected is None:
            _publish_new(tmp, path)
        elif not _swap(tmp, path, expected, data):  # no atomic exchange here: check, then rename
            if _current(path) != expected:  # compare-and-swap, as late as we can make it
                raise ConflictError(_conflict_message(expected, _current(path)), path)
            tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
    return True


def _before_swap(path: Path) -> None:
    """Called after the temp file is written, right before it takes the note's place: a seam for tests
    that save the note in that window."""


def _swap(tmp: Path, path: Path, expected: bytes, data: bytes) -> bool:
    """Put the finished temp file at `path` by exchanging the two atomically, then check what came out.

    A check followed by rename(2) leaves a window: a save by another program after the check is
    replaced, and lost. Exchanging the names instead (`renameat2(RENAME_EXCHANGE)`, Linux) keeps the
    file we displaced, now at `tmp`: if it is not the bytes we read, someone saved meanwhile, and the
    exchange is undone (their file goes back to `path`) and ConflictError raised. The displaced file is
    deleted with the temp file. Returns False, having changed nothing, where the exchange is not
    available (another system, an old kernel, a file system without it): the caller renames instead.
    """
    try:
        if not _exchange(tmp, path):
            return False
    except FileNotFoundError:  # the note was deleted or moved after the check
        raise ConflictError(_conflict_message(expected, None), path) from None
    try:
        displaced = tmp.read_bytes()
    except OSError:
        displaced = None
    if displaced == expected:
        tmp.unlink()  # the note as we read it: replaced, as a rename would have
        return True
    _exchange(tmp, path)  # theirs goes back
    try:
        back = tmp.read_bytes()
    except OSError:
        back = None
    if back != data:  # yet another save landed at `path` after our exchange: the latest stays there
        _exchange(tmp, path)
    raise ConflictError(_conflict_message(expected, displaced), path)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV})


def _load_renameat2() -> Any:
    """libc's `renameat2`, or None (not Linux, or a libc without it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _load_renameat2()


def _exchange(first: Path, second: Path) -> bool:
    """Swap the names of two files atomically; False when this system or file system cannot.

    FileNotFoundError when either is gone (a note deleted meanwhile is a conflict for the caller)."""
    if _RENAMEAT2 is None:
        return False
    result = _RENAMEAT2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(second))


def refuse_read_only(path: Path) -> None:
    """ReadOnlyError when `path` exists and its owner may not write it: the user's "leave this alone".

    Judged by the mode bits, not by trying: root may write anything, and must still respect that.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not mode & stat.S_IWUSR:
        raise ReadOnlyError(_READ_ONLY, path)


def _take_owner(tmp: Path, old: os.stat_result) -> None:
    """Give the temp file the note's owner and group, as far as we may (the owner only as root; the group
    when we belong to it). A note rewritten by root must not become root's."""
    mine = tmp.stat()
    if (mine.st_uid, mine.st_gid) == (old.st_uid, old.st_gid):
        return
    try:
        os.chown(tmp, old.st_uid, old.st_gid)
    except OSError:
        with contextlib.suppress(OSError):
            os.chown(tmp, -1, old.st_gid)


def remove_stale_temp_files(root: Path, *, now: float | None = None) -> list[Path]:
    """Delete temp files an interrupted write left below `root` (dot-folders skipped, as the vault walk
    skips them); return what was deleted. Only names vaultkit gives its temp files are considered, and of
    those only files whose writer process is gone, or that are older than `STALE_TEMP_AGE` seconds."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if not entry.name.startswith("."):
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                elif _is_stale_temp(entry, now):
                    stale = Path(entry.path)
                    stale.unlink()
                    removed.append(stale)
                    _log.info("removed a temp file left by an interrupted write: %s", entry.path)
            except OSError:
                continue
    return removed


def _is_stale_temp(entry: os.DirEntry[str], now: float) -> bool:
    ours = _TEMP_NAME.fullmatch(entry.name)
    if ours is None and _LEGACY_TEMP_NAME.fullmatch(entry.name) is None:
        return False
    if not entry.is_file(follow_symlinks=False):
        return False
    age = now - entry.stat(follow_symlinks=False).st_mtime
    if age > STALE_TEMP_AGE:
        return True
    return ours is not None and age > _DEAD_WRITER_GRACE and not pid_running(int(ours.group(1), 16))


def pid_running(pid: int) -> bool:
    """Whether a process with this pid runs on this machine (another user's counts; a number larger than
    any pid does not): whose temp file or lock may still be in use."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OverflowError:  # larger than any pid
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise NoteError(f"cannot read it before writing: {exc.strerror or exc}", path) from exc


def _conflict_message(expected: bytes | None, current: bytes | None) -> str:
    if current is None:
        return "the file was deleted or moved after it was read; nothing written"
    if expected is None:
        return "the file already exists; nothing written"
    return "the file changed on disk after it was read; nothing written (read it again and retry)"


def _read_umask() -> int:
    mask = os.umask(0)  # the only way to read it; done once, at import, before any thread starts
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _publish_new(tmp: Path, path: Path) -> None:
    """Move a finished temp file to a path that must not exist yet (never replacing one that appeared)."""
    try:
        os.link(tmp, path)
    except FileExistsError as exc:
        raise ConflictError("a file appeared at this path; not overwritten", path) from exc
    except OSError:  # no hard links on this file system: check, then rename
        if path.exists():
            raise ConflictError("a file appeared at this path; not overwritten", path) from None
        tmp.replace(path)
        return
    tmp.unlink()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
