"""Frontline dashboard: ``streamlit run app.py``.

Widgets and layout only. What the widgets show is computed in ``geo`` and
tested without Streamlit: the store answers queries (:mod:`geo.store`), the
link, the stepping and Play are :mod:`geo.view.state`, the map is
:mod:`geo.view.mapview`, finding a place :mod:`geo.view.find`, the per-place
tables :mod:`geo.view.places`, the charts' data :mod:`geo.view.trend`. Every
string that came from a report, a file name or a link is shown through
:func:`geo.view.safe.md` or as plain text.

Speed: the time controls, the map and its download are one fragment
(:func:`_view`), so a step reruns only them; the map is sent once
(:func:`geo.view.mapview.base_map`) while each view's markers and labels are
one feature group that streamlit-folium swaps in place, so the browser never
rebuilds the map; and the views one step away are computed in the
background while the user looks (:func:`geo.view.cache.prefetch`). The
sidebar, the panels beside the map and the charts under it are drawn by full
runs, which follow a session's first map, and a step once the user stops
stepping (:func:`_full_run_soon`). A session's first run reads no more of the
store than the newest day it shows (:meth:`geo.store.base.Store.quick_dates`),
so a first visitor of a large store does not wait for all of it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import FrontlineError, OverlayError
from geo.model import KINDS, NO_FRONT, STATUSES
from geo.places.fronts import CANONICAL, color
from geo.settings import settings
from geo.store import Store, open_store
from geo.store.query import ViewQuery
from geo.view import cache, session
from geo.view import state as vs
from geo.view.basemap import CREDIT as BASEMAP_CREDIT
from geo.view.find import find_places, place_heading
from geo.view.mapview import OSM_ATTRIBUTION, Chosen, base_map, view_layer
from geo.view.overlay import choose_overlay, date_from_name, list_overlays, overlay_dir
from geo.view.places import nearest_place, place_timeline
from geo.view.safe import md
from geo.view.trend import context_window, initiative_spec, trend_spec, whole_months
from geo.view.update_panel import latest_and_update
from geo.view.upload_panel import upload_panel

st.set_page_config(page_title="Frontline", page_icon="🗺️", layout="wide")

BELOW_MAP_AFTER_S = 1.0  # the rest of the page follows a session's first map after this
CHARTS_AFTER_S = 0.7  # after the last step, the panels and charts catch up
MAP_HEIGHT = 620  # with the header and controls above, the map fits a 1000 px window
CLICK_KM = 0.5  # a click reports the marker's own position (geo/view/mapview.js)
# Streamlit's default top padding and title would push the map below the fold.
# The main area always keeps room for its scroll bar: the rest of the page arrives after the
# first map, and a scroll bar appearing then would narrow the map after it was fitted.
PAGE_CSS = """<style>
[data-testid="stMain"] { overflow-y: scroll; }
[data-testid="stMainBlockContainer"] { padding: 2.2rem 1.2rem 1rem 1.2rem; }
[data-testid="stSidebar"] { width: 250px !important; min-width: 250px !important; }
[data-testid="stSidebarUserContent"] { padding-top: 1.5rem; }
h1.fl-title { font-size: 1.35rem; padding: 0; margin: 0; }
h1.fl-title small { font-weight: 400; font-size: .8rem; color: #666; }
</style>"""
TITLE = '<h1 class="fl-title">Frontline <small>daily situation reports about the war in Ukraine, \
as a dated map of the front</small></h1>'


def _goto_upload(dates: list[dt.date]) -> None:
    """After an upload, show the new report's date."""
    ss = st.session_state
    goto = ss.pop("_goto_day", None)
    if goto in dates:
        ss["mode"] = vs.DAY
        ss["_mode_gen"] = ss.get("_mode_gen", 0) + 1
        session.set_time(replace(session.current_state(), day=goto))


def _time_controls(dates: list[dt.date], labels: dict[dt.date, str]) -> None:
    """Mode, Prev/Play/Next and the slider. They change the plain session keys through
    their callbacks, before the run that draws the new view."""
    ss = st.session_state
    cols = st.columns([1.0, 1.05, 1.05, 1.05, 3.4], vertical_alignment="bottom")
    c_mode, c_prev, c_play, c_next, c_slider = cols
    # The view's state lives in plain session keys ("mode", "day", "range"); widgets
    # only show and change it (a widget's own state may be dropped between runs).
    mk = f"mode_{ss.get('_mode_gen', 0)}"
    mode = c_mode.radio(
        "View", list(vs.MODES), key=mk, horizontal=True, index=vs.MODES.index(ss["mode"]),
        on_change=session.mode_changed, args=(mk,),
    )  # fmt: skip
    step = session.step
    c_prev.button(
        "◀ Prev", key="prev", help="previous date with data", on_click=step, args=(dates, -1)
    )
    playing = ss.get("playing", False)
    c_play.button(
        "⏸ Pause" if playing else "▶ Play", key="play",
        help="play date by date (a range plays through itself)",
        on_click=session.toggle_play, args=(dates,),
    )  # fmt: skip
    c_next.button("Next ▶", key="next", help="next date", on_click=step, args=(dates, 1))
    gen = ss.get("_slider_gen", 0)
    wk = f"{'day' if mode == vs.DAY else 'range'}_{gen}"
    value = ss["day"] if mode == vs.DAY else ss["range"]
    c_slider.select_slider(
        "Date" if mode == vs.DAY else "Date range", options=dates, value=value, key=wk,
        format_func=lambda d: labels.get(d) or cache.date_label(d),
        on_change=session.slider_changed,
        args=(wk, "day" if mode == vs.DAY else "range"),
    )  # fmt: skip


def _gap_line(dates: list[dt.date]) -> None:
    """The slider only stops at dates with data: say where months pass without any."""
    note = st.session_state.get("_step_note")
    gaps = vs.gaps(dates)
    if note:
        st.caption(f"⚠️ {md(note)}")
    elif gaps:
        shown = "; ".join(g.text() for g in gaps[-3:])
        more = f" and {len(gaps) - 3} earlier" if len(gaps) > 3 else ""
        st.caption(f"Gaps in the data: {md(shown)}{more}.")


# --------------------------------------------------------------------------- panels


def _sidebar_filters(front_opts: list[str]) -> None:
    sb = st.sidebar
    sb.header("Filters")
    sb.multiselect("Fronts", front_opts, key="fronts", placeholder="All fronts")
    sb.multiselect("Status", list(STATUSES), key="statuses", placeholder="Any status")
    sb.multiselect("Kind", list(KINDS), key="kinds", placeholder="Any kind")


def _overlay_offer() -> tuple[dict, dict, str] | None:
    """The occupied-area files on offer (FRONTLINE_OVERLAY_DIR or uploads), when shown.

    Read from the sidebar widgets' state; which file is drawn depends on the
    date, so it is picked in the view fragment (:func:`_overlay_for`).
    """
    ss = st.session_state
    files = list_overlays(overlay_dir())
    uploaded = {
        d: (up.name, up.getvalue())
        for up in ss.get("overlay_upload") or []
        if (d := date_from_name(up.name)) is not None
    }
    if not (files or uploaded) or not ss.get("overlay_on", True):
        return None
    return files, uploaded, ss.get("overlay_source", settings.overlay_source)


def _overlay_sidebar() -> None:
    sb = st.sidebar
    sb.header("Front-line overlay")
    ups = sb.file_uploader(
        "Occupied-area GeoJSON, named with its date (e.g. area_20240524.geojson)",
        type=["geojson", "json"], accept_multiple_files=True, key="overlay_upload",
    )  # fmt: skip
    for up in ups or []:
        if date_from_name(up.name) is None:
            sb.error(f"{md(up.name)}: no date in the file name (use \\*\\_YYYYMMDD.geojson)")
    if not list_overlays(overlay_dir()) and not any(date_from_name(u.name) for u in ups or []):
        sb.caption("No overlay loaded. Set FRONTLINE\\_OVERLAY\\_DIR or upload a file.")
        return
    sb.checkbox("Show occupied area", value=True, key="overlay_on")
    sb.text_input(
        "Overlay source (for the credits)", value=settings.overlay_source, key="overlay_source"
    )


def _overlay_for(offer: tuple[dict, dict, str] | None, day: dt.date) -> dict | None:
    """The overlay nearest ``day``, with a line saying which it is, and how old when it is."""
    if offer is None:
        return None
    files, uploaded, source = offer
    load = lambda p: cache.overlay_file(str(p), p.stat().st_mtime)  # noqa: E731
    try:
        got = choose_overlay(files, uploaded, day, load)
    except OverlayError as exc:
        st.error(md(exc))
        return None
    if got is None:
        return None
    if got.age:
        st.warning(f"The occupied-area overlay is from {got.area_date.isoformat()}, {got.age}.")
    st.caption(f"Occupied area: {md(got.label)}" + (f", source: {md(source)}" if source else ""))
    return got.geojson


def _choose_place(pid: str) -> None:
    """A pick in "Find a place": select it, and pan the map to it once."""
    ss = st.session_state
    ss["place"] = pid
    ss["_focus"] = uuid.uuid4().hex[:8]


def _find_panel(store: Store) -> None:
    """Find a place by any spelling or former name; same-name places by oblast and raion."""
    ss = st.session_state
    query = st.text_input(
        "Find a place", key="find_q", placeholder="e.g. Bakhmut, Artemivsk, Sievierodonetsk",
        help="Any spelling or former name; places are listed by number of mentions.",
    )  # fmt: skip
    if not query.strip():
        return
    index = cache.place_index(store.location, st.session_state["_stamp"], store)
    found = find_places(index, query)
    if not found:
        st.caption(f"No place with mentions is called {md(query)}.")
        return
    labels = {f.place_id: f.label for f in found}
    current = ss.get("place")
    st.radio(
        "Matches", list(labels), key=f"find_pick_{query.strip().casefold()}",
        index=list(labels).index(current) if current in labels else None,
        format_func=lambda p: labels[p], label_visibility="collapsed",
        on_change=lambda: _choose_place(ss[f"find_pick_{query.strip().casefold()}"]),
    )  # fmt: skip


def _history_panel(store: Store) -> None:
    ss = st.session_state
    pid = ss.get("place")
    if not pid:
        st.caption("Click a marker or find a place to see every date it was mentioned.")
        return
    head = place_heading(cache.place_index(store.location, ss["_stamp"], store), pid)
    if head is None:
        st.caption("The chosen place has no mentions in the data.")
        return
    hist = place_timeline(cache.place_events(store.location, ss["_stamp"], pid, store), pid)
    st.markdown(
        f"**{md(head[0])}**" + (f" · {md(head[1])}" if head[1] else "")
        + f"  \n{int(hist['mentions'].sum())} mentions on {hist['date'].nunique()} dates, "
        f"{hist['date'].min()} – {hist['date'].max()}"
    )  # fmt: skip
    st.dataframe(
        hist.sort_values("date", ascending=False), hide_index=True, width="stretch", height=300
    )


def _trend_panel(t: pd.DataFrame, ini: pd.DataFrame, day_from: dt.date, day_to: dt.date) -> None:
    st.subheader("Activity per front")
    if len(t) == 0:
        st.caption("No events.")
        return
    fronts = sorted(t["front"].unique(), key=lambda f: (f not in CANONICAL, f))
    colors = [color(None if f == NO_FRONT else f) for f in fronts]
    spec = trend_spec(t, fronts, colors, day_from.isoformat(), day_to.isoformat())
    st.vega_lite_chart(spec=spec, width="stretch")
    st.caption(
        f"The dashed line marks {day_from}."
        if day_from == day_to
        else f"The shaded band marks {day_from} – {day_to}."
    )
    if len(ini):
        st.caption("Initiative by report, per front")
        st.vega_lite_chart(spec=initiative_spec(ini), width="stretch")


def _footer(tiles: bool) -> None:
    parts = [settings.geonames_credit, BASEMAP_CREDIT]
    if tiles:
        parts.append(f"Map tiles {OSM_ATTRIBUTION}.")
    parts.append("Events: parsed from the situation reports named in each popup.")
    st.divider()
    st.caption(" · ".join(parts))


# --------------------------------------------------------------------------- page


def main() -> None:
    cache.assets_ready()
    st.html(PAGE_CSS)
    st.markdown(TITLE, unsafe_allow_html=True)
    store = open_store()
    loc, stamp = store.location, store.stamp()
    ss = st.session_state
    ss["_stamp"] = stamp
    # A session's first run draws the map and what sits above it, reading no more of the
    # store than that; the sidebar, the panels beside the map and the charts under it
    # follow a moment later (_full_run_soon), with the whole store.
    first = not ss.get("_first_map_sent")
    if first:
        dates = cache.first_dates(loc, stamp, store)
    else:
        for name, problem in cache.skipped(loc, stamp, store):
            st.warning(f"Skipped {md(name)}: {md(problem)}")
        dates = cache.dates(loc, stamp, store)
    if not dates:
        latest_and_update(store, stamp)
        upload_panel(store)
        st.info(f"No events in {md(loc)}. Add reports, or run `frontline ingest REPORT...`.")
        _footer(False)
        return

    ss["_dates"] = dates
    session.restore_from_url(
        dates,
        lambda: vs.front_options(cache.fronts(loc, stamp, store)),
        lambda: set(cache.all_places(loc, stamp, store)["place_id"]),
    )
    session.fit_to_dates(dates)
    notices, restored = ss.get("_notices", ([], None))
    if notices and session.current_state().query() == restored:  # until the user moves on
        st.info("  \n".join(md(n) for n in notices), icon="ℹ️")
    latest_and_update(store, stamp)
    if first:
        st.sidebar.header("Filters")
        tiles = bool(ss.get("tiles", settings.tiles))
    else:
        _sidebar_filters(vs.front_options(cache.fronts(loc, stamp, store)))
        tiles = st.sidebar.checkbox(
            "OpenStreetMap tiles (needs internet)", settings.tiles, key="tiles"
        )
        _overlay_sidebar()
        upload_panel(store)
    left, right = st.columns([2.7, 1], gap="small")
    ss["_full_run"] = True
    try:
        with left:
            _view(store, dates, tiles, _overlay_offer())
    finally:
        ss["_full_run"] = False
    with right:
        if first:
            st.caption("Loading the search and the place history…")
        else:
            _find_panel(store)
            _history_panel(store)
    if first:
        ss["_first_map_sent"] = True
        _full_run_soon(BELOW_MAP_AFTER_S)
    else:
        _charts(store)
        _footer(tiles)


@st.fragment
def _view(store: Store, dates: list[dt.date], tiles: bool, offer) -> None:
    """The time controls, the map and its download: all that a step redraws.

    The panels beside the map and the charts under it are drawn by full runs only; after
    a step they follow once the user stops stepping (:func:`_full_run_soon`), so a step
    spends neither the server's nor the browser's time on them.
    """
    ss = st.session_state
    loc = store.location
    # The data as of the last full run: a step never lists the store; the full run that
    # follows a pause in stepping picks up reports added meanwhile.
    stamp = ss["_stamp"]
    _goto_upload(dates)
    _time_controls(dates, cache.date_labels(loc, stamp, dates))
    _gap_line(dates)
    view_state = session.current_state()
    d_from, d_to = view_state.span
    q = view_state.query()
    data = cache.view_map_data(loc, stamp, q, store)
    if _handle_map_click(ss.get("map"), data.places):
        st.rerun()  # a new place is chosen: the history beside the map shows it
    head, count = st.columns([1.3, 1], vertical_alignment="bottom")
    head.markdown(f"### {vs.view_title(d_from, d_to)}")
    count.markdown(
        f"Showing **{len(cache.view_events(loc, stamp, q, store))}** events at "
        f"**{len(data.places)}** places",
        help="One marker per place; its size grows with the number of mentions.",
    )
    overlay = _overlay_for(offer, d_to)
    m = base_map(
        center=ss.get("center"), zoom=ss.get("zoom"), tiles=tiles,
        view_key=ss.setdefault("_view_key", uuid.uuid4().hex[:12]),
    )  # fmt: skip
    st_folium(
        m, key="map", height=MAP_HEIGHT, use_container_width=True,
        feature_group_to_add=view_layer(data, overlay=overlay, chosen=_chosen(store)),
        returned_objects=["last_object_clicked", "last_object_clicked_count"],
    )  # fmt: skip
    if ss.get("_first_map_sent"):  # not in a session's first run: nothing under the map yet
        _download(loc, stamp, q, store)
    session.write_url(session.current_state())
    cache.prefetch(loc, stamp, vs.neighbours(view_state, dates), store)
    if ss.get("playing"):
        session.play_frame(dates)
    elif not ss.get("_full_run") and ss.get("_charts_q") != q:
        _full_run_soon(CHARTS_AFTER_S)


def _download(loc: str, stamp: str, q: ViewQuery, store: Store) -> None:
    """The GeoJSON of exactly this view; the file is made only when clicked."""
    st.download_button(
        "Download this view (GeoJSON)",
        # Generated on click only: a month's GeoJSON is not sent with every rerun.
        data=lambda: cache.export(loc, stamp, q, store),
        on_click="ignore", file_name=vs.export_filename(q), mime="application/geo+json",
        key="download",
    )  # fmt: skip


def _chosen(store: Store) -> Chosen | None:
    """The selected place, for the map: ringed; its popup opened right after a click."""
    ss = st.session_state
    pid = ss.get("place")
    if not pid:
        return None
    places = cache.all_places(store.location, ss["_stamp"], store)
    row = places[places["place_id"] == pid]
    if len(row) == 0:
        return None
    r = row.iloc[0]
    return Chosen(
        pid, str(r["place"]), float(r["lat"]), float(r["lon"]),
        open_popup=ss.get("_open_popup"), focus=ss.get("_focus"),
    )  # fmt: skip


def _charts(store: Store) -> None:
    """The trend charts under the map, for the current view (full runs only)."""
    ss = st.session_state
    loc, stamp = store.location, ss["_stamp"]
    view_state = session.current_state()
    d_from, d_to = view_state.span
    q = view_state.query()
    # about a year around the view: a lone later report must not squeeze 2022
    dates = cache.dates(loc, stamp, store)
    lo, hi = whole_months(*context_window(pd.Series(dates), d_from, d_to), dates[0], dates[-1])
    trend, ini = cache.trend_tables(loc, stamp, replace(q, date_from=lo, date_to=hi), store)
    _trend_panel(trend, ini, d_from, d_to)
    ss["_charts_q"] = q


def _full_run_soon(after_s: float) -> None:
    """Ask for one full run of the app ``after_s`` from now, unless a run comes first.

    It brings what a session's first map or a step left out (sidebar, panels,
    charts). The timer is a fragment that draws nothing: the browser asks for
    its run after ``after_s``, and that run starts the full one. A run that
    does not call it again cancels it, so stepping on (or Play) never fires it:
    it fires once the user stays on a view.
    """
    ss = st.session_state
    ss["_soon"] = token = ss.get("_soon", 0) + 1

    @st.fragment(run_every=after_s)
    def timer() -> None:
        if ss.get("_soon_seen") == token:  # the browser's call, not the one that set it
            st.rerun()
        ss["_soon_seen"] = token

    timer()


def _handle_map_click(value: dict | None, places: pd.DataFrame) -> bool:
    """A click on a marker selects the place under it (and reopens its popup on the redraw).

    True when this run brought a new click on a place."""
    ss = st.session_state
    click = (value or {}).get("last_object_clicked")
    token = ((value or {}).get("last_object_clicked_count"), click)
    if not click or token == ss.get("_handled_click"):
        return False
    ss["_handled_click"] = token
    pid = nearest_place(places, float(click["lat"]), float(click["lng"]), max_km=CLICK_KM)
    if pid:
        ss["place"] = pid
        ss["_open_popup"] = uuid.uuid4().hex[:8]
        return True
    return False


if __name__ == "__main__":
    try:
        main()
    except FrontlineError as exc:  # a bad setting, an unreadable store: one line, no traceback
        st.error(md(exc))
