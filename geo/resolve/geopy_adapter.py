"""The offline gazetteer as a geopy geocoder.

Code that already speaks geopy (``geocoder.geocode(...)``, ``RateLimiter``,
pandas ``.apply``) can use Frontline's front-aware resolution without the
network::

    from geo.resolve.geopy_adapter import GazetteerGeocoder
    g = GazetteerGeocoder()
    g.geocode("Makiivka", front="Luhansk", near=["Kreminna", "Nevske"])
    g.reverse((49.22, 37.98))

``Location.raw`` carries ``place_id``, ``oblast``, ``method`` and the rest of
the resolver's answer (:func:`geo.resolve.resolver.resolve_name`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geo.distance import haversine_km
from geo.model import Place
from geo.places.gazetteer import Gazetteer, load_gazetteer
from geo.resolve.resolver import resolve_name


class GazetteerGeocoder(Geocoder):
    """geopy ``Geocoder`` over :func:`geo.places.gazetteer.load_gazetteer` (no network)."""

    def __init__(self, gaz: Gazetteer | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.gaz = gaz or load_gazetteer()
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
        res = resolve_name(query, self.gaz, front=front, near=list(near))
        if res.place is not None:
            loc = _location(res.place, res.method)
            return loc if exactly_one else [loc]
        if exactly_one or not res.candidates:
            return None
        return [_location(p, res.method) for p in res.candidates]

    def reverse(self, query, *, exactly_one: bool = True, timeout=None):
        """The nearest settlement to a point (or the five nearest)."""
        point = Point(query)
        coords, rows = self._index()
        km = haversine_km(point.latitude, point.longitude, coords[:, 0], coords[:, 1])
        order = [int(np.argmin(km))] if exactly_one else list(np.argsort(km)[:5])
        locs = [
            _location(self.gaz.places[rows[i]], "reverse", distance_km=round(float(km[i]), 3))
            for i in order
        ]
        return locs[0] if exactly_one else locs

    def _index(self) -> tuple[np.ndarray, list[int]]:
        if self._coords is None:
            self._rows = [i for i, p in enumerate(self.gaz.places) if p.precision == "settlement"]
            self._coords = np.array(
                [(self.gaz.places[i].lat, self.gaz.places[i].lon) for i in self._rows],
                dtype=float,
            )
        return self._coords, self._rows


def _location(p: Place, method: str, **extra: object) -> Location:
    raw = {
        "place_id": p.place_id, "name": p.name, "oblast": p.oblast, "raion": p.raion,
        "lat": p.lat, "lon": p.lon, "population": p.population, "feature_code": p.feature_code,
        "precision": p.precision, "method": method, **extra,
    }  # fmt: skip
    label = ", ".join(x for x in (p.name, p.oblast) if x)
    return Location(label, Point(p.lat, p.lon), raw)
