"""Names spelled like places that name something else (rules in geo/parse/not_places.py).

Every sentence here is invented; the names are real gazetteer spellings, so
each case would be a wrong marker if a rule failed.
"""

from __future__ import annotations

import pytest

from geo.parse.mentions import find_mentions, name_context
from geo.places.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _texts(text, gaz):
    return [m.text for m in find_mentions(text, gaz)]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        # quoted unit, operation and outlet names
        ("A new “Vyatka” volunteer battalion is forming in the rear.", "Vyatka"),
        ('Recruiters praised the "Samara" unit on Monday.', "Samara"),
        ("The group “Kakhovka” posted footage.", "Kakhovka"),
        # a unit, weapon or outlet word after the name
        ("The Troyan Battalion moved to the front.", "Troyan"),
        ("Drone operators of the Roy Svarog Detachment were seen.", "Roy"),
        ("The Khortytsia Group of Forces reported calm.", "Khortytsia"),
        ("Air defence downed Vilkha and HIMARS projectiles overnight.", "Vilkha"),
        ("Launchers for Topol missiles were spotted.", "Topol"),
        ("The Kyiv Post ran the story.", "Kyiv"),
        # a model designation
        ("A Voronezh-DM radar was hit.", "Voronezh"),
        ("A Topol-M launcher moved north.", "Topol"),
        # a role or medium word before the name, with or without a first name
        ("Milblogger Yevgeniy Poddubnyi wrote about it.", "Poddubnyi"),
        ("Correspondent Barak Ravid reported talks.", "Barak"),
        ("Russian outlet Zvezda aired the clip.", "Zvezda"),
        ("Admiral Makarov sailed out.", "Makarov"),
        # a first name before, a surname after
        ("Kirill Dmitriev arrived for talks.", "Dmitriev"),
        ("Advisor spoke with Marina Filippova yesterday.", "Marina"),
    ],
)
def test_named_things_are_not_places(gaz, sentence, name):
    assert gaz.lookup(name), f"{name} must be a gazetteer spelling for this case to mean anything"
    assert _texts(sentence, gaz) == []


def test_people_and_outlets_stay_so_for_the_rest_of_the_report(gaz):
    text = (
        "Mayor Ihor Terekhov said the city held. Later Terekhov wrote again. "
        "Russian outlet Zvezda aired footage, and Zvezda later deleted it."
    )
    ctx = name_context(text)
    assert [m.text for m in find_mentions(text, gaz, context=ctx)] == []
    # a place word before the name still makes it a place
    assert [m.text for m in find_mentions("Shelling hit near Zvezda.", gaz, context=ctx)] == [
        "Zvezda"
    ]


def test_towns_are_never_remembered_as_people(gaz):
    # "Mariupol Now" is a channel; the city of that name is still the city
    text = "The Telegram channel Mariupol Now reported it. Strikes hit Mariupol again."
    assert _texts(text, gaz) == ["Mariupol"]
    # units named after towns are not remembered either
    text = "The Horlivka Battalion rotated out. Russian forces shelled Horlivka."
    assert _texts(text, gaz) == ["Horlivka"]
    # a town, then a person: the town counts
    text = (
        "The Mayor of Mariupol Andryushchenko said more. Missiles hit the Kharkiv Shevchenko plant."
    )
    assert _texts(text, gaz) == ["Mariupol", "Kharkiv"]


def test_a_lower_case_english_word_of_the_report_is_no_place(gaz):
    text = "Transport links were cut near Kupyansk. The transport ministry said so."
    assert _texts(text, gaz) == ["Kupyansk"]
    # after a place preposition the same word is a place
    assert "Transport" in _texts("Fighting near Transport went on; transport stopped.", gaz)


def test_places_in_ordinary_sentences_are_kept(gaz):
    text = (
        "Russian forces attacked near Bakhmut and struck Kharkiv City. Ukrainian Kherson "
        "officials reported a missile strike on Odesa. The Dnipro missile strike killed two."
    )
    assert _texts(text, gaz) == ["Bakhmut", "Kharkiv City", "Kherson", "Odesa", "Dnipro"]


def test_a_given_name_that_a_town_abroad_bears_still_makes_a_person(gaz):
    # "Vladimir" is a Russian town in the gazetteer, and still a first name here.
    assert gaz.lookup("Vladimir") and gaz.lookup("Lenin")
    assert _texts("Officials said Finland should thank Vladimir Lenin for it.", gaz) == []


def test_a_person_named_again_after_to_of_or_from_stays_a_person(gaz):
    text = "They should thank Vladimir Lenin, referring to Lenin's decree and a letter from Lenin."
    assert _texts(text, gaz) == []
    # ... but a real place preposition still makes the name a place
    again = "Marina Filippova visited. Shelling hit near Marina overnight."
    assert _texts(again, gaz) == ["Marina"]
