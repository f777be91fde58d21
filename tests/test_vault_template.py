"""vault_template/: Obsidian settings that parse and agree with each other, templates that are valid YAML
as they are and render to clean notes, a dashboard with every managed block, Bases views over properties
vaultkit writes, and a packaging list that ships every folder."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from vaultkit import Note
from vaultkit.scaffold.presets import LEVELS
from vaultkit.scaffold.starter import starter_notes
from vaultkit.scaffold.templates import TemplateContext, render_note

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "vault_template"
OBSIDIAN = TEMPLATE / ".obsidian"
TEMPLATES = sorted((TEMPLATE / "Templates").glob("*.md"))
CTX = TemplateContext("Growth 2027", dt.datetime(2026, 11, 22, 9, 0))

PROPERTIES = {
    "type",
    "status",
    "plan",
    "due",
    "level",
    "target_level",
    "role",
    "owner",
    "created",
    "date",
    "week",
    "tasks_done",
    "tasks_total",
    "progress",
    "milestones_done",
    "milestones_total",
    "completed",
    "tags",
}


def read_json(name: str) -> dict[str, object]:
    data = json.loads((OBSIDIAN / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_obsidian_settings_parse_and_never_include_ui_state() -> None:
    names = sorted(p.name for p in OBSIDIAN.iterdir())
    assert names == ["app.json", "core-plugins.json", "daily-notes.json", "templates.json", "types.json"]
    assert not list(TEMPLATE.rglob("workspace*.json"))
    for name in names:
        read_json(name)


def test_core_plugins_on() -> None:
    plugins = read_json("core-plugins.json")
    assert all(isinstance(v, bool) for v in plugins.values())
    for plugin in ("templates", "daily-notes", "properties", "bases"):
        assert plugins[plugin] is True, plugin


def test_templates_and_daily_notes_settings_point_at_real_files() -> None:
    templates = read_json("templates.json")
    assert templates == {"folder": "Templates", "dateFormat": "YYYY-MM-DD", "timeFormat": "HH:mm"}
    daily = read_json("daily-notes.json")
    assert daily["folder"] == "Journal/Daily"
    assert daily["format"] == "YYYY-MM-DD"
    assert daily["template"] == "Templates/Daily journal"
    assert (TEMPLATE / f"{daily['template']}.md").is_file()
    for folder in ("Plans", "Milestones", "Journal/Daily", "Journal/Weekly", "Templates", "Bases"):
        assert (TEMPLATE / folder).is_dir(), folder


def test_property_types() -> None:
    types = read_json("types.json")["types"]
    assert isinstance(types, dict)
    for name in ("tasks_done", "tasks_total", "progress", "milestones_done", "milestones_total"):
        assert types[name] == "number", name
    for name in ("due", "date", "completed", "created"):
        assert types[name] == "date", name
    assert types["tags"] == "tags"
    known = {"text", "multitext", "number", "checkbox", "date", "datetime", "tags", "aliases"}
    assert set(types.values()) <= known
    assert set(types) - {"aliases"} == PROPERTIES


EXPECTED_TYPES = {
    "PDP plan.md": "plan",
    "Career ladder.md": "plan",
    "Milestone.md": "milestone",
    "Daily journal.md": "journal",
    "Weekly review.md": "review",
    "Monthly check-in.md": "review",
    "Quarterly review.md": "review",
}


def test_the_seven_templates_exist() -> None:
    assert sorted(p.name for p in TEMPLATES) == sorted(EXPECTED_TYPES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_is_valid_yaml_unrendered(path: Path) -> None:
    note = Note.parse(path.read_text(encoding="utf-8"))
    assert note.errors == []
    assert note.type == EXPECTED_TYPES[path.name]
    assert set(note.properties) <= PROPERTIES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_renders_to_a_clean_note(path: Path) -> None:
    rendered = render_note(path.read_text(encoding="utf-8"), CTX)
    assert "{{" not in rendered
    note = Note.parse(rendered)
    assert note.errors == []
    assert note.warnings == []
    assert note.structure.placeholders == ()
    for key in ("created", "date"):
        if key in note.properties:
            assert note.properties[key] == dt.date(2026, 11, 22), key
    assert all(task.text for task in note.tasks), "a template task without text clutters the dashboard"


def test_weekly_review_names_its_week() -> None:
    rendered = render_note((TEMPLATE / "Templates" / "Weekly review.md").read_text(encoding="utf-8"), CTX)
    note = Note.parse(rendered)
    assert note.properties["week"] == "2026-W47"
    assert "# Week 47, 2026\n" in rendered


def test_daily_journal_heading() -> None:
    rendered = render_note((TEMPLATE / "Templates" / "Daily journal.md").read_text(encoding="utf-8"), CTX)
    assert "\n# Sunday, 22 November 2026\n" in rendered


def h2(text: str) -> list[str]:
    return [h.text for h in Note.parse(text).headings if h.level == 2]


@pytest.mark.parametrize("level", LEVELS)
def test_starter_plan_has_the_template_sections(level: str) -> None:
    template = (TEMPLATE / "Templates" / "PDP plan.md").read_text(encoding="utf-8")
    plan = starter_notes(level, "Data Engineer", dt.date(2026, 11, 22))[0]
    assert h2(plan.text) == h2(template)
    note = Note.parse(plan.text)
    assert set(note.properties) <= PROPERTIES
    assert note.counts.total >= 7


def test_home_is_the_dashboard() -> None:
    text = (TEMPLATE / "Home.md").read_text(encoding="utf-8")
    begins = re.findall(r"<!-- vaultkit:begin ([^>]*?) -->\n<!-- vaultkit:end -->", text)
    assert begins == ["plans", "milestones", "open-tasks", "journal limit=7"]
    assert text.count("<!-- vaultkit:begin") == text.count("<!-- vaultkit:end -->") == 4
    # One view of each kind: the managed tables show progress; the Bases, linked, edit properties.
    assert "[[Plans.base|" in text and "![[Plans.base]]" not in text
    assert "[[Milestones.base|" in text and "![[Milestones.base]]" not in text
    assert "{{" not in text
    assert Note.parse(text).errors == []


@pytest.mark.parametrize("name", ["Plans.base", "Milestones.base"])
def test_bases_show_vaultkit_properties(name: str) -> None:
    base = yaml.safe_load((TEMPLATE / "Bases" / name).read_text(encoding="utf-8"))
    assert set(base) == {"filters", "formulas", "properties", "views"}
    kind = "plan" if name == "Plans.base" else "milestone"
    assert f'type == "{kind}"' in base["filters"]["and"]
    types = read_json("types.json")["types"]
    assert isinstance(types, dict)
    formulas = set(base["formulas"])
    for formula in base["formulas"].values():
        for prop in re.findall(r"\b([a-z_]+)\b(?=[.)\s,])", formula):
            assert prop in types or prop in {"if", "toString"}, f"{name}: {prop} in {formula!r}"
    for key in base["properties"]:
        assert key.startswith(("note.", "file.", "formula.")), key
    assert base["views"]
    for view in base["views"]:
        assert view["type"] == "table"
        assert view["summaries"], f"{name} {view['name']}: no summaries"
        for column in [*view["order"], *view["summaries"]]:
            if column.startswith("formula."):
                assert column.removeprefix("formula.") in formulas
            elif not column.startswith("file."):
                assert column in types, f"{name}: {column} is not a typed property"
    assert "progress" in base["views"][0]["order"]
    assert "due" in base["views"][0]["order"]
    assert "status" in base["views"][0]["order"]


def test_every_template_folder_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"]["vaultkit._template"] == "vault_template"
    folders = {
        "vaultkit._template." + p.relative_to(TEMPLATE).as_posix().replace("/", ".")
        for p in TEMPLATE.rglob("*")
        if p.is_dir() and not any(part.startswith(".") for part in p.relative_to(TEMPLATE).parts)
    }
    assert folders <= set(config["packages"])
    data = config["package-data"]
    assert ".obsidian/*.json" in data["vaultkit._template"]
    suffixes = {p.suffix or p.name for p in TEMPLATE.rglob("*") if p.is_file() and ".obsidian" not in p.parts}
    assert suffixes <= {".md", ".base", ".gitkeep"}
    assert {"*.md", "*.base", ".gitkeep"} <= set(data["*"])
