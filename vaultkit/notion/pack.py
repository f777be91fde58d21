"""Splitting a tree of blocks into append requests that meet Notion's limits by construction.

Notion rejects a whole append (HTTP 400) when any `children` array holds more than 100 blocks, when the
request holds more than 1000 blocks or 500 KB, or when a block at depth 3 carries `children`. `pack` never
produces such a request: what does not fit goes into follow-up requests, in order, appended to the block an
earlier request created. The plan is plain values; the executor (the client edge) runs it in list order.

Where do deferred children go? The append response lists only the *first-level* blocks it created, so
the executor knows the id of a block only if it was a top-level child of some request. Deferring the
children of a block at depth 2 or 3 would make the executor list the children of its parents (one read per
level) before it could append to it. `pack` therefore defers children only of first-level blocks: a block
at depth 2 or 3 of a request always goes with its whole subtree, and a first-level block whose subtree
cannot go whole takes the longest prefix of its children that can, the rest following in later requests
with that block as their parent. The cost is one extra write per level for chains deeper than three (a
6-level list takes 4 requests where "send 3 levels, then read twice" would take 2 writes and 2 reads); the
gain is a plan with no reads in it, whose every parent is known when its request runs.

Paths: `Created(path)` names a block by its place in the desired tree of the page (indices from the top
level down), so the ids the executor learns from every request of a page fit one dictionary.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vaultkit.errors import VaultkitError
from vaultkit.notion.model import Block, canonical_json

__all__ = [
    "MAX_BLOCKS",
    "MAX_BYTES",
    "MAX_CHILDREN",
    "MAX_DEPTH",
    "SAFETY_MARGIN",
    "After",
    "AppendRequest",
    "Created",
    "Existing",
    "Page",
    "Ref",
    "RequestTooLargeError",
    "Start",
    "pack",
]

MAX_CHILDREN = 100
MAX_BLOCKS = 1000
MAX_BYTES = 500_000  # "500 KB", read as the stricter decimal kilobytes
SAFETY_MARGIN = 4_096  # room for what the client adds to the body we measure (we measure it exactly)
MAX_DEPTH = 3  # a block at this depth of a request may not carry children

# Types Notion will not create without children: the first row goes with the table, always.
NEEDS_CHILDREN = frozenset({"table"})

_PLACEHOLDER_ID = "0" * 36  # a dashed UUID's length: the envelope is measured with the longest id


@dataclass(frozen=True)
class Page:
    """The page being synced: its id may only exist once the sync created the page."""


@dataclass(frozen=True)
class Existing:
    """A block (or page) Notion already has, by id."""

    id: str


@dataclass(frozen=True)
class Created:
    """A block an earlier request of the plan creates, by its path in the desired tree of the page."""

    path: tuple[int, ...]


@dataclass(frozen=True)
class Start:
    """Before the parent's first child (Notion's `{"type": "start"}` position)."""


Ref = Page | Existing | Created
# Where the children go: after a block, at the start, or (None) at the end.
After = Existing | Created | Start | None


@dataclass(frozen=True)
class AppendRequest:
    """One `PATCH /v1/blocks/{parent}/children`.

    `created[i]` names the block that `children[i]` creates: the executor pairs them with the response's
    `results` (first-level blocks, in order) to learn the ids later requests refer to. `lines[i]` is the
    note line of `children[i]`, so a block Notion rejects can be reported by line.
    """

    parent: Ref
    after: After
    children: tuple[dict[str, Any], ...]
    created: tuple[Created, ...]
    lines: tuple[int, ...]

    def body(self, after_id: str | None = None) -> dict[str, Any]:
        """The JSON body, given the id `after` resolved to (needed when `after` names a block)."""
        body: dict[str, Any] = {"children": list(self.children)}
        if isinstance(self.after, Start):
            body["position"] = {"type": "start"}
        elif self.after is not None:
            if after_id is None:
                raise ValueError(f"the request appends after {self.after}: its id is needed")
            body["position"] = {"type": "after_block", "after_block": {"id": after_id}}
        return body


class RequestTooLargeError(VaultkitError):
    """One block is bigger than a whole request may be: no split can send it."""

    def __init__(self, block: Block, size: int) -> None:
        self.line = block.line
        super().__init__(
            f"line {block.line}: a {block.type} block of {size} bytes does not fit in one Notion request "
            f"(at most {_ROOM} bytes of blocks)"
        )


@dataclass
class _Job:
    """Siblings still to append under one parent, each with its path in the desired tree."""

    parent: Ref
    after: After
    items: list[tuple[tuple[int, ...], Block]]


class _Sizes:
    """Byte sizes of blocks as the request spells them, measured once per block and kept for the call."""

    def __init__(self) -> None:
        self._whole: dict[int, int] = {}
        self._bare: dict[int, int] = {}

    def whole(self, block: Block) -> int:
        key = id(block)
        if key not in self._whole:
            self._whole[key] = len(canonical_json(block.to_api()).encode())
        return self._whole[key]

    def bare(self, block: Block) -> int:
        key = id(block)
        if key not in self._bare:
            self._bare[key] = len(canonical_json(block.to_api(0)).encode())
        return self._bare[key]


# `,"children":[` and `]` added to a type object that gains children (13 bytes when the object was empty).
_CHILDREN_OVERHEAD = len(',"children":[]')


def pack(
    parent: Ref, blocks: Sequence[Block], after: After = None, *, start: tuple[int, ...] = (0,)
) -> list[AppendRequest]:
    """The append requests that create `blocks` under `parent`, in order, after `after` (None: at the end).

    `start` is the desired-tree path of `blocks[0]` (the rest follow it: `blocks[k]` is at
    `start[:-1] + (start[-1] + k,)`); the default suits a page's whole body. Requests run in list order:
    each names only parents that exist by then. Every request but the last of a run of siblings is full:
    it holds 100 blocks, or the next sibling would not fit in it whole.
    """
    sizes = _Sizes()
    prefix, first = start[:-1], start[-1]
    jobs = deque([_Job(parent, after, [((*prefix, first + k), block) for k, block in enumerate(blocks)])])
    requests: list[AppendRequest] = []
    while jobs:
        job = jobs.popleft()
        position, items = job.after, job.items
        while items:
            request, taken, followups = _fill(job.parent, position, items, sizes)
            requests.append(request)
            jobs.extend(followups)
            items = items[taken:]
            position = request.created[-1]
    return requests


def _fits_whole(block: Block, depth: int) -> bool:
    """Whether `block` at `depth` of a request can carry its whole subtree without breaking nesting."""
    if not block.children:
        return True
    if depth >= MAX_DEPTH or len(block.children) > MAX_CHILDREN:
        return False
    return all(_fits_whole(child, depth + 1) for child in block.children)


def _room() -> int:
    """Bytes the children of one request may take: the limit less the margin and the largest envelope."""
    probe = AppendRequest(Page(), Created(()), (), (), ())
    return MAX_BYTES - SAFETY_MARGIN - len(canonical_json(probe.body(_PLACEHOLDER_ID)).encode())


_ROOM = _room()


def _fill(
    parent: Ref, after: After, items: list[tuple[tuple[int, ...], Block]], sizes: _Sizes
) -> tuple[AppendRequest, int, list[_Job]]:
    """One request of siblings from the front of `items`: how many it took, and the children it deferred."""
    room_blocks = MAX_BLOCKS
    room_bytes = _ROOM
    children: list[dict[str, Any]] = []
    created: list[Created] = []
    lines: list[int] = []
    followups: list[_Job] = []
    for path, block in items:
        if len(children) == MAX_CHILDREN:
            break
        structurally_whole = _fits_whole(block, 1)
        if structurally_whole and block.size() <= room_blocks and sizes.whole(block) + 1 <= room_bytes:
            children.append(block.to_api())
            room_blocks -= block.size()
            room_bytes -= sizes.whole(block) + 1
        else:
            if children and structurally_whole and _fits_fresh(block, sizes):
                break  # it goes whole into the next request rather than split here
            bare = sizes.bare(block) + _CHILDREN_OVERHEAD + 1
            if room_blocks < 1 or bare > room_bytes:
                if children:
                    break
                raise RequestTooLargeError(block, sizes.bare(block))
            room_blocks -= 1
            room_bytes -= bare
            sent: list[dict[str, Any]] = []
            for child in block.children[:MAX_CHILDREN]:
                if not _fits_whole(child, 2) or child.size() > room_blocks:
                    break
                cost = sizes.whole(child) + 1
                if cost > room_bytes:
                    break
                sent.append(child.to_api())
                room_blocks -= child.size()
                room_bytes -= cost
            if block.type in NEEDS_CHILDREN and block.children and not sent:
                if children:
                    break
                raise RequestTooLargeError(block, sizes.whole(block))
            api = block.to_api(0)
            if sent:
                api[block.type]["children"] = sent
            children.append(api)
            rest = block.children[len(sent) :]
            if rest:
                below = [((*path, len(sent) + k), child) for k, child in enumerate(rest)]
                followups.append(_Job(Created(path), None, below))
        created.append(Created(path))
        lines.append(block.line)
    request = AppendRequest(parent, after, tuple(children), tuple(created), tuple(lines))
    return request, len(children), followups


def _fits_fresh(block: Block, sizes: _Sizes) -> bool:
    """Whether `block` would go whole into an empty request (then it never needs splitting)."""
    return block.size() <= MAX_BLOCKS and sizes.whole(block) + 1 <= _ROOM
