"""Typed properties (`.obsidian/types.json`): the rules, `set` refusing a value, `check` reporting one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import conftest
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from vaultkit import Vault
from vaultkit.check.findings import check_vault
from vaultkit.cli.commands import main
from vaultkit.props.types import PropertyTypeError, coerce_value, fits, parse_types
from vaultkit.vault import read_property_types

TYPES = {
    "due": "date",
    "progress": "number",
    "done": "checkbox",
    "tags": "tags",
    "aliases": "aliases",
    "related": "multitext",
    "when": "datetime",
    "title": "text",
}


def make_vault(tmp_path: Path, files: dict[str, str], types: object = TYPES) -> Path:
    """A vault (conftest's) whose `.obsidian/types.json` declares `types` (None: no such file)."""
    root = conftest.make_vault(tmp_path / "vault", dict(files))
    if types is not None:
        data = types if isinstance(types, str) else json.dumps({"types": types})
        (root / ".obsidian" / "types.json").write_text(data, encoding="utf-8")
    return root


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--vault", str(root)], prog_name="vaultkit")


# ---------------------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("type_id", "value", "result"),
    [
        ("date", dt.date(2026, 12, 1), dt.date(2026, 12, 1)),
        ("date", "2026-12-01", "2026-12-01"),
        ("datetime", dt.datetime(2026, 12, 1, 10, 30), dt.datetime(2026, 12, 1, 10, 30)),
        ("datetime", "2026-12-01T10:30", "2026-12-01T10:30"),
        ("number", 42, 42),
        ("number", 2.5, 2.5),
        ("number", "1.10", 1.1),
        ("number", "007", 7),
        ("checkbox", True, True),
        ("checkbox", "TRUE", True),
        ("checkbox", "false", False),
        ("tags", "pdp", ["pdp"]),
        ("tags", ["pdp", "career"], ["pdp", "career"]),
        ("aliases", "Growth plan", ["Growth plan"]),
        ("multitext", "[[Talk]]", ["[[Talk]]"]),
        ("text", 5, 5),
        ("text", "anything", "anything"),
        ("date", None, None),
        ("unknown-plugin-type", {"a": 1}, {"a": 1}),
    ],
)
def test_values_that_fit(type_id: str, value: Any, result: Any) -> None:
    assert coerce_value("key", type_id, value) == result
    assert fits(type_id, value)


@pytest.mark.parametrize(
    ("type_id", "value", "message"),
    [
        (
            "date",
            "tomorrow",
            "due is a date property (.obsidian/types.json): expected an ISO date, such as "
            "2026-12-01, not 'tomorrow'",
        ),
        (
            "date",
            dt.datetime(2026, 12, 1, 10, 30),
            "due is a date property (.obsidian/types.json): expected "
            "an ISO date, such as 2026-12-01, not 2026-12-01T10:30:00",
        ),
        (
            "date",
            "2026-02-30",
            "due is a date property (.obsidian/types.json): expected an ISO date, such as "
            "2026-12-01, not '2026-02-30'",
        ),
        (
            "datetime",
            dt.date(2026, 12, 1),
            "due is a datetime property (.obsidian/types.json): expected an "
            "ISO date and time, such as 2026-12-01T10:30:00, not 2026-12-01",
        ),
        (
            "number",
            "ten",
            "due is a number property (.obsidian/types.json): expected a number, such as 42 "
            "or 2.5, not 'ten'",
        ),
        (
            "number",
            True,
            "due is a number property (.obsidian/types.json): expected a number, such as 42 or 2.5, not true",
        ),
        (
            "checkbox",
            "yes",
            "due is a checkbox property (.obsidian/types.json): expected true or false, not 'yes'",
        ),
        (
            "tags",
            [["a"]],
            "due is a tags property (.obsidian/types.json): expected a list of tags, such as "
            "[pdp, career], not [[a]]",
        ),
        (
            "text",
            ["a", "b"],
            "due is a text property (.obsidian/types.json): expected a single value (not a "
            "list), such as 'some text', not [a, b]",
        ),
    ],
)
def test_values_that_do_not_fit(type_id: str, value: Any, message: str) -> None:
    with pytest.raises(PropertyTypeError) as caught:
        coerce_value("due", type_id, value)
    assert str(caught.value) == message
    assert not fits(type_id, value)


@given(st.dates())
def test_every_iso_date_fits_a_date_and_no_other_text_does(day: dt.date) -> None:
    assert coerce_value("due", "date", day.isoformat()) == day.isoformat()
    assert fits("date", day)
    assert not fits("date", day.isoformat() + "x")
    assert not fits("number", day.isoformat())


@given(st.text(max_size=20))
def test_parse_types_never_raises(text: str) -> None:
    found = parse_types(text)
    assert found.problem is None or found.types == {}


def test_names_are_matched_without_case_and_unknown_types_ignored() -> None:
    found = parse_types('{"types": {"Due": "date", "x": "plugin-thing", "n": 5}}')
    assert found.of("due") == "date"
    assert found.of("DUE") == "date"
    assert found.of("x") is None
    assert found.of("n") is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "{not json",
            ".obsidian/types.json: not valid JSON (Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)); property types are not checked",
        ),
        (
            '["due"]',
            '.obsidian/types.json: expected {"types": {"name": "type"}}; property types are not checked',
        ),
    ],
)
def test_a_bad_types_file_is_one_problem(tmp_path: Path, content: str, problem: str) -> None:
    root = make_vault(tmp_path, {}, content)
    assert read_property_types(root).problem == problem


def test_a_types_folder_is_one_problem(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {}, None)
    (root / ".obsidian" / "types.json").mkdir()
    assert read_property_types(root).problem == (
        ".obsidian/types.json: cannot read: is a folder, not a settings file; property types are not checked"
    )


# ---------------------------------------------------------------------------------------- set


NOTE = "---\ntype: plan\n---\n# Growth\n"


def test_set_refuses_a_value_that_does_not_fit(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Growth.md": NOTE})
    result = run(root, "set", "Growth", "due", "next week")
    assert result.exit_code == 2
    assert result.stderr == (
        "vaultkit: Growth.md: due is a date property (.obsidian/types.json): expected an ISO date, such as "
        "2026-12-01, not 'next week' (--force sets it anyway)\n"
    )
    assert (root / "Growth.md").read_text(encoding="utf-8") == NOTE
    result = run(root, "set", "Growth", "done", "yes")
    assert result.exit_code == 2
    assert "expected true or false, not 'yes'" in result.stderr
    assert run(root, "set", "Growth", "due", "next week", "--force").exit_code == 0
    assert "due: next week\n" in (root / "Growth.md").read_text(encoding="utf-8")


def test_set_writes_values_in_their_type_shape(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Growth.md": NOTE})
    assert run(root, "set", "Growth", "tags", "pdp").stdout == "Growth.md: tags = [pdp]\n"
    assert run(root, "set", "Growth", "weight", "1.10").exit_code == 0  # no declared type: text as typed
    assert run(root, "set", "Growth", "done", "TRUE").stdout == "Growth.md: done = true\n"
    assert run(root, "set", "Growth", "due", "2026-12-01").exit_code == 0
    text = (root / "Growth.md").read_text(encoding="utf-8")
    assert text == (
        '---\ntype: plan\ntags:\n  - pdp\nweight: "1.10"\ndone: true\ndue: 2026-12-01\n---\n# Growth\n'
    )


def test_set_with_a_bad_types_file_warns_and_sets(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Growth.md": NOTE}, "{oops")
    result = run(root, "set", "Growth", "due", "soon")
    assert result.exit_code == 0
    assert result.stderr.startswith("vaultkit: warning: .obsidian/types.json: not valid JSON")
    assert result.stdout == "Growth.md: due = soon\n"


# ---------------------------------------------------------------------------------------- check


def test_check_reports_stored_values_that_do_not_fit(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Growth\ndue: someday\ntags: pdp\ndone: maybe\nprogress: 40\nwhen: 2026-12-01\n---\n"
        "# Growth\n"
    )
    templ = '---\ndue: "{{date}}"\n---\n'
    root = make_vault(tmp_path, {"Notes/Growth.md": text, "Templates/Plan.md": templ})
    (root / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}', encoding="utf-8")
    found = [str(f) for f in check_vault(Vault(root)) if f.code == "property-type"]
    assert found == [
        "Notes/Growth.md:3: warning: due is 'someday', which does not fit its type date in "
        ".obsidian/types.json (expected an ISO date, such as 2026-12-01) [property-type]",
        "Notes/Growth.md:5: warning: done is 'maybe', which does not fit its type checkbox in "
        ".obsidian/types.json (expected true or false) [property-type]",
        "Notes/Growth.md:7: warning: when is 2026-12-01, which does not fit its type datetime in "
        ".obsidian/types.json (expected an ISO date and time, such as 2026-12-01T10:30:00) [property-type]",
    ]


def test_check_reports_a_bad_types_file_once(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Growth.md": NOTE}, '{"types": []}')
    found = [f for f in check_vault(Vault(root)) if f.code == "property-type"]
    assert [(f.path, f.line, f.severity, f.message) for f in found] == [
        (
            ".obsidian/types.json",
            None,
            "warning",
            '.obsidian/types.json: expected {"types": {"name": "type"}}; property types are not checked',
        )
    ]
