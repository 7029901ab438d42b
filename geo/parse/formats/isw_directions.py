"""Directions of 2024–2026 ISW reports: the verdict sentences that open them.

From 2024 ISW opens each direction with a one-sentence verdict, in bold on
the pages ("**Russian forces continued offensive operations in the Kupyansk
direction on December 18 but did not advance.**"), then labelled paragraphs
(``Assessed Russian advances:``, ``Unconfirmed claims:``, ``Order of
Battle:``) and an attack list. A verdict is a sentence, alone in its
paragraph (bold lead sentences of crawled pages are their own line) or the
first sentence of it, of the form

``<actor> <verb phrase> <where> [on <date>] [but did not advance]``

- *actor*: Russian forces, Ukrainian forces, Ukrainian and Russian forces,
  Neither Ukrainian nor Russian sources (forces);
- *where*, which names the direction: ``in the <X> direction``, ``in the <X>
  tactical area``, ``in [northern|western…] <X> Oblast``, or a place list
  ``near <X> itself and …`` / ``<bearing> of <X> near …`` (then the
  verdict must be its paragraph and end "but did not advance" or say
  "recently advanced", which the attack lists never do). A first sentence
  that is not its whole paragraph names an oblast only with a direction
  word or that ending ("continued attacking … in Sumy Oblast near Basivka" is
  an attack list).

Ukrainian strike-campaign sentences ("Ukrainian forces continued their
mid-range strike campaign against Russian military targets in occupied
Donetsk Oblast…") open a rear-strike section of that area.

**Initiative** of a direction, from its verdict: Russian forces continuing
operations, attacking, advancing or infiltrating -> Russia; Ukrainian forces
doing so -> Ukraine; both sides advancing -> unknown; "Neither … reported
fighting" -> ``"None"`` (no side attacks there). A front's initiative is the
side that holds at least twice as many of its directions as the other side,
with the first such verdict as evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from geo.model import Mention, Side

_ACTOR = re.compile(
    r"^(?P<actor>Russian\s+forces|Ukrainian\s+forces|Ukrainian\s+and\s+Russian\s+forces|"
    r"Russian\s+and\s+Ukrainian\s+forces|Neither\s+(?:Ukrainian|Russian)\s+nor\s+"
    r"(?:Ukrainian|Russian)\s+(?:forces|sources))\b"
)
_NAME = r"[A-Z][\w'’]*(?:[ -][A-Z][\w'’]*){0,3}"
_IN_DIRECTION = re.compile(
    rf"\bin\s+the\s+(?P<name>{_NAME})\s+(?P<kind>direction|tactical\s+area)\b"
)
_ADJ = r"(?:north|south)(?:east|west)?ern|eastern|western|central"
_IN_OBLAST = re.compile(
    rf"\bin\s+(?:(?P<adj>{_ADJ})\s+)?(?:occupied\s+)?(?P<name>[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*)?)"
    rf"\s+Oblast\b"
)
_PLACES = re.compile(
    rf"\b(?:near\s+(?:and\s+within\s+)?(?P<self>{_NAME})\s+itself"
    rf"|(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of\s+(?P<anchor>{_NAME})"
    rf"\s+(?:near|toward|towards)\b)"
)
_VERDICT_TAIL = re.compile(
    r"\bbut\s+did\s+not\s+(?:make\s+(?:any\s+)?(?:confirmed\s+)?advances|advance)\b"
    r"|\brecently\s+(?:marginally\s+)?advanced\b"
)
_STRIKES = re.compile(r"\bstrike\s+campaign\b|\bstruck\b", re.I)
_REAR_AREA = re.compile(
    r"\b(?:in|against)\s+(?:[\w\s-]{0,60}?\s)?(?:in\s+)?(?:occupied\s+)?"
    r"(?P<name>Crimea|[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*)?\s+Oblast|[A-Z][\w'’-]*(?=\s+on\s+the\s+night))"
)
_OFFENSIVE = re.compile(
    r"\b(?:continued\s+(?:\w+\s+){0,2}(?:operations|assaults|attacks|attacking)|attacked|"
    r"advanced|infiltrated|assaulted|counterattacked|conducted\s+(?:\w+\s+){0,2}"
    r"(?:operations|assaults|attacks))\b"
)
_NO_FIGHTING = re.compile(r"\breported\s+(?:\w+\s+){0,2}(?:fighting|ground\s+activity|activity)\b")
_MAX_VERDICT = 450  # characters


@dataclass(slots=True)
class Verdict:
    """A sentence that opens a direction: its name, whom it credits, and the sentence."""

    name: str
    sentence: str
    side: Side | None = None
    rear: bool = False
    words: list[str] = field(default_factory=list)  # the names the direction is called by


def read_verdict(sentence: str, alone: bool) -> Verdict | None:
    """The verdict ``sentence`` makes, if it is one (``alone``: the whole paragraph)."""
    s = sentence.strip()
    actor = _ACTOR.match(s)
    if actor is None or len(s) > _MAX_VERDICT:
        return None
    rest = s[actor.end() :]
    ukrainian = actor["actor"].startswith("Ukrainian forces")
    if ukrainian and _STRIKES.search(rest) and not _IN_DIRECTION.search(rest):
        area = _REAR_AREA.search(rest)
        name = f"{area['name']} (rear strikes)" if area else "Rear strikes"
        return Verdict(name, s, None, True, [area["name"]] if area else [])
    where, words = _where(rest, alone)
    if where is None:
        return None
    return Verdict(where, s, _side(actor["actor"], rest), False, words)


def _where(rest: str, alone: bool) -> tuple[str | None, list[str]]:
    """The direction's name and the place names it is called by, from the locative
    (a place list only in a sentence that is its paragraph: attack lists look alike)."""
    m = _IN_DIRECTION.search(rest)
    if m is not None:
        kind = " ".join(m["kind"].split())
        return f"{m['name']} {kind}", re.split(r"-(?=[A-Z])", m["name"])
    m = _IN_OBLAST.search(rest)
    if m is not None and (alone or m["adj"] or _VERDICT_TAIL.search(rest)):
        adj = f"{m['adj']} " if m["adj"] else ""
        return f"{adj}{m['name']} Oblast", [m["name"]]
    m = _PLACES.search(rest) if alone else None
    if m is not None and _VERDICT_TAIL.search(rest):
        place = m["self"] or m["anchor"]
        return f"{place} direction", [place]
    return None, []


def _side(actor: str, rest: str) -> Side | None:
    if actor.startswith("Neither"):
        return "None" if _NO_FIGHTING.search(rest) else None
    if not _OFFENSIVE.search(rest):
        return None
    if " and " in actor:
        return None  # both sides advanced: contested, no side holds it
    return "Russia" if actor.startswith("Russian") else "Ukraine"


def front_initiative(verdicts: list[Verdict]) -> tuple[Side | None, str | None]:
    """The side that holds a front's directions (module docstring), with its evidence."""
    sides = Counter(v.side for v in verdicts if v.side is not None)
    r, u = sides["Russia"], sides["Ukraine"]
    for side, mine, theirs in (("Russia", r, u), ("Ukraine", u, r)):
        if mine and mine >= 2 * theirs:
            return side, next(v.sentence for v in verdicts if v.side == side)  # type: ignore[return-value]
    if not r and not u and sides["None"]:
        return "None", next(v.sentence for v in verdicts if v.side == "None")
    return None, None


# --- directions a report does not open with a verdict -------------------------

_LABELLED = re.compile(
    r"^(?:assessed\s+(?:russian|ukrainian)\s+(?:advances?|infiltrations?)|unconfirmed\s+claims?|"
    r"refinement\s+of\s+areas?\s+under\s+\w+\s+claims?)\s*:",
    re.I,
)
_ATTACK_LIST = re.compile(
    r"^(?:Russian|Ukrainian)\s+forces\s+(?:attacked|continued\s+attacking|"
    r"(?:continued|conducted)\s+(?:\w+\s+){0,2}(?:operations|attacks|assaults))\b"
)
_ITSELF = re.compile(rf"\bnear\s+(?:and\s+within\s+)?(?P<name>{_NAME})\s+itself\b")


def may_open_direction(text: str) -> bool:
    """Paragraphs that start a direction when its verdict is missing: a labelled
    assessment ("Assessed Russian advances: …") or the attack list."""
    return bool(_LABELLED.match(text) or _ATTACK_LIST.match(text))


def anchors(text: str, lo: int, hi: int, ms: list[Mention], key_of) -> Counter[str]:
    """The places a paragraph locates others by: bearings' reference places and
    "near X itself", counted (``key_of`` turns a name as written into its key)."""
    found: Counter[str] = Counter(m.bearing[1] for m in ms if m.bearing)
    for m in _ITSELF.finditer(text, lo, hi):
        found[key_of(m["name"])] += 1
    return found
