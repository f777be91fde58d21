"""`vaultkit review week|month|quarter`: periods, the notes made from the templates (golden files), the
managed block refreshed without touching the user's text, and what moved, from tasks and the history."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_vault
from vaultkit.cli.commands import main
from vaultkit.errors import NoteError, VaultError
from vaultkit.history.store import Point, record
from vaultkit.markdown.blocks import block_problems
from vaultkit.review.period import period_of
from vaultkit.review.write import write_review
from vaultkit.rollup.apply import rollup_vault
from vaultkit.scaffold.create import new_note
from vaultkit.scaffold.moment import ISO_WEEK, US_WEEK, WeekRule, week_of
from vaultkit.vault import Vault

TEMPLATES = Path(__file__).resolve().parents[1] / "vault_template" / "Templates"
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "review"
NOW = dt.datetime(2026, 12, 31, 9, 30)
PLAN = "Plans/Senior PDP.md"
KAFKA = "Milestones/Kafka.md"
TALK = "Milestones/Talk.md"

NOTES = {
    PLAN: (
        "---\ntype: plan\nstatus: in-progress\n---\n# Senior PDP\n\n"
        "- [x] Read DDIA ✅ 2026-12-29\n"
        "- [x] Old task ✅ 2026-11-02\n"
        "- [ ] Write the RFC 📅 2026-12-30 #work\n"
        "- [ ] Later task 📅 2027-02-01\n"
        "- [x] Done without a date\n"
    ),
    KAFKA: (
        '---\ntype: milestone\nplan: "[[Senior PDP]]"\nstatus: done\n'
        "due: 2026-12-31\ncompleted: 2026-12-30\n---\n"
        "- [x] Kafka course ✅ 2026-12-30\n"
    ),
    TALK: (
        '---\ntype: milestone\nplan: "[[Senior PDP]]"\nstatus: in-progress\ndue: 2027-01-06\n---\n'
        "- [ ] Submit the talk\n"
    ),
    "Journal/Daily/2026-12-28.md": (
        "---\ntype: journal\n---\n- [x] Pair with Ana on [[Kafka]] ✅ 2026-12-28\n"
    ),
}


def history(root: Path) -> None:
    """Plan counts (own 5 tasks, Kafka 1, Talk 1 = 7) on three days: 1/7, then 3/7, then 4/7."""
    record(
        root,
        [
            Point(dt.date(2026, 12, 20), PLAN, "plan", 1, 7, 0, 2),
            Point(dt.date(2026, 12, 20), KAFKA, "milestone", 0, 1),
            Point(dt.date(2026, 12, 20), TALK, "milestone", 0, 1),
        ],
    )
    record(root, [Point(dt.date(2026, 12, 31), PLAN, "plan", 3, 7, 1, 2)])
    record(root, [Point(dt.date(2026, 12, 31), KAFKA, "milestone", 1, 1)])
    record(root, [Point(dt.date(2027, 1, 2), PLAN, "plan", 4, 7, 1, 2)])


def templates(root: Path) -> None:
    for name in ("Weekly review.md", "Monthly check-in.md", "Quarterly review.md"):
        shutil.copy(TEMPLATES / name, root / "Templates" / name)


def a_vault(tmp_path: Path, notes: dict[str, str] | None = None) -> Path:
    root = make_vault(tmp_path / "vault", NOTES if notes is None else notes, templates="Templates")
    (root / "Templates").mkdir()
    templates(root)
    if notes is None:
        history(root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------------------------------------- periods


def test_iso_week_across_the_year_boundary() -> None:
    week = period_of("week", dt.date(2026, 12, 31))
    assert (week.start, week.end) == (dt.date(2026, 12, 28), dt.date(2027, 1, 3))
    assert period_of("week", dt.date(2027, 1, 3)) == week
    assert period_of("week", dt.date(2027, 1, 4)).start == dt.date(2027, 1, 4)
    assert week.next().as_dict() == {"kind": "week", "start": "2027-01-04", "end": "2027-01-10"}


def test_months_and_quarters() -> None:
    assert period_of("month", dt.date(2028, 2, 10)).as_dict() == {
        "kind": "month",
        "start": "2028-02-01",
        "end": "2028-02-29",
    }
    q1 = period_of("quarter", dt.date(2026, 3, 31))
    assert (q1.start, q1.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert period_of("quarter", dt.date(2026, 4, 1)).start == dt.date(2026, 4, 1)
    q4 = period_of("quarter", dt.date(2026, 11, 15))
    assert (q4.start, q4.end, q4.next().end) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
        dt.date(2027, 3, 31),
    )
    with pytest.raises(VaultError, match="unknown review period 'year'"):
        period_of("year", dt.date(2026, 1, 1))


@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31)),
    st.sampled_from(["week", "month", "quarter"]),
    st.sampled_from([ISO_WEEK, US_WEEK]),
)
def test_a_period_holds_its_day_and_the_next_one_follows(day: dt.date, kind: str, rule: WeekRule) -> None:
    period = period_of(kind, day, rule)
    assert day in period
    assert period_of(kind, period.start, rule) == period == period_of(kind, period.end, rule)
    assert period.next().start == period.end + dt.timedelta(days=1)
    length = (period.end - period.start).days + 1
    assert (
        length == 7 if kind == "week" else length in ({28, 29, 30, 31} if kind == "month" else {90, 91, 92})
    )
    if kind == "week":  # the days of one week share their week number under the rule
        assert len({week_of(period.start + dt.timedelta(days=i), rule) for i in range(7)}) == 1


# ---------------------------------------------------------------------------------------------- golden notes


@pytest.mark.parametrize(
    ("kind", "day", "path"),
    [
        ("week", dt.date(2026, 12, 31), "Journal/Weekly/2026-W53.md"),
        ("month", dt.date(2026, 12, 15), "Journal/Monthly/2026-12.md"),
        ("quarter", dt.date(2026, 11, 15), "Journal/Quarterly/2026-Q4.md"),
    ],
)
def test_review_note_matches_its_golden_file(tmp_path: Path, kind: str, day: dt.date, path: str) -> None:
    root = a_vault(tmp_path)
    result = write_review(Vault(root), kind, day, now=NOW)
    assert (result.path, result.created, result.written) == (path, True, True)
    text = (root / path).read_text(encoding="utf-8")
    assert text == (GOLDEN / f"{kind}.md").read_text(encoding="utf-8")
    assert block_problems(text) == []


def test_week_json_shape(tmp_path: Path) -> None:
    root = a_vault(tmp_path)
    code, out, err = run("review", "week", "--date", "2026-12-31", "--json", "--vault", str(root))
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "path": "Journal/Weekly/2026-W53.md",
        "created": True,
        "written": True,
        "period": {"kind": "week", "start": "2026-12-28", "end": "2027-01-03"},
        "completed": [
            {
                "note": "Journal/Daily/2026-12-28.md",
                "line": 4,
                "text": "Pair with Ana on [[Kafka]]",
                "day": "2026-12-28",
                "tasks": 1,
            },
            {"note": PLAN, "line": 7, "text": "Read DDIA", "day": "2026-12-29", "tasks": 1},
            {"note": KAFKA, "line": 8, "text": "Kafka course", "day": "2026-12-30", "tasks": 1},
            {"note": PLAN, "line": None, "text": None, "day": None, "tasks": 1},
        ],
        "plans": [{"plan": PLAN, "from": 14, "to": 57, "done_delta": 3}],
        "milestones_completed": [{"milestone": KAFKA, "completed": "2026-12-30"}],
        "milestones_due": [{"milestone": TALK, "due": "2027-01-06"}],
        "overdue": [{"note": PLAN, "line": 9, "text": "Write the RFC \\#work", "due": "2026-12-30"}],
    }


# ---------------------------------------------------------------------------------------------- refreshing


def test_a_second_run_writes_nothing(tmp_path: Path) -> None:
    root = a_vault(tmp_path)
    write_review(Vault(root), "week", dt.date(2026, 12, 31), now=NOW)
    note = root / "Journal/Weekly/2026-W53.md"
    before = note.read_bytes()
    os.utime(note, (1_000_000_000, 1_000_000_000))
    again = write_review(Vault(root), "week", dt.date(2027, 1, 2), now=NOW)
    assert (again.created, again.written, again.diff) == (False, False, "")
    assert note.read_bytes() == before
    assert note.stat().st_mtime == 1_000_000_000
    code, out, _ = run("review", "week", "--date", "2026-12-29", "--vault", str(root))
    assert code == 0
    assert (
        out == "up to date: Journal/Weekly/2026-W53.md (week 2026-12-28 – 2027-01-03): "
        "4 tasks done, 1 plan moved\n"
    )


def test_refresh_rewrites_the_block_and_keeps_the_users_text(tmp_path: Path) -> None:
    root = a_vault(tmp_path)
    write_review(Vault(root), "week", dt.date(2026, 12, 31), now=NOW)
    note = root / "Journal/Weekly/2026-W53.md"
    mine = note.read_text(encoding="utf-8").replace("## Wins\n\n- \n", "## Wins\n\n- Shipped the RFC draft\n")
    mine = mine.replace("# Week 53, 2026\n", "# Week 53, 2026: the last one\n")
    note.write_text(mine, encoding="utf-8")
    plan = root / PLAN
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("- [ ] Write the RFC", "- [x] Write the RFC ✅ 2027-01-01")
    )
    result = write_review(Vault(root), "week", dt.date(2026, 12, 31), now=NOW)
    assert (result.created, result.written) == (False, True)
    after = note.read_text(encoding="utf-8")
    golden = (GOLDEN / "week.md").read_text(encoding="utf-8")
    expected = golden.replace("## Wins\n\n- \n", "## Wins\n\n- Shipped the RFC draft\n")
    expected = expected.replace("# Week 53, 2026\n", "# Week 53, 2026: the last one\n")
    # Still four: the history's undated task is now known to be the RFC.
    expected = expected.replace(
        "- Kafka course · [[Kafka]] · ✅ 2026-12-30\n",
        "- Kafka course · [[Kafka]] · ✅ 2026-12-30\n"
        "- Write the RFC \\#work · [[Senior PDP]] · ✅ 2027-01-01\n",
    )
    expected = expected.replace("- [[Senior PDP]]: 1 task done (no ✅ date; from the history)\n", "")
    overdue = "\n**Overdue (open, due by 2027-01-03)**\n\n"
    overdue += "- Write the RFC \\#work · [[Senior PDP]] · 📅 2026-12-30\n"
    assert overdue in expected
    expected = expected.replace(overdue, "")
    assert after == expected


def test_dry_run_shows_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    root = a_vault(tmp_path)
    code, out, err = run("review", "month", "--date", "2026-12-15", "--dry-run", "--vault", str(root))
    assert (code, err) == (0, "")
    assert out.startswith("--- a/Journal/Monthly/2026-12.md\n+++ b/Journal/Monthly/2026-12.md\n")
    assert "+# December 2026\n" in out
    assert out.endswith(
        "would create: Journal/Monthly/2026-12.md (month 2026-12-01 – 2026-12-31): "
        "3 tasks done, 1 plan moved\n"
    )
    assert not (root / "Journal" / "Monthly").exists()


def test_rollup_and_check_leave_the_review_block_alone(tmp_path: Path) -> None:
    root = a_vault(tmp_path)
    write_review(Vault(root), "week", dt.date(2026, 12, 31), now=NOW)
    note = root / "Journal/Weekly/2026-W53.md"
    before = note.read_bytes()
    (root / PLAN).write_text(NOTES[PLAN].replace("- [ ] Later task", "- [x] Later task"), encoding="utf-8")
    report = rollup_vault(Vault(root), today=dt.date(2027, 1, 2))
    assert not report.problems
    assert note.read_bytes() == before
    code, _, _ = run("check", "--vault", str(root))
    assert code == 0


def test_a_review_made_by_new_gets_its_block_before_the_first_section(tmp_path: Path) -> None:
    root = a_vault(tmp_path)
    new_note(Vault(root), "review", day=dt.date(2026, 12, 31), now=NOW)
    note = root / "Journal/Weekly/2026-W53.md"
    made = note.read_text(encoding="utf-8")
    result = write_review(Vault(root), "week", dt.date(2026, 12, 31), now=NOW)
    assert (result.created, result.written) == (False, True)
    assert note.read_text(encoding="utf-8") == (GOLDEN / "week.md").read_text(encoding="utf-8")
    removed = [line for line in result.diff.splitlines()[2:] if line.startswith("-")]
    assert removed == [] and "## Wins" in made  # lines were only added: the block's section


def test_a_template_may_place_the_block(tmp_path: Path) -> None:
    root = a_vault(tmp_path, {})
    (root / "Templates" / "Quarterly review.md").write_text(
        "---\ntype: review\n---\n# Q{{date:Q}}\n\n## Notes\n\n- \n\n## Numbers\n\n"
        "<!-- vaultkit:begin review -->\n<!-- vaultkit:end -->\n",
        encoding="utf-8",
    )
    write_review(Vault(root), "quarter", dt.date(2026, 5, 2), now=NOW)
    assert (root / "Journal/Quarterly/2026-Q2.md").read_text(encoding="utf-8") == (
        "---\ntype: review\n---\n# Q2\n\n## Notes\n\n- \n\n## Numbers\n\n"
        '<!-- vaultkit:begin review period="quarter" start="2026-04-01" end="2026-06-30" -->\n\n'
        "Nothing moved this quarter (2026-04-01 – 2026-06-30): no task done, no progress recorded.\n\n"
        "<!-- vaultkit:end -->\n"
    )


def test_an_empty_vault_gets_a_review_that_says_nothing_moved(tmp_path: Path) -> None:
    root = a_vault(tmp_path, {})
    result = write_review(Vault(root), "week", dt.date(2026, 12, 31), now=NOW)
    assert result.moved.nothing
    text = (root / result.path).read_text(encoding="utf-8")
    assert (
        '<!-- vaultkit:begin review period="week" start="2026-12-28" end="2027-01-03" -->\n\n'
        "Nothing moved this week (2026-12-28 – 2027-01-03): no task done, no progress recorded.\n\n"
        "<!-- vaultkit:end -->\n"
    ) in text
    assert json.loads(json.dumps(result.as_dict()))["completed"] == []


# ---------------------------------------------------------------------------------------------- refusals


def test_a_missing_template_names_its_path_and_how_to_restore_it(tmp_path: Path) -> None:
    root = a_vault(tmp_path, {})
    (root / "Templates" / "Monthly check-in.md").unlink()
    code, out, err = run("review", "month", "--date", "2026-12-15", "--vault", str(root))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "Templates/Monthly check-in.md is missing" in err
    assert f"vaultkit init --force {root}" in err
    assert "[review] month_template" in err
    assert not (root / "Journal").exists()


def test_a_broken_marker_is_refused_with_its_line(tmp_path: Path) -> None:
    root = a_vault(tmp_path, {})
    write_review(Vault(root), "week", dt.date(2026, 12, 31), now=NOW)
    note = root / "Journal/Weekly/2026-W53.md"
    broken = note.read_text(encoding="utf-8").replace("<!-- vaultkit:end -->", "<!-- vaultkit:end --", 1)
    note.write_text(broken, encoding="utf-8")
    with pytest.raises(NoteError) as caught:
        write_review(Vault(root), "week", dt.date(2026, 12, 31), now=NOW)
    assert caught.value.line == 19  # the mistyped end marker
    assert note.read_text(encoding="utf-8") == broken


def test_unknown_review_setting_is_refused(tmp_path: Path) -> None:
    root = a_vault(tmp_path, {})
    (root / ".vaultkit").mkdir()
    (root / ".vaultkit" / "config.toml").write_text('[review]\nmonth_folder = "Reviews"\nyear_folder = "x"\n')
    with pytest.raises(VaultError, match="unknown key 'year_folder'"):
        write_review(Vault(root), "month", dt.date(2026, 12, 15), now=NOW)
    (root / ".vaultkit" / "config.toml").write_text(
        '[review]\nmonth_folder = "Reviews"\nmonth_format = "MMMM YYYY"\n'
    )
    assert (
        write_review(Vault(root), "month", dt.date(2026, 12, 15), now=NOW).path == "Reviews/December 2026.md"
    )


def test_a_review_block_with_a_bad_period_is_reported() -> None:
    text = '<!-- vaultkit:begin review period="year" -->\n<!-- vaultkit:end -->\n'
    assert block_problems(text) == [(1, "period must be week, month or quarter, not 'year'")]


def test_a_deleted_notes_history_is_not_listed(tmp_path: Path) -> None:
    root = a_vault(tmp_path)
    record(root, [Point(dt.date(2026, 12, 20), "Milestones/Gone.md", "milestone", 0, 2)])
    record(root, [Point(dt.date(2026, 12, 30), "Milestones/Gone.md", "milestone", 2, 2)])
    result = write_review(Vault(root), "week", dt.date(2026, 12, 31), now=NOW, dry_run=True)
    assert [t.note for t in result.moved.completed if t.line is None] == [PLAN]
    assert not (root / result.path).exists()
