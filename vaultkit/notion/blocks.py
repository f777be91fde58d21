"""A note body as the tree of Notion blocks that shows it: complete, and within Notion's limits. Pure.

Every construct of a note has a place in Notion (the table below); nothing is dropped to satisfy a limit:
long text is split into items, items beyond 100 continue in a following block, and what Notion cannot
hold (a local image, a 2,000-character formula) becomes something readable that names it.

| Markdown | Notion block |
|---|---|
| `#`, `##`, `###` (and `####`-`######`) | heading_1, heading_2, heading_3 (the deeper ones heading_3) |
| paragraph, HTML block, inline HTML | paragraph (HTML kept as its text) |
| `-`/`*`/`+`, `1.` at any depth | bulleted_list_item, numbered_list_item, nested as children |
| `- [ ]`, `- [x]`, `- [-]`, `- [/]` | to_do: checked for x/X; cancelled `-` unchecked, struck through |
| `>` | quote (its first paragraph the quote's text, the rest its children) |
| `> [!type] Title`, `> [!type]-`/`+` | callout (icon and colour by type), a foldable one a toggle |
| fenced or indented code | code, its language mapped onto Notion's enum (unknown: "plain text") |
| table | table with table_row children |
| `---` | divider |
| `$$…$$` | equation; beyond 1000 characters a code block of language "latex" |
| `![alt](https://…)` alone in a paragraph | image (external URL, the alt text as caption) |
| `![[file.png]]`, `![](local.png)` | a paragraph "📎 file.png (in the vault)" |
| `%% comments %%` | nothing: they never leave the vault |

A block's `content` holds only the fields the mapping sets, rich text in the canonical form of
`vaultkit.notion.richtext`, so a block read back (and normalised the same way) compares equal by `key`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from vaultkit.markdown.comments import mask_comments
from vaultkit.notion.model import Block
from vaultkit.notion.parsing import parser
from vaultkit.notion.richtext import (
    MAX_EQUATION,
    MAX_ITEMS,
    LinkResolver,
    fit_items,
    inline_items,
    no_links,
    normalize,
    split_utf16,
    text_item,
    utf16_len,
)

if TYPE_CHECKING:
    from markdown_it.token import Token
    from markdown_it.tree import SyntaxTreeNode

__all__ = ["CALLOUTS", "CODE_LANGUAGES", "code_language", "markdown_to_blocks"]

#: Every language Notion's code block accepts (its API refuses any other with a 400).
CODE_LANGUAGES: Final = frozenset(
    {
        "abap", "abc", "agda", "arduino", "ascii art", "assembly", "bash", "basic", "bnf", "c", "c#", "c++",
        "clojure", "coffeescript", "coq", "css", "dart", "dhall", "diff", "docker", "ebnf", "elixir", "elm",
        "erlang", "f#", "flow", "fortran", "gherkin", "glsl", "go", "graphql", "groovy", "haskell", "hcl",
        "html", "idris", "java", "javascript", "json", "julia", "kotlin", "latex", "less", "lisp",
        "livescript", "llvm ir", "lua", "makefile", "markdown", "markup", "mathematica", "matlab", "mermaid",
        "nix", "notion formula", "objective-c", "ocaml", "pascal", "perl", "php", "plain text", "powershell",
        "prolog", "protobuf", "purescript", "python", "r", "racket", "reason", "ruby", "rust", "sass",
        "scala", "scheme", "scss", "shell", "smalltalk", "solidity", "sql", "swift", "toml", "typescript",
        "vb.net", "verilog", "vhdl", "visual basic", "webassembly", "xml", "yaml", "java/c/c++/c#",
    }
)  # fmt: skip

_LANGUAGE_ALIASES: Final = {
    "py": "python", "python3": "python", "sh": "bash", "shell": "bash", "zsh": "bash", "console": "bash",
    "shellsession": "bash", "js": "javascript", "mjs": "javascript", "cjs": "javascript", "jsx": "javascript",
    "node": "javascript", "ts": "typescript", "tsx": "typescript", "yml": "yaml", "md": "markdown",
    "rb": "ruby", "rs": "rust", "golang": "go", "cpp": "c++", "cxx": "c++", "hpp": "c++", "h": "c",
    "cs": "c#", "csharp": "c#", "fs": "f#", "fsharp": "f#", "kt": "kotlin", "kts": "kotlin",
    "objc": "objective-c", "objectivec": "objective-c", "dockerfile": "docker", "make": "makefile",
    "mk": "makefile", "tex": "latex", "math": "latex", "htm": "html", "xhtml": "html", "svg": "xml",
    "jsonc": "json", "json5": "json", "ps1": "powershell", "pwsh": "powershell", "hs": "haskell",
    "pl": "perl", "ex": "elixir", "exs": "elixir", "erl": "erlang", "clj": "clojure",
    "coffee": "coffeescript", "vb": "visual basic", "vbnet": "vb.net", "wasm": "webassembly",
    "proto": "protobuf", "tf": "hcl",
    "terraform": "hcl", "ml": "ocaml", "rkt": "racket", "sol": "solidity", "text": "plain text",
    "txt": "plain text", "plaintext": "plain text", "plain": "plain text", "gql": "graphql",
    "patch": "diff", "jl": "julia", "asm": "assembly", "nasm": "assembly",
    "fish": "shell", "ksh": "shell", "postgres": "sql", "postgresql": "sql", "mysql": "sql", "sqlite": "sql",
    "plsql": "sql", "scm": "scheme", "el": "lisp", "elisp": "lisp", "emacs-lisp": "lisp", "cl": "lisp",
    "feature": "gherkin",
}  # fmt: skip

#: Obsidian's callout types (https://help.obsidian.md/callouts), each alias under its own name: the
#: emoji and the Notion colour of its callout. An unknown type is shown as a note, as Obsidian does.
CALLOUTS: Final = {
    **dict.fromkeys(("note",), ("✏️", "blue_background")),
    **dict.fromkeys(("abstract", "summary", "tldr"), ("📋", "blue_background")),
    **dict.fromkeys(("info",), ("ℹ️", "blue_background")),
    **dict.fromkeys(("todo",), ("☑️", "blue_background")),
    **dict.fromkeys(("tip", "hint", "important"), ("🔥", "green_background")),
    **dict.fromkeys(("success", "check", "done"), ("✅", "green_background")),
    **dict.fromkeys(("question", "help", "faq"), ("❓", "yellow_background")),
    **dict.fromkeys(("warning", "caution", "attention"), ("⚠️", "orange_background")),
    **dict.fromkeys(("failure", "fail", "missing"), ("❌", "red_background")),
    **dict.fromkeys(("danger", "error"), ("⚡", "red_background")),
    **dict.fromkeys(("bug",), ("🐛", "red_background")),
    **dict.fromkeys(("example",), ("📑", "purple_background")),
    **dict.fromkeys(("quote", "cite"), ("💬", "gray_background")),
}

_CALLOUT_RE: Final = re.compile(r"\[!([^\]\s]+)\]([+-]?)[ \t]*([^\n]*)")
_TASK_RE: Final = re.compile(r"\[([^\n])\](?:[ \t]+|$)")
_DONE: Final = frozenset("xX")
_CANCELLED: Final = "-"
_HEADINGS: Final = {"h1": "heading_1", "h2": "heading_2"}


def code_language(info: str) -> str:
    """A fence's info string (```` ```py ````) as a language of Notion's enum; unknown: "plain text"."""
    words = info.split()
    name = words[0].lower().strip("{}.") if words else ""
    name = _LANGUAGE_ALIASES.get(name, name)
    return name if name in CODE_LANGUAGES else "plain text"


@dataclass(frozen=True, slots=True)
class _Context:
    first_line: int
    links: LinkResolver
    hidden: str  # the character standing in for comment text (empty: the body has no comment)
    env: dict[str, Any]
    lines: Sequence[str]

    def clean(self, text: str) -> str:
        return text.replace(self.hidden, "") if self.hidden else text

    def line(self, node: SyntaxTreeNode) -> int:
        return self.first_line + (node.map[0] if node.map else 0)


def markdown_to_blocks(body: str, *, first_line: int = 1, links: LinkResolver = no_links) -> list[Block]:
    """The Notion blocks of a note body (frontmatter already removed).

    `first_line` is the file line of the body's first line, so every `Block.line` is a line of the file;
    `links` resolves `[[wikilinks]]` to Notion page URLs (see `vaultkit.notion.richtext`).
    """
    from markdown_it.tree import SyntaxTreeNode

    if not body.strip():
        return []
    text, hidden = _hide_comments(body)
    env: dict[str, Any] = {}
    tokens = parser().parse(text, env)
    context = _Context(first_line, links, hidden, env, text.splitlines())
    return _blocks(SyntaxTreeNode(tokens).children, context)


def _hide_comments(body: str) -> tuple[str, str]:
    """`body` with the text of `%% comments %%` replaced by a character that occurs nowhere else in it.

    Blanking them (as the index does) would leave runs of no-break spaces in the text sent to Notion;
    a stand-in keeps the block structure exactly as the index reads it and is dropped from every string
    the mapping produces. Lines are kept, so block lines stay right.
    """
    if "%%" not in body:
        return body, ""
    hidden = next(chr(code) for code in range(0xE000, 0xF900) if chr(code) not in body)
    code: set[int] = set()
    masked = body
    for _ in range(3):  # a comment can hide a fence opener, which changes what is code
        masked = mask_comments(body, code)
        new_code = _code_lines(parser().parse(masked, {}))
        if new_code == code:
            break
        code = new_code
    chars = [hidden if new == "\u00a0" and old != new else new for old, new in zip(body, masked, strict=True)]
    return "".join(chars), hidden


def _code_lines(tokens: Sequence[Token]) -> set[int]:
    lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


def _blocks(nodes: Sequence[SyntaxTreeNode], context: _Context) -> list[Block]:
    out: list[Block] = []
    for node in nodes:
        out += _block(node, context)
    return out


def _block(node: SyntaxTreeNode, context: _Context) -> list[Block]:
    kind = node.type
    line = context.line(node)
    if kind == "paragraph":
        token = node.children[0].token if node.children else None
        return _paragraph(token, context, line) if token is not None else []
    if kind == "heading":
        items = _inline(node.children[0].token if node.children else None, context)
        return _with_overflow(_HEADINGS.get(node.tag, "heading_3"), {}, items, (), line, after=True)
    if kind in ("bullet_list", "ordered_list"):
        item_type = "bulleted_list_item" if kind == "bullet_list" else "numbered_list_item"
        return [block for item in node.children for block in _list_item(item, item_type, context)]
    if kind == "blockquote":
        return _quote(node, context, line)
    if kind in ("fence", "code_block"):
        language = code_language(context.clean(node.info)) if kind == "fence" else "plain text"
        return _code(context.clean(node.content), language, line)
    if kind == "math_block":
        expression = context.clean(node.content).strip()
        if not expression:
            return []
        if len(expression) > MAX_EQUATION or utf16_len(expression) > MAX_EQUATION:
            return _code(expression, "latex", line)
        return [Block("equation", {"expression": expression}, line=line)]
    if kind == "hr":
        return [Block("divider", {}, line=line)]
    if kind == "table":
        return _table(node, context, line)
    # html_block, too_deep, and anything else markdown-it may add: its text, never lost
    return _plain_paragraphs(context.clean(node.content).strip("\n"), line)


def _inline(
    token: Token | None, context: _Context, source: str | None = None, strike: bool = False
) -> list[dict[str, Any]]:
    """The items of an inline token, or of `source` (inline Markdown) read with the note's references."""
    if source is not None:
        parsed = parser().parseInline(source, context.env) if source else []
        children = parsed[0].children or [] if parsed else []
    else:
        children = token.children or [] if token is not None else []
    return inline_items(children, context.links, context.hidden, strike)


def _chunks(items: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [list(items[start : start + MAX_ITEMS]) for start in range(0, len(items), MAX_ITEMS)] or [[]]


def _paragraph(token: Token, context: _Context, line: int) -> list[Block]:
    images = _image_row(token)
    if images is not None:
        return [_image(image, context, line) for image in images]
    items = _inline(token, context)
    if not items:
        return []
    return [Block("paragraph", {"rich_text": chunk}, line=line) for chunk in _chunks(items)]


def _plain_paragraphs(text: str, line: int) -> list[Block]:
    items = [text_item(piece) for piece in split_utf16(text)]
    return [Block("paragraph", {"rich_text": chunk}, line=line) for chunk in _chunks(items)] if items else []


def _with_overflow(
    kind: str,
    fields: dict[str, Any],
    items: Sequence[dict[str, Any]],
    children: Sequence[Block],
    line: int,
    after: bool = False,
) -> list[Block]:
    """A block with `items` as its text; text beyond one array continues in paragraphs, placed as its first
    children (or, for a block that cannot hold children, `after` it)."""
    first, *rest = fit_items(items) if items else [[]]
    more = [Block("paragraph", {"rich_text": chunk}, line=line) for chunk in rest]
    block = Block(kind, {"rich_text": first, **fields}, tuple([] if after else more) + tuple(children), line)
    return [block, *more] if after else [block]


def _list_item(node: SyntaxTreeNode, item_type: str, context: _Context) -> list[Block]:
    line = context.line(node)
    children = list(node.children)
    items: list[dict[str, Any]] = []
    kind, fields = item_type, {}
    if children and children[0].type == "paragraph" and children[0].children:
        token = children[0].children[0].token
        assert token is not None
        content = token.content
        task = _TASK_RE.match(content)
        if task is not None:
            status = task.group(1)
            kind, fields = "to_do", {"checked": status in _DONE}
            items = _inline(None, context, content[task.end() :], strike=status == _CANCELLED)
        else:
            items = _inline(token, context)
        children = children[1:]
    return _with_overflow(kind, fields, items, _blocks(children, context), line)


def _quote(node: SyntaxTreeNode, context: _Context, line: int) -> list[Block]:
    children = list(node.children)
    first = children[0] if children and children[0].type == "paragraph" and children[0].children else None
    token = first.children[0].token if first is not None else None
    callout = _CALLOUT_RE.match(token.content) if token is not None else None
    if token is None or callout is None:
        items = _inline(token, context) if token is not None else []
        return _with_overflow("quote", {}, items, _blocks(children[1 if token else 0 :], context), line)
    name, fold, title = callout.group(1).lower(), callout.group(2), callout.group(3)
    emoji, color = CALLOUTS.get(context.clean(name), CALLOUTS["note"])
    title_items = _inline(None, context, title.strip()) or [text_item(context.clean(name).capitalize())]
    body: list[Block] = []
    rest = token.content[callout.end() :].lstrip("\n")
    if rest.strip():
        body += _paragraph(parser().parseInline(rest, context.env)[0], context, line + 1)
    body += _blocks(children[1:], context)
    if fold:
        # one item list per text (see richtext): the emoji merges into a plain title's first item
        return _with_overflow("toggle", {}, normalize([text_item(f"{emoji} "), *title_items]), body, line)
    icon = {"icon": {"type": "emoji", "emoji": emoji}, "color": color}
    return _with_overflow("callout", icon, title_items, body, line)


def _code(code: str, language: str, line: int) -> list[Block]:
    code = code.removesuffix("\n")
    items = [text_item(piece) for piece in split_utf16(code)]
    return [Block("code", {"rich_text": chunk, "language": language}, line=line) for chunk in _chunks(items)]


def _image_row(token: Token) -> list[Token] | None:
    """The images of a paragraph that holds nothing but images (and the spaces between them), else None."""
    images: list[Token] = []
    for child in token.children or []:
        if child.type in ("image", "embed"):
            images.append(child)
        elif not (
            child.type in ("softbreak", "hardbreak") or (child.type == "text" and not child.content.strip())
        ):
            return None
    return images or None


def _image(token: Token, context: _Context, line: int) -> Block:
    src = context.clean(str(token.attrs.get("src", ""))) if token.type == "image" else ""
    if src.lower().startswith(("http://", "https://")) and utf16_len(src) <= 2000 and " " not in src:
        caption = fit_items(inline_items(token.children or [], context.links, context.hidden))[0]
        content: dict[str, Any] = {"type": "external", "external": {"url": src}}
        if caption:
            content["caption"] = caption
        return Block("image", content, line=line)
    items = inline_items([token], context.links, context.hidden)
    return Block("paragraph", {"rich_text": fit_items(items)[0]}, line=line)


def _table(node: SyntaxTreeNode, context: _Context, line: int) -> list[Block]:
    rows = [row for section in node.children for row in section.children]
    width = max((len(row.children) for row in rows), default=0)
    built: list[Block] = []
    for row in rows:
        cells: list[list[dict[str, Any]]] = []
        for cell in row.children:
            arrays = fit_items(_inline(cell.children[0].token if cell.children else None, context))
            if len(arrays) > 1:  # a cell beyond 200,000 units: the table is kept as its source text
                start, end = node.map or (0, 0)
                return _code(context.clean("\n".join(context.lines[start:end])), "plain text", line)
            cells.append(arrays[0])
        cells += [[] for _ in range(width - len(cells))]
        built.append(Block("table_row", {"cells": cells}, line=context.line(row)))
    content = {"table_width": width, "has_column_header": True, "has_row_header": False}
    return [Block("table", content, tuple(built), line)]
