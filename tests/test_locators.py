"""What a sentence says about where a place is: oblast hints and bearings (geo/parse/locators.py).

The resolver relies on these fields; they must be exact: the gazetteer's
oblast names, the eight compass points, the name key of the reference place.
"""

from __future__ import annotations

import pytest

from geo._text import name_key
from geo.model import COMPASS
from geo.parse.mentions import find_mentions
from geo.places.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _by_text(text, gaz):
    return {m.text: m for m in find_mentions(text, gaz)}


def test_oblast_after_a_place_or_a_list(gaz):
    ms = _by_text(
        "Shelling hit Ivanivka, Kharkiv Oblast, and later Nikopol and Marhanets, "
        "Dnipropetrovsk Oblast, then Andriivka, Oleksiivka, and Yablunivka in northern "
        "Sumy Oblast.",
        gaz,
    )
    assert ms["Ivanivka"].oblast_hint == "Kharkiv"
    assert ms["Nikopol"].oblast_hint == ms["Marhanets"].oblast_hint == "Dnipropetrovsk"
    assert {ms[n].oblast_hint for n in ("Andriivka", "Oleksiivka", "Yablunivka")} == {"Sumy"}


def test_oblast_names_are_the_gazetteers(gaz):
    ms = _by_text(
        "Drones struck Vasylivka (Zaporizhia Oblast) and Hvardiiske in occupied Crimea, and "
        "Zaporizhia Oblast's Stepnohirsk.",
        gaz,
    )
    assert ms["Vasylivka"].oblast_hint == "Zaporizhzhia"  # the gazetteer's spelling
    assert ms["Stepnohirsk"].oblast_hint == "Zaporizhzhia"
    assert ms["Hvardiiske"].oblast_hint == "Crimea"
    oblasts = {p.oblast for p in gaz.places}
    assert {m.oblast_hint for m in ms.values() if m.oblast_hint} <= oblasts


def test_an_oblast_the_gazetteer_lacks_keeps_its_name(gaz):
    assert gaz.lookup("Millerovo")
    ms = _by_text("A drone hit the airfield at Millerovo, Rostov Oblast, overnight.", gaz)
    assert ms["Millerovo"].oblast_hint == "Rostov"


def test_plural_oblasts_and_unrelated_phrases_give_no_hint(gaz):
    ms = _by_text("Russian forces attacked in Kursk and Sumy oblasts near Basivka.", gaz)
    assert ms["Basivka"].oblast_hint is None
    ms = _by_text("Russian forces struck Kherson City and Kherson Oblast.", gaz)
    assert ms["Kherson City"].oblast_hint is None


def test_bearing_lists(gaz):
    ms = _by_text(
        "Russian forces attacked near Siversk itself; northwest of Siversk near Platonivka "
        "and toward Ozerne, Zakitne, and Dibrova; north-east of Siversk near Serebryanka; and "
        "south of Siversk near Pereizne on May 2.",
        gaz,
    )
    siversk = name_key("Siversk")
    for n in ("Platonivka", "Ozerne", "Zakitne", "Dibrova"):
        assert ms[n].bearing == ("northwest", siversk), n
    assert ms["Serebryanka"].bearing == ("northeast", siversk)
    assert ms["Pereizne"].bearing == ("south", siversk)
    assert ms["Siversk"].bearing is None


def test_bearings_in_brackets_and_appositions(gaz):
    ms = _by_text(
        "Footage shows troops in western Fedorivka (southwest of Siversk) and near Tavolzhanka, "
        "approximately 20 kilometers northeast of Kupyansk. Milbloggers claimed Zapovidne and "
        "Dorozhnie (all southeast of Dobropillya).",
        gaz,
    )
    assert ms["Fedorivka"].bearing == ("southwest", name_key("Siversk"))
    assert ms["Tavolzhanka"].bearing == ("northeast", name_key("Kupyansk"))
    both = ("southeast", name_key("Dobropillya"))
    assert ms["Zapovidne"].bearing == ms["Dorozhnie"].bearing == both
    assert all(m.bearing is None or m.bearing[0] in COMPASS for m in ms.values())


def test_the_reference_key_is_the_places_key(gaz):
    (m, _) = find_mentions("Troops held Lyptsi (north of Kharkiv City).", gaz)
    assert m.bearing == ("north", name_key("Kharkiv"))


def test_a_list_ends_at_a_semicolon_or_another_word(gaz):
    ms = _by_text(
        "Russian forces attacked west of Orikhiv near Stepnohirsk; shelling hit Prymorske.", gaz
    )
    assert ms["Stepnohirsk"].bearing == ("west", name_key("Orikhiv"))
    assert ms["Prymorske"].bearing is None
