"""Markdown to Notion blocks (`vaultkit.notion.blocks`) and rich text (`vaultkit.notion.richtext`).

The golden files in tests/fixtures/notion/ hold the exact block tree of each fixture note; after a
deliberate change of the mapping, regenerate them with
`VAULTKIT_UPDATE_GOLDEN=1 pytest tests/test_notion_blocks.py` and review the diff. The properties check
what must hold for any body: every limit of Notion's API is met, and no word of the note is lost.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit.notion.blocks import CALLOUTS, CODE_LANGUAGES, code_language, markdown_to_blocks
from vaultkit.notion.model import Block
from vaultkit.notion.richtext import (
    MAX_EQUATION,
    MAX_ITEMS,
    MAX_TEXT,
    canonical_rich_text,
    plain_text,
    rich_text,
    split_utf16,
    utf16_len,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notion"
UPDATE = os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1"
PAGES = {"Rust Book": "https://www.notion.so/Rust-Book-0123456789abcdef0123456789abcdef"}


def resolve(target: str) -> str | None:
    return PAGES.get(target)


def tree(blocks: list[Block]) -> list[dict[str, Any]]:
    """Blocks as JSON for a golden file: type, line, content and children."""
    return [
        {
            "type": b.type,
            "line": b.line,
            "content": b.content,
            **({"children": tree(list(b.children))} if b.children else {}),
        }
        for b in blocks
    ]


def walk(blocks: list[Block] | tuple[Block, ...], depth: int = 1) -> Iterator[tuple[Block, int]]:
    for block in blocks:
        yield block, depth
        yield from walk(block.children, depth + 1)


def arrays(block: Block) -> Iterator[list[dict[str, Any]]]:
    """Every rich-text array of a block."""
    content = block.content
    for key in ("rich_text", "caption"):
        if key in content:
            yield content[key]
    yield from content.get("cells", [])


def all_text(blocks: list[Block]) -> str:
    parts: list[str] = []
    for block, _ in walk(blocks):
        parts += [plain_text(array) for array in arrays(block)]
        if block.type == "equation":
            parts.append(block.content["expression"])
        if block.type == "image":
            parts.append(block.content["external"]["url"])
    return "\n".join(parts)


def assert_within_limits(blocks: list[Block]) -> None:
    for block, _ in walk(blocks):
        for array in arrays(block):
            assert len(array) <= MAX_ITEMS
            for item in array:
                if item["type"] == "text":
                    content = item["text"]["content"]
                    assert content and utf16_len(content) <= MAX_TEXT
                    assert_no_lone_surrogate(content)
                    link = item["text"]["link"]
                    if link is not None:
                        assert utf16_len(link["url"]) <= MAX_TEXT
                        assert link["url"].startswith(("http://", "https://", "mailto:"))
                else:
                    assert 0 < len(item["equation"]["expression"]) <= MAX_EQUATION
        if block.type == "equation":
            assert 0 < utf16_len(block.content["expression"]) <= MAX_EQUATION
        if block.type == "code":
            assert block.content["language"] in CODE_LANGUAGES
        if block.type == "image":
            assert block.content["external"]["url"].startswith(("http://", "https://"))
        if block.type == "table":
            assert all(len(row.content["cells"]) == block.content["table_width"] for row in block.children)
        assert not any("\ue000" <= ch <= "\uf8ff" for ch in json.dumps(block.content, ensure_ascii=False))


def assert_no_lone_surrogate(text: str) -> None:
    text.encode("utf-16-le")  # raises on a lone surrogate


# --- golden files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", sorted(FIXTURES.glob("*.md")), ids=lambda p: p.stem)
def test_golden(source: Path) -> None:
    blocks = markdown_to_blocks(source.read_text(encoding="utf-8"), first_line=1, links=resolve)
    got = json.dumps(tree(blocks), indent=1, ensure_ascii=False) + "\n"
    expected = source.with_suffix(".json")
    if UPDATE:
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")
    assert_within_limits(blocks)


def test_golden_fixture_uses_every_block_type() -> None:
    blocks = markdown_to_blocks((FIXTURES / "every_construct.md").read_text(encoding="utf-8"), links=resolve)
    kinds = {block.type for block, _ in walk(blocks)}
    assert kinds == {
        "heading_1",
        "heading_2",
        "heading_3",
        "paragraph",
        "to_do",
        "numbered_list_item",
        "bulleted_list_item",
        "quote",
        "callout",
        "toggle",
        "code",
        "table",
        "table_row",
        "divider",
        "equation",
        "image",
    }
    text = all_text(blocks)
    assert "never leaves the vault" not in text and "not a task that leaves" not in text


# --- UTF-16 -------------------------------------------------------------------------------------------

_HARD_TEXT = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),  # no lone surrogates: Python text from files never holds them
        st.sampled_from(["😀", "👨‍👩‍👧", "🇫🇷", "漢", "字", "e\u0301", "\u0308", "a", " ", "\n"]),
    ),
    max_size=300,
).map("".join)


@given(_HARD_TEXT, st.integers(min_value=2, max_value=40))
def test_split_utf16_joins_back_and_keeps_pairs(text: str, limit: int) -> None:
    pieces = split_utf16(text, limit)
    assert "".join(pieces) == text
    for piece in pieces:
        assert 0 < utf16_len(piece) <= limit
        assert_no_lone_surrogate(piece)


@given(st.lists(st.sampled_from(["\ud83d\ude00", "a", "漢"]), max_size=200), st.integers(2, 9))
def test_split_utf16_never_cuts_a_pair_held_as_two_code_points(parts: list[str], limit: int) -> None:
    """Text decoded with `surrogatepass` holds an emoji as two code points: they stay together."""
    text = "".join(parts)
    pieces = split_utf16(text, limit)
    assert "".join(pieces) == text
    for piece in pieces:
        assert utf16_len(piece) <= limit
        assert not piece.startswith("\ude00") and not piece.endswith("\ud83d")


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("a😀漢") == 4
    assert utf16_len("👨‍👩‍👧") == 8


def test_an_emoji_is_never_cut_at_the_limit() -> None:
    text = "a" + "😀" * 1500  # the 2000-unit boundary falls in the middle of an emoji
    pieces = split_utf16(text)
    assert [utf16_len(p) for p in pieces] == [1999, 1002]
    assert "".join(pieces) == text


# --- rich text ----------------------------------------------------------------------------------------


def item(content: str, url: str | None = None, **annotations: Any) -> dict[str, Any]:
    return {
        "type": "text",
        "text": {"content": content, "link": None if url is None else {"url": url}},
        "annotations": annotations,
    }


def test_rich_text_annotations_and_links() -> None:
    got = rich_text(
        "**b** *i* ~~s~~ `c` ==h== $x^2$ [w](https://x.org) [m](mailto:a@b.c) [z](zotero://select/items/1)"
        " [[Rust Book|the book]] [[Other#Part]] #tag <kbd>k</kbd>",
        resolve,
    )
    assert got == [
        item("b", bold=True),
        item(" "),
        item("i", italic=True),
        item(" "),
        item("s", strikethrough=True),
        item(" "),
        item("c", code=True),
        item(" "),
        item("h", color="yellow_background"),
        item(" "),
        {"type": "equation", "equation": {"expression": "x^2"}, "annotations": {}},
        item(" "),
        item("w", "https://x.org"),
        item(" "),
        item("m", "mailto:a@b.c"),
        item(" z (zotero://select/items/1) "),
        item("the book", PAGES["Rust Book"]),
        item(" Other > Part #tag <kbd>k</kbd>"),
    ]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[f](file:///home/me/a.pdf)", "f (file:///home/me/a.pdf)"),
        ("[o](obsidian://open?vault=V&file=N)", "o (obsidian://open?vault=V&file=N)"),
        ("<obsidian://open?vault=V>", "obsidian://open?vault=V"),
        ("[[Unsynced]]", "Unsynced"),
        ("[[Unsynced|shown]]", "shown"),
        ("![[pic.png]] inline", "📎 pic.png (in the vault) inline"),
    ],
)
def test_links_notion_cannot_hold_stay_readable_text(markdown: str, expected: str) -> None:
    got = rich_text(markdown, resolve)
    assert plain_text(got) == expected
    assert all(entry["text"]["link"] is None for entry in got)


def test_a_link_url_over_2000_units_is_shown_as_text() -> None:
    url = "https://example.com/" + "a" * 2000
    got = rich_text(f"[long]({url})")
    assert plain_text(got) == f"long ({url})"
    assert all(
        entry["text"]["link"] is None and utf16_len(entry["text"]["content"]) <= MAX_TEXT for entry in got
    )


def test_rich_text_flattens_the_tail_to_fit_100_items() -> None:
    markdown = " ".join(f"**b{n}** p{n}" for n in range(150))  # 300 items formatted
    got = rich_text(markdown)
    assert len(got) == MAX_ITEMS
    assert plain_text(got) == " ".join(f"b{n} p{n}" for n in range(150))
    assert got[0] == item("b0", bold=True)
    assert got[-1]["annotations"] == {}


def read_back(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What Notion returns for canonical items: plain_text, href, every annotation filled in."""
    out = []
    for entry in items:
        annotations = {
            "bold": False,
            "italic": False,
            "strikethrough": False,
            "underline": False,
            "code": False,
        }
        annotations |= {"color": "default"} | entry["annotations"]
        if entry["type"] == "equation":
            expression = entry["equation"]["expression"]
            out.append(
                {
                    "type": "equation",
                    "equation": {"expression": expression},
                    "annotations": annotations,
                    "plain_text": expression,
                    "href": None,
                }
            )
        else:
            link = entry["text"]["link"]
            out.append(
                {
                    "type": "text",
                    "text": dict(entry["text"]),
                    "annotations": annotations,
                    "plain_text": entry["text"]["content"],
                    "href": link["url"] if link else None,
                }
            )
    return out


_INLINE = st.lists(
    st.sampled_from(
        [
            "word",
            " ",
            "**bold**",
            "*it*",
            "`code`",
            "==mark==",
            "~~s~~",
            "$x$",
            "[l](https://a.b)",
            "[[Rust Book]]",
            "[[Nope]]",
            "😀",
            "漢字",
            "\n",
            "[z](zotero://i)",
            "<b>",
            "a" * 2100,
        ]
    ),
    max_size=40,
).map("".join)


@given(_INLINE)
def test_canonical_rich_text_of_a_read_back_equals_what_was_sent(markdown: str) -> None:
    sent = rich_text(markdown, resolve)
    assert canonical_rich_text(read_back(sent)) == sent


def test_canonical_rich_text_reads_a_mention_as_its_text() -> None:
    mention = {
        "type": "mention",
        "mention": {"type": "page", "page": {"id": "p"}},
        "plain_text": "Page",
        "href": "https://www.notion.so/p",
        "annotations": {"bold": True, "color": "default"},
    }
    assert canonical_rich_text([mention]) == [item("Page", "https://www.notion.so/p", bold=True)]


# --- blocks: the cases the issue names -----------------------------------------------------------------


def test_empty_body_gives_no_blocks() -> None:
    assert markdown_to_blocks("") == []
    assert markdown_to_blocks("\n  \n") == []


def test_a_300_task_note() -> None:
    body = "".join(f"- [{'x' if n % 3 == 0 else ' '}] task {n}\n" for n in range(300))
    blocks = markdown_to_blocks(body, first_line=5)
    assert len(blocks) == 300
    assert [b.type for b in blocks] == ["to_do"] * 300
    assert [b.content["checked"] for b in blocks] == [n % 3 == 0 for n in range(300)]
    assert [plain_text(b.content["rich_text"]) for b in blocks] == [f"task {n}" for n in range(300)]
    assert [b.line for b in blocks] == list(range(5, 305))


def test_a_six_level_nested_list_stays_a_six_deep_tree() -> None:
    body = "".join(f"{'  ' * level}- level {level}\n" for level in range(6))
    blocks = markdown_to_blocks(body)
    chain = []
    node = blocks[0]
    while True:
        chain.append((node.type, plain_text(node.content["rich_text"]), node.line))
        if not node.children:
            break
        assert len(node.children) == 1
        node = node.children[0]
    assert chain == [("bulleted_list_item", f"level {n}", n + 1) for n in range(6)]


def test_mixed_nesting_of_numbers_tasks_and_bullets() -> None:
    body = "1. one\n   - [x] done\n     1. deep\n        - deeper\n"
    (top,) = markdown_to_blocks(body)
    assert top.type == "numbered_list_item"
    todo = top.children[0]
    assert (todo.type, todo.content["checked"]) == ("to_do", True)
    assert todo.children[0].type == "numbered_list_item"
    assert todo.children[0].children[0].type == "bulleted_list_item"


def test_a_10000_character_paragraph_is_one_paragraph_of_several_items() -> None:
    text = ("abcd " * 2000).strip()
    (block,) = markdown_to_blocks(text)
    assert block.type == "paragraph"
    items = block.content["rich_text"]
    assert [utf16_len(entry["text"]["content"]) for entry in items] == [2000, 2000, 2000, 2000, 1999]
    assert plain_text(items) == text


def test_a_paragraph_beyond_100_items_continues_in_following_paragraphs() -> None:
    text = " ".join(f"**b{n}** p{n}" for n in range(150))  # 300 items
    blocks = markdown_to_blocks(text, first_line=7)
    assert [len(b.content["rich_text"]) for b in blocks] == [100, 100, 100]
    assert {b.type for b in blocks} == {"paragraph"} and {b.line for b in blocks} == {7}
    assert "".join(plain_text(b.content["rich_text"]) for b in blocks) == " ".join(
        f"b{n} p{n}" for n in range(150)
    )


def test_an_emoji_heavy_line() -> None:
    line = "🎯 " + "😀👨‍👩‍👧🇫🇷" * 300 + " **done** 🚀"
    (block,) = markdown_to_blocks(f"- [ ] {line}\n")
    items = block.content["rich_text"]
    assert plain_text(items) == line.replace("**", "")
    for entry in items:
        assert utf16_len(entry["text"]["content"]) <= MAX_TEXT
        assert_no_lone_surrogate(entry["text"]["content"])
    assert_within_limits([block])


def test_comments_never_leave_the_vault() -> None:
    body = (
        "Visible %% inline secret %% text.\n"
        "\n"
        "%%\n"
        "secret block\n"
        "- [ ] secret task\n"
        "%%\n"
        "- [ ] real task %% secret note %%\n"
        "\n"
        "%% secret %%    not code\n"
        "```\n"
        "%% kept: in code %%\n"
        "```\n"
    )
    blocks = markdown_to_blocks(body)
    assert [(b.type, b.line) for b in blocks] == [
        ("paragraph", 1),
        ("to_do", 7),
        ("paragraph", 9),
        ("code", 10),
    ]
    assert plain_text(blocks[0].content["rich_text"]) == "Visible text."
    assert plain_text(blocks[1].content["rich_text"]) == "real task"
    assert plain_text(blocks[2].content["rich_text"]) == "not code"
    assert plain_text(blocks[3].content["rich_text"]) == "%% kept: in code %%"
    assert "secret" not in all_text(blocks)


def test_block_lines_are_file_lines() -> None:
    blocks = markdown_to_blocks("# H\n\npara\n\n- a\n  - b\n", first_line=10)
    assert [(b.type, b.line) for b, _ in walk(blocks)] == [
        ("heading_1", 10),
        ("paragraph", 12),
        ("bulleted_list_item", 14),
        ("bulleted_list_item", 15),
    ]


@pytest.mark.parametrize(
    ("info", "language"),
    [
        ("py", "python"),
        ("python", "python"),
        ("sh", "bash"),
        ("shell", "bash"),
        ("zsh", "bash"),
        ("js", "javascript"),
        ("ts", "typescript"),
        ("yml", "yaml"),
        ("C++", "c++"),
        ("rust {.numberLines}", "rust"),
        ("dataview", "plain text"),
        ("", "plain text"),
        ("plain text", "plain text"),
    ],
)
def test_code_languages(info: str, language: str) -> None:
    assert code_language(info) == language
    (block,) = markdown_to_blocks(f"```{info}\nx\n```\n")
    assert block.content == {"rich_text": [item("x")], "language": language}


def test_long_code_is_split_into_items_and_blocks() -> None:
    code = "x" * (MAX_TEXT * 150)
    blocks = markdown_to_blocks(f"```python\n{code}\n```\n")
    assert [len(b.content["rich_text"]) for b in blocks] == [100, 50]
    assert "".join(plain_text(b.content["rich_text"]) for b in blocks) == code


def test_display_math_beyond_1000_characters_becomes_latex_code() -> None:
    short, long = "a+b", "x+" * 600
    assert markdown_to_blocks(f"$$ {short} $$\n")[0].content == {"expression": short}
    (block,) = markdown_to_blocks(f"$$\n{long}\n$$\n")
    assert (block.type, block.content["language"], plain_text(block.content["rich_text"])) == (
        "code",
        "latex",
        long,
    )


@pytest.mark.parametrize(
    ("name", "emoji"),
    [
        ("tip", "🔥"),
        ("hint", "🔥"),
        ("caution", "⚠️"),
        ("error", "⚡"),
        ("faq", "❓"),
        ("tldr", "📋"),
        ("cite", "💬"),
        ("bogus", "✏️"),
    ],
)
def test_callout_types_and_aliases(name: str, emoji: str) -> None:
    (block,) = markdown_to_blocks(f"> [!{name.upper()}]\n> body\n")
    assert block.type == "callout"
    assert block.content["icon"] == {"type": "emoji", "emoji": emoji}
    assert block.content["color"] == CALLOUTS.get(name, CALLOUTS["note"])[1]
    assert plain_text(block.content["rich_text"]) == name.capitalize()
    assert [plain_text(child.content["rich_text"]) for child in block.children] == ["body"]


def test_foldable_callouts_are_toggles() -> None:
    for marker in "-+":
        (block,) = markdown_to_blocks(f"> [!todo]{marker} Later\n> - [ ] x\n")
        assert block.type == "toggle"
        assert plain_text(block.content["rich_text"]) == "☑️ Later"
        assert block.children[0].type == "to_do"


def test_images() -> None:
    blocks = markdown_to_blocks(
        "![](https://a.example/x.png)\n\n![[local.png|300]]\n\n![a](ftp://host/x.png)\n\ntext ![i](https://a.example/y.png)\n"
    )
    assert blocks[0].content == {"type": "external", "external": {"url": "https://a.example/x.png"}}
    assert plain_text(blocks[1].content["rich_text"]) == "📎 local.png (in the vault)"
    assert plain_text(blocks[2].content["rich_text"]) == "📎 ftp://host/x.png (in the vault)"
    assert plain_text(blocks[3].content["rich_text"]) == "text i (https://a.example/y.png)"


def test_table_pads_short_rows() -> None:
    (table,) = markdown_to_blocks("| a | b | c |\n|---|---|---|\n| 1 |\n")
    assert table.content == {"table_width": 3, "has_column_header": True, "has_row_header": False}
    assert table.children[1].content == {"cells": [[item("1")], [], []]}


def test_a_line_nested_too_deep_is_kept_as_text() -> None:
    body = "- " * 150 + "deep words\n\nafter\n"
    blocks = markdown_to_blocks(body)
    text = all_text(blocks)
    assert "deep words" in text and "after" in text


# --- blocks: properties -------------------------------------------------------------------------------

_WORD = st.lists(
    st.one_of(st.characters(categories=["Lu", "Ll", "Lo"]), st.sampled_from(["😀", "漢", "e\u0301", "🇫🇷"])),
    min_size=1,
    max_size=6,
).map(lambda w: "w" + "".join(w))  # a letter first: never a list marker, a number or a task status
_SECRET = st.integers(0, 999).map(lambda n: f"QQSECRET{n}")


@st.composite
def inline_text(draw: st.DrawFn, words: list[str]) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        word = draw(_WORD)
        words.append(word)
        form = draw(
            st.sampled_from(
                [
                    "{}",
                    "**{}**",
                    "*{}*",
                    "`{}`",
                    "==={}===",
                    "==[{}](https://e.x/a)==",
                    "~~{}~~",
                    "${}$",
                    "[[{}]]",
                    "[[N|{}]]",
                    "[{}](zotero://a)",
                    "<i>{}</i>",
                ]
            )
        )
        parts.append(form.replace("===", "==").format(word))
    if draw(st.booleans()):
        secret = draw(_SECRET)
        parts.append(f"%% {secret} %%")
    return " ".join(parts)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str, list[str]]:
    words: list[str] = []
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(
            st.sampled_from(
                [
                    "p",
                    "h",
                    "list",
                    "task",
                    "quote",
                    "callout",
                    "code",
                    "table",
                    "hr",
                    "math",
                    "image",
                    "embed",
                    "comment",
                    "long",
                ]
            )
        )
        if kind == "p":
            lines.append(draw(inline_text(words)))
        elif kind == "long":
            lines.append(" ".join([draw(inline_text(words))] * draw(st.integers(50, 400))))
        elif kind == "h":
            lines.append("#" * draw(st.integers(1, 6)) + " " + draw(inline_text(words)))
        elif kind in ("list", "task"):
            for depth in range(draw(st.integers(1, 7))):
                marker = draw(st.sampled_from(["-", "*", "1."]))
                task = draw(st.sampled_from(["", "[ ] ", "[x] ", "[-] ", "[/] "])) if kind == "task" else ""
                lines.append("    " * depth + f"{marker} {task}" + draw(inline_text(words)))
        elif kind == "quote":
            lines += ["> " + draw(inline_text(words)), ">", "> " + draw(inline_text(words))]
        elif kind == "callout":
            name = draw(st.sampled_from([*CALLOUTS, "odd"]))
            fold = draw(st.sampled_from(["", "-", "+"]))
            lines += [f"> [!{name}]{fold} " + draw(inline_text(words)), "> " + draw(inline_text(words))]
        elif kind == "code":
            word = draw(_WORD)
            words.append(word)
            lines += [
                "```" + draw(st.sampled_from(["py", "sh", "weird", ""])),
                word * draw(st.integers(1, 900)),
                "```",
            ]
        elif kind == "table":
            cells = [draw(_WORD) for _ in range(4)]
            words.extend(cells)
            lines += [f"| {cells[0]} | {cells[1]} |", "|---|---|", f"| {cells[2]} | {cells[3]} |"]
        elif kind == "hr":
            lines.append("---")
        elif kind == "math":
            word = draw(_WORD)
            words.append(word)
            lines += ["$$", word * draw(st.integers(1, 400)), "$$"]
        elif kind == "image":
            word = draw(_WORD)
            words.append(word)
            lines.append(f"![{word}](https://img.example/{draw(st.integers(0, 9))}.png)")
        elif kind == "embed":
            word = draw(_WORD)
            words.append(word)
            lines.append(f"![[{word}.png]]")
        else:
            lines += ["%%", draw(_SECRET), "- [ ] " + draw(_SECRET), "%%"]
        lines.append("")
    return "\n".join(lines), words


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(bodies())
def test_any_body_meets_every_limit_and_keeps_every_word(case: tuple[str, list[str]]) -> None:
    body, words = case
    blocks = markdown_to_blocks(
        body, links=lambda target: "https://www.notion.so/page" if target == "N" else None
    )
    assert_within_limits(blocks)
    text = all_text(blocks)
    missing = [word for word in words if word not in text]
    assert not missing
    assert "QQSECRET" not in text
