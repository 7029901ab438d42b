"""The Store interface: what every place that keeps events (files, PostGIS) must do.

Small on purpose. A store writes and removes whole reports
(:class:`geo.store.records.ReportRecord`), answers a
:class:`geo.store.query.ViewQuery` with the events frame
(:mod:`geo.store.frame` describes its columns and dtypes), lists the reports it
holds with their facts, and gives a stamp that changes whenever its content
does, which is what the app's caches are keyed on. Everything else (per-place
tables, trends, export) is computed from those answers; a backend may
override :meth:`Store.dates` and friends when it can answer them cheaper.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from typing import Literal

import geopandas as gpd

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
