"""The workspace the emulator holds (pages, databases, data sources, blocks) and the page endpoints over it.

A page is also a block (`child_page`) and a database a `child_database` block with the same id, as in Notion,
so a page's body and a block's children are one tree. Objects are kept in the request form (validated) and
rendered in Notion's read form on the way out: rich text gains `plain_text`, `href` and every annotation, so a
client comparing what it sent with what it reads must normalise.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from typing import Any

from . import schema as props
from .errors import archived, body_validation, not_found, validation
from .validate import (
    ANNOTATIONS,
    MAX_BLOCKS,
    TEXT_BLOCKS,
    block_type,
    check_children,
    check_rich_text,
    expect,
)

BOT_ID = "a3f0c7c2-6b0e-4b8f-9a52-5f9a0d6c1e01"
DEFAULTS: dict[str, dict[str, Any]] = {
    **{kind: {"rich_text": [], "color": "default"} for kind in TEXT_BLOCKS},
    "to_do": {"rich_text": [], "checked": False, "color": "default"},
    **{f"heading_{n}": {"rich_text": [], "is_toggleable": False, "color": "default"} for n in (1, 2, 3)},
    "callout": {"rich_text": [], "icon": None, "color": "default"},
    "code": {"caption": [], "rich_text": [], "language": "plain text"},
    "image": {"caption": [], "type": "external"},
    "bookmark": {"caption": [], "url": ""},
    "table": {"table_width": 1, "has_column_header": False, "has_row_header": False},
    "table_row": {"cells": []},
    "equation": {"expression": ""},
    "divider": {},
}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_id() -> str:
    return str(uuid.uuid4())


def normal_id(raw: str, name: str = "block_id") -> str:
    try:
        return str(uuid.UUID(raw.replace("-", "")))
    except ValueError:
        raise validation(
            f'path failed validation: path.{name} should be a valid uuid, instead was `"{raw}"`.'
        ) from None


def render_text(items: list[Any]) -> list[dict[str, Any]]:
    """Rich text as Notion returns it: `plain_text`, `href` and all annotations filled in."""
    out = []
    for item in items:
        kind = item.get("type") or next(k for k in ("text", "equation", "mention") if k in item)
        annotations = dict.fromkeys(ANNOTATIONS, False) | {"color": "default"} | item.get("annotations", {})
        entry: dict[str, Any] = {"type": kind, "annotations": annotations}
        if kind == "text":
            link = item["text"].get("link")
            entry["text"] = {
                "content": item["text"]["content"],
                "link": {"url": link["url"]} if link else None,
            }
            entry["plain_text"] = item["text"]["content"]
            entry["href"] = link["url"] if link else None
        elif kind == "equation":
            entry["equation"] = {"expression": item["equation"]["expression"]}
            entry["plain_text"] = item["equation"]["expression"]
            entry["href"] = None
        else:
            mention = item["mention"]
            mention_type = mention.get("type") or next(iter(mention))
            entry["mention"] = {"type": mention_type, mention_type: mention[mention_type]}
            target = mention[mention_type].get("id", "") if isinstance(mention[mention_type], dict) else ""
            entry["plain_text"] = "Untitled"
            entry["href"] = f"https://www.notion.so/{target.replace('-', '')}" if target else None
        out.append(entry)
    return out


def render_block_data(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    shown = copy.deepcopy(DEFAULTS.get(kind, {})) | copy.deepcopy(data)
    for key in ("rich_text", "caption"):
        if key in shown:
            shown[key] = render_text(shown[key])
    if kind == "table_row":
        shown["cells"] = [render_text(cell) for cell in shown["cells"]]
    shown.pop("children", None)
    return shown


class Store:
    """All objects, keyed by dashed id; callers hold the server's lock around every call."""

    def __init__(self, page_size: int) -> None:
        self.page_size = page_size
        self.blocks: dict[
            str, dict[str, Any]
        ] = {}  # every block, page (child_page) and database (child_database)
        self.pages: dict[str, dict[str, Any]] = {}
        self.databases: dict[str, dict[str, Any]] = {}
        self.data_sources: dict[str, dict[str, Any]] = {}
        self.unshared: set[str] = set()  # pages that exist but were not shared with the integration: 404

    # ----- reading -----------------------------------------------------------------------------------------
    def block(self, block_id: str) -> dict[str, Any]:
        found = self.blocks.get(normal_id(block_id))
        if found is None or found["id"] in self.unshared:
            raise not_found(block_id)
        return found

    def page(self, page_id: str) -> dict[str, Any]:
        found = self.pages.get(normal_id(page_id, "page_id"))
        if found is None or found["id"] in self.unshared:
            raise not_found(page_id, "page")
        return found

    def data_source(self, ds_id: str) -> dict[str, Any]:
        found = self.data_sources.get(normal_id(ds_id, "data_source_id"))
        if found is None:
            raise not_found(ds_id, "data_source")
        return found

    def database(self, db_id: str) -> dict[str, Any]:
        found = self.databases.get(normal_id(db_id, "database_id"))
        if found is None:
            raise not_found(db_id, "database")
        return found

    def live_children(self, parent_id: str) -> list[dict[str, Any]]:
        return [self.blocks[c] for c in self.blocks[parent_id]["children"] if not self.blocks[c]["in_trash"]]

    def paginate(
        self, items: list[dict[str, Any]], start_cursor: Any, page_size: Any, kind: str
    ) -> dict[str, Any]:
        size = min(page_size or 100, self.page_size)
        start = 0
        if start_cursor is not None:
            ids = [item["id"] for item in items]
            if start_cursor not in ids:
                raise validation(f"start_cursor provided is invalid: {start_cursor}")
            start = ids.index(start_cursor)
        chunk = items[start : start + size]
        more = start + size < len(items)
        return {
            "object": "list",
            "results": chunk,
            "next_cursor": items[start + size]["id"] if more else None,
            "has_more": more,
            "type": kind,
            kind: {},
        }

    def render_block(self, block: dict[str, Any]) -> dict[str, Any]:
        kind = block["type"]
        data = (
            {"title": block["title"]}
            if kind in ("child_page", "child_database")
            else render_block_data(kind, block["data"])
        )
        return {
            "object": "block",
            "id": block["id"],
            "parent": block["parent"],
            "created_time": block["created_time"],
            "last_edited_time": block["last_edited_time"],
            "created_by": {"object": "user", "id": BOT_ID},
            "last_edited_by": {"object": "user", "id": BOT_ID},
            "has_children": bool(self.live_children(block["id"])),
            "archived": block["in_trash"],
            "in_trash": block["in_trash"],
            "type": kind,
            kind: data,
        }

    def render_page(self, page: dict[str, Any]) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        if "data_source_id" in page["parent"]:
            schema = self.data_sources[page["parent"]["data_source_id"]]["properties"]
            for name, prop in schema.items():
                properties[name] = props.read_value(prop, page["values"].get(prop["id"]), render_text)
        else:
            properties["title"] = {
                "id": "title",
                "type": "title",
                "title": render_text(page["values"].get("title", [])),
            }
        block = self.blocks[page["id"]]
        return {
            "object": "page",
            "id": page["id"],
            "created_time": block["created_time"],
            "last_edited_time": block["last_edited_time"],
            "created_by": {"object": "user", "id": BOT_ID},
            "last_edited_by": {"object": "user", "id": BOT_ID},
            "cover": None,
            "icon": page["icon"],
            "parent": page["parent"],
            "archived": block["in_trash"],
            "in_trash": block["in_trash"],
            "is_locked": False,
            "properties": properties,
            "url": f"https://www.notion.so/{page['id'].replace('-', '')}",
            "public_url": None,
        }

    def render_data_source(self, source: dict[str, Any]) -> dict[str, Any]:
        database = self.databases[source["database_id"]]
        return {
            "object": "data_source",
            "id": source["id"],
            "created_time": source["created_time"],
            "last_edited_time": source["last_edited_time"],
            "created_by": {"object": "user", "id": BOT_ID},
            "last_edited_by": {"object": "user", "id": BOT_ID},
            "properties": copy.deepcopy(source["properties"]),
            "parent": {"type": "database_id", "database_id": database["id"]},
            "database_parent": database["parent"],
            "title": render_text(source["title"]),
            "description": [],
            "icon": None,
            "archived": False,
            "in_trash": False,
            "is_inline": False,
            "url": f"https://www.notion.so/{source['id'].replace('-', '')}",
            "public_url": None,
        }

    def render_database(self, database: dict[str, Any]) -> dict[str, Any]:
        block = self.blocks[database["id"]]
        return {
            "object": "database",
            "id": database["id"],
            "title": render_text(database["title"]),
            "description": [],
            "parent": database["parent"],
            "is_inline": False,
            "in_trash": block["in_trash"],
            "archived": block["in_trash"],
            "is_locked": False,
            "created_time": block["created_time"],
            "last_edited_time": block["last_edited_time"],
            "data_sources": [
                {"id": ds, "name": props.plain(self.data_sources[ds]["title"])}
                for ds in database["data_sources"]
            ],
            "icon": None,
            "cover": None,
            "url": f"https://www.notion.so/{database['id'].replace('-', '')}",
            "public_url": None,
        }

    # ----- creating ----------------------------------------------------------------------------------------
    def new_block(
        self, kind: str, parent: dict[str, Any], parent_id: str | None, **fields: Any
    ) -> dict[str, Any]:
        stamp = now()
        block = {
            "id": fields.pop("id", None) or new_id(),
            "type": kind,
            "parent": parent,
            "parent_id": parent_id,
            "children": [],
            "in_trash": False,
            "created_time": stamp,
            "last_edited_time": stamp,
            **fields,
        }
        self.blocks[block["id"]] = block
        return block

    def add_page(self, title: str, parent: dict[str, Any] | None = None, icon: Any = None) -> str:
        """A page shared with the integration (a workspace-level page when no parent is given)."""
        parent = parent or {"type": "workspace", "workspace": True}
        block = self.new_block("child_page", parent, None, title=title)
        self.pages[block["id"]] = {
            "id": block["id"],
            "parent": parent,
            "values": {"title": [{"type": "text", "text": {"content": title}}]},
            "icon": icon,
        }
        return str(block["id"])

    def insert_children(
        self, parent_id: str, children: list[Any], index: int | None = None
    ) -> list[dict[str, Any]]:
        """Store validated blocks under `parent_id` at `index` (None: the end); returns the first level."""
        parent_block = self.blocks[parent_id]
        parent_ref = (
            {"type": "page_id", "page_id": parent_id}
            if parent_id in self.pages
            else {"type": "block_id", "block_id": parent_id}
        )
        created = []
        for child in children:
            kind = block_type(child, "body")
            data = {k: v for k, v in child[kind].items() if k != "children"}
            block = self.new_block(kind, parent_ref, parent_id, data=copy.deepcopy(data))
            created.append(block)
            self.insert_children(block["id"], child[kind].get("children") or [])
        ids = [b["id"] for b in created]
        position = len(parent_block["children"]) if index is None else index
        parent_block["children"][position:position] = ids
        if created:
            parent_block["last_edited_time"] = now()
        return created

    def check_request_children(self, children: Any, path: str = "body.children") -> None:
        count = check_children(children, path)
        if count > MAX_BLOCKS:
            raise validation(
                f"body failed validation: {path} should contain at most `{MAX_BLOCKS}` blocks "
                f"in one request, instead was `{count}`."
            )

    def create_page(self, body: dict[str, Any]) -> dict[str, Any]:
        parent: Any = body.get("parent")
        expect(isinstance(parent, dict), "body.parent", "an object", parent)
        children = body.get("children")
        if children is not None:
            self.check_request_children(children)
        properties = body.get("properties", {})
        expect(isinstance(properties, dict), "body.properties", "an object", properties)
        if "page_id" in parent:
            page_id = normal_id(str(parent["page_id"]), "page_id")
            container = self.page(page_id)
            if self.blocks[container["id"]]["in_trash"]:
                raise archived("page")
            title = properties.get("title", {})
            expect(
                set(properties) <= {"title"},
                "body.properties",
                "only `title` for a page under a page",
                properties,
            )
            check_rich_text(title.get("title", []), "body.properties.title.title")
            page_id = self.add_page(
                props.plain(title.get("title", [])), {"type": "page_id", "page_id": page_id}, body.get("icon")
            )
            self.pages[page_id]["values"] = {"title": copy.deepcopy(title.get("title", []))}
            self.blocks[container["id"]]["children"].append(page_id)
        else:
            source = self._parent_data_source(parent)
            values, added = self._check_properties(source, properties, creating=True)
            for name, names in added.items():
                props.add_options(source["properties"][name], names)
            ref = {
                "type": "data_source_id",
                "data_source_id": source["id"],
                "database_id": source["database_id"],
            }
            block = self.new_block("child_page", ref, None, title="")
            page_id = block["id"]
            self.pages[page_id] = {"id": page_id, "parent": ref, "values": values, "icon": body.get("icon")}
        self.insert_children(page_id, children or [])
        return self.render_page(self.pages[page_id])

    def _parent_data_source(self, parent: dict[str, Any]) -> dict[str, Any]:
        if "data_source_id" in parent:
            return self.data_source(str(parent["data_source_id"]))
        if "database_id" in parent:
            database = self.database(str(parent["database_id"]))
            return self.data_sources[database["data_sources"][0]]
        raise body_validation(
            "body.parent", "an object with `page_id`, `data_source_id` or `database_id`", parent
        )

    def _check_properties(
        self, source: dict[str, Any], properties: dict[str, Any], *, creating: bool
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        schema = source["properties"]
        values: dict[str, Any] = {}
        added: dict[str, list[str]] = {}
        for key, value in properties.items():
            prop = props.find_property(schema, key)
            if prop is None:
                raise validation(f"{key} is not a property that exists.")
            stored, names = props.check_value(
                prop, value, f"body.properties.{key}", page_exists=self._page_in
            )
            values[prop["id"]] = stored
            if names:
                added[prop["name"]] = names
        if creating:
            title = next(p for p in schema.values() if p["type"] == "title")
            if title["id"] not in values:
                raise body_validation(f"body.properties.{title['name']}.title", "defined", "undefined")
        return values, added

    def _page_in(self, page_id: str, data_source_id: str) -> bool:
        try:
            page = self.pages.get(normal_id(page_id, "page_id"))
        except Exception:
            return False
        return page is not None and page["parent"].get("data_source_id") == data_source_id

    def update_page(self, page_id: str, body: dict[str, Any]) -> dict[str, Any]:
        page = self.page(page_id)
        block = self.blocks[page["id"]]
        trash = body.get("in_trash", body.get("archived"))
        if trash is not None:
            expect(isinstance(trash, bool), "body.in_trash", "a boolean", trash)
        if block["in_trash"] and trash is not False:
            raise archived("page")
        properties = body.get("properties", {})
        expect(isinstance(properties, dict), "body.properties", "an object", properties)
        if "data_source_id" in page["parent"]:
            source = self.data_sources[page["parent"]["data_source_id"]]
            values, added = self._check_properties(source, properties, creating=False)
            for name, names in added.items():
                props.add_options(source["properties"][name], names)
            page["values"].update(values)
        elif properties:
            title = properties.get("title", {})
            check_rich_text(title.get("title", []), "body.properties.title.title")
            page["values"]["title"] = copy.deepcopy(title.get("title", []))
            block["title"] = props.plain(page["values"]["title"])
        if "icon" in body:
            page["icon"] = body["icon"]
        if trash is not None:
            block["in_trash"] = trash
        block["last_edited_time"] = now()
        return self.render_page(page)
