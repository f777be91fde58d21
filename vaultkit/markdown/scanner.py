"""The one place that decides which engine reads a note body: the fast scanner or markdown-it-py.

markdown-it-py (`vaultkit.markdown.oracle`) is the reference: CommonMark's block structure, several
milliseconds a note. The fast scanner (`vaultkit.markdown._fast`) gives the same answer in one pass over
the lines, or declines (`UndecidedError`) where it cannot be sure. Every caller goes through this module,
so the choice is made here and only here, with an explicit engine:

- `auto` (the default): the fast scanner, and the oracle for each note it declines;
- `oracle`: markdown-it-py for every note, for a user who suspects the fast path. Set it with
  `VAULTKIT_SCANNER=oracle` or `[scanner] engine = "oracle"` in `.vaultkit/config.toml`; the index's
  fingerprint includes the engine, so switching re-reads every note once;
- `fast`: the fast scanner only, raising `UndecidedError` where it declines; an argument for the
  differential tests, which hold it to `oracle` through this module (a setting takes `auto` or `oracle`).

`COUNTS` records which engine read each note body, and how many notes' properties left the fast
property reader for a full YAML parse (`make bench` prints both).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal, cast

from vaultkit.errors import VaultError
from vaultkit.markdown._fast import scan as fast
from vaultkit.markdown._fast.blockrules import UndecidedError
from vaultkit.markdown._fast.scan import FastDetail, FastSummary
from vaultkit.notes.structure import Structure
from vaultkit.notes.tasks import DEFAULT_STATUSES, TaskStatuses

__all__ = [
    "COUNTS",
    "ENGINES",
    "ENV_VAR",
    "Engine",
    "EngineCounts",
    "FastDetail",
    "FastSummary",
    "UndecidedError",
    "code_lines",
    "current_engine",
    "note_detail",
    "note_summary",
    "scan",
    "set_engine",
]

Engine = Literal["auto", "fast", "oracle"]
ENGINES: tuple[Engine, ...] = ("auto", "fast", "oracle")
ENV_VAR = "VAULTKIT_SCANNER"


@dataclass(slots=True)
class EngineCounts:
    """Which engine read each note body, and which reader each note's properties took."""

    fast: int = 0
    oracle: int = 0
    yaml_properties: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"fast": self.fast, "oracle": self.oracle, "yaml_properties": self.yaml_properties}

    def reset(self) -> None:
        self.fast = self.oracle = self.yaml_properties = 0
        fast.YAML_READS[0] = 0

    def refresh(self) -> EngineCounts:
        """Take in the property reads the fast scanner counted itself."""
        self.yaml_properties = fast.YAML_READS[0]
        return self


COUNTS = EngineCounts()


def _checked(value: str, where: str) -> Engine:
    """A setting's engine: `auto` or `oracle` (`fast` alone would fail on the notes it declines)."""
    if value not in ("auto", "oracle"):
        raise VaultError(f'{where}: the scanner engine is "auto" or "oracle", not {value!r}')
    return cast(Engine, value)


def current_engine() -> Engine:
    """The process-wide engine: `$VAULTKIT_SCANNER`, else `auto`."""
    return _checked(os.environ.get(ENV_VAR, "").strip() or "auto", f"${ENV_VAR}")


def set_engine(engine: str, where: str = "the scanner engine") -> None:
    """Make `engine` this process's default, and its worker processes' (through the environment, which
    the index's worker pool inherits). `where` names the setting in the error for a bad value."""
    os.environ[ENV_VAR] = _checked(engine, where)


def _engine(engine: Engine | None) -> Engine:
    return engine if engine is not None else current_engine()


def _oracle_scan(body: str, first_line: int, statuses: TaskStatuses) -> Structure:
    from vaultkit.markdown import oracle  # markdown-it-py loads only for notes that need it

    COUNTS.oracle += 1
    return oracle.scan(body, first_line, statuses)


def _oracle_counts(body: str, first_line: int, statuses: TaskStatuses) -> tuple[int, int, int]:
    tasks = _oracle_scan(body, first_line, statuses).tasks
    done = sum(1 for task in tasks if task.state == "done")
    cancelled = sum(1 for task in tasks if task.state == "cancelled")
    return done, len(tasks) - done - cancelled, cancelled


def _fast_counts_only(body: str, first_line: int, statuses: TaskStatuses) -> tuple[int, int, int]:
    raise UndecidedError("the fast engine declines this note body")


def scan(
    body: str, first_line: int = 1, statuses: TaskStatuses = DEFAULT_STATUSES, *, engine: Engine | None = None
) -> Structure:
    """Tasks, headings, links, tags and leftover `{{placeholders}}` of a note body.

    `first_line` is the 1-based file line of the body's first line (frontmatter comes before it).
    """
    chosen = _engine(engine)
    if chosen != "oracle":
        try:
            found = fast.scan_fast(body, first_line, statuses)
        except UndecidedError:
            if chosen == "fast":
                raise
        else:
            COUNTS.fast += 1
            return found
    return _oracle_scan(body, first_line, statuses)


def code_lines(body: str, *, engine: Engine | None = None) -> set[int]:
    """The 0-based lines of a note body that are fenced or indented code (a `%%` there is literal)."""
    chosen = _engine(engine)
    if chosen != "oracle":
        try:
            return fast.code_lines(body)
        except UndecidedError:
            if chosen == "fast":
                raise
    from vaultkit.markdown import oracle

    return oracle.code_lines(body)


def note_summary(
    path: str, data: bytes, statuses: TaskStatuses, *, engine: Engine | None = None
) -> FastSummary | None:
    """(title, type, (done, open, cancelled), properties, problems, has properties) of a note file's
    bytes, without building a `Note`; None where the caller must build one (binary or non-UTF-8 files, or
    the `oracle` engine, whose `Note` reads its body through `scan`)."""
    chosen = _engine(engine)
    if chosen == "oracle":
        return None
    before = COUNTS.oracle
    found = fast.fast_summary(path, data, statuses, _fast_counts_only if chosen == "fast" else _oracle_counts)
    if found is not None and COUNTS.oracle == before:
        COUNTS.fast += 1
    return found


def note_detail(
    path: str, data: bytes, statuses: TaskStatuses, *, engine: Engine | None = None
) -> FastDetail | None:
    """What a note's full record holds, as rows (title, type, properties, problems, has properties, the
    body's rows, the properties' links), without building a `Note`; None where the caller must build one
    (binary or non-UTF-8 files, bodies the fast scanner declines, or the `oracle` engine)."""
    chosen = _engine(engine)
    if chosen == "oracle":
        return None
    found = fast.fast_detail(path, data, statuses)
    if found is not None:
        COUNTS.fast += 1
    return found
