"""Inline Markdown as Notion rich text, within Notion's limits by construction. Pure.

Notion counts text in UTF-16 code units (an emoji is two), caps one text item and one link URL at 2000 of
them and one rich-text array at 100 items; a request that breaks a limit is refused whole. So every item
this module makes is measured with `utf16_len` and cut with `split_utf16`, which never cuts a surrogate
pair, and arrays are fitted to 100 items by flattening the tail into plain text: formatting may be lost
at the very end of a huge paragraph, text never.

The canonical item (what the mapping sends and what `canonical_rich_text` makes of a read-back, so the
two compare equal):

    {"type": "text", "text": {"content": str, "link": {"url": u} | None}, "annotations": {...}}
    {"type": "equation", "equation": {"expression": e}, "annotations": {...}}

where `annotations` holds only the annotations that are true, plus `color` when it is not "default".
Adjacent text items of the same annotations and link are merged (up to the item limit), so one spelling
of a text has one item list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from vaultkit.notion.parsing import parser

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = [
    "MAX_EQUATION",
    "MAX_ITEMS",
    "MAX_TEXT",
    "LinkResolver",
    "canonical_rich_text",
    "fit_items",
    "inline_items",
    "no_links",
    "plain_text",
    "rich_text",
    "split_utf16",
    "text_item",
    "utf16_len",
]

#: Notion's limits: UTF-16 units per text item or link URL, items per array, characters per equation.
MAX_TEXT: Final = 2000
MAX_ITEMS: Final = 100
MAX_EQUATION: Final = 1000

#: Given a wikilink's target note (`Target` of `[[Target#Heading|alias]]`), its Notion page URL when that
#: note is synced, else None (the link is then shown as plain text).
LinkResolver = Callable[[str], "str | None"]

_LINK_SCHEMES: Final = ("http://", "https://", "mailto:")
_ANNOTATIONS: Final = ("bold", "italic", "strikethrough", "underline", "code")
_STYLE_OF: Final = {"strong": "bold", "em": "italic", "s": "strikethrough", "mark": "color"}
_HIGHLIGHT: Final = "yellow_background"
_BREAKS: Final = ("softbreak", "hardbreak")


def no_links(target: str) -> str | None:
    """The resolver for a sync that knows no Notion pages: every wikilink becomes plain text."""
    return None


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Notion's limits (a character beyond U+FFFF counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _is_high(char: str) -> bool:
    return "\ud800" <= char <= "\udbff"


def _is_low(char: str) -> bool:
    return "\udc00" <= char <= "\udfff"


def split_utf16(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` cut into pieces of at most `limit` UTF-16 units that join back to it; no piece ends between
    the two halves of a surrogate pair (whether Python holds the pair as one character or as two)."""
    if limit < 2:
        raise ValueError("limit must be at least 2 UTF-16 units")
    if not text:
        return []
    if len(text) <= limit // 2 or utf16_len(text) <= limit:
        return [text]
    pieces: list[str] = []
    start = 0
    units = 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > limit:
            cut = index - 1 if _is_low(char) and _is_high(text[index - 1]) and index - 1 > start else index
            pieces.append(text[start:cut])
            units = utf16_len(text[cut:index])
            start = cut
        units += width
    pieces.append(text[start:])
    return pieces


def text_item(
    content: str, annotations: Mapping[str, Any] | None = None, url: str | None = None
) -> dict[str, Any]:
    """One canonical text item (`content` is not split here: see `normalize`)."""
    return {
        "type": "text",
        "text": {"content": content, "link": None if url is None else {"url": url}},
        "annotations": dict(annotations or {}),
    }


def _equation_item(expression: str, annotations: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "equation", "equation": {"expression": expression}, "annotations": dict(annotations)}


def _annotations(styles: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {name: True for name in _ANNOTATIONS if name in styles}
    if "color" in styles:
        out["color"] = _HIGHLIGHT
    return out


def _can_link(url: str) -> bool:
    return (
        url.lower().startswith(_LINK_SCHEMES)
        and utf16_len(url) <= MAX_TEXT
        and not any(char.isspace() for char in url)
    )


def _embed_text(name: str) -> str:
    return f"📎 {name} (in the vault)"


def inline_items(
    tokens: Iterable[Token], links: LinkResolver = no_links, hidden: str = "", strike: bool = False
) -> list[dict[str, Any]]:
    """The canonical items for markdown-it inline tokens (an inline token's `children`), normalised but
    not fitted to 100 items. Characters in `hidden` are dropped (the mapping's stand-in for comments);
    `strike` strikes everything through (a cancelled task)."""
    styles: list[str] = ["strikethrough"] if strike else []
    link: list[tuple[str | None, str]] = []  # each open link: its URL (None: not for Notion), its href
    items: list[dict[str, Any]] = []

    def add(text: str, extra: Sequence[str] = ()) -> None:
        if hidden:
            text = text.translate({ord(char): None for char in hidden})
        if text:
            url = link[-1][0] if link else None
            items.append(text_item(text, _annotations([*styles, *extra]), url))

    tokens = list(tokens)
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in ("text", "text_special", "html_inline"):
            text = token.content
            if hidden and hidden in text:
                starts = index == 0 or tokens[index - 1].type in _BREAKS
                ends = index + 1 == len(tokens) or tokens[index + 1].type in _BREAKS
                text = _drop_comments(text, hidden, starts, ends)
            add(text)
        elif kind in ("softbreak", "hardbreak"):
            add("\n")
        elif kind == "code_inline":
            add(token.content, ("code",))
        elif kind.endswith("_open") and kind[:-5] in _STYLE_OF:
            styles.append(_STYLE_OF[kind[:-5]])
        elif kind.endswith("_close") and kind[:-6] in _STYLE_OF:
            if _STYLE_OF[kind[:-6]] in styles:
                styles.reverse()
                styles.remove(_STYLE_OF[kind[:-6]])
                styles.reverse()
        elif kind == "link_open":
            href = str(token.attrs.get("href", ""))
            shown = "" if token.markup == "autolink" else href  # an autolink's text is its URL already
            link.append((href if _can_link(href) else None, shown))
        elif kind == "link_close" and link:
            url, href = link.pop()
            if url is None and href:  # a link Notion cannot hold: its URL is shown as text
                add(f" ({parser().normalizeLinkText(href)})")
        elif kind == "image":
            add(_image_text(token))
        elif kind == "embed":
            add(_embed_text(token.content))
        elif kind == "wikilink":
            _wikilink(token, links, add, items, styles, hidden)
        elif kind == "math_inline":
            expression = (
                token.content.translate({ord(char): None for char in hidden}) if hidden else token.content
            )
            if 0 < len(expression) <= MAX_EQUATION and utf16_len(expression) <= MAX_EQUATION:
                items.append(_equation_item(expression, _annotations(styles)))
            else:
                add(f"${token.content}$")
    return normalize(items)


def _drop_comments(text: str, hidden: str, starts: bool, ends: bool) -> str:
    """`text` without the comment stand-ins, and without the spaces that only separated a comment from
    the rest: `a %% c %% b` reads "a b", `%% c %%  b` at a line start "b" (not indented code)."""
    run = f"[{re.escape(hidden)}]+"
    if starts:
        text = re.sub(f"^{run}[ \t]*", "", text)
    if ends:
        text = re.sub(f"[ \t]*{run}$", "", text)
    return re.sub(f" {run}(?= )", "", text).replace(hidden, "")


def _image_text(token: Token) -> str:
    """An image inside running text reads as its alt text and URL, or as the vault file it shows."""
    src = str(token.attrs.get("src", ""))
    if src.lower().startswith(("http://", "https://")):
        return f"{token.content} ({src})" if token.content else src
    return _embed_text(parser().normalizeLinkText(src))


def _wikilink(
    token: Token,
    links: LinkResolver,
    add: Callable[[str], None],
    items: list[dict[str, Any]],
    styles: Sequence[str],
    hidden: str,
) -> None:
    meta = token.meta
    target, heading, alias = str(meta["target"]), str(meta["heading"]), str(meta["alias"])
    shown = alias or " > ".join(part for part in (target, heading) if part) or token.content
    if hidden:
        target = target.translate({ord(char): None for char in hidden})
    url = links(target) if target else None
    if url is not None and _can_link(url):
        if hidden:
            shown = shown.translate({ord(char): None for char in hidden})
        if shown:
            items.append(text_item(shown, _annotations(styles), url))
    else:
        add(shown)


def normalize(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Items in canonical order: empty ones dropped, neighbours of one style merged, long ones split."""
    merged: list[dict[str, Any]] = []
    for item in items:
        if item["type"] == "text":
            if not item["text"]["content"]:
                continue
            last = merged[-1] if merged else None
            if (
                last is not None
                and last["type"] == "text"
                and last["annotations"] == item["annotations"]
                and last["text"]["link"] == item["text"]["link"]
            ):
                last["text"]["content"] += item["text"]["content"]
                continue
            merged.append(text_item(item["text"]["content"], item["annotations"], _url(item)))
        else:
            merged.append(dict(item))
    out: list[dict[str, Any]] = []
    for item in merged:
        if item["type"] == "text" and utf16_len(item["text"]["content"]) > MAX_TEXT:
            out += [
                text_item(piece, item["annotations"], _url(item))
                for piece in split_utf16(item["text"]["content"])
            ]
        else:
            out.append(item)
    return out


def _url(item: Mapping[str, Any]) -> str | None:
    link = item["text"]["link"]
    return None if link is None else str(link["url"])


def plain_text(items: Iterable[Mapping[str, Any]]) -> str:
    """What the items read as, without formatting (an equation reads as its expression)."""
    return "".join(
        item["text"]["content"] if item["type"] == "text" else item["equation"]["expression"]
        for item in items
    )


def fit_items(items: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """`items` as rich-text arrays of at most 100 items, the first as full as possible.

    Within 100 items nothing changes. Beyond, the tail is flattened into plain text items (an equation
    keeps its `$…$` source, a link its text), keeping as many formatted items in front as leaves room for
    it. Only text longer than 100 full items (about 200,000 units) needs a second array: the caller puts
    it in a following block, so no text is ever dropped.
    """
    if len(items) <= MAX_ITEMS:
        return [list(items)]
    for keep in range(MAX_ITEMS - 1, -1, -1):
        tail = "".join(
            item["text"]["content"] if item["type"] == "text" else f"${item['equation']['expression']}$"
            for item in items[keep:]
        )
        pieces = split_utf16(tail)
        if keep + len(pieces) <= MAX_ITEMS:
            return [list(items[:keep]) + [text_item(piece) for piece in pieces]]
        if keep == 0:
            return [
                [text_item(piece) for piece in pieces[start : start + MAX_ITEMS]]
                for start in range(0, len(pieces), MAX_ITEMS)
            ]
    raise AssertionError("unreachable")


def rich_text(inline_markdown: str, links: LinkResolver = no_links) -> list[dict[str, Any]]:
    """Inline Markdown (one paragraph's text) as one canonical rich-text array of at most 100 items.

    Bold, italic, strikethrough, code, `==highlight==`, `$math$` and http(s)/mailto links keep their
    form; a link of another scheme (`obsidian://`, `zotero://`, `file://`) keeps its text and shows its
    URL as plain text; `[[wikilinks]]` link to the target's Notion page when `links` knows it, else read
    as their alias or target; tags and inline HTML stay text. Text beyond 100 full items (about 200,000
    UTF-16 units) does not fit one array: `fit_items(inline_items(...))` gives the rest.
    """
    if not inline_markdown:
        return []
    tokens = parser().parseInline(inline_markdown, {})
    children = tokens[0].children or [] if tokens else []
    return fit_items(inline_items(children, links))[0]


def canonical_rich_text(items_from_api: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rich text as Notion returns it (`plain_text`, `href`, every annotation filled in) in canonical form,
    so a block read back compares equal to the block sent. Mentions read as their plain text."""
    out: list[dict[str, Any]] = []
    for item in items_from_api:
        given = item.get("annotations") or {}
        annotations: dict[str, Any] = {name: True for name in _ANNOTATIONS if given.get(name)}
        color = given.get("color", "default")
        if color and color != "default":
            annotations["color"] = color
        kind = item.get("type")
        if kind == "equation":
            out.append(_equation_item(str(item["equation"]["expression"]), annotations))
            continue
        if kind == "text":
            text = item.get("text") or {}
            content = str(text.get("content", item.get("plain_text", "")))
            link = text.get("link")
            url = str(link["url"]) if link else None
        else:
            content = str(item.get("plain_text", ""))
            url = item.get("href")
        out.append(text_item(content, annotations, url))
    return normalize(out)
