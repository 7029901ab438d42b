"""Scale benchmark: synthetic stores of 1, 5 and 10 years resampled from the real events.

Keeps the real places, fronts, statuses and kinds; only the dates move. Times
loading the store cold (a fresh process, so no in-process cache) and warm,
one filter, one export, and the process's peak memory (max RSS), each store
measured in its own subprocess so the figures don't mix.

The real events come from data/events, else from an ingest of
../shared/reports/isw (see :func:`bench._common.event_store`); without either
the script says so and exits 0.

Usage: python bench/scale.py [--events-dir DIR] [--years 1 5 10] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import event_store, ms, row
from geo.store import FileStore
from geo.store.geojson import export_geojson
from geo.store.query import ViewQuery, filter_events


def _report_files(src: Path) -> list[dict]:
    out = []
    for f in sorted(src.glob("*.geojson")):
        try:
            out.append(json.loads(f.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue
    return out


def make_store(src: Path, dest: Path, years: int, seed: int = 7) -> int:
    """Write ``years`` x 365 daily report files into ``dest``; return the event count."""
    reports = [r for r in _report_files(src) if r.get("features")]
    if not reports:
        raise SystemExit(f"no events in {src}: ingest reports first")
    rng = random.Random(seed)
    start = dt.date(2022, 2, 24)
    dest.mkdir(parents=True, exist_ok=True)
    n = 0
    for d in range(years * 365):
        day = (start + dt.timedelta(days=d)).isoformat()
        base = rng.choice(reports)
        feats = []
        for i, f in enumerate(base["features"]):
            props = dict(f["properties"], date=day, id=f"{day}-{i}")
            feats.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
        meta = dict(base.get("frontline") or {})
        meta["report"] = dict(meta.get("report") or {}, date=day)
        doc = {"type": "FeatureCollection", "features": feats, "frontline": meta}
        (dest / f"{day}_synthetic.geojson").write_text(json.dumps(doc), encoding="utf-8")
        n += len(feats)
    return n


def bench_store(store: Path, years: int, n_events: int) -> None:
    t = time.perf_counter()
    gdf = FileStore(store).load()
    cold = time.perf_counter() - t
    t = time.perf_counter()
    FileStore(store).load()
    warm = time.perf_counter() - t
    last = gdf["date"].max().date()
    q = ViewQuery.of(last - dt.timedelta(days=29), last, fronts=["Donetsk", "Luhansk"])
    t = time.perf_counter()
    sub = filter_events(gdf, q)
    filt = time.perf_counter() - t
    t = time.perf_counter()
    text = export_geojson(sub)
    exp = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\n{years} year(s): {n_events:,} events in {len(list(store.glob('*.geojson')))} files")
    row("load cold", ms(cold), "target < 1 s (1y), < 5 s (10y)", cold < (1 if years == 1 else 5))
    row("load warm (cached)", ms(warm), "target < 50 ms", warm < 0.05)
    row("filter (30 days, 2 fronts)", ms(filt), "target < 200 ms", filt < 0.2)
    row(f"export {len(sub):,} events ({len(text) / 1e6:.1f} MB)", ms(exp))
    row(
        "peak memory (max RSS of the process)",
        f"{peak / 2**20:.0f} MiB",
        "target < 1 GiB",
        peak < 2**30,
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events-dir", type=Path, help="real events to resample (default: see doc)")
    p.add_argument("--years", type=int, nargs="+", default=[1, 5, 10])
    p.add_argument("--keep", type=Path, help="write the stores here and keep them")
    p.add_argument(
        "--measure", nargs=3, metavar=("STORE", "YEARS", "EVENTS"), help=argparse.SUPPRESS
    )
    a = p.parse_args(argv)
    if a.measure:
        bench_store(Path(a.measure[0]), int(a.measure[1]), int(a.measure[2]))
        return 0
    print("== bench/scale.py: synthetic multi-year stores ==")
    if a.events_dir is None:
        found = event_store()
        if found is None:
            print("  no events: data/events is empty and ../shared is absent, skipped.")
            return 0
        a.events_dir, label = found
        print(f"  resampling: {label}")
    root = a.keep or Path(tempfile.mkdtemp(prefix="frontline-scale-"))
    try:
        for y in a.years:
            store = root / f"{y}y"
            if store.exists():
                shutil.rmtree(store)
            n = make_store(a.events_dir, store, y)
            cmd = [sys.executable, __file__, "--measure", str(store), str(y), str(n)]
            subprocess.run(cmd, check=True)
    finally:
        if not a.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
