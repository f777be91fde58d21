"""The block-level diff between the body Notion has and the body vaultkit wants, with minimal writes.

A re-sync must not touch what did not change, and must never delete and re-create a block it could
update: a re-created block loses its id, its comments and the links to it. So each list of siblings is
aligned for the fewest ops: a kept block costs nothing, a block of the same type is updated in place (a
ticked `to_do` is one `Update` of that block) plus whatever its children's own diff costs, and only what
cannot be updated is deleted and inserted: a change of type, or a table whose `table_width` changes
(Notion cannot change it). Children cannot be changed by an update, so a kept or updated block whose
children differ keeps its id and gets a diff of its children.

The alignment is exact (an edit distance) for the changed middle of a list once the common start and end
are trimmed, which is what an edit between two syncs leaves; a middle too long for that (a body rewritten
wholesale) is aligned as difflib aligns it, on keys then on types: quick, correct, not always fewest.

`remote` must hold every block's children as read back (`RemoteBlock.children`, complete): the diff
trusts it, and an unread subtree would look empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from vaultkit.notion.model import Block, RemoteBlock
from vaultkit.notion.pack import After, AppendRequest, Existing, Ref, Start, pack

__all__ = ["Delete", "Insert", "Op", "Update", "diff_blocks"]

# What an in-place update may not send: Notion cannot change it (the types differ by it instead).
_FIXED_FIELDS = {"table": ("table_width",)}


@dataclass(frozen=True)
class Update:
    """`PATCH /v1/blocks/{block_id}` with `{type: content}`: the block's own content, children untouched."""

    block_id: str
    type: str
    content: Mapping[str, Any]

    def body(self) -> dict[str, Any]:
        return {self.type: dict(self.content)}


@dataclass(frozen=True)
class Delete:
    """`DELETE /v1/blocks/{block_id}`: the block goes to Notion's trash, with its children."""

    block_id: str


@dataclass(frozen=True)
class Insert:
    """New blocks under `parent`, after `after` (None: at the end); `start`: the first one's desired path."""

    parent: Ref
    after: After
    blocks: tuple[Block, ...]
    start: tuple[int, ...]

    def requests(self) -> list[AppendRequest]:
        """The append requests that create the blocks, within Notion's limits (see `pack`)."""
        return pack(self.parent, self.blocks, self.after, start=self.start)


Op = Update | Delete | Insert


def diff_blocks(
    parent: Ref, remote: Sequence[RemoteBlock], desired: Sequence[Block], *, at: tuple[int, ...] = ()
) -> list[Op]:
    """The operations that turn `parent`'s children `remote` into `desired`, in the order to run them.

    `at` is `parent`'s path in the desired tree (the page: `()`), so inserted blocks are named by their
    desired paths (`pack`'s `Created`). An unchanged tree gives `[]`.
    """
    ops: list[Op] = []
    _diff_level(_Aligner(), parent, remote, desired, at, ops)
    return ops


def _type_token(block: Block | RemoteBlock) -> str:
    """What must be equal for an in-place update: the type, and a table's width."""
    if block.type == "table":
        return f"table:{block.content.get('table_width')}"
    return block.type


Pairs = list[tuple[int | None, int | None]]

# Above this many cells (remote times desired blocks left after trimming the common ends) the exact
# alignment would cost seconds; the changed middle is then aligned as difflib aligns it.
_EXACT_CELLS = 40_000


class _Aligner:
    """Aligns sibling lists so that the ops are fewest: a sequence edit distance whose substitution is an
    in-place update plus the cost of the children's own diff (a top-down tree distance).

    Counting the children matters with repeated blocks: of two equal list items, the one whose children
    also match is the one to keep. Costs are memoised per pair of blocks for one `diff_blocks` call.
    """

    def __init__(self) -> None:
        self._deep: dict[int, str] = {}
        self._pair: dict[tuple[int, int], float] = {}

    def deep(self, block: Block | RemoteBlock) -> str:
        """Key of the whole subtree: equal deep keys need no op at all."""
        known = self._deep.get(id(block))
        if known is None:
            known = block.key + "(" + ",".join(self.deep(child) for child in block.children) + ")"
            self._deep[id(block)] = known
        return known

    def pair_cost(self, old: RemoteBlock, new: Block) -> float:
        """Ops to turn `old` into `new` in place (inf: it cannot be, it is deleted and inserted)."""
        memo = (id(old), id(new))
        if memo not in self._pair:
            if _type_token(old) != _type_token(new):
                cost = float("inf")
            elif self.deep(old) == self.deep(new):
                cost = 0.0
            else:
                own = 0.0 if old.key == new.key else 1.0
                cost = own + self.distance(old.children, new.children)[0]
            self._pair[memo] = cost
        return self._pair[memo]

    def distance(self, remote: Sequence[RemoteBlock], desired: Sequence[Block]) -> tuple[float, Pairs]:
        """The fewest ops (each insert and delete counted once per block) and the alignment giving them."""
        n, m = len(remote), len(desired)
        head = 0
        while head < min(n, m) and self.deep(remote[head]) == self.deep(desired[head]):
            head += 1
        tail = 0
        while tail < min(n, m) - head and self.deep(remote[n - 1 - tail]) == self.deep(desired[m - 1 - tail]):
            tail += 1
        rows, cols = n - head - tail, m - head - tail
        if rows * cols > _EXACT_CELLS:
            middle = self._approximate(remote[head : n - tail], desired[head : m - tail])
            cost = float(sum(1 for i, j in middle if i is None or j is None))
        else:
            cost, middle = self._exact(remote[head : n - tail], desired[head : m - tail])
        pairs: Pairs = [(k, k) for k in range(head)]
        pairs.extend((None if i is None else i + head, None if j is None else j + head) for i, j in middle)
        pairs.extend((n - tail + k, m - tail + k) for k in range(tail))
        return cost, pairs

    def _exact(self, remote: Sequence[RemoteBlock], desired: Sequence[Block]) -> tuple[float, Pairs]:
        n, m = len(remote), len(desired)
        # cost[i][j]: the fewest ops turning remote[i:] into desired[j:]
        cost = [[0.0] * (m + 1) for _ in range(n + 1)]
        for i in range(n, -1, -1):
            for j in range(m, -1, -1):
                if i == n or j == m:
                    cost[i][j] = float((n - i) + (m - j))
                    continue
                paired = self.pair_cost(remote[i], desired[j]) + cost[i + 1][j + 1]
                cost[i][j] = min(paired, 1 + cost[i + 1][j], 1 + cost[i][j + 1])
        pairs: Pairs = []
        i = j = 0
        while i < n or j < m:
            if i < n and j < m and self.pair_cost(remote[i], desired[j]) + cost[i + 1][j + 1] == cost[i][j]:
                pairs.append((i, j))  # keeping a block (and its id) wins every tie
                i, j = i + 1, j + 1
            elif i < n and 1 + cost[i + 1][j] == cost[i][j]:
                pairs.append((i, None))
                i += 1
            else:
                pairs.append((None, j))
                j += 1
        return cost[0][0], pairs

    def _approximate(self, remote: Sequence[RemoteBlock], desired: Sequence[Block]) -> Pairs:
        """difflib's alignment on keys, then on types inside each changed run: quick, not always fewest."""
        pairs: Pairs = []
        keys = SequenceMatcher(None, [b.key for b in remote], [b.key for b in desired], autojunk=False)
        for tag, i1, i2, j1, j2 in keys.get_opcodes():
            if tag == "equal":
                pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
                continue
            types = SequenceMatcher(
                None,
                [_type_token(b) for b in remote[i1:i2]],
                [_type_token(b) for b in desired[j1:j2]],
                autojunk=False,
            )
            for sub, a1, a2, b1, b2 in types.get_opcodes():
                if sub == "equal":
                    pairs.extend(zip(range(i1 + a1, i1 + a2), range(j1 + b1, j1 + b2), strict=True))
                else:
                    pairs.extend((i, None) for i in range(i1 + a1, i1 + a2))
                    pairs.extend((None, j) for j in range(j1 + b1, j1 + b2))
        return pairs


def _diff_level(
    aligner: _Aligner,
    parent: Ref,
    remote: Sequence[RemoteBlock],
    desired: Sequence[Block],
    at: tuple[int, ...],
    ops: list[Op],
) -> None:
    pairs = aligner.distance(remote, desired)[1]
    kept_any = any(i is not None and j is not None for i, j in pairs)
    # Before the first kept block, new blocks go to the start; with no kept block at all, every old block
    # is deleted, so the end is as good and needs no position.
    after: After = Start() if kept_any else None
    pending: list[int] = []

    def flush() -> None:
        if pending:
            blocks = tuple(desired[j] for j in pending)
            ops.append(Insert(parent, after, blocks, (*at, pending[0])))
            pending.clear()

    for i, j in pairs:
        if i is not None and j is not None:
            flush()
            old, new = remote[i], desired[j]
            if old.key != new.key:
                fixed = _FIXED_FIELDS.get(new.type, ())
                content = {name: value for name, value in new.content.items() if name not in fixed}
                ops.append(Update(old.id, new.type, content))
            if aligner.deep(old) != aligner.deep(new):
                _diff_level(aligner, Existing(old.id), old.children, new.children, (*at, j), ops)
            after = Existing(old.id)
        elif i is not None:
            ops.append(Delete(remote[i].id))
        elif j is not None:
            pending.append(j)
    flush()
