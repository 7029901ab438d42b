"""The dashboard's data, cached across sessions by the store's location and stamp.

Everything derived from the store is cached by the store's location and its
stamp, which changes whenever a report is written or removed: a second
visitor, and every step back to a date seen before, is served from memory.
The functions only call the tested logic in :mod:`geo.store` and :mod:`geo.view`;
this module is the one place that knows about Streamlit's caches.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.errors import GazetteerError
from geo.store import Store
from geo.store.geojson import export_geojson
from geo.store.query import ViewQuery
from geo.view.assets import ensure_leaflet
from geo.view.basemap import ensure_basemap
from geo.view.find import PlaceIndex, build_index
from geo.view.labels import evidence_table
from geo.view.mapview import MapData, map_data
from geo.view.overlay import load_overlay
from geo.view.prefetch import Prefetcher
from geo.view.trend import initiative_by_date, mentions_from_counts


@st.cache_resource(show_spinner=False)
def assets_ready() -> str:
    ensure_basemap()
    return str(ensure_leaflet())


# The app never loads the whole store: it asks for the view, and for aggregates (fronts,
# places, counts), which a database computes itself (geo.store.base.Store).


@st.cache_resource(show_spinner=False, max_entries=4)
def skipped(location: str, stamp: str, _store: Store) -> list[tuple[str, str]]:
    return _store.skipped()


@st.cache_resource(show_spinner=False, max_entries=4)
def fronts(location: str, stamp: str, _store: Store) -> list[str]:
    return _store.fronts()


@st.cache_resource(show_spinner=False, max_entries=16)
def place_events(location: str, stamp: str, place_id: str, _store: Store):
    return _store.place_events(place_id)


# (location, stamp) of the stores whose exact dates are cached
_exact_dates: set[tuple[str, str]] = set()


@st.cache_resource(show_spinner=False, max_entries=4)
def dates(location: str, stamp: str, _store: Store) -> list[dt.date]:
    out = _store.dates()
    _exact_dates.add((location, stamp))
    return out


@st.cache_resource(show_spinner=False, max_entries=4)
def _quick_dates(location: str, stamp: str, _store: Store) -> list[dt.date]:
    return _store.quick_dates()


def first_dates(location: str, stamp: str, _store: Store) -> list[dt.date]:
    """The slider's dates for a session's first map: :func:`dates` once they are known,
    else :meth:`~geo.store.base.Store.quick_dates`, which does not read the whole store
    (a first visitor of a large file store waits for one day's files only)."""
    if (location, stamp) in _exact_dates:
        return dates(location, stamp, _store)
    return _quick_dates(location, stamp, _store)


@st.cache_resource(show_spinner=False, max_entries=4)
def latest_report(location: str, stamp: str, _store: Store) -> dt.date | None:
    return _store.latest_report_date()


@st.cache_resource(show_spinner=False, max_entries=4)
def date_labels(location: str, stamp: str, _dates: list[dt.date]) -> dict[dt.date, str]:
    """The slider's label of each date ("07 Feb 2026"), made once, not on every run
    (made for the first run's dates: a date only the whole store has is labelled on use)."""
    return {d: date_label(d) for d in _dates}


def date_label(d: dt.date) -> str:
    return d.strftime("%d %b %Y")


@st.cache_resource(show_spinner=False, max_entries=64)
def view_events(location: str, stamp: str, q: ViewQuery, _store: Store):
    return _store.load(q)


@st.cache_resource(show_spinner=False, max_entries=64)
def view_map_data(location: str, stamp: str, q: ViewQuery, _store: Store) -> MapData:
    ranged = q.date_from != q.date_to
    # a label's evidence is of its own date: the view's reports are all it needs
    ev = evidence_table(_store.reports_between(q.date_from, q.date_to))
    return map_data(view_events(location, stamp, q, _store), ranged, ev)


_prefetcher = Prefetcher()


def prefetch(location: str, stamp: str, queries: list[ViewQuery], _store: Store) -> None:
    """Compute these views' markers in the background (see :mod:`geo.view.prefetch`)."""
    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    ctx = get_script_run_ctx()

    def job(q: ViewQuery) -> None:
        # The session's context: Streamlit's caches then know the thread (no warning).
        add_script_run_ctx(None, ctx)
        view_map_data(location, stamp, q, _store)

    for q in queries:
        _prefetcher.submit((location, stamp, q), functools.partial(job, q))


@st.cache_data(show_spinner=False, max_entries=16)
def export(location: str, stamp: str, q: ViewQuery, _store: Store) -> str:
    return export_geojson(view_events(location, stamp, q, _store))


@st.cache_resource(show_spinner=False, max_entries=4)
def all_places(location: str, stamp: str, _store: Store) -> pd.DataFrame:
    return _store.places()


@st.cache_resource(show_spinner="Reading the gazetteer…", max_entries=4)
def place_index(location: str, stamp: str, _store: Store) -> PlaceIndex:
    from geo.places.gazetteer import load_gazetteer

    try:
        gaz = load_gazetteer()
    except GazetteerError:  # names in the data still work; no oblast, raion or old names
        gaz = None
    return build_index(all_places(location, stamp, _store), gaz)


@st.cache_resource(show_spinner=False, max_entries=16)
def trend_tables(location: str, stamp: str, q: ViewQuery, _store: Store):
    return mentions_from_counts(_store.front_counts(q)), initiative_by_date(_store.initiatives(q))


@st.cache_resource(show_spinner=False, max_entries=8)
def overlay_file(path: str, mtime: float) -> dict:
    return load_overlay(Path(path))
