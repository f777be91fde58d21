"""`vaultkit notion setup` and `check`: the three databases, made once and verified.

Setup must never make a second set of databases, whether it is run twice, after `.vaultkit/` was deleted,
or after a create whose answer was lost: a database whose id is in the config and reachable is reused; else
a child database of the parent page titled Plans, Milestones or Journal is adopted; only then is one
created (and a create of unknown outcome looks for that child before it is repeated). The ids go into
`[notion]` of `.vaultkit/config.toml` through tomlkit, so the user's comments and layout stay as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit

from vaultkit.config import CONFIG_PATH
from vaultkit.errors import VaultError
from vaultkit.fileio import atomic_write, ensure_inside
from vaultkit.notion.client import Notion, NotionError
from vaultkit.notion.schema import KINDS, TITLES, check_schema, creation_properties, parse_notion_id, plain_id
from vaultkit.notion.settings import NotionSettings

__all__ = ["check_databases", "data_source_of", "explain", "setup_databases", "write_database_ids"]

_SHARE = (
    "not found or not shared with the integration: open the page in Notion, "
    "••• > Connections > add your integration"
)


def explain(exc: NotionError, what: str) -> NotionError:
    """`exc` with a message that says what to do when the cause is the usual one (a page not shared)."""
    if exc.code == "object_not_found":
        return NotionError(
            f"{what} {_SHARE} ({exc.message})", code=exc.code, status=exc.status,
            request_id=exc.request_id, method=exc.method, path=exc.path,
        )
    return exc


def data_source_of(notion: Notion, database_id: str) -> str:
    """The first data source of a database (API 2025-09-03: rows live in data sources)."""
    try:
        database = notion.get(f"databases/{database_id}")
    except NotionError as exc:
        raise explain(exc, f"database {database_id}") from exc
    sources = database.get("data_sources") or []
    if not sources:
        raise VaultError(f"database {database_id} has no data source; point [notion] at another database")
    return str(sources[0]["id"])


def _reachable(notion: Notion, database_id: str) -> bool:
    try:
        answer = notion.get(f"databases/{database_id}")
    except NotionError as exc:
        if exc.code in ("object_not_found", "validation_error"):
            return False
        raise
    return not answer.get("in_trash") and not answer.get("archived")


def _children_databases(notion: Notion, parent: str) -> dict[str, str]:
    """Title -> id of the live child databases of `parent` (the first of each title)."""
    found: dict[str, str] = {}
    for block in notion.paginate("GET", f"blocks/{parent}/children"):
        if block.get("type") == "child_database" and not block.get("in_trash"):
            title = str((block.get("child_database") or {}).get("title", ""))
            found.setdefault(title, str(block["id"]))
    return found


def setup_databases(
    notion: Notion, parent_page: str, settings: NotionSettings, root: Path
) -> dict[str, str]:
    """The ids of the Plans, Milestones and Journal databases under `parent_page`, made where missing.

    Returns every id by kind and writes them into the vault's config (only when they changed).
    """
    parent = parse_notion_id(parent_page)
    if parent is None:
        raise VaultError(f"{parent_page!r} is not a Notion page id or URL (it ends with 32 hex digits)")
    ids: dict[str, str] = {}
    for kind in KINDS:
        known = settings.databases.get(kind)
        if known is not None and _reachable(notion, known):
            ids[kind] = known
    if len(ids) < len(KINDS):
        try:
            existing = _children_databases(notion, parent)
        except NotionError as exc:
            raise explain(exc, f"page {parent}") from exc
        plans_source: str | None = None
        for kind in KINDS:
            if kind in ids:
                continue
            if TITLES[kind] in existing:
                ids[kind] = existing[TITLES[kind]]
                continue
            if kind != "plans" and plans_source is None:
                plans_source = data_source_of(notion, ids["plans"])
            ids[kind] = _create(notion, parent, kind, settings, plans_source)
    write_database_ids(root, ids)
    return ids


def _create(
    notion: Notion, parent: str, kind: str, settings: NotionSettings, plans_source: str | None
) -> str:
    title = TITLES[kind]

    def confirm() -> dict[str, Any] | None:
        found = _children_databases(notion, parent).get(title)
        return {"id": found} if found else None

    body = {
        "parent": {"type": "page_id", "page_id": parent},
        "title": [{"type": "text", "text": {"content": title}}],
        "initial_data_source": {
            "properties": creation_properties(kind, settings.names, plans_source),
        },
    }
    try:
        answer = notion.call("POST", "databases", body=body, confirm=confirm)
    except NotionError as exc:
        raise explain(exc, f"page {parent}") from exc
    return str(answer["id"])


def write_database_ids(root: Path, ids: Mapping[str, str]) -> bool:
    """Set `[notion] plans/milestones/journals` in the config, keeping everything else byte for byte."""
    path = ensure_inside(root, root / CONFIG_PATH)
    try:
        before: bytes | None = path.read_bytes()
    except FileNotFoundError:
        before = None
    try:
        document = tomlkit.parse(before.decode("utf-8")) if before is not None else tomlkit.document()
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as exc:
        raise VaultError(f"{path}: invalid TOML: {exc} (fix it, then run setup again)") from exc
    table = document.get("notion")
    if table is None:
        table = tomlkit.table()
        document["notion"] = table
    elif not isinstance(table, tomlkit.items.Table):
        raise VaultError(f"{path}: `notion` must be a table (a `[notion]` section)")
    for kind in KINDS:
        if kind in ids and plain_id(str(table.get(kind, ""))) != plain_id(ids[kind]):
            table[kind] = ids[kind]
    data = tomlkit.dumps(document).encode("utf-8")
    if data == before:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, data, before)


def check_databases(notion: Notion, settings: NotionSettings) -> dict[str, list[str]]:
    """What is wrong with each configured database's schema, one sentence per problem (empty: fine)."""
    problems: dict[str, list[str]] = {}
    plans_source: str | None = None
    for kind in KINDS:
        database = settings.databases.get(kind)
        if database is None:
            problems[kind] = [
                f"no database: set [notion] {kind} or run `vaultkit notion setup --parent PAGE`"
            ]
            continue
        try:
            source = data_source_of(notion, database)
            schema = notion.get(f"data_sources/{source}").get("properties", {})
        except NotionError as exc:
            problems[kind] = [str(exc.message)]
            continue
        if kind == "plans":
            plans_source = source
        problems[kind] = check_schema(kind, settings.names, schema, plans_source)
    return problems
