"""Obsidian's declared property types (`.obsidian/types.json`): which values fit them. Pure.

Obsidian keeps one type per property name for the whole vault (`{"types": {"due": "date"}}`) and shows a
value that does not fit as a warning in its properties panel; Bases and Dataview then sort and filter it
as text, or not at all. So `vaultkit set` refuses such a value before it is written, and `vaultkit check`
reports the ones already stored. The rules follow what Obsidian itself accepts and writes:

| type                           | fits                                                          |
|--------------------------------|---------------------------------------------------------------|
| `text`                         | any single value (not a list)                                 |
| `multitext`, `tags`, `aliases` | a list of single values (one value is a one-item list)        |
| `number`                       | an integer or decimal (the text `1.10` is the number 1.1)     |
| `checkbox`                     | true or false                                                 |
| `date`                         | an ISO date, `2026-12-01`                                     |
| `datetime`                     | an ISO date and time, `2026-12-01T10:30:00` (seconds optional) |

An empty value fits every type, and a type this module does not know (a plugin's) is not checked. The
file is read at the vault layer (`vault.property_types`); this module only parses its text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from vaultkit.errors import VaultkitError

__all__ = [
    "TYPES_PATH",
    "PropertyTypeError",
    "PropertyTypes",
    "as_date",
    "coerce_value",
    "expected",
    "fits",
    "parse_types",
]

TYPES_PATH = ".obsidian/types.json"
"""Where Obsidian keeps the declared types, relative to the vault root."""

_EXPECTED = {
    "text": "a single value (not a list), such as 'some text'",
    "multitext": "a list, such as [first, second]",
    "tags": "a list of tags, such as [pdp, career]",
    "aliases": "a list of names, such as [Growth plan]",
    "number": "a number, such as 42 or 2.5",
    "checkbox": "true or false",
    "date": "an ISO date, such as 2026-12-01",
    "datetime": "an ISO date and time, such as 2026-12-01T10:30:00",
}
_LISTS = frozenset({"multitext", "tags", "aliases"})
_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


class PropertyTypeError(VaultkitError):
    """A value that does not fit its property's declared type; the message names the type and an example."""

    def __init__(self, key: str, type_id: str, value: Any) -> None:
        self.key, self.type_id, self.value = key, type_id, value
        super().__init__(
            f"{key} is a {type_id} property ({TYPES_PATH}): expected {expected(type_id)}, not {_show(value)}"
        )


@dataclass(frozen=True, slots=True)
class PropertyTypes:
    """The declared types of a vault, by property name. `problem` says why the file could not be used."""

    types: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    problem: str | None = None

    def of(self, key: str) -> str | None:
        """The declared type of property `key` when vaultkit knows how to check it, else None.

        Obsidian matches property names without regard to case, so `Due` has the type declared for `due`.
        """
        found = self.types.get(key.lower())
        return found if found in _EXPECTED else None


def parse_types(text: str) -> PropertyTypes:
    """The types declared in the text of a `types.json`; a file that is not the expected shape gives
    no types and a `problem` (one sentence), never an exception: the file is Obsidian's, not ours."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return PropertyTypes(problem=f"not valid JSON ({exc}); property types are not checked")
    raw = data.get("types") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        return PropertyTypes(problem='expected {"types": {"name": "type"}}; property types are not checked')
    types: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            types.setdefault(str(key).lower(), value.lower())
    return PropertyTypes(MappingProxyType(types))


def expected(type_id: str) -> str:
    """What a value of `type_id` looks like, with an example: for messages."""
    return _EXPECTED.get(type_id, "any value")


def fits(type_id: str, value: Any) -> bool:
    """Whether a stored `value` fits `type_id` as Obsidian reads it."""
    try:
        coerce_value("", type_id, value)
    except PropertyTypeError:
        return False
    return True


def coerce_value(key: str, type_id: str, value: Any) -> Any:
    """`value` in the shape a `type_id` property holds, or PropertyTypeError when it does not fit.

    A single value for a list type becomes a one-item list; numeric text for a number becomes the
    number; `true`/`false` in any case for a checkbox becomes the boolean. Other values are returned
    as they are. An unknown type takes anything.
    """
    if value is None or type_id not in _EXPECTED:
        return value
    if type_id in _LISTS:
        if isinstance(value, list):
            if all(_single(item) for item in value):
                return value
        elif _single(value):
            return [value]
    elif type_id == "text":
        if _single(value):
            return value
    elif type_id == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _NUMBER_RE.fullmatch(value.strip()):
            number = float(value)
            return int(number) if number.is_integer() and not any(c in value for c in ".eE") else number
    elif type_id == "checkbox":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
    elif type_id == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and _DATE_RE.fullmatch(value.strip()) and _valid(value, dt.date):
            return value
    elif type_id == "datetime":
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and _DATETIME_RE.fullmatch(value.strip()) and _valid(value, dt.datetime):
            return value
    raise PropertyTypeError(key, type_id, value)



def as_date(value: Any) -> dt.date | None:
    """A property's value as a date: a YAML date or datetime, or text starting `YYYY-MM-DD`; None for
    anything else (`next week`, a number). The one reading of `due`, `completed` and `date` for rollup's
    tables, charts and reviews, so they never disagree about a note's date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None

def _single(value: Any) -> bool:
    return not isinstance(value, (list, dict))


def _valid(text: str, kind: type[dt.date]) -> bool:
    try:
        kind.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(item if isinstance(item, str) else _show(item) for item in value) + "]"
    return repr(value)
