"""Front labels: where each front's name goes on the map, and which initiative it shows."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd


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
