"""vaultkit's own output never trips `check`: an open-tasks block copies no placeholder, tag, ambiguous or
broken link out of the notes it lists (golden block below)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

NOTES = {
    "Plans/Growth.md": "---\ntype: plan\n---\n# Growth\n"
    "- [ ] Read {{date}} notes #learning on [[Growth]] and [[Nowhere|a page]] `#code` <% tp.x %>\n",
    "Other/Growth.md": "# Growth\n- [ ] Ask [[Other/Growth|here]] about #career/next\n",
    "Notes/Draft.md": '---\ntitle: "{{title}}"\n---\n- [ ] Fill in [[Plans/Growth#Growth]] today\n',
    "Home.md": "# Home\n\n<!-- vaultkit:begin open-tasks -->\n<!-- vaultkit:end -->\n",
}

BLOCK = """<!-- vaultkit:begin open-tasks -->

- [[Draft]]
  - Fill in [[Plans/Growth#Growth]] today
- [[Other/Growth]]
  - Ask [[Other/Growth|here]] about \\#career/next
- [[Plans/Growth]]
  - Read … notes \\#learning on [[Plans/Growth|Growth]] and a page `#code` …

<!-- vaultkit:end -->
"""


def run(*args: str) -> Result:
    from vaultkit.cli.commands import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_rollup_output_is_clean_for_check(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    for name, text in NOTES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    run("rollup", "--vault", str(root))
    home = (root / "Home.md").read_text(encoding="utf-8")
    problems = json.loads(run("check", "--json", "--vault", str(root)).output)["problems"]
    assert [p for p in problems if p["path"] == "Home.md"] == []
    assert home.split("\n\n", 1)[1] == BLOCK
