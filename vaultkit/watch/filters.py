"""Which file-system paths the watcher ignores: everything that is not a note of the vault.

Pure: strings in, a boolean out. The rules are the vault walk's (dot-folders and dot-files are not part of
the vault, only `.md` files are notes) plus the temp files editors and sync tools leave beside a note while
saving it: those come and go in milliseconds, and reacting to them would cost a round for nothing.
"""

from __future__ import annotations

import re

__all__ = ["ignored", "ignored_folder"]

_EDITOR_TEMP = re.compile(
    r"""
      .*\.swp | .*\.swx | .*~          # vim, emacs and many others' backups
    | \.\#.*                           # emacs lock files
    | .*\.tmp                          # the generic temp suffix (ours included: `.vk-….tmp`)
    | 4913                             # vim's probe for a writable folder
    | .*\.sync-conflict-.*             # Syncthing's conflict copies
    """,
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)


def ignored(relpath: str) -> bool:
    """Whether a vault-relative `/` path (a file, or a folder when it has no `.md` suffix) is none of the
    watcher's business: inside or named as a dot-folder or dot-file, an editor's temp file, or not a note.

    A folder is never a note, so callers ask `ignored_folder` for those.
    """
    parts = relpath.split("/")
    if ignored_folder("/".join(parts[:-1])):
        return True
    name = parts[-1]
    return name.startswith(".") or bool(_EDITOR_TEMP.fullmatch(name)) or not name.lower().endswith(".md")


def ignored_folder(relpath: str) -> bool:
    """Whether a vault-relative folder (`""` is the vault itself) lies in or is a dot-folder."""
    return any(part.startswith(".") for part in relpath.split("/") if part)
