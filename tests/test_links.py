"""Links: every written form parsed, and resolved the way Obsidian resolves them."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal
from urllib.parse import unquote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from vaultkit.notes.links import Link, LinkIndex, Resolution, find_links, link_rows, parse_link_target


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("Name", ("Name", None, None)),
        ("Name|alias", ("Name", None, "alias")),
        ("folder/Name", ("folder/Name", None, None)),
        ("Name#Heading", ("Name", "Heading", None)),
        ("Name#H1#H2|shown", ("Name", "H1#H2", "shown")),
        ("Name#^block-id", ("Name", "^block-id", None)),
        ("#Heading", ("", "Heading", None)),
        ("Name.md", ("Name.md", None, None)),
        ("Table\\|alias", ("Table", None, "alias")),
    ],
)
def test_parse_link_target(inner: str, expected: tuple[str, str | None, str | None]) -> None:
    assert parse_link_target(inner) == expected


def test_find_links_every_form() -> None:
    text = (
        "[[A]] ![[img.png|100]] [[B|b]]\n"
        "[md](Notes/C%20D.md#Part) ![pic](E.png) [web](https://x.org) [mail](mailto:a@b) [x](<F G.md>)\n"
    )
    assert find_links(text, 3) == [
        Link("A", 3, None, None, False, "wikilink", "body", "[[A]]"),
        Link("img.png", 3, None, "100", True, "wikilink", "body", "![[img.png|100]]"),
        Link("B", 3, None, "b", False, "wikilink", "body", "[[B|b]]"),
        Link("Notes/C D.md", 4, "Part", None, False, "markdown", "body", "[md](Notes/C%20D.md#Part)"),
        Link("E.png", 4, None, None, True, "markdown", "body", "![pic](E.png)"),
        Link("F G.md", 4, None, None, False, "markdown", "body", "[x](<F G.md>)"),
    ]
    assert find_links(text, 3)[0].as_dict() == {
        "target": "A",
        "line": 3,
        "heading": None,
        "alias": None,
        "embed": False,
        "kind": "wikilink",
        "source": "body",
    }


# The patterns as first written, `!` included: `link_rows` searches without it (see links.py).
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
_MDLINK = re.compile(
    r"(!?)\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\s*\)"
)


def links_by_the_embed_patterns(text: str, first_line: int) -> list[Link]:
    found = []
    for m in _WIKILINK.finditer(text):
        target, heading, alias = parse_link_target(m.group(2))
        line = first_line + text.count("\n", 0, m.start())
        found.append(
            (m.start(), Link(target, line, heading, alias, bool(m.group(1)), "wikilink", "body", m[0]))
        )
    for m in _MDLINK.finditer(text):
        url = m.group(2).strip("<>")
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
            target, _, heading = unquote(url).partition("#")
            line = first_line + text.count("\n", 0, m.start())
            link = Link(target, line, heading or None, None, bool(m.group(1)), "markdown", "body", m[0])
            found.append((m.start(), link))
    found.sort(key=lambda item: item[0])
    return [link for _, link in found]


@given(st.text(alphabet='![]()#|\\\n <>"ab.:/%2', max_size=40))
@example("[[a]]![[b]] [c](d)!")
@example("!![[a]]]] ![x](y)![z](w) [[[b]]")
def test_links_are_those_the_embed_patterns_find(text: str) -> None:
    assert find_links(text, 3) == links_by_the_embed_patterns(text, 3)
    assert [tuple(vars_of(link)) for link in find_links(text, 3)] == link_rows(text, 3)


def vars_of(link: Link) -> list[object]:
    return [getattr(link, name) for name in Link.__slots__]


PATHS = [
    "Plan.md",
    "Plans/Growth.md",
    "Archive/Growth.md",
    "Archive/Old/Growth.md",
    "Team/Notes/Growth.md",
    "Notes/Unique Name.md",
    "Notes/Plan.md",
    "assets/diagram.png",
    "Deep/a/b/Target.md",
    "Other/a/b/Target.md",
]


@pytest.fixture
def index() -> LinkIndex:
    return LinkIndex(PATHS)


@pytest.mark.parametrize(
    ("target", "source", "path"),
    [
        ("Unique Name", None, "Notes/Unique Name.md"),
        ("unique name", None, "Notes/Unique Name.md"),  # case-insensitive
        ("UNIQUE NAME.md", None, "Notes/Unique Name.md"),  # with .md
        ("Plans/Growth", None, "Plans/Growth.md"),  # a path from the vault root wins
        ("archive/growth.md", None, "Archive/Growth.md"),
        ("/Plans/Growth", None, "Plans/Growth.md"),
        ("Old/Growth", None, "Archive/Old/Growth.md"),  # a path suffix
        ("diagram.png", None, "assets/diagram.png"),  # attachments
        ("./Growth", "Plans/X.md", "Plans/Growth.md"),  # relative to the linking note
        ("../Plan", "Plans/X.md", "Plan.md"),
        ("Missing", None, None),
        ("Plans/Missing", None, None),
    ],
)
def test_resolve(index: LinkIndex, target: str, source: str | None, path: str | None) -> None:
    assert index.resolve(target, source).path == path


def test_an_exact_vault_path_wins_over_a_same_folder_name(index: LinkIndex) -> None:
    # Observed in Obsidian: `[[Plan]]` is `Plan.md` at the root even from Notes/, which has a Plan.md.
    assert index.resolve("Plan", "Notes/X.md") == Resolution("Plan.md", ("Plan.md",))
    assert index.resolve("Notes/Plan", "Plans/X.md").path == "Notes/Plan.md"


def test_relative_links_are_paths_only(index: LinkIndex) -> None:
    assert index.resolve("./Growth", "Notes/X.md").path is None  # no Notes/Growth.md: no name fallback
    assert index.resolve("../Growth", "Team/Notes/X.md").path is None


def test_ambiguous_names_resolve_deterministically_and_say_so(index: LinkIndex) -> None:
    # The linking note's own folder first, then the shortest path string, then path order.
    from_root = index.resolve("Growth", "Home.md")
    assert from_root == Resolution(
        "Plans/Growth.md",
        ("Plans/Growth.md", "Archive/Growth.md", "Team/Notes/Growth.md", "Archive/Old/Growth.md"),
    )
    assert from_root.ambiguous
    from_team = index.resolve("Growth", "Team/Notes/Index.md")
    assert from_team.path == "Team/Notes/Growth.md"
    assert from_team.candidates[0] == "Team/Notes/Growth.md"
    # An ancestor folder counts for nothing: from Archive/Old/Sub/, the shortest path still wins.
    assert index.resolve("Growth", "Archive/Old/Sub/X.md").path == "Plans/Growth.md"
    assert index.resolve("a/b/Target").candidates == ("Deep/a/b/Target.md", "Other/a/b/Target.md")
    assert not index.resolve("Unique Name").ambiguous
    assert index.resolve("Growth", "Home.md") == LinkIndex(reversed(PATHS)).resolve("Growth", "Home.md")


def test_self_heading_link(index: LinkIndex) -> None:
    assert index.resolve("", "Plans/Growth.md") == Resolution("Plans/Growth.md", ("Plans/Growth.md",))
    assert index.resolve("", None) == Resolution(None, ())


def test_kept_answers_equal_fresh_ones() -> None:
    """`resolve` keeps its answers by target and the source's folder: asking again, from anywhere, must
    give what a fresh index gives."""
    targets = ["Growth", "growth", "Plan", "./Growth", "../Plan", "", "a/b/Target", "Missing", "Notes/Plan"]
    sources = [None, "Home.md", "Plans/X.md", "Notes/X.md", "Team/Notes/Index.md", "Archive/Old/Sub/X.md"]
    kept = LinkIndex(PATHS)
    for _ in range(2):
        for source in sources:
            for target in targets:
                fresh = LinkIndex(PATHS).resolve(target, source)
                assert kept.resolve(target, source) == fresh, (target, source)


# ------------------------------------------------------------------------------------ Unicode and case

_LETTERS = "aeoAEO éÉöÖåÅñÑçÇǰßﬁΣσς-"
_FORMS: tuple[Literal["NFC", "NFD"], ...] = ("NFC", "NFD")


@given(
    name=st.text(alphabet=_LETTERS, min_size=1, max_size=8).filter(lambda s: s == s.strip()),
    stored_form=st.sampled_from(_FORMS),
    folder=st.sampled_from(["", "Notes/", "Ca\u0301fé/"]),
)
@example(name="Café", stored_form="NFD", folder="")
@example(name="Σς ǰ", stored_form="NFC", folder="Ca\u0301fé/")
def test_nfc_and_nfd_spellings_resolve_to_the_same_note(
    name: str, stored_form: Literal["NFC", "NFD"], folder: str
) -> None:
    """A name typed composed or decomposed, in any case, finds the one note; the path is the stored one."""
    stored = unicodedata.normalize(stored_form, f"{folder}{name}.md")
    index = LinkIndex([stored, "Other.md", "Notes/Other.md"])
    for form in _FORMS:
        spelling = unicodedata.normalize(form, name)
        for target in (spelling, spelling.upper(), spelling.lower() + ".md", folder + spelling):
            assert index.resolve(target, "Notes/Home.md") == Resolution(stored, (stored,)), target


_VARIANTS = [
    unicodedata.normalize(form, f"{folder}{name}")
    for form in _FORMS
    for folder in ("", "é/", "É/")
    for name in ("é.md", "É.md", "é", "ÉTÉ.md")
]


@given(
    start=st.sets(st.sampled_from(_VARIANTS)),
    steps=st.lists(st.tuples(st.booleans(), st.sampled_from(_VARIANTS)), max_size=12),
)
def test_unicode_variants_followed_resolve_as_a_fresh_index(
    start: set[str], steps: list[tuple[bool, str]]
) -> None:
    index, paths = LinkIndex(start), set(start)
    targets = ["é", "É", "e\u0301", "é.md", "É/é", "e\u0301/E\u0301", "été", "/É"]
    for adding, path in steps:
        index.resolve("é", "é/n.md")
        if adding:
            index.add(path)
            paths.add(path)
        else:
            index.remove(path)
            paths.discard(path)
    fresh = LinkIndex(paths)
    for target in targets:
        for source in (None, "n.md", "é/n.md", "e\u0301/n.md"):
            assert index.resolve(target, source) == fresh.resolve(target, source)
