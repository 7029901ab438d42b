"""The event table as one RFC 7946 GeoJSON FeatureCollection: the export's single writer.

``frontline export`` and the app's download both call :func:`export_geojson`
on the rows a :class:`geo.store.query.ViewQuery` selected, so they can never
disagree.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd

from geo.schema import OPTIONAL_PROPERTIES
from geo.store.frame import COLUMNS, gc_paused


def _column_values(s: pd.Series) -> list:
    """Plain Python values with every kind of missing (NaN, NaT, pd.NA) as ``None``."""
    values = s.astype(object)
    return values.where(s.notna(), None).tolist()


def export_geojson(gdf: gpd.GeoDataFrame) -> str:
    """The events as one RFC 7946 FeatureCollection (WGS84, no ``crs`` member).

    Every property of :data:`geo.schema.EVENT_PROPERTIES` is written for every
    feature (``null`` when missing) in schema order; the optional ones
    (``snippet``, ``method``, ``report_id``) only where the frame has a
    non-null value, so facts-only data exports facts only. Other columns the
    app may have added are not part of the contract and are left out.
    ``date`` is ``YYYY-MM-DD``. Built column-wise, not row by row, for speed.
    """
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    n = len(gdf)
    cols: dict[str, list] = {}
    for c in COLUMNS:
        if c not in gdf.columns:
            cols[c] = [None] * n
        elif c == "date":
            d = pd.to_datetime(gdf[c])
            cols[c] = _column_values(d.dt.strftime("%Y-%m-%d").where(d.notna(), None))
        else:
            cols[c] = _column_values(gdf[c])
    with gc_paused():
        return _dump_features(cols, _coord_list(gdf.geometry, "x"), _coord_list(gdf.geometry, "y"))


def _dump_features(cols: dict[str, list], xs: list, ys: list) -> str:
    geometries = [
        None if x is None else {"type": "Point", "coordinates": [x, y]}
        for x, y in zip(xs, ys, strict=True)
    ]
    # Dicts from zipped columns (C-level), then drop null optional values.
    props = [
        dict(zip(COLUMNS, row, strict=True))
        for row in zip(*(cols[c] for c in COLUMNS), strict=True)
    ]
    for c in OPTIONAL_PROPERTIES:
        for p, v in zip(props, cols[c], strict=True):
            if v is None:
                del p[c]
    features = [
        {"type": "Feature", "id": p["id"], "geometry": g, "properties": p}
        if p["id"] is not None
        else {"type": "Feature", "geometry": g, "properties": p}
        for p, g in zip(props, geometries, strict=True)
    ]
    return orjson.dumps({"type": "FeatureCollection", "features": features}).decode("utf-8")


def _coord_list(geoms: gpd.GeoSeries, axis: str) -> list[float | None]:
    """x or y of point geometries; ``None`` for missing or empty ones."""
    if len(geoms) == 0:
        return []
    ok = (geoms.notna() & ~geoms.is_empty).to_numpy()
    if not (geoms[ok].geom_type == "Point").all():
        raise ValueError("export_geojson expects point geometries")
    vals = np.full(len(geoms), np.nan)
    vals[ok] = getattr(geoms[ok], axis).to_numpy()
    return [None if math.isnan(v) else float(v) for v in vals]
