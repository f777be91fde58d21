"""The watcher benchmark's pure parts: percentiles, /proc parsing, the tick, and the waiting helpers
(driven by a scripted clock, so nothing here is timed). The benchmark itself runs with
`python -m benchmarks.watch`, never under pytest."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.watch import (
    TICK_LINE,
    Latency,
    cpu_seconds,
    percentile,
    plan_of,
    rss_kb,
    signature,
    summarize,
    toggled,
    wait_for_changes,
    wait_until,
)


def test_percentile_interpolates_between_ranks() -> None:
    values = [15.0, 20.0, 35.0, 40.0, 50.0]
    assert percentile(values, 0.0) == 15.0
    assert percentile(values, 0.5) == 35.0
    assert percentile(values, 0.4) == 29.0  # 20 + 0.6 * 15
    assert percentile(values, 0.95) == pytest.approx(48.0)  # 40 + 0.8 * 10
    assert percentile(values, 1.0) == 50.0
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([3.0, 1.0, 2.0, 4.0], 0.5) == 2.5  # unsorted input


def test_percentile_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1.0], 95)


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=50), st.floats(0, 1), st.floats(0, 1))
def test_percentile_is_monotonic_and_bounded(values: list[float], q1: float, q2: float) -> None:
    low, high = sorted((q1, q2))
    assert min(values) <= percentile(values, low) <= percentile(values, high) <= max(values) * (1 + 1e-12)


def test_summarize_reports_milliseconds() -> None:
    assert summarize([0.010, 0.020, 0.030, 0.040, 0.100]) == Latency(
        count=5, p50=pytest.approx(30.0), p95=pytest.approx(88.0), max=pytest.approx(100.0)
    )


def test_proc_parsing() -> None:
    # the command name holds a space and a parenthesis: fields are counted from the last ')'
    stat = "4242 (vault kit) w) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 37 0 0 20 0 3 0 100 0 0"
    assert cpu_seconds(stat, 100) == pytest.approx(2.87)
    status = "Name:\tvaultkit\nVmPeak:\t  300000 kB\nVmRSS:\t   81234 kB\nThreads:\t3\n"
    assert rss_kb(status) == 81234
    with pytest.raises(ValueError, match="VmRSS"):
        rss_kb("Name:\tzombie\n")


def test_toggled_ticks_and_unticks_only_the_benchmark_line() -> None:
    text = f"# M\n\n- [ ] a real task\n\n{TICK_LINE}\n"
    ticked = toggled(text)
    assert ticked == "# M\n\n- [ ] a real task\n\n- [x] vaultkit watch benchmark tick\n"
    assert toggled(ticked) == text
    with pytest.raises(ValueError, match="not in the note"):
        toggled("# M\n- [ ] a real task\n")


def test_plan_of_reads_the_generators_one_line_plan_links() -> None:
    head = "---\ntype: milestone\n"
    assert plan_of(head + 'plan: "[[Plan 00001 - Data]]"\n---\n') == "Plan 00001 - Data"
    assert plan_of(head + 'plan: "[[Plans/Plan 00002 - Cloud]]"\n---\n') == "Plan 00002 - Cloud"
    assert plan_of(head + 'plan: "[[Plan 00003 - Ops|the plan]]"\n---\n') == "Plan 00003 - Ops"
    assert plan_of(head + 'plan:\n  - "[[A]]"\n  - "[[B]]"\n---\n') is None
    assert plan_of(head + '---\nplan: "[[In the body]]"\n') is None


class ScriptedClock:
    """A clock that advances only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_until_polls_at_the_interval_and_times_out() -> None:
    clock = ScriptedClock()
    calls = iter([False, False, False, True])
    assert wait_until(lambda: next(calls), 1.0, 0.001, clock, clock.sleep) == pytest.approx(0.003)
    assert clock.sleeps == [0.001, 0.001, 0.001]
    with pytest.raises(TimeoutError, match=r"not within 0\.01 s"):
        wait_until(lambda: False, 0.01, 0.001, clock, clock.sleep)


def test_wait_until_tries_once_more_at_the_deadline() -> None:
    clock = ScriptedClock()
    answers = iter([False, True])
    assert wait_until(lambda: next(answers), 0.001, 0.001, clock, clock.sleep) == pytest.approx(0.001)


def test_wait_for_changes_times_each_file_from_the_start() -> None:
    clock = ScriptedClock()
    a, b = Path("a.md"), Path("b.md")
    changes = {a: 100.002, b: 100.005}  # when each file's signature changes

    def stat(path: Path) -> tuple[int, int, int]:
        return (1, 1, 2 if clock.now >= changes[path] - 1e-9 else 1)

    seen = wait_for_changes({a: (1, 1, 1), b: (1, 1, 1)}, 100.0, 1.0, 0.001, clock, clock.sleep, stat)
    assert seen == {a: pytest.approx(0.002), b: pytest.approx(0.005)}


def test_wait_for_changes_names_what_was_not_written() -> None:
    clock = ScriptedClock()
    stat = {Path("a.md"): (1, 1, 2), Path("b.md"): (1, 1, 1)}.__getitem__
    with pytest.raises(TimeoutError, match=r"not written within 0\.01 s: b\.md$"):
        wait_for_changes(
            {Path("a.md"): (1, 1, 1), Path("b.md"): (1, 1, 1)}, 100.0, 0.01, 0.001, clock, clock.sleep, stat
        )


def test_signature_sees_a_replace_and_an_in_place_write(tmp_path: Path) -> None:
    note = tmp_path / "Note.md"
    assert signature(note) is None
    note.write_text("one\n")
    first = signature(note)
    tmp = tmp_path / ".Note.md.tmp"
    tmp.write_text("one\n")
    tmp.replace(note)  # an atomic save of the same bytes: a new inode
    assert signature(note) != first


def test_wait_for_changes_sees_a_real_write(tmp_path: Path) -> None:
    note = tmp_path / "Note.md"
    note.write_text("before\n")
    before = {note: signature(note)}
    writer = threading.Timer(0.02, lambda: note.write_text("after, longer\n"))
    writer.start()
    try:
        seen = wait_for_changes(before, time.perf_counter(), timeout=30.0)
    finally:
        writer.join()
    assert set(seen) == {note}
    assert note.read_text() == "after, longer\n"
