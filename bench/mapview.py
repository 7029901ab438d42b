"""Map benchmark: the app's map of a day, a 30-day range and the whole span, against the naive way.

Frontline's way (what ``app.py`` runs): :func:`geo.view.query.filter_events`, then
:func:`geo.view.mapview.map_data` (per-place aggregation with
:func:`geo.view.query.aggregate_places`, popups and labels), then
:func:`geo.view.mapview.build_map` rendered to the page's HTML with
``get_root().render()``.

The naive way, side by side in the same run: the same filtered events, one
``folium.Marker`` with a ``folium.Popup`` per event, no aggregation, rendered
the same way.

The windows are chosen where the data is, not at the store's last date (the
shipped store is dense in 2022 and sparse after): the day with the most
events, the 30-day window with the most events, and the whole span of the
store. The script prints which ones it chose.

Targets (issue 7): day < 100 ms, 30-day range < 300 ms; for the range and the
whole span at least 10x faster than naive and HTML at least 10x smaller.

Usage: python bench/mapview.py [--events-dir DIR]
(default data/events, else an ingest of ../shared/reports/isw; without
either the script says so and exits 0)
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium
import geopandas as gpd
import pandas as pd

from bench._common import event_store, ms, row, timeit
from geo.store import FileStore
from geo.store.query import ViewQuery, filter_events
from geo.view.mapview import build_map, map_data, render_html
from geo.view.places import aggregate_places

TARGET_MS = {"day": 100, "30 days": 300}
TARGET_X = 10.0


def ours(gdf: gpd.GeoDataFrame, q: ViewQuery) -> dict:
    """Time the app's path stage by stage (median of 5 each); returns figures and the HTML."""
    t_filter, view = timeit(lambda: filter_events(gdf, q))
    t_agg, places = timeit(lambda: aggregate_places(view))
    t_data, data = timeit(lambda: map_data(view))
    t_build, page = timeit(lambda: render_html(build_map(view, tiles=True, data=data)[0]))
    return {
        "events": len(view),
        "places": len(places),
        "filter": t_filter,
        "aggregate": t_agg,
        "map_data": t_data,
        "build": t_build,
        "total": t_filter + t_data + t_build,
        "html": page,
        "view": view,
    }


def naive_html(view: gpd.GeoDataFrame) -> str:
    """How a user would write it with folium alone: a marker and a popup for every event."""
    m = folium.Map(location=[48.4, 36.6], zoom_start=7)
    for r in view.itertuples(index=False):
        date = pd.Timestamp(r.date).strftime("%Y-%m-%d")
        text = (
            f"<b>{html.escape(str(r.place))}</b><br>{date} · {html.escape(str(r.front))}"
            f"<br>{html.escape(str(r.status))}, {html.escape(str(r.kind))}"
            f"<br>{html.escape(str(r.source))}"
        )
        folium.Marker([r.geometry.y, r.geometry.x], popup=folium.Popup(text, max_width=300)).add_to(
            m
        )
    return m.get_root().render()


def naive(view: gpd.GeoDataFrame) -> tuple[float, str]:
    # Naive renders of a whole year take seconds: fewer repeats there.
    repeat = 5 if len(view) < 2000 else 1
    return timeit(lambda: naive_html(view), repeat=repeat)  # type: ignore[return-value]


def busiest_windows(dates: pd.Series) -> dict[str, tuple[dt.date, dt.date, int]]:
    """Where the data is: ``{name: (first day, last day, events)}``.

    ``day``: the day with the most events; ``30 days``: the 30-day window with
    the most events; ``span``: first to last event. Ties go to the latest
    window, as the app opens on recent data.
    """
    per_day = dates.dt.normalize().value_counts().sort_index()
    first, last = per_day.index[0], per_day.index[-1]
    daily = per_day.reindex(pd.date_range(first, last, freq="D"), fill_value=0)
    # Latest of the maxima: argmax on the reversed series finds the last one.
    day = daily.index[len(daily) - 1 - int(daily.iloc[::-1].to_numpy().argmax())]
    rolling = daily.rolling(30, min_periods=1).sum()  # window ending on each day
    end = rolling.index[len(rolling) - 1 - int(rolling.iloc[::-1].to_numpy().argmax())]
    start = end - pd.Timedelta(days=29)
    return {
        "day": (day.date(), day.date(), int(daily[day])),
        "30 days": (start.date(), end.date(), int(rolling[end])),
        "span": (first.date(), last.date(), int(per_day.sum())),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events-dir", type=Path, help="a store to use instead of the default")
    a = ap.parse_args(argv)
    print("== bench/mapview.py: building the map, Frontline vs naive folium ==")
    if a.events_dir:
        store, label = a.events_dir, str(a.events_dir)
    else:
        found = event_store()
        if found is None:
            print("  no events: data/events is empty and ../shared is absent, skipped.")
            return 0
        store, label = found
    t = time.perf_counter()
    gdf = FileStore(store).load()
    t_load = time.perf_counter() - t
    if len(gdf) == 0:
        print(f"  {store}: no events, skipped.")
        return 0
    last = gdf["date"].max().date()
    first = gdf["date"].min().date()
    print(f"  store: {label}")
    print(f"  {len(gdf):,} events, {first} .. {last}; loaded in {ms(t_load)}")
    windows = busiest_windows(gdf["date"])
    print("  windows, chosen where the data is:")
    for name, (start, end, n) in windows.items():
        how = {"day": "busiest day", "30 days": "busiest 30 days", "span": "first to last event"}
        when = str(start) if start == end else f"{start} .. {end}"
        print(f"    {name:<8} {when:<24} {n:>7,} events  ({how[name]})")
    views = {name: ViewQuery.of(start, end) for name, (start, end, _) in windows.items()}
    for name, q in views.items():
        o = ours(gdf, q)
        t_naive, page_naive = naive(o["view"])
        size, size_naive = len(o["html"].encode()), len(page_naive.encode())
        speed_x = t_naive / o["total"] if o["total"] else float("inf")
        size_x = size_naive / size if size else float("inf")
        print(f"\n  {name}: {o['events']:,} events at {o['places']:,} places")
        row("filter_events", ms(o["filter"]))
        row("map_data (aggregation + popups)", ms(o["map_data"]))
        row("  of which aggregate_places", ms(o["aggregate"]))
        row("build_map + render HTML", ms(o["build"]))
        target = TARGET_MS.get(name)
        row(
            "Frontline total",
            ms(o["total"]),
            f"target < {target} ms" if target else "",
            o["total"] * 1000 < target if target else None,
        )
        row("naive total (Marker+Popup per event)", ms(t_naive))
        checked = name != "day"
        row("speed-up vs naive", f"{speed_x:.1f}x", "target >= 10x" if checked else "",
            speed_x >= TARGET_X if checked else None)  # fmt: skip
        row("HTML size Frontline", f"{size / 1024:.0f} KiB")
        row("HTML size naive", f"{size_naive / 1024:.0f} KiB")
        row("HTML naive / Frontline", f"{size_x:.1f}x", "target >= 10x" if checked else "",
            size_x >= TARGET_X if checked else None)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
