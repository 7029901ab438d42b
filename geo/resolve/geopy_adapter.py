"""The offline gazetteer as a geopy geocoder.

Code that already speaks geopy (``geocoder.geocode(...)``, ``RateLimiter``,
pandas ``.apply``) can use Frontline's front-aware resolution without the
network::

    from geo.resolve.geopy_adapter import GazetteerGeocoder
    g = GazetteerGeocoder()
    g.geocode("Makiivka", front="Luhansk", near=["Kreminna", "Nevske"])
    g.reverse((49.22, 37.98))

``Location.raw`` carries ``place_id``, ``oblast``, ``method`` and the rest of
:func:`geo.resolve.resolver.geocode_name`'s answer.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geo.resolve.resolver import geocode_name


class GazetteerGeocoder(Geocoder):
    """geopy ``Geocoder`` over :func:`geo.places.gazetteer.load_gazetteer` (no network)."""

    def __init__(self, gaz=None, **kwargs) -> None:
        super().__init__(**kwargs)
        if gaz is None:
            from geo.places.gazetteer import load_gazetteer

            gaz = load_gazetteer()
        self.gaz = gaz
        self._coords: np.ndarray | None = None
        self._rows: list[int] = []

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        front: str | None = None,
        near: Iterable[str] = (),
        timeout=None,
    ) -> Location | list[Location] | None:
        """The resolved place; with ``exactly_one=False`` the candidates if ambiguous.

        An ambiguous name gives ``None`` with ``exactly_one=True`` (never a guess).
        """
        if not isinstance(query, str) or not query.strip():
            return None
        out = geocode_name(query, front=front, near=list(near), gaz=self.gaz)
        if out["place_id"] is not None:
            loc = _location(out["name"], out["lat"], out["lon"], out)
            return loc if exactly_one else [loc]
        if exactly_one or not out.get("options"):
            return None
        return [
            _location(o["name"], o["lat"], o["lon"], {**o, "method": out["method"]})
            for o in out["options"]
        ]

    def reverse(self, query, *, exactly_one: bool = True, timeout=None):
        """The nearest settlement to a point (or the five nearest)."""
        point = Point(query)
        coords, rows = self._index()
        lat0 = np.radians(point.latitude)
        dlat = np.radians(coords[:, 0] - point.latitude)
        dlon = np.radians(coords[:, 1] - point.longitude)
        a = (
            np.sin(dlat / 2) ** 2
            + np.cos(lat0) * np.cos(np.radians(coords[:, 0])) * np.sin(dlon / 2) ** 2
        )
        km = 12_742.0 * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        order = [int(np.argmin(km))] if exactly_one else list(np.argsort(km)[:5])
        locs = []
        for i in order:
            p = self.gaz.places[rows[i]]
            raw = {
                "place_id": p.place_id, "name": p.name, "oblast": p.oblast, "raion": p.raion,
                "population": p.population, "feature_code": p.feature_code,
                "distance_km": round(float(km[i]), 3), "method": "reverse",
            }  # fmt: skip
            locs.append(_location(p.name, p.lat, p.lon, raw))
        return locs[0] if exactly_one else locs

    def _index(self) -> tuple[np.ndarray, list[int]]:
        if self._coords is None:
            self._rows = [i for i, p in enumerate(self.gaz.places) if p.precision == "settlement"]
            self._coords = np.array(
                [(self.gaz.places[i].lat, self.gaz.places[i].lon) for i in self._rows],
                dtype=float,
            )
        return self._coords, self._rows


def _location(name: str, lat: float, lon: float, raw: dict) -> Location:
    label = ", ".join(x for x in (name, raw.get("oblast") or "") if x)
    return Location(label, Point(lat, lon), dict(raw))
