"""What a user asked to see, and the one function that selects it from the event table.

A :class:`ViewQuery` is a choice of dates, fronts, statuses and kinds; every
store answers it (:meth:`geo.store.base.Store.load`), and the file store does so
with :func:`filter_events`, so the app's download and ``frontline export``
can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from geo.model import NO_FRONT


@dataclass(frozen=True, slots=True)
class ViewQuery:
    """What to show. ``None`` (or empty) for a facet means no restriction."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    fronts: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None

    @staticmethod
    def of(
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        fronts: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
    ) -> ViewQuery:
        tup = lambda xs: tuple(xs) if xs else None  # noqa: E731
        return ViewQuery(date_from, date_to, tup(fronts), tup(statuses), tup(kinds))


def filter_events(events: gpd.GeoDataFrame, q: ViewQuery) -> gpd.GeoDataFrame:
    """Rows of ``events`` that match ``q`` (dates inclusive), in their original order.

    ``events["date"]`` is ``datetime64``; fronts match exactly, and
    :data:`NO_FRONT` selects events with no front.
    """
    mask = np.ones(len(events), dtype=bool)
    if len(events) == 0:
        return events
    dates = events["date"].to_numpy()
    if q.date_from is not None:
        mask &= dates >= np.datetime64(q.date_from, "ns")
    if q.date_to is not None:
        mask &= dates <= np.datetime64(q.date_to, "ns")
    if q.fronts:
        fronts = events["front"]
        m = fronts.isin([f for f in q.fronts if f != NO_FRONT]).to_numpy()
        if NO_FRONT in q.fronts:
            m = m | fronts.isna().to_numpy()  # isin() may hand back a read-only array
        mask &= m
    if q.statuses:
        mask &= events["status"].isin(q.statuses).to_numpy()
    if q.kinds:
        mask &= events["kind"].isin(q.kinds).to_numpy()
    return events[mask]


def dates_with_events(events: gpd.GeoDataFrame) -> list[dt.date]:
    """The distinct dates of ``events``, sorted: the stops of the app's time slider.

    On the datetime64 column directly (not a Python date per event), so a
    10-year store answers in milliseconds.
    """
    days = np.unique(events["date"].dropna().to_numpy(dtype="datetime64[ns]"))
    return days.astype("datetime64[D]").tolist()  # datetime.date objects, made in C
