"""The Store contract, with the same assertions on every backend (files, PostGIS).

``backend`` is an empty store and ``backend_store`` one holding helpers.REPORTS,
each parametrised over the backends (see conftest.py); PostGIS tests skip
without a test database unless FRONTLINE_REQUIRE_DB=1.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading

import pandas as pd
import pytest
from helpers import DATES, REPORTS, _features, day, events_frame, fill, report_records

from geo.errors import ReportExists, StoreError
from geo.model import NO_FRONT
from geo.schema import EVENT_PROPERTIES, OPTIONAL_PROPERTIES
from geo.store.query import ViewQuery, filter_events
from geo.view.places import aggregate_places
from geo.view.trend import daily_front_counts

ALL_IDS = sorted(events_frame()["id"])


def _ids(gdf) -> list[str]:
    return sorted(gdf["id"].astype(str))


def _changed(rec, **props):
    """The record with different text (another content hash) and changed events."""
    meta = copy.deepcopy(rec.meta)
    meta["report"]["content_hash"] = "another-text"
    feats = copy.deepcopy(rec.features)[:1]
    feats[0]["properties"].update(props)
    return type(rec)(rec.report_id, rec.date, rec.format, meta, feats)


def test_empty_store(backend):
    assert backend.stamp() == ""
    assert len(backend.load()) == 0
    assert backend.dates() == []
    assert backend.reports() == []
    assert backend.fronts() == []
    assert len(backend.places()) == 0


def test_load_returns_every_event_sorted_with_the_frame_columns(backend_store):
    gdf = backend_store.load()
    assert _ids(gdf) == ALL_IDS
    assert list(gdf.columns) == [*EVENT_PROPERTIES, *OPTIONAL_PROPERTIES, "geometry"]
    keys = list(zip(gdf["date"], gdf["id"], strict=True))
    assert keys == sorted(keys)
    assert str(gdf["date"].dtype) == "datetime64[ns]"
    assert gdf.crs.to_epsg() == 4326
    assert gdf.attrs["skipped"] == []
    # the fixture's facts survive the round trip
    want = events_frame().set_index("id")
    got = gdf.set_index("id")
    for c in ("front", "status", "kind", "place_id", "source", "snippet"):
        assert got[c].astype(object).where(got[c].notna(), None).to_dict() == (
            want[c].astype(object).where(want[c].notna(), None).to_dict()
        ), c
    assert got.geometry.x.round(4).to_dict() == want.geometry.x.round(4).to_dict()


def test_dates_are_the_dates_with_events(backend_store):
    assert backend_store.dates() == [day(d) for d in DATES]


@pytest.mark.parametrize(
    "q",
    [
        ViewQuery.of(day("2024-05-21"), day("2024-05-22")),
        ViewQuery.of(fronts=["Kharkiv"]),
        ViewQuery.of(fronts=[NO_FRONT]),
        ViewQuery.of(fronts=["Donetsk", NO_FRONT], statuses=["confirmed", "reported"]),
        ViewQuery.of(kinds=["strike"]),
        ViewQuery.of(day("2024-05-24"), day("2024-05-24"), kinds=["attack"]),
        ViewQuery.of(day("2030-01-01"), day("2030-12-31")),
    ],
    ids=["dates", "front", "no-front", "fronts+status", "kind", "day+kind", "nothing"],
)
def test_load_selects_what_the_query_asks(backend_store, q):
    everything = backend_store.load()
    got = backend_store.load(q)
    assert _ids(got) == _ids(filter_events(everything, q))
    assert list(got.dtypes.astype(str)) == list(everything.dtypes.astype(str))


def test_write_outcomes_added_refreshed_refused_replaced(backend):
    rec = report_records()[0]
    assert backend.write(rec) == "added"
    assert backend.exists(rec.report_id)
    with_hash = copy.deepcopy(rec.meta)
    with_hash["report"]["content_hash"] = "text-1"
    rec = type(rec)(rec.report_id, rec.date, rec.format, with_hash, rec.features)
    assert backend.write(rec, replace=True) == "replaced"
    assert backend.write(rec) == "refreshed"  # same text: re-deriving replaces nothing
    other = _changed(rec, status="claimed")
    stamp = backend.stamp()
    with pytest.raises(ReportExists, match=r"different text.*--replace"):
        backend.write(other)
    assert backend.stamp() == stamp  # nothing was written
    assert len(backend.load()) == len(rec.features)
    assert backend.write(other, replace=True) == "replaced"
    got = backend.load()
    assert list(got["status"].astype(str)) == ["claimed"]  # the old events are gone


def test_remove(backend_store):
    rid = report_records()[0].report_id
    assert backend_store.remove(rid) is True
    assert backend_store.remove(rid) is False
    assert not backend_store.exists(rid)
    gone = {f["id"] for f in report_records()[0].features}
    assert not gone & set(backend_store.load()["id"].astype(str))


def test_stamp_changes_with_content_only(backend):
    fill(backend, REPORTS[:2])
    s1 = backend.stamp()
    assert s1 and backend.stamp() == s1
    rec = report_records()[2]
    backend.write(rec)
    s2 = backend.stamp()
    assert s2 != s1
    backend.write(_changed(rec, kind="advance"), replace=True)
    s3 = backend.stamp()
    assert s3 not in (s1, s2)
    backend.remove(rec.report_id)
    assert backend.stamp() not in (s2, s3)


def test_reports_hold_the_facts_sorted_by_date(backend_store):
    reps = backend_store.reports()
    assert [r["report"]["date"] for r in reps] == sorted(r[0] for r in REPORTS)
    first = reps[0]
    assert first["report"]["title"] == "Day 817 summary"
    assert first["fronts"][0] == {"name": "Donetsk", "initiative": "Russia",
                                  "initiative_source": "stated"}  # fmt: skip
    assert first["unresolved"] == [] and first["counts"] == {}
    rid = report_records()[0].report_id
    assert backend_store.report_meta("1999-01-01_isw") is None
    rec = report_records()[0]
    meta = copy.deepcopy(rec.meta)
    meta["report"]["report_id"] = rid
    backend_store.write(type(rec)(rid, rec.date, rec.format, meta, rec.features), replace=True)
    assert backend_store.report_meta(rid)["report"]["title"] == "Day 817 summary"


def test_read_only_store_refuses_writes(backend_store):
    backend_store.read_only = True
    rec = report_records()[0]
    with pytest.raises(StoreError, match="read-only"):
        backend_store.write(rec, replace=True)
    with pytest.raises(StoreError, match="read-only"):
        backend_store.remove(rec.report_id)
    assert len(backend_store.load()) == len(ALL_IDS)


def test_a_bad_record_is_refused_and_nothing_written(backend):
    if type(backend).__name__ == "FileStore":
        pytest.skip("the file store writes what it is given and skips it on reading")
    rec = report_records()[0]
    feats = copy.deepcopy(rec.features)
    feats[1]["geometry"]["coordinates"] = [200.0, 48.0]
    with pytest.raises(StoreError, match="coordinates out of range"):
        backend.write(type(rec)(rec.report_id, rec.date, rec.format, rec.meta, feats))
    assert not backend.exists(rec.report_id) and backend.stamp() == ""


def test_an_id_stored_twice_counts_once(backend_store):
    rec = report_records()[0]
    backend_store.write(type(rec)("2024-05-20_copy", rec.date, rec.format, rec.meta, rec.features))
    gdf = backend_store.load()
    assert _ids(gdf) == ALL_IDS
    assert backend_store.places()["count"].sum() == len(ALL_IDS)


def test_aggregates_match_the_tables_built_from_load(backend_store):
    everything = backend_store.load()
    for q in (
        None,
        ViewQuery.of(day("2024-05-20"), day("2024-05-22"), fronts=["Kharkiv", NO_FRONT]),
    ):
        sub = everything if q is None else filter_events(everything, q)
        pd.testing.assert_frame_equal(backend_store.places(q), aggregate_places(sub))
        pd.testing.assert_frame_equal(backend_store.front_counts(q), daily_front_counts(sub))
    assert backend_store.fronts() == ["Donetsk", "Kharkiv", "Kherson", "Zaporizhia", NO_FRONT]
    chasiv = backend_store.place_events("p-chasiv")
    assert list(chasiv["date"].dt.date) == [day("2024-05-20"), day("2024-05-21"), day("2024-05-24")]
    assert len(backend_store.place_events("p-nowhere")) == 0
    ini = backend_store.initiatives(None)
    assert set(ini.columns) == {"date", "front", "initiative", "initiative_source"}
    assert ("Kherson", "Ukraine") in set(zip(ini["front"], ini["initiative"], strict=True))


def test_lock_is_exclusive_and_released(backend):
    got = threading.Event()

    def second_writer():
        with backend.lock():
            got.set()

    with backend.lock():
        t = threading.Thread(target=second_writer, daemon=True)
        t.start()
        assert not got.wait(0.5)  # still held by us
    assert got.wait(15)
    t.join(15)


def test_readers_never_see_half_a_report(backend_store):
    """A reader loading while a report is replaced again and again sees one version whole."""
    rec = report_records()[4]  # 4 events
    small = _changed(rec, status="claimed")  # 1 event
    sizes: set[int] = set()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            ev = backend_store.load(ViewQuery.of(rec.date, rec.date))
            sizes.add(len(ev))

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        for i in range(15):
            backend_store.write(small if i % 2 == 0 else rec, replace=True)
    finally:
        stop.set()
        t.join(30)
    assert sizes <= {1, 4}, sizes


def test_ids_cannot_name_other_files(backend):
    rec = report_records()[0]
    for bad in ("../x", ".hidden", ""):
        with pytest.raises(StoreError, match="not a report id"):
            backend.write(type(rec)(bad, rec.date, rec.format, rec.meta, rec.features))


def test_extra_properties_and_key_order_survive(backend):
    rec = report_records()[0]
    feats = copy.deepcopy(_features(REPORTS[0]))
    feats[0]["properties"]["confidence"] = "high"
    backend.write(type(rec)(rec.report_id, rec.date, rec.format, rec.meta, feats))
    assert len(backend.load()) == len(feats)
    records = getattr(backend, "records", None)
    if records is None:  # the file store keeps the file as written (see test_store_transfer)
        return
    (back,) = list(records())
    assert back.features == feats and back.meta == rec.meta
    assert list(back.features[0]["properties"]) == list(feats[0]["properties"])
    assert back.date == dt.date(2024, 5, 20)


def test_first_look_answers_agree_with_the_whole_store(backend_store):
    """What the app's first run asks (quick dates, the newest report, a view's reports)
    agrees with the whole-store answers, whichever way a backend finds it."""
    exact = backend_store.dates()
    quick = backend_store.quick_dates()
    assert set(exact) <= set(quick) and quick[-1] == exact[-1]
    assert backend_store.latest_report_date() == max(day(d) for d in DATES)
    every = backend_store.reports()
    for first, last in [(day("2024-05-21"), day("2024-05-22")), (None, day("2024-05-20"))]:
        lo, hi = (first or dt.date.min).isoformat(), last.isoformat()
        want = [r["report"]["url"] for r in every if lo <= r["report"]["date"] <= hi]
        got = [r["report"]["url"] for r in backend_store.reports_between(first, last)]
        assert got == want and got
