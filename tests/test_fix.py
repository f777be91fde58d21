"""`vaultkit fix`: the import repairs for notes already in a vault, shown as a diff first, idempotent,
never touching what it must not (templates, broken notes, files changed meanwhile)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vaultkit.importing import apply as import_apply
from vaultkit.importing.apply import fix_notes
from vaultkit.vault import Vault

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
DAY = 1738315800  # 2025-01-31 09:30 UTC: the files' modification time, for {{date}}


def run(*args: str) -> Result:
    from vaultkit.cli.commands import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def files(root: Path) -> dict[str, bytes]:
    """Every file under `root` but vaultkit's own index cache (`.vaultkit/`), which is not note data."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".vaultkit" not in p.relative_to(root).parts
    }


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    os.utime(path, (DAY, DAY))
    return path


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}', encoding="utf-8")
    write(root / "Templates" / "Plan.md", "---\ncreated: {{date}}\n---\n# {{title}}\nâ†’\n")
    write(root / "Notes" / "Ladder.md", "---\nrole: Senior â†’ Staff\n---\nMon‚ÄìWed\n")
    write(root / "Notes" / "Draft.md", "---\ndate: {{date}}\ntags: [blog, ]\n---\n# {{title}}\n`{{date}}`\n")
    write(root / "Notes" / "Clean.md", "---\ntype: plan\n---\nCafé → Straße\n")
    return root


def test_dry_run_shows_the_diff_and_writes_nothing(vault: Path) -> None:
    before = files(vault)
    result = run("fix", "--dry-run", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "--- a/Notes/Draft.md\n"
        "+++ b/Notes/Draft.md\n"
        "@@ -1,6 +1,6 @@\n"
        " ---\n"
        "-date: {{date}}\n"
        "+date: 2025-01-31\n"
        " tags: [blog, ]\n"
        " ---\n"
        "-# {{title}}\n"
        "+# Draft\n"
        " `{{date}}`\n"
        "--- a/Notes/Ladder.md\n"
        "+++ b/Notes/Ladder.md\n"
        "@@ -1,4 +1,4 @@\n"
        " ---\n"
        "-role: Senior â†’ Staff\n"
        "+role: Senior → Staff\n"
        " ---\n"
        "-Mon‚ÄìWed\n"
        "+Mon–Wed\n"
        "2 notes to repair; dry run, nothing written\n"
    )
    assert files(vault) == before


def test_fix_writes_then_nothing_is_left(vault: Path) -> None:
    result = run("fix", "--vault", str(vault))
    assert result.exit_code == 0
    assert result.stdout.endswith("2 notes repaired\n")
    assert (vault / "Notes" / "Draft.md").read_text(encoding="utf-8") == (
        "---\ndate: 2025-01-31\ntags: [blog, ]\n---\n# Draft\n`{{date}}`\n"
    )
    assert (vault / "Notes" / "Ladder.md").read_text(
        encoding="utf-8"
    ) == "---\nrole: Senior → Staff\n---\nMon–Wed\n"
    assert (
        (vault / "Templates" / "Plan.md").read_text(encoding="utf-8").startswith("---\ncreated: {{date}}\n")
    )
    after = files(vault)
    second = run("fix", "--vault", str(vault))  # idempotent
    assert (second.exit_code, second.stdout) == (0, "0 notes repaired\n")
    assert files(vault) == after
    assert run("check", "--vault", str(vault)).exit_code == 0


def test_flags_choose_the_repair(vault: Path) -> None:
    result = run("fix", "--encoding", "--vault", str(vault), "--json")
    data = json.loads(result.stdout)
    assert [n["path"] for n in data["notes"]] == ["Notes/Ladder.md"]
    assert (data["changed"], data["written"], data["dry_run"]) == (1, 1, False)
    assert set(data["notes"][0]) == {"path", "repairs", "diff", "written", "error"}
    assert [(r["line"], r["kind"], r["before"], r["after"]) for r in data["notes"][0]["repairs"]] == [
        (2, "mojibake", "â†’", "→"),
        (4, "mojibake", "‚Äì", "–"),
    ]
    assert "{{date}}" in (vault / "Notes" / "Draft.md").read_text(encoding="utf-8")
    result = run("fix", "--placeholders", "--vault", str(vault), "--json")
    assert [n["path"] for n in json.loads(result.stdout)["notes"]] == ["Notes/Draft.md"]


def test_named_notes_only(vault: Path) -> None:
    result = run("fix", "Draft", "--vault", str(vault))
    assert result.exit_code == 0
    assert "Notes/Ladder.md" not in result.stdout
    assert "â†’" in (vault / "Notes" / "Ladder.md").read_text(encoding="utf-8")
    assert run("fix", "Nope", "--vault", str(vault)).exit_code == 2


def test_broken_notes_are_left_alone_unless_a_placeholder_breaks_them(vault: Path) -> None:
    broken = write(vault / "Notes" / "Broken.md", "---\nbad: [x\n---\nâ†’ {{date}}\n")
    key = write(vault / "Notes" / "Key.md", "---\ntype: journal\n{{date}}: done\n---\nâ†’\n")
    result = run("fix", "Broken", "Key", "--vault", str(vault))
    assert result.exit_code == 1  # Broken.md still needs a person
    assert broken.read_bytes() == b"---\nbad: [x\n---\n\xc3\xa2\xe2\x80\xa0\xe2\x80\x99 {{date}}\n"
    assert "Notes/Broken.md:2: left alone: invalid YAML in properties" in result.stdout
    assert key.read_text(encoding="utf-8") == "---\ntype: journal\n2025-01-31: done\n---\n→\n"


def test_unknown_placeholders_are_listed(vault: Path) -> None:
    write(vault / "Notes" / "Tp.md", "---\nwho: <% tp.file.title %>\n---\n")
    result = run("fix", "Tp", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.stdout.startswith("Notes/Tp.md:2: left alone: <% tp.file.title %>: Templater code")


def test_crlf_and_bom_are_kept(vault: Path) -> None:
    note = write(vault / "Notes" / "Win.md", "\ufeff---\r\ndate: {{date}}\r\n---\r\nâ†’\r\n")
    assert run("fix", "Win", "--vault", str(vault)).exit_code == 0
    assert note.read_bytes() == "\ufeff---\r\ndate: 2025-01-31\r\n---\r\n→\r\n".encode()


def test_a_note_changed_during_fix_is_not_overwritten(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = vault / "Notes" / "Ladder.md"
    real = import_apply.repair_encoding

    def edit_meanwhile(note):  # type: ignore[no-untyped-def]
        target.write_text("typed in Obsidian\n", encoding="utf-8")
        return real(note)

    monkeypatch.setattr(import_apply, "repair_encoding", edit_meanwhile)
    [result] = fix_notes(Vault(vault), ["Notes/Ladder.md"], placeholders=False)
    assert result.written is False
    assert result.error is not None and "changed on disk" in result.error
    assert target.read_text(encoding="utf-8") == "typed in Obsidian\n"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not present")
def test_samples_copied_into_a_vault(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    for sample in SAMPLES.glob("*.md"):
        write(root / "Imported" / sample.name, sample.read_text(encoding="utf-8"))
    assert run("check", "--vault", str(root)).exit_code == 1
    assert run("fix", "--vault", str(root)).exit_code == 0
    assert run("check", "--vault", str(root)).exit_code == 0
    after = files(root)
    assert run("fix", "--vault", str(root)).stdout == "0 notes repaired\n"
    assert files(root) == after


def test_fixtures_copied_into_a_vault(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    shutil.copytree(FIXTURES, root / "Imported", ignore=shutil.ignore_patterns("expected"))
    (root / ".obsidian").mkdir()
    for note in (root / "Imported").glob("*.md"):
        os.utime(note, (DAY, DAY))
    assert run("fix", "--vault", str(root)).exit_code == 0
    assert run("check", "--vault", str(root)).exit_code == 0


def test_only_notes_that_may_need_a_repair_are_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole-vault fix reads each note's text once and loads in full only the notes it may change:
    accents, emoji and typography alone are no reason (the same results as loading every note)."""
    root = tmp_path / "v"
    (root / ".obsidian").mkdir(parents=True)
    write(root / "Clean.md", "---\ntype: journal\n---\nCafé, naïve – “quoted” 🔹 → ok\n- [ ] a task\n")
    write(root / "Ascii.md", "plain\n")
    write(root / "Garbled.md", "It’s â†’ here\n")
    write(root / "Placeholder.md", "---\ncreated: '{{date}}'\n---\n")
    write(root / "Broken.md", "---\na: [\n---\n")
    loaded: list[str] = []
    load = Vault.load

    def spy(self: Vault, path: str) -> object:
        loaded.append(path)
        return load(self, path)

    monkeypatch.setattr(Vault, "load", spy)
    results = fix_notes(Vault(root), dry_run=True)
    assert sorted(loaded) == ["Broken.md", "Garbled.md", "Placeholder.md"]
    assert [(r.path, [repair.kind for repair in r.repairs]) for r in results] == [
        ("Broken.md", ["left-alone"]),
        ("Garbled.md", ["mojibake"]),
        ("Placeholder.md", ["placeholder"]),
    ]
