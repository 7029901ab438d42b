"""Pure filtering of the event table: one function serves the CLI export and the app.

A :class:`ViewQuery` is what a user chose (dates, fronts, statuses, kinds);
:func:`filter_events` applies it to the GeoDataFrame from
:func:`geo.events.load`. Keeping this here, and only here, means the download
button and ``frontline export`` can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np

NON_FRONT = "(no front)"  # how the UI names events whose front is null


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
    :data:`NON_FRONT` selects events with no front.
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
        m = fronts.isin([f for f in q.fronts if f != NON_FRONT]).to_numpy()
        if NON_FRONT in q.fronts:
            m |= fronts.isna().to_numpy()
        mask &= m
    if q.statuses:
        mask &= events["status"].isin(q.statuses).to_numpy()
    if q.kinds:
        mask &= events["kind"].isin(q.kinds).to_numpy()
    return events[mask]
