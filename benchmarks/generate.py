"""A deterministic synthetic vault of PDP-shaped notes, with the ground truth of every task written beside it.

Why synthetic: real vaults are private, and a benchmark must be reproducible and know the right answer.
The generator builds each note from blocks whose Markdown meaning is unambiguous under CommonMark plus
Obsidian's rules, and counts the tasks as it writes them, so `truth.json` says what an exact parser must
find: plans, milestones linked to plans, journals, projects, notes without properties; tasks with every
bullet style, nested by spaces and tabs, in blockquotes and callouts; decoys that are NOT tasks (fenced and
indented code, `%% comments %%`, HTML blocks, table cells, `- [ ]text`, `- [  ]`, escaped markers); a
few CRLF and BOM files, placeholder warnings and broken YAML. Notes are 3-8 KB, like real PDP documents.

    python -m benchmarks.generate build/bench/1000 --notes 1000

writes `build/bench/1000/vault/` and `build/bench/1000/truth.json`. Same arguments, same bytes. With
`--frontmatter rich`, properties take the shapes people write by hand (flow and block tag lists, quoted
wikilinks, dates, empty values, comments) instead of plain `key: value` lines.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FRONTMATTER_STYLES", "NoteTruth", "generate_vault", "load_truth"]

DONE_STATUSES = frozenset({"done", "complete", "completed"})
_STATUS_CHARS = [" "] * 5 + ["x"] * 4 + ["X", "-", "/", ">", "!"]
_WORDS = [
    "learn",
    "practice",
    "review",
    "mentor",
    "design",
    "system",
    "data",
    "pipeline",
    "feedback",
    "goal",
    "skill",
    "growth",
    "quarter",
    "impact",
    "ownership",
    "team",
    "deliver",
    "measure",
    "improve",
    "sql",
    "python",
    "cloud",
    "architecture",
    "reliability",
    "cost",
    "lead",
    "communicate",
    "write",
    "present",
    "document",
    "estimate",
    "plan",
    "retro",
    "stakeholder",
    "roadmap",
    "career",
    "level",
    "staff",
    "senior",
    "depth",
    "breadth",
    "habit",
    "reading",
    "course",
    "certificate",
    "project",
    "outcome",
    "metric",
    "weekly",
]
_AREAS = ["Data Engineering", "Leadership", "System Design", "Public Speaking", "Writing", "Cloud", "SQL"]
_TAGS = ["pdp", "growth", "growth/skills", "career/staff", "learning", "q3", "reading"]


@dataclass
class NoteTruth:
    """What an exact reader must find in one note."""

    path: str
    kind: str
    done: int = 0
    open: int = 0
    cancelled: int = 0
    task_lines: list[int] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)  # plan paths a milestone links to
    status: str | None = None
    error: bool = False

    @property
    def total(self) -> int:
        return self.done + self.open


class _Writer:
    """Lines of one note, with the truth of every task line it holds."""

    def __init__(self, truth: NoteTruth, rng: random.Random) -> None:
        self.lines: list[str] = []
        self.truth = truth
        self.rng = rng

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def task(self, prefix: str, status: str, text: str) -> None:
        self.lines.append(f"{prefix}[{status}] {text}")
        self.truth.task_lines.append(len(self.lines))
        if status in "xX":
            self.truth.done += 1
        elif status == "-":
            self.truth.cancelled += 1
        else:
            self.truth.open += 1

    @property
    def size(self) -> int:
        return sum(len(line.encode()) + 1 for line in self.lines)

    # ------------------------------------------------------------------------------------ text pieces

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(low, high)))

    def task_text(self, links: list[str]) -> str:
        rng = self.rng
        text = self.words(3, 9).capitalize()
        roll = rng.random()
        if roll < 0.15 and links:
            text += f" with [[{rng.choice(links)}]]"
        elif roll < 0.25:
            text += f" #{rng.choice(_TAGS)}"
        elif roll < 0.35:
            text += f" 📅 20{rng.randint(20, 29)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        elif roll < 0.40:
            text += f" {rng.choice('🔺⏫🔼🔽⏬')} [due:: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}]"
        elif roll < 0.45:
            text += " `- [ ] code span`"
        return text

    def status(self) -> str:
        return self.rng.choice(_STATUS_CHARS)


# -------------------------------------------------------------------------------------------- blocks
# Each block starts on a fresh line and ends with one blank line, so blocks never merge.


def _prose(w: _Writer, links: list[str]) -> None:
    rng = w.rng
    sentences = []
    for _ in range(rng.randint(2, 6)):
        sentence = w.words(6, 16).capitalize()
        roll = rng.random()
        if roll < 0.2 and links:
            sentence += f", see [[{rng.choice(links)}]]"
        elif roll < 0.3:
            sentence += f" #{rng.choice(_TAGS)}"
        elif roll < 0.35:
            sentence += " ([notes](Resources/Reading%20list.md), [site](https://example.com/x))"
        elif roll < 0.4:
            sentence += " with **focus** and `inline\0-\0[\0]\0code`"  # \0: a space never wrapped at
        sentences.append(sentence + ".")
    text = " ".join(sentences)
    while text:  # wrap like a person's editor might (never inside a code span: `- [ ]` would start a list)
        cut = text.find(" ", 90)
        if cut < 0:
            w.add(text.replace("\0", " "))
            break
        w.add(text[:cut].replace("\0", " "))
        text = text[cut + 1 :]
    w.add()


def _heading(w: _Writer, links: list[str]) -> None:
    w.add(f"{'#' * w.rng.randint(2, 4)} {w.words(1, 4).title()}")
    w.add()


def _task_list(w: _Writer, links: list[str]) -> None:
    rng = w.rng
    style = rng.choice(["-", "-", "-", "*", "+", "1."])
    indent_unit = rng.choice(["  ", "    ", "\t"]) if style != "1." else "   "
    number = 1
    for _ in range(rng.randint(2, 7)):
        marker = f"{number}. " if style == "1." else f"{style} "
        number += 1
        if rng.random() < 0.15:
            w.add(f"{marker}{w.words(2, 6).capitalize()} [[{rng.choice(links)}]]" if links else marker + "x")
        else:
            w.task(marker, w.status(), w.task_text(links))
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            w.task(indent_unit + "- ", w.status(), w.task_text(links))
            if rng.random() < 0.3:
                w.task(indent_unit * 2 + "- " if indent_unit != "  " else "    - ", w.status(), "Deeper step")
    w.add()


def _callout(w: _Writer, links: list[str]) -> None:
    rng = w.rng
    w.add(f"> [!{rng.choice(['todo', 'note', 'tip'])}]{rng.choice(['', '-', '+'])} {w.words(1, 3).title()}")
    for _ in range(rng.randint(1, 4)):
        w.task("> - ", w.status(), w.task_text(links))
        if rng.random() < 0.3:
            w.task(">   - ", w.status(), "Nested in a callout")
    if rng.random() < 0.3:
        w.add(">")
        w.add("> > [!todo] Inner")
        w.task("> > - ", w.status(), "Inside a nested callout")
    w.add()


def _quote(w: _Writer, links: list[str]) -> None:
    w.add(f"> {w.words(4, 10).capitalize()}.")
    w.add(">")
    w.task("> * ", w.status(), w.task_text(links))
    w.add()


def _fence_decoy(w: _Writer, links: list[str]) -> None:
    fence = w.rng.choice(["```", "~~~", "````"])
    w.add(f"{fence}markdown")
    w.add("- [ ] a task inside a code fence is not a task")
    w.add("- [x] neither is this one")
    w.add("%% not a comment either %%")
    w.add(fence)
    w.add()


def _item_fence(w: _Writer, links: list[str]) -> None:
    w.task("- ", w.status(), "Write the example below")
    w.add("  ```")
    w.add("  - [ ] fenced inside a list item")
    w.add("  ```")
    w.task("- ", w.status(), "After the fence")
    w.add()


def _indented_decoy(w: _Writer, links: list[str]) -> None:
    w.add("The task syntax looks like this:")
    w.add()
    w.add("    - [ ] indented code, not a task")
    w.add("    - [x] still code")
    w.add()


def _comment_decoy(w: _Writer, links: list[str]) -> None:
    w.add("%%")
    w.add("- [ ] hidden in an Obsidian comment")
    w.add("%%")
    w.add()
    w.task("- ", w.status(), "Visible task %%with a hidden remark%%")
    w.add()


def _html_decoy(w: _Writer, links: list[str]) -> None:
    w.add('<div class="pdp">')
    w.add("- [ ] inside an HTML block, not a task")
    w.add("</div>")
    w.add()


def _table_decoy(w: _Writer, links: list[str]) -> None:
    w.add("| Goal | Next step |")
    w.add("| --- | --- |")
    w.add(f"| {w.words(1, 3)} | - [ ] a cell, not a task |")
    w.add(f"| {w.words(1, 3)} | [[{links[0]}]] |" if links else "| x | y |")
    w.add()


def _near_misses(w: _Writer, links: list[str]) -> None:
    w.add("- [ ]no space after the box, not a task")
    w.add("- [  ] two spaces in the box, not a task")
    w.add("- plain item")
    w.add()
    w.add("\\- [ ] escaped marker, not a task")
    w.add()
    w.add("-[ ] no space after the dash, not a task")
    w.add()


def _rule(w: _Writer, links: list[str]) -> None:
    w.add("---")
    w.add()


_BLOCKS = [
    (_prose, 30),
    (_heading, 14),
    (_task_list, 22),
    (_callout, 6),
    (_quote, 3),
    (_fence_decoy, 3),
    (_item_fence, 2),
    (_indented_decoy, 2),
    (_comment_decoy, 2),
    (_html_decoy, 2),
    (_table_decoy, 2),
    (_near_misses, 2),
    (_rule, 2),
]
_BLOCK_FUNCS = [b for b, _ in _BLOCKS]
_BLOCK_WEIGHTS = [weight for _, weight in _BLOCKS]


# -------------------------------------------------------------------------------------------- notes


def _frontmatter(w: _Writer, kind: str, index: int, plan_names: list[str]) -> None:
    rng = w.rng
    date = f"20{10 + index % 16:02d}-{1 + index % 12:02d}-{1 + index % 28:02d}"
    lines = ["---"]
    if rng.random() < 0.15:
        lines.append("# properties kept by hand")
    lines.append(f"type: {kind}")
    if kind == "milestone":
        w.truth.status = rng.choice(["planned", "active", "active", "done", "completed", "Done"])
        targets = [rng.choice(plan_names)]
        if rng.random() < 0.05 and len(plan_names) > 1:
            targets.append(rng.choice([p for p in plan_names if p != targets[0]]))
        if len(targets) == 1:
            style = rng.random()
            if style < 0.2:
                lines.append(f'plan: "[[Plans/{targets[0]}]]"')
            elif style < 0.3:
                lines.append(f'plan: "[[{targets[0]}|the plan]]"')
            else:
                lines.append(f'plan: "[[{targets[0]}]]"')
        else:
            lines += ["plan:", *(f'  - "[[{t}]]"' for t in targets)]
        w.truth.plans = [f"Plans/{t}.md" for t in targets]
        lines.append(f"status: {w.truth.status}")
        lines.append(f"due: {date}")
    elif kind == "plan":
        lines += ["status: active", f"area: {rng.choice(_AREAS)}", "owner: me"]
    elif kind == "journal":
        lines.append(f"date: {date}")
        lines.append(f"mood: {rng.randint(1, 5)}")
    lines.append(f"created: {date}T{index % 24:02d}:{index % 60:02d}:00")
    lines += ["tags:", *(f"  - {t}" for t in rng.sample(_TAGS, rng.randint(1, 3)))]
    _close_frontmatter(w, lines, rng)


def _close_frontmatter(w: _Writer, lines: list[str], rng: random.Random) -> None:
    """Write the properties `lines`, now and then with a leftover placeholder (1%) or broken YAML (0.5%)."""
    roll = rng.random()
    if roll < 0.01:
        lines.append("summary: {{date}} review")  # a leftover placeholder: a warning, not an error
    elif roll < 0.015:
        lines.append("title: [unclosed")  # broken YAML: an error; the body still counts
        w.truth.error = True
    lines.append("---")
    for line in lines:
        w.add(line)


def _rich_frontmatter(w: _Writer, kind: str, index: int, plan_names: list[str], links: list[str]) -> None:
    """Properties as people write them by hand and as Obsidian's property editor writes them: tag lists
    in flow and block style, quoted wikilinks (alone and in lists), dates with trailing comments, empty
    values, full-line comments, single quotes with `''` and double quotes with escapes. The values mean
    what the plain style's mean, so the ground truth is computed the same way."""
    rng = w.rng
    date = f"20{10 + index % 16:02d}-{1 + index % 12:02d}-{1 + index % 28:02d}"

    def comment(share: float, text: str) -> str:
        return f"  # {text}" if rng.random() < share else ""

    def written(text: str) -> str:  # plain, double- or single-quoted (`text` holds no quote)
        mark = rng.choice(["", "", '"', "'"])
        return mark + text + mark

    lines = ["---"]
    if rng.random() < 0.3:
        lines.append(rng.choice(["# properties kept by hand", "# reviewed monthly", "#"]))
    lines.append(f"type: {kind}{comment(0.2, 'set by the template')}")
    if kind == "milestone":
        w.truth.status = rng.choice(["planned", "active", "active", "done", "completed", "Done"])
        targets = [rng.choice(plan_names)]
        if rng.random() < 0.1 and len(plan_names) > 1:
            targets.append(rng.choice([p for p in plan_names if p != targets[0]]))
        if len(targets) == 1:
            quote = rng.choice(['"', '"', "'"])
            lines.append(f"plan: {quote}[[{targets[0]}]]{quote}{comment(0.3, 'the parent plan')}")
        elif rng.random() < 0.5:
            lines.append("plan: [" + ", ".join(f'"[[{t}]]"' for t in targets) + "]")
        else:
            lines += [f"plan:{comment(0.5, 'two plans')}", *(f"  - '[[{t}]]'" for t in targets)]
        w.truth.plans = [f"Plans/{t}.md" for t in targets]
        lines.append(f"status: {w.truth.status}{comment(0.3, 'planned | active | done')}")
        lines.append(f"due: {date}{comment(0.3, 'review monthly')}")
        lines.append(rng.choice(["reviewed:", "reviewed: ''", f"reviewed: {date}", "reviewed: # not yet"]))
    elif kind == "plan":
        lines += ["status: active", f"area: {written(rng.choice(_AREAS))}", "owner: me"]
        lines.append(rng.choice(['motto: "Depth \\"and\\" breadth"', "motto: 'Owner''s plan'", "motto:"]))
        lines.append(f"start: {date}{comment(0.5, 'the first review')}")
    elif kind == "journal":
        lines.append(f"date: {date}")
        lines.append(f"mood: {rng.randint(1, 5)}{comment(0.4, '1 to 5')}")
    lines.append(f"created: {date}T{index % 24:02d}:{index % 60:02d}:00")
    tags = rng.sample(_TAGS, rng.randint(0, 4))
    style = rng.random()
    if not tags:
        lines.append(rng.choice(["tags: []", "tags:"]))
    elif style < 0.45:
        lines.append(f"tags: [{', '.join(written(t) for t in tags)}]{comment(0.2, 'keep short')}")
    else:
        lines.append(f"tags:{comment(0.2, 'topic tags')}")
        for tag in tags:
            if rng.random() < 0.1:
                lines.append("  # retired: old-tag")
            lines.append(f"  - {written(tag)}{comment(0.1, 'new')}")
    if links and rng.random() < 0.4:
        related = rng.sample(links, min(len(links), rng.randint(1, 3)))
        if rng.random() < 0.5:
            lines.append("related: [" + ", ".join(f'"[[{name}]]"' for name in related) + "]")
        else:
            lines += ["related:", *(f'  - "[[{name}]]"' for name in related)]
    if rng.random() < 0.2:
        lines.append(rng.choice(["aliases: []", "aliases:", "aliases: ['Q3 ''focus''', \"Growth\"]"]))
    _close_frontmatter(w, lines, rng)


def _note(
    path: str, kind: str, index: int, seed: int, plan_names: list[str], links: list[str], style: str = "plain"
) -> tuple[bytes, NoteTruth]:
    rng = random.Random(seed * 1_000_003 + index)
    truth = NoteTruth(path, kind)
    w = _Writer(truth, rng)
    if kind != "note" or rng.random() < 0.3:
        if style == "rich":
            _rich_frontmatter(w, kind, index, plan_names, links)
        else:
            _frontmatter(w, kind, index, plan_names)
    title = path.rsplit("/", 1)[-1].removesuffix(".md")
    w.add(f"# {title}")
    w.add()
    target = rng.randint(3000, 8000)
    while w.size < target:
        rng.choices(_BLOCK_FUNCS, _BLOCK_WEIGHTS)[0](w, links)
    text = "\n".join(w.lines) + "\n"
    if rng.random() < 0.02:
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.005:
        text = "\ufeff" + text
    return text.encode("utf-8"), truth


def _layout(n: int) -> list[tuple[str, str]]:
    """(path, kind) for n notes: 2% plans, 5 milestones per plan, 55% journals, 20% projects, rest notes."""
    plans = max(1, n // 50)
    milestones = min(plans * 5, max(0, n - plans))
    rest = n - plans - milestones
    journals = rest * 55 // 78
    projects = rest * 20 // 78
    notes = rest - journals - projects
    out = [(f"Plans/Plan {i:05d} - {_AREAS[i % len(_AREAS)]}.md", "plan") for i in range(plans)]
    out += [
        (f"Plans/Milestones/Plan {i // 5:05d} M{i % 5 + 1} - Step {i:05d}.md", "milestone")
        for i in range(milestones)
    ]
    out += [(_journal_path(i), "journal") for i in range(journals)]
    out += [(f"Projects/{_AREAS[i % len(_AREAS)]}/Project {i:05d}.md", "project") for i in range(projects)]
    out += [(f"Notes/Note {i:05d}.md", "note") for i in range(notes)]
    return out


def _journal_path(i: int) -> str:
    year, day = 1990 + i // 365, i % 365
    return f"Journal/{year}/{year}-{1 + day // 31:02d}-{1 + day % 31:02d} ({i:05d}).md"


_TEMPLATE = """---
type: plan
created: {{date}}
---
# {{title}}

- [ ] First step of a new plan
- [ ] Second step
"""


FRONTMATTER_STYLES = ("plain", "rich")


def generate_vault(out: Path, n: int, seed: int = 0, frontmatter: str = "plain") -> dict[str, NoteTruth]:
    """Write `out/vault/` (n notes plus one template) and `out/truth.json`; return the truth by path.

    `frontmatter` is "plain" (`key: value` lines and block tag lists) or "rich" (the shapes of
    `_rich_frontmatter`, to measure how many notes the fast property reader keeps)."""
    if frontmatter not in FRONTMATTER_STYLES:
        raise ValueError(f"frontmatter style {frontmatter!r} is not one of {FRONTMATTER_STYLES}")
    vault = out / "vault"
    if vault.exists():
        shutil.rmtree(vault)
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}\n')
    (vault / "Templates").mkdir()
    (vault / "Templates" / "Plan.md").write_text(_TEMPLATE)  # indexed as a template, never counted
    layout = _layout(n)
    plan_names = [p.rsplit("/", 1)[-1].removesuffix(".md") for p, kind in layout if kind == "plan"]
    names = [p.rsplit("/", 1)[-1].removesuffix(".md") for p, _ in layout]
    truths: dict[str, NoteTruth] = {}
    for index, (path, kind) in enumerate(layout):
        rng = random.Random(seed * 7919 + index)
        links = [*rng.sample(plan_names, min(2, len(plan_names))), *rng.sample(names, min(3, len(names)))]
        if rng.random() < 0.05:
            links.append("Someday maybe")  # a broken link, as real vaults have
        data, truths[path] = _note(path, kind, index, seed, plan_names, links, frontmatter)
        target = vault / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    document = _truth_document(truths, n, seed)
    if frontmatter != "plain":  # a plain vault's truth stays as it was
        document["frontmatter"] = frontmatter
    (out / "truth.json").write_text(json.dumps(document, indent=1) + "\n")
    return truths


def plan_truth(truths: dict[str, NoteTruth]) -> dict[str, dict[str, int]]:
    """Per plan: its own tasks plus its milestones', and how many milestones are done."""
    out = {
        p: {"done": t.done, "total": t.total, "milestones_total": 0, "milestones_done": 0}
        for p, t in sorted(truths.items())
        if t.kind == "plan" and not t.error
    }
    for t in truths.values():
        if t.error:  # broken properties: no type, no plan link, so in no plan
            continue
        for path in dict.fromkeys(t.plans):
            if path not in out:  # the linked plan's own properties are broken: it is no plan
                continue
            plan = out[path]
            plan["done"] += t.done
            plan["total"] += t.total
            plan["milestones_total"] += 1
            status_done = (t.status or "").lower() in DONE_STATUSES
            plan["milestones_done"] += status_done or (t.total > 0 and t.open == 0)
    return out


def _truth_document(truths: dict[str, NoteTruth], n: int, seed: int) -> dict[str, object]:
    return {
        "notes_count": n,
        "seed": seed,
        "totals": {
            "done": sum(t.done for t in truths.values()),
            "open": sum(t.open for t in truths.values()),
            "cancelled": sum(t.cancelled for t in truths.values()),
        },
        "notes": {
            p: {"done": t.done, "open": t.open, "cancelled": t.cancelled, "task_lines": t.task_lines}
            for p, t in truths.items()
        },
        "plans": plan_truth(truths),
        "errors": sorted(p for p, t in truths.items() if t.error),
    }


def load_truth(out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / "truth.json").read_text())
    return data


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder to write vault/ and truth.json into")
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--frontmatter", choices=FRONTMATTER_STYLES, default="plain", help="how properties are written"
    )
    args = parser.parse_args()
    generate_vault(args.out, args.notes, args.seed, args.frontmatter)
    print(f"{args.notes} notes in {args.out / 'vault'}; ground truth in {args.out / 'truth.json'}")


if __name__ == "__main__":
    main()
