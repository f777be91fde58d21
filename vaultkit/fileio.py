"""Safe file writes: atomic replace, skip when unchanged, and refuse to clobber someone else's edit.

Obsidian (and sync tools, and editors) may write a note while we work on it. We remember the bytes we
read; just before replacing the file we read it again, and if it differs we raise `ConflictError`
instead of overwriting. The new content goes to a temporary file in the same folder, is fsynced, gets
the original file's permissions, and is renamed over the note, so a reader sees the old note or the new
one, never half of one. The temp file's name starts with a dot, so vault walks and watchers skip it, and
it is removed whatever goes wrong.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Literal

from vaultkit.errors import ConflictError, NoteError, UnsafePathError

__all__ = ["atomic_write", "ensure_inside", "read_bytes"]


def read_bytes(path: Path) -> bytes:
    """A file's bytes; NoteError (with the path, and the reason only) when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise NoteError("no such file", path) from exc
    except IsADirectoryError as exc:
        raise NoteError("is a folder, not a note", path) from exc
    except OSError as exc:
        raise NoteError(str(exc.strerror or exc), path) from exc


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
    its link (the link stays a link).
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
    mode = None
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".vaultkit-tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            tmp.chmod(mode)
        else:
            tmp.chmod(0o666 & ~_UMASK)
        if _current(path) != expected:  # compare-and-swap, as late as we can make it
            raise ConflictError(_conflict_message(expected, _current(path)), path)
        if expected is None:
            _publish_new(tmp, path)
        else:
            tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)
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
