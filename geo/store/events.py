"""Events as GeoJSON: build them from a resolved report, store them atomically, load, export.

One event = one resolved place mention on one date (see :mod:`geo.schema`).
The store is a folder with one FeatureCollection per report, named from the
report's validated date and format only (never from its text). Each file is
written with :func:`geo._io.atomic_write_text`, so a crash leaves the old file
or the new one, and two ingests into one folder both land: there is no shared
index file that a race could lose. Everything the app needs is derived from
the files on load, and cached by their names, mtimes and sizes.

A file looks like this (one feature per line, so the shipped data diffs well)::

    {"type":"FeatureCollection",
    "frontline":{"report":{...},"fronts":[...],"unresolved":[...],"counts":{...}},
    "features":[
    {"type":"Feature","id":"...","geometry":{...},"properties":{...}},
    ...
    ]}
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import itertools
import math
import operator
import os
import re
import stat
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo._io import atomic_write_text
from geo.errors import ReportError, StoreError
from geo.places.fronts import zone_front
from geo.model import KINDS, STATUSES, Report, ResolvedMention
from geo.schema import EVENT_PROPERTIES, OPTIONAL_PROPERTIES

# Formats a file name may carry. One report per date for the daily series;
# news articles can share a date, so their names always carry a title hash.
FORMATS: tuple[str, ...] = ("dayseries", "isw", "news")
ONE_PER_DATE: frozenset[str] = frozenset({"dayseries", "isw"})

COLUMNS: tuple[str, ...] = EVENT_PROPERTIES + OPTIONAL_PROPERTIES
COORD_DECIMALS = 5  # ~1 m: far finer than a village, and keeps files small

# Columns with few distinct values are categorical: small and fast to filter.
# Where the schema fixes the values, the categories are fixed too, so two
# loads of different stores still have identical dtypes.
_FIXED_CATEGORIES: dict[str, list[str]] = {
    "initiative": ["Russia", "Ukraine", "None"],
    "initiative_source": ["stated", "inferred"],
    "status": list(STATUSES),
    "kind": list(KINDS),
    "precision": ["settlement", "feature", "area"],
    "report_format": list(FORMATS),
}
_OPEN_CATEGORIES: tuple[str, ...] = (
    "front",
    "section",
    "place",
    "place_id",
    "source",
    "source_url",
    "method",
    "report_id",
)


# --------------------------------------------------------------------------- build


def _sha(*parts: object, n: int) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def _valid_date(date: object) -> dt.date:
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date) or not 1000 <= date.year <= 9999:
        raise ReportError(None, f"report has no valid date: {date!r}")
    return date


def _valid_format(fmt: object) -> str:
    if fmt not in FORMATS:
        raise ReportError(None, f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")
    return str(fmt)


def _title_key(title: str | None) -> str:
    return " ".join((title or "").split())


def report_filename(report: Report) -> str:
    """``<YYYY-MM-DD>_<format>.geojson``, or ``..._<hash8>.geojson`` for formats that share dates.

    Built from the validated date and a format from :data:`FORMATS` only, so no
    text from a report can reach the file system. Daily series (dayseries,
    isw) have one report per date: a re-ingest, or a corrected edition,
    replaces that date's file. News articles can share a date, so their name
    always carries a hash of the title: the same article maps to the same name.
    """
    date = _valid_date(report.date)
    fmt = _valid_format(report.format)
    if fmt in ONE_PER_DATE:
        return f"{date.isoformat()}_{fmt}.geojson"
    return f"{date.isoformat()}_{fmt}_{_sha(_title_key(report.title), n=8)}.geojson"


def report_id(report: Report) -> str:
    """The report's id in events and metadata: its file name without ``.geojson``."""
    return report_filename(report).removesuffix(".geojson")


def event_id(report: Report, front: str | None, section: str, place_id: str, start: int) -> str:
    """Stable id: the same report (format, date, title; not its path) gives the same ids."""
    return _sha(
        report.format, _valid_date(report.date).isoformat(), _title_key(report.title),
        front, section, place_id, start, n=16,
    )  # fmt: skip


def _coords_ok(lon: float, lat: float) -> bool:
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def build_events(report: Report, resolved: list[ResolvedMention], keep_text: bool) -> list[dict]:
    """GeoJSON features for the resolved mentions of ``report``, in the resolver's order.

    Mentions outside any front get the front whose zone the place lies in
    (:func:`geo.places.fronts.zone_front`) and that front's initiative when the report
    gives one. Unresolved mentions are not events (see :func:`build_meta`).
    ``snippet`` is written only when ``keep_text``: shipped data holds facts only.
    """
    date = _valid_date(report.date).isoformat()
    rid = report_id(report)
    fronts = {f.name: f for f in report.fronts}
    features: list[dict] = []
    seen: set[str] = set()
    for rm in resolved:
        place = rm.resolution.place
        if place is None or not _coords_ok(place.lon, place.lat):
            continue
        front = rm.front if rm.front is not None else zone_front(place.oblast, place.raion)
        rf = fronts.get(front) if front else None
        eid = event_id(report, rm.front, rm.section, place.place_id, rm.mention.start)
        if eid in seen:  # the same mention handed over twice
            continue
        seen.add(eid)
        props = {
            "id": eid,
            "date": date,
            "front": front,
            "initiative": rf.initiative if rf else None,
            "initiative_source": rf.initiative_source if rf else None,
            "section": rm.section,
            "place": place.name,
            "place_id": place.place_id,
            "mention": rm.mention.text,
            "status": rm.mention.status,
            "kind": rm.mention.kind,
            "precision": place.precision,
            "source": report.title,
            "source_url": report.source_url,
            "report_format": report.format,
            "method": rm.resolution.method,
            "report_id": rid,
        }
        if keep_text and rm.mention.snippet:
            props["snippet"] = rm.mention.snippet
        features.append(
            {
                "type": "Feature",
                "id": eid,
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(float(place.lon), COORD_DECIMALS),
                        round(float(place.lat), COORD_DECIMALS),
                    ],
                },
                "properties": props,
            }
        )
    return features


def build_meta(
    report: Report, resolved: list[ResolvedMention], features: list[dict], keep_text: bool
) -> dict:
    """The file's ``frontline`` member: report facts, front summary, unresolved mentions.

    The initiative ``evidence`` sentence is report text, so it is kept only
    with ``keep_text`` (a user's own reports), never in shipped data.
    """
    fronts = []
    for f in report.fronts:
        entry = {
            "name": f.name,
            "initiative": f.initiative,
            "initiative_source": f.initiative_source,
        }
        if keep_text and f.initiative_evidence:
            entry["evidence"] = f.initiative_evidence
        fronts.append(entry)
    unresolved = []
    for rm in resolved:
        place = rm.resolution.place
        if place is not None and _coords_ok(place.lon, place.lat):
            continue
        unresolved.append(
            {
                "mention": rm.mention.text,
                "front": rm.front,
                "section": rm.section,
                "method": rm.resolution.method if place is None else "invalid-coordinates",
                "candidates": [c.place_id for c in rm.resolution.candidates],
            }
        )
    by_front: dict[str, int] = {}
    for feat in features:
        key = feat["properties"]["front"] or ""
        by_front[key] = by_front.get(key, 0) + 1
    return {
        "report": {
            "title": report.title,
            "url": report.source_url,
            "date": _valid_date(report.date).isoformat(),
            "format": _valid_format(report.format),
            "report_id": report_id(report),
        },
        "fronts": fronts,
        "unresolved": unresolved,
        "counts": {
            "mentions": len(resolved),
            "events": len(features),
            "unresolved": len(unresolved),
            "events_by_front": dict(sorted(by_front.items())),
        },
    }


def dumps_collection(features: list[dict], meta: dict) -> str:
    """The file text: deterministic (same input, same bytes), one feature per line."""
    body = b",\n".join(map(orjson.dumps, features)).decode("utf-8")
    sep = "\n" if features else ""
    return (
        f'{{"type":"FeatureCollection",\n"frontline":{orjson.dumps(meta).decode("utf-8")},\n'
        f'"features":[{sep}{body}{sep}]}}\n'
    )


def write_report_events(events_dir: Path, report: Report, features: list[dict], meta: dict) -> Path:
    """Write (or replace) the report's file atomically; returns its path.

    The name depends only on the report (:func:`report_filename`), so a
    re-ingest replaces the file instead of adding duplicates.
    """
    path = Path(events_dir) / report_filename(report)
    atomic_write_text(path, dumps_collection(features, meta))
    return path


# --------------------------------------------------------------------------- load
# A cold load of a multi-year store parses thousands of files, so the per-file
# work stays in C: orjson parses, pyarrow converts each file's property dicts
# into one batch of string columns (checking the types as it goes), and the
# frame is built from those batches, hashing, sorting and de-duplicating in
# Arrow rather than over Python objects. The per-file cache keeps the compact
# batches, not millions of Python strings. Anything off-schema takes the slow
# path, which names the problem exactly as before.

# Every event property is a string or null, in the order of COLUMNS.
_PROPS_TYPE = pa.struct([(c, pa.string()) for c in COLUMNS])
_PROPS_SCHEMA = pa.schema(list(_PROPS_TYPE))


@dataclass(slots=True)
class _FileData:
    """One parsed store file: its properties as one Arrow batch, its coordinates and metadata."""

    props: pa.RecordBatch = field(
        default_factory=lambda: pa.RecordBatch.from_pylist([], schema=_PROPS_SCHEMA)
    )
    lon: np.ndarray = field(default_factory=lambda: np.empty(0))
    lat: np.ndarray = field(default_factory=lambda: np.empty(0))
    meta: dict = field(default_factory=dict)
    problem: str | None = None


def _parse_file(path: Path) -> _FileData:
    """Read one store file, checking its shape; problems are returned, not raised."""
    try:
        with open(path, "rb", buffering=0) as fh:
            doc = orjson.loads(fh.readall())
    except (OSError, ValueError) as exc:  # orjson.JSONDecodeError is a ValueError
        return _FileData(problem=f"not readable JSON: {exc}")
    try:
        return _columns_of(doc)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        return _FileData(problem=f"not an event collection: {type(exc).__name__}: {exc}")


_STR_OR_NONE = frozenset({str, type(None)})
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _columns_of(doc: dict) -> _FileData:
    """The properties and coordinates of one FeatureCollection; raises on anything off-schema.

    No loop over features in Python beyond picking members: this is the hot
    path of a cold load (thousands of files for a multi-year store).
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
    return _FileData(props=batch, lon=lon, lat=lat, meta=meta)


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


def _check_properties(props: list) -> None:
    """The slow path when Arrow refused a file's properties: say which property is wrong."""
    for c in COLUMNS:
        values = [p.get(c) for p in props]  # AttributeError when properties is not an object
        if not set(map(type, values)) <= _STR_OR_NONE:
            raise TypeError(f"property {c!r} holds a value that is not a string")


_lock = threading.Lock()
_file_cache: dict[tuple[str, str], tuple[tuple, _FileData]] = {}
_frame_cache: dict[str, tuple[tuple, gpd.GeoDataFrame]] = {}


def _store_files(events_dir: Path) -> tuple[tuple[str, tuple], ...]:
    """``(name, (mtime_ns, size, inode))`` of the store's files; temp files (``.x``) are ignored."""
    out = []
    try:
        entries = list(os.scandir(events_dir))
    except (FileNotFoundError, NotADirectoryError):
        return ()
    for e in entries:
        name = e.name
        if name.startswith(".") or not name.endswith(".geojson"):
            continue
        try:
            st = e.stat()
        except FileNotFoundError:  # replaced or removed while we looked
            continue
        if stat.S_ISREG(st.st_mode):  # what e.is_file() says, without asking again
            out.append((name, (st.st_mtime_ns, st.st_size, st.st_ino)))
    out.sort()
    return tuple(out)


def _read_store(
    events_dir: Path, files: tuple | None = None
) -> tuple[tuple, list[tuple[str, _FileData]]]:
    """Parse what changed since the last call; unchanged files come from the cache.

    ``files`` is the store's listing (:func:`_store_files`) when the caller has it.
    """
    key = str(Path(events_dir).resolve())
    if files is None:
        files = _store_files(Path(events_dir))
    out = []
    for name, stamp in files:
        cached = _file_cache.get((key, name))
        if cached is None or cached[0] != stamp:
            cached = (stamp, _parse_file(Path(events_dir) / name))
            _file_cache[(key, name)] = cached
        out.append((name, cached[1]))
    live = {name for name, _ in files}
    for k in [k for k in _file_cache if k[0] == key and k[1] not in live]:
        del _file_cache[k]
    return files, out


def empty_frame() -> gpd.GeoDataFrame:
    """A store with no events: the right columns and dtypes, zero rows."""
    return _frame(_PROPS_SCHEMA.empty_table(), np.empty(0), np.empty(0))


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
    # Unknown values (a newer writer's) become extra categories, never lost.
    cats = sorted(known) if fixed is None else fixed + sorted(set(known) - set(fixed))
    pos = {v: i for i, v in enumerate(cats)}
    remap = np.array([-1 if v is None else pos[v] for v in seen], dtype=np.int32)
    return pd.Categorical.from_codes(remap[codes[rows]], categories=pd.Index(cats, dtype=object))


def _dates(codes: np.ndarray, uniques: list) -> np.ndarray:
    """Parse each distinct date once (a store has one or a few dates per file)."""
    days = pd.to_datetime(pd.Index(uniques, dtype=object), format="%Y-%m-%d")
    return days.to_numpy().astype("datetime64[ns]")[codes]


def _row_order(days: np.ndarray, ids: pa.Array) -> np.ndarray:
    """Rows sorted by (date, id), stable; of rows sharing an id only the first is kept.

    A duplicated id means e.g. a store file copied under a second name: each
    event counts once.
    """
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


_ENCODED: tuple[str, ...] = ("date", *_FIXED_CATEGORIES, *_OPEN_CATEGORIES)


def _frame(props: pa.Table, lon: np.ndarray, lat: np.ndarray) -> gpd.GeoDataFrame:
    """The events frame, sorted by (date, id) without duplicate ids; categories from all rows."""
    # Arrow's hashing runs without the GIL: encode the columns two at a time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        encoded = dict(zip(_ENCODED, pool.map(_encode, map(props.column, _ENCODED)), strict=True))
    days = _dates(*encoded["date"])
    ids = props["id"].combine_chunks()
    rows = _row_order(days, ids)
    data: dict[str, object] = {}
    for c in COLUMNS:
        if c == "date":
            data[c] = pd.Series(days[rows], dtype="datetime64[ns]")
        elif c in _FIXED_CATEGORIES:
            data[c] = _categorical(*encoded[c], _FIXED_CATEGORIES[c], rows)
        elif c in _OPEN_CATEGORIES:
            data[c] = _categorical(*encoded[c], None, rows)
        else:  # id, mention, snippet: mostly distinct
            data[c] = pd.Series((ids if c == "id" else props[c]).take(rows), dtype="str")
    geometry = gpd.points_from_xy(lon[rows], lat[rows])
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry=geometry, crs="EPSG:4326")


def _concat(parts: list[np.ndarray], dtype=object) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic GC while building the frame.

    Parsing allocates millions of small objects and no cycles; without this the
    collector rescans them again and again, which costs a cold load about a third.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(events_dir: Path, strict: bool = False) -> gpd.GeoDataFrame:
    """All events in the store as one GeoDataFrame (EPSG:4326), sorted by (date, id).

    Columns are :data:`COLUMNS` plus ``geometry``; ``date`` is
    ``datetime64[ns]``; low-cardinality columns are categorical. A malformed
    file is skipped and listed in ``gdf.attrs["skipped"]`` as ``(file, problem)``
    so one bad file never takes the app down; ``strict=True`` raises
    :class:`StoreError` instead. The frame is cached by the store's file names,
    mtimes and sizes, and files are re-parsed only when they change; callers
    get a copy, so they may modify it freely.
    """
    key = str(Path(events_dir).resolve())
    with _lock, _gc_paused():
        stamp = _store_files(Path(events_dir))
        cached = _frame_cache.get(key)
        if cached is None or cached[0] != stamp:  # else nothing changed: no file to look at
            stamp, parsed = _read_store(Path(events_dir), stamp)
            good = [(n, d) for n, d in parsed if d.problem is None]
            props = pa.Table.from_batches([d.props for _, d in good], schema=_PROPS_SCHEMA)
            lon = _concat([d.lon for _, d in good], float)
            lat = _concat([d.lat for _, d in good], float)
            gdf = _frame(props, lon, lat)
            gdf.attrs["skipped"] = [(n, d.problem) for n, d in parsed if d.problem is not None]
            gdf.attrs["files"] = len(good)
            cached = (stamp, gdf)
            _frame_cache[key] = cached
    gdf = cached[1]
    if strict and gdf.attrs["skipped"]:
        name, problem = gdf.attrs["skipped"][0]
        raise StoreError(f"{Path(events_dir) / name}: {problem}")
    out = gdf.copy()
    out.attrs = {"skipped": list(gdf.attrs["skipped"]), "files": gdf.attrs["files"]}
    return out


def load_meta(events_dir: Path) -> list[dict]:
    """Per-report summaries, sorted by (date, file): what the app shows as front labels.

    Each item: ``file``, ``report`` (title, url, date, format, report_id),
    ``fronts`` (name, initiative, initiative_source[, evidence]),
    ``unresolved`` (mention, front, section, method, candidates) and ``counts``.
    Malformed files are skipped, as in :func:`load`.
    """
    with _lock:
        _, parsed = _read_store(Path(events_dir))
    out = []
    for name, d in parsed:
        if d.problem is not None:
            continue
        m = d.meta
        out.append(
            {
                "file": name,
                "report": dict(m.get("report") or {}),
                "fronts": list(m.get("fronts") or []),
                "unresolved": list(m.get("unresolved") or []),
                "counts": dict(m.get("counts") or {}),
            }
        )
    out.sort(key=lambda r: (str(r["report"].get("date") or ""), r["file"]))
    return out


def clear_cache() -> None:
    """Forget cached files and frames (tests, or after editing files in place)."""
    with _lock:
        _file_cache.clear()
        _frame_cache.clear()


# --------------------------------------------------------------------------- export


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
    with _gc_paused():
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


def summarize(gdf: gpd.GeoDataFrame) -> dict[str, int]:
    """Events per front (``""`` for none): the numbers a release note quotes."""
    fronts = gdf["front"].astype(object).where(gdf["front"].notna(), "")
    return {str(k): int(v) for k, v in fronts.value_counts().sort_index().items()}


def iter_store_files(events_dir: Path) -> Iterable[Path]:
    """The store's event files (temp files excluded), sorted by name."""
    return [Path(events_dir) / name for name, _ in _store_files(Path(events_dir))]
