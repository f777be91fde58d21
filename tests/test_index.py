"""The persistent index: exact records, nothing re-read that did not change, nothing damaged trusted."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import fixture_notes, make_vault

from vaultkit.index import store as index_module
from vaultkit.index.rows import NoteSummary, reference_record
from vaultkit.index.store import INDEX_FILE, NoteIndex
from vaultkit.notes.record import NoteRecord
from vaultkit.rollup.render import first_open_due
from vaultkit.status import vault_status
from vaultkit.vault import Vault

PLAN = "---\ntype: plan\nstatus: active\n---\n# Plan\n- [x] one\n- [ ] two\n  - [-] dropped\n"
MILESTONE = '---\ntype: milestone\nplan: "[[Plan]]"\nstatus: done\n---\n- [x] m1\n- [x] m2 [[Journal]] #tag\n'
JOURNAL = "# Today\n\n- [ ] call\n```\n- [ ] not a task\n```\n> [!todo]\n> - [x] quoted\n"


def settle(*paths: Path, age: int = 60) -> None:
    """Date files `age` seconds back: files written in the last two seconds are re-hashed (racy)."""
    for path in paths:
        stamp = path.stat().st_mtime_ns - age * 1_000_000_000
        os.utime(path, ns=(stamp, stamp))


def small_vault(root: Path) -> Path:
    files: dict[str, str | bytes] = {
        "Plans/Plan.md": PLAN,
        "Milestones/M1.md": MILESTONE,
        "Journal.md": JOURNAL,
        "Broken.md": "---\ntitle: [unclosed\n---\n- [ ] still counted\n",
        "Binary.md": b"\x00\x01\x02",
        "Latin1.md": b"caf\xe9\n- [x] ok\n",
        "Templates/T.md": "---\ntype: plan\ncreated: {{date}}\n---\n- [ ] template task\n",
    }
    for path in fixture_notes():
        files[f"Fixtures/{path.name}"] = path.read_bytes()
    make_vault(root, files, templates="Templates")
    settle(*root.rglob("*.md"))
    return root


def reference(vault: Vault, path: str) -> object:
    return reference_record(vault.root, path, vault.config.statuses, vault.is_template(path))


def test_records_and_summaries_equal_the_reference(tmp_path: Path) -> None:
    vault = Vault(small_vault(tmp_path))
    assert list(vault.records) == vault.note_paths
    for path in vault.note_paths:
        expected = reference(vault, path)
        assert vault.records[path] == expected
        assert vault.summaries[path] == NoteSummary.of(vault.records[path])
    assert vault.summaries["Templates/T.md"].is_template
    assert vault.summaries["Broken.md"].errors and vault.summaries["Binary.md"].errors
    assert (tmp_path / INDEX_FILE).is_file()


def test_a_second_run_reads_nothing_and_gives_the_same(tmp_path: Path) -> None:
    root = small_vault(tmp_path)
    first = Vault(root)
    before = {p: first.records[p] for p in first.note_paths}
    status = vault_status(first)
    second = Vault(root)
    assert second.index.last_sync == (0, 0, 0)
    assert dict(second.records) == before
    assert vault_status(second) == status


def test_status_from_summaries_equals_status_from_records(tmp_path: Path) -> None:
    vault = Vault(small_vault(tmp_path))
    data = vault_status(vault)
    notes = [r for r in vault.records.values() if not r.is_template]
    assert [n["path"] for n in data["notes"]] == [r.path for r in notes]
    assert [n["tasks"] for n in data["notes"]] == [r.counts.as_dict() for r in notes]
    plan = {"path": "Plans/Plan.md", "done": 3, "total": 4, "progress": 75}
    assert {**plan, "milestones_total": 1, "milestones_done": 1} in data["plans"]


def test_changes_are_found_and_only_they_are_parsed(tmp_path: Path) -> None:
    root = small_vault(tmp_path)
    Vault(root).index  # noqa: B018 - build the index
    note = root / "Journal.md"
    note.write_text(JOURNAL + "- [x] new\n")
    settle(note, age=30)
    vault = Vault(root)
    assert vault.index.last_sync == (1, 0, 0)
    assert vault.summaries["Journal.md"].counts.done == 2
    assert vault.records["Journal.md"] == reference(vault, "Journal.md")

    stat = note.stat()
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # same bytes, new time
    assert Vault(root).index.last_sync == (0, 1, 0)
    assert Vault(root).index.last_sync == (0, 0, 0)

    (root / "Plans" / "Plan.md").unlink()
    (root / "New.md").write_text("- [ ] fresh\n")
    settle(root / "New.md", age=20)
    vault = Vault(root)
    assert vault.index.last_sync == (1, 0, 1)
    assert "Plans/Plan.md" not in vault.summaries and vault.summaries["New.md"].counts.open == 1
    assert list(vault.summaries) == vault.note_paths


def test_an_edit_that_keeps_size_and_time_is_caught_while_racy(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"A.md": "- [ ] a\n"})
    assert Vault(root).summaries["A.md"].counts.open == 1  # indexed just after it was written: racy
    path = root / "A.md"
    stat = path.stat()
    path.write_text("- [x] a\n")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
    assert Vault(root).summaries["A.md"].counts.done == 1


def test_a_settled_file_is_trusted_by_its_stat(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"A.md": "- [ ] a\n"})
    path = root / "A.md"
    os.utime(path, ns=(10**18, 10**18 - 10**15))  # long ago, not racy
    Vault(root).index  # noqa: B018
    stat = path.stat()
    path.write_text("- [x] a\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert Vault(root).index.last_sync == (0, 0, 0)  # documented: stat is the contract, as for git


@pytest.mark.parametrize(
    "damage",
    [
        lambda f: f.write_bytes(b"not a database at all" * 100),
        lambda f: f.write_bytes(f.read_bytes()[:300]),
        lambda f: _sql(f, "PRAGMA user_version = 999"),
        lambda f: _sql(f, "UPDATE meta SET value = 'other' WHERE key = 'fingerprint'"),
        lambda f: _sql(f, "UPDATE notes SET done = 'x'"),
        lambda f: _sql(f, "UPDATE notes SET problems = x'00ff'"),
        lambda f: _sql(f, "DROP TABLE notes"),
        lambda f: _sql(f, "UPDATE notes SET due = NULL"),  # a detail without its due date
        lambda f: _sql(f, "UPDATE notes SET due = -3"),
        lambda f: _sql(f, "UPDATE notes SET due = 'soon'"),
    ],
)
def test_a_damaged_or_foreign_index_is_rebuilt(tmp_path: Path, damage: object) -> None:
    root = small_vault(tmp_path)
    expected = dict(Vault(root).records.items())
    damage(root / INDEX_FILE)  # type: ignore[operator]
    vault = Vault(root)
    assert dict(vault.records) == expected
    assert Vault(root).index.last_sync == (0, 0, 0)  # and the rebuilt one is good


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo owned > owned.txt",))


def test_an_index_entry_never_runs_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = small_vault(tmp_path / "v")
    expected = Vault(root).records["Plans/Plan.md"]
    evil = pickle.dumps({"type": _Boom()})
    _sql(
        root / INDEX_FILE,
        "UPDATE notes SET props = ?, tasks = ?, outline = ? WHERE path = 'Plans/Plan.md'",
        (evil, evil, evil),
    )
    vault = Vault(root)
    assert vault.summaries["Plans/Plan.md"].properties == expected.properties  # read again from the note
    assert vault.records["Plans/Plan.md"] == expected
    assert not (tmp_path / "owned.txt").exists()


def test_a_statuses_change_makes_another_index(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"A.md": "- [x] a\n- [/] b\n"})
    assert Vault(root).summaries["A.md"].counts.done == 1
    (root / ".vaultkit" / "config.toml").write_text('[tasks]\ndone = ["x", "/"]\n')
    assert Vault(root).summaries["A.md"].counts.done == 2


def test_a_read_only_vault_works_from_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_vault(tmp_path)

    def refuse(self: NoteIndex, new: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(NoteIndex, "_create", refuse)
    vault = Vault(root)
    assert vault.summaries["Plans/Plan.md"].counts.done == 1
    assert not (root / INDEX_FILE).exists()


def test_parallel_parsing_gives_the_same_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_vault(tmp_path / "a")
    serial = dict(Vault(root).records.items())
    dues = Vault(root).index.open_dues(serial)
    copy = tmp_path / "b"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".vaultkit"))
    monkeypatch.setattr(index_module, "PARALLEL_MIN", 2)
    monkeypatch.setattr(index_module, "_CHUNK", 3)
    monkeypatch.setattr(index_module, "_STORE_CHUNK", 4)
    vault = Vault(copy)
    vault.index.workers = 2
    assert vault.index.open_dues(vault.note_paths) == dues  # parsed in the pool, stored four at a time
    assert {p: vault.records[p] for p in vault.note_paths} == serial


def test_update_one_path_for_the_watcher(tmp_path: Path) -> None:
    root = small_vault(tmp_path)
    vault = Vault(root)
    index = vault.index
    (root / "Journal.md").write_text("- [x] done now\n")
    summary = index.update("Journal.md")
    assert summary is not None and summary.counts.done == 1
    assert index.record("Journal.md") == reference(vault, "Journal.md")
    (root / "Journal.md").unlink()
    assert index.update("Journal.md") is None
    assert "Journal.md" not in index.summaries
    assert "Journal.md" not in Vault(root).summaries


def test_read_record_sees_the_file_now(tmp_path: Path) -> None:
    root = small_vault(tmp_path)
    vault = Vault(root)
    assert vault.records["Journal.md"].counts.open == 1
    (root / "Journal.md").write_text("- [x] a\n- [x] b\n")
    fresh = vault.read_record("Journal.md")
    assert fresh.counts.done == 2 and vault.records["Journal.md"] == fresh
    (root / "Journal.md").unlink()
    assert [p.code for p in vault.read_record("Journal.md").errors] == ["io"]


def test_record_map_behaves_as_a_read_only_mapping(tmp_path: Path) -> None:
    vault = Vault(small_vault(tmp_path))
    records = vault.records
    assert len(records) == len(vault.note_paths)
    assert "Journal.md" in records and "Nope.md" not in records
    assert records.get("Nope.md") is None
    with pytest.raises(KeyError):
        records["Nope.md"]
    assert list(records.keys()) == vault.note_paths
    assert [r.path for r in records.values()] == vault.note_paths


def _sql(file: Path, statement: str, params: tuple[object, ...] = ()) -> None:
    conn = sqlite3.connect(file)
    with conn:
        conn.execute(statement, params)
    conn.close()


def test_a_touched_note_keeps_what_it_is(tmp_path: Path) -> None:
    root = small_vault(tmp_path)
    Vault(root).index  # noqa: B018
    path = root / "Templates" / "T.md"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # same bytes, new time
    assert Vault(root).index.last_sync == (0, 1, 0)
    summary = Vault(root).summaries["Templates/T.md"]  # read back from the file
    assert summary.is_template and summary.has_frontmatter


def test_records_hold_what_markdown_it_reads(tmp_path: Path) -> None:
    from vaultkit.markdown.scanner import scan
    from vaultkit.notes.note import Note

    vault = Vault(small_vault(tmp_path))
    for path, record in vault.records.items():
        note = Note.load(vault.root / path)
        oracle = scan(note.body, note.body_line, vault.config.statuses, engine="oracle")
        assert (record.tasks, record.headings, record.placeholders) == (
            oracle.tasks,
            oracle.headings,
            oracle.placeholders,
        ), path


def test_stat_without_folder_descriptors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_vault(tmp_path)
    Vault(root).index  # noqa: B018
    monkeypatch.setattr(os, "supports_dir_fd", set())  # as on Windows
    assert Vault(root).index.last_sync == (0, 0, 0)


def test_the_index_knows_which_notes_hold_block_markers(tmp_path: Path) -> None:
    """Rollup re-renders managed blocks only in notes whose bytes hold `vaultkit:`; the index says which,
    from a fresh parse, from the file, and after a one-path update, on the fast and the reference path."""
    root = small_vault(tmp_path)
    block = "<!-- vaultkit:begin plans -->\n<!-- vaultkit:end -->\n"
    (root / "Home.md").write_text("# Home\n" + block)
    (root / "Odd.md").write_bytes(b"---\nk: [1,\n---\n" + block.encode())  # YAML the fast path leaves
    settle(root / "Home.md", root / "Odd.md")
    fresh = Vault(root).summaries
    assert {path for path, summary in fresh.items() if summary.markers} == {"Home.md", "Odd.md"}
    loaded = Vault(root).summaries
    assert [loaded[path].markers for path in fresh] == [fresh[path].markers for path in fresh]
    vault = Vault(root)
    (root / "Journal.md").write_text(JOURNAL + block)
    summary = vault.index.update("Journal.md")
    assert summary is not None and summary.markers is True


@pytest.mark.parametrize("parallel", [False, True])
def test_iter_records_equals_records_and_keeps_no_tasks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """One pass over many notes: the same records as `records`, in the order asked, batch by batch, and
    nothing kept in memory where the index file holds it (the file does, afterwards, for every note)."""
    root = small_vault(tmp_path)
    if parallel:
        monkeypatch.setattr(index_module, "PARALLEL_MIN", 2)
        monkeypatch.setattr(index_module, "_CHUNK", 3)
    vault = Vault(root)
    vault.index.workers = 2
    paths = list(reversed(vault.note_paths))
    expected = {p: reference(vault, p) for p in paths}
    streamed = list(vault.index.iter_records(paths, batch=3))
    assert [r.path for r in streamed] == paths
    assert {r.path: r for r in streamed} == expected
    assert vault.index._tasks == {}
    again = Vault(root)
    assert list(again.index.iter_records(paths, batch=2)) == streamed
    assert again.index._stored_details() == set(paths)


def test_iter_records_in_a_read_only_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_vault(tmp_path)
    monkeypatch.setattr(NoteIndex, "_create", lambda self, new: (_ for _ in ()).throw(PermissionError("ro")))
    vault = Vault(root)
    paths = vault.note_paths
    assert {r.path: r for r in vault.iter_records(paths)} == {p: reference(vault, p) for p in paths}


def test_open_dues_are_parsed_once_and_kept_with_the_detail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An open-tasks block orders notes by their earliest due open task: the index answers that without
    building records, parses only notes whose detail it never computed, and keeps the answer."""
    root = small_vault(tmp_path)
    (root / "Due.md").write_text("- [ ] a 📅 2026-12-03\n- [ ] b 📅 2026-11-30\n- [x] c 📅 2026-01-01\n")
    settle(root / "Due.md")
    vault = Vault(root)
    expected = {
        path: day.toordinal() if (day := first_open_due(reference(vault, path).tasks)) else 0
        for path in vault.note_paths
    }
    assert expected["Due.md"] == dt.date(2026, 11, 30).toordinal()
    assert expected["Journal.md"] == 0  # open, but no due date
    assert vault.index.open_dues([*vault.note_paths, "Nope.md"]) == expected
    assert vault.index._tasks == vault.index._outlines == {}  # in the index file, not held in memory

    parsed: list[str] = []
    parse = NoteIndex._parse

    def spy(self: NoteIndex, todo: list[tuple[str, bytes | None, bool]], detail: bool) -> object:
        parsed.extend(path for path, _, _ in todo)
        return parse(self, todo, detail)

    monkeypatch.setattr(NoteIndex, "_parse", spy)
    assert Vault(root).index.open_dues(vault.note_paths) == expected
    assert parsed == []
    (root / "Due.md").write_text("- [ ] a 📅 2026-12-03\n- [x] b 📅 2026-11-30\n")
    again = Vault(root)
    assert again.index.last_sync == (1, 0, 0)  # its summary, as for any changed note
    parsed.clear()
    assert again.index.open_dues(["Due.md", "Plans/Plan.md"]) == {
        "Due.md": dt.date(2026, 12, 3).toordinal(),
        "Plans/Plan.md": 0,
    }
    assert parsed == ["Due.md"]
    assert again.records["Due.md"] == reference(again, "Due.md")  # the stored detail reads back


def test_outlines_are_records_but_the_tasks(tmp_path: Path) -> None:
    vault = Vault(small_vault(tmp_path))
    paths = vault.note_paths
    by_batch = dict(vault.index.iter_outlines(paths, batch=2))
    assert list(by_batch) == paths
    for path, outline in vault.index.iter_outlines(paths):
        record = reference(vault, path)
        assert isinstance(record, NoteRecord)
        assert (outline.headings, outline.links, outline.tags, outline.placeholders) == (
            record.headings,
            record.links,
            record.tags,
            record.placeholders,
        )
        assert by_batch[path] == outline
