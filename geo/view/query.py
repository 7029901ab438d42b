"""Pure filtering of the event table: one function serves the CLI export and the app.

A :class:`ViewQuery` is what a user chose (dates, fronts, statuses, kinds);
:func:`filter_events` applies it to the GeoDataFrame from
:func:`geo.store.events.load`. Keeping this here, and only here, means the download
button and ``frontline export`` can never disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

NON_FRONT = "(no front)"  # how the UI names events whose front is null


@dataclass(frozen=True, slots=True)
class ViewQuery:
    """What to show. ``None`` (or empty) for a facet means no restriction."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    fronts: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None

    @staticmethod
    def of(
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        fronts: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        kinds: Iterable[str] | None = None,
    ) -> ViewQuery:
        tup = lambda xs: tuple(xs) if xs else None  # noqa: E731
        return ViewQuery(date_from, date_to, tup(fronts), tup(statuses), tup(kinds))


def filter_events(events: gpd.GeoDataFrame, q: ViewQuery) -> gpd.GeoDataFrame:
    """Rows of ``events`` that match ``q`` (dates inclusive), in their original order.

    ``events["date"]`` is ``datetime64``; fronts match exactly, and
    :data:`NON_FRONT` selects events with no front.
    """
    mask = np.ones(len(events), dtype=bool)
    if len(events) == 0:
        return events
    dates = events["date"].to_numpy()
    if q.date_from is not None:
        mask &= dates >= np.datetime64(q.date_from, "ns")
    if q.date_to is not None:
        mask &= dates <= np.datetime64(q.date_to, "ns")
    if q.fronts:
        fronts = events["front"]
        m = fronts.isin([f for f in q.fronts if f != NON_FRONT]).to_numpy()
        if NON_FRONT in q.fronts:
            m = m | fronts.isna().to_numpy()  # isin() may hand back a read-only array
        mask &= m
    if q.statuses:
        mask &= events["status"].isin(q.statuses).to_numpy()
    if q.kinds:
        mask &= events["kind"].isin(q.kinds).to_numpy()
    return events[mask]


def dates_with_events(events: gpd.GeoDataFrame) -> list[dt.date]:
    """The distinct dates of ``events``, sorted: the stops of the app's time slider.

    On the datetime64 column directly (not a Python date per event), so a
    10-year store answers in milliseconds.
    """
    days = np.unique(events["date"].dropna().to_numpy(dtype="datetime64[ns]"))
    return days.astype("datetime64[D]").tolist()  # datetime.date objects, made in C


# --- Aggregation for the map and the side panels -------------------------------------------
# Over a range the map shows one marker per *place*, not per event: a month of
# data stays readable and the browser draws hundreds of markers, not thousands.

STATUS_ORDER: tuple[str, ...] = ("confirmed", "claimed", "reported")
_STATUS_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}

PLACE_COLUMNS: tuple[str, ...] = (
    "place_id", "place", "lat", "lon", "count", "first", "last",
    "front", "fronts", "status", "statuses", "kinds",
)  # fmt: skip


def _front_labels(events: gpd.GeoDataFrame) -> pd.Series:
    """The ``front`` column with nulls named :data:`NON_FRONT` (groupby drops NaN keys)."""
    return events["front"].astype(object).where(events["front"].notna(), NON_FRONT)


def _ordered_join(
    values: pd.Series, key: pd.Series, order: dict[str, int] | None = None
) -> pd.Series:
    """Per ``key``, the distinct ``values`` joined by ", " (in ``order``, else sorted).

    Vectorised over the (few) distinct values instead of a Python join per
    group: a month of events has ~1000 places but only ~10 fronts or kinds.
    """
    df = pd.DataFrame({"k": key.to_numpy(), "v": values.astype(object).to_numpy()})
    present = df.groupby(["k", "v"], sort=False).size().unstack(fill_value=0) > 0
    cols = sorted(present.columns, key=(lambda c: (order.get(c, len(order)), c)) if order else str)
    out = np.full(len(present), "", dtype=object)
    for c in cols:
        out = out + np.where(present[c].to_numpy(), f"{c}, ", "")
    return pd.Series([x[:-2] for x in out], index=present.index)


def aggregate_places(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per place in ``events``: where, how often, when, on which fronts, how sure.

    Columns (:data:`PLACE_COLUMNS`): ``count`` of mentions; ``first``/``last``
    dates; ``front`` the place's most frequent front (ties: latest mention);
    ``fronts`` all of them; ``status`` the strongest status seen (confirmed >
    claimed > reported); ``statuses`` and ``kinds`` all seen. Sorted by count,
    largest first, so small markers are drawn on top and stay clickable.
    Vectorised: a year of events aggregates in tens of milliseconds.
    """
    if len(events) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PLACE_COLUMNS})
    geom = events.geometry
    df = pd.DataFrame(
        {
            "place_id": events["place_id"].astype(str).to_numpy(),
            "place": events["place"].astype(str).to_numpy(),
            "lat": geom.y.to_numpy(),
            "lon": geom.x.to_numpy(),
            "date": events["date"].to_numpy(),
            "front": _front_labels(events).to_numpy(),
            "status": events["status"].astype(str).to_numpy(),
            "kind": events["kind"].astype(str).to_numpy(),
        }
    )
    df["rank"] = df["status"].map(_STATUS_RANK).fillna(len(STATUS_ORDER)).astype(int)
    g = df.groupby("place_id", sort=False)
    out = g.agg(
        place=("place", "last"),
        lat=("lat", "first"),
        lon=("lon", "first"),
        count=("date", "size"),
        first=("date", "min"),
        last=("date", "max"),
        rank=("rank", "min"),
    )
    # Most frequent front per place; the latest mention breaks ties.
    fc = (
        df.groupby(["place_id", "front"], sort=False)
        .agg(n=("date", "size"), latest=("date", "max"))
        .reset_index()
        .sort_values(["place_id", "n", "latest"], ascending=[True, False, False])
        .drop_duplicates("place_id")
        .set_index("place_id")["front"]
    )
    out["front"] = fc.reindex(out.index)
    out["fronts"] = _ordered_join(df["front"], df["place_id"]).reindex(out.index)
    out["status"] = [STATUS_ORDER[r] if r < len(STATUS_ORDER) else "reported" for r in out["rank"]]
    out["statuses"] = _ordered_join(df["status"], df["place_id"], _STATUS_RANK).reindex(out.index)
    out["kinds"] = _ordered_join(df["kind"], df["place_id"]).reindex(out.index)
    out = out.reset_index().sort_values(["count", "place"], ascending=[False, True])
    return out[list(PLACE_COLUMNS)].reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class FrontLabel:
    """Where to write a front's name on the map and what initiative to show."""

    front: str
    lat: float
    lon: float
    count: int
    initiative: str | None
    initiative_source: str | None

    @property
    def text(self) -> str:
        """``"Donetsk — initiative: Russia"``; "(inferred)" when the report did not state it;
        "unknown" when no report in view says (``None`` is a report saying neither side)."""
        if not self.initiative:
            return f"{self.front} — initiative: unknown"
        suffix = " (inferred)" if self.initiative_source == "inferred" else ""
        return f"{self.front} — initiative: {self.initiative}{suffix}"


def front_labels(events: gpd.GeoDataFrame) -> list[FrontLabel]:
    """One label per named front: at the centre of its events, with its latest initiative.

    Events with no front get no label. The initiative is the one given on the
    latest date in view, so a range shows where things stand at its end.
    """
    if len(events) == 0:
        return []
    ev = events[events["front"].notna()]
    if len(ev) == 0:
        return []
    df = pd.DataFrame(
        {
            "front": ev["front"].astype(str).to_numpy(),
            "lat": ev.geometry.y.to_numpy(),
            "lon": ev.geometry.x.to_numpy(),
            "date": ev["date"].to_numpy(),
            "initiative": ev["initiative"].to_numpy() if "initiative" in ev else None,
            "initiative_source": (
                ev["initiative_source"].to_numpy() if "initiative_source" in ev else None
            ),
        }
    )
    centres = df.groupby("front").agg(lat=("lat", "mean"), lon=("lon", "mean"), n=("lat", "size"))
    known = df[df["initiative"].notna()].sort_values("date", kind="stable")
    latest = known.groupby("front").tail(1).set_index("front")
    labels = []
    for front, row in centres.iterrows():
        ini = latest["initiative"].get(front) if front in latest.index else None
        src = latest["initiative_source"].get(front) if front in latest.index else None
        labels.append(
            FrontLabel(
                str(front),
                float(row["lat"]),
                float(row["lon"]),
                int(row["n"]),
                None if ini is None or pd.isna(ini) else str(ini),
                None if src is None or pd.isna(src) else str(src),
            )
        )
    return sorted(labels, key=lambda x: -x.count)


def place_history(events: gpd.GeoDataFrame, place_id: str) -> pd.DataFrame:
    """Every mention of one place, oldest first: the place's timeline for the side panel."""
    cols = ["date", "front", "section", "status", "kind", "source"]
    if len(events) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    ev = events[events["place_id"].astype(str) == str(place_id)]
    out = pd.DataFrame({c: ev[c].to_numpy() if c in ev else None for c in cols})
    out["front"] = out["front"].astype(object).where(out["front"].notna(), NON_FRONT)
    out["date"] = pd.to_datetime(out["date"]).dt.date
    return out.sort_values("date", kind="stable").reset_index(drop=True)


def nearest_place(places: pd.DataFrame, lat: float, lon: float, max_km: float = 5.0) -> str | None:
    """``place_id`` of the aggregated place closest to a clicked point, if within ``max_km``.

    The map only tells us where the user clicked, so we match the click back
    to the marker under it. Equirectangular distance is plenty at this scale.
    """
    if len(places) == 0:
        return None
    k = np.cos(np.radians(lat))
    d2 = (places["lat"].to_numpy() - lat) ** 2 + ((places["lon"].to_numpy() - lon) * k) ** 2
    i = int(np.argmin(d2))
    return str(places["place_id"].iloc[i]) if np.sqrt(d2[i]) * 111.2 <= max_km else None


def export_filename(q: ViewQuery) -> str:
    """The download's name, after the view: ``frontline_2024-05-24_donetsk.geojson``.

    Dates, then the chosen fronts (lower case, non-alphanumerics as ``-``);
    nothing from report text, so the name is always safe on any file system.
    """
    parts = ["frontline"]
    if q.date_from and q.date_to and q.date_from == q.date_to:
        parts.append(q.date_from.isoformat())
    elif q.date_from or q.date_to:
        parts.append(
            f"{q.date_from.isoformat() if q.date_from else 'start'}"
            f"_{q.date_to.isoformat() if q.date_to else 'end'}"
        )
    for f in q.fronts or ():
        slug = re.sub(r"[^a-z0-9]+", "-", f.lower()).strip("-")
        parts.append(slug or "front")
    return "_".join(parts)[:150] + ".geojson"


def place_timeline(events: gpd.GeoDataFrame, place_id: str) -> pd.DataFrame:
    """A place's history, one row per date and front: what the side panel shows.

    A busy town is named dozens of times a day; one row per mention would
    bury the dates. Columns: ``date``, ``front``, ``mentions``, ``status`` (the
    strongest that day: confirmed > claimed > reported), ``kinds``, ``sources``.
    """
    cols = ["date", "front", "mentions", "status", "kinds", "sources"]
    h = place_history(events, place_id)
    if len(h) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    h = h.assign(
        rank=h["status"].astype(object).map(_STATUS_RANK).fillna(len(STATUS_ORDER)),
        kind=h["kind"].astype(object).fillna("").astype(str),
        source=h["source"].astype(object).fillna("").astype(str),
    )
    g = h.groupby(["date", "front"], sort=True)
    out = g.agg(mentions=("rank", "size"), rank=("rank", "min")).reset_index()
    out["status"] = [STATUS_ORDER[int(r)] if r < len(STATUS_ORDER) else "" for r in out["rank"]]
    join = lambda s: ", ".join(sorted({v for v in s if v}))  # noqa: E731
    out["kinds"] = g["kind"].agg(join).to_numpy()
    out["sources"] = g["source"].agg(join).to_numpy()
    return out[cols]
