"""Occupied-area polygons by date (optional map layer), e.g. DeepStateMap mirrors.

Frontline ships no such data. A user points ``FRONTLINE_OVERLAY_DIR`` at a
folder of GeoJSON files whose names carry a date (``deepstate_20240524.geojson``,
``occupied-2024-05-24.geojson``) or uploads some in the app; the map then
shows the file nearest the chosen date. The file is user input, so it is
checked: valid JSON, polygon geometries only, a size limit. Its properties are
never shown, so no text from it reaches the page.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo.errors import OverlayError
from geo.settings import settings

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_POLYGONS = {"Polygon", "MultiPolygon"}


def overlay_dir() -> Path | None:
    """The folder named by ``FRONTLINE_OVERLAY_DIR``, if set and present."""
    p = settings.overlay_dir
    return p if p is not None and p.is_dir() else None


def date_from_name(name: str) -> dt.date | None:
    """The date a file name carries (``*_YYYYMMDD.geojson`` or ``*YYYY-MM-DD*``), if any.

    The last date-like group wins, so a prefix such as a version number does
    not shadow the snapshot date.
    """
    for m in reversed(list(_DATE_IN_NAME.finditer(Path(name).stem))):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def list_overlays(folder: Path | None) -> dict[dt.date, Path]:
    """Dated ``.geojson``/``.json`` files in ``folder``; undated files are ignored."""
    out: dict[dt.date, Path] = {}
    if folder is None or not Path(folder).is_dir():
        return out
    for p in sorted(Path(folder).iterdir()):
        if p.suffix.lower() in (".geojson", ".json") and not p.name.startswith("."):
            d = date_from_name(p.name)
            if d is not None:
                out[d] = p
    return out


def nearest_date(dates: list[dt.date] | set[dt.date], target: dt.date) -> dt.date | None:
    """The date closest to ``target``; on a tie the earlier one (never show the future)."""
    if not dates:
        return None
    return min(dates, key=lambda d: (abs((d - target).days), d > target))


def parse_overlay(data: bytes, name: str = "<overlay>") -> dict:
    """A FeatureCollection of the polygon features in ``data``, without their properties."""
    limit = settings.max_overlay_bytes
    if len(data) > limit:
        raise OverlayError(f"{name}: larger than {limit:,} bytes")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise OverlayError(f"{name}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise OverlayError(f"{name}: not a GeoJSON object")
    if doc.get("type") == "FeatureCollection":
        feats = doc.get("features")
    elif doc.get("type") == "Feature":
        feats = [doc]
    else:
        feats = [{"type": "Feature", "geometry": doc}]
    if not isinstance(feats, list):
        raise OverlayError(f"{name}: 'features' is not a list")
    keep = []
    for f in feats:
        geom = f.get("geometry") if isinstance(f, dict) else None
        if isinstance(geom, dict) and geom.get("type") in _POLYGONS:
            if not isinstance(geom.get("coordinates"), list):
                raise OverlayError(f"{name}: a polygon without coordinates")
            _check_positions(geom["coordinates"], name)
            keep.append({"type": "Feature", "properties": {}, "geometry": geom})
    if not keep:
        raise OverlayError(f"{name}: no Polygon or MultiPolygon features")
    return {"type": "FeatureCollection", "features": keep}


def _check_positions(coords: list, name: str) -> None:
    """Every position is ``[lon, lat]`` on the Earth (WGS 84, as RFC 7946 requires).

    A file in a projected system (metres) or with lat/lon swapped past 90
    would otherwise be drawn somewhere absurd, or nowhere, without a word.
    Iterative, so a deeply nested file cannot exhaust the stack; linear in
    the number of numbers.
    """
    stack: list = [coords]
    while stack:
        item = stack.pop()
        if not isinstance(item, list):
            raise OverlayError(f"{name}: coordinates must be lists of numbers")
        if item and not isinstance(item[0], list):  # a position
            if len(item) < 2 or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in item
            ):
                raise OverlayError(f"{name}: a position is not [longitude, latitude]")
            lon, lat = item[0], item[1]
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise OverlayError(
                    f"{name}: position [{lon}, {lat}] is outside the world; overlays must be "
                    "WGS 84 longitude/latitude (EPSG:4326)"
                )
        else:
            stack.extend(item)


STALE_AFTER_DAYS = 3  # an overlay further than this from the date shown says how far


def overlay_age(area_date: dt.date, shown: dt.date) -> str | None:
    """How far the overlay's date is from the date shown, when it matters, in words.

    ``None`` within :data:`STALE_AFTER_DAYS`; else e.g. ``"2 years 1 month before
    the date shown"`` so a 2022 area is never taken for the 2024 front.
    """
    days = (shown - area_date).days
    if abs(days) <= STALE_AFTER_DAYS:
        return None
    n = abs(days)
    years, rest = divmod(n, 365)
    months = rest // 30
    if years:
        parts = [f"{years} year{'s' if years > 1 else ''}"]
        if months:
            parts.append(f"{months} month{'s' if months > 1 else ''}")
        span = " ".join(parts)
    elif months >= 2:
        span = f"{months} months"
    else:
        span = f"{n} days"
    return f"{span} {'before' if days > 0 else 'after'} the date shown"


def load_overlay(path: Path) -> dict:
    """Read and check one overlay file (see :func:`parse_overlay`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise OverlayError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_overlay(data, Path(path).name)


@dataclass(frozen=True, slots=True)
class OverlayChoice:
    """The overlay drawn for a date, and how to credit and qualify it."""

    geojson: dict
    name: str
    area_date: dt.date
    age: str | None  # see :func:`overlay_age`

    @property
    def label(self) -> str:
        return f"{self.name} (area as of {self.area_date.isoformat()})"


def choose_overlay(
    files: dict[dt.date, Path],
    uploaded: dict[dt.date, tuple[str, bytes]],
    day: dt.date,
    load: Callable[[Path], dict] = load_overlay,
) -> OverlayChoice | None:
    """The overlay (a file or an upload) nearest ``day``; ``None`` when there is none.

    ``load`` reads a file (the app passes a cached reader). Raises
    :class:`OverlayError` when the chosen file is unusable.
    """
    best = nearest_date(set(files) | set(uploaded), day)
    if best is None:
        return None
    if best in uploaded:
        name, data = uploaded[best]
        geo = parse_overlay(data, name)
    else:
        name, geo = files[best].name, load(files[best])
    return OverlayChoice(geo, name, best, overlay_age(best, day))
