"""Shared test data: a small event store we write ourselves, in the documented file format.

The store (one GeoJSON FeatureCollection per report, with the ``frontline``
member) is built from :data:`REPORTS` below: a handful of dates with a gap,
several fronts, all three statuses, an event with no front, and one report
whose text tries to inject HTML (to prove it is shown as text).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

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


@pytest.fixture
def events() -> gpd.GeoDataFrame:
    return events_frame()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "events")


@pytest.fixture(scope="module")
def module_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("store") / "events")


# --- network guard (geocoding engineer) -------------------------------------------------
# Tests never touch the network: any connection to a non-loopback address fails for the
# whole session (see tests/_netguard.py). Local stand-in servers on 127.0.0.1 still work.
@pytest.fixture(autouse=True, scope="session")
def _no_network():
    from _netguard import install

    with install():
        yield
