"""The map's HTML, rendered without Streamlit (as folium's own tests do)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import geopandas as gpd
import pandas as pd
import pytest
from helpers import XSS_SECTION, XSS_SNIPPET, XSS_TITLE, day, load

from geo.places.fronts import FRONTS, color
from geo.store import frame
from geo.store.query import ViewQuery, filter_events
from geo.view.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL, ensure_leaflet
from geo.view.mapview import (
    M_COLOUR,
    M_RADIUS,
    M_STATUS,
    MAX_POPUP_ROWS,
    STATUS_STYLE,
    MapData,
    build_map,
    legend_html,
    map_data,
    popup_html,
    render_html,
    safe_url,
    tooltip_html,
)

_ASSET = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", re.I)


def _markers(html: str) -> list[list]:
    m = re.search(r"var markers = (\[.*?\]);\n", html)
    assert m, "markers array not found"
    return json.loads(m.group(1))


def _tables(html: str) -> dict[str, list]:
    m = re.search(r"var t = (\{.*?\}), maxRows = (\d+);\n", html)
    assert m, "lookup tables not found"
    return json.loads(m.group(1))


def _page_data(html: str) -> MapData:
    """The markers and tables exactly as the page holds them (places/labels not needed)."""
    return MapData(None, _markers(html), [], _tables(html))  # type: ignore[arg-type]


def _index(data: MapData) -> dict[str, int]:
    """place_id -> marker index (markers follow ``data.places``)."""
    return {pid: i for i, pid in enumerate(data.places["place_id"])}


def test_map_has_one_marker_per_place_and_only_local_assets(events) -> None:
    m, data = build_map(events)
    html = render_html(m)
    markers = _markers(html)
    assert len(markers) == len(data.places) == events["place_id"].nunique()
    # Leaflet from this server, nothing from a CDN.
    assets = _ASSET.findall(html)
    assert assets == [LEAFLET_JS_URL, LEAFLET_CSS_URL] or sorted(assets) == sorted(
        [LEAFLET_JS_URL, LEAFLET_CSS_URL]
    )
    for bad in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrap", "awesome-markers"):
        assert bad not in html
    assert "tile.openstreetmap.org" not in html  # tiles are off by default


def test_tiles_are_optional(events) -> None:
    html = render_html(build_map(events, tiles=True)[0])
    assert "tile.openstreetmap.org" in html and "OpenStreetMap contributors" in html


def test_colour_by_front_and_style_by_status(events) -> None:
    d = day("2024-05-24")
    page = _page_data(render_html(build_map(filter_events(events, ViewQuery.of(d, d)))[0]))
    t = page.tables
    by_name = {
        re.match(r"[^(]+", tooltip_html(page, i)).group(0).strip(): mk
        for i, mk in enumerate(page.markers)
    }
    assert t["colours"][by_name["Chasiv Yar"][M_COLOUR]] == color("Donetsk") == "#D55E00"
    assert t["colours"][by_name["Krynky"][M_COLOUR]] == color("Kherson")
    assert t["statuses"][by_name["Chasiv Yar"][M_STATUS]] == "confirmed"
    assert t["statuses"][by_name["Krynky"][M_STATUS]] == "claimed"
    assert t["statuses"][by_name["Kurakhove"][M_STATUS]] == "reported"
    # The three styles really differ: filled, hollow dashed, pale.
    assert STATUS_STYLE["confirmed"]["fillOpacity"] > STATUS_STYLE["reported"]["fillOpacity"]
    assert STATUS_STYLE["claimed"]["fillOpacity"] < 0.2 and STATUS_STYLE["claimed"]["dashArray"]


def test_radius_grows_with_mentions(events) -> None:
    data = map_data(events)
    at = _index(data)
    # 3 mentions vs 1
    assert data.markers[at["p-chasiv"]][M_RADIUS] > data.markers[at["p-kurakh"]][M_RADIUS]


def test_popup_has_place_dates_front_status_and_safe_links(events) -> None:
    data = map_data(events)
    at = _index(data)
    pop = popup_html(data, at["p-chasiv"])
    assert "Chasiv Yar" in pop and "3 mentions" in pop and "2024-05-20 – 2024-05-24" in pop
    assert "Bakhmut direction" in pop and "confirmed, attack" in pop and "claimed, attack" in pop
    assert '<a href="https://example.org/r/817"' in pop and "Day 817 summary</a>" in pop
    # A javascript: URL is not a link; its title is still shown.
    lyptsi = popup_html(data, at["p-lyptsi"])
    assert "javascript:" not in lyptsi and "Day 819 summary" in lyptsi and "<a " not in lyptsi


def test_report_text_is_escaped(events) -> None:
    html = render_html(build_map(events)[0])
    for raw in (XSS_TITLE, XSS_SNIPPET, XSS_SECTION, "<script>alert", "<img src", "<b onm"):
        assert raw not in html
    # The page holds the escaped strings (the popup is built from them in the browser).
    data = map_data(events)
    page = _page_data(html)
    assert page.markers == data.markers and page.tables == data.tables
    pop = popup_html(page, _index(data)["p-krynky"])
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in pop
    assert "&lt;img src=x onerror=alert(&#x27;snippet&#x27;)&gt;" in pop
    assert "&lt;b onmouseover=alert(3)&gt;River&lt;/b&gt; axis {{ 7*7 }}{% raw %}" in pop
    # Report text is data, never a template: nothing in it is evaluated.
    assert "{{ 7*7 }}" in html and "axis 49" not in html


def test_front_labels_and_legend(events) -> None:
    d = day("2024-05-20")
    html = render_html(build_map(filter_events(events, ViewQuery.of(d, d)))[0])
    labels = json.loads(re.search(r"var labels = (\[.*?\]);\n", html).group(1))
    texts = [re.sub(r"<[^>]+>", "", lab["html"]) for lab in labels]
    assert "Donetsk — initiative: Russia" in texts
    assert "Kharkiv — initiative: Russia (inferred)" in texts
    kh = next(lab for lab in labels if "Kharkiv" in lab["html"])
    assert "fl-side-ru" in kh["html"] and "fl-inferred" in kh["html"]
    legend = legend_html()  # the same on every map: part of the base, never redrawn
    for s in ("Donetsk", "Kharkiv", "Kherson", "(no front)", "confirmed", "claimed", "reported"):
        assert s in legend
    for name in FRONTS:  # every colour a marker can have is explained (Sumy, Kyiv, Kursk too)
        assert f"background:{color(name)}" in legend and f"</i>{name}</div>" in legend


def test_empty_view_renders() -> None:
    empty = frame.empty_frame()
    m, data = build_map(empty)
    assert data.markers == [] and _markers(render_html(m)) == []


def test_loaded_store_maps_like_in_memory(store) -> None:
    gdf = load(store)
    data = map_data(gdf)
    assert len(data.markers) == gdf["place_id"].nunique() == 8
    assert set(data.places["place_id"]) == set(gdf["place_id"].astype(str))
    assert sum(mk[6] for mk in data.markers) == len(gdf)  # counts


def test_overlay_is_drawn_under_markers(events) -> None:
    poly = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[37.5, 48.0], [38.5, 48.0], [38.5, 48.8], [37.5, 48.0]]],
                },
            }
        ],
    }
    html = render_html(build_map(events, overlay=poly)[0])
    extra = json.loads(re.search(r"extra: (\{.*\})\}\);\n", html).group(1))
    ring = extra["overlay"]["features"][0]["geometry"]["coordinates"][0]
    assert [38.5, 48.0] in ring


def test_safe_url() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("HTTP://example.org") == "HTTP://example.org"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.org", None, 3,
                'https://x.org/"onmouseover=alert(1)'):  # fmt: skip
        assert safe_url(bad) is None


def test_ensure_leaflet_copies_once(tmp_path) -> None:
    dest = ensure_leaflet(tmp_path)
    js = dest / "leaflet.js"
    assert js.stat().st_size > 100_000 and (dest / "leaflet.css").exists()
    assert "Leaflet 1.9.4" in js.read_text(encoding="utf-8")[:400]
    mtime = js.stat().st_mtime_ns
    ensure_leaflet(tmp_path)
    assert js.stat().st_mtime_ns == mtime  # nothing copied the second time


def test_page_holds_each_source_once_and_caps_rows(events) -> None:
    # Every event five times over: more than MAX_POPUP_ROWS mentions at Chasiv Yar.
    many = gpd.GeoDataFrame(pd.concat([events] * 5, ignore_index=True), crs=events.crs)
    data = map_data(many)
    html = render_html(build_map(many, data=data)[0])
    t = _tables(html)
    titles = [s[0] for s in t["sources"]]
    assert len(titles) == len(set(titles)) == many["source"].nunique()
    assert html.count("Day 817 summary") == 1  # in the table only, not per row
    i = _index(data)["p-chasiv"]
    assert data.markers[i][6] == 15 and len(data.markers[i][-1]) == MAX_POPUP_ROWS
    pop = popup_html(data, i)
    assert pop.count("<tr>") == 2 * MAX_POPUP_ROWS and "… and 3 earlier" in pop


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's JS")
def test_page_js_builds_the_same_popups_as_python(events) -> None:
    html = render_html(build_map(events)[0])
    # The page's own code (geo/view/mapview.js, as embedded) on the page's own data.
    start = html.index("(function () {\n  var fl = (window.fl")
    js = "var window = {};\n" + html[start : html.index("window.fl.init(")]
    js += html[html.index("var markers = ") : html.index("var labels = ")]
    js += "process.stdout.write(JSON.stringify(markers.map(function (m) {"
    js += "return [window.fl.popup(t, maxRows, m), window.fl.tooltip(t, m)]; })));"
    out = subprocess.run(
        ["node", "-"], input=js, capture_output=True, text=True, timeout=30, check=True
    )
    built = json.loads(out.stdout)
    page = _page_data(html)
    assert len(built) == len(page.markers) > 0
    for i, (pop, tip) in enumerate(built):
        assert pop == popup_html(page, i) and tip == tooltip_html(page, i)
    krynky = next(p for p, _ in built if "Krynky" in p)
    assert "&lt;img src=x onerror=" in krynky and "<img" not in krynky


# --- the offline base layer (issue 15, item 2) -------------------------------------------


def _topojson() -> dict:
    """Two square 'countries' sharing their middle edge, quantised like Natural Earth's."""
    # arcs in quantised units (scale 0.5 degree, origin 30E 45N), delta-encoded
    arcs = [
        [[0, 0], [0, 4]],  # 0: shared edge x=30..30, y=45..47 (lon 30)
        [[0, 4], [-4, 0], [0, -4], [4, 0]],  # 1: west square's other edges
        [[0, 0], [4, 0], [0, 4], [-4, 0]],  # 2: east square's other edges
    ]
    square = {"type": "Polygon", "arcs": [[0, 1]]}
    east = {"type": "Polygon", "arcs": [[2, ~0]]}
    line = {"type": "LineString", "arcs": [2]}
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [30, 45]},
        "arcs": arcs,
        "objects": {
            "land": {"type": "GeometryCollection", "geometries": [square, east]},
            "lakes": {"type": "GeometryCollection", "geometries": []},
            "rivers": {"type": "GeometryCollection", "geometries": [line]},
            "coastlines": {"type": "GeometryCollection", "geometries": [line]},
            "countries": {"type": "GeometryCollection", "geometries": [square, east]},
        },
    }


def test_basemap_build_keeps_shared_borders_clips_and_names_cities(tmp_path) -> None:
    from geo.view.basemap import build_basemap

    topo = tmp_path / "europe.json"
    topo.write_text(json.dumps(_topojson()), encoding="utf-8")
    places = tmp_path / "places.csv"
    places.write_text(
        "place_id,name,feature_code,oblast,population,lat,lon,keys\n"
        "g:1,Bigtown,PPLA,X,300000,45.5,30.5,bigtown\n"
        "g:2,Smallville,PPL,X,25000,46.0,31.0,smallville\n"
        "g:3,Hamlet,PPL,X,300,46.0,31.2,hamlet\n"
        "g:4,Faraway,PPLC,X,900000,10.0,10.0,faraway\n",
        encoding="utf-8",
    )
    out = tmp_path / "basemap.json"
    stats = build_basemap(topo, places, out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    by = {}
    for f in doc["features"]:
        by.setdefault(f["properties"]["layer"], []).append(f)
    assert stats["land"] == 2 and stats["cities"] == 2 and stats["bytes"] == out.stat().st_size
    # The only border is the shared edge at 30E, not the squares' outer (coast) edges.
    (border,) = by["borders"]
    coords = border["geometry"]["coordinates"]
    flat = (
        [p for line in coords for p in line]
        if border["geometry"]["type"] != "LineString"
        else coords
    )
    assert {p[0] for p in flat} == {30.0} and {p[1] for p in flat} == {45.0, 47.0}
    # The west square (28..30E) is cut at the box's west edge only if outside; it is inside.
    assert [c["properties"] for c in by["cities"]] == [
        {"layer": "cities", "name": "Bigtown", "rank": 1},
        {"layer": "cities", "name": "Smallville", "rank": 2},
    ]
    assert "Natural Earth" in doc["frontline_basemap"]["credit"]


def test_basemap_build_refuses_a_file_without_the_layers(tmp_path) -> None:
    from geo.errors import FrontlineError
    from geo.view.basemap import build_basemap

    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "Topology", "objects": {"land": {}}, "arcs": []}', encoding="utf-8")
    with pytest.raises(FrontlineError, match="missing layers"):
        build_basemap(bad, tmp_path / "p.csv", tmp_path / "out.json")
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(FrontlineError, match="not a readable TopoJSON"):
        build_basemap(bad, tmp_path / "p.csv", tmp_path / "out.json")


def test_shipped_basemap_is_small_and_covers_the_war() -> None:
    from geo.view.basemap import BBOX, basemap_file

    path = basemap_file()
    assert path.stat().st_size < 200_000  # small enough to commit and to send
    doc = json.loads(path.read_text(encoding="utf-8"))
    layers = {f["properties"]["layer"] for f in doc["features"]}
    assert layers == {"land", "lakes", "rivers", "coast", "borders", "cities"}
    names = {
        f["properties"]["name"] for f in doc["features"] if f["properties"]["layer"] == "cities"
    }
    assert {"Kyiv", "Kharkiv", "Donetsk", "Kherson", "Mariupol", "Belgorod"} <= names
    w, s, e, n = BBOX
    for f in doc["features"]:
        if f["geometry"]["type"] == "Point":
            lon, lat = f["geometry"]["coordinates"]
            assert w <= lon <= e and s <= lat <= n


def test_the_first_view_fits_its_markers_unless_a_link_names_a_view(events) -> None:
    d = day("2024-05-20")
    view = filter_events(events, ViewQuery.of(d, d))
    fitted = render_html(build_map(view)[0])
    assert '"fit":true' in fitted and '"fitArea":[44.0,22.0,53.5,41.0]' in fitted
    linked = render_html(build_map(view, center=(48.3, 37.9), zoom=9)[0])
    assert '"fit":false' in linked
