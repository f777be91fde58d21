"""The Notion API emulator, driven by the real notion-client over HTTP: shapes, limits, pacing and faults."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from notion_client import APIResponseError, Client
from notion_client.errors import UnknownHTTPResponseError
from notion_client.helpers import collect_paginated_api

from tests.notion_emulator import Fault, NotionEmulator, RateLimit
from tests.notion_emulator.errors import NotionError
from tests.notion_emulator.validate import CODE_LANGUAGES, check_rich_text_item, utf16_len


def text(content: str, link: str | None = None, **annotations: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "text", "text": {"content": content}}
    if link is not None:
        item["text"]["link"] = {"url": link}
    if annotations:
        item["annotations"] = annotations
    return item


def para(content: str, children: list[Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "paragraph", "paragraph": {"rich_text": [text(content)]}}
    if children is not None:
        block["paragraph"]["children"] = children
    return block


def bullet(content: str, children: list[Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "bulleted_list_item",
        "bulleted_list_item": {"rich_text": [text(content)]},
    }
    if children is not None:
        block["bulleted_list_item"]["children"] = children
    return block


def setup_plans(client: Client, parent: str) -> tuple[str, str]:
    """A Plans database and a Milestones database whose Plan property relates to Plans; their data sources."""
    plans = client.databases.create(
        parent={"type": "page_id", "page_id": parent},
        title=[text("Plans")],
        initial_data_source={
            "properties": {
                "Name": {"title": {}},
                "Key": {"rich_text": {}},
                "Status": {"select": {"options": [{"name": "Active"}]}},
                "Progress": {"number": {"format": "percent"}},
                "Tags": {"multi_select": {}},
            }
        },
    )
    plans_ds = plans["data_sources"][0]["id"]
    milestones = client.databases.create(
        parent={"page_id": parent},
        title=[text("Milestones")],
        initial_data_source={
            "properties": {
                "Name": {"title": {}},
                "Due": {"date": {}},
                "Plan": {"relation": {"data_source_id": plans_ds, "single_property": {}}},
            }
        },
    )
    return plans_ds, milestones["data_sources"][0]["id"]


def new_plan(client: Client, plans_ds: str, name: str, key: str = "", **props: Any) -> dict[str, Any]:
    properties = {"Name": {"title": [text(name)]}, "Key": {"rich_text": [text(key or name.lower())]}, **props}
    page: dict[str, Any] = client.pages.create(parent={"data_source_id": plans_ds}, properties=properties)
    return page


def rejected(call: Callable[[], Any]) -> APIResponseError:
    with pytest.raises(APIResponseError) as caught:
        call()
    return caught.value


# ----- shapes and the workspace ----------------------------------------------------------------------------
def test_databases_with_a_relation_and_pages_that_use_it(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    client = emu.client()
    parent = emu.add_page("PDP")
    plans_ds, milestones_ds = setup_plans(client, parent)
    schema = client.data_sources.retrieve(milestones_ds)["properties"]
    assert schema["Plan"]["relation"]["data_source_id"] == plans_ds
    assert schema["Plan"]["type"] == "relation" and schema["Name"]["id"] == "title"
    assert client.data_sources.retrieve(plans_ds)["properties"]["Progress"]["number"] == {"format": "percent"}

    plan = new_plan(
        client, plans_ds, "Learn Rust", Progress={"number": 0.44}, Tags={"multi_select": [{"name": "x"}]}
    )
    milestone = client.pages.create(
        parent={"data_source_id": milestones_ds},
        properties={
            "Name": {"title": [text("Ch. 1")]},
            "Due": {"date": {"start": "2026-03-31"}},
            "Plan": {"relation": [{"id": plan["id"]}]},
        },
    )
    read = client.pages.retrieve(milestone["id"])
    assert read["parent"] == {
        "type": "data_source_id",
        "data_source_id": milestones_ds,
        "database_id": read["parent"]["database_id"],
    }
    assert read["properties"]["Plan"]["relation"] == [{"id": plan["id"]}]
    assert read["properties"]["Due"]["date"] == {"start": "2026-03-31", "end": None, "time_zone": None}
    assert read["in_trash"] is False and read["object"] == "page"
    title = read["properties"]["Name"]["title"][0]
    assert title["plain_text"] == "Ch. 1" and title["href"] is None
    assert title["annotations"] == {
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "code": False,
        "color": "default",
    }
    plan_read = client.pages.retrieve(plan["id"])["properties"]
    assert plan_read["Progress"]["number"] == 0.44
    assert [o["name"] for o in plan_read["Tags"]["multi_select"]] == ["x"]
    # relations must point at a page of the related data source
    error = rejected(
        lambda: client.pages.create(
            parent={"data_source_id": milestones_ds},
            properties={"Name": {"title": [text("M")]}, "Plan": {"relation": [{"id": milestone["id"]}]}},
        )
    )
    assert error.status == 400 and "body.properties.Plan.relation[0].id" in str(error)
    # the databases show up as child_database blocks of the parent page, and in search
    assert [block["type"] for block in emu.tree(parent)] == ["child_database", "child_database"]
    found = client.search(query="mile", filter={"property": "object", "value": "data_source"})["results"]
    assert [source["id"] for source in found] == [milestones_ds]
    pages = client.search(query="learn", filter={"property": "object", "value": "page"})["results"]
    assert [found["id"] for found in pages] == [plan["id"]]
    database = client.databases.retrieve(read["parent"]["database_id"])
    assert database["data_sources"] == [{"id": milestones_ds, "name": "Milestones"}]


def test_a_database_parent_resolves_to_its_first_data_source(notion_emulator: NotionEmulator) -> None:
    client = notion_emulator.client()
    plans_ds, _ = setup_plans(client, notion_emulator.add_page("PDP"))
    database_id = client.data_sources.retrieve(plans_ds)["parent"]["database_id"]
    page = client.pages.create(
        parent={"database_id": database_id}, properties={"Name": {"title": [text("P")]}}
    )
    assert page["parent"]["data_source_id"] == plans_ds
    assert [p["id"] for p in notion_emulator.pages(plans_ds)] == [page["id"]]


def test_query_filters_and_paginates_in_small_pages(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    client = emu.client()
    plans_ds, _ = setup_plans(client, emu.add_page("PDP"))
    for i in range(7):
        new_plan(
            client,
            plans_ds,
            f"Plan {i}",
            key=f"k{i}",
            Status={"select": {"name": "Done" if i % 2 else "Active"}},
        )
    emu.reset_log()
    everything = collect_paginated_api(client.data_sources.query, data_source_id=plans_ds)
    assert [p["properties"]["Name"]["title"][0]["plain_text"] for p in everything] == [
        f"Plan {i}" for i in range(7)
    ]
    assert len(emu.requests) == 3  # 3 + 3 + 1
    assert emu.writes() == []

    def names(filter_: dict[str, Any]) -> list[str]:
        pages = collect_paginated_api(client.data_sources.query, data_source_id=plans_ds, filter=filter_)
        return [p["properties"]["Name"]["title"][0]["plain_text"] for p in pages]

    assert names({"property": "Key", "rich_text": {"equals": "k3"}}) == ["Plan 3"]
    assert names({"property": "Name", "title": {"contains": "n 5"}}) == ["Plan 5"]
    assert names({"property": "Status", "select": {"equals": "Done"}}) == ["Plan 1", "Plan 3", "Plan 5"]
    assert names(
        {
            "or": [
                {"property": "Key", "rich_text": {"equals": "k0"}},
                {"property": "Key", "rich_text": {"equals": "k6"}},
            ]
        }
    ) == ["Plan 0", "Plan 6"]
    assert (
        names(
            {
                "and": [
                    {"property": "Status", "select": {"equals": "Done"}},
                    {"property": "Key", "rich_text": {"equals": "k0"}},
                ]
            }
        )
        == []
    )
    newest = client.data_sources.query(
        plans_ds, sorts=[{"property": "Key", "direction": "descending"}], page_size=2
    )
    assert [p["properties"]["Key"]["rich_text"][0]["plain_text"] for p in newest["results"]] == ["k6", "k5"]
    assert newest["has_more"] is True and newest["next_cursor"] is not None
    error = rejected(
        lambda: client.data_sources.query(plans_ds, filter={"property": "Nope", "rich_text": {"equals": ""}})
    )
    assert error.code == "validation_error" and "Nope" in str(error)


def test_page_updates_new_select_options_and_trash(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    client = emu.client()
    plans_ds, _ = setup_plans(client, emu.add_page("PDP"))
    page = new_plan(client, plans_ds, "A")
    updated = client.pages.update(
        page["id"], properties={"Status": {"select": {"name": "Paused"}}, "Progress": {"number": 1}}
    )
    assert updated["properties"]["Status"]["select"]["name"] == "Paused"
    options = client.data_sources.retrieve(plans_ds)["properties"]["Status"]["select"]["options"]
    assert [o["name"] for o in options] == ["Active", "Paused"]
    error = rejected(
        lambda: client.pages.update(page["id"], properties={"Status": {"select": {"name": "a,b"}}})
    )
    assert error.code == "validation_error" and "commas" in str(error)

    client.pages.update(page["id"], in_trash=True)
    assert emu.pages(plans_ds) == [] and len(emu.pages(plans_ds, include_trashed=True)) == 1
    assert client.data_sources.query(plans_ds)["results"] == []
    assert client.pages.retrieve(page["id"])["in_trash"] is True
    error = rejected(lambda: client.pages.update(page["id"], properties={"Progress": {"number": 0.5}}))
    assert error.code == "validation_error" and "archived" in str(error)
    restored = client.pages.update(page["id"], archived=False)  # the deprecated alias still works
    assert restored["in_trash"] is False and len(emu.pages(plans_ds)) == 1


def test_data_source_properties_are_added_renamed_and_removed(notion_emulator: NotionEmulator) -> None:
    client = notion_emulator.client()
    plans_ds, _ = setup_plans(client, notion_emulator.add_page("PDP"))
    page = new_plan(client, plans_ds, "A", key="a-key")
    schema = client.data_sources.update(
        plans_ds, properties={"Key": {"name": "Sync id"}, "Tags": None, "Done": {"checkbox": {}}}
    )["properties"]
    assert sorted(schema) == ["Done", "Name", "Progress", "Status", "Sync id"]
    values = client.pages.retrieve(page["id"])["properties"]
    assert values["Sync id"]["rich_text"][0]["plain_text"] == "a-key"
    assert values["Done"]["checkbox"] is False and "Tags" not in values


# ----- blocks ----------------------------------------------------------------------------------------------
def test_blocks_are_appended_listed_updated_and_trashed(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    client = emu.client()
    page = client.pages.create(
        parent={"page_id": emu.add_page("PDP")}, properties={"title": {"title": [text("Body")]}}
    )
    created = client.blocks.children.append(page["id"], children=[para("one"), para("four")])["results"]
    assert [b["paragraph"]["rich_text"][0]["plain_text"] for b in created] == ["one", "four"]
    one, four = (b["id"] for b in created)
    client.blocks.children.append(
        page["id"], children=[para("two")], position={"type": "after_block", "after_block": {"id": one}}
    )
    two = emu.tree(page["id"])[1]["id"]
    client.blocks.children.append(page["id"], children=[para("three")], after=two)
    client.blocks.children.append(page["id"], children=[para("zero")], position={"type": "start"})
    client.blocks.children.append(page["id"], children=[bullet("five", [bullet("5.1", [bullet("5.1.1")])])])

    listed = collect_paginated_api(client.blocks.children.list, block_id=page["id"])
    assert [b[b["type"]]["rich_text"][0]["plain_text"] for b in listed] == [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
    ]
    assert [b["has_children"] for b in listed] == [False] * 5 + [True]
    deep = emu.tree(page["id"])[5]["children"][0]["children"][0]
    assert deep["bulleted_list_item"]["rich_text"][0]["plain_text"] == "5.1.1"

    todo = client.blocks.children.append(
        page["id"], children=[{"type": "to_do", "to_do": {"rich_text": [text("task", bold=True)]}}]
    )["results"][0]
    assert todo["to_do"]["checked"] is False
    ticked = client.blocks.update(todo["id"], to_do={"checked": True})
    assert ticked["to_do"]["checked"] is True
    assert ticked["to_do"]["rich_text"][0]["annotations"]["bold"] is True  # omitted fields keep their value
    error = rejected(lambda: client.blocks.update(todo["id"], paragraph={"rich_text": []}))
    assert "body.paragraph" in str(error)
    error = rejected(lambda: client.blocks.update(todo["id"], type="paragraph"))
    assert "body.type" in str(error)
    error = rejected(lambda: client.blocks.update(todo["id"], to_do={"children": [para("x")]}))
    assert "body.to_do.children should be not present" in str(error)

    client.blocks.delete(four)
    assert client.blocks.retrieve(four)["in_trash"] is True
    assert four not in [b["id"] for b in emu.tree(page["id"])]
    error = rejected(lambda: client.blocks.update(four, paragraph={"rich_text": [text("again")]}))
    assert error.code == "validation_error" and "archived" in str(error)
    error = rejected(lambda: client.blocks.children.append(page["id"], children=[para("x")], after=four))
    assert error.code == "validation_error"


def test_children_lists_come_in_small_pages(notion_emulator: NotionEmulator) -> None:
    client = notion_emulator.client()
    parent = notion_emulator.add_page("PDP")
    client.blocks.children.append(parent, children=[para(str(i)) for i in range(8)])
    first = client.blocks.children.list(parent, page_size=50)
    assert len(first["results"]) == 3 and first["has_more"] is True
    rest = client.blocks.children.list(parent, start_cursor=first["next_cursor"])
    assert [b["paragraph"]["rich_text"][0]["plain_text"] for b in rest["results"]] == ["3", "4", "5"]
    error = rejected(lambda: client.blocks.children.list(parent, page_size=101))
    assert error.code == "validation_error" and "query.page_size" in str(error)


def test_a_table_keeps_its_width(notion_emulator: NotionEmulator) -> None:
    client = notion_emulator.client()
    parent = notion_emulator.add_page("PDP")
    row = {"type": "table_row", "table_row": {"cells": [[text("a")], [text("b")]]}}
    table = {"type": "table", "table": {"table_width": 2, "has_column_header": True, "children": [row, row]}}
    created = client.blocks.children.append(parent, children=[table])["results"][0]
    rows = notion_emulator.tree(parent)[0]["children"]
    assert [r["table_row"]["cells"][1][0]["plain_text"] for r in rows] == ["b", "b"]
    short = {"type": "table_row", "table_row": {"cells": [[text("a")]]}}
    error = rejected(lambda: client.blocks.children.append(created["id"], children=[short]))
    assert "cells.length" in str(error) or "table_width" in str(error)
    error = rejected(lambda: client.blocks.update(created["id"], table={"table_width": 3}))
    assert "body.table.table_width" in str(error)


# ----- limits ----------------------------------------------------------------------------------------------
def _nested(levels: int) -> dict[str, Any]:
    block = bullet(f"level {levels}")
    for level in range(levels - 1, 0, -1):
        block = bullet(f"level {level}", [block])
    return block


LIMITS: dict[str, tuple[dict[str, Any], str]] = {
    "101 children": (
        {"children": [para(str(i)) for i in range(101)]},
        "body failed validation: body.children.length should be ≤ `100`, instead was `101`.",
    ),
    "1001 blocks": (
        {"children": [para(str(i), [para("c") for _ in range(90)]) for i in range(11)]},
        "body.children should contain at most `1000` blocks in one request, instead was `1001`.",
    ),
    "2001 units of emoji": (
        {"children": [para("😀" * 1001)]},
        "body.children[0].paragraph.rich_text[0].text.content.length should be ≤ `2000`, instead was `2002`.",
    ),
    "depth-3 children": (
        {"children": [_nested(4)]},
        "body.children[0].bulleted_list_item.children[0].bulleted_list_item.children[0]"
        ".bulleted_list_item.children should be not present, instead was `[...]`.",
    ),
    "101 rich text items": (
        {"children": [{"type": "paragraph", "paragraph": {"rich_text": [text("x")] * 101}}]},
        "body.children[0].paragraph.rich_text.length should be ≤ `100`, instead was `101`.",
    ),
    "bad code language": (
        {"children": [{"type": "code", "code": {"rich_text": [text("x")], "language": "py"}}]},
        "body.children[0].code.language should be one of",
    ),
    "non-http link": (
        {
            "children": [
                {"type": "paragraph", "paragraph": {"rich_text": [text("z", link="zotero://select/items/1")]}}
            ]
        },
        "Invalid URL for link: body.children[0].paragraph.rich_text[0].text.link.url",
    ),
    "non-http image": (
        {
            "children": [
                {"type": "image", "image": {"type": "external", "external": {"url": "file:///a.png"}}}
            ]
        },
        "Invalid URL: body.children[0].image.external.url",
    ),
    "long equation": (
        {"children": [{"type": "equation", "equation": {"expression": "x" * 1001}}]},
        "body.children[0].equation.expression.length should be ≤ `1000`, instead was `1001`.",
    ),
    "unknown block type": (
        {"children": [{"type": "column_list", "column_list": {}}]},
        "body.children[0].type should be a supported block type, instead was `column_list`.",
    ),
    "body over 500 KB": (
        {"children": [{"type": "paragraph", "paragraph": {"rich_text": [text("é" * 1999)] * 100}}] * 2},
        "body size should be ≤ `500000` bytes",
    ),
}


@pytest.mark.parametrize("case", sorted(LIMITS))
def test_each_limit_is_rejected_naming_the_path(notion_emulator: NotionEmulator, case: str) -> None:
    client = notion_emulator.client()
    parent = notion_emulator.add_page("PDP")
    body, message = LIMITS[case]
    error = rejected(lambda: client.blocks.children.append(parent, **body))
    assert (error.status, error.code) == (400, "validation_error")
    assert message in str(error), str(error)
    assert notion_emulator.tree(parent) == []  # nothing of a rejected request is kept
    assert notion_emulator.requests[-1].status == 400


def test_just_within_the_limits_is_accepted(notion_emulator: NotionEmulator) -> None:
    client = notion_emulator.client()
    parent = notion_emulator.add_page("PDP")
    client.blocks.children.append(
        parent, children=[para(str(i), [para("c") for _ in range(99)]) for i in range(10)]
    )
    client.blocks.children.append(parent, children=[para("😀" * 1000), _nested(3)])
    client.blocks.children.append(
        parent,
        children=[
            {"type": "code", "code": {"rich_text": [text("x")], "language": language}}
            for language in ("plain text", "python")
        ],
    )
    assert len(notion_emulator.tree(parent)) == 14
    assert "java/c/c++/c#" in CODE_LANGUAGES and "mailto" not in CODE_LANGUAGES


@given(st.text(alphabet=st.sampled_from(["a", "é", "😀", "𝔸", "中"]), max_size=1100))
def test_text_length_is_counted_in_utf16_units(content: str) -> None:
    item = text(content * 2)
    units = len((content * 2).encode("utf-16-le")) // 2
    assert utf16_len(content * 2) == units
    if units <= 2000:
        check_rich_text_item(item, "rt")
    else:
        with pytest.raises(
            NotionError, match=f"rt.text.content.length should be ≤ `2000`, instead was `{units}`"
        ):
            check_rich_text_item(item, "rt")


PROPERTY_ERRORS: dict[str, tuple[dict[str, Any], str]] = {
    "wrong type": (
        {"Progress": {"rich_text": [text("44%")]}},
        "body.properties.Progress.number should be defined",
    ),
    "unknown property": ({"Owner": {"rich_text": []}}, "Owner is not a property that exists."),
    "number as text": ({"Progress": {"number": "44%"}}, "body.properties.Progress.number should be a number"),
    "bad date": (
        {"Due": {"date": {"start": "31/03/2026"}}},
        "body.properties.Due.date.start should be an ISO 8601 date",
    ),
    "missing title": ({"Key": {"rich_text": []}}, "body.properties.Name.title should be defined"),
}


@pytest.mark.parametrize("case", sorted(PROPERTY_ERRORS))
def test_property_values_are_checked_against_the_schema(notion_emulator: NotionEmulator, case: str) -> None:
    client = notion_emulator.client()
    plans_ds, _ = setup_plans(client, notion_emulator.add_page("PDP"))
    client.data_sources.update(plans_ds, properties={"Due": {"date": {}}})
    properties, message = PROPERTY_ERRORS[case]
    if case != "missing title":
        properties = {"Name": {"title": [text("A")]}, **properties}
    error = rejected(lambda: client.pages.create(parent={"data_source_id": plans_ds}, properties=properties))
    assert (error.status, error.code) == (400, "validation_error")
    assert message in str(error)
    assert notion_emulator.pages(plans_ds) == []


# ----- protocol errors -------------------------------------------------------------------------------------
def test_protocol_errors_have_notions_codes(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    with httpx.Client(base_url=emu.base_url, trust_env=False) as http:
        auth = {"Authorization": f"Bearer {emu.token}"}
        missing = http.get("/v1/users/me", headers=auth)
        assert missing.status_code == 400 and missing.json()["code"] == "missing_version"
        headers = auth | {"Notion-Version": "2025-09-03"}
        broken = http.post("/v1/pages", content=b"{not json", headers=headers)
        assert broken.status_code == 400 and broken.json()["code"] == "invalid_json"
        nan = http.patch("/v1/blocks/x/children", content=b'{"children": NaN}', headers=headers)
        assert nan.json()["code"] == "invalid_json"
        unknown = http.get("/v1/comments", headers=headers)
        assert unknown.json()["code"] == "invalid_request_url"
        body = missing.json()
        assert (
            set(body) == {"object", "status", "code", "message", "request_id"} and body["object"] == "error"
        )
    error = rejected(lambda: emu.client(auth="not-the-token").users.me())
    assert (error.status, error.code) == (401, "unauthorized")
    client = emu.client()
    error = rejected(lambda: client.pages.retrieve("9b3b0c77-0b4a-4e2c-8a9d-6c7e44fd0a11"))
    assert (error.status, error.code) == (404, "object_not_found")
    private = emu.add_page("Private", shared=False)
    error = rejected(lambda: client.blocks.children.append(private.replace("-", ""), children=[para("x")]))
    assert (error.status, error.code) == (404, "object_not_found") and "shared with your integration" in str(
        error
    )
    error = rejected(lambda: emu.client(notion_version="2022-06-28").users.me())
    assert error.code == "validation_error" and "2025-09-03" in str(error)
    error = rejected(lambda: client.blocks.retrieve("not-an-id"))
    assert error.code == "validation_error" and "path.block_id should be a valid uuid" in str(error)
    assert [entry.status for entry in emu.requests] == [400, 400, 400, 400, 401, 404, 404, 400, 400]


def test_every_request_is_recorded_and_writes_are_told_apart(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    client = emu.client()
    plans_ds, _ = setup_plans(client, emu.add_page("PDP"))
    page = new_plan(client, plans_ds, "A")
    client.data_sources.query(plans_ds)
    client.search(query="A")
    client.blocks.children.append(page["id"], children=[para("x")])
    client.blocks.children.list(page["id"])
    assert [(r.method, r.path.split("/")[2]) for r in emu.requests] == [
        ("POST", "databases"),
        ("POST", "databases"),
        ("POST", "pages"),
        ("POST", "data_sources"),
        ("POST", "search"),
        ("PATCH", "blocks"),
        ("GET", "blocks"),
    ]
    assert [r.method for r in emu.writes()] == ["POST", "POST", "POST", "PATCH"]
    assert emu.writes()[-1].body == {"children": [para("x")]}
    emu.reset_log()
    assert emu.requests == []


# ----- pacing and faults -----------------------------------------------------------------------------------
def test_rate_limit_answers_429_with_retry_after_and_the_sdk_waits(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    client = emu.client()
    emu.rate_limit = RateLimit(per_second=1.5, burst=2)
    started = time.monotonic()
    for _ in range(3):
        client.users.me()
    elapsed = time.monotonic() - started
    assert [r.status for r in emu.requests] == [200, 200, 429, 200]
    assert 0.9 <= elapsed < 2.5
    with httpx.Client(base_url=emu.base_url, trust_env=False) as http:
        limited = http.get(
            "/v1/users/me", headers={"Authorization": f"Bearer {emu.token}", "Notion-Version": "2025-09-03"}
        )
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    assert limited.json()["code"] == "rate_limited" and limited.json()["additional_data"] == {
        "retry_after": 1
    }


def test_saved_then_503_applies_the_write_and_says_so(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    client = emu.client()
    parent = emu.add_page("PDP")
    emu.faults.add(Fault(status=503, times=1, match="PATCH /v1/blocks/*/children", committed=True))
    error = rejected(lambda: client.blocks.children.append(parent, children=[para("saved")]))
    assert (error.status, error.code) == (503, "service_unavailable")
    assert (
        error.additional_data is not None and error.additional_data["retry_guidance"] == "read_before_retry"
    )
    assert [b["paragraph"]["rich_text"][0]["plain_text"] for b in emu.tree(parent)] == ["saved"]
    assert error.additional_data["committed_resource_id"] == emu.tree(parent)[0]["id"]
    emu.faults.add(Fault(status=500, match="PATCH /v1/blocks/*/children"))
    error = rejected(lambda: client.blocks.children.append(parent, children=[para("lost")]))
    assert error.status == 500 and len(emu.tree(parent)) == 1  # not committed: nothing applied
    assert [f.fault.status for f in emu.faults.fired] == [503, 500]


def test_429_faults_are_retried_by_the_sdk(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    emu.faults.add(Fault(status=429, retry_after=0, times=2))
    assert emu.client().users.me()["type"] == "bot"
    assert [r.status for r in emu.requests] == [429, 429, 200]


def test_dropped_connections_before_and_after_applying(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    client = emu.client()
    plans_ds, _ = setup_plans(client, emu.add_page("PDP"))
    emu.faults.add(Fault(kind="drop", match="POST /v1/pages", committed=True))
    with pytest.raises(httpx.TransportError):
        new_plan(client, plans_ds, "Kept")
    emu.faults.add(Fault(kind="drop", match="POST /v1/pages"))
    with pytest.raises(httpx.TransportError):
        new_plan(client, plans_ds, "Lost")
    assert [p["properties"]["Name"]["title"][0]["plain_text"] for p in emu.pages(plans_ds)] == ["Kept"]
    assert [r.status for r in emu.requests[-2:]] == [None, None]
    assert new_plan(client, plans_ds, "After")["object"] == "page"  # the client recovers on a new connection


def test_slow_answers_and_html_bad_gateways(notion_emulator: NotionEmulator) -> None:
    emu = notion_emulator
    client = emu.client(retry=False)
    emu.faults.add(Fault(kind="slow", delay=0.3, times=1))
    started = time.monotonic()
    client.users.me()
    assert time.monotonic() - started >= 0.3
    emu.faults.add(Fault(status=502, html=True))
    with pytest.raises(UnknownHTTPResponseError) as caught:
        client.users.me()
    assert caught.value.status == 502 and "<html>" in caught.value.body
    for status, code in ((502, "bad_gateway"), (504, "gateway_timeout"), (529, "service_overload")):
        emu.faults.add(Fault(status=status))
        with pytest.raises(UnknownHTTPResponseError if status != 504 else APIResponseError) as failure:
            client.users.me()
        assert failure.value.status == status and f'"code": "{code}"' in failure.value.body


def test_random_faults_are_reproducible_and_commit_some_writes() -> None:
    outcomes = []
    for _ in range(2):
        with NotionEmulator() as emu:
            client = emu.client(retry=False)
            parent = emu.add_page("PDP")
            emu.faults.random(ratio=0.3, seed=7, committed_share=0.5)
            for i in range(30):
                with contextlib.suppress(APIResponseError, UnknownHTTPResponseError):
                    client.blocks.children.append(parent, children=[para(str(i))])
            outcomes.append(([r.status for r in emu.requests], len(emu.tree(parent))))
    statuses, kept = outcomes[0]
    assert outcomes[0] == outcomes[1]
    failed = sum(status != 200 for status in statuses)
    assert 3 <= failed <= 18
    assert 30 - failed < kept < 30  # some failing writes were committed, some were not


def test_stopping_leaves_no_threads() -> None:
    before = set(threading.enumerate())
    with NotionEmulator() as emu, httpx.Client(base_url=emu.base_url, trust_env=False) as outside:
        outside.get("/v1/users/me")  # a keep-alive connection the emulator did not open
        for client in (emu.client(), emu.client()):
            client.users.me()
        assert len(threading.enumerate()) > len(before)
        emu.stop()
    assert set(threading.enumerate()) <= before
