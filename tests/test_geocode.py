"""Front-aware resolution with the real, committed gazetteer (data/places.csv).

Reports are built directly from the dataclasses (names only, grouped the way a
front report groups them), so these tests do not depend on the parser.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from geo._text import name_key
from geo.distance import haversine_km
from geo.model import Front, Mention, Place, Report, Section
from geo.places.gazetteer import load_gazetteer
from geo.resolve.resolver import dedupe, resolve_name, resolve_report


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def _m(name: str, paragraph: int = 0, feature: bool = False) -> Mention:
    return Mention(
        text=name, start=0, end=len(name), key=name_key(name), paragraph=paragraph,
        is_feature=feature,
    )  # fmt: skip


# A day on five fronts, laid out like a real front report: front -> section -> paragraphs.
# (front, section, [(paragraph, [names...]), ...])
# fmt: off
DAY: list[tuple[str, str, list[tuple[int, list[str]]]]] = [
    ("Kharkiv", "Lyptsi", [(10, ["Kharkiv", "Lyptsi", "Hlyboke", "Kharkiv"])]),
    ("Kharkiv", "Vovchansk", [(12, ["Kharkiv", "Tykhe", "Vovchansk", "Starytsya", "Tykhe"])]),
    (
        "Luhansk",
        "",
        [
            (14, ["Svatove", "Kupyansk", "Berestove", "Stelmakhivka", "Ivanivka", "Kupyansk",
                  "Ivanivka", "Berestove", "Stelmakhivka", "Petropavlivka", "Kyslivka",
                  "Druzhelyubivka", "Novovodyane", "Novoyehorivka", "Kovalivka"]),
            (15, ["Kreminna", "Makiivka", "Nevske", "Torske", "Terny", "Bilohorivka", "Terny",
                  "Novosadove", "Makiivka"]),
        ],
    ),
    ("Donetsk", "Siversk", [(18, ["Siversk", "Vyimka", "Spirne", "Ivano-Darivka", "Spirne"])]),
    ("Donetsk", "Chasiv Yar", [(20, ["Chasiv Yar", "Klishchiivka", "Andriivka"])]),
    (
        "Donetsk",
        "Avdiivka",
        [(22, ["Avdiivka", "Ocheretyne", "Sokil", "Umanske", "Novoselivka Persha", "Kalynove",
               "Novooleksandrivka", "Prohres", "Novopokrovske", "Netaylove"])],
    ),
    (
        "Donetsk",
        "Southwest of Donetsk City",
        [(24, ["Donetsk", "Novomykhailivka", "Donetsk", "Krasnohorivka", "Heorhiivka",
               "Paraskoviivka", "Kostyantynivka"])],
    ),
    ("Zaporizhia", "Zaporizhia-Donetsk Border Area", [(27, ["Staromayorske", "Urozhaine"])]),
    ("Zaporizhia", "Zaporizhia Line", [(29, ["Robotyne", "Verbove", "Novodanylivka"])]),
    ("Kherson", "", [(31, ["Krynky", "Krynky"])]),
]
# fmt: on

# The correct GeoNames ids (facts, checked against coordinates).
TRUTH = {
    ("Kharkiv", "Lyptsi"): "702989", ("Kharkiv", "Hlyboke"): "6724780",
    ("Kharkiv", "Tykhe"): "8640802", ("Kharkiv", "Vovchansk"): "689304",
    ("Kharkiv", "Starytsya"): "692838", ("Kharkiv", "Kharkiv"): "706483",
    ("Luhansk", "Svatove"): "692118", ("Luhansk", "Kupyansk"): "703656",
    ("Luhansk", "Berestove"): "712411", ("Luhansk", "Stelmakhivka"): "692624",
    ("Luhansk", "Ivanivka"): "707378", ("Luhansk", "Petropavlivka"): "697421",
    ("Luhansk", "Kyslivka"): "705753", ("Luhansk", "Druzhelyubivka"): "709578",
    ("Luhansk", "Novovodyane"): "699036", ("Luhansk", "Novoyehorivka"): "810719",
    ("Luhansk", "Kovalivka"): "704636", ("Luhansk", "Kreminna"): "704138",
    ("Luhansk", "Makiivka"): "702318", ("Luhansk", "Nevske"): "697596",
    ("Luhansk", "Torske"): "691358", ("Luhansk", "Terny"): "691608",
    ("Luhansk", "Bilohorivka"): "712588", ("Luhansk", "Novosadove"): "809820",
    ("Donetsk", "Siversk"): "694403", ("Donetsk", "Vyimka"): "9115248",
    ("Donetsk", "Spirne"): "811544", ("Donetsk", "Ivano-Darivka"): "707473",
    ("Donetsk", "Chasiv Yar"): "710915", ("Donetsk", "Klishchiivka"): "705666",
    ("Donetsk", "Andriivka"): "9114136", ("Donetsk", "Avdiivka"): "713122",
    ("Donetsk", "Ocheretyne"): "698759", ("Donetsk", "Sokil"): "9112925",
    ("Donetsk", "Umanske"): "690685", ("Donetsk", "Novoselivka Persha"): "699180",
    ("Donetsk", "Kalynove"): "9112810", ("Donetsk", "Novooleksandrivka"): "9112926",
    ("Donetsk", "Prohres"): "9112887", ("Donetsk", "Novopokrovske"): "9112921",
    ("Donetsk", "Netaylove"): "9112918", ("Donetsk", "Donetsk"): "709717",
    ("Donetsk", "Novomykhailivka"): "699458", ("Donetsk", "Krasnohorivka"): "704393",
    ("Donetsk", "Heorhiivka"): "708865", ("Donetsk", "Paraskoviivka"): "697995",
    ("Donetsk", "Kostyantynivka"): "705106", ("Zaporizhia", "Staromayorske"): "692812",
    ("Zaporizhia", "Urozhaine"): "9114393", ("Zaporizhia", "Robotyne"): "695586",
    ("Zaporizhia", "Verbove"): "689965", ("Zaporizhia", "Novodanylivka"): "699640",
    ("Kherson", "Krynky"): "703861",
}  # fmt: skip


def day_report(layout=DAY, other: list[Mention] = ()) -> Report:
    fronts: dict[str, Front] = {}
    for front, heading, paragraphs in layout:
        f = fronts.setdefault(front, Front(name=front))
        f.sections.append(Section(heading, [_m(n, p) for p, names in paragraphs for n in names]))
    return Report(
        date=dt.date(2024, 5, 24), format="dayseries", title="test", text="",
        fronts=list(fronts.values()), other_mentions=list(other),
    )  # fmt: skip


def _ids(resolved) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for r in resolved:
        pid = r.resolution.place.place_id.split(":")[1] if r.resolution.place else None
        out.setdefault((r.front, r.mention.text), set()).add(pid)
    return out


def test_every_place_of_a_front_day_resolves_to_its_id(gaz):
    got = _ids(resolve_report(day_report(), gaz))
    wrong = {k: (v, TRUTH[k]) for k, v in got.items() if v != {TRUTH[k]}}
    assert not wrong


@pytest.mark.parametrize(
    ("front", "name", "right", "wrong"),
    [
        ("Luhansk", "Makiivka", "702318", "702320"),
        ("Donetsk", "Kostyantynivka", "705106", "705104"),
        ("Luhansk", "Kovalivka", "704636", "704634"),
        ("Luhansk", "Novoyehorivka", "810719", "699013"),
    ],
)
def test_namesake_is_chosen_by_its_neighbours(gaz, front, name, right, wrong):
    res = [r for r in resolve_report(day_report(), gaz) if r.mention.text == name]
    assert res and all(r.resolution.place.place_id == f"geonames:{right}" for r in res)
    assert all(r.resolution.method.startswith("context") for r in res)
    # the wrong namesake really is a candidate, so the test means something
    assert f"geonames:{wrong}" in {p.place_id for p in gaz.lookup(name)}


def test_same_name_elsewhere_follows_its_own_context(gaz):
    # Makiivka next to Donetsk-city suburbs is the city, not the Luhansk village.
    layout = [("Donetsk", "Donetsk City", [(1, ["Donetsk", "Makiivka", "Yasynuvata"])])]
    res = resolve_report(day_report(layout), gaz)
    mak = next(r for r in res if r.mention.text == "Makiivka")
    assert mak.resolution.place.place_id == "geonames:702320"


def test_lone_ambiguous_village_stays_unresolved_with_candidates(gaz):
    rep = day_report([], other=[_m("Ivanivka", 3)])
    (r,) = resolve_report(rep, gaz)
    assert r.resolution.place is None
    assert r.resolution.method == "ambiguous"
    assert len(r.resolution.candidates) > 50


def test_lone_ambiguous_village_on_a_front_without_context_stays_unresolved(gaz):
    (r,) = resolve_report(day_report([("Donetsk", "", [(1, ["Andriivka"])])]), gaz)
    assert r.resolution.place is None and r.resolution.method == "ambiguous"
    assert all(p.oblast for p in r.resolution.candidates)


def test_major_cities_and_unique_names_outside_fronts(gaz):
    other = [_m("Kharkiv", 40), _m("Kyiv", 41), _m("Toretsk", 42), _m("Zzyzxville", 43)]
    res = {r.mention.text: r.resolution for r in resolve_report(day_report([], other), gaz)}
    assert res["Kharkiv"].place.place_id == "geonames:706483"
    assert res["Kyiv"].place.place_id == "geonames:703448"
    assert res["Kyiv"].method == "major-city"
    assert res["Toretsk"].place.oblast == "Donetsk"
    assert res["Zzyzxville"].place is None and res["Zzyzxville"].method == "unknown"


def test_paragraph_context_outside_fronts(gaz):
    # A strike paragraph naming Nikopol's neighbours: the village follows them.
    other = [_m("Nikopol", 5), _m("Marhanets", 5), _m("Pokrovske", 5)]
    res = {r.mention.text: r.resolution for r in resolve_report(day_report([], other), gaz)}
    assert res["Marhanets"].place.oblast == "Dnipropetrovsk"


def test_every_resolution_says_how_and_how_precisely(gaz):
    for r in resolve_report(day_report(), gaz):
        res = r.resolution
        assert res.method
        if res.place is not None:
            assert res.place.precision in ("settlement", "feature", "area")


def test_resolved_front_mentions_lie_near_each_other(gaz):
    # spatial coherence: every resolved place is within 60 km of another in its section
    res = resolve_report(day_report(), gaz)
    by_sec: dict[tuple, list[Place]] = {}
    for r in res:
        if r.resolution.place:
            by_sec.setdefault((r.front, r.section), []).append(r.resolution.place)
    for places in by_sec.values():
        uniq = {p.place_id: p for p in places}.values()
        for p in uniq:
            others = [q for q in uniq if q is not p]
            if others:
                assert min(haversine_km(p.lat, p.lon, q.lat, q.lon) for q in others) < 60


def test_unknown_name_goes_to_the_online_fallback(gaz):
    asked: list[str] = []

    def fake_online(name: str) -> Place | None:
        asked.append(name)
        return Place("osm:node:1", name, 48.3, 37.6, "PPL", "Donetsk")

    layout = [("Donetsk", "", [(1, ["Avdiivka", "Zzyzxville", "Ocheretyne"])])]
    resolved = resolve_report(day_report(layout), gaz, fake_online)
    res = {r.mention.text: r.resolution for r in resolved}
    assert asked == ["Zzyzxville"]  # only names the gazetteer lacks go online
    assert res["Zzyzxville"].method == "online" and res["Zzyzxville"].place.lat == 48.3


def test_duplicate_records_count_as_one_place():
    a = Place("geonames:1", "X", 48.0, 37.0, "PPL", "Donetsk", population=10)
    b = Place("geonames:2", "X", 48.01, 37.01, "PPL", "Donetsk", population=500)
    c = Place("geonames:3", "X", 49.0, 37.0, "PPL", "Donetsk")
    kept = dedupe([a, b, c])
    assert [p.place_id for p in kept] == ["geonames:2", "geonames:3"]


def test_resolve_name_with_front_and_near(gaz):
    res = resolve_name("Makiivka", gaz, front="Luhansk", near=["Kreminna", "Nevske", "Torske"])
    assert res.place is not None and res.place.place_id == "geonames:702318"
    assert res.place.oblast == "Luhansk" and res.method.startswith("context")
    assert res.place.precision == "settlement"


def test_resolve_name_ambiguous_lists_candidates(gaz):
    res = resolve_name("Ivanivka", gaz)
    assert res.place is None and res.method == "ambiguous"
    assert len(res.candidates) > 50
    assert len({p.place_id for p in res.candidates}) == len(res.candidates)


def test_cli_geocode_ambiguous_lists_options():
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "geocode", "Ivanivka"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["place_id"] is None and out["method"] == "ambiguous"
    assert len(out["options"]) > 50
    assert {"place_id", "name", "oblast", "lat", "lon", "population"} <= set(out["options"][0])


def test_cli_geocode_prints_json():
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "geocode", "Kostyantynivka", "--front", "Donetsk",
         "--near", "Paraskoviivka,Novomykhailivka,Krasnohorivka"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["place_id"] == "geonames:705106"
    assert isinstance(out["lat"], float) and out["candidates"] > 1


# --- cases found on the ISW sample (bench/gold/isw_2022-04-27, isw_2022-12-07) ------------


def _one(layout, name: str, gaz) -> set[str | None]:
    res = resolve_report(day_report(layout), gaz)
    return {
        r.resolution.place.place_id if r.resolution.place else None
        for r in res
        if r.mention.text == name
    }


def test_major_city_of_the_front_holds_far_from_the_other_places(gaz):
    # Mariupol's section on the Donetsk front, Donetsk City (100 km away) in another
    layout = [
        ("Donetsk", "Mariupol", [(1, ["Mariupol", "Mariupol"])]),
        ("Donetsk", "Donetsk", [(2, ["Donetsk"])]),
    ]
    assert _one(layout, "Mariupol", gaz) == {"geonames:701822"}


def test_name_followed_by_city_is_the_city(gaz):
    # a village called Mykolaivka in Donetsk Oblast also answers to "Mykolaiv"
    city = Mention(text="Mykolaiv City", start=0, end=13, key=name_key("Mykolaiv"), paragraph=1)
    rep = day_report([("Zaporizhia", "", [(1, ["Nikopol"])])])
    rep.fronts[0].sections[0].mentions.insert(0, city)
    (r,) = [x for x in resolve_report(rep, gaz) if x.mention is city]
    assert r.resolution.place.place_id == "geonames:700569"
    assert "geonames:700119" in {p.place_id for p in gaz.lookup("Mykolaiv")}


def test_village_does_not_beat_a_major_city_on_section_context(gaz):
    # Kherson villages in one paragraph, "Zaporizhia" in the next: not the Beryslav village
    layout = [
        ("Kherson", "", [(1, ["Vysokopillya", "Novovoznesenske", "Novovorontsovka"]),
                         (2, ["Zaporizhia", "Kherson"])]),
    ]  # fmt: skip
    assert _one(layout, "Zaporizhia", gaz) <= {"geonames:687700", None}
    assert "geonames:687682" in {p.place_id for p in gaz.lookup("Zaporizhia")}


def test_town_named_beside_a_village_namesake_stays_unresolved(gaz):
    # Kostiantynivka (town on the H20) in a paragraph that also names Marinka's villages
    para = [
        "Avdiivka",
        "Donetsk",
        "Novobakhmutivka",
        "Marinka",
        "Novomykhailivka",
        "Avdiivka",
        "Vodiane",
        "Novoselivka",
        "Avdiivka",
        "Kostiantynivka",
        "Donetsk",
        "Vuhledar",
    ]
    layout = [("Donetsk", "Donetsk Oblast", [(1, para)])]
    assert _one(layout, "Kostiantynivka", gaz) == {None}
    # major cities do not count as the town's neighbours, so the village still wins
    # southwest of Donetsk City (see DAY)


def test_raion_majority_ignores_reference_cities(gaz):
    para = ["Avdiivka", "Donetsk", "Marinka", "Novomykhailivka", "Avdiivka", "Vodiane", "Vuhledar"]
    layout = [("Donetsk", "Donetsk Oblast", [(1, para)])]
    assert _one(layout, "Vodiane", gaz) == {"geonames:9113128"}


def test_historical_name_of_a_city_does_not_block_the_village(gaz):
    # Stanislav is an old name of Ivano-Frankivsk; on the Kherson front it is the village
    layout = [("Kherson", "", [(1, ["Kherson", "Kiselivka", "Stanislav"])])]
    assert _one(layout, "Stanislav", gaz) == {"geonames:692944"}


def test_lone_raion_centre_of_the_front(gaz):
    layout = [("Zaporizhia", "", [(1, ["Hulyaipole"])])]
    assert _one(layout, "Hulyaipole", gaz) == {"geonames:707898"}
    # ... but only under its own name: "Slovyansk" is also an old name of Nikopol
    layout = [("Donetsk", "", [(1, ["Slovyansk"])]), ("Donetsk", "x", [(2, ["Bakhmut"])])]
    assert _one(layout, "Slovyansk", gaz) == {"geonames:693468"}


@pytest.mark.parametrize(
    ("near", "right"),
    [(["Bakhmut", "Soledar"], "geonames:688556"), (["Avdiivka", "Opytne"], "geonames:688557")],
)
def test_override_alias_yakolivka(gaz, near, right):
    layout = [("Donetsk", "", [(1, [*near, "Yakolivka"])])]
    assert _one(layout, "Yakolivka", gaz) == {right}


def test_capital_name_is_never_a_village_by_context(gaz):
    # a village Kyiv lies next to a Bohdanivka in Mykolaiv Oblast; they must not prop each other up
    layout = [("Sumy", "", [(1, ["Kyiv", "Bohdanivka", "Kyiv", "Sumy", "Kyiv", "Kaniv"])])]
    assert "geonames:704213" not in _one(layout, "Kyiv", gaz)
    assert "geonames:704213" in {p.place_id for p in gaz.lookup("Kyiv")}


def test_capital_named_on_another_front_is_the_capital(gaz):
    # "Kyiv" in a Sumy paragraph: the capital, though no Sumy place is near it
    layout = [("Sumy", "", [(1, ["Sumy", "Okhtyrka", "Trostianets", "Kyiv"])])]
    assert _one(layout, "Kyiv", gaz) == {"geonames:703448"}


def test_major_city_named_on_another_front_without_a_near_namesake(gaz):
    # Nikopol shelled, in a Kherson paragraph: its namesake lies near Izium, far away
    layout = [("Kherson", "", [(1, ["Kherson", "Snihurivka", "Nikopol"])])]
    assert _one(layout, "Nikopol", gaz) == {"geonames:700051"}
    # ... and Mariupol on the Kherson front, where only Kirovohrad has a namesake
    layout = [("Kherson", "", [(1, ["Kherson", "Mariupol"])])]
    assert _one(layout, "Mariupol", gaz) == {"geonames:701822"}


def test_prominent_town_without_nearby_namesakes(gaz):
    # Rubizhne the town: its one Luhansk namesake is a hamlet 4 km from it, the
    # others lie far from the paragraph's places
    layout = [("Luhansk", "", [(1, ["Popasna", "Rubizhne"])])]
    assert _one(layout, "Rubizhne", gaz) == {"geonames:695274"}
    # outside fronts and alone: Bakhmut, not the Poltava hamlet of that name
    res = resolve_report(day_report([], [_m("Bakhmut", 3)]), gaz)
    assert res[0].resolution.place.oblast == "Donetsk"
    assert res[0].resolution.method == "prominent-town"
    assert len(gaz.lookup("Bakhmut")) > 1


def test_prominent_town_yields_to_a_namesake_near_the_context(gaz):
    # "Lyman" beside places near Kharkiv City: a Lyman hamlet lies there, so no guess
    layout = [("Kharkiv", "", [(1, ["Kharkiv", "Tsyrkuny", "Lyman"])])]
    got = _one(layout, "Lyman", gaz)
    assert "geonames:704204" not in got


def test_river_point_far_from_the_front_stays_unresolved(gaz):
    # GeoNames puts the Dnipro at its mouth near Kherson: right for the Kherson
    # front, 300 km off for a Zaporizhia paragraph about Hulyaipole
    def river(front: str, town: str):
        rep = day_report([(front, "", [(1, [town])])])
        rep.fronts[0].sections[0].mentions.append(_m("Dnipro River", 1, feature=True))
        return next(r for r in resolve_report(rep, gaz) if r.mention.text == "Dnipro River")

    far = river("Zaporizhia", "Hulyaipole")
    assert far.resolution.place is None and far.resolution.method == "far-from-front"
    near = river("Kherson", "Kherson")
    assert near.resolution.place is not None and near.resolution.place.precision != "settlement"


def test_front_in_russia_takes_ukrainian_places_only_under_their_own_name(gaz):
    # GeoNames lists Ukraine's Liubymivkas under the Russian form too; on the
    # Kursk front "Lyubimovka" is a Kursk village the gazetteer lacks
    ukr = [p for p in gaz.lookup("Lyubimovka") if p.name == "Liubymivka"]
    assert ukr
    rep = day_report([("Kursk", "", [(1, ["Sudzha", "Lyubimovka", "Yunakivka"])])])
    res = {r.mention.text: r.resolution for r in resolve_report(rep, gaz)}
    assert res["Lyubimovka"].place is None
    assert res["Lyubimovka"].candidates
    assert not {p.place_id for p in ukr} & {p.place_id for p in res["Lyubimovka"].candidates}
    assert res["Yunakivka"].place.oblast == "Sumy"
    assert res["Sudzha"].place.country == "RU"


def test_mentions_outside_fronts_get_the_front_whose_zone_holds_the_place(gaz):
    """A strike named outside every front section goes on the map with its zone's front."""
    report = Report(date=dt.date(2024, 5, 24), format="news", title="t", text="")
    report.other_mentions = [
        Mention("Vovchansk", 0, 9, name_key("Vovchansk")),
        Mention("Lviv", 20, 24, name_key("Lviv")),
    ]
    by_name = {rm.mention.text: rm for rm in resolve_report(report, gaz)}
    assert by_name["Vovchansk"].front is None and by_name["Vovchansk"].event_front == "Kharkiv"
    assert by_name["Lviv"].resolution.place is not None and by_name["Lviv"].event_front is None
