"""``frontline fetch`` / ``frontline update`` against a local stand-in publisher: reports of
both site generations land in the store with the right dates, events and addresses; holidays,
busy servers, hangs, cut pages, redirects and unknown layouts are told apart; a second run
downloads nothing; an interrupted run resumes; two runs at once never fetch twice."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from publisher import (
    NAV_PLACES,
    cut,
    hang,
    new_page,
    old_page,
    page,
    places_of,
    publisher,
    redirect,
    status,
    truncated,
)

from geo.errors import FrontlineError, UpdateBusy
from geo.fetch.raw import RawPages
from geo.fetch.sources.isw import SOURCE, new_path, old_path
from geo.fetch.update import (
    latest_line,
    latest_report,
    run,
    update,
    update_all,
)
from geo.settings import settings
from geo.store import FileStore

OLD = dt.date(2025, 2, 27)  # old site (asked there first)
HOLIDAY = dt.date(2025, 2, 28)  # nothing anywhere
NEW = dt.date(2025, 3, 1)  # current site (asked there first from March 2025)
MODIFIED = dt.datetime(2025, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def gaz():
    from geo.places.gazetteer import load_gazetteer

    return load_gazetteer()


@pytest.fixture(autouse=True)
def _fast(monkeypatch, tmp_path):
    """Short timeouts and waits, and a cache of the test's own."""
    for k, v in {
        "FRONTLINE_CACHE": str(tmp_path / "cache"),
        "FRONTLINE_FETCH_INTERVAL": "0",
        "FRONTLINE_FETCH_BACKOFF": "0.01",
        "FRONTLINE_FETCH_READ_TIMEOUT": "1",
        "FRONTLINE_FETCH_CONNECT_TIMEOUT": "2",
        "FRONTLINE_FETCH_RETRIES": "1",
    }.items():
        monkeypatch.setenv(k, v)


@pytest.fixture
def site():
    with publisher() as pub:
        yield pub


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "events")


def _serve_old(site, day: dt.date, note: str = "", etag: str | None = None) -> None:
    site.serve(old_path(day), page(old_page(day, note), etag=etag or f'"{day}"', modified=MODIFIED))


def _serve_new(site, day: dt.date, note: str = "", etag: str | None = None) -> None:
    site.serve(new_path(day), page(new_page(day, note), etag=etag or f'"{day}"', modified=MODIFIED))


def _go(site, tmp_path, store, since, until, gaz, **kw):
    return update(
        SOURCE, store, since, until, base_url=site.url, raw_dir=tmp_path / "raw", gaz=gaz,
        today=dt.date(2025, 3, 10), **kw,
    )  # fmt: skip


def _pages(site) -> list:
    return [h for h in site.requested() if h.path != "/robots.txt"]


def _mentions(store: FileStore, day: dt.date) -> set[str]:
    ev = store.load()
    return set(ev.loc[ev["date"].dt.date == day, "mention"])


def test_update_adds_one_report_per_published_date_on_both_sites(site, tmp_path, store, gaz):
    _serve_old(site, OLD)
    _serve_new(site, NEW)
    seen = []
    s = _go(site, tmp_path, store, OLD, NEW, gaz, on_progress=lambda *a: seen.append(a[:2]))
    assert s.line() == "2 new reports, 1 date not published, 0 failed"
    assert s.exit_code == 0 and seen == [(1, 3), (2, 3), (3, 3)]
    by_date = {r["report"]["date"]: r["report"] for r in store.reports()}
    assert set(by_date) == {OLD.isoformat(), NEW.isoformat()}
    assert by_date[OLD.isoformat()]["url"] == "https://www.understandingwar.org" + old_path(OLD)
    assert by_date[NEW.isoformat()]["url"] == "https://understandingwar.org" + new_path(NEW)
    for day in (OLD, NEW):
        (e1, e2), (s1, _) = places_of(day)
        got = _mentions(store, day)
        assert {e1, e2, s1} <= got
        assert not got & set(NAV_PLACES)  # navigation never reaches the map
    # the holiday was asked at both addresses; the old-site date only where it was
    assert [h.status for h in site.requested(old_path(HOLIDAY))] == [404]
    assert [h.status for h in site.requested(new_path(HOLIDAY))] == [404]
    assert not site.requested(new_path(OLD))
    # the raw folder keeps each page as fetched, with its address, time and validators
    meta = json.loads((tmp_path / "raw/isw/2025/2025-02-27.json").read_text())
    assert meta["url"] == site.url + old_path(OLD) and meta["etag"] == f'"{OLD}"'
    assert meta["fetched_at"] and meta["status"] == 200
    saved = (tmp_path / "raw/isw/2025/2025-02-27.html").read_text("utf-8")
    assert saved == old_page(OLD)
    assert json.loads((tmp_path / "raw/isw/2025/2025-02-28.json").read_text())["status"] == 404


def test_second_run_adds_nothing_and_downloads_nothing(site, tmp_path, store, gaz):
    _serve_old(site, OLD)
    _serve_new(site, NEW)
    _go(site, tmp_path, store, OLD, NEW, gaz)
    before = len(_pages(site))
    stamp = store.stamp()
    again = _go(site, tmp_path, store, OLD, NEW, gaz)
    assert again.line() == "0 new reports, 1 date not published, 0 failed; 2 already stored"
    assert len(_pages(site)) == before and again.requests == 0  # not even the holiday
    # asked again on purpose, every page answers 304: nothing downloaded, nothing written
    checked = _go(site, tmp_path, store, OLD, NEW, gaz, recheck=True)
    assert checked.line() == "0 new reports, 1 date not published, 0 failed; 2 unchanged"
    assert checked.downloaded_bytes == 0
    assert [
        h.status for h in _pages(site)[before:] if h.path in (old_path(OLD), new_path(NEW))
    ] == [304, 304]
    assert site.requested(new_path(NEW))[-1].headers["If-None-Match"] == f'"{NEW}"'
    assert store.stamp() == stamp


def test_fetch_only_keeps_pages_and_revalidates_them(site, tmp_path, gaz):
    _serve_old(site, OLD)
    days = [OLD, HOLIDAY]
    first = run(SOURCE, days, store=None, base_url=site.url, raw_dir=tmp_path / "raw")
    assert first.line() == "1 page downloaded, 1 date not published, 0 failed"
    second = run(SOURCE, days, store=None, base_url=site.url, raw_dir=tmp_path / "raw")
    assert second.line() == "0 pages downloaded, 1 date not published, 0 failed; 1 unchanged"
    assert second.downloaded_bytes == 0 and site.requested(old_path(OLD))[-1].status == 304


def test_busy_server_is_retried(site, tmp_path, store, gaz):
    site.serve(old_path(OLD), status(500), page(old_page(OLD)))
    site.serve(new_path(NEW), status(429, Retry_After="0"), page(new_page(NEW)))
    s = _go(site, tmp_path, store, OLD, NEW, gaz)
    assert s.line() == "2 new reports, 1 date not published, 0 failed"
    assert [h.status for h in site.requested(old_path(OLD))] == [500, 200]
    assert [h.status for h in site.requested(new_path(NEW))] == [429, 200]


def test_page_that_hangs_past_the_timeout_fails_that_date_only(site, tmp_path, store, gaz):
    site.serve(old_path(OLD), hang(3.0))
    _serve_new(site, NEW)
    s = _go(site, tmp_path, store, OLD, NEW, gaz)
    assert s.line() == "1 new report, 1 date not published, 1 failed"
    assert s.exit_code == 1
    (bad,) = s.failed
    assert bad.day == OLD and site.url + old_path(OLD) in (bad.problem or "")
    assert {r["report"]["date"] for r in store.reports()} == {NEW.isoformat()}


def test_cut_pages_fail_and_nothing_is_ingested(site, tmp_path, store, gaz):
    html = old_page(OLD)
    site.serve(old_path(OLD), truncated(html, 2000))  # shorter than its Content-Length
    new = new_page(NEW)
    site.serve(new_path(NEW), cut(new, new.index("russian-supporting-effort")))  # no length
    s = _go(site, tmp_path, store, OLD, NEW, gaz)
    assert s.line() == "0 new reports, 1 date not published, 2 failed"
    problems = {o.day: o.problem or "" for o in s.failed}
    assert "cut short" in problems[OLD]
    saved = str(tmp_path / "raw/isw/2025/2025-03-01.html")
    assert "cut short" in problems[NEW] and f"(saved as {saved})" in problems[NEW]
    assert "https://understandingwar.org" + new_path(NEW) in problems[NEW]
    assert Path(saved).exists()  # kept as fetched, for the user to look at
    assert store.reports() == []


def test_redirect_to_the_current_site_is_followed(site, tmp_path, store, gaz):
    site.serve(old_path(OLD), redirect(new_path(OLD)))
    site.serve(new_path(OLD), page(new_page(OLD)))
    s = _go(site, tmp_path, store, OLD, OLD, gaz)
    assert s.line() == "1 new report, 0 dates not published, 0 failed"
    (rep,) = store.reports()
    assert rep["report"]["url"] == "https://understandingwar.org" + new_path(OLD)


def test_redirect_to_a_page_that_is_not_the_report_means_not_published(site, tmp_path, store, gaz):
    home = new_page(NEW).replace("Russian Offensive Campaign Assessment, March 1, 2025", "Home")
    site.serve(old_path(OLD), redirect("/"))
    site.serve(new_path(OLD), redirect("/"))
    site.serve("/", page(home))
    s = _go(site, tmp_path, store, OLD, OLD, gaz)
    assert s.line() == "0 new reports, 1 date not published, 0 failed"
    assert "leads to" in (s.outcomes[0].note or "") and store.reports() == []


def test_report_of_another_date_at_the_address_is_an_error(site, tmp_path, store, gaz):
    site.serve(old_path(OLD), page(old_page(HOLIDAY)))
    s = _go(site, tmp_path, store, OLD, OLD, gaz)
    assert "is the report of 2025-02-28, not of 2025-02-27" in (s.failed[0].problem or "")
    assert store.reports() == []


def test_unknown_layout_is_an_error_naming_the_url_and_the_saved_file(site, tmp_path, store, gaz):
    site.serve(old_path(OLD), page(old_page(OLD).replace("field-name-body", "field-name-text")))
    portal = (
        "<html><head><title>Sign in to the network</title></head><body><p>Kherson</p></body></html>"
    )
    site.serve(new_path(NEW), page(portal))
    s = _go(site, tmp_path, store, OLD, NEW, gaz)
    assert s.line() == "0 new reports, 1 date not published, 2 failed"
    problems = {o.day: o.problem or "" for o in s.failed}
    assert "https://www.understandingwar.org" + old_path(OLD) in problems[OLD]
    assert str(tmp_path / "raw/isw/2025/2025-02-27.html") in problems[OLD]
    assert "layout is unknown" in problems[OLD]
    assert "not a page of the ISW Russian Offensive Campaign Assessment site" in problems[NEW]
    assert store.reports() == []


def test_corrected_edition_replaces_the_stored_report_and_says_so(site, tmp_path, store, gaz):
    _serve_old(site, OLD, etag='"v1"')
    _go(site, tmp_path, store, OLD, OLD, gaz)
    first_hash = store.reports()[0]["report"]["content_hash"]
    _serve_old(site, OLD, note=" (corrected)", etag='"v2"')
    s = _go(site, tmp_path, store, OLD, OLD, gaz, recheck=True)
    assert s.line() == (
        "0 new reports, 0 dates not published, 0 failed; "
        "1 corrected edition replaced the stored report"
    )
    assert (
        s.outcomes[0].line().startswith("2025-02-27 corrected edition, replaced the stored report")
    )
    (rep,) = store.reports()
    assert rep["report"]["content_hash"] != first_hash


def test_interrupted_run_resumes_without_asking_twice(site, tmp_path, store, gaz):
    days = [OLD + dt.timedelta(days=k) for k in range(3)]
    for d in days:
        _serve_old(site, d)

    def stop_after_first(done, total, outcome):
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _go(site, tmp_path, store, days[0], days[-1], gaz, on_progress=stop_after_first)
    assert [r["report"]["date"] for r in store.reports()] == [days[0].isoformat()]
    s = _go(site, tmp_path, store, days[0], days[-1], gaz)  # the lock was released
    assert s.line() == "2 new reports, 0 dates not published, 0 failed; 1 already stored"
    assert len(site.requested(old_path(days[0]))) == 1


def test_update_after_a_fetch_downloads_nothing_again(site, tmp_path, store, gaz):
    # a run stopped between fetching and ingesting leaves pages in the raw folder only
    _serve_old(site, OLD)
    _serve_new(site, NEW)
    run(SOURCE, [OLD, HOLIDAY, NEW], store=None, base_url=site.url, raw_dir=tmp_path / "raw")
    s = _go(site, tmp_path, store, OLD, NEW, gaz)
    assert s.line() == "2 new reports, 1 date not published, 0 failed"
    assert s.downloaded_bytes == 0  # both pages confirmed with 304, ingested from the raw folder
    assert [h.status for h in site.requested(old_path(OLD))] == [200, 304]


def test_two_runs_at_once_never_fetch_or_ingest_twice(site, tmp_path, store, gaz):
    _serve_old(site, OLD)
    _serve_new(site, NEW)
    entered, release = site.gate(old_path(OLD))
    results: list = []
    first = threading.Thread(
        target=lambda: results.append(_go(site, tmp_path, store, OLD, NEW, gaz))
    )
    first.start()
    try:
        assert entered.wait(10)  # the first run is fetching now
        with pytest.raises(UpdateBusy, match=r"another fetch or update of isw is running \(pid"):
            _go(site, tmp_path, FileStore(tmp_path / "events"), OLD, NEW, gaz)
    finally:
        release.set()
        first.join(20)
    assert results[0].line() == "2 new reports, 1 date not published, 0 failed"
    assert len(site.requested(old_path(OLD))) == 1 and len(site.requested(new_path(NEW))) == 1
    assert len(store.reports()) == 2


def test_missing_date_is_asked_again_until_it_settles(site, tmp_path, store, gaz):
    today = dt.date.today()
    recent = today - dt.timedelta(days=1)
    raw = tmp_path / "raw"
    kw = dict(base_url=site.url, raw_dir=raw, gaz=gaz, today=today)
    update(SOURCE, store, recent, recent, **kw)
    update(SOURCE, store, recent, recent, **kw)
    assert len(site.requested(old_path(recent))) == 2  # ISW may still publish it
    _serve_new(site, recent)
    assert update(SOURCE, store, recent, recent, **kw).line().startswith("1 new report")
    # a date asked long after it stays "not published" without a request
    update(SOURCE, store, HOLIDAY, HOLIDAY, **kw)
    update(SOURCE, store, HOLIDAY, HOLIDAY, **kw)
    assert len(site.requested(old_path(HOLIDAY))) == 1


def test_without_since_update_continues_from_the_newest_stored_report(site, tmp_path, store, gaz):
    _serve_old(site, OLD)
    with pytest.raises(FrontlineError, match="give --since"):
        _go(site, tmp_path, store, None, None, gaz)
    _go(site, tmp_path, store, OLD, OLD, gaz)
    _serve_new(site, NEW)
    s = _go(site, tmp_path, store, None, None, gaz)
    settle = settings.fetch_settle_days
    assert s.since == OLD - dt.timedelta(days=settle) and s.until == dt.date(2025, 3, 10)
    assert s.count("stored") == 1 and s.count("new") == 1
    assert len(site.requested(old_path(OLD))) == 1


def test_until_before_since_is_refused(site, tmp_path, store, gaz):
    with pytest.raises(FrontlineError, match="after"):
        _go(site, tmp_path, store, NEW, OLD, gaz)


def test_app_update_starts_a_week_back_on_an_empty_store(site, tmp_path, store, gaz):
    today = dt.date(2025, 3, 3)
    _serve_new(site, NEW)
    progress: list[tuple[int, int]] = []
    (s,) = update_all(
        store, on_progress=lambda d, t, o: progress.append((d, t)), base_url=site.url,
        raw_dir=tmp_path / "raw", gaz=gaz, today=today,
    )  # fmt: skip
    assert s.since == today - dt.timedelta(days=7) and progress[-1] == (8, 8)
    assert s.count("new") == 1


def test_latest_report_line(store, gaz):
    assert latest_line(latest_report(store)) == "No reports yet"
    d = dt.date(2024, 5, 3)
    assert latest_line(d, d) == "Latest report: 03 May 2024 (today)"
    assert latest_line(d, d + dt.timedelta(days=1)) == "Latest report: 03 May 2024 (yesterday)"
    assert latest_line(d, d + dt.timedelta(days=12)) == "Latest report: 03 May 2024 (12 days ago)"


def test_latest_report_is_the_newest_date_in_the_store(tmp_path):
    from helpers import write_store

    folder = write_store(tmp_path / "events")
    dates = {r["report"]["date"] for r in FileStore(folder).reports()}
    assert latest_report(FileStore(folder)) == dt.date.fromisoformat(max(dates))


def test_raw_folder_inside_the_repository_is_refused():
    with pytest.raises(FrontlineError, match="must not be inside the Frontline repository"):
        RawPages(settings.repo_root / "data" / "raw", "isw")


# --- the command --------------------------------------------------------------------------


def test_command_exits_75_when_another_run_holds_the_source(tmp_path, capsys):
    from geo.cli import main

    raw = tmp_path / "raw"
    with RawPages(raw, "isw").lock():
        code = main([
            "update", "isw", "--since", "2025-02-27", "--until", "2025-02-27",
            "--base-url", "http://127.0.0.1:9", "--raw-dir", str(raw),
            "--events-dir", str(tmp_path / "events"),
        ])  # fmt: skip
    assert code == 75
    assert "another fetch or update of isw is running" in capsys.readouterr().err


def test_command_refuses_a_bad_base_url(capsys):
    from geo.cli import main

    with pytest.raises(SystemExit):
        main(["fetch", "isw", "--since", "2025-02-27", "--base-url", "ftp://mirror"])
    assert "http(s)://host" in capsys.readouterr().err


@pytest.mark.slow
def test_update_command_against_a_plain_static_server(tmp_path):
    """The issue's check: `python -m http.server` over old-site pages at their real paths."""
    days = [dt.date(2023, 5, 1) + dt.timedelta(days=k) for k in range(5)]
    published = [days[0], days[2], days[3]]
    site = tmp_path / "site"
    for d in published:
        path = site / old_path(d).lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(old_page(d), "utf-8")
    env = {
        **os.environ, "FRONTLINE_CACHE": str(tmp_path / "cache"), "FRONTLINE_FETCH_INTERVAL": "0",
        "FRONTLINE_USER_AGENT": "frontline-test/0 (tests@example.org)", "PYTHONUNBUFFERED": "1",
    }  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "-d", str(site)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = server.stdout.readline() if server.stdout else ""  # "Serving HTTP on ... port N"
        port = line.split(" port ")[1].split()[0]
        cmd = [
            sys.executable, "-m", "geo", "update", "isw", "--since", days[0].isoformat(),
            "--until", days[-1].isoformat(), "--base-url", f"http://127.0.0.1:{port}",
            "--events-dir", str(tmp_path / "events"), "--raw-dir", str(tmp_path / "raw"),
        ]  # fmt: skip
        root = settings.repo_root
        first = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        assert first.stdout.splitlines()[-1] == "3 new reports, 2 dates not published, 0 failed"
        store = FileStore(tmp_path / "events")
        assert [r["report"]["date"] for r in store.reports()] == [d.isoformat() for d in published]
        for d in published:
            assert set(places_of(d)[0]) <= _mentions(store, d)
        files = {p: p.stat().st_mtime_ns for p in (tmp_path / "events").glob("*.geojson")}
        second = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
        assert second.stdout.splitlines()[-1] == (
            "0 new reports, 2 dates not published, 0 failed; 3 already stored"
        )
        third = subprocess.run(
            [*cmd, "--recheck"], env=env, cwd=root, capture_output=True, text=True, timeout=120
        )
        assert third.stdout.splitlines()[-1].endswith("; 3 unchanged")
        assert files == {p: p.stat().st_mtime_ns for p in (tmp_path / "events").glob("*.geojson")}
    finally:
        server.kill()
        server.wait(10)
    log = server.stderr.read() if server.stderr else ""
    page_gets = [ln for ln in log.splitlines() if "/backgrounder/" in ln and '" 200 ' in ln]
    assert len(page_gets) == 3  # each page downloaded once; the recheck got 304s
    assert log.count('" 304 ') == 3


def test_app_messages_list_the_first_failures():
    from geo.fetch.update import DateOutcome, RunSummary, progress_text, summary_message

    fails = [DateOutcome(OLD + dt.timedelta(days=k), "failed", problem=f"p{k}") for k in range(5)]
    s = RunSummary("isw", ingest=True, outcomes=[DateOutcome(NEW, "new", events=3), *fails])
    ok, lines = summary_message([s])
    assert not ok
    assert lines[0] == "isw: 1 new report, 0 dates not published, 5 failed"
    assert lines[1:4] == ["2025-02-27 failed: p0", "2025-02-28 failed: p1", "2025-03-01 failed: p2"]
    assert lines[4].startswith("… and 2 more failures")
    assert progress_text(2, 8, fails[0]) == "2/8: 2025-02-27 failed"
    assert summary_message([RunSummary("isw", ingest=True)]) == (
        True, ["isw: 0 new reports, 0 dates not published, 0 failed"]
    )  # fmt: skip
