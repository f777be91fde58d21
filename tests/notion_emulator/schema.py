"""Data-source schemas and page property values: validated against the schema, stored, read back, filtered.

Values are stored by property id, so renaming a property keeps the values and removing one drops them, as in
Notion. What is read back carries every field Notion fills in (option ids and colours, relations' `has_more`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from .errors import NotionError, body_validation, validation
from .validate import (
    NUMBER_FORMATS,
    PROPERTY_TYPES,
    check_date,
    check_number,
    check_option_name,
    check_rich_text,
    check_text_value,
    expect,
)

Schema = dict[str, dict[str, Any]]  # name -> {"id", "name", "type", <type>: {...}}


_PROPERTY_IDS = itertools.count(1)


def new_property_id() -> str:
    """Short like Notion's, and unique: random 4-hex ids collided now and then within one schema."""
    return f"p{next(_PROPERTY_IDS):x}"


def property_type(config: Any, path: str) -> str:
    expect(isinstance(config, dict), path, "an object", config)
    kinds = [key for key in config if key in PROPERTY_TYPES]
    kind = config.get("type", kinds[0] if len(kinds) == 1 else None)
    expect(kind in PROPERTY_TYPES, f"{path}.type", "a property type", kind)
    return str(kind)


def schema_property(
    name: str,
    config: Any,
    path: str,
    *,
    find_data_source: Callable[[str], dict[str, Any] | None],
    pid: str | None = None,
) -> dict[str, Any]:
    """One schema entry from a create/update request (relations must point at an existing data source)."""
    kind = property_type(config, path)
    settings = config.get(kind) or {}
    expect(isinstance(settings, dict), f"{path}.{kind}", "an object", settings)
    stored: dict[str, Any] = {}
    if kind == "number":
        number_format = settings.get("format", "number")
        expect(number_format in NUMBER_FORMATS, f"{path}.number.format", "a number format", number_format)
        stored = {"format": number_format}
    elif kind in ("select", "multi_select", "status"):
        options = settings.get("options", [])
        expect(isinstance(options, list), f"{path}.{kind}.options", "an array", options)
        stored = {
            "options": [
                _schema_option(option, f"{path}.{kind}.options[{i}]") for i, option in enumerate(options)
            ]
        }
    elif kind == "relation":
        target: Any = settings.get("data_source_id")
        expect(isinstance(target, str), f"{path}.relation.data_source_id", "a data source id", target)
        source = find_data_source(target)
        if source is None:
            raise validation(
                f"body failed validation: {path}.relation.data_source_id `{target}` does not exist."
            )
        stored = {
            "database_id": source["database_id"],
            "data_source_id": source["id"],
            "type": "single_property",
            "single_property": {},
        }
    pid = pid or ("title" if kind == "title" else new_property_id())
    return {"id": pid, "name": name, "type": kind, kind: stored}


def _schema_option(option: Any, path: str) -> dict[str, Any]:
    if isinstance(option, dict):
        return _option(option.get("name"), f"{path}.name", option.get("color", "default"))
    return _option(option, f"{path}.name")


def _option(name: Any, path: str, color: str = "default") -> dict[str, Any]:
    return {
        "id": new_property_id(),
        "name": check_option_name(name, path),
        "color": color,
        "description": None,
    }


def find_property(schema: Schema, key: str) -> dict[str, Any] | None:
    """A property by name or by id, as Notion accepts both."""
    return schema.get(key) or next((p for p in schema.values() if p["id"] == key), None)


def default_value(prop: dict[str, Any]) -> Any:
    kind = prop["type"]
    return {
        "title": [],
        "rich_text": [],
        "multi_select": [],
        "relation": [],
        "people": [],
        "files": [],
        "checkbox": False,
    }.get(kind)


def check_value(
    prop: dict[str, Any], value: Any, path: str, *, page_exists: Callable[[str, str], bool]
) -> tuple[Any, list[str]]:
    """The stored form of one property value, and the select names to add to the schema."""
    kind = prop["type"]
    expect(isinstance(value, dict), path, "an object", value)
    if kind not in value:
        raise body_validation(f"{path}.{kind}", "defined", "undefined")
    raw = value[kind]
    inner = f"{path}.{kind}"
    added: list[str] = []
    if kind in ("title", "rich_text"):
        check_rich_text(raw, inner)
        return raw, added
    if kind == "number":
        check_number(raw, inner)
        return raw, added
    if kind in ("select", "status"):
        if raw is None:
            return None, added
        expect(isinstance(raw, dict), inner, "an object or `null`", raw)
        name = check_option_name(raw.get("name"), f"{inner}.name")
        if not _has_option(prop, name):
            if kind == "status":
                raise validation(f'Invalid status option. Status option "{name}" does not exist.')
            added.append(name)
        return name, added
    if kind == "multi_select":
        expect(isinstance(raw, list), inner, "an array", raw)
        names = []
        for i, option in enumerate(raw):
            expect(isinstance(option, dict), f"{inner}[{i}]", "an object", option)
            name = check_option_name(option.get("name"), f"{inner}[{i}].name")
            names.append(name)
            if not _has_option(prop, name) and name not in added:
                added.append(name)
        return names, added
    if kind == "date":
        check_date(raw, inner)
        return (
            None
            if raw is None
            else {"start": raw["start"], "end": raw.get("end"), "time_zone": raw.get("time_zone")}
        ), added
    if kind == "checkbox":
        expect(isinstance(raw, bool), inner, "a boolean", raw)
        return raw, added
    if kind in ("url", "email", "phone_number"):
        check_text_value(raw, inner, 2000 if kind == "url" else 200)
        return raw, added
    if kind == "relation":
        expect(isinstance(raw, list), inner, "an array", raw)
        target = prop["relation"]["data_source_id"]
        ids = []
        for i, item in enumerate(raw):
            expect(
                isinstance(item, dict) and isinstance(item.get("id"), str),
                f"{inner}[{i}].id",
                "a page id",
                item,
            )
            if not page_exists(item["id"], target):
                raise validation(
                    f"body failed validation: {inner}[{i}].id `{item['id']}` "
                    "is not a page of the related data source."
                )
            ids.append(item["id"])
        return ids, added
    raise validation(f"body failed validation: {inner} can't be set through the API.")


def _has_option(prop: dict[str, Any], name: str) -> bool:
    return any(option["name"] == name for option in prop[prop["type"]].get("options", []))


def add_options(prop: dict[str, Any], names: list[str]) -> None:
    options = prop[prop["type"]].setdefault("options", [])
    for name in names:
        if not _has_option(prop, name):
            options.append(_option(name, "name"))


def read_value(
    prop: dict[str, Any], stored: Any, render_text: Callable[[list[Any]], list[Any]]
) -> dict[str, Any]:
    kind = prop["type"]
    value = default_value(prop) if stored is None and kind not in ("number", "select", "date") else stored
    if kind in ("title", "rich_text"):
        value = render_text(value or [])
    elif kind in ("select", "status") and stored is not None:
        value = _read_option(prop, stored)
    elif kind == "multi_select":
        value = [_read_option(prop, name) for name in stored or []]
    elif kind == "relation":
        return {"id": prop["id"], "type": kind, kind: [{"id": i} for i in stored or []], "has_more": False}
    return {"id": prop["id"], "type": kind, kind: value}


def _read_option(prop: dict[str, Any], name: str) -> dict[str, Any]:
    option = next((o for o in prop[prop["type"]].get("options", []) if o["name"] == name), None)
    return {
        "id": option["id"] if option else "",
        "name": name,
        "color": option["color"] if option else "default",
    }


def plain(stored: Any) -> str:
    if not isinstance(stored, list):
        return ""
    return "".join(
        item.get("text", {}).get("content", "") if isinstance(item, dict) else "" for item in stored
    )


def matches(filter_: Any, schema: Schema, values: dict[str, Any], path: str = "body.filter") -> bool:
    """Notion's query filter: property conditions on text, select, number, checkbox, date; `and`/`or`."""
    expect(isinstance(filter_, dict), path, "an object", filter_)
    for compound in ("and", "or"):
        if compound in filter_:
            parts = filter_[compound]
            expect(isinstance(parts, list), f"{path}.{compound}", "an array", parts)
            results = [
                matches(part, schema, values, f"{path}.{compound}[{i}]") for i, part in enumerate(parts)
            ]
            return all(results) if compound == "and" else any(results)
    key = filter_.get("property")
    prop = find_property(schema, key) if isinstance(key, str) else None
    if prop is None:
        raise validation(f"Could not find property with name or id: {key}")
    kind = prop["type"]
    condition_key = next((k for k in filter_ if k != "property"), None)
    if condition_key not in (
        kind,
        "rich_text" if kind == "title" else kind,
        "title" if kind == "rich_text" else kind,
    ):
        raise body_validation(f"{path}.{kind}", "defined", "undefined")
    condition = filter_[condition_key]
    expect(
        isinstance(condition, dict) and len(condition) == 1,
        f"{path}.{condition_key}",
        "one condition",
        condition,
    )
    ((operator, operand),) = condition.items()
    stored = values.get(prop["id"])
    current: Any = plain(stored) if kind in ("title", "rich_text") else stored
    return _compare(operator, current, operand, f"{path}.{condition_key}.{operator}")


def _compare(operator: str, current: Any, operand: Any, path: str) -> bool:
    text = current if isinstance(current, str) else ""
    if operator == "equals":
        return bool(current == operand)
    if operator == "does_not_equal":
        return bool(current != operand)
    if operator == "contains":
        return (operand in current) if isinstance(current, list) else str(operand) in text
    if operator == "does_not_contain":
        return (operand not in current) if isinstance(current, list) else str(operand) not in text
    if operator == "starts_with":
        return text.startswith(str(operand))
    if operator == "is_empty":
        return current in (None, "", [])
    if operator == "is_not_empty":
        return current not in (None, "", [])
    raise NotionError(
        400, "validation_error", f"body failed validation: {path} is not a supported filter condition."
    )
