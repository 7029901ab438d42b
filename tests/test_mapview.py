"""The map's HTML, rendered without Streamlit (as folium's own tests do)."""

from __future__ import annotations

import json
import re

from conftest import XSS_SECTION, XSS_SNIPPET, XSS_TITLE, day

from geo import events as ev
from geo.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL, ensure_leaflet
from geo.fronts import color
from geo.mapview import STATUS_STYLE, build_map, legend_html, map_data, render_html, safe_url
from geo.views import ViewQuery, filter_events

_ASSET = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", re.I)


def _markers(html: str) -> list[list]:
    m = re.search(r"var markers = (\[.*?\]);\n", html)
    assert m, "markers array not found"
    return json.loads(m.group(1))


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
    markers = _markers(render_html(build_map(filter_events(events, ViewQuery.of(d, d)))[0]))
    by_name = {re.match(r"[^(]+", mk[6]).group(0).strip(): mk for mk in markers}
    assert by_name["Chasiv Yar"][3] == color("Donetsk") == "#D55E00"
    assert by_name["Krynky"][3] == color("Kherson")
    assert by_name["Chasiv Yar"][4] == "confirmed"
    assert by_name["Krynky"][4] == "claimed"
    assert by_name["Kurakhove"][4] == "reported"
    # The three styles really differ: filled, hollow dashed, pale.
    assert STATUS_STYLE["confirmed"]["fillOpacity"] > STATUS_STYLE["reported"]["fillOpacity"]
    assert STATUS_STYLE["claimed"]["fillOpacity"] < 0.2 and STATUS_STYLE["claimed"]["dashArray"]


def test_radius_grows_with_mentions(events) -> None:
    markers = {mk[7]: mk for mk in map_data(events).markers}
    assert markers["p-chasiv"][2] > markers["p-kurakh"][2]  # 3 mentions vs 1


def test_popup_has_place_dates_front_status_and_safe_links(events) -> None:
    markers = {mk[7]: mk for mk in map_data(events).markers}
    pop = markers["p-chasiv"][5]
    assert "Chasiv Yar" in pop and "3 mentions" in pop and "2024-05-20 – 2024-05-24" in pop
    assert "Bakhmut direction" in pop and "confirmed, attack" in pop and "claimed, attack" in pop
    assert '<a href="https://example.org/r/817"' in pop and "Day 817 summary</a>" in pop
    # A javascript: URL is not a link; its title is still shown.
    lyptsi = markers["p-lyptsi"][5]
    assert "javascript:" not in lyptsi and "Day 819 summary" in lyptsi and "<a " not in lyptsi


def test_report_text_is_escaped(events) -> None:
    html = render_html(build_map(events)[0])
    for raw in (XSS_TITLE, XSS_SNIPPET, XSS_SECTION, "<script>alert", "<img src", "<b onm"):
        assert raw not in html
    pop = {mk[7]: mk for mk in _markers(html)}["p-krynky"][5]
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
    legend = legend_html(["Donetsk"])
    assert legend.index("Donetsk") < legend.index("Kharkiv")  # fronts in view first
    for s in ("confirmed", "claimed", "reported"):
        assert s in legend


def test_empty_view_renders() -> None:
    empty = ev.empty_frame()
    m, data = build_map(empty)
    assert data.markers == [] and _markers(render_html(m)) == []


def test_loaded_store_maps_like_in_memory(store) -> None:
    gdf = ev.load(store)
    data = map_data(gdf)
    assert len(data.markers) == gdf["place_id"].nunique() == 8
    assert {mk[7] for mk in data.markers} == set(gdf["place_id"].astype(str))


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
    assert "L.geoJson" in html or "geo_json" in html
    assert "38.5" in html


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
