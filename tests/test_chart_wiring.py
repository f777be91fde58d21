"""Charts wired into the product: `vaultkit chart`, the `chart` and `skills` blocks, the plans table's trend.

Real files in temporary vaults with a written history and a fixed today; the SVG and dashboard outputs are
golden files under tests/fixtures/charts/ (rewritten only with UPDATE_GOLDEN=1, so a change is reviewed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_vault
from vaultkit.cli.commands import main
from vaultkit.errors import UnsafePathError
from vaultkit.history.skills import parse_capability_table, skills_svg
from vaultkit.history.store import HISTORY_PATH, Point, record
from vaultkit.markdown.blocks import parse_blocks
from vaultkit.rollup.apply import rollup_vault
from vaultkit.rollup.charts import chart_file_name, plan_chart_paths, write_chart
from vaultkit.vault import Vault

GOLDEN = Path(__file__).parent / "fixtures" / "charts"
TODAY = dt.date(2026, 12, 3)
PLAN = "Plans/Senior PDP.md"
PLAN_TEXT = "---\ntype: plan\nstatus: in-progress\n---\n# Senior PDP\n\n- [x] one\n- [x] two\n- [ ] three\n"
KAFKA = (
    '---\ntype: milestone\nplan: "[[Senior PDP]]"\ndue: 2026-11-20\ncompleted: 2026-11-18\n---\n'
    "- [x] a\n- [x] b\n"
)
LEAD = '---\ntype: milestone\nplan: "[[Senior PDP]]"\ndue: 2027-01-15\n---\n- [x] c\n- [ ] d\n- [ ] e\n'
DASHBOARD = (
    "# Dashboard\n\n<!-- vaultkit:begin plans -->\n<!-- vaultkit:end -->\n\n"
    '<!-- vaultkit:begin chart plan="[[Senior PDP]]" -->\n<!-- vaultkit:end -->\n'
)
LADDER = (
    "---\ntype: plan\ntags:\n  - career-ladder\n---\n# Ladder\n\n"
    "| Capability | Current | Target | Priority |\n|---|---|---|---|\n"
    "| SQL | Advanced | Expert | High |\n| Data modeling | Competent | Advanced | Medium |\n\n"
    "<!-- vaultkit:begin skills -->\n<!-- vaultkit:end -->\n"
)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run the tests with UPDATE_GOLDEN=1 to write it"
    assert text == path.read_text(encoding="utf-8")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


def history_vault(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    """A plan with two milestones (one completed) and five weeks of recorded history."""
    root = make_vault(
        tmp_path / "vault",
        {PLAN: PLAN_TEXT, "Milestones/Kafka.md": KAFKA, "Milestones/Lead.md": LEAD, **(extra or {})},
    )
    for week, (done, total) in enumerate([(0, 6), (1, 6), (2, 8), (4, 8), (5, 10)]):
        day = dt.date(2026, 10, 29) + dt.timedelta(days=7 * week)
        record(root, [Point(day, PLAN, "plan", done, total, 1 if done >= 4 else 0, 2)])
    return root


# ---------------------------------------------------------------------------------------------- command


def test_chart_command_writes_the_golden_svg_and_prints_the_embed(tmp_path: Path) -> None:
    root = history_vault(tmp_path)
    code, out, err = run("chart", "Senior PDP", "--vault", str(root), "--today", "2026-12-03")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Charts/Senior PDP.svg: written",
        "  embed: ![[Charts/Senior PDP.svg]]",
    ]
    assert_golden("cli-senior-pdp.svg", (root / "Charts" / "Senior PDP.svg").read_text(encoding="utf-8"))
    code, out, _ = run("chart", "Senior PDP", "--vault", str(root), "--today", "2026-12-03")
    assert out.splitlines()[0] == "Charts/Senior PDP.svg: unchanged"


def test_chart_json_shape(tmp_path: Path) -> None:
    root = history_vault(tmp_path)
    code, out, _ = run("chart", "--vault", str(root), "--today", "2026-12-03", "--json")
    assert code == 0
    assert json.loads(out) == {
        "charts": [
            {
                "plan": PLAN,
                "path": "Charts/Senior PDP.svg",
                "embed": "![[Charts/Senior PDP.svg]]",
                "written": True,
            }
        ]
    }
    code, out, _ = run("chart", "--vault", str(root), "--today", "2026-12-03", "--json")
    assert json.loads(out)["charts"][0]["written"] is False


def test_since_starts_the_chart_later(tmp_path: Path) -> None:
    root = history_vault(tmp_path)
    run("chart", "Senior PDP", "--vault", str(root), "--today", "2026-12-03", "--since", "2026-11-15")
    text = (root / "Charts" / "Senior PDP.svg").read_text(encoding="utf-8")
    assert "since 15 Nov 2026" in text
    assert "29 Oct" not in text


def test_a_plan_without_history_gets_the_no_history_chart_and_a_hint(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {PLAN: PLAN_TEXT})
    code, out, err = run("chart", "Senior PDP", "--vault", str(root), "--today", "2026-12-03")
    assert (code, err) == (0, "")
    assert out.splitlines()[2] == (
        "  no history yet for Plans/Senior PDP.md: run `vaultkit rollup` (it records from today on) "
        "or `vaultkit history backfill` (from git)"
    )
    assert "No history yet" in (root / "Charts" / "Senior PDP.svg").read_text(encoding="utf-8")


def test_out_outside_the_vault_is_the_users_choice(tmp_path: Path) -> None:
    root = history_vault(tmp_path)
    target = tmp_path / "elsewhere" / "burnup.svg"
    target.parent.mkdir()
    code, out, _ = run(
        "chart", "Senior PDP", "--vault", str(root), "--today", "2026-12-03", "--out", str(target), "--json"
    )
    assert code == 0
    assert json.loads(out) == {
        "charts": [{"plan": PLAN, "path": str(target), "embed": None, "written": True}]
    }
    assert target.read_text(encoding="utf-8") == (GOLDEN / "cli-senior-pdp.svg").read_text(encoding="utf-8")
    assert not (root / "Charts").exists()


def test_out_inside_the_vault_prints_its_embed(tmp_path: Path) -> None:
    root = history_vault(tmp_path)
    (root / "Pics").mkdir()
    code, out, _ = run(
        "chart", PLAN, "--vault", str(root), "--today", "2026-12-03", "--out", str(root / "Pics" / "b.svg")
    )
    assert code == 0
    assert out.splitlines() == ["Pics/b.svg: written", "  embed: ![[Pics/b.svg]]"]


def test_out_needs_one_plan_and_plan_must_be_a_plan(tmp_path: Path) -> None:
    root = history_vault(tmp_path, {"Other.md": "# not a plan\n", "Plans/B.md": "---\ntype: plan\n---\n"})
    code, _, err = run("chart", "--vault", str(root), "--out", str(tmp_path / "x.svg"))
    assert code == 2
    assert "--out writes one chart: name the PLAN" in err
    code, _, err = run("chart", "Other", "--vault", str(root))
    assert code == 2
    assert "Other.md is not a plan" in err


def test_a_linked_charts_folder_is_refused(tmp_path: Path) -> None:
    root = history_vault(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "Charts").symlink_to(outside, target_is_directory=True)
    code, _, err = run("chart", "Senior PDP", "--vault", str(root), "--today", "2026-12-03")
    assert code == 1
    assert "is a symbolic link" in err
    assert list(outside.iterdir()) == []


# ---------------------------------------------------------------------------------------------- names


def test_chart_names_stay_inside_the_charts_folder() -> None:
    assert chart_file_name("../../x") == "-..-x"
    assert chart_file_name("Senior PDP") == "Senior PDP"
    assert chart_file_name("a: b #c [x]") == "a- b -c -x-"
    assert chart_file_name("...") == "chart"
    assert chart_file_name("con") == "con_"


@given(st.text(max_size=200))
def test_any_title_gives_a_plain_file_name(title: str) -> None:
    name = chart_file_name(title)
    assert name
    assert "/" not in name and "\\" not in name
    assert not name.startswith(".")
    assert len(name) <= 120
    assert (Path("/vault/Charts") / f"{name}.svg").parent == Path("/vault/Charts")


def test_plans_of_the_same_title_get_their_own_files() -> None:
    class Fake:
        def __init__(self, title: str) -> None:
            self.title = title

    notes = {"A/Growth.md": Fake("Growth"), "B/Growth.md": Fake("Growth"), "C/x.md": Fake("../../x")}
    paths = plan_chart_paths(notes, dict.fromkeys(notes))  # type: ignore[arg-type]
    assert paths == {
        "A/Growth.md": "Charts/Growth.svg",
        "B/Growth.md": "Charts/Growth 2.svg",
        "C/x.md": "Charts/-..-x.svg",
    }


def test_write_chart_refuses_paths_that_leave_the_vault(tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        write_chart(tmp_path, "../x.svg", "<svg/>")
    with pytest.raises(UnsafePathError):
        write_chart(tmp_path, "/etc/x.svg", "<svg/>")
    assert write_chart(tmp_path, "Charts/x.svg", "<svg/>") is True
    assert write_chart(tmp_path, "Charts/x.svg", "<svg/>") is False


# ---------------------------------------------------------------------------------------------- blocks


def test_rollup_draws_the_chart_block_and_the_trend(tmp_path: Path) -> None:
    root = history_vault(tmp_path, {"Dashboard.md": DASHBOARD})
    report = rollup_vault(Vault(root), today=TODAY)
    assert report.charts == ["Charts/Senior PDP.svg"]
    assert_golden("dashboard-with-chart.md", (root / "Dashboard.md").read_text(encoding="utf-8"))
    # The block's picture is the one `vaultkit chart` draws from the same history on the same day.
    svg = (root / "Charts" / "Senior PDP.svg").read_text(encoding="utf-8")
    code, out, _ = run("chart", "Senior PDP", "--vault", str(root), "--today", "2026-12-03")
    assert (code, out.splitlines()[0]) == (0, "Charts/Senior PDP.svg: unchanged")
    assert svg == (root / "Charts" / "Senior PDP.svg").read_text(encoding="utf-8")


def test_a_second_rollup_writes_nothing(tmp_path: Path) -> None:
    root = history_vault(tmp_path, {"Dashboard.md": DASHBOARD, "Plans/Ladder.md": LADDER})
    rollup_vault(Vault(root), today=TODAY)
    for path in root.rglob("*"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}
    report = rollup_vault(Vault(root), today=TODAY)
    assert (report.changed, report.charts, report.recorded) == ([], [], 0)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}
    assert {p: v for p, v in after.items() if ".vaultkit/cache" not in p.as_posix()} == {
        p: v for p, v in before.items() if ".vaultkit/cache" not in p.as_posix()
    }


def test_a_dry_run_draws_no_chart(tmp_path: Path) -> None:
    root = history_vault(tmp_path, {"Dashboard.md": DASHBOARD})
    report = rollup_vault(Vault(root), today=TODAY, dry_run=True)
    assert "+![[Charts/Senior PDP.svg]]" in report.diff
    assert not (root / "Charts").exists()


def test_unknown_and_wrong_plans_say_so_in_the_block(tmp_path: Path) -> None:
    dashboard = (
        '<!-- vaultkit:begin chart plan="[[Nowhere]]" -->\n<!-- vaultkit:end -->\n\n'
        '<!-- vaultkit:begin chart plan="[[Kafka]]" -->\n<!-- vaultkit:end -->\n'
    )
    root = history_vault(tmp_path, {"Dashboard.md": dashboard})
    rollup_vault(Vault(root), today=TODAY)
    assert (root / "Dashboard.md").read_text(encoding="utf-8") == (
        '<!-- vaultkit:begin chart plan="[[Nowhere]]" -->\n\nNo note [[Nowhere]] in this vault.\n\n'
        "<!-- vaultkit:end -->\n\n"
        '<!-- vaultkit:begin chart plan="[[Kafka]]" -->\n\n'
        "[[Kafka]] is not a plan (it has no `type: plan`), so it has no burn-up chart.\n\n"
        "<!-- vaultkit:end -->\n"
    )
    assert not (root / "Charts").exists()


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("chart", 'a chart block names its plan, like <!-- vaultkit:begin chart plan="[[My Plan]]" -->'),
        (
            'chart plan="[[A]]" since=2026-02-30',
            "since must be a date like since=\"2026-01-01\", not '2026-02-30'",
        ),
        ('chart plan="[[A]]" limit=3', "'chart' blocks take no argument 'limit' (allowed: plan, since)"),
        ("skills plan=X", "'skills' blocks take no argument 'plan' (allowed: none)"),
    ],
)
def test_bad_chart_and_skills_headers_are_reported(header: str, problem: str) -> None:
    blocks, problems = parse_blocks(f"<!-- vaultkit:begin {header} -->\n<!-- vaultkit:end -->\n")
    assert blocks == []
    assert problems == [(1, problem)]


def test_since_in_a_block(tmp_path: Path) -> None:
    dashboard = (
        '<!-- vaultkit:begin chart plan="[[Senior PDP]]" since="2026-11-15" -->\n<!-- vaultkit:end -->\n'
    )
    root = history_vault(tmp_path, {"Dashboard.md": dashboard})
    rollup_vault(Vault(root), today=TODAY)
    assert "since 15 Nov 2026" in (root / "Charts" / "Senior PDP.svg").read_text(encoding="utf-8")


def test_the_skills_block_draws_the_ladders_capability_table(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {"Plans/Ladder.md": LADDER})
    report = rollup_vault(Vault(root), today=TODAY)
    assert report.charts == ["Charts/Ladder skills.svg"]
    text = (root / "Plans" / "Ladder.md").read_text(encoding="utf-8")
    assert text.endswith(
        "<!-- vaultkit:begin skills -->\n\n![[Charts/Ladder skills.svg]]\n\n<!-- vaultkit:end -->\n"
    )
    svg = (root / "Charts" / "Ladder skills.svg").read_text(encoding="utf-8")
    assert svg == skills_svg(parse_capability_table(LADDER.split("---\n", 2)[2]), "Ladder: capabilities")
    assert_golden("skills-ladder-block.svg", svg)


def test_the_template_ladder_has_a_skills_block() -> None:
    template = Path(__file__).parent.parent / "vault_template" / "Templates" / "Career ladder.md"
    blocks, problems = parse_blocks(template.read_text(encoding="utf-8"))
    assert problems == []
    assert [block.kind for block in blocks] == ["skills"]


def test_the_trend_column_follows_the_history(tmp_path: Path) -> None:
    root = history_vault(tmp_path, {"Dashboard.md": DASHBOARD})
    rollup_vault(Vault(root), today=TODAY)
    row = next(
        line
        for line in (root / "Dashboard.md").read_text(encoding="utf-8").splitlines()
        if "[[Senior PDP]]" in line
    )
    # 0/6, 1/6, 2/8, 4/8, 5/10 recorded; 5/8 now (plan 2/3 + Kafka 2/2 + Lead 1/3): a bar of its own.
    # On the fixed 0-100% scale of 8 bars: 0, 17, 25, 50, 50 and 62.5% are ▁ ▂ ▃ ▅ ▅ ▅.
    assert row.split(" | ")[3] == "▁▂▃▅▅▅"


def test_a_broken_history_leaves_the_trend_empty_and_the_rollup_runs(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {PLAN: PLAN_TEXT, "Dashboard.md": DASHBOARD})
    (root / ".vaultkit").mkdir()
    (root / HISTORY_PATH).mkdir()  # a folder where the file should be: unreadable
    report = rollup_vault(Vault(root), today=TODAY)
    assert report.warnings
    row = next(
        line
        for line in (root / "Dashboard.md").read_text(encoding="utf-8").splitlines()
        if "[[Senior PDP]]" in line
    )
    assert row.split(" | ")[3] == "—"
