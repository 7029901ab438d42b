"""A file store answers a view of a few dates from those dates' files.

A first visitor of a large store must not wait for every file to be parsed;
the file names carry their report's date, so a day's view, the newest report
and the slider's first dates need only a few files. What is read that way
must equal what a whole-store read gives, including for files that break the
naming rule or cannot be read.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import REPORTS, day, write_store

from geo.store import FileStore, LayeredStore
from geo.store import files as store_files
from geo.store.query import ViewQuery, filter_events

# REPORTS spread over more dates, so one date is a small part of the store
EXTRA = [(f"2024-06-{d:02d}", *REPORTS[0][1:]) for d in range(1, 9)]
STORE = [*REPORTS, *EXTRA]
ONE_DAY = ViewQuery.of(day("2024-05-21"), day("2024-05-21"))


def _plain(gdf) -> pd.DataFrame:
    """The frame's values without categorical dtypes (a partial read knows fewer categories)."""
    out = pd.DataFrame(gdf.drop(columns="geometry")).astype(object)
    out["xy"] = list(zip(gdf.geometry.x, gdf.geometry.y, strict=True))
    return out.where(out.notna(), None).reset_index(drop=True)


def _parsed(folder: Path) -> set[str]:
    """Names of the files of ``folder`` the store has read so far."""
    key = str(folder.resolve())
    return {name for k, name in store_files._file_cache if k == key}


def _break(path: Path) -> None:
    path.write_text("{ not json", encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_store(tmp_path / "events", STORE)


def test_a_day_is_read_from_its_own_files_and_equals_the_whole_store(folder: Path):
    _break(folder / "2024-06-05_dayseries.geojson")  # another date's file is unreadable
    part = FileStore(folder).load(ONE_DAY)
    assert _parsed(folder) == {"2024-05-21_dayseries.geojson"}
    assert part.attrs["skipped"] == []  # the broken file was not read
    whole = FileStore(folder).load()
    assert [n for n, _ in whole.attrs["skipped"]] == ["2024-06-05_dayseries.geojson"]
    pd.testing.assert_frame_equal(_plain(part), _plain(filter_events(whole, ONE_DAY)))
    assert len(part) == 2


@pytest.mark.parametrize(
    "q",
    [
        ViewQuery.of(day("2024-05-22"), day("2024-05-22")),  # two reports of one date
        ViewQuery.of(day("2024-05-21"), day("2024-05-22"), fronts=["Kharkiv"]),
        ViewQuery.of(day("2024-06-03"), day("2024-06-04"), statuses=["confirmed"]),
        ViewQuery.of(day("2024-05-23"), day("2024-05-23")),  # no report that day
    ],
)
def test_partial_reads_equal_whole_reads(folder: Path, q: ViewQuery):
    part = FileStore(folder).load(q)
    assert len(_parsed(folder)) < len(STORE)
    whole = filter_events(FileStore(folder).load(), q)
    pd.testing.assert_frame_equal(_plain(part), _plain(whole))


def test_a_wide_view_reads_the_whole_store(folder: Path):
    FileStore(folder).load(ViewQuery.of(day("2024-05-01"), day("2024-06-30")))
    assert len(_parsed(folder)) == len(STORE)


def test_a_file_whose_events_disagree_with_its_name_is_skipped_both_ways(folder: Path):
    good = folder / "2024-06-02_dayseries.geojson"
    doc = json.loads(good.read_text(encoding="utf-8"))
    for f in doc["features"]:
        f["properties"]["date"] = "2024-06-07"
    good.write_text(json.dumps(doc), encoding="utf-8")
    day7 = ViewQuery.of(day("2024-06-07"), day("2024-06-07"))
    day2 = ViewQuery.of(day("2024-06-02"), day("2024-06-02"))
    assert len(FileStore(folder).load(day7)) == 3  # only the file named for that day
    part = FileStore(folder).load(day2)
    assert len(part) == 0
    ((name, problem),) = part.attrs["skipped"]
    assert name == good.name
    assert "2024-06-07" in problem and "2024-06-02" in problem
    whole = FileStore(folder).load()
    assert len(filter_events(whole, day7)) == 3
    assert whole.attrs["skipped"] == [(name, problem)]


def test_a_file_whose_name_gives_no_date_is_read_for_every_view(folder: Path):
    (folder / "2024-05-21_dayseries.geojson").rename(folder / "copied.geojson")
    part = FileStore(folder).load(ONE_DAY)
    assert "copied.geojson" in _parsed(folder)
    assert len(part) == 2
    assert day("2024-05-21") in FileStore(folder).quick_dates()


def test_quick_dates_come_from_names_and_end_on_a_date_with_events(folder: Path):
    store = FileStore(folder)
    # the newest report has no events; an older one cannot be read
    empty = {"type": "FeatureCollection", "frontline": {"report": {"date": "2024-07-01"}},
             "features": []}  # fmt: skip
    (folder / "2024-07-01_dayseries.geojson").write_text(json.dumps(empty), encoding="utf-8")
    (folder / "2024-06-30_dayseries.geojson").write_text(json.dumps(empty), encoding="utf-8")
    _break(folder / "2024-06-04_dayseries.geojson")
    quick = store.quick_dates()
    assert len(_parsed(folder)) <= 3  # the newest dates' files, not the store
    assert quick[-1] == day("2024-06-08")  # read back to a date with events
    assert day("2024-06-04") in quick  # from its name: not read yet
    exact = store.dates()
    assert set(exact) < set(quick)
    assert day("2024-06-04") not in exact
    assert store.quick_dates() == exact  # once the store is in memory


def test_latest_report_date_reads_back_from_the_newest_name(folder: Path):
    store = FileStore(folder)
    _break(folder / "2024-06-08_dayseries.geojson")
    assert store.latest_report_date() == day("2024-06-07")
    assert _parsed(folder) == {"2024-06-08_dayseries.geojson", "2024-06-07_dayseries.geojson"}
    # a file whose name gives no date may hold the newest report
    doc = json.loads((folder / "2024-05-20_dayseries.geojson").read_text(encoding="utf-8"))
    doc["frontline"]["report"]["date"] = "2024-06-07"
    for f in doc["features"]:
        f["properties"].update(date="2024-06-07", id=f["properties"]["id"] + "x")
    (folder / "late.geojson").write_text(json.dumps(doc), encoding="utf-8")
    assert store.latest_report_date() == day("2024-06-07")
    doc["frontline"]["report"]["date"] = "2024-06-09"
    (folder / "late.geojson").write_text(json.dumps(doc), encoding="utf-8")
    assert store.latest_report_date() == day("2024-06-09")


def test_reports_between_equals_the_filtered_reports(folder: Path):
    store = FileStore(folder)
    got = store.reports_between(day("2024-05-21"), day("2024-05-22"))
    assert [r["report"]["date"] for r in got] == ["2024-05-21", "2024-05-22", "2024-05-22"]
    every = store.reports()
    want = [r for r in every if "2024-05-21" <= r["report"]["date"] <= "2024-05-22"]
    assert got == want


def test_layered_partial_reads_hide_and_add_like_the_whole_store(tmp_path: Path):
    base = write_store(tmp_path / "base", STORE)
    uploads = write_store(tmp_path / "uploads", [("2024-06-03", "news", *REPORTS[1][2:])])
    # the user removed the base report of 2024-06-04
    (uploads / "2024-06-04_dayseries.hidden").write_text("{}", encoding="utf-8")
    store = LayeredStore(base, uploads)
    for d in ("2024-06-03", "2024-06-04", "2024-06-05"):
        q = ViewQuery.of(day(d), day(d))
        part = store.load(q)
        assert not store.is_read()
        whole = filter_events(LayeredStore(base, uploads).load(), q)
        pd.testing.assert_frame_equal(_plain(part), _plain(whole))
        store_files.clear_cache()
        from geo.store import layered

        layered._frame_cache.clear()
    assert len(store.load(ViewQuery.of(day("2024-06-03"), day("2024-06-03")))) == 3 + 2
    assert len(store.load(ViewQuery.of(day("2024-06-04"), day("2024-06-04")))) == 0
    quick = store.quick_dates()
    assert day("2024-06-04") not in quick
    assert quick == store.dates()
    assert store.latest_report_date() == day("2024-06-08")
    between = store.reports_between(day("2024-06-03"), day("2024-06-03"))
    assert sorted(r["layer"] for r in between) == ["base", "uploads"]


def test_a_view_read_while_the_whole_store_is_being_read_does_not_wait(folder: Path):
    """A session's full run reads the whole store; another session's first look, or a
    step, reads its own files meanwhile and does not queue behind that read."""
    store = FileStore(folder)
    with store_files.build_lock(store._key()):  # as if another thread were reading it all
        assert len(store.load(ONE_DAY)) == 2
        assert store.latest_report_date() == day("2024-06-08")
        assert store.quick_dates()[-1] == day("2024-06-08")


def test_name_date():
    assert store_files.name_date("2024-05-21_isw_ab12.geojson") == dt.date(2024, 5, 21)
    assert store_files.name_date("2024-05-21.geojson") == dt.date(2024, 5, 21)
    assert store_files.name_date("2024-02-30_isw.geojson") is None
    assert store_files.name_date("2024-05-211_isw.geojson") is None
    assert store_files.name_date("copied.geojson") is None
