"""The PostGIS store: reports and events in PostgreSQL, behind the same Store interface.

Writes: a report is written in one transaction (its row, then its events by
COPY), so readers see the old version or the new one, never half of either.
Writers of the same report queue on a transaction-level advisory lock keyed
by its id; writers of different reports share no row and never wait for each
other. :meth:`PostGISStore.lock` is a session-level advisory lock, released
by the server if the holder dies, the same promise as the file store's flock.

Reads: the database selects (dates, fronts, statuses, kinds) and the rows come
back as one CSV stream read by Arrow in C, then typed by
:func:`geo.store.frame.frame_of_table`, so every backend's frame has the same
columns and dtypes. An event id stored by two reports counts once, as in the
file store: the copy with the earliest (date, report, position) is shown.
Per-place tables and per-front counts are computed by the database (see
:mod:`geo.store.postgis.aggregates`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import orjson
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg import sql

from geo.errors import DatabaseError, ReportExists, StoreError
from geo.model import NO_FRONT
from geo.schema import EVENT_PROPERTIES
from geo.settings import settings
from geo.store.base import Store, WriteOutcome
from geo.store.frame import COLUMNS, empty_frame, frame_of_table, parse_collection
from geo.store.postgis import aggregates, migrate
from geo.store.postgis.connection import checked_out, connect, drop_pool, pool, redact
from geo.store.query import ViewQuery
from geo.store.records import ReportRecord

# The event columns of the table, in the frame's order (geo/store/frame.py).
EVENT_COLUMNS: tuple[str, ...] = COLUMNS
# Optional properties, in the order ingest writes them (geo/store/records.py).
_OPTIONAL_ORDER: tuple[str, ...] = ("method", "report_id", "snippet")
# The meta members kept in their own columns; anything else stays in ``meta``.
_META_COLUMNS: tuple[str, ...] = ("fronts", "unresolved", "counts")

# An event is shown unless another copy of its id comes first (the file store's rule); the
# check runs only in a store that ever held a duplicate id (see store_flags in 0001_*.sql).
VISIBLE = (
    "NOT EXISTS (SELECT 1 FROM events o WHERE o.id = e.id"
    " AND (o.date, o.report_ref, o.seq) < (e.date, e.report_ref, e.seq))"
)
_HAS_DUPLICATES = "SELECT EXISTS (SELECT 1 FROM store_flags WHERE name = 'duplicate_ids')"
# Aggregates group a whole store at most: let them hash in memory rather than sort on disk.
_AGGREGATE_MEMORY = "SET LOCAL work_mem = '64MB'"
_FLAG_DUPLICATES = (
    "INSERT INTO store_flags (name) SELECT 'duplicate_ids' WHERE %s OR EXISTS ("
    'SELECT 1 FROM events o WHERE o.id = ANY(%s::text[] COLLATE "C") AND o.report_ref <> %s)'
    " ON CONFLICT DO NOTHING"
)

_checked: set[tuple[str, str]] = set()


def where_clause(q: ViewQuery | None, dedup: bool = True) -> tuple[str, list[Any]]:
    """SQL conditions on ``events e`` selecting what ``q`` selects (see
    :func:`geo.store.query.filter_events`), with :data:`VISIBLE` when ``dedup``."""
    conds: list[str] = [VISIBLE if dedup else "TRUE"]
    params: list[Any] = []
    if q is not None:
        if q.date_from is not None:
            conds.append("e.date >= %s")
            params.append(q.date_from)
        if q.date_to is not None:
            conds.append("e.date <= %s")
            params.append(q.date_to)
        if q.fronts:
            named = [f for f in q.fronts if f != NO_FRONT]
            alts = []
            if named:
                alts.append("e.front = ANY(%s)")
                params.append(named)
            if NO_FRONT in q.fronts:
                alts.append("e.front IS NULL")
            conds.append(f"({' OR '.join(alts)})")
        for col, values in (("status", q.statuses), ("kind", q.kinds)):
            if values:
                conds.append(f"e.{col} = ANY(%s)")
                params.append(list(values))
    return " AND ".join(conds), params


def _select_list() -> str:
    cols = [("to_char(e.date, 'YYYY-MM-DD')" if c == "date" else f"e.{c}") for c in COLUMNS]
    return ", ".join([*cols, "ST_X(e.geom)", "ST_Y(e.geom)"])


_CSV_NAMES = [*COLUMNS, "lon", "lat"]
_CSV_CONVERT = pacsv.ConvertOptions(
    column_types={**{c: pa.string() for c in COLUMNS}, "lon": pa.float64(), "lat": pa.float64()},
    null_values=[""],  # COPY writes NULL as an unquoted empty field...
    strings_can_be_null=True,
    quoted_strings_can_be_null=False,  # ...and an empty string as ""
)


def frame_from_csv(data: bytes) -> gpd.GeoDataFrame:
    """The events frame from ``COPY (SELECT <_select_list>) TO STDOUT (FORMAT csv)`` output."""
    if not data:
        return empty_frame()
    table = pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(column_names=_CSV_NAMES),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=_CSV_CONVERT,
    )
    lon = table["lon"].to_numpy().astype(float)
    lat = table["lat"].to_numpy().astype(float)
    return frame_of_table(table, lon, lat)


def _check_id(report_id: str) -> str:
    # The same rule as the file store, so a store exported to files keeps every id.
    if not report_id or "/" in report_id or report_id.startswith(".") or "\x00" in report_id:
        raise StoreError(f"not a report id: {report_id!r}")
    return report_id


def _dump(value: object) -> str | None:
    return None if value is None else orjson.dumps(value).decode("utf-8")


def event_rows(record: ReportRecord) -> list[tuple]:
    """The COPY rows of a record's events; raises :class:`StoreError` on anything the file
    store would refuse to read (same checks: :func:`geo.store.frame.parse_collection`)."""
    doc = {"type": "FeatureCollection", "frontline": record.meta, "features": record.features}
    try:
        data = orjson.dumps(doc)
    except TypeError as exc:
        raise StoreError(f"{record.report_id}: not storable: {exc}") from None
    col = parse_collection(data)
    if col.problem is not None:
        raise StoreError(f"{record.report_id}: {col.problem}")
    rows = []
    known = set(COLUMNS)
    for seq, (feat, lon, lat) in enumerate(zip(record.features, col.lon, col.lat, strict=True)):
        props = feat["properties"]
        extra = {k: v for k, v in props.items() if k not in known} or None
        point = f"SRID=4326;POINT({float(lon)!r} {float(lat)!r})"
        rows.append((record.report_id, seq, *(props.get(c) for c in COLUMNS), _dump(extra), point))
    return rows


def _unresolved_names(meta: dict) -> list[str]:
    out = []
    for u in meta.get("unresolved") or []:
        if isinstance(u, dict) and isinstance(u.get("mention"), str):
            out.append(u["mention"])
    return list(dict.fromkeys(out))


def report_row(record: ReportRecord, n_events: int) -> tuple:
    meta = record.meta
    report = meta.get("report") or {}
    rest = {k: v for k, v in meta.items() if k not in _META_COLUMNS}
    text = lambda v: v if isinstance(v, str) else None  # noqa: E731
    return (
        record.report_id, record.date, record.format, text(report.get("title")),
        text(report.get("url")), text(report.get("content_hash")),
        *(_dump(meta[k]) if k in meta else None for k in _META_COLUMNS),
        _unresolved_names(meta), _dump(rest), n_events,
    )  # fmt: skip


_REPORT_INSERT = (
    "INSERT INTO reports (id, date, format, title, source_url, content_hash, fronts, unresolved,"
    " counts, unresolved_names, meta, n_events) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s,"
    " %s, %s, %s)"
)
_EVENT_COPY = f"COPY events (report_ref, seq, {', '.join(COLUMNS)}, extra, geom) FROM STDIN"


def feature_of(row: tuple) -> dict:
    """An events row (``COLUMNS``, extra, lon, lat) as the GeoJSON feature it was written as."""
    values = dict(zip(COLUMNS, row, strict=False))
    extra, lon, lat = row[len(COLUMNS) :]
    if isinstance(values["date"], dt.date):
        values["date"] = values["date"].isoformat()
    props = {c: values[c] for c in EVENT_PROPERTIES}
    for c in _OPTIONAL_ORDER:
        if values[c] is not None:
            props[c] = values[c]
    if extra:
        props.update(extra)
    return {
        "type": "Feature",
        "id": props["id"],
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def meta_of(meta: dict, fronts: object, unresolved: object, counts: object) -> dict:
    """The report's ``frontline`` member as written: ``report`` first, then the columns."""
    out = {"report": meta["report"]} if "report" in meta else {}
    for k, v in (("fronts", fronts), ("unresolved", unresolved), ("counts", counts)):
        if v is not None:
            out[k] = v
    out.update((k, v) for k, v in meta.items() if k != "report")
    return out


class PostGISStore(Store):
    """Events in a PostgreSQL/PostGIS database (see the module docstring)."""

    def __init__(
        self, url: str, schema: str | None = None, read_only: bool = False, bulk: bool = False
    ) -> None:
        self.url = url
        self.schema = settings.database_schema if schema is None else schema
        self.read_only = read_only
        # bulk: commits do not wait for the disk (an import; re-run it after a server crash).
        # A report is still written whole or not at all.
        self.bulk = bulk

    def __repr__(self) -> str:
        return f"PostGISStore({self.location!r})"

    @property
    def location(self) -> str:
        return f"{redact(self.url)} (schema {self.schema})"

    def where(self, report_id: str) -> str:
        return f"{self.location}: report {report_id}"

    # --- connections ---------------------------------------------------------------------
    def _pool(self):
        key = (self.url, self.schema)
        if key not in _checked:
            with self._direct() as conn:
                migrate.check(conn, self.schema, self.location)
            _checked.add(key)
        return pool(self.url, self.schema, settings.database_pool_size, settings.database_timeout_s)

    @contextlib.contextmanager
    def _direct(self, autocommit: bool = False) -> Iterator[psycopg.Connection]:
        """A connection of its own (not pooled), closed after; errors become one line."""
        conn = connect(self.url, self.schema, settings.database_timeout_s, autocommit=autocommit)
        try:
            yield conn
        except psycopg.Error as exc:
            raise DatabaseError(f"{self.location}: {_one(exc)}") from None
        finally:
            conn.close()

    @contextlib.contextmanager
    def _conn(self) -> Iterator[psycopg.Connection]:
        """A pooled connection in one transaction; database errors become one line."""
        with checked_out(self._pool(), self.location) as conn:
            try:
                yield conn
            except psycopg.Error as exc:
                raise DatabaseError(f"{self.location}: {_one(exc)}") from None

    def close(self) -> None:
        """Close this process's pool for the store (tests; a long-lived process can keep it)."""
        drop_pool(self.url, self.schema)
        _checked.discard((self.url, self.schema))

    # --- schema ---------------------------------------------------------------------------
    def upgrade(self, target: int | None = None) -> list[migrate.Migration]:
        """Create or upgrade the schema (``frontline db init`` / ``db upgrade``)."""
        with self._direct(autocommit=True) as conn:
            applied = migrate.upgrade(conn, self.schema, self.location, target)
        _checked.discard((self.url, self.schema))
        return applied

    @contextlib.contextmanager
    def replacing(self) -> Iterator[PostGISStore]:
        """A new, empty store (a sibling schema) whose content replaces this one's in a
        single transaction when the block ends without an error (``frontline rebuild``);
        dropped otherwise. Readers see the old store or the new one, never a mix."""
        self._writable()
        self._pool()  # this store must be usable (and at this code's version) first
        fresh = PostGISStore(self.url, f"{self.schema[:50]}_rebuild", bulk=self.bulk)
        old = f"{self.schema[:50]}_replaced"
        with self._direct(autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(fresh.schema))
            )  # left by a rebuild that died
        try:
            fresh.upgrade()
            yield fresh
        except BaseException:
            fresh.close()
            with self._direct(autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(fresh.schema))
                )
            raise
        fresh.close()
        with self._direct() as conn:
            ident = sql.Identifier
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident(old)))
            conn.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(ident(self.schema), ident(old))
            )
            conn.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    ident(fresh.schema), ident(self.schema)
                )
            )
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(ident(old)))
            conn.commit()

    def version(self) -> int | None:
        """The schema's version in the database (``None``: not initialised)."""
        with self._direct() as conn:
            return migrate.current(conn, self.schema)

    # --- writing ------------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.location}: this store is read-only")

    def write(self, record: ReportRecord, *, replace: bool = False) -> WriteOutcome:
        self._writable()
        rid = _check_id(record.report_id)
        rows = event_rows(record)
        outcome: WriteOutcome = "added"
        with self._conn() as conn:
            if self.bulk:
                conn.execute("SET LOCAL synchronous_commit = off")
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                (f"frontline:report:{self.schema}:{rid}",),
            )
            old = conn.execute(
                "SELECT content_hash, title, n_events FROM reports WHERE id = %s", (rid,)
            ).fetchone()
            if old is not None:
                if record.content_hash and old[0] == record.content_hash:
                    outcome = "refreshed"
                elif replace:
                    outcome = "replaced"
                else:
                    raise ReportExists(
                        f"{self.where(rid)}: already holds {rid} ({old[1] or ''!r}, {old[2]} "
                        "events) made from different text; replace it explicitly (--replace) "
                        "or remove it first"
                    )
                conn.execute("DELETE FROM reports WHERE id = %s", (rid,))
            conn.execute(_REPORT_INSERT, report_row(record, len(rows)))
            with conn.cursor() as cur, cur.copy(_EVENT_COPY) as cp:
                for row in rows:
                    cp.write_row(row)
            ids = [row[2] for row in rows]
            conn.execute(_FLAG_DUPLICATES, (len(set(ids)) < len(ids), ids, rid))
            conn.execute("INSERT INTO changes (report_id, action) VALUES (%s, %s)", (rid, outcome))
        return outcome

    def remove(self, report_id: str) -> bool:
        self._writable()
        with self._conn() as conn:
            cur = conn.execute("DELETE FROM reports WHERE id = %s", (report_id,))
            if cur.rowcount == 0:
                return False
            conn.execute(
                "INSERT INTO changes (report_id, action) VALUES (%s, 'removed')", (report_id,)
            )
            return True

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """A session-level advisory lock on its own connection; the server releases it when
        the connection ends (the holder finished, crashed or was killed)."""
        self._pool()  # the schema is checked first: a clear error, not a lock on nothing
        with self._direct(autocommit=True) as conn:
            conn.execute(
                "SELECT pg_advisory_lock(hashtextextended(%s, 0))",
                (f"frontline:writers:{self.schema}",),
            )
            yield

    def exists(self, report_id: str) -> bool:
        with self._conn() as conn:
            return (
                conn.execute("SELECT 1 FROM reports WHERE id = %s", (report_id,)).fetchone()
                is not None
            )

    # --- reading ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _reading(
        self, q: ViewQuery | None = None
    ) -> Iterator[tuple[psycopg.Connection, str, list]]:
        """A connection and the conditions selecting ``q`` (one snapshot for both)."""
        with self._conn() as conn:
            row = conn.execute(_HAS_DUPLICATES).fetchone()
            cond, params = where_clause(q, dedup=bool(row and row[0]))
            yield conn, cond, params

    def _load(self, conn: psycopg.Connection, cond: str, params: list[Any]) -> gpd.GeoDataFrame:
        # No ORDER BY: the frame sorts by (date, id) itself, in C, as it types the columns.
        query = f"SELECT {_select_list()} FROM events e WHERE {cond}"
        copy = f"COPY ({query}) TO STDOUT (FORMAT csv)"
        with conn.cursor() as cur, cur.copy(copy, params) as cp:
            data = b"".join(bytes(b) for b in cp)
        gdf = frame_from_csv(data)
        gdf.attrs = {"skipped": []}  # every report was checked when it was written
        return gdf

    def load(self, q: ViewQuery | None = None) -> gpd.GeoDataFrame:
        with self._reading(q) as (conn, cond, params):
            return self._load(conn, cond, params)

    # --- aggregates, by the database (see aggregates.py) ---------------------------------
    def skipped(self) -> list[tuple[str, str]]:
        return []

    def fronts(self) -> list[str]:
        with self._reading() as (conn, cond, params):
            return aggregates.fronts(conn, cond, params)

    def places(self, q: ViewQuery | None = None) -> pd.DataFrame:
        with self._reading(q) as (conn, cond, params):
            conn.execute(_AGGREGATE_MEMORY)
            return aggregates.places(conn, cond, params)

    def place_events(self, place_id: str) -> gpd.GeoDataFrame:
        with self._reading() as (conn, cond, params):
            return self._load(conn, f"{cond} AND e.place_id = %s", [*params, place_id])

    def front_counts(self, q: ViewQuery | None = None) -> pd.DataFrame:
        with self._reading(q) as (conn, cond, params):
            conn.execute(_AGGREGATE_MEMORY)
            return aggregates.front_counts(conn, cond, params)

    def initiatives(self, q: ViewQuery | None = None) -> pd.DataFrame:
        with self._reading(q) as (conn, cond, params):
            conn.execute(_AGGREGATE_MEMORY)
            return aggregates.initiatives(conn, cond, params)

    def reports(self) -> list[dict]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT meta, fronts, unresolved, counts FROM reports ORDER BY date, id"
            ).fetchall()
        return [
            {
                "report": dict(meta.get("report") or {}),
                "fronts": list(fronts or []),
                "unresolved": list(unresolved or []),
                "counts": dict(counts or {}),
            }
            for meta, fronts, unresolved, counts in rows
        ]

    def report_meta(self, report_id: str) -> dict | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT meta, fronts, unresolved, counts FROM reports WHERE id = %s", (report_id,)
            ).fetchone()
        if row is None:
            return None
        meta, fronts, unresolved, counts = row
        return {
            "report": dict(meta.get("report") or {}), "fronts": list(fronts or []),
            "unresolved": list(unresolved or []), "counts": dict(counts or {}),
        }  # fmt: skip

    def stamp(self) -> str:
        """How many changes and the last: a commit of any write or removal changes both
        the count and (but for out-of-order commits) the last; the table's oid tells a
        rebuilt store from the old one."""
        with self._conn() as conn:
            row = conn.execute(
                "SELECT count(*), max(n), 'changes'::regclass::oid,"
                " EXISTS (SELECT 1 FROM reports) FROM changes"
            ).fetchone()
        if not row or not row[3]:
            return ""  # no reports, as the file store says of an empty folder
        return f"{row[2]}-{row[0]}-{row[1]}"

    def dates(self) -> list[dt.date]:
        with self._reading() as (conn, cond, params):
            return aggregates.dates(conn, cond, params)

    def records(self) -> Iterator[ReportRecord]:
        """Every stored report as written, by id (``frontline db export``), streamed."""
        with self._conn() as conn:
            reports = conn.execute(
                "SELECT id, date, format, meta, fronts, unresolved, counts FROM reports ORDER BY id"
            ).fetchall()
            cols = ", ".join(f"e.{c}" for c in COLUMNS)
            with conn.cursor(name="frontline_export") as cur:
                cur.itersize = 5000
                cur.execute(
                    f"SELECT e.report_ref, {cols}, e.extra, ST_X(e.geom), ST_Y(e.geom) "
                    "FROM events e ORDER BY e.report_ref, e.seq"
                )
                groups = itertools.groupby(cur, key=lambda r: r[0])
                pending = next(groups, None)
                for rid, date, fmt, meta, fronts, unresolved, counts in reports:
                    feats: list[dict] = []
                    while pending is not None and pending[0] < rid:
                        pending = next(groups, None)
                    if pending is not None and pending[0] == rid:
                        feats = [feature_of(r[1:]) for r in pending[1]]
                        pending = next(groups, None)
                    yield ReportRecord(
                        rid, date, fmt, meta_of(meta, fronts, unresolved, counts), feats
                    )


def _one(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
