"""vaultkit's own files are never written through a link that leads out of the vault, a database that is
not vaultkit's index is never deleted or overwritten, and only regular files of a bounded size are read."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_vault

from vaultkit.cli.commands import main
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
    (root / INDEX_FILE).parent.mkdir(parents=True)
    _precious(root / INDEX_FILE)
    for _ in range(2):
        assert Vault(root).summaries["A.md"].counts.done == 1
        assert _still_precious(root / INDEX_FILE)
    assert "is not vaultkit's index (it holds other tables (precious))" in caplog.text


def test_an_index_file_that_is_a_link_out_of_the_vault_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.sqlite"
    _precious(outside)
    root = make_vault(tmp_path / "v", {"A.md": "- [x] a\n"})
    (root / INDEX_FILE).parent.mkdir(parents=True)
    (root / INDEX_FILE).symlink_to(outside)
    assert Vault(root).summaries["A.md"].counts.done == 1
    assert _still_precious(outside)
    assert (root / INDEX_FILE).is_symlink()


# ---------------------------------------------------------------------------------------------- FIFOs


def _fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("where", "message"),
    [
        (".vaultkit/config.toml", "config.toml: cannot read: is a FIFO (named pipe), not a file"),
        (".obsidian/templates.json", "templates.json: cannot read: is a FIFO (named pipe), not a file"),
    ],
)
def test_a_fifo_among_the_settings_is_a_clear_error_not_a_hang(
    tmp_path: Path, where: str, message: str
) -> None:
    root = make_vault(tmp_path, {"A.md": "- [x] a\n"})
    _fifo(root / where)
    result = CliRunner().invoke(main, ["status"], env={"VAULTKIT_VAULT": str(root)})
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.timeout(20)
def test_new_with_a_fifo_for_daily_notes_settings_is_a_clear_error(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"A.md": "x\n"})
    _fifo(root / ".obsidian" / "daily-notes.json")
    result = CliRunner().invoke(main, ["new", "journal"], env={"VAULTKIT_VAULT": str(root)})
    assert result.exit_code != 0
    assert "daily-notes.json: cannot read: is a FIFO (named pipe), not a file" in result.output


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_import_refuses_what_is_not_a_file(tmp_path: Path, kind: str) -> None:
    root = make_vault(tmp_path / "v", {"A.md": "x\n"})
    source = _fifo(tmp_path / "doc.md") if kind == "fifo" else Path("/dev/zero")
    result = CliRunner().invoke(main, ["import", str(source)], env={"VAULTKIT_VAULT": str(root)})
    assert result.exit_code == 1
    reason = "is a FIFO (named pipe), not a file" if kind == "fifo" else "is a device, not a file"
    assert reason in result.output
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == ["A.md"]


def test_import_refuses_a_document_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultkit import fileio

    monkeypatch.setattr(fileio, "IMPORT_LIMIT", 1000)
    from vaultkit.importing import apply

    monkeypatch.setattr(apply, "IMPORT_LIMIT", 1000)
    root = make_vault(tmp_path / "v", {"A.md": "x\n"})
    big = tmp_path / "big.md"
    big.write_text("- [ ] x\n" * 200, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(big)], env={"VAULTKIT_VAULT": str(root)})
    assert result.exit_code == 1
    assert "is larger than 1000 bytes, the most vaultkit reads of a document to import" in result.output


def test_a_note_that_links_outside_the_vault_is_neither_read_nor_written(tmp_path: Path) -> None:
    outside = tmp_path / "Secret.md"
    outside.write_text("---\ntype: plan\n---\n- [ ] secret\n", encoding="utf-8")
    inside_target = tmp_path / "v" / "Real.md"
    root = make_vault(tmp_path / "v", {"Real.md": "---\ntype: plan\n---\n- [x] mine\n"})
    (root / "Linked out.md").symlink_to(outside)
    (root / "Linked in.md").symlink_to(inside_target)
    vault = Vault(root)
    assert vault.note_paths == ["Linked in.md", "Linked out.md", "Real.md"]
    assert [p.message for p in vault.summaries["Linked out.md"].errors] == [
        "cannot read: is a link to a file outside the vault; vaultkit neither reads nor writes it"
    ]
    assert vault.summaries["Linked in.md"].counts.done == 1
    result = CliRunner().invoke(main, ["rollup"], env={"VAULTKIT_VAULT": str(root)})
    assert result.exit_code == 1, result.output
    assert "Linked out.md" in result.output
    assert outside.read_text(encoding="utf-8") == "---\ntype: plan\n---\n- [ ] secret\n"
