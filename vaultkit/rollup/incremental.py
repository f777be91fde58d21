"""An incremental rollup: recompute only what a change of a few notes affects. Pure but for reading a
dashboard's markers.

A watcher's round follows a few saved notes; rebuilding the whole model from every summary and rendering
every dashboard costs about 0.2 s at 10,000 notes, most of it spent on notes the change cannot touch.
`RollupState` keeps the previous round's model; `update_model` recomputes the changed notes, the plans they
belong to now or belonged to before, and nothing else; `block_notes_affected` picks the dashboards whose
managed blocks can show a note whose view changed. The result must be exactly what a full rollup computes,
so anything that can move a link (a note added, removed or moved, a note becoming or ceasing to be a plan,
a title changing, a template appearing) and any change of settings or date declines (None), and the
caller builds the whole model instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vaultkit.markdown.blocks import Block, parse_blocks
from vaultkit.notes.links import linked_targets
from vaultkit.notes.progress import PlanProgress, milestone_done
from vaultkit.rollup.model import (
    NoteView,
    PropertyChange,
    RollupModel,
    RollupSettings,
    derived_changes,
    status_changes,
    with_changes,
)
from vaultkit.rollup.render import RolledNote

__all__ = [
    "ModelUpdate",
    "RollupState",
    "block_notes_affected",
    "block_specs",
    "keep_blocks",
    "plan_round",
    "remember",
    "spec_of",
    "update_model",
]

Resolve = Callable[[str, str], str | None]
Spec = tuple[str, str | None]

_ALWAYS = ("?", None)
"""A block spec this module cannot narrow down: re-rendered whenever anything changed."""


@dataclass(slots=True)
class RollupState:
    """What a caller that runs rollup again and again (the watcher) keeps between runs.

    `model` is the last run's desired state, computed under `settings` on `today`; `block_notes` the notes
    holding managed blocks; `specs` each such note's blocks as (kind, plan path or None), read once and
    again only after the note changes; `dirty` the notes the last run wrote, held back or skipped, whose
    model entry is recomputed next run (a written note now reads as the model planned); `retry` those of
    them the next run must visit again (held back, or skipped for a problem), as a full run would.
    """

    model: RollupModel | None = None
    settings: RollupSettings | None = None
    today: dt.date | None = None
    block_notes: set[str] = field(default_factory=set)
    specs: dict[str, tuple[Spec, ...]] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)
    retry: set[str] = field(default_factory=set)
    links: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """What a link resolves to, by (target, source): fixed until a note is added, removed or moved."""
    ambiguous: dict[tuple[str, str], bool] = field(default_factory=dict)
    """Whether a bare name may mean several notes, by (name, source): fixed likewise."""
    dues: dict[str, dt.date | None] = field(default_factory=dict)
    """Each note's earliest open 📅 date, as open-tasks blocks order notes: fixed until the note changes."""
    records: Any = None
    """Rollup's own view of every note (`rollup.apply` keeps it; renewed only where a note was re-read)."""
    rows: dict[tuple[str, str, str, str], tuple[object, str]] = field(default_factory=dict)
    """Dashboard table rows as last rendered (`SummaryData.rows`): their links depend on link resolution,
    so they are dropped with it."""

    def clear(self) -> None:
        """Forget everything: the next run is a full one (after a rescan, or when the vault was replaced)."""
        self.model = None
        self.settings = None
        self.today = None
        self.block_notes.clear()
        self.specs.clear()
        self.dirty.clear()
        self.retry.clear()
        self.records = None
        self.forget_links()

    def forget_links(self) -> None:
        """Drop what depends on which notes exist (a full run starts from nothing)."""
        self.links.clear()
        self.ambiguous.clear()
        self.dues.clear()
        self.rows.clear()

    def resolve(self, resolve: Resolve) -> Resolve:
        """`resolve`, remembering its answers in `links`."""
        links = self.links

        def cached(target: str, source: str) -> str | None:
            key = (target, source)
            if key not in links:
                links[key] = resolve(target, source)
            return links[key]

        return cached

    def usable(self, settings: RollupSettings, today: dt.date) -> bool:
        """Whether the kept model was computed under these settings on this day (else: a full run)."""
        return self.model is not None and self.settings == settings and self.today == today


@dataclass(frozen=True, slots=True)
class ModelUpdate:
    """The model after a change, the notes recomputed, and what dashboards need to know: `views` the
    notes whose view differs (or whose text changed), `plans` the plans whose progress differs."""

    model: RollupModel
    recomputed: frozenset[str]
    views: frozenset[str]
    plans: frozenset[str]


def _plans_of(note: RolledNote, resolve: Resolve, plans: Collection[str]) -> set[str]:
    """The plans a milestone counts towards (as `aggregate_plans` links them)."""
    if note.type != "milestone":
        return set()
    found = (resolve(target, note.path) for target in linked_targets(note.properties.get("plan")))
    return {path for path in found if path is not None and path in plans}


def _moves_links(old: NoteView | None, new: RolledNote | None) -> bool:
    """Whether replacing `old` by `new` may change what links resolve to or which notes are plans."""
    if old is None or new is None or new.is_template:
        return True
    return (old.type == "plan") != (new.type == "plan") or old.title != new.title


def _seen(view: NoteView) -> tuple[Any, ...]:
    """What a dashboard reads of a note's view (its tasks are read from its record)."""
    return (view.title, view.type, dict(view.properties), view.counts)


def update_model(
    previous: RollupModel,
    notes: Mapping[str, RolledNote],
    changed: Collection[str],
    resolve: Resolve,
    settings: RollupSettings,
    today: dt.date,
    settled: Collection[str] = (),
) -> ModelUpdate | None:
    """`previous` brought up to date after the notes at `changed` were re-read: exactly what `build_model`
    would compute from `notes`, or None where this cannot be done locally (see the module docstring).

    Only the changed notes and the plans they belong to (now, or before the change) are recomputed: a
    milestone's own values depend on itself alone, a plan's on itself and its milestones. `settled` are
    notes rollup itself wrote (or held back) since `previous`: recomputed too, but they count as changed
    for dashboards only where their view now differs from the one planned.
    """
    plan_paths = previous.plans.keys()
    edited = set(changed)
    changed = edited | set(settled)
    for path in changed:
        if _moves_links(previous.views.get(path), notes.get(path)):
            return None
    plans_hit: set[str] = set()
    for path in changed:
        plans_hit |= _plans_of(previous.views[path], resolve, plan_paths)
        plans_hit |= _plans_of(notes[path], resolve, plan_paths)
        if path in plan_paths:
            plans_hit.add(path)
    views = dict(previous.views)
    changes = dict(previous.changes)
    plans = dict(previous.plans)
    recompute = set(changed) | plans_hit
    status_plan: dict[str, list[PropertyChange]] = {}
    for path in recompute:
        record = notes[path]
        if record.editable and settings.status.enabled and record.type in settings.status.types:
            status_plan[path] = status_changes(record.properties, record.counts, settings, today)
        found = status_plan.get(path, ())
        views[path] = NoteView(
            path, record.title, record.type, with_changes(record.properties, found), record.counts, record
        )
    for plan in plans_hit:
        kept = [m for m in previous.plans[plan].milestones if m not in changed]
        added = [m for m in changed if plan in _plans_of(views[m], resolve, plan_paths)]
        members = [views[m] for m in sorted({*kept, *added})]
        counts = views[plan].counts
        for member in members:
            counts = counts + member.counts
        done = sum(
            milestone_done(m.properties.get("status"), m.counts, settings.done_statuses) for m in members
        )
        plans[plan] = PlanProgress(plan, counts, tuple(m.path for m in members), done)
    for path in recompute:
        record = notes[path]
        changes.pop(path, None)
        managed = record.type in settings.types or path in status_plan
        if not record.editable or not managed:
            continue
        progress = plans.get(path)
        counts = progress.counts if progress is not None else record.counts
        found = (
            derived_changes(record.properties, counts, settings, progress)
            if record.type in settings.types
            else []
        )
        found += status_plan.get(path, [])
        changes[path] = tuple(found)
        if found:
            views[path] = NoteView(
                path, record.title, record.type, with_changes(record.properties, found), record.counts, record
            )
    touched = {
        path for path in recompute if path in edited or _seen(views[path]) != _seen(previous.views[path])
    }
    moved = {plan for plan in plans_hit if plans[plan] != previous.plans[plan]}
    model = RollupModel(MappingProxyType(changes), MappingProxyType(views), MappingProxyType(plans))
    return ModelUpdate(model, frozenset(recompute), frozenset(touched), frozenset(moved))


# ---------------------------------------------------------------------------------------------- dashboards


def spec_of(block: Block, source: str, resolve: Resolve) -> Spec:
    """A block as (kind, plan path or None): all `block_notes_affected` needs to know of it. A `plan`
    argument that names no note gives `_ALWAYS` (re-rendered whenever anything changed)."""
    value = block.arg("plan")
    if value is None:
        return (block.kind, None)
    targets = linked_targets(value)
    path = resolve(targets[0], source) if targets else None
    return (block.kind, path) if path is not None else _ALWAYS


def block_specs(text: str, source: str, resolve: Resolve) -> tuple[Spec, ...]:
    """The blocks of a note's text as `spec_of` gives them."""
    return tuple(spec_of(block, source, resolve) for block in parse_blocks(text)[0])


def _shows(spec: Spec, update: ModelUpdate, previous: RollupModel, kinds: Mapping[str, set[str]]) -> bool:
    """Whether a block of this spec may render differently after `update`."""
    kind, plan = spec
    if spec == _ALWAYS:
        return bool(update.views or update.plans)
    if plan is not None:  # a block of one plan: it shows the plan and its milestones, before and after
        members = {plan}
        for model in (previous, update.model):
            progress = model.plans.get(plan)
            members.update(progress.milestones if progress is not None else ())
        return plan in update.plans or bool(members & update.views)
    if kind == "plans":
        return bool(update.plans or kinds["plan"] or kinds["milestone"])
    if kind == "milestones":
        return bool(kinds["milestone"])
    if kind == "journal":
        return bool(kinds["journal"])
    return bool(update.views)  # open-tasks, or a kind added later: any note may show in it


def block_notes_affected(
    state: RollupState,
    update: ModelUpdate,
    previous: RollupModel,
    read: Callable[[str], str],
    resolve: Resolve,
) -> dict[str, frozenset[Spec] | None]:
    """The notes of `state.block_notes` with a block that may show what `update` changed, each with the
    specs of those blocks (the others cannot have changed). A note whose blocks are not known yet is read
    (`read`, its text) once; one that cannot be read counts as affected in all its blocks (None)."""
    kinds: dict[str, set[str]] = {"plan": set(), "milestone": set(), "journal": set()}
    for path in update.views:
        for view in (previous.views.get(path), update.model.views.get(path)):
            if view is not None and view.type in kinds:
                kinds[view.type].add(path)
    affected: dict[str, frozenset[Spec] | None] = {}
    for path in sorted(state.block_notes):
        specs = state.specs.get(path)
        if specs is None:
            try:
                specs = block_specs(read(path), path, resolve)
            except (OSError, UnicodeDecodeError, ValueError):
                affected[path] = None
                continue
            state.specs[path] = specs
        shown = frozenset(spec for spec in specs if _shows(spec, update, previous, kinds))
        if shown:
            affected[path] = shown
    return affected


def plan_round(
    state: RollupState | None,
    root: Path,
    records: Mapping[str, RolledNote],
    settings: RollupSettings,
    today: dt.date,
    changed: Collection[str] | None,
    resolve: Resolve,
) -> tuple[RollupModel | None, list[str] | None, dict[str, frozenset[Spec]]]:
    """For one rollup run: the model after `changed`, the notes to visit, and for dashboards visited only
    because a block may show a change, the specs of those blocks (the others are kept), when the run can
    be incremental; else (None, None, {}): a full run, which starts with what `state` remembers of links
    forgotten."""
    update = None
    if (
        state is not None
        and changed is not None
        and state.model is not None
        and state.usable(settings, today)
    ):
        previous = state.model
        update = update_model(
            previous, records, changed, resolve, settings, today, settled=state.dirty - set(changed)
        )
    if state is None or update is None:
        if state is not None:
            state.forget_links()
        return None, None, {}
    assert changed is not None
    for path in changed:  # its markers and tasks may have changed: read again when needed
        state.specs.pop(path, None)
        state.dues.pop(path, None)
    blocks = block_notes_affected(state, update, previous, lambda path: read_text(root, path), resolve)
    recomputed = (path for path in update.recomputed if update.model.changes.get(path))
    whole = {*changed, *state.retry}
    keeps = {path: specs for path, specs in blocks.items() if specs is not None and path not in whole}
    return update.model, sorted({*recomputed, *whole, *blocks}), keeps


def keep_blocks(
    specs: frozenset[Spec] | None, source: str, resolve: Resolve
) -> Callable[[Block], bool] | None:
    """For `apply_blocks`: keep the blocks of `source` not in `specs` (None: render every block)."""
    if specs is None:
        return None

    def keep(block: Block) -> bool:
        return spec_of(block, source, resolve) not in specs

    return keep


def remember(
    state: RollupState,
    model: RollupModel | None,
    settings: RollupSettings,
    today: dt.date,
    block_paths: set[str],
    only: list[str] | None,
) -> None:
    """Keep this run's model for the next (none after a dry run or a stopped run: the next is full)."""
    if model is None:
        state.clear()
        return
    state.model, state.settings, state.today = model, settings, today
    if only is None:
        state.block_notes = set(block_paths)
        state.specs.clear()
    else:
        state.block_notes = (state.block_notes - set(only)) | block_paths


def read_text(root: Path, path: str) -> str:
    """A note's text, for `block_notes_affected` (undecodable bytes replaced: only markers are read)."""
    return (root / path).read_bytes().decode("utf-8", errors="replace")
