"""diff_blocks: minimal block-level writes, replayed into the simulator to prove they rebuild the body."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.notion_sim import Simulator, shape_of_blocks
from tests.test_notion_pack import bullet, para, rich, table, todo
from vaultkit.notion import diff
from vaultkit.notion.diff import Delete, Insert, Op, Update, diff_blocks
from vaultkit.notion.model import Block, RemoteBlock
from vaultkit.notion.pack import Created, Existing, Page, Start


def remote_of(blocks: Sequence[Block], ids: Iterator[str] | None = None) -> tuple[RemoteBlock, ...]:
    """The blocks as Notion would read them back, with ids b0, b1, ... in document order."""
    ids = ids if ids is not None else (f"b{n}" for n in itertools.count())
    out = []
    for block in blocks:
        block_id = next(ids)
        children = remote_of(block.children, ids)
        out.append(RemoteBlock(block_id, block.type, block.content, children, bool(children)))
    return tuple(out)


def run(sim: Simulator, ops: Sequence[Op]) -> None:
    """What the executor does with the ops: in order, inserts through their packed requests."""
    for op in ops:
        if isinstance(op, Update):
            sim.set_content(op.block_id, op.type, op.body()[op.type])
        elif isinstance(op, Delete):
            sim.remove(op.block_id)
        else:
            sim.replay(op.requests())


def check(old: Sequence[Block], new: Sequence[Block]) -> list[Op]:
    remote = remote_of(old)
    ops = diff_blocks(Page(), remote, new)
    sim = Simulator(remote)
    run(sim, ops)
    assert sim.shape() == shape_of_blocks(new)
    return ops


BODY = [para("intro"), todo("one"), todo("two"), bullet("list", bullet("child a"), bullet("child b"))]


def test_an_unchanged_body_needs_no_write() -> None:
    assert check(BODY, BODY) == []


def test_a_ticked_box_is_one_update_of_that_block() -> None:
    new = [BODY[0], todo("one", checked=True), *BODY[2:]]
    assert check(BODY, new) == [Update("b1", "to_do", {"rich_text": rich("one"), "checked": True})]


def test_an_insert_in_the_middle_goes_after_the_block_before_it() -> None:
    new = [*BODY[:2], para("new"), *BODY[2:]]
    assert check(BODY, new) == [Insert(Page(), Existing("b1"), (para("new"),), (2,))]


def test_an_insert_at_the_top_goes_to_the_start() -> None:
    assert check(BODY, [para("first"), *BODY]) == [Insert(Page(), Start(), (para("first"),), (0,))]


def test_a_deleted_block_is_one_delete() -> None:
    assert check(BODY, [BODY[0], *BODY[2:]]) == [Delete("b1")]


def test_a_changed_nested_child_is_one_update_of_the_child_only() -> None:
    new = [*BODY[:3], bullet("list", bullet("child a"), bullet("child B"))]
    assert check(BODY, new) == [Update("b5", "bulleted_list_item", {"rich_text": rich("child B")})]


def test_a_child_added_under_a_kept_block_is_inserted_under_it_by_its_desired_path() -> None:
    new = [*BODY[:3], bullet("list", bullet("child a"), bullet("child b"), bullet("child c"))]
    assert check(BODY, new) == [Insert(Existing("b3"), Existing("b5"), (bullet("child c"),), (3, 2))]


def test_an_edited_parent_keeps_its_id_and_its_children() -> None:
    new = [*BODY[:3], bullet("List!", bullet("child a"), bullet("child b"))]
    assert check(BODY, new) == [Update("b3", "bulleted_list_item", {"rich_text": rich("List!")})]


def test_a_reorder_moves_only_the_block_that_moved() -> None:
    new = [BODY[3], *BODY[:3]]
    ops = check(BODY, new)
    assert ops == [Insert(Page(), Start(), (BODY[3],), (0,)), Delete("b3")]


def test_a_changed_type_is_deleted_and_inserted() -> None:
    heading = Block("heading_2", {"rich_text": rich("intro"), "is_toggleable": False})
    assert check(BODY, [heading, *BODY[1:]]) == [Delete("b0"), Insert(Page(), Start(), (heading,), (0,))]


def test_a_table_keeps_its_id_unless_its_width_changes() -> None:
    old = [table(2, width=2)]
    header_off = [Block("table", {**old[0].content, "has_column_header": False}, old[0].children)]
    assert check(old, header_off) == [
        Update("b0", "table", {"has_column_header": False, "has_row_header": False})
    ]
    wider = [table(2, width=3)]
    assert check(old, wider) == [Delete("b0"), Insert(Page(), None, (wider[0],), (0,))]


def test_an_emptied_body_is_all_deletes_and_a_new_body_into_an_empty_page_is_one_insert() -> None:
    assert check(BODY, []) == [Delete("b0"), Delete("b1"), Delete("b2"), Delete("b3")]
    assert check([], BODY) == [Insert(Page(), None, tuple(BODY), (0,))]


def test_inserted_deep_children_are_packed_into_follow_up_requests() -> None:
    deep = bullet("a", bullet("b", bullet("c", bullet("d", bullet("e")))))
    (insert,) = check(BODY, [*BODY, deep])
    assert isinstance(insert, Insert)
    assert [r.parent for r in insert.requests()] == [Page(), Created((4,)), Created((4, 0))]


# --- random bodies and random edits ---------------------------------------------------------------------

Tree = list[list[Any]]  # [type, text, checked, children]
TYPES = ["paragraph", "to_do", "bulleted_list_item"]


def to_blocks(tree: Tree) -> list[Block]:
    out = []
    for kind, text, checked, children in tree:
        content: dict[str, Any] = {"rich_text": rich(text)}
        if kind == "to_do":
            content["checked"] = checked
        out.append(Block(kind, content, tuple(to_blocks(children))))
    return out


node = st.tuples(st.sampled_from(TYPES), st.sampled_from(["", "a", "b", "c"]), st.booleans())
trees = st.recursive(
    st.lists(node.map(lambda n: [*n, []]), max_size=5),
    lambda below: st.lists(st.tuples(node, below).map(lambda p: [*p[0], p[1]]), max_size=5),
    max_leaves=25,
)


def sibling_lists(tree: Tree) -> list[Tree]:
    found = [tree]
    for item in tree:
        found.extend(sibling_lists(item[3]))
    return found


def edit(tree: Tree, data: st.DataObject, fresh: Iterator[str]) -> int:
    """Apply one random edit in place; return how many blocks it edits (a change of type: two)."""
    lists = sibling_lists(tree)
    holders = [siblings for siblings in lists if siblings]
    kinds = ["text", "tick", "insert", "delete", "retype"] if holders else ["insert"]
    kind = data.draw(st.sampled_from(kinds))
    if kind == "insert":
        siblings = data.draw(st.sampled_from(lists))
        where = data.draw(st.integers(0, len(siblings)))
        siblings.insert(where, [data.draw(st.sampled_from(TYPES)), next(fresh), False, []])
        return 1
    siblings = data.draw(st.sampled_from(holders))
    where = data.draw(st.integers(0, len(siblings) - 1))
    item = siblings[where]
    if kind == "delete":
        del siblings[where]
    elif kind == "text":
        item[1] = next(fresh)
    elif kind == "tick":
        retyped = item[0] != "to_do"
        item[0], item[2] = "to_do", not item[2]
        return 2 if retyped else 1
    else:
        item[0] = "paragraph" if item[0] != "paragraph" else "bulleted_list_item"
        return 2
    return 1


def test_of_two_equal_items_the_one_whose_children_match_is_kept() -> None:
    old = [bullet("x", bullet("one")), bullet("x", bullet("two"))]
    assert check(old, [old[1]]) == [Delete("b0")]


def test_an_edit_next_to_an_equal_block_is_an_update_not_a_delete_and_insert() -> None:
    old = [para("p"), todo(""), todo("")]
    assert check(old, [para("p"), todo("new"), todo("")]) == [
        Update("b1", "to_do", {"rich_text": rich("new"), "checked": False})
    ]


def test_a_long_body_with_edits_spread_out_still_aligns_without_the_exact_table() -> None:
    old = [para(f"p{k}") for k in range(600)]
    new = [*old[:1], para("first changed"), *old[2:299], *old[300:598], para("inserted"), *old[598:]]
    ops = check(old, new)
    assert ops == [
        Update("b1", "paragraph", {"rich_text": rich("first changed")}),
        Delete("b299"),
        Insert(Page(), Existing("b597"), (para("inserted"),), (597,)),
    ]


@settings(max_examples=300, deadline=None)
@given(trees, st.integers(0, 6), st.data())
def test_random_edits_rebuild_the_desired_body_with_at_most_one_op_per_edited_block(
    tree: Tree, edits: int, data: st.DataObject
) -> None:
    old = to_blocks(tree)
    fresh = (f"new {n}" for n in itertools.count())
    edited = sum(edit(tree, data, fresh) for _ in range(edits))
    ops = check(old, to_blocks(tree))
    assert len(ops) <= edited


@settings(max_examples=150, deadline=None)
@given(trees, st.integers(0, 6), st.data())
def test_the_quick_alignment_of_long_bodies_also_rebuilds_the_desired_body(
    tree: Tree, edits: int, data: st.DataObject
) -> None:
    old = to_blocks(tree)
    fresh = (f"new {n}" for n in itertools.count())
    for _ in range(edits):
        edit(tree, data, fresh)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diff, "_EXACT_CELLS", 0)
        check(old, to_blocks(tree))
