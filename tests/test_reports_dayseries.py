"""Front reports ("dayseries"): fronts, initiatives, directions, dates, bad headings."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from geo.errors import ReportError
from geo.parse.registry import guess_format as detect_format
from geo.parse.report import parse_file, parse_text
from geo.settings import settings

FIX = Path(__file__).parent / "fixtures" / "reports"


def _sections(report):
    return {
        (f.name, s.heading): [m.text for m in s.mentions] for f in report.fronts for s in f.sections
    }


def test_fixture_fronts_initiatives_and_sections():
    r = parse_file(FIX / "dayseries_2024-06-02.txt")
    assert r.format == "dayseries" and r.date == dt.date(2024, 6, 2)
    assert [(f.name, f.initiative, f.initiative_source) for f in r.fronts] == [
        ("Kharkiv", "Russia", "stated"),
        ("Luhansk", "Russia", "stated"),
        ("Donetsk", "Russia", "stated"),
        ("Zaporizhia", "Russia", "stated"),
        ("Kherson", "None", "stated"),
    ]
    sec = _sections(r)
    assert sec[("Kharkiv", "Lyptsi")] == ["Lyptsi", "Hlyboke", "Travyanske Reservoir"]
    assert sec[("Luhansk", "")] == [
        "Synkivka",
        "Petropavlivka",
        "Serebryanske forest",
        "Bilohorivka",
    ]
    assert sec[("Donetsk", "Southwest of Donetsk City")] == ["Krasnohorivka", "Novoselivka Persha"]
    assert sec[("Kherson", "")] == ["Krynky"]
    # Casualties and news after the fronts are non-front mentions.
    other = [m.text for m in r.other_mentions]
    assert "Nikopol" in other and "Kupiansk" in other and "Odesa" in other
    assert all(r.text[m.start : m.end] == m.text for m in r.other_mentions)


def test_statuses_in_fixture():
    r = parse_file(FIX / "dayseries_2024-06-02.txt")
    by = {m.text: m for f in r.fronts for m in f.mentions}
    assert by["Lyptsi"].status == "claimed"
    assert by["Vovchansk"].status == "confirmed" and by["Vovchansk"].kind == "advance"
    assert by["Krynky"].kind == "withdrawal" and by["Krynky"].status == "claimed"
    assert by["Kanal Microraion"].is_feature


def test_unknown_side_names_heading_and_line():
    with pytest.raises(ReportError) as exc:
        parse_file(FIX / "dayseries_badside.txt")
    msg = str(exc.value)
    assert "dayseries_badside.txt" in msg and "line 7" in msg and "Contested" in msg


def test_markdown_and_html_versions():
    md = parse_file(FIX / "dayseries_2024-06-04.md")
    assert md.date == dt.date(2024, 6, 4)
    assert [(f.name, f.initiative) for f in md.fronts] == [
        ("Kharkiv", "Russia"),
        ("Kherson", "Ukraine"),
    ]
    assert _sections(md)[("Kharkiv", "Vovchansk")] == ["Vovchansk", "Tykhe"]
    html = parse_file(FIX / "dayseries_2024-06-05.html")
    assert _sections(html) == {("Donetsk", "Chasiv Yar"): ["Chasiv Yar", "Klishchiivka"]}
    assert [m.text for m in html.other_mentions] == ["Kyiv"]  # not Pokrovsk from <script>


def test_date_override_and_detection():
    text = (FIX / "dayseries_2024-06-02.txt").read_text(encoding="utf-8")
    assert detect_format(text) == "dayseries"
    no_date = text.replace("(June 2, 2024)", "")
    with pytest.raises(ReportError, match="--date"):
        parse_text(no_date, path="report.txt")
    r = parse_text(no_date, date=dt.date(2024, 1, 9), path="report.txt")
    assert r.date == dt.date(2024, 1, 9)
    assert parse_text(no_date, path="dayseries_2024-06-02.txt").date == dt.date(2024, 6, 2)


def test_separators_colon_and_case():
    text = "T – Day 5 (May 5, 2024)\n\nKharkiv Front: Initiative ukraine\n\nFighting near Lyptsi.\n"
    r = parse_text(text)
    assert (r.fronts[0].name, r.fronts[0].initiative) == ("Kharkiv", "Ukraine")


SHARED_REPORT = settings.shared_dir / "reports" / "dayseries" / "dayseries_2024-05-24.txt"
GOLD = settings.shared_dir / "eval" / "dayseries_2024-05-24.gold.csv"


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_REPORT.exists(), reason="needs ../shared")
def test_shared_front_report_acceptance():
    r = parse_file(SHARED_REPORT)
    assert r.date == dt.date(2024, 5, 24)
    want = json.loads((GOLD.parent / "dayseries_2024-05-24.initiative.json").read_text())["fronts"]
    assert [(f.name, f.initiative) for f in r.fronts] == list(want.items())
    found = {(f.name, s.heading, m.key) for f in r.fronts for s in f.sections for m in s.mentions}
    from geo._text import name_key

    missing = []
    with GOLD.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (
                row["required"] == "1"
                and (row["front"], row["section"], name_key(row["name"])) not in found
            ):
                missing.append(row)
    assert missing == []
