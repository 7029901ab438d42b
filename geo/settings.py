"""Settings in one place (paths, network etiquette, limits).

Everything a user may want to change is read from the environment here and
nowhere else, in the spirit of ``osmnx.settings``.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
PLACES_CSV = Path(os.environ.get("FRONTLINE_PLACES", DATA_DIR / "places.csv"))
OVERRIDES_CSV = Path(os.environ.get("FRONTLINE_OVERRIDES", DATA_DIR / "places_overrides.csv"))
EVENTS_DIR = Path(os.environ.get("FRONTLINE_EVENTS_DIR", DATA_DIR / "events"))
SHARED_DIR = Path(os.environ.get("FRONTLINE_SHARED", REPO_ROOT.parent / "shared"))
CACHE_DIR = Path(os.environ.get("FRONTLINE_CACHE", Path.home() / ".cache" / "frontline"))
STATIC_DIR = REPO_ROOT / "static"

# Reports larger than this are refused: real daily reports are < 200 kB.
MAX_REPORT_BYTES = int(os.environ.get("FRONTLINE_MAX_REPORT_BYTES", 5_000_000))

# Online fallback (Nominatim through geopy): off unless asked for.
USER_AGENT = os.environ.get(
    "FRONTLINE_USER_AGENT", "frontline/0.1 (+https://github.com/frontline-osint/frontline)"
)
NOMINATIM_DOMAIN = os.environ.get("FRONTLINE_NOMINATIM_DOMAIN", "nominatim.openstreetmap.org")
NOMINATIM_SCHEME = os.environ.get("FRONTLINE_NOMINATIM_SCHEME", "https")
NOMINATIM_MIN_DELAY_S = float(os.environ.get("FRONTLINE_NOMINATIM_DELAY", 1.0))
NOMINATIM_TIMEOUT_S = float(os.environ.get("FRONTLINE_NOMINATIM_TIMEOUT", 10.0))
# Ukraine and its neighbours, for constraining online results.
ONLINE_COUNTRY_CODES = ("ua", "ru", "by", "md", "ro", "pl", "sk", "hu")

GEONAMES_CREDIT = (
    "Place names and coordinates © GeoNames (www.geonames.org), CC BY 4.0; "
    "filtered and with spelling variants added by Frontline."
)
