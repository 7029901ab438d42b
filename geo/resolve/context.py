"""The resolver's working state: one unit per name per paragraph, and the context around it.

Why units: a report names "Ivanivka" twice in one paragraph far more often
than it means two Ivanivkas there, and a hostile one-paragraph report may name
it a hundred thousand times. One unit per (paragraph, name, what the sentence
says about it) is resolved once, and every occurrence gets its answer.

Why caps: the context of a unit is the resolved places around it (its text
neighbours in the paragraph, the places of its section, of its front). Real
paragraphs name a few dozen places and real sections under a hundred distinct
ones; the caps below are above both, so real reports are read in full while a
report of any size costs a bounded amount of work per unit: resolving is
linear in the number of mentions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from geo.model import Mention, Place
from geo.places.gazetteer import Gazetteer, is_major

NEIGHBOUR_WINDOW = 40  # text neighbours looked at on each side of an occurrence
NEIGHBOURS = 48  # ... of which the nearest this many count
OCCURRENCE_SCAN = 8  # occurrences of one unit whose neighbours are looked at
GROUP_ANCHORS = 128  # distinct places of a section or a front that count as context
LEVEL_WEIGHT = {"paragraph": 1.0, "section": 0.5, "front": 0.25}


@dataclass(slots=True, eq=False)
class Unit:
    """One name in one paragraph (with what its sentence says of it) and its answer."""

    uid: int
    key: str
    mentions: list[Mention]
    orders: list[int]  # positions of the occurrences in the report's mention sequence
    front: str | None  # the report's front as written, None outside fronts
    cfront: str | None  # its canonical name
    section: str
    fi: int  # front index (-1 outside fronts)
    si: int  # section index
    para: int
    cands: list[Place]  # the pool the steps choose from
    prior: list[Place]  # candidates in the front's oblasts
    abroad: list[Place] = field(default_factory=list)  # foreign places not in the pool
    all_cands: list[Place] = field(default_factory=list)  # before an oblast hint narrowed them
    bearing: tuple[float, str] | None = None  # degrees clockwise from north, reference key
    weak: frozenset[str] = frozenset()  # candidates only a generated spelling variant gave
    abroad_context: bool = False  # the text points abroad: foreign places are plausible
    said_town: bool = False  # the text calls it a town or a city ("the town of Zarichne")
    road_end: bool = False  # it names an end of a road ("the Kostiantynivka-Donetsk highway")
    place: Place | None = None
    method: str = ""
    tried: int = -1  # the context version when context last failed to decide this unit
    neighbours: list[tuple[Unit, int]] = field(default_factory=list)  # (unit, text distance)

    @property
    def mention(self) -> Mention:
        return self.mentions[0]

    @property
    def open(self) -> bool:
        return self.place is None and len(self.cands) >= 2


@dataclass(slots=True)
class _Entry:
    place: Place
    keys: Counter = field(default_factory=Counter)
    units: set[int] = field(default_factory=set)


class PlaceSet:
    """The distinct resolved places of a section or a front, in the order they were found."""

    __slots__ = ("entries", "version")

    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}
        self.version = 0

    def add(self, p: Place, u: Unit) -> None:
        e = self.entries.get(p.place_id)
        if e is None:
            e = self.entries[p.place_id] = _Entry(p)
        e.keys[u.key] += 1
        e.units.add(u.uid)
        self.version += 1

    def remove(self, p: Place, u: Unit) -> None:
        e = self.entries.get(p.place_id)
        if e is None:
            return
        e.keys[u.key] -= 1
        if e.keys[u.key] <= 0:
            del e.keys[u.key]
        e.units.discard(u.uid)
        if not e.units:
            del self.entries[p.place_id]
        self.version += 1

    def around(self, u: Unit) -> Iterator[Place]:
        """The first :data:`GROUP_ANCHORS` places, less those only ``u`` or its name gave."""
        for e in islice(self.entries.values(), GROUP_ANCHORS):
            if e.units == {u.uid} or (len(e.keys) == 1 and u.key in e.keys):
                continue
            yield e.place

    def besides(self, u: Unit) -> Iterator[Place]:
        """Like :meth:`around`, but other mentions of the same name count."""
        for e in islice(self.entries.values(), GROUP_ANCHORS):
            if e.units != {u.uid}:
                yield e.place


class Context:
    """Units grouped by paragraph, section and front, with the places found so far."""

    def __init__(self, gaz: Gazetteer, units: list[Unit], sequence: list[Unit]) -> None:
        self.gaz = gaz
        self.units = units
        self.sections: dict[tuple[int, int], PlaceSet] = {}
        self.fronts: dict[int, PlaceSet] = {}
        self.paragraphs: dict[tuple[int, int, int], PlaceSet] = {}
        for u in units:
            if u.fi >= 0:
                self.sections.setdefault((u.fi, u.si), PlaceSet())
                self.fronts.setdefault(u.fi, PlaceSet())
            self.paragraphs.setdefault(_para_id(u), PlaceSet())
        _link_neighbours(sequence)

    # --- changing answers ------------------------------------------------------------

    def settle(self, u: Unit, p: Place, method: str) -> None:
        if u.place is not None:
            self.unsettle(u, method)
        u.place, u.method = p, method
        for s in self._sets(u):
            s.add(p, u)

    def unsettle(self, u: Unit, method: str) -> None:
        if u.place is not None:
            for s in self._sets(u):
                s.remove(u.place, u)
        u.place, u.method = None, method

    def _sets(self, u: Unit) -> list[PlaceSet]:
        if u.fi < 0:
            return [self.paragraphs[_para_id(u)]]
        return [self.sections[(u.fi, u.si)], self.fronts[u.fi], self.paragraphs[_para_id(u)]]

    def version(self, u: Unit) -> int:
        """Changes whenever a place is found or dropped anywhere ``u`` takes context from."""
        if u.fi < 0:
            return self.paragraphs[_para_id(u)].version
        return self.fronts[u.fi].version

    # --- reading context -------------------------------------------------------------

    def anchors(self, u: Unit, levels: tuple[str, ...]) -> list[tuple[Place, float]]:
        """Resolved places around ``u`` with their weight as context, each place once.

        A city named six times as a reference point ("southwest of Donetsk
        City") must not outvote six different villages; major cities count
        half for the same reason. In the paragraph, a neighbour in the text
        counts more: lists in reports run along the front.
        """
        best: dict[str, tuple[Place, float]] = {}

        def put(p: Place, w: float) -> None:
            if is_major(p):
                w *= 0.5
            old = best.get(p.place_id)
            if old is None or old[1] < w:
                best[p.place_id] = (p, w)

        if "paragraph" in levels:
            for v, d in u.neighbours:
                if v.place is not None and v.key != u.key:
                    put(v.place, LEVEL_WEIGHT["paragraph"] * (1.0 + 2.0 / (1.0 + d)))
        if u.fi >= 0:
            if "section" in levels:
                for p in self.sections[(u.fi, u.si)].around(u):
                    put(p, LEVEL_WEIGHT["section"])
            if "front" in levels:
                for p in self.fronts[u.fi].around(u):
                    put(p, LEVEL_WEIGHT["front"])
        return list(best.values())

    def named(self, u: Unit, key: str) -> Place | None:
        """The one place ``key`` was resolved to in ``u``'s section, else in its front
        (the first :data:`GROUP_ANCHORS` places of each: bounded work)."""
        if u.fi < 0:
            return None
        for pset in (self.sections[(u.fi, u.si)], self.fronts[u.fi]):
            found = {
                e.place.place_id: e.place
                for e in islice(pset.entries.values(), GROUP_ANCHORS)
                if key in e.keys
            }  # fmt: skip
            if found:
                return next(iter(found.values())) if len(found) == 1 else None
        return None

    def front_settlements(self, u: Unit) -> list[Place]:
        """The resolved settlements of ``u``'s front (or paragraph, outside fronts), not ``u``'s."""
        pset = self.fronts[u.fi] if u.fi >= 0 else self.paragraphs[_para_id(u)]
        return [p for p in pset.besides(u) if p.precision == "settlement"]


def _para_id(u: Unit) -> tuple[int, int, int]:
    return (u.fi, u.si if u.fi >= 0 else -1, u.para)


def _link_neighbours(sequence: list[Unit]) -> None:
    """Each unit's text neighbours in its paragraph, with the smallest distance in mentions.

    ``sequence`` holds one unit per mention, in report order. Only the first
    :data:`OCCURRENCE_SCAN` occurrences of a unit are looked around, and only
    :data:`NEIGHBOUR_WINDOW` mentions each side: bounded work per mention.
    """
    para_pos: dict[tuple[int, int, int], list[int]] = {}
    for i, u in enumerate(sequence):
        para_pos.setdefault(_para_id(u), []).append(i)
    near: dict[int, dict[int, tuple[Unit, int]]] = {}
    for positions in para_pos.values():
        seen: dict[int, int] = {}  # uid -> occurrences scanned
        for j, i in enumerate(positions):
            u = sequence[i]
            n = seen.get(u.uid, 0)
            if n >= OCCURRENCE_SCAN:
                continue
            seen[u.uid] = n + 1
            mine = near.setdefault(u.uid, {})
            lo, hi = max(0, j - NEIGHBOUR_WINDOW), min(len(positions), j + NEIGHBOUR_WINDOW + 1)
            for jj in range(lo, hi):
                v = sequence[positions[jj]]
                if v is u:
                    continue
                d = abs(positions[jj] - i)
                got = mine.get(v.uid)
                if got is None or got[1] > d:
                    mine[v.uid] = (v, d)
    for i in range(len(sequence)):
        u = sequence[i]
        if u.uid in near:
            found = sorted(near.pop(u.uid).values(), key=lambda t: t[1])
            u.neighbours = found[:NEIGHBOURS]
