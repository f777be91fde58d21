"""Safe, predictable YAML loading for frontmatter.

Why not `yaml.safe_load`: PyYAML speaks YAML 1.1, where `NO` is False and `12:30` is 750. Obsidian
users mean the text they typed, so our resolver follows YAML 1.2's core schema for booleans and
numbers (only `true`/`false`, no sexagesimal numbers), while keeping dates, which Obsidian's date
properties rely on. Only safe constructors exist (`!!python/...` tags are errors), and alias
expansion is measured before anything is constructed, so a "billion laughs" document is refused
in microseconds instead of exhausting memory. libyaml's C parser is used when it is available.
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

try:  # libyaml is ~10x faster; the pure parser gives identical nodes.
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    HAVE_LIBYAML = False

__all__ = ["MAX_EXPANDED_NODES", "YamlLoadError", "compose", "construct", "load_mapping"]

#: An expanded document larger than this many nodes is refused (frontmatter is tiny; bombs are huge).
MAX_EXPANDED_NODES = 10_000


class YamlLoadError(Exception):
    """YAML that cannot be loaded; `line` is 0-based within the YAML text, or None."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Resolver(BaseResolver):
    """YAML 1.2 core-schema scalars, plus timestamps."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver(
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

    def construct_yaml_int(self, node: Node) -> int:
        value = str(self.construct_scalar(node))  # type: ignore[arg-type]
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value)

    def construct_yaml_float(self, node: Node) -> float:
        value = str(self.construct_scalar(node)).lower()  # type: ignore[arg-type]
        if value.endswith("inf"):
            return float("-inf") if value.startswith("-") else float("inf")
        if value.endswith("nan"):
            return float("nan")
        return float(value)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)  # type: ignore[type-var]
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)  # type: ignore[type-var]


class _PyLoader(Reader, Scanner, Parser, Composer, _Constructor, _Resolver):
    """Pure-Python parsing; used when libyaml is missing, and by tests as the reference."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


if HAVE_LIBYAML:

    class _CLoader(CParser, _Constructor, _Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

    _Loader: type[Any] = _CLoader
else:  # pragma: no cover
    _Loader = _PyLoader


def _line_of(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return None if mark is None else int(mark.line)


def _expanded_size(root: Node) -> int:
    """Nodes the document would have with every alias expanded (shared nodes counted per use)."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in visiting:  # a recursive structure: infinite once expanded
            raise YamlLoadError("recursive alias in YAML", int(node.start_mark.line))
        visiting.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += size(child)
                if total > MAX_EXPANDED_NODES:
                    break
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
                if total > MAX_EXPANDED_NODES:
                    break
        visiting.discard(key)
        sizes[key] = total
        return total

    return size(root)


def compose(text: str, *, pure: bool = False) -> Node | None:
    """Parse YAML text into a node graph (no Python objects built yet)."""
    loader = _PyLoader(text) if pure else _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise YamlLoadError(_describe(exc), _line_of(exc)) from exc
    finally:
        loader.dispose()
    if node is not None and _expanded_size(node) > MAX_EXPANDED_NODES:
        raise YamlLoadError(
            f"YAML aliases expand to more than {MAX_EXPANDED_NODES} values (an alias bomb?); not loaded",
            int(node.start_mark.line),
        )
    return node


def construct(node: Node) -> Any:
    """Build Python values from a node made by `compose` (safe types only)."""
    loader = _PyLoader("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise YamlLoadError(_describe(exc), _line_of(exc)) from exc
    except (TypeError, ValueError, OverflowError) as exc:  # e.g. an unhashable key, a bad date
        raise YamlLoadError(f"invalid value: {exc}", int(node.start_mark.line)) from exc
    finally:
        loader.dispose()


def load_mapping(text: str, *, pure: bool = False) -> tuple[dict[str, Any], MappingNode | None]:
    """Load frontmatter YAML that must be a mapping (or empty). Returns values and the node."""
    node = compose(text, pure=pure)
    if node is None:
        return {}, None
    if isinstance(node, ScalarNode) and node.value == "":
        return {}, None
    if not isinstance(node, MappingNode):
        raise YamlLoadError("properties must be `key: value` lines, not a list or a single value", 0)
    value = construct(node)
    result: dict[str, Any] = {}
    for key, item in value.items():
        result[str(key) if not isinstance(key, str) else key] = item
    return result, node


def _describe(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        text = str(problem)
        if "could not determine a constructor" in text or "python/" in text:
            tag = text.split("for the tag")[-1].strip()
            return f"unsupported YAML tag ({tag}); only plain values are allowed"
        return f"{context}, {text}" if context else text
    return str(exc).splitlines()[0]
