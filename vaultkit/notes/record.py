"""`NoteRecord`: everything vault-wide commands need to know of a note, without its text.

Records are what the vault index keeps between runs (so they are plain, picklable values), what
`status`, `check` and `rollup` read, and what the watcher will update one file at a time. A full
`Note` is loaded only for notes that are about to be edited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vaultkit.errors import Problem
from vaultkit.notes.links import Link
from vaultkit.notes.note import Note
from vaultkit.notes.structure import Heading
from vaultkit.notes.tasks import Task, TaskCounts

__all__ = ["NoteRecord"]


@dataclass(frozen=True, slots=True)
class NoteRecord:
    path: str  # vault-relative, `/`-separated
    title: str
    type: str | None
    properties: dict[str, Any]
    tasks: tuple[Task, ...]
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    tags: tuple[str, ...]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    placeholders: tuple[tuple[int, str], ...] = ()
    has_frontmatter: bool = False
    is_template: bool = False
    counts: TaskCounts = field(default_factory=TaskCounts)

    @classmethod
    def from_note(cls, note: Note, path: str, *, is_template: bool = False) -> NoteRecord:
        structure = note.structure
        return cls(
            path=path,
            title=note.title or path.rsplit("/", 1)[-1].removesuffix(".md"),
            type=note.type,
            properties=dict(note.properties),
            tasks=structure.tasks,
            headings=structure.headings,
            links=note.links,
            tags=note.tags,
            errors=tuple(note.errors),
            warnings=tuple(note.warnings),
            placeholders=structure.placeholders,
            has_frontmatter=note.has_frontmatter,
            is_template=is_template,
            counts=TaskCounts.of(structure.tasks),
        )

    @property
    def editable(self) -> bool:
        return not self.errors

    @property
    def progress(self) -> int | None:
        return self.counts.progress

    def with_errors(self, *problems: Problem) -> NoteRecord:
        from dataclasses import replace

        return replace(self, errors=self.errors + problems)
