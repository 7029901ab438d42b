"""Every setting Frontline has, typed and documented in one place, read when used.

In the spirit of ``osmnx.settings``, but each setting is an environment
variable, because Frontline runs as a command, a Streamlit server and a
scheduled job, and the environment is what all three share. A value is read at
the moment it is used, never at import, so a test (``monkeypatch.setenv``) or
an operator's ``.env`` changes it without restarting anything that imported
this module.

Use::

    from geo.settings import settings
    settings.events_dir          # a Path, from FRONTLINE_EVENTS_DIR or the default

A value that cannot be read (``FRONTLINE_MAX_REPORT_BYTES=5MB``) raises
:class:`geo.errors.SettingsError`, which names the variable: the command line
prints that one line and exits with code 2, the app shows it as an error.
``frontline settings`` lists them all with their current values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar, overload

from geo.errors import SettingsError

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
STATIC_DIR = REPO_ROOT / "static"

GEONAMES_CREDIT = (
    "Place names and coordinates © GeoNames (www.geonames.org), CC BY 4.0; "
    "filtered and with spelling variants added by Frontline."
)


def _env(name: str) -> str | None:
    import os

    value = os.environ.get(name)
    return value if value is not None and value.strip() != "" else None


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _positive_int(raw: str) -> int:
    value = int(raw.replace("_", ""))
    if value <= 0:
        raise ValueError("must be positive")
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0 or value == float("inf"):
        raise ValueError("must be a positive number")
    return value


def _non_negative_float(raw: str) -> float:
    value = float(raw)
    if not value >= 0 or value == float("inf"):
        raise ValueError("must be zero or a positive number")
    return value


def _non_negative_int(raw: str) -> int:
    value = int(raw.replace("_", ""))
    if value < 0:
        raise ValueError("must be zero or positive")
    return value


def _base_url(raw: str) -> str:
    """``scheme://host[:port][/prefix]`` without a trailing slash (paths are appended)."""
    from urllib.parse import urlsplit

    url = raw.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("use http(s)://host[:port], e.g. https://understandingwar.org")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError("give only the scheme, the host and optionally a path prefix")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", "none"})


def _flag(raw: str) -> bool:
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError("use 1/0, true/false, yes/no or on/off")


def _text(raw: str) -> str:
    return raw.strip()


def _scheme(raw: str) -> str:
    low = raw.strip().lower()
    if low not in ("http", "https"):
        raise ValueError("use http or https")
    return low


def _database_url(raw: str) -> str:
    url = raw.strip()
    if not url.lower().startswith(("postgresql://", "postgres://")):
        raise ValueError("use a postgresql:// URL")
    return url


def _identifier(raw: str) -> str:
    name = raw.strip()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError("use lower-case letters, digits and _ (a PostgreSQL schema name)")
    return name
def _data_home() -> Path:
    import os

    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


UPLOAD_MODES: tuple[str, ...] = ("auto", "everyone", "operators", "off")


def _uploads_mode(raw: str) -> str:
    low = raw.strip().lower()
    if low not in UPLOAD_MODES:
        raise ValueError(f"use one of {', '.join(UPLOAD_MODES)}")
    return low


def _emails(raw: str) -> tuple[str, ...]:
    out = tuple(e.strip().lower() for e in raw.split(",") if e.strip())
    bad = [e for e in out if "@" not in e]
    if bad:
        raise ValueError(f"not an e-mail address: {bad[0]!r}")
    return out


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One environment variable: its parser, its default and what it is for."""

    env: str
    parse: Callable[[str], T]
    default: Callable[[], T]
    doc: str

    def get(self) -> T:
        raw = _env(self.env)
        if raw is None:
            return self.default()
        try:
            return self.parse(raw)
        except (ValueError, TypeError) as exc:
            shown = raw if len(raw) <= 60 else raw[:57] + "..."
            raise SettingsError(f"{self.env}={shown!r}: {exc}") from None

    @overload
    def __get__(self, obj: None, owner: type) -> Setting[T]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> T: ...
    def __get__(self, obj: object | None, owner: type) -> Setting[T] | T:
        return self if obj is None else self.get()


def _const(value: T) -> Callable[[], T]:
    return lambda: value


class Settings:
    """The settings, as typed attributes that read the environment on every access."""

    # --- fixed: where the project keeps its own files ------------------------------
    repo_root = REPO_ROOT
    data_dir = DATA_DIR
    static_dir = STATIC_DIR
    geonames_credit = GEONAMES_CREDIT

    # --- data ---------------------------------------------------------------------
    events_dir = Setting(
        "FRONTLINE_EVENTS_DIR", _path, _const(DATA_DIR / "events"),
        "The event store: a folder of GeoJSON files, one per report.",
    )  # fmt: skip
    places_csv = Setting(
        "FRONTLINE_PLACES", _path, _const(DATA_DIR / "places.csv"),
        "The gazetteer built by `frontline places build`.",
    )  # fmt: skip
    overrides_csv = Setting(
        "FRONTLINE_OVERRIDES", _path, _const(DATA_DIR / "places_overrides.csv"),
        "Hand fixes to the gazetteer (aliases, missing places, better points).",
    )  # fmt: skip
    cache_dir = Setting(
        "FRONTLINE_CACHE", _path, lambda: Path.home() / ".cache" / "frontline",
        "Caches: the parsed gazetteer, online lookups.",
    )  # fmt: skip
    shared_dir = Setting(
        "FRONTLINE_SHARED", _path, _const(REPO_ROOT.parent / "shared"),
        "Development materials (reports, answer keys); optional.",
    )  # fmt: skip
    max_report_bytes = Setting(
        "FRONTLINE_MAX_REPORT_BYTES", _positive_int, _const(5_000_000),
        "Reports larger than this many bytes are refused (daily reports are far smaller).",
    )  # fmt: skip

    # --- online geocoding (off unless asked for) ------------------------------------
    user_agent = Setting(
        "FRONTLINE_USER_AGENT", _text,
        _const("frontline/0.1 (+https://github.com/frontline-osint/frontline)"),
        "Identifies you to online services (Nominatim, publishers' sites); put a contact "
        "address in it.",
    )  # fmt: skip
    nominatim_domain = Setting(
        "FRONTLINE_NOMINATIM_DOMAIN", _text, _const("nominatim.openstreetmap.org"),
        "The Nominatim server of the opt-in online fallback.",
    )  # fmt: skip
    nominatim_scheme = Setting(
        "FRONTLINE_NOMINATIM_SCHEME", _scheme, _const("https"), "http or https for Nominatim."
    )
    nominatim_delay_s = Setting(
        "FRONTLINE_NOMINATIM_DELAY", _non_negative_float, _const(1.0),
        "Seconds between two Nominatim requests (its usage policy asks for 1).",
    )  # fmt: skip
    online_country_codes: tuple[str, ...] = ("ua", "ru", "by", "md", "ro", "pl", "sk", "hu")
    """Ukraine and its neighbours: where online results may lie."""
    nominatim_timeout_s = Setting(
        "FRONTLINE_NOMINATIM_TIMEOUT", _positive_float, _const(10.0),
        "Seconds to wait for one Nominatim answer.",
    )  # fmt: skip

    # --- the dashboard --------------------------------------------------------------
    tiles = Setting(
        "FRONTLINE_TILES", _flag, _const(True),
        "Start with OpenStreetMap tiles on (needs internet); 0 requests nothing from outside.",
    )  # fmt: skip
    play_seconds = Setting(
        "FRONTLINE_PLAY_SECONDS", _non_negative_float, _const(1.2),
        "Pause between two dates when the map plays.",
    )  # fmt: skip
    overlay_dir: Setting[Path | None] = Setting(
        "FRONTLINE_OVERLAY_DIR", _path, _const(None),
        "A folder of dated occupied-area GeoJSON files to show under the markers.",
    )  # fmt: skip
    overlay_source = Setting(
        "FRONTLINE_OVERLAY_SOURCE", _text, _const(""),
        "Credit line for the overlay, shown in the footer.",
    )  # fmt: skip
    max_overlay_bytes = Setting(
        "FRONTLINE_MAX_OVERLAY_BYTES", _positive_int, _const(30_000_000),
        "Overlay files larger than this many bytes are refused.",
    )  # fmt: skip

    # --- fetching reports from publishers (fetch engineer) -----------------------------
    isw_base_url = Setting(
        "FRONTLINE_ISW_BASE_URL", _base_url, _const("https://understandingwar.org"),
        "Scheme and host ISW pages are fetched from (a mirror, a test server); paths stay "
        "as on the real site.",
    )  # fmt: skip
    raw_dir = Setting(
        "FRONTLINE_RAW_DIR", _path, lambda: Settings.cache_dir.get() / "raw",
        "Where fetched pages are kept as downloaded (HTML, URL, fetch time, validators); "
        "never inside the repository.",
    )  # fmt: skip
    allow_update = Setting(
        "FRONTLINE_ALLOW_UPDATE", _flag, _const(False),
        "Show the app's 'Update now' button, which fetches new reports from the publishers.",
    )  # fmt: skip
    fetch_interval_s = Setting(
        "FRONTLINE_FETCH_INTERVAL", _non_negative_float, _const(1.0),
        "Least seconds between two requests to one host, across all Frontline processes "
        "(robots.txt Crawl-delay wins when longer).",
    )  # fmt: skip
    fetch_connect_timeout_s = Setting(
        "FRONTLINE_FETCH_CONNECT_TIMEOUT", _positive_float, _const(10.0),
        "Seconds to wait for a connection to a publisher's server.",
    )  # fmt: skip
    fetch_read_timeout_s = Setting(
        "FRONTLINE_FETCH_READ_TIMEOUT", _positive_float, _const(30.0),
        "Seconds to wait for the answer or its next bytes; a whole page must arrive within "
        "five times this.",
    )  # fmt: skip
    fetch_retries = Setting(
        "FRONTLINE_FETCH_RETRIES", _non_negative_int, _const(4),
        "Tries after the first when a server is busy (429, 5xx), times out or cuts a page short.",
    )  # fmt: skip
    fetch_backoff_s = Setting(
        "FRONTLINE_FETCH_BACKOFF", _non_negative_float, _const(2.0),
        "Seconds before the first retry; each further retry waits twice as long "
        "(a Retry-After from the server wins).",
    )  # fmt: skip
    fetch_max_wait_s = Setting(
        "FRONTLINE_FETCH_MAX_WAIT", _non_negative_float, _const(300.0),
        "Longest single wait; a server asking for more (Retry-After) fails that page instead.",
    )  # fmt: skip
    fetch_settle_days = Setting(
        "FRONTLINE_FETCH_SETTLE_DAYS", _non_negative_int, _const(3),
        "A date still unpublished this many days after it is taken as final (no report that "
        "day) and not asked for again unless --recheck.",
    )  # fmt: skip
    max_page_bytes = Setting(
        "FRONTLINE_MAX_PAGE_BYTES", _positive_int, _const(20_000_000),
        "Downloaded pages larger than this many bytes are refused.",
    )  # fmt: skip

    # --- database (PostGIS) --------------------------------------------------------
    database_url: Setting[str | None] = Setting(
        "FRONTLINE_DATABASE_URL", _database_url, _const(None),
        "postgresql://user:password@host:5432/db: keep events in PostgreSQL/PostGIS instead "
        "of FRONTLINE_EVENTS_DIR (unset: the file store).",
    )  # fmt: skip
    database_schema = Setting(
        "FRONTLINE_DATABASE_SCHEMA", _identifier, _const("frontline"),
        "The schema holding Frontline's tables in that database (several stores can share one).",
    )  # fmt: skip
    database_pool_size = Setting(
        "FRONTLINE_DATABASE_POOL", _positive_int, _const(10),
        "Most database connections one process (an app server, a command) opens at once.",
    )  # fmt: skip
    database_timeout_s = Setting(
        "FRONTLINE_DATABASE_TIMEOUT", _positive_float, _const(5.0),
        "Seconds to wait for the database to answer a connection, or for a free pooled one.",
    )  # fmt: skip

    # --- reliability: uploads, who may write, limits ----------------------------------
    uploads_dir = Setting(
        "FRONTLINE_UPLOADS_DIR", _path, lambda: _data_home() / "frontline" / "uploads",
        "Your own reports (dashboard uploads, `frontline ingest` without --events-dir): a "
        "store shown over the events store, which they never modify.",
    )  # fmt: skip
    uploads = Setting(
        "FRONTLINE_UPLOADS", _uploads_mode, _const("auto"),
        "Who may add reports in the dashboard: auto (anyone on this machine, operators "
        "when served to others), everyone, operators, off.",
    )  # fmt: skip
    operators = Setting(
        "FRONTLINE_OPERATORS", _emails, _const(()),
        "Comma-separated e-mail addresses of operators (signed in with Streamlit's "
        "authentication) who may add reports when the dashboard is served to others.",
    )  # fmt: skip
    upload_seconds = Setting(
        "FRONTLINE_UPLOAD_SECONDS", _positive_float, _const(60.0),
        "Time limit for reading one uploaded report; its worker process is stopped after it.",
    )  # fmt: skip
    upload_workers = Setting(
        "FRONTLINE_UPLOAD_WORKERS", _positive_int, _const(2),
        "Uploads read at the same time (each in its own process); others wait their turn.",
    )  # fmt: skip
    online_budget_s = Setting(
        "FRONTLINE_ONLINE_BUDGET", _positive_float, _const(60.0),
        "Seconds of online lookups one run may spend in all; then it carries on offline.",
    )  # fmt: skip
    online_retry_after_s = Setting(
        "FRONTLINE_ONLINE_RETRY_AFTER", _non_negative_float, _const(3600.0),
        "Seconds before a name whose online lookup failed is asked again.",
    )  # fmt: skip

    @classmethod
    def all(cls) -> list[Setting]:
        """Every setting, in the order declared (for ``frontline settings`` and the README)."""
        return [v for v in vars(cls).values() if isinstance(v, Setting)]


settings = Settings()
