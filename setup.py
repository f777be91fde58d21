"""Build hook: compile the note scanner with mypyc when a C compiler is at hand.

Everything else is in pyproject.toml. The modules listed in `COMPILED` are the per-line work of a cold index
(see docs/performance.md): compiled, a first `status` on 10,000 notes runs in about half the time. They stay
plain Python that mypy checks; when mypyc or a C compiler is missing, or `VAULTKIT_PURE_PYTHON=1` is set,
the extensions are skipped (`optional`) and the same code runs as Python, with the same results.
"""

from __future__ import annotations

import os

from setuptools import Extension, setup

COMPILED = [
    "vaultkit/markdown/_fast/blockrules.py",
    "vaultkit/markdown/_fast/blocks.py",
    "vaultkit/markdown/_fast/scan.py",
    "vaultkit/markdown/_fast/walk.py",
    "vaultkit/markdown/comments.py",
    "vaultkit/props/fast.py",
]


def _extensions() -> list[Extension]:
    if os.environ.get("VAULTKIT_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    extensions: list[Extension] = mypycify(COMPILED, opt_level="3", group_name="vaultkit_scan")
    for extension in extensions:
        extension.optional = True  # no compiler: install anyway, as plain Python
    return extensions


setup(ext_modules=_extensions())
