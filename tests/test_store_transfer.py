"""Moving between the file store and PostGIS loses nothing: ``frontline db import/export``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest
from helpers import report_records, write_store

from geo.cli import main
from geo.settings import settings

SHIPPED = settings.data_dir / "events"


@pytest.fixture
def cli_db(db, monkeypatch):
    """``frontline`` commands pointed at the test's own PostGIS schema."""
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", db.url)
    monkeypatch.setenv("FRONTLINE_DATABASE_SCHEMA", db.schema)
    return db


def _export(tmp_path: Path, name: str, *args: str) -> dict:
    out = tmp_path / name
    assert main(["export", "-o", str(out), *args]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_db_import_then_export_gives_the_file_stores_feature_collection(
    cli_db, tmp_path, monkeypatch, capsys
):
    if not any(SHIPPED.glob("*.geojson")):
        pytest.skip("no shipped events in data/events")
    assert main(["db", "import", str(SHIPPED)]) == 0
    n = len(list(SHIPPED.glob("*.geojson")))
    assert f"{n} reports: {n} added" in capsys.readouterr().out
    from_db = _export(tmp_path, "db.geojson")
    files = _export(tmp_path, "files.geojson", "--events-dir", str(SHIPPED))
    assert len(files["features"]) > 1000
    assert from_db == files
    # a filtered export agrees too
    args = ["--from", "2022-05-01", "--to", "2022-05-31", "--front", "donetsk,(no front)"]
    assert _export(tmp_path, "db2.geojson", *args) == _export(
        tmp_path, "files2.geojson", "--events-dir", str(SHIPPED), *args
    )
    # and back to files: the very same bytes
    back = tmp_path / "back"
    assert main(["db", "export", str(back)]) == 0
    for f in sorted(SHIPPED.glob("*.geojson")):
        assert (back / f.name).read_bytes() == f.read_bytes(), f.name


def test_db_import_names_a_bad_file_and_imports_the_rest(cli_db, tmp_path, capsys):
    store = write_store(tmp_path / "events")
    (store / "2024-06-01_dayseries.geojson").write_text("{not json", encoding="utf-8")
    assert main(["db", "import", str(store)]) == 2
    out, err = capsys.readouterr()
    assert "5 reports: 5 added" in out and "1 skipped" in out
    assert "2024-06-01_dayseries.geojson: not readable JSON" in err
    assert len(cli_db.load()) == 13


def test_db_import_twice_and_a_different_version(cli_db, tmp_path, capsys):
    store = write_store(tmp_path / "events")
    assert main(["db", "import", str(store)]) == 0
    assert main(["db", "import", str(store)]) == 2  # no content hash: cannot tell, refuses
    assert "5 refused" in capsys.readouterr().out
    f = store / "2024-05-20_dayseries.geojson"
    doc = json.loads(f.read_text(encoding="utf-8"))
    doc["features"] = doc["features"][:1]
    f.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["db", "import", "--replace", str(store)]) == 0
    assert "5 replaced" in capsys.readouterr().out
    assert len(cli_db.load()) == 11


def test_db_export_round_trip_of_a_store_with_snippets(cli_db, tmp_path):
    store = write_store(tmp_path / "events")
    assert main(["db", "import", str(store)]) == 0
    back = tmp_path / "back"
    assert main(["db", "export", str(back)]) == 0
    for f in sorted(store.glob("*.geojson")):
        assert json.loads((back / f.name).read_text("utf-8")) == json.loads(f.read_text("utf-8"))
    assert main(["db", "export", str(back)]) == 2  # different versions are not overwritten
    assert main(["db", "export", "--replace", str(back)]) == 0


def test_db_init_upgrade_status(db, monkeypatch, capsys):
    from helpers import database_store

    with database_store(db.url, init=False) as fresh:
        monkeypatch.setenv("FRONTLINE_DATABASE_URL", fresh.url)
        monkeypatch.setenv("FRONTLINE_DATABASE_SCHEMA", fresh.schema)
        assert main(["db", "status"]) == 1
        assert "not initialised" in capsys.readouterr().out
        assert main(["db", "upgrade"]) == 2
        assert "run `frontline db init`" in capsys.readouterr().err
        assert main(["db", "init"]) == 0
        assert "created (migrations 0001_reports_and_events" in capsys.readouterr().out
        assert main(["db", "init"]) == 0
        assert "already initialised" in capsys.readouterr().out
        assert main(["db", "upgrade"]) == 0
        assert "nothing to do" in capsys.readouterr().out
        assert main(["db", "status"]) == 0
        assert "0 reports" in capsys.readouterr().out


def test_db_commands_need_a_database(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("FRONTLINE_DATABASE_URL", raising=False)
    assert main(["db", "import", str(tmp_path)]) == 2
    assert "set FRONTLINE_DATABASE_URL" in capsys.readouterr().err


def test_ingest_and_export_work_on_the_database(cli_db, tmp_path, capsys):
    """The everyday commands follow FRONTLINE_DATABASE_URL: ingest writes there."""
    shutil.copy(
        Path(__file__).parent / "fixtures" / "events_dayseries_2024-05-24.txt", tmp_path / "r.txt"
    )
    assert main(["ingest", str(tmp_path / "r.txt")]) == 0
    out = capsys.readouterr().out
    assert "(schema t_" in out  # the line names where it went
    got = _export(tmp_path, "out.geojson")
    assert len(got["features"]) == len(cli_db.load()) > 0


FIXTURES = Path(__file__).parent / "fixtures"
DAY1 = FIXTURES / "events_dayseries_2024-05-24.txt"
DAY2 = FIXTURES / "events_dayseries_2024-05-25.txt"


def test_rebuild_on_the_database_swaps_in_the_new_store(cli_db, tmp_path, capsys):
    """`frontline rebuild` with FRONTLINE_DATABASE_URL: reports gone from the folder are gone
    from the store, a reader's stamp changes, and a folder with nothing readable keeps it."""
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(DAY1, reports / "a.txt")
    shutil.copy(DAY2, reports / "b.txt")
    assert main(["ingest", str(DAY1)]) == 0
    cli_db.write(report_records()[0])  # a report with no file in the folder: must go
    before = cli_db.stamp()
    assert main(["rebuild", str(reports)]) == 0
    out = capsys.readouterr().out
    assert "2024-05-25" in out and f"(schema {cli_db.schema}): report" in out
    assert "_rebuild" not in out  # named where the reports are once swapped in
    assert [r["report"]["date"] for r in cli_db.reports()] == ["2024-05-24", "2024-05-25"]
    assert cli_db.stamp() != before
    kept = cli_db.stamp()
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.txt").write_bytes(b"\x00\x01 not a report")
    assert main(["rebuild", str(tmp_path / "junk")]) == 2
    assert cli_db.stamp() == kept and len(cli_db.reports()) == 2
    with psycopg.connect(cli_db.url) as conn:  # no schema left behind
        left = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (f"{cli_db.schema}_%",)
        ).fetchall()
    assert left == []
