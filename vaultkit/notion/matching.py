"""Which Notion page belongs to a note that has no page under its own id yet. Pure.

A note is found by the sync id in its frontmatter. A note without a page under that id may still have a
page: the id was written on another machine and has not reached this copy of the vault yet, or the
`vaultkit_id` line was deleted. Creating a page then would leave two pages for one note, and the full sync
on the other machine would trash one of them. So before creating, a page whose Path is the note's path,
and whose own id belongs to no note of this vault, is taken over: the sync writes the note's id into it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from vaultkit.notion.richtext import canonical_rich_text, plain_text

__all__ = ["adoptable", "page_text"]


def page_text(page: Mapping[str, Any], name: str) -> str:
    """The plain text of a page's text or title property `name` ("" when absent)."""
    prop = (page.get("properties") or {}).get(name)
    if not isinstance(prop, Mapping):
        return ""
    items = prop.get("rich_text") if prop.get("type") != "title" else prop.get("title")
    return plain_text(canonical_rich_text(items or [])).strip()


def adoptable(
    pages: Iterable[tuple[str | None, Mapping[str, Any]]],
    path: str,
    path_name: str,
    claimed: Collection[str],
) -> tuple[str | None, Mapping[str, Any]] | None:
    """The (sync id, page) to take over for the note at `path`, or None.

    `pages` are (sync id or None, page) pairs of the note's data source; `claimed` the sync ids that notes
    of this vault carry (their pages are theirs). Only a page with exactly the note's path qualifies, and
    only when there is one such page: two candidates are left alone rather than guessed between.
    """
    found = [
        (sync_id, page)
        for sync_id, page in pages
        if page_text(page, path_name) == path and (sync_id is None or sync_id not in claimed)
        and not page.get("in_trash")
    ]
    return found[0] if len(found) == 1 else None
