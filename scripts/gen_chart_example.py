"""Write docs/img/burnup-example.svg, the burn-up chart the docs show, from a fixed example plan.

The picture is generated, never drawn by hand, so it always shows what `burnup_svg` draws today: a test
(tests/test_charts.py) fails when the file differs from what this script renders. The example is made
of fixed values (no clock, no randomness), so the same code gives the same bytes.

    python scripts/gen_chart_example.py            # rewrite docs/img/burnup-example.svg
    python scripts/gen_chart_example.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from vaultkit.history.chart import MilestoneMark, SeriesPoint, burnup_svg

ROOT = Path(__file__).resolve().parent.parent
PICTURE = ROOT / "docs" / "img" / "burnup-example.svg"
TODAY = date(2026, 12, 3)


def example_points() -> list[SeriesPoint]:
    """Four months of a plan: tasks added in bursts at planning sessions, done a few a week."""
    start = date(2026, 8, 3)
    points: list[SeriesPoint] = []
    done, total = 0, 12
    for week in range(18):
        if week in (4, 9, 13):
            total += 4  # a planning session adds the next milestone's tasks
        done = min(total, done + (2, 1, 0, 1)[week % 4])
        points.append(SeriesPoint(start + timedelta(days=7 * week + week % 4), done, total))
    return points


def example_milestones() -> list[MilestoneMark]:
    return [
        MilestoneMark("Foundations", date(2026, 9, 14), completed=date(2026, 9, 10)),
        MilestoneMark("Lead the data contracts initiative", date(2026, 11, 30)),
        MilestoneMark("Staff readiness review", date(2027, 1, 29)),
    ]


def render() -> str:
    return burnup_svg("Growth plan: Senior to Staff", example_points(), example_milestones(), today=TODAY)


def main() -> int:
    parser = argparse.ArgumentParser(description="Write docs/img/burnup-example.svg.")
    parser.add_argument("--check", action="store_true", help="exit 1 if the picture is out of date")
    args = parser.parse_args()
    text = render()
    current = PICTURE.read_text(encoding="utf-8") if PICTURE.exists() else None
    if args.check:
        if current != text:
            print(
                f"{PICTURE.relative_to(ROOT)} is out of date: run scripts/gen_chart_example.py",
                file=sys.stderr,
            )
            return 1
        return 0
    if current != text:
        PICTURE.parent.mkdir(parents=True, exist_ok=True)
        PICTURE.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {PICTURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
