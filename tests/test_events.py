"""geo.store.events against hand-built Report/ResolvedMention objects (no parser, no gazetteer)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import textwrap
import time

import pytest
from helpers import load, make_record, report_filename, write_events

from geo.errors import ReportError, ReportExists, StoreError
from geo.model import Front, Mention, Place, Report, Resolution, ResolvedMention
from geo.schema import EVENT_PROPERTIES
from geo.store import frame, records
from geo.store.files import FileStore, dumps_collection

VOVCHANSK = Place("geonames:1", "Vovchansk", 50.2911234, 36.9412345, "PPLA3", "Kharkiv", "Chuhuiv")
KHARKIV = Place("geonames:2", "Kharkiv", 49.98081, 36.25272, "PPLA", "Kharkiv", "Kharkiv")
ODESA = Place("geonames:3", "Odesa", 46.47747, 30.73262, "PPLA", "Odesa", "Odesa")
BAKHMUT = Place("geonames:4", "Bakhmut", 48.59559, 38.00030, "PPLA3", "Donetsk", "Bakhmut")
FOREST = Place("geonames:5", "Serebrianka forest", 48.95, 38.03, "FRST", "Luhansk", "")


def make_report(
    date: dt.date = dt.date(2024, 5, 24),
    fmt: str = "dayseries",
    title: str = "Invented Headline – Day 821 (May 24, 2024)",
    path: str | None = "reports/a.txt",
) -> Report:
    # A report's identity is its URL, else its text: the text differs with the title.
    slug = "".join(c for c in title.lower() if c.isalnum())[:40]
    return Report(
        date=date, format=fmt, title=title, text=f"{title}\n(text not needed)", path=path,
        source_url=f"https://example.org/r/{slug}" if fmt == "news" else None,
        fronts=[
            Front("Kharkiv", "Russia", "stated", "The enemy pushes on Vovchansk."),
            Front("Donetsk", "Russia", "inferred", "Russian troops advanced."),
        ],
    )  # fmt: skip


def _m(text: str, start: int, status="reported", kind="other", snippet="") -> Mention:
    return Mention(text, start, start + len(text), text.lower(), status, kind, snippet=snippet)


def make_resolved() -> list[ResolvedMention]:
    return [
        ResolvedMention(
            _m("Vovchansk", 10, "confirmed", "advance", "Russians entered Vovchansk."),
            "Kharkiv", "Vovchansk", Resolution(VOVCHANSK, "unique"),
        ),
        ResolvedMention(_m("Bakhmut", 40, "claimed", "attack"), "Donetsk", "Bakhmut direction",
                        Resolution(BAKHMUT, "context")),
        ResolvedMention(_m("Serebrianka forest", 60), "Donetsk", "", Resolution(FOREST, "unique")),
        # Outside any front: the front whose zone holds the place (the resolver's answer),
        # initiative from that front.
        ResolvedMention(_m("Kharkiv City", 90, kind="strike"), None, "",
                        Resolution(KHARKIV, "major-city"), zone_front="Kharkiv"),
        # Outside any front zone: no front, no initiative.
        ResolvedMention(_m("Odesa", 120, kind="strike"), None, "", Resolution(ODESA, "unique")),
        ResolvedMention(_m("Novoselivka", 150), "Donetsk", "", Resolution(
            None, "ambiguous", [BAKHMUT, VOVCHANSK])),
        ResolvedMention(_m("Zzyzx", 170), None, "", Resolution(None, "unknown")),
    ]  # fmt: skip


def write_store(tmp_path, reports=None, keep_text=True):
    """Write a small store: several dates, formats and fronts."""
    reports = reports or [
        make_report(),
        make_report(dt.date(2024, 5, 25), title="Other Headline – Day 822 (May 25, 2024)"),
        make_report(dt.date(2022, 3, 1), "isw", "Russian Offensive Campaign Assessment, March 1"),
        make_report(dt.date(2024, 5, 24), "news", "A news article"),
        make_report(dt.date(2024, 5, 24), "news", "Another news article"),
    ]
    paths = []
    for r in reports:
        resolved = make_resolved()
        feats = records.build_events(r, resolved, keep_text)
        paths.append(
            write_events(tmp_path, r, feats, records.build_meta(r, resolved, feats, keep_text))
        )
    return paths


def _names(folder) -> list[str]:
    """The store's event files (not its lock or kept texts)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".geojson"))


# ---------------------------------------------------------------- build


def test_build_events_properties_and_geometry():
    r = make_report()
    feats = records.build_events(r, make_resolved(), keep_text=True)
    assert len(feats) == 5  # 7 mentions, 2 unresolved
    by_place = {f["properties"]["place"]: f for f in feats}
    for f in feats:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        assert set(EVENT_PROPERTIES) <= set(f["properties"])
        assert set(f["properties"]) <= set(EVENT_PROPERTIES) | {"snippet", "method", "report_id"}
        assert f["id"] == f["properties"]["id"] and len(f["id"]) == 16
    v = by_place["Vovchansk"]
    assert v["geometry"]["coordinates"] == [36.94123, 50.29112]  # [lon, lat], 5 decimals
    p = v["properties"]
    assert (p["date"], p["front"], p["initiative"], p["initiative_source"]) == (
        "2024-05-24", "Kharkiv", "Russia", "stated")  # fmt: skip
    assert (p["status"], p["kind"], p["precision"], p["section"]) == (
        "confirmed", "advance", "settlement", "Vovchansk")  # fmt: skip
    assert p["snippet"] == "Russians entered Vovchansk."
    assert p["source"] == r.title and p["report_format"] == "dayseries"
    assert p["method"] == "unique" and p["report_id"] == records.report_id(r)
    assert p["report_id"].startswith("2024-05-24_dayseries_")
    assert by_place["Serebrianka forest"]["properties"]["precision"] == "feature"
    assert by_place["Bakhmut"]["properties"]["initiative_source"] == "inferred"


def test_non_front_mentions_go_to_the_front_of_their_zone():
    feats = records.build_events(make_report(), make_resolved(), keep_text=False)
    by_place = {f["properties"]["place"]: f["properties"] for f in feats}
    kharkiv = by_place["Kharkiv"]
    assert kharkiv["front"] == "Kharkiv" and kharkiv["initiative"] == "Russia"
    odesa = by_place["Odesa"]
    assert odesa["front"] is None and odesa["initiative"] is None
    assert odesa["initiative_source"] is None


def test_zone_front_absent_from_report_has_null_initiative():
    r = make_report()
    r.fronts = [f for f in r.fronts if f.name != "Kharkiv"]
    feats = records.build_events(r, make_resolved()[3:4], keep_text=False)
    assert feats[0]["properties"]["front"] == "Kharkiv"
    assert feats[0]["properties"]["initiative"] is None


def test_keep_text_false_writes_no_report_sentences():
    r = make_report()
    resolved = make_resolved()
    feats = records.build_events(r, resolved, keep_text=False)
    meta = records.build_meta(r, resolved, feats, keep_text=False)
    text = dumps_collection(make_record(r, feats, meta))
    assert "snippet" not in text and "evidence" not in text
    assert "Russians entered" not in text and "enemy pushes" not in text
    kept = records.build_meta(r, resolved, feats, keep_text=True)
    assert kept["fronts"][0]["evidence"] == "The enemy pushes on Vovchansk."


def test_ids_stable_and_independent_of_path():
    a = records.build_events(make_report(path="x/one.txt"), make_resolved(), True)
    b = records.build_events(make_report(path="elsewhere/two.md"), make_resolved(), True)
    assert [f["id"] for f in a] == [f["id"] for f in b]
    assert len({f["id"] for f in a}) == len(a)
    c = records.build_events(make_report(title="A different headline"), make_resolved(), True)
    assert not {f["id"] for f in a} & {f["id"] for f in c}


def test_same_place_twice_gives_two_events_and_duplicates_are_dropped():
    rm = make_resolved()[0]
    again = ResolvedMention(_m("Vovchansk", 300), "Kharkiv", "Vovchansk", rm.resolution)
    feats = records.build_events(make_report(), [rm, again, rm], keep_text=False)
    assert len(feats) == 2 and feats[0]["id"] != feats[1]["id"]


def test_invalid_coordinates_are_unresolved_not_events():
    bad = Place("geonames:9", "Nowhere", float("nan"), 200.0, "PPL", "Kharkiv")
    rms = [ResolvedMention(_m("Nowhere", 5), "Kharkiv", "", Resolution(bad, "unique"))]
    feats = records.build_events(make_report(), rms, keep_text=False)
    meta = records.build_meta(make_report(), rms, feats, keep_text=False)
    assert feats == []
    assert meta["unresolved"][0]["method"] == "invalid-coordinates"


def test_build_meta():
    r = make_report()
    resolved = make_resolved()
    feats = records.build_events(r, resolved, True)
    meta = records.build_meta(r, resolved, feats, keep_text=False)
    assert meta["report"] == {
        "title": r.title, "url": None, "date": "2024-05-24", "format": "dayseries",
        "report_id": records.report_id(r), "source": f"text:{records.text_hash(r.text)}",
        "content_hash": records.text_hash(r.text),
    }  # fmt: skip
    assert meta["fronts"][1] == {
        "name": "Donetsk", "initiative": "Russia", "initiative_source": "inferred"}  # fmt: skip
    assert meta["unresolved"] == [
        {"mention": "Novoselivka", "front": "Donetsk", "section": "", "method": "ambiguous",
         "candidates": ["geonames:4", "geonames:1"]},
        {"mention": "Zzyzx", "front": None, "section": "", "method": "unknown", "candidates": []},
    ]  # fmt: skip
    assert meta["counts"] == {
        "mentions": 7, "events": 5, "unresolved": 2,
        "events_by_front": {"": 1, "Donetsk": 2, "Kharkiv": 2},
    }  # fmt: skip


# ---------------------------------------------------------------- file names


def test_report_filename_rules():
    day = report_filename(make_report())
    assert re.fullmatch(r"2024-05-24_dayseries_[0-9a-f]{10}\.geojson", day)
    isw = make_report(dt.date(2022, 3, 1), "isw", "Assessment")
    assert re.fullmatch(r"2022-03-01_isw_[0-9a-f]{10}\.geojson", report_filename(isw))
    n1 = report_filename(make_report(fmt="news", title="First article"))
    n2 = report_filename(make_report(fmt="news", title="Second article"))
    n1_again = report_filename(make_report(fmt="news", title="First article", path="z"))
    assert n1 != n2 and n1 == n1_again  # the same source, wherever its file is
    assert n1.startswith("2024-05-24_news_") and len(n1) == len(day) - len("dayseries") + 4
    # A datetime is reduced to its date; a title never reaches the name.
    r = make_report(dt.datetime(2024, 5, 24, 13, 5), fmt="news", title="../../etc/passwd")
    assert "/" not in report_filename(r) and "passwd" not in report_filename(r)


@pytest.mark.parametrize(
    ("date", "fmt"),
    [("2024-05-24", "dayseries"), (None, "isw"), (dt.date(2024, 5, 24), "../x"),
     (dt.date(2024, 5, 24), "DaySeries"), (dt.date(2024, 5, 24), "auto")],
)  # fmt: skip
def test_report_filename_rejects_unvalidated_input(date, fmt):
    with pytest.raises(ReportError):
        report_filename(make_report(date=date, fmt=fmt))


# ---------------------------------------------------------------- write


def test_write_twice_gives_identical_file_and_no_duplicates(tmp_path):
    (p1,) = write_store(tmp_path, [make_report()])
    first = p1.read_bytes()
    (p2,) = write_store(tmp_path, [make_report(path="moved/elsewhere.txt")])
    assert p1 == p2 and p2.read_bytes() == first
    assert _names(tmp_path) == [p1.name] and p1.name.startswith("2024-05-24_dayseries_")
    gdf = load(tmp_path)
    assert len(gdf) == 5 and gdf["id"].is_unique


def test_written_file_is_valid_geojson_with_frontline_member(tmp_path):
    (p,) = write_store(tmp_path, [make_report()])
    doc = json.loads(p.read_text("utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert doc["frontline"]["report"]["report_id"] == p.name.removesuffix(".geojson")
    assert len(doc["features"]) == 5
    assert not [q for q in tmp_path.iterdir() if q.name.startswith(".") and q.name != ".lock"]


def test_replacing_a_report_with_fewer_events_leaves_no_stale_events(tmp_path):
    write_store(tmp_path, [make_report()])
    r = make_report()
    rms = make_resolved()[:1]
    feats = records.build_events(r, rms, True)
    write_events(tmp_path, r, feats, records.build_meta(r, rms, feats, True))
    assert load(tmp_path)["place"].tolist() == ["Vovchansk"]


# ---------------------------------------------------------------- load


def test_load_columns_dtypes_sort(tmp_path):
    write_store(tmp_path)
    gdf = load(tmp_path)
    assert list(gdf.columns) == [*frame.COLUMNS, "geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert str(gdf["date"].dtype) == "datetime64[ns]"
    assert gdf["status"].dtype == "category" and gdf["front"].dtype == "category"
    assert len(gdf) == 25 and gdf["id"].is_unique
    keys = list(zip(gdf["date"], gdf["id"], strict=True))
    assert keys == sorted(keys)
    assert list(gdf.index) == list(range(25))
    row = gdf[gdf["place"] == "Vovchansk"].iloc[0]
    assert (row.geometry.x, row.geometry.y) == (36.94123, 50.29112)
    assert gdf.attrs["skipped"] == [] and gdf.attrs["files"] == 5
    assert gdf["front"].isna().sum() == 5  # the Odesa strike of each report


def test_load_empty_and_missing_dir(tmp_path):
    for d in (tmp_path, tmp_path / "missing"):
        gdf = load(d)
        assert len(gdf) == 0 and list(gdf.columns) == [*frame.COLUMNS, "geometry"]
        assert str(gdf["date"].dtype) == "datetime64[ns]" and gdf.crs.to_epsg() == 4326
        assert FileStore(d).reports() == []


@pytest.mark.parametrize(
    "content",
    [
        b'{"type": "FeatureCollection", "features": [{"type": "Fea',  # truncated
        b"\xff\xfe not utf-8",
        b"[1, 2, 3]",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        b'{"type": "Point", "coordinates": [500, 50]}, '
        b'"properties": {"id": "a", "date": "2024-01-01"}}]}',
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        b'{"type": "Point", "coordinates": [36, 50]}, '
        b'"properties": {"id": "a", "date": "yesterday"}}]}',
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        b'{"type": "Point", "coordinates": [36, 50]}, '
        b'"properties": {"id": "a", "date": "20240101"}}]}',
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        b'{"type": "Point", "coordinates": [36, 50]}, '
        b'"properties": {"id": "a", "date": "2024-01-01", "place": 7}}]}',
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, '
        b'"properties": {"id": "a", "date": "2024-01-01"}}]}',
    ],
)
def test_malformed_store_file_is_skipped_not_fatal(tmp_path, content):
    (good,) = write_store(tmp_path, [make_report()])
    (tmp_path / "2024-06-01_dayseries.geojson").write_bytes(content)
    gdf = load(tmp_path)
    assert len(gdf) == 5
    assert [name for name, _ in gdf.attrs["skipped"]] == ["2024-06-01_dayseries.geojson"]
    assert [m["file"] for m in FileStore(tmp_path).reports()] == [good.name]
    with pytest.raises(StoreError, match=r"2024-06-01_dayseries\.geojson"):
        load(tmp_path, strict=True)


def test_load_ignores_temp_and_other_files(tmp_path):
    write_store(tmp_path, [make_report()])
    (tmp_path / ".2024-05-25_dayseries.geojson.abc.tmp").write_text('{"type": "Feat')
    (tmp_path / ".hidden.geojson").write_text("{")
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "sub.geojson").mkdir()
    gdf = load(tmp_path, strict=True)
    assert len(gdf) == 5 and gdf.attrs["skipped"] == []


def test_a_copied_store_file_does_not_double_events(tmp_path):
    (p,) = write_store(tmp_path, [make_report()])
    (tmp_path / f"{p.stem} (copy).geojson").write_bytes(p.read_bytes())
    gdf = load(tmp_path, strict=True)
    assert len(gdf) == 5 and gdf["id"].is_unique


def test_load_cache_sees_changes_and_returns_copies(tmp_path):
    (first,) = write_store(tmp_path, [make_report()])
    a = load(tmp_path)
    a.loc[0, "place"] = "Vovchansk"
    a["front"] = None  # mutating a result must not poison the cache
    b = load(tmp_path)
    assert b["front"].notna().sum() == 4
    write_store(tmp_path, [make_report(dt.date(2024, 5, 26), title="Next day")])
    assert len(load(tmp_path)) == 10
    os.unlink(first)
    c = load(tmp_path)
    assert len(c) == 5 and set(c["date"].dt.day) == {26}


@pytest.mark.parametrize(
    ("prop", "value"),
    [("status", "pwned"), ("kind", "encirclement"), ("initiative", "Atlantis"),
     ("precision", "<b>exact</b>"), ("report_format", "x" * 5000)],
    ids=["status", "kind", "initiative", "precision", "long-format"],
)  # fmt: skip
def test_off_schema_values_skip_the_file_and_name_it(tmp_path, prop, value):
    (good,) = write_store(tmp_path, [make_report()])
    r = make_report(dt.date(2024, 5, 26), title="Off-schema day")
    feats = records.build_events(r, make_resolved(), keep_text=False)
    feats[1]["properties"][prop] = value
    bad = write_events(tmp_path, r, feats, records.build_meta(r, [], feats, False))
    gdf = load(tmp_path)
    assert len(gdf) == 5 and set(gdf["date"].dt.day) == {24}  # the bad file's events are out
    ((name, problem),) = gdf.attrs["skipped"]
    assert name == bad.name and prop in problem and len(problem) < 300
    assert set(gdf[prop].dropna()) <= set(frame.FIXED_CATEGORIES[prop])
    with pytest.raises(StoreError, match=re.escape(bad.name)):
        load(tmp_path, strict=True)
    assert good.exists() and bad.exists()  # skipped, never deleted


def test_load_meta(tmp_path):
    write_store(tmp_path)
    meta = FileStore(tmp_path).reports()
    assert [m["report"]["date"] for m in meta] == sorted(m["report"]["date"] for m in meta)
    assert len(meta) == 5
    first = meta[0]
    assert first["file"].startswith("2022-03-01_isw_")
    assert [f["name"] for f in first["fronts"]] == ["Kharkiv", "Donetsk"]
    assert [u["mention"] for u in first["unresolved"]] == ["Novoselivka", "Zzyzx"]
    assert first["counts"]["events"] == 5


# ---------------------------------------------------------------- crash safety


DRIVER = textwrap.dedent(
    """
    import datetime as dt, os, sys, time
    sys.path.insert(0, {tests!r})
    from test_events import make_report, make_resolved
    from helpers import write_events
    from geo.store import records
    out = sys.argv[1]
    # Loops until killed, but never outlives the test's process (a killed pytest runs
    # no finally) and never runs longer than five minutes.
    parent, stop = int(sys.argv[2]), time.monotonic() + 300
    print("ready", flush=True)
    i = 0
    while os.getppid() == parent and time.monotonic() < stop:
        r = make_report(dt.date(2024, 1, 1) + dt.timedelta(days=i % 40), "isw", f"T{{i}}")
        rms = make_resolved() * 40
        feats = records.build_events(r, rms, True)
        write_events(out, r, feats, records.build_meta(r, rms, feats, True))
        i += 1
    """
)


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGINT"])
def test_killed_writer_leaves_only_complete_files(tmp_path, sig):
    import signal

    store = tmp_path / "events"
    script = tmp_path / "driver.py"
    script.write_text(DRIVER.format(tests=os.path.dirname(__file__)))
    proc = subprocess.Popen(
        [sys.executable, str(script), str(store), str(os.getpid())],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:  # the driver loops forever: it must not outlive a failing test
        assert proc.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 20
        while len(list(store.glob("*.geojson"))) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(getattr(signal, sig))
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    written = list(store.glob("*.geojson"))
    assert len(written) >= 10
    for f in written:
        if not f.name.startswith("."):
            json.loads(f.read_text("utf-8"))  # complete JSON, or this raises
    gdf = load(store, strict=True)
    assert gdf.attrs["skipped"] == [] and len(gdf) > 0


def test_a_different_version_of_a_stored_report_is_never_replaced_silently(tmp_path):
    store = FileStore(tmp_path)
    r = make_report(fmt="news", title="An article")
    rms = make_resolved()
    first = records.build_record(r, rms, keep_text=False)
    assert store.write(first) == "added"
    assert store.write(first) == "refreshed"  # same text: derived again, nothing lost
    other = make_report(fmt="news", title="An article")
    other.text = "the same article (same URL), edited since"
    second = records.build_record(other, rms[:1], keep_text=False)
    assert second.report_id == first.report_id
    with pytest.raises(ReportExists, match="already holds") as exc:
        store.write(second)
    assert exc.value.existing and "An article" in exc.value.existing[0]
    assert len(load(tmp_path)) == len(first.features)  # untouched
    assert store.write(second, replace=True) == "replaced"
    assert len(load(tmp_path)) == len(second.features)


def test_a_read_only_store_refuses_writes(tmp_path):
    record = records.build_record(make_report(), make_resolved(), keep_text=False)
    with pytest.raises(StoreError, match="read-only"):
        FileStore(tmp_path, read_only=True).write(record)
    assert list(tmp_path.iterdir()) == []


def test_the_store_lock_excludes_other_processes(tmp_path):
    import threading

    code = (
        "import sys; from geo.store import FileStore\n"
        "with FileStore(sys.argv[1]).lock():\n"
        "    print('locked', flush=True); sys.stdin.readline()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    acquired = threading.Event()

    def take() -> None:
        with FileStore(tmp_path).lock():
            acquired.set()

    try:
        assert proc.stdout.readline().strip() == b"locked"
        t = threading.Thread(target=take, daemon=True)
        t.start()
        assert not acquired.wait(0.3)  # held by the other process
        proc.stdin.write(b"go\n")
        proc.stdin.flush()
        assert acquired.wait(20)  # ... and ours once it lets go
    finally:
        proc.kill()
        proc.wait()
