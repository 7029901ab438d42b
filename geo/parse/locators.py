"""What a sentence says about where a named place lies: its oblast and its bearing.

Reports locate villages for the reader, and the words decide between
namesakes better than any gazetteer rule: "Ivanivka, Kharkiv Oblast", "Sumy
Oblast's Ivanivka", "Pishchane (southeast of Kupyansk)", "northwest of Siversk
near Platonivka and toward Ozerne". :func:`locate` fills
:attr:`geo.model.Mention.oblast_hint` and :attr:`geo.model.Mention.bearing`
for the mentions of one passage; the resolver uses them.

**Oblast hints** (the name is normalised to the gazetteer's oblast name,
``Zaporizhia`` -> ``Zaporizhzhia``; an oblast the gazetteer does not hold
keeps the name as written, ``Rostov``):

- ``X, <Name> Oblast`` / ``X in [occupied|northern…] <Name> Oblast`` /
  ``X (<Name> Oblast)``: X and the list it closes ("Nikopol and Marhanets,
  Dnipropetrovsk Oblast", "Andriivka, Oleksiivka, and Yablunivka in Sumy
  Oblast"); ``Krai`` and ``Crimea`` the same way;
- ``<Name> Oblast's X``.

A plural ("in Kursk and Sumy oblasts") names no one oblast and gives no hint.

**Bearings** (one of :data:`geo.model.COMPASS`, and the name key of the
reference place, which must itself be a mention):

- ``X (<bearing> of A)``, also with a distance ("approximately 20 kilometers
  northeast of A"), after "formerly Y, " or for a list ("Y and Z (all southeast
  of A)");
- ``X, <distance> <bearing> of A`` (an apposition, not followed by a list);
- ``<bearing> of A near|toward|in the direction of X, Y, and Z``: every name of
  the list, up to a semicolon or the next phrase that is not a list word.

Each rule reads a bounded neighbourhood of a phrase, and each mention is
visited a bounded number of times, so a passage costs time linear in its size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from geo._text import name_key
from geo.model import Mention
from geo.places.gazetteer import Gazetteer

_NAME = r"[A-Z][\w'’]*(?:[ -][A-Z][\w'’]*)?"
_ADJ = (
    r"(?:(?:occupied|Russian-occupied|Ukrainian-controlled|Russian-controlled|"
    r"(?:north|south)(?:east|west)?ern|eastern|western|central)\s+)"
)
_OBLAST = re.compile(
    rf"(?<![\w'’-])(?P<name>{_NAME})\s+(?:Oblast|Krai|oblast|krai)(?![\w-])(?P<poss>['’]s\s+)?"
    rf"|(?<![\w'’-])(?:the\s+)?(?:(?:Autonomous\s+)?Republic\s+of\s+)?(?P<crimea>Crimea)(?![\w'’-])"
)
_OBLAST_WORDS = ("blast", "Krai", "krai", "Crimea")  # cheap test before the regex runs
# What may stand between a place (or the list it ends) and its oblast.
_TO_OBLAST = re.compile(rf"(?:,\s*|\s+in\s+(?:the\s+)?{_ADJ}*|\s*\(\s*{_ADJ}*|\s+{_ADJ}+)\Z")
_LIST_GAP = re.compile(
    r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
    r"(?:(?:near|toward|towards|within|in|at|and\s+within|and\s+toward)\s+)?\Z"
)
_DIR = r"(?:[Nn]orth|[Ss]outh)(?:-?(?:east|west))?|[Ee]ast|[Ww]est"
_BEARING = re.compile(rf"(?<![\w-])(?P<dir>{_DIR})\s+of\s+(?=[A-Z])")
_INTO_LIST = re.compile(
    r"\s+(?:near(?:\s+and\s+within)?|toward|towards|in\s+the\s+direction\s+of|at|around)\s+"
)
_PAREN_OPEN = re.compile(
    r"\(\s*(?:formerly\s+[^(),]{1,40},\s*|(?P<all>all|both)\s+)?"
    r"(?:(?:just|approximately|about|roughly|some|around|nearly)\s+)?"
    r"(?:\d+(?:[.,]\d+)?\s*(?:km|kilometers|kilometres|miles)\s+)?\Z"
)
_APPOSITION = re.compile(
    r",\s+(?:(?:just|approximately|about|roughly|some|around|nearly)\s+)?"
    r"(?:\d+(?:[.,]\d+)?\s*(?:km|kilometers|kilometres|miles)\s+)?\Z"
)
_WINDOW = 80  # characters a locating phrase may span


def locate(text: str, ms: Sequence[Mention], gaz: Gazetteer) -> None:
    """Fill ``oblast_hint`` and ``bearing`` of the mentions ``ms`` (in text order)."""
    if not ms:
        return
    lo, hi = ms[0].start, ms[-1].end + _WINDOW
    by_start = {m.start: i for i, m in enumerate(ms)}
    by_end = {m.end: i for i, m in enumerate(ms)}
    _oblast_hints(text, ms, max(0, lo - _WINDOW), min(len(text), hi), by_start, by_end, gaz)
    _bearings(text, ms, max(0, lo - _WINDOW), min(len(text), hi), by_start, by_end)


# --- oblasts ----------------------------------------------------------------


def oblast_names(gaz: Gazetteer) -> dict[str, str]:
    """Name key -> the gazetteer's spelling of every oblast it holds (memoised)."""
    table = gaz.memo("locators.oblasts")
    if not table:
        for p in gaz.places:
            if p.oblast:
                table.setdefault(name_key(p.oblast), p.oblast)
        table.setdefault(name_key("Kiev"), table.get(name_key("Kyiv"), "Kyiv"))
    return table


def _oblast_hints(
    text: str, ms: Sequence[Mention], lo: int, hi: int, by_start: dict, by_end: dict, gaz
) -> None:
    if not any(w in text[lo:hi] for w in _OBLAST_WORDS):
        return
    names = oblast_names(gaz)
    for m in _OBLAST.finditer(text, lo, hi):
        raw = m.group("name") or m.group("crimea")
        oblast = names.get(name_key(raw), raw)
        if m.group("poss"):
            i = by_start.get(m.end())
            if i is not None:
                ms[i].oblast_hint = oblast
            continue
        gap = _TO_OBLAST.search(text, max(0, m.start() - 40), m.start())
        if gap is None:
            continue
        i = _ending_at(text, gap.start(), by_end)
        if i is None or (
            gap.group().lstrip().startswith("(") and text[m.end() : m.end() + 1] != ")"
        ):
            continue
        for j in _list_back(text, ms, i, by_end):
            if ms[j].oblast_hint is not None and j != i:
                break  # an earlier phrase located the list from here on
            ms[j].oblast_hint = oblast


def _ending_at(text: str, pos: int, by_end: dict) -> int | None:
    """The mention ending at ``pos`` (or at ``pos`` less a footnote marker or spaces)."""
    i = by_end.get(pos)
    if i is None:
        j = pos
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        i = by_end.get(j)
    return i


def _list_back(text: str, ms: Sequence[Mention], i: int, by_end: dict) -> list[int]:
    """Mention ``i`` and the mentions before it joined to it by list words ("X, Y, and Z")."""
    out = [i]
    while i > 0:
        prev = ms[i - 1]
        gap_lo = prev.end
        if ms[i].start - gap_lo > 30 or not _LIST_GAP.match(text[gap_lo : ms[i].start]):
            break
        i -= 1
        out.append(i)
    return out


# --- bearings ---------------------------------------------------------------


def _compass(word: str) -> str:
    return word.lower().replace("-", "")


def _bearings(
    text: str, ms: Sequence[Mention], lo: int, hi: int, by_start: dict, by_end: dict
) -> None:
    specific: list[tuple[int, tuple[str, str]]] = []
    for b in _BEARING.finditer(text, lo, hi):
        a = by_start.get(b.end())
        if a is None:
            continue
        bearing = (_compass(b.group("dir")), ms[a].key)
        into = _INTO_LIST.match(text, ms[a].end)
        if into is not None:
            _bear_list(text, ms, a, into.end(), bearing, by_start)
        specific.extend((j, bearing) for j in _targets(text, ms, b.start(), into, by_end))
    # what a parenthesis or an apposition says of one place beats a list it is in
    for j, bearing in specific:
        ms[j].bearing = bearing


def _bear_list(
    text: str, ms: Sequence[Mention], a: int, first: int, bearing: tuple[str, str], by_start
) -> None:
    """Give ``bearing`` to the list that starts at ``first`` ("near X, Y, and toward Z")."""
    j = by_start.get(first)
    while j is not None:
        if ms[j].bearing is None:
            ms[j].bearing = bearing
        if j + 1 >= len(ms):
            break
        gap = text[ms[j].end : ms[j + 1].start]
        if len(gap) > 30 or not _LIST_GAP.match(gap) or ";" in gap:
            break
        j += 1


def _targets(text: str, ms: Sequence[Mention], at: int, into, by_end: dict) -> list[int]:
    """Mentions a bearing phrase starting at ``at`` describes by parenthesis or apposition."""
    before_lo = max(0, at - _WINDOW)
    paren = _PAREN_OPEN.search(text, before_lo, at)
    if paren is not None:
        i = _ending_at(text, paren.start(), by_end)
        if i is None:
            return []
        return _list_back(text, ms, i, by_end) if paren.group("all") else [i]
    appo = _APPOSITION.search(text, before_lo, at)
    if appo is not None and into is None:
        i = by_end.get(appo.start())
        return [] if i is None else [i]
    return []
