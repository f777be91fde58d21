"""What a note body holds, as values: `Heading`, and `Structure` (tasks, headings, links, tags and leftover
template placeholders), which both scanning engines return. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vaultkit.notes.links import Link
from vaultkit.notes.tasks import Task

__all__ = ["Heading", "Structure", "note_tags"]

@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int

    def as_dict(self) -> dict[str, object]:
        return {"level": self.level, "text": self.text, "line": self.line}


@dataclass(frozen=True, slots=True)
class Structure:
    """What a body holds. Line numbers are 1-based in the whole file."""

    tasks: tuple[Task, ...] = ()
    headings: tuple[Heading, ...] = ()
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    placeholders: tuple[tuple[int, str], ...] = ()


def note_tags(prop: object, body_tags: Iterable[str]) -> tuple[str, ...]:
    """A note's tags (`Note.tags`): those of its `tags` property (a list, or words split by blanks and
    commas; `#` dropped), then its body's, without `#`, in order of appearance; tags ignore case."""
    found: dict[str, str] = {}  # lower-case -> first spelling (Obsidian tags ignore case)
    values = prop if isinstance(prop, list) else str(prop).replace(",", " ").split() if prop else []
    for value in values:
        tag = value.strip().lstrip("#") if isinstance(value, str) else ""
        if tag:
            found.setdefault(tag.lower(), tag)
    for tag in body_tags:
        found.setdefault(tag.lower(), tag)
    return tuple(found.values())
