"""`make demo`: build a demo vault with vaultkit itself, exactly as a user would.

1. `vaultkit init` renders vault_template into a fresh vault with a starter plan;
2. `vaultkit import --tasks` brings in the sample PDP documents (when ../shared/samples exists), repairing
   them and making the items of their goal sections tasks (the career ladder gets a `skills` block under
   its capabilities; the 12-month plan has no goal section, so it stays without tasks);
3. six weeks of progress are replayed: each week a few tasks of the starter plan are ticked and
   `vaultkit rollup --today <that day>` records the week's point, through the same rollup path a user's
   rollups take (so the history is real rollup output, only its days are set back);
4. a `chart` block (the starter plan's burn-up) goes into Home.md, as a user would add it (the starter
   plan has its `skills` block from `init`), and `vaultkit rollup` writes progress, dashboards and charts;
5. `vaultkit status` prints the progress table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path


def run(*args: str) -> int:
    print(f"\n$ {shlex.join(['vaultkit', *args])}", flush=True)  # quoted: each line can be pasted
    return subprocess.run([sys.executable, "-m", "vaultkit", *args], check=False).returncode


WEEKS = 6
"""Weeks of progress the demo replays before today."""

_OPEN_TASK = re.compile(r"^(\s*[-*] )\[ \]", re.MULTILINE)

CHART_BLOCK = """
## Progress over time

<!-- vaultkit:begin chart plan="[[{plan}]]" -->
<!-- vaultkit:end -->
"""

def tick(note: Path, count: int) -> int:
    """Tick the first `count` open tasks of `note`, as a user would in Obsidian; how many were ticked."""
    text = note.read_text(encoding="utf-8")
    new, done = _OPEN_TASK.subn(r"\1[x]", text, count=count)
    note.write_text(new, encoding="utf-8")
    return done


def replay_history(vault: Path, plan: Path) -> bool:
    """Tick a few of the plan's tasks each week for WEEKS weeks, rolling up on each of those days."""
    notes = [*sorted((vault / "Milestones").glob("*.md")), plan]
    today = dt.date.today()
    for week in range(WEEKS, 0, -1):
        day = today - dt.timedelta(days=7 * week)
        tick(notes[week % len(notes)], 2 if week % 2 else 1)  # a few tasks a week, one note at a time
        if run("rollup", "--vault", str(vault), "--today", day.isoformat()) not in (0,):
            return False
    return True


def add_chart(vault: Path, plan: Path) -> None:
    """The burn-up of the plan on Home."""
    home = vault / "Home.md"
    home.write_text(home.read_text(encoding="utf-8") + CHART_BLOCK.format(plan=plan.stem), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vault", default="build/demo-vault")
    parser.add_argument("--samples", default="../shared/samples")
    args = parser.parse_args()
    vault = Path(args.vault)
    if vault.exists():
        shutil.rmtree(vault)
    vault.parent.mkdir(parents=True, exist_ok=True)
    if run("init", str(vault), "--name", "Demo User", "--role", "Data Engineer", "--level", "senior"):
        return 1
    samples = sorted(Path(args.samples).glob("*.md"))
    if samples:
        if run("import", "--vault", str(vault), "--tasks", *map(str, samples)):
            return 1
    else:
        print(f"\n(no sample documents at {args.samples}; the demo uses the template only)")
    plans = sorted((vault / "Plans").glob("Senior*.md"))
    if plans:
        print(f"\n(replaying {WEEKS} weeks of ticked tasks in {plans[0].name}, a rollup on each day)")
        if not replay_history(vault, plans[0]):
            return 1
        # Today's ticks too: `init` recorded today's starting point, and the rollup below records today's
        # value over it only when the counts differ from the last point recorded (a week ago).
        tick(plans[0], 1)
        add_chart(vault, plans[0])
    if run("rollup", "--vault", str(vault)) not in (0,):
        return 1
    status = run("status", "--vault", str(vault))
    print(f"\nDemo vault: {vault.resolve()} (open it in Obsidian with 'Open folder as vault')")
    return status


if __name__ == "__main__":
    sys.exit(main())
