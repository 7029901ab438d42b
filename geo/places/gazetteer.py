"""The offline gazetteer: ``data/places.csv`` plus hand-kept overrides.

Lookups go by :func:`geo._text.name_key`, so every transliteration of a name
reaches the same candidates. Loading is cached per file signature; the app and
the CLI pay for it once per process.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from geo._io import atomic_write_bytes
from geo._text import name_key
from geo.errors import GazetteerError
from geo.model import Place
from geo.settings import settings

OVERRIDE_COLUMNS = (
    "place_id", "action", "name", "aliases", "feature_code", "oblast", "raion", "lat", "lon",
    "population", "country", "note",
)  # fmt: skip
ACTIONS = ("add", "alias", "move", "drop")


@dataclass(slots=True)
class Gazetteer:
    """Places and a name key -> rows index. Build it with :func:`load_gazetteer`.

    Every stage asks the same questions of it over and over (the candidates of
    "Oleksandrivka", the front zone of a name), so the answers are memoised on
    the gazetteer itself (:meth:`memo`): they live exactly as long as it does,
    and a test's own small gazetteer never sees another's answers.
    """

    places: list[Place]
    index: dict[str, list[int]]
    max_words: int = 4
    # place_id -> keys that only a spelling rule gave it (Hruzke for Gruzskoye), not GeoNames
    variant_keys: dict[str, frozenset[str]] = field(default_factory=dict)
    _memo: dict[str, dict] = field(default_factory=dict, repr=False, compare=False)

    def has_key(self, key: str) -> bool:
        return key in self.index

    def candidates(self, key: str) -> list[Place]:
        return [self.places[i] for i in self.index.get(key, ())]

    def lookup(self, name: str) -> list[Place]:
        """Candidates for a name as written."""
        return self.candidates(name_key(name))

    def is_variant(self, p: Place, key: str) -> bool:
        """``p`` is a candidate of ``key`` only through a generated spelling variant."""
        return key in self.variant_keys.get(p.place_id, ())

    def memo(self, name: str) -> dict:
        """A dict for one kind of derived answer (``"zones"``, ``"resolver.candidates"``...)."""
        table = self._memo.get(name)
        if table is None:
            table = self._memo[name] = {}
        return table

    def __getstate__(self) -> tuple:
        # the pickle cache holds the data, not answers derived from it
        return (self.places, self.index, self.max_words, self.variant_keys)

    def __setstate__(self, state: tuple) -> None:
        self.places, self.index, self.max_words, self.variant_keys = state
        self._memo = {}

    def __len__(self) -> int:
        return len(self.places)


MAJOR_POPULATION = 100_000
MAJOR_CODES = frozenset({"PPLA", "PPLC"})


def is_major(p: Place) -> bool:
    """Capitals of the country and oblasts, and cities of 100k+: what a bare name means."""
    return p.feature_code in MAJOR_CODES or p.population >= MAJOR_POPULATION


def _place(row: dict) -> Place:
    return Place(
        place_id=row["place_id"],
        name=row["name"],
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        feature_code=row["feature_code"],
        oblast=row["oblast"],
        raion=row.get("raion") or "",
        population=int(row.get("population") or 0),
        country=row.get("country") or "UA",
    )


_PLACE_COLUMNS = (
    "place_id", "name", "lat", "lon", "feature_code", "oblast", "raion", "population", "country",
)  # fmt: skip
_conv = (str, str, float, float, str, str, str, lambda v: int(v or 0), lambda v: v or "UA")
_defaults = ("", "", 0.0, 0.0, "", "", "", 0, "UA")


def _read_places(path: Path) -> tuple[list[Place], list[list[str]], dict[str, frozenset[str]]]:
    if not path.exists():
        raise GazetteerError(
            f"{path}: gazetteer not found; build it with "
            "`frontline places build --geonames UA.txt.gz`"
        )
    places: list[Place] = []
    keys: list[list[str]] = []
    variants: dict[str, frozenset[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        missing = {"place_id", "name", "lat", "lon", "keys"} - set(header)
        if missing:
            raise GazetteerError(f"{path}: missing columns {sorted(missing)}")
        col = {c: header.index(c) for c in header}
        ci = [col.get(c, -1) for c in _PLACE_COLUMNS]
        kcol, vcol = col["keys"], col.get("variants", -1)
        for row in reader:
            try:
                values = [_conv[j](row[i]) if i >= 0 else _defaults[j] for j, i in enumerate(ci)]
                place = Place(*values)  # type: ignore[arg-type]
                places.append(place)
                keys.append(row[kcol].split("|"))
                if vcol >= 0 and row[vcol]:
                    variants[place.place_id] = frozenset(row[vcol].split("|"))
            except (ValueError, IndexError) as exc:
                raise GazetteerError(f"{path}:{reader.line_num}: bad row ({exc})") from exc
    return places, keys, variants


def _apply_overrides(
    path: Path, places: list[Place], keys: list[list[str]]
) -> tuple[list[Place], list[list[str]]]:
    """Apply ``add`` / ``alias`` / ``move`` / ``drop`` rows from the override file."""
    if not path.exists():
        return places, keys
    pos = {p.place_id: i for i, p in enumerate(places)}
    dropped: set[int] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), 2):
            action = (row.get("action") or "").strip()
            pid = (row.get("place_id") or "").strip()
            if action not in ACTIONS or not pid:
                raise GazetteerError(f"{path}:{n}: action must be one of {ACTIONS} with a place_id")
            aliases = [a for a in (row.get("aliases") or "").split("|") if a.strip()]
            alias_keys = [name_key(a) for a in aliases]
            if action == "add":
                try:
                    place = _place(row)
                except (ValueError, KeyError) as exc:
                    raise GazetteerError(f"{path}:{n}: bad place ({exc})") from exc
                pos[pid] = len(places)
                places.append(place)
                keys.append(list(dict.fromkeys([name_key(place.name), *alias_keys])))
                continue
            if pid not in pos:
                raise GazetteerError(f"{path}:{n}: unknown place_id {pid}")
            i = pos[pid]
            if action == "alias":
                keys[i] = list(dict.fromkeys(keys[i] + alias_keys))
            elif action == "move":
                old = places[i]
                places[i] = Place(**{
                    **{s: getattr(old, s) for s in old.__slots__},
                    "lat": float(row["lat"]), "lon": float(row["lon"]),
                })  # fmt: skip
            else:
                dropped.add(i)
    if dropped:
        keep = [i for i in range(len(places)) if i not in dropped]
        places = [places[i] for i in keep]
        keys = [keys[i] for i in keep]
    return places, keys


_CACHE_VERSION = 4


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: int, opath: str, omtime: int) -> Gazetteer:
    """Parse the CSV once per version of the files; later processes read a pickle."""
    tag = hashlib.sha1(f"{_CACHE_VERSION}|{path}|{mtime}|{opath}|{omtime}".encode()).hexdigest()
    cached = settings.cache_dir / f"gazetteer-{tag[:16]}.pickle"
    try:
        with cached.open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # missing, truncated, or from an older layout: rebuild it
        pass
    gaz = _build(path, opath)
    # A read-only home is fine: we just parse again next time.
    with contextlib.suppress(OSError):
        atomic_write_bytes(cached, pickle.dumps(gaz, protocol=pickle.HIGHEST_PROTOCOL))
    return gaz


def _build(path: str, opath: str) -> Gazetteer:
    places, keys, variants = _read_places(Path(path))
    places, keys = _apply_overrides(Path(opath), places, keys)
    index: dict[str, list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            if k:
                index.setdefault(k, []).append(i)
    max_words = max((len(p.name.split()) for p in places), default=1) + 1
    return Gazetteer(
        places=places, index=index, max_words=min(max_words, 5), variant_keys=variants
    )


def _mtime(p: Path) -> int:
    try:
        return p.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def load_gazetteer(path: Path | None = None, overrides: Path | None = None) -> Gazetteer:
    """Load (once per file version) the gazetteer and the overrides that patch it."""
    path = Path(path or settings.places_csv)
    overrides = Path(overrides or settings.overrides_csv)
    return _load_cached(str(path), _mtime(path), str(overrides), _mtime(overrides))
