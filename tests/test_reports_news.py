"""News articles and the `frontline parse` command on good and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from geo.cli import main
from geo.errors import ReportError
from geo.parse.report import parse_file
from geo.settings import settings

FIX = Path(__file__).parent / "fixtures" / "reports"


def test_news_has_no_fronts_and_a_date_from_the_title():
    r = parse_file(FIX / "news_2023-05-09.txt")
    assert r.format == "news" and r.date == dt.date(2023, 5, 9) and r.fronts == []
    assert [m.text for m in r.other_mentions] == ["Kyiv", "Kherson", "Nikopol", "Odesa"]


def test_news_date_from_file_name_or_error(tmp_path):
    p = tmp_path / "news_2024-04-04.txt"
    p.write_text("An invented article\n\nOfficials in Lviv spoke.\n", encoding="utf-8")
    assert parse_file(p).date == dt.date(2024, 4, 4)
    with pytest.raises(ReportError, match="no date found; pass --date"):
        parse_file(FIX / "news_nodate.txt")


def test_cli_prints_the_json_contract(capsys):
    assert main(["parse", str(FIX / "dayseries_2024-06-02.txt")]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["date"] == "2024-06-02" and d["format"] == "dayseries"
    f = d["fronts"][0]
    assert (f["name"], f["initiative"], f["initiative_source"]) == ("Kharkiv", "Russia", "stated")
    m = f["sections"][0]["mentions"][0]
    assert set(m) >= {"text", "start", "end", "status", "kind"}


def test_cli_date_and_format_override(capsys):
    assert main(["parse", str(FIX / "news_nodate.txt"), "--date", "2024-02-03"]) == 0
    assert json.loads(capsys.readouterr().out)["date"] == "2024-02-03"
    assert main(["parse", str(FIX / "isw_2022-10-21.txt"), "--format", "news"]) == 0
    assert json.loads(capsys.readouterr().out)["fronts"] == []


def _bad_inputs(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 near Bakhmut, \xe0 la fin.\n".encode("latin-1"))
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 50 MB without writing 50 MB
        fh.seek(50 * 1024 * 1024)
        fh.write(b"\n")
    return {
        "empty.txt": "empty",
        "binary.txt": "binary",
        "latin1.txt": "UTF-8",
        "big.txt": "limit",
        str(FIX / "news_nodate.txt"): "no date",
        str(FIX / "dayseries_badside.txt"): "unknown initiative side",
    }


def test_cli_bad_input_is_one_clear_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    for name, problem in _bad_inputs(tmp_path).items():
        before = sorted(tmp_path.iterdir())
        assert main(["parse", name]) == 2, name
        out = capsys.readouterr()
        assert out.out == ""
        lines = out.err.strip().splitlines()
        assert len(lines) == 1 and Path(name).name in lines[0] and problem in lines[0], lines
        assert "Traceback" not in out.err
        assert sorted(tmp_path.iterdir()) == before  # nothing written
    assert settings.max_report_bytes < 50 * 1024 * 1024
