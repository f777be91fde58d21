"""Safe, predictable YAML loading for frontmatter.

Why not `yaml.safe_load`: PyYAML speaks YAML 1.1, where `NO` is False, `12:30` is 750 and `\\u2028` ends a
line. Obsidian reads properties as YAML 1.2 and users mean the text they typed, so our resolver follows
YAML 1.2's core schema for booleans and numbers (only `true`/`false`, no sexagesimal numbers) while keeping
dates, which Obsidian's date properties rely on, and `\\x85`/`\\u2028`/`\\u2029` are ordinary characters
(so parser line numbers match the file's). Only plain data types may appear: any other tag
(`!!python/...`, `!!binary`, `!!set`, local tags) is an error, so nothing is ever constructed from a tag.
Alias expansion is measured before anything is constructed, so a "billion laughs" document is refused in
microseconds instead of exhausting memory, and deep nesting is an error instead of a RecursionError.
libyaml's C parser is used when it is available; the pure parser gives the same nodes.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from vaultkit.props.numbers import yaml_int

try:  # libyaml is ~10x faster; the pure parser gives identical nodes.
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    HAVE_LIBYAML = False

__all__ = ["MAX_DEPTH", "MAX_EXPANDED_NODES", "YamlLoadError", "compose", "construct", "load_mapping"]

#: An expanded document larger than this many nodes is refused (frontmatter is tiny; bombs are huge).
MAX_EXPANDED_NODES = 10_000
#: Deeper nesting than this is refused before parsing (PyYAML recurses once per level).
MAX_DEPTH = 100

_ALLOWED_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
# YAML 1.1 line breaks that YAML 1.2 treats as plain characters (swapped for stand-ins while parsing).
_PROTECT = ("\x85", "\u2028", "\u2029")


class YamlLoadError(Exception):
    """YAML that cannot be loaded; `line` is 0-based within the YAML text, or None."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class Yaml12Resolver(BaseResolver):
    """YAML 1.2 core-schema scalars, plus timestamps."""


Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
    ),
    list("0123456789"),
)


class _Constructor(SafeConstructor):
    """SafeConstructor with 1.2-style ints/floats (no sexagesimal, no underscores)."""

    def construct_yaml_int(self, node: Node) -> Any:  # an int, or a str (PyYAML types it int)
        """An int, or its text when too long to print (see `vaultkit.props.numbers`)."""
        return yaml_int(str(self.construct_scalar(node)))  # type: ignore[arg-type]

    def construct_yaml_float(self, node: Node) -> float:
        value = str(self.construct_scalar(node)).lower()  # type: ignore[arg-type]
        if value.endswith("inf"):
            return float("-inf") if value.startswith("-") else float("inf")
        if value.endswith("nan"):
            return float("nan")
        return float(value)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)  # type: ignore[type-var]
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)  # type: ignore[type-var]


class PyLoader(Reader, Scanner, Parser, Composer, _Constructor, Yaml12Resolver):
    """Pure-Python parsing; used when libyaml is missing, and by tests as the reference."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Constructor.__init__(self)
        Yaml12Resolver.__init__(self)


if HAVE_LIBYAML:

    class _CLoader(CParser, _Constructor, Yaml12Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Constructor.__init__(self)
            Yaml12Resolver.__init__(self)

    _Loader: type[Any] = _CLoader
else:  # pragma: no cover
    _Loader = PyLoader


def _line_at(text: str, position: int) -> int:
    """0-based line of a character offset (LF, CRLF and CR all end a line)."""
    return len(re.findall(r"\r\n|\r|\n", text[:position]))


def _line_of(exc: yaml.YAMLError, text: str) -> int | None:
    """The line to show: where an unclosed quote or bracket starts, else where the parser stopped."""
    context = str(getattr(exc, "context", "") or "")
    mark = getattr(exc, "problem_mark", None)
    if context.startswith(("while scanning a quoted", "while parsing a flow", "while scanning a simple")):
        mark = getattr(exc, "context_mark", None) or mark
    mark = mark or getattr(exc, "context_mark", None)
    if mark is not None:
        return int(mark.line)
    position = getattr(exc, "position", None)  # ReaderError: a bad character
    return _line_at(text, position) if isinstance(position, int) else None


def _nesting_depth(text: str) -> int:
    """Deepest `[`/`{` nesting, counted cheaply (quotes ignored: an over-estimate is harmless)."""
    depth = deepest = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if match.group(0) in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def _check_tags_and_size(root: Node) -> None:
    """Refuse tags other than plain data types, and documents whose aliases expand too far."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in visiting:  # a recursive structure: infinite once expanded
            raise YamlLoadError(
                "recursive alias in YAML (an anchor used inside itself)", node.start_mark.line
            )
        if node.tag not in _ALLOWED_TAGS:
            raise YamlLoadError(
                f"unsupported YAML tag {_short_tag(node.tag)}; only plain values are allowed "
                "(remove the tag)",
                node.start_mark.line,
            )
        visiting.add(key)
        total = 1
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [item for pair in node.value for item in pair]
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                raise YamlLoadError(
                    f"YAML aliases expand to more than {MAX_EXPANDED_NODES} values (an alias bomb?); "
                    "not loaded",
                    root.start_mark.line,
                )
        visiting.discard(key)
        sizes[key] = total
        return total

    size(root)


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def compose(text: str, *, pure: bool = False) -> Node | None:
    """Parse YAML text into a checked node graph (no Python objects built yet)."""
    if _nesting_depth(text) > MAX_DEPTH:
        raise YamlLoadError(f"YAML nested more than {MAX_DEPTH} levels deep; not loaded", None)
    # YAML 1.1 parsers break lines at these three characters; swap them for private-use stand-ins that the
    # text does not contain, and mark the nodes with the way back (a real U+E028 must stay itself).
    restore: dict[int, str] | None = None
    if any(char in text for char in _PROTECT):
        restore = {}
        candidates = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)
        for char in _PROTECT:
            stand_in = next(candidates)
            text = text.replace(char, stand_in)
            restore[ord(stand_in)] = char
    loader = None
    try:
        loader = PyLoader(text) if pure else _Loader(text)
        node: Node | None = loader.get_single_node()
        if node is not None:
            _check_tags_and_size(node)
            if restore:
                _mark_protected(node, restore)
    except yaml.YAMLError as exc:
        raise YamlLoadError(_describe(exc), _line_of(exc, text)) from exc
    except RecursionError as exc:
        raise YamlLoadError("YAML nested too deeply; not loaded", None) from exc
    finally:
        if loader is not None:
            loader.dispose()
    return node


def _mark_protected(root: Node, restore: dict[int, str]) -> None:
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.vaultkit_restore = restore  # type: ignore[attr-defined]
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(item for pair in node.value for item in pair)


def _restore_table(node: Node) -> dict[int, str] | None:
    table: dict[int, str] | None = getattr(node, "vaultkit_restore", None)
    return table


def _restore(value: Any, table: dict[int, str] | None) -> Any:
    """Put back the characters `compose` swapped out (in strings, list items and mapping keys)."""
    if not table:
        return value
    if isinstance(value, str):
        return value.translate(table)
    if isinstance(value, list):
        return [_restore(item, table) for item in value]
    if isinstance(value, dict):
        return {_restore(k, table): _restore(v, table) for k, v in value.items()}
    return value


def construct(node: Node) -> Any:
    """Build Python values from a node made by `compose` (plain data types only)."""
    loader = PyLoader("")
    try:
        return _restore(loader.construct_document(node), _restore_table(node))
    except yaml.YAMLError as exc:
        raise YamlLoadError(_describe(exc), _line_of(exc, "")) from exc
    except (TypeError, ValueError, OverflowError) as exc:  # e.g. an unhashable key, a bad date
        raise YamlLoadError(f"invalid value: {exc}", node.start_mark.line) from exc
    except RecursionError as exc:
        raise YamlLoadError("YAML nested too deeply; not loaded", None) from exc
    finally:
        loader.dispose()


def scalar_text(node: ScalarNode) -> str:
    """A scalar node's text as the user wrote it (protected characters restored)."""
    return str(_restore(node.value, _restore_table(node)))


def load_mapping(text: str, *, pure: bool = False) -> tuple[dict[str, Any], MappingNode | None]:
    """Load frontmatter YAML that must be a mapping (or empty). Returns values and the node.

    Keys are the key text as written (`true: x` has the key "true", not "True"); a key written twice
    keeps its last value (callers report duplicates). Keys must be plain scalars.
    """
    node = compose(text, pure=pure)
    if node is None:
        return {}, None
    if isinstance(node, ScalarNode) and node.value == "":
        return {}, None
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        raise YamlLoadError(f"properties must be `key: value` lines, not {kind}", node.start_mark.line)
    loader = PyLoader("")
    result: dict[str, Any] = {}
    try:
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlLoadError(
                    "a property name must be plain text, not a list or mapping", key_node.start_mark.line
                )
            try:
                value = loader.construct_object(value_node, deep=True)
            except (TypeError, ValueError, OverflowError) as exc:  # an unhashable key, a bad date
                line = value_node.start_mark.line
                if value_node.start_mark.index < key_node.start_mark.index:  # an alias: the key's line
                    line = key_node.start_mark.line
                raise YamlLoadError(f"invalid value: {exc}", line) from exc
            result[scalar_text(key_node)] = _restore(value, _restore_table(node))
    except yaml.YAMLError as exc:
        raise YamlLoadError(_describe(exc), _line_of(exc, text)) from exc
    except RecursionError as exc:
        raise YamlLoadError("YAML nested too deeply; not loaded", None) from exc
    finally:
        loader.dispose()
    return result, node


def _describe(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        text = str(problem)
        if "could not determine a constructor" in text:
            tag = text.split("for the tag")[-1].strip()
            return f"unsupported YAML tag {tag}; only plain values are allowed"
        if "maximum nesting depth" in text:  # libyaml 0.2.5 as PyYAML 6.0.3+ bundles it: its own depth limit
            return "YAML nested too deeply; not loaded"
        return f"{context}, {text}" if context else text
    reason = getattr(exc, "reason", None)
    if reason:  # ReaderError
        character = getattr(exc, "character", 0)
        code = ord(character) if isinstance(character, str) else int(character)
        return f"character #x{code:04x} is not allowed in YAML ({reason})"
    return str(exc).splitlines()[0]
