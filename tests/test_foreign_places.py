"""Capitals and places abroad named as actors, people or things are not markers (issue 12).

Every sentence here is our own. The first tests read one sentence at a time
(:func:`geo.resolve.usage.place_use`); the others run the real parser and
resolver on small reports with the real gazetteer.
"""

from __future__ import annotations

import pytest

from geo.parse.report import parse_text
from geo.places.gazetteer import load_gazetteer
from geo.resolve.resolver import resolve_name, resolve_report
from geo.resolve.usage import Use, place_use


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _use(sentence: str, name: str, strict: bool = False) -> Use:
    i = sentence.index(name)
    return place_use(sentence, i, i + len(name), strict=strict)


@pytest.mark.parametrize(
    "sentence, name",
    [
        ("The regiment is garrisoned near Moscow these days.", "Moscow"),
        ("Drones hit a depot on Moscow's eastern edge.", "Moscow"),
        ("Two blasts were heard in the Moscow suburb of Khimki.", "Moscow"),
        ("Unknown drones struck Taganrog before dawn.", "Taganrog"),
        ("A fire followed a raid on the Millerovo air base.", "Millerovo"),
        ("Recruits gathered in Tambov, Tambov Oblast, on Monday.", "Tambov"),
        ("Columns were seen in Stolin, Belarus, last week.", "Stolin"),
        ("New units train in Pskov, Luga, and Ostrov this month.", "Ostrov"),
        ("The depot lies north of Voronezh.", "Voronezh"),
        ("A shell hit the village of Tetkino overnight.", "Tetkino"),
        ("Trains carried tanks from Gomel toward the border.", "Gomel"),
    ],
)
def test_a_sentence_that_puts_something_there_names_a_place(sentence, name):
    assert _use(sentence, name) is Use.PLACE


@pytest.mark.parametrize(
    "sentence, name",
    [
        ("Officials said Moscow denies any role in the fire.", "Moscow"),
        ("Moscow's troops pressed on regardless.", "Moscow"),
        ("Kyiv's negotiators left early.", "Kyiv"),
        ("Talks with Minsk went nowhere.", "Minsk"),
        ("The Kursk governor said two people were hurt.", "Kursk"),
        ("Tambov Gov. Ivan Petrov confirmed the figure.", "Tambov"),
        ("The Governor of Tula promised more money.", "Tula"),
        ("Commissioner Anna Petrova-Belova visited the camp.", "Belova"),
        ("Danilov stated that the line held.", "Danilov"),
        ("Historians still argue about the Treaty of Brest.", "Brest"),
    ],
)
def test_a_sentence_that_makes_it_a_party_names_an_actor(sentence, name):
    assert _use(sentence, name) is Use.ACTOR


def test_a_government_is_not_put_anywhere_by_from_or_a_list():
    # "from" and list items count for towns, not for a capital named as a government
    assert _use("The decision came under pressure from Moscow.", "Moscow", strict=True) is Use.PLAIN
    assert _use("Trains left from Bryansk toward the border.", "Bryansk") is Use.PLACE
    assert _use("Envoys of Washington and Moscow met.", "Moscow", strict=True) is not Use.PLACE
    assert _use("Moscow and Beijing signed a deal.", "Moscow", strict=True) is Use.PLAIN


def _report(body: str) -> str:
    return (
        "Invented Headline for Foreign Names – Day 900 (August 11, 2024)\n\n"
        "Situation On The Land, Sea, and Air in Ukraine\n\n" + body + "\n"
    )


def _events(text: str, gaz) -> list[tuple[str, str, str]]:
    rep = parse_text(_report(text), gaz=gaz)
    return [
        (r.mention.text, r.resolution.place.name, r.resolution.place.country)
        for r in resolve_report(rep, gaz)
        if r.resolution.place is not None
    ]


def test_a_capital_named_as_the_government_is_no_marker(gaz):
    text = (
        "Moscow claims the convoy was a training run, and Moscow's envoys repeated it. "
        "The ministry insists that Moscow will respond. "
        "Later that night drones struck a fuel depot near Moscow."
    )
    moscow = [e for e in _events(text, gaz) if e[1] == "Moscow"]
    assert len(moscow) == 1


def test_a_double_surname_is_not_a_town_abroad(gaz):
    text = "Commissioner Maria Lvova-Belova denied the claims, and Danilov stated otherwise."
    assert not [e for e in _events(text, gaz) if e[2] != "UA"]


def test_a_far_town_abroad_needs_a_strike_or_its_region(gaz):
    # a recruiting office in a far-away Russian city is not on a war map; a strike is,
    # and so is a place whose region the report names
    quiet = _events("Volunteers queued at an office in Omsk for a week.", gaz)
    assert not [e for e in quiet if e[2] == "RU"]
    struck = _events("Ukrainian drones struck an oil depot in Saratov overnight.", gaz)
    assert [e for e in struck if e[1] == "Saratov"]
    named = _events(
        "A new corps is forming in Mulino, Nizhny Novgorod Oblast. "
        "Thousands of recruits arrived in Mulino in July.",
        gaz,
    )
    assert len([e for e in named if e[1] == "Mulino"]) == 2


def test_a_town_next_to_ukraine_needs_only_a_place_sentence(gaz):
    got = _events("Artillery units moved through Millerovo toward the border.", gaz)
    assert [e for e in got if e[1] == "Millerovo"]
    said = _events("Rostov Gov. Ivan Petrov said that nobody was hurt.", gaz)
    assert not [e for e in said if e[2] == "RU"]


def test_another_name_of_a_small_town_abroad_is_not_its_name(gaz):
    # GeoNames files old or other names under small Russian towns ("Stavka" for a
    # Kalmyk town): a report's Stavka is the high command, never that town
    text = "The Stavka approved the plan, and a battery struck targets near Stavka."
    assert not [e for e in _events(text, gaz) if e[2] == "RU"]


def test_a_name_asked_for_alone_is_a_place(gaz):
    assert resolve_name("Moscow", gaz).place.country == "RU"
    assert resolve_name("Kyiv", gaz).place.country == "UA"


def test_kyiv_as_an_actor_is_dropped_but_kyiv_as_a_place_stays(gaz):
    text = "Kyiv's envoys flew home. Russian missiles struck a warehouse in Kyiv."
    kyiv = [e for e in _events(text, gaz) if e[1] == "Kyiv"]
    assert len(kyiv) == 1



@pytest.mark.parametrize(
    "sentence, name",
    [
        ("Rockets hit the Yuzhny Machine Building Plant in the city.", "Yuzhny"),
        ("He spoke at the Valdai Discussion Club again.", "Valdai"),
        ("A missile struck the Moskva with great force.", "Moskva"),
        ("Sailors abandoned the Saratov after the blast.", "Saratov"),
    ],
)
def test_a_name_that_starts_a_things_name_is_a_thing(sentence, name):
    assert _use(sentence, name) is Use.THING


def test_an_oil_refinery_or_a_training_ground_is_at_the_place():
    assert _use("Smoke rose over the Tuapse Oil Refinery.", "Tuapse") is Use.PLACE
    assert _use("Drills went on at the Brest Training Ground.", "Brest") is Use.PLACE


def test_a_hamlet_abroad_named_like_a_plant_at_home_is_not_taken(gaz):
    # a Mariupol steel plant shares its name with a small Krasnodar village; among
    # Mariupol's places the name does not make the paragraph Russian
    text = (
        "Russian forces captured the Ilyich plant in northern Mariupol, and fighting "
        "went on near Mariupol's port."
    )
    assert not [e for e in _events(text, gaz) if e[2] == "RU"]


def test_a_name_qualified_with_its_country_is_that_countrys_place(gaz):
    # a Sumy hamlet is called Rostov too; "Rostov, Russia" is the city
    got = _events("Factories in Rostov, Russia, received the orders.", gaz)
    assert [e for e in got if e[1] == "Rostov-on-Don"]
    assert not [e for e in got if e[2] == "UA"]
    far = _events("Volunteers trained near Omsk, Russia, that summer.", gaz)
    assert [e for e in far if e[1] == "Omsk"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Troops dug in for the defense of Kyiv that week.",
        "Columns tried to close the encirclement of Kyiv from the west.",
        "Shelling hit Kyiv's western outskirts again.",
        "The line ran far from central Kyiv, which stayed calm.",
    ],
)
def test_kyiv_fought_over_is_a_place(sentence, gaz):
    assert [e for e in _events(sentence, gaz) if e[1] == "Kyiv"]
