"""Lossless round-trips (text and bytes) and one-property edits, over fixtures, samples and hypothesis."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import fixture_notes, sample_paths
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import PROPERTY_VALUES, frontmatter_entries, notes

from vaultkit.errors import NoteError
from vaultkit.notes.note import Note
from vaultkit.props import yaml_safe
from vaultkit.props.frontmatter import (
    format_key,
    format_property,
    format_scalar,
    parse_frontmatter,
    same_value,
    split_lines,
)
from vaultkit.props.yaml_safe import PyLoader, load_mapping

FILES = [*fixture_notes(), *sample_paths()]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_files_round_trip_byte_for_byte(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    copy = tmp_path / path.name
    copy.write_bytes(data)
    note = Note.load(copy)
    assert note.dumps().encode("utf-8") == data or note.errors  # undecodable files are never saved
    assert Note.parse(note.dumps()).dumps() == note.dumps()
    if note.editable:
        assert note.save() is False
    assert copy.read_bytes() == data


def test_the_three_samples_are_tested() -> None:
    if not sample_paths():
        pytest.skip("../shared/samples is absent")
    assert [p.name for p in sample_paths()] == [
        "12-month-growth-plan.md",
        "career-ladder-senior-to-staff.md",
        "pdp-junior-mid-senior.md",
    ]


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(valid=False))
def test_generated_notes_round_trip(text: str) -> None:
    note = Note.parse(text)
    assert note.dumps() == text
    note.tasks, note.links, note.tags, note.headings  # noqa: B018 - reading never raises
    for problem in note.errors + note.warnings:
        assert problem.line is None or 1 <= problem.line <= len(split_lines(text))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "n.md"
        path.write_bytes(text.encode("utf-8"))
        loaded = Note.load(path)
        assert loaded.dumps().encode("utf-8") == path.read_bytes()
        assert loaded.save() is False


def _span(note: Note, key: str) -> tuple[int, int]:
    """Lines [start, end) the edit may touch (an empty range at the insertion point for a new key)."""
    fm = note._fm
    if key in fm.spans:
        return fm.spans[key].start, fm.spans[key].end
    return (fm.close_line, fm.close_line) if fm.present else (0, 0)


def _expected(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(frontmatter=True), st.data())
def test_setting_a_property_changes_only_its_lines(text: str, data: st.DataObject) -> None:
    note = Note.parse(text)
    assume(note.editable and not note._fm.edit_problem)
    before = dict(note.properties)
    key = data.draw(st.sampled_from([*before, "new_key", "tags", "progress"]))
    value = data.draw(PROPERTY_VALUES)
    start, end = _span(note, key)
    old = split_lines(text)
    note.set_property(key, value)
    new = split_lines(note.dumps())
    diff = "".join(difflib.unified_diff(old, new))
    assert new[:start] == old[:start], diff
    assert new[len(new) - (len(old) - end) :] == old[end:], diff
    reread = Note.parse(note.dumps())
    assert reread.editable
    assert same_value(reread.properties[key], _expected(value)), diff
    assert same_value(
        {k: v for k, v in reread.properties.items() if k != key},
        {k: v for k, v in before.items() if k != key},
    )
    assert list(reread.properties) == [*before] + ([] if key in before else [key])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(frontmatter=True), st.data())
def test_deleting_a_property_removes_only_its_lines(text: str, data: st.DataObject) -> None:
    note = Note.parse(text)
    assume(note.editable and not note._fm.edit_problem and note.properties)
    key = data.draw(st.sampled_from(list(note.properties)))
    start, end = _span(note, key)
    old = split_lines(text)
    try:
        note.delete_property(key)
    except NoteError:
        # Refused on purpose: removing these lines would change another property (a whitespace-only line
        # joining a block scalar above). The note must be exactly as it was.
        assert note.dumps() == text
        edited = "".join(old[:start] + old[end:])
        assert Note.parse(edited).properties != {k: v for k, v in note.properties.items() if k != key}
        return
    # Compare text, not re-split lines: removing the line after a lone-CR line joins "\r" and "\n".
    assert note.dumps() == "".join(old[:start] + old[end:])
    assert key not in Note.parse(note.dumps()).properties


@settings(max_examples=50, deadline=None)
@given(frontmatter_entries())
def test_generated_frontmatter_loads_and_both_parsers_agree(lines: list[str]) -> None:
    text = "---\n" + "".join(line + "\n" for line in lines) + "---\n"
    with_libyaml = parse_frontmatter(text)
    saved = yaml_safe._Loader
    yaml_safe._Loader = PyLoader
    try:
        pure = parse_frontmatter(text)
    finally:
        yaml_safe._Loader = saved
    assert with_libyaml.ok, with_libyaml.problems
    assert same_value(with_libyaml.properties, pure.properties)
    assert with_libyaml.spans == pure.spans


# ---------------------------------------------------------------------------------------- formatting


def _both_loaders(text: str) -> list[Any]:
    ours = load_mapping(text)[0]
    return [ours, load_mapping(text, pure=True)[0], yaml.safe_load(text)]


@settings(max_examples=200)
@given(st.text(st.characters(blacklist_categories=["Cs"])))
def test_any_string_reads_back_identically_everywhere(value: str) -> None:
    for loaded in _both_loaders(f"k: {format_scalar(value)}\n"):
        assert loaded == {"k": value}
    for loaded in _both_loaders(f"{format_key(value or 'x')}: 1\n"):
        assert loaded == {value or "x": 1}
    for loaded in _both_loaders(format_property("k", [value, "x"])):
        assert loaded == {"k": [value, "x"]}


@given(st.from_regex(r"[A-Za-z][A-Za-z ,()/'.-]{0,30}[A-Za-z.)]", fullmatch=True))
def test_ordinary_text_stays_unquoted(value: str) -> None:
    yaml11_words = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}
    assume(value.lower() not in yaml11_words and ": " not in value and " #" not in value)
    assume(not value.lower().startswith((".inf", ".nan")))
    assert format_scalar(value) == value


@given(st.one_of(st.integers(), st.floats(), st.booleans(), st.dates(), st.datetimes(), st.none()))
def test_typed_values_read_back(value: Any) -> None:
    loaded = load_mapping(f"k: {format_scalar(value)}\n")[0]["k"]
    if isinstance(value, float) and math.isnan(value):
        assert math.isnan(loaded)
    else:
        assert same_value(loaded, value)


def test_datetimes_are_written_with_t() -> None:
    assert format_scalar(dt.datetime(2026, 11, 22, 10, 30)) == "2026-11-22T10:30:00"
    assert yaml.safe_load("k: 2026-11-22T10:30:00\n") == {"k": dt.datetime(2026, 11, 22, 10, 30)}
