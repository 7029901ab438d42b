"""The Folium map of a view: one marker per place, coloured by front, styled by status.

Why not one ``folium.CircleMarker`` + ``folium.Popup`` per place? Each folium
element renders its own Jinja template and its own JavaScript statements; a
month of data (a thousand places) then takes seconds. Instead the places go
into the page as one JSON array and a short script draws them with
``L.circleMarker``: one template render, and plain Leaflet (no plugin JS, no
CDN). streamlit-folium still sees every marker as a layer, so clicks report
their position (``last_object_clicked``).

Popups are not in the page as HTML: each distinct string (report title, link,
front, date...) is in a lookup table once, markers hold small indexes into
it, and the popup is assembled in the browser when it opens (see
:class:`MapData`). A year's page is ~14x smaller than with HTML per marker.

All text that came from a report is passed through :func:`html.escape` here,
in Python, before it reaches the page; the JSON is additionally made safe to
sit inside a ``<script>`` element. Source links are kept only for http(s) URLs.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.model import NO_FRONT
from geo.places.fronts import CANONICAL, FRONTS, OTHER_COLOR, color
from geo.view.assets import LEAFLET_CSS_URL, LEAFLET_JS_URL
from geo.view.labels import front_labels
from geo.view.places import aggregate_places, front_names

DEFAULT_CENTER = (48.4, 35.6)  # Mykolaiv to Luhansk, Kharkiv to the Azov coast in view
DEFAULT_ZOOM = 7
MAX_POPUP_ROWS = 12  # events listed per place; the rest are counted

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"

# Status -> marker style. Confirmed reads solid, claimed hollow and dashed,
# reported pale: the difference survives greyscale and colour blindness.
STATUS_STYLE: dict[str, dict[str, object]] = {
    "confirmed": {"weight": 2, "opacity": 1.0, "fillOpacity": 0.85, "dashArray": None},
    "claimed": {"weight": 2.5, "opacity": 1.0, "fillOpacity": 0.08, "dashArray": "4 3"},
    "reported": {"weight": 1, "opacity": 0.7, "fillOpacity": 0.35, "dashArray": None},
}
SIDE_STYLE = {"Russia": "fl-side-ru", "Ukraine": "fl-side-ua", "None": "fl-side-none"}

# A few cities drawn as faint labels so the map can be read without tiles.
REFERENCE_CITIES: tuple[tuple[str, float, float], ...] = (
    ("Kyiv", 50.4501, 30.5234),
    ("Kharkiv", 49.9935, 36.2304),
    ("Dnipro", 48.4647, 35.0462),
    ("Zaporizhzhia", 47.8388, 35.1396),
    ("Donetsk", 48.0159, 37.8029),
    ("Luhansk", 48.5740, 39.3078),
    ("Kherson", 46.6354, 32.6169),
    ("Mariupol", 47.0971, 37.5434),
    ("Sumy", 50.9077, 34.7981),
    ("Kramatorsk", 48.7389, 37.5848),
    ("Mykolaiv", 46.9750, 31.9946),
    ("Belgorod", 50.5977, 36.5858),
    ("Kursk", 51.7304, 36.1926),
    ("Melitopol", 46.8489, 35.3675),
)


def _e(text: object) -> str:
    """Escape anything for HTML text or a quoted attribute."""
    return html.escape("" if text is None else str(text), quote=True)


def _esc_series(s: pd.Series) -> np.ndarray:
    """Escape a column fast: each distinct value once (reports repeat titles, fronts...)."""
    values = s.astype(object).where(s.notna(), "")
    codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    esc = np.array([html.escape(u, quote=True) for u in uniques] or [""], dtype=object)
    return esc[codes]


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL, else ``None`` (no ``javascript:`` links)."""
    if not isinstance(url, str):
        return None
    u = url.strip()
    low = u.lower()
    if not (low.startswith("https://") or low.startswith("http://")) or len(u) < 9:
        return None
    if any(c in u for c in "\"'<>` \t\r\n"):
        return None
    return u


def _script_json(obj: object) -> str:
    """JSON that is also safe inside ``<script>``: no ``</script>``, ``<!--`` or U+2028."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _codes(values: pd.Series | np.ndarray, table: _Table) -> np.ndarray:
    """Index of each (already escaped) value in ``table``, adding new values once."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    lookup = np.array([table.index(u) for u in uniques] or [0], dtype=np.int64)
    return lookup[codes]


class _Table:
    """A list of distinct strings and their positions: the page's lookup tables."""

    __slots__ = ("_pos", "items")

    def __init__(self) -> None:
        self.items: list = []
        self._pos: dict = {}

    def index(self, value: object) -> int:
        key = tuple(value) if isinstance(value, list) else value
        i = self._pos.get(key)
        if i is None:
            i = self._pos[key] = len(self.items)
            self.items.append(value)
        return i


def _radius(count: np.ndarray) -> np.ndarray:
    return np.clip(5 + 1.5 * np.sqrt(count - 1), 5, 16).round(1)


# Positions in a marker (``MapData.markers``) and in one of its event rows.
(M_LAT, M_LON, M_RADIUS, M_COLOUR, M_STATUS, M_NAME, M_COUNT, M_FIRST, M_LAST, M_FRONTS,
 M_STATUSES, M_ROWS) = range(12)  # fmt: skip
R_DATE, R_FRONT, R_SECTION, R_STATUS, R_KIND, R_SOURCE, R_SNIPPET = range(7)


@dataclass(frozen=True, slots=True)
class MapData:
    """What the map shows, ready for the page (and for tests to inspect).

    The popups are not HTML here: a thousand places times a dozen rows that
    repeat the same report titles, links and fronts would be most of the page.
    Instead each marker carries small indexes into ``tables`` (every distinct
    string once, *already HTML-escaped*), and the page builds a popup's HTML
    in JavaScript when it opens, by concatenating those strings only.
    :func:`popup_html` is the same builder in Python.

    ``markers[i]`` (same order as ``places``): ``[lat, lon, radius, colour#,
    status#, place name, count, first date#, last date#, fronts#, statuses#,
    rows]``; each row ``[date#, front#, section#, status#, kind#, source#]``
    plus the escaped snippet when there is one; newest first, at most
    :data:`MAX_POPUP_ROWS`. ``#`` marks an index into the table of that name
    (``fronts`` also holds a place's list of fronts, ``statuses`` its list of
    statuses). ``tables["sources"]`` holds ``[title, url or None]``.
    """

    places: pd.DataFrame  # aggregate_places() output, same order as markers
    markers: list[list]
    labels: list[dict]  # [{lat, lon, html}]
    tables: dict[str, list]


_TABLES = ("colours", "statuses", "dates", "fronts", "sections", "kinds", "sources")


def _event_rows(events: gpd.GeoDataFrame, t: dict[str, _Table]) -> dict[str, list[list]]:
    """Per place_id, the compact rows of its latest events (newest first)."""
    ev = events.sort_values("date", ascending=False, kind="stable")
    ev = ev[ev.groupby(ev["place_id"].astype(str), sort=False).cumcount() < MAX_POPUP_ROWS]
    n = len(ev)
    col = lambda c: ev[c] if c in ev.columns else pd.Series([None] * n, index=ev.index)  # noqa: E731
    date = _codes(ev["date"].dt.strftime("%Y-%m-%d").fillna(""), t["dates"])
    front = front_names(col("front"))
    titles = _esc_series(col("source"))
    titles = np.where(titles == "", "source", titles)
    urls = _esc_series(col("source_url").astype(object).map(safe_url))
    # Each distinct (title, url) pair once: factorize both, then the pair of codes.
    tc, tu = pd.factorize(titles, use_na_sentinel=False)
    uc, uu = pd.factorize(urls, use_na_sentinel=False)
    src_codes, pairs = pd.factorize(tc * (len(uu) + 1) + uc, use_na_sentinel=False)
    src_lookup = np.array(
        [t["sources"].index([tu[p // (len(uu) + 1)], uu[p % (len(uu) + 1)] or None]) for p in pairs]
        or [0]
    )
    cols = np.column_stack(
        [
            date,
            _codes(_esc_series(front), t["fronts"]),
            _codes(_esc_series(col("section")), t["sections"]),
            _codes(_esc_series(col("status")), t["statuses"]),
            _codes(_esc_series(col("kind")), t["kinds"]),
            src_lookup[src_codes],
        ]
    ).tolist()
    snippet = _esc_series(col("snippet"))
    out: dict[str, list[list]] = {}
    for pid, row, snip in zip(ev["place_id"].astype(str), cols, snippet, strict=True):
        if snip:
            row.append(snip)
        out.setdefault(pid, []).append(row)
    return out


def map_data(events: gpd.GeoDataFrame) -> MapData:
    """Aggregate ``events`` per place into compact markers, lookup tables and labels."""
    places = aggregate_places(events)
    t = {name: _Table() for name in _TABLES}
    t["sections"].index("")  # index 0: no section
    labels = _labels(events)
    if len(places) == 0:
        return MapData(places, [], labels, {k: v.items for k, v in t.items()})
    rows = _event_rows(events, t)
    colours = [color(None if f == NO_FRONT else f) for f in places["front"]]
    cols = zip(
        places["lat"].round(5).tolist(),
        places["lon"].round(5).tolist(),
        _radius(places["count"].to_numpy()).tolist(),
        _codes(pd.Series(colours, dtype=object), t["colours"]).tolist(),
        _codes(_esc_series(places["status"]), t["statuses"]).tolist(),
        _esc_series(places["place"]).tolist(),
        places["count"].astype(int).tolist(),
        _codes(places["first"].dt.strftime("%Y-%m-%d"), t["dates"]).tolist(),
        _codes(places["last"].dt.strftime("%Y-%m-%d"), t["dates"]).tolist(),
        _codes(_esc_series(places["fronts"]), t["fronts"]).tolist(),
        _codes(_esc_series(places["statuses"]), t["statuses"]).tolist(),
        [rows.get(p, []) for p in places["place_id"].astype(str)],
        strict=True,
    )
    return MapData(places, [list(c) for c in cols], labels, {k: v.items for k, v in t.items()})


def _labels(events: gpd.GeoDataFrame) -> list[dict]:
    labels = []
    for lab in front_labels(events):
        side = SIDE_STYLE.get(lab.initiative or "", "fl-side-unknown")
        inferred = " fl-inferred" if lab.initiative_source == "inferred" else ""
        labels.append(
            {
                "lat": round(lab.lat, 5),
                "lon": round(lab.lon, 5),
                "html": (
                    f'<span class="fl-label {side}{inferred}" '
                    f'style="border-left-color:{color(lab.front)}">{_e(lab.text)}</span>'
                ),
            }
        )
    return labels


def popup_html(data: MapData, i: int) -> str:
    """The popup of marker ``i``: the page's JavaScript builder (``flPopup``), in Python.

    Only concatenates strings that :func:`map_data` already escaped, as the
    JavaScript does; tests use it to check what a user sees.
    """
    m, t = data.markers[i], data.tables
    first, last = t["dates"][m[M_FIRST]], t["dates"][m[M_LAST]]
    count = m[M_COUNT]
    h = (
        "<div class=fl-pop><b class=fl-place>" + m[M_NAME] + "</b><div class=fl-meta>"
        + ("1 mention" if count == 1 else f"{count} mentions") + " · "
        + (first if first == last else first + " – " + last)
        + "<br>front: " + t["fronts"][m[M_FRONTS]]
        + " · status: " + t["statuses"][m[M_STATUSES]]
        + "</div><table class=fl-ev>"
    )  # fmt: skip
    for r in m[M_ROWS]:
        title, url = t["sources"][r[R_SOURCE]]
        section = t["sections"][r[R_SECTION]]
        link = (
            '<a href="' + url + '" target="_blank" rel="noopener noreferrer">' + title + "</a>"
            if url
            else title
        )
        h += (
            "<tr><td>" + t["dates"][r[R_DATE]] + "</td><td>" + t["fronts"][r[R_FRONT]]
            + (" · " + section if section else "")
            + "</td><td>" + t["statuses"][r[R_STATUS]] + ", " + t["kinds"][r[R_KIND]]
            + "</td></tr><tr><td></td><td colspan=2 class=fl-src>" + link
            + ('<div class="fl-snip">' + r[R_SNIPPET] + "</div>" if len(r) > R_SNIPPET else "")
            + "</td></tr>"
        )  # fmt: skip
    h += "</table>"
    if count > MAX_POPUP_ROWS:
        h += f"<div class=fl-more>… and {count - MAX_POPUP_ROWS} earlier</div>"
    return h + "</div>"


def tooltip_html(data: MapData, i: int) -> str:
    """The tooltip of marker ``i`` (the page's ``flTooltip``, in Python)."""
    m = data.markers[i]
    return m[M_NAME] + " (" + str(m[M_COUNT]) + ", " + data.tables["statuses"][m[M_STATUS]] + ")"


def legend_html(fronts_shown: list[str] | None = None) -> str:
    """The legend: front colours (those in view first), status styles, side styles."""
    names = list(fronts_shown or [])
    names += [f for f in CANONICAL if f not in names]
    items = "".join(
        f'<div><i class="fl-dot" style="background:{color(n)};border-color:{color(n)}"></i>'
        f"{_e(n)}</div>"
        for n in names
        if n != NO_FRONT
    )
    items += (
        f'<div><i class="fl-dot" style="background:{OTHER_COLOR};border-color:{OTHER_COLOR}">'
        f"</i>{_e(NO_FRONT)}</div>"
    )
    status = (
        '<div><i class="fl-dot" style="background:#555;border-color:#555"></i>confirmed</div>'
        '<div><i class="fl-dot fl-dash" style="background:transparent;border-color:#555"></i>'
        "claimed</div>"
        '<div><i class="fl-dot" style="background:rgba(85,85,85,.35);border-color:#999"></i>'
        "reported</div>"
    )
    return (
        '<div class="fl-legend"><b>Front</b>'
        + items
        + "<b>Status</b>"
        + status
        + "<b>Size</b><div>number of mentions</div></div>"
    )


_TEMPLATE = Template(
    """
{% macro header(this, kwargs) %}
<style>
.leaflet-container { background: #eef0ea; font: 12px/1.35 system-ui, sans-serif; }
.fl-legend { background: rgba(255,255,255,.92); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); line-height: 1.5; max-height: 60vh; overflow: auto; }
.fl-legend b { display: block; margin-top: 3px; }
.fl-dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  border: 2px solid; margin-right: 5px; vertical-align: -2px; }
.fl-dash { border-style: dashed; }
.fl-label { display: inline-block; white-space: nowrap; background: rgba(255,255,255,.9);
  border: 1px solid #888; border-left-width: 6px; padding: 2px 6px; font-weight: 600;
  font-size: 13px; border-radius: 3px; transform: translate(-50%, -150%); }
.fl-side-ru { color: #7a0019; }
.fl-side-ua { color: #00449e; }
.fl-side-none, .fl-side-unknown { color: #333; font-weight: 500; }
.fl-inferred { font-style: italic; border-style: dashed; }
.fl-city { color: #777; font-size: 11px; white-space: nowrap; transform: translate(-50%, -50%);
  text-shadow: 0 0 3px #fff; }
.fl-pop { max-height: 260px; overflow: auto; }
.fl-place { font-size: 14px; }
.fl-meta { color: #444; margin: 2px 0 4px; }
.fl-ev td { padding: 1px 6px 1px 0; vertical-align: top; }
.fl-src { color: #555; padding-bottom: 3px !important; }
.fl-snip { font-style: italic; color: #333; }
.fl-more { color: #666; margin-top: 3px; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var styles = {{ this.styles_json }};
  var cities = {{ this.cities_json }};
  for (var c = 0; c < cities.length; c++) {
    L.marker([cities[c][1], cities[c][2]], {interactive: false, keyboard: false,
      icon: L.divIcon({className: "", html: '<span class="fl-city">' + cities[c][0] + '</span>',
      iconSize: null})}).addTo(map);
  }
  // Popups and tooltips are built when they open, from the lookup tables.
  // Every string in them was HTML-escaped in Python (geo.view.mapview.map_data):
  // this code only concatenates them. Mirrors geo.view.mapview.popup_html.
  var t = {{ this.tables_json }}, maxRows = {{ this.max_rows }};
  var markers = {{ this.markers_json }};
  var flPopup = function (m) {
    var first = t.dates[m[7]], last = t.dates[m[8]], n = m[6];
    var h = "<div class=fl-pop><b class=fl-place>" + m[5] + "</b><div class=fl-meta>" +
      (n === 1 ? "1 mention" : n + " mentions") + " · " +
      (first === last ? first : first + " – " + last) +
      "<br>front: " + t.fronts[m[9]] + " · status: " + t.statuses[m[10]] +
      "</div><table class=fl-ev>";
    for (var k = 0; k < m[11].length; k++) {
      var r = m[11][k], src = t.sources[r[5]], sec = t.sections[r[2]];
      h += "<tr><td>" + t.dates[r[0]] + "</td><td>" + t.fronts[r[1]] +
        (sec ? " · " + sec : "") + "</td><td>" + t.statuses[r[3]] + ", " + t.kinds[r[4]] +
        "</td></tr><tr><td></td><td colspan=2 class=fl-src>" +
        (src[1] ? '<a href="' + src[1] + '" target="_blank" rel="noopener noreferrer">' +
          src[0] + "</a>" : src[0]) +
        (r.length > 6 ? '<div class="fl-snip">' + r[6] + "</div>" : "") + "</td></tr>";
    }
    h += "</table>";
    if (n > maxRows) { h += "<div class=fl-more>… and " + (n - maxRows) + " earlier</div>"; }
    return h + "</div>";
  };
  var flTooltip = function (m) { return m[5] + " (" + m[6] + ", " + t.statuses[m[4]] + ")"; };
  for (var i = 0; i < markers.length; i++) {
    var m = markers[i], st = t.statuses[m[4]], s = styles[st] || styles.reported;
    var mk = L.circleMarker([m[0], m[1]], {radius: m[2], color: t.colours[m[3]],
      fillColor: t.colours[m[3]], weight: s.weight, opacity: s.opacity,
      fillOpacity: s.fillOpacity, dashArray: s.dashArray, className: "fl-marker fl-" + st});
    mk.flData = m;
    mk.bindPopup(function (layer) { return flPopup(layer.flData); }, {maxWidth: 420})
      .bindTooltip(function (layer) { return flTooltip(layer.flData); }).addTo(map);
  }
  var labels = {{ this.labels_json }};
  for (var j = 0; j < labels.length; j++) {
    L.marker([labels[j].lat, labels[j].lon], {interactive: false, keyboard: false,
      zIndexOffset: 1000,
      icon: L.divIcon({className: "", html: labels[j].html, iconSize: null})}).addTo(map);
  }
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var d = L.DomUtil.create("div");
    d.innerHTML = {{ this.legend_json }};
    return d;
  };
  legend.addTo(map);
  // The map's view lives in the browser, not in Python: pan and zoom never
  // rerun the app. It is kept (1) in sessionStorage, so a redraw after a date
  // or filter change keeps the user's view, and (2) in the page URL, so a
  // copied link opens the same view. Only when running inside the app.
  var viewKey = {{ this.view_key_json }};
  if (viewKey) {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem("frontline:view") || "null");
      if (saved && saved.key === viewKey) {
        map.setView([saved.lat, saved.lng], saved.zoom, {animate: false});
      }
    } catch (e) { /* no storage: start from the default view */ }
    var syncView = function () {
      var c = map.getCenter(), z = String(map.getZoom());
      var center = c.lat.toFixed(4) + "," + c.lng.toFixed(4);
      try {
        window.sessionStorage.setItem("frontline:view", JSON.stringify(
          {key: viewKey, lat: c.lat, lng: c.lng, zoom: map.getZoom()}));
      } catch (e) { /* ignore */ }
      try {
        var w = window.parent;
        if (!w || w === window) { return; }
        var u = new URL(w.location.href);
        if (u.searchParams.get("center") === center && u.searchParams.get("zoom") === z) {
          return;
        }
        u.searchParams.set("center", center);
        u.searchParams.set("zoom", z);
        w.history.replaceState(w.history.state, "", u.toString());
      } catch (e) { /* another origin: the view is just not in the URL */ }
    };
    map.on("moveend", syncView);
    // The app rewrites the URL after each rerun; put the view back within a second.
    setInterval(syncView, 1000);
  }
})();
{% endmacro %}
"""
)


class _Verbatim(Element):
    """Pre-rendered code added to the page as is.

    branca's ``MacroElement.render`` wraps each macro's output in
    ``Element(output)``, which compiles that output as a *Jinja template*:
    slow for a large data array, and report text such as ``{{ ... }}`` would
    be evaluated on the server. This element prints its text as a variable,
    so nothing in it is ever parsed by Jinja.
    """

    _template = Template("{{ this.code }}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code


class FrontlineLayer(MacroElement):
    """Markers, front labels, reference cities and legend as one script (see module doc)."""

    _template = _TEMPLATE

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """``MacroElement.render``, minus the re-parsing (see :class:`_Verbatim`)."""
        figure: Any = self.get_root()
        module = self._template.module
        figure.header.add_child(_Verbatim(str(module.header(self, kwargs))), name=self.get_name())
        figure.script.add_child(_Verbatim(str(module.script(self, kwargs))), name=self.get_name())

    def __init__(self, data: MapData, legend: str, view_key: str | None = None) -> None:
        super().__init__()
        self.view_key_json = _script_json(view_key)
        self._name = "FrontlineLayer"
        self.markers_json = _script_json(data.markers)
        self.tables_json = _script_json(data.tables)
        self.max_rows = int(MAX_POPUP_ROWS)
        self.labels_json = _script_json(data.labels)
        self.styles_json = _script_json(STATUS_STYLE)
        self.cities_json = _script_json([[_e(n), la, lo] for n, la, lo in REFERENCE_CITIES])
        self.legend_json = _script_json(legend)


def build_map(
    events: gpd.GeoDataFrame,
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    tiles: bool = False,
    overlay: dict | None = None,
    overlay_label: str | None = None,
    data: MapData | None = None,
    view_key: str | None = None,
) -> tuple[folium.Map, MapData]:
    """The map of ``events`` (already filtered): markers per place, labels, legend.

    ``tiles`` adds OpenStreetMap tiles (they need internet; without them the
    map still shows a plain background, reference cities and every marker).
    ``overlay`` is an occupied-area GeoJSON dict drawn under the markers.
    Leaflet comes from this server (:mod:`geo.view.assets`); nothing else is loaded.
    ``data`` may be a cached :func:`map_data` result for ``events`` (the app
    caches it; building the folium objects around it is cheap). ``view_key``
    (the app's session id) turns on keeping the user's pan/zoom across
    redraws and in the page URL, all in the browser.
    """
    m = folium.Map(
        location=list(center or DEFAULT_CENTER),
        zoom_start=zoom or DEFAULT_ZOOM,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        zoom_control=True,
    )
    # Only Leaflet, from this server: no jQuery, Bootstrap, awesome-markers, CDN.
    m.default_js = [("leaflet", LEAFLET_JS_URL)]
    m.default_css = [("leaflet_css", LEAFLET_CSS_URL)]
    if tiles:
        folium.TileLayer(
            OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=18, opacity=0.55
        ).add_to(m)
    if overlay:
        folium.GeoJson(
            overlay,
            name=overlay_label or "occupied area",
            style_function=lambda _f: {
                "color": "#7a0019",
                "weight": 1,
                "fillColor": "#c0392b",
                "fillOpacity": 0.12,
                "dashArray": "3 3",
            },
            interactive=False,
        ).add_to(m)
    if data is None:
        data = map_data(events)
    shown = [f for f in pd.unique(data.places["front"]) if f in FRONTS] if len(data.places) else []
    FrontlineLayer(data, legend_html(shown), view_key).add_to(m)
    return m, data


def render_html(m: folium.Map) -> str:
    """The full standalone HTML of a map (what tests inspect)."""
    return m.get_root().render()
