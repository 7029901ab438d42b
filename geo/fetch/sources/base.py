"""The interface every source implements: a dated series of reports on a publisher's site.

A source knows three things no other code should: the addresses where the
report of a date may be (best first), how to read its pages
(:class:`geo.parse.pages.Page`), and which report format the store files the
result under. Everything else (politeness, the raw folder, resume, locking,
ingesting, the summary) is shared, in :mod:`geo.fetch.download` and
:mod:`geo.fetch.update`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod

from geo.errors import PageError, ReportError, WrongPage
from geo.parse.pages import Page
from geo.parse.reading import decode


class Source(ABC):
    """A publisher's daily series (see the module docstring)."""

    name: str
    """Short name used on the command line and in the raw folder (``isw``)."""
    title: str
    """What the series is called, for messages."""
    report_format: str
    """The report format (:mod:`geo.parse.registry`) its pages are parsed as."""
    first_date: dt.date
    """The series' first report: no date before it is asked for."""

    @abstractmethod
    def default_base_url(self) -> str:
        """``scheme://host`` pages are fetched from unless ``--base-url`` says otherwise
        (read from a setting, so an operator can point it at a mirror)."""

    @abstractmethod
    def paths(self, day: dt.date) -> list[str]:
        """Paths where the report of ``day`` may be, most likely first."""

    @abstractmethod
    def publisher_url(self, path: str) -> str:
        """The publisher's own address for a path, whatever host it was fetched from:
        relative links in a page resolve against it, and a mirror's or a test server's
        host never becomes a report's ``source_url``."""

    @abstractmethod
    def extract(self, html: str, url: str) -> Page | None:
        """The report in a page (``None`` when the page is not one of this site's)."""

    @abstractmethod
    def is_report(self, page: Page) -> bool:
        """Whether a page of the site is a report of this series (not an index or a
        home page a missing report redirected to)."""

    # --- shared ---------------------------------------------------------------------
    def addresses(self, day: dt.date, base_url: str | None = None) -> list[str]:
        base = (base_url or self.default_base_url()).rstrip("/")
        return [base + p for p in self.paths(day)]

    def official_url(self, fetched_url: str, base_url: str | None = None) -> str:
        """``fetched_url`` as the publisher's address (mirror host and prefix replaced)."""
        base = (base_url or self.default_base_url()).rstrip("/")
        if fetched_url.startswith(base + "/"):
            return self.publisher_url(fetched_url[len(base) :])
        return fetched_url  # a redirect to another host: that host's address is the real one

    def read_page(
        self, day: dt.date, body: bytes, fetched_url: str, saved: str,
        base_url: str | None = None,
    ) -> Page:  # fmt: skip
        """The report of ``day`` in a downloaded page, or a :class:`PageError` naming the
        address and the saved file: not this site's page, no body, cut short, not a
        report of the series, or the report of another date."""
        url = self.official_url(fetched_url, base_url)
        try:
            page = self.extract(decode(body, saved), url)
        except PageError as exc:
            raise PageError(url, exc.problem, saved) from None
        except ReportError as exc:  # undecodable bytes
            raise PageError(url, exc.problem, saved) from None
        if page is None:
            raise PageError(url, f"not a page of the {self.title} site (unknown layout)", saved)
        if not self.is_report(page):
            raise WrongPage(url, f"not a {self.title} report: {page.title!r}", saved)
        if page.date is not None and page.date != day:
            raise WrongPage(
                url, f"this page is the report of {page.date.isoformat()}, not of "
                f"{day.isoformat()}", saved,
            )  # fmt: skip
        return page
