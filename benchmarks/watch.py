"""`python -m benchmarks.watch`: how long `vaultkit watch` takes from a ticked checkbox to written rollups.

For each size, on a copy of the generated vault (benchmarks/generate.py) with the template's Home.md
dashboard, rolled up once beforehand: start `vaultkit watch --debounce 0 --quiet-period 0` as its own
process, wait until it is up to date (its CPU time stops growing), then `--ticks` times tick or untick a
task of one milestone, and time until the milestone's properties, its plan's properties and Home.md
have all been written. Files are watched by `stat` every millisecond (no inotify of our own, so the
daemon's events are not disturbed). Then it measures the daemon idle: resident memory (VmRSS) and CPU
time over 5 seconds, and how long SIGTERM takes to end it. Linux only (/proc).

    python -m benchmarks.watch --sizes 1000,10000
    python -m benchmarks.watch --sizes 1000 --ticks 200

Goals (issue 13): p95 under 50 ms at 1,000 notes and under 100 ms at 10,000; idle RSS under 300 MB at
10,000 notes; no CPU use to speak of while idle.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cases import DASHBOARD, Context
from .run import prepare

__all__ = [
    "TICK_LINE",
    "Latency",
    "cpu_seconds",
    "percentile",
    "plan_of",
    "rounds_of",
    "rss_kb",
    "signature",
    "summarize",
    "toggled",
    "wait_for_changes",
    "wait_until",
]

TICK_LINE = "- [ ] vaultkit watch benchmark tick"
GOALS_MS = {1000: 50.0, 10000: 100.0}
RSS_GOAL_MB = 300.0
POLL = 0.001

Signature = tuple[int, int, int] | None  # (inode, size, mtime_ns); None: missing


# ------------------------------------------------------------------------------------------ pure parts


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th quantile (0..1) of `values`, interpolated between the closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} is not between 0 and 1")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Latency:
    """p50, p95 and max of the samples, in milliseconds."""

    count: int
    p50: float
    p95: float
    max: float


def summarize(seconds: Sequence[float]) -> Latency:
    ms = [s * 1000.0 for s in seconds]
    return Latency(len(ms), percentile(ms, 0.5), percentile(ms, 0.95), max(ms))


_PLAN_RE = re.compile(r'^plan: "\[\[(?:Plans/)?([^\]|#]+)(?:\|[^\]]*)?\]\]"$', re.MULTILINE)


def plan_of(text: str) -> str | None:
    """The plan a generated milestone links to in its one-line `plan:` property (None: a list, or none)."""
    found = _PLAN_RE.search(text.split("\n---", 1)[0])
    return found.group(1) if found else None


def toggled(text: str) -> str:
    """The note with the benchmark's task ticked if it was open, opened if it was ticked."""
    done = TICK_LINE.replace("- [ ]", "- [x]", 1)
    if TICK_LINE in text:
        return text.replace(TICK_LINE, done, 1)
    if done in text:
        return text.replace(done, TICK_LINE, 1)
    raise ValueError("the benchmark's task line is not in the note")


def cpu_seconds(stat_text: str, ticks_per_second: int) -> float:
    """utime + stime of a /proc/PID/stat line, in seconds. The command name (field 2) may hold spaces and
    parentheses, so fields are counted from the last `)`."""
    fields = stat_text[stat_text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / ticks_per_second  # fields 14 and 15 of proc(5)


def rss_kb(status_text: str) -> int:
    """VmRSS of a /proc/PID/status text, in kB."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ValueError("no VmRSS line (a zombie process?)")


def signature(path: Path) -> Signature:
    """What changes when a file is written in place or replaced: inode, size, mtime."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def wait_until(
    predicate: Callable[[], bool],
    timeout: float,
    interval: float = POLL,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Call `predicate` every `interval` seconds until it is true; the seconds that took.

    TimeoutError after `timeout` seconds. The predicate is tried once more at the deadline, so a slow
    poll never turns a success into a timeout."""
    start = clock()
    while True:
        if predicate():
            return clock() - start
        if clock() - start >= timeout:
            if predicate():
                return clock() - start
            raise TimeoutError(f"not within {timeout} s")
        sleep(interval)


def wait_for_changes(
    baselines: dict[Path, Signature],
    start: float,
    timeout: float,
    interval: float = POLL,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
    stat: Callable[[Path], Signature] = signature,
) -> dict[Path, float]:
    """Seconds from `start` (a `clock()` reading) until each path's signature first differs from its
    baseline. TimeoutError naming the paths still unchanged after `timeout` seconds."""
    seen: dict[Path, float] = {}

    def all_changed() -> bool:
        for path, before in baselines.items():
            if path not in seen and stat(path) != before:
                seen[path] = clock() - start
        return len(seen) == len(baselines)

    try:
        wait_until(all_changed, timeout - (clock() - start), interval, clock, sleep)
    except TimeoutError:
        missing = sorted(str(p) for p in baselines if p not in seen)
        raise TimeoutError(f"not written within {timeout} s: {', '.join(missing)}") from None
    return seen


# ------------------------------------------------------------------------------------------ the daemon


def _proc(pid: int, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_text()


def _cpu(pid: int) -> float:
    return cpu_seconds(_proc(pid, "stat"), os.sysconf("SC_CLK_TCK"))


@dataclass
class Daemon:
    """One `vaultkit watch` process, its log in a file."""

    argv: list[str]
    log: Path
    process: subprocess.Popen[bytes] = field(init=False)

    def __post_init__(self) -> None:
        with self.log.open("wb") as handle:
            self.process = subprocess.Popen(self.argv, stdout=handle, stderr=handle)

    def alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log.read_text(errors="replace").splitlines()[-15:]
            raise RuntimeError(f"vaultkit watch exited ({self.process.returncode}):\n" + "\n".join(tail))

    def wait_idle(self, timeout: float, window: float = 0.5) -> float:
        """Wait until the daemon is idle: over a `window` of seconds it used at most one clock tick or 5%
        of a core (its first rollup done, the observer waiting for events). The seconds that took."""
        tick = 1 / os.sysconf("SC_CLK_TCK")
        start = time.perf_counter()
        while True:
            self.alive()
            before = _cpu(self.process.pid)
            time.sleep(window)
            if _cpu(self.process.pid) - before <= max(tick, 0.05 * window):
                return time.perf_counter() - start - window
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"vaultkit watch still busy after {timeout} s")

    def stop(self) -> float:
        """SIGTERM; the seconds until it exited (killed after 10 s)."""
        start = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return time.perf_counter() - start


# ------------------------------------------------------------------------------------------ one size


@dataclass
class SizeResult:
    size: int
    latency: Latency
    writes: dict[str, Latency]
    startup: float
    rss_mb: float
    idle_cpu: float
    stop: float
    exit_code: int | None
    rounds: int = 0
    """Rounds the daemon logged for the milestone over all ticks (the warm-up included): one per tick when
    no save is read half-written."""


def _bench_vault(ctx: Context) -> Path:
    """A writable copy of the generated vault with Home.md, rolled up once (untimed)."""
    copy = ctx.work / f"watch-{ctx.size}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(ctx.vault, copy, ignore=shutil.ignore_patterns(".vaultkit"))
    shutil.copyfile(DASHBOARD, copy / "Home.md")
    return copy


def _milestone(ctx: Context, vault: Path) -> tuple[str, str]:
    """A milestone linked to exactly one plan, both with properties that load, LF line ends (path, plan
    path)."""
    errors = set(ctx.truth["errors"])
    for path in sorted(ctx.truth["notes"]):
        if "/Milestones/" not in path or path in errors:
            continue
        text = (vault / path).read_text(encoding="utf-8")
        name = plan_of(text)
        plan = f"Plans/{name}.md"
        if name and "\r\n" not in text and plan not in errors and (vault / plan).is_file():
            return path, plan
    raise RuntimeError("the generated vault has no milestone with one plan")


def bench_size(ctx: Context, ticks: int, timeout: float) -> SizeResult:
    vault = _bench_vault(ctx)
    milestone_path, plan_path = _milestone(ctx, vault)
    milestone, plan, home = vault / milestone_path, vault / plan_path, vault / "Home.md"
    text = milestone.read_text(encoding="utf-8")
    milestone.write_text(text.rstrip("\n") + "\n\n" + TICK_LINE + "\n", encoding="utf-8")
    subprocess.run(ctx.vaultkit("rollup", vault=vault), capture_output=True, check=False)
    argv = ctx.vaultkit("watch", "--debounce", "0", "--quiet-period", "0", vault=vault)
    daemon = Daemon(argv, ctx.work / f"watch-{ctx.size}.log")
    samples: list[float] = []
    per_file: dict[Path, list[float]] = {milestone: [], plan: [], home: []}
    try:
        startup = daemon.wait_idle(timeout=max(600.0, timeout))
        for i in range(ticks + 1):  # the first is a warm-up, not counted
            targets = (milestone, plan, home)
            before = {path: signature(path) for path in targets}
            data = toggled(milestone.read_text(encoding="utf-8")).encode("utf-8")
            start = time.perf_counter()
            milestone.write_bytes(data)
            before[milestone] = signature(milestone)  # our own write is not the daemon's
            seen = wait_for_changes(before, start, timeout)
            daemon.alive()
            if i:
                samples.append(max(seen.values()))
                for path, seconds in seen.items():
                    per_file[path].append(seconds)
            time.sleep(0.05)  # let the round finish before the next tick
        cpu_before = _cpu(daemon.process.pid)
        time.sleep(5.0)
        idle_cpu = _cpu(daemon.process.pid) - cpu_before
        rss = rss_kb(_proc(daemon.process.pid, "status")) / 1024
    finally:
        stop = daemon.stop()
    log = daemon.log.read_text(encoding="utf-8", errors="replace")
    return SizeResult(
        size=ctx.size,
        latency=summarize(samples),
        writes={
            "milestone": summarize(per_file[milestone]),
            "plan": summarize(per_file[plan]),
            "Home.md": summarize(per_file[home]),
        },
        startup=startup,
        rss_mb=rss,
        idle_cpu=idle_cpu,
        stop=stop,
        exit_code=daemon.process.returncode,
        rounds=rounds_of(log, milestone_path),
    )


def rounds_of(log: str, path: str) -> int:
    """How many rounds the daemon's text log reports for `path` (one `PATH ... -> ...` line each)."""
    pattern = re.compile(rf"^\S+ {re.escape(path)} .* -> ", re.MULTILINE)
    return len(pattern.findall(log))


def report(results: Iterable[SizeResult]) -> list[str]:
    lines = [
        "| notes | ticks | p50 ms | p95 ms | max ms | goal p95 | idle RSS MB | idle CPU s / 5 s "
        "| SIGTERM s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    details = []
    for r in results:
        goal = GOALS_MS.get(r.size)
        verdict = "—" if goal is None else f"< {goal:.0f} {'met' if r.latency.p95 < goal else 'MISSED'}"
        lines.append(
            f"| {r.size:,} | {r.latency.count} | {r.latency.p50:.1f} | {r.latency.p95:.1f} | "
            f"{r.latency.max:.1f} | {verdict} | {r.rss_mb:.0f} | {r.idle_cpu:.2f} | {r.stop:.2f} |"
        )
        written = ", ".join(f"{name} p50 {lat.p50:.1f} ms" for name, lat in r.writes.items())
        details.append(
            f"{r.size:,} notes: up to date {r.startup:.1f} s after start; {written}; "
            f"{r.rounds} rounds for {r.latency.count + 1} ticks; exit status {r.exit_code} after SIGTERM"
        )
    return [*lines, "", *details]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated note counts")
    parser.add_argument("--ticks", type=int, default=50, help="timed ticks per size (after one warm-up)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one tick's writes")
    args = parser.parse_args(argv)
    if not Path("/proc/self/stat").exists():
        parser.error("this benchmark reads /proc (Linux only)")
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        ctx = prepare(size, args.seed)
        print(f"{size:,} notes: {args.ticks} ticks …", file=sys.stderr, flush=True)
        results.append(bench_size(ctx, max(1, args.ticks), args.timeout))
    print("\nvaultkit watch: from a saved checkbox to milestone, plan and Home.md written\n")
    print("\n".join(report(results)))
    missed = [r for r in results if r.size in GOALS_MS and r.latency.p95 >= GOALS_MS[r.size]]
    big = [r for r in results if r.size >= 10000 and r.rss_mb >= RSS_GOAL_MB]
    return 1 if missed or big else 0


if __name__ == "__main__":
    sys.exit(main())
