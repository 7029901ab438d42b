"""What the parser finds over folders of reports: fronts, sections, mentions, initiatives,
and how many of the answer keys' required places it finds.

Not a timing (``bench/ingest.py`` times ingest): the figures an issue's
closing note quotes for "every report parses; each has its fronts with
places". For every folder it prints totals, and with ``--per-report`` one
line per report: fronts (with their number of sections), mentions inside
fronts and outside, and the report's notice (a special edition has no front
sections and says so).

Answer keys: every ``*.gold.csv`` in ``../shared/eval`` and ``bench/gold``
whose report is among the parsed files (``isw_2025-12-18.gold.csv`` ->
``isw_2025-12-18.*``). A required row is *found* when a mention of the report
has the row's name key (or the key of one of its alternate names, for
``Chervonyi (Krasnyi) Lyman``); *in a front* when that mention lies in a front
section; *in its direction* when the section's heading shares a word with the
row's direction (keys with a ``direction`` column) or the front matches (keys
with ``front``/``section`` columns).

Defaults to ../shared/reports/isw and ../shared/reports/isw-later; without
them the script says so and exits 0.

Usage: python bench/coverage.py [FOLDER ...] [--per-report]
"""

from __future__ import annotations

import argparse
import collections
import csv
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ISW_DIR, REPO, SHARED, row
from geo._text import name_key
from geo.errors import ReportError
from geo.ingest import report_files
from geo.model import Mention, Report
from geo.parse.report import parse_file
from geo.places.fronts import canonical_front
from geo.places.gazetteer import load_gazetteer

DEFAULT_DIRS = (ISW_DIR, SHARED / "reports" / "isw-later")
GOLD_DIRS = (SHARED / "eval", REPO / "bench" / "gold")
TARGET_FOUND = 0.99


@dataclass
class GoldScore:
    label: str
    required: int = 0
    found: int = 0
    in_front: int = 0
    in_direction: int = 0

    def line(self) -> str:
        n = max(self.required, 1)
        return (
            f"found {self.found}/{self.required} ({self.found / n:.1%}), in a front "
            f"{self.in_front}, in its direction {self.in_direction} ({self.in_direction / n:.1%})"
        )


def _keys(m: Mention) -> set[str]:
    return {m.key, *getattr(m, "alt_keys", ())}


def _placed(r: Report) -> list[tuple[Mention, str | None, str]]:
    """(mention, front, section heading) for every mention of the report."""
    out: list[tuple[Mention, str | None, str]] = [
        (m, f.name, s.heading) for f in r.fronts for s in f.sections for m in s.mentions
    ]
    out += [(m, None, "") for m in r.other_mentions]
    return out


_WORD = re.compile(r"[^\W\d_][\w'’]*")
_NOT_DIRECTION = {name_key(w) for w in ("oblast", "rear", "strike", "direction", "city")}


def _words(s: str) -> set[str]:
    return {name_key(w) for w in _WORD.findall(s)} - _NOT_DIRECTION


def score_gold(gold: Path, r: Report) -> GoldScore:
    """How many required rows of ``gold`` the parsed report ``r`` finds (module docstring)."""
    sc = GoldScore(gold.name)
    placed = _placed(r)
    with gold.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for g in rows:
        if g.get("required", "1").strip() != "1":
            continue
        sc.required += 1
        name = g.get("name_as_written") or g.get("name") or ""
        keys = {name_key(name), name_key(re.sub(r"\s*\([^)]*\)\s*", " ", name))}
        hits = [(m, f, h) for m, f, h in placed if _keys(m) & keys]
        if not hits:
            continue
        sc.found += 1
        sc.in_front += any(f for _, f, _ in hits)
        if "direction" in g:
            want = _words(g["direction"])
            sc.in_direction += any(f and _words(h) & want for _, f, h in hits)
        else:
            front = canonical_front(g.get("front", ""))
            sc.in_direction += any(f and canonical_front(f) == front for _, f, _ in hits)
    return sc


def _report_line(path: Path, r: Report) -> str:
    fronts = " ".join(f"{f.name}:{len(f.sections)}" for f in r.fronts) or "-"
    k = sum(len(s.mentions) for f in r.fronts for s in f.sections)
    notice = getattr(r, "notice", None)
    extra = f"  [{notice}]" if notice else ""
    return (
        f"  {path.name:<24} {r.format:<9} in {k:>4} out {len(r.other_mentions):>4}  {fronts}{extra}"
    )


def folder_figures(folder: Path, gaz, per_report: bool) -> dict[str, Report]:
    """Parse every report in ``folder`` and print its figures; returns the parsed reports."""
    fronts: collections.Counter[str] = collections.Counter()
    initiative: collections.Counter[str] = collections.Counter()
    n = in_fronts = other = sections = 0
    failed: list[str] = []
    empty: list[str] = []
    parsed: dict[str, Report] = {}
    t0 = time.perf_counter()
    for path in report_files(folder):
        try:
            r = parse_file(path, gaz=gaz)
        except ReportError as exc:
            failed.append(f"{path.name}: {exc}")
            continue
        parsed[path.stem] = r
        n += 1
        k = sum(len(s.mentions) for f in r.fronts for s in f.sections)
        if k == 0:
            empty.append(path.name)
        in_fronts += k
        other += len(r.other_mentions)
        for f in r.fronts:
            fronts[f.name] += 1
            sections += len(f.sections)
            initiative[f"{f.initiative or 'unknown'} ({f.initiative_source or '-'})"] += 1
        if per_report:
            print(_report_line(path, r))
    secs = time.perf_counter() - t0
    row("folder", str(folder))
    row("reports parsed (failed)", f"{n} ({len(failed)})")
    row("parse only, reports/s", f"{n / secs:.1f}" if secs else "-")
    row("reports without front places", str(len(empty)))
    row("fronts", f"{sum(fronts.values()):,}")
    for name, c in fronts.most_common():
        row(f"  {name}", f"{c:,}")
    row("sections", f"{sections:,}")
    row("mentions in front sections", f"{in_fronts:,}")
    row("mentions outside fronts", f"{other:,}")
    for name, c in initiative.most_common():
        row(f"initiative {name}", f"{c:,}")
    for line in failed[:10] + empty[:10]:
        print(f"  ! {line}")
    return parsed


def gold_figures(parsed: dict[str, Report]) -> None:
    total = GoldScore("TOTAL")
    for d in GOLD_DIRS:
        for gold in sorted(d.glob("*.gold.csv")) if d.is_dir() else ():
            r = parsed.get(gold.name.removesuffix(".gold.csv"))
            if r is None:
                continue
            sc = score_gold(gold, r)
            row(f"key {gold.name}", sc.line())
            for f in ("required", "found", "in_front", "in_direction"):
                setattr(total, f, getattr(total, f) + getattr(sc, f))
    if total.required:
        share = total.found / total.required
        row(
            "keys TOTAL", total.line(), f"target found >= {TARGET_FOUND:.0%}", share >= TARGET_FOUND
        )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--per-report", action="store_true", help="one line per report")
    a = ap.parse_args()
    print("== bench/coverage.py: what the parser finds ==")
    folders = [f for f in (a.folders or DEFAULT_DIRS) if f.is_dir()]
    if not folders:
        print("  no report folder found: nothing to read.")
        return 0
    gaz = load_gazetteer()
    parsed: dict[str, Report] = {}
    for folder in folders:
        parsed.update(folder_figures(folder, gaz, a.per_report))
    dayseries = SHARED / "reports" / "dayseries"
    if not a.folders and dayseries.is_dir():
        for path in report_files(dayseries):
            parsed[path.stem] = parse_file(path, gaz=gaz)
    gold_figures(parsed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
