"""Online fallback for names the offline gazetteer lacks: Nominatim through geopy.

Off by default (``--online``). When on, it follows the Nominatim usage policy:
a real User-Agent the user can set (``FRONTLINE_USER_AGENT``), at most one
request per second (geopy's ``RateLimiter``), a timeout, and an on-disk cache
so the same name is never asked twice, not even across runs. Results are
constrained to Ukraine and its neighbours. A network problem costs one
unresolved mention and a warning, never the report.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import warnings
from pathlib import Path

from geo._io import atomic_write_text
from geo._text import name_key
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
        # None: the setting, read now (see geo.settings)
    ) -> None:
        from geopy.adapters import RequestsAdapter, URLLibAdapter
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        user_agent = settings.user_agent if user_agent is None else user_agent
        domain = domain or settings.nominatim_domain
        scheme = scheme or settings.nominatim_scheme
        min_delay = settings.nominatim_delay_s if min_delay is None else min_delay
        timeout = timeout or settings.nominatim_timeout_s
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
            user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout,
            adapter_factory=adapter,
        )  # fmt: skip
        self._geocode = RateLimiter(
            self.geocoder.geocode, min_delay_seconds=min_delay, max_retries=0,
            swallow_exceptions=False,
        )  # fmt: skip
        self.requests = 0  # how many questions actually went out (for tests and logs)

    # -- cache -------------------------------------------------------------------
    def _cache_path(self, query: str) -> Path:
        key = f"{_CACHE_VERSION}|{name_key(query)}|{','.join(self.country_codes)}"
        return self.cache_dir / f"{hashlib.sha1(key.encode()).hexdigest()}.json"

    def _cached(self, query: str) -> tuple[bool, dict | None]:
        path = self._cache_path(query)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            return True, doc.get("raw")
        except (OSError, ValueError, AttributeError):
            return False, None

    def _store(self, query: str, raw: dict | None) -> None:
        doc = {"query": query, "key": name_key(query), "raw": raw}
        try:
            atomic_write_text(self._cache_path(query), json.dumps(doc, ensure_ascii=False))
        except OSError as exc:  # a read-only cache only costs repeated questions
            log.debug("nominatim cache not written: %s", exc)

    # -- lookups -----------------------------------------------------------------
    def raw(self, name: str) -> dict | None:
        """Nominatim's JSON for ``name`` (cached, negative answers too), or ``None``."""
        query = " ".join(name.split())
        if not query:
            return None
        hit, raw = self._cached(query)
        if hit:
            return raw
        from geopy.exc import GeopyError

        self.requests += 1
        try:
            loc = self._geocode(
                query, exactly_one=True, addressdetails=True, language="en",
                country_codes=list(self.country_codes),
            )  # fmt: skip
        except (GeopyError, OSError, ValueError) as exc:
            # not cached: the network may be back next time
            warnings.warn(f"online geocoding of {query!r} failed: {exc}", stacklevel=2)
            return None
        raw = dict(loc.raw) if loc is not None else None
        self._store(query, raw)
        return raw

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
