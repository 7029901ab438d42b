"""ISW "Russian Offensive Campaign Assessment" reports, in every form of 2022–2026.

The same report reaches Frontline as 2022 plain text, scraper text whose
paragraphs were joined by commas (split back by
:func:`geo.parse.reading.unjoin_paragraphs`), pages of both site generations,
whole-page text dumps, and markdown crawls of the site and of its
criticalthreats.org mirror. Where the body starts and ends, what a heading or
a table-of-contents item is, special editions and other theatres are read by
:mod:`geo.parse.formats.isw_layout`; the verdict sentences that open the
directions of 2024–2026 reports by :mod:`geo.parse.formats.isw_directions`.

**Date rule** (``--date`` always wins): a full date in the title or the first
lines (the byline stamp) is used as is. Otherwise the month and day come from
the title (``…, October 20``) or the stamp (``October 20, 7:00pm ET``) and the
year from, in order: the file name (``isw_2022-10-20.txt``, used only when its
month and day agree), the URL slug (2023 slugs end ``-january-10-2023``), and
the full dates written in the body (``on October 19, 2022``): the year that
puts the report closest to them, so a late-December report that cites January
dates still gets the right year. No year anywhere -> ``ReportError`` asking for
``--date``. A crawler's ``# Date:`` line is not the report's date. The source
URL is line 2, or the URL after ``original:`` when a line is a provenance note
(``github:…@commit (original: URL)``). The title drops a dump's ``Title:``
prefix and the site's name (``| ISW``).

**Structure** is read by vocabulary, not by position, inside the body only
(site navigation, bylines, map links, the closing sourcing note, endnotes and
footers are not read):

- *Front headings*: lines that read like ``[Russian] Main/Supporting/
  Subordinate Effort—…`` (any dash or a colon: ``Russian Main Effort: Eastern
  Ukraine``), ``Ukrainian Counteroffensives``, ``Eastern/Southern Ukraine:
  (…)``, ``… Axis``/``Direction``/``Line``, or a parenthesised ``(Kharkiv
  City)`` inside a front block; and the ``Russian objective: …`` lines that
  head each group of 2025 crawls. Objective notes ``(Russian objective: …)``
  are dropped from the heading. A bare ``Subordinate Main Effort #1 –`` is
  what the table of contents says effort #1 is about.
- *Table of contents* items (bullets or ``…;`` lines in effort vocabulary) are
  read for that, never for places.
- *Inline labels* (early 2022): ``1) Kyiv axis: …``, ``Main effort—Kyiv axis:
  …`` at the start of a paragraph or bullet open a front block the same way.
- *Non-front headings* end a front block: mobilization/force generation,
  occupied areas, Belarus, the air campaign, Key Takeaways, items to watch,
  MDCOA indicators, special editions, objective lines that name no front, or
  any other title-case line.
- *Special editions* and other reports without front sections (only ``Key
  inflections in ongoing military operations on <date>:`` bullets, or an
  essay) get no fronts: their places are events whose front comes from
  geography later, and :attr:`geo.model.Report.notice` says why there are no
  fronts. A page of another ISW theatre (an "Iran Update") is read for nothing.
- Endnotes (``[n] URL…``) are not content; inline ``[n]``/``[xii]`` markers are
  skipped by the mention finder, spans stay valid against the text.

**Directions** (reports with at least :data:`_VERDICT_LAYOUT` one-sentence
verdict paragraphs, 2024–2026): each verdict opens a section named after the
direction (``Kupyansk direction``, ``northern Sumy Oblast``, ``Dobropillya
tactical area``); a Ukrainian strike-campaign lead opens ``<area> (rear
strikes)``; where a verdict is missing, a labelled or attack-list paragraph
whose places are located by another town ("Zatyshok (northeast of Pokrovsk)")
opens that town's direction. A direction's front is the effort's when its
heading names one front (ISW's grouping wins over geography: Velykyi Burluk
under the Kharkiv effort is Kharkiv), else the front its own name names, else
the objective's first front, else the zone of its town or of its places.

**Which front** a paragraph belongs to, outside directions: the fronts its
heading names (front names and aliases from :data:`geo.places.fronts.FRONTS`,
else the zones of gazetteer places in the heading). One named front -> that
front. Several or none (a generic "Eastern Ukraine") -> a majority vote of the
paragraph's places by front zone (:func:`geo.places.zones.zone_votes`; only
names whose candidates agree on one zone vote), restricted to the named fronts
when there are some; a tie or no vote keeps the previous paragraph's front
under the same heading, then the first named front, then the generic heading's
default (Southern -> Zaporizhia; Northern -> Kyiv until May 2022, Sumy after).
Kyiv, Sumy, Kursk or any other named axis stays its own front. Under a
multi-front or generic heading each sentence is voted on its own; one the zones
leave open goes by the oblasts of the places its names surely mean
(:func:`geo.places.zones.oblast_front`). Under a one-front heading or in a
direction, a strike sentence whose sure places all lie outside the front's
oblasts ("shelled Nikopol and Marhanets" in a Luhansk section) goes to
``other_mentions``.

**Initiative** (inferred, never stated by ISW): in direction reports, from the
verdicts (:mod:`geo.parse.formats.isw_directions`), per direction and per
front, the verdict kept as evidence. Otherwise, per sentence of a front's
paragraphs, an offensive verb (offensive operations, ground attacks, assaults,
attempted to advance, advanced, counteroffensive, liberated…) is credited to
the side named last before it ("Ukrainian forces repelled Russian assaults"
credits Russia), unless negated ("did not", "failed to"). A side holds the
initiative when it has at least two such sentences and at least twice as many
as the other side; otherwise the initiative is unknown (``None``). The first
supporting sentence is kept as evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from geo._text import name_key
from geo.errors import ReportError
from geo.model import Mention, Report, Side
from geo.parse.dates import MONTHS as _MONTHS
from geo.parse.dates import file_date, full_dates, month_day, with_year
from geo.parse.formats.base import (
    Block,
    ParseContext,
    ReportBuilder,
    blocks,
    footnote_spans,
    strip_footnotes,
    title_of,
)
from geo.parse.formats.isw_directions import (
    Verdict,
    anchors,
    front_initiative,
    may_open_direction,
    read_verdict,
)
from geo.parse.formats.isw_layout import (
    FRONT_HEAD,
    NON_FRONT,
    OBJECTIVE_LINE,
    body_bounds,
    effort_number,
    heading_core,
    is_front_heading,
    is_heading,
    is_toc_item,
    other_theatre,
    special_edition,
    title_case,
)
from geo.parse.mentions import by_sentence, find_mentions, sentences
from geo.parse.reading import excerpt
from geo.places.fronts import CANONICAL, FRONTS, canonical_front, front_oblasts
from geo.places.gazetteer import Gazetteer
from geo.places.zones import home_place, oblast_front, zone_front, zone_votes

_URL = re.compile(r"https?://[^\s)\]]+")
_INFLECTIONS = re.compile(r"^key\s+inflections?\s+in\s+ongoing\s+military\s+operations", re.I)
_LABEL = re.compile(
    r"^(?:[-•]\s+)?(?:\d{1,2}\)\s*)?(?P<label>[^:.;()\[\]]{3,90}?):\s+(?P<rest>[A-Z\"“][^\n]{30,})$"
)

# Heading words that name a region, not one front: the paragraph's places decide.
_GENERIC_DEFAULT = {
    "southern": "Zaporizhia",
    "south": "Zaporizhia",
    "eastern": "Donetsk",
    "east": "Donetsk",
    "donbas": "Donetsk",
    "northeast": "Kharkiv",
    "northeastern": "Kharkiv",
    "northern": "Sumy",
    "north": "Sumy",
    "crimea": "Kherson",
    "crimean": "Kherson",
}
# ISW's northern axis was Kyiv and Chernihiv until Russia withdrew from there in
# April 2022; from 2024 it is the Sumy and northern Kharkiv border.
_NORTH_WAS_KYIV_UNTIL = dt.date(2022, 5, 1)
_GENERIC_ALIASES = {"northeast", "northeastern", "southern", "northern", "donbas"}
# Regions that span fronts: their paragraphs are voted among these.
_REGION_FRONTS = {name_key("Donbas"): ("Donetsk", "Luhansk")}
_VERDICT_LAYOUT = 4  # one-sentence verdict paragraphs that make a report direction-structured
_ACTOR_WORDS = ("Russian", "Ukrainian", "Neither")  # the first word of every verdict
_MAP_LINK = re.compile(r"click\s*here\s*to\s+(?:see|access|open|view)\s+ISW", re.I)


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for f in FRONTS.values():
        for alias in (f.name, *f.aliases):
            words = alias.split()
            if words and words[-1].lower() in ("oblast", "axis", "city", "front"):
                words = words[:-1]
            key = name_key(" ".join(words))
            if key and name_key(words[0]) not in _GENERIC_ALIASES and len(words) <= 2:
                table.setdefault(key, f.name)
    table.setdefault(name_key("Zaporizhzhia"), "Zaporizhia")
    return table


_ALIASES = _alias_table()
# "Odesa axis", "Effort #4—Odesa": an axis named after a place no front lists.
_AXIS_NAME = re.compile(
    r"(?:^|[—–-]\s*)([A-Z][\w'’]+(?:\s[A-Z][\w'’]+)?)\s+(?:axis|direction|front)\b"
    r"|efforts?\s*(?:#?\d+[a-z]?)?\s*[—–-]\s*([A-Z][\w'’]+(?:\s[A-Z][\w'’]+)?)\s*$",
    re.I,
)
_HEAD_WORD = re.compile(r"[^\W\d_][\w'’]*")
_IN_RUSSIA = re.compile(r"\b(?:in|into|inside)\s+(?:the\s+)?russia(?:n\s+federation)?\b", re.I)


class HeadingSpec:
    """How paragraphs under one heading are assigned to fronts (see module docstring)."""

    __slots__ = ("default", "fronts", "last", "title")

    def __init__(self, title: str, fronts: list[str], default: str | None) -> None:
        self.title = title
        self.fronts = fronts
        self.default = default
        self.last: str | None = None

    def candidates(self) -> list[str]:
        """Fronts a passage under this heading may go to: the named ones, else the
        default first, then the five main fronts, then the rest."""
        if self.fronts:
            return list(self.fronts)
        first = [self.default] if self.default else []
        return first + [f for f in (*CANONICAL, *FRONTS) if f not in first]

    def front_for(self, votes: dict[str, int]) -> str | None:
        if len(self.fronts) == 1:
            return self.fronts[0]
        if self.fronts:
            votes = {k: v for k, v in votes.items() if k in self.fronts}
        if votes:
            top = max(votes.values())
            winners = [k for k, v in votes.items() if v == top]
            if len(winners) == 1:
                self.last = winners[0]
                return self.last
            if self.last in winners:
                return self.last
        return self.last or (self.fronts[0] if self.fronts else self.default)


def named_fronts(core: str) -> list[str]:
    """Fronts a heading or direction names by a front's name or alias ("Kupiansk
    Direction" -> Luhansk, "Donbas" -> Donetsk and Luhansk), in the order named."""
    words = _HEAD_WORD.findall(core)
    named: list[str] = []
    for n in (2, 1):
        for i in range(len(words) - n + 1):
            key = name_key(" ".join(words[i : i + n]))
            for f in _REGION_FRONTS.get(key, (_ALIASES.get(key),)):
                if f and f not in named:
                    named.append(f)
    return named


def heading_spec(core: str, gaz: Gazetteer, date: dt.date | None = None) -> HeadingSpec:
    words = _HEAD_WORD.findall(core)
    named = named_fronts(core)
    if not named:
        # An axis named after a place the front table does not list ("Borova Direction").
        votes = zone_votes(find_mentions(core, gaz), gaz)
        named = [k for k, _ in sorted(votes.items(), key=lambda kv: -kv[1])]
        if not named:
            m = _AXIS_NAME.search(core)
            label = m and (m.group(1) or m.group(2))
            if label and label.split()[0].lower() not in _GENERIC_DEFAULT and label[0].isupper():
                named = [canonical_front(label)]
    default = next(
        (_generic(w.lower(), date) for w in words if w.lower() in _GENERIC_DEFAULT), None
    )
    if not named and default is None and _IN_RUSSIA.search(core):
        # "Ukrainian Operations in the Russian Federation": Kursk unless the places say otherwise
        default = "Kursk"
    return HeadingSpec(core, named, default)


def _generic(word: str, date: dt.date | None) -> str:
    front = _GENERIC_DEFAULT[word]
    if front == "Sumy" and date is not None and date < _NORTH_WAS_KYIV_UNTIL:
        return "Kyiv"
    return front


class ISW:
    name = "isw"

    def detect(self, text: str) -> float:
        head = "\n".join(text.split("\n", 6)[:6]).lower()
        score = 0.0
        if "campaign assessment" in head or "campaign update" in head:
            score += 0.7
        if "understandingwar.org" in head or "criticalthreats.org" in head or "| isw" in head:
            score += 0.3
        if _MAP_LINK.search(text[:5000]):  # ISW's own byline chrome, not a news quote
            score += 0.25
        if re.search(r"(?m)^key takeaways", text[:30000], re.I):
            score += 0.2
        if FRONT_HEAD.search(text[:60000]) and "effort" in text[:60000].lower():
            score += 0.1
        return min(score, 1.0)

    def parse(self, text: str, ctx: ParseContext) -> Report:
        lines = [ln.strip() for ln in text.split("\n", 8)[:8] if ln.strip()]
        raw_title = title_of(text)
        title = report_title(text)
        url = source_url(lines[:6])
        date = ctx.date or isw_date(text, title, url, ctx.path)
        if not is_report_title(title):
            title = f"{SERIES}, {date.strftime('%B')} {date.day}, {date.year}"
        meta = _Meta(date, self.name, title, ctx.path, url)
        if other_theatre(raw_title, url):
            notice = f"not a Russia–Ukraine report ({excerpt(title, 80)}): no places read"
            return meta.report(text, notice=notice)
        reader = _Reader(text, ctx.gaz, date, blocks(text))
        reader.read()
        return reader.report(meta)


# Scraped text often starts with the byline or the time stamp, not the title: such a first
# line is no title, and the report is named after its series and date instead.
SERIES = "Russian Offensive Campaign Assessment"
_NAMES_A_REPORT = re.compile(r"\b(?:assessment|update|edition|warning)\b", re.I)


def is_report_title(line: str) -> bool:
    """A title names the report and is no sentence (a sentence would be report prose)."""
    return bool(_NAMES_A_REPORT.search(line)) and len(line) <= 150 and not line.endswith(".")

_TITLE_PREFIX = re.compile(r"^(?:title|#\s*title)\s*:\s*", re.I)
_TITLE_SITE = re.compile(
    r"\s*\|\s*(?:ISW|Institute for the Study of War|Critical Threats)\s*$", re.I
)


def report_title(text: str) -> str:
    """The title line, without a page dump's ``Title:`` prefix or the site's name."""
    return _TITLE_SITE.sub("", _TITLE_PREFIX.sub("", title_of(text))) or title_of(text)


@dataclass(slots=True)
class _Meta:
    """What a parsed report says about itself, whatever its body holds."""

    date: dt.date
    format: str
    title: str
    path: str | None
    source_url: str | None

    def report(self, text: str, **kw) -> Report:
        return Report(
            text=text, date=self.date, format=self.format, title=self.title, path=self.path,
            source_url=self.source_url, **kw,
        )  # fmt: skip


@dataclass(slots=True)
class _Group:
    """The front block a heading opens: its spec, and whether its one front binds its
    directions (an effort heading naming one front) or only suggests (an objective line)."""

    spec: HeadingSpec
    binding: bool


@dataclass(slots=True)
class _Direction:
    name: str
    front: str
    anchors: set[str] = field(default_factory=set)


class _Reader:
    """One pass over an ISW report's body blocks (rules in the module docstring)."""

    def __init__(self, text: str, gaz: Gazetteer, date: dt.date, blks: list[Block]) -> None:
        self.b = ReportBuilder(text, gaz)
        self.gaz, self.date, self.blks = gaz, date, blks
        self.start, self.end = body_bounds(blks)
        self.mode = "other"
        self.group: _Group | None = None
        self.direction: _Direction | None = None
        self.paras: dict[str, list[str]] = {}
        self.verdicts: dict[str, list[Verdict]] = {}
        self.efforts: dict[str, str] = {}  # "subordinate main effort #1" -> what it is about
        self.special = special_edition(blks, self.start, self.end)
        self.directions = self._verdict_count() >= _VERDICT_LAYOUT

    def _verdict_count(self) -> int:
        n = 0
        for blk in self.blks[self.start : self.end]:
            if not blk.text.startswith(_ACTOR_WORDS):
                continue
            t = strip_footnotes(blk.text)
            if len(sentences(t, 0, len(t))) == 1:
                v = read_verdict(t, True)
                n += v is not None and not v.rear
        return n

    # --- walking the blocks ---------------------------------------------------

    def read(self) -> None:
        for blk in self.blks[self.start : self.end]:
            self._feed(blk)

    def _feed(self, blk: Block) -> None:
        t = strip_footnotes(blk.text)
        if _INFLECTIONS.match(t):
            self._leave("inflections")
        elif is_toc_item(t):
            self._remember_effort(heading_core(t[2:]))
        elif self._label(blk, t):
            pass
        elif not (is_heading(t) and self._heading(t)):
            self._paragraph(blk, t)

    def _leave(self, mode: str) -> None:
        self.mode, self.group, self.direction = mode, None, None

    def _enter(self, spec: HeadingSpec, binding: bool) -> None:
        self.mode, self.group, self.direction = "front", _Group(spec, binding), None

    def _label(self, blk: Block, t: str) -> bool:
        """ "1) Kyiv axis: …" (early 2022): the label opens a front block; the rest is read."""
        lab = _LABEL.match(t)
        if lab is None or not _is_label(lab["label"]):
            return False
        self._enter(heading_spec(heading_core(lab["label"]), self.gaz, self.date), False)
        rest = blk.text.find(":") + 1
        self._paragraph(Block(blk.index, blk.start + rest, blk.end, blk.text[rest:]), lab["rest"])
        return True

    def _heading(self, t: str) -> bool:
        """Enter the block a heading opens; ``False`` when ``t`` is no heading after all."""
        objective = OBJECTIVE_LINE.match(t)
        if objective is not None:
            spec = heading_spec(objective["objective"], self.gaz, self.date)
            if spec.fronts or spec.default:
                self._enter(spec, False)
            else:
                self._leave("other")  # the air campaign, Belarus: no front
            return True
        core = heading_core(t)
        if is_front_heading(core, self.mode == "front"):
            spec = self._effort_spec(core)
            self._enter(spec, len(spec.fronts) == 1 and effort_number(core) is not None)
            return True
        if NON_FRONT.search(core) or title_case(core):
            self._leave("other")
            return True
        return False

    def _remember_effort(self, core: str) -> None:
        num = effort_number(core)
        if num is not None and num[1]:
            self.efforts.setdefault(num[0], num[1])

    def _effort_spec(self, core: str) -> HeadingSpec:
        """The heading's spec; a bare "Subordinate Main Effort #1 –" borrows what the
        table of contents says effort #1 is about."""
        self._remember_effort(core)
        spec = heading_spec(core, self.gaz, self.date)
        num = effort_number(core)
        if not spec.fronts and num is not None and not num[1] and num[0] in self.efforts:
            about = heading_spec(self.efforts[num[0]], self.gaz, self.date)
            spec = HeadingSpec(core, about.fronts, about.default or spec.default)
        return spec

    def _paragraph(self, blk: Block, t: str) -> None:
        if self.mode != "front" or self.group is None:
            # outside fronts, and the key-inflection bullets of special editions:
            # their places are events, but no front is invented for them
            self.b.other.extend(self.b.mentions(blk))
            return
        ms = self.b.mentions(blk)
        if self.directions:
            self._direction_paragraph(blk, t, ms)
        else:
            _add(self.b, self.group.spec, blk, ms, self.paras)

    # --- directions -------------------------------------------------------------

    def _direction_paragraph(self, blk: Block, t: str, ms: list[Mention]) -> None:
        sents = sentences(t, 0, len(t))
        first = t[sents[0][0] : sents[0][1]] if sents else t
        verdict = read_verdict(first, len(sents) == 1)
        if verdict is not None:
            self._open(verdict.name, verdict.words, verdict, ms)
        elif (self.direction is None or self.direction.anchors) and may_open_direction(t):
            self._open_by_anchors(blk, ms)
        d = self.direction
        if d is None:
            _add(self.b, self.group.spec, blk, ms, self.paras)  # type: ignore[union-attr]
            return
        keep, away = _strikes_elsewhere(self.b, blk, ms, d.front) if ms else ([], [])
        self.b.other.extend(away)
        if keep:
            self.b.section(d.front, d.name).mentions.extend(keep)
        self.paras.setdefault(d.front, []).append(blk.text)

    def _open_by_anchors(self, blk: Block, ms: list[Mention]) -> None:
        """A direction whose verdict is missing starts where the paragraphs begin to
        locate their places by another town ("Zatyshok (northeast of Pokrovsk)")."""
        found = anchors(self.b.text, blk.start, blk.end, ms, name_key)
        if not found:
            return
        d = self.direction
        if d is not None and set(found) & d.anchors:
            return
        (top, n), *rest = found.most_common()
        if rest and rest[0][1] == n:
            return  # two towns as often: no telling which direction this is
        written = next((m.text for m in ms if m.key == top), None)
        if written is not None:
            self._open(f"{written} direction", [written], None, ms)

    def _open(
        self, name: str, words: list[str], verdict: Verdict | None, ms: list[Mention]
    ) -> None:
        front = self._direction_front(name, words, ms)
        keys = set()
        if verdict is None or not verdict.rear:
            for w in words:
                keys |= {m.key for m in find_mentions(w, self.gaz)}
        if verdict is not None and (" Oblast" in name and "direction" not in name):
            keys = set()  # "western Zaporizhia Oblast" is an area, not a town's direction
        self.direction = _Direction(name, front, keys)
        sec = self.b.section(front, name)
        if verdict is not None:
            self.verdicts.setdefault(front, []).append(verdict)
            if verdict.side is not None and sec.initiative is None:
                sec.initiative, sec.initiative_evidence = verdict.side, verdict.sentence

    def _direction_front(self, name: str, words: list[str], ms: list[Mention]) -> str:
        """The front of a direction: the effort's when its heading names one front; else
        the front the direction's own name names; else the objective's first front; else
        the zone of the town it is named after, or of most places of its first paragraph;
        else the heading's default."""
        g = self.group
        assert g is not None
        if g.binding:
            return g.spec.fronts[0]
        named = named_fronts(name)
        if named:
            return named[0]
        if "crimea" in name.lower():  # rear strikes in Crimea: the southern front's rear
            return _GENERIC_DEFAULT["crimea"]
        if g.spec.fronts:
            return g.spec.fronts[0]
        for w in words:
            home = home_place(self.gaz, name_key(w))
            zone = zone_front(home) if home is not None else None
            if zone is not None:
                return zone
        voted = _majority(zone_votes(ms, self.gaz))
        if voted is not None:
            return voted
        last = self.direction.front if self.direction is not None else None
        return g.spec.default or last or CANONICAL[0]

    # --- the report -------------------------------------------------------------

    def report(self, meta: _Meta) -> Report:
        for name, f in self.b.fronts.items():
            if self.directions and self.verdicts.get(name):
                side, evidence = front_initiative(self.verdicts[name])
            else:
                side, evidence = infer_initiative(self.paras.get(name, []))
            if side:
                f.initiative, f.initiative_source, f.initiative_evidence = (
                    side,
                    "inferred",
                    evidence,
                )
        r = self.b.report(
            date=meta.date, format=meta.format, title=meta.title, path=meta.path,
            source_url=meta.source_url,
        )  # fmt: skip
        notice = f"special edition ({self.special})" if self.special else None
        if not r.fronts:
            notice = f"{notice or 'no front sections found'}: no fronts, none invented"
        r.notice = notice
        return r


def _is_label(label: str) -> bool:
    core = heading_core(label)
    return len(core.split()) <= 10 and is_front_heading(core, False)


def _add(
    b: ReportBuilder, spec: HeadingSpec, blk: Block, ms: list[Mention], paras: dict[str, list[str]]
) -> None:
    """Assign a paragraph's mentions; under a multi-front heading, sentence by sentence.

    A "Southern Axis" paragraph often covers Zaporizhia and Kherson in
    consecutive sentences, so a sentence whose places agree on one front
    goes there; the rest follow the paragraph's front.
    """
    front = spec.front_for(zone_votes(ms, b.gaz))
    if len(spec.fronts) != 1 and ms:
        _add_by_sentence(b, spec, blk, ms, front, paras)
        return
    if front is None:
        b.other.extend(ms)
        return
    if ms:
        ms, away = _strikes_elsewhere(b, blk, ms, front)
        b.other.extend(away)
        if ms:
            b.section(front, spec.title).mentions.extend(ms)
    paras.setdefault(front, []).append(blk.text)


def _add_by_sentence(
    b: ReportBuilder,
    spec: HeadingSpec,
    blk: Block,
    ms: list[Mention],
    front: str | None,
    paras: dict[str, list[str]],
) -> None:
    by_front: dict[str | None, list] = {}
    for (s0, s1), sm in by_sentence(ms, sentences(b.text, blk.start, blk.end)):
        if not sm:
            if front is not None:
                paras.setdefault(front, []).append(b.text[s0:s1])
            continue
        votes = zone_votes(sm, b.gaz)
        if spec.fronts:
            votes = {k: v for k, v in votes.items() if k in spec.fronts}
        f = _majority(votes)
        if f is None:
            # no zone decides: the oblasts of the places the names surely mean
            f = oblast_front(sm, b.gaz, spec.candidates(), front)
        by_front.setdefault(f, []).extend(sm)
        if f is not None:
            paras.setdefault(f, []).append(b.text[s0:s1])
    for f, fm in by_front.items():
        if f is None:
            b.other.extend(fm)
        else:
            b.section(f, spec.title).mentions.extend(fm)


def _strikes_elsewhere(b: ReportBuilder, blk: Block, ms: list, front: str) -> tuple[list, list]:
    """Split off strike sentences about places outside the front's oblasts.

    A Luhansk section may end with "Russian forces shelled Nikopol and
    Marhanets": those are not Luhansk places. A strike sentence whose names
    surely mean places (see :func:`geo.places.zones.home_place`), all outside
    the front's oblasts, goes to ``other_mentions`` (its front then comes from
    geography); anything less sure stays.
    """
    obl = front_oblasts(front)
    if not obl:
        return ms, []
    keep: list[Mention] = []
    away: list[Mention] = []
    for _, sm in by_sentence(ms, sentences(b.text, blk.start, blk.end)):
        if not sm:
            continue
        homes = [home_place(b.gaz, m.key) for m in sm]
        sure = [h for h in homes if h is not None]
        out = (
            sm[0].kind == "strike"
            and sure
            and all(h.oblast not in obl for h in sure)
            # every settlement name must be sure: an unknown village may be local
            and all(h is not None or m.is_feature for h, m in zip(homes, sm, strict=True))
        )
        (away if out else keep).extend(sm)
    return keep, away


def _majority(votes: dict[str, int]) -> str | None:
    if not votes:
        return None
    top = max(votes.values())
    winners = [k for k, v in votes.items() if v == top]
    return winners[0] if len(winners) == 1 else None


def source_url(head: list[str]) -> str | None:
    for line in head[1:6]:
        m = re.search(r"original:\s*(https?://\S+?)\)?$", line)
        if m:
            return m.group(1).rstrip(").,")
    for line in head[1:6]:
        m = _URL.search(line)
        if m and line.startswith(("http", "www")):
            return m.group(0)
    return None


_SLUG_YEAR = re.compile(r"-(?P<mon>[a-z]+)-(?P<day>\d{1,2})-(?P<year>20\d\d)(?:-\d+)?/?$", re.I)
_YEAR_WINDOW = 200  # days: how far the body's dates may lie from the report's own


def isw_date(text: str, title: str, url: str | None, path: str | None) -> dt.date:
    """The report's date by the rule in the module docstring."""
    in_title = full_dates(title)
    if in_title:
        return in_title[0][1]
    head = "\n".join(text.split("\n", 12)[:12])
    in_head = [d for _, d in full_dates(head)]
    md = month_day(title) or month_day(head)
    fd = file_date(path)
    if md is None:
        if fd or in_head:
            return fd or in_head[0]
        raise ReportError(path, "no date found in the title or file name; pass --date")
    found = _agreeing(md, fd, in_head, url) or _year_from_body(md, text) or fd
    if found is None:
        raise ReportError(
            path,
            f"the title gives {excerpt(title)} but no year was found (URL, file name, text);"
            " pass --date",
        )
    return found


def _agreeing(
    md: tuple[int, int], fd: dt.date | None, in_head: list[dt.date], url: str | None
) -> dt.date | None:
    """A full date with the title's month and day: the file name's, the head's, the URL slug's."""
    mon, day = md
    for d in ([fd] if fd else []) + in_head:
        if (d.month, d.day) == (mon, day):
            return d
    m = _SLUG_YEAR.search(url or "")
    if m and _MONTHS.get(m["mon"].lower()) == mon and int(m["day"]) == day:
        return with_year(mon, day, int(m["year"]))
    return None


def _year_from_body(md: tuple[int, int], text: str) -> dt.date | None:
    """The month and day in the year that puts them closest to the body's full dates."""
    body = [d for _, d in full_dates(text[:200000])]
    best: tuple[int, dt.date] | None = None
    for y in sorted({d.year + k for d in body for k in (-1, 0, 1)}):
        cand = with_year(md[0], md[1], y)
        if cand is None:
            continue
        gap = min(abs((cand - d).days) for d in body)
        if best is None or gap < best[0]:
            best = (gap, cand)
    return best[1] if best and best[0] <= _YEAR_WINDOW else None


_OFFENSIVE = re.compile(
    r"\b(?:offensive\s+operations?|ground\s+attacks?|assaults?|attack(?:s|ed)?\b(?!\s+helicopters?)|"
    r"attempted\s+to\s+advance|advanced|advances|made\s+(?:marginal\s+|limited\s+|incremental\s+)?"
    r"gains|counteroffensives?|counter-offensives?|counterattack(?:s|ed)?|liberated|recaptured|"
    r"captured|seized|regained|pushed)\b",
    re.I,
)
# Who acts: a side's forces, or the side's own offensive ("Ukrainian counteroffensive").
_ACTOR = re.compile(
    r"\b(Russian|Ukrainian)s?\s+(?:[\w-]+\s+){0,2}?(?:forces|troops|units|servicemen|soldiers|"
    r"elements|personnel|military|army|infantry|marines|paratroopers|assault|offensive|"
    r"counteroffensive|counter-offensive|ground|attacks?|assaults?|advances?)\b",
    re.I,
)
_NEGATED = re.compile(
    r"\b(?:not|no|never|failed|unable|without|repelled|repulsed|stopped|halted|prevented)\b",
    re.I,
)


def infer_initiative(paragraphs: list[str]) -> tuple[Side | None, str | None]:
    """``(side, evidence)`` from offensive statements (rule in the module docstring)."""
    counts = {"Russia": 0, "Ukraine": 0}
    evidence: dict[str, str] = {}
    for p in paragraphs:
        for s0, s1 in sentences(p, 0, len(p)):
            sent = p[s0:s1]
            sides = set()
            for m in _OFFENSIVE.finditer(sent):
                lo = max(0, m.start() - 120)
                actors = [a for a in _ACTOR.finditer(sent, lo, m.end()) if a.start() < m.start()]
                if not actors:
                    continue
                a = actors[-1]
                if _NEGATED.search(sent, a.end(), m.start()):
                    continue
                sides.add("Russia" if a.group(1).lower() == "russian" else "Ukraine")
            for side in sides:
                counts[side] += 1
                evidence.setdefault(side, strip_footnotes(sent)[:400])
    r, u = counts["Russia"], counts["Ukraine"]
    if r >= 2 and r >= 2 * u:
        return "Russia", evidence["Russia"]
    if u >= 2 and u >= 2 * r:
        return "Ukraine", evidence["Ukraine"]
    return None, None


FORMAT = ISW()
# Used by tests and the bench to check spans.
__all__ = [
    "FORMAT", "ISW", "footnote_spans", "heading_core", "heading_spec", "is_front_heading",
    "isw_date",
]  # fmt: skip
