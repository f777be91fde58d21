"""One rounding of progress everywhere, and a history recorded correctly whatever order the days come in."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_vault
from vaultkit.history.chart import SeriesPoint
from vaultkit.history.sparkline import progress_sparkline
from vaultkit.history.store import HISTORY_PATH, Point, load_history, record
from vaultkit.notes.tasks import TaskCounts, percent_done
from vaultkit.review.moved import percent
from vaultkit.rollup.apply import rollup_vault
from vaultkit.vault import Vault

D1, D2, D3, D4 = (dt.date(2026, 12, day) for day in (1, 2, 3, 4))
PLAN = "Plans/Senior PDP.md"


def lines(root: Path) -> list[tuple[str, int, int]]:
    rows = [json.loads(line) for line in (root / HISTORY_PATH).read_text("utf-8").splitlines()]
    return [(row["day"], row["done"], row["total"]) for row in rows]


# ------------------------------------------------------------------------------------------------ rounding


def test_percent_done_rounds_halves_up() -> None:
    cases = ((3, 7), (1, 8), (1, 3), (2, 3), (1, 200), (0, 5))
    assert [percent_done(done, total) for done, total in cases] == [43, 13, 33, 67, 1, 0]
    assert percent_done(0, 0) is None
    assert percent_done(7, 7) == 100


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_percent_done_is_round_half_up_and_the_progress_property(done: int, extra: int) -> None:
    total = done + extra
    exact = Fraction(100 * done, total)
    assert percent_done(done, total) == int(exact + Fraction(1, 2))
    assert TaskCounts(done, extra).progress == percent_done(done, total)


def test_history_and_review_show_the_plan_progress_property() -> None:
    point = Point(D1, PLAN, "plan", 3, 7)
    assert TaskCounts(3, 4).progress == 43
    assert point.progress == 43  # rounded down, it used to say 42
    assert percent(point) == 43
    assert Point(D1, PLAN, "plan", 1, 8).progress == 13
    assert Point(D1, PLAN, "plan", 0, 0).progress is None


def test_the_trend_bar_is_drawn_from_the_percent_printed_beside_it() -> None:
    # 37 of 40 is 92.5%, printed as 93%: the bar is that of 93% (full), not of 92.5% (one below)
    assert progress_sparkline([SeriesPoint(D1, 37, 40)]) == "█"
    # 5 of 69 is 7.25%, printed as 7%: the lowest bar, as 7% draws, not the second
    assert progress_sparkline([SeriesPoint(D1, 5, 69)]) == "▁"
    assert progress_sparkline([SeriesPoint(D1, 0, 4), SeriesPoint(D2, 3, 7), SeriesPoint(D3, 4, 4)]) == "▁▄█"


def test_history_show_prints_the_rounded_half_up_percent(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from vaultkit.cli.commands import main

    vault = make_vault(tmp_path / "v", {"Home.md": "# Home\n"})
    record(vault, [Point(D1, PLAN, "plan", 3, 7)])
    result = CliRunner().invoke(main, ["history", "show", "--vault", str(vault)], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "3/7" in result.output and "43%" in result.output and "42%" not in result.output


# ---------------------------------------------------------------------------------------- order of days


def test_a_backdated_point_equal_to_the_last_line_is_still_recorded(tmp_path: Path) -> None:
    record(tmp_path, [Point(D3, PLAN, "plan", 2, 4)])
    assert record(tmp_path, [Point(D1, PLAN, "plan", 2, 4)]) == 1  # nothing was in force on D1
    assert [(p.day, p.done) for p in load_history(tmp_path).series(PLAN)] == [(D1, 2), (D3, 2)]


def test_a_later_day_keeps_its_own_value_after_a_backdated_point(tmp_path: Path) -> None:
    record(tmp_path, [Point(D3, PLAN, "plan", 1, 4)])
    assert record(tmp_path, [Point(D2, PLAN, "plan", 2, 4)]) == 1
    assert record(tmp_path, [Point(D3, PLAN, "plan", 2, 4)]) == 1  # D3 still said 1: the last line is not D3
    assert record(tmp_path, [Point(D4, PLAN, "plan", 2, 4)]) == 0  # D3 now says 2
    series = load_history(tmp_path).series(PLAN)
    assert [(p.day, p.done) for p in series] == [(D2, 2), (D3, 2)]
    assert lines(tmp_path) == [("2026-12-03", 1, 4), ("2026-12-02", 2, 4), ("2026-12-03", 2, 4)]


def test_a_backdated_point_equal_to_the_value_in_force_is_skipped(tmp_path: Path) -> None:
    record(tmp_path, [Point(D1, PLAN, "plan", 1, 4)])
    record(tmp_path, [Point(D4, PLAN, "plan", 3, 4)])
    assert record(tmp_path, [Point(D2, PLAN, "plan", 1, 4)]) == 0  # D1's value holds on D2
    assert record(tmp_path, [Point(D4, PLAN, "plan", 3, 4)]) == 0


def test_a_history_read_from_disk_is_compared_by_day_not_by_line(tmp_path: Path) -> None:
    """The file as another process left it: the backdated line is the last one, but D3 is the latest day."""
    (tmp_path / HISTORY_PATH).parent.mkdir()
    (tmp_path / HISTORY_PATH).write_bytes(
        Point(D3, PLAN, "plan", 2, 4).line() + Point(D1, PLAN, "plan", 1, 4).line()
    )
    assert record(tmp_path, [Point(D4, PLAN, "plan", 2, 4)]) == 0
    assert load_history(tmp_path).last()[PLAN].day == D3


DAYS = st.integers(0, 6)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(DAYS, st.integers(0, 3)), max_size=25))
def test_recording_a_day_leaves_earlier_days_and_later_recorded_days_as_they_read(
    tmp_path_factory: pytest.TempPathFactory, runs: list[tuple[int, int]]
) -> None:
    """Whatever order rollups run in, each makes its day read as it counted; the days before it, and the
    later days from the next one with a point of its own, read as they did; the days between take its
    value (as they would had the rollups run in order)."""
    root = tmp_path_factory.mktemp("h")
    window = [D1 + dt.timedelta(days=offset) for offset in range(9)]

    def reads() -> dict[dt.date, int | None]:
        history = load_history(root)
        return {d: (p.done if (p := history.value_on(PLAN, d)) is not None else None) for d in window}

    for offset, done in runs:
        day = D1 + dt.timedelta(days=offset)
        recorded_days = [p.day for p in load_history(root).series(PLAN) if p.day > day]
        own = min(recorded_days) if recorded_days else None
        before = reads()
        record(root, [Point(day, PLAN, "milestone", done, 3)])
        after = reads()
        for other in window:
            if other < day or (own is not None and other >= own):
                assert after[other] == before[other]
            else:
                assert after[other] == done


def test_replayed_weeks_before_a_later_point_draw_the_curve_they_count(tmp_path: Path) -> None:
    """The demo's pattern: `init` records today, then weeks are replayed with dated rollups before it."""
    today = dt.date(2026, 12, 31)
    weeks = (D1, D1 + dt.timedelta(days=7), D1 + dt.timedelta(days=14))
    record(tmp_path, [Point(today, PLAN, "plan", 0, 6)])
    for week, done in zip(weeks, (1, 1, 3), strict=True):
        record(tmp_path, [Point(week, PLAN, "plan", done, 6)])
    history = load_history(tmp_path)
    assert [(p.day, p.done) for p in history.series(PLAN)] == [(D1, 1), (weeks[2], 3), (today, 0)]
    shown = [history.value_on(PLAN, day) for day in (weeks[1], dt.date(2026, 12, 20))]
    assert [p.done if p is not None else None for p in shown] == [1, 3]
    assert record(tmp_path, [Point(today, PLAN, "plan", 4, 6)]) == 1


PLAN_NOTE = """---
type: plan
---
# Senior PDP

- [x] one
- [ ] two
- [ ] three
"""


def test_a_backdated_rollup_records_its_day_and_leaves_later_days_right(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault", {PLAN: PLAN_NOTE})
    assert rollup_vault(Vault(vault), today=D3).recorded == 1
    assert rollup_vault(Vault(vault), today=D1).recorded == 1  # the same counts, but D1 had none
    note = vault / PLAN
    note.write_text(note.read_text("utf-8").replace("- [ ] two", "- [x] two"), "utf-8")
    assert rollup_vault(Vault(vault), today=D2).recorded == 1
    assert rollup_vault(Vault(vault), today=D3).recorded == 1  # D3 said 1 of 3
    series = load_history(vault).series(PLAN)
    assert [(p.day, p.done, p.total) for p in series] == [(D1, 1, 3), (D2, 2, 3), (D3, 2, 3)]
