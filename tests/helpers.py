"""Test helpers and data: a small event store we write ourselves, in the documented file format.

The store (one GeoJSON FeatureCollection per report, with the ``frontline``
member) is built from :data:`REPORTS` below: a handful of dates with a gap,
several fronts, all three statuses, an event with no front, and one report
whose text tries to inject HTML (to prove it is shown as text).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import geopandas as gpd
import pandas as pd
import pytest
from playwright.sync_api import FrameLocator, Page, expect

from geo.model import Report
from geo.serve import CHROMIUM, StreamlitServer
from geo.store import FileStore, Store, records

# Real coordinates (facts), rounded: place_id -> (name, lat, lon).
PLACES: dict[str, tuple[str, float, float]] = {
    "p-chasiv": ("Chasiv Yar", 48.5862, 37.8353),
    "p-ocher": ("Ocheretyne", 48.2337, 37.6000),
    "p-vovch": ("Vovchansk", 50.2908, 36.9414),
    "p-lyptsi": ("Lyptsi", 50.1958, 36.4367),
    "p-robot": ("Robotyne", 47.4465, 35.8420),
    "p-krynky": ("Krynky", 46.7294, 33.0958),
    "p-kurakh": ("Kurakhove", 47.9850, 37.2817),
    "p-kupi": ("Kupiansk", 49.7108, 37.6147),
}

XSS_TITLE = "<script>alert('title')</script> Night report"
XSS_SNIPPET = "<img src=x onerror=alert('snippet')> shelling near the bridge"
XSS_SECTION = "<b onmouseover=alert(3)>River</b> axis {{ 7*7 }}{% raw %}"

# (date, format, title, url, fronts[(name, initiative, source)], events[...])
# event: (place_id, front, section, status, kind[, snippet])
# fmt: off
REPORTS: list[tuple] = [
    (
        "2024-05-20", "dayseries", "Day 817 summary", "https://example.org/r/817",
        [("Donetsk", "Russia", "stated"), ("Kharkiv", "Russia", "inferred")],
        [
            ("p-chasiv", "Donetsk", "Bakhmut direction", "confirmed", "attack"),
            ("p-ocher", "Donetsk", "Avdiivka direction", "claimed", "advance"),
            ("p-vovch", "Kharkiv", "", "reported", "attack"),
        ],
    ),
    (
        "2024-05-21", "dayseries", "Day 818 summary", "https://example.org/r/818",
        [("Donetsk", "Russia", "stated"), ("Zaporizhia", "None", "stated")],
        [
            ("p-chasiv", "Donetsk", "Bakhmut direction", "claimed", "attack"),
            ("p-robot", "Zaporizhia", "", "reported", "positional"),
        ],
    ),
    (
        "2024-05-22", "dayseries", "Day 819 summary", "javascript:alert('url')",
        [("Kharkiv", "Russia", "stated")],
        [
            ("p-vovch", "Kharkiv", "", "confirmed", "attack"),
            ("p-lyptsi", "Kharkiv", "", "reported", "strike"),
            ("p-kupi", None, "", "reported", "strike"),
        ],
    ),
    (
        "2024-05-22", "news", XSS_TITLE, "https://example.org/news/1",
        [("Kherson", "Ukraine", "inferred")],
        [("p-krynky", "Kherson", XSS_SECTION, "claimed", "attack", XSS_SNIPPET)],
    ),
    (
        "2024-05-24", "dayseries", "Day 821 summary", "https://example.org/r/821",
        [("Donetsk", "Russia", "stated"), ("Kherson", "Ukraine", "stated")],
        [
            ("p-chasiv", "Donetsk", "Bakhmut direction", "confirmed", "attack"),
            ("p-ocher", "Donetsk", "Avdiivka direction", "confirmed", "advance"),
            ("p-kurakh", "Donetsk", "Marinka direction", "reported", "attack"),
            ("p-krynky", "Kherson", "", "claimed", "attack"),
        ],
    ),
]
# fmt: on
DATES = sorted({r[0] for r in REPORTS})

# --- ux: places under their real GeoNames ids, for "Find a place" (spellings, former
# names, namesakes told apart by oblast and raion; ordered by mentions).
PLACES.update(
    {
        "geonames:713174": ("Bakhmut", 48.59419, 37.99886),  # Donetsk oblast
        "geonames:712959": ("Bakhmut", 49.15, 34.28333),  # a village in Poltava oblast
        "geonames:704204": ("Lyman", 48.99012, 37.80843),  # Donetsk oblast
        "geonames:703071": ("Lyman", 49.59358, 36.46548),  # Kharkiv oblast
        "geonames:691999": ("Sievierodonetsk", 48.94414, 38.48754),
    }
)
# fmt: off
FIND_REPORTS: list[tuple] = [
    ("2023-01-10", "dayseries", "Day 321 summary", "https://example.org/r/321",
     [("Donetsk", "Russia", "stated")],
     [("geonames:713174", "Donetsk", "", "reported", "attack"),
      ("geonames:704204", "Donetsk", "", "reported", "attack"),
      ("geonames:691999", "Luhansk", "", "reported", "strike")]),
    ("2023-01-11", "dayseries", "Day 322 summary", "https://example.org/r/322",
     [("Donetsk", "Russia", "stated")],
     [("geonames:713174", "Donetsk", "", "claimed", "attack"),
      ("geonames:713174", "Donetsk", "", "reported", "attack"),
      ("geonames:704204", "Donetsk", "", "reported", "attack"),
      ("geonames:712959", None, "", "reported", "strike"),
      ("geonames:703071", "Kharkiv", "", "reported", "strike")]),
]
# fmt: on


def _features(report: tuple) -> list[dict]:
    date, fmt, title, url, fronts, events = report
    inits = {f[0]: f[1:] for f in fronts}
    feats = []
    for i, ev in enumerate(events):
        pid, front, section, status, kind = ev[:5]
        name, lat, lon = PLACES[pid]
        ini, src = inits.get(front, (None, None))
        eid = hashlib.sha1(f"{date}|{fmt}|{title}|{i}".encode()).hexdigest()[:16]
        props = {
            "id": eid, "date": date, "front": front, "initiative": ini,
            "initiative_source": src, "section": section, "place": name, "place_id": pid,
            "mention": name, "status": status, "kind": kind, "precision": "settlement",
            "source": title, "source_url": url, "report_format": fmt,
        }  # fmt: skip
        if len(ev) > 5:
            props["snippet"] = ev[5]
        feats.append(
            {
                "type": "Feature",
                "id": eid,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
            }
        )
    return feats


def write_store(events_dir: Path, reports: list[tuple] = REPORTS) -> Path:
    """Write ``reports`` as a store: ``<date>_<format>[_<n>].geojson`` per report."""
    events_dir.mkdir(parents=True, exist_ok=True)
    for n, rep in enumerate(reports):
        date, fmt, title, url, fronts = rep[:5]
        name = f"{date}_{fmt}.geojson" if fmt != "news" else f"{date}_{fmt}_{n}.geojson"
        doc = {
            "type": "FeatureCollection",
            "frontline": {
                "report": {"title": title, "url": url, "date": date, "format": fmt},
                "fronts": [
                    {"name": f, "initiative": i, "initiative_source": s} for f, i, s in fronts
                ],
                "unresolved": [],
            },
            "features": _features(rep),
        }
        (events_dir / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return events_dir


def events_frame(reports: list[tuple] = REPORTS) -> gpd.GeoDataFrame:
    """The same events as an in-memory GeoDataFrame (for pure tests without a store)."""
    feats = [f for r in reports for f in _features(r)]
    gdf = gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326")
    gdf["date"] = pd.to_datetime(gdf["date"]).astype("datetime64[ns]")
    if "snippet" not in gdf:
        gdf["snippet"] = None
    return gdf


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def load(events_dir: Path, strict: bool = False) -> gpd.GeoDataFrame:
    """Every event of the file store at ``events_dir``."""
    return FileStore(events_dir).load(strict=strict)


def report_filename(report: Report) -> str:
    return f"{records.report_id(report)}.geojson"


def make_record(report: Report, features: list[dict], meta: dict) -> records.ReportRecord:
    return records.ReportRecord(
        records.report_id(report), records.valid_date(report.date), report.format, meta, features
    )


def write_events(events_dir: Path, report: Report, features: list[dict], meta: dict) -> Path:
    """Write a report's events into the file store at ``events_dir``; returns the file."""
    store = FileStore(events_dir)
    record = make_record(report, features, meta)
    store.write(record, replace=True)
    return Path(store.where(record.report_id))


# --- subprocesses (reliability) -----------------------------------------------------------
# Every process a test starts is killed and reaped in a ``finally``, whatever the test does.

REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def child(*args: str | Path, **kw) -> Iterator[subprocess.Popen]:
    """``Popen(args)`` that never outlives the test: killed and reaped on the way out."""
    proc = subprocess.Popen([str(a) for a in args], **kw)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError, ValueError):
                    pipe.close()
        proc.wait()  # reaped: no zombie either


def cli(*args: str | Path, **kw) -> contextlib.AbstractContextManager[subprocess.Popen]:
    """``python -m geo ARGS`` (this checkout's ``frontline``) as a :func:`child`."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("text", True)
    return child(sys.executable, "-m", "geo", *args, cwd=REPO, **kw)


def wait_for(condition: Callable[[], object], timeout: float = 60, what: str = "") -> None:
    """Wait until ``condition()`` is true (checked every 10 ms), failing after ``timeout``:
    for events outside the test's control, such as a file a child process writes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what or condition}")
        time.sleep(0.01)


def event_files(folder: Path) -> list[Path]:
    """The event files of a file store (not its lock, kept texts or temporary files)."""
    return sorted(p for p in Path(folder).glob("*.geojson") if not p.name.startswith("."))


# --- browser tests ------------------------------------------------------------------------
# A real `streamlit run app.py` (geo.serve) in Debian's Chromium through pytest-playwright.

MAP = 'iframe[title="streamlit_folium.st_folium"]'
MARKER = "path.leaflet-interactive"
COUNT_RE = re.compile(r"Showing (\d+) events at (\d+) places")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
# What a reader's laptop shows: the map, its legend and scale fit this window (issue 15).
VIEWPORT = {"width": 1400, "height": 1000}


def require_browser() -> None:
    """Skip without Debian's Chromium, or fail when FRONTLINE_REQUIRE_BROWSER=1 (CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("FRONTLINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and FRONTLINE_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} not installed (set FRONTLINE_REQUIRE_BROWSER=1 to fail instead)")


SERVER_GUARD = Path(__file__).resolve().parent / "_server_guard"


class GuardedServer(StreamlitServer):
    """A :class:`StreamlitServer` (and every Python process it starts) whose connections
    outside this machine are refused and logged (tests/_server_guard/sitecustomize.py).

    ``as_users_start_it``: ``streamlit run app.py --server.port N`` and nothing else,
    so the project's ``.streamlit/config.toml`` decides the address and the rest.
    """

    def __init__(self, *args, as_users_start_it: bool = False, **kw) -> None:
        super().__init__(*args, **kw)
        self.as_users_start_it = as_users_start_it
        base = self.log if self.log is not None else Path(self.events_dir or ".") / "server"
        self.netlog = base.with_name(base.name + ".netlog")
        self.netlog.unlink(missing_ok=True)

    def command(self) -> list[str]:
        cmd = super().command()
        if self.as_users_start_it:
            return [*cmd[: cmd.index("--server.port") + 2]]
        return cmd

    def environment(self) -> dict[str, str]:
        env = super().environment()
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(SERVER_GUARD), env.get("PYTHONPATH", "")) if p
        )
        env["FRONTLINE_TEST_NETLOG"] = str(self.netlog)
        return env

    def outside_attempts(self) -> list[str]:
        """What the server tried to reach outside this machine (refused), one line each."""
        if not self.netlog.exists():
            return []
        return self.netlog.read_text(encoding="utf-8").splitlines()


def test_server(events_dir: Path, as_users_start_it: bool = False, **env: str | None):
    """The dashboard on ``events_dir`` as the tests run it: tiles off (they would be
    requests leaving the machine), no overlay folder unless given, uploads in a folder of
    their own beside the store, a log beside the store, outside connections refused."""
    events_dir = Path(events_dir)
    base: dict[str, str | None] = {
        "FRONTLINE_TILES": "0", "FRONTLINE_OVERLAY_DIR": None, "FRONTLINE_OVERLAY_SOURCE": None,
        "FRONTLINE_UPLOADS_DIR": str(events_dir.parent / f"uploads-{events_dir.name}"),
    }  # fmt: skip
    log = events_dir.parent / f"streamlit-{events_dir.name}.log"
    return GuardedServer(
        events_dir, env={**base, **env}, log=log, as_users_start_it=as_users_start_it
    )


test_server.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


class Dashboard:
    """A Playwright page on the dashboard, recording every request and dialog it sees."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base = base_url
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.context.on("page", lambda p: self.requests.append(f"popup-window:{p.url}"))

    def open(self, query: str = "") -> None:
        self.page.goto(self.base + query)
        expect(self.page.locator(MAP)).to_have_count(1, timeout=30_000)
        expect(self.map.locator(".leaflet-container")).to_be_visible(timeout=30_000)

    @property
    def map(self) -> FrameLocator:
        return self.page.frame_locator(MAP).last

    def expect_places(
        self, places: int, heading: str | None = None, timeout: float = 20_000
    ) -> None:
        """The page settles on ``heading`` with ``places`` in the count and on the map."""
        if heading is not None:
            expect(self.page.get_by_role("heading", name=heading, exact=True)).to_be_visible(
                timeout=timeout
            )
        count = re.compile(rf"Showing \d+ events at {places} places")
        expect(self.page.get_by_text(count)).to_be_visible(timeout=timeout)
        expect(self.page.locator(MAP)).to_have_count(1, timeout=timeout)
        expect(self.map.locator(MARKER)).to_have_count(places, timeout=timeout)

    def expect_settled(self, timeout: float = 60_000) -> None:
        """The app's run is over: until then Streamlit keeps the last run's elements
        (marked stale) beside the new ones, so a text may be on the page twice."""
        stale = self.page.locator('[data-testid="stElementContainer"][data-stale="true"]')
        expect(stale).to_have_count(0, timeout=timeout)

    def count(self) -> tuple[int, int]:
        text = self.page.get_by_text(COUNT_RE).inner_text()
        m = COUNT_RE.search(text)
        assert m, text
        return int(m.group(1)), int(m.group(2))

    def markers(self) -> list[str]:
        """Stroke colours of the markers on the map, sorted."""
        return sorted(
            self.map.locator(MARKER).evaluate_all("els => els.map(e => e.getAttribute('stroke'))")
        )

    def url_params(self) -> dict[str, list[str]]:
        return parse_qs(urlparse(self.page.url).query)

    def outside_requests(self) -> list[str]:
        return [
            u for u in self.requests
            if not u.startswith(("data:", "blob:", "about:"))
            and urlparse(u).hostname not in LOCAL_HOSTS
        ]  # fmt: skip

    def assert_clean(self) -> None:
        outside = self.outside_requests()
        assert not outside, f"requests left the machine: {outside[:5]}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"


# --- PostGIS store (postgis engineer) -----------------------------------------------------
# A real PostgreSQL with PostGIS: FRONTLINE_TEST_DATABASE_URL, else the role and database
# .ci/run creates. Each test gets a schema of its own (dropped afterwards), so tests running
# one after another or side by side never see each other's reports.

TEST_DATABASE_URL = "postgresql://frontline:frontline@127.0.0.1:5432/frontline_test"


def database_url() -> str:
    """A reachable test database, or skip (fail instead when FRONTLINE_REQUIRE_DB=1, as CI)."""
    import psycopg

    url = os.environ.get("FRONTLINE_TEST_DATABASE_URL") or TEST_DATABASE_URL
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as exc:
        msg = f"no test database at {url}: {' '.join(str(exc).split())}"
        if os.environ.get("FRONTLINE_REQUIRE_DB") == "1":
            pytest.fail(f"{msg} (and FRONTLINE_REQUIRE_DB=1)")
        pytest.skip(f"{msg} (set FRONTLINE_REQUIRE_DB=1 to fail instead)")
    return url


def new_schema() -> str:
    import uuid

    return f"t_{uuid.uuid4().hex[:16]}"


def drop_schema(url: str, schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@contextlib.contextmanager
def database_store(url: str | None = None, init: bool = True):
    """A PostGIS store in a fresh schema of the test database (initialised unless ``init``
    is false), closed and dropped afterwards."""
    from geo.store.postgis import PostGISStore

    url = url or database_url()
    store = PostGISStore(url, new_schema())
    try:
        if init:
            store.upgrade()
        yield store
    finally:
        store.close()
        drop_schema(url, store.schema)


def report_records(reports: list[tuple] = REPORTS) -> list[records.ReportRecord]:
    """:data:`REPORTS` as the records :func:`write_store` writes as files (same ids, facts)."""
    out = []
    for n, rep in enumerate(reports):
        date, fmt, title, url, fronts = rep[:5]
        rid = f"{date}_{fmt}" if fmt != "news" else f"{date}_{fmt}_{n}"
        meta = {
            "report": {"title": title, "url": url, "date": date, "format": fmt},
            "fronts": [{"name": f, "initiative": i, "initiative_source": s} for f, i, s in fronts],
            "unresolved": [],
        }
        out.append(records.ReportRecord(rid, day(date), fmt, meta, _features(rep)))
    return out


def fill(store: Store, reports: list[tuple] = REPORTS) -> Store:
    """Write :data:`REPORTS` into any store through :meth:`Store.write`."""
    for rec in report_records(reports):
        store.write(rec)
    return store


# --- the app through Streamlit's AppTest (no browser) -------------------------------------

APP_FILE = str(REPO / "app.py")
APP_COUNT_RE = re.compile(r"Showing \*\*(\d+)\*\* events at \*\*(\d+)\*\* places")


def app_runner() -> Callable[..., Any]:
    """``make(**query_params)``: the app opened by AppTest with those link parameters.

    Opened as a browser opens it: a session's first run draws the map, and the full
    run that follows it (app._full_run_soon) adds the sidebar, panels and charts.
    """
    from streamlit.testing.v1 import AppTest

    def make(**params: str) -> AppTest:
        at = AppTest.from_file(APP_FILE, default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run().run()

    return make


def app_count(at: Any) -> tuple[int, int]:
    """The count line above the map: (events, places)."""
    for line in at.markdown:
        m = APP_COUNT_RE.search(line.value)
        if m:
            return int(m.group(1)), int(m.group(2))
    raise AssertionError("no count line")


def app_heading(at: Any) -> str:
    """The view's heading (its date or range)."""
    return next(line.value for line in at.markdown if line.value.startswith("### "))[4:]
