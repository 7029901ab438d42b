"""export_geojson and ``frontline export``: RFC 7946 that geopandas reads back identically."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from helpers import load
from test_events import make_report, write_store

from geo.cli import main
from geo.model import NO_FRONT as NON_FRONT
from geo.schema import EVENT_PROPERTIES, OPTIONAL_PROPERTIES
from geo.settings import settings
from geo.store import frame
from geo.store.geojson import export_geojson
from geo.store.query import ViewQuery, filter_events


@pytest.fixture
def store(tmp_path):
    d = tmp_path / "events"
    write_store(d)
    # A facts-only report next to ones with snippets: optional columns are partly null.
    write_store(d, [make_report(dt.date(2024, 6, 1), title="Facts only")], keep_text=False)
    return d


def _plain(gdf: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    """Same values, comparable dtypes: object columns with None for missing, dates in ns."""
    out = {}
    for c in columns:
        if c == "date":
            out[c] = pd.to_datetime(gdf[c]).astype("datetime64[ns]")
        else:
            s = gdf[c].astype(object)
            out[c] = s.where(gdf[c].notna(), None)
    return gpd.GeoDataFrame(
        pd.DataFrame(out).reset_index(drop=True),
        geometry=gdf.geometry.reset_index(drop=True), crs=gdf.crs,
    )  # fmt: skip


def _expected_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """Schema columns, then the optional ones that hold any value (others are not written)."""
    return [*EVENT_PROPERTIES, *(c for c in OPTIONAL_PROPERTIES if gdf[c].notna().any())]


def _round_trip(gdf: gpd.GeoDataFrame, path) -> None:
    path.write_text(export_geojson(gdf), encoding="utf-8")
    back = gpd.read_file(path)
    cols = _expected_columns(gdf)
    assert sorted(back.columns) == sorted([*cols, "geometry"])
    assert_geodataframe_equal(_plain(back, cols), _plain(gdf, cols), check_less_precise=False)


def test_round_trip_whole_store(store, tmp_path):
    gdf = load(store)
    assert len(gdf) == 30 and gdf["snippet"].notna().any() and gdf["snippet"].isna().any()
    _round_trip(gdf, tmp_path / "all.geojson")


@pytest.mark.parametrize(
    "q",
    [
        ViewQuery.of(dt.date(2024, 5, 24), dt.date(2024, 5, 25)),
        ViewQuery.of(fronts=["Kharkiv", NON_FRONT], statuses=["reported"]),
        ViewQuery.of(fronts=["Donetsk"], kinds=["attack"]),
    ],
)
def test_round_trip_filtered(store, tmp_path, q):
    gdf = filter_events(load(store), q)
    assert 0 < len(gdf) < 30
    _round_trip(gdf, tmp_path / "view.geojson")


def test_export_is_rfc7946_with_every_property(store):
    doc = json.loads(export_geojson(load(store)))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert len(doc["features"]) == 30
    for f in doc["features"]:
        props = f["properties"]
        assert list(props)[: len(EVENT_PROPERTIES)] == list(EVENT_PROPERTIES)
        assert set(props) - set(EVENT_PROPERTIES) <= set(OPTIONAL_PROPERTIES)
        assert all(v is not None for k, v in props.items() if k in OPTIONAL_PROPERTIES)
        lon, lat = f["geometry"]["coordinates"]
        assert 22 <= lon <= 41 and 44 <= lat <= 53
        dt.date.fromisoformat(props["date"])
        assert f["id"] == props["id"]
    odesa = [f["properties"] for f in doc["features"] if f["properties"]["place"] == "Odesa"]
    assert odesa and all(p["front"] is None and p["initiative"] is None for p in odesa)


def test_export_handles_nan_and_other_crs(store):
    gdf = load(store)
    gdf["source_url"] = float("nan")
    gdf["extra"] = 1  # not in the schema: not exported
    doc = json.loads(export_geojson(gdf.to_crs(3857)))
    f = doc["features"][0]
    assert f["properties"]["source_url"] is None and "extra" not in f["properties"]
    x, y = f["geometry"]["coordinates"]
    assert (round(x, 5), round(y, 5)) == (gdf.geometry.iloc[0].x, gdf.geometry.iloc[0].y)


def test_export_empty():
    doc = json.loads(export_geojson(frame.empty_frame()))
    assert doc == {"type": "FeatureCollection", "features": []}


def test_cli_export_matches_the_shared_filter(store, tmp_path):
    out = tmp_path / "out.geojson"
    argv = ["export", "--events-dir", str(store), "--from", "2024-05-24", "--to", "2024-05-31",
            "--front", "Kharkiv", "--front", "Donetsk", "--status", "reported",
            "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    q = ViewQuery.of(dt.date(2024, 5, 24), dt.date(2024, 5, 31), ["Kharkiv", "Donetsk"],
                     ["reported"])  # fmt: skip
    expected = filter_events(load(store), q)
    assert out.read_text("utf-8") == export_geojson(expected)
    doc = json.loads(out.read_text("utf-8"))
    assert len(doc["features"]) == len(expected) > 0
    assert {f["properties"]["front"] for f in doc["features"]} == {"Kharkiv", "Donetsk"}
    assert {f["properties"]["status"] for f in doc["features"]} == {"reported"}
    assert min(f["properties"]["date"] for f in doc["features"]) >= "2024-05-24"


def test_cli_export_to_stdout_subprocess(store):
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "export", "--events-dir", str(store), "--status", "claimed"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc["features"]) == 6  # one claimed event (Bakhmut) per report
    assert {f["properties"]["place"] for f in doc["features"]} == {"Bakhmut"}


def test_cli_export_survives_a_malformed_store_file(store, tmp_path):
    (store / "2024-07-01_isw.geojson").write_text('{"type": "FeatureColl', encoding="utf-8")
    out = tmp_path / "out.geojson"
    assert main(["export", "--events-dir", str(store), "-o", str(out)]) == 0
    assert len(json.loads(out.read_text("utf-8"))["features"]) == 30


SHIPPED = settings.repo_root / "data" / "events"


@pytest.mark.skipif(not any(SHIPPED.glob("*.geojson")), reason="no shipped data in data/events")
def test_shipped_data_exports_and_reads_back(tmp_path):
    gdf = load(SHIPPED, strict=True)
    assert len(gdf) > 0 and gdf["id"].is_unique
    for c in ("id", "date", "place", "place_id", "mention", "status", "kind", "precision"):
        assert gdf[c].notna().all(), c
    assert gdf["snippet"].isna().all()  # shipped data holds facts only
    # A place abroad is on a front only when it lies in that front's own oblasts (Belgorod
    # on the Kharkiv front, Kursk); strikes deep in Russia carry no front.
    from geo.places.fronts import front_oblasts
    from geo.places.gazetteer import load_gazetteer

    by_id = {p.place_id: p for p in load_gazetteer().places}
    abroad = gdf[[by_id[p].country != "UA" for p in gdf["place_id"]]]
    assert len(abroad) > 0  # the reports name strikes in Russia: they are on the map
    wrong_front = [
        (r.date, r.place, r.front) for r in abroad.itertuples()
        if not pd.isna(r.front) and by_id[r.place_id].oblast not in front_oblasts(str(r.front))
    ]  # fmt: skip
    assert wrong_front == []
    _round_trip(gdf, tmp_path / "shipped.geojson")
