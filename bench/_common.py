"""Shared helpers for the benchmarks: timing, table printing, paths."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def timeit(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """Median wall time in seconds over ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def row(label: str, value: str, target: str = "", ok: bool | None = None) -> None:
    mark = "" if ok is None else ("  OK" if ok else "  MISSED")
    print(f"  {label:<44} {value:>16}  {target}{mark}")


def ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


# --------------------------------------------------------------------------- the event store
# The benchmarks need a year of real events. The shipped store (data/events)
# is used when it has files; otherwise the ISW reports in ../shared are
# ingested once into a cache folder keyed by the reports and the code, so
# `python -m bench` ingests at most once however many scripts need the store.

EVENTS_DIR = REPO / "data" / "events"
ISW_DIR = SHARED / "reports" / "isw"


def _has_events(d: Path) -> bool:
    return d.is_dir() and any(d.glob("*.geojson"))


def _code_signature(reports: list[Path]) -> str:
    import hashlib

    h = hashlib.sha1()
    data = REPO / "data"
    code = [
        *sorted((REPO / "geo").rglob("*.py")),
        data / "places.csv",
        data / "places_overrides.csv",
    ]
    for p in [*reports, *code]:
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def event_store(quiet: bool = False) -> tuple[Path, str] | None:
    """(a folder of real events, where it came from), or ``None`` when there is none.

    ``data/events`` when it has files, else an ingest of ``../shared/reports/isw``
    without report text (like shipped data), cached in the temp folder.
    """
    if _has_events(EVENTS_DIR):
        return EVENTS_DIR, f"shipped store {EVENTS_DIR.relative_to(REPO)}"
    if not ISW_DIR.is_dir():
        return None
    import tempfile

    from geo.ingest import ingest_files, report_files

    reports = report_files(ISW_DIR)
    if not reports:
        return None
    cache = Path(tempfile.gettempdir()) / f"frontline-bench-store-{_code_signature(reports)}"
    label = f"{len(reports)} ISW reports from ../shared ingested (data/events is empty)"
    if _has_events(cache):
        return cache, label
    if not quiet:
        print(f"  (data/events is empty: ingesting {len(reports)} ISW reports into {cache} ...)")
    tmp = Path(tempfile.mkdtemp(prefix=cache.name + ".", dir=cache.parent))
    results = ingest_files(reports, tmp, keep_text=False)
    if not any(r.ok for r in results):
        return None
    import shutil

    try:
        tmp.rename(cache)
    except OSError:  # another process got there first
        shutil.rmtree(tmp, ignore_errors=True)
    # Stores ingested by older code are stale: drop those not touched for an hour
    # (a younger one may still be in use by a benchmark running alongside).
    import time

    for old in cache.parent.glob("frontline-bench-store-*"):
        try:
            idle = time.time() - old.stat().st_mtime
        except OSError:
            continue
        if old != cache and "." not in old.name and idle > 3600:
            shutil.rmtree(old, ignore_errors=True)
    return cache, label
