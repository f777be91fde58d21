"""A tiny in-memory Notion block tree that replays plans and enforces the append limits.

It stands for the executor and for Notion at once: it resolves `Ref`s as the executor will (ids learnt
from the first-level results of each append), and refuses any request that Notion would answer with 400.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vaultkit.notion.model import Block, RemoteBlock, canonical_json
from vaultkit.notion.pack import (
    MAX_BLOCKS,
    MAX_BYTES,
    MAX_CHILDREN,
    AppendRequest,
    Created,
    Existing,
    Page,
    Ref,
    Start,
)


class LimitError(AssertionError):
    """What Notion would answer with a 400 validation_error."""


@dataclass
class Node:
    id: str
    type: str
    content: dict[str, Any]
    children: list[Node] = field(default_factory=list)


Shape = tuple[str, str, tuple["Shape", ...]]


def shape_of_blocks(blocks: Sequence[Block]) -> tuple[Shape, ...]:
    return tuple((b.type, canonical_json(b.content), shape_of_blocks(b.children)) for b in blocks)


def shape_of_nodes(nodes: Sequence[Node]) -> tuple[Shape, ...]:
    return tuple((n.type, canonical_json(n.content), shape_of_nodes(n.children)) for n in nodes)


class Simulator:
    def __init__(self, remote: Sequence[RemoteBlock] = ()) -> None:
        self._ids = (f"id-{n:04d}" for n in itertools.count())
        self.page = Node("page", "page", {})
        self.by_id: dict[str, Node] = {"page": self.page}
        self.parent_of: dict[str, Node] = {}
        self.created: dict[tuple[int, ...], str] = {}
        self.requests = 0
        self.page.children = [self._adopt(block, self.page) for block in remote]

    def _adopt(self, block: RemoteBlock, parent: Node) -> Node:
        node = Node(block.id, block.type, dict(block.content))
        self.by_id[node.id] = node
        self.parent_of[node.id] = parent
        node.children = [self._adopt(child, node) for child in block.children]
        return node

    def resolve(self, ref: Ref | Existing | Created) -> Node:
        if isinstance(ref, Page):
            return self.page
        if isinstance(ref, Existing):
            return self.by_id[ref.id]
        return self.by_id[self.created[ref.path]]

    def append(self, request: AppendRequest) -> None:
        self.requests += 1
        parent = self.resolve(request.parent)
        after_id = None
        if isinstance(request.after, Existing | Created):
            after_id = self.resolve(request.after).id
        body = request.body(after_id)
        size = len(canonical_json(body).encode())
        if size > MAX_BYTES:
            raise LimitError(f"body of {size} bytes")
        children = body["children"]
        counter = [0]
        nodes = [self._build(child, parent, 1, counter) for child in self._checked(children)]
        if counter[0] > MAX_BLOCKS:
            raise LimitError(f"{counter[0]} blocks in one request")
        if isinstance(request.after, Start):
            index = 0
        elif after_id is None:
            index = len(parent.children)
        else:
            positions = [n.id for n in parent.children]
            if after_id not in positions:
                raise LimitError(f"{after_id} is not a child of {parent.id}")
            index = positions.index(after_id) + 1
        parent.children[index:index] = nodes
        assert len(request.created) == len(nodes)
        for ref, node in zip(request.created, nodes, strict=True):
            assert ref.path not in self.created, ref
            self.created[ref.path] = node.id

    @staticmethod
    def _checked(children: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not children:
            raise LimitError("children should be not empty")
        if len(children) > MAX_CHILDREN:
            raise LimitError(f"children.length should be ≤ 100, instead was {len(children)}")
        return children

    def _build(self, api: dict[str, Any], parent: Node, depth: int, counter: list[int]) -> Node:
        counter[0] += 1
        kind = api["type"]
        content = dict(api[kind])
        below = content.pop("children", None)
        node = Node(next(self._ids), kind, content)
        self.by_id[node.id] = node
        self.parent_of[node.id] = parent
        if below is not None:
            if depth >= 3:
                raise LimitError(f"a {kind} at depth {depth}: children should be not present")
            node.children = [self._build(c, node, depth + 1, counter) for c in self._checked(below)]
        elif kind == "table":
            raise LimitError("a table is created with its rows")
        return node

    def replay(self, requests: Sequence[AppendRequest]) -> None:
        for request in requests:
            self.append(request)

    def set_content(self, block_id: str, kind: str, content: dict[str, Any]) -> None:
        """A block update: only the fields sent change (Notion keeps the omitted ones)."""
        self.requests += 1
        node = self.by_id[block_id]
        assert node.type == kind, (node.type, kind)
        node.content.update(content)

    def remove(self, block_id: str) -> None:
        """A block delete: it goes, with its children."""
        self.requests += 1
        node = self.by_id.pop(block_id)
        self.parent_of[block_id].children.remove(node)

    def shape(self) -> tuple[Shape, ...]:
        return shape_of_nodes(self.page.children)
