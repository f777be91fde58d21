"""`Vault`: what is walked, templates, records of bad notes, plan aggregation over real files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import make_vault

from vaultkit.errors import UnsafePathError, VaultError
from vaultkit.vault import Vault, find_vault_root, templates_folder, walk


def test_walk_skips_dot_folders_and_files(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            "A.md": "",
            "Sub/B.MD": "",
            "Sub/pic.png": b"\x89PNG",
            ".obsidian/workspace.md": "",
            ".trash/Old.md": "",
            ".git/x.md": "",
            "Sub/.hidden/C.md": "",
            ".dotfile.md": "",
            "Sub/.a.md.vaultkit-tmp": "",
        },
    )
    assert walk(root) == (["A.md", "Sub/B.MD"], ["Sub/pic.png"])
    assert Vault(root).note_paths == ["A.md", "Sub/B.MD"]


def test_templates_are_indexed_but_never_plans_or_milestones(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            "Plans/Growth.md": "---\ntype: plan\n---\n- [x] a\n- [ ] b\n",
            "Templates/Plan.md": "---\ntype: plan\ndate: {{date}}\n---\n- [ ] template task\n",
            "Templates/Milestone.md": '---\ntype: milestone\nplan: "[[Growth]]"\n---\n- [ ] t\n',
            "Templates.md": "---\ntype: note\n---\n",
        },
        templates="/Templates/",
    )
    vault = Vault(root)
    assert vault.templates == "Templates"
    assert vault.is_template("Templates/Plan.md") and vault.is_template("templates/x.md")
    assert not vault.is_template("Templates.md") and not vault.is_template("Plans/Growth.md")
    assert sorted(vault.records) == [
        "Plans/Growth.md",
        "Templates.md",
        "Templates/Milestone.md",
        "Templates/Plan.md",
    ]
    assert [r.path for r in vault.notes()] == ["Plans/Growth.md", "Templates.md"]
    assert len(list(vault.notes(templates=True))) == 4
    assert {path: plan.as_dict() for path, plan in vault.plans.items()} == {
        "Plans/Growth.md": {
            "path": "Plans/Growth.md",
            "done": 1,
            "total": 2,
            "progress": 50,
            "milestones_total": 0,
            "milestones_done": 0,
        }
    }


@pytest.mark.parametrize("content", ['{"folder": ""}', "[1]", "not json", '{"folder": 3}'])
def test_templates_folder_absent_or_invalid(tmp_path: Path, content: str) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "templates.json").write_text(content, "utf-8")
    assert templates_folder(tmp_path) is None


def test_unreadable_and_binary_notes_become_records_with_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            "A.md": "- [x] fine\n",
            "Binary.md": b"\x00\x01\x02PNG",
            "Latin.md": "caf\xe9\n".encode("latin-1"),
            "Locked.md": "- [ ] secret\n",
            "Z.md": "- [ ] after\n",
        },
    )
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "Locked.md":  # chmod 0 does not stop root, so simulate the refusal
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    real_open = os.open

    def os_open(path: str, flags: int, *args: int) -> int:  # the index reads notes with os.open
        if os.fspath(path).endswith("Locked.md"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "open", os_open)
    records = Vault(root).records
    assert list(records) == ["A.md", "Binary.md", "Latin.md", "Locked.md", "Z.md"]
    assert records["Binary.md"].errors[0].message.startswith("binary file")
    assert records["Latin.md"].errors[0].code == "encoding"
    assert [(p.line, p.message, p.code) for p in records["Locked.md"].errors] == [
        (None, "cannot read: Permission denied", "io")
    ]
    assert records["Locked.md"].tasks == ()
    assert records["Z.md"].counts.open == 1


def test_binary_note_does_not_stop_the_walk(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"A.md": b"\x00\xff\xfe", "B.md": "- [ ] b\n"})
    records = Vault(root).records
    assert [len(r.errors) for r in records.values()] == [1, 0]
    assert records["B.md"].counts.open == 1


def test_plan_aggregation_with_milestones(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            "Plans/Growth.md": "---\ntype: plan\n---\n- [x] own\n- [ ] own open\n",
            "Milestones/M1.md": (
                '---\ntype: milestone\nplan: "[[Growth]]"\nstatus: Complete\n---\n- [ ] left\n'
            ),
            "Milestones/M2.md": (
                '---\ntype: milestone\nplan: "[[Plans/Growth|the plan]]"\n---\n- [x] a\n- [-] b\n'
            ),
            "Milestones/M3.md": (
                '---\ntype: milestone\nplan:\n  - "[[Growth]]"\n  - "[[Growth]]"\n---\n- [ ] x\n'
            ),
            "Milestones/Other.md": '---\ntype: milestone\nplan: "[[Nowhere]]"\n---\n- [x] a\n',
            "Notes/Linked.md": '---\ntype: note\nplan: "[[Growth]]"\n---\n- [x] not a milestone\n',
        },
    )
    vault = Vault(root)
    plan = vault.plans["Plans/Growth.md"]
    assert plan.milestones == ("Milestones/M1.md", "Milestones/M2.md", "Milestones/M3.md")
    assert plan.as_dict() == {
        "path": "Plans/Growth.md",
        "done": 2,
        "total": 5,
        "progress": 40,
        "milestones_total": 3,
        "milestones_done": 2,
    }


def test_vault_paths_and_lookup(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"Plans/Growth Plan.md": "# G\n", "Notes/N.md": ""})
    vault = Vault(root)
    assert vault.find_note("Growth Plan") == "Plans/Growth Plan.md"
    assert vault.find_note("[[growth plan#G|x]]") == "Plans/Growth Plan.md"
    assert vault.find_note(str(root / "Notes" / "N.md")) == "Notes/N.md"
    assert vault.find_note("Missing") is None
    assert vault.resolve_path("N", "Plans/Growth Plan.md") == "Notes/N.md"
    assert vault.abspath("Notes/N.md") == (root / "Notes" / "N.md").resolve()
    with pytest.raises(UnsafePathError):
        vault.abspath("../outside.md")
    assert vault.load("Notes/N.md").path == (root / "Notes" / "N.md").resolve()


def test_refresh_sees_new_notes(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"A.md": "- [ ] a\n"})
    vault = Vault(root)
    assert list(vault.records) == ["A.md"]
    (root / "B.md").write_text("- [x] b\n", "utf-8")
    vault.refresh()
    assert list(vault.records) == ["A.md", "B.md"]


def test_find_vault_root(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"Deep/Er/N.md": ""})
    assert find_vault_root(root / "Deep" / "Er") == root.resolve()
    assert find_vault_root(tmp_path) is None  # never the folder itself: that would be a guess


def test_missing_folder_is_a_vault_error(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="not a folder"):
        Vault(tmp_path / "nope")


def test_invalid_config_is_a_vault_error(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {".vaultkit/config.toml": "[tasks\n"})
    with pytest.raises(VaultError, match="invalid TOML"):
        Vault(root)
