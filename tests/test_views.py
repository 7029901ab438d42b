"""Pure view functions: filtering, per-place aggregation, labels, history, names."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pandas as pd
import pytest
from helpers import FIND_REPORTS, REPORTS, day, events_frame

from geo.errors import OverlayError
from geo.model import NO_FRONT as NON_FRONT
from geo.store.query import ViewQuery, filter_events
from geo.view import state as vs
from geo.view.find import build_index, find_places
from geo.view.labels import evidence_table, front_labels
from geo.view.overlay import overlay_age, parse_overlay
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


# --- overlay (issue 15, item 7) ----------------------------------------------------------


def _overlay_doc(ring: list[list[float]]) -> bytes:
    geom = {"type": "Polygon", "coordinates": [ring]}
    return json.dumps({"type": "Feature", "properties": {}, "geometry": geom}).encode()


def test_overlay_coordinates_outside_the_world_are_refused() -> None:
    ok = [[37.0, 48.0], [38.0, 48.0], [38.0, 49.0], [37.0, 48.0]]
    assert parse_overlay(_overlay_doc(ok), "ok.geojson")["features"][0]["geometry"]["type"]
    metres = [[4_100_000.0, 6_100_000.0], [4_200_000.0, 6_100_000.0], [4_100_000.0, 6_200_000.0]]
    swapped_past_90 = [[48.0, 137.0], [49.0, 137.0], [48.0, 138.0], [48.0, 137.0]]
    for ring, name in ((metres, "metres.geojson"), (swapped_past_90, "swapped.geojson")):
        with pytest.raises(OverlayError, match=r"outside the world.*EPSG:4326") as exc:
            parse_overlay(_overlay_doc(ring), name)
        assert name in str(exc.value)
    for bad in ([["a", 1.0]], [[float("nan"), 1.0]], [[True, 1.0]], [[1.0]], ["x"]):
        with pytest.raises(OverlayError):
            parse_overlay(_overlay_doc(bad), "bad.geojson")  # type: ignore[arg-type]


def test_overlay_age_says_how_far_from_the_date_shown() -> None:
    shown = dt.date(2024, 5, 24)
    assert overlay_age(shown, shown) is None
    assert overlay_age(dt.date(2024, 5, 22), shown) is None  # a couple of days: no note
    assert overlay_age(dt.date(2024, 5, 10), shown) == "14 days before the date shown"
    assert overlay_age(dt.date(2024, 6, 10), shown) == "17 days after the date shown"
    assert overlay_age(dt.date(2022, 3, 1), shown) == "2 years 2 months before the date shown"
    assert overlay_age(dt.date(2024, 1, 20), shown) == "4 months before the date shown"


# --- view state from a link (issue 15, item 5) -------------------------------------------

D = [dt.date(2022, 3, d) for d in (1, 2, 3, 5)] + [dt.date(2023, 5, 1), dt.date(2024, 5, 24)]
FRONTS = ("Donetsk", "Kharkiv", NON_FRONT)


def _restore(**params: str) -> vs.Restored:
    return vs.from_params(params, D, lambda: FRONTS, lambda: {"p-1"})


def test_link_without_adjustments_says_nothing() -> None:
    r = _restore(date="2022-03-02", fronts="donetsk", status="claimed", zoom="9")
    assert r.notices == []
    assert r.state.mode == vs.DAY and r.state.day == dt.date(2022, 3, 2)
    assert r.state.fronts == ("Donetsk",) and r.state.zoom == 9


def test_bad_and_out_of_range_dates_say_what_was_shown() -> None:
    r = _restore(date="2022-13-45")
    assert r.state.day == D[-1] and r.notices == [
        "'date=2022-13-45' is not a date (YYYY-MM-DD); ignored."
    ]
    r = _restore(date="2019-01-01")
    assert r.state.day == D[0]
    assert r.notices == [
        "2019-01-01 is before the first report (2022-03-01): showing 2022-03-01 instead."
    ]
    r = _restore(date="2030-01-01")
    assert r.state.day == D[-1] and "after the latest report (2024-05-24)" in r.notices[0]
    r = _restore(date="2022-03-04")
    assert r.notices == ["No report on 2022-03-04: showing 2022-03-03 instead."]


def test_readme_range_with_one_report_stays_a_range_and_says_so() -> None:
    r = _restore(**{"from": "2024-05-01", "to": "2024-05-24"})
    assert r.state.mode == vs.RANGE and r.state.range == (D[-1], D[-1])
    assert r.notices == [
        "Only 2024-05-24 has reports in 2024-05-01 – 2024-05-24: showing that day."
    ]


def test_range_ends_snap_inwards_and_empty_ranges_show_the_nearest_date() -> None:
    r = _restore(**{"from": "2022-02-20", "to": "2022-03-04"})
    assert r.state.range == (D[0], dt.date(2022, 3, 3))
    assert r.notices == [
        "Reports in 2022-02-20 – 2022-03-04 run from 2022-03-01 to 2022-03-03 (3 dates): "
        "showing those."
    ]
    r = _restore(**{"from": "2022-06-01", "to": "2022-07-01"})  # inside a gap
    assert r.state.range == (D[3], D[3])
    assert r.notices == [
        "No reports in 2022-06-01 – 2022-07-01: showing 2022-03-05, the nearest date."
    ]
    r = _restore(**{"from": "2022-03-03", "to": "2022-03-01"}, date="2022-03-02")
    assert r.state.range == (D[0], D[2])
    assert "'date=2022-03-02' ignored" in r.notices[0] and "swapped" in r.notices[1]
    r = _restore(**{"from": "2022-03-02"})  # open end: up to the latest report, no notice
    assert r.state.range == (D[1], D[-1]) and r.notices == []


def test_unknown_and_repeated_filters_and_bad_map_view_are_reported() -> None:
    r = _restore(fronts="Donetsk,Narnia,donetsk", kind="nuke", zoom="40", center="1,2,3")
    assert r.state.fronts == ("Donetsk",) and r.state.kinds == ()
    assert r.state.zoom is None and r.state.center is None
    text = " | ".join(r.notices)
    assert "Unknown fronts ignored: Narnia (known: " in text and "Kharkiv" in text
    assert "Donetsk given more than once in 'fronts'; used once." in text
    assert "Unknown kind ignored: nuke" in text
    assert "'zoom=40' is not a zoom level (2–18)" in text and "'center=1,2,3'" in text
    assert len(r.notices) == 5
    r = _restore(place="p-2")
    assert r.state.place is None and "not in the data" in r.notices[0]


def test_default_range_is_the_last_30_dates_with_data() -> None:
    many = [dt.date(2022, 1, 1) + dt.timedelta(days=i) for i in range(100)] + [dt.date(2024, 1, 1)]
    assert vs.default_state(many).range == (many[-30], many[-1])
    assert vs.default_range(D) == (D[0], D[-1])


def test_play_from_the_latest_date_and_through_a_range() -> None:
    many = [dt.date(2022, 1, 1) + dt.timedelta(days=i) for i in range(40)]
    s, until = vs.play_start(vs.default_state(many), many)  # a day view on the latest date
    assert s.day == many[-30] and until == many[-1]
    frames = [s.day]
    for _ in range(2 * len(many)):  # bounded: a Play that never stops fails, not hangs
        s, moved = vs.play_step(s, many, until)
        if not moved:
            break
        frames.append(s.day)
    assert frames == many[-30:]
    rng = replace(vs.default_state(many), mode=vs.RANGE, range=(many[5], many[8]))
    s, until = vs.play_start(rng, many)
    assert s.range == (many[5], many[5]) and until == many[8]
    ends = []
    while (step := vs.play_step(s, many, until))[1]:
        s = step[0]
        ends.append(s.range)
    assert ends == [(many[5], many[6]), (many[5], many[7]), (many[5], many[8])]


def test_gaps_of_a_month_or_more_are_listed_and_a_step_across_one_says_so() -> None:
    g = vs.gaps(D)
    assert [(x.after, x.before) for x in g] == [(D[3], D[4]), (D[4], D[5])]
    assert g[0].text() == "no reports 2022-03-05 → 2023-05-01 (13 months)"
    s = replace(vs.default_state(D), day=D[3])
    moved, ok = vs.step(s, D, 1)
    assert ok and vs.jumped_gap(s, moved, D) == g[0]
    assert vs.jumped_gap(replace(s, day=D[0]), replace(s, day=D[1]), D) is None



def test_a_view_on_dates_the_store_no_longer_has_moves_to_the_nearest() -> None:
    """The dates can shrink under an open view (a first look's dates came from file names;
    a report was removed): the view moves, and a step from it still works."""
    s = replace(vs.default_state(D), day=dt.date(2022, 3, 4), range=(dt.date(2022, 2, 1), D[2]))
    moved = vs.onto_dates(s, D)
    assert moved.day == D[2] and moved.range == (D[0], D[2])  # a tie goes to the earlier date
    assert vs.onto_dates(moved, D) == moved
    assert vs.step(s, D, 1) == (replace(moved, day=D[3]), True)
    late = replace(s, mode=vs.RANGE, range=(dt.date(2025, 1, 1), dt.date(2025, 2, 1)))
    assert vs.onto_dates(late, D).range == (D[-1], D[-1])


# --- Find a place (issue 15, item 3): the real gazetteer's names and keys ----------------


@pytest.fixture(scope="module")
def place_index():
    from geo.places.gazetteer import load_gazetteer

    return build_index(aggregate_places(events_frame(FIND_REPORTS)), load_gazetteer())


def test_find_common_spellings_and_former_names(place_index) -> None:
    for q in ("Sievierodonetsk", "Severodonetsk", "Syevyerodonetsk", "sievierodonetsk "):
        assert [f.place_id for f in find_places(place_index, q)] == ["geonames:691999"], q
    art = find_places(place_index, "Artemivsk")
    assert [f.place_id for f in art] == ["geonames:713174"]  # Bakhmut's former name
    assert art[0].label.startswith("Bakhmut (as Artemivsk) · Donetsk oblast, Bakhmut raion")
    assert find_places(place_index, "Narnia") == [] and find_places(place_index, " ") == []


def test_find_orders_namesakes_by_mentions_and_tells_them_apart(place_index) -> None:
    bakhmut = find_places(place_index, "Bakhmut")
    assert [(f.place_id, f.count) for f in bakhmut] == [
        ("geonames:713174", 3),
        ("geonames:712959", 1),
    ]
    assert "Poltava oblast" in bakhmut[1].label and "1 mention" in bakhmut[1].label
    lyman = find_places(place_index, "lyman")
    assert [f.oblast for f in lyman] == ["Donetsk", "Kharkiv"]
    assert lyman[0].label == "Lyman · Donetsk oblast, Kramatorsk raion · 2 mentions"
    assert len({f.label for f in lyman}) == len(lyman)  # never two identical lines
    # a prefix of three letters or more lists places starting with it
    assert {f.place_id for f in find_places(place_index, "Bakh")} >= {"geonames:713174"}


def test_find_works_without_a_gazetteer() -> None:
    index = build_index(aggregate_places(events_frame(FIND_REPORTS)), None)
    assert [f.place_id for f in find_places(index, "Sievierodonetsk")] == ["geonames:691999"]
    assert find_places(index, "Artemivsk") == []  # former names come from the gazetteer


# --- front labels over a range and their evidence (issue 15, item 4) ---------------------


def test_front_labels_over_a_range_say_as_of_and_summarise(events) -> None:
    labels = {lab.front: lab for lab in front_labels(events, ranged=True)}
    don = labels["Donetsk"]
    assert don.text == "Donetsk — initiative: Russia as of 2024-05-24"
    assert don.summary == "Russia on 3 dates"  # 20, 21 and 24 May
    assert labels["Kherson"].summary == "Ukraine on 2 dates"
    d = events[events["front"] == "Donetsk"]
    assert don.bbox == (
        d.geometry.y.min(),
        d.geometry.x.min(),
        d.geometry.y.max(),
        d.geometry.x.max(),
    )
    # a single day does not say "as of" (the heading says the date)
    assert "as of" not in {lab.front: lab for lab in front_labels(events)}["Donetsk"].text


def test_label_popup_quotes_the_stored_evidence_sentence_escaped(events) -> None:
    from geo.view.mapview import map_data

    reports = [
        {"report": {"date": "2024-05-24", "title": "Own <i>report</i>"},
         "fronts": [{"name": "Donetsk", "initiative": "Russia",
                     "evidence": "Russian forces attacked <near> Chasiv Yar."}]},
        {"report": {"date": "2024-05-21", "title": "Older"},
         "fronts": [{"name": "Donetsk", "evidence": "Not the date shown."}]},
        {"report": {"date": "not a date"}, "fronts": [{"name": "Donetsk", "evidence": "x"}]},
    ]  # fmt: skip
    table = evidence_table(reports)
    assert len(table) == 2
    labels = {lab.front: lab for lab in front_labels(events, True, table)}
    assert [e.sentence for e in labels["Donetsk"].evidence] == [
        "Russian forces attacked <near> Chasiv Yar."
    ]
    assert labels["Kharkiv"].evidence == ()
    popups = {lab["html"]: lab["popup"] for lab in map_data(events, True, table).labels}
    don = next(p for h, p in popups.items() if "Donetsk" in h)
    assert "Russian forces attacked &lt;near&gt; Chasiv Yar." in don and "<near>" not in don
    assert "Own &lt;i&gt;report&lt;/i&gt;" in don and "In this range: Russia on 3 dates" in don
    kh = next(p for h, p in popups.items() if "Kharkiv" in h)
    assert "No sentence stored" in kh


def test_whole_months_widens_the_chart_window_within_the_data() -> None:
    from geo.view.trend import whole_months

    first, last = dt.date(2022, 2, 24), dt.date(2024, 5, 24)
    assert whole_months(dt.date(2023, 3, 14), dt.date(2023, 9, 2), first, last) == (
        dt.date(2023, 3, 1),
        dt.date(2023, 9, 30),
    )
    assert whole_months(dt.date(2022, 2, 25), dt.date(2024, 5, 3), first, last) == (first, last)
    assert whole_months(dt.date(2023, 12, 5), dt.date(2023, 12, 6), first, last)[1] == dt.date(
        2023, 12, 31
    )


def test_front_options_in_map_order_then_others_then_no_front() -> None:
    got = vs.front_options(["Kherson", "Donetsk", None, "Kursk", "Donetsk", float("nan")])
    assert got == ["Donetsk", "Kherson", "Kursk", NON_FRONT]
    assert vs.front_options(["Kharkiv"]) == ["Kharkiv"]
