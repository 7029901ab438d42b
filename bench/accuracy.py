"""Accuracy against the answer keys, and a plausibility self-check of every report.

    python -m bench.accuracy                     # every key + the self-check of ../shared/reports
    python -m bench.accuracy GOLD.csv REPORT ... # given pairs only
    python -m bench.accuracy --check-only        # the self-check only

Keys (``FRONTLINE_SHARED``, default ../shared, optional) in two layouts:

- ``front,section,name,geonameid,lat,lon,required`` (the front report key and
  ``bench/gold/isw_*.gold.csv``): a row is *found* when a mention with its name
  key sits on its front (and section, when the key names one);
- ``report_date,direction,name_as_written,geonameid,lat,lon,kind,required,note``
  (2025-2026 ISW keys): a direction is mapped to its front (the front whose zone
  holds most of its answer places, see :mod:`geo.places.zones`); a row is
  *found* when a mention with its name key is in the report: in the section the
  parser made for the direction when there is one, else on that front when the
  parser gave one.

Per key, over required rows: found, resolved within 5 km end to end (every
occurrence of the name on its front, or the nearest one when the key lists the
name at several places), exact GeoNames id, rows resolved more than 50 km off,
within 5 km of the found rows (the resolver's share), and the naive baseline in
the same run: the most populous GeoNames namesake.

The self-check parses and resolves every development report and lists events
(less towns of 10,000+ named by their own name, which reports use as reference
points and strike targets, and rivers) whose place lies more than 50 km from
its front's area (the settlements of the
front's oblasts and zone) or, for dates the occupied-area polygons cover, from
that day's occupied-area boundary (places in Ukraine). Events over 100 km are
what must not happen; ``tests/test_plausibility.py`` keeps that at zero.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import sys
import tarfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

# run as a script from any checkout, score that checkout's code (not an installed one)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo._text import name_key
from geo.distance import haversine_km
from geo.model import Place, Report, ResolvedMention
from geo.places.fronts import FRONTS, canonical_front
from geo.places.gazetteer import Gazetteer, load_gazetteer
from geo.places.zones import direction_front, zone_front
from geo.resolve.candidates import name_keys
from geo.resolve.resolver import resolve_report
from geo.settings import settings

REPO = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO / "bench" / "gold"
WITHIN_KM = 5.0
FAR_KM = 50.0
FAIL_KM = 100.0


# --- scoring keys ---------------------------------------------------------------------


@dataclass
class Score:
    label: str
    required: int = 0
    found: int = 0
    within5: int = 0
    exact: int = 0
    far: int = 0
    far_events: int = 0
    naive_within5: int = 0
    naive_far: int = 0
    misses: list[str] = field(default_factory=list)

    def line(self) -> str:
        req, fd = max(self.required, 1), max(self.found, 1)
        return (
            f"{self.label}: found {self.found}/{self.required} ({self.found / req:.1%}), "
            f"within 5 km {self.within5}/{self.required} ({self.within5 / req:.1%}) end to end, "
            f"{self.within5}/{self.found} ({self.within5 / fd:.1%}) of found, "
            f"exact id {self.exact}, >50 km {self.far} rows ({self.far_events} events) | "
            f"naive most-populous: within 5 km {self.naive_within5}/{self.required} "
            f"({self.naive_within5 / req:.1%}), >50 km {self.naive_far}"
        )

    def add(self, other: Score) -> None:
        for f in ("required", "found", "within5", "exact", "far", "far_events"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.naive_within5 += other.naive_within5
        self.naive_far += other.naive_far


@dataclass
class GoldRow:
    front: str | None
    section: str
    name: str
    geonameid: str
    lat: float
    lon: float
    direction: str = ""  # the 2025-2026 keys' direction ("Oleksandrivka", "Borova")


def read_gold(path: Path, gaz: Gazetteer) -> list[GoldRow]:
    """Required rows of a key in either layout, with the front each belongs to."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r.get("required") or "1").strip() == "1"]
    if rows and "direction" in rows[0]:
        fronts = _direction_fronts(rows, gaz)
        return [
            GoldRow(fronts[r["direction"]], "", r["name_as_written"], r["geonameid"],
                    float(r["lat"]), float(r["lon"]), r["direction"])
            for r in rows
        ]  # fmt: skip
    return [
        GoldRow(canonical_front(r["front"]), r.get("section") or "", r["name"], r["geonameid"],
                float(r["lat"]), float(r["lon"]))
        for r in rows
    ]  # fmt: skip


def _direction_fronts(rows: list[dict], gaz: Gazetteer) -> dict[str, str | None]:
    """Each direction's front: the zone most of its answer places lie in."""
    by_id = {p.place_id: p for p in gaz.places}
    votes: dict[str, Counter] = {}
    for r in rows:
        p = by_id.get(f"geonames:{r['geonameid']}")
        z = zone_front(p) if p is not None else None
        votes.setdefault(r["direction"], Counter())[z] += z is not None
    out: dict[str, str | None] = {}
    for d, c in votes.items():
        top = [f for f, n in c.most_common() if f is not None and n > 0]
        out[d] = top[0] if top else direction_front(d, gaz)
    return out


def _naive(gaz: Gazetteer, name: str) -> Place | None:
    """What a user without Frontline gets: the most populous namesake."""
    cands = [p for k in name_keys(name, name_key(name)) for p in gaz.candidates(k)]
    towns = [p for p in cands if p.feature_code.startswith("PPL")] or cands
    return max(towns, key=lambda p: (p.population, -len(p.feature_code)), default=None)


def _km(p: Place, row: GoldRow) -> float:
    return haversine_km(p.lat, p.lon, row.lat, row.lon)


def _hits(row: GoldRow, resolved: list[ResolvedMention]) -> list[ResolvedMention]:
    keys = set(name_keys(row.name, name_key(row.name)))
    same = [r for r in resolved if r.mention.key in keys or name_key(r.mention.text) in keys]
    if row.section:
        sec = name_key(row.section)
        same = [r for r in same if name_key(r.section) == sec] or []
    if row.direction:
        # the report's own section for the direction ("Oleksandrivka direction"),
        # when the parser found one: a namesake in another direction is not this row
        d = name_key(row.direction)
        mine = [r for r in same if r.section and name_key(r.section).startswith(d)]
        if mine:
            return mine
    on_front = [r for r in same if r.event_front and canonical_front(r.event_front) == row.front]
    return on_front or ([] if row.section else same)


def score(gold_path: Path, report: Report, gaz: Gazetteer) -> Score:
    resolved = resolve_report(report, gaz)
    rows = read_gold(gold_path, gaz)
    places_per_name = Counter(name_key(r.name) for r in rows)
    sc = Score(label=gold_path.name)
    for row in rows:
        sc.required += 1
        naive = _naive(gaz, row.name)
        sc.naive_within5 += naive is not None and _km(naive, row) <= WITHIN_KM
        sc.naive_far += naive is not None and _km(naive, row) > FAR_KM
        hits = _hits(row, resolved)
        if not hits:
            sc.misses.append(f"not found: {row.front}/{row.name}")
            continue
        sc.found += 1
        done = [h for h in hits if h.resolution.place is not None]
        kms = [_km(h.resolution.place, row) for h in done if h.resolution.place is not None]
        # a name the key lists at several places: the nearest occurrence answers
        judged = ([min(kms)] if places_per_name[name_key(row.name)] > 1 else kms) if kms else []
        ok = bool(judged) and max(judged) <= WITHIN_KM
        sc.within5 += ok
        first = done[0].resolution.place if done else None
        sc.exact += first is not None and first.place_id == f"geonames:{row.geonameid}"
        far = [d for d in judged if d > FAR_KM]
        sc.far += bool(far)
        sc.far_events += len(far)
        if not ok:
            h = done[0] if done else hits[0]
            p = h.resolution.place
            where = f"{p.place_id} {p.name} ({p.oblast}) {min(kms):.0f} km" if p else "unresolved"
            sc.misses.append(
                f"{row.front}/{row.name}: {where} [{h.resolution.method}, "
                f"{len(h.resolution.candidates)} candidates]"
            )
    return sc


def default_pairs() -> list[tuple[Path, Path]]:
    shared = settings.shared_dir
    later = shared / "reports" / "isw-later"
    pairs = [
        (shared / "eval" / "dayseries_2024-05-24.gold.csv",
         shared / "reports" / "dayseries" / "dayseries_2024-05-24.txt"),
        (shared / "eval" / "isw_2025-12-18.gold.csv", later / "isw_2025-12-18.txt"),
        (shared / "eval" / "isw_2026-02-07.gold.csv", later / "isw_2026-02-07.txt"),
    ]  # fmt: skip
    for g in sorted(GOLD_DIR.glob("isw_*.gold.csv")):
        pairs.append((g, shared / "reports" / "isw" / g.name.replace(".gold.csv", ".txt")))
    return pairs


# --- the plausibility self-check --------------------------------------------------------


@dataclass
class Flag:
    report: str
    mention: str
    front: str | None
    place: Place
    area_km: float
    line_km: float | None
    kind: str = "other"

    @property
    def worst(self) -> float:
        return max(self.area_km, self.line_km or 0.0)

    def line(self) -> str:
        p = self.place
        line = f", {self.line_km:.0f} km from the occupied area" if self.line_km else ""
        return (
            f"{self.report}: {self.mention!r} -> {p.place_id} {p.name} ({p.oblast}, {p.country}) "
            f"front {self.front}, {self.kind}: {self.area_km:.0f} km from the front's area{line}"
        )


class FrontAreas:
    """Distance from a place to a front's area: 0 inside the oblasts and zone of
    the front, else the distance to the nearest settlement there."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self._pts: dict[str, np.ndarray] = {}
        self._memo: dict[tuple[str, str], float] = {}

    # the occupied rear the southern fronts' reports name (airfields, depots in Crimea)
    REAR: ClassVar[dict[str, frozenset[str]]] = {
        "Zaporizhia": frozenset({"Crimea", "Sevastopol"}),
        "Kherson": frozenset({"Sevastopol"}),
    }

    def _inside(self, front: str, p: Place) -> bool:
        f = FRONTS[front]
        rear = self.REAR.get(front, frozenset())
        return p.oblast in f.oblasts | f.zone_oblasts | rear or p.raion in f.zone_raions

    def km(self, front: str, p: Place) -> float:
        if front not in FRONTS:
            return 0.0
        key = (front, p.place_id)
        if key not in self._memo:
            if self._inside(front, p):
                self._memo[key] = 0.0
            else:
                pts = self._points(front)
                d = haversine_km(p.lat, p.lon, pts[:, 0], pts[:, 1])
                self._memo[key] = float(np.min(d)) if len(pts) else 0.0
        return self._memo[key]

    def _points(self, front: str) -> np.ndarray:
        if front not in self._pts:
            pts = [
                (p.lat, p.lon) for p in self.gaz.places
                if p.precision == "settlement" and self._inside(front, p)
            ]  # fmt: skip
            self._pts[front] = np.array(pts or [(0.0, 0.0)][:0], dtype=float).reshape(-1, 2)
        return self._pts[front]


class OccupiedLine:
    """The occupied-area boundary of a day, from ../shared/frontline (extracted to the
    cache folder, never into the repository)."""

    LAT0 = 48.5

    def __init__(self, archive: Path) -> None:
        self.archive = archive
        self.folder = settings.cache_dir / "frontline-occupied"
        self._days: dict[dt.date, Path] | None = None
        self._lines: dict[dt.date, object] = {}

    def _index(self) -> dict[dt.date, Path]:
        if self._days is None:
            if not (self.folder / "data").is_dir() and self.archive.exists():
                self.folder.mkdir(parents=True, exist_ok=True)
                with tarfile.open(self.archive) as tar:
                    tar.extractall(self.folder, filter="data")
            self._days = {}
            for f in (self.folder / "data").glob("deepstatemap_data_*.geojson"):
                stamp = f.stem.rsplit("_", 1)[-1]
                self._days[dt.date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))] = f
        return self._days

    def covers(self, day: dt.date) -> bool:
        days = self._index()
        return bool(days) and min(days) <= day <= max(days)

    def km(self, day: dt.date, p: Place) -> float:
        import shapely
        from shapely.geometry import Point

        line = self._line(day)
        x, y = self._xy(p.lon, p.lat)
        return float(shapely.distance(line, Point(x, y)))

    def _xy(self, lon: float, lat: float) -> tuple[float, float]:
        return lon * 111.32 * math.cos(math.radians(self.LAT0)), lat * 110.57

    def _line(self, day: dt.date) -> object:
        days = self._index()
        near = min(days, key=lambda d: abs((d - day).days))
        if near not in self._lines:
            import json

            import shapely
            from shapely.geometry import shape

            geom = shape(json.loads(days[near].read_text())["features"][0]["geometry"])
            self._lines[near] = shapely.transform(
                geom.boundary, lambda a: np.column_stack(self._xy(a[:, 0], a[:, 1]))
            )
        return self._lines[near]


def check_reports(
    files: list[Path], gaz: Gazetteer, moved: list[Flag] | None = None
) -> tuple[int, list[Flag]]:
    """Resolve every report; the events lying > 50 km from their front's area or line.

    The resolver puts an event far from its section's front on the front of its
    own place (a strike on Odesa listed under Zaporizhia); a wrong namesake would
    hide there too, so ``moved`` collects those events, measured against the
    section's front, less the towns named by their own name.
    """
    from geo.parse.report import parse_file

    areas = FrontAreas(gaz)
    occupied = OccupiedLine(
        settings.shared_dir / "frontline" / "deepstatemap_occupied_daily_20240708-20260822.tar.xz"
    )
    flags: list[Flag] = []
    events = 0
    for f in files:
        try:
            report = parse_file(f)
        except Exception as exc:  # a report the parser refuses is the parser's finding
            print(f"  (skipped {f.name}: {exc})")
            continue
        in_range = occupied.covers(report.date)
        section_front = {
            id(m): canonical_front(fr.name) for fr in report.fronts for s in fr.sections
            for m in s.mentions if fr.name
        }  # fmt: skip
        for r in resolve_report(report, gaz):
            p, front = r.resolution.place, r.event_front
            sf = section_front.get(id(r.mention))
            if (
                moved is not None and p is not None and sf is not None and p.country == "UA"
                and (r.front is None or canonical_front(r.front) != sf) and not _reference(r, p)
            ):  # fmt: skip
                moved.append(Flag(f.name, r.mention.text, sf, p, areas.km(sf, p), None,
                                  r.mention.kind))  # fmt: skip
            if p is None or front is None or _reference(r, p):
                continue
            events += 1
            area = areas.km(canonical_front(front), p)
            line = occupied.km(report.date, p) if in_range and p.country == "UA" else None
            if area > FAR_KM or (line is not None and line > FAR_KM):
                flags.append(Flag(f.name, r.mention.text, front, p, area, line, r.mention.kind))
    return events, flags


REFERENCE_POPULATION = 10_000


def _reference(r: ResolvedMention, p: Place) -> bool:
    """A town named by its own name (a reference point or a strike target: "Odesa",
    "Kerch") or a river: legitimately far from the front's villages."""
    if p.precision != "settlement":
        return True
    named = name_key(p.name) == r.mention.key or r.mention.key.endswith("city")
    return named and (p.population >= REFERENCE_POPULATION or p.feature_code in ("PPLA", "PPLC"))


def development_reports() -> list[Path]:
    from geo.ingest import report_files

    root = settings.shared_dir / "reports"
    return report_files(root) if root.is_dir() else []


# --- command line ---------------------------------------------------------------------


def _score_all(pairs: list[tuple[Path, Path]], gaz: Gazetteer) -> None:
    from geo.parse.report import parse_file

    total = Score(label="TOTAL")
    for gold, path in pairs:
        if not gold.exists() or not path.exists():
            print(f"skipped: {gold} / {path} missing")
            continue
        sc = score(gold, parse_file(path), gaz)
        print(sc.line())
        for m in sc.misses:
            print(f"    {m}")
        total.add(sc)
    print(total.line())


def main(argv: list[str]) -> int:
    check_only = "--check-only" in argv
    argv = [a for a in argv if a != "--check-only"]
    if len(argv) % 2:
        print(__doc__)
        return 2
    if not argv and not settings.shared_dir.exists():
        print(f"skipped: {settings.shared_dir} is absent (the dev materials are optional)")
        return 0
    gaz = load_gazetteer()
    if not check_only:
        pairs = [(Path(a), Path(b)) for a, b in zip(argv[::2], argv[1::2], strict=True)]
        _score_all(pairs or default_pairs(), gaz)
    if argv:
        return 0
    files = development_reports()
    moved: list[Flag] = []
    events, flags = check_reports(files, gaz, moved)
    over = [f for f in flags if f.worst > FAIL_KM]
    print(
        f"plausibility: {len(files)} reports, {events} front events, {len(flags)} over "
        f"{FAR_KM:.0f} km, {len(over)} over {FAIL_KM:.0f} km"
    )
    for fl in sorted(flags, key=lambda f: -f.worst):
        print(f"    {fl.line()}")
    print(
        f"moved off their section's front by geography: {len(moved)} events (less towns "
        f"named by their own name); measured against the section's front:"
    )
    for fl in sorted(moved, key=lambda f: -f.worst):
        print(f"    {fl.line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
