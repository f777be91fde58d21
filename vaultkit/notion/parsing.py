"""The Markdown reader the Notion mapping uses: markdown-it-py with Obsidian's syntax added. Pure.

The index reads bodies block by block only (`vaultkit.markdown.oracle`); the mapping needs the inline
structure too (emphasis, links, code spans) and Obsidian's extras that CommonMark does not know, so it has
its own parser, built once here: CommonMark plus tables and `~~strikethrough~~`, with these rules added:

- `[[Target#Heading|alias]]` -> a `wikilink` token (`meta`: target, heading, alias);
- `![[file.png]]` -> an `embed` token (`content`: what is embedded);
- `==highlight==` -> `mark_open` / `mark_close` around the parsed inside;
- `$x^2$` -> a `math_inline` token, and `$$ ... $$` (one line or several) -> a `math_block` token;
- a line nested `MAX_LEVEL` levels deep -> a `too_deep` token holding its raw text, so a pathological
  `- - - - …` line is kept as text instead of recursing without bound (markdown-it's own `maxNesting`
  would drop the rest of the note).

Every link destination is accepted (`validateLink`), so `[x](zotero://…)` stays a link token and the
mapping decides what Notion can take; it never silently becomes literal brackets.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline

__all__ = ["MAX_LEVEL", "parser"]

#: How deep blocks may nest before a line is kept as plain text (see the module docstring).
MAX_LEVEL: Final = 100

_WIKI_RE: Final = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
_EMBED_RE: Final = re.compile(r"!\[\[([^\[\]\n]+?)\]\]")
_NOT_MATH_END: Final = re.compile(r"[0-9]")


@cache
def parser() -> MarkdownIt:
    """The one parser of the mapping, built on first use (importing markdown-it is not free)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": 10 * MAX_LEVEL}).enable(
        ["table", "strikethrough"]
    )
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.block.ruler.before("table", "too_deep", _too_deep)
    md.block.ruler.before(
        "fence", "math_block", _math_block, {"alt": ["paragraph", "reference", "blockquote"]}
    )
    md.inline.ruler.before("strikethrough", "embed", _embed)
    md.inline.ruler.before("strikethrough", "wikilink", _wikilink)
    md.inline.ruler.before("strikethrough", "highlight", _highlight)
    md.inline.ruler.before("strikethrough", "math_inline", _math_inline)
    return md


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.level < MAX_LEVEL:
        return False
    if not silent:
        token = state.push("too_deep", "", 0)
        token.content = state.getLines(start, start + 1, state.blkIndent, False)
        token.map = [start, start + 1]
        state.line = start + 1
    return True


def _math_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """`$$` opens display math when it starts a line; it runs to the first line that ends with `$$`."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    first = state.src[pos : state.eMarks[start]]
    if not first.startswith("$$"):
        return False
    rest = first[2:].rstrip()
    if rest.endswith("$$") and len(rest) >= 2:  # `$$ x $$` on one line
        close, lines = start, [rest[:-2]]
    else:
        lines = [rest]
        close = start + 1
        while close < end:
            if state.sCount[close] < state.blkIndent and not state.isEmpty(close):
                return False
            text = state.src[state.bMarks[close] + state.tShift[close] : state.eMarks[close]].rstrip()
            if text.endswith("$$"):
                lines.append(text[:-2])
                break
            lines.append(state.getLines(close, close + 1, state.blkIndent, False))
            close += 1
        else:
            return False
    if silent:
        return True
    token = state.push("math_block", "", 0)
    token.content = "\n".join(lines).strip()
    token.map = [start, close + 1]
    state.line = close + 1
    return True


def _wikilink(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = _WIKI_RE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        inner = match.group(1)
        target, _, alias = inner.partition("|")
        note, _, heading = target.partition("#")
        token = state.push("wikilink", "", 0)
        token.content = inner
        token.meta = {"target": note.strip(), "heading": heading.strip(), "alias": alias.strip()}
    state.pos = match.end()
    return True


def _embed(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("![[", state.pos):
        return False
    match = _EMBED_RE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("embed", "", 0)
        token.content = match.group(1).partition("|")[0].strip()
    state.pos = match.end()
    return True


def _highlight(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if not state.src.startswith("==", start) or state.src.startswith("===", start):
        return False
    close = state.src.find("==", start + 2, state.posMax)
    if close <= start + 2 or state.src[start + 2].isspace() or state.src[close - 1].isspace():
        return False
    if not silent:
        old_max = state.posMax
        state.push("mark_open", "mark", 1)
        state.pos, state.posMax = start + 2, close
        state.md.inline.tokenize(state)
        state.push("mark_close", "mark", -1)
        state.posMax = old_max
    state.pos = close + 2
    return True


def _math_inline(state: StateInline, silent: bool) -> bool:
    """`$x$` as Obsidian reads it: no space just inside the dollars, no digit right after the closing one."""
    start = state.pos
    src = state.src
    if src[start] != "$" or start + 1 >= state.posMax or src[start + 1] in " \t\n$":
        return False
    close = start + 1
    while True:
        close = src.find("$", close + 1, state.posMax)
        if close < 0:
            return False
        if src[close - 1] == "\\":
            continue
        if src[close - 1] in " \t\n" or (close + 1 < len(src) and _NOT_MATH_END.match(src, close + 1)):
            continue
        break
    if not silent:
        token = state.push("math_inline", "", 0)
        token.content = src[start + 1 : close]
    state.pos = close + 1
    return True
