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

from geo.model import Front, Mention, Report, Section
from geo.parse.mentions import find_mentions, name_context
from geo.parse.not_places import NameContext
from geo.places.gazetteer import Gazetteer

MAX_SECTION_WORDS = 15  # a longer heading is a sentence, not a section's name


@dataclass(slots=True)
class ParseContext:
    """What a parser knows besides the text: where it came from and the user's overrides."""

    path: str | None
    gaz: Gazetteer
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


# "[12]", and the lower-case roman numerals crawled pages number their endnotes with ("[xiv]")
_FOOTNOTE = re.compile(r"\[(?:\d{1,3}|[ivxlc]{1,8})\]")


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
    gaz: Gazetteer
    fronts: dict[str, Front] = field(default_factory=dict)
    other: list[Mention] = field(default_factory=list)
    names: NameContext | None = None  # what the not-a-place rules learn as the report is read
    _sections: dict[tuple[str, str], Section] = field(default_factory=dict)

    def front(self, name: str) -> Front:
        f = self.fronts.get(name)
        if f is None:
            f = self.fronts[name] = Front(name=name)
        return f

    def section(self, front: str, heading: str) -> Section:
        """The section ``heading`` of ``front``, created on first use (a dict lookup:
        a report may have thousands of sections). A heading that is a sentence (an
        effort's objective, say) names no section: its events get none, rather than a
        sentence of the report as their section."""
        if len(heading.split()) > MAX_SECTION_WORDS:
            heading = ""
        s = self._sections.get((front, heading))
        if s is None:
            s = self._sections[(front, heading)] = Section(heading)
            self.front(front).sections.append(s)
        return s

    def mentions(self, block: Block) -> list[Mention]:
        if self.names is None:
            self.names = name_context(self.text)
        return find_mentions(
            self.text, self.gaz, block.start, block.end, block.index,
            skip=footnote_spans(self.text, block.start, block.end), context=self.names,
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
            f.sections = [s for s in f.sections if s.mentions or s.initiative] or f.sections[:1]
        return Report(text=self.text, fronts=fronts, other_mentions=self.other, **kw)
