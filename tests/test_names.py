"""Names that differ only in case or Unicode normalization, in real vaults.

Linux (where these tests run) keeps `Notes.md` and `NOTES.md` apart, and keeps a composed `Café.md` apart
from the decomposed `Cafe\u0301.md` that macOS writes. A path written exactly is that file; a name that
could mean several notes is refused by commands that edit one; links and plans match NFC and NFD
spellings as one name; `check` warns about each colliding pair.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import make_vault

from vaultkit.check.findings import check_vault
from vaultkit.cli.commands import main
from vaultkit.errors import VaultError
from vaultkit.notes.links import LinkIndex, Resolution, name_key
from vaultkit.vault import Vault

NFC = unicodedata.normalize("NFC", "Café")
NFD = unicodedata.normalize("NFD", "Café")
assert NFC != NFD  # the two spellings really are different strings (and file names on Linux)


def run(*args: str, vault: Path) -> Result:
    env = {"VAULTKIT_VAULT": str(vault), "COLUMNS": "100"}
    result = CliRunner().invoke(main, list(args), prog_name="vaultkit", env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def case_vault(tmp_path: Path) -> Path:
    return make_vault(
        tmp_path / "v",
        {
            "Notes.md": "---\nstatus: open\n---\n- [ ] lower\n",
            "NOTES.md": "---\nstatus: open\n---\n- [ ] upper\n",
            "Home.md": "[[Notes]] [[NOTES]] [[notes]]\n",
        },
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.is_file()}


def names_on_disk(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if not p.name.startswith("."))


# ------------------------------------------------------------------------------------------ link index


def test_a_path_written_exactly_is_that_note() -> None:
    index = LinkIndex(["NOTES.md", "Notes.md"])
    assert index.resolve("Notes") == Resolution("Notes.md", ("Notes.md",))
    assert index.resolve("Notes.md") == Resolution("Notes.md", ("Notes.md",))
    assert index.resolve("NOTES") == Resolution("NOTES.md", ("NOTES.md",))
    assert index.resolve("/Notes", "Sub/X.md") == Resolution("Notes.md", ("Notes.md",))
    # Any other spelling could mean either: the first in path order, and ambiguous.
    assert index.resolve("notes") == Resolution("NOTES.md", ("NOTES.md", "Notes.md"))
    assert index.resolve("notes").ambiguous


def test_a_name_spelled_exactly_is_preferred_among_same_folder_candidates() -> None:
    index = LinkIndex(["Sub/NOTES.md", "Sub/Notes.md"])
    assert index.resolve("Notes") == Resolution("Sub/Notes.md", ("Sub/Notes.md", "Sub/NOTES.md"))
    assert index.resolve("NOTES").path == "Sub/NOTES.md"
    assert index.resolve("notes").path == "Sub/NOTES.md"


def test_nfc_and_nfd_spellings_find_one_note_and_keep_its_bytes() -> None:
    nfd_index = LinkIndex([f"{NFD}.md", f"Ré{NFD}/Plan.md"])
    assert nfd_index.resolve(NFC) == Resolution(f"{NFD}.md", (f"{NFD}.md",))
    assert nfd_index.resolve(NFC.upper()).path == f"{NFD}.md"
    assert nfd_index.resolve(f"Ré{NFC}/Plan").path == f"Ré{NFD}/Plan.md"  # a folder, suffix-matched
    nfc_index = LinkIndex([f"Notes/{NFC}.md"])
    assert nfc_index.resolve(NFD).path == f"Notes/{NFC}.md"
    assert nfc_index.resolve(f"notes/{NFD}.md").path == f"Notes/{NFC}.md"


def test_name_key() -> None:
    assert name_key("Notes.md") == name_key("NOTES.md") == "notes.md"
    assert name_key(NFC) == name_key(NFD) == name_key("CAFE\u0301") == unicodedata.normalize("NFC", "café")


# ------------------------------------------------------------------------------------------ vault + CLI


def test_set_edits_the_note_written_exactly(tmp_path: Path) -> None:
    root = case_vault(tmp_path)
    before = snapshot(root)
    result = run("set", "Notes.md", "status", "done", vault=root)
    assert result.exit_code == 0, result.output
    after = snapshot(root)
    assert after["NOTES.md"] == before["NOTES.md"]
    assert after["Notes.md"] == b"---\nstatus: done\n---\n- [ ] lower\n"
    assert run("unset", "NOTES", "status", vault=root).exit_code == 0
    assert (root / "NOTES.md").read_bytes() == b"---\n---\n- [ ] upper\n"
    assert (root / "Notes.md").read_bytes() == after["Notes.md"]


def test_a_name_that_could_mean_several_notes_is_refused(tmp_path: Path) -> None:
    root = case_vault(tmp_path)
    before = snapshot(root)
    message = "vaultkit: '{}' could mean NOTES.md, Notes.md; give the note's path\n"
    for args in (
        ("set", "notes", "status", "done"),
        ("unset", "notes.md", "status"),
        ("show", "notes"),
        ("tasks", "[[notes]]"),
        ("new", "milestone", "M1", "--plan", "notes"),
    ):
        result = run(*args, vault=root)
        name = args[-1] if args[0] == "new" else args[1]
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", message.format(name)), args
    assert snapshot(root) == before
    assert not (root / "M1.md").exists()


def test_find_note_refuses_an_ambiguous_name(tmp_path: Path) -> None:
    vault = Vault(case_vault(tmp_path))
    assert vault.find_note("Notes") == "Notes.md"
    assert vault.find_note("[[NOTES]]") == "NOTES.md"
    try:
        vault.find_note("notes")
    except VaultError as exc:
        assert str(exc) == "'notes' could mean NOTES.md, Notes.md; give the note's path"
    else:
        raise AssertionError("an ambiguous name was accepted")


def test_show_and_set_find_the_nfd_note_by_its_nfc_name(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {f"{NFD}.md": "---\nstatus: open\n---\n- [ ] x\n"})
    shown = run("show", NFC, vault=root)
    assert shown.exit_code == 0, shown.output
    assert f"{NFD}.md" in shown.stdout
    assert run("set", f"[[{NFC}]]", "status", "done", vault=root).exit_code == 0
    assert names_on_disk(root) == [f"{NFD}.md"]  # the name on disk stays decomposed
    assert (root / f"{NFD}.md").read_bytes() == b"---\nstatus: done\n---\n- [ ] x\n"


def test_set_finds_the_nfc_note_by_its_nfd_name(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {f"{NFC}.md": "---\nstatus: open\n---\n"})
    assert run("set", NFD, "status", "done", vault=root).exit_code == 0
    assert names_on_disk(root) == [f"{NFC}.md"]
    assert (root / f"{NFC}.md").read_bytes() == b"---\nstatus: done\n---\n"


def test_a_milestone_counts_toward_its_plan_whatever_the_normalization(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            f"{NFD}.md": "---\ntype: plan\n---\n- [x] own\n",
            "M1.md": f'---\ntype: milestone\nplan: "[[{NFC}]]"\nstatus: done\n---\n- [x] a\n- [ ] b\n',
            f"Ré{NFC}.md": "---\ntype: plan\n---\n",
            "M2.md": f'---\ntype: milestone\nplan: "[[re\u0301{NFD.lower()}]]"\n---\n- [ ] c\n',
        },
    )
    vault = Vault(root)
    plans = vault.plans
    assert plans[f"{NFD}.md"].milestones == ("M1.md",)
    assert (plans[f"{NFD}.md"].milestones_done, plans[f"{NFD}.md"].milestones_total) == (1, 1)
    assert plans[f"Ré{NFC}.md"].milestones == ("M2.md",)
    assert [f for f in check_vault(vault) if f.code in {"plan", "broken-link"}] == []


def test_check_finds_links_across_normalizations(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            f"{NFD}.md": "",
            f"Ré{NFC}.md": "",
            "Home.md": f"[[{NFC}]] [[{NFD}]] [[Ré{NFD}]] [x]({NFC}.md) [[Missing]]\n",
        },
    )
    found = [(f.path, f.line, f.code) for f in check_vault(Vault(root))]
    assert found == [("Home.md", 1, "broken-link")]


# ------------------------------------------------------------------------------------------ check


def test_check_warns_once_per_colliding_pair(tmp_path: Path) -> None:
    root = case_vault(tmp_path)
    (root / "notes.md").write_text("", encoding="utf-8")
    (root / f"{NFC}.md").write_text("", encoding="utf-8")
    (root / f"{NFD}.md").write_text("", encoding="utf-8")
    (root / "Sub").mkdir()
    (root / "Sub" / f"{NFD.upper()}.md").write_text("", encoding="utf-8")
    (root / "Sub" / f"{NFC.lower()}.md").write_text("", encoding="utf-8")
    collisions = [f for f in check_vault(Vault(root)) if f.code == "name-collision"]
    assert [(f.path, f.line, f.severity) for f in collisions] == sorted(
        [
            (f"{NFD}.md", None, "warning"),
            ("NOTES.md", None, "warning"),
            ("NOTES.md", None, "warning"),
            ("Notes.md", None, "warning"),
            (f"Sub/{NFD.upper()}.md", None, "warning"),
        ]
    )
    messages = sorted(f.message for f in collisions)
    assert messages == sorted(
        [
            "NOTES.md and Notes.md differ only in letter case: they are one file on macOS and Windows, "
            "where one would overwrite the other; rename one",
            "NOTES.md and notes.md differ only in letter case: they are one file on macOS and Windows, "
            "where one would overwrite the other; rename one",
            "Notes.md and notes.md differ only in letter case: they are one file on macOS and Windows, "
            "where one would overwrite the other; rename one",
            f"{NFD}.md and {NFC}.md differ only in Unicode normalization (composed and decomposed "
            "accents): they are one file on macOS, where one would overwrite the other; rename one",
            f"Sub/{NFD.upper()}.md and Sub/{NFC.lower()}.md differ only in letter case and Unicode "
            "normalization: they are one file on macOS, where one would overwrite the other; rename one",
        ]
    )


def test_check_says_nothing_of_distinct_names(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {"Notes.md": "", "Sub/Notes.md": "", "Notes": "a file", "Note.md": ""})
    assert [f for f in check_vault(Vault(root)) if f.code == "name-collision"] == []
