"""The body scan: headings, tags, links, placeholders and `%%` comments, with whole-file line numbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vaultkit.markdown import comments
from vaultkit.markdown.comments import mask_comments
from vaultkit.markdown.scanner import scan
from vaultkit.notes.structure import Heading
from vaultkit.props.frontmatter import split_lines


def test_headings_atx_setext_and_line_numbers() -> None:
    structure = scan("# One #\n\nTitle\n=====\n\n### Three\n> ## Quoted\n", 10)
    assert structure.headings == (
        Heading(1, "One", 10),
        Heading(1, "Title", 12),
        Heading(3, "Three", 15),
        Heading(2, "Quoted", 16),
    )
    assert structure.headings[0].as_dict() == {"level": 1, "text": "One", "line": 10}


def test_no_headings_in_code() -> None:
    assert scan("```\n# not a heading\n```\n    # nor this\n").headings == ()


def test_tags_follow_obsidian_rules() -> None:
    body = (
        "#start #nested/tag #with-dash_under #émoji🎯 #Start\n"
        "a#no (#no) [x](#no) [[Note#no]] #123 #1a #a.b `#code` \\#escaped\n"
        "## Heading #inheading\n"
    )
    assert scan(body).tags == ("start", "nested/tag", "with-dash_under", "émoji🎯", "1a", "a", "inheading")


def test_no_tags_in_code_blocks() -> None:
    assert scan("```\n#code\n```\n    #indented\n").tags == ()


def test_links_ignore_code_and_keep_their_line() -> None:
    body = (
        "Intro [[A]]\n\n`[[Span]]` and ``[[Double `tick`]]`` then [[B|alias]]\n"
        "```\n[[Fence]]\n```\n![[C.png]]\n"
    )
    links = scan(body, 5).links
    assert [(link.target, link.line) for link in links] == [("A", 5), ("B", 7), ("C.png", 11)]
    assert [(link.alias, link.embed) for link in links] == [(None, False), ("alias", False), (None, True)]


def test_links_in_tables_and_callouts() -> None:
    body = "| a | b |\n|---|---|\n| [[InTable\\|alias]] | x |\n\n> [!note]\n> see [[InCallout]]\n"
    assert [(link.target, link.alias, link.line) for link in scan(body).links] == [
        ("InTable", "alias", 3),
        ("InCallout", None, 6),
    ]


def test_placeholders_outside_code() -> None:
    body = "# {{title}}\n\nCreated <% tp.date.now() %>\n```\n{{not this}}\n```\n`{{nor this}}`\n"
    assert scan(body, 3).placeholders == ((3, "{{title}}"), (5, "<% tp.date.now() %>"))


def test_comments_hide_links_tags_and_placeholders() -> None:
    structure = scan("%% [[Hidden]] #hidden {{hidden}} %% [[Shown]]\n")
    assert [link.target for link in structure.links] == ["Shown"]
    assert structure.tags == () and structure.placeholders == ()


def test_mask_comments_keeps_lines_and_columns() -> None:
    text = "a %%x%% b\r\n%%\r\nhidden\r\n%% c\n`%%` d\r  %%x%%\n"
    masked = mask_comments(text)
    nb = "\u00a0"
    assert masked == f"a {nb * 5} b\r\n  \r\n      \r\n{nb * 2} c\n`%%` d\r       \n"
    assert [len(line) for line in split_lines(masked)] == [len(line) for line in split_lines(text)]


def test_mask_comments_leaves_code_lines_alone_unless_inside_a_comment() -> None:
    text = "```\n%% code\n```\n%%\n```\n%%\n"
    assert mask_comments(text, {0, 1, 2}) == "```\n%% code\n```\n  \n   \n  \n"


def test_cr_only_and_crlf_bodies() -> None:
    assert [t.line for t in scan("- [ ] a\r- [ ] b\r", 3).tasks] == [3, 4]
    assert [h.line for h in scan("# A\r\n\r\n# B\r\n").headings] == [1, 3]


_COMMENTED = st.lists(
    st.sampled_from(["%%", "%% x", "x %%", "`%%`", "``%%`", "a %%b%%c", "- [ ] t", "```", "    %%", "", "t"]),
    max_size=12,
).map("\n".join)


@given(_COMMENTED, st.sets(st.integers(0, 12)), st.booleans())
def test_mask_comments_jumping_between_comments_equals_reading_every_line(
    text: str, code: set[int], newline: bool
) -> None:
    """The fast path (only lines with `%%` or inside a comment) against the line-by-line reading."""
    text += "\n" if newline else ""
    assert mask_comments(text, code) == comments._mask_by_line(text, code)


def test_mask_comments_unclosed_comment_blanks_to_the_end() -> None:
    assert mask_comments("a\n%% open\nb\n\nc") == "a\n       \n \n\n "
