"""Score extraction and resolution against gold CSVs (issue 4's acceptance figures).

    python bench/accuracy.py [GOLD.csv REPORT.txt]...

With no arguments it scores the dev pair in ../shared (and skips with a message
when ../shared is absent) plus the ISW samples we labelled ourselves in
bench/gold/ (``isw_<date>.gold.csv`` -> ``../shared/reports/isw/isw_<date>.txt``).

Gold columns: front, section, name, geonameid, lat, lon, required. For every
required row: *found* = a mention with that name key in that front (and section,
when the gold names one); *resolved*; *within 5 km* of the gold point; *exact*
GeoNames id. *Namesakes* counts resolved front mentions that lie more than
50 km from every gold place of their front: the errors that hurt a map most.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from geo._text import name_key  # noqa: E402
from geo.distance import haversine_km  # noqa: E402
from geo.places.fronts import canonical_front  # noqa: E402
from geo.resolve.resolver import resolve_report  # noqa: E402
from geo.settings import settings  # noqa: E402

GOLD_DIR = REPO / "bench" / "gold"


@dataclass
class Score:
    label: str
    required: int = 0
    found: int = 0
    resolved: int = 0
    within5: int = 0
    exact: int = 0
    unresolved: int = 0
    namesakes: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    front_resolved: int = 0
    resolve_ms: float = 0.0

    def line(self) -> str:
        r = max(self.resolved, 1)
        return (
            f"{self.label}: found {self.found}/{self.required}, resolved {self.resolved}, "
            f"within 5 km {self.within5}/{self.resolved} ({self.within5 / r:.0%}), "
            f"exact id {self.exact}/{self.resolved} ({self.exact / r:.0%}), "
            f"unresolved {self.unresolved}, namesakes >50 km {len(self.namesakes)}"
            f"/{self.front_resolved} resolved front mentions, resolve {self.resolve_ms:.1f} ms"
        )


def _norm(s: str) -> str:
    return name_key(s or "")


def read_gold(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def score(gold_path: Path, report_path: Path, gaz) -> Score:
    from geo.parse.report import parse_file

    report = parse_file(report_path)
    t = time.perf_counter()
    resolved = resolve_report(report, gaz)
    ms = (time.perf_counter() - t) * 1000
    gold = read_gold(gold_path)
    sc = Score(label=gold_path.name, resolve_ms=ms)
    for g in gold:
        if g.get("required", "1").strip() != "1":
            continue
        sc.required += 1
        key, front, sec = name_key(g["name"]), canonical_front(g["front"]), _norm(g["section"])
        hits = [
            r for r in resolved
            if r.mention.key == key and r.front and canonical_front(r.front) == front
            and (not sec or _norm(r.section) == sec)
        ]  # fmt: skip
        if not hits:
            sc.misses.append(f"not found: {g['front']}/{g['section']}/{g['name']}")
            continue
        sc.found += 1
        done = [r for r in hits if r.resolution.place is not None]
        if not done:
            sc.unresolved += 1
            sc.misses.append(
                f"unresolved ({hits[0].resolution.method}, "
                f"{len(hits[0].resolution.candidates)} candidates): {g['front']}/{g['name']}"
            )
            continue
        sc.resolved += 1
        p = done[0].resolution.place
        d = haversine_km(p.lat, p.lon, float(g["lat"]), float(g["lon"]))
        sc.within5 += d <= 5
        sc.exact += p.place_id == f"geonames:{g['geonameid']}"
        if d > 5:
            sc.misses.append(
                f"wrong ({d:.0f} km, {done[0].resolution.method}): {g['front']}/{g['name']} "
                f"-> {p.place_id} {p.name} ({p.oblast})"
            )
    # namesakes: resolved front mentions far from every gold place of their front
    pts: dict[str, list[tuple[float, float]]] = {}
    for g in gold:
        if g["lat"] and g["lon"]:
            pts.setdefault(canonical_front(g["front"]), []).append(
                (float(g["lat"]), float(g["lon"]))
            )
    for r in resolved:
        p = r.resolution.place
        if p is None or not r.front or canonical_front(r.front) not in pts:
            continue
        sc.front_resolved += 1
        far = min(haversine_km(p.lat, p.lon, a, b) for a, b in pts[canonical_front(r.front)])
        if far > 50:
            sc.namesakes.append(
                f"{r.front}/{r.mention.text} -> {p.place_id} {p.name} ({p.oblast}), "
                f"{far:.0f} km from the front ({r.resolution.method})"
            )
    return sc


def default_pairs() -> list[tuple[Path, Path]]:
    shared = settings.shared_dir
    pairs = [
        (
            shared / "eval" / "dayseries_2024-05-24.gold.csv",
            shared / "reports" / "dayseries" / "dayseries_2024-05-24.txt",
        )
    ]
    for g in sorted(GOLD_DIR.glob("isw_*.gold.csv")):
        pairs.append((g, shared / "reports" / "isw" / g.name.replace(".gold.csv", ".txt")))
    return pairs


def main(argv: list[str]) -> int:
    if len(argv) % 2:
        print(__doc__)
        return 2
    pairs = [(Path(a), Path(b)) for a, b in zip(argv[::2], argv[1::2], strict=True)]
    if not pairs:
        if not settings.shared_dir.exists():
            print(f"skipped: {settings.shared_dir} is absent (the dev materials are optional)")
            return 0
        pairs = default_pairs()
    try:
        from geo.parse.report import parse_file  # noqa: F401
    except ImportError as exc:
        print(f"skipped: the report parser is not available ({exc})")
        return 0
    from geo.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    totals = Score(label="TOTAL")
    times = []
    for gold, report in pairs:
        if not gold.exists() or not report.exists():
            print(f"skipped: {gold} / {report} missing")
            continue
        sc = score(gold, report, gaz)
        print(sc.line())
        for m in sc.misses + sc.namesakes:
            print(f"    {m}")
        for f in ("required", "found", "resolved", "within5", "exact", "unresolved"):
            setattr(totals, f, getattr(totals, f) + getattr(sc, f))
        totals.front_resolved += sc.front_resolved
        totals.namesakes += sc.namesakes
        times.append(sc.resolve_ms)
    if times:
        totals.resolve_ms = statistics.median(times)
        print(totals.line() + " (median over reports)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
