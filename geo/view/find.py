"""Find a place by any of its names: the "Find a place" box.

Reports and readers spell places many ways (Sievierodonetsk, Severodonetsk,
Syevyerodonetsk) and use former names (Artemivsk for Bakhmut). The gazetteer
already reduces every name it knows, alternate and former names included, to
one spelling-insensitive key (:func:`geo._text.name_key`); searching goes
through the same keys, so whatever a reader types reaches the place the
resolver chose. Same-name places are told apart by oblast and raion and
ordered by how often the data mentions them.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pandas as pd

from geo._text import name_key
from geo.places.gazetteer import Gazetteer

MAX_RESULTS = 12
MIN_PREFIX = 3  # shorter queries match whole names only


@dataclass(frozen=True, slots=True)
class Found:
    """One search result: enough to tell it from its namesakes."""

    place_id: str
    name: str
    oblast: str
    raion: str
    count: int
    lat: float
    lon: float
    matched: str  # the name that matched, when it is not the place's own

    @property
    def label(self) -> str:
        """``"Bakhmut (as Artemivsk) · Donetsk oblast, Bakhmut raion · 1,717 mentions"``."""
        where = ", ".join(
            x for x in (f"{self.oblast} oblast" if self.oblast else "",
                        f"{self.raion} raion" if self.raion else "") if x
        )  # fmt: skip
        alias = f" (as {self.matched})" if self.matched else ""
        n = f"{self.count:,} mention{'s' if self.count != 1 else ''}"
        return " · ".join(x for x in (f"{self.name}{alias}", where, n) if x)


def where_is(oblast: str, raion: str) -> str:
    """``"Donetsk oblast, Bakhmut raion"`` (either part left out when unknown)."""
    parts = (f"{oblast} oblast" if oblast else "", f"{raion} raion" if raion else "")
    return ", ".join(x for x in parts if x)


def place_heading(index: PlaceIndex, place_id: str) -> tuple[str, str] | None:
    """The chosen place's name and where it is, for the history panel (``None``: no mentions)."""
    row = index.places[index.places["place_id"] == place_id]
    if len(row) == 0:
        return None
    r = row.iloc[0]
    return str(r["place"]), where_is(str(r["oblast"]), str(r["raion"]))


@dataclass(slots=True)
class PlaceIndex:
    """Every place with mentions, by each of its name keys (sorted, for prefix search)."""

    places: pd.DataFrame  # place_id, place, count, lat, lon, oblast, raion
    keys: list[str]  # sorted name keys
    rows: list[int]  # row in ``places`` of each key
    names: list[str]  # the name each key came from (as written in the gazetteer or data)
    gaz: Gazetteer | None


def build_index(places: pd.DataFrame, gaz: Gazetteer | None) -> PlaceIndex:
    """Index ``places`` (from :func:`geo.view.places.aggregate_places`) by all their names.

    A place's keys: its name in the data, and every name the gazetteer knows
    for the same ``place_id`` (alternate spellings, former names). Linear in
    the gazetteer's size, done once per store version.
    """
    p = places[["place_id", "place", "count", "lat", "lon"]].reset_index(drop=True).copy()
    pos = {pid: i for i, pid in enumerate(p["place_id"].astype(str))}
    oblast = [""] * len(p)
    raion = [""] * len(p)
    entries: dict[tuple[str, int], str] = {}
    for i, name in enumerate(p["place"].astype(str)):
        entries.setdefault((name_key(name), i), name)
    if gaz is not None:
        by_row: dict[int, int] = {}
        for j, gp in enumerate(gaz.places):
            row = pos.get(gp.place_id)
            if row is not None:
                by_row[j] = row
                oblast[row], raion[row] = gp.oblast, gp.raion
                entries.setdefault((name_key(gp.name), row), gp.name)
        for key, js in gaz.index.items():
            for j in js:
                hit = by_row.get(j)
                if hit is not None:
                    entries.setdefault((key, hit), "")
    p["oblast"], p["raion"] = oblast, raion
    ordered = sorted(entries.items())
    return PlaceIndex(
        p,
        [k for (k, _), _ in ordered],
        [i for (_, i), _ in ordered],
        [n for _, n in ordered],
        gaz,
    )


def find_places(index: PlaceIndex, query: str, limit: int = MAX_RESULTS) -> list[Found]:
    """Places whose names match ``query``, most mentioned first.

    A name matches when its key equals the query's key, or (for queries of
    :data:`MIN_PREFIX` characters or more) starts with it. Each place is
    listed once, under its own name; when only an alternate name matched,
    that name is shown too ("Bakhmut (as Artemivsk)").
    """
    q = name_key(query.strip())
    if not q:
        return []
    hits: dict[int, str] = {}
    start = bisect.bisect_left(index.keys, q)
    for k in range(start, len(index.keys)):
        key = index.keys[k]
        if key != q and not (len(q) >= MIN_PREFIX and key.startswith(q)):
            break
        i = index.rows[k]
        own = name_key(str(index.places.at[i, "place"]))
        if own.startswith(q):
            hits[i] = ""
        else:
            hits.setdefault(i, index.names[k] or (query.strip() if key == q else ""))
    p = index.places
    order = sorted(hits, key=lambda i: (-int(p.at[i, "count"]), str(p.at[i, "place"])))
    return [
        Found(
            str(p.at[i, "place_id"]),
            str(p.at[i, "place"]),
            str(p.at[i, "oblast"]),
            str(p.at[i, "raion"]),
            int(p.at[i, "count"]),
            float(p.at[i, "lat"]),
            float(p.at[i, "lon"]),
            hits[i],
        )
        for i in order[:limit]
    ]
