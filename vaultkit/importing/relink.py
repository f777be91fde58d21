"""Links that follow an import: a document's links to its own headings, and to the other documents of the
same run, rewritten as wikilinks to the notes those headings and documents became. Pure.

A document written for GitHub links a heading by its anchor (`[D1 - Developer 1](#d1---developer-1)`: the
heading's text in lower case, spaces made `-`, punctuation dropped); one written in Obsidian by its text
(`[[#D1 - Developer 1]]`). Once `--split-level` has moved that heading into a milestone, either link would
point at nothing, so it becomes `[[D1 - Developer 1]]` (the milestone) or `[[Milestone#Sub heading]]` (a
heading inside it). A relative link to another document of the run (`[Tech Lead](TechLead.md)`) becomes a
link to that document's note. A link whose heading stays in the same note is left as it is; the link's
text is kept as the wikilink's alias where it differs from what the link shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from vaultkit.importing.repair import Repair
from vaultkit.notes.links import Link

__all__ = ["LinkTargets", "github_anchor", "heading_keys", "is_document_link", "rewrite_links", "wikilink"]

_URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def github_anchor(plain: str) -> str:
    """GitHub's anchor of a heading whose text, without Markdown marks, is `plain`."""
    return re.sub(r"[^\w\- ]", "", plain.strip().lower()).replace(" ", "-")


def _text_key(text: str) -> str:
    return " ".join(text.replace("*", "").replace("_", " ").replace("`", "").split()).lower()


def heading_keys(plain: str) -> tuple[str, str]:
    """The keys a link can name a heading by: its GitHub anchor and its text (as `check` compares it)."""
    return github_anchor(plain), _text_key(plain)


@dataclass(frozen=True, slots=True)
class LinkTargets:
    """Where one imported document went: `note` is the link target of its plan note (its name, or its
    path where the name is shared); `headings` maps a heading key (see `heading_keys`) to a link target
    (`Milestone`, `Milestone#Heading`, `Plan#Heading`)."""

    note: str
    headings: dict[str, str] = field(default_factory=dict)

    def find(self, heading: str) -> str | None:
        """The target of a link to `heading` (an anchor or a heading's text), or None if no heading has it."""
        for key in (heading.strip().lower(), _text_key(heading), github_anchor(heading)):
            if key in self.headings:
                return self.headings[key]
        return None


def wikilink(target: str, label: str | None, *, in_table: bool = False) -> str:
    """`[[target]]`, or `[[target|label]]` where the label says something else than the target shows."""
    shown = target.split("#", 1)[1] if "#" in target else target.rsplit("/", 1)[-1]
    if not label or label.strip() == shown:
        return f"[[{target}]]"
    separator = "\\|" if in_table else "|"
    return f"[[{target}{separator}{label}]]"


def _label(link: Link) -> str | None:
    if link.kind == "wikilink":
        return link.alias
    raw = link.raw
    return raw[1 : raw.rindex("](")] if raw.startswith("[") and "](" in raw else None


def is_document_link(link: Link) -> bool:
    """A Markdown link to a relative `.md` path (not a URL, not an absolute path)."""
    return (
        link.kind == "markdown"
        and link.target.lower().endswith(".md")
        and not _URL_RE.match(link.target)
        and not link.target.startswith("/")
    )


def rewrite_links(
    lines: list[str], links: Iterable[Link], target_for: Callable[[Link], str | None]
) -> list[Repair]:
    """Rewrite, in `lines` (a note's lines; a link's `line` counts from 1), each body link that
    `target_for` gives a target; one repair per link."""
    repairs: list[Repair] = []
    for link in links:
        if link.embed or link.source != "body":
            continue
        target = target_for(link)
        label = _label(link)
        if target is None or (label is not None and any(c in label for c in "|[]")):
            continue
        line = lines[link.line - 1]
        new = wikilink(target, label, in_table=line.lstrip().startswith("|"))
        if link.raw not in line or new == link.raw:
            continue
        lines[link.line - 1] = line.replace(link.raw, new, 1)
        repairs.append(Repair(link.line, "link", f"{link.raw!r} -> {new!r}", link.raw, new))
    return repairs
