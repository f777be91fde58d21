"""The index is a cache, kept where a git-backed or synced vault ignores it, and written only when needed.

`.vaultkit/cache/index.sqlite` beside a `.gitignore` of `*`; `config.toml` stays in `.vaultkit/` as user
data; an index of an earlier version at `.vaultkit/index.sqlite` goes once the new one is written (any
other database there stays); and a command that finds nothing changed leaves the index file alone.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_vault

import vaultkit.index.scan
from vaultkit.cli.commands import main
from vaultkit.index.store import CACHE_IGNORE, INDEX_FILE, OLD_INDEX_FILE
from vaultkit.vault import Vault

NOTES = {
    "Plans/Growth.md": "---\ntype: plan\n---\n# Growth\n\n- [x] read\n- [ ] write\n",
    "Milestones/Talk.md": '---\ntype: milestone\nplan: "[[Growth]]"\n---\n- [ ] slides\n- [x] topic\n',
    "Home.md": "# Home\n\n<!-- vaultkit:begin open-tasks -->\n<!-- vaultkit:end -->\n",
}


def _vault(tmp_path: Path) -> Path:
    root = make_vault(tmp_path / "v", NOTES)
    (root / ".vaultkit").mkdir()
    (root / ".vaultkit" / "config.toml").write_text("[rollup]\n", encoding="utf-8")
    return root


def _cli(root: Path, *args: str) -> None:
    result = CliRunner().invoke(main, list(args), env={"VAULTKIT_VAULT": str(root), "COLUMNS": "100"})
    assert result.exit_code == 0, result.output


def _file_state(path: Path) -> tuple[int, bytes]:
    return path.stat().st_mtime_ns, path.read_bytes()


def test_the_index_lives_in_the_cache_folder_with_its_gitignore(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    _cli(root, "status")
    assert (root / INDEX_FILE).parent == root / ".vaultkit" / "cache"
    assert (root / INDEX_FILE).is_file()
    assert (root / ".vaultkit" / "cache" / ".gitignore").read_bytes() == CACHE_IGNORE
    assert CACHE_IGNORE.splitlines()[-1] == b"*"
    assert sorted(p.name for p in (root / ".vaultkit").iterdir()) == ["cache", "config.toml"]
    assert (root / ".vaultkit" / "config.toml").read_text(encoding="utf-8") == "[rollup]\n"


def test_a_gitignore_of_the_users_own_is_kept(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    (root / ".vaultkit" / "cache").mkdir()
    (root / ".vaultkit" / "cache" / ".gitignore").write_text("index.sqlite\n", encoding="utf-8")
    _cli(root, "status")
    assert (root / INDEX_FILE).is_file()
    assert (root / ".vaultkit" / "cache" / ".gitignore").read_text(encoding="utf-8") == "index.sqlite\n"


def _old_index(root: Path, tmp_path: Path) -> None:
    """An index of ours at the old place, with a journal file: made by indexing a copy of the vault."""
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    Vault(copy).index.close()
    shutil.copyfile(copy / INDEX_FILE, root / OLD_INDEX_FILE)
    (root / f"{OLD_INDEX_FILE}-journal").write_bytes(b"")


@pytest.mark.parametrize("new_index_there", [False, True])
def test_an_old_index_of_ours_is_removed_once_the_new_one_is_in_place(
    tmp_path: Path, new_index_there: bool
) -> None:
    root = _vault(tmp_path)
    if new_index_there:
        _cli(root, "status")
    _old_index(root, tmp_path)
    _cli(root, "status")
    assert (root / INDEX_FILE).is_file()
    assert not (root / OLD_INDEX_FILE).exists()
    assert not (root / f"{OLD_INDEX_FILE}-journal").exists()
    assert (root / ".vaultkit" / "config.toml").is_file()


def test_a_foreign_database_at_the_old_place_is_kept(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    conn = sqlite3.connect(root / OLD_INDEX_FILE)
    with conn:
        conn.execute("CREATE TABLE precious (x)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
    conn.close()
    (root / ".vaultkit" / "index.sqlite-wal").write_bytes(b"theirs")
    _cli(root, "status")
    assert (root / ".vaultkit" / "index.sqlite-wal").read_bytes() == b"theirs"
    conn = sqlite3.connect(root / OLD_INDEX_FILE)
    try:
        assert conn.execute("SELECT x FROM precious").fetchall() == [("keep me",)]
    finally:
        conn.close()
    assert (root / INDEX_FILE).is_file()


def test_a_link_at_the_old_place_is_kept_and_its_target_untouched(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    _old_index(root, tmp_path)
    target = tmp_path / "elsewhere.sqlite"
    (root / OLD_INDEX_FILE).rename(target)
    (root / OLD_INDEX_FILE).symlink_to(target)
    before = target.read_bytes()
    _cli(root, "status")
    assert (root / OLD_INDEX_FILE).is_symlink()
    assert target.read_bytes() == before


def test_a_cache_folder_linked_out_of_the_vault_is_never_written_through(tmp_path: Path) -> None:
    root = _vault(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".vaultkit" / "cache").symlink_to(outside, target_is_directory=True)
    _cli(root, "status")
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("command", ["status", "rollup", "tasks", "check"])
def test_a_second_run_that_finds_nothing_changed_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    # Notes edited just before a run are hashed again on the next one (racy clean): not the case here.
    monkeypatch.setattr(vaultkit.index.scan, "RACY_NS", 0)
    root = _vault(tmp_path)
    (root / "Plans" / "Growth.md").write_text(NOTES["Plans/Growth.md"].replace("- [ ]", "- [x]"), "utf-8")
    _cli(root, command)  # a rollup writes notes here; the index takes them in
    index = root / INDEX_FILE
    notes = {p: _file_state(p) for p in root.rglob("*.md")}
    before = _file_state(index)
    os.utime(index, ns=(before[0] - 10**9, before[0] - 10**9))  # a write would show, even within a tick
    before = _file_state(index)
    _cli(root, command)
    assert _file_state(index) == before
    assert {p: _file_state(p) for p in root.rglob("*.md")} == notes
    assert sorted(p.name for p in index.parent.iterdir()) == [".gitignore", "index.sqlite"]
