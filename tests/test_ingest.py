"""geo.ingest: results, rebuild, uploads, and crash/concurrency safety of the store.

The pipeline tests run the real parser and resolver on fixture reports we
wrote ourselves (tests/fixtures/events_*.txt, "dayseries" format).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import child, cli, event_files, load, wait_for

from geo import ingest
from geo.errors import FrontlineError
from geo.ingest import IngestResult, ingest_bytes, ingest_files, ingest_text, rebuild
from geo.settings import settings
from geo.store import FileStore

FIXTURES = Path(__file__).parent / "fixtures"
DAY1 = FIXTURES / "events_dayseries_2024-05-24.txt"
DAY2 = FIXTURES / "events_dayseries_2024-05-25.txt"
BAD = [FIXTURES / "events_bad_binary.txt", FIXTURES / "events_bad_nodate.txt"]
REPO = Path(__file__).resolve().parent.parent


def _pipeline() -> None:
    """Skip until the parser and the resolver exist (they are built in parallel)."""
    pytest.importorskip("geo.parse.report", exc_type=ImportError)
    pytest.importorskip("geo.resolve.resolver", exc_type=ImportError)


def _shifted_report(days: int) -> str:
    """DAY1's text moved ``days`` later: same places, a new date and day number."""
    date = dt.date(2024, 5, 24) + dt.timedelta(days=days)
    day = (date - dt.date(2022, 2, 24)).days + 1
    stamp = f"Day {day} ({date:%B} {date.day}, {date.year})"
    return DAY1.read_text("utf-8").replace("Day 821 (May 24, 2024)", stamp, 1)


def _many_reports(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"r{i:03d}.txt"
        p.write_text(_shifted_report(i), encoding="utf-8")
        paths.append(p)
    return paths


# ---------------------------------------------------------------- no parser needed


def test_summary_lines():
    ok = IngestResult(
        path="a.txt", ok=True, date=dt.date(2024, 5, 24), format="dayseries", events=57,
        unresolved=["Foo", "Bar"], out_file="data/events/2024-05-24_dayseries.geojson",
    )  # fmt: skip
    assert ok.summary_line() == (
        "2024-05-24 dayseries  events=57 unresolved=2 (Foo, Bar)"
        " -> data/events/2024-05-24_dayseries.geojson"
    )
    bad = IngestResult(path="x/b.txt", ok=False, error="no date found")
    assert bad.summary_line() == "ERROR x/b.txt: no date found"


def test_report_files_skips_index_readme_and_others(tmp_path):
    (tmp_path / "isw").mkdir()
    for name in ["isw/isw_2022-02-24.txt", "isw/INDEX.md", "README.md", "SOURCE.md",
                 "a.md", "b.html", "c.pdf", ".hidden.txt", "sub/d.htm"]:  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in ingest.report_files(tmp_path)]
    assert found == ["a.md", "b.html", "isw/isw_2022-02-24.txt", "sub/d.htm"]


def test_swap_in_replaces_folder_content(tmp_path):
    target, new = tmp_path / "events", tmp_path / "new"
    target.mkdir()
    new.mkdir()
    (target / "old.geojson").write_text("old")
    (new / "fresh.geojson").write_text("new")
    ingest._swap_in(new, target)
    assert [p.name for p in target.iterdir()] == ["fresh.geojson"]
    assert [p.name for p in new.iterdir()] == ["old.geojson"]  # left for the caller to delete
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    ingest._swap_in(fresh, tmp_path / "absent")
    assert (tmp_path / "absent").is_dir()


def test_rebuild_refuses_a_wrong_folder_and_keeps_the_store(tmp_path):
    store = tmp_path / "events"
    store.mkdir()
    (store / "2024-05-24_dayseries.geojson").write_text("{}")
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "missing", tmp_path / "empty"):
        with pytest.raises(FrontlineError):
            rebuild(folder, store)
    assert [p.name for p in store.iterdir()] == ["2024-05-24_dayseries.geojson"]


def test_ingest_bytes_refuses_oversized_upload(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTLINE_MAX_REPORT_BYTES", "100")
    r = ingest_bytes("big.txt", b"x" * 101, tmp_path)
    assert not r.ok and "limit" in r.error and r.summary_line().startswith("ERROR big.txt:")
    assert list(tmp_path.iterdir()) == []


def test_no_paths_is_a_no_op(tmp_path):
    assert ingest_files([], tmp_path / "events") == []
    assert not (tmp_path / "events").exists()


# ---------------------------------------------------------------- pipeline


def test_ingest_fixture_reports(tmp_path):
    _pipeline()
    store = tmp_path / "events"
    seen: list[IngestResult] = []
    results = ingest_files([DAY1, *BAD, DAY2], store, on_result=seen.append)
    assert seen == results
    assert [r.ok for r in results] == [True, False, False, True]
    assert all(r.error and r.out_file is None for r in results[1:3])
    names = [p.name for p in event_files(store)]
    assert [n[:20] for n in names] == ["2024-05-24_dayseries", "2024-05-25_dayseries"]
    day1 = results[0]
    assert day1.date == dt.date(2024, 5, 24) and day1.format == "dayseries"
    assert day1.out_file == str(store / names[0]) and day1.outcome == "added"
    assert day1.summary_line().startswith(f"2024-05-24 dayseries  events={day1.events} ")

    gdf = load(store, strict=True)
    assert len(gdf) == day1.events + results[3].events and gdf["id"].is_unique
    d1 = gdf[gdf["date"] == "2024-05-24"]
    places = set(d1["place"])
    assert {"Vovchansk", "Lyptsi", "Synkivka", "Robotyne", "Odesa"} <= places
    by_place = d1.drop_duplicates("place").set_index("place")
    assert by_place.loc["Vovchansk", "front"] == "Kharkiv"
    assert by_place.loc["Vovchansk", "initiative"] == "Russia"
    assert by_place.loc["Robotyne", "front"] == "Zaporizhia"
    assert by_place.loc["Robotyne", "initiative"] == "Ukraine"
    assert by_place.loc["Synkivka", "front"] == "Luhansk"
    odesa = by_place.loc["Odesa"]
    assert pd_isna(odesa["front"]) and pd_isna(odesa["initiative"])  # outside every front
    assert (
        d1["source"] == "Invented Test Headline for the Event Store – Day 821 (May 24, 2024)"
    ).all()
    assert set(d1["report_format"]) == {"dayseries"}
    assert set(d1["report_id"]) == {day1.report_id}
    # Every point is in Ukraine's bounding box.
    assert gdf.geometry.x.between(22, 40.3).all() and gdf.geometry.y.between(44.3, 52.4).all()

    (meta1, _) = FileStore(store).reports()
    fronts = {f["name"]: (f["initiative"], f["initiative_source"]) for f in meta1["fronts"]}
    assert fronts["Kharkiv"] == ("Russia", "stated")
    assert fronts["Zaporizhia"] == ("Ukraine", "stated")
    assert fronts["Kherson"][0] == "None"
    assert day1.unresolved == list(dict.fromkeys(u["mention"] for u in meta1["unresolved"]))
    assert meta1["counts"]["events"] == day1.events


def pd_isna(v) -> bool:
    return v is None or v != v


def test_reingest_is_idempotent_and_path_independent(tmp_path):
    _pipeline()
    store = tmp_path / "events"
    (r1,) = ingest_files([DAY1], store)
    before = Path(r1.out_file).read_bytes()
    ids = list(load(store)["id"])
    moved = tmp_path / "elsewhere" / "renamed.md"
    moved.parent.mkdir()
    moved.write_bytes(DAY1.read_bytes())
    (r2,) = ingest_files([moved], store)
    assert r2.out_file == r1.out_file and Path(r2.out_file).read_bytes() == before
    assert [p.name for p in event_files(store)] == [Path(r1.out_file).name]
    assert r2.outcome == "refreshed" and not r2.same_day
    assert list(load(store)["id"]) == ids


def test_keep_text_false_stores_facts_only(tmp_path):
    _pipeline()
    (r,) = ingest_files([DAY1], tmp_path, keep_text=False)
    text = Path(r.out_file).read_text("utf-8")
    assert '"snippet"' not in text and '"evidence"' not in text
    assert "test sentence" not in text and "Missiles struck" not in text
    (r,) = ingest_files([DAY1], tmp_path / "own", keep_text=True)
    assert '"snippet"' in Path(r.out_file).read_text("utf-8")


def test_ingest_bytes_and_text_match_ingest_files(tmp_path):
    _pipeline()
    (a,) = ingest_files([DAY1], tmp_path / "a")
    b = ingest_bytes("upload.txt", DAY1.read_bytes(), tmp_path / "b")
    c = ingest_text(DAY1.read_text("utf-8"), tmp_path / "c", name="pasted")
    assert b.ok and c.ok and b.path == "upload.txt" and c.path == "pasted"
    assert (
        Path(a.out_file).read_bytes()
        == Path(b.out_file).read_bytes()
        == Path(c.out_file).read_bytes()
    )
    bad = ingest_bytes("evil/../../name.txt", BAD[0].read_bytes(), tmp_path / "d")
    assert not bad.ok and bad.path == "evil/../../name.txt"
    assert not (tmp_path / "d").exists() or list((tmp_path / "d").iterdir()) == []


def test_rebuild_regenerates_and_keeps_what_it_cannot_rebuild(tmp_path):
    _pipeline()
    reports = tmp_path / "reports"
    (reports / "sub").mkdir(parents=True)
    (reports / "a.txt").write_bytes(DAY1.read_bytes())
    (reports / "sub" / "b.txt").write_bytes(DAY2.read_bytes())
    (reports / "INDEX.md").write_text("# index of reports\n")
    (reports / "README.md").write_text("about\n")
    elsewhere = tmp_path / "elsewhere.txt"  # a report that is not in the folder
    elsewhere.write_text(_shifted_report(30), encoding="utf-8")
    store = tmp_path / "events"
    ingest_files([DAY1], store, keep_text=False)
    (gone,) = ingest_files([elsewhere], store, keep_text=False)
    gone_name = Path(gone.out_file).name
    (store / "2023-01-01_isw.geojson").write_text("{}")  # unreadable: cannot be rebuilt
    (store / "README.md").write_text("not an event file: kept")
    (store / ".2024-05-24_dayseries.geojson.x.tmp").write_text("{")  # a crashed write
    lines: list[str] = []
    done = rebuild(reports, store, on_result=lambda r: lines.append(r.summary_line()))
    assert done.ok and [r.ok for r in done.results] == [True, True] and len(lines) == 2
    day1, day2 = (Path(r.out_file).name for r in done.results)
    assert lines[0].endswith(f"-> {store / day1}")
    # DAY1's old file was made again (the same report); the others are kept, never dropped.
    assert sorted(p.name for p in store.iterdir() if not p.name.startswith(".")) == sorted(
        ["2023-01-01_isw.geojson", gone_name, day1, day2, "README.md"]
    )
    assert len(done.kept) == 2 and done.dropped == []
    assert any("2023-01-01_isw" in k for k in done.kept)
    assert any(gone.report_id in k and "not in the folder" in k for k in done.kept)
    assert '"snippet"' not in (store / day1).read_text("utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # temp folder gone
    assert not list(store.glob(".*.tmp"))  # the crashed write's debris too
    # --prune drops the reports that are not in the folder.
    pruned = rebuild(reports, store, prune=True)
    assert pruned.ok and len(pruned.dropped) == 1 and gone.report_id in pruned.dropped[0]
    assert [p.name for p in event_files(store)] == sorted(["2023-01-01_isw.geojson", day1, day2])
    # A folder whose reports all fail leaves the store as it was.
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.txt").write_bytes(BAD[1].read_bytes())
    failed = rebuild(tmp_path / "junk", store)
    assert [r.ok for r in failed.results] == [False] and not failed.swapped
    assert [p.name for p in event_files(store)] == sorted(["2023-01-01_isw.geojson", day1, day2])


def test_cli_ingest_prints_one_line_per_report(tmp_path):
    _pipeline()
    store = tmp_path / "events"
    with cli("ingest", DAY1, DAY2, "--events-dir", store) as proc:
        out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("2024-05-24 dayseries")
    assert lines[1].startswith("2024-05-25 dayseries")
    with cli("ingest", BAD[1], "--events-dir", store) as proc:
        out, err = proc.communicate(timeout=180)
    assert proc.returncode == 2 and out.startswith(f"ERROR {BAD[1]}:")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_ingest_leaves_every_file_complete(tmp_path, sig):
    _pipeline()
    # Many reports, so the ingest is still far from done when the signal lands.
    paths = _many_reports(tmp_path / "reports", 400)
    store = tmp_path / "events"
    with cli("ingest", *paths, "--events-dir", store, stdout=subprocess.DEVNULL) as proc:
        wait_for(lambda: len(event_files(store)) >= 5, what="5 stored reports")
        proc.send_signal(sig)
        proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130
    files = event_files(store)
    assert 5 <= len(files) < 400, "the ingest was not interrupted midway"
    for f in files:
        doc = json.loads(f.read_text("utf-8"))
        assert doc["features"] and doc["frontline"]["counts"]["events"] == len(doc["features"])
    gdf = load(store, strict=True)
    assert gdf["date"].nunique() == len(files)


def test_two_concurrent_ingests_both_land(tmp_path):
    _pipeline()
    paths = _many_reports(tmp_path / "reports", 24)
    store = tmp_path / "events"
    with contextlib.ExitStack() as stack:
        a = stack.enter_context(cli("ingest", *paths[0::2], "--events-dir", store))
        b = stack.enter_context(cli("ingest", *paths[1::2], "--events-dir", store))
        # The same report from both at once: the same text, so the file stays whole.
        c = stack.enter_context(cli("ingest", paths[0], "--events-dir", store))
        for p in (a, b, c):
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
    expected = {(dt.date(2024, 5, 24) + dt.timedelta(days=i)).isoformat() for i in range(24)}
    names = {p.name[:10] for p in event_files(store)}
    assert names == expected and len(event_files(store)) == 24
    gdf = load(store, strict=True)
    assert set(gdf["date"].dt.strftime("%Y-%m-%d")) == expected and gdf["id"].is_unique


def test_concurrent_writes_without_cli(tmp_path):
    """Same guarantee at the store level, independent of the parser."""
    script = tmp_path / "w.py"
    script.write_text(
        "import datetime as dt, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_events import make_report, make_resolved\n"
        "from helpers import write_events\n"
        "from geo.store import records\n"
        "for d in range(int(sys.argv[2]), 60, 2):\n"
        "    # a report of its own each day (a report is its text: the same text is one report)\n"
        "    r = make_report(dt.date(2024, 1, 1) + dt.timedelta(days=d), title=f'Day {d}')\n"
        "    rms = make_resolved() * 20\n"
        "    f = records.build_events(r, rms, True)\n"
        "    write_events(sys.argv[1], r, f, records.build_meta(r, rms, f, True))\n"
    )
    store = tmp_path / "events"
    with contextlib.ExitStack() as stack:
        procs = [stack.enter_context(child(sys.executable, script, store, s)) for s in "01"]
        assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert len(event_files(store)) == 60
    assert load(store, strict=True)["date"].nunique() == 60


def test_online_true_builds_the_nominatim_fallback_lazily():
    online = pytest.importorskip("geo.resolve.online", exc_type=ImportError)
    assert isinstance(ingest._online_fallback(True), online.NominatimFallback)
    marker = object()
    assert ingest._online_fallback(marker) is marker
    assert ingest._online_fallback(False) is None


# ---------------------------------------------------------------- real reports (../shared)

SHARED_REPORTS = settings.shared_dir / "reports"
UA_BBOX = (22.1, 44.3, 40.3, 52.4)  # lon/lat of Ukraine, generously rounded


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_REPORTS.is_dir(), reason="no ../shared development materials")
def test_real_reports_become_facts_only_events(tmp_path):
    _pipeline()
    paths = [
        *sorted((SHARED_REPORTS / "isw").glob("isw_2022-0[3-4]-1*.txt"))[:4],
        *sorted((SHARED_REPORTS / "dayseries").glob("*.txt")),
        *sorted((SHARED_REPORTS / "news").glob("*.txt")),
    ]
    results = ingest_files(paths, tmp_path, keep_text=False)
    assert all(r.ok for r in results), [r.summary_line() for r in results]
    assert all(r.events > 0 for r in results)
    gdf = load(tmp_path, strict=True)
    assert len(gdf) == sum(r.events for r in results) and gdf["id"].is_unique
    for c in ("id", "date", "place", "place_id", "mention", "status", "kind", "precision"):
        assert gdf[c].notna().all(), c
    # A place abroad is on a front only when it lies in that front's own oblasts
    # (the Kursk front); strikes and other places abroad carry no front.
    from geo.places.fronts import front_oblasts
    from geo.places.gazetteer import load_gazetteer

    by_id = {p.place_id: p for p in load_gazetteer().places}
    x, y = gdf.geometry.x, gdf.geometry.y
    in_ua = x.between(UA_BBOX[0], UA_BBOX[2]) & y.between(UA_BBOX[1], UA_BBOX[3])
    abroad = gdf[~in_ua]
    wrong_front = [
        (r.mention, r.place, r.front) for r in abroad.itertuples()
        if r.front is not None and str(r.front) != "nan"
        and by_id[r.place_id].oblast not in front_oblasts(str(r.front))
    ]  # fmt: skip
    assert not wrong_front
    # The news and the day series name Moscow mostly as the government ("Moscow
    # claims", "Moscow's forces"): only the few sentences that put something
    # in or near it may become events there.
    texts = [p.read_text("utf-8") for p in paths if "isw" not in p.name]
    said = sum(t.count("Moscow") for t in texts)
    on_moscow = int((gdf["place"] == "Moscow").sum())
    assert said >= 20 and on_moscow * 4 < said, (on_moscow, said)
    # No sentence of a report reaches the stored files (titles are facts, allowed).
    for r, path in zip(results, paths, strict=True):
        stored = Path(r.out_file).read_text("utf-8")
        title = json.loads(stored)["frontline"]["report"]["title"]
        lines = [ln.strip() for ln in path.read_text("utf-8").splitlines()]
        sentences = [
            ln[:80] for ln in lines if len(ln) > 60 and ln != title and not ln.startswith("http")
        ]
        assert sentences and not [s for s in sentences if s in stored]


def test_missing_file_is_reported_and_others_continue(tmp_path):
    _pipeline()
    results = ingest_files([tmp_path / "nope.txt", DAY2], tmp_path / "events")
    assert [r.ok for r in results] == [False, True]
    assert "not found" in results[0].error
