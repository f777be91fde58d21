"""A note as the properties of its Notion page, and what Notion already has, in one comparable form. Pure.

The sync sends a property only when it differs from what the page holds, so both sides are brought to one
canonical spelling: `canonical_properties` reads a page's `properties` as Notion returns them (every
annotation filled in, `plain_text`, option ids and colours, relation `has_more`), `canonical_value` reads
the values this module builds, and `changed_properties` keeps only those whose canonical forms differ.

| note | property (default name) | value |
|---|---|---|
| title (the file name, as vaultkit shows it) | Name | title |
| `status` | Status | select (commas become spaces: Notion refuses them in option names) |
| rolled-up progress (0-100) | Progress | number, a fraction 0..1 (the column shows percent) |
| rolled-up tasks | Tasks done, Tasks total | numbers |
| `tags` | Tags | multi-select, at most 100 |
| `due` (milestones), `date` (journals) | Due, Date | date (not a date: left out, with a warning) |
| `plan` (milestones, journals) | Plan | relation to the plan's page |
| the vault path | Path | text |
| `vaultkit_id` | vaultkit id | text: the key the page is found by |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vaultkit.notes.structure import note_tags
from vaultkit.notion.richtext import MAX_ITEMS, canonical_rich_text, split_utf16, text_item
from vaultkit.notion.schema import DEFAULT_NAMES, fields_for, plain_id

__all__ = [
    "PageSource",
    "PageValues",
    "canonical_properties",
    "canonical_value",
    "changed_properties",
    "page_properties",
    "plain_id",
]


@dataclass(frozen=True)
class PageSource:
    """What a page's properties are made of: the note's facts and the rollup's numbers.

    `progress` is the rollup's integer percent (None: nothing to do); `plan_page` the page id of the
    note's plan when that plan is synced (None: the relation is left empty until it is).
    """

    kind: str
    title: str
    path: str
    sync_id: str
    frontmatter: Mapping[str, Any] = field(default_factory=dict)
    tasks_done: int = 0
    tasks_total: int = 0
    progress: int | None = None
    plan_page: str | None = None


@dataclass(frozen=True)
class PageValues:
    """The property values to send (keyed by the user's property names) and what could not be mapped."""

    properties: dict[str, Any]
    warnings: tuple[str, ...] = ()


def _text(value: str) -> list[dict[str, Any]]:
    """Plain text as a rich-text array within Notion's limits (2000 UTF-16 units an item, 100 items)."""
    return [text_item(piece) for piece in split_utf16(value)][:MAX_ITEMS]


def _option(value: str) -> str:
    return " ".join(value.replace(",", " ").split())


def _date(key: str, value: Any, warnings: list[str]) -> dict[str, Any] | None:
    """`{"start": "YYYY-MM-DD"}` for a date value; None (with a warning if it was not empty) otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return {"start": value.date().isoformat()}
    if isinstance(value, dt.date):
        return {"start": value.isoformat()}
    if isinstance(value, str):
        text = value.strip()
        for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
            try:
                parsed = parse(text)
            except ValueError:
                continue
            day = parsed.date() if isinstance(parsed, dt.datetime) else parsed
            return {"start": day.isoformat()}
    warnings.append(f"{key}: {value!r} is not a date (YYYY-MM-DD); left out of the page")
    return None


def page_properties(source: PageSource, names: Mapping[str, str] | None = None) -> PageValues:
    """The page properties of one note, in the user's property names (`[notion.properties]`)."""
    names = names if names is not None else DEFAULT_NAMES
    front = source.frontmatter
    warnings: list[str] = []
    status = front.get("status")
    status_name = _option(status) if isinstance(status, str) else ""
    tags = [_option(tag) for tag in note_tags(front.get("tags"), ())]
    unique = list(dict.fromkeys(tag for tag in tags if tag))
    if len(unique) > MAX_ITEMS:
        warnings.append(f"tags: {len(unique)} tags; Notion takes {MAX_ITEMS}, the rest are left out")
    values: dict[str, Any] = {
        "name": {"title": _text(source.title)},
        "status": {"select": {"name": status_name} if status_name else None},
        "progress": {"number": None if source.progress is None else source.progress / 100},
        "tasks_done": {"number": source.tasks_done},
        "tasks_total": {"number": source.tasks_total},
        "tags": {"multi_select": [{"name": tag} for tag in unique[:MAX_ITEMS]]},
        "path": {"rich_text": _text(source.path)},
        "id": {"rich_text": _text(source.sync_id)},
        "plan": {"relation": [{"id": source.plan_page}] if source.plan_page else []},
    }
    for key in ("due", "date"):
        values[key] = {"date": _date(key, front.get(key), warnings)}
    properties = {
        names.get(f.key, f.name): values[f.key] for f in fields_for(source.kind)
    }
    return PageValues(properties, tuple(warnings))


def canonical_value(value: Mapping[str, Any]) -> Any:
    """One property value (as sent, or as Notion returns it) in the form both sides share.

    A value Notion returns carries `type`; one built here holds its type as its only key. Types vaultkit
    never writes read as themselves, so they compare unequal to nothing vaultkit sends.
    """
    kind = value.get("type") if "type" in value else next(iter(value), None)
    raw = value.get(kind) if isinstance(kind, str) else None
    if kind in ("title", "rich_text"):
        return ("text", tuple(_frozen(item) for item in canonical_rich_text(raw or [])))
    if kind == "number":
        return ("number", raw)
    if kind in ("select", "status"):
        return (kind, raw.get("name") if isinstance(raw, Mapping) else None)
    if kind == "multi_select":
        return (kind, tuple(str(o.get("name")) for o in raw or [] if isinstance(o, Mapping)))
    if kind == "date":
        if not isinstance(raw, Mapping) or not raw.get("start"):
            return (kind, None)
        return (kind, str(raw["start"]), raw.get("end"))
    if kind == "relation":
        return (kind, tuple(plain_id(str(o.get("id"))) for o in raw or [] if isinstance(o, Mapping)))
    return (kind, _frozen(raw))


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def canonical_properties(page_properties_json: Mapping[str, Any]) -> dict[str, Any]:
    """A page's `properties` (as `GET /v1/pages/{id}` or a query returns them), each in canonical form."""
    return {
        name: canonical_value(value)
        for name, value in page_properties_json.items()
        if isinstance(value, Mapping)
    }


def changed_properties(want: Mapping[str, Any], have: Mapping[str, Any]) -> dict[str, Any]:
    """The values of `want` that `have` (from `canonical_properties`) does not hold already."""
    return {name: value for name, value in want.items() if canonical_value(value) != have.get(name)}
