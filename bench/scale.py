"""Scale benchmark: synthetic stores of 1, 5 and 10 years resampled from the real events.

Keeps the real places, fronts, statuses and kinds; only the dates move. Times
loading the store cold (a fresh process, so no in-process cache) and warm,
one filter, one export, and the process's peak memory (max RSS), each store
measured in its own subprocess so the figures don't mix.

The real events come from data/events, else from an ingest of
../shared/reports/isw (see :func:`bench._common.event_store`); without either
the script says so and exits 0.

Files versus PostGIS (when a database is reachable: FRONTLINE_BENCH_DATABASE_URL, else
the tests' FRONTLINE_TEST_DATABASE_URL or their default): the largest store is also
imported into a schema of its own, and both backends are timed side by side, each in a
fresh process: the first view (what the app computes before its first map), one day, 30
days, a front filter, per-place tables, exports. Then the many-viewers test: N sessions
(threads, as Streamlit runs them) in one or two app processes step through dates like
the Play button (one step per FRONTLINE_PLAY_SECONDS), each step doing the server work
of the app's step (stamp, the day's events, the map's data); median and 95th percentile
step time, and their ratio to one viewer.

Usage: python bench/scale.py [--events-dir DIR] [--years 1 5 10] [--keep DIR]
                             [--no-postgis] [--viewers 1 5 20] [--steps 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import event_store, ms, row
from geo.settings import settings
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


# --------------------------------------------------------------------------- files vs PostGIS

DEFAULT_DB = "postgresql://frontline:frontline@127.0.0.1:5432/frontline_test"


def bench_database_url() -> str | None:
    """The benchmark's database, if one answers."""
    url = (
        os.environ.get("FRONTLINE_BENCH_DATABASE_URL")
        or os.environ.get("FRONTLINE_TEST_DATABASE_URL")
        or DEFAULT_DB
    )
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:
        return None
    return url


def open_backend(spec: str):
    """``files:DIR`` or ``postgis:SCHEMA@URL``."""
    kind, _, rest = spec.partition(":")
    if kind == "files":
        return FileStore(Path(rest))
    from geo.store.postgis import PostGISStore

    schema, _, url = rest.partition("@")
    return PostGISStore(url, schema)


def import_store(files: Path, url: str, schema: str) -> float:
    """Copy a file store into a fresh schema; seconds taken."""
    from geo.store.postgis import PostGISStore
    from geo.store.transfer import copy_records, file_records

    db = PostGISStore(url, schema, bulk=True)  # as `frontline db import` does
    db.upgrade()
    t = time.perf_counter()
    done = copy_records(file_records(files), db)
    took = time.perf_counter() - t
    with db._direct(autocommit=True) as conn:  # fresh statistics for the planner
        conn.execute("ANALYZE events")
        conn.execute("ANALYZE reports")
    db.close()
    if not done.ok:
        raise SystemExit(f"import failed: {done.summary()}")
    return took


def _median_of(fn, args: list) -> float:
    times = []
    for x in args:
        t = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure_backend(spec: str) -> dict[str, float]:
    """The side-by-side figures of one backend, in this (fresh) process."""
    from geo.view.labels import evidence_table
    from geo.view.mapview import map_data

    store = open_backend(spec)
    out: dict[str, float] = {}
    t = time.perf_counter()  # what the app's first run asks (app.main, first=True)
    store.stamp()
    last = store.quick_dates()[-1]
    store.latest_report_date()
    evidence = evidence_table(store.reports_between(last, last))
    map_data(store.load(ViewQuery.of(last, last)), False, evidence)
    out["first view (fresh process)"] = time.perf_counter() - t
    t = time.perf_counter()  # what the full run that follows asks first
    dates = store.dates()
    store.fronts()
    out["then dates and fronts"] = time.perf_counter() - t
    days = dates[-400::37][:10]
    out["one day"] = _median_of(lambda d: store.load(ViewQuery.of(d, d)), days)
    month = [(d - dt.timedelta(days=29), d) for d in days[:5]]
    out["30 days"] = _median_of(lambda r: store.load(ViewQuery.of(*r)), month)
    out["30 days, 2 fronts"] = _median_of(
        lambda r: store.load(ViewQuery.of(*r, fronts=["Donetsk", "Luhansk"])), month
    )
    out["per place, 30 days"] = _median_of(lambda r: store.places(ViewQuery.of(*r)), month)
    out["per front per date, 1 year"] = _median_of(
        lambda r: store.front_counts(ViewQuery.of(r[1] - dt.timedelta(days=365), r[1])), month
    )
    out["per place, whole store"] = _median_of(lambda _: store.places(), [0])
    out["export 30 days"] = _median_of(
        lambda r: export_geojson(store.load(ViewQuery.of(*r))), month[:3]
    )
    out["export whole store"] = _median_of(lambda _: export_geojson(store.load()), [0])
    return out


def compare(specs: dict[str, str]) -> None:
    got = {}
    for name, spec in specs.items():
        cmd = [sys.executable, __file__, "--measure-backend", spec]
        res = subprocess.run(cmd, check=True, capture_output=True, text=True)
        got[name] = json.loads(res.stdout.strip().splitlines()[-1])
    print(f"\n  {'':<34} {'files':>12} {'PostGIS':>12} {'PostGIS/files':>14}")
    for k in got["files"]:
        f, p = got["files"][k], got["postgis"][k]
        print(f"  {k:<34} {ms(f):>12} {ms(p):>12} {p / f:>13.2f}x")
    day = got["postgis"]["one day"]
    row("PostGIS day view on the whole store", ms(day), "target < 100 ms", day < 0.1)


# --------------------------------------------------------------------------- many viewers


def viewer_worker(spec: str, sessions: int, steps: int, think: float, seed: int) -> None:
    """One app process: ``sessions`` threads stepping through dates; prints step times."""
    from geo.view.mapview import map_data

    store = open_backend(spec)
    dates = store.dates()
    store.load(ViewQuery.of(dates[-1], dates[-1]))  # warm: what a running server has
    print("ready", flush=True)
    sys.stdin.readline()  # go
    times: list[tuple[float, float]] = []
    lock = threading.Lock()

    def session(i: int) -> None:
        start = random.Random(seed * 1000 + i).randrange(len(dates) - steps)
        for k in range(steps):
            d = dates[start + k]
            t = time.perf_counter()
            store.stamp()
            view = store.load(ViewQuery.of(d, d))
            t_store = time.perf_counter() - t
            map_data(view)
            took = time.perf_counter() - t
            with lock:
                times.append((t_store, took))
            time.sleep(max(0.0, think - took))

    threads = [threading.Thread(target=session, args=(i,)) for i in range(sessions)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    print(json.dumps(times), flush=True)


def many_viewers(
    spec: str, n: int, procs: int, steps: int, think: float
) -> list[tuple[float, float]]:
    """(store part, whole step) of every step of ``n`` viewers in ``procs`` processes."""
    per = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
    workers = []
    try:
        for i, k in enumerate(per):
            cmd = [sys.executable, __file__, "--viewer-worker", spec, str(k), str(steps),
                   str(think), str(i)]  # fmt: skip
            workers.append(
                subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            )
        for w in workers:
            assert w.stdout is not None and w.stdout.readline().strip() == "ready"
        for w in workers:
            assert w.stdin is not None
            w.stdin.write("go\n")
            w.stdin.flush()
        times: list[tuple[float, float]] = []
        for w in workers:
            out, _ = w.communicate(timeout=1800)
            times += [tuple(x) for x in json.loads(out.strip().splitlines()[-1])]
        return times
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()


def _stats(values: list[float]) -> tuple[float, float]:
    v = sorted(values)
    return statistics.median(v), v[min(len(v) - 1, int(0.95 * len(v)))]


def load_test(specs: dict[str, str], viewers: list[int], steps: int, think: float) -> None:
    print(
        f"\n  many viewers: each steps {steps} dates, one step per {think:g} s. store = stamp +"
        " the day's events (the backend's part); step = store + the map's data (pandas)"
    )
    print(
        f"  {'backend':<9} {'procs':>5} {'N':>4} {'store median':>13} {'p95':>9} {'ratio':>6}"
        f" {'step median':>12} {'p95':>9} {'ratio':>6}"
    )
    for name, spec in specs.items():
        base: tuple[float, float] | None = None  # one viewer, one process: the baseline
        for procs in (1, 2):
            for n in viewers:
                if n < procs:
                    continue
                t = many_viewers(spec, n, procs, steps, think)
                s_med, s_p95 = _stats([x[0] for x in t])
                w_med, w_p95 = _stats([x[1] for x in t])
                base = base or (s_med, w_med)
                ok = ""  # the target: N viewers step within 2x one viewer's step time
                if n == max(viewers):
                    ok = "  OK" if w_med <= 2 * base[1] else "  MISSED"
                print(
                    f"  {name:<9} {procs:>5} {n:>4} {ms(s_med):>13} {ms(s_p95):>9}"
                    f" {s_med / base[0]:>5.2f}x {ms(w_med):>12} {ms(w_p95):>9}"
                    f" {w_med / base[1]:>5.2f}x{ok}"
                )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events-dir", type=Path, help="real events to resample (default: see doc)")
    p.add_argument("--years", type=int, nargs="+", default=[1, 5, 10])
    p.add_argument("--keep", type=Path, help="write the stores here and keep them")
    p.add_argument("--no-postgis", action="store_true", help="files only")
    p.add_argument("--viewers", type=int, nargs="+", default=[1, 5, 20])
    p.add_argument("--steps", type=int, default=15, help="dates each viewer steps through")
    p.add_argument(
        "--measure", nargs=3, metavar=("STORE", "YEARS", "EVENTS"), help=argparse.SUPPRESS
    )
    p.add_argument("--measure-backend", help=argparse.SUPPRESS)
    p.add_argument("--viewer-worker", nargs=5, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.measure:
        bench_store(Path(a.measure[0]), int(a.measure[1]), int(a.measure[2]))
        return 0
    if a.measure_backend:
        print(json.dumps(measure_backend(a.measure_backend)))
        return 0
    if a.viewer_worker:
        spec, k, steps, think, seed = a.viewer_worker
        viewer_worker(spec, int(k), int(steps), float(think), int(seed))
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
    url = None if a.no_postgis else bench_database_url()
    schema = f"bench_scale_{os.getpid()}"
    try:
        for y in a.years:
            store = root / f"{y}y"
            if store.exists():
                shutil.rmtree(store)
            n = make_store(a.events_dir, store, y)
            cmd = [sys.executable, __file__, "--measure", str(store), str(y), str(n)]
            subprocess.run(cmd, check=True)
        if url is None:
            print("\n  PostGIS: no database reachable (or --no-postgis), skipped.")
            return 0
        biggest = root / f"{max(a.years)}y"
        print(f"\n== files vs PostGIS, {max(a.years)} year(s) ==")
        took = import_store(biggest, url, schema)
        row("frontline db import (one transaction per report)", ms(took))
        specs = {"files": f"files:{biggest}", "postgis": f"postgis:{schema}@{url}"}
        compare(specs)
        load_test(specs, a.viewers, a.steps, settings.play_seconds)
    finally:
        if url is not None:
            from psycopg import connect, sql

            with connect(url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
                )
        if not a.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
