"""Which front a place belongs to: the one module that maps places to fronts.

Three questions, all answered from the front table (:data:`geo.places.fronts.FRONTS`):

- :func:`zone_front`: the front whose zone (oblasts, raions) holds a place.
  Mentions outside every front section (a strike, a news article) go there.
- :func:`zone_votes`: for a passage of a report, the fronts its places point
  to, for parsers that must decide which front a paragraph is about.
- :func:`oblast_front`: for a passage the votes leave open, the front whose
  oblasts hold the places its names surely mean (:func:`home_place`).

Answers per name are memoised on the gazetteer (:meth:`Gazetteer.memo`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from geo._text import name_key
from geo.model import Mention, Place
from geo.places.fronts import FRONTS, front_oblasts
from geo.places.gazetteer import Gazetteer, is_major


def zone_front(place: Place) -> str | None:
    """The front whose zone holds ``place``, by its raion, else its oblast; ``None`` if none."""
    if place.raion:
        for f in FRONTS.values():
            if place.raion in f.zone_raions:
                return f.name
    for f in FRONTS.values():
        if place.oblast in f.zone_oblasts:
            return f.name
    return None


def zone_votes(ms: Iterable[Mention], gaz: Gazetteer) -> dict[str, int]:
    """Fronts whose zone holds each mentioned place, counted once per place name.

    A name counts only when all its candidates in some front's zone point to
    one front (Bakhmut in Poltava Oblast has no zone; Bakhmut in Donetsk does),
    so an ambiguous village name cannot swing the vote; a name a major city
    outside every zone bears (Nikopol) does not vote at all.
    """
    zones = gaz.memo("zones.name")
    votes: dict[str, int] = {}
    for key in {m.key for m in ms}:  # features too: Kinburn Spit lies in one oblast
        if key not in zones:
            zones[key] = _one_zone(gaz, key)
        z = zones[key]
        if z is not None:
            votes[z] = votes.get(z, 0) + 1
    return votes


def _one_zone(gaz: Gazetteer, key: str) -> str | None:
    """The front zone all of ``key``'s candidates in some zone share, else ``None``."""
    cands = gaz.candidates(key)
    # Nikopol the city (outside every zone) is what the name means, not the
    # village of 600 in a front's zone: a zoneless major city takes the vote away.
    if any(is_major(p) and zone_front(p) is None for p in cands):
        return None
    zs = {zone_front(p) for p in cands} - {None}
    return zs.pop() if len(zs) == 1 else None


def home_place(gaz: Gazetteer, key: str) -> Place | None:
    """The place a name surely means: its one settlement, or its one major city of
    that name ("Nikopol" is the city, whatever hamlet shares it); else ``None``."""
    homes = gaz.memo("zones.home")
    if key not in homes:
        homes[key] = _home(gaz, key)
    home: Place | None = homes[key]
    return home


def _home(gaz: Gazetteer, key: str) -> Place | None:
    towns = [p for p in gaz.candidates(key) if p.precision == "settlement"]
    if len({p.place_id for p in towns}) == 1:
        return towns[0]
    majors = [p for p in towns if is_major(p) and name_key(p.name) == key]
    return majors[0] if len(majors) == 1 else None


def oblast_front(
    ms: Iterable[Mention], gaz: Gazetteer, fronts: Sequence[str], current: str | None
) -> str | None:
    """The front whose oblasts hold the places ``ms`` surely name, for a passage
    the zone vote leaves open (a Southern Axis strike list naming Marhanets and
    Chervonohryhorivka in Dnipropetrovsk Oblast after a Kherson sentence).

    ``current`` is kept when it holds any of those places, when nothing is
    sure, or when no front of ``fronts`` holds them. Major cities never move a
    passage: they are everyone's reference points ("struck Dnipro City").
    """
    homes = [h for m in ms if (h := home_place(gaz, m.key)) is not None]
    here = front_oblasts(current)
    if not homes or any(h.oblast in here for h in homes):
        return current
    obl = [h.oblast for h in homes if not is_major(h)]
    score = {f: sum(o in front_oblasts(f) for o in obl) for f in fronts}
    top = max(score.values(), default=0)
    if top == 0:
        return current
    return next(f for f in fronts if score[f] == top)


def direction_front(direction: str, gaz: Gazetteer) -> str | None:
    """The front a report's direction belongs to ("Kupyansk" -> Luhansk,
    "Donetsk Oblast (rear strike)" -> Donetsk, "Velykyi Burluk" -> Kharkiv):
    a front's own name or alias, else the front whose zone holds the direction's
    town, else the front whose oblasts hold it."""
    from geo.places.fronts import canonical_front

    base = direction.split("(")[0].strip()
    front = canonical_front(base)
    if front in FRONTS:
        return front
    key = name_key(base)
    for f in FRONTS.values():
        if key in {name_key(a) for a in f.aliases}:
            return f.name
    for f in FRONTS.values():  # an oblast: "Crimea (rear strike)"
        if key in {name_key(o) for o in f.oblasts}:
            return f.name
    # the direction's town: its one settlement, else the largest in a front zone
    first = name_key(re.split(r"[-–]", base)[0])
    towns = [p for p in gaz.candidates(first) if p.precision == "settlement"]
    zoned = sorted((p for p in towns if zone_front(p)), key=lambda p: -p.population)
    town = zoned[0] if zoned else home_place(gaz, first)
    if town is None:
        return None
    return zone_front(town) or next(
        (f.name for f in FRONTS.values() if town.oblast in f.oblasts), None
    )
