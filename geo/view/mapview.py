"""The Folium map of a view: one marker per place, coloured by front, styled by status.

The map comes in two parts. :func:`base_map` is what never changes with the
date: the offline base layer (:mod:`geo.view.basemap`), city names, the
legend, the drawing code (``mapview.js``, ``mapview.css``) and keeping the
user's pan and zoom. :func:`view_layer` is one view's markers, front labels,
overlay and chosen place, as a single ``folium.FeatureGroup``: the app passes
it to ``st_folium(feature_group_to_add=...)``, so a step swaps that group in
the browser and the map itself (its iframe, tiles, base layer) is never
rebuilt. :func:`build_map` joins both into one standalone page for tests and
benchmarks.

Why not one ``folium.CircleMarker`` + ``folium.Popup`` per place? Each folium
element renders its own Jinja template and its own JavaScript statements; a
month of data (a thousand places) then takes seconds. Instead the places go
into the page as one JSON array drawn with ``L.circleMarker``: one template
render, plain Leaflet (no plugin JS, no CDN). streamlit-folium still sees
every marker as a layer, so clicks report their position.

Popups are not in the page as HTML: each distinct string (report title, link,
front, date...) is in a lookup table once, markers hold small indexes into
it, and the popup is assembled in the browser when it opens (see
:class:`MapData`), which keeps a year's page small.

All text that came from a report is passed through :func:`html.escape` here,
in Python, before it reaches the page; the JSON is additionally made safe to
sit inside a ``<script>`` element. Source links are kept only for http(s) URLs.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
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
from geo.view.basemap import BASEMAP_URL
from geo.view.labels import FrontLabel, front_labels
from geo.view.places import aggregate_places, front_names

DEFAULT_CENTER = (48.3, 35.9)  # Mykolaiv to Luhansk, Kharkiv to the Azov coast in view
DEFAULT_ZOOM = 7
# Markers in this box (south, west, north, east: Ukraine and the regions next to it) decide
# the first view when a link asks for none.
FIT_AREA = (44.0, 22.0, 53.5, 41.0)
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

NAME_ZOOM = 9  # from this zoom on, settlements with markers are named on the map


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


def map_data(
    events: gpd.GeoDataFrame, ranged: bool = False, evidence: pd.DataFrame | None = None
) -> MapData:
    """Aggregate ``events`` per place into compact markers, lookup tables and front labels.

    ``ranged`` says the view is a range (labels then say which date's
    initiative they show); ``evidence`` is :func:`geo.view.labels.evidence_table`.
    """
    places = aggregate_places(events)
    t = {name: _Table() for name in _TABLES}
    t["sections"].index("")  # index 0: no section
    labels = _labels(events, ranged, evidence)
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


def _label_popup(lab: FrontLabel) -> str:
    """The popup of a front label: the initiative, the range's summary, the report's sentence."""
    h = f"<div class=fl-pop><b>{_e(lab.front)}</b><div class=fl-meta>initiative: "
    h += _e(lab.initiative or "unknown")
    if lab.initiative_source == "inferred":
        h += " (inferred from the report's wording)"
    if lab.as_of:
        h += f" · report of {lab.as_of.isoformat()}"
    h += "</div>"
    if lab.summary:
        h += f"<div class=fl-meta>In this range: {_e(lab.summary)}</div>"
    for ev in lab.evidence:
        h += f'<div class="fl-snip">“{_e(ev.sentence)}”</div><div class=fl-src>{_e(ev.title)}</div>'
    if not lab.evidence and lab.initiative:
        h += (
            "<div class=fl-src>No sentence stored for this report (reports ingested "
            "without their text keep facts only).</div>"
        )
    return h + "</div>"


def _labels(
    events: gpd.GeoDataFrame, ranged: bool = False, evidence: pd.DataFrame | None = None
) -> list[dict]:
    labels = []
    for lab in front_labels(events, ranged, evidence):
        side = SIDE_STYLE.get(lab.initiative or "", "fl-side-unknown")
        inferred = " fl-inferred" if lab.initiative_source == "inferred" else ""
        labels.append(
            {
                "lat": round(lab.lat, 5),
                "lon": round(lab.lon, 5),
                "bbox": [round(v, 5) for v in lab.bbox],
                "html": (
                    f'<span class="fl-label {side}{inferred}" '
                    f'style="border-left-color:{color(lab.front)}">{_e(lab.text)}</span>'
                ),
                "popup": _label_popup(lab),
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


def legend_html() -> str:
    """The legend: every front's colour, the status styles, what size means.

    The same on every map (it is part of the base map, which is never
    redrawn when the date changes).
    """
    items = "".join(
        f'<div><i class="fl-dot" style="background:{color(n)};border-color:{color(n)}"></i>'
        f"{_e(n)}</div>"
        for n in (*CANONICAL, *(f for f in FRONTS if f not in CANONICAL))
    )
    items += (
        f'<div><i class="fl-dot" style="background:{OTHER_COLOR};border-color:{OTHER_COLOR}">'
        f"</i>other / {_e(NO_FRONT)}</div>"
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


_STATIC = Path(__file__).with_name("mapview.js")
_CSS = Path(__file__).with_name("mapview.css")


_BASE_TEMPLATE = Template(
    """
{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.js }}
window.fl.init({{ this._parent.get_name() }}, {{ this.options_json }});
{% endmacro %}
"""
)

_LAYER_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
(function () {
  var markers = {{ this.markers_json }};
  var t = {{ this.tables_json }}, maxRows = {{ this.max_rows }};
  var labels = {{ this.labels_json }};
  window.fl.draw({{ this._parent.get_name() }}, {markers: markers, t: t, maxRows: maxRows,
    labels: labels, extra: {{ this.extra_json }}});
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


class _Rendered(MacroElement):
    """A macro element rendered without re-parsing its output (see :class:`_Verbatim`)."""

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        figure: Any = self.get_root()
        module = self._template.module
        if hasattr(module, "header"):
            figure.header.add_child(
                _Verbatim(str(module.header(self, kwargs))), name=self.get_name()
            )
        figure.script.add_child(_Verbatim(str(module.script(self, kwargs))), name=self.get_name())


class BaseLayer(_Rendered):
    """What never changes with the date: styles, the offline base layer, city names, the
    legend, the drawing code, and keeping the user's view. Sent once per page."""

    _template = _BASE_TEMPLATE

    def __init__(
        self, *, tiles: bool, view_key: str | None, basemap_url: str | None, fit: bool = False
    ) -> None:
        super().__init__()
        self._name = "FrontlineBase"
        self.css = _CSS.read_text(encoding="utf-8")
        self.js = _STATIC.read_text(encoding="utf-8")
        self.options_json = _script_json(
            {
                "viewKey": view_key,
                "basemap": None if tiles else basemap_url,
                "legend": legend_html(),
                "styles": STATUS_STYLE,
                "nameZoom": NAME_ZOOM,
                "fit": fit,
                "fitArea": FIT_AREA,
                "otherColor": OTHER_COLOR,
            }
        )


class FrontlineLayer(_Rendered):
    """The view's markers, front labels, overlay and chosen place: drawn into its feature
    group, which streamlit-folium swaps on each step without rebuilding the map."""

    _template = _LAYER_TEMPLATE

    def __init__(
        self,
        data: MapData,
        *,
        overlay: dict | None = None,
        chosen: Chosen | None = None,
    ) -> None:
        super().__init__()
        self._name = "FrontlineLayer"
        self.markers_json = _script_json(data.markers)
        self.tables_json = _script_json(data.tables)
        self.max_rows = int(MAX_POPUP_ROWS)
        self.labels_json = _script_json(data.labels)
        extra: dict[str, object] = {"overlay": overlay}
        if chosen is not None:
            idx = _marker_index(data, chosen.place_id)
            extra["chosen"] = {
                "lat": chosen.lat, "lon": chosen.lon, "name": _e(chosen.name), "marker": idx,
                "open": chosen.open_popup, "focus": chosen.focus,
            }  # fmt: skip
        self.extra_json = _script_json(extra)


@dataclass(frozen=True, slots=True)
class Chosen:
    """The place picked in "Find a place" or by a click: ringed, and its popup opened once.

    ``focus`` and ``open_popup`` are tokens that change each time the map
    should pan to the place (a choice in the search box) or open its popup (a
    click, whose popup the redraw would otherwise close); the browser acts
    once per token, so later redraws leave the user's map alone.
    """

    place_id: str
    name: str
    lat: float
    lon: float
    open_popup: str | None = None
    focus: str | None = None


def _marker_index(data: MapData, place_id: str) -> int:
    if len(data.places) == 0:
        return -1
    hits = (data.places["place_id"].astype(str) == str(place_id)).to_numpy().nonzero()[0]
    return int(hits[0]) if len(hits) else -1


def base_map(
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    tiles: bool = False,
    view_key: str | None = None,
    basemap_url: str | None = BASEMAP_URL,
) -> folium.Map:
    """The map without the view's data: the same for every date and filter.

    ``tiles`` adds OpenStreetMap tiles (they need internet); without them the
    offline base layer at ``basemap_url`` (served by this app, see
    :mod:`geo.view.basemap`) draws land, water, borders and city names.
    Without ``center`` and ``zoom`` (a link that names no view) the first view's markers
    set the view, so every front in it is on screen. Leaflet comes from this server
    (:mod:`geo.view.assets`); nothing else is loaded. ``view_key`` (the app's session
    id) turns on keeping the user's pan/zoom across page reloads and in the page URL, all
    in the browser.
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
    fit = center is None and zoom is None
    BaseLayer(tiles=tiles, view_key=view_key, basemap_url=basemap_url, fit=fit).add_to(m)
    return m


def view_layer(
    data: MapData, *, overlay: dict | None = None, chosen: Chosen | None = None
) -> folium.FeatureGroup:
    """The view's data as one feature group (``st_folium(feature_group_to_add=...)``)."""
    fg = folium.FeatureGroup(name="frontline-view", control=False)
    FrontlineLayer(data, overlay=overlay, chosen=chosen).add_to(fg)
    return fg


def build_map(
    events: gpd.GeoDataFrame,
    *,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    tiles: bool = False,
    overlay: dict | None = None,
    data: MapData | None = None,
    view_key: str | None = None,
    chosen: Chosen | None = None,
    basemap_url: str | None = BASEMAP_URL,
) -> tuple[folium.Map, MapData]:
    """The whole map of ``events`` (already filtered) as one standalone page: base + view.

    The app sends the two parts separately (:func:`base_map` once,
    :func:`view_layer` on every change); tests and benchmarks render them together.
    ``data`` may be a cached :func:`map_data` result for ``events``.
    """
    m = base_map(center=center, zoom=zoom, tiles=tiles, view_key=view_key, basemap_url=basemap_url)
    if data is None:
        data = map_data(events)
    view_layer(data, overlay=overlay, chosen=chosen).add_to(m)
    return m, data


def render_html(m: folium.Map) -> str:
    """The full standalone HTML of a map (what tests inspect)."""
    return m.get_root().render()
