"""Issue 16, items 6, 7 and 14: bad input never freezes anything or becomes data.

- an upload is read in a worker process with a time limit; a stopped worker
  is one line of error, stores nothing and leaves no process behind;
- a FIFO (or any non-regular file) as a report is refused at once;
- an error that quotes a hostile input is cut to one short line;
- a report dated after tomorrow is refused unless its date is given.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest
from helpers import cli, event_files, load
from test_ingest import DAY1

from geo import uploads
from geo.errors import MAX_MESSAGE_CHARS
from geo.ingest import ingest_bytes, ingest_files
from geo.store import FileStore


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_an_upload_is_read_in_a_worker_and_lands_in_the_store(tmp_path):
    store = FileStore(tmp_path / "events")
    r = uploads.ingest_upload("bulletin.txt", DAY1.read_bytes(), store, time_limit=120)
    assert r.ok and r.date == dt.date(2024, 5, 24) and r.events > 0, r.summary_line()
    assert r.outcome == "added" and Path(r.out_file).is_file()
    assert len(load(tmp_path / "events")) == r.events


@pytest.mark.slow
def test_an_upload_past_its_time_limit_is_stopped_with_one_line_and_no_process_left(tmp_path):
    """The worker cannot finish (the store's lock is held here), so the limit stops it."""
    store = FileStore(tmp_path / "events")
    uploads.prewarm()
    worker = uploads._spare
    assert worker is not None
    with store.lock():
        r = uploads.ingest_upload("slow.txt", DAY1.read_bytes(), store, time_limit=8)
    assert not r.ok and r.error is not None
    assert r.error.startswith("not stored: ") and "\n" not in r.error
    assert len(r.error) <= MAX_MESSAGE_CHARS
    assert r.summary_line().startswith("ERROR slow.txt: not stored")
    assert event_files(tmp_path / "events") == []  # nothing was written
    assert not _alive(worker.proc.pid)  # the stopped worker is gone, not left running


def test_a_problem_in_the_worker_is_one_line_of_error(tmp_path, monkeypatch):
    # The worker reads the settings in force when the upload was made.
    monkeypatch.setenv("FRONTLINE_MAX_REPORT_BYTES", "not a number")
    r = uploads.ingest_upload("x.txt", b"hello", FileStore(tmp_path), time_limit=120)
    assert not r.ok and "FRONTLINE_MAX_REPORT_BYTES" in r.error and "\n" not in r.error


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    result: list = []
    t = threading.Thread(
        target=lambda: result.extend(ingest_files([fifo], tmp_path / "events")), daemon=True
    )
    t.start()
    t.join(60)  # a reader opening the FIFO would wait here for ever
    if t.is_alive():  # unblock the stuck reader, so the test ends, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("ingest of a FIFO hangs")
    (r,) = result
    assert not r.ok and "not a regular file" in r.error
    with cli("parse", fifo) as p:
        _, err = p.communicate(timeout=120)
    assert p.returncode == 2 and "not a regular file" in err and err.count("\n") == 1


def test_an_error_quoting_a_hostile_input_is_one_short_line(tmp_path):
    heading = "Kharkiv Front – Initiative " + "Zz" * 2_000_000  # a 4 MB front heading
    text = f"Invented Bulletin – Day 821 (May 24, 2024)\n\n{heading}\n\nVovchansk\n"
    r = ingest_bytes("long.txt", text.encode(), tmp_path / "events")
    line = r.summary_line()
    assert len(line) <= MAX_MESSAGE_CHARS + 40 and "\n" not in line
    report = tmp_path / "long.txt"
    report.write_text(text, encoding="utf-8")
    with cli("ingest", report, "--events-dir", tmp_path / "cli") as p:
        out, err = p.communicate(timeout=300)
    assert len(out) + len(err) < 2_000, (out[:200], err[:200])


def test_a_report_dated_after_tomorrow_is_refused_unless_its_date_is_given(tmp_path):
    far = dt.date.today() + dt.timedelta(days=3650)
    text = DAY1.read_text("utf-8").replace("(May 24, 2024)", f"({far:%B} {far.day}, {far.year})")
    store = tmp_path / "events"
    r = ingest_bytes("future.txt", text.encode(), store)
    assert not r.ok and r.needs_date and f"dated {far.isoformat()}, after tomorrow" in r.error
    assert f"--date {far.isoformat()}" in r.error and event_files(store) == []
    r = ingest_bytes("future.txt", text.encode(), store, date=far)
    assert r.ok and r.date == far
    tomorrow = dt.date.today() + dt.timedelta(days=1)  # a report of a time zone ahead: fine
    soon = DAY1.read_text("utf-8").replace(
        "(May 24, 2024)", f"({tomorrow:%B} {tomorrow.day}, {tomorrow.year})"
    )
    assert ingest_bytes("soon.txt", soon.encode(), store).ok
