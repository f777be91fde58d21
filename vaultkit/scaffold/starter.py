"""The starter notes `vaultkit init` writes: a plan for the user's level and its two milestones. Pure.

The plan has the same sections, in the same order, as `Templates/PDP plan.md` (a test keeps the two in
step), filled in from the level's preset (`vaultkit.scaffold.presets`), and a `skills` block under its
capability table, so the first rollup draws the capability chart. Its short- and long-term goals
become two milestones linked to the plan, so ticking them moves the plan's progress. Properties are written
with `format_property`, the way Obsidian writes them, so the notes read back exactly as they were meant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vaultkit.props.frontmatter import PropertyValue, format_property
from vaultkit.scaffold.moment import add_offset
from vaultkit.scaffold.presets import PRESETS, LevelPreset

__all__ = ["StarterNote", "plan_title", "skills_block", "starter_notes"]


def skills_block(drawn: str = "the table above") -> tuple[str, ...]:
    """The lines that follow a capability table, as in the Career ladder template: a comment saying what
    the block is (`drawn`: what it draws), then the empty `skills` block the rollup fills with the chart.

    The starter plan and imported career ladders place it, so their capability chart appears without the
    user having to know the block exists.
    """
    return (
        f"%% `vaultkit rollup` draws {drawn} as a chart (current vs target level) into Charts/ and shows it"
        " here. %%",
        "",
        "<!-- vaultkit:begin skills -->",
        "<!-- vaultkit:end -->",
    )


@dataclass(frozen=True, slots=True)
class StarterNote:
    """A note to create: vault-relative path (with `/`) and its text."""

    path: str
    text: str


def _frontmatter(props: list[tuple[str, PropertyValue]]) -> str:
    return "---\n" + "".join(format_property(k, v) for k, v in props) + "---\n"


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


def plan_title(preset: LevelPreset, role: str) -> str:
    return f"{preset.label} {role} PDP"


def starter_notes(
    level: str,
    role: str,
    today: dt.date,
    *,
    owner: str | None = None,
    plans_folder: str = "Plans",
    milestones_folder: str = "Milestones",
) -> list[StarterNote]:
    """The starter plan and its two milestones. `role` must already be a safe note-name fragment."""
    preset = PRESETS[level]
    title = plan_title(preset, role)
    now = dt.datetime(today.year, today.month, today.day)
    soon = f"{preset.label} {role} - 90-day goals"
    later = f"{preset.label} {role} - long-term goals"
    props: list[tuple[str, PropertyValue]] = [
        ("type", "plan"),
        ("status", "in-progress"),
        ("role", role),
        ("level", preset.level),
        ("target_level", preset.target),
    ]
    if owner:
        props.append(("owner", owner))
    props += [
        ("created", today),
        ("due", add_offset(now, preset.months, "M").date()),
        ("tags", ["pdp"]),
    ]
    body = [
        f"# {title}",
        "",
        "> [!abstract] At a glance",
        f"> **Role:** {role} · **Level:** {preset.label} → {preset.target_label} · "
        f"**Horizon:** {preset.horizon}",
        ">",
        f"> **Mission:** {preset.mission}",
        ">",
        "> Tick tasks here and in the milestones; `vaultkit rollup` turns them into progress on [[Home]].",
        "",
        "## Focus areas",
        "",
        *[f"{i}. **{c.name}**" for i, c in enumerate(preset.capabilities, 1)],
        "",
        "## Capability gaps",
        "",
        *_table(
            ("Capability", "Current", "Target", "Priority"),
            [(c.name, c.current, c.target, c.priority) for c in preset.capabilities],
        ),
        "",
        *skills_block(),
        "",
        "## Goals",
        "",
        "### Short term (0–3 months)",
        "",
        f"Tracked as tasks in [[{soon}]]:",
        "",
        *[f"- {goal}" for goal in preset.short_term],
        "",
        f"### Long term ({preset.horizon})",
        "",
        f"Tracked as tasks in [[{later}]]:",
        "",
        *[f"- {goal}" for goal in preset.long_term],
        "",
        "## Milestones",
        "",
        f'<!-- vaultkit:begin milestones plan="[[{title}]]" -->',
        "<!-- vaultkit:end -->",
        "",
        "## Resources",
        "",
        "**Learning**",
        "",
        *[f"- {item}" for item in preset.learning],
        "",
        "**Practice**",
        "",
        *[f"- {item}" for item in preset.practice],
        "",
        "**Support**",
        "",
        *[f"- {item}" for item in preset.support],
        "",
        "## Metrics",
        "",
        *_table(("Metric", "Now", "Target"), [(name, "", target) for name, target in preset.metrics]),
        "",
        "## Promotion readiness",
        "",
    ]
    for group, items in preset.readiness:
        body += [f"### {group}", "", *[f"- [ ] {item}" for item in items], ""]
    body += [
        "## Weekly routine",
        "",
        *[f"- **{days}:** {what}" for days, what in preset.routine],
        "",
        "## Notes & reflections",
        "",
        f"> {preset.principle}",
        "",
    ]
    plan = StarterNote(f"{plans_folder}/{title}.md", _frontmatter(props) + "\n".join(body))
    link = f"[[{title}]]"
    milestones = [
        _milestone(milestones_folder, soon, link, today, add_offset(now, 3, "M").date(), preset.short_term),
        _milestone(
            milestones_folder,
            later,
            link,
            today,
            add_offset(now, preset.months, "M").date(),
            preset.long_term,
        ),
    ]
    return [plan, *milestones]


def _milestone(
    folder: str, title: str, plan: str, today: dt.date, due: dt.date, goals: tuple[str, ...]
) -> StarterNote:
    props: list[tuple[str, PropertyValue]] = [
        ("type", "milestone"),
        ("plan", plan),
        ("status", "in-progress"),
        ("due", due),
        ("created", today),
        ("tags", ["milestone"]),
    ]
    body = [
        f"# {title}",
        "",
        f"Part of {plan}. Ticking every task marks this milestone done.",
        "",
        "## Tasks",
        "",
        *[f"- [ ] {goal}" for goal in goals],
        "",
        "## Evidence",
        "",
        "%% Links, numbers and feedback showing the goals are met: the promotion case is built from them. %%",
        "",
    ]
    return StarterNote(f"{folder}/{title}.md", _frontmatter(props) + "\n".join(body))
