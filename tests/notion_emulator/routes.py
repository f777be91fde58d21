"""The endpoints beyond pages: databases, data sources and their queries, search, and the block API.

`route()` maps a method and path onto a handler; each handler takes the store, the path ids, the query string
and the JSON body, and returns the response object (or raises `NotionError`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from . import schema as props
from .errors import NotionError, archived, body_validation, validation
from .store import BOT_ID, Store, new_id, normal_id, now
from .validate import block_type, check_block_data, check_page_size, check_rich_text, expect

Handler = Callable[[Store, list[str], dict[str, str], dict[str, Any]], dict[str, Any]]


def me(store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "user",
        "id": BOT_ID,
        "name": "vaultkit emulator",
        "avatar_url": None,
        "type": "bot",
        "bot": {"owner": {"type": "workspace", "workspace": True}, "workspace_name": "Emulated workspace"},
    }


# ----- databases and data sources -------------------------------------------------------------------------
def create_database(
    store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    parent: Any = body.get("parent")
    expect(isinstance(parent, dict) and "page_id" in parent, "body.parent.page_id", "defined", parent)
    page = store.page(str(parent["page_id"]))
    if store.blocks[page["id"]]["in_trash"]:
        raise archived("page")
    title = body.get("title", [])
    check_rich_text(title, "body.title")
    initial = body.get("initial_data_source", {})
    expect(isinstance(initial, dict), "body.initial_data_source", "an object", initial)
    properties = initial.get("properties", {})
    expect(isinstance(properties, dict), "body.initial_data_source.properties", "an object", properties)
    schema = {
        name: props.schema_property(
            name, config, f"body.initial_data_source.properties.{name}", find_data_source=_find_source(store)
        )
        for name, config in properties.items()
    }
    titles = [name for name, prop in schema.items() if prop["type"] == "title"]
    if len(titles) != 1:
        raise validation("Exactly one title property is required in initial_data_source.properties.")
    ref = {"type": "page_id", "page_id": page["id"]}
    block = store.new_block("child_database", ref, page["id"], title=props.plain(title))
    store.blocks[page["id"]]["children"].append(block["id"])
    stamp = now()
    source_id = new_id()
    store.data_sources[source_id] = {
        "id": source_id,
        "database_id": block["id"],
        "title": copy.deepcopy(initial.get("title", title)),
        "properties": schema,
        "created_time": stamp,
        "last_edited_time": stamp,
    }
    store.databases[block["id"]] = {
        "id": block["id"],
        "parent": ref,
        "title": copy.deepcopy(title),
        "data_sources": [source_id],
    }
    return store.render_database(store.databases[block["id"]])


def _find_source(store: Store) -> Callable[[str], dict[str, Any] | None]:
    def find(source_id: str) -> dict[str, Any] | None:
        try:
            return store.data_sources.get(normal_id(source_id, "data_source_id"))
        except NotionError:
            return None

    return find


def get_database(store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    return store.render_database(store.database(ids[0]))


def update_database(
    store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    database = store.database(ids[0])
    if "title" in body:
        check_rich_text(body["title"], "body.title")
        database["title"] = copy.deepcopy(body["title"])
        store.blocks[database["id"]]["title"] = props.plain(body["title"])
    if "in_trash" in body:
        store.blocks[database["id"]]["in_trash"] = bool(body["in_trash"])
    store.blocks[database["id"]]["last_edited_time"] = now()
    return store.render_database(database)


def get_data_source(
    store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    return store.render_data_source(store.data_source(ids[0]))


def update_data_source(
    store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    """Add (`{"New": {"number": {}}}`), rename (`{"Old": {"name": "New"}}`) or remove (`{"Old": null}`)."""
    source = store.data_source(ids[0])
    schema: props.Schema = copy.deepcopy(source["properties"])
    changes = body.get("properties", {})
    expect(isinstance(changes, dict), "body.properties", "an object", changes)
    for key, change in changes.items():
        path = f"body.properties.{key}"
        current = props.find_property(schema, key)
        if change is None:
            if current is None:
                raise validation(f"{key} is not a property that exists.")
            if current["type"] == "title":
                raise validation("Cannot delete the title property.")
            del schema[current["name"]]
            continue
        expect(isinstance(change, dict), path, "an object or `null`", change)
        new_name = change.get("name", current["name"] if current else key)
        expect(isinstance(new_name, str) and new_name != "", f"{path}.name", "a non-empty string", new_name)
        if any(k for k in change if k not in ("name", "type")):
            entry = props.schema_property(
                new_name,
                change,
                path,
                find_data_source=_find_source(store),
                pid=current["id"] if current else None,
            )
            if current is not None and current["type"] == "title" and entry["type"] != "title":
                raise validation("Cannot change the type of the title property.")
        elif current is not None:
            entry = current | {"name": new_name}
        else:
            raise body_validation(f"{path}.type", "defined", "undefined")
        if current is not None:
            del schema[current["name"]]
        schema[new_name] = entry
    if "title" in body:
        check_rich_text(body["title"], "body.title")
        source["title"] = copy.deepcopy(body["title"])
    source["properties"] = schema
    source["last_edited_time"] = now()
    return store.render_data_source(source)


def query_data_source(
    store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    source = store.data_source(ids[0])
    page_size = check_page_size(body["page_size"], "body.page_size") if "page_size" in body else None
    want_trash = body.get("in_trash", body.get("archived")) is True
    pages = [
        page
        for page in store.pages.values()
        if page["parent"].get("data_source_id") == source["id"]
        and store.blocks[page["id"]]["in_trash"] == want_trash
    ]
    if body.get("filter") is not None:
        pages = [
            page for page in pages if props.matches(body["filter"], source["properties"], page["values"])
        ]
    for sort in reversed(body.get("sorts") or []):
        pages = _sorted(store, source, pages, sort)
    rendered = [store.render_page(page) for page in pages]
    result = store.paginate(rendered, body.get("start_cursor"), page_size, "page_or_data_source")
    return result


def _sorted(
    store: Store, source: dict[str, Any], pages: list[dict[str, Any]], sort: Any
) -> list[dict[str, Any]]:
    expect(isinstance(sort, dict), "body.sorts[]", "an object", sort)
    reverse = sort.get("direction", "ascending") == "descending"
    if "timestamp" in sort:
        return sorted(pages, key=lambda p: store.blocks[p["id"]][sort["timestamp"]], reverse=reverse)
    prop = props.find_property(source["properties"], str(sort.get("property")))
    if prop is None:
        raise validation(f"Could not find sort property with name or id: {sort.get('property')}")

    def key(page: dict[str, Any]) -> tuple[bool, Any]:
        value = page["values"].get(prop["id"])
        value = props.plain(value) if prop["type"] in ("title", "rich_text") else value
        return (value is None, value if isinstance(value, int | float | str) else str(value))

    return sorted(pages, key=key, reverse=reverse)


def search(store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    page_size = check_page_size(body["page_size"], "body.page_size") if "page_size" in body else None
    text = str(body.get("query") or "").lower()
    wanted = (body.get("filter") or {}).get("value")
    expect(
        wanted in (None, "page", "data_source"), "body.filter.value", '`"page"` or `"data_source"`', wanted
    )
    results: list[dict[str, Any]] = []
    if wanted in (None, "page"):
        for page in store.pages.values():
            if store.blocks[page["id"]]["in_trash"]:
                continue
            if page["id"] in store.unshared:
                continue
            if text in props.plain(page["values"].get("title")).lower():  # the title property's id is "title"
                results.append(store.render_page(page))
    if wanted in (None, "data_source"):
        results.extend(
            store.render_data_source(source)
            for source in store.data_sources.values()
            if text in props.plain(source["title"]).lower()
            and not store.blocks[source["database_id"]]["in_trash"]
        )
    return store.paginate(results, body.get("start_cursor"), page_size, "page_or_data_source")


# ----- blocks ---------------------------------------------------------------------------------------------
def get_block(store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    return store.render_block(store.block(ids[0]))


def list_children(
    store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    block = store.block(ids[0])
    page_size = check_page_size(query["page_size"], "query.page_size") if "page_size" in query else None
    children = [store.render_block(child) for child in store.live_children(block["id"])]
    return store.paginate(children, query.get("start_cursor"), page_size, "block")


def append_children(
    store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    parent = store.block(ids[0])
    if parent["in_trash"]:
        raise archived()
    children: Any = body.get("children")
    expect(children is not None, "body.children", "defined", "undefined")
    store.check_request_children(children)
    if parent["type"] in ("child_database", "divider", "equation", "code", "image", "bookmark", "table_row"):
        raise validation(f"Block type {parent['type']} does not support children.")
    if parent["type"] == "table":
        width = parent["data"]["table_width"]
        for i, row in enumerate(children):
            if block_type(row, f"body.children[{i}]") != "table_row":
                raise body_validation(f"body.children[{i}].type", '`"table_row"`', row.get("type"))
            cells = row["table_row"]["cells"]
            expect(
                len(cells) == width,
                f"body.children[{i}].table_row.cells.length",
                f"`{width}` (the table_width)",
                len(cells),
            )
    index = _position(store, parent, body)
    created = store.insert_children(parent["id"], children, index)
    return {
        "object": "list",
        "results": [store.render_block(block) for block in created],
        "next_cursor": None,
        "has_more": False,
        "type": "block",
        "block": {},
    }


def _position(store: Store, parent: dict[str, Any], body: dict[str, Any]) -> int | None:
    """Where appended children go: `position` (2025-09-03) or the legacy `after`; None is the end."""
    after: Any = body.get("after")
    position = body.get("position")
    if position is not None:
        expect(after is None, "body.after", "not present together with `position`", after)
        expect(isinstance(position, dict), "body.position", "an object", position)
        kind = position.get("type")
        if kind == "start":
            return 0
        if kind == "end":
            return None
        expect(kind == "after_block", "body.position.type", '`"after_block"`, `"start"` or `"end"`', kind)
        after = (position.get("after_block") or {}).get("id")
        expect(isinstance(after, str), "body.position.after_block.id", "a block id", after)
    if after is None:
        return None
    target = normal_id(str(after))
    live = [c for c in parent["children"] if not store.blocks[c]["in_trash"]]
    if target not in live:
        raise validation(f"Block {after} is not a child of {parent['id']}.")
    index: int = parent["children"].index(target) + 1
    return index


def update_block(store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    block = store.block(ids[0])
    if block["id"] in store.pages or block["id"] in store.databases:
        kind_name = "page" if block["id"] in store.pages else "database"
        raise validation(
            f"Block {block['id']} is a {kind_name}; update it through the {kind_name}s endpoint."
        )
    trash = body.get("in_trash", body.get("archived"))
    if block["in_trash"] and trash is not False:
        raise archived()
    kind = block["type"]
    if body.get("type", kind) != kind:
        raise body_validation("body.type", f"`{kind}` (the block's type can't change)", body["type"])
    for key in body:
        if key not in (kind, "type", "in_trash", "archived"):
            raise body_validation(f"body.{key}", f"not present (the block is a `{kind}`)", body[key])
    if kind in body:
        data = body[kind]
        expect(isinstance(data, dict), f"body.{kind}", "an object", data)
        if "children" in data:
            raise body_validation(f"body.{kind}.children", "not present", data["children"])
        check_block_data(kind, data, f"body.{kind}", creating=False)
        if kind == "table_row" and "cells" in data:
            width = store.blocks[block["parent_id"]]["data"]["table_width"]
            expect(len(data["cells"]) == width, f"body.{kind}.cells.length", f"`{width}`", len(data["cells"]))
        block["data"].update(copy.deepcopy(data))
    if trash is not None:
        block["in_trash"] = bool(trash)
    block["last_edited_time"] = now()
    return store.render_block(block)


def delete_block(store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    block = store.block(ids[0])
    if block["in_trash"]:
        raise archived()
    block["in_trash"] = True
    block["last_edited_time"] = now()
    if block["id"] in store.pages:
        return store.render_block(block)
    return store.render_block(block)


def create_page(store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    return store.create_page(body)


def get_page(store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    return store.render_page(store.page(ids[0]))


def update_page(store: Store, ids: list[str], query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    return store.update_page(ids[0], body)


_ID = "([^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    ("GET", re.compile("/v1/users/me"), me),
    ("POST", re.compile("/v1/search"), search),
    ("POST", re.compile("/v1/pages"), create_page),
    ("GET", re.compile(f"/v1/pages/{_ID}"), get_page),
    ("PATCH", re.compile(f"/v1/pages/{_ID}"), update_page),
    ("POST", re.compile("/v1/databases"), create_database),
    ("GET", re.compile(f"/v1/databases/{_ID}"), get_database),
    ("PATCH", re.compile(f"/v1/databases/{_ID}"), update_database),
    ("GET", re.compile(f"/v1/data_sources/{_ID}"), get_data_source),
    ("PATCH", re.compile(f"/v1/data_sources/{_ID}"), update_data_source),
    ("POST", re.compile(f"/v1/data_sources/{_ID}/query"), query_data_source),
    ("GET", re.compile(f"/v1/blocks/{_ID}"), get_block),
    ("GET", re.compile(f"/v1/blocks/{_ID}/children"), list_children),
    ("PATCH", re.compile(f"/v1/blocks/{_ID}/children"), append_children),
    ("PATCH", re.compile(f"/v1/blocks/{_ID}"), update_block),
    ("DELETE", re.compile(f"/v1/blocks/{_ID}"), delete_block),
]


def route(method: str, path: str) -> tuple[Handler, list[str]]:
    for verb, pattern, handler in ROUTES:
        found = pattern.fullmatch(path)
        if verb == method and found:
            return handler, list(found.groups())
    raise NotionError(400, "invalid_request_url", "Invalid request URL.")
