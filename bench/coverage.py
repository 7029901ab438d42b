"""What the parser finds over a folder of reports: reports, fronts, mentions, initiatives.

Not a timing: the figures an issue's closing note quotes for "every report
parses; each has its fronts with places". Defaults to ../shared/reports/isw;
without it the script says so and exits 0.

Usage: python bench/coverage.py [FOLDER]
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ISW_DIR, row
from geo.errors import ReportError
from geo.ingest import report_files
from geo.parse.report import parse_file
from geo.places.gazetteer import load_gazetteer


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", type=Path, default=ISW_DIR)
    a = ap.parse_args()
    print("== bench/coverage.py: what the parser finds ==")
    if not a.folder.is_dir():
        print(f"  {a.folder} not found: nothing to read.")
        return 0
    gaz = load_gazetteer()
    fronts: collections.Counter[str] = collections.Counter()
    initiative: collections.Counter[str] = collections.Counter()
    n = in_fronts = other = 0
    failed: list[str] = []
    empty: list[str] = []
    for path in report_files(a.folder):
        try:
            r = parse_file(path, gaz=gaz)
        except ReportError as exc:
            failed.append(f"{path.name}: {exc}")
            continue
        n += 1
        k = sum(len(s.mentions) for f in r.fronts for s in f.sections)
        if k == 0:
            empty.append(path.name)
        in_fronts += k
        other += len(r.other_mentions)
        for f in r.fronts:
            fronts[f.name] += 1
            initiative[f"{f.initiative or 'unknown'} ({f.initiative_source or '-'})"] += 1
    row("folder", str(a.folder))
    row("reports parsed (failed)", f"{n} ({len(failed)})")
    row("reports without front places", str(len(empty)))
    row("fronts", f"{sum(fronts.values()):,}")
    for name, c in fronts.most_common():
        row(f"  {name}", f"{c:,}")
    row("mentions in front sections", f"{in_fronts:,}")
    row("mentions outside fronts", f"{other:,}")
    for name, c in initiative.most_common():
        row(f"initiative {name}", f"{c:,}")
    for line in failed[:10] + empty[:10]:
        print(f"  ! {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
