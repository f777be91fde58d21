"""The `[notion]` settings, the token, Notion ids and the database schemas (pure parts of the sync)."""

from __future__ import annotations

import pytest

from vaultkit.config import Config
from vaultkit.errors import VaultError
from vaultkit.notion.schema import check_schema, creation_properties, fields_for, parse_notion_id
from vaultkit.notion.settings import DEFAULT_BASE_URL, notion_settings, notion_token

ID = "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"


@pytest.mark.parametrize(
    "text",
    [
        ID,
        ID.replace("-", ""),
        ID.replace("-", "").upper(),
        f"https://www.notion.so/acme/My-Plan-{ID.replace('-', '')}?pvs=4",
        f"https://www.notion.so/{ID.replace('-', '')}#heading",
        f"  {ID}  ",
    ],
)
def test_notion_ids_are_read_from_ids_and_urls(text: str) -> None:
    assert parse_notion_id(text) == ID


@pytest.mark.parametrize("text", ["", "plans", "1a2b3c", "https://www.notion.so/acme/My-Plan"])
def test_text_without_an_id_gives_none(text: str) -> None:
    assert parse_notion_id(text) is None


def test_settings_default_and_environment_override() -> None:
    assert notion_settings(Config(), {}).base_url == DEFAULT_BASE_URL
    config = Config(raw={"notion": {"plans": ID.replace("-", ""), "base_url": "https://x.test/"}})
    settings = notion_settings(config, {"VAULTKIT_NOTION_BASE_URL": "http://127.0.0.1:9"})
    assert settings.databases == {"plans": ID}
    assert settings.base_url == "http://127.0.0.1:9"
    assert notion_settings(config, {}).base_url == "https://x.test"
    assert settings.name("progress") == "Progress"


@pytest.mark.parametrize(
    ("notion", "words"),
    [
        ({"plan": ID}, "unknown keys ['plan']"),
        ({"plans": "nope"}, "plans = 'nope' is not a Notion database id"),
        ({"base_url": "ftp://x"}, "must be an http(s) URL"),
        ({"deleted": "drop"}, 'must be "trash" or "keep"'),
        ({"rate": 0}, "must be a positive number"),
        ({"properties": {"colour": "X"}}, "'colour' is not a field vaultkit writes"),
        ({"properties": {"progress": ""}}, "progress must name a property"),
    ],
)
def test_bad_settings_say_what_to_write(notion: dict[str, object], words: str) -> None:
    with pytest.raises(VaultError, match=None) as caught:
        notion_settings(Config(raw={"notion": notion}), {})
    assert words in str(caught.value)


def test_token_only_from_the_environment() -> None:
    assert notion_token({"NOTION_TOKEN": " secret_abc "}) == "secret_abc"
    with pytest.raises(VaultError, match="NOTION_TOKEN is not set"):
        notion_token({})


def test_creation_schema_for_milestones() -> None:
    props = creation_properties("milestones", {"progress": "Done"}, "ds-plans")
    assert props == {
        "Name": {"title": {}},
        "Status": {"select": {"options": []}},
        "Done": {"number": {"format": "percent"}},
        "Tasks done": {"number": {"format": "number"}},
        "Tasks total": {"number": {"format": "number"}},
        "Tags": {"multi_select": {}},
        "Due": {"date": {}},
        "Plan": {"relation": {"data_source_id": "ds-plans", "single_property": {}}},
        "Path": {"rich_text": {}},
        "vaultkit id": {"rich_text": {}},
    }
    assert [f.key for f in fields_for("plans")] == [
        "name", "status", "progress", "tasks_done", "tasks_total", "tags", "path", "id"
    ]


def _schema(kind: str) -> dict[str, object]:
    return {
        name: {"id": name, "name": name, "type": next(iter(value)), **value}
        for name, value in creation_properties(kind, {}, "ds-plans").items()
    }


def test_check_schema_names_each_problem() -> None:
    assert check_schema("journals", {}, _schema("journals"), "ds-plans") == []
    schema = _schema("milestones")
    del schema["Due"]
    schema["Progress"] = {"type": "rich_text", "rich_text": {}}
    schema["Title"] = schema.pop("Name")
    schema["Plan"] = {"type": "relation", "relation": {"data_source_id": "elsewhere"}}
    assert check_schema("milestones", {}, schema, "ds-plans") == [
        'property "Name" is missing: vaultkit writes the note title there '
        '(its title property is "Title": set [notion.properties] name = "Title")',
        'property "Progress" is a text property; vaultkit needs a number property there',
        'property "Due" is missing: add a date property named "Due"',
        'property "Plan" relates to another database; it must relate to the plans database',
    ]
