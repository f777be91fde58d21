"""The three Notion databases vaultkit writes to, as values: which properties each needs, of which type,
under which name; what `notion setup` creates and what `notion check` verifies. Pure.

A user may point vaultkit at databases of their own and rename properties (`[notion.properties]` in the
config maps a field to their property name), so every check speaks in the user's names and says exactly
what is missing or of the wrong type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_NAMES",
    "FIELDS",
    "KINDS",
    "TITLES",
    "Field",
    "check_schema",
    "creation_properties",
    "fields_for",
    "parse_notion_id",
    "plain_id",
]

KINDS = ("plans", "milestones", "journals")
"""The databases, named as in `[notion]`; a note of `type: plan` goes to `plans`, and so on."""

TITLES = {"plans": "Plans", "milestones": "Milestones", "journals": "Journal"}


@dataclass(frozen=True)
class Field:
    """One property vaultkit writes: its key in the config, default name, Notion type and databases."""

    key: str
    name: str
    type: str
    kinds: tuple[str, ...] = KINDS


FIELDS = (
    Field("name", "Name", "title"),
    Field("status", "Status", "select"),
    Field("progress", "Progress", "number"),
    Field("tasks_done", "Tasks done", "number"),
    Field("tasks_total", "Tasks total", "number"),
    Field("tags", "Tags", "multi_select"),
    Field("due", "Due", "date", ("milestones",)),
    Field("date", "Date", "date", ("journals",)),
    Field("plan", "Plan", "relation", ("milestones", "journals")),
    Field("path", "Path", "rich_text"),
    Field("id", "vaultkit id", "rich_text"),
)
DEFAULT_NAMES = {f.key: f.name for f in FIELDS}

_TYPE_WORDS = {
    "title": "the title", "select": "a select", "number": "a number", "multi_select": "a multi-select",
    "date": "a date", "relation": "a relation", "rich_text": "a text",
}


def fields_for(kind: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if kind in f.kinds)


def creation_properties(
    kind: str, names: Mapping[str, str], plans_data_source: str | None
) -> dict[str, Any]:
    """The `initial_data_source.properties` of a database that `notion setup` creates for `kind`."""
    properties: dict[str, Any] = {}
    for f in fields_for(kind):
        name = names.get(f.key, f.name)
        if f.type == "number":
            properties[name] = {"number": {"format": "percent" if f.key == "progress" else "number"}}
        elif f.type == "relation":
            if plans_data_source is None:
                continue
            properties[name] = {
                "relation": {"data_source_id": plans_data_source, "single_property": {}}
            }
        elif f.type == "select":
            properties[name] = {"select": {"options": []}}
        else:
            properties[name] = {f.type: {}}
    return properties


def check_schema(
    kind: str, names: Mapping[str, str], schema: Mapping[str, Any], plans_data_source: str | None = None
) -> list[str]:
    """What is wrong with a data source's schema for `kind`, one sentence per property (empty: fine).

    `schema` is the `properties` object of `GET /v1/data_sources/{id}`. A relation must point at the
    plans data source when that is known.
    """
    problems: list[str] = []
    for f in fields_for(kind):
        name = names.get(f.key, f.name)
        prop = schema.get(name)
        want = _TYPE_WORDS[f.type]
        if not isinstance(prop, Mapping):
            if f.type == "title":
                titles = (n for n, p in schema.items() if isinstance(p, Mapping) and p.get("type") == "title")
                actual = next(titles, None)
                hint = f' (its title property is "{actual}": set [notion.properties] name = "{actual}")'
                hint = hint if actual else ""
                problems.append(f'property "{name}" is missing: vaultkit writes the note title there{hint}')
            else:
                problems.append(f'property "{name}" is missing: add {want} property named "{name}"')
            continue
        actual_type = prop.get("type")
        if actual_type != f.type:
            got = _TYPE_WORDS.get(str(actual_type), f"a {actual_type}")
            problems.append(f'property "{name}" is {got} property; vaultkit needs {want} property there')
            continue
        if f.type == "relation" and plans_data_source is not None:
            target = prop.get("relation", {}).get("data_source_id")
            if target is not None and plain_id(str(target)) != plain_id(plans_data_source):
                problems.append(
                    f'property "{name}" relates to another database; it must relate to the plans database'
                )
    return problems


_HEX32 = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])")
_DASHED = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}(?![0-9a-fA-F])")


def plain_id(value: str) -> str:
    """A Notion id without dashes, lower case: ids compare equal however they were spelled."""
    return value.replace("-", "").lower()


def parse_notion_id(text: str) -> str | None:
    """The dashed id in a Notion id (with or without dashes) or page URL; None when there is none.

    Page URLs end with the id after the title (`.../My-Plan-1a2b...?pvs=4`); a query or fragment is
    ignored, and the last id in the path wins (a workspace name never looks like one).
    """
    path = re.split(r"[?#]", text.strip(), maxsplit=1)[0]
    found = [m.group(0) for m in _DASHED.finditer(path)] + [m.group(0) for m in _HEX32.finditer(path)]
    if not found:
        return None
    ends = {m: path.rfind(m) for m in found}
    raw = plain_id(max(found, key=lambda m: ends[m]))
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
