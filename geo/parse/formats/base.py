"""The interface every report format implements, and the pieces they share.

A format is an object with a ``name``, ``detect(text) -> float`` (0 = surely
not this format, 1 = surely it) and ``parse(text, ctx) -> Report``. Formats
read *structure* (headings, bullets) from the clean text produced by
:mod:`geo.parse.reading`; all character spans they produce index into that text,
which becomes :attr:`geo.model.Report.text`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Protocol

from geo.places.fronts import FRONTS
from geo.parse.mentions import find_mentions
from geo.model import Front, Mention, Report, Section


@dataclass(slots=True)
class ParseContext:
    """What a parser knows besides the text: where it came from and the user's overrides."""

    path: str | None
    gaz: object
    date: dt.date | None = None  # --date: wins over anything read from the text


class ReportFormat(Protocol):
    name: str

    def detect(self, text: str) -> float: ...

    def parse(self, text: str, ctx: ParseContext) -> Report: ...


@dataclass(slots=True)
class Block:
    """One non-empty line of the clean text: a heading, a paragraph or a bullet."""

    index: int
    start: int
    end: int
    text: str

    @property
    def is_bullet(self) -> bool:
        return self.text.startswith(("- ", "• ", "* ", "· "))


def blocks(text: str, end: int | None = None) -> list[Block]:
    """Non-empty lines with their offsets (reports put one paragraph per line)."""
    out: list[Block] = []
    pos = 0
    stop = len(text) if end is None else end
    for line in text[:stop].split("\n"):
        s = line.strip()
        if s:
            lead = len(line) - len(line.lstrip())
            out.append(Block(len(out), pos + lead, pos + lead + len(s), s))
        pos += len(line) + 1
    return out


_FOOTNOTE = re.compile(r"\[\d{1,3}\]")


def footnote_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Inline ``[n]`` markers: skipped by the mention finder, spans stay valid."""
    return [(m.start(), m.end()) for m in _FOOTNOTE.finditer(text, lo, hi)]


def strip_footnotes(s: str) -> str:
    return _FOOTNOTE.sub("", s).strip()


def title_of(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()[:300]
    return ""


@dataclass
class ReportBuilder:
    """Collects mentions into fronts and sections in report order, merging repeats.

    A front named twice (ISW covers Kherson under counteroffensives and again
    under the southern axis) is one :class:`Front` with both sections.
    """

    text: str
    gaz: object
    fronts: dict[str, Front] = field(default_factory=dict)
    other: list[Mention] = field(default_factory=list)

    def front(self, name: str) -> Front:
        f = self.fronts.get(name)
        if f is None:
            f = self.fronts[name] = Front(name=name)
        return f

    def section(self, front: str, heading: str) -> Section:
        f = self.front(front)
        for s in f.sections:
            if s.heading == heading:
                return s
        s = Section(heading)
        f.sections.append(s)
        return s

    def mentions(self, block: Block) -> list[Mention]:
        return find_mentions(
            self.text, self.gaz, block.start, block.end, block.index,
            skip=footnote_spans(self.text, block.start, block.end),
        )  # fmt: skip

    def add(self, front: str | None, heading: str, block: Block) -> list[Mention]:
        ms = self.mentions(block)
        if front is None:
            self.other.extend(ms)
        elif ms or front in self.fronts:
            self.section(front, heading).mentions.extend(ms)
        return ms

    def report(self, **kw) -> Report:
        fronts = [f for f in self.fronts.values() if f.sections or f.initiative is not None]
        for f in fronts:
            f.sections = [s for s in f.sections if s.mentions] or f.sections[:1]
        return Report(text=self.text, fronts=fronts, other_mentions=self.other, **kw)


def zone_votes(ms: list[Mention], gaz) -> dict[str, int]:
    """Fronts whose zone holds each mentioned place, counted once per place name.

    A name counts only when all its candidates in some front's zone point to
    one front (Bakhmut in Poltava Oblast has no zone; Bakhmut in Donetsk does),
    so an ambiguous village name cannot swing the vote; a name a major city
    outside every zone bears (Nikopol) does not vote at all.
    """
    zones = _zone_cache(gaz)
    votes: dict[str, int] = {}
    for key in {m.key for m in ms}:  # features too: Kinburn Spit lies in one oblast
        z = zones.get(key, _MISSING)
        if z is _MISSING:
            z = zones[key] = _one_zone(gaz, key)
        if z is not None:
            votes[z] = votes.get(z, 0) + 1
    return votes


def _one_zone(gaz, key: str) -> str | None:
    """The front zone all of ``key``'s candidates in some zone share, else ``None``."""
    from geo.places.fronts import zone_front

    cands = gaz.candidates(key)
    # Nikopol the city (outside every zone) is what the name means, not the
    # village of 600 in a front's zone: a zoneless major city takes the vote away.
    if any(_is_major(p) and zone_front(p.oblast, p.raion) is None for p in cands):
        return None
    zs = {zone_front(p.oblast, p.raion) for p in cands} - {None}
    return zs.pop() if len(zs) == 1 else None


def _is_major(p) -> bool:
    # geo.resolve.resolver.is_major, without importing the resolver into the parser
    return p.feature_code in ("PPLA", "PPLC") or p.population >= 100_000


_MISSING = object()
# Per gazetteer (held, so its ``id`` is not reused while cached): key -> zone.
_ZONES: dict[int, tuple[object, dict[str, str | None]]] = {}


def _zone_cache(gaz) -> dict[str, str | None]:
    entry = _ZONES.get(id(gaz))
    if entry is None or entry[0] is not gaz:
        if len(_ZONES) >= 4:
            _ZONES.pop(next(iter(_ZONES)))
        entry = _ZONES[id(gaz)] = (gaz, {})
    return entry[1]


KNOWN_FRONTS = tuple(FRONTS)


# Per gazetteer: key -> the one place the name surely means, or None.
_HOMES: dict[int, tuple[object, dict[str, object]]] = {}


def home_place(gaz, key: str):
    """The place a name surely means: its one settlement, or its one major city of
    that name ("Nikopol" is the city, whatever hamlet shares it); else ``None``."""
    entry = _HOMES.get(id(gaz))
    if entry is None or entry[0] is not gaz:
        if len(_HOMES) >= 4:
            _HOMES.pop(next(iter(_HOMES)))
        entry = _HOMES[id(gaz)] = (gaz, {})
    cache = entry[1]
    if key not in cache:
        cache[key] = _home(gaz, key)
    return cache[key]


def _home(gaz, key: str):
    from geo._text import name_key

    cands = gaz.candidates(key)
    towns = [p for p in cands if p.precision == "settlement"]
    if len({p.place_id for p in towns}) == 1:
        return towns[0]
    majors = [p for p in towns if _is_major(p) and name_key(p.name) == key]
    return majors[0] if len(majors) == 1 else None


def oblast_front(ms: list[Mention], gaz, fronts, current: str | None) -> str | None:
    """The front whose oblasts hold the places ``ms`` surely name, for a passage
    the zone vote leaves open (a Southern Axis strike list naming Marhanets and
    Chervonohryhorivka in Dnipropetrovsk Oblast after a Kherson sentence).

    ``current`` is kept when it holds any of those places, when nothing is
    sure, or when no front of ``fronts`` holds them. Major cities never move a
    passage: they are everyone's reference points ("struck Dnipro City").
    """
    from geo.places.fronts import front_oblasts

    homes = [h for m in ms if (h := home_place(gaz, m.key)) is not None]
    here = front_oblasts(current)
    if not homes or any(h.oblast in here for h in homes):
        return current
    obl = [h.oblast for h in homes if not _is_major(h)]
    score = {f: sum(o in front_oblasts(f) for o in obl) for f in fronts}
    top = max(score.values(), default=0)
    if top == 0:
        return current
    best = [f for f in fronts if score[f] == top]
    return best[0]
