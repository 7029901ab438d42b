"""Fetching reports: body extraction time and its growth, an update run against a local
stand-in publisher (new, repeated, rechecked), and the request pacing.

Everything runs on 127.0.0.1 with the tests' fixture pages (tests/publisher.py); nothing
leaves the machine. Figures are printed with ratios measured in the same run.

Usage: python bench/fetch.py [--dates N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench._common import SHARED, ms, row, timeit
from geo.fetch.sources.isw import SOURCE, old_path
from geo.fetch.update import update
from geo.parse.pages import extract_page
from geo.places.gazetteer import load_gazetteer
from geo.store import FileStore


def _extraction() -> None:
    from publisher import old_body, old_page

    print("-- extracting the report body from a page --")
    day = dt.date(2023, 5, 3)
    base, _ = timeit(lambda: extract_page(old_page(day), None), repeat=20)
    row("fixture old-site page", ms(base))
    for k in (4, 16):
        big = old_page(day, body=old_body(day) * k)
        t, _ = timeit(lambda big=big: extract_page(big, None), repeat=10)
        row(f"  body x{k} ({len(big) // 1000} kB)", ms(t), f"ratio {t / base:.1f} (linear: ~{k})")
    for name in (
        "isw-later/isw_2023-05-03.html",
        "pages/layout_example_new_site_iran-update_2026-03-16.html",
    ):
        path = SHARED / "reports" / name
        if path.exists():
            html = path.read_text("utf-8")
            t, _ = timeit(lambda html=html: extract_page(html, None), repeat=10)
            row(f"real page {path.name[:34]} ({len(html) // 1000} kB)", ms(t))


def _update(n: int) -> None:
    from publisher import old_page, page, publisher

    print(f"-- update over {n} dates (one in five unpublished), interval 0 --")
    first = dt.date(2023, 3, 1)
    days = [first + dt.timedelta(days=k) for k in range(n)]
    gaz = load_gazetteer()
    with tempfile.TemporaryDirectory() as tmp, publisher() as site:
        os.environ["FRONTLINE_CACHE"] = str(Path(tmp) / "cache")
        os.environ["FRONTLINE_FETCH_INTERVAL"] = "0"
        for i, d in enumerate(days):
            if i % 5 != 4:
                site.serve(old_path(d), page(old_page(d), etag=f'"{d}"'))
        store = FileStore(Path(tmp) / "events")
        kw = dict(base_url=site.url, raw_dir=Path(tmp) / "raw", gaz=gaz, today=days[-1])
        for label, extra in (
            ("first run", {}),
            ("second run", {}),
            ("--recheck", {"recheck": True}),
        ):
            t = time.perf_counter()
            s = update(SOURCE, store, days[0], days[-1], **kw, **extra)
            el = time.perf_counter() - t
            row(
                f"{label}: {s.line()[:40]}",
                f"{el:.2f} s",
                f"{s.requests} requests, {s.downloaded_bytes // 1000} kB",
            )
            if label == "first run":
                row("  per date", ms(el / n))

    print("-- pacing: 6 dates at FRONTLINE_FETCH_INTERVAL=0.2 --")
    with tempfile.TemporaryDirectory() as tmp, publisher() as site:
        os.environ["FRONTLINE_CACHE"] = str(Path(tmp) / "cache")
        os.environ["FRONTLINE_FETCH_INTERVAL"] = "0.2"
        for d in days[:6]:
            site.serve(old_path(d), page(old_page(d)))
        t = time.perf_counter()
        s = update(SOURCE, FileStore(Path(tmp) / "ev"), days[0], days[5], base_url=site.url,
                   raw_dir=Path(tmp) / "raw", gaz=gaz, today=days[5])  # fmt: skip
        el = time.perf_counter() - t
        rate = s.requests / el
        row("requests per second", f"{rate:.1f}", "at most 5 (1 / 0.2 s)", rate <= 5.0)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dates", type=int, default=30)
    a = ap.parse_args()
    print("== bench/fetch.py: fetching reports ==")
    _extraction()
    _update(a.dates)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
