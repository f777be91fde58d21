"""`jsonout.dumps` writes exactly what `json.dumps(indent=2, ensure_ascii=False)` writes, as strict JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.cli.app import json_default
from vaultkit.cli.jsonout import dumps, strict

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities included: written as strings, never as bare NaN / Infinity
    st.text(),
    st.dates(),
    st.datetimes(),
)
KEYS = st.one_of(st.text(max_size=8), st.sampled_from(["a", "b", "%", "%s", "done", "open"]))


def reference(value: Any) -> str:
    return json.dumps(strict(value), indent=2, ensure_ascii=False, default=json_default, allow_nan=False)


def tables(children: st.SearchStrategy[Any]) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of dicts with the same keys (the shape of every `--json` listing), nested ones included."""
    return st.lists(
        st.sampled_from(["path", "type", "tasks", "x%y"]), min_size=1, max_size=4, unique=True
    ).flatmap(
        lambda keys: st.lists(st.fixed_dictionaries(dict.fromkeys(keys, children)), min_size=0, max_size=12)
    )


VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(KEYS, children, max_size=5),
        tables(children),
    ),
    max_leaves=40,
)


@settings(max_examples=100, deadline=None)
@given(VALUES)
def test_same_text_as_json_dumps(value: Any) -> None:
    assert dumps(value, json_default) == reference(value)


def test_a_status_shaped_document() -> None:
    notes = [
        {
            "path": f"Notes/{i}.md",
            "type": None if i % 3 else "plan",
            "title": f"Note “{i}”\n",
            "tasks": {"done": i, "open": 2, "cancelled": 0, "total": i + 2},
            "progress": None if i % 5 == 0 else 50,
            "errors": [] if i % 7 else [{"line": 3, "message": "bad"}],
        }
        for i in range(40)
    ]
    data = {"notes": notes, "plans": [], "errors": [{"path": "x", "line": None, "message": "é"}]}
    assert dumps(data, json_default) == reference(data)
    assert dumps({"when": dt.date(2026, 11, 22), "keys": {1: "a"}}, json_default) == reference(
        {"when": dt.date(2026, 11, 22), "keys": {1: "a"}}
    )


@settings(max_examples=200)
@given(st.lists(st.lists(VALUES, max_size=4), max_size=4), KEYS)
def test_dumps_list_is_dumps_of_the_joined_chunks(chunks: list[list[Any]], key: str) -> None:
    from vaultkit.cli.jsonout import dumps_list

    joined = [item for chunk in chunks for item in chunk]
    assert "".join(dumps_list(key, chunks, default=json_default)) == reference({key: joined})


def test_dumps_list_of_tables_in_chunks() -> None:
    from vaultkit.cli.jsonout import dumps_list

    rows = [
        {"path": f"N{i}.md", "line": i, "dates": {"due": dt.date(2026, 1, i + 1)} if i % 2 else {}}
        for i in range(9)
    ]
    chunks = [rows[:4], [], rows[4:5], rows[5:]]
    assert "".join(dumps_list("tasks", chunks, default=json_default)) == reference({"tasks": rows})
    assert "".join(dumps_list("tasks", [[], []])) == '{\n  "tasks": []\n}'


def _strict_loads(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def test_out_of_range_floats_are_strings_in_strict_json() -> None:
    value = {"a": float("inf"), "b": [float("-inf"), float("nan"), 1.5], "c": ({"d": 1e400},)}
    text = dumps(value, json_default)
    assert _strict_loads(text) == {"a": ".inf", "b": ["-.inf", ".nan", 1.5], "c": [{"d": ".inf"}]}
    from vaultkit.cli.jsonout import dumps_list

    chunks = [[{"x": float("nan")}, {"x": 2.0}], [{"x": float("inf")}]]
    joined = "".join(dumps_list("items", chunks, json_default))
    assert _strict_loads(joined) == {"items": [{"x": ".nan"}, {"x": 2.0}, {"x": ".inf"}]}
