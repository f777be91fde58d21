"""The safe YAML loader: YAML 1.2 scalars, plain data types only, bombs and deep nesting refused fast."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from vaultkit.props.yaml_safe import MAX_EXPANDED_NODES, YamlLoadError, load_mapping


def load(text: str) -> dict[str, object]:
    return load_mapping(text)[0]


def error(text: str) -> YamlLoadError:
    with pytest.raises(YamlLoadError) as info:
        load_mapping(text)
    return info.value


@pytest.mark.usefixtures("yaml_parser")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NO", "NO"),  # YAML 1.1: False
        ("yes", "yes"),  # YAML 1.1: True
        ("on", "on"),
        ("12:30", "12:30"),  # YAML 1.1: 750
        ("1_000", "1_000"),  # YAML 1.1: 1000
        ("0b101", "0b101"),  # YAML 1.1: 5
        ("=", "="),  # YAML 1.1: a "value" tag
        ("<<", "<<"),  # YAML 1.1: a merge key
        ("true", True),
        ("False", False),
        ("42", 42),
        ("-7", -7),
        ("0x1F", 31),
        ("0o17", 15),
        ("1.10", 1.1),
        ("1e3", 1000.0),
        (".inf", float("inf")),
        ("~", None),
        ("null", None),
        ("", None),
        ("2026-11-22", dt.date(2026, 11, 22)),
        ("2026-11-22T10:30:00", dt.datetime(2026, 11, 22, 10, 30)),
        ("[[Plan]]", [["Plan"]]),  # unquoted links are nested lists, as in every YAML reader
        ('"[[Plan]]"', "[[Plan]]"),
    ],
)
def test_scalars_follow_yaml_1_2(text: str, expected: object) -> None:
    value = load(f"v: {text}\n")["v"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.usefixtures("yaml_parser")
def test_keys_are_the_text_as_written() -> None:
    assert list(load("true: a\n1: b\nnull: c\n2026-01-01: d\n")) == ["true", "1", "null", "2026-01-01"]


@pytest.mark.usefixtures("yaml_parser")
def test_unicode_line_separators_are_plain_characters() -> None:
    # YAML 1.1 (PyYAML) ends lines at U+2028, which would shift every line number after it.
    values, node = load_mapping("a: b\u2028c\x85d\nnext: 1\n")
    assert values == {"a": "b\u2028c\x85d", "next": 1}
    assert node is not None and node.value[1][0].start_mark.line == 1


@pytest.mark.usefixtures("yaml_parser")
def test_python_tags_never_construct_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> int:
        raise AssertionError("os.system was called")

    monkeypatch.setattr(os, "system", boom)
    for text in (
        "a: !!python/object/apply:os.system ['echo pwned']\n",
        "!!python/object/apply:os.system ['echo pwned']\n",
        "a: !!python/name:os.system\n",
    ):
        exc = error(text)
        assert "unsupported YAML tag !!python/" in exc.message
        assert exc.line == 0


@pytest.mark.usefixtures("yaml_parser")
@pytest.mark.parametrize("text", ["a: !!binary aGk=\n", "a: !!set {x}\n", "a: !local x\n", "a: !!omap []\n"])
def test_only_plain_data_types(text: str) -> None:
    assert "unsupported YAML tag" in error(text).message


@pytest.mark.timeout(10)  # expanded, this document has 9**10 nodes: it must be refused, not built
@pytest.mark.usefixtures("yaml_parser")
def test_billion_laughs_is_refused() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for index in range(1, 10):
        name, previous = chr(ord("a") + index), chr(ord("a") + index - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    exc = error("\n".join(lines) + "\n")
    assert exc.message == (
        f"YAML aliases expand to more than {MAX_EXPANDED_NODES} values (an alias bomb?); not loaded"
    )


@pytest.mark.usefixtures("yaml_parser")
def test_recursive_alias_is_an_error() -> None:
    assert error("a: &a [1, *a]\n").message == "recursive alias in YAML (an anchor used inside itself)"


@pytest.mark.usefixtures("yaml_parser")
def test_small_aliases_still_work() -> None:
    assert load("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.timeout(10)
@pytest.mark.usefixtures("yaml_parser")
def test_deep_nesting_is_an_error_not_a_crash() -> None:
    assert "nested more than 100 levels" in error("a: " + "[" * 50_000 + "]" * 50_000 + "\n").message
    block = "a:\n" + "".join(" " * (i + 1) + "k:\n" for i in range(1500))
    assert error(block).message == "YAML nested too deeply; not loaded"


@pytest.mark.usefixtures("yaml_parser")
@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("- a\n- b\n", "properties must be `key: value` lines, not a list", 0),
        ("just text\n", "properties must be `key: value` lines, not a single value", 0),
        ("a: 1\n? [x]\n: 2\n", "a property name must be plain text, not a list or mapping", 1),
        ("a: 1\nb: \x01\n", "character #x0001 is not allowed in YAML", 1),
        ("a: 1\nb: 2026-13-45\n", "invalid value: month must be in 1..12", 1),
        ("a: 1\nb:\n  - x\n  - {[1]: 2}\n", "while constructing a mapping", 3),
        ("a: 1\nb: [x\n", "while parsing a flow sequence", 1),  # the line where `[` opens
    ],
)
def test_errors_carry_a_message_and_line(text: str, message: str, line: int) -> None:
    exc = error(text)
    assert exc.message.startswith(message)
    assert exc.line == line


def test_empty_and_comment_only_documents() -> None:
    assert load_mapping("") == ({}, None)
    assert load_mapping("# only a comment\n# another\n") == ({}, None)


def test_duplicate_keys_keep_the_last_value() -> None:
    # The frontmatter layer reports duplicates as an error; the loader itself is plain YAML.
    assert load("a: 1\na: 2\n") == {"a": 2}


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ('t: "\ue028"\n', "\ue028"),  # a private-use character is data, not a stand-in
        ("t: a\u2028b\n", "a\u2028b"),  # a line separator is an ordinary character (YAML 1.2)
        ('t: "\ue028 \u2028"\n', "\ue028 \u2028"),  # both at once
        ("\ue085: x\n", None),  # a key that looks like a stand-in stays itself
    ],
)
def test_stand_ins_never_change_user_characters(yaml_text: str, expected: str | None) -> None:
    values, _ = load_mapping(yaml_text)
    if expected is None:
        assert values == {"\ue085": "x"}
    else:
        assert values == {"t": expected}
