"""The block tree vaultkit wants in Notion, as plain values: what the mapping produces, what the request
packer splits and what the block diff compares with the page Notion has.

A `Block` holds its type object *without* children (Notion nests `children` inside the type object, which
makes the tree awkward to walk and to compare); `to_api` puts them back where the API wants them. `key` is
the block's identity for diffing: two blocks with the same key need no update, whatever their children.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Block", "RemoteBlock", "canonical_json"]


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value (sorted keys, no spaces, non-ASCII kept), for keys and size counts."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Block:
    """One block to have in Notion.

    `content` is the block's type object without `children`, in the canonical form the mapping writes
    (see `vaultkit.notion.blocks`); `line` is the 1-based line of the note it came from, so a block Notion
    rejects can be reported by line.
    """

    type: str
    content: Mapping[str, Any]
    children: tuple[Block, ...] = ()
    line: int = 0

    @property
    def key(self) -> str:
        """A digest of type and content, children left out: equal keys mean no update is needed."""
        digest = hashlib.sha256(f"{self.type}\0{canonical_json(self.content)}".encode())
        return digest.hexdigest()[:32]

    def size(self) -> int:
        """How many blocks this subtree holds, itself included (Notion's 1000-blocks-per-request count)."""
        return 1 + sum(child.size() for child in self.children)

    def to_api(self, depth: int | None = None) -> dict[str, Any]:
        """The JSON Notion's API takes for this block, with `depth` levels of children (None: all)."""
        body: dict[str, Any] = dict(self.content)
        if self.children and (depth is None or depth > 0):
            below = None if depth is None else depth - 1
            body["children"] = [child.to_api(below) for child in self.children]
        return {"object": "block", "type": self.type, self.type: body}


@dataclass(frozen=True)
class RemoteBlock:
    """A block as Notion has it: its id, and its type and content read back into the canonical form."""

    id: str
    type: str
    content: Mapping[str, Any]
    children: tuple[RemoteBlock, ...] = field(default=())
    has_children: bool = False

    @property
    def key(self) -> str:
        return Block(self.type, self.content).key
