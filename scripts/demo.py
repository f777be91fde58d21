"""`make demo`: build a demo vault from vault_template, bring in the sample PDPs, print progress.

Kept as a script (not a CLI command) because it is a walkthrough of the CLI, run exactly as a user would.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> int:
    print("$ vaultkit " + " ".join(args), flush=True)
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
    shutil.copytree(ROOT / "vault_template", vault)
    samples = Path(args.samples)
    if samples.is_dir():
        target = vault / "Imported"
        target.mkdir(exist_ok=True)
        for sample in sorted(samples.glob("*.md")):
            shutil.copy2(sample, target / sample.name)
    else:
        print(f"(no samples at {samples}; demo uses the template only)")
    run("status", "--vault", str(vault))
    return 0


if __name__ == "__main__":
    sys.exit(main())
