"""Stay current: fetch each missing report from its publisher and add it to the store.

One run = one source over a range of dates, holding that source's lock in the
raw folder for its whole length (a second run at the same time stops at once
with :class:`geo.errors.UpdateBusy`, so nothing is fetched or ingested twice).
For each date, in order:

1. already in the store (a report of the source's format on that date) ->
   skipped without a request, unless ``recheck``;
2. fetched into the raw folder (:func:`geo.fetch.download.fetch_date`: a kept
   page is revalidated, so after an interruption nothing is downloaded again);
3. the report body read out of the page (:mod:`geo.parse.pages`); a page
   without one is a failure naming the address and the saved file;
4. ingested (:func:`geo.ingest.ingest_text`) with the page's canonical address
   as ``source_url``. A stored report made from different text is *replaced*:
   the user asked for the publisher's version, and a changed page is a
   corrected edition. The summary says how many were replaced.

Each date is finished (page kept, report stored) before the next starts, so an
interrupted run resumes where it stopped. Without ``since`` a run continues from
the newest stored report of the source, looking back
``FRONTLINE_FETCH_SETTLE_DAYS`` days for a report published late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from geo.errors import FrontlineError, PageError
from geo.fetch.download import fetch_date, read_fetched
from geo.fetch.http import Fetcher
from geo.fetch.raw import RawPages
from geo.fetch.sources.base import Source
from geo.fetch.sources.registry import list_sources
from geo.places.gazetteer import Gazetteer
from geo.settings import settings
from geo.store import Store

Status = Literal["new", "replaced", "unchanged", "stored", "not_published", "failed"]
APP_FIRST_DAYS = 7
"""How far back the app's "Update now" looks when the store has no report of a source yet."""


@dataclass(slots=True)
class DateOutcome:
    """What a run did for one date."""

    day: dt.date
    status: Status
    url: str | None = None  # the report's canonical address
    saved: str | None = None  # the raw page
    events: int = 0
    problem: str | None = None
    note: str | None = None
    asked: bool = True  # False: decided without a request
    fetch_only: bool = False  # `frontline fetch`: "new" means downloaded, nothing ingested

    def line(self) -> str:
        """One line for the command's output."""
        d = self.day.isoformat()
        if self.status == "failed":
            return f"{d} failed: {self.problem}"
        if self.status == "not_published":
            why = f" ({self.note})" if self.note else ""
            if not self.note and not self.asked:
                why = " (known; --recheck asks again)"
            return f"{d} not published{why}"
        if self.status in ("new", "replaced"):
            what = "downloaded" if self.fetch_only else "new"
            if self.status == "replaced":
                what = "corrected edition, replaced the stored report"
            events = f", {self.events} events" if self.events else ""
            return f"{d} {what}{events}: {self.url} (saved as {self.saved})"
        return f"{d} {self.status.replace('_', ' ')}"


@dataclass(slots=True)
class RunSummary:
    """Everything one run did, and the line and exit code the command ends with."""

    source: str
    ingest: bool
    since: dt.date | None = None
    until: dt.date | None = None
    outcomes: list[DateOutcome] = field(default_factory=list)
    requests: int = 0
    downloaded_bytes: int = 0

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> list[DateOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when everything found was added (or was already there), 1 when a date failed."""
        return 1 if self.failed else 0

    def line(self) -> str:
        """``3 new reports, 1 date not published, 0 failed`` (+ what else happened)."""
        new, miss, bad = self.count("new"), self.count("not_published"), len(self.failed)
        thing = ("new report", "new reports")
        if not self.ingest:
            thing = ("page downloaded", "pages downloaded")
        parts = [
            _n(new, *thing),
            _n(miss, "date not published", "dates not published"),
            f"{bad} failed",
        ]
        extra = []
        if self.count("replaced"):
            extra.append(
                _n(self.count("replaced"), "corrected edition", "corrected editions")
                + " replaced the stored report"
                + ("s" if self.count("replaced") > 1 else "")
            )
        if self.count("unchanged"):
            extra.append(f"{self.count('unchanged')} unchanged")
        if self.count("stored"):
            extra.append(f"{self.count('stored')} already stored")
        return ", ".join(parts) + ("; " + ", ".join(extra) if extra else "")


def _n(k: int, one: str, many: str) -> str:
    return f"{k} {one if k == 1 else many}"


Progress = Callable[[int, int, DateOutcome], None]
"""Told ``(done, total, outcome)`` after each date (the CLI's bar, the app's progress bar)."""


# --- which dates ------------------------------------------------------------------------


def stored_dates(store: Store, source: Source) -> set[dt.date]:
    """Dates that have a report of the source's format in the store."""
    out = set()
    for r in store.reports():
        meta = r["report"]
        if meta.get("format") != source.report_format:
            continue
        try:
            out.add(dt.date.fromisoformat(str(meta.get("date"))))
        except ValueError:
            continue
    return out


def default_since(store: Store, source: Source, settle_days: int) -> dt.date | None:
    """Where a run without ``since`` starts: a few days before the newest stored report
    (stored dates are skipped without a request), or ``None`` when there is none."""
    dates = stored_dates(store, source)
    if not dates:
        return None
    return max(source.first_date, max(dates) - dt.timedelta(days=settle_days))


def date_range(
    source: Source, since: dt.date, until: dt.date | None, today: dt.date
) -> list[dt.date]:
    """The dates from ``since`` to ``until`` (default and at most ``today``), none before the
    series began."""
    last = min(until or today, today)
    first = max(since, source.first_date)
    if since > last:
        raise FrontlineError(f"--since {since} is after {'--until ' if until else 'today, '}{last}")
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


# --- one run ---------------------------------------------------------------------------


def run(
    source: Source,
    days: list[dt.date],
    *,
    store: Store | None,
    raw_dir: Path | str | None = None,
    base_url: str | None = None,
    recheck: bool = False,
    keep_text: bool = True,
    on_progress: Progress | None = None,
    fetcher: Fetcher | None = None,
    gaz: Gazetteer | None = None,
) -> RunSummary:
    """Fetch (and with a ``store``, ingest) the reports of ``days``; see the module docstring.

    Raises :class:`geo.errors.UpdateBusy` when another run of the source holds the lock.
    """
    raw = RawPages(raw_dir, source.name)
    summary = RunSummary(source.name, ingest=store is not None)
    if days:
        summary.since, summary.until = days[0], days[-1]
    own = fetcher is None
    with raw.lock():
        f = fetcher or Fetcher()
        ctx = _Run(source, raw, f, base_url, recheck, keep_text, store, gaz)
        try:
            for i, day in enumerate(days, 1):
                outcome = ctx.one(day)
                summary.outcomes.append(outcome)
                if on_progress is not None:
                    on_progress(i, len(days), outcome)
        finally:
            summary.requests, summary.downloaded_bytes = f.requests, f.downloaded
            if own:
                f.close()
    return summary


@dataclass
class _Run:
    source: Source
    raw: RawPages
    fetcher: Fetcher
    base_url: str | None
    recheck: bool
    keep_text: bool
    store: Store | None
    gaz: Gazetteer | None
    stored: set[dt.date] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.store is not None:
            self.stored = stored_dates(self.store, self.source)

    def one(self, day: dt.date) -> DateOutcome:
        if self.store is not None and day in self.stored and not self.recheck:
            return DateOutcome(day, "stored", asked=False)
        got = fetch_date(
            self.source, day, self.raw, self.fetcher, self.base_url, self.recheck,
            settings.fetch_settle_days,
        )  # fmt: skip
        if got.status == "failed":
            return DateOutcome(day, "failed", problem=got.problem)
        if got.status == "not_published":
            return DateOutcome(day, "not_published", asked=got.asked)
        saved = str(self.raw.page_path(day))
        if got.status == "unchanged" and day in self.stored:
            return DateOutcome(day, "unchanged", url=got.final_url, saved=saved)
        try:
            page = read_fetched(self.source, got, self.raw, self.base_url)
        except PageError as exc:
            return DateOutcome(day, "failed", saved=saved, problem=str(exc))
        if page is None:
            return DateOutcome(day, "not_published", note=got.note)
        if self.store is None:
            status: Status = "new" if got.status == "downloaded" else "unchanged"
            return DateOutcome(day, status, url=page.url, saved=saved, fetch_only=True)
        return self._ingest(day, page.report_text(), page.url, saved)

    def _ingest(self, day: dt.date, text: str, url: str | None, saved: str) -> DateOutcome:
        from geo.ingest import ingest_text
        from geo.places.gazetteer import load_gazetteer

        assert self.store is not None
        self.gaz = self.gaz or load_gazetteer()
        res = ingest_text(
            text, self.store, name=saved, fmt=self.source.report_format, date=day,
            keep_text=self.keep_text, gaz=self.gaz, replace=True,
        )  # fmt: skip
        if not res.ok:
            problem = f"{url} (saved as {saved}): {res.error}"
            return DateOutcome(day, "failed", url=url, saved=saved, problem=problem)
        status: Status = "new"
        if res.outcome == "replaced":
            status = "replaced"
        elif res.outcome == "refreshed":
            status = "unchanged"
        self.stored.add(day)
        return DateOutcome(day, status, url=url, saved=saved, events=res.events)


# --- what the app and the command call -------------------------------------------------------


def update(
    source: Source,
    store: Store,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    today: dt.date | None = None,
    fallback_days: int | None = None,
    **kw,
) -> RunSummary:
    """Bring ``store`` up to date from ``source`` (``frontline update``).

    Without ``since`` the run continues from the newest stored report; with no
    stored report it starts ``fallback_days`` ago, or asks for ``--since``.
    """
    today = today or dt.date.today()
    if since is None:
        since = default_since(store, source, settings.fetch_settle_days)
    if since is None and fallback_days is not None:
        since = today - dt.timedelta(days=fallback_days)
    if since is None:
        raise FrontlineError(
            f"the store has no {source.name} report yet, so there is nothing to continue "
            f"from: give --since YYYY-MM-DD (the series starts {source.first_date})"
        )
    return run(source, date_range(source, since, until, today), store=store, **kw)


def update_all(store: Store, on_progress: Progress | None = None, **kw) -> list[RunSummary]:
    """Every registered source, each continued from its newest stored report (the app's
    "Update now"; a source with nothing stored starts :data:`APP_FIRST_DAYS` ago)."""
    return [
        update(src, store, fallback_days=APP_FIRST_DAYS, on_progress=on_progress, **kw)
        for src in list_sources().values()
    ]


# --- "Latest report: DATE (N days ago)" ----------------------------------------------------


def latest_report(store: Store) -> dt.date | None:
    """The date of the newest report in the store (any source), or ``None``."""
    return store.latest_report_date()


def latest_line(latest: dt.date | None, today: dt.date | None = None) -> str:
    """``Latest report: 03 May 2023 (5 days ago)``; says so when there is none."""
    if latest is None:
        return "No reports yet"
    days = ((today or dt.date.today()) - latest).days
    ago = {0: "today", 1: "yesterday"}.get(days, f"{days} days ago" if days > 0 else "dated ahead")
    return f"Latest report: {latest.strftime('%d %b %Y')} ({ago})"


def progress_text(done: int, total: int, outcome: DateOutcome) -> str:
    """The app's progress bar label: where the run is and what the last date gave."""
    what = {"not_published": "not published", "stored": "already stored"}.get(
        outcome.status, outcome.status
    )
    return f"{done}/{total}: {outcome.day.isoformat()} {what}"


def summary_message(summaries: list[RunSummary], max_failures: int = 3) -> tuple[bool, list[str]]:
    """``(all_ok, lines)`` for the app after "Update now": each source's summary line, then
    the first failures (the command prints them all)."""
    lines = [f"{s.source}: {s.line()}" for s in summaries]
    failed = [o for s in summaries for o in s.failed]
    lines += [o.line() for o in failed[:max_failures]]
    if len(failed) > max_failures:
        lines.append(f"… and {len(failed) - max_failures} more failures (see frontline update)")
    return not failed, lines
