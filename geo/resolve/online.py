"""Online fallback for names the offline gazetteer lacks: Nominatim through geopy.

Off by default (``--online``). When on, it follows the Nominatim usage policy:
a real User-Agent the user can set (``FRONTLINE_USER_AGENT``), at most one
request per second for all Frontline processes of the machine together (the
time of the last request is kept under a file lock in the cache folder), a
timeout, and an on-disk cache so the same name is never asked twice, not
even across runs. Results are constrained to Ukraine and its neighbours.

A slow or dead server never holds a run hostage: a run spends at most
``FRONTLINE_ONLINE_BUDGET`` seconds on lookups in all, stops asking after two
failures in a row, and a failed name is not asked again for
``FRONTLINE_ONLINE_RETRY_AFTER`` seconds (failures are cached with their time).
A problem costs unresolved mentions and one line on stderr, never the report
and never a Python warning.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from geo._io import atomic_write_text
from geo._text import name_key
from geo.errors import one_line
from geo.model import Place
from geo.settings import settings

log = logging.getLogger(__name__)

_CACHE_VERSION = 1

# OSM class/type -> a GeoNames-like feature code, so Place.precision works unchanged.
_PLACE_TYPES = {
    "city": "PPLA2", "town": "PPL", "village": "PPL", "hamlet": "PPL", "locality": "PPL",
    "isolated_dwelling": "PPL", "suburb": "PPLX", "quarter": "PPLX", "neighbourhood": "PPLX",
    "borough": "PPLX",
}  # fmt: skip
_FEATURES = {
    ("waterway", "river"): "STM", ("waterway", "stream"): "STM", ("waterway", "canal"): "CNL",
    ("natural", "water"): "LK", ("water", "reservoir"): "RSV", ("landuse", "reservoir"): "RSV",
    ("natural", "wood"): "FRST", ("landuse", "forest"): "FRST", ("place", "island"): "ISL",
    ("waterway", "dam"): "DAM",
}  # fmt: skip
_OBLAST_SUFFIX = re.compile(r"\s+(oblast|region|raion|область|край)$", re.I)
FAILURES_IN_A_ROW = 2  # then the server is taken to be down for the rest of the run


def _print_line(message: str) -> None:
    print(f"frontline: {message}", file=sys.stderr, flush=True)


class NominatimFallback:
    """``lookup(name) -> Place | None`` backed by Nominatim, cached on disk.

    ``resolve_report(report, gaz, online=NominatimFallback())`` sends only the
    names the gazetteer does not know.
    """

    def __init__(
        self,
        user_agent: str | None = None,
        domain: str | None = None,
        scheme: str | None = None,
        min_delay: float | None = None,
        timeout: float | None = None,
        cache_dir: Path | None = None,
        country_codes: tuple[str, ...] = settings.online_country_codes,
        budget_s: float | None = None,
        retry_after_s: float | None = None,
        notice: Callable[[str], None] | None = None,
        # None: the setting, read now (see geo.settings)
    ) -> None:
        from geopy.adapters import RequestsAdapter, URLLibAdapter
        from geopy.geocoders import Nominatim

        user_agent = settings.user_agent if user_agent is None else user_agent
        domain = domain or settings.nominatim_domain
        scheme = scheme or settings.nominatim_scheme
        self.min_delay = settings.nominatim_delay_s if min_delay is None else min_delay
        self.timeout = timeout or settings.nominatim_timeout_s
        self.budget_s = settings.online_budget_s if budget_s is None else budget_s
        self.retry_after_s = (
            settings.online_retry_after_s if retry_after_s is None else retry_after_s
        )
        if not user_agent or not user_agent.strip():
            raise ValueError("Nominatim needs a real User-Agent (set FRONTLINE_USER_AGENT)")

        def adapter(proxies, ssl_context):
            # no transport-level retries: one question, one request
            try:
                return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
            except ImportError:  # requests is optional for geopy
                return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)

        self.country_codes = tuple(country_codes)
        self.cache_dir = Path(cache_dir or settings.cache_dir / "nominatim")
        self.geocoder = Nominatim(
            user_agent=user_agent, domain=domain, scheme=scheme, timeout=self.timeout,
            adapter_factory=adapter,
        )  # fmt: skip
        self.notice = notice or _print_line
        self.requests = 0  # how many questions actually went out (for tests and logs)
        self.spent_s = 0.0  # time spent on lookups in this run, waits included
        self.failures_in_a_row = 0
        self.stopped: str | None = None  # why this run asks no more
        self._told_failure = False
        self._last = 0.0  # wall time of this process's last request

    # -- cache -------------------------------------------------------------------
    def _cache_path(self, query: str) -> Path:
        key = f"{_CACHE_VERSION}|{name_key(query)}|{','.join(self.country_codes)}"
        return self.cache_dir / f"{hashlib.sha1(key.encode()).hexdigest()}.json"

    def _cached(self, query: str) -> tuple[bool, dict | None]:
        """``(hit, raw)``: an answer (``raw``, or ``None`` for "no such place"), or a
        failure younger than ``retry_after_s`` (a hit with ``None``)."""
        path = self._cache_path(query)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False, None
        if not isinstance(doc, dict):
            return False, None
        if "failed" in doc:
            at = doc.get("at")
            fresh = isinstance(at, (int, float)) and time.time() - at < self.retry_after_s
            return (True, None) if fresh else (False, None)
        raw = doc.get("raw")
        return True, raw if isinstance(raw, dict) else None

    def _store(self, query: str, raw: dict | None, failed: str | None = None) -> None:
        doc: dict = {"query": query, "key": name_key(query), "raw": raw}
        if failed is not None:
            doc = {"query": query, "key": name_key(query), "failed": failed, "at": time.time()}
        try:
            atomic_write_text(self._cache_path(query), json.dumps(doc, ensure_ascii=False))
        except OSError as exc:  # a read-only cache only costs repeated questions
            log.debug("nominatim cache not written: %s", exc)

    @contextlib.contextmanager
    def _turn(self) -> Iterator[None]:
        """One request at a time for every process using this cache folder, each at least
        ``min_delay`` after the previous one *ended*, so the server never sees two
        closer than that, however the network delays them."""
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd: int | None = os.open(
                self.cache_dir / ".last-request", os.O_RDWR | os.O_CREAT, 0o644
            )
        except OSError:  # no shared cache folder: this process keeps to the delay itself
            fd = None
        try:
            last = self._last
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
                with contextlib.suppress(ValueError):
                    last = max(last, float(os.pread(fd, 64, 0).decode() or 0))
            wait = self.min_delay - (time.time() - last)
            if wait > 0:
                time.sleep(wait)
            yield
        finally:
            self._last = time.time()
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                    os.pwrite(fd, repr(self._last).encode(), 0)
                os.close(fd)  # releases the lock: the next request may take its turn

    def _stop(self, why: str) -> None:
        if self.stopped is None:
            self.stopped = why
            self.notice(one_line(f"online lookups stopped for this run: {why}"))

    # -- lookups -----------------------------------------------------------------
    def raw(self, name: str) -> dict | None:
        """Nominatim's JSON for ``name`` (cached, negative answers too), or ``None``."""
        query = " ".join(name.split())
        if not query:
            return None
        hit, raw = self._cached(query)
        if hit:
            return raw
        if self.stopped is not None:
            return None
        left = self.budget_s - self.spent_s
        if left <= 0:
            self._stop(
                f"its {self.budget_s:g} s budget (FRONTLINE_ONLINE_BUDGET) is used up; "
                "the names left stay unresolved"
            )
            return None
        from geopy.exc import GeopyError

        t0 = time.monotonic()
        try:
            with self._turn():
                self.requests += 1
                loc = self.geocoder.geocode(
                    query, exactly_one=True, addressdetails=True, language="en",
                    country_codes=list(self.country_codes),
                    timeout=max(0.1, min(self.timeout, left - (time.monotonic() - t0))),
                )  # fmt: skip
        except (GeopyError, OSError, ValueError) as exc:
            self.spent_s += time.monotonic() - t0
            self._failed(query, exc)
            return None
        self.spent_s += time.monotonic() - t0
        self.failures_in_a_row = 0
        raw = dict(loc.raw) if loc is not None else None
        self._store(query, raw)
        return raw

    def _failed(self, query: str, exc: BaseException) -> None:
        reason = one_line(f"{type(exc).__name__}: {exc}", 160)
        self._store(query, None, failed=reason)  # not asked again for a while
        self.failures_in_a_row += 1
        if self.failures_in_a_row >= FAILURES_IN_A_ROW:
            self._stop(
                f"{self.failures_in_a_row} failures in a row (last: {reason}); carrying on offline"
            )
        elif not self._told_failure:
            self._told_failure = True
            self.notice(
                one_line(f"online lookup of {query!r} failed ({reason}); it stays unresolved")
            )

    def lookup(self, name: str) -> Place | None:
        raw = self.raw(name)
        return place_from_raw(raw, name) if raw else None

    __call__ = lookup


def place_from_raw(raw: dict, name: str = "") -> Place | None:
    """A :class:`Place` from one Nominatim result (``None`` if it has no coordinates)."""
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    cls, typ = str(raw.get("class") or raw.get("category") or ""), str(raw.get("type") or "")
    if cls == "place" and typ in _PLACE_TYPES:
        code = _PLACE_TYPES[typ]
    elif cls == "boundary" and typ == "administrative":
        code = "ADM"
    else:
        code = _FEATURES.get((cls, typ), f"{cls}:{typ}".upper().strip(":") or "OSM")
    addr = raw.get("address") or {}
    state = _OBLAST_SUFFIX.sub("", str(addr.get("state") or addr.get("region") or "")).strip()
    osm_type, osm_id = raw.get("osm_type") or "place", raw.get("osm_id") or raw.get("place_id")
    label = raw.get("name") or str(raw.get("display_name") or name).split(",")[0].strip()
    return Place(
        place_id=f"osm:{osm_type}:{osm_id}",
        name=label or name,
        lat=lat,
        lon=lon,
        feature_code=code,
        oblast=state,
        population=0,
        country=str(addr.get("country_code") or "").upper(),
    )
