"""Making a page's body in Notion equal the desired block tree, with the fewest writes and never twice.

`read_tree` reads the page's blocks (every level) into the canonical form the mapping writes, so an
unchanged page diffs to nothing and a re-sync sends no write. `sync_body` runs `diff_blocks` and executes
its ops in order: an `Update` is one `PATCH /v1/blocks/{id}` (idempotent: the client may repeat it), a
`Delete` one `DELETE /v1/blocks/{id}`, an `Insert` the append requests `pack` plans for it.

An append is not idempotent: repeated after "saved, then 503" or a dropped connection it would double
the blocks. So each append carries a `confirm` read-back for the client: it lists the parent's children
and looks for this request's blocks where they would have landed (right after the anchor, at the start,
or after the children the parent had before), by key, and returns them as the answer when found. To
tell "landed" from "already there", the executor keeps the number of live children it expects each
parent to have (from the tree it read, less its deletes, plus its appends).

A request Notion rejects (400) is raised as `BlockRejected`, naming the note line of the block that
Notion's message points at (`body.children[3].bulleted_list_item.children[0]...`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vaultkit.notion.client import Notion, NotionError
from vaultkit.notion.diff import Delete, Insert, Update, diff_blocks
from vaultkit.notion.model import Block, RemoteBlock
from vaultkit.notion.pack import AppendRequest, Created, Existing, Page, Ref, Start
from vaultkit.notion.readback import (
    PROTECTED,
    blamed_path,
    block_summary,
    canonical_text,
    remote_block,
    update_body,
)
from vaultkit.notion.schema import plain_id

__all__ = ["BlockRejected", "BodyOutcome", "read_tree", "sync_body"]

log = logging.getLogger("vaultkit.notion.body")


class BlockRejected(NotionError):  # noqa: N818 (the name says what happened; it is a NotionError)
    """Notion refused a request (400) because of one block: `block` is it, `line` its line in the note.

    The message reads `line 42 (bulleted list item "Learn Kafka…"): Notion says: body.children[3]...`, so
    the user can find the block without knowing Notion's JSON.
    """

    def __init__(self, error: NotionError, block: Block) -> None:
        super().__init__(
            error.message, code=error.code, status=error.status, request_id=error.request_id,
            method=error.method, path=error.path,
        )
        self.block = block
        self.line = block.line
        said = error.message.removeprefix("body failed validation: ")
        self.args = (f"line {block.line} ({block_summary(block)}): Notion says: {said}",)


@dataclass(frozen=True)
class BodyOutcome:
    """What one `sync_body` did: blocks updated in place, blocks created (nested ones included), blocks
    deleted, and the write requests it sent (retries not counted; the client's `counts` has those)."""

    updates: int = 0
    inserts: int = 0
    deletes: int = 0
    requests: int = 0

    @property
    def changed(self) -> bool:
        return self.requests > 0


def read_tree(notion: Notion, page_id: str) -> list[RemoteBlock]:
    """The page's whole block tree, every level read (paginated), in the mapping's canonical form.

    Trashed blocks are left out; sub-pages and databases in the body are kept as blocks but not read
    into (their content is another page's).
    """
    return _read_children(notion, page_id)


def _read_children(notion: Notion, block_id: str) -> list[RemoteBlock]:
    out: list[RemoteBlock] = []
    for raw in _live_children(notion, block_id):
        below: list[RemoteBlock] = []
        if raw.get("has_children") and raw.get("type") not in PROTECTED:
            below = _read_children(notion, str(raw["id"]))
        out.append(remote_block(raw, below))
    return out


def _live_children(notion: Notion, block_id: str) -> Iterator[dict[str, Any]]:
    for raw in notion.paginate("GET", f"blocks/{block_id}/children"):
        if not (raw.get("in_trash") or raw.get("archived")):
            yield raw


def sync_body(
    notion: Notion, page_id: str, desired: Sequence[Block], remote: Sequence[RemoteBlock] | None = None
) -> BodyOutcome:
    """Make the body of page `page_id` equal `desired` (`remote`: its tree as read; None: read it now).

    Raises `BlockRejected` when Notion refuses a block, `NotionError` when it cannot be reached after
    every retry; the ops before the failing one stay applied, and the next sync diffs from there.
    """
    if remote is None:
        remote = read_tree(notion, page_id)
    run = _Run(notion, page_id, desired, remote)
    for op in diff_blocks(Page(), remote, run.canonical):
        if isinstance(op, Update):
            run.update(op)
        elif isinstance(op, Delete):
            run.delete(op)
        else:
            run.insert(op)
    return BodyOutcome(run.updates, run.inserts, run.deletes, run.requests)


def _same_id(a: str, b: str) -> bool:
    return plain_id(a) == plain_id(b)


class _Run:
    """The state of one `sync_body`: ids learnt from appends, the children count each parent should have
    (for the read-back of an append), and what was done."""

    def __init__(
        self, notion: Notion, page_id: str, desired: Sequence[Block], remote: Sequence[RemoteBlock]
    ) -> None:
        self.notion = notion
        self.page_id = page_id
        self.desired = desired  # as given: what a rejection names
        self.canonical = [canonical_text(block) for block in desired]  # what is compared and sent
        self.created: dict[tuple[int, ...], str] = {}
        self.count: dict[str, int] = {page_id: len(remote)}
        self.parent_of: dict[str, str] = {}
        self.protected: set[str] = set()
        self._index(page_id, remote)
        self.updates = self.inserts = self.deletes = self.requests = 0

    def _index(self, parent_id: str, blocks: Sequence[RemoteBlock]) -> None:
        for block in blocks:
            self.parent_of[block.id] = parent_id
            self.count[block.id] = len(block.children)
            if block.type in PROTECTED:
                self.protected.add(block.id)
            self._index(block.id, block.children)

    # ----- ops ---------------------------------------------------------------------------------------------
    def update(self, op: Update) -> None:
        self.requests += 1
        try:
            self.notion.call("PATCH", f"blocks/{op.block_id}", body=update_body(op.type, op.content))
        except NotionError as error:
            if error.code == "validation_error":
                raise BlockRejected(error, self._block_with(op)) from error
            raise
        self.updates += 1

    def delete(self, op: Delete) -> None:
        if op.block_id in self.protected:
            log.info("block %s is a page or database: left in place", op.block_id)
            return
        self.requests += 1
        try:
            self.notion.call("DELETE", f"blocks/{op.block_id}", confirm=lambda: self._trashed(op.block_id))
        except NotionError as error:
            # A repeat of a delete that landed unseen answers "archived": the block is gone, as wanted.
            if not (error.code == "validation_error" and "archived" in error.message):
                raise
        self.deletes += 1
        parent = self.parent_of.get(op.block_id)
        if parent is not None and parent in self.count:
            self.count[parent] -= 1

    def _trashed(self, block_id: str) -> dict[str, Any] | None:
        """The block when it is in the trash already; None (repeat the delete) when it is not, or when
        even reading it fails: a delete is safe to repeat, and a repeat of one that landed answers
        "archived", which `delete` takes as done."""
        try:
            block = self.notion.get(f"blocks/{block_id}")
        except NotionError:
            return None
        return block if block.get("in_trash") or block.get("archived") else None

    def insert(self, op: Insert) -> None:
        for request in op.requests():
            self.append(request)

    def append(self, request: AppendRequest) -> None:
        parent_id = self._resolve(request.parent)
        after_id = None
        if request.after is not None and not isinstance(request.after, Start):
            after_id = self._resolve(request.after)
        before = self.count.get(parent_id)
        confirm = self._confirm(request, parent_id, after_id, before)
        self.requests += 1
        try:
            answer = self.notion.call(
                "PATCH", f"blocks/{parent_id}/children", body=request.body(after_id), confirm=confirm
            )
        except NotionError as error:
            if error.code == "validation_error":
                raise BlockRejected(error, self._blamed(request, error.message)) from error
            raise
        results = answer.get("results", [])
        if len(results) != len(request.created):
            raise NotionError(
                f"appended {len(request.created)} blocks, Notion answered with {len(results)}",
                code="invalid_response", method="PATCH", path=f"blocks/{parent_id}/children",
            )
        for ref, child, result in zip(request.created, request.children, results, strict=True):
            new_id = str(result["id"])
            self.created[ref.path] = new_id
            self.count[new_id] = len(child[child["type"]].get("children") or [])
            self.parent_of[new_id] = parent_id
            self.inserts += _size(child)
        if before is not None:
            self.count[parent_id] = before + len(results)

    def _confirm(
        self, request: AppendRequest, parent_id: str, after_id: str | None, before: int | None
    ) -> Callable[[], dict[str, Any] | None]:
        """The read-back for one append: its blocks where they would have landed, or None."""
        wanted = [remote_block({**child, "id": ""}).key for child in request.children]

        def confirm() -> dict[str, Any] | None:
            live = list(_live_children(self.notion, parent_id))
            if before is not None and len(live) == before:
                return None
            if isinstance(request.after, Start):
                start = 0
            elif after_id is not None:
                anchor = [k for k, raw in enumerate(live) if _same_id(str(raw["id"]), after_id)]
                if not anchor:
                    return None
                start = anchor[0] + 1
            else:
                start = before if before is not None else len(live) - len(wanted)
            window = live[start : start + len(wanted)]
            if len(window) == len(wanted) and [remote_block(raw).key for raw in window] == wanted:
                return {"object": "list", "results": window}
            return None

        return confirm

    # ----- ids and blame -----------------------------------------------------------------------------------
    def _resolve(self, ref: Ref | Existing | Created) -> str:
        if isinstance(ref, Page):
            return self.page_id
        if isinstance(ref, Existing):
            return ref.id
        return self.created[ref.path]

    def _desired_at(self, path: Sequence[int]) -> Block:
        blocks: Sequence[Block] = self.desired
        block = blocks[path[0]]
        for index in path[1:]:
            block = block.children[index]
        return block

    def _blamed(self, request: AppendRequest, message: str) -> Block:
        """The block of `request` that Notion's message names (its first block when it names none)."""
        path = blamed_path(message) or (0,)
        top = min(path[0], len(request.created) - 1)
        block = self._desired_at(request.created[top].path)
        for index in path[1:]:
            if index >= len(block.children):
                break
            block = block.children[index]
        return block

    def _block_with(self, op: Update) -> Block:
        """The desired block an update writes: the first of that type holding every field it sends (a
        table's update leaves `table_width` out; equal contents share a line's problem)."""

        def walk(canonical: Sequence[Block], given: Sequence[Block]) -> Iterator[tuple[Block, Block]]:
            for sent, block in zip(canonical, given, strict=True):
                yield sent, block
                yield from walk(sent.children, block.children)

        for sent, block in walk(self.canonical, self.desired):
            if sent.type == op.type and all(sent.content.get(k) == v for k, v in op.content.items()):
                return block
        return Block(op.type, op.content)


def _size(child: Mapping[str, Any]) -> int:
    """Blocks in one request child, itself and its nested children."""
    return 1 + sum(_size(grand) for grand in child[child["type"]].get("children") or [])
