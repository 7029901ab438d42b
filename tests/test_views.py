"""Pure view functions: filtering, per-place aggregation, labels, history, names."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from helpers import REPORTS, day, events_frame

from geo.model import NO_FRONT as NON_FRONT
from geo.store.query import ViewQuery, filter_events
from geo.view.labels import front_labels
from geo.view.places import aggregate_places, nearest_place, place_history, place_timeline
from geo.view.state import export_filename
from geo.view.trend import context_window, initiative_by_date, mentions_per_front


def test_filter_by_day_front_status_kind(events) -> None:
    d = day("2024-05-24")
    assert len(filter_events(events, ViewQuery.of(d, d))) == 4
    q = ViewQuery.of(d, d, fronts=["Donetsk"])
    assert set(filter_events(events, q)["place"]) == {"Chasiv Yar", "Ocheretyne", "Kurakhove"}
    q = ViewQuery.of(day("2024-05-20"), day("2024-05-24"), statuses=["claimed"])
    assert sorted(filter_events(events, q)["place"]) == [
        "Chasiv Yar", "Krynky", "Krynky", "Ocheretyne",
    ]  # fmt: skip
    q = ViewQuery.of(None, None, kinds=["strike"], fronts=[NON_FRONT])
    assert list(filter_events(events, q)["place"]) == ["Kupiansk"]


def test_aggregate_places_over_a_range(events) -> None:
    places = aggregate_places(events).set_index("place_id")
    assert len(places) == 8
    chasiv = places.loc["p-chasiv"]
    assert chasiv["count"] == 3
    assert chasiv["first"] == pd.Timestamp("2024-05-20")
    assert chasiv["last"] == pd.Timestamp("2024-05-24")
    assert chasiv["status"] == "confirmed"  # strongest seen
    assert chasiv["statuses"] == "confirmed, claimed"
    assert places.loc["p-krynky", "status"] == "claimed"
    assert places.loc["p-kupi", "front"] == NON_FRONT
    # Largest first, so small markers are drawn last (on top).
    counts = aggregate_places(events)["count"].tolist()
    assert counts == sorted(counts, reverse=True)


def test_aggregate_places_majority_front_and_empty() -> None:
    # One place mentioned on two fronts: the more frequent one wins.
    rep = [
        ("2024-06-01", "dayseries", "a", "https://e.org/a", [],
         [("p-kupi", "Luhansk", "", "reported", "attack"),
          ("p-kupi", "Kharkiv", "", "reported", "attack")]),
        ("2024-06-02", "dayseries", "b", "https://e.org/b", [],
         [("p-kupi", "Luhansk", "", "claimed", "advance")]),
    ]  # fmt: skip
    row = aggregate_places(events_frame(rep)).iloc[0]
    assert row["front"] == "Luhansk"
    assert row["fronts"] == "Kharkiv, Luhansk"
    assert row["kinds"] == "advance, attack"
    empty = aggregate_places(events_frame(rep).iloc[0:0])
    assert len(empty) == 0 and "count" in empty.columns


def test_front_labels_use_latest_initiative_and_centre(events) -> None:
    labels = {lab.front: lab for lab in front_labels(events)}
    assert set(labels) == {"Donetsk", "Kharkiv", "Zaporizhia", "Kherson"}
    assert labels["Donetsk"].text == "Donetsk — initiative: Russia"
    # Kharkiv: inferred on 05-20, stated on 05-22 (latest) -> no "(inferred)".
    assert labels["Kharkiv"].text == "Kharkiv — initiative: Russia"
    assert labels["Zaporizhia"].text == "Zaporizhia — initiative: None"
    # no report in view says who holds it: "unknown", not the stated "None"
    assert replace(labels["Kherson"], initiative=None).text == "Kherson — initiative: unknown"
    day20 = filter_events(events, ViewQuery.of(day("2024-05-20"), day("2024-05-20")))
    kh = {lab.front: lab for lab in front_labels(day20)}["Kharkiv"]
    assert kh.text == "Kharkiv — initiative: Russia (inferred)"
    # Centre = mean of the front's events.
    don = events[events["front"] == "Donetsk"]
    assert abs(labels["Donetsk"].lat - don.geometry.y.mean()) < 1e-9


def test_place_history_lists_every_mention_in_order(events) -> None:
    h = place_history(events, "p-chasiv")
    assert list(h["date"]) == [dt.date(2024, 5, 20), dt.date(2024, 5, 21), dt.date(2024, 5, 24)]
    assert list(h["status"]) == ["confirmed", "claimed", "confirmed"]
    assert len(place_history(events, "nowhere")) == 0


def test_nearest_place_matches_click_within_tolerance(events) -> None:
    places = aggregate_places(events)
    assert nearest_place(places, 48.5863, 37.8352) == "p-chasiv"
    assert nearest_place(places, 45.0, 30.0) is None  # far from every marker


def test_export_filename_follows_the_view() -> None:
    d = day("2024-05-24")
    assert (
        export_filename(ViewQuery.of(d, d, ["Donetsk"])) == "frontline_2024-05-24_donetsk.geojson"
    )
    q = ViewQuery.of(day("2024-05-01"), d, ["Kharkiv", NON_FRONT])
    assert export_filename(q) == "frontline_2024-05-01_2024-05-24_kharkiv_no-front.geojson"
    assert export_filename(ViewQuery.of()) == "frontline.geojson"
    evil = ViewQuery.of(d, d, ["../../etc/passwd"])
    assert "/" not in export_filename(evil)


def test_trend_counts_per_front_and_initiative(events) -> None:
    t = mentions_per_front(events)
    assert t["mentions"].sum() == sum(len(r[5]) for r in REPORTS)
    don = t[t["front"] == "Donetsk"].set_index("date")["mentions"]
    assert don[pd.Timestamp("2024-05-24")] == 3
    assert don[pd.Timestamp("2024-05-22")] == 0  # reports that day, none about Donetsk
    assert pd.isna(don[pd.Timestamp("2024-05-23")])  # no report at all: unknown, not 0
    ini = initiative_by_date(events)
    kh = ini[ini["front"] == "Kharkiv"].set_index("date")
    assert kh.loc[pd.Timestamp("2024-05-20"), "source"] == "inferred"
    assert kh.loc[pd.Timestamp("2024-05-22"), "source"] == "stated"


def test_place_timeline_one_row_per_date_and_front() -> None:
    rep = [
        ("2024-06-01", "dayseries", "a", None, [],
         [("p-kupi", "Luhansk", "", "reported", "attack"),
          ("p-kupi", "Luhansk", "", "confirmed", "advance"),
          ("p-kupi", "Kharkiv", "", "claimed", "attack")]),
        ("2024-06-03", "dayseries", "b", None, [],
         [("p-kupi", "Luhansk", "", "reported", "strike")]),
    ]  # fmt: skip
    t = place_timeline(events_frame(rep), "p-kupi")
    rows = t.to_dict("records")
    assert [(r["date"], r["front"], r["mentions"], r["status"]) for r in rows] == [
        (dt.date(2024, 6, 1), "Kharkiv", 1, "claimed"),
        (dt.date(2024, 6, 1), "Luhansk", 2, "confirmed"),
        (dt.date(2024, 6, 3), "Luhansk", 1, "reported"),
    ]
    assert rows[1]["kinds"] == "advance, attack" and rows[1]["sources"] == "a"
    assert len(place_timeline(events_frame(rep), "elsewhere")) == 0


def test_context_window_centres_a_year_on_the_view_within_the_data() -> None:
    d = pd.Series(pd.to_datetime(["2022-02-24", "2022-12-31", "2024-05-24"]))
    lo, hi = context_window(d, dt.date(2022, 8, 15), dt.date(2022, 8, 15))
    assert (lo, hi) == (dt.date(2022, 2, 24), dt.date(2023, 2, 24))  # slid right of the start
    lo, hi = context_window(d, dt.date(2024, 5, 24), dt.date(2024, 5, 24))
    assert (lo, hi) == (dt.date(2023, 5, 25), dt.date(2024, 5, 24))  # slid left of the end
    lo, hi = context_window(d, dt.date(2023, 6, 1), dt.date(2023, 6, 30))
    assert hi - lo == dt.timedelta(days=365) and lo < dt.date(2023, 6, 1)
    # a view longer than the window is shown whole
    assert context_window(d, dt.date(2022, 2, 24), dt.date(2024, 5, 24)) == (
        dt.date(2022, 2, 24),
        dt.date(2024, 5, 24),
    )
    assert context_window(d.iloc[0:0], dt.date(2022, 1, 1), dt.date(2022, 1, 2)) == (
        dt.date(2022, 1, 1),
        dt.date(2022, 1, 2),
    )
