"""The pure chart renderers: burn-up SVG, text sparklines, and the career ladder's skills chart.

Charts are compared with golden files under tests/fixtures/charts/. A difference fails the test; the
files are rewritten only when asked (`UPDATE_GOLDEN=1`), so a change in the picture is always reviewed
as a diff of the golden file.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from conftest import sample
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.history.chart import MilestoneMark, SeriesPoint, burnup_svg, nice_ticks, num
from vaultkit.history.skills import Capability, level_value, parse_capability_table, skills_svg
from vaultkit.history.sparkline import progress_sparkline, resample_last, sparkline

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "charts"
TEMPLATE = ROOT / "vault_template" / "Templates" / "Career ladder.md"
SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 12, 3)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.is_file(), f"{path} is missing: run the tests with UPDATE_GOLDEN=1 to write it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def typical() -> tuple[list[SeriesPoint], list[MilestoneMark]]:
    """60 days of a plan, a point every few days, three milestones of which one completed."""
    start = TODAY - timedelta(days=59)
    points = [
        SeriesPoint(start + timedelta(days=day), done=min(day // 4, 14), total=10 + min(day // 9, 6))
        for day in range(0, 60, 3)
    ]
    milestones = [
        MilestoneMark("Foundations", date(2026, 10, 26), completed=date(2026, 10, 24)),
        MilestoneMark("Lead the migration project end to end", date(2026, 11, 20)),
        MilestoneMark("Present at the guild", date(2026, 11, 23)),
    ]
    return points, milestones


def test_golden_typical_burnup() -> None:
    points, milestones = typical()
    svg = burnup_svg("Growth plan 2026", points, milestones, today=TODAY)
    assert_golden("burnup-typical.svg", svg)
    root = ET.fromstring(svg)
    assert root.findtext(f"{SVG}title") == "Growth plan 2026"
    assert root.findtext(f"{SVG}desc") == (
        "Burn-up of Growth plan 2026: 14 of 16 tasks done on 1 Dec 2026, since 5 Oct 2026. "
        "1 of 3 milestones completed."
    )
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "m"]
    assert labels == ["✓ Foundations", "Lead the migration pr…", "Present at the gui…"]
    assert len([c for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]) == 1


def test_golden_empty_history() -> None:
    svg = burnup_svg("Growth plan", [], [], today=TODAY)
    assert_golden("burnup-empty.svg", svg)
    root = ET.fromstring(svg)
    assert root.findtext(f"{SVG}desc") == "No history yet"
    assert "No history yet" in [t.text for t in root.iter(f"{SVG}text")]


def test_golden_single_point() -> None:
    svg = burnup_svg("One day", [SeriesPoint(TODAY, 3, 8)], [], today=TODAY)
    assert_golden("burnup-single.svg", svg)
    assert "3 of 8 tasks done on 3 Dec 2026" in svg


def test_golden_long_title_with_xml_specials() -> None:
    title = 'Plan <Staff> & "Principal" — a very long title that cannot fit at note width, so it is cut short'
    milestones = [MilestoneMark('<script>alert("x")</script> & co', TODAY - timedelta(days=3))]
    points = [SeriesPoint(TODAY - timedelta(days=10), 1, 4), SeriesPoint(TODAY - timedelta(days=2), 2, 5)]
    svg = burnup_svg(title, points, milestones, today=TODAY)
    assert_golden("burnup-long-title.svg", svg)
    root = ET.fromstring(svg)
    assert root.findtext(f"{SVG}title") == title
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    shown = [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "t"]
    assert len(shown) == 1 and shown[0].endswith("…") and len(shown[0]) < len(title)


def test_golden_multi_year_span() -> None:
    start = date(2024, 2, 12)
    points = [SeriesPoint(start + timedelta(days=30 * i), i, 20 + i // 3) for i in range(30)]
    milestones = [MilestoneMark(f"Milestone {i}", start + timedelta(days=200 * i), None) for i in range(1, 5)]
    svg = burnup_svg("Three years", points, milestones, today=date(2026, 9, 1))
    assert_golden("burnup-multi-year.svg", svg)
    ticks = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("y") == "271"]
    assert ticks == ["Jul 2024", "Jan 2025", "Jul 2025", "Jan 2026", "Jul 2026"]


def test_golden_skills_chart_of_the_sample_ladder() -> None:
    body = sample("career-ladder-senior-to-staff.md").read_text(encoding="utf-8")
    svg = skills_svg(parse_capability_table(body), "Senior → Staff capabilities")
    assert_golden("skills-sample.svg", svg)
    ET.fromstring(svg)


def test_rendering_twice_gives_the_same_bytes() -> None:
    points, milestones = typical()
    first = burnup_svg("Same", points, milestones, today=TODAY, since=TODAY - timedelta(days=30))
    assert first == burnup_svg("Same", points, milestones, today=TODAY, since=TODAY - timedelta(days=30))
    caps = [Capability("SQL", 3.0, 5.0, "3", "5")]
    assert skills_svg(caps, "S") == skills_svg(caps, "S")


def test_steps_hold_until_the_next_point_and_duplicates_keep_the_last() -> None:
    points = [
        SeriesPoint(date(2026, 1, 1), 0, 4),
        SeriesPoint(date(2026, 1, 11), 1, 4),
        SeriesPoint(date(2026, 1, 11), 2, 4),  # the same day again: the last value wins
    ]
    svg = burnup_svg("Steps", points, [], today=date(2026, 1, 21), width=400, height=200)
    paths = [p.get("d") for p in ET.fromstring(svg).iter(f"{SVG}path")]
    # x runs 32..380 over 20 days; y runs 154 (0) .. 62 (4)
    assert paths[1] == "M32,62 L380,62"  # total holds at 4 to today
    assert paths[2] == "M32,154 L206,154 L206,108 L380,108"  # done: 0, then 2 from 11 Jan


def test_since_after_every_point_carries_the_last_value() -> None:
    points = [SeriesPoint(date(2026, 1, 1), 2, 5), SeriesPoint(date(2026, 1, 5), 3, 5)]
    svg = burnup_svg("Later", points, [], today=date(2026, 3, 1), since=date(2026, 2, 1))
    root = ET.fromstring(svg)
    assert root.findtext(f"{SVG}desc", "").startswith("Burn-up of Later: 3 of 5 tasks done on 1 Feb 2026")
    done = [p.get("d") for p in root.iter(f"{SVG}path")][2]
    assert done is not None and len(re.findall(r"[ML]", done)) == 2  # one flat step


def test_total_zero_and_today_before_the_history() -> None:
    svg = burnup_svg("Nothing planned", [SeriesPoint(date(2026, 5, 1), 0, 0)], [], today=date(2026, 1, 1))
    root = ET.fromstring(svg)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"] == ["0", "1"]
    assert "today" not in [t.text for t in root.iter(f"{SVG}text")]


def test_five_hundred_points_stay_well_formed_and_inside() -> None:
    start = date(2025, 1, 1)
    points = [SeriesPoint(start + timedelta(days=i), i // 3, 200 + i // 10) for i in range(500)]
    svg = burnup_svg("Many", points, [], today=start + timedelta(days=520))
    assert_inside(svg, 720, 300)


def test_nice_ticks() -> None:
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(4) == [0, 1, 2, 3, 4]
    assert nice_ticks(16) == [0, 5, 10, 15, 20]
    assert nice_ticks(9) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(1234) == [0, 500, 1000, 1500]
    assert [num(v) for v in (0.04, -0.04, 1.25, 2.0, 10.349)] == ["0", "0", "1.2", "2", "10.3"]


NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


def assert_inside(svg: str, width: int, height: int) -> None:
    """Well-formed XML with every coordinate inside the viewBox."""
    root = ET.fromstring(svg)
    assert root.get("viewBox") == f"0 0 {width} {height}"
    for element in root.iter():
        for name in ("x", "x1", "x2", "cx"):
            if element.get(name) is not None:
                assert 0 <= float(element.get(name, "")) <= width, (element.tag, element.attrib)
        for name in ("y", "y1", "y2", "cy"):
            if element.get(name) is not None:
                assert 0 <= float(element.get(name, "")) <= height, (element.tag, element.attrib)
        if element.tag == f"{SVG}path":
            values = [float(v) for v in NUMBERS.findall(element.get("d", ""))]
            assert all(0 <= x <= width for x in values[0::2]) and all(0 <= y <= height for y in values[1::2])
    assert "nan" not in svg and "inf" not in svg.replace("info", "")


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
series = st.lists(st.builds(SeriesPoint, days, st.integers(0, 10**6), st.integers(0, 10**6)), max_size=40)
marks = st.lists(
    st.builds(MilestoneMark, st.text(max_size=60), st.none() | days, st.none() | days), max_size=8
)


@settings(max_examples=60, deadline=None)
@given(
    series, marks, days, st.none() | days, st.integers(100, 1600), st.integers(80, 900), st.text(max_size=80)
)
def test_random_series_never_raise_and_stay_inside(
    points: list[SeriesPoint],
    milestones: list[MilestoneMark],
    today: date,
    since: date | None,
    width: int,
    height: int,
    title: str,
) -> None:
    svg = burnup_svg(title, points, milestones, today=today, since=since, width=width, height=height)
    size = re.match(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg)
    assert size is not None
    assert_inside(svg, int(size.group(1)), int(size.group(2)))
    assert svg == burnup_svg(title, points, milestones, today=today, since=since, width=width, height=height)


# sparklines


def test_sparkline_exact_strings() -> None:
    assert sparkline([]) == ""
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, 5, 5]) == "▁▁▁"
    assert sparkline(list(range(16)), width=4) == "▁▃▆█"  # the last of each bucket: 3, 7, 11, 15
    assert sparkline([0, math.nan, 1, math.inf]) == "▁█"
    assert sparkline([0.5, 1.0], low=0.0, high=1.0) == "▅█"
    assert sparkline([3, 1, 2], width=8) == "█▁▅"
    assert resample_last([1, 2, 3, 4, 5], 2) == [2, 5]
    assert resample_last([1, 2], 0) == []


def test_progress_sparkline_exact_strings() -> None:
    start = date(2026, 11, 1)
    points = [SeriesPoint(start + timedelta(days=3 * i), i, 8) for i in range(9)]
    # nine points, eight buckets: the last of each is 0/8, 1/8, ... 6/8, 8/8
    assert progress_sparkline(points) == "▁▂▃▄▅▅▆█"
    assert progress_sparkline(points, days=6) == "▇█"  # 22 and 25 Nov: 7/8, 8/8
    assert progress_sparkline(points, days=6, today=date(2027, 1, 1)) == "█"  # carried in from before
    assert progress_sparkline([SeriesPoint(start, 0, 0)]) == "▁"
    assert progress_sparkline([]) == ""


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50), st.integers(0, 20))
def test_sparkline_length_and_alphabet(values: list[float], width: int) -> None:
    line = sparkline(values, width)
    finite = [v for v in values if math.isfinite(v)]
    assert len(line) == min(len(finite), width)
    assert set(line) <= set("▁▂▃▄▅▆▇█")


# the career ladder's capabilities


def test_capabilities_of_the_sample_ladder() -> None:
    body = sample("career-ladder-senior-to-staff.md").read_text(encoding="utf-8")
    found = [
        (c.name, c.current, c.target, c.current_label, c.target_label, c.priority, c.line)
        for c in parse_capability_table(body)
    ]
    assert found == [
        ("SQL", 4.0, 5.0, "Advanced", "Expert", "High", 25),
        ("Distributed systems design", 3.0, 4.0, "Competent", "Advanced", "Medium", 46),
        ("Data modeling", 4.0, 5.0, "Advanced", "Expert", "Medium", 65),
        ("Python/Scala", 3.0, 4.0, "Competent", "Advanced", "Medium", 86),
        ("Cloud platforms", 3.0, 4.0, "Competent", "Advanced", "Medium", 105),
        ("Monitoring & observability", 3.0, 4.0, "Competent", "Advanced", "Medium", 124),
    ]


def test_the_blank_template_has_no_capabilities_and_a_filled_one_is_read() -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    assert parse_capability_table(template) == []
    filled = template.replace(
        "|  |  |  |  |  |",
        "| SQL \\| warehousing | 3/5 | Expert | High | 6 months |\n"
        "| **System design** | Competent | 4 | Medium |\n"
        "| Go | ? | Advanced | | | an extra cell |",
    )
    assert parse_capability_table(filled) == [
        Capability("SQL | warehousing", 3.0, 5.0, "3/5", "Expert", "High", 26),
        Capability("System design", 3.0, 4.0, "Competent", "4", "Medium", 27),
        Capability("Go", None, 4.0, "?", "Advanced", "", 28),
    ]


def test_the_template_sections_are_read_when_there_is_no_table() -> None:
    body = (
        "## Capability gaps\n\n### Testing\n\n"
        "**Current:** Learning · **Target:** Proficient · **Priority:** High\n"
        "\n### Empty one\n\n**Current:**  · **Target:**  · **Priority:** \n\n## Responsibilities\n\n"
        "### Not a capability\n\n**Current:** Expert\n"
    )
    assert parse_capability_table(body) == [
        Capability("Testing", 2.0, 3.0, "Learning", "Proficient", "High", 3)
    ]


def test_tables_in_code_and_comments_are_not_read() -> None:
    table = "| Skill | Current level | Target level |\n|:--|:-:|--:|\n| Rust | 2 | 4 |\n"
    assert parse_capability_table(f"```\n{table}```\n") == []
    assert parse_capability_table(f"%%\n{table}%%\n") == []
    assert parse_capability_table(table) == [Capability("Rust", 2.0, 4.0, "2", "4", "", 3)]


def test_level_values() -> None:
    cases = {
        "3/5": 3.0,
        "3": 3.0,
        "6/10": 3.0,
        "Level 4": 4.0,
        "L2": 2.0,
        "Proficient": 3.0,
        "Expert": 5.0,
        "**Advanced**": 4.0,
        "learning": 2.0,
        "Novice": 1.0,
        "7": None,
        "?": None,
        "": None,
        "4/0": None,
    }
    assert {text: level_value(text) for text in cases} == cases


cell_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\\`*_%~#"), max_size=30
)


@given(st.lists(st.tuples(cell_text, st.integers(1, 5), st.integers(1, 5)), max_size=10))
def test_a_written_table_reads_back(rows: list[tuple[str, int, int]]) -> None:
    lines = ["| Capability | Current | Target |", "|---|---|---|"]
    lines += [f"| {name.replace('|', chr(92) + '|')} | {cur}/5 | {tgt} |" for name, cur, tgt in rows]
    expected = [(name.strip(), float(cur), float(tgt)) for name, cur, tgt in rows if name.strip()]
    assert [(c.name, c.current, c.target) for c in parse_capability_table("\n".join(lines))] == expected


def test_skills_chart_with_no_capabilities_says_so() -> None:
    svg = skills_svg([], "Ladder")
    assert ET.fromstring(svg).findtext(f"{SVG}desc") == "No capabilities with levels found"


# the picture in the docs


def load_example_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_chart_example", ROOT / "scripts" / "gen_chart_example.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_docs_picture_is_current() -> None:
    script = load_example_script()
    picture = ROOT / "docs" / "img" / "burnup-example.svg"
    assert picture.read_text(encoding="utf-8") == script.render(), "run scripts/gen_chart_example.py"


def test_the_example_script_checks_and_rewrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = load_example_script()
    stale = tmp_path / "img" / "burnup-example.svg"
    stale.parent.mkdir()
    stale.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(script, "PICTURE", stale)
    monkeypatch.setattr(script, "ROOT", tmp_path)
    monkeypatch.setattr("sys.argv", ["gen_chart_example.py", "--check"])
    assert script.main() == 1
    assert stale.read_text(encoding="utf-8") == "old\n"
    monkeypatch.setattr("sys.argv", ["gen_chart_example.py"])
    assert script.main() == 0
    assert stale.read_text(encoding="utf-8") == script.render()
