"""`Vault.apply_change`: a vault that followed changes one path at a time equals a fresh `Vault(root)`.

Each test changes real files in a temporary vault, tells the vault what changed, and compares it with a
vault walked from scratch over a copy of the files (a copy: a fresh vault on the same folder would read the
index the following vault wrote, and could inherit its mistakes).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import make_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit.errors import UnsafePathError
from vaultkit.notes.links import LinkIndex
from vaultkit.vault import Change, Vault

PLAN = "---\ntype: plan\n---\n- [x] p1\n- [ ] p2\n"
MILESTONE_DONE = '---\ntype: milestone\nplan: "[[Plan]]"\nstatus: done\n---\n- [x] m1\n'
MILESTONE_OPEN = '---\ntype: milestone\nplan: "[[A/Plan]]"\n---\n- [ ] m2\n- [-] m3\n'
NOTE = "# Note\n\n- [ ] n1 [[Plan]]\n- [x] n2\n"
BROKEN = "---\ntype: [plan\n---\n- [ ] b\n"
CONTENTS = [PLAN, MILESTONE_DONE, MILESTONE_OPEN, NOTE, BROKEN]


def _names(paths: list[str]) -> list[str]:
    """Link targets worth resolving against these paths: exact paths, names, folder suffixes, case."""
    names = {"Plan", "plan", "A/Plan", "./Plan", "../Plan", "Missing", "pic.png", "Templates/T"}
    for path in paths:
        stem = path.removesuffix(".md")
        parts = stem.split("/")
        names.update({path, stem, parts[-1], parts[-1].upper(), "/".join(parts[-2:]), "/" + stem})
    return sorted(names)


def _summary(summary: Any) -> tuple[Any, ...]:
    return (
        summary.path,
        summary.title,
        summary.type,
        summary.counts,
        summary.properties,
        summary.errors,
        summary.warnings,
        summary.has_frontmatter,
        summary.is_template,
    )


def snapshot(vault: Vault, sources: list[str]) -> dict[str, Any]:
    """Everything a fresh vault must agree on, as plain values."""
    paths = [*vault.note_paths, *sources]
    return {
        "note_paths": vault.note_paths,
        "links": {
            (name, source): vault.resolve(name, source) for name in _names(paths) for source in [None, *paths]
        },
        "summaries": [_summary(s) for s in vault.summaries.values()],
        "records": list(vault.records.items()),
        "tasks": {path: record.tasks for path, record in vault.records.items()},
        "plans": {path: plan.as_dict() for path, plan in vault.plans.items()},
        "outside_templates": vault.paths_outside_templates(),
    }


def warm(vault: Vault) -> Vault:
    """Build every cache a following vault must keep current (the lazy ones are the easy case)."""
    _ = vault.summaries, vault.plans
    dict(vault.records)
    for name in _names(vault.note_paths):  # answers the link index keeps: a change must let them go
        for source in (None, *vault.note_paths):
            vault.resolve(name, source)
    return vault


def assert_follows(vault: Vault, root: Path, known: list[str]) -> None:
    """`vault`, which followed the changes, equals a fresh vault over a copy of `root`; and a vault
    reopened on `root` (reading the index the following vault wrote) equals it too."""
    with tempfile.TemporaryDirectory() as other:
        copy = Path(other) / "v"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".vaultkit"), symlinks=True)
        expected = snapshot(Vault(copy), known)
        assert snapshot(vault, known) == expected
        vault.index.close()
        assert snapshot(Vault(root), known) == expected


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_vault(
        tmp_path / "v",
        {
            "Plan.md": PLAN,
            "A/Plan.md": PLAN,
            "A/M1.md": MILESTONE_OPEN,
            "B/M2.md": MILESTONE_DONE,
            "Note.md": NOTE,
            "pic.png": b"\x89PNG",
            "Templates/T.md": PLAN,
        },
        templates="Templates",
    )


def write(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, "utf-8")


def move(root: Path, source: str, dest: str) -> None:
    (root / dest).parent.mkdir(parents=True, exist_ok=True)
    (root / source).replace(root / dest)


KNOWN = ["Plan.md", "A/Plan.md", "A/M1.md", "B/M2.md", "Note.md", "C/Plan.md", "Templates/T.md", "x.md"]


def test_create_change_delete(root: Path) -> None:
    vault = warm(Vault(root))
    write(root, "C/Plan.md", PLAN)
    assert vault.apply_change(Change("created", "C/Plan.md")) == ["C/Plan.md"]
    assert vault.resolve("C/Plan").path == "C/Plan.md"
    write(root, "B/M2.md", MILESTONE_OPEN)
    assert vault.apply_change(Change("changed", "B/M2.md")) == ["B/M2.md"]
    assert vault.plans["A/Plan.md"].milestones == ("A/M1.md", "B/M2.md")
    (root / "A" / "M1.md").unlink()
    assert vault.apply_change(Change("deleted", root / "A" / "M1.md")) == ["A/M1.md"]  # absolute
    assert list(vault.plans["A/Plan.md"].milestones) == ["B/M2.md"]
    assert_follows(vault, root, KNOWN)


def test_rename_a_plan_moves_its_milestones_and_links(root: Path) -> None:
    vault = warm(Vault(root))
    move(root, "Plan.md", "Goals/Career.md")
    assert vault.apply_change(Change("moved", "Plan.md", "Goals/Career.md")) == ["Goals/Career.md", "Plan.md"]
    assert "Plan.md" not in vault.plans and "Goals/Career.md" in vault.plans
    assert vault.resolve("Plan").path == "A/Plan.md"  # the name now means the other plan
    assert vault.plans["A/Plan.md"].milestones == ("A/M1.md", "B/M2.md")
    assert vault.summaries["Goals/Career.md"].title == "Career"
    assert_follows(vault, root, [*KNOWN, "Goals/Career.md"])


def test_into_and_out_of_a_dot_folder(root: Path) -> None:
    vault = warm(Vault(root))
    move(root, "B/M2.md", ".trash/M2.md")
    assert vault.apply_change(Change("moved", "B/M2.md", ".trash/M2.md")) == ["B/M2.md"]
    assert "B/M2.md" not in vault.note_paths and vault.plans["Plan.md"].milestones == ()
    assert_follows(vault, root, KNOWN)
    vault = warm(Vault(root))
    write(root, ".trash/Deep/x.md", NOTE)
    assert vault.apply_change(Change("created", ".trash/Deep/x.md")) == []
    assert vault.apply_change(Change("changed", ".trash/M2.md")) == []
    move(root, ".trash/M2.md", "M2.md")
    assert vault.apply_change(Change("moved", ".trash/M2.md", "M2.md")) == ["M2.md"]
    assert vault.plans["Plan.md"].milestones == ("M2.md",)
    assert_follows(vault, root, [*KNOWN, "M2.md"])


def test_a_file_that_is_not_a_note(root: Path) -> None:
    vault = warm(Vault(root))
    (root / "plan").write_bytes(b"not a note")  # an exact path that shares the note `Plan.md`'s key
    assert vault.apply_change(Change("created", "plan")) == ["plan"]
    assert vault.note_paths == Vault(root).note_paths
    assert vault.resolve("plan").path == "Plan.md"  # `Plan.md` sorts first and keeps the name
    (root / "Plan.md").unlink()
    vault.apply_change(Change("deleted", "Plan.md"))
    assert vault.resolve("plan").path == "plan"
    move(root, "pic.png", "A/pic.png")
    assert vault.apply_change(Change("moved", "pic.png", "A/pic.png")) == ["A/pic.png", "pic.png"]
    assert vault.resolve("pic.png").path == "A/pic.png"
    assert_follows(vault, root, [*KNOWN, "plan", "A/pic.png"])


def test_folder_rename_as_moves_of_its_files(root: Path) -> None:
    vault = warm(Vault(root))
    (root / "A").rename(root / "Z")
    for name in ("Plan.md", "M1.md"):
        vault.apply_change(Change("moved", f"A/{name}", f"Z/{name}"))
    vault.apply_change(Change("moved", "A", "Z"))  # the folder's own event, after its files': no-op
    assert vault.note_paths == Vault(root).note_paths
    assert_follows(vault, root, [*KNOWN, "Z/Plan.md", "Z/M1.md"])


def test_folder_rename_as_one_move(root: Path) -> None:
    vault = warm(Vault(root))
    (root / "A").rename(root / "Templates" / "A")
    touched = vault.apply_change(Change("moved", "A", "Templates/A"))
    assert touched == ["A/M1.md", "A/Plan.md", "Templates/A/M1.md", "Templates/A/Plan.md"]
    assert vault.is_template("Templates/A/Plan.md") and vault.summaries["Templates/A/Plan.md"].is_template
    assert "Templates/A/Plan.md" not in vault.plans  # a template stays a template
    shutil.rmtree(root / "Templates")
    vault.apply_change(Change("deleted", "Templates"))
    assert_follows(vault, root, [*KNOWN, "Templates/A/Plan.md"])


def test_a_changed_folder_and_stale_events_leave_the_vault_right(root: Path) -> None:
    vault = warm(Vault(root))
    assert vault.apply_change(Change("changed", "A")) == []  # a folder's mtime: its files tell more
    write(root, "x.md", NOTE)
    vault.apply_change(Change("deleted", "x.md"))  # events come late: the disk is what counts
    assert "x.md" in vault.note_paths
    (root / "x.md").unlink()
    vault.apply_change(Change("changed", "x.md"))
    vault.apply_change(Change("created", "x.md"))
    assert "x.md" not in vault.note_paths
    assert_follows(vault, root, KNOWN)


def test_editor_atomic_save(root: Path) -> None:
    """Write a temporary file, move it over the note: the note is re-read, the temporary never counts."""
    vault = warm(Vault(root))
    write(root, "Note.md.tmp", PLAN)
    vault.apply_change(Change("created", "Note.md.tmp"))
    (root / "Note.md.tmp").replace(root / "Note.md")
    assert vault.apply_change(Change("moved", "Note.md.tmp", "Note.md")) == ["Note.md", "Note.md.tmp"]
    assert "Note.md" in vault.plans
    assert_follows(vault, root, KNOWN)


def test_paths_outside_the_vault_are_refused(root: Path, tmp_path: Path) -> None:
    vault = warm(Vault(root))
    before = vault.note_paths
    (tmp_path / "out.md").write_text(PLAN, "utf-8")
    for path in ("../out.md", tmp_path / "out.md", "A/../../out.md", ".", root):
        with pytest.raises(UnsafePathError):
            vault.apply_change(Change("created", path))
    move(root, "Note.md", "Plan2.md")
    with pytest.raises(UnsafePathError):  # refused before anything changes, the source included
        vault.apply_change(Change("moved", "Note.md", "../Plan2.md"))
    assert vault.note_paths == before


def test_symlinked_folders_are_not_followed(root: Path, tmp_path: Path) -> None:
    make_vault(tmp_path / "elsewhere", {"E.md": PLAN})
    (root / "Link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "L.md").symlink_to("Note.md")  # a symlinked file inside the vault is a note, as walk has it
    vault = warm(Vault(root))
    assert vault.apply_change(Change("created", "Link")) == []
    assert vault.apply_change(Change("created", "Link/E.md")) == []
    assert vault.apply_change(Change("created", "L.md")) == ["L.md"]
    assert_follows(vault, root, KNOWN)


def test_change_kinds_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown change"):
        Change("renamed", "a.md")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="destination"):
        Change("moved", "a.md")
    with pytest.raises(ValueError, match="destination"):
        Change("created", "a.md", "b.md")


def test_following_a_change_does_not_walk(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = warm(Vault(root))
    calls: list[object] = []
    real = os.scandir

    def spy(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(os, "scandir", spy)
    write(root, "C/New.md", NOTE)
    vault.apply_change(Change("created", "C/New.md"))
    write(root, "Plan.md", MILESTONE_DONE)
    vault.apply_change(Change("changed", "Plan.md"))
    move(root, "A/M1.md", "B/M1.md")
    vault.apply_change(Change("moved", "A/M1.md", "B/M1.md"))
    (root / "Note.md").unlink()
    vault.apply_change(Change("deleted", "Note.md"))
    assert calls == []
    monkeypatch.undo()
    assert_follows(vault, root, [*KNOWN, "C/New.md", "B/M1.md"])


def test_link_index_add_remove_equals_a_fresh_one() -> None:
    index = LinkIndex(["a.md", "A.md", "x/a.md"])
    assert index.resolve("a").path == "a.md"  # the path written exactly, though `A.md` sorts first
    assert index.resolve("A").path == "A.md"
    names = ("a", "A", "a.md", "y/a", "x/a", "/a", "../a", "Y/A.md")
    for name in names:  # answers kept: a change must let them go
        index.resolve(name, "y/n.md")
    index.add("a")  # a file, not a note, with a note's key
    index.remove("A.md")
    index.add("y/A.MD")
    index.remove("missing.md")
    index.add("y/A.MD")
    fresh = LinkIndex(["a.md", "x/a.md", "a", "y/A.MD"])
    for name in names:
        for source in (None, "x/n.md", "y/n.md"):
            assert index.resolve(name, source) == fresh.resolve(name, source)
    index.remove("a.md")
    assert index.resolve("a").path == "a"


# ---------------------------------------------------------------------------------------------- random

LINK_PATHS = [
    f"{folder}{name}" for folder in ("", "x/", "X/", "x/y/") for name in ("a.md", "A.md", "a", "b.MD")
]
LINK_NAMES = ["a", "A", "a.md", "b", "x/a", "X/A", "y/a", "/a", "./a", "../a", "x/y/b", "a.MD", ""]


@given(
    start=st.sets(st.sampled_from(LINK_PATHS)),
    steps=st.lists(st.tuples(st.booleans(), st.sampled_from(LINK_PATHS)), max_size=20),
)
def test_link_index_followed_resolves_as_a_fresh_one(start: set[str], steps: list[tuple[bool, str]]) -> None:
    index, paths = LinkIndex(start), set(start)
    sources = [None, "n.md", "x/n.md", "X/n.md", "x/y/n.md"]
    for adding, path in steps:
        for name in LINK_NAMES[:4]:
            index.resolve(name, "x/n.md")
        if adding:
            index.add(path)
            paths.add(path)
        else:
            index.remove(path)
            paths.discard(path)
    fresh = LinkIndex(paths)
    for name in LINK_NAMES:
        for source in sources:
            assert index.resolve(name, source) == fresh.resolve(name, source)


FOLDERS = ["", "A/", "A/B/", "Templates/", ".hidden/", "C/"]
FILES = ["Plan.md", "plan.MD", "M.md", "Note.md", "pic.png", "plan"]
PATHS = [folder + name for folder in FOLDERS for name in FILES]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.sampled_from(PATHS), st.sampled_from(CONTENTS)),
        st.tuples(st.just("delete"), st.sampled_from(PATHS)),
        st.tuples(st.just("move"), st.sampled_from(PATHS), st.sampled_from(PATHS)),
        st.tuples(
            st.just("move folder"), st.sampled_from(FOLDERS[1:]), st.sampled_from(["D/", "A/E/", ".x/"])
        ),
    ),
    max_size=12,
)


def _perform(vault: Vault, root: Path, operation: tuple[str, ...]) -> None:
    """Do one operation on disk and tell the vault, as a watcher would (a folder move told either way)."""
    kind, source, *rest = operation
    if kind == "write":
        existed = (root / source).is_file()
        write(root, source, rest[0])
        vault.apply_change(Change("changed" if existed else "created", source))
    elif kind == "delete":
        if (root / source).is_file():
            (root / source).unlink()
            vault.apply_change(Change("deleted", source))
    elif kind == "move":
        dest = rest[0]
        if (root / source).is_file() and source != dest and not (root / dest).is_dir():
            move(root, source, dest)
            vault.apply_change(Change("moved", source, dest))
    else:
        src, dest = source.rstrip("/"), rest[0].rstrip("/")
        if (root / src).is_dir() and not (root / dest).exists() and not dest.startswith(src + "/"):
            files = sorted(
                p.relative_to(root / src).as_posix() for p in (root / src).rglob("*") if p.is_file()
            )
            (root / dest).parent.mkdir(parents=True, exist_ok=True)
            (root / src).rename(root / dest)
            if len(files) % 2:  # the folder's event alone, or each file's
                vault.apply_change(Change("moved", src, dest))
            else:
                for name in files:
                    vault.apply_change(Change("moved", f"{src}/{name}", f"{dest}/{name}"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.sets(st.sampled_from(PATHS), max_size=8), ops=operations)
def test_random_changes_leave_a_vault_equal_to_a_fresh_one(
    start: set[str], ops: list[tuple[str, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = make_vault(Path(folder) / "v", {}, templates="Templates")
        for number, path in enumerate(sorted(start)):
            if not (root / path).is_dir():
                write(root, path, CONTENTS[number % len(CONTENTS)])
        vault = warm(Vault(root))
        for operation in ops:
            _perform(vault, root, operation)
        known = [p for p in PATHS if p.endswith((".md", ".MD"))][:12]
        assert_follows(vault, root, known)
