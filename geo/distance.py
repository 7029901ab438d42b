"""Great-circle distance: the one haversine of the project, for scalars and arrays alike."""

from __future__ import annotations

import math
from typing import overload

import numpy as np
from numpy.typing import NDArray

EARTH_DIAMETER_KM = 12_742.0
_RAD = math.pi / 180.0
_sin, _cos, _asin, _sqrt = math.sin, math.cos, math.asin, math.sqrt

Coord = float | NDArray[np.float64]


@overload
def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float: ...  # type: ignore[overload-overlap]
@overload
def haversine_km(lat1: Coord, lon1: Coord, lat2: Coord, lon2: Coord) -> NDArray[np.float64]: ...
def haversine_km(lat1: Coord, lon1: Coord, lat2: Coord, lon2: Coord) -> Coord:
    """Kilometres between points given in degrees; numpy arrays broadcast.

    Exact enough for the tens of kilometres that decide a namesake (the Earth
    is taken as a sphere). Four plain floats take a math-only path: the
    resolver asks this for single pairs in its innermost loop.
    """
    if type(lat1) is float and type(lat2) is float and type(lon1) is float and type(lon2) is float:
        p1, p2 = lat1 * _RAD, lat2 * _RAD
        h = _sin((p2 - p1) / 2) ** 2 + _cos(p1) * _cos(p2) * _sin((lon2 - lon1) * _RAD / 2) ** 2
        return EARTH_DIAMETER_KM * _asin(min(1.0, _sqrt(h)))
    q1, q2 = np.radians(lat1), np.radians(lat2)
    dlon = np.radians(np.subtract(lon2, lon1))
    a = np.sin((q2 - q1) / 2) ** 2 + np.cos(q1) * np.cos(q2) * np.sin(dlon / 2) ** 2
    km: NDArray[np.float64] = EARTH_DIAMETER_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return km
