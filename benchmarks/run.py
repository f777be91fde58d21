"""`python -m benchmarks.run` (`make bench`): time vaultkit on generated vaults of 1k, 10k and 30k notes.

Every case (see `benchmarks/cases.py`) runs as its own process, `--runs` times (at least 3), interleaved
with the others so that a busy machine slows all of them alike. For each case the runner prints the median
wall time, the ratio to the floor measured in the same run (a Python process reading every note's bytes),
time per note, and the peak resident memory of the largest process. Outputs are checked: `status --json`
must report exactly the task counts of the generator's ground truth. Last, it says which engine read the
notes (fast scanner or markdown-it-py; fast property reader or YAML), from one pass in its own process.

    python -m benchmarks.run                          # all sizes, all cases, 3 runs
    python -m benchmarks.run --sizes 10000 --runs 5
    python -m benchmarks.run --cases status-warm,help
    python -m benchmarks.run --sizes 1000 --frontmatter rich --cases help   # properties as people write them
    python -m benchmarks.run --list

Vaults are generated once under build/bench/<size>/ (regenerated when the generator's settings change).
vaultkit is byte-compiled first, as an installed package is, so start-up is measured as users see it.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import cases as _cases
from .cases import CASES, Context, Run
from .generate import FRONTMATTER_STYLES, generate_vault

ROOT = Path(__file__).resolve().parent.parent
GOALS = {  # issue 5, for 10,000 notes: ratio to the floor (or seconds for --help)
    "status-cold": 10.0,
    "status-warm": 3.0,
    "status-one-changed": 3.0,
}


@dataclass
class Result:
    times: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    failure: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


# Every case runs as a child of this small process, started before the runner loads anything: a child's
# peak RSS counts the memory of the process it was forked from, and the runner grows (vaults, truth).
SPAWNER = """
import json, os, sys, time
for line in sys.stdin:
    argv, out, err = json.loads(line)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd_in = os.open(os.devnull, os.O_RDONLY)
        fd_out = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        fd_err = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd_in, 0); os.dup2(fd_out, 1); os.dup2(fd_err, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    print(json.dumps([elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]), flush=True)
"""


class Spawner:
    """Runs commands as children of a minimal Python process; returns time, peak RSS and exit code."""

    def __init__(self) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-S", "-c", SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.folder = Path(tempfile.mkdtemp(prefix="vaultkit-bench-"))

    def measure(self, run: Run) -> tuple[float, int, int, str, str]:
        """(seconds, peak RSS in KB, exit code, stdout, stderr) of one process."""
        assert self.process.stdin is not None and self.process.stdout is not None
        out, err = self.folder / "out", self.folder / "err"
        self.process.stdin.write(json.dumps([run.argv, str(out), str(err)]) + "\n")
        self.process.stdin.flush()
        elapsed, rss, code = json.loads(self.process.stdout.readline())
        return elapsed, rss, code, out.read_text(errors="replace"), err.read_text(errors="replace")

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()
        for name in ("out", "err"):
            (self.folder / name).unlink(missing_ok=True)
        self.folder.rmdir()


def prepare(size: int, seed: int, frontmatter: str = "plain") -> Context:
    folder = ROOT / "build" / "bench" / (str(size) if frontmatter == "plain" else f"{size}-{frontmatter}")
    truth_file = folder / "truth.json"
    truth = json.loads(truth_file.read_text()) if truth_file.exists() else {}
    if (
        truth.get("notes_count") != size
        or truth.get("seed") != seed
        or truth.get("frontmatter", "plain") != frontmatter
        or not (folder / "vault").is_dir()
    ):
        print(f"generating {size} notes in {folder / 'vault'} …", file=sys.stderr, flush=True)
        generate_vault(folder, size, seed, frontmatter)
        truth = json.loads(truth_file.read_text())
    return Context(size, folder / "vault", truth, folder)


def engine_counts(vault: Path) -> str:
    """Which engine read the vault's notes: one pass in this process (`summary_parts` per note, as an
    index build without its worker pool does), so the facade's counts are this pass's alone. The timed
    cases run in other processes, whose counts this process cannot see."""
    from vaultkit.index.rows import FLAG_FRONTMATTER, summary_parts
    from vaultkit.markdown.scanner import COUNTS
    from vaultkit.notes.tasks import DEFAULT_STATUSES

    COUNTS.reset()
    notes = with_properties = 0
    for path in sorted(vault.rglob("*.md")):
        relative = path.relative_to(vault)
        if any(part.startswith(".") for part in relative.parts):
            continue
        flags = summary_parts(relative.as_posix(), path.read_bytes(), None, DEFAULT_STATUSES, False)[5]
        notes += 1
        with_properties += bool(flags & FLAG_FRONTMATTER)
    counts = COUNTS.refresh()
    fast_properties = with_properties - counts.yaml_properties
    share = 100 * fast_properties / with_properties if with_properties else 100.0
    return (
        f"{notes:,} notes: bodies read by the fast scanner {counts.fast:,}, by markdown-it-py "
        f"{counts.oracle:,}; properties read by the fast reader {fast_properties:,} of {with_properties:,} "
        f"({share:.1f}%), by YAML {counts.yaml_properties:,}"
    )


def bench_size(ctx: Context, keys: list[str], runs: int, slow: float, spawner: Spawner) -> dict[str, Result]:
    measure = spawner.measure
    results = {key: Result() for key in keys}
    measure(CASES["floor"].func(ctx))  # warm the page cache: every case reads from memory, as the floor
    for round_ in range(runs):
        for key in keys:
            result = results[key]
            if result.failure or (result.times and result.times[0] > slow):
                continue  # a case slower than `slow` seconds is run once: its figure says enough
            run = CASES[key].func(ctx)
            seconds, rss, code, stdout, stderr = measure(run)
            if code not in run.ok_codes:
                result.failure = f"exit {code}: {stderr.strip().splitlines()[-1:] or ''}"
                continue
            if round_ == 0 and run.check is not None:
                result.failure = run.check(stdout)
                if result.failure:
                    continue
            result.times.append(seconds)
            result.rss_kb.append(rss)
        print(f"  {ctx.size} notes: round {round_ + 1}/{runs} done", file=sys.stderr, flush=True)
    return results


def table(all_results: dict[int, dict[str, Result]]) -> str:
    lines = [
        "| notes | case | median s | × floor | ms / note | peak RSS MB | KB / note |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, results in all_results.items():
        floor = results["floor"].median if "floor" in results else float("nan")
        for key, result in results.items():
            title = CASES[key].title
            if result.failure or not result.times:
                lines.append(f"| {size:,} | {title} | failed: {result.failure} | | | | |")
                continue
            if len(result.times) == 1:
                title += " (1 run)"
            rss = max(result.rss_kb)
            per_note = "" if key == "help" else f"{1000 * result.median / size:.3f}"
            kb_note = "" if key in ("help", "floor") else f"{rss / size:.1f}"
            lines.append(
                f"| {size:,} | {title} | {result.median:.3f} | {result.median / floor:.1f} | {per_note} "
                f"| {rss / 1024:.0f} | {kb_note} |"
            )
    return "\n".join(lines)


def verdicts(all_results: dict[int, dict[str, Result]]) -> list[str]:
    """The issue's goals, checked against the 10,000-note figures (when that size was run)."""
    results = all_results.get(10_000)
    if results is None:
        return []
    out = []
    floor = results["floor"].median if "floor" in results else float("nan")
    for key, limit in GOALS.items():
        if key in results and results[key].times:
            ratio = results[key].median / floor
            out.append(
                f"{key}: {ratio:.1f}× floor (goal ≤ {limit:g}×) {'ok' if ratio <= limit else 'MISSED'}"
            )
    if "help" in results and results["help"].times:
        seconds = results["help"].median
        out.append(f"help: {1000 * seconds:.0f} ms (goal < 150 ms) {'ok' if seconds < 0.150 else 'MISSED'}")
    status = [k for k in results if k.startswith("status") and results[k].rss_kb]
    if status:
        peak = max(max(results[k].rss_kb) for k in status) / 1024
        out.append(f"status peak RSS: {peak:.0f} MB (goal ≤ 300 MB) {'ok' if peak <= 300 else 'MISSED'}")
    return out


def scanner_form() -> str:
    """How the note scanner runs in the measured processes (they inherit VAULTKIT_PURE_PYTHON)."""
    import vaultkit.markdown._fast.blocks

    source = vaultkit.markdown._fast.blocks.__file__.endswith(".py")
    return "as Python source" if source else "compiled by mypyc"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,30000", help="comma-separated note counts")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (at least 3)")
    parser.add_argument("--cases", default="", help="comma-separated case keys (default: all available)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--frontmatter",
        choices=FRONTMATTER_STYLES,
        default="plain",
        help="how the generated notes write properties (rich: tag lists, quoted links, comments, ...)",
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=60.0,
        help="a case whose first run takes longer runs only once (seconds)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    args = parser.parse_args(argv)
    spawner = Spawner()  # first, while this process is small (see SPAWNER)
    if args.list:
        spawner.close()
        for key, item in CASES.items():
            available = item.requires is None or item.requires()
            print(f"{key:22s} {item.title}{'' if available else '  (not available yet)'}")
        return 0
    runs = max(3, args.runs)
    wanted = [k for k in args.cases.split(",") if k] or list(CASES)
    unknown = [k for k in wanted if k not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)} (see --list)")
    keys = ["floor", *(k for k in wanted if k != "floor")]
    keys = [k for k in keys if CASES[k].requires is None or CASES[k].requires()]
    compileall.compile_dir(ROOT / "vaultkit", quiet=1)
    all_results = {}
    engines = {}
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            ctx = prepare(size, args.seed, args.frontmatter)
            all_results[size] = bench_size(ctx, keys, runs, args.slow, spawner)
            engines[size] = engine_counts(ctx.vault)
    finally:
        spawner.close()
    print(
        f"\nvaultkit benchmarks: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"scanner {scanner_form()}, {args.frontmatter} properties, median of {runs} runs\n"
    )
    print(table(all_results))
    print("\nwhich engine read the notes (one pass in the runner's process):")
    for line in engines.values():
        print(f"  {line}")
    for line in verdicts(all_results):
        print(line)
    exact = [
        r for res in all_results.values() for k, r in res.items() if k.startswith("status") and r.failure
    ]
    print("task counts equal the generator's ground truth:", "no" if exact else "yes")
    if args.json:
        raw = {
            size: {k: {"times": r.times, "rss_kb": r.rss_kb, "failure": r.failure} for k, r in res.items()}
            for size, res in all_results.items()
        }
        args.json.write_text(json.dumps(raw, indent=2) + "\n")
    failed = any(r.failure for res in all_results.values() for r in res.values())
    return 1 if failed else 0


if __name__ == "__main__":
    _ = _cases  # the registry is filled on import
    sys.exit(main())
