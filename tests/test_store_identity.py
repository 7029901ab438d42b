"""Issue 16, item 1: an upload never replaces a stored report silently, shipped data never.

A report is identified by its source (canonical URL, else its text): a
different report of the same day is added beside the stored one and the
result says so; a different version of the same report is replaced only on
an explicit ``replace`` that names what it replaces; uploads go to their own
store, layered over the read-only shipped data, which keeps every byte.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from helpers import cli, event_files, load

from geo.errors import ReportExists, StoreError
from geo.ingest import ingest_bytes, ingest_files
from geo.store import FileStore, LayeredStore, open_store
from geo.store.records import canonical_url

FIXTURES = Path(__file__).parent / "fixtures"
ISW = FIXTURES / "reports" / "isw_2022-10-21.txt"  # names its URL on line 2
DAY1 = FIXTURES / "events_dayseries_2024-05-24.txt"

# Three lines, the same day and format as ISW: a different report of that day.
THREE_LINES = (
    b"Russian Offensive Campaign Assessment, October 21, 2022\n\n"
    b"Russian forces attacked near Bakhmut.\n"
)


def _bytes_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A shipped store (facts only, as data/events) holding the ISW report."""
    base = tmp_path / "events"
    (r,) = ingest_files([ISW], base, keep_text=False)
    assert r.ok and r.events > 0
    return base


def test_an_upload_of_the_same_day_is_added_beside_and_shipped_data_keeps_every_byte(
    shipped, tmp_path
):
    before = _bytes_of(shipped)
    n_before = len(load(shipped))
    store = LayeredStore(shipped, tmp_path / "uploads")
    r = ingest_bytes("three-lines.txt", THREE_LINES, store)
    assert r.ok and r.date == dt.date(2022, 10, 21) and r.format == "isw"
    assert r.outcome == "added" and r.events == 1
    # The result says another report of that date and format is stored, and names it.
    assert len(r.same_day) == 1 and "Russian Offensive Campaign Assessment" in r.same_day[0]
    assert "also stored for this date and format" in r.summary_line()
    assert _bytes_of(shipped) == before  # not a byte of the shipped data changed
    assert Path(r.out_file).parent == tmp_path / "uploads"
    shown = store.load()
    assert len(shown) == n_before + r.events  # both reports are on the map
    assert set(shown["report_id"]) == {*load(shipped)["report_id"], r.report_id}


def test_replacing_needs_an_explicit_choice_that_says_what_it_replaces(shipped, tmp_path):
    before = _bytes_of(shipped)
    (shipped_id,) = set(load(shipped)["report_id"])
    store = LayeredStore(shipped, tmp_path / "uploads")
    r = ingest_bytes("three-lines.txt", THREE_LINES, store, replace=True)
    assert r.ok and r.outcome == "replaced"
    assert len(r.replaced) == 1 and shipped_id in r.replaced[0]
    assert "shipped data" in r.replaced[0] and "replaced " in r.summary_line()
    assert _bytes_of(shipped) == before  # the shipped file is hidden, never touched
    assert set(store.load()["report_id"]) == {r.report_id}
    assert not store.exists(shipped_id) and store.exists(r.report_id)


def test_a_different_version_of_a_shipped_report_is_refused_then_replaced_on_request(
    shipped, tmp_path
):
    before = _bytes_of(shipped)
    store = LayeredStore(shipped, tmp_path / "uploads")
    edited = ISW.read_bytes().replace(b"Bakhmut", b"Soledar", 1)  # same URL, other text
    assert edited != ISW.read_bytes()
    r = ingest_bytes("isw_2022-10-21.txt", edited, store)
    assert not r.ok and r.existing and "shipped data" in r.existing[0]
    assert "already stored" in r.error and len(r.error) < 400
    assert not event_files(tmp_path / "uploads")
    r = ingest_bytes("isw_2022-10-21.txt", edited, store, replace=True)
    assert r.ok and r.outcome == "replaced"
    assert _bytes_of(shipped) == before
    assert set(store.load()["report_id"]) == {r.report_id}  # the upload hides the shipped one


def test_the_same_report_again_is_refreshed_never_duplicated(shipped, tmp_path):
    store = LayeredStore(shipped, tmp_path / "uploads")
    (shipped_id,) = set(load(shipped)["report_id"])
    r = ingest_bytes("isw_2022-10-21.txt", ISW.read_bytes(), store)
    assert r.ok and r.report_id == shipped_id and r.outcome == "refreshed" and not r.same_day
    again = ingest_bytes("copy_2022-10-21.txt", ISW.read_bytes(), store)
    assert again.ok and again.outcome == "refreshed"
    shown = store.load()
    assert set(shown["report_id"]) == {shipped_id} and shown["id"].is_unique


def test_the_layered_store_never_writes_into_the_base(shipped, tmp_path):
    store = LayeredStore(shipped, tmp_path / "uploads")
    (shipped_id,) = set(load(shipped)["report_id"])
    with pytest.raises(StoreError, match="read-only"):
        store.base.write(_record_of(ISW), replace=True)
    before = _bytes_of(shipped)
    assert store.remove(shipped_id)  # hidden by a marker in the uploads
    assert _bytes_of(shipped) == before and not store.exists(shipped_id)
    assert len(store.load()) == 0
    assert (tmp_path / "uploads" / f"{shipped_id}.hidden").is_file()


def test_open_store_puts_uploads_over_the_events_store(shipped, tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTLINE_EVENTS_DIR", str(shipped))
    monkeypatch.setenv("FRONTLINE_UPLOADS_DIR", str(tmp_path / "mine"))
    store = open_store()
    assert isinstance(store, LayeredStore) and store.base.read_only
    r = ingest_bytes("three-lines.txt", THREE_LINES, store)
    assert r.ok and Path(r.out_file).parent == tmp_path / "mine"
    # The upload keeps its text, so a rebuild can read it again.
    kept = json.loads((tmp_path / "mine" / ".sources" / f"{r.report_id}.json").read_text())
    assert kept["text"].startswith("Russian Offensive Campaign Assessment")


def test_a_file_written_before_ids_carried_the_source_is_still_the_same_report(tmp_path):
    """Shipped files named ``<date>_<format>.geojson`` hold a URL and no text digest."""
    store = tmp_path / "events"
    (r,) = ingest_files([ISW], store, keep_text=False)
    path = Path(r.out_file)
    doc = json.loads(path.read_text("utf-8"))
    for k in ("source", "content_hash"):
        del doc["frontline"]["report"][k]
    doc["frontline"]["report"]["report_id"] = "2022-10-21_isw"
    legacy = store / "2022-10-21_isw.geojson"
    legacy.write_text(json.dumps(doc), encoding="utf-8")
    path.unlink()
    with pytest.raises(ReportExists, match="2022-10-21_isw"):
        FileStore(store).write(_record_of(ISW))
    (again,) = ingest_files([ISW], store, keep_text=False, replace=True)
    assert again.ok and again.replaced and "2022-10-21_isw " in again.replaced[0]
    assert [p.name for p in event_files(store)] == [path.name]  # the old file is gone


def _record_of(path: Path):
    from geo.parse.report import parse_file
    from geo.places.gazetteer import load_gazetteer
    from geo.resolve.resolver import resolve_report
    from geo.store.records import build_record

    gaz = load_gazetteer()
    report = parse_file(path, gaz=gaz)
    return build_record(report, resolve_report(report, gaz, None), keep_text=False)


@pytest.mark.slow
def test_cli_ingest_adds_a_second_report_of_a_day_beside_the_first_and_replace_says_what(
    tmp_path,
):
    store = tmp_path / "events"
    second = tmp_path / "second.txt"  # the same day's bulletin, written differently
    second.write_text(DAY1.read_text("utf-8").replace("Vovchansk", "Lyptsi", 1), "utf-8")
    with cli("ingest", DAY1, "--events-dir", store) as p:
        out, err = p.communicate(timeout=180)
    assert p.returncode == 0, err
    with cli("ingest", second, "--events-dir", store) as p:
        out, err = p.communicate(timeout=180)
    assert p.returncode == 0, err
    assert "also stored for this date and format: 2024-05-24_dayseries_" in out
    assert len(event_files(store)) == 2
    with cli("ingest", second, "--events-dir", store, "--replace") as p:
        out, err = p.communicate(timeout=180)
    assert p.returncode == 0, err
    assert "replaced 2024-05-24_dayseries_" in out and "events)" in out
    (left,) = event_files(store)
    assert json.loads(left.read_text("utf-8"))["frontline"]["report"]["title"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.understandingwar.org/backgrounder/x", "http://understandingwar.org/backgrounder/x/"),
        ("https://example.org/a?utm_source=t&id=3#top", "https://EXAMPLE.org:443/a?id=3"),
    ],
)  # fmt: skip
def test_one_page_is_one_source_however_its_url_is_written(a, b):
    assert canonical_url(a) == canonical_url(b) is not None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "", None, "not a url", "http://"])
def test_what_is_not_a_web_address_is_no_source(url):
    assert canonical_url(url) is None


def test_export_without_a_store_named_is_what_the_dashboard_shows(shipped, tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTLINE_EVENTS_DIR", str(shipped))
    monkeypatch.setenv("FRONTLINE_UPLOADS_DIR", str(tmp_path / "mine"))
    r = ingest_bytes("three-lines.txt", THREE_LINES, open_store())
    assert r.ok
    out = tmp_path / "all.geojson"
    env = {"FRONTLINE_EVENTS_DIR": str(shipped), "FRONTLINE_UPLOADS_DIR": str(tmp_path / "mine")}
    with cli("export", "-o", out, env={**os.environ, **env}) as p:
        _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    ids = {f["properties"]["report_id"] for f in json.loads(out.read_text())["features"]}
    assert ids == set(open_store().load()["report_id"]) and r.report_id in ids
    assert len(ids) == 2
