"""Fetch the report of one date into the raw folder, and read it back as a page.

For a date, the source's addresses are asked in turn (the address that had
the page last time first, with its validators, so an unchanged page costs a
304); the first page found is kept in the raw folder as received. 404 on every
address means the report was not published that day; once that answer was
given ``FRONTLINE_FETCH_SETTLE_DAYS`` after the date it is final and not asked
again (unless ``recheck``). A page that an address *redirected* to but that is
not the report of that date (a home page, an index) also means "not
published"; the same at the address itself is an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal

from geo.errors import FetchError, PageError, WrongPage
from geo.fetch.http import MISSING_STATUSES, Fetcher
from geo.fetch.raw import RawEntry, RawPages
from geo.fetch.sources.base import Source
from geo.parse.pages import Page

FetchStatus = Literal["downloaded", "unchanged", "not_published", "failed"]


@dataclass(slots=True)
class Fetched:
    """What asking for one date gave."""

    day: dt.date
    status: FetchStatus
    entry: RawEntry | None = None
    body: bytes | None = None  # the page, downloaded or kept, when there is one
    problem: str | None = None
    asked: bool = True  # False: answered from the raw folder without a request
    note: str | None = None  # e.g. where a redirect led

    @property
    def final_url(self) -> str | None:
        return (self.entry.final_url or self.entry.url) if self.entry else None


def fetch_date(
    source: Source,
    day: dt.date,
    raw: RawPages,
    fetcher: Fetcher,
    base_url: str | None = None,
    recheck: bool = False,
    settle_days: int = 3,
) -> Fetched:
    """Ask the publisher for the report of ``day`` (see the module docstring)."""
    prev = raw.entry(day)
    if prev is not None and not prev.has_page and prev.settled(settle_days) and not recheck:
        return Fetched(day, "not_published", prev, asked=False)
    addresses = source.addresses(day, base_url)
    if prev is not None and prev.has_page and prev.url in addresses:
        addresses.remove(prev.url)
        addresses.insert(0, prev.url)
    tried: list[str] = []
    for url in addresses:
        held = prev is not None and prev.has_page and prev.url == url
        try:
            resp = fetcher.get(url, prev.validators if held and prev else None)
        except FetchError as exc:
            return Fetched(day, "failed", prev, problem=str(exc))
        tried.append(url)
        if resp.status in MISSING_STATUSES:
            continue
        if resp.status == 304:
            if not held or prev is None:
                return Fetched(day, "failed", prev, problem=f"{url}: 304 to an unconditional GET")
            entry = raw.save_checked(prev)
            return Fetched(day, "unchanged", entry, raw.read(entry))
        same = held and prev is not None and hashlib.sha256(resp.body).hexdigest() == prev.sha256
        entry = raw.save_page(day, url, resp.final_url, resp.body, resp.validators, tried)
        return Fetched(day, "unchanged" if same else "downloaded", entry, resp.body)
    return Fetched(day, "not_published", raw.save_missing(day, tried))


def read_fetched(
    source: Source, got: Fetched, raw: RawPages, base_url: str | None = None
) -> Page | None:
    """The report in a fetched page; ``None`` (and ``got`` turned into "not published")
    when a redirect led to a page that is not the report of that date.

    Any other problem is a :class:`PageError` naming the address and the saved file.
    """
    if got.body is None or got.entry is None:
        raise PageError(got.final_url, "no page was kept for this date")
    final = got.entry.final_url or got.entry.url
    saved = str(raw.page_path(got.day))
    try:
        return source.read_page(got.day, got.body, final, saved, base_url)
    except WrongPage as exc:
        if final == got.entry.url:
            raise
        got.status, got.note = "not_published", f"{got.entry.url} leads to {final}: {exc.problem}"
        return None
