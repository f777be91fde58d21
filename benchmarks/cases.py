"""The benchmark cases: a registry of small functions, one per measured command.

A case is a function decorated with `@case(...)`. The runner calls it before every timed run; it prepares
what the run needs (drop the index, change a note: untimed) and returns the `Run` to time: a command line,
and optionally a check of its output. Adding a case for a new feature is a dozen lines here:

    @case("tasks --json, warm", requires=has_command("tasks"))
    def tasks_warm(ctx: Context) -> Run:
        ctx.ensure_index()
        return Run(ctx.vaultkit("tasks", "--json"))

Every case runs as a separate process, as a user would run it, so start-up and imports count.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["CASES", "Case", "Context", "Run", "case"]

FLOOR_CODE = """
import os, sys
def read_all(folder):
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            read_all(entry.path)
        elif entry.name.endswith(".md"):
            with open(entry.path, "rb") as handle:
                handle.read()
read_all(sys.argv[1])
"""
EDIT_MARK = "Edited by the benchmark (not a task)."


@dataclass(frozen=True)
class Run:
    """One timed command; `check` reads its stdout and returns a problem, or None when it is right."""

    argv: list[str]
    check: Callable[[str], str | None] | None = None
    ok_codes: tuple[int, ...] = (0, 1)  # status exits 1 when a note has errors; the vault has a few


@dataclass
class Context:
    """One generated vault of `size` notes, with its ground truth and a scratch folder."""

    size: int
    vault: Path
    truth: dict[str, Any]
    work: Path
    python: str = sys.executable
    state: dict[str, Any] = field(default_factory=dict)

    def cli(self, *args: str) -> list[str]:
        """The `vaultkit` command line (the installed script, as users run it)."""
        script = Path(self.python).with_name("vaultkit")
        command = [str(script)] if script.exists() else [self.python, "-m", "vaultkit"]
        return [*command, *args]

    def vaultkit(self, *args: str, vault: Path | None = None) -> list[str]:
        """A `vaultkit` command line on this context's vault (or on `vault`)."""
        return self.cli(*args, "--vault", str(vault or self.vault))

    def drop_index(self, vault: Path | None = None) -> None:
        shutil.rmtree((vault or self.vault) / ".vaultkit", ignore_errors=True)

    def ensure_index(self, vault: Path | None = None) -> None:
        """Build the index (untimed) if it is not there."""
        if not ((vault or self.vault) / ".vaultkit" / "index.sqlite").exists():
            subprocess.run(self.vaultkit("status", "--json", vault=vault), capture_output=True, check=False)

    def touch_note(self, vault: Path | None = None) -> None:
        """Change one journal note by a line of prose (task counts stay as the ground truth says)."""
        folder = vault or self.vault
        path = folder / next(p for p in sorted(self.truth["notes"]) if p.startswith("Journal/"))
        text = path.read_text(encoding="utf-8")
        mark = "\n" + EDIT_MARK + "\n"
        text = text.removesuffix(mark) if text.endswith(mark) else text + mark  # off again: the same bytes
        path.write_text(text, encoding="utf-8")

    def toggle_task(self, vault: Path) -> None:
        """Tick or untick the first task of the first milestone (a change rollup must write)."""
        path = vault / next(p for p in sorted(self.truth["notes"]) if "/Milestones/" in p)
        text = path.read_text(encoding="utf-8")
        text = (
            text.replace("- [ ] ", "- [x] ", 1) if "- [ ] " in text else text.replace("- [x] ", "- [ ] ", 1)
        )
        path.write_text(text, encoding="utf-8")

    def check_status(self, stdout: str) -> str | None:
        """Task counts per note and per plan must equal the generator's ground truth."""
        data = json.loads(stdout)
        notes = {n["path"]: n["tasks"] for n in data["notes"]}
        if set(notes) != set(self.truth["notes"]):
            return f"{len(notes)} notes reported, {len(self.truth['notes'])} generated"
        for path, want in self.truth["notes"].items():
            got = notes[path]
            if (got["done"], got["open"], got["cancelled"]) != (
                want["done"],
                want["open"],
                want["cancelled"],
            ):
                return f"{path}: counted {got}, ground truth {want}"
        plans = {p["path"]: p for p in data["plans"]}
        for path, want in self.truth["plans"].items():
            if any(plans.get(path, {}).get(key) != value for key, value in want.items()):
                return f"{path}: plan {plans.get(path)}, ground truth {want}"
        if sorted({e["path"] for e in data["errors"]}) != self.truth["errors"]:
            return "the notes with errors differ from the ground truth"
        return None

    def check_findings(self, stdout: str) -> str | None:
        """Every note the ground truth has with errors (bad YAML, placeholders) must have an error."""
        data = json.loads(stdout)
        flagged = {p["path"] for p in data["problems"] if p["severity"] == "error"}
        missing = sorted(set(self.truth["errors"]) - flagged)
        if missing or data["errors"] != sum(1 for p in data["problems"] if p["severity"] == "error"):
            return f"check missed errors in {missing[:3]}" if missing else "check's error count is off"
        return None


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    func: Callable[[Context], Run]
    requires: Callable[[], bool] | None = None


CASES: dict[str, Case] = {}


def case(
    title: str, *, key: str | None = None, requires: Callable[[], bool] | None = None
) -> Callable[[Callable[[Context], Run]], Callable[[Context], Run]]:
    """Register a benchmark case (key defaults to the function name with `-` for `_`)."""

    def register(func: Callable[[Context], Run]) -> Callable[[Context], Run]:
        name = key or func.__name__.replace("_", "-")
        CASES[name] = Case(name, title, func, requires)
        return func

    return register


def has_command(name: str) -> Callable[[], bool]:
    """A `requires=` predicate: the `vaultkit` CLI has this command (later features add theirs)."""

    @cache
    def check() -> bool:
        from vaultkit.cli.commands import main

        return name in getattr(main, "commands", {})

    return check


# ---------------------------------------------------------------------------------------------- cases


@case("floor: a Python process reading every note's bytes")
def floor(ctx: Context) -> Run:
    return Run([ctx.python, "-c", FLOOR_CODE, str(ctx.vault)], ok_codes=(0,))


@case("vaultkit --help (start-up)", key="help")
def help_(ctx: Context) -> Run:
    return Run(ctx.cli("--help"), ok_codes=(0,))


@case("status --json, cold (no index)")
def status_cold(ctx: Context) -> Run:
    ctx.drop_index()
    return Run(ctx.vaultkit("status", "--json"), ctx.check_status)


@case("status --json, warm (index, nothing changed)")
def status_warm(ctx: Context) -> Run:
    ctx.ensure_index()
    return Run(ctx.vaultkit("status", "--json"), ctx.check_status)


@case("status --json, one note changed")
def status_one_changed(ctx: Context) -> Run:
    ctx.ensure_index()
    ctx.touch_note()
    return Run(ctx.vaultkit("status", "--json"), ctx.check_status)


DASHBOARD = Path(__file__).resolve().parent.parent / "vault_template" / "Home.md"


def _writable_copy(ctx: Context, copy: Path) -> None:
    """A copy of the vault for rollup to write to, with the vault template's dashboard (Home.md: plans,
    milestones, open tasks and journal blocks over the whole vault), as a vault made by `init` has."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(ctx.vault, copy, ignore=shutil.ignore_patterns(".vaultkit"))
    shutil.copyfile(DASHBOARD, copy / "Home.md")


def _rollup_vault(ctx: Context) -> Path:
    """A copy of the vault that rollup may write to, already rolled up once (untimed)."""
    copy = ctx.work / f"rollup-{ctx.size}"
    if "rollup" not in ctx.state:
        _writable_copy(ctx, copy)
        subprocess.run(ctx.vaultkit("rollup", vault=copy), capture_output=True, check=False)
        ctx.state["rollup"] = copy
    return copy


@case("rollup, first run (every managed note written)", requires=has_command("rollup"))
def rollup_first(ctx: Context) -> Run:
    copy = ctx.work / f"rollup-first-{ctx.size}"
    _writable_copy(ctx, copy)
    ctx.ensure_index(copy)  # as after a first `status`: the run measured is the writing
    return Run(ctx.vaultkit("rollup", vault=copy))


@case("rollup, nothing changed", requires=has_command("rollup"))
def rollup_unchanged(ctx: Context) -> Run:
    copy = _rollup_vault(ctx)
    return Run(ctx.vaultkit("rollup", vault=copy))


@case("rollup, one task ticked", requires=has_command("rollup"))
def rollup_one_changed(ctx: Context) -> Run:
    copy = _rollup_vault(ctx)
    ctx.toggle_task(copy)
    return Run(ctx.vaultkit("rollup", vault=copy))


@case("check --json, cold (no index)", requires=has_command("check"))
def check_cold(ctx: Context) -> Run:
    ctx.drop_index()
    return Run(ctx.vaultkit("check", "--json"), ctx.check_findings)


def _checked(ctx: Context) -> None:
    """An index in line with the notes that holds every outline, as a `check` leaves it (untimed: after
    the cold case, or after another case changed a note, this run is the one that parses)."""
    subprocess.run(ctx.vaultkit("check", "--json"), capture_output=True, check=False)


@case("check --json, warm (index, nothing changed)", requires=has_command("check"))
def check_warm(ctx: Context) -> Run:
    _checked(ctx)
    return Run(ctx.vaultkit("check", "--json"), ctx.check_findings)


@case("check --json, one note changed", requires=has_command("check"))
def check_one_changed(ctx: Context) -> Run:
    _checked(ctx)
    ctx.touch_note()
    return Run(ctx.vaultkit("check", "--json"), ctx.check_findings)


def _every_task(ctx: Context) -> Callable[[str], str | None]:
    """`tasks --json` must list every task line of the ground truth, templates left out."""

    def check(stdout: str) -> str | None:
        found = {(t["path"], t["line"]) for t in json.loads(stdout)["tasks"]}
        want = {
            (path, line)
            for path, note in ctx.truth["notes"].items()
            if not path.startswith("Templates/")
            for line in note["task_lines"]
        }
        return None if found == want else f"{len(found)} tasks listed, {len(want)} in the ground truth"

    return check


@case("tasks --json, every task (index holds the details)", requires=has_command("tasks"))
def tasks_all(ctx: Context) -> Run:
    _checked(ctx)
    return Run(ctx.vaultkit("tasks", "--json"), _every_task(ctx), ok_codes=(0,))


LONG_LINE = "w [[x]] " * 125_000  # 1 MB in one line: a pasted log or a minified export


def _long_line_vault(ctx: Context) -> Path:
    """A copy of the vault plus one note whose body is a single 1 MB line of links between two tasks:
    every scanner pass must stay linear in the line's length (it was quadratic: minutes for 5 MB)."""
    copy = ctx.work / f"long-line-{ctx.size}"
    if "long-line" not in ctx.state:
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(ctx.vault, copy, ignore=shutil.ignore_patterns(".vaultkit"))
        (copy / "Long line.md").write_text(f"- [ ] before\n{LONG_LINE}\n- [ ] after\n", "utf-8")
        ctx.state["long-line"] = copy
    return copy


@case("tasks --json, cold, with a 1 MB line of links", requires=has_command("tasks"))
def tasks_long_line(ctx: Context) -> Run:
    copy = _long_line_vault(ctx)
    ctx.drop_index(copy)
    return Run(ctx.vaultkit("tasks", "--json", vault=copy), ok_codes=(0,))
