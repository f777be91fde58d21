"""Task rules, one test per rule (Obsidian semantics; see ../shared/obsidian.md and docs/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import make_vault

from vaultkit.config import load_config
from vaultkit.markdown.oracle import scan
from vaultkit.notes.note import Note
from vaultkit.notes.tasks import Task, TaskCounts, TaskStatuses, parse_task_fields
from vaultkit.vault import Vault

DEFAULT = TaskStatuses()


def tasks(body: str, statuses: TaskStatuses = DEFAULT) -> list[Task]:
    return list(scan(body, 1, statuses).tasks)


def lines(body: str) -> list[int]:
    return [t.line for t in tasks(body)]


# ---------------------------------------------------------------------------------------- what a task is


@pytest.mark.parametrize("marker", ["-", "*", "+", "1.", "1)", "10."])
def test_every_list_marker(marker: str) -> None:
    assert [(t.status, t.text) for t in tasks(f"{marker} [ ] do it\n")] == [(" ", "do it")]


@pytest.mark.parametrize("status", [" ", "x", "X", "-", "/", ">", "!", "?", "ü", "🙂"])
def test_any_one_character_status(status: str) -> None:
    assert [t.status for t in tasks(f"- [{status}] a\n")] == [status]


@pytest.mark.parametrize(
    "text",
    [
        "- [x]no space\n",
        "- [xx] two characters\n",
        "- [] empty\n",
        "[ ] not a list item\n",
        "- text [ ] later\n",
        "-[ ] no space after the marker\n",
    ],
)
def test_not_tasks(text: str) -> None:
    assert tasks(text) == []


def test_checkbox_followed_by_tab_or_end_of_line() -> None:
    assert [(t.line, t.text) for t in tasks("- [ ]\ttab\n- [x]\n")] == [(1, "tab"), (2, "")]


def test_not_tasks_in_code_html_or_tables() -> None:
    body = (
        "```\n- [ ] fenced\n```\n"
        "~~~\n- [ ] tilde\n~~~\n"
        "\n    - [ ] indented code\n\n"
        "<div>\n- [ ] html block\n</div>\n\n"
        "| a | b |\n|---|---|\n| - [ ] cell | x |\n\n"
        "- [ ] real\n"
    )
    assert [t.text for t in tasks(body)] == ["real"]


def test_tasks_in_blockquotes_callouts_and_nested_lists() -> None:
    body = "> - [ ] quoted\n\n> [!todo]- Folded callout\n> - [x] in callout\n\n- a\n  - [ ] nested\n"
    assert [(t.line, t.text, t.level) for t in tasks(body)] == [
        (1, "quoted", 0),
        (4, "in callout", 0),
        (7, "nested", 1),
    ]


def test_comments_hide_tasks() -> None:
    body = (
        "- [ ] a %% trailing comment %%\n%% - [ ] inline %%\n%%\n- [ ] in a block comment\n%%\n- [x] after\n"
    )
    assert [(t.line, t.text) for t in tasks(body)] == [(1, "a"), (6, "after")]


def test_an_unclosed_comment_runs_to_the_end() -> None:
    assert lines("- [ ] a\n%%\n- [ ] hidden\n") == [1]


def test_percent_signs_inside_code_are_not_comments() -> None:
    body = "```\n%%\n```\n- [ ] after fence\n\nUse `%%` here\n- [ ] after code span\n"
    assert lines(body) == [4, 7]


def test_a_comment_can_hide_a_fence_opener() -> None:
    assert lines("%%\n```\n%%\n- [ ] visible\n") == [4]


def test_line_numbers_count_the_frontmatter() -> None:
    note = Note.parse("---\ntype: plan\n---\n\n- [ ] first\n\n- [x] second\n")
    assert [t.line for t in note.tasks] == [5, 7]


def test_level_and_parent() -> None:
    body = "- [ ] top\n  - plain item\n    - [x] deep\n  - [ ] child\n- [ ] next\n"
    assert [(t.line, t.level, t.parent) for t in tasks(body)] == [
        (1, 0, None),
        (3, 2, 1),
        (4, 1, 1),
        (5, 0, None),
    ]


def test_heading_path() -> None:
    body = "# Plan\n## Skills\n### SQL\n- [ ] a\n## Visibility\n- [ ] b\n# Other\n- [ ] c\n"
    assert [t.heading for t in tasks(body)] == [("Plan", "Skills", "SQL"), ("Plan", "Visibility"), ("Other",)]


def test_text_is_the_first_line_stripped() -> None:
    body = "- [ ]   spaced   out  \n  continued line 📅 2026-01-01\n"
    [task] = tasks(body)
    assert task.text == "spaced out"
    assert task.dates == {}  # fields on a continuation line are not this task's fields


def test_tags() -> None:
    [task] = tasks("- [ ] call #work #a/b (#not) x#no #123 #1a [[N#H]] [l](#anchor) `#code` #Work\n")
    assert task.tags == ("work", "a/b", "1a", "Work")


# ---------------------------------------------------------------------------------------- statuses


def test_default_statuses() -> None:
    found = tasks("- [x] a\n- [X] b\n- [-] c\n- [ ] d\n- [/] e\n- [>] f\n- [!] g\n")
    assert [(t.state, t.done, t.cancelled, t.open) for t in found] == [
        ("done", True, False, False),
        ("done", True, False, False),
        ("cancelled", False, True, False),
        ("open", False, False, True),
        ("open", False, False, True),
        ("open", False, False, True),
        ("open", False, False, True),
    ]


def test_custom_statuses() -> None:
    statuses = TaskStatuses(done=frozenset("x/"), cancelled=frozenset("~"))
    assert [t.state for t in tasks("- [/] a\n- [~] b\n- [-] c\n", statuses)] == ["done", "cancelled", "open"]


def test_statuses_from_the_vault_config(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            ".vaultkit/config.toml": '[tasks]\ndone = ["x", "X", "/"]\ncancelled = ["-", "~"]\n',
            "N.md": "- [/] a\n- [~] b\n- [ ] c\n",
        },
    )
    assert load_config(root).statuses == TaskStatuses(frozenset("xX/"), frozenset("-~"))
    record = Vault(root).records["N.md"]
    assert record.counts == TaskCounts(done=1, open=1, cancelled=1)
    assert Vault(root).load("N.md").counts == TaskCounts(done=1, open=1, cancelled=1)


# ---------------------------------------------------------------------------------------- fields


def test_tasks_plugin_emoji_fields() -> None:
    [task] = tasks(
        "- [ ] t ➕ 2026-01-01 ⏳ 2026-01-03 🛫 2026-01-02 📅 2026-01-09"
        " ✅ 2026-01-08 ❌ 2026-01-07 🔺 #x ^id\n"
    )
    assert task.dates == {
        "created": dt.date(2026, 1, 1),
        "scheduled": dt.date(2026, 1, 3),
        "start": dt.date(2026, 1, 2),
        "due": dt.date(2026, 1, 9),
        "done": dt.date(2026, 1, 8),
        "cancelled": dt.date(2026, 1, 7),
    }
    assert task.due == dt.date(2026, 1, 9)
    assert task.priority == "highest"
    assert task.as_dict()["dates"] == {
        "created": "2026-01-01",
        "scheduled": "2026-01-03",
        "start": "2026-01-02",
        "due": "2026-01-09",
        "done": "2026-01-08",
        "cancelled": "2026-01-07",
    }


@pytest.mark.parametrize(
    ("emoji", "priority"),
    [("🔺", "highest"), ("⏫", "high"), ("🔼", "medium"), ("🔽", "low"), ("⏬", "lowest")],
)
def test_priorities(emoji: str, priority: str) -> None:
    assert parse_task_fields(f"do it {emoji}") == ({}, priority)


def test_fields_are_read_from_the_end_only() -> None:
    assert parse_task_fields("Move 📅 2026-12-01 to Friday") == ({}, None)
    assert parse_task_fields("Call 🔁 every week 📅 2026-12-01 ⏫ #work ^b1") == (
        {"due": dt.date(2026, 12, 1)},
        "high",
    )
    assert parse_task_fields("bad date 📅 2026-02-30") == ({}, None)


def test_dataview_fields() -> None:
    assert parse_task_fields("x [due:: 2026-12-01] (completion:: 2026-11-30) [priority:: High]") == (
        {"due": dt.date(2026, 12, 1), "done": dt.date(2026, 11, 30)},
        "high",
    )
    [task] = tasks("- [ ] a [due:: 2026-03-01] `📅 2026-01-01`\n")
    assert task.dates == {"due": dt.date(2026, 3, 1)}  # fields inside code do not count


# ---------------------------------------------------------------------------------------- counts


def test_counts() -> None:
    counts = TaskCounts.of(tasks("- [x] a\n- [X] b\n- [-] c\n- [ ] d\n- [/] e\n"))
    assert counts == TaskCounts(done=2, open=2, cancelled=1)
    assert counts.total == 4
    assert counts.progress == 50
    assert counts.as_dict() == {"done": 2, "open": 2, "cancelled": 1, "total": 4}


@pytest.mark.parametrize(
    ("done", "open_", "progress"),
    [(0, 0, None), (1, 7, 13), (1, 1, 50), (1, 2, 33), (2, 1, 67), (5, 3, 63), (1, 0, 100), (0, 3, 0)],
)
def test_progress_rounds_half_up(done: int, open_: int, progress: int | None) -> None:
    # 1/8 = 12.5% -> 13 and 5/8 = 62.5% -> 63, where Python's round() would give 12 and 62.
    assert TaskCounts(done, open_).progress == progress


def test_cancelled_only_has_no_progress() -> None:
    assert TaskCounts(cancelled=3).progress is None


def test_counts_add_up() -> None:
    assert TaskCounts(1, 2, 3) + TaskCounts(4, 5, 6) == TaskCounts(5, 7, 9)
