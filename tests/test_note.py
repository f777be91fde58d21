"""`Note`: reading tolerantly (bad input becomes errors with lines), fixture notes against golden JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import NOTES, fixture_notes

from vaultkit.errors import NoteError, UnparsableError
from vaultkit.notes.note import Note, decode_note

UPDATE = os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1"


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def summary(note: Note) -> dict[str, Any]:
    """Everything a note reads as, in JSON (the golden files hold this)."""
    return {
        "properties": _plain(dict(note.properties)),
        "type": note.type,
        "body_line": note.body_line,
        "errors": [[p.line, p.code, p.message] for p in note.errors],
        "warnings": [[p.line, p.code, p.message] for p in note.warnings],
        "counts": {**note.counts.as_dict(), "progress": note.counts.progress},
        "tasks": [[t.line, t.status, t.state, t.text, t.level, t.parent] for t in note.tasks],
        "headings": [[h.level, h.text, h.line] for h in note.headings],
        "links": [[link.target, link.line, link.source] for link in note.links],
        "tags": list(note.tags),
    }


@pytest.mark.parametrize("path", fixture_notes(), ids=lambda p: p.name)
def test_fixture_note_reads_as_its_golden_file(path: Path) -> None:
    golden = path.with_suffix(".json")
    got = summary(Note.load(path))
    if UPDATE:
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def test_every_fixture_note_has_a_golden_file() -> None:
    assert {p.stem for p in NOTES.glob("*.json")} == {p.stem for p in fixture_notes()}


# ---------------------------------------------------------------------------------------- reading


def test_invalid_yaml_leaves_body_tasks_and_links_usable() -> None:
    note = Note.parse(
        "---\ntype: plan\ntitle: [unclosed\nstatus: open\n---\n# H\n- [x] a [[L]]\n- [ ] b #t\n"
    )
    assert [(p.line, p.code) for p in note.errors] == [(3, "invalid")]  # where the `[` opens
    assert note.errors[0].message.startswith("invalid YAML in properties: while parsing a flow sequence")
    assert note.properties == {}
    assert not note.editable
    assert [(t.line, t.text) for t in note.tasks] == [(7, "a [[L]]"), (8, "b #t")]
    assert [(link.target, link.line) for link in note.links] == [("L", 7)]
    assert note.tags == ("t",)
    assert note.counts.progress == 50


def test_python_tag_is_an_error_and_the_body_still_reads() -> None:
    note = Note.parse("---\ntitle: x\nrun: !!python/object/apply:os.system ['echo pwned']\n---\n- [ ] task\n")
    assert [(p.line, p.code) for p in note.errors] == [(3, "invalid")]
    assert "unsupported YAML tag !!python/object/apply:os.system" in note.errors[0].message
    assert [t.text for t in note.tasks] == ["task"]


def test_alias_bomb_note_gives_an_error() -> None:
    note = Note.load(NOTES / "alias_bomb.md")
    assert [p.code for p in note.errors] == ["invalid"]
    assert "alias bomb" in note.errors[0].message
    assert [t.line for t in note.tasks] == [9]


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    note = Note.load(path)
    assert [(p.line, p.message) for p in note.errors] == [
        (None, "binary file, not a Markdown note (move it out of the vault or rename it)")
    ]
    assert note.tasks == () and note.properties == {}
    with pytest.raises(UnparsableError):
        note.set_property("a", 1)


def test_undecodable_bytes_are_an_error_never_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes("---\ntitle: ok\n---\nline\ncaf\xe9\n- [ ] task\n".encode("latin-1"))
    note = Note.load(path)
    assert [(p.line, p.code) for p in note.errors] == [(5, "encoding")]
    assert note.errors[0].message.startswith("not valid UTF-8 (byte 0xe9 at offset 26)")
    assert note.properties == {"title": "ok"}
    assert [t.line for t in note.tasks] == [6]
    assert not note.editable
    with pytest.raises(UnparsableError):
        note.save()
    assert path.read_bytes() == "---\ntitle: ok\n---\nline\ncaf\xe9\n- [ ] task\n".encode("latin-1")


def test_decode_note() -> None:
    assert decode_note("ü".encode()) == ("ü", [])
    assert decode_note(b"a\x00b")[1][0].message.startswith("binary file")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    note = Note.load(path)
    assert (note.errors, note.warnings, note.properties, note.tasks, note.dumps()) == ([], [], {}, (), "")
    assert note.counts.progress is None
    assert note.save() is False


def test_bom_and_crlf_line_numbers() -> None:
    note = Note.parse("\ufeff---\r\ntype: Plan\r\n---\r\n\r\n- [x] a\r\n- [ ] b\r\n")
    assert note.type == "plan"
    assert note.body_line == 4
    assert [t.line for t in note.tasks] == [5, 6]
    assert note.body == "\r\n- [x] a\r\n- [ ] b\r\n"
    assert Note.parse("\ufeff- [ ] a").body == "- [ ] a"


def test_a_one_megabyte_line() -> None:
    long = "x" * 1_000_000
    note = Note.parse(f"---\ntitle: {long}\n---\n- [ ] {long} #tag 📅 2026-01-01\n{'#1' * 300_000}\n")
    assert note.properties["title"] == long
    assert note.tasks[0].due == dt.date(2026, 1, 1)
    assert note.tasks[0].tags == ("tag",)
    broken = Note.parse(f"---\ntitle: [{long}\n---\n")
    assert [p.line for p in broken.errors] == [2]


def test_duplicate_keys_and_list_frontmatter_are_errors() -> None:
    assert [(p.line, p.code) for p in Note.parse("---\na: 1\na: 2\n---\n").errors] == [(3, "invalid")]
    listed = Note.parse("---\n- a\n- b\n---\n- [ ] t\n")
    assert [p.line for p in listed.errors] == [2]
    assert "not a list" in listed.errors[0].message
    assert len(listed.tasks) == 1


def test_unclosed_fence_is_body() -> None:
    note = Note.parse("---\ntype: plan\n\n- [ ] not frontmatter\n")
    assert not note.has_frontmatter
    assert note.properties == {} and note.type is None
    assert [t.line for t in note.tasks] == [4]


def test_title_type_and_tags() -> None:
    note = Note.parse(
        "---\ntype: ' Milestone '\ntags: [pdp, '#Career']\n---\n#career #new and #PDP\n", "Plans/Q1 goals.md"
    )
    assert note.title == "Q1 goals"
    assert note.type == "milestone"
    assert note.tags == ("pdp", "Career", "new")
    assert Note.parse("---\ntags: a, b\n---\n").tags == ("a", "b")
    assert Note.parse("---\ntype: 3\n---\n").type is None
    assert Note.parse("x").title == ""


def test_properties_are_read_only() -> None:
    note = Note.parse("---\na: 1\n---\n")
    with pytest.raises(TypeError):
        note.properties["a"] = 2  # type: ignore[index]


# ---------------------------------------------------------------------------------------- editing


def test_set_property_value_checks() -> None:
    note = Note.parse("---\na: 1\n---\n")
    for key, value in [("", 1), ("a\nb", 1), ("k", {"x": 1}), ("k", [[1]]), ("k", object()), ("k", "\ud800")]:
        with pytest.raises(NoteError):
            note.set_property(key, value)  # type: ignore[arg-type]
    assert not note.changed


def test_set_then_read_back_and_changed() -> None:
    note = Note.parse("---\na: 1\n---\nbody\n")
    note.set_property("when", dt.datetime(2026, 11, 22, 10, 30))
    note.set_property("tags", ("x", "y"))
    assert note.properties == {"a": 1, "when": dt.datetime(2026, 11, 22, 10, 30), "tags": ["x", "y"]}
    assert note.changed
    assert note.dumps() == "---\na: 1\nwhen: 2026-11-22T10:30:00\ntags:\n  - x\n  - y\n---\nbody\n"


# ---------------------------------------------------------------------------------------- saving


def test_save_writes_atomically_and_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"---\r\na: 1\r\n---\r\n")
    path.chmod(0o640)
    note = Note.load(path)
    note.set_property("a", 2)
    assert note.save() is True
    assert path.read_bytes() == b"---\r\na: 2\r\n---\r\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert not note.changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.md"]


def test_save_skips_unchanged_bytes(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"---\na: 1\n---\n")
    os.utime(path, (1_000_000, 1_000_000))
    note = Note.load(path)
    note.set_property("a", 1)
    assert note.save() is False
    assert path.stat().st_mtime == 1_000_000


def test_save_refuses_when_the_file_changed_on_disk(tmp_path: Path) -> None:
    from vaultkit.errors import ConflictError

    path = tmp_path / "n.md"
    path.write_bytes(b"---\na: 1\n---\n")
    note = Note.load(path)
    note.set_property("a", 2)
    path.write_bytes(b"---\na: 1\n---\nedited in Obsidian\n")
    with pytest.raises(ConflictError, match="changed on disk"):
        note.save()
    assert path.read_bytes() == b"---\na: 1\n---\nedited in Obsidian\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.md"]


def test_a_note_from_text_creates_its_file_but_never_replaces_one(tmp_path: Path) -> None:
    from vaultkit.errors import ConflictError

    new = Note.parse("# New\n", tmp_path / "New.md")
    assert new.save() is True
    assert (tmp_path / "New.md").read_text(encoding="utf-8") == "# New\n"
    other = Note.parse("# Other\n", tmp_path / "New.md")
    with pytest.raises(ConflictError, match="already exists"):
        other.save()
    assert (tmp_path / "New.md").read_text(encoding="utf-8") == "# New\n"
    with pytest.raises(NoteError, match="no path"):
        Note.parse("x").save()
