"""What only the PostGIS store promises: writers that do not block each other, schema
versions with one-line errors, and the backend chosen by FRONTLINE_DATABASE_URL."""

from __future__ import annotations

import subprocess
import sys
import threading

import psycopg
import pytest
from helpers import database_store, database_url, drop_schema, new_schema, report_records

from geo.errors import DatabaseError, SettingsError
from geo.settings import settings
from geo.store import FileStore, LayeredStore, open_store
from geo.store.postgis import PostGISStore
from geo.store.postgis.migrate import latest

UNREACHABLE = "postgresql://frontline:secret-pw@127.0.0.1:1/nothing"


def test_writers_of_different_reports_never_wait_for_each_other(db):
    """A writer holding report A open (mid-transaction) does not delay a write of report B;
    a second writer of A waits for it and then lands."""
    a, b = report_records()[0], report_records()[1]
    with psycopg.connect(db.url, options=f"-c search_path={db.schema},public") as held:
        # what write() does first, left open: the per-report lock and a row of A
        held.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            (f"frontline:report:{db.schema}:{a.report_id}",),
        )
        held.execute(
            "INSERT INTO reports (id, date, format, meta, n_events) VALUES (%s, %s, %s, '{}', 0)",
            (a.report_id, a.date, a.format),
        )
        wrote_b = threading.Event()
        tb = threading.Thread(target=lambda: (db.write(b), wrote_b.set()), daemon=True)
        tb.start()
        assert wrote_b.wait(30)  # B landed while A's transaction is still open
        tb.join(30)
        done = threading.Event()
        outcome: list[str] = []

        def write_a():
            outcome.append(db.write(a, replace=True))
            done.set()

        t = threading.Thread(target=write_a, daemon=True)
        t.start()
        assert not done.wait(0.5)  # A's second writer queues behind the first
        held.commit()
    assert done.wait(15)
    t.join(15)
    assert outcome == ["replaced"]
    assert len(db.load()) == len(a.features) + len(b.features)


def test_schema_not_initialised_old_and_newer_are_one_line_errors():
    url = database_url()
    with database_store(url, init=False) as store:
        with pytest.raises(DatabaseError, match=r"no Frontline tables .* `frontline db init`"):
            store.load()
        store.upgrade(target=1)
        store.close()
        with pytest.raises(DatabaseError, match=r"version 1, this Frontline needs .*db upgrade`"):
            store.stamp()
        applied = store.upgrade()
        assert [m.version for m in applied] == list(range(2, latest() + 1))
        assert store.stamp() == "" and store.version() == latest()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                f"INSERT INTO {store.schema}.schema_version (version, name) VALUES (999, 'x')"
            )
        store.close()
        with pytest.raises(DatabaseError, match=r"version 999, newer than this Frontline"):
            store.stamp()


def test_unreachable_database_is_one_line_without_the_password():
    store = PostGISStore(UNREACHABLE)
    with pytest.raises(DatabaseError) as err:
        store.load()
    msg = str(err.value)
    assert "\n" not in msg and "secret-pw" not in msg
    assert msg.startswith("postgresql://frontline@127.0.0.1:1/nothing") and "cannot connect" in msg


def test_cli_unreachable_database_prints_one_line_and_exits_2(tmp_path):
    env = {"FRONTLINE_DATABASE_URL": UNREACHABLE, "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "export"], capture_output=True, text=True, env=env,
        cwd=settings.repo_root, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("frontline: error: postgresql://"), proc.stderr
    assert "Traceback" not in proc.stderr and "secret-pw" not in proc.stderr


def test_open_store_follows_the_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("FRONTLINE_DATABASE_URL", raising=False)
    monkeypatch.setenv("FRONTLINE_EVENTS_DIR", str(tmp_path))
    default = open_store()  # your uploads over the events folder
    assert isinstance(default, LayeredStore) and default.base.folder == tmp_path
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("FRONTLINE_DATABASE_SCHEMA", "newsroom")
    store = open_store()
    assert isinstance(store, PostGISStore) and store.schema == "newsroom"
    assert "secret-pw" not in store.location
    assert isinstance(open_store(tmp_path), FileStore)  # an explicit folder wins
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", "mysql://x@y/z")
    with pytest.raises(SettingsError, match="FRONTLINE_DATABASE_URL"):
        open_store()
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("FRONTLINE_DATABASE_SCHEMA", "x; drop table y")
    with pytest.raises(SettingsError, match="FRONTLINE_DATABASE_SCHEMA"):
        open_store()


def test_two_stores_in_one_database_are_apart(db):
    other = PostGISStore(db.url, new_schema())
    try:
        other.upgrade()
        db.write(report_records()[0])
        assert other.load().empty and other.stamp() == ""
        assert db.location != other.location
    finally:
        other.close()
        drop_schema(db.url, other.schema)


def test_a_rebuilt_store_never_reuses_a_stamp(db):
    """Stamps key the app's caches: a store emptied and refilled the same way must not
    look unchanged (versions keep counting)."""
    rec = report_records()[0]
    db.write(rec)
    s1 = db.stamp()
    db.remove(rec.report_id)
    db.write(rec)
    assert db.stamp() != s1
