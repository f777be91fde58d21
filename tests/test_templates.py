"""Template variables (Obsidian core syntax), YAML-safe rendering of frontmatter, and safe note names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultkit import Note
from vaultkit.errors import UnsafePathError
from vaultkit.fileio import ensure_inside
from vaultkit.scaffold.moment import US_WEEK
from vaultkit.scaffold.templates import (
    TemplateContext,
    format_rendered_value,
    render_note,
    render_text,
    safe_note_name,
)

WHEN = dt.datetime(2026, 11, 22, 14, 5, 9)  # a Sunday
CTX = TemplateContext("My Plan", WHEN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{title}}", "My Plan"),
        ("{{date}}", "2026-11-22"),
        ("{{time}}", "14:05"),
        ("{{date:dddd D MMMM}}", "Sunday 22 November"),
        ("{{time:HH:mm:ss}}", "14:05:09"),
        ("{{time:YYYY}}", "2026"),  # Obsidian: date and time take any format
        ("{{date:gggg-[W]ww}}", "2026-W47"),
        ("{{ Title }} {{DATE}} {{ time }}", "My Plan 2026-11-22 14:05"),
        ("{{date+1d}} {{date-1M:YYYY-MM}} {{date+2w:MM-DD}}", "2026-11-23 2026-10 12-06"),
        ("{{yesterday}} {{tomorrow:ddd}}", "2026-11-21 Mon"),
        ("{{date:[Week] w}}", "Week 47"),
        ("a {{title}}, b {{title}}", "a My Plan, b My Plan"),
    ],
)
def test_variables(text: str, expected: str) -> None:
    assert render_text(text, CTX) == expected


@pytest.mark.parametrize(
    "text",
    ["{{foo}}", "{{ date", "{date}", "{{}}", "{{titles}}", "{{date+1x}}", "{{cursor}}", "{{date\n:YYYY}}"],
)
def test_other_text_is_left_alone(text: str) -> None:
    assert render_text(text, CTX) == text


def test_configured_formats_and_week_rule() -> None:
    ctx = TemplateContext("x", WHEN, date_format="DD.MM.YYYY", time_format="h:mm A", week=US_WEEK)
    assert render_text("{{date}} {{time}} {{date:gggg-[W]ww}}", ctx) == "22.11.2026 2:05 PM 2026-W48"


def test_templater_blocks_pass_through_untouched() -> None:
    text = (
        '<% tp.date.now("YYYY-MM-DD") %> {{date}}\n'
        "<%* if (tp.file.title) { %>{{title}} stays<%* } %>\n"
        "<%+ tp.file.last_modified_date() %>\n"
    )
    assert render_text(text, CTX) == (
        '<% tp.date.now("YYYY-MM-DD") %> 2026-11-22\n'
        "<%* if (tp.file.title) { %>My Plan stays<%* } %>\n"
        "<%+ tp.file.last_modified_date() %>\n"
    )
    inside = "<% '{{date}}' %>"
    assert render_text(inside, CTX) == inside


TEMPLATE = """\
---
type: plan
title: "{{title}}"
created: "{{date:YYYY-MM-DD}}"
stamp: '{{date:YYYY-MM-DD[T]HH:mm:ss}}'
bare: {{date}}
label: "Plan for {{title}} ({{date:YYYY}})"
quoted: 'It''s {{title}}'
aliases: ["{{title}}", 'the {{title}}']
week: "{{date:gggg-[W]ww}}"
when: "{{date}}" # rendered, comment kept
later:
  - "{{date+1d}}"
  - plain
templater: <% tp.file.title %>
---
# {{title}}

Created {{date:D MMMM YYYY}} at {{time}}.
"""


def test_render_note_frontmatter_is_yaml_safe() -> None:
    rendered = render_note(TEMPLATE, CTX)
    assert (
        rendered
        == """\
---
type: plan
title: My Plan
created: 2026-11-22
stamp: 2026-11-22T14:05:09
bare: 2026-11-22
label: Plan for My Plan (2026)
quoted: It's My Plan
aliases: ["My Plan", 'the My Plan']
week: 2026-W47
when: 2026-11-22 # rendered, comment kept
later:
  - 2026-11-23
  - plain
templater: <% tp.file.title %>
---
# My Plan

Created 22 November 2026 at 14:05.
"""
    )
    note = Note.parse(rendered)
    assert note.errors == []
    assert [(p.line, p.code) for p in note.warnings] == [(15, "placeholder")]  # only the Templater line
    assert note.properties["created"] == dt.date(2026, 11, 22)
    assert note.properties["stamp"] == dt.datetime(2026, 11, 22, 14, 5, 9)
    assert note.properties["aliases"] == ["My Plan", "the My Plan"]
    assert note.properties["later"] == [dt.date(2026, 11, 23), "plain"]


def test_the_unrendered_template_is_valid_yaml_except_the_bare_placeholder() -> None:
    note = Note.parse(TEMPLATE.replace("bare: {{date}}\n", ""))
    assert note.errors == []


@pytest.mark.parametrize(
    ("title", "line"),
    [
        ('He said "hi": ok', 'title: "He said \\"hi\\": ok"'),
        ("2026", 'title: "2026"'),
        ("yes", 'title: "yes"'),
        ("- dash", 'title: "- dash"'),
        ("a # b", 'title: "a # b"'),
        ("[[Link]]", 'title: "[[Link]]"'),
    ],
)
def test_titles_that_need_quoting(title: str, line: str) -> None:
    rendered = render_note('---\ntitle: "{{title}}"\n---\n', TemplateContext(title, WHEN))
    assert rendered.splitlines()[1] == line
    assert Note.parse(rendered).properties["title"] == title


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40))
def test_any_title_keeps_the_yaml_valid(title: str) -> None:
    template = (
        '---\ntitle: "{{title}}"\nname: \'{{title}}\'\nlabel: "x {{title}} y"\n'
        "aliases: [\"{{title}}\", '{{title}}!']\n---\n# {{title}}\n"
    )
    note = Note.parse(render_note(template, TemplateContext(title, WHEN)))
    assert note.errors == []
    props = note.properties
    if not title.strip() or title != title.strip():
        return  # YAML folds and strips plain scalars; quoting keeps the rest exact
    assert props["title"] == title
    assert props["name"] == title
    assert props["label"] == f"x {title} y"
    assert props["aliases"] == [title, f"{title}!"]


def test_render_note_keeps_crlf_and_bodies_without_frontmatter() -> None:
    assert render_note('---\r\ncreated: "{{date}}"\r\n---\r\n{{title}}\r\n', CTX) == (
        "---\r\ncreated: 2026-11-22\r\n---\r\n" + "My Plan\r\n"
    )
    assert render_note("# {{title}}\n", CTX) == "# My Plan\n"
    assert render_note("no variables", CTX) == "no variables"
    unclosed = "---\ntitle: {{title}}\n"  # no closing fence: all body text, rendered as text
    assert render_note(unclosed, CTX) == "---\ntitle: My Plan\n"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("2026-11-22", "2026-11-22"),
        ("2026-11-22T10:30:00", "2026-11-22T10:30:00"),
        ("2026-02-30", '"2026-02-30"'),
        ("Plan", "Plan"),
        ("12:30", '"12:30"'),
        ("", '""'),
    ],
)
def test_format_rendered_value(value: str, written: str) -> None:
    assert format_rendered_value(value) == written


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Staff Engineer 2027", "Staff Engineer 2027"),
        ("Q3: ship it", "Q3 - ship it"),
        ("a*b?c<d>e|f", "a-b-c-d-e-f"),
        ('say "hi"', "say -hi-"),
        ("#tag ^block [[x]]", "-tag -block --x--"),
        ("  lots   of\tspace  ", "lots of space"),
        (".hidden", "hidden"),
        ("trailing dots...", "trailing dots"),
        ("CON", "CON_"),
        ("nul.txt", "nul.txt_"),
        ("x" * 200, "x" * 120),
        ("Café – naïve 🚀", "Café – naïve 🚀"),
        ("Growth.md", "Growth"),
        ("Growth.MD.md", "Growth.MD"),
    ],
)
def test_safe_note_name(title: str, name: str) -> None:
    assert safe_note_name(title) == name


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("..", "outside"),
        ("../escape", "outside"),
        ("a/../b", "outside"),
        ("./x", "outside"),
        ("a/b", "contains '/'"),
        ("/etc/passwd", "looks like a path"),
        ("a\\b", "looks like a path"),
        ("C:\\Windows", "looks like a path"),
        ("..\\..\\x", "looks like a path"),
        ("...", "no usable characters"),
        ("???", "no usable characters"),
    ],
)
def test_unsafe_titles_are_refused(title: str, message: str) -> None:
    with pytest.raises(UnsafePathError, match=message):
        safe_note_name(title)


def test_folders_only_when_allowed() -> None:
    assert safe_note_name("2026/11/2026-11-22", allow_folders=True) == "2026/11/2026-11-22"
    assert safe_note_name("2026/W47: review", allow_folders=True) == "2026/W47 - review"
    for bad in ("2026/../x", "/2026/x", "2026//x", "2026\\x"):
        with pytest.raises(UnsafePathError):
            safe_note_name(bad, allow_folders=True)


@given(st.text(max_size=60))
def test_safe_names_stay_in_their_folder(title: str) -> None:
    try:
        name = safe_note_name(title)
    except UnsafePathError:
        return
    assert "/" not in name and "\\" not in name
    assert not name.startswith(".")
    assert name == name.strip() and name
    assert len(name) <= 121
    root = Path("/vault/Plans")
    assert ensure_inside(root, Path(name + ".md")).parent == root


def test_a_date_beyond_the_calendar_leaves_the_variable() -> None:
    ctx = TemplateContext("x", dt.datetime(9999, 12, 31), week=US_WEEK)
    assert render_text("{{date:gggg}} {{date+1d}} {{date:YYYY}}", ctx) == "{{date:gggg}} {{date+1d}} 9999"
