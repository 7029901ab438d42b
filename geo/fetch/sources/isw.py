"""ISW's daily "Russian Offensive Campaign Assessment", on both generations of its site.

Addresses (facts from the published pages; the month is the lowercase full
name, the day is not zero-padded):

- current site (2025 on): ``/research/russia-ukraine/russian-offensive-campaign-
  assessment-<month>-<day>-<year>/`` (trailing slash);
- old site (up to early 2025): ``/backgrounder/russian-offensive-campaign-
  assessment-<month>-<day>-<year>``, with **no year in 2022** and a few
  irregular early slugs (:data:`IRREGULAR`), kept as published.

Both are tried for every date, the generation that fits the date first (the
order only saves a request: the old site's pages may have moved). 404 on every
address means ISW did not publish that day (it skips a few holidays).
"""

from __future__ import annotations

import datetime as dt
import re

from geo.fetch.sources.base import Source
from geo.parse.pages import HOMES, NEW_SITE, OLD_SITE, Page, extract_page
from geo.settings import settings

MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
SLUG = "russian-offensive-campaign-assessment"
NEW_SITE_FROM = dt.date(2025, 3, 1)
"""Roughly when reports started to appear on the current site (asked there first from then)."""
FIRST_REPORT = dt.date(2022, 2, 24)

# Early 2022 reports whose slugs do not follow the pattern (as published).
_WARNING = "russia-ukraine-warning-update"
IRREGULAR: dict[dt.date, str] = {
    dt.date(2022, 2, 24): f"{_WARNING}-initial-{SLUG}",
    dt.date(2022, 2, 25): f"{_WARNING}-{SLUG}-february-25-2022",
    dt.date(2022, 2, 26): f"{_WARNING}-{SLUG}-february-26",
    dt.date(2022, 2, 27): f"{_WARNING}-{SLUG}-february-27",
    dt.date(2022, 2, 28): f"{SLUG}-february-28-2022",
    dt.date(2022, 5, 5): "russian-campaign-assessment-may-5",
    dt.date(2022, 7, 11): "russian-offensive-campaign-update-july-11",
    dt.date(2022, 8, 12): f"{SLUG}-august-12-0",
}
_REPORT_TITLE = re.compile(r"\bcampaign\s+(?:assessment|update)\b", re.I)


def old_path(day: dt.date) -> str:
    """The old site's address of ``day`` (no year in 2022, irregular slugs as published)."""
    if day in IRREGULAR:
        return f"/backgrounder/{IRREGULAR[day]}"
    md = f"{MONTHS[day.month - 1]}-{day.day}"
    return f"/backgrounder/{SLUG}-{md}" + ("" if day.year == 2022 else f"-{day.year}")


def new_path(day: dt.date) -> str:
    """The current site's address of ``day``."""
    return f"/research/russia-ukraine/{SLUG}-{MONTHS[day.month - 1]}-{day.day}-{day.year}/"


class ISWSource(Source):
    name = "isw"
    title = "ISW Russian Offensive Campaign Assessment"
    report_format = "isw"
    first_date = FIRST_REPORT

    def default_base_url(self) -> str:
        return settings.isw_base_url

    def paths(self, day: dt.date) -> list[str]:
        old, new = old_path(day), new_path(day)
        return [new, old] if day >= NEW_SITE_FROM else [old, new]

    def publisher_url(self, path: str) -> str:
        home = HOMES[OLD_SITE] if path.startswith("/backgrounder/") else HOMES[NEW_SITE]
        return home.rstrip("/") + path

    def extract(self, html: str, url: str) -> Page | None:
        return extract_page(html, url)

    def is_report(self, page: Page) -> bool:
        return bool(_REPORT_TITLE.search(page.title))


SOURCE = ISWSource()
