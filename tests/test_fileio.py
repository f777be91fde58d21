"""Atomic, compare-and-swap writes: same folder temp file, fsync, rename, permissions, no leftovers."""

from __future__ import annotations

import ctypes
import errno
import os
from pathlib import Path

import pytest

from vaultkit import fileio
from vaultkit.errors import ConflictError, NoteError, ReadOnlyError, UnsafePathError
from vaultkit.fileio import STALE_TEMP_AGE, atomic_write, ensure_inside, read_bytes, remove_stale_temp_files


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


EXCHANGE = pytest.mark.skipif(
    fileio._RENAMEAT2 is None, reason="renameat2(RENAME_EXCHANGE) is not available on this system"
)


@pytest.fixture(params=["exchange", "rename"])
def swap(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a finished temp file takes the note's place: the atomic exchange (Linux), and the
    rename after a check where that is not available (macOS, old kernels, some file systems)."""
    if request.param == "exchange" and fileio._RENAMEAT2 is None:
        pytest.skip("renameat2(RENAME_EXCHANGE) is not available on this system")
    if request.param == "rename":
        monkeypatch.setattr(fileio, "_RENAMEAT2", None)
    return str(request.param)


def test_replaces_through_a_temp_file_in_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    calls: list[tuple[str, str]] = []
    real_replace, real_fsync, real_exchange = Path.replace, os.fsync, fileio._exchange

    def replace(self: Path, target: Path) -> Path:
        calls.append(("replace", self.parent.name))
        assert self.name.startswith(f".vk-{os.getpid():x}-") and self.name.endswith(".tmp")
        assert self.read_bytes() == b"new"
        return real_replace(self, target)

    def exchange(first: Path, second: Path) -> bool:
        done = real_exchange(first, second)
        if done:
            calls.append(("exchange", first.parent.name))
            assert first.name.startswith(f".vk-{os.getpid():x}-") and first.name.endswith(".tmp")
            assert (first.read_bytes(), second) == (b"old", path)  # the note's old file, displaced
        return done

    def fsync(fd: int) -> None:
        calls.append(("fsync", ""))
        real_fsync(fd)

    monkeypatch.setattr(Path, "replace", replace)
    monkeypatch.setattr(fileio, "_exchange", exchange)
    monkeypatch.setattr(os, "fsync", fsync)
    assert atomic_write(path, b"new", b"old") is True
    assert path.read_bytes() == b"new"
    installed = ("exchange" if swap == "exchange" else "replace", tmp_path.name)
    assert calls[0] == ("fsync", "") and installed in calls  # data synced before rename
    assert [call for call in calls if call[0] != "fsync"] == [installed]  # one way, once
    assert names(tmp_path) == ["n.md"]


@EXCHANGE
@pytest.mark.parametrize("how", ["in place", "atomic save"])
def test_a_save_between_the_last_check_and_the_swap_survives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")

    def save_in_the_window(target: Path) -> None:  # Obsidian saves after our last look at the file
        if how == "in place":
            target.write_bytes(b"typed in the window")
        else:
            (tmp_path / "editor.tmp").write_bytes(b"typed in the window")
            (tmp_path / "editor.tmp").replace(target)

    monkeypatch.setattr(fileio, "_before_swap", save_in_the_window)
    with pytest.raises(ConflictError, match="changed on disk"):
        atomic_write(path, b"new", b"old")
    assert path.read_bytes() == b"typed in the window"
    assert names(tmp_path) == ["n.md"]


@EXCHANGE
def test_a_note_deleted_in_the_window_is_a_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    monkeypatch.setattr(fileio, "_before_swap", lambda target: target.unlink())
    with pytest.raises(ConflictError, match="deleted or moved"):
        atomic_write(path, b"new", b"old")
    assert names(tmp_path) == []


def test_a_file_system_without_the_exchange_falls_back_to_a_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")

    def refuses(*args: object) -> int:  # what renameat2 says on a file system that cannot exchange
        ctypes.set_errno(errno.EINVAL)
        return -1

    monkeypatch.setattr(fileio, "_RENAMEAT2", refuses)
    assert atomic_write(path, b"new", b"old") is True
    assert path.read_bytes() == b"new"
    assert names(tmp_path) == ["n.md"]


def test_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    path.chmod(0o604)
    atomic_write(path, b"new", b"old")
    assert path.stat().st_mode & 0o777 == 0o604


def test_keeps_owner_and_group(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    os.chown(path, 12345, 12346)  # tests run as root: a note of another user
    path.chmod(0o640)
    assert atomic_write(path, b"new", b"old") is True
    found = path.stat()
    assert (found.st_uid, found.st_gid, found.st_mode & 0o7777) == (12345, 12346, 0o640)


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o074])
def test_a_note_without_owner_write_permission_is_left_alone(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")
    path.chmod(mode)
    with pytest.raises(ReadOnlyError, match=r"read-only .*make it writable to let vaultkit update it"):
        atomic_write(path, b"new", b"old")  # root could write it: the mode bits decide, not EACCES
    assert path.read_bytes() == b"old"
    assert path.stat().st_mode & 0o777 == mode
    assert names(tmp_path) == ["n.md"]


def test_temp_names_stay_short_for_the_longest_note_name(tmp_path: Path) -> None:
    path = tmp_path / ("n" * 252 + ".md")  # 255 bytes: the file-name limit
    path.write_bytes(b"old")
    assert atomic_write(path, b"new", b"old") is True
    assert path.read_bytes() == b"new"
    assert names(tmp_path) == [path.name]


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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
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


def test_no_temp_file_is_left_when_the_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"old")

    def fail(*args: object) -> bool:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", fail)
    monkeypatch.setattr(fileio, "_exchange", fail if swap == "exchange" else lambda *args: False)
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


NO_SUCH_PID = 0x3FFFFFFF  # above any pid_max: never a running process


def _temp(folder: Path, name: str, age: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"a full copy of a note")
    moment = 1_800_000_000 - age
    os.utime(path, (moment, moment))
    return path


def test_stale_temp_files_are_removed_and_nothing_else(tmp_path: Path) -> None:
    now = 1_800_000_000.0
    dead, alive = f"{NO_SUCH_PID:x}", f"{os.getpid():x}"
    gone = [
        _temp(tmp_path, f".vk-{dead}-abcd1234.tmp", 120),  # its writer was killed
        _temp(tmp_path / "Sub", f".vk-{alive}-abcd_234.tmp", STALE_TEMP_AGE + 1),  # too old for a write
        _temp(tmp_path, ".Plan.md.k2j4_9xq.vaultkit-tmp", STALE_TEMP_AGE + 1),  # an earlier version's
    ]
    kept = [
        _temp(tmp_path, f".vk-{alive}-abcd1234.tmp", 120),  # a write in progress
        _temp(tmp_path, f".vk-{dead}-zzzz1234.tmp", 10),  # a writer gone a moment ago (maybe elsewhere)
        _temp(tmp_path, ".Goal.md.k2j4_9xq.vaultkit-tmp", 120),
        _temp(tmp_path, ".vk-notes.tmp", STALE_TEMP_AGE * 10),  # not our pattern
        _temp(tmp_path, f"vk-{dead}-abcd1234.tmp", STALE_TEMP_AGE * 10),
        _temp(tmp_path, f".vk-{dead}-abcd1234.tmp.md", STALE_TEMP_AGE * 10),
        _temp(tmp_path, ".Plan.md.swp", STALE_TEMP_AGE * 10),
        _temp(tmp_path / ".git", f".vk-{dead}-abcd1234.tmp", STALE_TEMP_AGE * 10),  # dot-folders skipped
    ]
    (tmp_path / f".vk-{dead}-dirdir12.tmp").mkdir()  # a folder of that name is not a temp file
    assert sorted(remove_stale_temp_files(tmp_path, now=now)) == sorted(gone)
    assert not any(path.exists() for path in gone)
    assert all(path.exists() for path in kept)
    assert (tmp_path / f".vk-{dead}-dirdir12.tmp").is_dir()
    assert remove_stale_temp_files(tmp_path, now=now) == []
