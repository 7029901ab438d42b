"""Run every benchmark in turn: ``python -m bench``.

Each script prints its own figures next to its targets; this runner only
sequences them and stops on the first one that crashes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "ingest.py",
    "mapview.py",
    "scale.py",
    "coverage.py",
    "accuracy.py",
    "fetch.py",
    "browser.py",
)


def main() -> int:
    for name in SCRIPTS:
        script = HERE / name
        if not script.exists():
            print(f"== {name}: missing, skipped ==")
            continue
        print(f"\n{'=' * 72}\n== python bench/{name}\n{'=' * 72}", flush=True)
        rc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode
        if rc:
            print(f"bench/{name} failed with exit code {rc}")
            return rc
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
