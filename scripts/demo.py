"""`make demo`: build a demo vault with vaultkit itself, exactly as a user would.

1. `vaultkit init` renders vault_template into a fresh vault with a starter plan;
2. `vaultkit import` brings in the sample PDP documents (when ../shared/samples exists), repairing them;
3. `vaultkit rollup` writes progress into properties and the Home dashboard;
4. `vaultkit status` prints the progress table.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
from pathlib import Path


def run(*args: str) -> int:
    print(f"\n$ {shlex.join(['vaultkit', *args])}", flush=True)  # quoted: each line can be pasted
    return subprocess.run([sys.executable, "-m", "vaultkit", *args], check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vault", default="build/demo-vault")
    parser.add_argument("--samples", default="../shared/samples")
    args = parser.parse_args()
    vault = Path(args.vault)
    if vault.exists():
        shutil.rmtree(vault)
    vault.parent.mkdir(parents=True, exist_ok=True)
    if run("init", str(vault), "--name", "Demo User", "--role", "Data Engineer", "--level", "senior"):
        return 1
    samples = sorted(Path(args.samples).glob("*.md"))
    if samples:
        if run("import", "--vault", str(vault), *map(str, samples)):
            return 1
    else:
        print(f"\n(no sample documents at {args.samples}; the demo uses the template only)")
    if run("rollup", "--vault", str(vault)) not in (0,):
        return 1
    status = run("status", "--vault", str(vault))
    print(f"\nDemo vault: {vault.resolve()} (open it in Obsidian with 'Open folder as vault')")
    return status


if __name__ == "__main__":
    sys.exit(main())
