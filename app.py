"""Frontline dashboard: ``streamlit run app.py``.

Thin on purpose: widgets and layout here, all the work in ``geo`` (filtering
in :mod:`geo.view.query`, the map in :mod:`geo.view.mapview`, charts' data in
:mod:`geo.view.trend`), which is tested without Streamlit. Events are read from
``FRONTLINE_EVENTS_DIR`` (default ``data/events``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.view import assets
from geo.errors import FrontlineError
from geo.store.events import export_geojson, load
from geo.places.fronts import CANONICAL, color
from geo.view.mapview import OSM_ATTRIBUTION, build_map, map_data, view_title
from geo.model import KINDS, STATUSES
from geo.view.overlay import (
    OverlayError,
    date_from_name,
    list_overlays,
    load_overlay,
    nearest_date,
    overlay_dir,
    parse_overlay,
)
from geo.view.trend import (
    context_window,
    initiative_by_date,
    initiative_spec,
    mentions_per_front,
    trend_spec,
)
from geo.view.query import (
    NON_FRONT,
    ViewQuery,
    dates_with_events,
    export_filename,
    filter_events,
    nearest_place,
    place_timeline,
)

st.set_page_config(page_title="Frontline", page_icon="🗺️", layout="wide")

EVENTS_DIR = Path(os.environ.get("FRONTLINE_EVENTS_DIR", str(settings.EVENTS_DIR)))
TILES_DEFAULT = os.environ.get("FRONTLINE_TILES", "1").lower() not in ("0", "no", "none", "off")
PLAY_SECONDS = float(os.environ.get("FRONTLINE_PLAY_SECONDS", "1.2"))  # pause per step
BELOW_MAP_AFTER_S = 1.0  # the panels under a session's first map follow it after this


# --------------------------------------------------------------------------- data (cached)


@st.cache_resource(show_spinner=False)
def _leaflet_ready() -> str:
    return str(assets.ensure_leaflet())


def store_signature(events_dir: Path) -> str:
    """Digest of the store files' names, sizes and mtimes: the cache key for everything derived.

    A short digest, not the tuple itself: Streamlit hashes every cache key on
    every rerun, and a 10-year store has thousands of files.
    """
    try:
        entries = sorted(os.scandir(events_dir), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return ""
    sig = []
    for e in entries:
        if e.name.endswith(".geojson") and not e.name.startswith("."):
            s = e.stat()  # once: a stat costs more than the rest of this loop
            sig.append((e.name, s.st_size, s.st_mtime_ns))
    return hashlib.blake2b(repr(sig).encode(), digest_size=16).hexdigest() if sig else ""


@st.cache_resource(show_spinner="Loading events…", max_entries=4)
def _events(events_dir: str, signature: str):
    return load(Path(events_dir))


@st.cache_resource(show_spinner=False, max_entries=4)
def _dates(events_dir: str, signature: str) -> list[dt.date]:
    return dates_with_events(_events(events_dir, signature))


@st.cache_resource(show_spinner=False, max_entries=4)
def _fronts(events_dir: str, signature: str) -> list[str]:
    return _front_options(_events(events_dir, signature))


@st.cache_resource(show_spinner=False, max_entries=64)
def _view(events_dir: str, signature: str, q: ViewQuery):
    return filter_events(_events(events_dir, signature), q)


@st.cache_resource(show_spinner=False, max_entries=64)
def _map_data(events_dir: str, signature: str, q: ViewQuery):
    return map_data(_view(events_dir, signature, q))


@st.cache_data(show_spinner=False, max_entries=16)
def _export(events_dir: str, signature: str, q: ViewQuery) -> str:
    return export_geojson(_view(events_dir, signature, q))


@st.cache_resource(show_spinner=False, max_entries=8)
def _overlay_file(path: str, mtime: float) -> dict:
    return load_overlay(Path(path))


# --------------------------------------------------------------------------- URL state


def _qp_list(name: str, allowed: list[str]) -> list[str]:
    raw = st.query_params.get(name, "")
    return [v for v in raw.split(",") if v in allowed] if raw else []


def _qp_date(name: str, dates: list[dt.date]) -> dt.date | None:
    """A date from the URL, moved to the nearest date that has data."""
    try:
        d = dt.date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return None
    return nearest_date(dates, d)


def _restore_from_url(dates, fronts, place_ids: Callable[[], set[str]]) -> None:
    """Seed widget state from the URL once per session, so a shared link opens the same view.

    ``place_ids`` is called only when the URL names a place: the list of all
    places is built after the first map, not before it.
    """
    ss = st.session_state
    if ss.get("_restored"):
        return
    ss["_restored"] = True
    d_from, d_to, day = _qp_date("from", dates), _qp_date("to", dates), _qp_date("date", dates)
    if d_from and d_to:
        ss["mode"] = "Range"
        ss["range"] = (min(d_from, d_to), max(d_from, d_to))
    elif day:
        ss["mode"] = "Day"
        ss["day"] = day
    ss["fronts"] = _qp_list("fronts", fronts)
    ss["statuses"] = _qp_list("status", list(STATUSES))
    ss["kinds"] = _qp_list("kind", list(KINDS))
    if st.query_params.get("place", "") and st.query_params["place"] in place_ids():
        ss["place"] = st.query_params["place"]
    ss["center"], ss["zoom"] = _url_view()


def _url_view() -> tuple[tuple[float, float] | None, int | None]:
    """Map centre and zoom from the URL, when valid."""
    center = zoom = None
    try:
        lat, lon = (float(x) for x in st.query_params.get("center", "").split(","))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            center = (lat, lon)
    except ValueError:
        pass
    try:
        z = int(st.query_params.get("zoom", ""))
        zoom = z if 2 <= z <= 18 else None
    except ValueError:
        pass
    return center, zoom


def _write_url(q: ViewQuery, mode: str) -> None:
    ss = st.session_state
    params: dict[str, str] = {}
    if mode == "Day" and q.date_from:
        params["date"] = q.date_from.isoformat()
    elif q.date_from and q.date_to:
        params["from"], params["to"] = q.date_from.isoformat(), q.date_to.isoformat()
    for key, values in (("fronts", q.fronts), ("status", q.statuses), ("kind", q.kinds)):
        if values:
            params[key] = ",".join(values)
    if ss.get("place"):
        params["place"] = ss["place"]
    # center/zoom: the map keeps them in the URL itself, in the browser (geo.view.mapview).
    current = st.query_params.to_dict()
    for k in ("center", "zoom"):
        if k in current:
            params[k] = current[k]
    if params != current:
        st.query_params.from_dict(params)


# --------------------------------------------------------------------------- time controls


def default_range(dates: list[dt.date], days: int = 30) -> tuple[dt.date, dt.date]:
    """The dates with data in the last ``days`` calendar days up to the latest one."""
    start = dates[-1] - dt.timedelta(days=days - 1)
    return next(d for d in dates if d >= start), dates[-1]


def _set_time(day: dt.date | None = None, rng: tuple[dt.date, dt.date] | None = None) -> None:
    """Change the date (or range) from code: the sliders are re-created with it as default.

    Streamlit widgets cannot be given a value and a session-state value at
    once, so the sliders' keys carry a counter that code bumps when it moves them.
    """
    ss = st.session_state
    if day is not None:
        ss["day"] = day
    if rng is not None:
        ss["range"] = rng
    ss["_slider_gen"] = ss.get("_slider_gen", 0) + 1


def _step(dates: list[dt.date], delta: int) -> None:
    """Move the day (or the whole range) by ``delta`` dates that have data."""
    ss = st.session_state
    if ss.get("mode") == "Range":
        a, b = ss.get("range", (dates[0], dates[-1]))
        ia, ib = dates.index(a), dates.index(b)
        if ia + delta >= 0 and ib + delta < len(dates):
            _set_time(rng=(dates[ia + delta], dates[ib + delta]))
        else:
            ss["playing"] = False
    else:
        i = dates.index(ss.get("day", dates[-1])) + delta
        _set_time(day=dates[max(0, min(i, len(dates) - 1))])
        if i >= len(dates):
            ss["playing"] = False


def _slider_changed(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = (
        tuple(st.session_state[widget_key])
        if state_key == "range"
        else (st.session_state[widget_key])
    )


def _time_controls(dates: list[dt.date]) -> tuple[str, dt.date, dt.date]:
    ss = st.session_state
    goto = ss.pop("_goto_day", None)  # set by an upload: show the new report's date
    if goto in dates:
        ss["mode"] = "Day"
        _set_time(day=goto)
    ss.setdefault("mode", "Day")
    if ss.get("day") not in dates:
        ss["day"] = dates[-1]
    rng = ss.get("range")
    if not isinstance(rng, tuple) or rng[0] not in dates or rng[1] not in dates:
        ss["range"] = default_range(dates)
    cols = st.columns([1.4, 0.9, 1.0, 0.9, 6], vertical_alignment="bottom")
    c_mode, c_prev, c_play, c_next, c_slider = cols
    mode = c_mode.radio("View", ["Day", "Range"], key="mode", horizontal=True)
    c_prev.button(
        "◀ Prev", key="prev", help="previous date with data", on_click=_step, args=(dates, -1)
    )
    playing = ss.get("playing", False)
    c_play.button(
        "⏸ Pause" if playing else "▶ Play",
        key="play",
        help="play day by day",
        on_click=lambda: ss.update(playing=not ss.get("playing", False)),
    )
    c_next.button("Next ▶", key="next", help="next date with data", on_click=_step, args=(dates, 1))
    fmt = lambda d: d.strftime("%d %b %Y")  # noqa: E731
    gen = ss.get("_slider_gen", 0)
    if mode == "Day":
        wk = f"day_{gen}"
        day = c_slider.select_slider(
            "Date", options=dates, value=ss["day"], key=wk, format_func=fmt,
            on_change=_slider_changed, args=(wk, "day"),
        )  # fmt: skip
        ss["day"] = day
        return mode, day, day
    wk = f"range_{gen}"
    a, b = c_slider.select_slider(
        "Date range", options=dates, value=ss["range"], key=wk, format_func=fmt,
        on_change=_slider_changed, args=(wk, "range"),
    )  # fmt: skip
    ss["range"] = (a, b)
    return mode, a, b


# --------------------------------------------------------------------------- panels


def _front_options(events) -> list[str]:
    present = set(events["front"].dropna().astype(str).unique()) if len(events) else set()
    opts = [f for f in CANONICAL if f in present] + sorted(present - set(CANONICAL))
    if len(events) and events["front"].isna().any():
        opts.append(NON_FRONT)
    return opts


def _sidebar_filters(front_opts: list[str]) -> tuple[list[str], list[str], list[str]]:
    sb = st.sidebar
    sb.header("Filters")
    fronts = sb.multiselect("Fronts", front_opts, key="fronts", placeholder="All fronts")
    statuses = sb.multiselect("Status", list(STATUSES), key="statuses", placeholder="Any status")
    kinds = sb.multiselect("Kind", list(KINDS), key="kinds", placeholder="Any kind")
    return fronts, statuses, kinds


def _overlay_controls(day: dt.date) -> tuple[dict | None, str | None]:
    """The occupied-area layer nearest ``day``, from FRONTLINE_OVERLAY_DIR or uploads."""
    sb = st.sidebar
    sb.header("Front-line overlay")
    folder = overlay_dir()
    files = list_overlays(folder)
    ups = sb.file_uploader(
        "Occupied-area GeoJSON, named with its date (e.g. area_20240524.geojson)",
        type=["geojson", "json"],
        accept_multiple_files=True,
        key="overlay_upload",
    )
    uploaded: dict[dt.date, tuple[str, bytes]] = {}
    for up in ups or []:
        d = date_from_name(up.name)
        if d is None:
            sb.error(f"{up.name}: no date in the file name (use *_YYYYMMDD.geojson)")
        else:
            uploaded[d] = (up.name, up.getvalue())
    if not files and not uploaded:
        sb.caption("No overlay loaded. Set FRONTLINE_OVERLAY_DIR or upload a file.")
        return None, None
    show = sb.checkbox("Show occupied area", value=True, key="overlay_on")
    source = sb.text_input(
        "Overlay source (for the credits)",
        value=os.environ.get("FRONTLINE_OVERLAY_SOURCE", ""),
        key="overlay_source",
    )
    if not show:
        return None, None
    best = nearest_date(set(files) | set(uploaded), day)
    try:
        if best in uploaded:
            name, data = uploaded[best]
            geo = parse_overlay(data, name)
        else:
            path = files[best]
            name = path.name
            geo = _overlay_file(str(path), path.stat().st_mtime)
    except OverlayError as exc:
        sb.error(str(exc))
        return None, None
    label = f"{name} (area as of {best.isoformat()})"
    sb.caption(f"Showing {label}")
    return geo, label + (f", source: {source}" if source else "")


def _upload_panel() -> None:
    sb = st.sidebar
    sb.header("Add reports")
    ups = sb.file_uploader(
        "Report files (.txt, .md, .html)",
        type=["txt", "md", "html", "htm"],
        accept_multiple_files=True,
        key="report_upload",
    )
    done: dict = st.session_state.setdefault("_ingested", {})
    added = None
    for up in ups or []:
        if up.file_id not in done:
            try:
                from geo.ingest import ingest_bytes

                r = ingest_bytes(up.name, up.getvalue(), EVENTS_DIR)
                done[up.file_id] = (r.ok, r.error, r.date, r.events, list(r.unresolved))
            except FrontlineError as exc:
                done[up.file_id] = (False, str(exc), None, 0, [])
            except Exception as exc:  # never a traceback in the app
                done[up.file_id] = (False, f"{type(exc).__name__}: {exc}", None, 0, [])
            if done[up.file_id][0]:
                added = done[up.file_id][2]
        ok, error, date, n, unresolved = done[up.file_id]
        if not ok:
            sb.error(f"{up.name}: {error}")
            continue
        sb.success(f"{up.name}: {n} events on {date}")
        if unresolved:
            sb.warning("Unresolved names (not on the map): " + ", ".join(unresolved))
    if added is not None:  # the store changed: redraw with it, on the new report's date
        st.session_state["_goto_day"] = added
        st.rerun()


def _history_panel(events, places_all: pd.DataFrame) -> None:
    st.subheader("Place history")
    ids = places_all["place_id"].tolist()
    st.session_state.setdefault("place", None)
    labels = dict(zip(ids, places_all["label"], strict=True))
    pid = st.selectbox(
        "Find a place (or click one on the map)",
        ids,
        key="place",
        format_func=lambda p: labels.get(p, p),
        placeholder="Type a place name…",
    )
    if not pid:
        st.caption("Pick a place to see every date it was mentioned.")
        return
    hist = place_timeline(events, pid)
    match = places_all.loc[places_all["place_id"] == pid, "place"]
    name = str(match.iloc[0]) if len(match) else pid
    st.markdown(
        f"**{name}**: {int(hist['mentions'].sum())} mentions on {hist['date'].nunique()} dates, "
        f"{hist['date'].min()} – {hist['date'].max()}"
    )
    st.dataframe(hist, hide_index=True, width="stretch")


@st.cache_resource(show_spinner=False, max_entries=16)
def _trend_tables(events_dir: str, signature: str, q: ViewQuery):
    ev = _view(events_dir, signature, q)
    return mentions_per_front(ev), initiative_by_date(ev)


def _trend_panel(t: pd.DataFrame, ini: pd.DataFrame, day_from: dt.date, day_to: dt.date) -> None:
    st.subheader("Activity per front")
    if len(t) == 0:
        st.caption("No events.")
        return
    fronts = sorted(t["front"].unique(), key=lambda f: (f not in CANONICAL, f))
    colors = [color(None if f == NON_FRONT else f) for f in fronts]
    spec = trend_spec(fronts, colors, day_from.isoformat(), day_to.isoformat())
    st.vega_lite_chart(t, spec, width="stretch")
    if len(ini):
        st.caption("Initiative by report (pale = inferred)")
        st.vega_lite_chart(ini, initiative_spec(ini["front"].nunique()), width="stretch")


def _footer(tiles: bool, overlay_label: str | None) -> None:
    parts = [settings.GEONAMES_CREDIT]
    if tiles:
        parts.append(f"Map tiles {OSM_ATTRIBUTION}.")
    if overlay_label:
        parts.append(f"Occupied-area overlay: {overlay_label}.")
    parts.append("Events: parsed from the situation reports named in each popup.")
    st.divider()
    st.caption(" · ".join(parts))


# --------------------------------------------------------------------------- page


def main() -> None:
    _leaflet_ready()
    st.title("Frontline")
    st.caption("Daily situation reports about the war in Ukraine, as a dated map of the front.")

    sig = store_signature(EVENTS_DIR)
    events = _events(str(EVENTS_DIR), sig)
    for name, problem in events.attrs.get("skipped", []):
        st.warning(f"Skipped {name}: {problem}")
    if len(events) == 0:
        _upload_panel()
        st.info(
            f"No events in {EVENTS_DIR}. Add reports in the sidebar, or run "
            "`frontline ingest REPORT...`."
        )
        _footer(False, None)
        return

    # Only what the first map needs comes before it: the list of all places
    # (for the history panel) and the trend tables are built after it.
    dates = _dates(str(EVENTS_DIR), sig)
    front_opts = _fronts(str(EVENTS_DIR), sig)
    _restore_from_url(dates, front_opts, lambda: set(_all_places(str(EVENTS_DIR), sig)["place_id"]))

    fronts, statuses, kinds = _sidebar_filters(front_opts)
    tiles = st.sidebar.checkbox(
        "OpenStreetMap tiles (needs internet)", value=TILES_DEFAULT, key="tiles"
    )
    mode, d_from, d_to = _time_controls(dates)
    q = ViewQuery.of(d_from, d_to, fronts, statuses, kinds)
    overlay, overlay_label = _overlay_controls(d_to)
    _upload_panel()

    view = _view(str(EVENTS_DIR), sig, q)
    data = _map_data(str(EVENTS_DIR), sig, q)
    st.markdown(f"## {view_title(d_from, d_to)}")
    st.markdown(
        f"Showing **{len(view)}** events at **{len(data.places)}** places",
        help="One marker per place; its size grows with the number of mentions.",
    )

    ss = st.session_state
    m, _ = build_map(
        view,
        center=ss.get("center"),
        zoom=ss.get("zoom"),
        tiles=tiles,
        overlay=overlay,
        overlay_label=overlay_label,
        data=data,
        view_key=ss.setdefault("_view_key", uuid.uuid4().hex[:12]),
    )
    out = st_folium(
        m,
        key="map",
        height=620,
        use_container_width=True,
        returned_objects=["last_object_clicked"],
    )
    _handle_map_click((out or {}).get("last_object_clicked"), data.places)
    _write_url(q, mode)

    # The first map of a session is drawn before anything below it (see
    # _below_map_soon); a link naming a place opens with its history at once.
    if ss.get("_below_map_ready") or ss.get("place"):
        _below_map(sig, events, q, d_from, d_to)
    else:
        _below_map_soon()
    ss["_below_map_ready"] = True
    _footer(tiles, overlay_label)

    if ss.get("playing"):
        time.sleep(PLAY_SECONDS)
        _step(dates, 1)
        st.rerun()


def _below_map(sig: str, events, q: ViewQuery, d_from: dt.date, d_to: dt.date) -> None:
    """Download button, place history and trend charts: everything under the map."""
    st.download_button(
        "Download this view (GeoJSON)",
        # Generated on click only: a month's GeoJSON is not sent with every rerun.
        data=lambda: _export(str(EVENTS_DIR), sig, q),
        on_click="ignore",
        file_name=export_filename(q),
        mime="application/geo+json",
        key="download",
    )
    left, right = st.columns(2)
    with left:
        _history_panel(events, _all_places(str(EVENTS_DIR), sig))
    with right:
        # about a year around the view: a lone later report must not squeeze 2022
        lo, hi = context_window(pd.Series(_dates(str(EVENTS_DIR), sig)), d_from, d_to)
        around = ViewQuery.of(lo, hi, q.fronts, q.statuses, q.kinds)
        trend, ini = _trend_tables(str(EVENTS_DIR), sig, around)
        _trend_panel(trend, ini, d_from, d_to)


@st.fragment(run_every=BELOW_MAP_AFTER_S)
def _below_map_soon() -> None:
    """Draws nothing; fires once, in the browser, to bring the panels under the first map.

    The browser shows a batch of new elements only when the code of all of
    them has loaded: sent with the first map, the charts (Vega) and the other
    panels would hold the map back by about a second. So the first run of a
    session stops at the map, and this timer asks for a full run a moment
    later; that run draws the panels and, not calling this fragment, cancels
    the timer.
    """
    if st.session_state.get("_below_map_ready"):  # not the call inside the first run
        st.rerun()


def _handle_map_click(click: dict | None, places: pd.DataFrame) -> None:
    """A click on a marker selects the place under it for the history panel below."""
    ss = st.session_state
    if not click or click == ss.get("_handled_click"):
        return
    ss["_handled_click"] = click
    pid = nearest_place(places, float(click["lat"]), float(click["lng"]))
    if pid:
        ss["place"] = pid


@st.cache_resource(show_spinner=False, max_entries=4)
def _all_places(events_dir: str, signature: str) -> pd.DataFrame:
    from geo.view.query import aggregate_places

    p = aggregate_places(_events(events_dir, signature))
    p["label"] = p["place"] + " · " + p["fronts"] + " · " + p["count"].astype(str) + "×"
    return p.sort_values("place", kind="stable").reset_index(drop=True)


main()
