"""The vault's git history, read with the `git` command: the last commit of each day, its notes, renames.

Only reading commands run (`rev-parse`, `log`, `ls-tree`, `diff-tree`, `cat-file --batch`): the working
tree, the index and the refs are never touched, and optional locks are off, so a backfill can run while
Obsidian's git plugin commits. Each command has a timeout. What cannot work (no git installed, not a
repository, a command that fails) is a VaultError with a sentence saying so.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vaultkit.errors import VaultError

__all__ = ["GIT_TIMEOUT", "GitHistory", "open_git"]

GIT_TIMEOUT = 120.0
"""Seconds one git command may take (a `cat-file` of every note version of a large vault included)."""

_ENV = {"GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}


def _git(root: Path, *args: str, stdin: bytes | None = None, timeout: float = GIT_TIMEOUT) -> bytes:
    command = ["git", "-C", str(root), "-c", "core.fsmonitor=false", "-c", "core.quotepath=off", *args]
    try:
        done = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
            env={**os.environ, **_ENV},
        )
    except FileNotFoundError as exc:
        raise VaultError("git is not installed (backfill reads the vault's history with `git`)") from exc
    except subprocess.TimeoutExpired as exc:
        raise VaultError(f"`git {args[0]}` took longer than {timeout:.0f} s; stopped") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        first = message[0] if message else f"exit status {done.returncode}"
        if "not a git repository" in first:
            raise VaultError(f"{root}: not in a git repository (nothing to backfill from)")
        raise VaultError(f"`git {args[0]}` failed in {root}: {first}")
    return done.stdout


def _is_vault_file(path: str) -> bool:
    """The vault walk's rule: no dot-folders (`.obsidian`, `.trash`, `.git`) and no dot-files."""
    return bool(path) and not any(part.startswith(".") for part in path.split("/"))


@dataclass(frozen=True, slots=True)
class GitHistory:
    """The git repository holding a vault; paths are vault-relative (the repository may be a parent)."""

    root: Path
    shallow: bool
    timeout: float = GIT_TIMEOUT

    def _run(self, *args: str, stdin: bytes | None = None) -> bytes:
        return _git(self.root, *args, stdin=stdin, timeout=self.timeout)

    def days(self) -> list[tuple[dt.date, str]]:
        """(day, commit) for each day a commit touched a note, oldest first: the day's last commit along
        the first-parent line of HEAD, dated by its committer's own clock (their local date)."""
        try:
            out = self._run(
                "log", "--first-parent", "--format=%H %cd", "--date=format:%Y-%m-%d", "--", "*.md"
            )
        except VaultError as exc:
            if "does not have any commits" in str(exc):
                return []
            raise
        by_day: dict[dt.date, str] = {}
        for line in reversed(out.decode("ascii").splitlines()):
            sha, day = line.split()
            by_day[dt.date.fromisoformat(day)] = sha  # oldest first: the day's last commit wins
        return sorted(by_day.items())

    def files(self, commit: str) -> dict[str, tuple[str, str]]:
        """Every file of the vault at `commit`: vault-relative path -> (mode, blob id); dot paths left out."""
        out = self._run("ls-tree", "-r", "-z", commit, "--", ".")
        found: dict[str, tuple[str, str]] = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, raw_path = entry.partition(b"\t")
            mode, kind, blob = meta.decode("ascii").split()
            path = raw_path.decode("utf-8", "surrogateescape")
            if kind == "blob" and _is_vault_file(path):
                found[path] = (mode, blob)
        return found

    def blobs(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The contents of these blobs, in one `git cat-file --batch`."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        out = self._run("cat-file", "--batch", stdin="".join(f"{blob}\n" for blob in wanted).encode("ascii"))
        found: dict[str, bytes] = {}
        at = 0
        for blob in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].decode("ascii").split()
            if len(header) != 3:  # "<id> missing": a blob a shallow or partial clone lacks
                at = end + 1
                continue
            size = int(header[2])
            found[blob] = out[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
        return found

    def renames(self, before: str, after: str) -> list[tuple[str, str]]:
        """(old path, new path) of every note git sees as moved between two commits (content kept)."""
        out = self._run(
            "diff-tree", "-r", "-z", "-M", "--relative", "--name-status", before, after, "--", "*.md"
        )
        fields = out.split(b"\0")
        moves: list[tuple[str, str]] = []
        at = 0
        while at < len(fields) and fields[at]:
            status = fields[at].decode("ascii")
            if status.startswith(("R", "C")):
                old, new = (f.decode("utf-8", "surrogateescape") for f in fields[at + 1 : at + 3])
                if status.startswith("R"):
                    moves.append((old, new))
                at += 3
            else:
                at += 2
        return moves


def open_git(root: Path | str, timeout: float = GIT_TIMEOUT) -> GitHistory:
    """The git repository the vault at `root` is in (at its root or a parent folder); VaultError when there
    is none, or git is not installed."""
    root = Path(root).resolve()
    out = _git(root, "rev-parse", "--is-shallow-repository", timeout=timeout).decode("ascii").split()
    return GitHistory(root, shallow=out[:1] == ["true"], timeout=timeout)
