"""Per-front activity over time: the small charts under the map.

Counts of mentions per front per day (or per week over long spans) show
where activity grows; the initiative table shows who held it, per report.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.views import NON_FRONT

WEEKLY_AFTER_DAYS = 120  # longer spans are summed per week to stay readable


def mentions_per_front(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Long table ``date, front, mentions``: one row per period and front with events.

    Daily for spans up to :data:`WEEKLY_AFTER_DAYS`, weekly (weeks starting
    Monday) beyond, so a year of data draws as ~52 points per front.
    """
    if len(events) == 0:
        return pd.DataFrame({"date": [], "front": [], "mentions": []})
    dates = pd.to_datetime(events["date"])
    span = (dates.max() - dates.min()).days
    if span > WEEKLY_AFTER_DAYS:
        dates = dates.dt.to_period("W-SUN").dt.start_time
    front = events["front"].astype(object).where(events["front"].notna(), NON_FRONT)
    df = pd.DataFrame({"date": dates.to_numpy(), "front": front.to_numpy()})
    out = df.groupby(["date", "front"]).size().rename("mentions").reset_index()
    return out.sort_values(["date", "front"], ignore_index=True)


def initiative_by_date(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Long table ``date, front, initiative, source``: who held the initiative, per day and front.

    Where a day has several reports, the stated initiative wins over an
    inferred one.
    """
    cols = ["date", "front", "initiative", "source"]
    if len(events) == 0 or "initiative" not in events:
        return pd.DataFrame({c: [] for c in cols})
    ev = events[events["initiative"].notna() & events["front"].notna()]
    if len(ev) == 0:
        return pd.DataFrame({c: [] for c in cols})
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(ev["date"]).to_numpy(),
            "front": ev["front"].astype(str).to_numpy(),
            "initiative": ev["initiative"].astype(str).to_numpy(),
            "source": ev["initiative_source"]
            .astype(object)
            .fillna("stated")
            .astype(str)
            .to_numpy(),
        }
    )
    df["rank"] = (df["source"] != "stated").astype(int)
    df = df.sort_values(["date", "front", "rank"]).drop_duplicates(["date", "front"])
    return df[cols].reset_index(drop=True)
