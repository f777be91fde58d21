"""Managed blocks: markers (found, ignored, broken), arguments, rendering of each kind, splicing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.markdown.oracle import scan
from vaultkit.notes.links import LinkIndex
from vaultkit.notes.progress import aggregate_plans
from vaultkit.notes.tasks import Task, TaskCounts
from vaultkit.rollup.dashboards import SummaryData, apply_blocks, block_problems, parse_blocks, render_block
from vaultkit.rollup.render import RolledNote, first_open_due

# ---------------------------------------------------------------------------------------------- parsing


def test_well_formed_blocks_with_arguments() -> None:
    body = (
        "# Dash\n"
        "<!-- vaultkit:begin plans -->\n"
        "old\n"
        "<!-- vaultkit:end -->\n"
        '<!--vaultkit:begin milestones plan="[[Growth plan]]"-->\n'
        "<!-- vaultkit:end milestones -->\n"
        "   <!-- vaultkit:begin journal limit=3 -->\n"
        "<!-- vaultkit:end -->\n"
    )
    blocks, problems = parse_blocks(body, first_line=5)
    assert problems == []
    assert [(b.kind, b.args, b.spec, b.begin, b.end, b.line) for b in blocks] == [
        ("plans", (), "plans", 1, 3, 6),
        ("milestones", (("plan", "[[Growth plan]]"),), 'milestones plan="[[Growth plan]]"', 4, 5, 9),
        ("journal", (("limit", "3"),), "journal limit=3", 6, 7, 11),
    ]


def test_argument_quoting() -> None:
    body = "<!-- vaultkit:begin open-tasks plan='[[A b]]' -->\n<!-- vaultkit:end -->\n"
    assert parse_blocks(body)[0][0].args == (("plan", "[[A b]]"),)
    body = '<!-- vaultkit:begin open-tasks plan="[[Say \\"hi\\"]]" -->\n<!-- vaultkit:end -->\n'
    assert parse_blocks(body)[0][0].args == (("plan", '[[Say "hi"]]'),)
    body = "<!-- vaultkit:begin open-tasks plan=Growth -->\n<!-- vaultkit:end -->\n"
    assert parse_blocks(body)[0][0].args == (("plan", "Growth"),)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "burndown",
            "unknown block kind 'burndown' "
            "(known kinds: chart, journal, milestones, open-tasks, plans, skills)",
        ),
        ("", "begin marker without a kind"),
        ("plans limit=3", "'plans' blocks take no argument 'limit' (allowed: none)"),
        ("journal plan=X", "'journal' blocks take no argument 'plan' (allowed: limit)"),
        ("journal limit=0", "limit must be a whole number of 1 or more, not '0'"),
        ("journal limit=ten", "limit must be a whole number of 1 or more, not 'ten'"),
        ("journal limit=2 limit=3", "argument 'limit' is given twice"),
        ("open-tasks limit=0", "limit must be a whole number of 1 or more, not '0'"),
        ("open-tasks limit=-2", "limit must be a whole number of 1 or more, not '-2'"),
        ("open-tasks limit=2.5", "limit must be a whole number of 1 or more, not '2.5'"),
        ('open-tasks limit="" plan="[[X]]"', "limit must be a whole number of 1 or more, not ''"),
        ("open-tasks limit=٣", "limit must be a whole number of 1 or more, not '٣'"),
        ("open-tasks top=3", "'open-tasks' blocks take no argument 'top' (allowed: limit, plan)"),
        ("milestones plan=", "cannot read the arguments 'plan=' of 'milestones'"),
        ('milestones plan=""', "plan must name a plan"),
        ("milestones [[X]]", "cannot read the arguments '[[X]]' of 'milestones'"),
    ],
)
def test_bad_headers_are_reported_and_left_alone(header: str, message: str) -> None:
    body = f"text\n<!-- vaultkit:begin {header} -->\nkeep\n<!-- vaultkit:end -->\n"
    blocks, problems = parse_blocks(body, first_line=10)
    assert blocks == []
    assert len(problems) == 1
    assert problems[0][0] == 11
    assert message in problems[0][1]


def test_broken_markers() -> None:
    body = (
        "<!-- vaultkit:end -->\n"  # 1: stray end
        "<!-- vaultkit:begin plans -->\n"  # 2: no end before the next begin
        "a\n"
        "<!-- vaultkit:begin journal -->\n"  # 4: fine
        "<!-- vaultkit:end -->\n"
        "<!-- vaultkit:begin plans --> trailing text\n"  # 6: malformed
        "<!-- vaultkit:begin milestones -->\n"  # 7: end names another kind
        "<!-- vaultkit:end plans -->\n"
        "<!-- vaultkit:begin open-tasks -->\n"  # 9: never ends
    )
    blocks, problems = parse_blocks(body)
    assert [b.kind for b in blocks] == ["journal"]
    assert problems == [
        (1, "end marker without a begin marker above it"),
        (2, "begin marker has no end marker before the next begin (line 4)"),
        (
            6,
            "malformed vaultkit marker: a marker is a line of its own, "
            "<!-- vaultkit:begin KIND --> or <!-- vaultkit:end -->",
        ),
        (7, "end marker says 'plans' but closes a 'milestones' block (line 7)"),
        (9, "begin marker has no end marker (add <!-- vaultkit:end --> below it)"),
    ]


def test_markers_in_code_and_comments_are_not_markers() -> None:
    body = (
        "```markdown\n<!-- vaultkit:begin plans -->\n```\n"
        "    <!-- vaultkit:begin plans -->\n"  # indented code
        "%% <!-- vaultkit:begin plans --> %%\n"
        "%%\n<!-- vaultkit:end -->\n%%\n"
        "Inline `<!-- vaultkit:begin plans -->` is text.\n"
    )
    assert parse_blocks(body) == ([], [])


def test_block_problems_uses_file_lines() -> None:
    text = "---\ntype: plan\n---\n# Plan\n<!-- vaultkit:begin nope -->\n<!-- vaultkit:end -->\n"
    assert block_problems(text) == [
        (
            5,
            "unknown block kind 'nope' (known kinds: chart, journal, milestones, open-tasks, plans, skills); "
            "block left untouched",
        )
    ]
    assert block_problems("no markers here") == []
    bom = "\ufeff<!-- vaultkit:begin plans -->\n"
    assert block_problems(bom) == [(1, "begin marker has no end marker (add <!-- vaultkit:end --> below it)")]


# ---------------------------------------------------------------------------------------------- rendering


@dataclass
class FakeNote:
    path: str
    type: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)
    body: str = ""

    @property
    def title(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")

    @property
    def tasks(self) -> tuple[Task, ...]:
        return scan(self.body).tasks

    @property
    def counts(self) -> TaskCounts:
        return TaskCounts.of(self.tasks)


def make_data(*notes: FakeNote, **options: Any) -> SummaryData:
    by_path = {n.path: n for n in notes}
    index = LinkIndex(by_path)
    plans = aggregate_plans(by_path.values(), lambda t, s: index.resolve(t, s).path)
    return SummaryData(notes=by_path, plans=plans, resolve=lambda t, s: index.resolve(t, s).path, **options)


VAULT = (
    FakeNote(
        "Plans/Growth.md", "plan", {"status": "in-progress"}, "## Now\n- [x] a\n- [ ] b 📅 2026-12-15\n"
    ),
    FakeNote("Plans/Empty.md", "plan", {}),
    FakeNote(
        "Milestones/Talk.md",
        "milestone",
        {"plan": "[[Plans/Growth]]", "due": dt.date(2026, 12, 1), "status": "done"},
        "- [x] c\n- [x] d\n",
    ),
    FakeNote(
        "Milestones/K8s.md",
        "milestone",
        {"plan": "[[Plans/Growth]]", "due": "2026-11-30", "status": "in-progress"},
        "# K8s\n## Learn\n- [ ] exam 📅 2026-12-05\n- [x] course\n- [ ] [x] odd | text\n",
    ),
    FakeNote(
        "Milestones/Someday.md", "milestone", {"plan": "[[Plans/Growth]]", "status": "on-hold|maybe"}, ""
    ),
    FakeNote("Journal/2026-11-20.md", "journal", {}, "- [x] e\n- [ ] f\n"),
    FakeNote("Journal/Friday.md", "journal", {"date": dt.date(2026, 11, 21)}, "- [x] g\n"),
    FakeNote("Journal/Undated.md", "journal", {}, ""),
    FakeNote("Other/Growth.md", None, {}, "- [ ] same name, other folder\n"),
)


def test_render_plans() -> None:
    assert render_block("plans", {}, make_data(*VAULT), "Dash.md") == "\n".join(
        [
            "| Plan | Status | Progress | Trend | Tasks | Milestones | Next milestone |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            "| [[Empty]] | — | — | — | 0/0 | 0/0 | — |",
            "| [[Plans/Growth]] | in-progress | ▰▰▰▰▰▰▱▱▱▱ 57% | — | 4/7 | 1/3 | [[K8s]] (2026-11-30) |",
        ]
    )


def test_render_plans_bar_width_and_empty_vault() -> None:
    data = make_data(VAULT[0], bar_width=5)
    assert "| [[Growth]] | in-progress | ▰▰▰▱▱ 50% | — | 1/2 | 0/0 | — |" in render_block(
        "plans", {}, data, "D.md"
    )
    assert render_block("plans", {}, make_data(), "D.md") == (
        "No plans yet (a plan is a note with `type: plan`)."
    )


def test_render_milestones_all_and_filtered() -> None:
    data = make_data(*VAULT)
    assert render_block("milestones", {}, data, "Dash.md").splitlines() == [
        "| Milestone | Plan | Due | Status | Progress | Tasks |",
        "| --- | --- | --- | --- | --- | --- |",
        "| [[K8s]] | [[Plans/Growth]] | 2026-11-30 | in-progress | ▰▰▰▱▱▱▱▱▱▱ 33% | 1/3 |",
        "| [[Talk]] | [[Plans/Growth]] | 2026-12-01 | done | ▰▰▰▰▰▰▰▰▰▰ 100% | 2/2 |",
        "| [[Someday]] | [[Plans/Growth]] | — | on-hold\\|maybe | — | 0/0 |",
    ]
    filtered = render_block("milestones", {"plan": "[[Plans/Growth]]"}, data, "Plans/Growth.md")
    assert filtered.splitlines()[:3] == [
        "| Milestone | Due | Status | Progress | Tasks |",
        "| --- | --- | --- | --- | --- |",
        "| [[K8s]] | 2026-11-30 | in-progress | ▰▰▰▱▱▱▱▱▱▱ 33% | 1/3 |",
    ]
    # From inside Plans/, the bare name resolves to Plans/Growth.md (same-folder rule).
    assert render_block("milestones", {"plan": "Growth"}, data, "Plans/Other.md") == filtered


def test_render_milestones_with_a_plan_that_is_not_one() -> None:
    data = make_data(*VAULT)
    assert (
        render_block("milestones", {"plan": "[[Nowhere]]"}, data, "D.md")
        == "No note [[Nowhere]] in this vault."
    )
    assert render_block("milestones", {"plan": "[[Talk]]"}, data, "D.md") == (
        "[[Talk]] is not a plan (it has no `type: plan`)."
    )
    assert render_block("milestones", {"plan": "[[Empty]]"}, data, "D.md").startswith("No milestones yet")


OPEN_TASKS = [
    "- [[K8s]]",
    "  - exam 📅 2026-12-05",
    "  - \\[x] odd | text",
    "- [[Plans/Growth]]",
    "  - b 📅 2026-12-15",
    "- [[2026-11-20]]",
    "  - f",
    "- [[Growth]]",  # from Dash.md, the bare name resolves to Other/Growth.md (path order wins)
    "  - same name, other folder",
]


def test_render_open_tasks_grouped_sorted_and_never_checkboxes() -> None:
    data = make_data(*VAULT)
    assert render_block("open-tasks", {}, data, "Dash.md").splitlines() == OPEN_TASKS
    rendered = render_block("open-tasks", {}, data, "Dash.md")
    assert scan(rendered).tasks == ()  # a summary never counts the tasks it lists
    only_plan = render_block("open-tasks", {"plan": "[[Plans/Growth]]"}, data, "Dash.md")
    assert only_plan.splitlines()[0] == "- [[K8s]]"
    assert "Other/Growth" not in only_plan and "2026-11-20" not in only_plan
    assert render_block("open-tasks", {}, make_data(VAULT[2]), "D.md") == "No open tasks."




@pytest.mark.parametrize(
    ("limit", "lines", "more"),
    [
        ("1", 2, "… and 4 more open tasks in 4 notes not shown (limit=1)."),  # K8s is cut, and counts
        ("2", 3, "… and 3 more open tasks in 3 notes not shown (limit=2)."),
        ("3", 5, "… and 2 more open tasks in 2 notes not shown (limit=3)."),
        ("4", 7, "… and 1 more open task in 1 note not shown (limit=4)."),
        ("5", 9, None),
        ("500", 9, None),
    ],
)
def test_render_open_tasks_with_a_limit(limit: str, lines: int, more: str | None) -> None:
    rendered = render_block("open-tasks", {"limit": limit}, make_data(*VAULT), "Dash.md")
    assert rendered.splitlines() == OPEN_TASKS[:lines] + (["", more] if more else [])
    assert scan(rendered).tasks == ()


def test_render_open_tasks_default_limit_and_plan_filter() -> None:
    data = make_data(*VAULT, open_tasks_limit=2)
    assert render_block("open-tasks", {}, data, "Dash.md").splitlines() == [
        *OPEN_TASKS[:3],
        "",
        "… and 3 more open tasks in 3 notes not shown (limit=2).",
    ]
    assert render_block("open-tasks", {"limit": "4"}, data, "Dash.md").splitlines()[-1] == (
        "… and 1 more open task in 1 note not shown (limit=4)."
    )  # the block's own limit wins over the default
    only_plan = render_block("open-tasks", {"plan": "[[Plans/Growth]]", "limit": "2"}, data, "Dash.md")
    assert only_plan.splitlines() == [
        *OPEN_TASKS[:3],
        "",
        "… and 1 more open task in 1 note not shown (limit=2).",
    ]
    assert make_data().open_tasks_limit == 15
    body = '<!-- vaultkit:begin open-tasks plan="[[G]]" limit=3 -->\n<!-- vaultkit:end -->\n'
    assert parse_blocks(body)[0][0].args == (("plan", "[[G]]"), ("limit", "3"))


@dataclass
class CountingNote(FakeNote):
    """A note that counts how often its tasks are read."""

    reads: list[str] = field(default_factory=list)

    @property
    def tasks(self) -> tuple[Task, ...]:
        self.reads.append(self.path)
        return scan(self.body).tasks

    @property
    def counts(self) -> TaskCounts:
        return TaskCounts.of(scan(self.body).tasks)


_DUE = st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 20)))
_NOTE_TASKS = st.lists(st.tuples(st.sampled_from(" x-/"), _DUE), max_size=5)


@settings(max_examples=150, deadline=None)
@given(st.lists(_NOTE_TASKS, max_size=8), st.integers(1, 12))
def test_a_limit_cuts_the_full_list_and_reads_only_the_notes_shown(
    vault: list[list[tuple[str, dt.date | None]]], limit: int
) -> None:
    """With a limit, the block is the full list cut after `limit` tasks, plus one line that counts what
    was cut; told each note's earliest due date, it reads the tasks of the notes it shows and no other."""
    reads: list[str] = []
    notes = []
    for number, tasks in enumerate(vault):
        body = "".join(
            f"- [{box}] t{i}" + (f" 📅 {due}" if due else "") + "\n" for i, (box, due) in enumerate(tasks)
        )
        notes.append(CountingNote(f"N{number % 3}/{number}.md", body=body, reads=reads))
    data = make_data(*notes)
    full = render_block("open-tasks", {"limit": "1000"}, data, "D.md").splitlines()
    asked = SummaryData(data.notes, data.plans, data.resolve, open_dues=lambda ns: _dues_of(ns))
    told = _dues_of([n for n in notes if n.counts.open])
    given_dues = SummaryData(data.notes, data.plans, data.resolve, open_dues=lambda ns: told)
    reads.clear()
    cut = render_block("open-tasks", {"limit": str(limit)}, given_dues, "D.md").splitlines()
    shown_reads = set(reads)
    assert render_block("open-tasks", {"limit": str(limit)}, asked, "D.md").splitlines() == cut
    task_lines = [i for i, line in enumerate(full) if line.startswith("  - ")]
    if len(task_lines) <= limit:
        assert cut == full
        return
    kept = full[: task_lines[limit - 1] + 1]
    left = len(task_lines) - limit
    notes_left = len({_owner(full, i) for i in task_lines[limit:]})
    assert cut[:-2] == kept and cut[-2] == ""
    assert cut[-1] == (
        f"… and {left} more open {'task' if left == 1 else 'tasks'} in {notes_left} "
        f"{'note' if notes_left == 1 else 'notes'} not shown (limit={limit})."
    )
    shown = {line[4:-2] + ".md" for line in kept if line.startswith("- [[")}
    assert {path.rsplit("/", 1)[-1] for path in shown_reads} == shown  # no other note's tasks were built


def _dues_of(notes: Sequence[RolledNote]) -> dict[str, dt.date | None]:
    return {n.path: first_open_due(n.tasks) for n in notes}


def _owner(lines: list[str], index: int) -> str:
    return next(line for line in reversed(lines[:index]) if line.startswith("- [["))


def test_render_journal_latest_first_with_limit() -> None:
    data = make_data(*VAULT, journal_limit=2)
    assert render_block("journal", {}, data, "Dash.md").splitlines() == [
        "| Entry | Date | Progress | Tasks |",
        "| --- | --- | --- | --- |",
        "| [[Friday]] | 2026-11-21 | ▰▰▰▰▰▰▰▰▰▰ 100% | 1/1 |",
        "| [[2026-11-20]] | 2026-11-20 | ▰▰▰▰▰▱▱▱▱▱ 50% | 1/2 |",
    ]
    everything = render_block("journal", {"limit": "10"}, data, "Dash.md").splitlines()
    assert everything[-1] == "| [[Undated]] | — | — | 0/0 |"
    assert render_block("journal", {}, make_data(), "D.md").startswith("No journal entries yet")


def test_unknown_kind_cannot_be_rendered() -> None:
    with pytest.raises(ValueError, match="unknown block kind"):
        render_block("burndown", {}, make_data(), "D.md")


# ---------------------------------------------------------------------------------------------- splicing


def test_apply_blocks_replaces_only_between_markers() -> None:
    data = make_data(*VAULT)
    body = (
        "intro  \n"
        "<!-- vaultkit:begin journal limit=1 -->\n"
        "stale\n"
        "<!-- vaultkit:end -->\n"
        "<!-- vaultkit:begin nope -->\nuser text\n<!-- vaultkit:end -->\n"
        "outro"
    )
    new, changed = apply_blocks(body, data, "Dash.md")
    assert changed == ["journal limit=1"]
    assert new == (
        "intro  \n"
        "<!-- vaultkit:begin journal limit=1 -->\n"
        "\n"
        "| Entry | Date | Progress | Tasks |\n"
        "| --- | --- | --- | --- |\n"
        "| [[Friday]] | 2026-11-21 | ▰▰▰▰▰▰▰▰▰▰ 100% | 1/1 |\n"
        "\n"
        "<!-- vaultkit:end -->\n"
        "<!-- vaultkit:begin nope -->\nuser text\n<!-- vaultkit:end -->\n"
        "outro"
    )
    assert apply_blocks(new, data, "Dash.md") == (new, [])


def test_apply_blocks_keeps_crlf() -> None:
    body = "a\r\n<!-- vaultkit:begin open-tasks -->\r\n<!-- vaultkit:end -->\r\nb\r\n"
    new, changed = apply_blocks(body, make_data(VAULT[5]), "D.md")
    assert changed == ["open-tasks"]
    assert new == (
        "a\r\n<!-- vaultkit:begin open-tasks -->\r\n"
        "\r\n- [[2026-11-20]]\r\n  - f\r\n\r\n"
        "<!-- vaultkit:end -->\r\nb\r\n"
    )


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@settings(max_examples=60, deadline=None)
@given(before=_TEXT, inside=_TEXT, after=_TEXT)
def test_text_outside_blocks_is_never_touched(before: str, inside: str, after: str) -> None:
    before = before.replace("vaultkit:", "") + "\n\n"
    after = "\n\n" + after.replace("vaultkit:", "")
    inside = inside.replace("vaultkit:", "")
    body = f"{before}<!-- vaultkit:begin plans -->\n{inside}\n<!-- vaultkit:end -->{after}"
    if parse_blocks(body)[0] == []:  # e.g. an unclosed fence in `before` turns the markers into code
        assert apply_blocks(body, make_data(*VAULT), "D.md") == (body, [])
        return
    new, _ = apply_blocks(body, make_data(*VAULT), "D.md")
    head, _, rest = new.partition("<!-- vaultkit:begin plans -->\n")
    assert head == before
    assert rest.endswith("<!-- vaultkit:end -->" + after)


_NAME = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="[]|#^"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() and "-->" not in s)


@settings(max_examples=100, deadline=None)
@given(name=_NAME, quote=st.sampled_from(['"', "'"]))
def test_quoted_plan_arguments_round_trip(name: str, quote: str) -> None:
    value = f"[[{name}]]"
    if quote == '"':
        written = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        if "'" in value:
            return
        written = f"'{value}'"
    body = f"<!-- vaultkit:begin milestones plan={written} -->\n<!-- vaultkit:end -->\n"
    blocks, problems = parse_blocks(body)
    assert problems == []
    assert blocks[0].args == (("plan", value),)
