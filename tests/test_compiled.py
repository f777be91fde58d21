"""The scanner compiled by mypyc (setup.py) and its Python source must behave the same.

The rest of the suite runs whichever form is installed; where that is the compiled one, the scanner's own
tests (each compares it with markdown-it-py) run again here on the Python source.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import vaultkit.markdown._fast.blocks

ROOT = Path(__file__).resolve().parents[1]
COMPILED = not vaultkit.markdown._fast.blocks.__file__.endswith(".py")
# The tests of the scanner and of what is built on it (the index).
SCANNER_TESTS = [f"tests/test_{name}.py" for name in ("fastscan", "markdown", "tasks", "index")]


def _run(args: list[str], *, pure: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VAULTKIT_PURE_PYTHON"}
    if pure:
        env["VAULTKIT_PURE_PYTHON"] = "1"
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_switch_selects_the_python_source() -> None:
    code = (
        "import vaultkit.markdown._fast.blocks as m, vaultkit.markdown.comments as c; "
        "print(m.__file__, c.__file__)"
    )
    found = _run(["-c", code], pure=True)
    assert found.returncode == 0, found.stderr
    assert [Path(name).name for name in found.stdout.split()] == ["blocks.py", "comments.py"]


def test_setup_lists_existing_modules() -> None:
    """setup.py's list (the Makefile reads it too, to rebuild after an edit): sorted, each file there."""
    source = (ROOT / "setup.py").read_text("utf-8")
    listed = [line.strip().strip('",') for line in source.splitlines() if line.startswith('    "vaultkit/')]
    assert listed == sorted(listed)
    assert {
        "vaultkit/markdown/_fast/blockrules.py",
        "vaultkit/markdown/comments.py",
        "vaultkit/markdown/_fast/blocks.py",
    } <= set(listed)
    assert all((ROOT / name).is_file() for name in listed)


@pytest.mark.skipif(not COMPILED, reason="the scanner is not compiled here: the whole suite ran its source")
def test_scanner_tests_pass_on_the_python_source() -> None:
    found = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", *SCANNER_TESTS], pure=True)
    assert found.returncode == 0, found.stdout[-4000:] + found.stderr[-2000:]
    assert " passed" in found.stdout.splitlines()[-1]
