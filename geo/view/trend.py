"""Per-front activity over time: the small charts under the map.

Counts of mentions per front per day (or per week over long spans) show
where activity grows; the initiative table shows who held it, per report.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from geo.view.places import front_names

WEEKLY_AFTER_DAYS = 120  # longer spans are summed per week to stay readable


CONTEXT_DAYS = 365  # the charts show about a year around the view


def context_window(
    dates: pd.Series, day_from: dt.date, day_to: dt.date, days: int = CONTEXT_DAYS
) -> tuple[dt.date, dt.date]:
    """The span the charts cover: about ``days`` centred on the view, within the data.

    A store with a dense 2022 and one report from 2024 would otherwise squeeze
    the year that matters into a corner of the chart. A view longer than
    ``days`` is shown whole.
    """
    if len(dates) == 0:
        return day_from, day_to
    d = pd.to_datetime(dates)
    first, last = d.min().date(), d.max().date()
    extra = max(0, days - (day_to - day_from).days)
    lo = day_from - dt.timedelta(days=extra // 2)
    hi = day_to + dt.timedelta(days=extra - extra // 2)
    # slide the window back inside the data rather than show empty months
    if lo < first:
        hi, lo = min(last, hi + (first - lo)), first
    if hi > last:
        lo, hi = max(first, lo - (hi - last)), last
    return min(lo, day_from), max(hi, day_to)


def daily_front_counts(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Long table ``date, front, mentions``: mentions per date and front (:data:`NO_FRONT`
    for none), sorted; what a store sums for :func:`mentions_from_counts`."""
    if len(events) == 0:
        return pd.DataFrame(
            {"date": pd.Series(dtype="datetime64[ns]"), "front": pd.Series(dtype=object),
             "mentions": pd.Series(dtype="int64")}
        )  # fmt: skip
    df = pd.DataFrame(
        {"date": pd.to_datetime(events["date"]).to_numpy(),
         "front": front_names(events["front"]).to_numpy()}
    )  # fmt: skip
    out = df.groupby(["date", "front"], sort=True).size().rename("mentions").reset_index()
    out["front"] = out["front"].astype(object)
    return out


def whole_months(
    lo: dt.date, hi: dt.date, first: dt.date, last: dt.date
) -> tuple[dt.date, dt.date]:
    """``lo``..``hi`` widened to whole calendar months, within ``first``..``last``.

    The charts' window moves a day with every step; widened to months it
    changes only when a step crosses a month, so the charts' tables are
    computed once per month instead of on every step.
    """
    start = max(first, lo.replace(day=1))
    nxt = (hi.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, min(last, nxt - dt.timedelta(days=1))


def mentions_per_front(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Long table ``date, front, mentions``: one row per period and front.

    Daily for spans up to :data:`WEEKLY_AFTER_DAYS`, weekly (weeks starting
    Monday) beyond, so a year of data draws as ~52 points per front.
    """
    return mentions_from_counts(daily_front_counts(events))


def mentions_from_counts(daily: pd.DataFrame) -> pd.DataFrame:
    """:func:`mentions_per_front` from the per-date counts (:func:`daily_front_counts`, or
    a store's :meth:`~geo.store.base.Store.front_counts`)."""
    if len(daily) == 0:
        return pd.DataFrame({"date": [], "front": [], "mentions": []})
    dates = pd.to_datetime(daily["date"])
    span = (dates.max() - dates.min()).days
    if span > WEEKLY_AFTER_DAYS:
        dates = dates.dt.to_period("W-SUN").dt.start_time
    df = pd.DataFrame(
        {"date": dates.to_numpy(), "front": daily["front"].to_numpy(),
         "n": daily["mentions"].to_numpy()}
    )  # fmt: skip
    counts = df.groupby(["date", "front"])["n"].sum().unstack(fill_value=0)
    # A period with reports but no mention of a front is a real 0; a period
    # with no reports at all is unknown (NaN), so the chart breaks the line
    # there instead of drawing a slope across months without data.
    freq = "W-MON" if span > WEEKLY_AFTER_DAYS else "D"
    full = pd.date_range(counts.index.min(), counts.index.max(), freq=freq)
    counts = counts.reindex(full.union(counts.index))
    out = counts.stack(future_stack=True).rename("mentions").reset_index()
    out.columns = ["date", "front", "mentions"]
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


SIDE_COLORS = {"Russia": "#7a0019", "Ukraine": "#00449e", "None": "#bbbbbb"}


_DAY_AXIS = {"tickMinStep": 86_400_000, "labelOverlap": True}  # no hour ticks on daily data


def _records(table: pd.DataFrame) -> list[dict]:
    """Rows for a spec's inline data: dates as ISO strings, NaN as null.

    The data goes inside a layer of the spec rather than as a separate
    dataset: Streamlit first draws a chart without its dataset and adds it
    afterwards, and Vega warns ``Infinite extent for field "date"`` for that
    empty first pass.
    """
    out = table.copy()
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


def trend_spec(
    table: pd.DataFrame, fronts: list[str], colors: list[str], day_from: str, day_to: str
) -> dict:
    """Vega-Lite spec: mentions per front over time, the chosen day or range marked.

    ``table`` is :func:`mentions_per_front`. A plain spec (no Altair) because
    Altair validates the whole chart against the Vega-Lite schema on every
    rerun. Periods without any report are gaps in the lines, never zeros or
    dips below zero: the y axis starts at 0 and lines are straight segments.
    """
    if day_from == day_to:
        mark = {
            "data": {"values": [{"start": day_from}]},
            "mark": {"type": "rule", "color": "#555", "strokeDash": [4, 3]},
            "encoding": {"x": {"field": "start", "type": "temporal"}},
        }
    else:
        mark = {
            "data": {"values": [{"start": day_from, "end": day_to}]},
            "mark": {"type": "rect", "color": "#555", "opacity": 0.15},
            "encoding": {
                "x": {"field": "start", "type": "temporal"},
                "x2": {"field": "end"},
            },
        }
    line = {
        "data": {"values": _records(table)},
        "mark": {
            "type": "line",
            "interpolate": "linear",
            "invalid": "break-paths-filter-domains",
            "point": {"filled": True, "size": 18},
        },
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None, "axis": _DAY_AXIS},
            "y": {
                "field": "mentions",
                "type": "quantitative",
                "title": "mentions",
                "scale": {"domainMin": 0, "zero": True, "nice": True},
            },
            "color": {
                "field": "front",
                "type": "nominal",
                "scale": {"domain": fronts, "range": colors},
                "legend": {"orient": "bottom", "title": None},
            },
            "tooltip": [
                {"field": "date", "type": "temporal"},
                {"field": "front", "type": "nominal"},
                {"field": "mentions", "type": "quantitative"},
            ],
        },
    }
    return {"height": 220, "layer": [line, mark]}


def initiative_spec(table: pd.DataFrame) -> dict:
    """Vega-Lite spec: one tick per report and front, coloured by side, pale when inferred.

    ``table`` is :func:`initiative_by_date`. The legend names the sides (and
    says pale means inferred); front names on the y axis are never cut.
    """
    ticks = {
        "data": {"values": _records(table)},
        "mark": {"type": "tick", "thickness": 3, "size": 14},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None, "axis": _DAY_AXIS},
            "y": {
                "field": "front",
                "type": "nominal",
                "title": None,
                "axis": {"labelLimit": 0, "labelPadding": 4},
            },
            "color": {
                "field": "initiative",
                "type": "nominal",
                "scale": {"domain": list(SIDE_COLORS), "range": list(SIDE_COLORS.values())},
                "legend": {
                    "orient": "top",
                    "title": "initiative (pale: inferred)",
                    "titleLimit": 0,
                    "labelExpr": "datum.label == 'None' ? 'neither side' : datum.label",
                },
            },
            "opacity": {
                "condition": {"test": "datum.source == 'inferred'", "value": 0.45},
                "value": 1,
            },
            "tooltip": [
                {"field": "date", "type": "temporal"},
                {"field": "front", "type": "nominal"},
                {"field": "initiative", "type": "nominal"},
                {"field": "source", "type": "nominal"},
            ],
        },
    }
    # Data inside a layer: Streamlit moves top-level data out and draws the chart empty
    # first, which is what made Vega warn about an infinite extent (and squeezed the rows).
    n_fronts = int(table["front"].nunique()) if len(table) else 1
    return {"height": 22 * n_fronts, "layer": [ticks]}
