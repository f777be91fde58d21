"""Atomic, compare-and-swap writes: same folder temp file, fsync, rename, permissions, no leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vaultkit import fileio
from vaultkit.errors import ConflictError, NoteError, UnsafePathError
from vaultkit.fileio import atomic_write, ensure_inside, read_bytes


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_replaces_through_a_temp_file_in_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    calls: list[tuple[str, str]] = []
    real_replace, real_fsync = Path.replace, os.fsync

    def replace(self: Path, target: Path) -> Path:
        calls.append(("replace", self.parent.name))
        assert self.name.startswith(".n.md.") and self.name.endswith(".vaultkit-tmp")
        assert self.read_bytes() == b"new"
        return real_replace(self, target)

    def fsync(fd: int) -> None:
        calls.append(("fsync", ""))
        real_fsync(fd)

    monkeypatch.setattr(Path, "replace", replace)
    monkeypatch.setattr(os, "fsync", fsync)
    assert atomic_write(path, b"new", b"old") is True
    assert path.read_bytes() == b"new"
    assert calls[0] == ("fsync", "") and ("replace", tmp_path.name) in calls  # data synced before rename
    assert names(tmp_path) == ["n.md"]


def test_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    path.chmod(0o604)
    atomic_write(path, b"new", b"old")
    assert path.stat().st_mode & 0o777 == 0o604


def test_new_files_get_umask_permissions(tmp_path: Path) -> None:
    atomic_write(tmp_path / "new.md", b"x", None)
    assert (tmp_path / "new.md").stat().st_mode & 0o777 == 0o666 & ~fileio._UMASK


def test_unchanged_bytes_are_not_written(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"same")
    os.utime(path, (1_000_000, 1_000_000))
    assert atomic_write(path, b"same", b"same") is False
    assert path.stat().st_mtime == 1_000_000


@pytest.mark.parametrize(
    ("on_disk", "expected", "message"),
    [
        (b"edited", b"old", "changed on disk"),
        (None, b"old", "deleted or moved"),
        (b"exists", None, "already exists"),
    ],
)
def test_conflicts_write_nothing(
    tmp_path: Path, on_disk: bytes | None, expected: bytes | None, message: str
) -> None:
    path = tmp_path / "n.md"
    if on_disk is not None:
        path.write_bytes(on_disk)
    with pytest.raises(ConflictError, match=message):
        atomic_write(path, b"new", expected)
    assert (path.read_bytes() if path.exists() else None) == on_disk
    assert names(tmp_path) == ([] if on_disk is None else ["n.md"])


def test_a_change_just_before_the_rename_is_a_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    real_fsync = os.fsync

    def fsync_then_edit(fd: int) -> None:  # Obsidian saves while our temp file is being written
        real_fsync(fd)
        path.write_bytes(b"typed meanwhile")

    monkeypatch.setattr(os, "fsync", fsync_then_edit)
    with pytest.raises(ConflictError):
        atomic_write(path, b"new", b"old")
    assert path.read_bytes() == b"typed meanwhile"
    assert names(tmp_path) == ["n.md"]


def test_no_temp_file_is_left_when_the_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")

    def fail(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", fail)
    with pytest.raises(NoteError, match="cannot write: No space left on device"):
        atomic_write(path, b"new", b"old")
    assert path.read_bytes() == b"old"
    assert names(tmp_path) == ["n.md"]


def test_no_temp_file_is_left_on_interrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "n.md", b"new", None)
    assert names(tmp_path) == []


def test_a_symlinked_note_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert atomic_write(link, b"new", b"old") is True
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_read_bytes_errors(tmp_path: Path) -> None:
    with pytest.raises(NoteError, match="no such file"):
        read_bytes(tmp_path / "missing.md")
    with pytest.raises(NoteError, match="is a folder"):
        read_bytes(tmp_path)


def test_ensure_inside(tmp_path: Path) -> None:
    (tmp_path / "v").mkdir()
    root = tmp_path / "v"
    assert ensure_inside(root, Path("a/b.md")) == root.resolve() / "a" / "b.md"
    assert ensure_inside(root, root / "x.md") == root.resolve() / "x.md"
    for bad in (Path("../x.md"), Path("/etc/passwd"), Path("a/../../x.md")):
        with pytest.raises(UnsafePathError, match="outside the vault"):
            ensure_inside(root, bad)
    (root / "escape").symlink_to(tmp_path)
    with pytest.raises(UnsafePathError):
        ensure_inside(root, Path("escape/x.md"))
