"""When a name that means a place abroad, or a capital, is a place on the map.

The gazetteer holds the towns of Russia and Belarus so that a strike on
Taganrog lands on Taganrog. The same towns are also what reports name as
governments, people and things: "Moscow claims", "Minsk's position",
"Kyiv's forces", Maria Lvova-Belova (Belovo, Kemerovo), "Danilov stated"
(Danilov, Yaroslavl), the Pantsir system (an old name of a Saratov town).
A marker for each is noise a map reader cannot tell from a strike. The rules:

- a capital is a place only where the sentence puts something there
  (:func:`geo.resolve.usage.place_use`); plainly named ("Moscow and
  Washington") it is the government. Kyiv, at home, is dropped only when the
  sentence makes it an actor;
- a place abroad is a place only where the sentence puts something there,
  and never as the second half of a double name;
- a place abroad beyond the regions next to Ukraine (Rostov, Voronezh,
  Krasnodar, Brest, Gomel, and the border oblasts the fronts cover) needs
  strong evidence as well: a strike or attack sentence, a region or country
  named with it ("Mulino, Nizhny Novgorod Oblast"), or another mention of
  the same place in the report that names its region. A mobilisation office in
  Yakutsk is not part of a war map; a strike on Engels is;
- a small place abroad is a candidate only under a spelling of its own name:
  GeoNames keeps old and other names of Russian towns ("Stavka", "Pantsir",
  "Kalininets") that are, in reports, something else.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from geo._text import name_key
from geo.model import Mention, Place
from geo.places.gazetteer import Gazetteer, is_major
from geo.resolve.candidates import is_home
from geo.resolve.usage import Use, country_after, place_use, speaks

__all__ = [
    "CAPITAL_CODE",
    "NEAR_ABROAD_OBLASTS",
    "drop_before",
    "is_far_abroad",
    "keeps",
    "mention_use",
    "own_spellings",
    "strong_evidence",
]

CAPITAL_CODE = "PPLC"
# Regions abroad next to Ukraine (beyond the border oblasts the fronts cover):
# reports name their towns for the war's logistics, launch sites and strikes.
NEAR_ABROAD_OBLASTS: frozenset[tuple[str, str]] = frozenset({
    ("RU", "Rostov"), ("RU", "Voronezh"), ("RU", "Krasnodar"), ("RU", "Belgorod"),
    ("RU", "Kursk"), ("RU", "Bryansk"), ("BY", "Brest"), ("BY", "Gomel"),
})  # fmt: skip
STRONG_KINDS = frozenset({"strike", "attack"})
OWN_SPELLING_RATIO = 0.7  # a key this similar to the main name's is a spelling of it


def is_far_abroad(p: Place) -> bool:
    """Abroad and beyond the regions next to Ukraine."""
    return p.country != "UA" and (p.country, p.oblast) not in NEAR_ABROAD_OBLASTS


def _own_spelling(gaz: Gazetteer, p: Place, key: str) -> bool:
    """``key`` is a spelling of the place's own name, not one of its other names."""
    memo = gaz.memo("foreign.own-spelling")
    ck = (p.place_id, key)
    got: bool | None = memo.get(ck)
    if got is None:
        own = name_key(p.name)
        got = memo[ck] = own == key or SequenceMatcher(None, own, key).ratio() >= OWN_SPELLING_RATIO
    return got


def own_spellings(gaz: Gazetteer, found: list[Place], keys: Sequence[str]) -> list[Place]:
    """Small places abroad only under a spelling of their own name; the rest as found."""
    return [
        p for p in found
        if is_home(p) or is_major(p) or any(_own_spelling(gaz, p, k) for k in keys)
    ]  # fmt: skip


def is_capital(cands: Sequence[Place], key: str) -> bool:
    """The name is a country's capital's own name (Moscow, Minsk, Kyiv)."""
    return any(p.feature_code == CAPITAL_CODE and name_key(p.name) == key for p in cands)


def mention_use(text: str, m: Mention, capital: bool) -> Use:
    """How the mention's sentence uses the name; a name asked for alone is a place."""
    if not text or name_key(text[m.start : m.end]) != name_key(m.text):
        return Use.PLACE
    use = place_use(text, m.start, m.end, strict=capital)
    if use is Use.ACTOR and speaks(text, m.end):
        return Use.ACTOR
    # an actor by the wider test only: for a capital at home this is still a place
    return Use.PLAIN if use is Use.ACTOR and capital else use


def drop_before(found: Sequence[Place], key: str, use: Use) -> bool:
    """The mention is no place whichever candidate won: an actor-capital, or a
    name only places abroad bear, not used as a place."""
    if is_capital(found, key):
        capital_home = any(
            p.feature_code == CAPITAL_CODE and p.country == "UA" for p in found
        )  # fmt: skip
        return use is Use.ACTOR if capital_home else use is not Use.PLACE
    return bool(found) and use is not Use.PLACE and not any(is_home(p) for p in found)


def strong_evidence(m: Mention, text: str = "") -> bool:
    """The sentence says the place itself was hit, or names its region or country."""
    return (
        m.kind in STRONG_KINDS or bool(m.oblast_hint)
        or country_after(text, m.start, m.end) is not None
    )  # fmt: skip


def keeps(p: Place, m: Mention, use: Use, evidenced: set[str], text: str = "") -> bool:
    """A resolved place abroad stays on the map for this mention."""
    if is_home(p):
        return True
    if use is not Use.PLACE:
        return False
    return not is_far_abroad(p) or strong_evidence(m, text) or p.place_id in evidenced
