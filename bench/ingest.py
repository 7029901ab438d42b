"""Ingest benchmark: a whole folder of reports, stage by stage, against the read+regex floor.

One in-process pass over every report, calling the same stage functions as
:func:`geo.ingest.ingest_files` (read -> parse -> resolve -> build + write),
each timed on its own, into a temporary events folder. The floor is what no
ingest can beat: reading the same files and running one compiled regular
expression (capitalised words, a stand-in for finding place names) over them.

Targets (issue 7): >= 50 reports/s end to end, within 3x the floor;
gazetteer load < 0.5 s.

Usage: python bench/ingest.py [REPORTS_DIR] [--profile]
(default ../shared/reports/isw; without it the script says so and exits 0)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import SHARED, ms, row
from geo.errors import FrontlineError
from geo.ingest import report_files
from geo.parse.reading import read_report
from geo.parse.report import parse_text
from geo.resolve.resolver import resolve_report
from geo.store import FileStore
from geo.store.files import dumps_collection
from geo.store.records import build_record

DEFAULT_DIR = SHARED / "reports" / "isw"
TARGET_RPS = 50.0
TARGET_FLOOR_X = 3.0
TARGET_GAZ_S = 0.5
# The floor's one regular expression: runs of capitalised words ("Chasiv Yar").
FLOOR_RE = re.compile(r"\b[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)*")


def gazetteer_times() -> tuple[float, float, object]:
    """(first load as a user sees it, cold parse of the CSV without the pickle cache, gaz)."""
    from geo.places import gazetteer

    t = time.perf_counter()
    gaz = gazetteer.load_gazetteer()
    first = time.perf_counter() - t
    # Cold: an empty cache folder and a cleared in-process cache force the CSV parse.
    cache_clear = getattr(gazetteer._load_cached, "cache_clear", None)
    old = os.environ.get("FRONTLINE_CACHE")
    with tempfile.TemporaryDirectory(prefix="frontline-gazcache-") as tmp:
        os.environ["FRONTLINE_CACHE"] = tmp
        try:
            if cache_clear:
                cache_clear()
            t = time.perf_counter()
            gazetteer.load_gazetteer()
            cold = time.perf_counter() - t
        finally:
            if old is None:
                os.environ.pop("FRONTLINE_CACHE", None)
            else:
                os.environ["FRONTLINE_CACHE"] = old
            if cache_clear:
                cache_clear()
    gazetteer.load_gazetteer()  # back to the normal cached instance
    return first, cold, gaz


def floor(paths: list[Path]) -> tuple[float, int]:
    """Seconds to read every file and run :data:`FLOOR_RE` over it; number of matches."""
    t = time.perf_counter()
    n = 0
    for p in paths:
        text = p.read_bytes().decode("utf-8", errors="replace")
        n += len(FLOOR_RE.findall(text))
    return time.perf_counter() - t, n


def staged_pass(paths: list[Path], out: Path, gaz) -> dict:
    """Ingest ``paths`` into ``out`` like ``geo.ingest.ingest_files``, timing each stage."""
    st = dict.fromkeys(("read", "parse", "resolve", "build", "write", "serialise"), 0.0)
    st.update(reports=0, failed=0, mentions=0, events=0, bytes=0)
    errors: list[str] = []
    clock = time.perf_counter
    excluded = 0.0
    t_all = clock()
    for p in paths:
        try:
            t0 = clock()
            text = read_report(p)
            t1 = clock()
            report = parse_text(text, path=str(p), gaz=gaz, clean=False)
            t2 = clock()
            resolved = resolve_report(report, gaz, None)
            t3 = clock()
            record = build_record(report, resolved, True)
            t4 = clock()
            FileStore(out).write(record)
            t5 = clock()
        except FrontlineError as exc:
            st["failed"] += 1
            errors.append(f"{p.name}: {exc}")
            continue
        st["read"] += t1 - t0
        st["parse"] += t2 - t1
        st["resolve"] += t3 - t2
        st["build"] += t4 - t3
        st["write"] += t5 - t4
        st["reports"] += 1
        st["mentions"] += len(resolved)
        st["events"] += len(record.features)
        st["bytes"] += len(text)
        # Outside the wall clock: how much of "write" is serialising, not file I/O + fsync.
        t6 = clock()
        dumps_collection(record)
        excluded += clock() - t6
        st["serialise"] += clock() - t6
    st["wall"] = clock() - t_all - excluded
    st["errors"] = errors
    return st


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reports_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--profile", action="store_true", help="pyinstrument the staged pass")
    a = ap.parse_args(argv)
    print("== bench/ingest.py: ingest a folder of reports ==")
    if not a.reports_dir.is_dir():
        print(f"  {a.reports_dir} not found: no reports to ingest, skipped.")
        return 0
    paths = report_files(a.reports_dir)
    if not paths:
        print(f"  {a.reports_dir}: no report files, skipped.")
        return 0

    gaz_first, gaz_cold, gaz = gazetteer_times()
    floor(paths)  # warm the page cache so both passes read from memory
    floor_s, _ = floor(paths)
    out = Path(tempfile.mkdtemp(prefix="frontline-ingest-"))
    try:
        profiler = None
        if a.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
            profiler.start()
        st = staged_pass(paths, out, gaz)
        if profiler is not None:
            profiler.stop()
        n_files = len(list(out.glob("*.geojson")))
    finally:
        shutil.rmtree(out, ignore_errors=True)

    wall = st["wall"]
    rps = st["reports"] / wall if wall else 0.0
    print(f"  folder: {a.reports_dir} ({len(paths)} files, {st['bytes'] / 1e6:.1f} M chars)")
    row("reports ingested (failed)", f"{st['reports']} ({st['failed']})")
    row("mentions", f"{st['mentions']:,}")
    row(f"events (in {n_files} files)", f"{st['events']:,}")
    row("gazetteer load (pickle cache, as the app)", ms(gaz_first), "target < 0.5 s",
        gaz_first < TARGET_GAZ_S)  # fmt: skip
    row("gazetteer load cold (CSV parse, no cache)", ms(gaz_cold))
    row("wall seconds, end to end", f"{wall:.2f} s")
    row("reports per second", f"{rps:.1f}", f"target >= {TARGET_RPS:.0f}", rps >= TARGET_RPS)
    print("  split:")
    for k, label in (
        ("read", "reading (geo.parse.reading.read_report)"),
        ("parse", "parsing (geo.parse.report.parse_text)"),
        ("resolve", "resolving (geo.resolve.resolver.resolve_report)"),
        ("build", "building events (build_events+build_meta)"),
        ("write", "writing (FileStore.write)"),
    ):
        row(f"  {label}", f"{st[k]:.2f} s {100 * st[k] / wall:4.0f}%")
    io = max(0.0, st["write"] - st["serialise"])
    row("    of writing: serialising JSON", f"{st['serialise']:.2f} s")
    row("    of writing: file I/O + fsync + rename", f"{io:.2f} s")
    row("  per report (mean)", ms(wall / max(1, st["reports"])))
    x = wall / floor_s if floor_s else float("inf")
    row("floor: read files + one compiled regex", f"{floor_s:.3f} s")
    row("end to end / floor", f"{x:.0f}x", f"target <= {TARGET_FLOOR_X:.0f}x",
        x <= TARGET_FLOOR_X)  # fmt: skip
    for e in st["errors"][:5]:
        print(f"  failed: {e}")
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
