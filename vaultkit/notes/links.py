"""Wikilinks and Markdown links: parsing them out of text, and resolving them the way Obsidian does. Pure.

Resolution rules, as Obsidian's `getFirstLinkpathDest` behaves (observed on Obsidian 1.13): names match
case-insensitively and without `.md`. A link that is an exact vault path wins (`[[Plan]]` is `Plan.md` at
the root even from a folder that has its own `Plan.md`; `[[Plans/Growth]]` is `Plans/Growth.md`); a
`./` or `../` link is a path from the linking note and nothing else. Otherwise a link with a folder is a
path suffix and a bare name matches every note of that name. When several match, the one in the linking
note's own folder wins, then a name spelled exactly as the link spells it, then the shortest path string,
then path order; `vaultkit check` reports the ambiguity so the user can qualify the link.

Names are matched by `name_key`: canonically composed (NFC) and case folded. macOS writes file names
decomposed (NFD, `Cafe\u0301.md`) while a link is typed composed (`[[Café]]`); both are one name to
Obsidian on a case-insensitive file system, and to us. Only the keys are normalized: the paths given back
are the paths on disk, byte for byte. Where two notes differ only in case or normalization (`Notes.md` and
`NOTES.md`, possible on Linux), a path written exactly as one of them is that note; any other spelling
resolves to the first in path order and is ambiguous, with both as candidates.
"""

from __future__ import annotations

import bisect
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from vaultkit.notes.lines import LineCounter

__all__ = [
    "Link",
    "LinkIndex",
    "LinkRow",
    "Resolution",
    "find_links",
    "link_rows",
    "linked_targets",
    "name_key",
    "parse_link_target",
    "property_link_rows",
    "title_of",
]

# A link is `(!?)` then one of these, an embed when the character before it is `!` (searched without the
# `!?`, a pattern starts with a literal that the regular expression engine looks for fast; the matches are
# those of `(!?)` + pattern, since a link never ends with `!`).
_WIKILINK_RE = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
_MDLINK_RE = re.compile(r"\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\s*\)")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in a note. `target` is the note path or name as written, without `#…` and `|…`."""

    target: str
    line: int
    heading: str | None = None
    alias: str | None = None
    embed: bool = False
    kind: str = "wikilink"  # "wikilink" | "markdown"
    source: str = "body"  # "body" or "property:<name>"
    raw: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "line": self.line,
            "heading": self.heading,
            "alias": self.alias,
            "embed": self.embed,
            "kind": self.kind,
            "source": self.source,
        }


def parse_link_target(inner: str) -> tuple[str, str | None, str | None]:
    """Split the inside of `[[…]]` into (target, heading, alias)."""
    alias = None
    if "|" in inner:
        inner, alias = inner.split("|", 1)
        inner = inner.removesuffix("\\")  # `\|` escapes the pipe inside tables
    heading = None
    if "#" in inner:
        inner, heading = inner.split("#", 1)
    return inner.strip(), (heading.strip() or None) if heading is not None else None, alias


#: A link as the tuple of its fields, in `Link`'s order (what the index stores, and `Link(*row)` builds).
LinkRow = tuple[str, int, str | None, str | None, bool, str, str, str]


def find_links(text: str, first_line: int, source: str = "body") -> list[Link]:
    """Every wikilink and internal Markdown link in `text`; `first_line` is the 1-based line of text[0]."""
    return [Link(*row) for row in link_rows(text, first_line, source)]


def link_rows(text: str, first_line: int, source: str = "body") -> list[LinkRow]:
    """`find_links` as rows (tuples of each link's fields), for callers that store them."""
    found: list[tuple[int, LinkRow]] = []
    if "[[" in text:
        lines = LineCounter(text, first_line)  # per pass: each pass's matches come in order
        for match in _WIKILINK_RE.finditer(text):
            start, embed = _embed_start(text, match.start())
            target, heading, alias = parse_link_target(match.group(1))
            line = lines.line_at(start)
            raw = text[start : match.end()]
            found.append((start, (target, line, heading, alias, embed, "wikilink", source, raw)))
    if "](" in text:
        lines = LineCounter(text, first_line)
        for match in _MDLINK_RE.finditer(text):
            url = match.group(1).strip("<>")
            if _SCHEME_RE.match(url):  # web, mailto, obsidian:// and other external links
                continue
            start, embed = _embed_start(text, match.start())
            target, _, heading = unquote(url).partition("#")
            line = lines.line_at(start)
            raw = text[start : match.end()]
            found.append((start, (target, line, heading or None, None, embed, "markdown", source, raw)))
    if len(found) > 1:
        found.sort(key=lambda item: item[0])
    return [row for _, row in found]


def _embed_start(text: str, start: int) -> tuple[int, bool]:
    """Where a link matched at `start` begins, and whether it is an embed (a `!` just before it)."""
    embed = start > 0 and text[start - 1] == "!"
    return (start - 1 if embed else start), embed


def property_link_rows(scalars: Iterable[tuple[str, int, str]]) -> list[LinkRow]:
    """Wikilinks in property values, as rows: `scalars` are (key, 1-based file line, text), as
    `Frontmatter.scalars` lists every scalar of the properties block."""
    rows: list[LinkRow] = []
    for key, line, text in scalars:
        if "[[" in text:
            rows.extend(link_rows(text, line, f"property:{key}"))
    return rows


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a link points: `path` (vault-relative, `/`-separated) or None, plus the other candidates."""

    path: str | None
    candidates: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def name_key(text: str) -> str:
    """The form names are compared in: canonically equivalent (NFC and NFD) and caseless (casefold), so
    `Café`, `CAFÉ` and `Cafe\u0301` are one key. Never a path to write: only for matching."""
    if text.isascii():  # nearly every name: casefold is lower, and there is nothing to compose
        return text.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).casefold())


def _key(path: str) -> str:
    return name_key(path).removesuffix(".md")


def _path_key(path: str) -> str:
    """The key a file is found by as an exact path: a note without `.md`, any other file as it is."""
    key = name_key(path)
    return key.removesuffix(".md") if key.endswith(".md") else key


def _drop(table: dict[str, list[str]], key: str, path: str) -> None:
    """Take `path` out of `table[key]`, and the key out of the table once no path is left under it."""
    paths = table[key]
    paths.remove(path)
    if not paths:
        del table[key]


class LinkIndex:
    """Resolves link targets against the files of a vault (vault-relative `/` paths).

    `add` and `remove` follow one file at a time (the watcher keeps a vault current without walking it
    again); after any sequence of them the index resolves exactly as one built from the resulting paths.
    """

    def __init__(self, paths: Iterable[str]) -> None:
        # Every path claiming a key, in path order (`Notes/a.md` and `Notes/A.md`, `Café.md` in NFC and in
        # NFD, or a note `x.md` and a file `x`, share a key): a target written exactly as one of them is
        # that one, any other spelling is the first and could mean them all.
        self._by_path: dict[str, list[str]] = {}
        self._by_name: dict[str, list[str]] = {}
        self._known: dict[tuple[str, str | None], Resolution] = {}
        for path in sorted(paths):
            key = _path_key(path)
            self._by_path.setdefault(key, []).append(path)
            self._by_name.setdefault(key.rsplit("/", 1)[-1], []).append(path)

    def add(self, path: str) -> None:
        """Take in a file that appeared (no effect when it is already known)."""
        key = _path_key(path)
        claims = self._by_path.setdefault(key, [])
        if path in claims:
            return
        bisect.insort(claims, path)
        bisect.insort(self._by_name.setdefault(key.rsplit("/", 1)[-1], []), path)
        self._known.clear()  # any kept answer may now have another candidate

    def remove(self, path: str) -> None:
        """Forget a file that went (no effect when it was not known)."""
        key = _path_key(path)
        claims = self._by_path.get(key)
        if claims is None or path not in claims:
            return
        _drop(self._by_path, key, path)
        _drop(self._by_name, key.rsplit("/", 1)[-1], path)
        self._known.clear()

    def resolve(self, target: str, source: str | None = None) -> Resolution:
        """Resolve `target` as written in the note at `source` (both vault-relative).

        Answers are kept: a vault links the same notes from many places (`check` on 10,000 notes resolves
        150,000 links), and a non-empty target's answer depends on the source's folder alone.
        """
        key = (target, source.rpartition("/")[0] if source else None)  # the folder, cheaper than dirname
        found = self._known.get(key)
        if found is None:
            found = self._resolve(target, source)
            if target.strip():  # an empty target is the linking note itself: that answer is the source's
                self._known[key] = found
        return found

    def _resolve(self, target: str, source: str | None) -> Resolution:
        target = target.strip().replace("\\", "/")
        if not target:  # [[#Heading]] points into the linking note itself
            return Resolution(source, (source,) if source else ())
        relative = target.startswith(("./", "../"))
        if target.startswith("/"):
            target = target.lstrip("/")
        elif relative:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(source or ""), target))
        key = _path_key(target)
        claims = self._by_path.get(key) or self._by_path.get(key + ".md")
        if claims:
            return _by_path_claims(claims, target)
        if relative:
            return Resolution(None, ())
        name = key.rsplit("/", 1)[-1]
        candidates = self._by_name.get(name, [])
        if "/" in key:
            suffix = "/" + key
            candidates = [
                p
                for p in candidates
                if ("/" + _key(p)).endswith(suffix) or ("/" + name_key(p)).endswith(suffix)
            ]
        if not candidates:
            return Resolution(None, ())
        if len(candidates) == 1:
            return Resolution(candidates[0], tuple(candidates))
        folder = posixpath.dirname(source) if source else None
        spelled = target.rsplit("/", 1)[-1]
        spellings = (spelled, spelled + ".md")
        ranked = sorted(
            candidates,
            key=lambda p: (posixpath.dirname(p) != folder, p.rsplit("/", 1)[-1] not in spellings, len(p), p),
        )
        return Resolution(ranked[0], tuple(ranked))


def _by_path_claims(claims: list[str], target: str) -> Resolution:
    """The answer for a target that is a vault path of the files `claims` (in path order).

    A note comes before any other file of its key (Obsidian reads `[[plan]]` as `plan.md` first, even
    beside a file `plan`). Among those, the one written exactly so wins (`Notes.md` is never `NOTES.md`);
    any other spelling gets the first, ambiguous when there are several.
    """
    notes = [path for path in claims if path.lower().endswith(".md")]
    claims = notes or claims
    for path in claims:
        if path in (target, target + ".md"):
            return Resolution(path, (path,))
    return Resolution(claims[0], tuple(claims))


def linked_targets(value: Any) -> list[str]:
    """Link targets in a property value: `"[[Plan]]"`, `["[[A]]", "[[B]]"]`, or a bare name."""
    values = value if isinstance(value, list) else [value]
    targets: list[str] = []
    for item in values:
        if not isinstance(item, str) or not item.strip():
            continue
        text = item.strip()
        if text.startswith("[[") and text.endswith("]]"):
            text = text[2:-2]
        target, _, _ = parse_link_target(text)
        if target:
            targets.append(target)
    return targets


def title_of(path: str) -> str:
    """The note's title as `Note.title` gives it for this path."""
    name = path.rsplit("/", 1)[-1]
    title = name.removesuffix(".md") if name.endswith(".md") else PurePosixPath(name).stem
    return title or name.removesuffix(".md")
