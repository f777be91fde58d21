"""`Note.to_post` and `Note.from_post`: python-frontmatter `Post`s in and out, written by vaultkit's own
property formatter (never `frontmatter.dumps`, which sorts keys and reflows lists)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import frontmatter
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import PROPERTY_VALUES, notes

from vaultkit.errors import NoteError, UnparsableError
from vaultkit.notes.note import Note
from vaultkit.props.frontmatter import same_value


def test_to_post() -> None:
    note = Note.parse(
        "---\ntitle: Plan\ntags:\n  - pdp\ncontent: 3\ndue: 2026-01-02\n---\n# Plan\n\n- [ ] a\n"
    )
    post = note.to_post()
    assert isinstance(post, frontmatter.Post)
    assert post.metadata == {"title": "Plan", "tags": ["pdp"], "content": 3, "due": dt.date(2026, 1, 2)}
    assert post.content == "# Plan\n\n- [ ] a\n"
    assert post["content"] == 3  # a property named like the Post's own attribute is still a property
    post.metadata["tags"].append("x")  # type: ignore[attr-defined]
    assert note.properties["tags"] == ["pdp"]  # a copy: the note is unchanged


def test_to_post_refuses_a_note_whose_properties_did_not_load() -> None:
    with pytest.raises(UnparsableError, match="cannot convert: invalid YAML"):
        Note.parse("---\nbad: [x\n---\nbody\n", "Bad.md").to_post()


def test_from_post_writes_like_vaultkit_in_the_posts_order(tmp_path: Path) -> None:
    post = frontmatter.loads(
        "---\nstatus: active\ntags: [b, a]\ndue: 2026-01-02\nanswer: 'NO'\n---\n\n# Plan\n"
    )
    note = Note.from_post(post, tmp_path / "Plan.md")
    expected = '---\nstatus: active\ntags:\n  - b\n  - a\ndue: 2026-01-02\nanswer: "NO"\n---\n# Plan'
    assert note.text == expected  # python-frontmatter stripped the content when it loaded it
    assert frontmatter.dumps(post) != expected  # its own writer sorts the keys and flows the list
    assert note.save() is True
    assert (tmp_path / "Plan.md").read_bytes() == expected.encode()


def test_from_post_without_metadata() -> None:
    assert Note.from_post(frontmatter.Post("# Plan\n")).text == "# Plan\n"
    # a body that opens with `---` would read as properties: an empty block keeps it body
    note = Note.from_post(frontmatter.Post("---\nx: 1\n---\nbody"))
    assert note.text == "---\n---\n---\nx: 1\n---\nbody"
    assert note.properties == {} and note.body == "---\nx: 1\n---\nbody"


def test_from_post_keeps_the_contents_line_ends() -> None:
    note = Note.from_post(frontmatter.Post("a\r\nb\r\n", title="T"))
    assert note.text == "---\r\ntitle: T\r\n---\r\na\r\nb\r\n"


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"params": {"a": 1}}, "unsupported value"),
        ({"matrix": [[1], [2]]}, "lists of lists"),
        ({1: "x"}, "invalid property name"),
        ({"at": dt.time(10, 30)}, "unsupported value"),
    ],
)
def test_from_post_refuses_what_a_property_cannot_hold(metadata: dict[Any, Any], message: str) -> None:
    post = frontmatter.Post("body")
    post.metadata.update(metadata)
    with pytest.raises(NoteError, match=message):
        Note.from_post(post)


_KEYS = st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12).filter(
    lambda k: k.strip() == k
)
_CONTENT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, PROPERTY_VALUES, max_size=5), _CONTENT)
def test_post_to_note_to_post(metadata: dict[str, Any], content: str) -> None:
    post = frontmatter.Post(content)
    post.metadata.update(metadata)
    back = Note.from_post(post).to_post()
    assert back.content == content
    assert list(back.metadata) == list(metadata)
    assert same_value(back.metadata, {k: list(v) if isinstance(v, tuple) else v for k, v in metadata.items()})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(valid=True))
def test_note_to_post_to_note(text: str) -> None:
    note = Note.parse(text)
    if note.errors:
        return
    again = Note.from_post(note.to_post())
    assert again.body == note.body
    assert list(again.properties) == list(note.properties)
    assert same_value(dict(again.properties), dict(note.properties))
