"""The body executor against the Notion emulator: the tree written is exactly the desired one, a re-sync
writes nothing, an edit writes only what changed, faults never double a block, and a block Notion rejects
is reported by its note line."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.notion_emulator import Fault, NotionEmulator
from tests.notion_emulator.store import render_block_data
from vaultkit.notion.blocks import markdown_to_blocks
from vaultkit.notion.body import BlockRejected, BodyOutcome, read_tree, sync_body
from vaultkit.notion.client import Notion, Pacing
from vaultkit.notion.model import Block, RemoteBlock, canonical_json
from vaultkit.notion.readback import FIELDS, blamed_path, block_summary, canonical_content, update_body
from vaultkit.notion.richtext import text_item

FIXTURES = Path(__file__).parent / "fixtures" / "notion"
FAST = Pacing(rate=None, backoff=0.0, max_backoff=0.0)
PAGES = {"Rust Book": "https://www.notion.so/Rust-Book-0123456789abcdef0123456789abcdef"}

Shape = tuple[str, str, tuple["Shape", ...]]


@pytest.fixture
def emu() -> Iterator[NotionEmulator]:
    with NotionEmulator() as emulator:
        yield emulator


def _notion(emu: NotionEmulator, pacing: Pacing = FAST) -> Notion:
    return Notion(emu.token, emu.base_url, pacing=pacing, http=httpx.Client(trust_env=False))


def _blocks(body: str) -> list[Block]:
    return markdown_to_blocks(body, links=PAGES.get)


def shape(blocks: Sequence[Block] | Sequence[RemoteBlock]) -> tuple[Shape, ...]:
    return tuple((b.type, canonical_json(b.content), shape(b.children)) for b in blocks)


def live_shape(tree: list[dict[str, Any]]) -> tuple[Shape, ...]:
    """The emulator's live tree, normalised as a read-back is."""
    return tuple(
        (n["type"], canonical_json(canonical_content(n["type"], n[n["type"]])), live_shape(n["children"]))
        for n in tree
    )


def ids(tree: list[dict[str, Any]]) -> list[str]:
    return [n["id"] for n in tree] + [i for n in tree for i in ids(n["children"])]


def writes(emu: NotionEmulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.writes()]


def rejected(emu: NotionEmulator) -> list[Any]:
    return [r for r in emu.requests if r.status == 400]


# --- the notes ------------------------------------------------------------------------------------------

NOTES = {
    "every_construct": (FIXTURES / "every_construct.md").read_text(encoding="utf-8"),
    "300_tasks": "".join(f"- [{'x' if n % 3 == 0 else ' '}] task {n}\n" for n in range(300)),
    "six_levels": "".join(f"{'  ' * level}- level {level}\n" for level in range(6)) + "\nafter\n",
    "10000_chars": ("abcd " * 2000).strip() + "\n",
    "emoji_line": "- [ ] 🎯 " + "😀👨‍👩‍👧🇫🇷" * 300 + " **done** 🚀\n",
    "wide_and_deep": "".join(
        f"- item {n}\n" + "".join(f"{'  ' * d}- deep {n}.{d}\n" for d in range(1, 6)) for n in range(130)
    ),
}


@pytest.mark.parametrize("name", sorted(NOTES))
def test_first_write_is_exactly_the_desired_tree_and_a_rerun_writes_nothing(
    emu: NotionEmulator, name: str
) -> None:
    page = emu.add_page("Plan")
    desired = _blocks(NOTES[name])
    with _notion(emu) as notion:
        outcome = sync_body(notion, page, desired)
        assert rejected(emu) == []
        assert live_shape(emu.tree(page)) == shape(desired)
        assert shape(read_tree(notion, page)) == shape(desired)
        assert outcome.inserts == sum(block.size() for block in desired)
        assert (outcome.updates, outcome.deletes) == (0, 0)
        assert outcome.requests == len(emu.writes())

        emu.reset_log()
        again = sync_body(notion, page, desired)
    assert emu.writes() == []
    assert again == BodyOutcome()


def test_the_read_back_of_every_block_type_equals_what_was_written(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    desired = _blocks(NOTES["every_construct"])

    def walk(blocks: Sequence[Block]) -> Iterator[Block]:
        for block in blocks:
            yield block
            yield from walk(block.children)

    assert {b.type for b in walk(desired)} == set(FIELDS)
    with _notion(emu) as notion:
        sync_body(notion, page, desired)
        remote = read_tree(notion, page)

    def pairs(old: Sequence[RemoteBlock], new: Sequence[Block]) -> Iterator[tuple[RemoteBlock, Block]]:
        assert len(old) == len(new)
        for a, b in zip(old, new, strict=True):
            yield a, b
            yield from pairs(a.children, b.children)

    for got, want in pairs(remote, desired):
        assert (got.type, dict(got.content)) == (want.type, dict(want.content))
        assert got.key == want.key
        assert got.has_children == bool(want.children)


def test_a_six_level_list_keeps_its_nesting(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    with _notion(emu) as notion:
        sync_body(notion, page, _blocks(NOTES["six_levels"]))
    node = emu.tree(page)[0]
    depth = 1
    while node["children"]:
        node = node["children"][0]
        depth += 1
    assert depth == 6


def test_read_tree_pages_through_small_pages() -> None:
    with NotionEmulator(page_size=3) as emu:
        page = emu.add_page("Plan")
        desired = _blocks("".join(f"- item {n}\n  - sub {n}.a\n  - sub {n}.b\n" for n in range(8)))
        with _notion(emu) as notion:
            sync_body(notion, page, desired)
            assert shape(read_tree(notion, page)) == shape(desired)
            reads = [r for r in emu.requests if r.method == "GET"]
        assert any("start_cursor" in r.query for r in reads)


# --- minimal writes -------------------------------------------------------------------------------------

TASKS = "# Week\n\n- [ ] one\n- [ ] two\n- [ ] three\n\nClosing words.\n"


def test_ticking_one_box_is_one_patch_of_that_block(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    with _notion(emu) as notion:
        sync_body(notion, page, _blocks(TASKS))
        two = emu.tree(page)[2]
        assert two["to_do"]["rich_text"][0]["plain_text"] == "two"
        emu.reset_log()
        outcome = sync_body(notion, page, _blocks(TASKS.replace("[ ] two", "[x] two")))
    assert writes(emu) == [f"PATCH /v1/blocks/{two['id']}"]
    assert emu.writes()[0].body == {"to_do": {"rich_text": [text_item("two")], "checked": True}}
    assert outcome == BodyOutcome(updates=1, requests=1)
    assert emu.tree(page)[2]["to_do"]["checked"] is True


def test_inserting_and_deleting_a_paragraph_is_one_write_each(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    edited = TASKS.replace("- [ ] two\n", "- [ ] two\n\nA new thought.\n\n")
    with _notion(emu) as notion:
        sync_body(notion, page, _blocks(TASKS))
        before = ids(emu.tree(page))

        emu.reset_log()
        assert sync_body(notion, page, _blocks(edited)) == BodyOutcome(inserts=1, requests=1)
        assert writes(emu) == [f"PATCH /v1/blocks/{page}/children"]
        assert emu.writes()[0].body["position"] == {"type": "after_block", "after_block": {"id": before[2]}}
        assert live_shape(emu.tree(page)) == shape(_blocks(edited))

        emu.reset_log()
        added = emu.tree(page)[3]["id"]
        assert sync_body(notion, page, _blocks(TASKS)) == BodyOutcome(deletes=1, requests=1)
        assert writes(emu) == [f"DELETE /v1/blocks/{added}"]
    assert live_shape(emu.tree(page)) == shape(_blocks(TASKS))
    assert ids(emu.tree(page)) == before  # every other block kept its id


def test_a_new_first_block_goes_to_the_start(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    with _notion(emu) as notion:
        sync_body(notion, page, _blocks(TASKS))
        emu.reset_log()
        sync_body(notion, page, _blocks("Intro.\n\n" + TASKS))
    assert [r.body.get("position") for r in emu.writes()] == [{"type": "start"}]
    assert live_shape(emu.tree(page)) == shape(_blocks("Intro.\n\n" + TASKS))


def test_an_image_caption_removed_is_cleared(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    with _notion(emu) as notion:
        sync_body(notion, page, _blocks("![Ferris](https://img.example/f.png)\n"))
        sync_body(notion, page, _blocks("![](https://img.example/f.png)\n"))
        emu.reset_log()
        sync_body(notion, page, _blocks("![](https://img.example/f.png)\n"))
    assert emu.writes() == []
    assert emu.tree(page)[0]["image"]["caption"] == []


def test_a_sub_page_in_the_body_is_never_trashed(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    with _notion(emu) as notion:
        sync_body(notion, page, _blocks(TASKS))
        sub = notion.call(
            "POST", "pages",
            body={"parent": {"page_id": page}, "properties": {"title": {"title": [text_item("Notes")]}}},
        )
        emu.reset_log()
        sync_body(notion, page, _blocks(TASKS))
        sync_body(notion, page, _blocks(TASKS))
    assert emu.writes() == []
    assert sub["id"] in ids(emu.tree(page))


# --- faults ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["saved_then_503", "dropped"])
def test_an_append_that_landed_unseen_is_not_repeated(emu: NotionEmulator, fault: str) -> None:
    page = emu.add_page("Plan")
    desired = _blocks(NOTES["wide_and_deep"])
    kind = "drop" if fault == "dropped" else "status"
    # the third append of the plan (a follow-up after the first full request) lands, then fails
    emu.faults.add(Fault(status=503, kind=kind, committed=True, times=1, match="PATCH /v1/blocks/*/children"))
    emu.faults.add(Fault(status=503, kind=kind, committed=True, times=2, match="PATCH /v1/blocks/*/children"))
    with _notion(emu) as notion:
        sync_body(notion, page, desired)
    assert len(emu.faults.fired) >= 3
    assert live_shape(emu.tree(page)) == shape(desired)


def test_an_append_that_did_not_land_is_sent_again(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    emu.faults.add(Fault(status=503, committed=False, times=2, match="PATCH /v1/blocks/*/children"))
    with _notion(emu) as notion:
        sync_body(notion, page, _blocks(TASKS))
    assert live_shape(emu.tree(page)) == shape(_blocks(TASKS))


def test_an_append_at_the_end_after_identical_blocks_is_told_apart(emu: NotionEmulator) -> None:
    """The 50 children that follow a list item's first 100 equal its last 50: only the count of children
    the item should have tells "landed" from "already there"."""
    page = emu.add_page("Plan")
    desired = _blocks("- item\n" + "  - same\n" * 150)
    appends = "PATCH /v1/blocks/*/children"
    emu.faults.add(Fault(kind="slow", delay=0.0, match=appends))  # the first append passes
    emu.faults.add(Fault(status=503, committed=False, match=appends))  # the follow-up fails, unsaved
    with _notion(emu) as notion:
        sync_body(notion, page, desired)
    assert len(emu.faults.fired) == 2
    assert live_shape(emu.tree(page)) == shape(desired)
    assert len(emu.tree(page)[0]["children"]) == 150


@pytest.mark.parametrize("kind", ["status", "drop"])
def test_a_delete_that_landed_unseen_is_done(emu: NotionEmulator, kind: str) -> None:
    page = emu.add_page("Plan")
    with _notion(emu) as notion:
        sync_body(notion, page, _blocks(TASKS))
        emu.faults.add(Fault(status=503, kind=kind, committed=True, match="DELETE /v1/blocks/*"))
        emu.faults.add(Fault(status=500, times=10, match="GET /v1/blocks/*"))  # the read-back fails too
        shorter = _blocks(TASKS.replace("- [ ] three\n", ""))
        outcome = sync_body(notion, page, shorter, read_tree(notion, page))
    assert outcome.deletes == 1
    assert live_shape(emu.tree(page)) == shape(shorter)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ten_percent_random_faults_end_in_the_exact_tree_in_one_run(emu: NotionEmulator, seed: int) -> None:
    page = emu.add_page("Plan")
    source = NOTES["every_construct"] + "\n" + NOTES["wide_and_deep"].split("- item 30\n")[0]
    first = _blocks(source)
    edited = source.replace("[ ] read", "[x] read")
    edited = edited.replace("- item 7\n", "- item seven\n").replace("- item 9\n", "")
    edited = edited.replace("## Tasks\n", "## Tasks\n\nA line before the tasks.\n")
    with _notion(emu, Pacing(rate=None, backoff=0.0, max_backoff=0.0, attempts=8)) as notion:
        emu.faults.random(ratio=0.1, seed=seed)
        sync_body(notion, page, first)
        assert live_shape(emu.tree(page)) == shape(first)
        sync_body(notion, page, _blocks(edited))
        assert live_shape(emu.tree(page)) == shape(_blocks(edited))
        landed_unseen = [f for f in emu.faults.fired if f.fault.committed and f.method != "GET"]
        assert landed_unseen  # the run did meet writes that landed and still failed
        emu.faults.clear()
        emu.reset_log()
        sync_body(notion, page, _blocks(edited))
    assert emu.writes() == []


# --- rejected blocks ------------------------------------------------------------------------------------


def test_a_rejected_block_is_named_by_its_line(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    bad = Block("code", {"rich_text": [text_item("x = 1")], "language": "klingon"}, line=42)
    desired = [*_blocks(TASKS), bad]
    with _notion(emu) as notion, pytest.raises(BlockRejected) as caught:
        sync_body(notion, page, desired)
    error = caught.value
    assert error.block is bad and error.line == 42 and error.status == 400
    assert str(error).startswith('line 42 (code "x = 1"): Notion says: body.children[5].code.language ')
    assert 'instead was `"klingon"`' in str(error)


def test_a_rejected_nested_block_is_found_down_the_path(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    item = Block("bulleted_list_item", {"rich_text": [text_item("Learn Kafka and the rest of it")]}, line=7)
    bad = Block("code", {"rich_text": [text_item("z" * 40)], "language": "klingon"}, line=9)
    parent = Block("bulleted_list_item", {"rich_text": [text_item("Streams")]}, (item, bad), line=6)
    with _notion(emu) as notion, pytest.raises(BlockRejected) as caught:
        sync_body(notion, page, [*_blocks("intro\n"), parent])
    assert caught.value.block is bad
    message = str(caught.value)
    assert message.startswith(f'line 9 (code "{"z" * 29}…"): Notion says: body.children[1]')
    assert "body.children[1].bulleted_list_item.children[1].code.language" in message


def test_a_rejected_update_names_the_block(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    good = Block("code", {"rich_text": [text_item("x = 1")], "language": "python"}, line=3)
    bad = Block("code", {"rich_text": [text_item("x = 1")], "language": "klingon"}, line=3)
    with _notion(emu) as notion:
        sync_body(notion, page, [good])
        with pytest.raises(BlockRejected) as caught:
            sync_body(notion, page, [bad])
    assert caught.value.line == 3
    assert "body.code.language" in str(caught.value)


def test_a_rejection_without_a_path_names_the_request_s_first_block(emu: NotionEmulator) -> None:
    page = emu.add_page("Plan")
    emu.faults.add(Fault(status=400, match="PATCH /v1/blocks/*/children"))
    desired = _blocks("first\n\nsecond\n")
    with _notion(emu) as notion, pytest.raises(BlockRejected) as caught:
        sync_body(notion, page, desired)
    assert caught.value.block is desired[0]
    assert str(caught.value) == 'line 1 (paragraph "first"): Notion says: Invalid request.'


# --- the pure helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ("body failed validation: body.children[3].paragraph.rich_text[0].text.content.length", (3,)),
        (
            "body.children[1].numbered_list_item.children[0].numbered_list_item.children[2].to_do.children "
            "should be not present",
            (1, 0, 2),
        ),
        ("body failed validation: body.children.length should be ≤ `100`", None),
        ("Invalid request.", None),
    ],
)
def test_blamed_path(message: str, path: tuple[int, ...] | None) -> None:
    assert blamed_path(message) == path


def test_block_summary() -> None:
    assert block_summary(Block("divider", {})) == "divider"
    assert block_summary(Block("equation", {"expression": "e=mc^2"})) == 'equation "e=mc^2"'
    text = Block("bulleted_list_item", {"rich_text": [text_item("Learn  Kafka\nstreams " * 5)]})
    assert block_summary(text) == 'bulleted list item "Learn Kafka streams Learn Kaf…"'


def test_update_body_clears_what_the_block_no_longer_has() -> None:
    image = {"type": "external", "external": {"url": "https://x.example/a.png"}}
    assert update_body("image", image) == {"image": {"caption": [], **image}}
    todo = {"rich_text": [], "checked": True}
    assert update_body("to_do", todo) == {"to_do": todo}


_WORDS = st.text(st.sampled_from("ab😀 *_`=~$[]()#>-|x\n"), min_size=1, max_size=40)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        prefix = draw(
            st.sampled_from(["", "# ", "- ", "  - ", "1. ", "- [ ] ", "- [x] ", "> ", "> [!tip] ", "    "])
        )
        lines.append(prefix + draw(_WORDS).replace("\n", " "))
        if draw(st.booleans()):
            lines += ["", "| a | b |", "|---|---|", f"| {draw(_WORDS).replace(chr(10), ' ')} | c |", ""]
        if draw(st.booleans()):
            lines += ["```" + draw(st.sampled_from(["py", "sh", "weird"])), draw(_WORDS), "```"]
        if draw(st.booleans()):
            lines += ["$$", draw(_WORDS).replace("$", ""), "$$", "", "![c](https://img.example/a.png)", ""]
    return "\n".join(lines)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies())
def test_the_read_form_of_any_mapped_block_normalises_back_to_it(body: str) -> None:
    """What Notion answers (defaults, plain_text, every annotation) normalises to what the mapping sent."""

    def check(blocks: Sequence[Block]) -> None:
        for block in blocks:
            api = block.to_api(0)[block.type]
            read = json.loads(json.dumps(render_block_data(block.type, api)))
            assert canonical_content(block.type, read) == dict(block.content)
            check(block.children)

    check(markdown_to_blocks(body))
