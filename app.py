"""Frontline dashboard: ``streamlit run app.py``.

Widgets and layout only. What the widgets show is computed in ``geo`` and
tested without Streamlit: the store answers queries (:mod:`geo.store`), the
link and the stepping logic are :mod:`geo.view.state`, the map is
:mod:`geo.view.mapview`, the per-place tables :mod:`geo.view.places`, the
charts' data :mod:`geo.view.trend`. Every string that came from a report, a
file name or a link is shown through :func:`geo.view.safe.md` or as plain text.
"""

from __future__ import annotations

import datetime as dt
import time
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
from geo.store.geojson import export_geojson
from geo.store.query import ViewQuery
from geo.view import state as vs
from geo.view.assets import ensure_leaflet
from geo.view.mapview import OSM_ATTRIBUTION, build_map, map_data
from geo.view.overlay import date_from_name, list_overlays, load_overlay, overlay_dir, parse_overlay
from geo.view.places import aggregate_places, nearest_place, place_timeline
from geo.view.safe import md
from geo.view.trend import (
    context_window,
    initiative_by_date,
    initiative_spec,
    mentions_per_front,
    trend_spec,
)

st.set_page_config(page_title="Frontline", page_icon="🗺️", layout="wide")

BELOW_MAP_AFTER_S = 1.0  # the panels under a session's first map follow it after this


# --------------------------------------------------------------------------- data (cached)
# Everything derived from the store is cached by the store's location and its
# stamp, which changes whenever a report is written or removed.


@st.cache_resource(show_spinner=False)
def _leaflet_ready() -> str:
    return str(ensure_leaflet())


@st.cache_resource(show_spinner="Loading events…", max_entries=4)
def _events(location: str, stamp: str, _store: Store):
    return _store.load()


@st.cache_resource(show_spinner=False, max_entries=4)
def _dates(location: str, stamp: str, _store: Store) -> list[dt.date]:
    return _store.dates()


@st.cache_resource(show_spinner=False, max_entries=64)
def _view(location: str, stamp: str, q: ViewQuery, _store: Store):
    return _store.load(q)


@st.cache_resource(show_spinner=False, max_entries=64)
def _map_data(location: str, stamp: str, q: ViewQuery, _store: Store):
    return map_data(_view(location, stamp, q, _store))


@st.cache_data(show_spinner=False, max_entries=16)
def _export(location: str, stamp: str, q: ViewQuery, _store: Store) -> str:
    return export_geojson(_view(location, stamp, q, _store))


@st.cache_resource(show_spinner=False, max_entries=4)
def _all_places(location: str, stamp: str, _store: Store) -> pd.DataFrame:
    p = aggregate_places(_events(location, stamp, _store))
    p["label"] = p["place"] + " · " + p["fronts"] + " · " + p["count"].astype(str) + "×"
    return p.sort_values("place", kind="stable").reset_index(drop=True)


@st.cache_resource(show_spinner=False, max_entries=16)
def _trend_tables(location: str, stamp: str, q: ViewQuery, _store: Store):
    ev = _view(location, stamp, q, _store)
    return mentions_per_front(ev), initiative_by_date(ev)


@st.cache_resource(show_spinner=False, max_entries=8)
def _overlay_file(path: str, mtime: float) -> dict:
    from pathlib import Path

    return load_overlay(Path(path))


def _front_options(events) -> list[str]:
    present = set(events["front"].dropna().astype(str).unique()) if len(events) else set()
    opts = [f for f in CANONICAL if f in present] + sorted(present - set(CANONICAL))
    if len(events) and events["front"].isna().any():
        opts.append(NO_FRONT)
    return opts


# --------------------------------------------------------------------------- view state


def _restore_from_url(dates: list[dt.date], fronts: list[str], place_ids) -> None:
    """Seed widget state from the link once per session; say what had to be adjusted."""
    ss = st.session_state
    if ss.get("_restored"):
        return
    ss["_restored"] = True
    restored = vs.from_params(st.query_params.to_dict(), dates, fronts, place_ids)
    s = restored.state
    ss.update(
        mode=s.mode, day=s.day, range=s.range, fronts=list(s.fronts),
        statuses=list(s.statuses), kinds=list(s.kinds), place=s.place,
        center=s.center, zoom=s.zoom, _notices=restored.notices,
    )  # fmt: skip


def _current_state() -> vs.ViewState:
    ss = st.session_state
    return vs.ViewState(
        mode=ss["mode"], day=ss["day"], range=tuple(ss["range"]),
        fronts=tuple(ss.get("fronts") or ()), statuses=tuple(ss.get("statuses") or ()),
        kinds=tuple(ss.get("kinds") or ()), place=ss.get("place"),
    )  # fmt: skip


def _write_url(s: vs.ViewState) -> None:
    params = vs.to_params(s)
    current = st.query_params.to_dict()
    for k in ("center", "zoom"):  # the map keeps these in the URL itself, in the browser
        if k in current:
            params[k] = current[k]
    if params != current:
        st.query_params.from_dict(params)


def _set_time(s: vs.ViewState) -> None:
    """Move the sliders from code: their keys carry a counter that code bumps, because a
    Streamlit widget cannot be given a value and a session-state value at once."""
    ss = st.session_state
    ss["day"], ss["range"] = s.day, s.range
    ss["_slider_gen"] = ss.get("_slider_gen", 0) + 1


def _step(dates: list[dt.date], delta: int) -> None:
    moved_to, moved = vs.step(_current_state(), dates, delta)
    if moved:
        _set_time(moved_to)
    else:
        st.session_state["playing"] = False


def _toggle_play(dates: list[dt.date]) -> None:
    ss = st.session_state
    ss["playing"] = not ss.get("playing", False)
    if ss["playing"]:
        _set_time(vs.play_start(_current_state(), dates))


def _slider_changed(widget_key: str, state_key: str) -> None:
    value = st.session_state[widget_key]
    st.session_state[state_key] = tuple(value) if state_key == "range" else value


def _time_controls(dates: list[dt.date]) -> vs.ViewState:
    ss = st.session_state
    goto = ss.pop("_goto_day", None)  # set by an upload: show the new report's date
    if goto in dates:
        ss["mode"] = vs.DAY
        _set_time(replace(_current_state(), day=goto))
    cols = st.columns([1.4, 0.9, 1.0, 0.9, 6], vertical_alignment="bottom")
    c_mode, c_prev, c_play, c_next, c_slider = cols
    mode = c_mode.radio("View", list(vs.MODES), key="mode", horizontal=True)
    c_prev.button(
        "◀ Prev", key="prev", help="previous date with data", on_click=_step, args=(dates, -1)
    )
    playing = ss.get("playing", False)
    c_play.button(
        "⏸ Pause" if playing else "▶ Play", key="play", help="play date by date",
        on_click=_toggle_play, args=(dates,),
    )  # fmt: skip
    c_next.button("Next ▶", key="next", help="next date with data", on_click=_step, args=(dates, 1))
    fmt = lambda d: d.strftime("%d %b %Y")  # noqa: E731
    gen = ss.get("_slider_gen", 0)
    if mode == vs.DAY:
        wk = f"day_{gen}"
        ss["day"] = c_slider.select_slider(
            "Date", options=dates, value=ss["day"], key=wk, format_func=fmt,
            on_change=_slider_changed, args=(wk, "day"),
        )  # fmt: skip
    else:
        wk = f"range_{gen}"
        ss["range"] = tuple(
            c_slider.select_slider(
                "Date range",
                options=dates,
                value=ss["range"],
                key=wk,
                format_func=fmt,
                on_change=_slider_changed,
                args=(wk, "range"),
            )
        )
    return _current_state()


# --------------------------------------------------------------------------- panels


def _sidebar_filters(front_opts: list[str]) -> None:
    sb = st.sidebar
    sb.header("Filters")
    sb.multiselect("Fronts", front_opts, key="fronts", placeholder="All fronts")
    sb.multiselect("Status", list(STATUSES), key="statuses", placeholder="Any status")
    sb.multiselect("Kind", list(KINDS), key="kinds", placeholder="Any kind")


def _overlay_controls(day: dt.date) -> tuple[dict | None, str | None]:
    """The occupied-area layer nearest ``day``, from FRONTLINE_OVERLAY_DIR or uploads."""
    sb = st.sidebar
    sb.header("Front-line overlay")
    files = list_overlays(overlay_dir())
    ups = sb.file_uploader(
        "Occupied-area GeoJSON, named with its date (e.g. area_20240524.geojson)",
        type=["geojson", "json"], accept_multiple_files=True, key="overlay_upload",
    )  # fmt: skip
    uploaded: dict[dt.date, tuple[str, bytes]] = {}
    for up in ups or []:
        d = date_from_name(up.name)
        if d is None:
            sb.error(f"{md(up.name)}: no date in the file name (use \\*\\_YYYYMMDD.geojson)")
        else:
            uploaded[d] = (up.name, up.getvalue())
    if not files and not uploaded:
        sb.caption("No overlay loaded. Set FRONTLINE\\_OVERLAY\\_DIR or upload a file.")
        return None, None
    show = sb.checkbox("Show occupied area", value=True, key="overlay_on")
    source = sb.text_input(
        "Overlay source (for the credits)", value=settings.overlay_source, key="overlay_source"
    )
    if not show:
        return None, None
    best = vs.nearest_date(sorted(set(files) | set(uploaded)), day)
    try:
        if best in uploaded:
            name, data = uploaded[best]
            geo = parse_overlay(data, name)
        else:
            path = files[best]
            name = path.name
            geo = _overlay_file(str(path), path.stat().st_mtime)
    except OverlayError as exc:
        sb.error(md(exc))
        return None, None
    label = f"{name} (area as of {best.isoformat()})"
    sb.caption(f"Showing {md(label)}")
    return geo, label + (f", source: {source}" if source else "")


def _upload_panel(store: Store) -> None:
    """Add report files: read in a worker process with a time limit (geo.uploads), into
    the user's own store over the shipped data (geo.store.layered); nothing stored is
    replaced unless the user clicks a button that says what will be replaced."""
    from geo.uploads import prewarm
    from geo.view.access import streamlit_access

    sb = st.sidebar
    sb.header("Add reports")
    access = streamlit_access()
    if not access.allowed:
        sb.caption(md(access.reason))
        if access.can_sign_in:
            sb.button("Sign in", key="operator_login", on_click=st.login)
        return
    prewarm()
    limit = settings.max_report_bytes
    ups = sb.file_uploader(
        f"Report files (.txt, .md, .html), up to {_megabytes(limit)} each",
        type=["txt", "md", "html", "htm"], accept_multiple_files=True, key="report_upload",
        max_upload_size=max(1, -(-limit // (1024 * 1024))),
    )  # fmt: skip
    done: dict = st.session_state.setdefault("_ingested", {})
    changed = None
    for up in ups or []:
        if up.file_id not in done:
            with sb.status(f"Reading {md(up.name)}…"):
                done[up.file_id] = _ingest_upload(up.name, up.getvalue(), store)
            changed = changed or _landed(done[up.file_id])
        choice = _show_upload(done[up.file_id], up.file_id)
        if choice is not None:  # the user chose: a date, or to replace
            with sb.status(f"Reading {md(up.name)} again…"):
                done[up.file_id] = _ingest_upload(up.name, up.getvalue(), store, **choice)
            changed = changed or _landed(done[up.file_id])
            if changed is None:
                st.rerun()  # show the new outcome
    if changed is not None:  # the store changed: redraw with it, on the new report's date
        st.session_state["_goto_day"] = changed
        st.rerun()


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.3g} MB"


def _landed(r) -> dt.date | None:
    return r.date if r.ok else None


def _show_upload(r, key: str) -> dict | None:
    """One upload's outcome, with the choices it leaves; the choice the user made, if any."""
    sb = st.sidebar
    name = md(r.path)
    if r.ok:
        verb = {"replaced": "replaced what was stored:", "refreshed": "already stored,"}.get(
            r.outcome or "", "added:"
        )
        sb.success(f"{name}: {verb} {r.events} events on {r.date}")
        for line in r.replaced:
            sb.caption(f"Replaced {md(line)}")
        if r.unresolved:
            sb.warning("Unresolved names (not on the map): " + md(", ".join(r.unresolved)))
        if r.same_day:
            sb.info(
                f"Also stored for {r.date} ({md(r.format)}): "
                + md("; ".join(r.same_day))
                + ". Both are on the map."
            )
            if sb.button(
                f"Keep only this upload for {r.date}", key=f"only_{key}",
                help="Replaces the reports listed above (shipped data is hidden, not changed).",
            ):  # fmt: skip
                return {"replace": True}
        return None
    if r.existing:
        sb.warning(
            f"{name}: a different version of this report is already stored: "
            + md("; ".join(r.existing))
        )
        if sb.button("Replace it with this upload", key=f"replace_{key}"):
            return {"replace": True}
        return None
    if r.needs_date:
        sb.error(f"{name}: {md(r.error)}")
        day = sb.date_input("The report's date", value=None, key=f"date_{key}", format="YYYY-MM-DD")
        if day is not None and sb.button("Add it with this date", key=f"dated_{key}"):
            return {"date": day}
        return None
    sb.error(f"{name}: {md(r.error)}")
    return None


def _ingest_upload(name: str, data: bytes, store: Store, **choice):
    from geo.ingest import IngestResult
    from geo.uploads import ingest_upload

    try:
        return ingest_upload(name, data, store, **choice)
    except Exception as exc:  # never a traceback in the app
        return IngestResult(path=name, ok=False, error=f"{type(exc).__name__}: {exc}")


def _history_panel(events, places_all: pd.DataFrame) -> None:
    st.subheader("Place history")
    ids = places_all["place_id"].tolist()
    st.session_state.setdefault("place", None)
    labels = dict(zip(ids, places_all["label"], strict=True))
    pid = st.selectbox(
        "Find a place (or click one on the map)", ids, key="place",
        format_func=lambda p: labels.get(p, p), placeholder="Type a place name…",
    )  # fmt: skip
    if not pid:
        st.caption("Pick a place to see every date it was mentioned.")
        return
    hist = place_timeline(events, pid)
    match = places_all.loc[places_all["place_id"] == pid, "place"]
    name = str(match.iloc[0]) if len(match) else pid
    st.markdown(
        f"**{md(name)}**: {int(hist['mentions'].sum())} mentions on {hist['date'].nunique()} "
        f"dates, {hist['date'].min()} – {hist['date'].max()}"
    )
    st.dataframe(hist, hide_index=True, width="stretch")


def _trend_panel(t: pd.DataFrame, ini: pd.DataFrame, day_from: dt.date, day_to: dt.date) -> None:
    st.subheader("Activity per front")
    if len(t) == 0:
        st.caption("No events.")
        return
    fronts = sorted(t["front"].unique(), key=lambda f: (f not in CANONICAL, f))
    colors = [color(None if f == NO_FRONT else f) for f in fronts]
    spec = trend_spec(fronts, colors, day_from.isoformat(), day_to.isoformat())
    st.vega_lite_chart(t, spec, width="stretch")
    if len(ini):
        st.caption("Initiative by report (pale = inferred)")
        st.vega_lite_chart(ini, initiative_spec(ini["front"].nunique()), width="stretch")


def _footer(tiles: bool, overlay_label: str | None) -> None:
    parts = [settings.geonames_credit]
    if tiles:
        parts.append(f"Map tiles {OSM_ATTRIBUTION}.")
    if overlay_label:
        parts.append(f"Occupied-area overlay: {md(overlay_label)}.")
    parts.append("Events: parsed from the situation reports named in each popup.")
    st.divider()
    st.caption(" · ".join(parts))


# --------------------------------------------------------------------------- page


def main() -> None:
    _leaflet_ready()
    st.title("Frontline")
    st.caption("Daily situation reports about the war in Ukraine, as a dated map of the front.")
    store = open_store()
    loc, stamp = store.location, store.stamp()
    events = _events(loc, stamp, store)
    for name, problem in events.attrs.get("skipped", []):
        st.warning(f"Skipped {md(name)}: {md(problem)}")
    if len(events) == 0:
        _upload_panel(store)
        st.info(
            f"No events in {md(loc)}. Add reports in the sidebar, or run "
            "`frontline ingest REPORT...`."
        )
        _footer(False, None)
        return

    # Only what the first map needs comes before it: the list of all places
    # (for the history panel) and the trend tables are built after it.
    dates = _dates(loc, stamp, store)
    front_opts = _front_options(events)
    _restore_from_url(dates, front_opts, lambda: set(_all_places(loc, stamp, store)["place_id"]))
    for notice in st.session_state.pop("_notices", []):
        st.info(md(notice))
    _sidebar_filters(front_opts)
    tiles = st.sidebar.checkbox(
        "OpenStreetMap tiles (needs internet)", value=settings.tiles, key="tiles"
    )
    view_state = _time_controls(dates)
    d_from, d_to = view_state.span
    q = view_state.query()
    overlay, overlay_label = _overlay_controls(d_to)
    _upload_panel(store)

    view = _view(loc, stamp, q, store)
    data = _map_data(loc, stamp, q, store)
    st.markdown(f"## {vs.view_title(d_from, d_to)}")
    st.markdown(
        f"Showing **{len(view)}** events at **{len(data.places)}** places",
        help="One marker per place; its size grows with the number of mentions.",
    )

    ss = st.session_state
    m, _ = build_map(
        view, center=ss.get("center"), zoom=ss.get("zoom"), tiles=tiles, overlay=overlay,
        overlay_label=overlay_label, data=data,
        view_key=ss.setdefault("_view_key", uuid.uuid4().hex[:12]),
    )  # fmt: skip
    out = st_folium(
        m, key="map", height=620, use_container_width=True,
        returned_objects=["last_object_clicked"],
    )  # fmt: skip
    _handle_map_click((out or {}).get("last_object_clicked"), data.places)
    _write_url(_current_state())

    # The first map of a session is drawn before anything below it (see
    # _below_map_soon); a link naming a place opens with its history at once.
    if ss.get("_below_map_ready") or ss.get("place"):
        _below_map(store, events, q, d_from, d_to)
    else:
        _below_map_soon()
    ss["_below_map_ready"] = True
    _footer(tiles, overlay_label)

    if ss.get("playing"):
        time.sleep(settings.play_seconds)
        _step(dates, 1)
        st.rerun()


def _below_map(store: Store, events, q: ViewQuery, d_from: dt.date, d_to: dt.date) -> None:
    """Download button, place history and trend charts: everything under the map."""
    loc, stamp = store.location, store.stamp()
    st.download_button(
        "Download this view (GeoJSON)",
        # Generated on click only: a month's GeoJSON is not sent with every rerun.
        data=lambda: _export(loc, stamp, q, store),
        on_click="ignore", file_name=vs.export_filename(q), mime="application/geo+json",
        key="download",
    )  # fmt: skip
    left, right = st.columns(2)
    with left:
        _history_panel(events, _all_places(loc, stamp, store))
    with right:
        # about a year around the view: a lone later report must not squeeze 2022
        lo, hi = context_window(pd.Series(_dates(loc, stamp, store)), d_from, d_to)
        trend, ini = _trend_tables(loc, stamp, replace(q, date_from=lo, date_to=hi), store)
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


if __name__ == "__main__":
    try:
        main()
    except FrontlineError as exc:  # a bad setting, an unreadable store: one line, no traceback
        st.error(md(exc))
