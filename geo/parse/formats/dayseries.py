"""Daily front reports ("dayseries"): ``… – Day 821 (May 24, 2024)``.

Structure read (not line numbers):

- **Date**: the ``(Month D, YYYY)`` after ``Day N`` in the title, else the first
  full date in the first lines, else the file name; ``--date`` wins.
- **Front heading**: ``<Front> Front – Initiative <Side>`` (hyphen, en/em dash or
  colon; side Russia / Ukraine / None in any case). A heading whose side is
  anything else is an error naming the heading and its line, because a wrong
  initiative on the map is worse than no map. ``Kherson (Dnipro River)`` ->
  front ``Kherson`` via :func:`geo.places.fronts.canonical_front`.
- **Direction sub-heading**: inside a front, a short line (< 60 characters, no
  final period, mostly capitalised words) that names a place or direction word
  (``Lyptsi``, ``Southwest of Donetsk City``, ``Zaporizhia Line``).
- **End of the front block**: the next front heading, or a short heading line
  that names no place, or carries non-front words (``News``, ``Victims``,
  ``Mobilization``, ``Allies``…), e.g. ``Ukrainian Civilian Victims Of War``.
- Everything outside front blocks is kept as non-front mentions. The
  initiative is the heading's, ``initiative_source="stated"``.
"""

from __future__ import annotations

import re

from geo.errors import ReportError
from geo.model import Report, Side
from geo.parse.dates import file_date, full_dates
from geo.parse.formats.base import Block, ParseContext, ReportBuilder, blocks, title_of
from geo.parse.mentions import find_mentions
from geo.parse.reading import excerpt
from geo.places.fronts import canonical_front
from geo.places.gazetteer import Gazetteer

FRONT_HEADING = re.compile(
    r"^(?P<front>[^\n:–—]{2,80}?)\s+front\s*(?:[-–—:]\s*|\s)initiative\b\s*[:\-–—]?\s*(?P<side>.*?)\s*$",
    re.I,
)
_SIDES: dict[str, Side] = {"russia": "Russia", "ukraine": "Ukraine", "none": "None"}
_DAY_TITLE = re.compile(r"\bDay\s+\d+\s*\(([^)]*)\)", re.I)
_NON_FRONT = re.compile(
    r"\b(?:news|victims?|civilians?|casualt\w*|mobili[sz]ation|allies|ally|industrial|"
    r"narratives?|propaganda|occupied|sources?|materials|picture|summary|analysis|beyond|"
    r"situation|life|help|diplomac\w*|sanctions?|economy|international|politics?)\b",
    re.I,
)
_DIRECTION_WORDS = re.compile(
    r"\b(?:line|direction|axis|area|border|sector|front|bridgehead|of|near|north|south|east|"
    r"west|northeast|northwest|southeast|southwest|city|river|reservoir)\b",
    re.I,
)


class Dayseries:
    name = "dayseries"

    def detect(self, text: str) -> float:
        head = text[:400]
        score = 0.0
        if _DAY_TITLE.search(head):
            score += 0.4
        if any(FRONT_HEADING.match(b) for b in text.split("\n") if "nitiative" in b):
            score += 0.6
        return score

    def parse(self, text: str, ctx: ParseContext) -> Report:
        title = title_of(text)
        date = ctx.date or _date(text, title, ctx.path)
        b = ReportBuilder(text, ctx.gaz)
        front: str | None = None
        heading = ""
        for blk in blocks(text):
            if blk.index == 0:
                b.add(None, "", blk)
                continue
            m = FRONT_HEADING.match(blk.text) if "nitiative" in blk.text else None
            if m:
                front, heading = self._front(m, blk, text, ctx, b), ""
                continue
            if front is not None and _is_heading(blk.text):
                if _is_direction(blk, text, ctx.gaz):
                    heading = blk.text
                    continue
                front, heading = None, ""
            b.add(front, heading, blk)
        return b.report(date=date, format=self.name, title=title, path=ctx.path)

    @staticmethod
    def _front(m: re.Match, blk: Block, text: str, ctx: ParseContext, b: ReportBuilder) -> str:
        side = _SIDES.get(m["side"].strip(" .").lower())
        if side is None:
            line = text.count("\n", 0, blk.start) + 1
            raise ReportError(
                ctx.path,
                f"line {line}: heading {excerpt(blk.text)} has unknown initiative side "
                f"{excerpt(m['side'], 40)} (expected Russia, Ukraine or None)",
            )
        name = canonical_front(m["front"].strip())
        f = b.front(name)
        f.initiative, f.initiative_source = side, "stated"
        f.initiative_evidence, f.heading = blk.text, blk.text
        return name


def _date(text: str, title: str, path: str | None):
    m = _DAY_TITLE.search(title)
    if m:
        ds = full_dates(m.group(1))
        if ds:
            return ds[0][1]
    ds = full_dates(text[:3000])
    if ds:
        return ds[0][1]
    d = file_date(path)
    if d:
        return d
    raise ReportError(path, "no date found in the title, text or file name; pass --date")


def _is_heading(s: str) -> bool:
    """Short, no final sentence punctuation, mostly capitalised words."""
    if len(s) >= 60 or s[-1] in ".!?,;:" or s.startswith(("-", "•", "*")):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", s) if len(w) > 3]
    if not words:
        return False
    caps = sum(w[0].isupper() for w in words)
    return caps / len(words) >= 0.5


def _is_direction(blk: Block, text: str, gaz: Gazetteer) -> bool:
    if _NON_FRONT.search(blk.text):
        return False
    if find_mentions(text, gaz, blk.start, blk.end):
        return True
    return bool(_DIRECTION_WORDS.search(blk.text)) and len(blk.text.split()) <= 6


FORMAT = Dayseries()
