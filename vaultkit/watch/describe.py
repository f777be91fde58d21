"""The one log line per change: what the user changed, and what the daemon wrote because of it.

`Milestones/Kafka.md ticked 1 -> plan "Senior PDP" 9/16 56%, Home.md`: the left side comes from the note's
index summary before and after the change, the right side from the rollup report. Pure: summaries and a
report in, a string out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vaultkit.index.rows import NoteSummary
    from vaultkit.rollup.apply import RollupReport

__all__ = ["describe_change", "describe_round"]


def describe_change(
    path: str, before: NoteSummary | None, after: NoteSummary | None, moved_from: str | None = None
) -> str:
    """What happened to one note, in a few words: `ticked 1`, `created`, `deleted`, `moved from X`."""
    if moved_from is not None and after is not None:
        return f"{path} moved from {moved_from}"
    if after is None:
        return f"{path} deleted" if before is not None else f"{path} gone"
    if before is None:
        return f"{path} created"
    done = after.counts.done - before.counts.done
    total = after.counts.total - before.counts.total
    if total == 0 and done > 0:
        return f"{path} ticked {done}"
    if total == 0 and done < 0:
        return f"{path} unticked {-done}"
    if total != 0:
        old, new = before.counts, after.counts
        return f"{path} tasks {old.done}/{old.total} -> {new.done}/{new.total}"
    return f"{path} edited"


def describe_round(
    changes: Sequence[str],
    report: RollupReport,
    summaries: Mapping[str, NoteSummary],
    triggers: Sequence[str],
    reason: str = "rescan",
) -> str:
    """The round's line: the changes (or `reason`, why the round ran), `->`, then each note written: a
    plan by its title and progress, any other note by its path. Notes the user changed and the daemon
    also wrote (their own properties) are not repeated; notes held back for the quiet period come last."""
    cause = ", ".join(changes) if changes else reason
    shown = set(triggers)
    effects = [_effect(change.path, summaries.get(change.path)) for change in report.changed]
    effects = [text for change, text in zip(report.changed, effects, strict=True) if change.path not in shown]
    if report.held:
        effects.append(f"(once quiet: {', '.join(report.held)})")
    if not effects:
        written = [change.path for change in report.changed]
        return f"{cause} -> " + (", ".join(written) if written else "nothing to update")
    return f"{cause} -> {', '.join(effects)}"


def _effect(path: str, summary: NoteSummary | None) -> str:
    if summary is None or summary.type != "plan":
        return path
    props: Mapping[str, Any] = summary.properties
    done, total, progress = props.get("tasks_done"), props.get("tasks_total"), props.get("progress")
    figures = f" {done}/{total}" if done is not None and total is not None else ""
    if progress is not None:
        figures += f" {progress}%"
    return f'plan "{summary.title}"{figures}'
