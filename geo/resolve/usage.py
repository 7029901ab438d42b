"""How a sentence uses a place name: as a place, as an actor, or without saying.

Reports name capitals and foreign towns as actors far more often than as
places: "Moscow claims", "pressure from Moscow", "Moscow's forces", "the Rostov
governor said". A marker on Moscow for each of those is noise. What tells the
two apart is the words around the name, which English writes the same way
every time:

- a place is where the sentence puts something: a locative or target
  preposition before the name (in, near, at, on, over, around, toward,
  outside, into…), possibly across an article, an adjective or the earlier
  items of a list ("in Olgino, Severyanin, and Luga"); a compass bearing or
  an area word with "of" ("north of Kazan", "the village of Ilsky", "the
  outskirts of Moscow"); a strike verb right before it ("struck Taganrog");
  a place word right after it ("Belgorod Oblast", "Millerovo air base",
  "the Moscow suburb of…"), or a comma and a region or country ("Mulino,
  Nizhny Novgorod Oblast", "Stolin, Belarus");
- an actor is the subject or owner of what is said: a possessive not
  preceded by such a preposition ("Moscow's invasion"), a verb of saying or
  deciding right after the name ("Moscow accused", "Danilov stated"), a
  title or office around it ("Rostov Gov.", "Governor of St. Petersburg",
  "Kazan authorities"), or a preposition that takes a party rather than a
  place ("talks with Moscow", "claims by Moscow", "ties between Moscow and").

A name that starts the proper name of a thing (the Yuzhny Machine Building
Plant, the Valdai Discussion Club) or stands bare after "the" (a ship: "struck
the Moskva with two missiles") is a *thing*.

Everything else is *plain*: the sentence does not say. The resolver decides
what plain means for each kind of place (a Ukrainian village is a place; a
capital abroad named plainly is the government).
"""

from __future__ import annotations

import enum
import re

__all__ = ["Use", "called_town", "country_after", "place_use", "road_end", "speaks"]


class Use(enum.Enum):
    PLACE = "place"
    ACTOR = "actor"
    THING = "thing"  # a ship, a plant, a school named after the place
    PLAIN = "plain"


# prepositions that put something at a place
_LOCATIVE = frozenset({
    "in", "near", "at", "on", "over", "around", "toward", "towards", "outside", "into",
    "inside", "within", "across", "throughout", "via", "through", "beyond", "onto", "upon",
    "nearby", "besieging", "encircle", "encircling", "surround", "surrounding", "under",
})  # fmt: skip
# ... that put something there only when the name is not an actor's (sanctions against Moscow)
_WEAK_LOCATIVE = frozenset({"from", "to", "against", "toward", "towards"})
# prepositions that take a party: talks with Moscow, claims by Moscow
_PARTY = frozenset({"with", "by", "between", "for", "of", "according"})
_STRIKE_VERBS = frozenset({
    "struck", "strike", "strikes", "striking", "hit", "hits", "hitting", "targeted", "target",
    "targets", "targeting", "shelled", "shell", "shelling", "bombed", "bombing", "attacked",
    "attack", "attacking", "captured", "capture", "seized", "took", "entered", "reached",
    "liberated", "occupied", "bombarded", "raided", "reach", "enter", "besieged",
})  # fmt: skip
_AREA_OF = frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "outskirts", "suburb", "suburbs", "vicinity", "village", "town", "city", "settlement",
    "area", "areas", "region", "centre", "center", "environs", "port", "direction",
    "districts", "district", "streets", "residents", "oblast", "territory", "km", "kilometers",
    "kilometres", "miles", "defense", "defence", "defenses", "defences", "envelopment",
    "encirclement", "flank", "flanks", "approaches", "assault", "assaults", "siege",
    "capture", "seizure", "control", "shelling", "bombardment", "bombing", "occupation",
    "liberation", "part", "parts", "heart", "edge", "outskirt", "rear",
})  # fmt: skip
# what follows a place: Belgorod Oblast, Millerovo air base, the Moscow suburb of Krasnogorsk
_PLACE_AFTER = re.compile(
    r"\s*[-\s]?(oblast|krai|kray|region|raion|district|okrug|republic|airfield|airbase|"
    r"air\s+base|airport|suburbs?|outskirts|city\s+(?:center|centre|limits)|port|seaport|"
    r"railway\s+station|rail\s+station|oil\s+(?:refinery|depot)|refinery|training\s+ground)\b",
    re.I,
)
# what follows an actor: a verb of saying or deciding, a title, an office
_ACTOR_AFTER = re.compile(
    r"\s*(?:(?:has|had|have|is|was|will|would|also|then|reportedly|again|still|likely|"
    r"officially|repeatedly|now|already)\s+)?"
    r"(said|says|say|stated|states|claimed|claims|claim|accused|accuses|accuse|denied|denies|"
    r"deny|announced|announces|insisted|insists|warned|warns|responded|responds|rejected|"
    r"rejects|refused|refuses|demanded|demands|wants|wanted|hopes|hoped|seeks|sought|"
    r"believes|believed|considers|considered|argued|argues|threatened|threatens|blamed|"
    r"blames|agreed|agrees|decided|decides|ordered|orders|signed|signs|tried|tries|"
    r"continues|continued|began|begins|launched|launches|sent|sends|plans|planned|intends|"
    r"intended|aims|aimed|needs|needed|must|cannot|can|could|may|might|should|did|does|"
    r"do|is|was|has|had|will|would|gov\.?|governor|governors|mayor|authorities|officials|"
    r"official|government|administration|outlet|mechanism|regime|leadership|prosecutor|"
    r"court|spokesperson|spokesman|embassy|ambassador|delegation|format|agreements?|"
    r"accords?|talks|negotiators?|office)\b",
    re.I,
)
_POSSESSIVE = re.compile(r"(?:'s|’s)(?!\w)")
_WORD_BEFORE = re.compile(r"([A-Za-z][\w’'.-]*)[\s\"“”‘’(]*$")
_SKIPPABLE = re.compile(
    r"^(the|a|an|its|their|his|her|this|that|these|those|occupied|russian|russia’s|russia's|"
    r"belarusian|ukrainian|southern|northern|eastern|western|central|nearby|neighboring|"
    r"neighbouring|captured|besieged|embattled|southwestern|southeastern|northwestern|"
    r"northeastern|st\.?|saint|city|town|village|settlement|large|small|key|major|"
    r"strategic|important|military|airfield)$",
    re.I,
)
_LIST_SEP = re.compile(r"(?:,\s*(?:and|or)?|\s+and|\s+or|&)\s*$", re.I)
_CAP_ITEM = re.compile(r"[A-Z][\w’'.-]*(?:[ -][A-Z][\w’'.-]*){0,3}[\s\"”)]*$")
_HINT_AFTER = re.compile(
    r",\s*(?:in\s+)?(?:the\s+)?(?:[A-Z][\w’'-]*\s+){1,3}(?:oblast|krai|kray|region|republic|"
    r"okrug)\b|,\s*(?:in\s+)?(?:\w+\s+)?(?:russia|belarus)\b|\s*\((?:in\s+)?[^()]*"
    r"(?:oblast|krai|region|republic|russia|belarus)",
    re.I,
)
# a proper name of a thing the place name starts: the Yuzhny Machine Building Plant,
# the Valdai Discussion Club (an oil refinery or an air base is at the place: see above)
_THING_AFTER = re.compile(
    r"(?:\s+(?:[A-Z][\w’'-]*|and|of|&)){0,4}?\s+(?:Plant|Factory|Works|Combine|Bureau|"
    r"Institute|University|Academy|School|College|Club|Forum|Mechanism|Rebellion|Battalion|"
    r"Brigade|Regiment|Division|Army|Group|Company|Holding|Shipyard|Stadium|Theater|Theatre|"
    r"Cathedral|Format|Agreements?|Accords?|Declaration|Process)\b"
)
# "struck the Moskva with…", "sank the Orsk and…": a bare name after "the" is a ship's
_BARE_AFTER_THE = re.compile(
    r"\s*(?:[.,;:)\]”\"’]|\[|$|(?:with|and|or|in|on|at|was|is|had|has|which|that|off|"
    r"near|after|before|during|while|to|from|by)\b)"
)
_WINDOW = 120
_LIST_ITEMS = 8


def _previous_word(before: str) -> tuple[str, int]:
    """The word right before the end of ``before`` and where it starts (-1: none)."""
    m = _WORD_BEFORE.search(before)
    if m is None:
        return "", -1
    return m.group(1).lower().rstrip("."), m.start(1)


def _governing(before: str, possessive: bool) -> tuple[Use | None, str]:
    """Walk back over articles, adjectives and list items to the governing word.

    Returns what it makes of the name and how directly: ``"direct"`` (a
    locative, a strike verb, "north of"), ``"weak"`` (from, to, against) or
    ``"list"`` (the governing word of an earlier item of a list).
    """
    text, how = before, "direct"
    for _ in range(_LIST_ITEMS + 4):
        stripped = text.rstrip()
        sep = _LIST_SEP.search(stripped)
        if sep is not None and sep.start() > 0:
            # an earlier item of a list: "in Olgino, Severyanin, and Luga"
            head = stripped[: sep.start()]
            item = _CAP_ITEM.search(head)
            if item is None:
                return None, how
            text, how = head[: item.start()], "list"
            continue
        word, at = _previous_word(stripped)
        if at < 0:
            return None, how
        if word in _LOCATIVE or word in _STRIKE_VERBS:
            return Use.PLACE, how
        if word in _WEAK_LOCATIVE:
            return (None, how) if possessive else (Use.PLACE, "weak" if how == "direct" else how)
        if word == "of":
            prev, _ = _previous_word(stripped[:at])
            return (Use.PLACE if prev in _AREA_OF else Use.ACTOR), how
        if word in _PARTY:
            return Use.ACTOR, how
        if _SKIPPABLE.match(word):
            text = stripped[:at]
            continue
        return None, how
    return None, how


def place_use(text: str, start: int, end: int, strict: bool = False) -> Use:
    """Whether the sentence around ``text[start:end]`` uses the name as a place.

    ``strict`` is for the names of governments (a capital): "from", "to",
    "against" and the preposition of an earlier list item then do not make a
    place ("pressure from Moscow", "sanctions against Moscow", "in Ukraine,
    and Moscow violated").

    Only the words next to the name are read (a fixed window), so this is
    constant time per mention.
    """
    before = text[max(0, start - _WINDOW) : start]
    after = text[end : end + _WINDOW]
    if before.endswith("-") and before[-2:-1].isalpha():
        return Use.ACTOR  # the second half of a double name: Lvova-Belova
    if _THING_AFTER.match(after):
        return Use.THING
    possessive = _POSSESSIVE.match(after) is not None
    rest = after[_POSSESSIVE.match(after).end() :] if possessive else after  # type: ignore[union-attr]
    if _PLACE_AFTER.match(rest) or _HINT_AFTER.match(after):
        return Use.PLACE
    if not possessive and re.search(r"\bthe\s*$", before, re.I) and _BARE_AFTER_THE.match(after):
        return Use.THING
    governed, how = _governing(before, possessive)
    if governed is not None and how == "direct":
        return governed
    if possessive or _ACTOR_AFTER.match(after):
        return Use.ACTOR  # "according to Rostov Gov. …", "the village of X, Rostov Gov. …"
    if governed is Use.PLACE and strict:
        return Use.PLAIN  # a government is not a list item or "from"'s object by default
    return governed or Use.PLAIN


_CALLED_TOWN = re.compile(r"\b(?:town|city|towns|cities)\s+of\s+$", re.I)


def called_town(text: str, start: int) -> bool:
    """The sentence calls the place a town or a city ("captured the town of X"):
    reports say so of towns, not of hamlets."""
    return _CALLED_TOWN.search(text[max(0, start - 20) : start]) is not None


_COUNTRY_AFTER = re.compile(
    r"(?:,\s*|\s*\(\s*(?:in\s+)?)(?:(?:western|eastern|southern|northern|central|"
    r"southwestern|southeastern|northwestern|northeastern)\s+)?(Russia|Belarus)\b"
)


def country_after(text: str, start: int, end: int) -> str | None:
    """The country a name is qualified with ("Rostov, Russia", "Gomel (Belarus)")."""
    if not text or end <= start:
        return None
    m = _COUNTRY_AFTER.match(text, end, min(len(text), end + 40))
    return m.group(1) if m else None


# a government speaking or deciding: "Kyiv said", "Kyiv's officials", "Kyiv rejects"
_SPEAKS = re.compile(
    r"(?:(?:'s|’s)\s+(?:\w+\s+)?(?:government|officials|leadership|authorities|"
    r"negotiators|envoys?|delegation|position|claims?|statement|refusal|decision|demands?)\b|"
    r"\s+(?:has\s+|had\s+|also\s+|reportedly\s+|repeatedly\s+|again\s+|officially\s+|"
    r"still\s+|now\s+|then\s+|did\s+not\s+|does\s+not\s+|will\s+not\s+)?"
    r"(?:said|says|stated|states|claimed|claims|accused|accuses|denied|denies|announced|"
    r"announces|insisted|insists|warned|warns|responded|responds|rejected|rejects|refused|"
    r"refuses|demanded|demands|wants|wanted|hopes|seeks|sought|believes|argued|argues|"
    r"threatened|threatens|blamed|blames|agreed|agrees|decided|decides|ordered|signed|"
    r"withdraw|accept|accepted|accepts|negotiate|negotiates|negotiated)\b)",
)


def speaks(text: str, end: int) -> bool:
    """The name is a government that speaks or decides ("Kyiv rejects the terms",
    "Kyiv's negotiators"): the narrow test for a capital at home, whose name is
    far more often the city the fighting is about."""
    return _SPEAKS.match(text, end, min(len(text), end + 60)) is not None


_ROAD = (
    r"(?i:highway|road|motorway|railway|railroad|rail\s+line|"
    r"ground\s+line\s+of\s+communication|GLOC)"
)
_ROAD_AFTER_FIRST = re.compile(r"[-–]\s?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2}\s+" + _ROAD + r"\b")
_ROAD_AFTER_SECOND = re.compile(r"\s+" + _ROAD + r"\b")
_FIRST_BEFORE = re.compile(r"[A-Z][\w’'-]*(?:\s+City)?\s?[-–]\s?$")


def road_end(text: str, start: int, end: int) -> bool:
    """The name is an end of a road ("the H20 Kostiantynivka-Donetsk City highway"):
    roads are named after the towns they join, not after villages."""
    after = text[end : end + 60]
    if _ROAD_AFTER_FIRST.match(after):
        return True
    return bool(
        _ROAD_AFTER_SECOND.match(after) and _FIRST_BEFORE.search(text[max(0, start - 40) : start])
    )
