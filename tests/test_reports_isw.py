"""ISW assessments: layouts, fronts by vocabulary and geography, dates, initiative."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.errors import ReportError
from geo.parse.formats.isw import heading_core, infer_initiative, is_front_heading, isw_date
from geo.parse.registry import guess_format as detect_format
from geo.parse.report import parse_file, parse_text
from geo.settings import settings

FIX = Path(__file__).parent / "fixtures" / "reports"


def _fronts(r):
    return {f.name: [m.text for m in f.mentions] for f in r.fronts}


def test_full_layout():
    r = parse_file(FIX / "isw_2022-10-21.txt")
    assert r.format == "isw" and r.date == dt.date(2022, 10, 21)
    assert r.source_url.endswith("assessment-october-21")
    fr = _fronts(r)
    assert fr["Luhansk"] == ["Svatove", "Kreminna", "Nevske", "Stelmakhivka"]
    assert fr["Kherson"][:3] == ["Sukhanove", "Beryslav", "Piatykhatky"]
    assert {"Ochakiv", "Mykolaiv City"} <= set(fr["Kherson"])
    assert fr["Zaporizhia"] == ["Hulyaipole", "Orikhiv"]
    assert fr["Donetsk"] == ["Bakhmut", "Opytne", "Klishchiivka", "Avdiivka", "Marinka", "Ivanhrad"]
    # Takeaways, topline and the mobilization section are not front content;
    # endnotes are not content at all.
    other = [m.text for m in r.other_mentions]
    assert other == ["Kyiv", "Odesa", "Bakhmut", "Avdiivka", "Belgorod", "Donetsk City"]
    assert "Kupiansk" not in other
    for f in r.fronts:
        for m in f.mentions:
            assert r.text[m.start : m.end] == m.text
    heads = {s.heading for f in r.fronts for s in f.sections}
    assert "Eastern Ukraine: (Oskil River-Kreminna Line)" in heads
    assert "Russian Subordinate Main Effort—Donetsk Oblast" in heads  # objective note dropped


def test_initiative_is_inferred_with_evidence():
    r = parse_file(FIX / "isw_2022-10-21.txt")
    lu, do, ze = r.front("Luhansk"), r.front("Donetsk"), r.front("Zaporizhia")
    assert (lu.initiative, lu.initiative_source) == ("Ukraine", "inferred")
    assert "Ukrainian" in lu.initiative_evidence
    assert (do.initiative, do.initiative_source) == ("Russia", "inferred")
    assert "ground attacks" in do.initiative_evidence
    assert (ze.initiative, ze.initiative_source) == (None, None)  # shelling is no offensive


def test_infer_initiative_rules():
    assert (
        infer_initiative(["Ukrainian forces repelled Russian assaults near Bakhmut."] * 2)[0]
        == "Russia"
    )
    assert infer_initiative(["Russian forces did not conduct ground attacks."] * 3) == (None, None)
    both = ["Russian forces attacked Bakhmut.", "Ukrainian forces counterattacked near Bakhmut."]
    assert infer_initiative(both * 2) == (None, None)


def test_early_inline_layout():
    r = parse_file(FIX / "isw_2022-02-27.txt")
    fr = _fronts(r)
    assert fr["Kyiv"] == ["Kyiv", "Bucha", "Hostomel", "Irpin", "Bucha"]
    assert "Okhtyrka" in fr.get("Sumy", []) or "Okhtyrka" in fr.get("Kharkiv", [])
    assert "Kharkiv" in fr["Kharkiv"]
    assert {"Melitopol", "Berdyansk"} <= set(fr["Zaporizhia"])
    assert "Mykolaiv" in [m.text for m in r.other_mentions]  # items to watch


def test_abbreviated_edition_invents_no_fronts_and_says_so():
    # Only "Key inflections" bullets: their places are events (their front comes
    # from geography later), but the report has no front sections, and says so.
    r = parse_file(FIX / "isw_2022-11-20.txt")
    assert r.fronts == []
    assert [m.text for m in r.other_mentions] == [
        "Kherson", "Bakhmut", "Avdiivka", "Svatove", "Kreminna", "Moscow",
    ]  # fmt: skip
    assert "abbreviated" in r.notice and "no fronts" in r.notice
    assert r.to_dict()["notice"] == r.notice


def test_later_layout_with_provenance_line():
    r = parse_file(FIX / "isw_heldout_style.txt", fmt="isw")
    assert r.date == dt.date(2023, 4, 18)
    assert r.source_url == (
        "https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment-april-18-2023"
    )
    fr = _fronts(r)
    assert fr["Luhansk"] == ["Kupiansk", "Kreminna", "Bilohorivka"]
    assert fr["Donetsk"] == ["Bakhmut", "Chasiv Yar", "Marinka", "Bakhmut"]
    assert fr["Zaporizhia"] == ["Orikhiv", "Hulyaipole"]
    assert fr["Kherson"] == ["Kherson City", "Beryslav"]  # per sentence under "Southern Axis"
    assert "Melitopol" not in str(fr)


def test_date_rule():
    body = (
        "\n\nOctober 20, 7:00pm ET\n\nRussian forces attacked near Bakhmut on October 19, 2022.\n"
    )
    title = "Russian Offensive Campaign Assessment, October 20"
    url = "https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment-october-20"
    text = f"{title}\n{url}{body}"
    assert isw_date(text, title, url, "isw_2022-10-20.txt") == dt.date(2022, 10, 20)
    assert isw_date(text, title, url, None) == dt.date(2022, 10, 20)  # year from body dates
    slug = url + "-2023"
    bare = f"{title}\n{slug}\n\nOctober 20, 7:00pm ET\n"
    assert isw_date(bare, title, slug, None) == dt.date(2023, 10, 20)
    with pytest.raises(ReportError, match="--date"):
        isw_date(f"{title}\n\nNo year here.\n", title, None, "report.txt")
    # Late December report citing early-January dates keeps its own year.
    dec = "Russian Offensive Campaign Assessment, December 31\n\nplans for January 3, 2023.\n"
    assert isw_date(dec, dec.splitlines()[0], None, None) == dt.date(2022, 12, 31)


def test_heading_vocabulary():
    assert heading_core(
        "Supporting Effort—Southern Axis (Russian objective: Hold (GLOCs) lines)"
    ) == ("Supporting Effort—Southern Axis")
    assert is_front_heading("Russian Subordinate Main Effort—Luhansk Oblast", False)
    assert is_front_heading("Kupiansk Direction", False)
    assert not is_front_heading("Mobilization and Force Generation Efforts", True)
    assert not is_front_heading(
        "Russian forces are engaged in four primary efforts at this time", False
    )


def test_detection():
    text = (FIX / "isw_2022-10-21.txt").read_text(encoding="utf-8")
    assert detect_format(text) == "isw"
    assert parse_text(text, fmt="news", path="x.txt", date=dt.date(2022, 10, 21)).fronts == []


ISW_DIR = settings.shared_dir / "reports" / "isw"


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.skipif(not ISW_DIR.exists(), reason="needs ../shared")
def test_every_shared_isw_report_parses_with_fronts():
    from geo.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    files = sorted(ISW_DIR.glob("isw_*.txt"))
    assert len(files) >= 300
    without = []
    for p in files:
        r = parse_file(p, gaz=gaz)
        assert r.date.isoformat() in p.name
        if not any(f.mentions for f in r.fronts):
            without.append(p.name)
            assert r.notice and "no fronts" in r.notice, p.name
        for m in [m for f in r.fronts for m in f.mentions] + r.other_mentions:
            assert r.text[m.start : m.end] == m.text
    # the 13 abbreviated editions of ISW/INDEX.md have no front sections; all others do
    index = (ISW_DIR / "INDEX.md").read_text(encoding="utf-8")
    abbreviated = next(ln for ln in index.splitlines() if "Abbreviated editions" in ln)
    assert len(without) == 13
    assert all(p[4:14] in abbreviated for p in without)


_STRIKES = "\n".join(
    [
        "Russian Offensive Campaign Assessment, August 3, 2022",
        "https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment-august-3",
        "",
        "Subordinate Main Effort—Luhansk Oblast",
        "",
        "Russian forces attempted ground assaults toward Bilohorivka and Verkhnokamianka on"
        " August 2. Russian artillery shelled Nikopol and Marhanets overnight. Russian troops"
        " also shelled Lysychansk.",
        "",
        "Supporting Effort—Southern Axis",
        "",
        "Ukrainian forces struck Russian positions near Beryslav and Nova Kakhovka on August 2."
        " Russian forces shelled Marhanets and Chervonohryhorivka across the reservoir.",
        "",
    ]
)


def test_strikes_far_from_a_named_front_leave_it():
    r = parse_text(_STRIKES, fmt="isw")
    fr = _fronts(r)
    # the Luhansk heading keeps its own places, including a strike on a Luhansk town
    assert {"Bilohorivka", "Verkhnokamianka", "Lysychansk"} <= set(fr["Luhansk"])
    assert "Nikopol" not in fr["Luhansk"] and "Marhanets" not in fr["Luhansk"]
    assert [m.text for m in r.other_mentions][:2] == ["Nikopol", "Marhanets"]


def test_generic_heading_sentence_follows_the_oblasts_of_its_places():
    r = parse_text(_STRIKES, fmt="isw")
    fr = _fronts(r)
    assert fr["Kherson"] == ["Beryslav", "Nova Kakhovka"]
    # Dnipropetrovsk Oblast is on the Zaporizhia front, not the Kherson one
    assert fr["Zaporizhia"] == ["Marhanets", "Chervonohryhorivka"]


def test_a_zoneless_major_city_does_not_vote_for_its_hamlet_namesake():
    from geo.parse.mentions import find_mentions
    from geo.places.gazetteer import load_gazetteer
    from geo.places.zones import zone_votes

    gaz = load_gazetteer()
    # one Nikopol is a village in Izium raion (Luhansk zone); the name means the city
    assert zone_votes(find_mentions("Shelling hit Nikopol.", gaz), gaz) == {}
    assert zone_votes(find_mentions("Shelling hit Lysychansk.", gaz), gaz) == {"Luhansk": 1}


def test_direction_layout_of_2025_in_markdown():
    # Markdown headings, a Kursk section, one paragraph per "X direction", a Northern Axis
    r = parse_file(FIX / "isw_2025-03-10.md")
    assert r.format == "isw" and r.date == dt.date(2025, 3, 10)
    fr = _fronts(r)
    assert set(fr) == {"Kursk", "Luhansk", "Donetsk", "Zaporizhia", "Kherson", "Kharkiv"}
    assert fr["Kursk"] == ["Sudzha", "Sverdlikovo"]  # not "Loknya" out of "Malaya Loknya"
    assert {"Kindrashivka", "Zahryzove", "Nove", "Yampolivka", "Ivanivka"} <= set(fr["Luhansk"])
    assert {"Dyliivka", "Kotlyne", "Udachne", "Shevchenko", "Novoocheretuvate"} <= set(
        fr["Donetsk"]
    )
    assert fr["Zaporizhia"] == ["Orikhiv", "Stepove", "Mala Tokmachka", "Pyatykhatky"]
    assert fr["Kharkiv"][:2] == ["Kharkiv City", "Vovchansk"]
    (dnipro,) = [m for f in r.fronts if f.name == "Kherson" for s in f.sections
                 for m in s.mentions if m.text == "Dnipro"]  # fmt: skip
    assert dnipro.is_feature
    donetsk = next(f for f in r.fronts if f.name == "Donetsk")
    assert donetsk.initiative == "Russia" and donetsk.initiative_source == "inferred"
    claimed = [m for f in r.fronts for s in f.sections for m in s.mentions if m.text == "Ivanivka"]
    assert claimed[0].status == "claimed"


def test_operations_in_russia_and_direction_labels_of_2024():
    r = parse_file(FIX / "isw_2024-10-15.txt")
    fr = _fronts(r)
    # "Ukrainian Operations in the Russian Federation" names no front: Kursk by default
    assert "Kursk" in fr and "Zeleny" not in str(fr)
    assert fr["Luhansk"][:4] == ["Kupyansk", "Kruhlyakivka", "Kolisnykivka", "Synkivka"]
    secs = {s.heading for f in r.fronts if f.name == "Donetsk" for s in f.sections}
    assert {"Siversk direction", "Toretsk direction", "Vuhledar direction"} <= secs
    assert {"Niu-York", "Predtechyne", "Maksymilianivka"} <= set(fr["Donetsk"])
    assert fr["Kherson"] == ["Krynky", "Dnipro River"]
    assert "Kryvyi Rih" in [m.text for m in r.other_mentions]
