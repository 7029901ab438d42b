"""Finding gazetteer names in text (rules in geo/mentions.py)."""

from __future__ import annotations

import pytest

from geo._text import name_key
from geo.parse.mentions import STOPLIST, find_mentions
from geo.places.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _texts(text, gaz):
    return [m.text for m in find_mentions(text, gaz)]


def test_spans_index_the_text(gaz):
    text = "Attacks continued near Novoselivka Persha, Ivano-Darivka and Chasiv Yar."
    ms = find_mentions(text, gaz, paragraph=7)
    assert [m.text for m in ms] == ["Novoselivka Persha", "Ivano-Darivka", "Chasiv Yar"]
    for m in ms:
        assert text[m.start : m.end] == m.text
        assert m.key == name_key(m.text)
        assert m.paragraph == 7 and m.snippet == text
        assert not m.is_feature


def test_spelling_variants_share_a_key(gaz):
    a, b = find_mentions("Near Kupyansk.", gaz)[0], find_mentions("Near Kupiansk.", gaz)[0]
    assert a.key == b.key
    assert find_mentions("Near Staromayorske.", gaz)[0].key == name_key("Staromaiorske")


def test_areas_are_not_mentions(gaz):
    text = (
        "Fighting in Kharkiv Oblast, the Polohy district, the Donetsk People's Republic, "
        "along the Kharkiv-Donetsk Oblast border and in Kherson, Mykolaiv, and Zaporizhia oblasts."
    )
    assert _texts(text, gaz) == []
    assert _texts("Strikes hit Lyptsi, Kharkiv Oblast.", gaz) == ["Lyptsi"]


def test_city_suffix_keeps_the_city_key(gaz):
    [m] = find_mentions("Shelling hit Kharkiv City overnight.", gaz)
    assert m.text == "Kharkiv City" and m.key == name_key("Kharkiv")


def test_features(gaz):
    ms = find_mentions(
        "Near the Travyanske Reservoir, the Serebryanske forest, the Kanal Microraion"
        " and the Dnipro River.",
        gaz,
    )
    assert [m.text for m in ms] == [
        "Travyanske Reservoir", "Serebryanske forest", "Kanal Microraion", "Dnipro River",
    ]  # fmt: skip
    assert all(m.is_feature for m in ms)
    assert ms[-1].key != name_key("Dnipro")  # the river, never the city


def test_stoplist_words_and_acronyms(gaz):
    text = "Putin met Zelensky in May; Russian and Ukrainian NATO officials spoke about Key issues."
    assert _texts(text, gaz) == []
    assert name_key("Putin") in STOPLIST


def test_urls_possessives_and_skip_spans(gaz):
    text = "See https://example.org/Bakhmut and ria dot ru. Kharkiv’s mayor spoke.[12] Siversk"
    assert _texts(text, gaz) == ["Kharkiv", "Siversk"]
    sk = find_mentions(text, gaz, skip=[(text.index("Siversk"), len(text))])
    assert [m.text for m in sk] == ["Kharkiv"]


def test_status_and_kind_come_from_the_sentence(gaz):
    text = (
        "Russian sources claimed advances near Umanske, but these are unverified. "
        "Geolocated footage shows Russian forces advanced near Berestove."
    )
    a, b = find_mentions(text, gaz)
    assert (a.status, a.kind) == ("claimed", "advance")
    assert (b.status, b.kind) == ("confirmed", "advance")
    assert b.snippet.startswith("Geolocated footage")


def test_direction_qualified_oblast_lists_are_areas(gaz):
    text = (
        "Counterattacks went on in eastern Kharkiv and western Luhansk Oblast near Kupiansk, "
        "and the line in western Donetsk and eastern Zaporizhia oblasts held."
    )
    assert _texts(text, gaz) == ["Kupiansk"]
    # without direction words, a list before a singular "Oblast" is towns in that oblast
    assert _texts("Artillery hit Nikopol and Marhanets, Dnipropetrovsk Oblast.", gaz) == [
        "Nikopol", "Marhanets",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "phrase",
    ["Siverskyi Donets River", "Severskyi Donetsk River", "Sieverskyi Donets", "Siversky Donets"],
)
def test_siverskyi_donets_is_the_river_not_a_town(gaz, phrase):
    text = f"Boats crossed the {phrase} west of Bilohorivka."
    ms = find_mentions(text, gaz)
    assert [m.text for m in ms] == [phrase, "Bilohorivka"]
    river = ms[0]
    assert river.is_feature and river.key == name_key("Siverskyi Donets River")
    assert text[river.start : river.end] == phrase
    # the town alone is still the town
    [town] = find_mentions("Shelling hit Donets on Monday.", gaz)
    assert town.key == name_key("Donets") and not town.is_feature


def test_plural_feature_words_make_every_listed_name_a_feature(gaz):
    ms = find_mentions("Pontoons over the Inhulets and Dnipro Rivers near Darivka were hit.", gaz)
    assert [(m.text, m.key, m.is_feature) for m in ms] == [
        ("Inhulets", name_key("Inhulets River"), True),
        ("Dnipro Rivers", name_key("Dnipro River"), True),
        ("Darivka", name_key("Darivka"), False),
    ]
    ms = find_mentions("Troops could not hold the Siverskyi Donets and Oskil rivers.", gaz)
    assert [m.key for m in ms] == [name_key("Siverskyi Donets River"), name_key("Oskil River")]
    assert all(m.is_feature for m in ms)
    # a name in an ordinary list stays a settlement
    assert not find_mentions("Strikes hit Inhulets and Beryslav.", gaz)[0].is_feature


def test_commander_surname_is_not_a_place(gaz):
    assert _texts("Brigade commander Oleksii Kondratiev denied the reports.", gaz) == []


def test_stoplisted_village_names_count_where_a_place_is_expected(gaz):
    text = "Troops attacked near Udachne, Shevchenko, and Zvirove; later in Nove."
    assert _texts(text, gaz) == ["Udachne", "Shevchenko", "Zvirove", "Nove"]
    # the poet and the minister stay people
    text = "A statue of Taras Shevchenko stood there. Minister Shevchenko spoke."
    assert "Shevchenko" not in _texts(text, gaz)


def test_compound_name_missing_from_the_gazetteer_is_not_its_second_word(gaz):
    # "Loknya" alone is a Sumy village; "Malaya Loknya" is a Kursk one the gazetteer lacks
    assert gaz.lookup("Loknya") and not gaz.lookup("Malaya Loknya")
    assert _texts("Clashes near Malaya Loknya and Sudzha.", gaz) == ["Sudzha"]
    assert _texts("Clashes near Velyka Novosilka.", gaz) == ["Velyka Novosilka"]


def test_dnipro_direction_is_the_river(gaz):
    (m,) = find_mentions("Russian forces attacked in the Dnipro direction.", gaz)
    assert m.text == "Dnipro" and m.is_feature and m.key == name_key("Dnipro River")
    (m,) = find_mentions("Missiles struck Dnipro overnight.", gaz)
    assert not m.is_feature and m.key == name_key("Dnipro")


def test_two_names_in_a_row_are_one_unknown_name_unless_both_are_towns(gaz):
    assert gaz.lookup("Zeleny") and gaz.lookup("Shlyakh") and not gaz.lookup("Zeleny Shlyakh")
    assert _texts("Counterattacks near Zeleny Shlyakh and Sudzha.", gaz) == ["Sudzha"]
    assert _texts("Strikes on Cherkasy Tyshky.", gaz) == []
    assert _texts("Assaults on Rubizhne Popasna, and Kreminna.", gaz) == [
        "Rubizhne",
        "Popasna",
        "Kreminna",
    ]


def test_a_bracketed_other_name_is_one_mention(gaz):
    text = "Attacks near Chervonyi (Krasnyi) Lyman and Dovzhansk (formerly Sverdlovsk) went on."
    a, b = find_mentions(text, gaz)
    assert (a.text, a.key, a.alt_keys) == (
        "Chervonyi (Krasnyi) Lyman", name_key("Chervonyi Lyman"), (name_key("Krasnyi Lyman"),),
    )  # fmt: skip
    # the former name is kept for the resolver, and is not a second place
    assert (b.text, b.alt_keys) == ("Dovzhansk", (name_key("Sverdlovsk"),))
    assert text[a.start : a.end] == a.text


def test_lower_case_connectors_inside_names(gaz):
    # the gazetteer writes it "Sacco e Vanzetti"; "i" and "e" are the same "and"
    (m,) = find_mentions("Shelling hit Sacco i Vanzetti overnight.", gaz)
    assert m.text == "Sacco i Vanzetti" and m.key == name_key("Sacco e Vanzetti")
    # a connector never ends a name, and ordinary lower-case words still end runs
    assert _texts("Troops near Bakhmut i went on.", gaz) == ["Bakhmut"]
