"""The report inside a publisher's web page: its body, title, date and canonical address.

A saved or downloaded page is mostly not the report: menus, a search form,
related articles, share buttons and a footer surround it. Stripping every tag
of the whole page would put "Donate", "Iran Update" and the names in the
related-research list on the map, so only the report body is kept:

- **old ISW site** (Drupal 7, up to early 2025): the body field, the ``div``
  whose classes include ``field-name-body``;
- **current ISW site** (WordPress, 2025 on): the article's content area
  (``div.dynamic-entry-content`` in ``#printable-area``), which holds the
  content blocks marked with ``data-id`` (toplines, key takeaways, the
  assessment's sections, endnotes); when that area is missing, the top-level
  ``data-id`` blocks themselves, in page order.

The page is read once, linearly, with the standard library's tolerant
:class:`html.parser.HTMLParser`; only ``div`` nesting is tracked, so stray or
unclosed ``p``/``li`` tags and even a stray ``</html>`` inside a menu (seen on
the current site) do not matter. A body region that the page never closes
means the download was cut short, and is an error rather than half a report.

:func:`extract_page` returns ``None`` for HTML that is not an ISW page (so a
caller can treat it as an ordinary HTML report) and raises
:class:`geo.errors.PageError` for an ISW page whose body cannot be found:
navigation text is never passed on as a report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from geo.errors import PageError
from geo.parse.dates import full_dates, month_day, with_year
from geo.parse.reading import html_to_text, normalise_whitespace

OLD_SITE = "isw-drupal"
NEW_SITE = "isw-wordpress"
ISW_HOSTS = ("understandingwar.org",)
HOMES = {OLD_SITE: "https://www.understandingwar.org/", NEW_SITE: "https://understandingwar.org/"}
"""Where each site generation lived: a relative canonical link of a page saved without its
address is resolved against it (the old site's addresses had ``www.``)."""
_TITLE_SUFFIX = re.compile(
    r"\s*[|\u2013\u2014-]\s*(?:Institute for the Study of War|ISW)\s*$", re.I
)
_ET = "America/New_York"  # ISW dates its reports in US Eastern time


@dataclass(frozen=True, slots=True)
class Page:
    """A report read out of a web page."""

    url: str | None
    """The canonical address (``<link rel=canonical>``, else ``og:url``, else where it was
    fetched from), absolute."""
    title: str
    date: dt.date | None
    """The report's date from its title, else from the page's publication time."""
    body: str
    """The report body as clean text (one block per line, ``- `` list items)."""
    layout: str
    sections: tuple[str, ...] = ()
    """The ``data-id`` of each content block (current site); empty on the old site."""

    def report_text(self) -> str:
        """Title, URL, blank line, body: the shape the ISW report format reads."""
        head = self.title if self.url is None else f"{self.title}\n{self.url}"
        return f"{head}\n\n{self.body}"


def extract_page(html: str, url: str | None = None) -> Page | None:
    """The report in ``html`` (fetched from, or saved from, ``url``); see the module docstring.

    ``url`` resolves a relative canonical link (the old site writes
    ``/backgrounder/...``) and names the page in errors.
    """
    scan = _scan(html)
    if not _is_isw_page(scan):
        return None
    layout = _layout(scan)
    canonical = _canonical(scan, url, layout)
    title = _title(scan)
    where = canonical or url
    if layout is None:
        raise PageError(
            where,
            "no report body on this page (neither the old site's body field nor the current "
            "site's content blocks): the page layout is unknown; nothing was ingested",
        )
    spans, sections = _body_region(scan, layout, where)
    body = normalise_whitespace("\n\n".join(html_to_text(html[a:b]) for a, b in spans))
    if len(body.strip()) < 40:
        raise PageError(where, "the report body on this page is empty")
    return Page(
        url=canonical,
        title=title,
        date=page_date(title, scan.published, canonical),
        body=body,
        layout=layout,
        sections=sections,
    )


# --- one pass over the page ----------------------------------------------------------


@dataclass(slots=True)
class _Region:
    kind: str  # "drupal-body", "wp-content", "wp-block"
    start: int
    end: int | None = None  # None: never closed
    data_id: str = ""
    depth: int = 0  # how many open regions contain it


@dataclass(slots=True)
class _Scan:
    title: str = ""
    h1: str = ""
    canonical: str | None = None
    og_url: str | None = None
    site_name: str = ""
    generator: str = ""
    published: dt.datetime | None = None
    regions: list[_Region] = field(default_factory=list)


class _PageScanner(HTMLParser):
    """Head facts and the source spans of the body regions (``div`` nesting only)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.out = _Scan()
        self.divs: list[_Region | None] = []  # one entry per open div
        self.open_regions = 0
        self.text_target: str | None = None  # "title" or "h1" while inside one
        self.text: list[str] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "div":
            self._div(a)
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.out.canonical = self.out.canonical or a.get("href", "").strip() or None
        elif tag == "meta":
            self._meta(a)
        elif tag == "span" and "dc:date" in a.get("property", "") and a.get("content"):
            self.out.published = self.out.published or _datetime(a["content"])
        elif tag in ("title", "h1") and not getattr(self.out, tag) and self.text_target is None:
            self.text_target, self.text = tag, []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div":  # <div/> opens nothing
            return
        self.handle_starttag(tag, attrs)

    def _div(self, a: dict[str, str]) -> None:
        classes = a.get("class", "").split()
        kind = ""
        if "field-name-body" in classes:
            kind = "drupal-body"
        elif "dynamic-entry-content" in classes or a.get("id") == "printable-area":
            kind = "wp-content"
        elif a.get("data-id", "").strip():
            kind = "wp-block"
        if not kind:
            self.divs.append(None)
            return
        region = _Region(kind, self._offset(), data_id=a.get("data-id", "").strip())
        region.depth = self.open_regions
        self.out.regions.append(region)
        self.divs.append(region)
        self.open_regions += 1

    def _meta(self, a: dict[str, str]) -> None:
        key = (a.get("property") or a.get("name") or "").lower()
        content = a.get("content", "").strip()
        if key == "og:url":
            self.out.og_url = self.out.og_url or content or None
        elif key == "og:site_name":
            self.out.site_name = content
        elif key == "generator":
            self.out.generator = content
        elif key == "article:published_time" and self.out.published is None:
            self.out.published = _datetime(content)

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.divs:
            region = self.divs.pop()
            if region is not None:
                region.end = self._offset()
                self.open_regions -= 1
        elif tag == self.text_target:
            setattr(self.out, tag, " ".join("".join(self.text).split()))
            self.text_target = None

    def handle_data(self, data: str) -> None:
        if self.text_target is not None:
            self.text.append(data)


def _scan(html: str) -> _Scan:
    parser = _PageScanner(html)
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # very broken markup: keep what was read
        pass
    return parser.out


def _datetime(raw: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


# --- what the page is ---------------------------------------------------------------


def _host_is_isw(url: str | None) -> bool:
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in ISW_HOSTS)


def _is_isw_page(scan: _Scan) -> bool:
    """Whether the page says it is ISW's (its own links, title or site name). Where it was
    fetched from does not count: a login portal or a challenge page can come from there."""
    if _host_is_isw(scan.canonical) or _host_is_isw(scan.og_url):
        return True
    if "institute for the study of war" in scan.site_name.lower():
        return True
    return bool(_TITLE_SUFFIX.search(scan.title))


def _canonical(scan: _Scan, url: str | None, layout: str | None) -> str | None:
    """The page's own address: its canonical link, made absolute against ``url`` or, for a
    page saved without one, against the site the layout belongs to. ``og:url`` counts only
    on an ISW host (old pages point it at a development server)."""
    base = url if url and urlsplit(url).scheme in ("http", "https") else None
    base = base or (HOMES.get(layout) if layout else None)
    for link in (scan.canonical, scan.og_url if _host_is_isw(scan.og_url) else None):
        if not link:
            continue
        if urlsplit(link).scheme in ("http", "https"):
            return link
        if base:
            return urljoin(base, link)
    return url if url and urlsplit(url).scheme in ("http", "https") else None


def _title(scan: _Scan) -> str:
    title = _TITLE_SUFFIX.sub("", scan.title).strip()
    return (title or scan.h1 or "").strip()[:300]


Span = tuple[int, int]


def _layout(scan: _Scan) -> str | None:
    kinds = {r.kind for r in scan.regions}
    if "drupal-body" in kinds:
        return OLD_SITE
    if kinds & {"wp-content", "wp-block"}:
        return NEW_SITE
    return None


def _body_region(scan: _Scan, layout: str, where: str | None) -> tuple[list[Span], tuple[str, ...]]:
    """The source spans of the body and the content blocks' ids."""
    if layout == OLD_SITE:
        body = next(r for r in scan.regions if r.kind == "drupal-body")
        return [_closed(body, where)], ()
    content = [r for r in scan.regions if r.kind == "wp-content"]
    blocks = [r for r in scan.regions if r.kind == "wp-block"]
    if content:
        # the outermost content area (#printable-area wraps .dynamic-entry-content)
        area = min(content, key=lambda r: r.depth)
        span = _closed(area, where)
        return [span], tuple(b.data_id for b in blocks if span[0] <= b.start < span[1])
    top = [b for b in blocks if b.depth == 0]
    return [_closed(b, where) for b in top], tuple(b.data_id for b in top)


def _closed(region: _Region, where: str | None) -> tuple[int, int]:
    if region.end is None:
        raise PageError(where, "the page ends inside the report body: the download was cut short")
    return region.start, region.end


# --- the report's date ----------------------------------------------------------------


def page_date(title: str, published: dt.datetime | None, url: str | None) -> dt.date | None:
    """The report's date: a full date in the title; else the title's month and day in the
    year of publication (a late-December report published in January keeps its year);
    else the publication day in US Eastern time (ISW's own); else a full date in the URL."""
    dates = full_dates(title)
    if dates:
        return dates[0][1]
    local = _eastern(published) if published is not None else None
    md = month_day(title)
    if md is not None and local is not None:
        cands = [with_year(md[0], md[1], local.year + k) for k in (-1, 0, 1)]
        best = min((c for c in cands if c), key=lambda c: abs((c - local).days), default=None)
        if best is not None and abs((best - local).days) <= 31:
            return best
    if local is not None:
        return local
    if url:
        slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
        found = full_dates(slug)
        if found:
            return found[0][1]
    return None


def _eastern(when: dt.datetime) -> dt.date:
    if when.tzinfo is None:
        return when.date()
    try:
        from zoneinfo import ZoneInfo

        return when.astimezone(ZoneInfo(_ET)).date()
    except (ImportError, KeyError, ValueError):  # no time zone data on this machine
        return when.date()
