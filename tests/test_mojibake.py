"""Mojibake repair: complete for what the samples hold, exact in its report, silent on real text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vaultkit.markdown.mojibake import (
    MojibakeFix,
    MojibakeHit,
    _repair_line,
    find_mojibake,
    repair_mojibake,
    repair_text,
)

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


def garble(text: str, codec: str) -> str:
    """`text` as it looks after its UTF-8 bytes were decoded as `codec`."""
    return text.encode("utf-8").decode(codec)


# ---------------------------------------------------------------------------------------------- repairs


@pytest.mark.parametrize(
    ("garbled", "fixed", "encoding"),
    [
        ("â†’", "→", "cp1252"),  # career ladder sample
        ("â€™", "’", "cp1252"),
        ("Ã©", "é", "cp1252"),
        ("ðŸ”¹", "🔹", "cp1252"),
        ("‚Äì", "–", "mac_roman"),  # 12-month plan sample
        ("‚Üí", "→", "mac_roman"),
        ("‚Äú", "“", "mac_roman"),
        ("\uf8ffüîπ", "🔹", "mac_roman"),  # U+F8FF is Mac Roman 0xF0: ftfy misses it
        ("\uf8ffüìÖ", "📅", "mac_roman"),
        ("–∂–∏–∑–Ω—å", "жизнь", "mac_roman"),  # a whole run of 2-byte sequences
    ],
)
def test_repairs_known_mojibake(garbled: str, fixed: str, encoding: str) -> None:
    text, fixes = repair_mojibake(f"see {garbled} here")
    assert text == f"see {fixed} here"
    assert fixes == [MojibakeFix(1, 5, garbled, fixed, encoding)]


def test_repairs_a_line_mixing_mojibake_and_real_accents() -> None:
    # ftfy gives up on the whole line; our pass repairs the run and leaves Straße alone
    assert repair_text("Straße ‚Üí done, café") == "Straße → done, café"
    assert repair_text("café and â†’ ok") == "café and → ok"


def test_reports_each_repair_with_line_and_column() -> None:
    text = "ok\r\nMon‚ÄìWed ‚Üí code\rlast â†’ line"
    fixed, fixes = repair_mojibake(text, first_line=10)
    assert fixed == "ok\r\nMon–Wed → code\rlast → line"
    assert [(f.line, f.column, f.before, f.after) for f in fixes] == [
        (11, 4, "‚Äì", "–"),
        (11, 11, "‚Üí", "→"),
        (12, 6, "â†’", "→"),
    ]


def test_line_ends_are_kept_exactly() -> None:
    text = "a â†’ b\r\n\r\nc\rd‚Äìe\n"
    fixed, _ = repair_mojibake(text)
    assert fixed == "a → b\r\n\r\nc\rd–e\n"


def test_find_mojibake_lists_lines_with_their_repair() -> None:
    hits = find_mojibake("fine\nSenior â†’ Staff\nfine → too\n")
    assert [(h.line, h.text, h.fixed) for h in hits] == [(2, "Senior â†’ Staff", "Senior → Staff")]
    assert hits[0].fixes == (MojibakeFix(2, 8, "â†’", "→", "cp1252"),)


def test_never_introduces_line_breaks_or_controls() -> None:
    # U+2028 (LINE SEPARATOR) read as cp1252 is `â€¨`; repairing it would split a YAML or Markdown line
    assert repair_text("a â€¨ b") == "a â€¨ b"
    assert repair_text("a â€© b") == "a â€© b"  # U+2029; and its tail `€©` is no character either
    assert "\x85" not in repair_text("x Â\x85 y")  # NEL would be a line break to YAML 1.1


# -------------------------------------------------------------------------------------- no false positives

LEGIT = [
    "café",
    "Straße",
    "naïve résumé",
    "→ arrows ← and – dashes — and … ellipses",
    "“quoted” ‘single’ «guillemets» „German“",
    "emoji 🔹📅✅ ❤️ 👍🏽 👨‍💻 🇫🇷",
    "日本語 中文 한국어",
    "жизнь Ελληνικά עברית العربية",
    "Strauß’s music",  # ß’ re-encodes to valid UTF-8 (U+07D2) under cp1252
    "“Éclair” and “Über”",  # “É re-encodes to valid UTF-8 under Mac Roman
    "ÉTÉ… ça va",
    "√π ≈ 1.77",
    "Apple \uf8ff logo alone",
    "½ cup, 20 °C, © 2025, ±5 %, 10 €",
    "«\u00a0Bonjour\u00a0», dit-il",
    "Ça, Ñandú, Øresund, Þórr, Łódź",
]


@pytest.mark.parametrize("text", LEGIT)
def test_legit_text_is_never_changed(text: str) -> None:
    assert repair_mojibake(text) == (text, [])
    assert find_mojibake(text) == []


_WORDS = st.sampled_from([w for line in LEGIT for w in line.split()] + ["plan", "SQL", "Q3", "2–3", "→"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=12), st.sampled_from([" ", "\n", ", ", "\r\n"]))
def test_sentences_of_real_words_are_never_changed(words: list[str], separator: str) -> None:
    text = separator.join(words)
    assert repair_text(text) == text


# Characters that take 3 or 4 bytes in UTF-8: what documents garble most (punctuation, arrows, emoji).
_WIDE = st.sampled_from("–—‘’“”•…→←⇒✓✔★☆€™🔹📅✅🚀💡📈🎯日本語한국")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_WIDE, st.sampled_from(["", " ", "a ", " x "])), min_size=1, max_size=10),
    st.sampled_from(["cp1252", "mac_roman"]),
)
def test_garbled_wide_characters_come_back(parts: list[tuple[str, str]], codec: str) -> None:
    original = "".join(char + filler for char, filler in parts)
    try:
        garbled = garble(original, codec)
    except UnicodeDecodeError:
        assume(False)  # cp1252 has five undefined bytes: such text cannot be garbled this way
        return
    assume("\xa0" not in garbled)  # a byte read as a no-break space splits the run; ftfy's domain
    # Some originals are themselves a valid garbling of other text ("€•" is Mac Roman for "ۥ"): no
    # repair can tell those apart, so the property holds for text that repair leaves alone.
    assume(repair_text(original) == original)
    assert repair_text(garbled) == original


# ---------------------------------------------------------------------------------------------- documents


def test_fixtures_repair_completely() -> None:
    text = (FIXTURES / "growth-plan-macroman.md").read_text(encoding="utf-8")
    fixed, fixes = repair_mojibake(text)
    assert find_mojibake(fixed) == []
    assert len(fixes) == 11
    assert fixed.splitlines()[0] == "## 🔹 Six-Month Growth Plan"
    assert fixed.count("\n") == text.count("\n")
    legit = (FIXTURES / "pdp-placeholder.md").read_text(encoding="utf-8")
    assert repair_mojibake(legit) == (legit, [])


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not present")
def test_samples() -> None:
    found = {p.name: find_mojibake(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.md"))}
    assert [h.line for h in found["career-ladder-senior-to-staff.md"]] == [11]
    assert found["pdp-junior-mid-senior.md"] == []  # its → and – are real
    growth = (SAMPLES / "12-month-growth-plan.md").read_text(encoding="utf-8")
    fixed, fixes = repair_mojibake(growth)
    assert fixed.startswith("## 🔹 12-Month Career Growth Plan\n")
    assert "## 📅 Weekly Routine (1 Hour/Day)" in fixed
    assert len(fixes) == 21
    assert {f.encoding for f in fixes} == {"mac_roman"}
    assert find_mojibake(fixed) == []


def _each_line(text: str, first_line: int) -> Iterator[tuple[int, str, str]]:
    """(number, content, line end) of every line, visited in turn: what the scan that skips to non-ASCII
    lines must agree with."""
    for offset, match in enumerate(re.finditer(r"([^\r\n]*)(\r\n|\r|\n|\Z)", text)):
        content, end = match.group(1), match.group(2)
        if not content and not end:
            break
        yield first_line + offset, content, end


def _find_line_by_line(text: str, first_line: int = 1) -> list[MojibakeHit]:
    hits: list[MojibakeHit] = []
    for number, line, _end in _each_line(text, first_line):
        fixed, fixes = _repair_line(line, number)
        if fixed != line:
            hits.append(MojibakeHit(number, line, fixed, tuple(fixes)))
    return hits


_PIECES = st.sampled_from(
    ["plain", "", " ", "Café", "â†’", "‚Äì", "Ã©", "\uf8ffüîπ", "🔹", "→", "\r", "\n", "\r\n", "\n\r", "é\r"]
)


@settings(max_examples=400)
@given(st.lists(_PIECES, max_size=16), st.integers(min_value=1, max_value=40))
def test_find_mojibake_skips_to_the_same_lines_as_reading_every_line(pieces: list[str], first: int) -> None:
    text = "".join(pieces)
    assert find_mojibake(text, first) == _find_line_by_line(text, first)


def test_find_mojibake_on_the_fixtures_equals_reading_every_line() -> None:
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert find_mojibake(text) == _find_line_by_line(text), path.name


def _repair_line_by_line(text: str, first_line: int = 1) -> tuple[str, list[MojibakeFix]]:
    out: list[str] = []
    fixes: list[MojibakeFix] = []
    for number, content, end in _each_line(text, first_line):
        fixed, found = _repair_line(content, number)
        out.append(fixed + end)
        fixes += found
    return "".join(out), fixes


@settings(max_examples=400)
@given(st.lists(_PIECES, max_size=16), st.integers(min_value=1, max_value=40))
def test_repair_mojibake_skips_to_the_same_lines_as_reading_every_line(pieces: list[str], first: int) -> None:
    text = "".join(pieces)
    assert repair_mojibake(text, first) == _repair_line_by_line(text, first)
