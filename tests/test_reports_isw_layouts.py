"""ISW reports in every form they reach Frontline, 2022–2026 (fixtures written for these tests).

Each fixture copies a layout, not a text: scraper text with comma-joined
paragraphs, an old-site page with navigation and footer, a whole-page text
dump, a 2025 markdown crawl whose directions open with verdict sentences, a
2026 mirror crawl with front matter and footnote links, a special edition,
and a page of another ISW series.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from geo._text import name_key
from geo.model import Report
from geo.parse.formats.base import blocks
from geo.parse.formats.isw_directions import front_initiative, read_verdict
from geo.parse.formats.isw_layout import body_bounds, is_toc_item, other_theatre
from geo.parse.report import parse_file
from geo.places.gazetteer import load_gazetteer
from geo.settings import settings

FIX = Path(__file__).parent / "fixtures" / "reports"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _sections(r: Report) -> dict[str, tuple[str, list[str]]]:
    """Section heading -> (front, mention texts)."""
    return {s.heading: (f.name, [m.text for m in s.mentions]) for f in r.fronts for s in f.sections}


def _all(r: Report) -> list:
    return [m for f in r.fronts for m in f.mentions] + r.other_mentions


def _spans_ok(r: Report) -> None:
    for m in _all(r):
        assert r.text[m.start : m.end] == m.text


def test_comma_joined_scraper_text(gaz):
    r = parse_file(FIX / "isw_2023-02-20.txt", gaz=gaz)
    _spans_ok(r)
    assert r.date == dt.date(2023, 2, 20) and r.format == "isw"
    # the text opens with its byline, not a title: the series and date name it
    assert r.title == "Russian Offensive Campaign Assessment, February 20, 2023"
    secs = _sections(r)
    assert secs["Russian Subordinate Main Effort #1- Luhansk Oblast"] == (
        "Luhansk", ["Kreminna", "Dibrova", "Bilohorivka"],
    )  # fmt: skip
    assert secs["Russian Subordinate Main Effort #2—Donetsk Oblast"][1] == [
        "Bakhmut", "Krasna Hora", "Paraskoviivka",
    ]  # fmt: skip
    fronts = {f.name: [m.text for m in f.mentions] for f in r.fronts}
    assert fronts["Zaporizhia"] == ["Orikhiv", "Hulyaipole"]
    assert fronts["Kherson"] == ["Kherson City", "Beryslav"]
    # the table of contents opens no front; mobilization is not a front; a number
    # with a thousands comma is not a paragraph break
    assert "Belgorod" in [m.text for m in r.other_mentions]
    assert "11,300 square kilometers" in r.text


def test_old_site_page_chrome_and_footer_are_not_read(gaz):
    r = parse_file(FIX / "isw_2023-06-08.html", gaz=gaz)
    _spans_ok(r)
    assert r.title == "Russian Offensive Campaign Assessment, June 8, 2023"
    fronts = {f.name: [m.text for m in f.mentions] for f in r.fronts}
    assert fronts == {
        "Luhansk": ["Bilohorivka", "Spirne"],
        "Donetsk": ["Avdiivka", "Marinka", "Neskuchne"],
        "Zaporizhia": ["Orikhiv", "Stepnohirsk"],
    }
    names = {m.text for m in _all(r)}
    # map file names in the footer, the script and the navigation are not places of the report
    assert not names & {"Zaporizhia", "Kherson", "Mykolaiv", "Kupiansk"}
    assert "Kursk" in [m.text for m in r.other_mentions]  # mobilization: no front


def test_whole_page_dump_reads_directions_and_their_verdicts(gaz):
    r = parse_file(FIX / "isw_2025-04-02.txt", gaz=gaz)
    _spans_ok(r)
    assert r.title == "Russian Offensive Campaign Assessment, April 2, 2025"
    secs = _sections(r)
    assert secs["Kursk Oblast"] == ("Kursk", ["Sudzha", "Guyevo"])
    assert secs["northern Kharkiv Oblast"][0] == "Kharkiv"
    assert secs["Kupyansk direction"][0] == secs["Borova direction"][0] == "Luhansk"
    assert "Promin" in secs["Pokrovsk direction"][1]
    assert secs["Toretsk direction"] == ("Donetsk", ["Toretsk", "Leonidivka", "Toretsk"])
    assert secs["western Zaporizhia Oblast"] == ("Zaporizhia", ["Mali Shcherbaky", "Robotyne"])
    sections = {s.heading: s for f in r.fronts for s in f.sections}
    # each direction's initiative comes from its verdict, with the verdict as evidence
    kup = sections["Kupyansk direction"]
    assert kup.initiative == "Russia" and kup.initiative_evidence.startswith("Russian forces")
    assert sections["Toretsk direction"].initiative is None  # both sides advanced
    assert sections["Kherson direction"].initiative == "None"  # neither side fought
    assert r.front("Kherson").initiative == "None"
    don = r.front("Donetsk")
    assert (don.initiative, don.initiative_source) == ("Russia", "inferred")
    assert "Pokrovsk direction" in don.initiative_evidence
    # the air campaign is no front; the navigation, the footer and the endnotes are not read
    assert [m.text for m in r.other_mentions][-2:] == ["Kryvyi Rih", "Odesa"]


def test_markdown_crawl_of_2025_groups_directions_under_objective_lines(gaz):
    r = parse_file(FIX / "isw_2025-11-30.md", gaz=gaz)
    _spans_ok(r)
    assert r.date == dt.date(2025, 11, 30)  # not the crawl's "# Date:" line
    assert r.source_url.endswith("assessment-november-30-2025/")
    assert [f.name for f in r.fronts] == [
        "Sumy", "Kharkiv", "Luhansk", "Donetsk", "Zaporizhia", "Kherson",
    ]  # fmt: skip
    secs = _sections(r)
    assert secs["northern Sumy Oblast"][0] == "Sumy"
    # ISW files Velykyi Burluk under the Kharkiv objective: the report's grouping wins
    assert secs["Velykyi Burluk direction"][0] == "Kharkiv"
    # a direction whose verdict is missing starts where its places are located by its town
    assert secs["Kupyansk direction"] == (
        "Luhansk", ["Kurylivka", "Kupyansk", "Kupyansk", "Kupyansk", "Petropavlivka", "Kupyansk"],
    )  # fmt: skip
    assert secs["Borova direction"][1] == ["Borova", "Zahryzove", "Borova", "Novoyehorivka"]
    assert secs["Slovyansk-Lyman direction"][0] == "Luhansk"
    assert secs["Siversk direction"][0] == "Donetsk"
    assert secs["Hulyaipole direction"][0] == "Zaporizhia"
    assert secs["Kherson direction"][0] == "Kherson"
    # rear-area strikes are their own sections, on the front whose rear they hit
    assert secs["Donetsk Oblast (rear strikes)"] == ("Donetsk", ["Makiivka"])
    assert secs["Crimea (rear strikes)"] == ("Kherson", ["Yevpatoriya"])
    sections = {s.heading: s for f in r.fronts for s in f.sections}
    assert sections["Pokrovsk direction"].initiative == "Ukraine"
    assert r.front("Donetsk").initiative is None  # one direction each way
    names = {m.text for m in _all(r)}
    assert not names & {"Kronstadt", "Poddubnyi", "Mariupol"}  # a unit, a person, an endnote


def test_mirror_crawl_of_2026_with_front_matter_and_footnote_links(gaz):
    r = parse_file(FIX / "isw_2026-01-20.md", gaz=gaz)
    _spans_ok(r)
    assert r.title == "Russian Offensive Campaign Assessment, January 20, 2026"
    secs = _sections(r)
    # "Northern Axis" is the Sumy border in 2026, not Kyiv
    assert secs["northern Sumy Oblast"][0] == "Sumy"
    assert "Kyiv" not in {f.name for f in r.fronts}
    # bare "Subordinate Main Effort #1 –" is what the table of contents says #1 is about
    assert secs["Velykyi Burluk direction"][0] == "Kharkiv"
    assert secs["Kostyantynivka-Druzhkivka tactical area"][0] == "Donetsk"
    # footnote links end sentences: the claim sentence is claimed, the footage one is not
    kd = {m.text: m for f in r.fronts for s in f.sections for m in s.mentions}
    assert kd["Stepanivka"].status == "confirmed" and kd["Pleshchiivka"].status == "claimed"
    # the footer's "Next up" title and the endnotes are not read
    names = [m.text for m in _all(r)]
    assert "Mariupol" not in names and "Kherson" not in names
    assert [m.text for m in r.other_mentions][-2:] == ["Kyiv", "Dnipro"]


def test_special_edition_has_no_fronts_and_says_so(gaz):
    r = parse_file(FIX / "isw_2023-03-12.txt", gaz=gaz)
    assert r.fronts == []
    assert r.notice.startswith("special edition (ISW is publishing an abbreviated")
    assert [m.text for m in r.other_mentions] == [
        "Kyiv", "Bakhmut", "Svatove", "Kreminna", "Kherson City",
    ]  # fmt: skip
    assert r.to_dict()["notice"] == r.notice


def test_a_page_of_another_theatre_is_no_front_report(gaz):
    r = parse_file(FIX / "isw_other_theatre.html", gaz=gaz)
    assert r.format == "isw" and r.fronts == [] and r.other_mentions == []
    assert r.notice.startswith("not a Russia–Ukraine report")
    assert other_theatre("Iran Update, March 1, 2026 | ISW", None)
    assert not other_theatre("Russian Offensive Campaign Assessment, March 1, 2026 | ISW", None)
    assert other_theatre("x", "https://understandingwar.org/research/middle-east/iran-update/")
    assert not other_theatre(
        "x", "https://understandingwar.org/research/russia-ukraine/russian-offensive-campaign/"
    )


def test_verdict_sentences():
    v = read_verdict(
        "Russian forces continued offensive operations in the Siversk direction on May 2 "
        "but did not advance.",
        True,
    )
    assert (v.name, v.side, v.rear) == ("Siversk direction", "Russia", False)
    v = read_verdict("Russian forces recently advanced in northern Kharkiv Oblast.", True)
    assert (v.name, v.side) == ("northern Kharkiv Oblast", "Russia")
    v = read_verdict("Ukrainian forces recently advanced in the Kupyansk direction.", True)
    assert v.side == "Ukraine"
    # a place list is a verdict only alone and with a verdict's ending
    listed = (
        "Russian forces continued offensive operations northeast of Borova near Zahryzove "
        "on May 2 but did not advance."
    )
    assert read_verdict(listed, True).name == "Borova direction"
    assert read_verdict(listed, False) is None
    assert read_verdict("Russian forces attacked northeast of Borova near Zahryzove.", True) is None
    rear = read_verdict(
        "Ukrainian forces continued their strike campaign against Russian targets in occupied "
        "Zaporizhia Oblast on the night of May 1 to 2.",
        False,
    )
    assert (rear.name, rear.rear) == ("Zaporizhia Oblast (rear strikes)", True)
    assert read_verdict("A Russian milblogger claimed gains in the Lyman direction.", True) is None


def test_front_initiative_from_directions():
    ru = read_verdict("Russian forces recently advanced in the Pokrovsk direction.", True)
    ua = read_verdict("Ukrainian forces recently advanced in the Kupyansk direction.", True)
    assert front_initiative([ru, ru]) == ("Russia", ru.sentence)
    assert front_initiative([ru, ua]) == (None, None)
    assert front_initiative([ru, ru, ua])[0] == "Russia"


def test_body_bounds_and_table_of_contents():
    text = "\n".join(
        [
            "Some Title, May 1, 2024",
            "Home",
            "Click here to see an invented map.",
            "A first real paragraph of this invented report has more than eight words.",
            "Note: ISW does not receive classified material in this invented note.",
            "[1] https://example.org/1",
            "[2] https://example.org/2",
        ]
    )
    blks = blocks(text)
    assert body_bounds(blks) == (3, 4)
    # a sourcing note on top (some August 2022 reports) does not end the body
    top = "\n".join(["T", "Note: ISW does not receive classified material.", "A paragraph."])
    assert body_bounds(blocks(top))[1] == 3
    assert is_toc_item("- Russian Subordinate Main Effort #1 – Take all of Donetsk Oblast")
    assert is_toc_item("Supporting effort 1—Mariupol;")
    assert not is_toc_item("Main effort—Kyiv axis: Russian operations went on near Kyiv today.")


SHARED_LATER = settings.shared_dir / "reports" / "isw-later"
EVAL = settings.shared_dir / "eval"


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_LATER.exists(), reason="needs ../shared")
def test_every_later_report_parses_and_2025_26_crawls_have_all_fronts(gaz):
    for p in sorted(SHARED_LATER.glob("isw_*.*")):
        r = parse_file(p, gaz=gaz)
        assert r.date.isoformat() in p.name
        _spans_ok(r)
        if not r.fronts:
            assert r.notice, p.name  # special editions say why
        if p.name >= "isw_2025-12":
            names = {f.name for f in r.fronts}
            assert {"Sumy", "Kharkiv", "Luhansk", "Donetsk", "Zaporizhia", "Kherson"} <= names
            assert "Kyiv" not in names
            # one section per direction, not one per effort
            assert sum(len(f.sections) for f in r.fronts) >= 14, p.name
    iran = settings.shared_dir / "reports" / "pages"
    for p in iran.glob("*.html"):
        r = parse_file(p, gaz=gaz)
        assert r.fronts == [] and r.other_mentions == [] and r.notice


@pytest.mark.shared
@pytest.mark.skipif(not EVAL.exists(), reason="needs ../shared")
@pytest.mark.parametrize("key", ["isw_2025-12-18", "isw_2026-02-07"])
def test_required_places_of_the_answer_keys_are_found(gaz, key):
    r = parse_file(SHARED_LATER / f"{key}.txt", gaz=gaz)
    keys = {}
    for f in r.fronts:
        for s in f.sections:
            for m in s.mentions:
                for k in (m.key, *m.alt_keys):
                    keys.setdefault(k, []).append(s.heading)
    with (EVAL / f"{key}.gold.csv").open(encoding="utf-8", newline="") as fh:
        rows = [g for g in csv.DictReader(fh) if g["required"] == "1"]
    found = 0
    for g in rows:
        name = re.sub(r"\s*\([^)]*\)\s*", " ", g["name_as_written"])
        found += name_key(name) in keys or name_key(g["name_as_written"]) in keys
    assert found / len(rows) >= 0.99
