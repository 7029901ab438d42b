"""Polite HTTP for fetching publishers' pages, in the spirit of osmnx's ``_http``.

A publisher's site is someone else's server, and several Frontline processes
(a cron job, the app's button, a user at a shell) may run at once. So every
request made here:

- identifies Frontline and its operator (``FRONTLINE_USER_AGENT``);
- waits its turn: at most one request per ``FRONTLINE_FETCH_INTERVAL`` seconds
  to a host *across processes*, through a timestamp file under the cache folder
  held with ``flock`` (robots.txt's ``Crawl-delay`` wins when longer);
- asks robots.txt first (RFC 9309: a missing robots.txt allows everything, an
  unreachable one forbids everything for now);
- has connect and read timeouts, and a whole page must arrive within five read
  timeouts, so a server that trickles bytes cannot hold a run forever;
- retries a busy or failing server (429, 500, 502, 503, 504), a timeout, a
  dropped connection or a page cut short, waiting twice as long each time, or as
  long as the server's ``Retry-After`` asks (up to ``FRONTLINE_FETCH_MAX_WAIT``);
- is conditional when the caller has validators (``If-None-Match``,
  ``If-Modified-Since``), so an unchanged page costs a 304 and no download;
- follows redirects itself, one polite request per hop.

404 and 410 are answers, not errors: the caller decides what a missing page
means. Everything else that fails is a :class:`geo.errors.FetchError` naming
the URL.
"""

from __future__ import annotations

import email.utils
import fcntl
import math
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests

from geo.errors import FetchError
from geo.settings import settings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MISSING_STATUSES = frozenset({404, 410})
MAX_REDIRECTS = 10
MAX_ROBOTS_BYTES = 500_000  # RFC 9309 asks crawlers to read at least 500 KiB
WHOLE_PAGE_TIMEOUTS = 5  # a page must arrive within this many read timeouts

OnWait = Callable[[str, float, str], None]
"""Told ``(url, seconds, reason)`` before each wait for a retry (the CLI prints it)."""


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said identifies the version we hold (for conditional requests)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(slots=True)
class Response:
    """One answer: 200 (with ``body``), 304 (the held version is current), 404 or 410."""

    url: str
    final_url: str
    status: int
    body: bytes = b""
    validators: Validators = Validators()

    @property
    def redirected(self) -> bool:
        return self.final_url != self.url

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delay-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{1,10}", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class RateLimiter:
    """At most one request per interval to a host, across processes.

    The time of the last request to each host is kept in a small file under
    ``folder``; a process holds an exclusive ``flock`` on it while it waits and
    stamps it, so processes queue instead of racing. ``clock`` and ``sleep``
    are the wall clock (shared by processes) and :func:`time.sleep`.
    """

    def __init__(
        self,
        folder: Path,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.folder = Path(folder)
        self.clock = clock
        self.sleep = sleep

    def path(self, host: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9.-]", "_", host.lower()) + ".last")

    def wait(self, host: str, interval: float) -> float:
        """Wait until ``interval`` seconds have passed since the last request to ``host``
        by any process, then stamp now; returns the seconds waited."""
        if interval <= 0:
            return 0.0
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path(host), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            last = _float(os.pread(fd, 64, 0))
            now = self.clock()
            waited = 0.0
            # a stamp in the future (a clock set back) is ignored rather than waited for
            if last is not None and now - interval < last <= now + interval:
                waited = last + interval - now
                if waited > 0:
                    self.sleep(waited)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{self.clock():.6f}".encode(), 0)
            return max(waited, 0.0)
        finally:
            os.close(fd)  # releases the lock


def _float(raw: bytes) -> float | None:
    try:
        value = float(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return None
    return value if math.isfinite(value) else None


class _Transient(Exception):
    """A failure worth retrying (busy server, timeout, cut-short page)."""

    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.wait = wait


class Fetcher:
    """Polite GETs (see the module docstring). Settings are read once, when it is made;
    keyword arguments override them (tests, the app)."""

    def __init__(
        self,
        *,
        user_agent: str | None = None,
        interval: float | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        max_wait: float | None = None,
        max_bytes: int | None = None,
        rate_dir: Path | None = None,
        on_wait: OnWait | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        s = settings
        self.user_agent = user_agent or s.user_agent
        self.interval = s.fetch_interval_s if interval is None else interval
        self.connect_timeout = connect_timeout or s.fetch_connect_timeout_s
        self.read_timeout = read_timeout or s.fetch_read_timeout_s
        self.retries = s.fetch_retries if retries is None else retries
        self.backoff = s.fetch_backoff_s if backoff is None else backoff
        self.max_wait = s.fetch_max_wait_s if max_wait is None else max_wait
        self.max_bytes = max_bytes or s.max_page_bytes
        self.limiter = RateLimiter(rate_dir or s.cache_dir / "http", sleep=sleep)
        self.on_wait = on_wait
        self.sleep = sleep
        self.requests = 0  # requests sent, robots.txt and redirects included
        self.downloaded = 0  # bytes of page bodies received
        self._robots: dict[str, RobotFileParser | None] = {}
        self._session = requests.Session()
        self._session.headers.update({"User-Agent": self.user_agent, "Accept": "text/html,*/*"})

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def agent_token(self) -> str:
        """The product token robots.txt rules are matched against (``frontline``)."""
        return self.user_agent.split("/", 1)[0].split()[0].lower() if self.user_agent else "*"

    # --- the one public call ------------------------------------------------------------
    def get(self, url: str, validators: Validators | None = None) -> Response:
        """GET ``url`` politely, following redirects; 200/304/404/410 are returned."""
        headers = validators.headers() if validators else {}
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_robots(current)
            status, hdrs, body = self._with_retries(current, headers)
            if status in REDIRECT_STATUSES:
                location = hdrs.get("Location")
                nxt = urljoin(current, location) if location else ""
                if urlsplit(nxt).scheme not in ("http", "https"):
                    raise FetchError(url, f"redirect ({status}) to an unusable address: {nxt!r}")
                current = nxt
                continue
            return Response(
                url=url, final_url=current, status=status, body=body,
                validators=Validators(hdrs.get("ETag"), hdrs.get("Last-Modified")),
            )  # fmt: skip
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    # --- robots.txt -----------------------------------------------------------------------
    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        rules = self._robots[origin]
        if rules is None:
            raise FetchError(
                url, f"{origin}/robots.txt could not be read, so nothing is fetched from "
                "this site for now (RFC 9309); try again later",
            )  # fmt: skip
        if not rules.can_fetch(self.agent_token, url):
            raise FetchError(url, f"{origin}/robots.txt does not allow fetching this page")

    def _read_robots(self, origin: str) -> RobotFileParser | None:
        rules = RobotFileParser(origin + "/robots.txt")
        current = origin + "/robots.txt"
        try:
            for _ in range(MAX_REDIRECTS + 1):
                status, hdrs, body = self._with_retries(current, {}, limit=MAX_ROBOTS_BYTES)
                if status in REDIRECT_STATUSES and hdrs.get("Location"):
                    current = urljoin(current, hdrs["Location"])
                    continue
                break
        except FetchError:
            return None
        if status == 200:
            rules.parse(body.decode("utf-8", "replace").splitlines())
        elif 400 <= status < 500:
            rules.parse([])  # no robots.txt: everything is allowed
        else:
            return None
        return rules

    def _interval(self, url: str) -> float:
        parts = urlsplit(url)
        rules = self._robots.get(f"{parts.scheme}://{parts.netloc}")
        delay = rules.crawl_delay(self.agent_token) if rules is not None else None
        asked = float(delay) if delay is not None else 0.0
        return max(self.interval, min(asked, self.max_wait))

    # --- retries ---------------------------------------------------------------------------
    def _with_retries(
        self, url: str, headers: dict[str, str], limit: int | None = None
    ) -> tuple[int, requests.structures.CaseInsensitiveDict, bytes]:
        for attempt in range(self.retries + 1):
            try:
                return self._once(url, headers, limit or self.max_bytes)
            except _Transient as exc:
                if attempt == self.retries:
                    tries = "1 try" if attempt == 0 else f"{attempt + 1} tries"
                    raise FetchError(url, f"{exc.problem} (gave up after {tries})") from None
                wait = exc.wait if exc.wait is not None else self.backoff * 2**attempt
                if wait > self.max_wait:
                    raise FetchError(
                        url, f"{exc.problem}; the server asks to wait {wait:.0f} s, more than "
                        f"FRONTLINE_FETCH_MAX_WAIT ({self.max_wait:.0f} s)",
                    ) from None  # fmt: skip
                if self.on_wait is not None:
                    self.on_wait(url, wait, exc.problem)
                if wait > 0:
                    self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(
        self, url: str, headers: dict[str, str], limit: int
    ) -> tuple[int, requests.structures.CaseInsensitiveDict, bytes]:
        host = urlsplit(url).netloc
        self.limiter.wait(host, self._interval(url))
        self.requests += 1
        started = time.monotonic()
        try:
            with self._session.get(
                url, headers=headers, timeout=(self.connect_timeout, self.read_timeout),
                allow_redirects=False, stream=True,
            ) as r:  # fmt: skip
                status = r.status_code
                if status in RETRY_STATUSES:
                    wait = retry_after(r.headers.get("Retry-After"))
                    raise _Transient(f"HTTP {status} {r.reason or ''}".strip(), wait)
                if status == 200:
                    return status, r.headers, self._read_body(url, r, limit, started)
                if status in REDIRECT_STATUSES or status in MISSING_STATUSES or status == 304:
                    return status, r.headers, b""
                raise FetchError(url, _refusal(status, r.reason))
        except requests.exceptions.Timeout:
            raise _Transient(f"no answer within {self.read_timeout:g} s") from None
        except requests.exceptions.ChunkedEncodingError:
            raise _Transient("the page was cut short") from None
        except requests.exceptions.ConnectionError as exc:
            raise _Transient(_connection_problem(exc)) from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(url, f"request failed: {exc}") from None

    def _read_body(self, url: str, r: requests.Response, limit: int, started: float) -> bytes:
        declared = r.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"page is {int(declared):,} bytes; the limit is {limit:,}")
        deadline = started + WHOLE_PAGE_TIMEOUTS * self.read_timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in r.iter_content(65536):
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"page is larger than the limit of {limit:,} bytes")
            if time.monotonic() > deadline:
                raise _Transient(
                    f"the page did not arrive within {WHOLE_PAGE_TIMEOUTS * self.read_timeout:g} s"
                )
            chunks.append(chunk)
        self.downloaded += size
        return b"".join(chunks)


def _refusal(status: int, reason: str | None) -> str:
    text = f"HTTP {status} {reason or ''}".strip()
    if status == 403:
        return (
            f"{text}: the site refused this client; make sure FRONTLINE_USER_AGENT names "
            "you and a contact address, and try again later"
        )
    return text


def _connection_problem(exc: Exception) -> str:
    text = str(exc)
    if "Read timed out" in text or "ReadTimeout" in text:
        return "the server stopped sending (read timeout)"
    if "IncompleteRead" in text or "ProtocolError" in text or "Connection broken" in text:
        return "the page was cut short"
    return "could not connect" if "connect" in text.lower() else "connection failed"
