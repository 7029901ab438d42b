"""The Store interface: what every place that keeps events (files, PostGIS) must do.

Small on purpose. A store writes and removes whole reports
(:class:`geo.store.records.ReportRecord`), answers a
:class:`geo.store.query.ViewQuery` with the events frame
(:mod:`geo.store.frame` describes its columns and dtypes), lists the reports it
holds with their facts, and gives a stamp that changes whenever its content
does, which is what the app's caches are keyed on. Everything else (per-place
tables, trends, export) is computed from those answers; a backend may
override :meth:`Store.dates` and the aggregates (:meth:`Store.fronts`,
:meth:`Store.places`, :meth:`Store.place_events`, :meth:`Store.front_counts`,
:meth:`Store.initiatives`) when it can answer them cheaper, as a database does
without sending every event to the app. Overrides must return exactly what
the defaults here return (the store contract tests check both backends).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from typing import Literal

import geopandas as gpd
import pandas as pd

from geo.model import NO_FRONT
from geo.store.query import ViewQuery, dates_with_events
from geo.store.records import ReportRecord

WriteOutcome = Literal["added", "refreshed", "replaced"]
"""What a write did: a new report; the same report (same text) derived again; or a
different version of the report put in place of the stored one (only when asked)."""


class Store(ABC):
    """A place that keeps events, one report at a time.

    ``read_only`` stores (the shipped data under a user's uploads, a mirror)
    refuse writes with a :class:`~geo.errors.StoreError`.
    """

    read_only: bool = False

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is, for messages (a folder, a database URL without password)."""

    @abstractmethod
    def write(self, record: ReportRecord, *, replace: bool = False) -> WriteOutcome:
        """Add the report atomically: readers see the old version or the new one, never a mix.

        Ids are made from the report's source (:func:`geo.store.records.report_id`),
        so the same id is the same report. A report already stored under the
        same id is overwritten when it was made from the same text
        (``"refreshed"``: re-deriving loses nothing). A version made from
        different text raises :class:`~geo.errors.ReportExists`, which says
        what would be replaced (``existing``), unless ``replace`` is true
        (``"replaced"``). Another report of the same date and format is not a
        version: it is added beside it.
        """

    @abstractmethod
    def where(self, report_id: str) -> str:
        """Where a report is kept, for messages (a file path, a table row)."""

    @abstractmethod
    def lock(self) -> AbstractContextManager[None]:
        """Exclusive access for writers across processes (a rebuild holds it throughout,
        an ingest while it writes); readers never wait for it."""

    @abstractmethod
    def remove(self, report_id: str) -> bool:
        """Remove a report and its events; ``False`` when there was none."""

    @abstractmethod
    def exists(self, report_id: str) -> bool:
        """Whether a report with this id is stored."""

    @abstractmethod
    def load(self, q: ViewQuery | None = None) -> gpd.GeoDataFrame:
        """The events matching ``q`` (all of them when ``None``), sorted by (date, id).

        Unusable parts of the store are skipped and listed in
        ``frame.attrs["skipped"]`` as ``(name, problem)`` pairs, so one bad
        report never takes the app down.
        """

    @abstractmethod
    def reports(self) -> list[dict]:
        """Per-report facts, sorted by (date, id): ``report`` (title, url, date, format,
        report_id), ``fronts`` (name, initiative, initiative_source[, evidence]),
        ``unresolved`` and ``counts``."""

    @abstractmethod
    def stamp(self) -> str:
        """A short string that changes whenever the content changes ("" when empty)."""

    def reports_on(self, date: dt.date, fmt: str) -> list[dict]:
        """The stored reports of one date and format (as in :meth:`reports`)."""
        day = date.isoformat()
        return [
            r for r in self.reports()
            if r["report"].get("date") == day and r["report"].get("format") == fmt
        ]  # fmt: skip

    def describe(self, report_id: str) -> str:
        """One line naming a stored report for messages: id, title, events, where."""
        meta = self.report_meta(report_id)
        if meta is None:
            return f"{report_id} in {self.location}"
        title = str(meta["report"].get("title") or "untitled")[:80]
        n = meta["counts"].get("events", "?")
        return f"{report_id} ({title!r}, {n} events) in {self.location}"

    def report_meta(self, report_id: str) -> dict | None:
        """The stored facts of one report (as in :meth:`reports`), or ``None``."""
        return next((r for r in self.reports() if r["report"].get("report_id") == report_id), None)

    def dates(self) -> list[dt.date]:
        """The dates that have events, sorted: the stops of the app's time slider."""
        return dates_with_events(self.load())

    def quick_dates(self) -> list[dt.date]:
        """The slider's dates for a first look, without reading the whole store.

        :meth:`dates` here. A file store not yet in memory gives the dates its file
        names say (:mod:`geo.store.files`): one of them may be a report with no usable
        events, which :meth:`dates` leaves out, so the app uses this only until it has
        :meth:`dates`.
        """
        return self.dates()

    def reports_between(self, first: dt.date | None, last: dt.date | None) -> list[dict]:
        """:meth:`reports` of the reports dated ``first..last`` (inclusive; ``None``: open);
        a store that can find them without reading the others does."""
        return dated_between(self.reports(), first, last)

    def latest_report_date(self) -> dt.date | None:
        """The date of the newest report (any source, with events or not), or ``None``."""
        return newest_date(self.reports())

    # --- aggregates: computed from load() here; a database answers them itself ------------
    def skipped(self) -> list[tuple[str, str]]:
        """Unusable parts of the store as ``(name, problem)`` (see :meth:`load`)."""
        return list(self.load().attrs.get("skipped", []))

    def fronts(self) -> list[str]:
        """The fronts that have events, sorted; :data:`NO_FRONT` last when some have none."""
        front = self.load()["front"]
        names = sorted(map(str, front.dropna().unique()))  # distinct first: a store is big
        return [*names, NO_FRONT] if bool(front.isna().any()) else names

    def places(self, q: ViewQuery | None = None) -> pd.DataFrame:
        """One row per place of the events matching ``q``: the table of
        :func:`geo.view.places.aggregate_places`."""
        from geo.view.places import aggregate_places

        return aggregate_places(self.load(q))

    def place_events(self, place_id: str) -> gpd.GeoDataFrame:
        """Every event at one place (the place's history), sorted by (date, id)."""
        events = self.load()
        return events[(events["place_id"].astype(object) == place_id).to_numpy()]

    def front_counts(self, q: ViewQuery | None = None) -> pd.DataFrame:
        """Mentions per date and front of the events matching ``q``: columns ``date``
        (datetime64), ``front`` (:data:`NO_FRONT` for none), ``mentions``; sorted."""
        from geo.view.trend import daily_front_counts

        return daily_front_counts(self.load(q))

    def initiatives(self, q: ViewQuery | None = None) -> pd.DataFrame:
        """The distinct ``date, front, initiative, initiative_source`` of the events matching
        ``q`` that have a front and an initiative, in the order they first occur (by date,
        id): all :func:`geo.view.trend.initiative_by_date` needs."""
        cols = ["date", "front", "initiative", "initiative_source"]
        ev = self.load(q)
        ev = ev[(ev["front"].notna() & ev["initiative"].notna()).to_numpy()]
        out = pd.DataFrame({c: ev[c].astype(object).to_numpy() for c in cols})
        out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
        return out.drop_duplicates(cols).reset_index(drop=True)


def newest_date(reports: list[dict]) -> dt.date | None:
    """The newest readable ``report.date`` of :meth:`Store.reports` entries, or ``None``."""
    best = None
    for r in reports:
        try:
            d = dt.date.fromisoformat(str(r["report"].get("date")))
        except ValueError:
            continue
        best = d if best is None or d > best else best
    return best


def dated_between(reports: list[dict], first: dt.date | None, last: dt.date | None) -> list[dict]:
    """The :meth:`Store.reports` entries dated ``first..last`` (``None``: open); a report
    without a date is left out unless both ends are open."""
    lo = first.isoformat() if first else ""
    hi = last.isoformat() if last else "9999-99-99"
    return [r for r in reports if lo <= str(r["report"].get("date") or "") <= hi]
