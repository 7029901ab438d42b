"""Aggregates the database computes, so the app never needs every event of a 10-year store.

Each function returns exactly what the Store default returns (computed in
pandas from ``load()``): the same rows, order, ties and dtypes. The store
contract tests run both on the same data. Text is ordered with ``COLLATE "C"``
(code point order, as Python sorts), and ties that pandas settles by first
appearance are settled here by the first (date, id) of the group.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import psycopg

from geo.model import NO_FRONT, STATUSES
from geo.view.places import PLACE_COLUMNS

# The (date, id) order of the events frame, as one sortable text.
_KEY = "(to_char(e.date, 'YYYYMMDD') || e.id) COLLATE \"C\""
_RANK = (
    "CASE e.status "
    + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUSES))
    + f" ELSE {len(STATUSES)} END"
)
# Columns as aggregate_places reads them (nulls as pandas writes them with astype(str)).
# One pass over the events groups them by everything the table needs per place; the
# rest works on those few thousand groups.
_PLACES_SQL = f"""
WITH g AS (
    SELECT coalesce(e.place_id, 'nan') AS place_id, coalesce(e.place, 'nan') AS place,
           ST_Y(e.geom) AS lat, ST_X(e.geom) AS lon,
           coalesce(e.front, %(no_front)s) AS front,
           coalesce(e.status, 'nan') AS status, coalesce(e.kind, 'nan') AS kind,
           count(*) AS n, min(e.date) AS first, max(e.date) AS last,
           min({_KEY}) AS first_k, max({_KEY}) AS last_k
    FROM events e WHERE {{cond}}
    GROUP BY 1, 2, 3, 4, 5, 6, 7
),
per_place AS (
    SELECT place_id, sum(n)::bigint AS count, min(first) AS first, max(last) AS last,
           min({_RANK.replace("e.status", "status")}) AS rank, min(first_k) AS first_k
    FROM g GROUP BY place_id
),
named AS (  -- the name of the latest mention, the point of the first (as pandas' last/first)
    SELECT DISTINCT ON (place_id) place_id, place FROM g ORDER BY place_id, last_k DESC
),
located AS (
    SELECT DISTINCT ON (place_id) place_id, lat, lon FROM g ORDER BY place_id, first_k
),
per_front AS (
    SELECT place_id, front, sum(n) AS n, max(last) AS latest, min(first_k) AS first_k
    FROM g GROUP BY place_id, front
),
top_front AS (  -- most mentions; ties: the latest, then the first seen
    SELECT DISTINCT ON (place_id) place_id, front
    FROM per_front ORDER BY place_id, n DESC, latest DESC, first_k
),
fr AS (
    SELECT place_id, string_agg(front, ', ' ORDER BY front COLLATE "C") AS fronts
    FROM per_front GROUP BY place_id
),
st AS (
    SELECT place_id, string_agg(status, ', ' ORDER BY rank, status COLLATE "C") AS statuses
    FROM (SELECT DISTINCT place_id, status, {_RANK.replace("e.status", "status")} AS rank
          FROM g) b
    GROUP BY place_id
),
kd AS (
    SELECT place_id, string_agg(kind, ', ' ORDER BY kind COLLATE "C") AS kinds
    FROM (SELECT DISTINCT place_id, kind FROM g) c GROUP BY place_id
)
SELECT p.place_id, nm.place, lc.lat, lc.lon, p.count, p.first, p.last, t.front, fr.fronts,
       p.rank, st.statuses, kd.kinds
FROM per_place p JOIN named nm USING (place_id) JOIN located lc USING (place_id)
     JOIN top_front t USING (place_id) JOIN fr USING (place_id)
     JOIN st USING (place_id) JOIN kd USING (place_id)
ORDER BY p.count DESC, nm.place COLLATE "C", p.first_k
"""


def places(conn: psycopg.Connection, cond: str, params: list[Any]) -> pd.DataFrame:
    """:func:`geo.view.places.aggregate_places` of the selected events, by the database."""
    sql = _PLACES_SQL.replace("{cond}", _named(cond))
    rows = conn.execute(sql, {"no_front": NO_FRONT, **_params(params)}).fetchall()
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PLACE_COLUMNS})
    (pid, place, lat, lon, count, first, last, front, fronts, rank, statuses, kinds) = zip(
        *rows, strict=True
    )
    status = [STATUSES[r] if r < len(STATUSES) else "reported" for r in rank]
    out = pd.DataFrame(
        {
            "place_id": list(pid), "place": list(place),
            "lat": pd.Series(lat, dtype="float64"), "lon": pd.Series(lon, dtype="float64"),
            "count": pd.Series(count, dtype="int64"),
            "first": pd.to_datetime(pd.Series(first)).astype("datetime64[ns]"),
            "last": pd.to_datetime(pd.Series(last)).astype("datetime64[ns]"),
            "front": list(front), "fronts": list(fronts), "status": status,
            "statuses": list(statuses), "kinds": list(kinds),
        }
    )  # fmt: skip
    return out[list(PLACE_COLUMNS)]


def front_counts(conn: psycopg.Connection, cond: str, params: list[Any]) -> pd.DataFrame:
    """Mentions per date and front (:meth:`geo.store.base.Store.front_counts`)."""
    rows = conn.execute(
        f"SELECT e.date, coalesce(e.front, %s) AS f, count(*) FROM events e WHERE {cond} "
        "GROUP BY 1, 2",
        [NO_FRONT, *params],
    ).fetchall()
    dates, fronts, n = zip(*rows, strict=True) if rows else ((), (), ())
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(pd.Series(dates, dtype=object)).astype("datetime64[ns]"),
            "front": pd.Series(fronts, dtype=object),
            "mentions": pd.Series(n, dtype="int64"),
        }
    )
    # sorted here: Python orders the names by code point, as pandas' groupby does
    return out.sort_values(["date", "front"], ignore_index=True)


def initiatives(conn: psycopg.Connection, cond: str, params: list[Any]) -> pd.DataFrame:
    """Distinct (date, front, initiative, source) in first-seen order
    (:meth:`geo.store.base.Store.initiatives`)."""
    rows = conn.execute(
        "SELECT e.date, e.front, e.initiative, e.initiative_source FROM events e "
        f"WHERE {cond} AND e.front IS NOT NULL AND e.initiative IS NOT NULL "
        f"GROUP BY 1, 2, 3, 4 ORDER BY min({_KEY})",
        params,
    ).fetchall()
    cols = ["date", "front", "initiative", "initiative_source"]
    values = list(zip(*rows, strict=True)) if rows else [()] * len(cols)
    # built like the default (from object arrays), so pandas infers the same dtypes
    out = pd.DataFrame({c: np.array(v, dtype=object) for c, v in zip(cols, values, strict=True)})
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out


def fronts(conn: psycopg.Connection, cond: str, params: list[Any]) -> list[str]:
    """The fronts with events, sorted, :data:`NO_FRONT` last when some have none."""
    if cond == "TRUE":  # every event counts: hop through the index, one probe per front
        rows = conn.execute(_DISTINCT.format(col="front")).fetchall()
        rows += conn.execute("SELECT NULL FROM events WHERE front IS NULL LIMIT 1").fetchall()
    else:
        q = f"SELECT DISTINCT e.front FROM events e WHERE {cond}"
        rows = conn.execute(q, params).fetchall()
    names = sorted(r[0] for r in rows if r[0] is not None)
    return [*names, NO_FRONT] if any(r[0] is None for r in rows) else names


def dates(conn: psycopg.Connection, cond: str, params: list[Any]) -> list[dt.date]:
    """The dates with events, sorted."""
    if cond == "TRUE":
        rows = conn.execute(_DISTINCT.format(col="date")).fetchall()
    else:
        q = f"SELECT DISTINCT e.date FROM events e WHERE {cond} ORDER BY 1"
        rows = conn.execute(q, params).fetchall()
    return [r[0] for r in rows]


# The distinct non-null values of an indexed column by one index probe each (a "loose
# index scan"): a 10-year store has thousands of dates but hundreds of thousands of events.
_DISTINCT = """
WITH RECURSIVE v AS (
    (SELECT {col} AS x FROM events WHERE {col} IS NOT NULL ORDER BY {col} LIMIT 1)
    UNION ALL
    SELECT (SELECT {col} FROM events WHERE {col} > v.x ORDER BY {col} LIMIT 1) FROM v
    WHERE v.x IS NOT NULL
)
SELECT x FROM v WHERE x IS NOT NULL
"""


def _named(cond: str) -> str:
    """``%s`` placeholders of a condition as ``%(p0)s``..., to mix with named ones."""
    parts = cond.split("%s")
    return "".join(p + (f"%(p{i})s" if i < len(parts) - 1 else "") for i, p in enumerate(parts))


def _params(params: list[Any]) -> dict[str, Any]:
    return {f"p{i}": v for i, v in enumerate(params)}
