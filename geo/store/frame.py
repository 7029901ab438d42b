"""The event table: stored FeatureCollections in, one GeoDataFrame out.

A cold load of a multi-year store parses thousands of collections, so the
per-collection work stays in C: orjson parses, pyarrow turns each
collection's property dicts into one batch of string columns (checking the
types as it goes), and the frame is built from those batches, hashing,
sorting and de-duplicating in Arrow rather than over Python objects. Anything
off-schema takes the slow path, which names the problem exactly.

Every store backend hands its events to :func:`frame_of` (or builds the same
columns and dtypes itself), so the app and the export see one shape whatever
the backend.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import operator
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.model import INITIATIVE_SOURCES, KINDS, PRECISIONS, SIDES, STATUSES
from geo.parse.registry import format_names
from geo.schema import EVENT_PROPERTIES, OPTIONAL_PROPERTIES

COLUMNS: tuple[str, ...] = EVENT_PROPERTIES + OPTIONAL_PROPERTIES

# Columns with few distinct values are categorical: small and fast to filter.
# Where the schema fixes the values, the categories are fixed too, so two
# loads of different stores still have identical dtypes.
FIXED_CATEGORIES: dict[str, list[str]] = {
    "initiative": list(SIDES),
    "initiative_source": list(INITIATIVE_SOURCES),
    "status": list(STATUSES),
    "kind": list(KINDS),
    "precision": list(PRECISIONS),
    "report_format": list(format_names()),
}
OPEN_CATEGORIES: tuple[str, ...] = (
    "front", "section", "place", "place_id", "source", "source_url", "method", "report_id",
)  # fmt: skip

# Every event property is a string or null, in the order of COLUMNS.
_PROPS_TYPE = pa.struct([(c, pa.string()) for c in COLUMNS])
PROPS_SCHEMA = pa.schema(list(_PROPS_TYPE))


@dataclass(slots=True)
class Collection:
    """One stored FeatureCollection: its properties as one Arrow batch, its points, its metadata.

    ``problem`` is set (and the rest empty) when the collection is unusable.
    """

    props: pa.RecordBatch = field(
        default_factory=lambda: pa.RecordBatch.from_pylist([], schema=PROPS_SCHEMA)
    )
    lon: np.ndarray = field(default_factory=lambda: np.empty(0))
    lat: np.ndarray = field(default_factory=lambda: np.empty(0))
    meta: dict = field(default_factory=dict)
    problem: str | None = None


def parse_collection(data: bytes) -> Collection:
    """Read one stored collection, checking its shape; problems are returned, not raised."""
    try:
        doc = orjson.loads(data)
    except ValueError as exc:  # orjson.JSONDecodeError is a ValueError
        return Collection(problem=f"not readable JSON: {exc}")
    try:
        return _columns_of(doc)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        return Collection(problem=f"not an event collection: {type(exc).__name__}: {exc}")


_STR_OR_NONE = frozenset({str, type(None)})
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _columns_of(doc: dict) -> Collection:
    """The properties and coordinates of one FeatureCollection; raises on anything off-schema.

    No loop over features in Python beyond picking members: this is the hot
    path of a cold load.
    """
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ValueError("no FeatureCollection with a features list")
    meta = doc.get("frontline") or {}
    if not isinstance(meta, dict):
        raise TypeError("'frontline' member is not an object")
    feats = doc["features"]
    lon, lat = _coordinates(feats)
    props = [f["properties"] for f in feats]
    try:
        if not set(map(type, props)) <= {dict}:
            raise TypeError("properties that are not objects")
        arr = pa.array(props, type=_PROPS_TYPE)  # refuses a value that is not str or None
    except (pa.ArrowException, TypeError, ValueError) as exc:
        _check_properties(props)  # raises the precise problem
        raise exc
    if arr.field("id").null_count:
        raise ValueError("feature without an id")
    for d in set(map(dict.get, props, itertools.repeat("date"))):
        if not isinstance(d, str) or not _DATE_RE.fullmatch(d):
            raise ValueError(f"date is not YYYY-MM-DD: {d!r}")
        dt.date.fromisoformat(d)  # 2024-02-30 raises
    batch = pa.RecordBatch.from_struct_array(arr)
    return Collection(props=batch, lon=lon, lat=lat, meta=meta)


_geometry = operator.itemgetter("geometry")
_type = operator.itemgetter("type")
_coords = operator.itemgetter("coordinates")


def _coordinates(feats: list) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of Point features; raises on anything else."""
    xy = None
    try:  # the common case, in C: every feature a Point with [lon, lat] (or all [lon, lat, z])
        geoms = list(map(_geometry, feats))
        if set(map(_type, geoms)) <= {"Point"}:
            coords = list(map(_coords, geoms))
            if set(map(type, coords)) <= {list} and len(sizes := set(map(len, coords))) == 1:
                k = sizes.pop()
                flat = np.array(list(itertools.chain.from_iterable(coords)), dtype=float)
                if flat.ndim == 1 and k >= 2:
                    xy = flat.reshape(-1, k)[:, :2]
    except (KeyError, TypeError, ValueError, IndexError):
        xy = None
    if xy is None:  # anything else, feature by feature: raises the first problem
        geoms = [f["geometry"] for f in feats]
        if any(g["type"] != "Point" for g in geoms):
            raise ValueError("a geometry is not a Point")
        xy = np.array([g["coordinates"][:2] for g in geoms], dtype=float).reshape(-1, 2)
    lon, lat = xy[:, 0], xy[:, 1]
    ok = np.isfinite(xy).all(axis=1) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    if not ok.all():
        i = int(np.argmin(ok))
        raise ValueError(f"coordinates out of range: {lon[i]}, {lat[i]}")
    return lon.copy(), lat.copy()


_ALLOWED: dict[str, frozenset[str | None]] = {
    c: frozenset([*values, None]) for c, values in FIXED_CATEGORIES.items()
}


def off_schema(c: Collection) -> str | None:
    """What is wrong with the values of ``c``, or ``None``: properties with a fixed
    vocabulary (status, kind, initiative...) hold one of its values or null."""
    props = c.props
    for col, allowed in _ALLOWED.items():
        values = set(props.column(col).to_pylist())
        bad = sorted(str(v) for v in values - allowed)
        if bad:
            shown = bad[0] if len(bad[0]) <= 40 else bad[0][:39] + "…"
            return f"property {col!r} is {shown!r}, not one of: {', '.join(FIXED_CATEGORIES[col])}"
    return None


def _refuse_off_schema(good: list[Collection], props: pa.Table) -> list[Collection]:
    """``good`` without the collections holding off-schema values, which get a ``problem``.

    A file saying ``status: "pwned"`` is not one this version wrote, and its
    events cannot be shown honestly. Checked on all rows at once (one pass per
    column); only when something is off are the collections looked at one by one.
    """
    for col, allowed in _ALLOWED.items():
        if not set(pc.unique(props.column(col)).to_pylist()) <= allowed:
            break
    else:
        return good
    for c in good:
        c.problem = off_schema(c)
    return [c for c in good if c.problem is None]


def _check_properties(props: list) -> None:
    """The slow path when Arrow refused a collection's properties: say which property is wrong."""
    for c in COLUMNS:
        values = [p.get(c) for p in props]  # AttributeError when properties is not an object
        if not set(map(type, values)) <= _STR_OR_NONE:
            raise TypeError(f"property {c!r} holds a value that is not a string")


def empty_frame() -> gpd.GeoDataFrame:
    """A store with no events: the right columns and dtypes, zero rows."""
    return _frame(PROPS_SCHEMA.empty_table(), np.empty(0), np.empty(0))


def frame_of(collections: Sequence[Collection]) -> gpd.GeoDataFrame:
    """All events of the usable ``collections`` as one frame, sorted by (date, id).

    Columns are :data:`COLUMNS` plus ``geometry`` (EPSG:4326); ``date`` is
    ``datetime64[ns]``; low-cardinality columns are categorical. An id seen
    twice (a store file copied under a second name) counts once. A collection
    with values outside the schema is left out and gets a ``problem``, which
    names the property and the value (the store lists it as skipped).
    """
    good = [c for c in collections if c.problem is None]
    with gc_paused():
        props = pa.Table.from_batches([c.props for c in good], schema=PROPS_SCHEMA)
        checked = _refuse_off_schema(good, props)
        if len(checked) < len(good):
            good = checked
            props = pa.Table.from_batches([c.props for c in good], schema=PROPS_SCHEMA)
        lon = _concat([c.lon for c in good])
        lat = _concat([c.lat for c in good])
        return _frame(props, lon, lat)


def frame_of_table(props: pa.Table, lon: np.ndarray, lat: np.ndarray) -> gpd.GeoDataFrame:
    """The events frame from columns a backend read as one table (PostGIS does), sorted,
    de-duplicated and typed exactly like :func:`frame_of`; ``props`` has the
    :data:`COLUMNS` as strings (more columns are ignored)."""
    with gc_paused():
        return _frame(props.select(list(COLUMNS)).cast(PROPS_SCHEMA), lon, lat)


def _encode(values: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """The distinct values (``None`` for null, if any) and each row's index into them."""
    uniques = pc.unique(values)
    codes = pc.index_in(values, value_set=uniques)  # null finds the null in uniques
    return codes.combine_chunks().to_numpy(zero_copy_only=False), uniques.to_pylist()


def _categorical(
    codes: np.ndarray, seen: list, fixed: list[str] | None, rows: np.ndarray
) -> pd.Categorical:
    """Sorted (or fixed, then sorted) categories of all values; the codes of ``rows``."""
    known = [v for v in seen if v is not None]
    # Off-schema values never get here (see _refuse_off_schema); open columns take any.
    cats = sorted(known) if fixed is None else fixed + sorted(set(known) - set(fixed))
    pos = {v: i for i, v in enumerate(cats)}
    remap = np.array([-1 if v is None else pos[v] for v in seen], dtype=np.int32)
    return pd.Categorical.from_codes(remap[codes[rows]], categories=pd.Index(cats, dtype=object))


def _dates(codes: np.ndarray, uniques: list) -> np.ndarray:
    """Parse each distinct date once (a store has one or a few dates per collection)."""
    days = pd.to_datetime(pd.Index(uniques, dtype=object), format="%Y-%m-%d")
    return days.to_numpy().astype("datetime64[ns]")[codes]


def _row_order(days: np.ndarray, ids: pa.Array) -> np.ndarray:
    """Rows sorted by (date, id), stable; of rows sharing an id only the first is kept."""
    if len(ids) == 0:
        return np.arange(0)
    # Two stable sorts, by id then by date, make one by (date, id); equal ids end up adjacent.
    by_id = pc.sort_indices(ids)
    sorted_ids = ids.take(by_id)
    by_id = by_id.to_numpy(zero_copy_only=False)
    order = by_id[np.argsort(days[by_id], kind="stable")]
    if len(ids) > 1 and pc.any(pc.equal(sorted_ids[1:], sorted_ids[:-1])).as_py():
        dup = pd.Series(ids.take(order), dtype="str").duplicated().to_numpy()
        order = order[~dup]
    return order


_ENCODED: tuple[str, ...] = ("date", *FIXED_CATEGORIES, *OPEN_CATEGORIES)
_PARALLEL_ROWS = 50_000


def _frame(props: pa.Table, lon: np.ndarray, lat: np.ndarray) -> gpd.GeoDataFrame:
    """The events frame, sorted by (date, id) without duplicate ids; categories from all rows."""
    # Arrow's hashing runs without the GIL: encode the columns of a big table two at a
    # time; a small one (a day's view) is done before two threads would have started.
    if props.num_rows < _PARALLEL_ROWS:
        encoded = {c: _encode(props.column(c)) for c in _ENCODED}
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            work = pool.map(_encode, map(props.column, _ENCODED))
            encoded = dict(zip(_ENCODED, work, strict=True))
    days = _dates(*encoded["date"])
    ids = props["id"].combine_chunks()
    rows = _row_order(days, ids)
    data: dict[str, object] = {}
    for c in COLUMNS:
        if c == "date":
            data[c] = pd.Series(days[rows], dtype="datetime64[ns]")
        elif c in FIXED_CATEGORIES:
            data[c] = _categorical(*encoded[c], FIXED_CATEGORIES[c], rows)
        elif c in OPEN_CATEGORIES:
            data[c] = _categorical(*encoded[c], None, rows)
        else:  # id, mention, snippet: mostly distinct
            data[c] = pd.Series((ids if c == "id" else props[c]).take(rows), dtype="str")
    geometry = gpd.points_from_xy(lon[rows], lat[rows])
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry=geometry, crs="EPSG:4326")


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=float)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while building big frames or documents.

    Parsing allocates millions of small objects and no cycles; without this the
    collector rescans them again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
