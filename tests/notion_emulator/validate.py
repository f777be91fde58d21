"""Notion's request limits and schema rules, checked before anything is stored.

Every check raises `NotionError` 400 with a message naming the JSON path of the offending value, in Notion's
style, so that tests can assert a client never sends what Notion rejects and reports what it rejected.
Lengths of text are counted in UTF-16 code units, as Notion counts them (an emoji is 2).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from .errors import body_validation, validation

MAX_ARRAY = 100
MAX_BLOCKS = 1000
MAX_BODY_BYTES = 500_000  # "500 KB"; the decimal reading is the stricter one
MAX_TEXT = 2000
MAX_EQUATION = 1000
MAX_DEPTH = 2  # levels of `children` in one request; a block at depth 3 may not carry children

CODE_LANGUAGES = frozenset({
    "abap", "abc", "agda", "arduino", "ascii art", "assembly", "bash", "basic", "bnf", "c", "c#", "c++",
    "clojure", "coffeescript", "coq", "css", "dart", "dhall", "diff", "docker", "ebnf", "elixir", "elm",
    "erlang", "f#", "flow", "fortran", "gherkin", "glsl", "go", "graphql", "groovy", "haskell", "hcl", "html",
    "idris", "java", "javascript", "json", "julia", "kotlin", "latex", "less", "lisp", "livescript",
    "llvm ir", "lua", "makefile", "markdown", "markup", "matlab", "mathematica", "mermaid", "nix",
    "notion formula", "objective-c", "ocaml", "pascal", "perl", "php", "plain text", "powershell", "prolog",
    "protobuf", "purescript", "python", "r", "racket", "reason", "ruby", "rust", "sass", "scala", "scheme",
    "scss", "shell", "smalltalk", "solidity", "sql", "swift", "toml", "typescript", "vb.net", "verilog",
    "vhdl", "visual basic", "webassembly", "xml", "yaml", "java/c/c++/c#",
})  # fmt: skip

COLORS = frozenset(
    [c for base in ("gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")
     for c in (base, f"{base}_background")] + ["default"]
)  # fmt: skip
ANNOTATIONS = ("bold", "italic", "strikethrough", "underline", "code")

TEXT_BLOCKS = frozenset({
    "paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item", "numbered_list_item",
    "quote", "toggle", "to_do", "callout",
})  # fmt: skip
BLOCK_TYPES = TEXT_BLOCKS | {"code", "equation", "divider", "image", "bookmark", "table", "table_row"}
NUMBER_FORMATS = frozenset({
    "number", "number_with_commas", "percent", "dollar", "euro", "pound", "yen", "rupee", "won", "yuan",
    "real", "lira", "franc", "canadian_dollar", "australian_dollar", "argentine_peso", "hong_kong_dollar",
})  # fmt: skip
PROPERTY_TYPES = frozenset({
    "title", "rich_text", "number", "select", "multi_select", "status", "date", "checkbox", "url", "email",
    "phone_number", "relation", "people", "files", "created_time", "last_edited_time",
})  # fmt: skip


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_body_size(raw: bytes) -> None:
    if len(raw) > MAX_BODY_BYTES:
        raise validation(
            f"body failed validation: body size should be ≤ `{MAX_BODY_BYTES}` bytes, "
            f"instead was `{len(raw)}`."
        )


def check_arrays(value: Any, path: str = "body") -> None:
    """Every array anywhere in the body holds at most 100 items (children, rich_text, relation, ...)."""
    if isinstance(value, list):
        if len(value) > MAX_ARRAY:
            raise validation(
                f"body failed validation: {path}.length should be ≤ `{MAX_ARRAY}`, "
                f"instead was `{len(value)}`."
            )
        for i, item in enumerate(value):
            check_arrays(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_arrays(item, f"{path}.{key}")


def expect(condition: bool, path: str, expectation: str, actual: Any) -> None:
    if not condition:
        raise body_validation(path, expectation, actual)


def check_url(url: Any, path: str, schemes: tuple[str, ...] = ("http", "https", "mailto")) -> None:
    expect(isinstance(url, str), path, "a string", url)
    expect(utf16_len(url) <= MAX_TEXT, f"{path}.length", f"≤ `{MAX_TEXT}`", utf16_len(url))
    parts = urlsplit(url)
    if parts.scheme.lower() not in schemes or (parts.scheme.lower() != "mailto" and not parts.netloc):
        raise validation(f"Invalid URL for link: {path} was `{url}`.")


def check_rich_text(items: Any, path: str) -> None:
    expect(isinstance(items, list), path, "an array", items)
    for i, item in enumerate(items):
        check_rich_text_item(item, f"{path}[{i}]")


def check_rich_text_item(item: Any, path: str) -> None:
    expect(isinstance(item, dict), path, "an object", item)
    kind = item.get("type") or next((k for k in ("text", "equation", "mention") if k in item), None)
    expect(
        kind in ("text", "equation", "mention"), f"{path}.type", '`"text"`, `"equation"` or `"mention"`', kind
    )
    inner = item.get(kind)
    expect(isinstance(inner, dict), f"{path}.{kind}", "an object", inner)
    if kind == "text":
        for key in inner:
            expect(key in ("content", "link"), f"{path}.text.{key}", "not present", inner[key])
        content = inner.get("content")
        expect(isinstance(content, str), f"{path}.text.content", "a string", content)
        size = utf16_len(content)
        expect(size <= MAX_TEXT, f"{path}.text.content.length", f"≤ `{MAX_TEXT}`", size)
        link = inner.get("link")
        if link is not None:
            expect(isinstance(link, dict), f"{path}.text.link", "an object or null", link)
            check_url(link.get("url"), f"{path}.text.link.url")
    elif kind == "equation":
        expression = inner.get("expression")
        expect(isinstance(expression, str), f"{path}.equation.expression", "a string", expression)
        size = utf16_len(expression)
        expect(size <= MAX_EQUATION, f"{path}.equation.expression.length", f"≤ `{MAX_EQUATION}`", size)
    else:
        mention_type = inner.get("type") or next(iter(inner), None)
        expect(
            mention_type in ("page", "database", "date", "user"),
            f"{path}.mention.type",
            "a mention type",
            mention_type,
        )
    annotations = item.get("annotations", {})
    expect(isinstance(annotations, dict), f"{path}.annotations", "an object", annotations)
    for key, flag in annotations.items():
        if key == "color":
            expect(flag in COLORS, f"{path}.annotations.color", "a color", flag)
        else:
            expect(
                key in ANNOTATIONS and isinstance(flag, bool), f"{path}.annotations.{key}", "a boolean", flag
            )


def block_type(block: Any, path: str) -> str:
    expect(isinstance(block, dict), path, "an object", block)
    kind = block.get("type")
    if kind is None:
        keys = [k for k in block if k not in ("object", "type")]
        kind = keys[0] if len(keys) == 1 else None
    if kind not in BLOCK_TYPES:
        raise validation(
            f"body failed validation: {path}.type should be a supported block type, "
            f"instead was `{shown_type(kind)}`."
        )
    expect(isinstance(block.get(kind), dict), f"{path}.{kind}", "an object", block.get(kind))
    return str(kind)


def shown_type(kind: Any) -> str:
    return "undefined" if kind is None else str(kind)


def check_children(children: Any, path: str, depth: int = 1) -> int:
    """Validate a `children` array at `depth` (1 = the request's top level); returns the blocks counted."""
    expect(isinstance(children, list), path, "an array", children)
    count = 0
    for i, block in enumerate(children):
        count += check_block(block, f"{path}[{i}]", depth)
    return count


def check_block(block: Any, path: str, depth: int, *, parent_width: int | None = None) -> int:
    kind = block_type(block, path)
    data: dict[str, Any] = block[kind]
    check_block_data(kind, data, f"{path}.{kind}", creating=True)
    if kind == "table_row" and parent_width is not None:
        cells = data["cells"]
        expect(
            len(cells) == parent_width,
            f"{path}.table_row.cells.length",
            f"`{parent_width}` (the table_width)",
            len(cells),
        )
    children = data.get("children")
    if children is None:
        expect(kind != "table", f"{path}.table.children", "defined", None)
        return 1
    if depth > MAX_DEPTH:
        raise body_validation(f"{path}.{kind}.children", "not present", children)
    if kind == "table":
        expect(isinstance(children, list), f"{path}.table.children", "an array", children)
        width = data["table_width"]
        for i, row in enumerate(children):
            row_path = f"{path}.table.children[{i}]"
            expect(
                block_type(row, row_path) == "table_row", f"{row_path}.type", '`"table_row"`', row.get("type")
            )
            check_block(row, row_path, depth + 1, parent_width=width)
        return 1 + len(children)
    expect(kind in TEXT_BLOCKS, f"{path}.{kind}.children", "not present", children)
    return 1 + check_children(children, f"{path}.{kind}.children", depth + 1)


def _check_caption(data: dict[str, Any], path: str) -> None:
    if "caption" in data:
        check_rich_text(data["caption"], f"{path}.caption")


def check_block_data(kind: str, data: dict[str, Any], path: str, *, creating: bool) -> None:
    """The fields of one block's type object; `creating=False` is an update where omitted fields stay."""
    checks: dict[str, Callable[[], None]] = {
        "rich_text": lambda: check_rich_text(data["rich_text"], f"{path}.rich_text"),
        "color": lambda: expect(data["color"] in COLORS, f"{path}.color", "a color", data["color"]),
        "checked": lambda: expect(
            isinstance(data["checked"], bool), f"{path}.checked", "a boolean", data["checked"]
        ),
        "is_toggleable": lambda: expect(
            isinstance(data["is_toggleable"], bool),
            f"{path}.is_toggleable",
            "a boolean",
            data["is_toggleable"],
        ),
    }
    if kind in TEXT_BLOCKS:
        if creating:
            expect("rich_text" in data, f"{path}.rich_text", "defined", None)
        for key, check in checks.items():
            if key in data:
                check()
        if "icon" in data and data["icon"] is not None:
            expect(isinstance(data["icon"], dict), f"{path}.icon", "an object", data["icon"])
    elif kind == "code":
        if creating or "rich_text" in data:
            checks["rich_text"]()
        if creating or "language" in data:
            language = data.get("language")
            if language not in CODE_LANGUAGES:
                allowed = ", ".join(f'`"{name}"`' for name in sorted(CODE_LANGUAGES))
                raise body_validation(f"{path}.language", f"one of {allowed}", language)
        _check_caption(data, path)
    elif kind == "equation":
        expression: Any = data.get("expression")
        expect(isinstance(expression, str), f"{path}.expression", "a string", expression)
        size = utf16_len(expression)
        expect(size <= MAX_EQUATION, f"{path}.expression.length", f"≤ `{MAX_EQUATION}`", size)
    elif kind == "image":
        external: Any = data.get("external")
        expect(isinstance(external, dict), f"{path}.external", "an object", external)
        url = external.get("url")
        expect(isinstance(url, str), f"{path}.external.url", "a string", url)
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise validation(f"Invalid URL: {path}.external.url was `{url}`.")
        _check_caption(data, path)
    elif kind == "bookmark":
        check_url(data.get("url"), f"{path}.url", ("http", "https"))
        _check_caption(data, path)
    elif kind == "table":
        if creating:
            width = data.get("table_width")
            positive = isinstance(width, int) and not isinstance(width, bool) and width >= 1
            expect(positive, f"{path}.table_width", "a positive integer", width)
        else:
            expect(
                "table_width" not in data,
                f"{path}.table_width",
                "not present (it can't change)",
                data.get("table_width"),
            )
    elif kind == "table_row":
        cells: Any = data.get("cells")
        expect(isinstance(cells, list), f"{path}.cells", "an array", cells)
        for i, cell in enumerate(cells):
            check_rich_text(cell, f"{path}.cells[{i}]")


def check_page_size(value: Any, path: str) -> int:
    prefix = "query" if path.startswith("query") else "body"
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ARRAY:
        raise validation(
            f"{prefix} failed validation: {path} should be a number between 1 and {MAX_ARRAY}, "
            f"instead was `{value}`."
        )
    return value


def check_option_name(name: Any, path: str) -> str:
    expect(isinstance(name, str) and name != "", path, "a non-empty string", name)
    if "," in name:
        raise validation(f"Invalid select option, commas not allowed: {name}")
    expect(utf16_len(name) <= MAX_ARRAY, f"{path}.length", f"≤ `{MAX_ARRAY}`", utf16_len(name))
    return str(name)


def check_number(value: Any, path: str) -> None:
    ok = value is None or (
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    )
    expect(ok, path, "a number or `null`", value)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_date(value: Any, path: str) -> None:
    if value is None:
        return
    expect(isinstance(value, dict), path, "an object or `null`", value)
    for key in ("start", "end"):
        if key == "end" and value.get("end") is None:
            continue
        stamp = value.get(key)
        expect(
            isinstance(stamp, str) and _DATE.match(stamp) is not None,
            f"{path}.{key}",
            "an ISO 8601 date",
            stamp,
        )
        try:
            (date.fromisoformat if len(stamp) == 10 else datetime.fromisoformat)(stamp)
        except ValueError:
            raise body_validation(f"{path}.{key}", "an ISO 8601 date", stamp) from None


def check_text_value(value: Any, path: str, limit: int) -> None:
    if value is None:
        return
    expect(isinstance(value, str) and value != "", path, "a non-empty string or `null`", value)
    expect(utf16_len(value) <= limit, f"{path}.length", f"≤ `{limit}`", utf16_len(value))
