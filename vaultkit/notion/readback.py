"""A block as Notion returns it, in the canonical form the mapping writes; and which block of a request
Notion's error message blames. Pure: values in, values out.

Notion answers with more than it was sent: ids, timestamps, authors, `plain_text` and `href` on every
rich-text item, every annotation spelled out, and defaults for the fields the mapping leaves alone
(`color: "default"`, `is_toggleable`, an empty `caption`). A block read back must compare equal (by
`Block.key`) to the block sent, or a re-sync would rewrite an unchanged page; so for each type the mapping
produces, exactly the fields the mapping sets are kept, and rich text goes through `canonical_rich_text`.
A type the mapping never produces keeps all its own fields (it can only ever be deleted or left alone).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from vaultkit.notion.model import Block, RemoteBlock
from vaultkit.notion.richtext import canonical_rich_text, plain_text

__all__ = [
    "FIELDS",
    "PROTECTED",
    "blamed_path",
    "block_summary",
    "canonical_content",
    "canonical_text",
    "remote_block",
    "update_body",
]

_TEXT: Final = ("rich_text",)

#: The fields the mapping (`vaultkit.notion.blocks`) sets, per block type: all a read-back keeps.
FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "paragraph": _TEXT,
    "heading_1": _TEXT,
    "heading_2": _TEXT,
    "heading_3": _TEXT,
    "bulleted_list_item": _TEXT,
    "numbered_list_item": _TEXT,
    "quote": _TEXT,
    "toggle": _TEXT,
    "to_do": ("rich_text", "checked"),
    "callout": ("rich_text", "icon", "color"),
    "code": ("rich_text", "language"),
    "equation": ("expression",),
    "divider": (),
    "image": ("type", "external", "caption"),
    "table": ("table_width", "has_column_header", "has_row_header"),
    "table_row": ("cells",),
}

#: Blocks that are whole pages or databases: a body sync never trashes them (nor reads into them).
PROTECTED: Final = frozenset({"child_page", "child_database"})

# Fields an in-place update must send even when the desired block leaves them out: Notion keeps an
# omitted field's old value, so an image whose caption was removed would keep it for ever.
_CLEARED: Final[Mapping[str, Mapping[str, Any]]] = {"image": {"caption": []}}

_READ_ONLY: Final = frozenset({"children"})


def canonical_content(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The type object of a block read from Notion (`block[block["type"]]`) in the mapping's form."""
    wanted = FIELDS.get(kind)
    names = [name for name in data if name not in _READ_ONLY] if wanted is None else wanted
    out: dict[str, Any] = {}
    for name in names:
        if name not in data:
            continue
        value = data[name]
        if name in ("rich_text", "caption"):
            value = canonical_rich_text(value or [])
            if name == "caption" and not value:
                continue  # the mapping leaves an empty caption out
        elif name == "cells":
            value = [canonical_rich_text(cell or []) for cell in value or []]
        elif name == "icon":
            value = _icon(value)
        elif name in ("external", "file") and isinstance(value, Mapping):
            value = {"url": value.get("url")}
        out[name] = value
    return out


def canonical_text(block: Block) -> Block:
    """`block` (and its subtree) with every rich-text array in canonical form, all other fields as given.

    The mapping writes canonical rich text; this makes sure of it where the diff compares, so one
    spelling the mapping might leave unmerged (two neighbours of one style) does not rewrite the block on
    every sync. Fields are kept, not filtered: a field the read-back drops shows up as a write on re-sync.
    """
    content = dict(block.content)
    for name in ("rich_text", "caption"):
        if name in content:
            content[name] = canonical_rich_text(content[name])
    if "cells" in content:
        content["cells"] = [canonical_rich_text(cell) for cell in content["cells"]]
    return Block(block.type, content, tuple(canonical_text(child) for child in block.children), block.line)


def _icon(icon: Any) -> Any:
    if isinstance(icon, Mapping) and icon.get("type") == "emoji":
        return {"type": "emoji", "emoji": icon.get("emoji")}
    return icon


def remote_block(raw: Mapping[str, Any], children: Sequence[RemoteBlock] = ()) -> RemoteBlock:
    """A block object of Notion's API as a `RemoteBlock` with its (already read) children."""
    kind = str(raw["type"])
    return RemoteBlock(
        id=str(raw["id"]),
        type=kind,
        content=canonical_content(kind, raw.get(kind) or {}),
        children=tuple(children),
        has_children=bool(raw.get("has_children")),
    )


def update_body(kind: str, content: Mapping[str, Any]) -> dict[str, Any]:
    """`PATCH /v1/blocks/{id}` for a block of `kind` to hold exactly `content` (cleared fields included)."""
    data = {**_CLEARED.get(kind, {}), **content}
    return {kind: data}


# `body.children[3].bulleted_list_item.children[0].to_do.rich_text[0]...`: the indices down the tree.
_PATH_RE: Final = re.compile(r"body\.children\[(\d+)\]((?:\.[a-z0-9_]+\.children\[\d+\])*)")
_STEP_RE: Final = re.compile(r"\.[a-z0-9_]+\.children\[(\d+)\]")


def blamed_path(message: str) -> tuple[int, ...] | None:
    """The child indices (top level first) of the block Notion's message names, None when it names none."""
    found = _PATH_RE.search(message)
    if found is None:
        return None
    return (int(found.group(1)), *(int(step) for step in _STEP_RE.findall(found.group(2))))


def block_summary(block: Block, width: int = 30) -> str:
    """`bulleted list item "Learn Kafka…"`: the block's type and the start of its text, for messages."""
    kind = block.type.replace("_", " ")
    content = block.content
    if "rich_text" in content:
        text = plain_text(content["rich_text"])
    elif "expression" in content:
        text = str(content["expression"])
    elif block.type == "image":
        text = str((content.get("external") or {}).get("url", ""))
    else:
        text = ""
    text = " ".join(text.split())
    if not text:
        return kind
    if len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return f'{kind} "{text}"'
