"""The fronts Frontline knows: names, aliases, the oblasts they cover, colours.

Facts only: which oblasts (admin1) and raions (admin2) each front's fighting
touches. ``oblasts`` is the prior used when resolving a name mentioned on a
front; ``zone_raions`` decides which front a place outside any front section
(a strike, a news article) belongs to by geography.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geo._text import name_key


@dataclass(frozen=True, slots=True)
class FrontDef:
    name: str
    color: str
    oblasts: frozenset[str]
    zone_oblasts: frozenset[str] = field(default_factory=frozenset)
    zone_raions: frozenset[str] = field(default_factory=frozenset)
    aliases: tuple[str, ...] = ()


def _f(name, color, oblasts, zone_oblasts=(), zone_raions=(), aliases=()) -> FrontDef:
    return FrontDef(
        name, color, frozenset(oblasts), frozenset(zone_oblasts), frozenset(zone_raions),
        tuple(aliases),
    )  # fmt: skip


# Okabe-Ito palette (colour-blind safe), one colour per front.
FRONTS: dict[str, FrontDef] = {
    f.name: f
    for f in (
        _f(
            "Kharkiv",
            "#0072B2",
            ["Kharkiv", "Belgorod"],
            zone_raions=["Kharkiv", "Chuhuiv", "Bohodukhiv"],
            zone_oblasts=["Belgorod"],
            aliases=[
                "Northeast",
                "Northeastern",
                "Kharkiv Oblast",
                "Kharkiv City",
                "Northeastern Ukraine",
                "Vovchansk",
                "Lyptsi",
            ],
        ),
        _f(
            "Luhansk",
            "#009E73",
            ["Luhansk", "Kharkiv", "Donetsk"],
            zone_raions=["Kupiansk", "Izium"],
            zone_oblasts=["Luhansk"],
            aliases=[
                "Eastern Kharkiv Oblast-Western Luhansk Oblast",
                "Svatove",
                "Kreminna",
                "Kupiansk",
                "Kupyansk",
                "Oskil",
                "Severodonetsk",
                "Sievierodonetsk",
                "Lysychansk",
                "Izium",
                "Izyum",
                "Lyman",
            ],
        ),
        _f(
            "Donetsk",
            "#D55E00",
            ["Donetsk", "Dnipropetrovsk", "Luhansk", "Zaporizhzhia"],
            zone_raions=[
                "Bakhmut",
                "Kramatorsk",
                "Pokrovsk",
                "Donetsk",
                "Horlivka",
                "Kalmiuskyi",
                "Mariupol",
            ],
            aliases=[
                "Donbas",
                "Donetsk Oblast",
                "Bakhmut",
                "Avdiivka",
                "Pokrovsk",
                "Siversk",
                "Chasiv Yar",
                "Toretsk",
                "Kurakhove",
                "Mariupol",
                "Vuhledar",
            ],
        ),
        _f(
            "Zaporizhia",
            "#CC79A7",
            ["Zaporizhzhia", "Donetsk", "Dnipropetrovsk"],
            zone_raions=["Volnovakha"],
            zone_oblasts=["Zaporizhzhia"],
            aliases=[
                "Zaporizhzhia",
                "Zaporizhia Oblast",
                "Zaporizhzhia Oblast",
                "Southern",
                "Southern Axis",
                "Orikhiv",
                "Huliaipole",
                "Robotyne",
            ],
        ),
        _f(
            "Kherson",
            "#E69F00",
            ["Kherson", "Mykolaiv", "Zaporizhzhia", "Crimea"],
            zone_oblasts=["Kherson", "Mykolaiv"],
            aliases=[
                "Kherson Oblast",
                "Dnipro River",
                "Kherson and west",
                "Mykolaiv",
                "Southern Ukraine",
            ],
        ),
        _f(
            "Kyiv",
            "#56B4E9",
            ["Kyiv", "Kyiv City", "Chernihiv", "Zhytomyr", "Sumy"],
            zone_oblasts=["Kyiv", "Kyiv City", "Zhytomyr"],
            aliases=["Kyiv axis", "Kiev", "Northern", "Chernihiv"],
        ),
        _f(
            "Sumy",
            "#F0E442",
            ["Sumy", "Kursk", "Bryansk"],
            zone_oblasts=["Sumy", "Bryansk"],
            aliases=["Sumy Oblast", "Sumy axis"],
        ),
        _f("Kursk", "#000000", ["Kursk", "Sumy"], zone_oblasts=["Kursk"], aliases=["Kursk Oblast"]),
    )
}

OTHER_COLOR = "#999999"
CANONICAL = ("Kharkiv", "Luhansk", "Donetsk", "Zaporizhia", "Kherson")


def color(front: str | None) -> str:
    """Colour of a front on the map; grey for unknown and non-front."""
    f = FRONTS.get(front or "")
    return f.color if f else OTHER_COLOR


_KEYS = {name_key(n): n for n in FRONTS}


def canonical_front(name: str) -> str:
    """``"Kherson (Dnipro River)"`` -> ``"Kherson"``; unknown names are kept as written.

    Fronts that are not in :data:`FRONTS` stay their own front (a report may
    name Kursk or a new axis); they are just not forced into the five.
    """
    base = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()
    base = re.sub(r"\s+(front|axis|direction|oblast)$", "", base, flags=re.I).strip()
    return _KEYS.get(name_key(base), base.title() if base.isupper() else base)


def front_oblasts(front: str | None) -> frozenset[str]:
    f = FRONTS.get(front or "")
    return f.oblasts if f else frozenset()


RUSSIAN_OBLASTS = frozenset({"Belgorod", "Kursk", "Bryansk"})


def in_russia(front: str | None) -> bool:
    """A front whose zone lies in Russia (Kursk): its villages are written in
    Russian transliteration ("Lyubimovka"), Ukraine's in Ukrainian ("Liubymivka")."""
    f = FRONTS.get(front or "")
    return f is not None and bool(f.zone_oblasts) and f.zone_oblasts <= RUSSIAN_OBLASTS
