"""The progress history (`vaultkit.history.store`): appends only on change, the last value of a day wins,
compaction, damaged and torn lines, links refused; and the rollup recording into it."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_vault
from vaultkit.errors import NoteError
from vaultkit.history.store import (
    HISTORY_PATH,
    Point,
    as_csv,
    as_json,
    compact,
    compacted,
    load_history,
    parse_history,
    record,
)
from vaultkit.rollup.apply import rollup_vault
from vaultkit.vault import Vault

D1, D2, D3 = dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3)
PLAN = "Plans/Senior PDP.md"


def lines(root: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (root / HISTORY_PATH).read_text("utf-8").splitlines()]


def test_a_point_is_appended_only_when_its_counts_change(tmp_path: Path) -> None:
    assert record(tmp_path, [Point(D1, PLAN, "plan", 1, 4, 0, 2), Point(D1, "M.md", "milestone", 0, 2)]) == 2
    assert record(tmp_path, [Point(D2, PLAN, "plan", 1, 4, 0, 2), Point(D2, "M.md", "milestone", 0, 2)]) == 0
    assert record(tmp_path, [Point(D2, PLAN, "plan", 2, 4, 0, 2), Point(D2, "M.md", "milestone", 0, 2)]) == 1
    assert lines(tmp_path) == [
        {"day": "2026-12-01", "path": PLAN, "type": "plan", "done": 1, "total": 4,
         "milestones_done": 0, "milestones_total": 2},
        {"day": "2026-12-01", "path": "M.md", "type": "milestone", "done": 0, "total": 2},
        {"day": "2026-12-02", "path": PLAN, "type": "plan", "done": 2, "total": 4,
         "milestones_done": 0, "milestones_total": 2},
    ]  # fmt: skip
    history = load_history(tmp_path)
    assert history.paths() == ["M.md", PLAN]
    assert [(p.day, p.done) for p in history.series(PLAN)] == [(D1, 1), (D2, 2)]
    assert history.problems == []


def test_nothing_is_opened_for_writing_when_nothing_changed(tmp_path: Path) -> None:
    assert record(tmp_path, []) == 0
    assert not (tmp_path / ".vaultkit").exists()
    record(tmp_path, [Point(D1, PLAN, "plan", 1, 4)])
    before = (tmp_path / HISTORY_PATH).stat()
    assert record(tmp_path, [Point(D3, PLAN, "plan", 1, 4)]) == 0
    after = (tmp_path / HISTORY_PATH).stat()
    assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)


def test_the_last_value_of_a_day_wins(tmp_path: Path) -> None:
    for done in (1, 2, 3):
        record(tmp_path, [Point(D1, PLAN, "plan", done, 5)])
    record(tmp_path, [Point(D2, PLAN, "plan", 4, 5)])
    record(tmp_path, [Point(D2, PLAN, "plan", 2, 6)])
    assert len(lines(tmp_path)) == 5
    series = load_history(tmp_path).series(PLAN)
    assert [(p.day, p.done, p.total, p.progress) for p in series] == [(D1, 3, 5, 60), (D2, 2, 6, 33)]


def test_compaction_keeps_the_last_of_each_day_and_shrinks_the_file(tmp_path: Path) -> None:
    for day in (D1, D2):
        for done in range(10):
            record(tmp_path, [Point(day, PLAN, "plan", done, 10), Point(day, "M.md", "milestone", done, 9)],
                   compact_min=1000)  # fmt: skip
    size = (tmp_path / HISTORY_PATH).stat().st_size
    assert len(lines(tmp_path)) == 40
    assert compact(tmp_path) is True
    assert (tmp_path / HISTORY_PATH).stat().st_size < size / 5
    assert [(line["day"], line["path"], line["done"]) for line in lines(tmp_path)] == [
        ("2026-12-01", PLAN, 9), ("2026-12-01", "M.md", 9), ("2026-12-02", PLAN, 9), ("2026-12-02", "M.md", 9)
    ]  # fmt: skip
    assert compact(tmp_path) is False


def test_record_compacts_once_extra_lines_pass_the_threshold(tmp_path: Path) -> None:
    for done in range(12):
        record(tmp_path, [Point(D1, PLAN, "plan", done, 20)], compact_min=5)
    # Looked at on the 5th line (4 extra: kept) and the 10th (9 extra > 5: compacted to the last), then
    # appended twice more.
    assert [line["done"] for line in lines(tmp_path)] == [9, 10, 11]
    assert load_history(tmp_path).series(PLAN)[-1].done == 11


def test_a_torn_last_line_is_skipped_reported_and_does_not_glue_onto_the_next_append(tmp_path: Path) -> None:
    record(tmp_path, [Point(D1, PLAN, "plan", 1, 4)])
    with (tmp_path / HISTORY_PATH).open("ab") as handle:
        handle.write(b'{"day": "2026-12-02", "path": "Pla')  # a crash mid-append
    history = load_history(tmp_path)
    assert [p.done for p in history.points] == [1]
    assert history.problems == [(2, "an unfinished line (a write was interrupted); line skipped")]
    assert record(tmp_path, [Point(D2, PLAN, "plan", 2, 4)]) == 1
    history = load_history(tmp_path)
    assert [(p.day, p.done) for p in history.series(PLAN)] == [(D1, 1), (D2, 2)]
    assert [line for line, _ in history.problems] == [2]


def test_a_damaged_middle_line_is_skipped_and_kept_by_compaction(tmp_path: Path) -> None:
    good = Point(D1, PLAN, "plan", 1, 4).line()
    later = Point(D1, PLAN, "plan", 2, 4).line()
    (tmp_path / ".vaultkit").mkdir()
    (tmp_path / HISTORY_PATH).write_bytes(good + b"not json\n" + b'{"day": "x"}\n' + b"\xff\n" + later)
    history = load_history(tmp_path)
    assert [p.done for p in history.points] == [1, 2]
    assert [line for line, _ in history.problems] == [2, 3, 4]
    assert history.problems[1] == (3, "no `path`; line skipped")
    assert history.problems[2] == (4, "not UTF-8 text; line skipped")
    assert compact(tmp_path) is True
    assert (tmp_path / HISTORY_PATH).read_bytes() == b"not json\n" + b'{"day": "x"}\n' + b"\xff\n" + later


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"day": "2026-12-01", "path": "a.md", "type": "plan", "done": 5, "total": 4}',
         "`done` (5) is more than `total` (4)"),
        ('{"day": "2026-12-01", "path": "a.md", "type": "plan", "done": true, "total": 4}',
         "`done` must be a whole number of 0 or more, not True"),
        ('{"day": "2026-13-01", "path": "a.md", "type": "plan", "done": 1, "total": 4}',
         "month must be in 1..12"),
        ('[1, 2]', "not a JSON object"),
    ],
)  # fmt: skip
def test_each_damaged_line_says_why(line: str, reason: str) -> None:
    assert parse_history(line.encode() + b"\n").problems == [(1, f"{reason}; line skipped")]


POINTS = st.tuples(st.integers(0, 3), st.sampled_from(["a.md", "b.md"]), st.integers(0, 5))


@given(st.lists(POINTS, max_size=40))
def test_the_history_reads_back_as_the_last_point_per_note_and_day(found: list[tuple[int, str, int]]) -> None:
    points = [Point(D1 + dt.timedelta(days=day), path, "milestone", done, 5) for day, path, done in found]
    data = b"".join(point.line() for point in points)
    history = parse_history(data)
    assert history.points == points
    for path in {"a.md", "b.md"}:
        expected = {p.day: p for p in points if p.path == path}
        assert history.series(path) == [expected[day] for day in sorted(expected)]
    smaller = parse_history(compacted(data))
    assert list(smaller.all_series()) == list(history.all_series())
    assert len(smaller.points) == len({(p.path, p.day) for p in points})


def test_a_symlinked_history_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.jsonl"
    outside.write_bytes(Point(D1, PLAN, "plan", 1, 4).line())
    root = tmp_path / "vault"
    (root / ".vaultkit").mkdir(parents=True)
    (root / HISTORY_PATH).symlink_to(outside)
    with pytest.raises(NoteError, match="is a symbolic link"):
        load_history(root)
    with pytest.raises(NoteError, match="is a symbolic link"):
        record(root, [Point(D2, PLAN, "plan", 2, 4)])
    assert outside.read_bytes() == Point(D1, PLAN, "plan", 1, 4).line()


def test_a_symlinked_vaultkit_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "vault"
    root.mkdir()
    (root / ".vaultkit").symlink_to(elsewhere)
    with pytest.raises(NoteError, match=r"\.vaultkit: is a symbolic link"):
        record(root, [Point(D2, PLAN, "plan", 2, 4)])
    assert list(elsewhere.iterdir()) == []


def test_a_fifo_history_is_refused_without_hanging(tmp_path: Path) -> None:
    (tmp_path / ".vaultkit").mkdir()
    os.mkfifo(tmp_path / HISTORY_PATH)
    with pytest.raises(NoteError, match=r"not a history file|is a FIFO"):
        load_history(tmp_path)


def test_export_shapes() -> None:
    points = [Point(D1, PLAN, "plan", 1, 4, 0, 2), Point(D1, 'M, "1".md', "milestone", 0, 2)]
    assert as_json(points, [(3, "bad")]) == {
        "points": [
            {"day": "2026-12-01", "path": PLAN, "type": "plan", "done": 1, "total": 4,
             "milestones_done": 0, "milestones_total": 2},
            {"day": "2026-12-01", "path": 'M, "1".md', "type": "milestone", "done": 0, "total": 2},
        ],
        "problems": [{"line": 3, "reason": "bad"}],
    }  # fmt: skip
    assert as_csv(points) == (
        "day,path,type,done,total,milestones_done,milestones_total\n"
        "2026-12-01,Plans/Senior PDP.md,plan,1,4,0,2\n"
        '2026-12-01,"M, ""1"".md",milestone,0,2,,\n'
    )


# ---------------------------------------------------------------------------------------------- rollup

MILESTONE = """---
type: milestone
plan: "[[Senior PDP]]"
---
# Kafka

- [ ] read the book
- [ ] run a cluster
"""

PLAN_NOTE = """---
type: plan
---
# Senior PDP

- [x] write the plan
"""


def pdp(tmp_path: Path) -> Path:
    files = {PLAN: PLAN_NOTE, "Milestones/Kafka.md": MILESTONE, "Home.md": "# Home\n"}
    return make_vault(tmp_path / "vault", files)


def test_a_rollup_records_plans_and_milestones_and_an_idle_rollup_appends_nothing(tmp_path: Path) -> None:
    vault = pdp(tmp_path)
    report = rollup_vault(Vault(vault), today=D1)
    assert report.recorded == 2
    assert report.warnings == []
    assert lines(vault) == [
        {"day": "2026-12-01", "path": "Milestones/Kafka.md", "type": "milestone", "done": 0, "total": 2},
        {"day": "2026-12-01", "path": PLAN, "type": "plan", "done": 1, "total": 3,
         "milestones_done": 0, "milestones_total": 1},
    ]  # fmt: skip
    before = (vault / HISTORY_PATH).stat().st_mtime_ns
    assert rollup_vault(Vault(vault), today=D2).recorded == 0
    assert (vault / HISTORY_PATH).stat().st_mtime_ns == before
    kafka = vault / "Milestones/Kafka.md"
    kafka.write_text(kafka.read_text("utf-8").replace("- [ ] read", "- [x] read"), "utf-8")
    assert rollup_vault(Vault(vault), today=D2).recorded == 2
    history = load_history(vault)
    assert [(p.day, p.done, p.total) for p in history.series(PLAN)] == [(D1, 1, 3), (D2, 2, 3)]
    assert [(p.day, p.done) for p in history.series("Milestones/Kafka.md")] == [(D1, 0), (D2, 1)]


def test_a_dry_run_records_nothing(tmp_path: Path) -> None:
    vault = pdp(tmp_path)
    assert rollup_vault(Vault(vault), dry_run=True, today=D1).recorded == 0
    assert not (vault / HISTORY_PATH).exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any mode")
def test_a_rollup_with_an_unwritable_history_succeeds_with_a_warning(tmp_path: Path) -> None:
    vault = pdp(tmp_path)
    (vault / ".vaultkit").mkdir(exist_ok=True)
    (vault / HISTORY_PATH).write_bytes(b"")
    (vault / HISTORY_PATH).chmod(stat.S_IRUSR)
    try:
        report = rollup_vault(Vault(vault), today=D1)
    finally:
        (vault / HISTORY_PATH).chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert report.changed and not report.problems
    assert report.warnings == [
        ".vaultkit/history.jsonl: progress not recorded: cannot write: Permission denied"
    ]
    assert report.as_dict()["warnings"] == report.warnings
    assert report.render().splitlines()[-1] == f"warning: {report.warnings[0]}"


def test_a_rollup_on_a_full_disk_succeeds_with_a_warning_and_no_partial_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = pdp(tmp_path)
    from vaultkit.history import store

    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "write", full)
    report = rollup_vault(Vault(vault), today=D1)
    monkeypatch.undo()
    assert report.changed and not report.problems
    assert report.warnings == [
        ".vaultkit/history.jsonl: progress not recorded: cannot write: No space left on device"
    ]
    assert (vault / HISTORY_PATH).read_bytes() == b""
    assert rollup_vault(Vault(vault), today=D1).recorded == 2  # the next run records what was missed


def test_a_rollup_with_a_history_that_is_a_folder_succeeds_with_a_warning(tmp_path: Path) -> None:
    vault = pdp(tmp_path)
    (vault / HISTORY_PATH).mkdir(parents=True)
    report = rollup_vault(Vault(vault), today=D1)
    assert report.changed and not report.problems
    assert report.warnings == [
        ".vaultkit/history.jsonl: progress not recorded: is a folder, not a history file"
    ]


def test_a_point_is_compared_with_the_last_valid_line_of_its_note(tmp_path: Path) -> None:
    record(tmp_path, [Point(D1, PLAN, "plan", 1, 4)])
    with (tmp_path / HISTORY_PATH).open("ab") as handle:  # JSON, but not a point: done above total
        handle.write(b'{"day": "2026-12-02", "path": "Plans/Senior PDP.md", "type": "plan", "done": 7, ')
        handle.write(b'"total": 4}\n')
    assert record(tmp_path, [Point(D2, PLAN, "plan", 1, 4)]) == 0
    assert record(tmp_path, [Point(D2, PLAN, "plan", 7, 8)]) == 1


def test_a_line_appended_by_another_process_is_seen(tmp_path: Path) -> None:
    record(tmp_path, [Point(D1, PLAN, "plan", 1, 4)])  # remembered in this process
    with (tmp_path / HISTORY_PATH).open("ab") as handle:
        handle.write(Point(D2, PLAN, "plan", 2, 4).line())
    assert record(tmp_path, [Point(D2, PLAN, "plan", 2, 4)]) == 0
    assert record(tmp_path, [Point(D2, PLAN, "plan", 1, 4)]) == 1
    assert [line["done"] for line in lines(tmp_path)] == [1, 2, 1]
