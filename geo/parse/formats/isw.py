"""ISW "Russian Offensive Campaign Assessment" reports.

**Date rule** (``--date`` always wins): a full date in the title or the first
lines (the byline stamp) is used as is. Otherwise the month and day come from
the title (``…, October 20``) or the stamp (``October 20, 7:00pm ET``) and the
year from, in order: the file name (``isw_2022-10-20.txt``, used only when its
month and day agree), the URL slug (2023 slugs end ``-january-10-2023``), and
the full dates written in the body (``on October 19, 2022``): the year that
puts the report closest to them, so a late-December report that cites January
dates still gets the right year. No year anywhere -> ``ReportError`` asking for
``--date``. The source URL is line 2, or the URL after ``original:`` when line
2 is a provenance note (``github:…@commit (original: URL)``).

**Structure** is read by vocabulary, not by position:

- *Front headings*: short lines without a final period that read like
  ``[Russian] Main/Supporting/Subordinate Effort—…``, ``Ukrainian
  Counteroffensives``, ``Eastern/Southern Ukraine: (…)``, ``… Axis``/
  ``Direction``/``Line``, or a parenthesised ``(Kharkiv City)`` inside a front
  block. Objective notes ``(Russian objective: …)`` are dropped from the heading.
- *Inline labels* (early 2022): ``1) Kyiv axis: …``, ``Main effort—Kyiv axis:
  …`` at the start of a paragraph or bullet open a front block the same way.
- *Non-front headings* end a front block: mobilization/force generation,
  occupied areas, Belarus, Key Takeaways, items to watch, MDCOA indicators,
  special editions, or any other title-case line.
- *Abbreviated editions*: the bullets after ``Key inflections in ongoing
  military operations on <date>:`` are assigned one by one by geography.
- Endnotes (``[n] URL…`` at the end) are not content; inline ``[n]`` markers
  are skipped by the mention finder, spans stay valid against the text.

**Which front** a paragraph belongs to: the fronts its heading names (front
names and aliases from :data:`geo.places.fronts.FRONTS`, else the zones of gazetteer
places in the heading). One named front -> that front. Several or none (a
generic "Eastern Ukraine") -> a majority vote of the paragraph's places by
front zone (:func:`geo.places.zones.zone_votes`; only names whose candidates
agree on one zone vote), restricted to the named fronts when there are some;
a tie or no vote keeps the previous paragraph's front under the same heading,
then the first named front, then the generic heading's default (Southern ->
Zaporizhia…). Kyiv, Sumy, Kursk or any other named axis stays its own front.
Under a multi-front or generic heading each sentence is voted on its own; one
the zones leave open goes by the oblasts of the places its names surely mean
(:func:`geo.places.zones.oblast_front`). Under a one-front heading, a strike
sentence whose sure places all lie outside the front's oblasts ("shelled
Nikopol and Marhanets" in a Luhansk section) goes to ``other_mentions``.

**Initiative** (inferred, never stated by ISW): per sentence of a front's
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
from geo.parse.mentions import find_mentions, sentences
from geo.places.fronts import CANONICAL, FRONTS, canonical_front, front_oblasts
from geo.places.gazetteer import Gazetteer
from geo.places.zones import home_place, oblast_front, zone_votes

_URL = re.compile(r"https?://[^\s)\]]+")
_ENDNOTE = re.compile(r"^\[\d{1,3}\]\s*(?:\S|$)")
_OBJECTIVE = re.compile(
    r"\s*\((?:russian\s+|ukrainian\s+)?(?:objective|comprised|efforts?\s+to|approximately|note|"
    r"russian\s+objective)\b.*$",
    re.I,
)
_FRONT_HEAD = re.compile(
    r"\b(?:main|supporting|subordinate)\s+(?:main\s+|supporting\s+)?efforts?\b"
    r"|\bcounter-?offensives?\b"
    r"|^(?:eastern|southern|northern|northeastern|northeast|western|central|southwestern)"
    r"\s+ukraine\b"
    r"|\b(?:axis|axes|directions?|front|line|sector)\b"
    r"|^(?:russian|ukrainian)\s+(?:incursion|offensive|operations?)\s+(?:in|into|on)\b",
    re.I,
)
_NON_FRONT = re.compile(
    r"mobiliz|force[\s-]generation|occupied|occupation|belarus|takeaways|items\s+to\s+watch|"
    r"mdcoa|indicators|special\s+edition|appendix|war\s+crimes|information\s+space|domestic|"
    r"sanctions|air\s+campaign|missile\s+campaign|strike\s+campaign|diplomatic|satellite|"
    r"click\s+here|^note\b|sourcing|assessment,|key\s+inflections|control-of-terrain|"
    r"image|maxar|source:",
    re.I,
)
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
    "northern": "Kyiv",
    "north": "Kyiv",
    "crimea": "Kherson",
    "crimean": "Kherson",
}
_GENERIC_ALIASES = {"northeast", "northeastern", "southern", "northern", "donbas"}
# Regions that span fronts: their paragraphs are voted among these.
_REGION_FRONTS = {name_key("Donbas"): ("Donetsk", "Luhansk")}


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


def heading_core(text: str) -> str:
    """The heading without footnote markers and ``(Russian objective: …)`` notes."""
    s = _OBJECTIVE.sub("", strip_footnotes(text)).strip(" :;,-–—")
    return re.sub(r"\s+", " ", s)


def heading_spec(core: str, gaz: Gazetteer) -> HeadingSpec:
    words = _HEAD_WORD.findall(core)
    named: list[str] = []
    for n in (2, 1):
        for i in range(len(words) - n + 1):
            key = name_key(" ".join(words[i : i + n]))
            for f in _REGION_FRONTS.get(key, (_ALIASES.get(key),)):
                if f and f not in named:
                    named.append(f)
    if not named:
        # An axis named after a place the front table does not list ("Borova Direction").
        ms = find_mentions(core, gaz)
        votes = zone_votes(ms, gaz)
        named = [k for k, _ in sorted(votes.items(), key=lambda kv: -kv[1])]
        if not named:
            m = _AXIS_NAME.search(core)
            label = m and (m.group(1) or m.group(2))
            if label and label.split()[0].lower() not in _GENERIC_DEFAULT and label[0].isupper():
                named = [canonical_front(label)]
    default = None
    for w in words:
        if w.lower() in _GENERIC_DEFAULT:
            default = _GENERIC_DEFAULT[w.lower()]
            break
    if not named and default is None and _IN_RUSSIA.search(core):
        # "Ukrainian Operations in the Russian Federation": Kursk unless the places say otherwise
        default = "Kursk"
    return HeadingSpec(core, named, default)


def is_heading(text: str) -> bool:
    """A standalone heading: short, no final period, not a bullet."""
    s = strip_footnotes(text)
    if not s or len(s) > 260 or s.startswith(("- ", "• ", "· ")):
        return False
    if s[-1] in '.!?"”’' or s.endswith(";") or s.endswith("; and"):
        return False
    core = heading_core(s)
    return 0 < len(core.split()) <= 16


_HEAD_START = re.compile(
    r"^(?:\d{1,2}\)\s*)?(?:russian\s+|ukrainian\s+)?(?:(?:main|supporting|subordinate)\s+\w*\s*efforts?\b"
    r"|counter-?offensives?\b|(?:eastern|southern|northern|northeastern|northeast|western|central)"
    r"\s+ukraine\b|(?:incursion|offensive)\s+(?:in|into)\b)",
    re.I,
)


def is_front_heading(core: str, in_front: bool) -> bool:
    """Front vocabulary, and it reads as a title, not a sentence ending in a colon."""
    if _NON_FRONT.search(core):
        return False
    if in_front and core.startswith("(") and core.endswith(")"):
        return True
    if _HEAD_START.search(core):
        return True
    return bool(_FRONT_HEAD.search(core)) and _title_case(core, 0.5)


def _title_case(core: str, share: float = 0.6) -> bool:
    words = [w for w in _HEAD_WORD.findall(core) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= share


class ISW:
    name = "isw"

    def detect(self, text: str) -> float:
        head = "\n".join(text.split("\n", 6)[:6]).lower()
        score = 0.0
        if "campaign assessment" in head or "campaign update" in head:
            score += 0.7
        if "understandingwar.org" in head:
            score += 0.3
        if re.search(r"(?m)^key takeaways", text[:30000], re.I):
            score += 0.2
        if _FRONT_HEAD.search(text[:60000]) and "effort" in text[:60000].lower():
            score += 0.1
        return min(score, 1.0)

    def parse(self, text: str, ctx: ParseContext) -> Report:
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        title = title_of(text)
        url = source_url(lines[:4])
        date = ctx.date or isw_date(text, title, url, ctx.path)
        blks = blocks(text)
        end = _body_end(blks)
        b = ReportBuilder(text, ctx.gaz)
        spec: HeadingSpec | None = None
        mode = "other"
        paras: dict[str, list[str]] = {}
        for blk in blks[:end]:
            if blk.index == 0 or (blk.index == 1 and _URL.search(blk.text) and " " not in blk.text):
                continue
            if blk.index <= 2 and "original:" in blk.text:
                continue
            t = strip_footnotes(blk.text)
            if _INFLECTIONS.match(t):
                mode, spec = "inflections", None
                continue
            lab = _LABEL.match(t)
            if lab and self._is_label(lab["label"]):
                spec = heading_spec(heading_core(lab["label"]), ctx.gaz)
                mode = "front"
                # The label itself is a name, not an event: read only the rest.
                rest = blk.text.find(":") + 1
                sub = Block(blk.index, blk.start + rest, blk.end, blk.text[rest:])
                self._add(b, spec, sub, paras)
                continue
            if is_heading(t):
                core = heading_core(t)
                if is_front_heading(core, mode == "front"):
                    spec, mode = heading_spec(core, ctx.gaz), "front"
                    continue
                if _NON_FRONT.search(core) or _title_case(core):
                    spec, mode = None, "other"
                    continue
            if mode == "front" and spec is not None:
                self._add(b, spec, blk, paras)
            elif mode == "inflections":
                ms = b.mentions(blk)
                votes = zone_votes(ms, ctx.gaz)
                front = _majority(votes)
                if front is None:
                    b.other.extend(ms)
                else:
                    b.section(front, "Key inflections").mentions.extend(ms)
                    paras.setdefault(front, []).append(blk.text)
            else:
                b.other.extend(b.mentions(blk))
        for name, f in b.fronts.items():
            side, evidence = infer_initiative(paras.get(name, []))
            if side:
                f.initiative, f.initiative_source, f.initiative_evidence = (
                    side,
                    "inferred",
                    evidence,
                )
        return b.report(date=date, format=self.name, title=title, path=ctx.path, source_url=url)

    @staticmethod
    def _is_label(label: str) -> bool:
        core = heading_core(label)
        return len(core.split()) <= 10 and is_front_heading(core, False)

    @staticmethod
    def _add(b: ReportBuilder, spec: HeadingSpec, blk: Block, paras: dict[str, list[str]]) -> None:
        """Assign a paragraph's mentions; under a multi-front heading, sentence by sentence.

        A "Southern Axis" paragraph often covers Zaporizhia and Kherson in
        consecutive sentences, so a sentence whose places agree on one front
        goes there; the rest follow the paragraph's front.
        """
        ms = b.mentions(blk)
        front = spec.front_for(zone_votes(ms, b.gaz))
        if len(spec.fronts) != 1 and ms:
            by_front: dict[str | None, list] = {}
            for s0, s1 in sentences(b.text, blk.start, blk.end):
                sm = [m for m in ms if s0 <= m.start < s1]
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
    for s0, s1 in sentences(b.text, blk.start, blk.end):
        sm = [m for m in ms if s0 <= m.start < s1]
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


def _body_end(blks: list[Block]) -> int:
    """Index of the first endnote block (``[n] …``); the body is everything before it."""
    for i, blk in enumerate(blks):
        if i > 3 and _ENDNOTE.match(blk.text):
            rest = blks[i : i + 5]
            if sum(bool(_ENDNOTE.match(x.text)) or x.text.startswith("http") for x in rest) >= min(
                2, len(rest)
            ):
                return i
    return len(blks)


def source_url(head: list[str]) -> str | None:
    for line in head[1:4]:
        m = re.search(r"original:\s*(https?://\S+?)\)?$", line)
        if m:
            return m.group(1).rstrip(").,")
    for line in head[1:4]:
        m = _URL.search(line)
        if m and line.startswith(("http", "www")):
            return m.group(0)
    return None


_SLUG_YEAR = re.compile(r"-(?P<mon>[a-z]+)-(?P<day>\d{1,2})-(?P<year>20\d\d)(?:-\d+)?/?$", re.I)


def isw_date(text: str, title: str, url: str | None, path: str | None) -> dt.date:
    head = "\n".join(text.split("\n", 12)[:12])
    ds = full_dates(title) or [
        (o, d) for o, d in full_dates(head) if not (url and str(d.year) in url and False)
    ]
    if full_dates(title):
        return full_dates(title)[0][1]
    md = month_day(title) or month_day(head)
    fd = file_date(path)
    if md is None:
        if fd:
            return fd
        if ds:
            return ds[0][1]
        raise ReportError(path, "no date found in the title or file name; pass --date")
    mon, day = md
    if fd and (fd.month, fd.day) == (mon, day):
        return fd
    if ds:
        for _, d in ds:
            if (d.month, d.day) == (mon, day):
                return d
    if url:
        m = _SLUG_YEAR.search(url)
        if m and _MONTHS.get(m["mon"].lower()) == mon and int(m["day"]) == day:
            from_slug = with_year(mon, day, int(m["year"]))
            if from_slug:
                return from_slug
    body = full_dates(text[:200000])
    if body:
        best = None
        for y in sorted({d.year + k for _, d in body for k in (-1, 0, 1)}):
            cand = with_year(mon, day, y)
            if cand is None:
                continue
            gap = min(abs((cand - d).days) for _, d in body)
            if best is None or gap < best[0]:
                best = (gap, cand)
        if best and best[0] <= 200:
            return best[1]
    if fd:
        return fd
    raise ReportError(
        path, f"the title gives {title!r} but no year was found (URL, file name, text); pass --date"
    )


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
__all__ = ["FORMAT", "ISW", "footnote_spans", "heading_core", "heading_spec", "isw_date"]
