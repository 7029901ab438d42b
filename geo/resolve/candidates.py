"""Which gazetteer places a name as written may mean, before any context is used.

The resolver asks three things of a name: its candidates at home (Ukraine and
the border oblasts of Russia that fronts cover), its candidates abroad (the rest
of Russia and Belarus), and what the sentence itself says (an oblast named next
to it, a parenthesised old name). A place abroad is never a rival of a
Ukrainian village by default: there are Russian towns called Donetsk, Lyman
and Pokrovsk, and reports almost always mean the Ukrainian ones. It becomes a
candidate only when the text points abroad (see :func:`abroad_joiners` and the
resolver's foreign-context rule).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from geo._text import name_key
from geo.distance import haversine_km
from geo.model import Place
from geo.places.fronts import FRONTS, RUSSIAN_OBLASTS
from geo.places.gazetteer import Gazetteer, is_major

GONE_CODES = frozenset({"PPLQ", "PPLH"})
DUPLICATE_KM = 3.0  # same name closer than this: one place recorded twice
SECTION_DUPLICATE_KM = 10.0  # ... and a "section of a populated place" this close to the village
_DUP_SECTION_DLAT = 0.1  # degrees of latitude: more than 10 km apart whatever the longitude
_CODE_RANK = {"PPLC": 0, "PPLA": 0, "PPLA2": 0, "PPLA3": 0, "PPLA4": 0, "PPL": 1}
ABROAD_TOWN_POPULATION = 10_000  # a foreign town that may take a name Ukraine has only as an alias
COMMON_NAME_COUNT = 3  # a name this many settlements bear is a village name, not a city's alias

# Oblasts abroad that fronts run through (Belgorod, Kursk, Bryansk): their
# places are candidates like Ukrainian ones.
HOME_ABROAD_OBLASTS: frozenset[str] = RUSSIAN_OBLASTS


def km(a: Place, b: Place) -> float:
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


_VECTOR_MIN = 32  # places from which one numpy call is cheaper than a loop


def min_km(p: Place, qs: Sequence[Place]) -> float:
    """Kilometres from ``p`` to the nearest of ``qs`` (infinity when there are none)."""
    if not qs:
        return math.inf
    if len(qs) < _VECTOR_MIN:
        return min(km(p, q) for q in qs)
    lat = np.fromiter((q.lat for q in qs), float, len(qs))
    lon = np.fromiter((q.lon for q in qs), float, len(qs))
    return float(np.min(haversine_km(p.lat, p.lon, lat, lon)))


def is_home(p: Place) -> bool:
    """Ukraine, and the oblasts abroad that a front runs through."""
    return p.country == "UA" or p.oblast in HOME_ABROAD_OBLASTS


def is_main_name(p: Place, key: str) -> bool:
    """The place bears the name itself, not as an old name or another language's."""
    return name_key(p.name) == key


def city_namesakes(cands: Sequence[Place], key: str) -> list[Place]:
    """The major cities among ``cands`` that bear the name itself.

    A city matched only through a historical name (Stanislav for
    Ivano-Frankivsk) does not make a village of that name suspect.
    """
    majors = [p for p in cands if is_major(p)]
    named = [p for p in majors if is_main_name(p, key)]
    return named if named or not key else []


def _rank(p: Place) -> tuple:
    num = p.place_id.split(":")[-1]
    return (
        _CODE_RANK.get(p.feature_code, 2),
        -p.population,
        int(num) if num.isdigit() else 0,
        p.place_id,
    )


def _duplicate_km(p: Place, q: Place) -> float:
    if p.feature_code.startswith("PPLX") != q.feature_code.startswith("PPLX"):
        return SECTION_DUPLICATE_KM
    return DUPLICATE_KM


def dedupe(places: Sequence[Place]) -> list[Place]:
    """Collapse records of one place (same name, < 3 km apart) to the best-ranked one.

    GeoNames holds some villages twice (and a village again as a section of a
    populated place up to 10 km away); counting them as two namesakes would make a clear case
    look ambiguous. Places are bucketed by latitude band, so this is linear in
    the number of records.
    """
    kept: list[Place] = []
    bands: dict[int, list[Place]] = {}
    for p in sorted(places, key=_rank):
        band = math.floor(p.lat / _DUP_SECTION_DLAT)
        near = (q for b in (band - 1, band, band + 1) for q in bands.get(b, ()))
        if all(km(p, q) >= _duplicate_km(p, q) for q in near):
            kept.append(p)
            bands.setdefault(band, []).append(p)
    order = {p.place_id: i for i, p in enumerate(places)}
    return sorted(kept, key=lambda p: order[p.place_id])


DISTRICT_KM = 15.0  # a section of a populated place this close to a major city is its district


def _majors_by_band(gaz: Gazetteer) -> dict[int, list[Place]]:
    bands: dict[int, list[Place]] = gaz.memo("resolver.major-bands")
    if not bands:
        for p in gaz.places:
            if is_major(p) and p.precision == "settlement":
                bands.setdefault(math.floor(p.lat), []).append(p)
    return bands


def is_district(gaz: Gazetteer, p: Place) -> bool:
    """A GeoNames "section of a populated place" (PPLX) inside a major city.

    The code covers city districts (Kyiv's Darnytsia, Mariupol's sections)
    and, as often, villages the record keeper filed that way (Sil near
    Soledar): only the first are districts; the others are villages.
    """
    if not p.feature_code.startswith("PPLX"):
        return False
    memo = gaz.memo("resolver.districts")
    got: bool | None = memo.get(p.place_id)
    if got is None:
        bands = _majors_by_band(gaz)
        near = (c for b in (-1, 0, 1) for c in bands.get(math.floor(p.lat) + b, ()))
        got = memo[p.place_id] = any(km(p, c) <= DISTRICT_KM for c in near)
    return got


def by_type(cands: list[Place], is_feature: bool, gaz: Gazetteer | None = None) -> list[Place]:
    """A river is not a village of the same name, and vice versa (when both exist);
    a city district is not a village either, but a village filed as a section is."""
    if is_feature:
        feats = [p for p in cands if p.precision != "settlement"]
        return feats or cands
    towns = [
        p for p in cands
        if p.precision == "settlement"
        or (gaz is not None and p.feature_code.startswith("PPLX") and not is_district(gaz, p))
    ]  # fmt: skip
    # an abandoned or destroyed-and-gone village is rarely the one a report means
    live = [p for p in towns if p.feature_code not in GONE_CODES]
    return live or towns or cands


_PAREN = re.compile(r"\s*\(([^()]*)\)\s*")


def name_keys(text: str, key: str) -> list[str]:
    """The keys a name as written stands for.

    "Chervonyi (Krasnyi) Lyman" is the village of both names (the bracket holds
    its old name): "Chervonyi Lyman" and "Krasnyi Lyman". "Kamianka (Kherson)"
    style brackets that qualify a whole name give the name itself.
    """
    if "(" not in text:
        return [key or name_key(text)]
    m = _PAREN.search(text)
    if m is None:
        return [key or name_key(text)]
    before, inner, after = text[: m.start()].strip(), m.group(1).strip(), text[m.end() :].strip()
    forms = [f"{before} {after}".strip()]
    if inner and after:
        forms.append(f"{inner} {after}")
    elif inner and before and " " not in before and " " not in inner:
        forms.append(inner)
    keys = [name_key(f) for f in forms if f]
    return list(dict.fromkeys(k for k in keys if k))


def lookup(gaz: Gazetteer, keys: Sequence[str], is_feature: bool) -> list[Place]:
    """Candidates of all ``keys``, duplicates collapsed, rivers apart from villages.

    Memoised per (keys, is_feature) on the gazetteer: the same names come back
    in every report.
    """
    cache = gaz.memo("resolver.candidates")
    ck = (tuple(keys), is_feature)
    got: list[Place] | None = cache.get(ck)
    if got is None:
        seen: dict[str, Place] = {}
        for k in keys:
            for p in gaz.candidates(k):
                seen.setdefault(p.place_id, p)
        got = cache[ck] = by_type(dedupe(list(seen.values())), is_feature, gaz)
    return got


def variant_only(gaz: Gazetteer, cands: Sequence[Place], keys: Sequence[str]) -> frozenset[str]:
    """Ids of the candidates that only a generated spelling variant of GeoNames' names gave."""
    strong = {
        p.place_id for k in keys for p in gaz.candidates(k) if not gaz.is_variant(p, k)
    }  # fmt: skip
    return frozenset(p.place_id for p in cands if p.place_id not in strong)


def abroad_joiners(home: list[Place], abroad: list[Place], key: str) -> list[Place]:
    """Places abroad that take part even when the text does not point abroad.

    - a major foreign city bearing the name itself (Voronezh, Novosibirsk,
      Brest): like a Ukrainian city it may be named from any front;
    - when no place at home bears the name itself (only as an old or other
      name), the foreign towns that do (Millerovo, whose Ukrainian namesake
      only once bore that name);
    - every foreign candidate when the name has none at home (Taganrog).
    """
    if not home:
        return list(abroad)
    named = [p for p in abroad if is_main_name(p, key)]
    if not any(is_main_name(p, key) for p in home):
        return [p for p in named if is_major(p) or p.population >= ABROAD_TOWN_POPULATION]
    return [p for p in named if is_major(p)]


def common_name(cands: Sequence[Place], key: str) -> bool:
    """A name several settlements bear as their own (Oleksandrivka): a village name."""
    return sum(is_main_name(p, key) for p in cands) >= COMMON_NAME_COUNT


# --- oblast hints ---------------------------------------------------------------------

_HINT_WORDS = re.compile(
    r"\b(oblast|oblasti|krai|kray|region|republic|of|the|autonomous|okrug|province|raion|city)\b",
    re.I,
)
_HINT_ALIASES = {
    "kiev": "Kyiv", "kharkov": "Kharkiv", "lugansk": "Luhansk", "zaporozhye": "Zaporizhzhia",
    "zaporozhe": "Zaporizhzhia", "nikolaev": "Mykolaiv", "nikolayev": "Mykolaiv",
    "dnepropetrovsk": "Dnipropetrovsk", "dnipro": "Dnipropetrovsk", "odessa": "Odesa",
    "sevastopol": "Sevastopol", "krym": "Crimea", "chernigov": "Chernihiv",
    "zhitomir": "Zhytomyr", "rovno": "Rivne", "lvov": "Lviv", "kirovograd": "Kirovohrad",
    "kropyvnytskyi": "Kirovohrad", "khmelnitsky": "Khmelnytskyi", "orel": "Oryol",
    "orenburg": "Orenburg", "saintpetersburg": "Saint Petersburg", "leningrad": "Leningrad",
}  # fmt: skip
_COUNTRIES = {"ukraine": "UA", "russia": "RU", "russianfederation": "RU", "belarus": "BY"}


def _hint_key(hint: str) -> str:
    return name_key(_HINT_WORDS.sub(" ", hint))


def hint_filter(gaz: Gazetteer, hint: str) -> tuple[str | None, frozenset[str]]:
    """What an oblast hint names: ``(country, oblasts)``; both empty when unknown.

    "Kharkiv Oblast", "Kharkiv", "Rostov Oblast", "Krasnodar Krai", "Belarus":
    the words around the name do not matter, spellings do not either.
    """
    regions = gaz.memo("resolver.regions")
    if not regions:
        for p in gaz.places:
            if p.oblast:
                regions.setdefault(_hint_key(p.oblast), set()).add((p.country, p.oblast))
        for alias, oblast in _HINT_ALIASES.items():
            regions.setdefault(alias, set()).add(("UA", oblast))
    k = _hint_key(hint)
    if k in _COUNTRIES:
        return _COUNTRIES[k], frozenset()
    found = regions.get(k, set())
    if k == "kiiv":
        found = found | {("UA", "Kyiv City")}
    if k == "crimea":
        found = found | {("UA", "Sevastopol")}
    if not found:
        return None, frozenset()
    countries = {c for c, _ in found}
    return (countries.pop() if len(countries) == 1 else None), frozenset(o for _, o in found)


def apply_hint(gaz: Gazetteer, cands: list[Place], hint: str | None) -> list[Place] | None:
    """The candidates in the oblast (or country) the text names; ``None`` if no usable hint."""
    if not hint:
        return None
    country, oblasts = hint_filter(gaz, hint)
    if oblasts:
        return [p for p in cands if p.oblast in oblasts]
    if country:
        return [p for p in cands if p.country == country]
    return None


# --- bearings -------------------------------------------------------------------------

_POINTS = (
    "n", "nne", "ne", "ene", "e", "ese", "se", "sse",
    "s", "ssw", "sw", "wsw", "w", "wnw", "nw", "nnw",
)  # fmt: skip
_WORDS = {"north": "n", "south": "s", "east": "e", "west": "w"}


def compass_degrees(word: str) -> float | None:
    """ "northwest" / "north-northwest" / "NW" -> degrees clockwise from north."""
    w = re.sub(r"[^a-z]", " ", word.lower()).strip()
    if not w:
        return None
    letters = w.replace(" ", "")
    for name, letter in _WORDS.items():
        letters = letters.replace(name, letter)
    letters = letters.replace("ern", "")
    if letters in _POINTS:
        return _POINTS.index(letters) * 22.5
    return None


def azimuth(a: Place, b: Place) -> float:
    """Initial bearing from ``a`` to ``b`` in degrees clockwise from north."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360.0) % 360.0


def angle_off(a: float, b: float) -> float:
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d)


# --- a front's area ---------------------------------------------------------------------

_AREA_BAND = 1.0  # degrees of latitude per band of the area's settlements


def _area_bands(gaz: Gazetteer, front: str) -> dict[int, np.ndarray]:
    """The settlements of a front's oblasts and zone as (lat, lon) arrays per band."""
    memo = gaz.memo("resolver.front-area")
    bands: dict[int, np.ndarray] | None = memo.get(front)
    if bands is None:
        f = FRONTS[front]
        inside = f.oblasts | f.zone_oblasts
        lists: dict[int, list[tuple[float, float]]] = {}
        for p in gaz.places:
            if p.precision == "settlement" and (p.oblast in inside or p.raion in f.zone_raions):
                lists.setdefault(math.floor(p.lat / _AREA_BAND), []).append((p.lat, p.lon))
        bands = memo[front] = {b: np.array(v, dtype=float) for b, v in lists.items()}
    return bands


def front_area_km(gaz: Gazetteer, front: str | None, p: Place) -> float:
    """How far ``p`` lies from a front's area (its oblasts and zone): 0 inside.

    Memoised per (front, place) on the gazetteer; the area's settlements are
    kept in latitude bands and only the bands within reach are measured.
    """
    if front is None or front not in FRONTS:
        return 0.0
    memo = gaz.memo("resolver.front-area-km")
    ck = (front, p.place_id)
    got: float | None = memo.get(ck)
    if got is None:
        f = FRONTS[front]
        got = math.inf
        if p.oblast in f.oblasts | f.zone_oblasts or p.raion in f.zone_raions:
            got = 0.0
        bands = _area_bands(gaz, front)
        band = math.floor(p.lat / _AREA_BAND)
        # a band is ~111 km of latitude: stop once no farther band can be nearer
        for reach in range(6) if got else ():
            for b in {band - reach, band + reach}:
                pts = bands.get(b)
                if pts is not None:
                    got = min(got, float(np.min(haversine_km(p.lat, p.lon, pts[:, 0], pts[:, 1]))))
            if got <= reach * 111.0 * _AREA_BAND:
                break
        memo[ck] = got
    return got
