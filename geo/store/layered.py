"""A user's own reports over data they must not change: two file stores shown as one.

The shipped events (``data/events``, or whatever ``FRONTLINE_EVENTS_DIR``
names) are the *base*, opened read-only; reports a user adds (dashboard
uploads, ``frontline ingest`` without ``--events-dir``) go to their own
writable store (``FRONTLINE_UPLOADS_DIR``), the *uploads*. Readers see both.
Nothing a user does writes a byte into the base:

- a new report is written to the uploads;
- a different version of a base report is refused
  (:class:`~geo.errors.ReportExists`, naming it) unless the user chose to
  replace it; then the uploads hold the new version, which hides the base one;
- removing a base report (``--replace`` of another report of its day) leaves
  a small marker ``<report_id>.hidden`` in the uploads that hides it.

Deleting the uploads folder brings back exactly the base.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import orjson

from geo._io import atomic_write_text
from geo.errors import ReportExists
from geo.store.base import Store, WriteOutcome
from geo.store.files import (
    SUFFIX,
    FileStore,
    Listing,
    Reader,
    _entries,
    _frame_from,
    _same_text,
    build_lock,
    few,
    latest_by_names,
    quick_dates_of,
    view_of,
    within,
)
from geo.store.frame import Collection
from geo.store.query import ViewQuery, dates_with_events
from geo.store.records import ReportRecord

HIDDEN = ".hidden"

_frame_cache: dict[str, tuple[object, gpd.GeoDataFrame]] = {}


class LayeredStore(Store):
    """``uploads`` (writable) shown over ``base`` (read-only); see the module docstring."""

    def __init__(self, base: FileStore | Path | str, uploads: FileStore | Path | str) -> None:
        base_dir = base.folder if isinstance(base, FileStore) else Path(base)
        self.base = FileStore(base_dir, read_only=True)
        self.uploads = uploads if isinstance(uploads, FileStore) else FileStore(uploads)

    def __repr__(self) -> str:
        return f"LayeredStore(base={str(self.base.folder)!r}, uploads={str(self.uploads.folder)!r})"

    @property
    def location(self) -> str:
        return f"{self.uploads.folder} over {self.base.folder}"

    # --- what is shown ------------------------------------------------------------------
    def hidden(self) -> set[str]:
        """Ids of base reports not shown: a version in the uploads, or a marker."""
        ids = {name[: -len(SUFFIX)] for name, _ in self.uploads.listing()}
        marks = {
            p.name[: -len(HIDDEN)]
            for p in _entries(self.uploads.folder)
            if p.name.endswith(HIDDEN) and not p.name.startswith(".")
        }
        return ids | marks

    def _base_visible(self, report_id: str) -> bool:
        return self.base.exists(report_id) and report_id not in self.hidden()

    def where(self, report_id: str) -> str:
        if self._base_visible(report_id) and not self.uploads.exists(report_id):
            return self.base.where(report_id)
        return self.uploads.where(report_id)

    def exists(self, report_id: str) -> bool:
        return self.uploads.exists(report_id) or self._base_visible(report_id)

    def describe(self, report_id: str) -> str:
        if self.uploads.exists(report_id):
            return self.uploads.describe(report_id) + " (your reports)"
        return self.base.describe(report_id) + " (the shipped data)"

    # --- writing ------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        with self.uploads.lock(timeout):
            yield

    def clean_debris(self) -> list[str]:
        return self.uploads.clean_debris()

    def write(self, record: ReportRecord, *, replace: bool = False) -> WriteOutcome:
        """Into the uploads; a version of a base report needs ``replace`` unless same text."""
        with self.uploads.lock():
            hidden = self.hidden()
            in_base = [(rid, c) for rid, c in self.base.versions(record) if rid not in hidden]
            same = all(_same_text(c, record) for _, c in in_base)
            if in_base and not same and not replace:
                existing = [
                    f"{self.base.describe(rid, c)} (the shipped data)" for rid, c in in_base
                ]
                raise ReportExists(
                    f"already stored: {existing[0]}, made from different text; your "
                    "version would hide it (choose to replace it, --replace)",
                    existing,
                )
            outcome = self.uploads.write(record, replace=replace)
            for rid, _ in in_base:
                if rid != record.report_id:
                    self._hide(rid, record.report_id)
        if in_base and outcome == "added":
            outcome = "refreshed" if same else "replaced"
        return outcome

    def remove(self, report_id: str) -> bool:
        """Remove a user's report; a base report is hidden instead (its file stays)."""
        with self.uploads.lock():
            removed = self.uploads.remove(report_id)
            if self.base.exists(report_id) and report_id not in self.hidden():
                self._hide(report_id, None)
                removed = True
            elif self.base.exists(report_id) and not self.uploads.exists(report_id):
                self._hide(report_id, None)  # was shadowed by the upload just removed
        return removed

    def _hide(self, report_id: str, by: str | None) -> None:
        self.base.path_of(report_id)  # validates the id
        mark = {"hidden": report_id, "by": by, "at": dt.datetime.now(dt.UTC).isoformat()}
        path = self.uploads.folder / f"{report_id}{HIDDEN}"
        atomic_write_text(path, orjson.dumps(mark).decode("utf-8"))

    # --- reading ------------------------------------------------------------------------
    def stamp(self) -> str:
        parts = (self.base.stamp(), self.uploads.stamp(), sorted(self.hidden()))
        if not parts[0] and not parts[1]:
            return ""
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()

    def _listings(self) -> tuple[set[str], Listing, Listing]:
        return self.hidden(), self.base.listing(), self.uploads.listing()

    def _frame(self) -> gpd.GeoDataFrame:
        key = self.location
        with build_lock(f"layered:{key}"):
            hidden, base, uploads = self._listings()
            listing = (base, uploads, tuple(sorted(hidden)))
            cached = _frame_cache.get(key)
            if cached is None or cached[0] != listing:
                cached = (listing, _frame_from(self._shown(hidden)))
                _frame_cache[key] = cached
        return cached[1]

    def is_read(self, listings: tuple[set[str], Listing, Listing] | None = None) -> bool:
        """Whether both stores are in memory as they are now (see :meth:`FileStore.is_read`)."""
        hidden, base, uploads = self._listings() if listings is None else listings
        cached = _frame_cache.get(self.location)
        return cached is not None and cached[0] == (base, uploads, tuple(sorted(hidden)))

    def _shown(self, hidden: set[str]) -> list:
        base = [(n, c) for n, c in self.base.collections() if n[: -len(SUFFIX)] not in hidden]
        return base + self.uploads.collections()

    def load(self, q: ViewQuery | None = None, strict: bool = False) -> gpd.GeoDataFrame:
        """See :meth:`FileStore.load`: a view of a few dates, asked before the stores are
        in memory, is read from those dates' files only."""
        if not strict and q is not None and (q.date_from or q.date_to):
            listings = self._listings()
            if not self.is_read(listings):
                shown, read = self._shown_listing(listings)
                files = within(q.date_from, q.date_to, shown)
                if few(len(files), len(shown)):
                    return view_of(_frame_from(read(files)), q, False, str)
        return view_of(self._frame(), q, strict, str)

    def dates(self) -> list[dt.date]:
        return dates_with_events(self._frame())

    def _shown_listing(
        self, listings: tuple[set[str], Listing, Listing] | None = None
    ) -> tuple[Listing, Reader]:
        """The shown files (base files not hidden, then the uploads), and their reader."""
        hidden, base, uploads = self._listings() if listings is None else listings
        shown = tuple((n, st) for n, st in base if n[: -len(SUFFIX)] not in hidden) + uploads
        in_uploads = set(uploads)

        def read(files: Listing) -> list[tuple[str, Collection]]:
            below = self.base._collections_of(f for f in files if f not in in_uploads)
            return below + self.uploads._collections_of(f for f in files if f in in_uploads)

        return shown, read

    def quick_dates(self) -> list[dt.date]:
        if self.is_read():
            return self.dates()
        return quick_dates_of(*self._shown_listing())

    def reports(self) -> list[dict]:
        return self.reports_between(None, None)

    def reports_between(self, first: dt.date | None, last: dt.date | None) -> list[dict]:
        hidden = self.hidden()
        base = [
            {**r, "layer": "base"}
            for r in self.base.reports_between(first, last)
            if r["file"][: -len(SUFFIX)] not in hidden
        ]
        ups = [{**r, "layer": "uploads"} for r in self.uploads.reports_between(first, last)]
        out = base + ups
        out.sort(key=lambda r: (str(r["report"].get("date") or ""), r["file"]))
        return out

    def latest_report_date(self) -> dt.date | None:
        return latest_by_names(*self._shown_listing())

    def reports_on(self, date: dt.date, fmt: str) -> list[dict]:
        hidden = self.hidden()
        base = [
            {**r, "layer": "base"}
            for r in self.base.reports_on(date, fmt)
            if r["file"][: -len(SUFFIX)] not in hidden
        ]
        return base + [{**r, "layer": "uploads"} for r in self.uploads.reports_on(date, fmt)]

    def kept_text(self, report_id: str) -> dict | None:
        return self.uploads.kept_text(report_id)
