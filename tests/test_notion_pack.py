"""pack: append requests within Notion's limits by construction, replayed into a simulator checking them."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.notion_sim import LimitError, Simulator, shape_of_blocks
from vaultkit.notion.model import Block, canonical_json
from vaultkit.notion.pack import (
    MAX_BLOCKS,
    MAX_BYTES,
    MAX_CHILDREN,
    SAFETY_MARGIN,
    AppendRequest,
    Created,
    Existing,
    Page,
    RequestTooLargeError,
    Start,
    pack,
)


def rich(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": text, "link": None}, "annotations": {}}]


def para(text: str, *children: Block, line: int = 0) -> Block:
    return Block("paragraph", {"rich_text": rich(text)}, tuple(children), line)


def bullet(text: str, *children: Block) -> Block:
    return Block("bulleted_list_item", {"rich_text": rich(text)}, tuple(children))


def todo(text: str, checked: bool = False) -> Block:
    return Block("to_do", {"rich_text": rich(text), "checked": checked})


def table(rows: int, width: int = 2) -> Block:
    cells = tuple(
        Block("table_row", {"cells": [rich(f"r{r}c{c}") for c in range(width)]}) for r in range(rows)
    )
    return Block("table", {"table_width": width, "has_column_header": True, "has_row_header": False}, cells)


def chain(levels: int) -> Block:
    block = bullet(f"level {levels}")
    for level in range(levels - 1, 0, -1):
        block = bullet(f"level {level}", block)
    return block


def replay(blocks: Sequence[Block], requests: Sequence[AppendRequest]) -> Simulator:
    """Replay the plan into a simulator (which raises on any limit) and check it rebuilt `blocks` exactly."""
    sim = Simulator()
    sim.replay(requests)
    assert sim.shape() == shape_of_blocks(blocks)
    return sim


def at(blocks: Sequence[Block], path: tuple[int, ...]) -> Block:
    block = blocks[path[0]]
    for index in path[1:]:
        block = block.children[index]
    return block


def count(api: dict[str, Any]) -> int:
    return 1 + sum(count(child) for child in api[api["type"]].get("children", ()))


def request_bytes(request: AppendRequest) -> int:
    return len(canonical_json(request.body("0" * 36)).encode())


# --- exact plans for small cases ------------------------------------------------------------------------


def test_nothing_to_append_is_no_request() -> None:
    assert pack(Page(), []) == []


def test_a_short_body_is_one_request_at_the_end() -> None:
    blocks = [para("one", line=3), todo("two", checked=True)]
    assert pack(Page(), blocks) == [
        AppendRequest(
            Page(),
            None,
            (blocks[0].to_api(), blocks[1].to_api()),
            (Created((0,)), Created((1,))),
            (3, 0),
        )
    ]


def test_a_flat_body_of_250_blocks_takes_3_requests_each_after_the_last_sent() -> None:
    blocks = [para(f"p{k}") for k in range(250)]
    requests = pack(Existing("page"), blocks, Start())
    assert [len(r.children) for r in requests] == [100, 100, 50]
    assert [r.after for r in requests] == [Start(), Created((99,)), Created((199,))]
    assert {r.parent for r in requests} == {Existing("page")}
    replay(blocks, requests)


def test_a_four_level_list_defers_its_fourth_level_under_a_first_level_block() -> None:
    block = chain(4)
    level2 = block.children[0]
    assert pack(Page(), [block]) == [
        AppendRequest(Page(), None, (block.to_api(0),), (Created((0,)),), (0,)),
        AppendRequest(Created((0,)), None, (level2.to_api(),), (Created((0, 0)),), (0,)),
    ]


def test_a_six_level_list_takes_4_requests_and_no_read() -> None:
    requests = pack(Page(), [chain(6)])
    assert [r.parent for r in requests] == [Page(), Created((0,)), Created((0, 0)), Created((0, 0, 0))]
    assert [count(r.children[0]) for r in requests] == [1, 1, 1, 3]
    replay([chain(6)], requests)


def test_a_table_of_150_rows_goes_with_100_then_the_rest_appended_to_it() -> None:
    blocks = [table(150)]
    requests = pack(Page(), blocks)
    assert [r.parent for r in requests] == [Page(), Created((0,))]
    assert [len(r.children) for r in requests] == [1, 50]
    assert len(requests[0].children[0]["table"]["children"]) == 100
    assert requests[1].after is None  # the end of a block this plan created: its own rows, in order
    replay(blocks, requests)


def test_insert_paths_start_where_the_caller_says() -> None:
    requests = pack(Existing("b"), [para("x"), para("y")], Existing("a"), start=(4, 2))
    assert requests[0].created == (Created((4, 2)), Created((4, 3)))
    assert requests[0].body("a")["position"] == {"type": "after_block", "after_block": {"id": "a"}}


def test_a_block_that_no_request_can_hold_is_a_clear_error_naming_its_line() -> None:
    huge = Block("paragraph", {"rich_text": rich("漢" * 2000) * 100}, line=17)
    with pytest.raises(RequestTooLargeError, match="line 17: a paragraph block of"):
        pack(Page(), [huge])


def test_a_block_that_fits_whole_in_a_fresh_request_is_not_split() -> None:
    blocks = [para(f"p{k}", *(para(f"c{k}.{c}") for c in range(9))) for k in range(99)]
    blocks.append(para("last", *(para(f"l{c}") for c in range(20))))
    requests = pack(Page(), blocks)
    # 99 blocks of 10 take 990 of 1000: the 21-block one goes whole into the next request.
    assert [len(r.children) for r in requests] == [99, 1]
    assert count(requests[1].children[0]) == 21
    replay(blocks, requests)


def test_the_simulator_refuses_what_notion_refuses() -> None:
    deep = chain(4).to_api()
    with pytest.raises(LimitError, match="depth 3"):
        Simulator().append(AppendRequest(Page(), None, (deep,), (Created((0,)),), (0,)))
    wide = tuple(para(str(k)).to_api() for k in range(101))
    with pytest.raises(LimitError, match="≤ 100"):
        Simulator().append(AppendRequest(Page(), None, wide, tuple(Created((k,)) for k in range(101)), ()))


# --- random trees ---------------------------------------------------------------------------------------

ALPHABET = "abc xyz 漢字é😀"


def text(rnd: random.Random, units: int) -> str:
    """A string of about `units` UTF-16 code units (an emoji counts 2), never splitting a pair."""
    out: list[str] = []
    used = 0
    while used < units:
        char = rnd.choice(ALPHABET)
        used += 2 if ord(char) > 0xFFFF else 1
        out.append(char)
    return "".join(out)


def random_tree(
    rnd: random.Random, n: int, max_depth: int, p_top: float, units: int, items: int
) -> list[Block]:
    """`n` blocks at most `max_depth` deep: each new one goes at the top, under the last one, or anywhere."""
    kids: dict[int, list[int]] = {-1: []}
    depth = {-1: 0}
    kinds: dict[int, str] = {}
    candidates = [-1]  # blocks that may take children: not too deep, not a table
    for k in range(n):
        roll = rnd.random()
        if roll < p_top or len(candidates) == 1:
            parent = -1
        elif roll < p_top + (1 - p_top) / 2 and candidates[-1] == k - 1:
            parent = k - 1
        else:
            parent = rnd.choice(candidates)
        kind = rnd.choice(["paragraph", "to_do", "bulleted_list_item", "table"])
        if kind == "table" and depth[parent] + 1 >= max_depth:
            kind = "paragraph"
        kinds[k], depth[k], kids[k] = kind, depth[parent] + 1, []
        kids[parent].append(k)
        if kind != "table" and depth[k] < max_depth:
            candidates.append(k)
    counter = iter(range(10**9))

    def make(k: int) -> Block:
        kind = kinds[k]
        line = next(counter)
        if kind == "table":
            width = rnd.randint(1, 3)
            rows = tuple(
                Block("table_row", {"cells": [rich(text(rnd, 3)) for _ in range(width)]})
                for _ in range(rnd.choice([1, 2, 3, 5]) if rnd.random() < 0.9 else rnd.randint(90, 150))
            )
            return Block("table", {"table_width": width, "has_column_header": False}, rows, line)
        content: dict[str, Any] = {
            "rich_text": [item for _ in range(rnd.randint(1, items)) for item in rich(text(rnd, units))]
        }
        if kind == "to_do":
            content["checked"] = rnd.random() < 0.5
        return Block(kind, content, tuple(make(c) for c in kids[k]), line)

    return [make(k) for k in kids[-1]]


def check_plan(blocks: list[Block], requests: list[AppendRequest]) -> None:
    replay(blocks, requests)
    by_path = {ref.path: ref for r in requests for ref in r.created}
    for request in requests:
        assert 1 <= len(request.children) <= MAX_CHILDREN
        assert sum(count(c) for c in request.children) <= MAX_BLOCKS
        assert request_bytes(request) <= MAX_BYTES - SAFETY_MARGIN
        # every parent is a first-level block of an earlier request (or the page): no read is needed
        assert not isinstance(request.parent, Created) or request.parent.path in by_path
    # Every request but the last of a run of siblings is full: 100 blocks, or the next one didn't fit whole.
    for first, second in itertools.pairwise(requests):
        if second.after != first.created[-1] or len(first.children) == MAX_CHILDREN:
            continue
        nxt = at(blocks, second.created[0].path)
        used = sum(count(c) for c in first.children)
        size = len(canonical_json(nxt.to_api()).encode())
        room = MAX_BYTES - SAFETY_MARGIN
        fits = used + nxt.size() <= MAX_BLOCKS and request_bytes(first) + size + 1 <= room
        assert not fits or count(second.children[0]) < nxt.size()


# A seed is the whole input: shrinking it teaches nothing and takes minutes on trees of 2000 blocks.
SLOW = settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


@SLOW
@given(st.integers(0, 2**32), st.integers(300, 400))
def test_wide_bodies(seed: int, n: int) -> None:
    rnd = random.Random(seed)
    blocks = random_tree(rnd, n, max_depth=2, p_top=0.95, units=20, items=2)
    requests = pack(Page(), blocks)
    check_plan(blocks, requests)
    tops = len(blocks)
    assert len(requests) >= math.ceil(tops / MAX_CHILDREN)


@SLOW
@given(st.integers(0, 2**32), st.integers(20, 120))
def test_deep_bodies(seed: int, n: int) -> None:
    rnd = random.Random(seed)
    blocks = random_tree(rnd, n, max_depth=8, p_top=0.05, units=10, items=1)
    blocks.append(chain(8))
    check_plan(blocks, pack(Page(), blocks))


@settings(SLOW, max_examples=5)
@given(st.integers(0, 2**32), st.integers(1800, 2200))
def test_big_bodies(seed: int, n: int) -> None:
    rnd = random.Random(seed)
    blocks = random_tree(rnd, n, max_depth=4, p_top=0.3, units=8, items=2)
    check_plan(blocks, pack(Existing("page"), blocks, Start()))


@SLOW
@given(st.integers(0, 2**32), st.integers(60, 160))
def test_big_text_bodies(seed: int, n: int) -> None:
    rnd = random.Random(seed)
    blocks = random_tree(rnd, n, max_depth=3, p_top=0.6, units=2000, items=3)
    requests = pack(Page(), blocks)
    check_plan(blocks, requests)
    total = sum(request_bytes(r) for r in requests)
    assert len(requests) >= math.ceil(total / MAX_BYTES)


def test_the_issue_cases_300_tasks_and_a_10000_character_body_fit() -> None:
    tasks = [todo(f"task {k}", checked=k % 3 == 0) for k in range(300)]
    assert [len(r.children) for r in pack(Page(), tasks)] == [100, 100, 100]
    long = [Block("paragraph", {"rich_text": rich("x" * 2000) * 5}) for _ in range(300)]
    check_plan(long, pack(Page(), long))
