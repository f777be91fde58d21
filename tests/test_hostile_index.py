"""vaultkit's own files are never written through a link that leads out of the vault, and a database
that is not vaultkit's index is never deleted or overwritten."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import make_vault

from vaultkit.index.store import INDEX_FILE
from vaultkit.status import vault_status
from vaultkit.vault import Vault


def _precious(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE precious (x)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
    conn.close()


def _still_precious(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT x FROM precious").fetchall() == [("keep me",)]
    finally:
        conn.close()


def test_a_symlinked_vaultkit_folder_is_never_written_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    _precious(outside / "index.sqlite")
    before = sorted(p.name for p in outside.iterdir())
    root = make_vault(tmp_path / "v", {"A.md": "---\ntype: plan\n---\n- [x] a\n"})
    (root / ".vaultkit").symlink_to(outside, target_is_directory=True)
    data = vault_status(Vault(root))
    assert data["notes"][0]["tasks"]["done"] == 1  # the index lives in memory
    assert _still_precious(outside / "index.sqlite")
    assert sorted(p.name for p in outside.iterdir()) == before
    assert "leads outside the vault" in caplog.text


def test_a_foreign_database_at_the_index_path_is_left_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_vault(tmp_path, {"A.md": "- [x] a\n"})
    (root / ".vaultkit").mkdir()
    _precious(root / INDEX_FILE)
    for _ in range(2):
        assert Vault(root).summaries["A.md"].counts.done == 1
        assert _still_precious(root / INDEX_FILE)
    assert "is not vaultkit's index (it holds other tables (precious))" in caplog.text


def test_an_index_file_that_is_a_link_out_of_the_vault_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.sqlite"
    _precious(outside)
    root = make_vault(tmp_path / "v", {"A.md": "- [x] a\n"})
    (root / ".vaultkit").mkdir()
    (root / INDEX_FILE).symlink_to(outside)
    assert Vault(root).summaries["A.md"].counts.done == 1
    assert _still_precious(outside)
    assert (root / INDEX_FILE).is_symlink()
