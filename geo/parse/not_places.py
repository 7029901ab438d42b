"""Names that are spelled like places but name something else: people, units, weapons, outlets.

The gazetteer has 35,000 place names, so a report's "Vyatka" volunteer
battalion, milblogger Yevgeniy Poddubnyi, outlet Zvezda, the Vilkha rocket or a
"Transport" ministry all look like villages. A stoplist of single names never
ends; what ends it is the *context* such names stand in, which reports write
the same way every time. Checked over the ISW reports of 2022–2026 and the
news in the development corpus, a capitalised name is not a place when

1. **quoted**: the quotes enclose exactly the name ("Vyatka", “Kronstadt,”):
   reports quote the names of units, outlets and operations, not villages
   (features such as a quoted “Kinburn Spit” stay);
2. **a model designation** follows: a hyphen and a code in capitals or digits
   (Topol-M, Voronezh-DM radar, Sukhoi-34);
3. **a unit, weapon or outlet word** follows, possibly after more capitalised
   words: ``… Battalion``, ``Detachment``, ``Brigade``, ``Group (of Forces)``,
   ``Operational Group``, ``Legion``; ``missile(s)``, ``rocket(s)``,
   ``projectile(s)``, ``(air defense) system``, ``MLRS``, ``radar``; ``TV``,
   ``channel``, ``Post``, ``Independent``… (a "missile strike" on a city
   still names the city);
4. **a role or medium word** precedes it, possibly with a first name between:
   ``milblogger Yevgeniy Poddubnyi``, ``Mayor Ihor Terekhov``, ``Admiral
   Makarov``, ``correspondent Barak Ravid``, ``outlet Zvezda``, ``Telegram
   channel Mariupol Now``;
5. **a capitalised word that is no place precedes it** in the same sentence (a
   first name: ``Kirill Dmitriev``, ``Vladimir Lenin``; an outlet's first word:
   ``Ria Melitopol``; a misspelt prefix: ``Velykui Sambir``), unless that word
   is a function word, an adjective of nationality or region (``Russian``,
   ``Northern``), an acronym, a road code (``T1302``), a possessive or a
   facility (``Airport``);
6. **a surname follows it** (a capitalised word that is no place and ends like
   a Slavic surname: ``Marina Filippova``, ``Sergii Sternenko``), unless the
   name is a town of 10,000 people or follows a place preposition ("Mayor of
   Mariupol Andryushchenko");
7. it is **a lower-case English word elsewhere in the same report** (a
   one-word name such as "Transport" or "Peace" that the report also writes
   as "transport"), unless a place preposition (near, in, toward…) precedes it.

A name that rules 4–6 showed to be a person or an outlet (a role word and a
first name before it, a medium word, a known first name, a surname after it)
stays one for the rest of the report ("Lenin's", "Terekhov wrote",
"interviewed by Hromadske"), again unless a place preposition precedes it.
Units, quoted names and offices are not remembered: "Horlivka Battalion" and
"Deputy Kherson Occupation Head" are named after towns the report may name
again as places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPEN_QUOTES = "\"“”«‘'"
_CLOSE_QUOTES = "\"”“»’'"
_DESIGNATION = re.compile(r"-[A-Z0-9]{1,4}(?![\w'’])")
_UNIT = (
    r"battalions?|detachments?|brigades?|regiments?|divisions?|legions?|companies|company|"
    r"squads?|spetsnaz|groupings?|group(?:[ \t]+of[ \t]+(?:\w+[ \t]+)?forces)?|"
    r"operational[ \t]+group(?:ing)?|volunteer[ \t]+(?:battalion|unit|detachment)s?"
)
_NOT_STRIKE = r"(?![ \t]+(?:strikes?|attacks?))"  # "a Kyiv missile strike" still names Kyiv
_WEAPON = (
    rf"missiles?{_NOT_STRIKE}|rockets?{_NOT_STRIKE}|projectiles?|launchers?|mlrs|icbms?|"
    r"warheads?|radars?|howitzers?|"
    r"(?:air[ \t]+defen[cs]e|missile|rocket|artillery|radar|electronic[ \t]+warfare|ew)"
    r"[ \t]+systems?"
)
_MEDIUM = (
    r"(?i:tv|channel|outlet|newspaper|agency|television)|Post|Independent|Times|Pravda|Gazette"
)
_AFTER = re.compile(
    rf"[\"”’»]?,?(?:[ \t]+(?:and|or)[ \t]+[A-Z][\w'’-]*)?(?:[ \t]+[A-Z][\w'’-]*){{0,2}}[ \t]+"
    rf"(?:(?i:{_UNIT}|{_WEAPON})|{_MEDIUM})(?![\w-])"
)
# Words that stand before a person's name. Those that are also common words
# ("the general Bakhmut area", "a major Kherson offensive") count only capitalised.
_ROLE_ANY_CASE = frozenset(
    (
     "journalist", "journalists", "correspondent", "correspondents", "blogger", "bloggers",
     "milblogger", "milbloggers", "commentator", "commentators", "spokesperson", "spokesman",
     "spokeswoman", "advisor", "advisors", "adviser", "advisers", "official", "officials",
     "officer", "officers", "ceo", "ombudsman", "commissar", "representative", "representatives",
     "propagandist", "propagandists", "collaborator", "collaborators", "presenter", "presenters",
     "businessman", "oligarch", "patriarch", "analyst", "analysts", "gov.", "rep.", "sen.",
     "mr.", "mrs.", "ms.", "dr.",
    )
)  # fmt: skip
_ROLE_CAPITALISED = frozenset(
    (
     "Commander", "Commanders", "Deputy", "Deputies", "Head", "Minister", "Ministers",
     "Governor", "Governors", "Mayor", "Mayors", "President", "Chairman", "Chairwoman",
     "Chairperson", "Director", "Colonel", "General", "Major", "Captain", "Lieutenant",
     "Sergeant", "Admiral", "Senator", "Senators", "Secretary", "Metropolitan", "Ambassador",
     "Envoy", "Priest",
    )
)  # fmt: skip
_MEDIUM_BEFORE = frozenset(
    (
     "outlet", "outlets", "channel", "channels", "broadcaster", "newspaper", "newspapers",
     "publication", "website", "tv", "magazine",
    )
)  # fmt: skip
_PLACE_WORDS = frozenset(
    (
     "near", "in", "at", "toward", "towards", "into", "around", "outside", "within", "from",
     "of", "to", "through", "between", "captured", "seized", "liberated", "entered",
    )
)  # fmt: skip
# Place words that as often introduce a person: a name the report has shown to be one stays
# a person after them.
_WEAK = frozenset(("of", "to", "from"))
# Capitalised words that may stand right before a place name.
_MAY_PRECEDE = frozenset(
    (
     "the", "a", "an", "in", "into", "from", "at", "near", "to", "toward", "towards", "and",
     "but", "or", "if", "of", "on", "for", "with", "by", "as", "around", "outside", "within",
     "after", "before", "while", "since", "both", "all", "several", "many", "some", "most",
     "this", "that", "these", "those", "its", "their", "his", "her", "our", "only", "even",
     "also", "when", "where", "as", "such", "near", "occupied", "russian", "ukrainian",
     "russia’s", "russia's", "ukraine’s", "ukraine's", "belarusian", "soviet", "western",
     "eastern", "northern", "southern", "central", "northeastern", "northwestern",
     "southeastern", "southwestern", "upper", "lower", "greater", "old", "new", "airport",
     "airbase", "airfield", "station", "plant", "port", "bridge", "highway", "road", "route",
     "street", "village", "town", "city", "settlement", "oblast", "raion",
    )
)  # fmt: skip
# Endings that only surnames have ("Filippova", "Sternenko"; not "Gelatin", "Kremlin").
_SURNAME = re.compile(
    r"[ \t]([A-Z][a-z'’]+(?:ov|ova|ev|eva|yov|yova|enko|chuk|yuk|iuk|sky|skyi|skiy|skii|"
    r"ovich|evich))(?![\w'’-])"
)
_WORDS_BEFORE = 3  # words before a name that the rules look at
# Marks a word of prose may carry; URLs and handles, which spell place names in lower
# case ("t.me/bakhmut_news"), keep their slashes and dots and so never count as words.
_WORD_MARKS = ".,;:!?()[]“”\"'’‘«»"


@dataclass(slots=True)
class NameContext:
    """What the name rules remember across the blocks of one report."""

    text: str
    first_names: frozenset[str] = frozenset()  # keys of given names (the stoplist's people)
    not_places: set[str] = field(default_factory=set)
    _lower: frozenset[str] | None = None

    def lower_words(self) -> frozenset[str]:
        """Every lower-case word of the report, computed once (linear in the text)."""
        if self._lower is None:
            words = (w.strip(_WORD_MARKS) for w in set(self.text.split()))
            self._lower = frozenset(w for w in words if w.isalpha() and w.islower())
        return self._lower


def not_a_place(
    text: str, s: int, e: int, key: str, is_feature: bool, has, ctx: NameContext, town=None
) -> bool:
    """Whether the name ``text[s:e]`` (key ``key``) names something other than a place.

    Rules in the module docstring; ``has`` tells whether a key is a place name
    (a gazetteer key that is not stoplisted as a person or a word), ``town``
    whether a key names a town of 10,000 people or more. Names found to be
    people or outlets are remembered in ``ctx``, unless they name such a town
    ("Mariupol Now" is a channel; "Mariupol" stays the city); units and quoted
    names are never remembered ("Horlivka Battalion").
    """
    if _is_quoted(text, s, e) and not is_feature:
        return True
    before = _words_before(text, s)
    after_place_word = bool(before) and before[-1].lower() in _PLACE_WORDS

    def is_town() -> bool:
        return town is not None and town(key)

    thing = _named_thing(text, s, e, before, has, ctx, after_place_word, is_town)
    if thing:
        if thing == _PERSON and not is_town():
            ctx.not_places.add(key)
        return True
    if key in ctx.not_places and not (after_place_word and before[-1].lower() not in _WEAK):
        return True  # a person again ("referring to Lenin's", "a letter from Lenin")
    if after_place_word:
        return False
    word = text[s:e]
    return " " not in word and "-" not in word and word.lower() in ctx.lower_words()


_WORD_CHARS = re.compile(r"[^\W_][\w'’-]*")


def _words_before(text: str, s: int) -> list[str]:
    """The last few words before ``s`` on its line, joined to it by single spaces and
    free of punctuation (titles such as "Gov." aside), in text order."""
    if s < 2 or text[s - 1] not in " \t":
        return []
    chunk = text[max(0, s - 80) : s - 1]
    nl = chunk.rfind("\n")
    words = chunk[nl + 1 :].rsplit(" ", _WORDS_BEFORE)[-_WORDS_BEFORE:]
    out: list[str] = []
    for w in reversed(words):
        if not (_WORD_CHARS.fullmatch(w) or w.lower() in _ROLE_ANY_CASE):
            break
        out.append(w)
    out.reverse()
    return out


def _is_quoted(text: str, s: int, e: int) -> bool:
    if s == 0 or text[s - 1] not in _OPEN_QUOTES:
        return False
    close = text[e : e + 2]
    return close[:1] in _CLOSE_QUOTES or (close[:1] in ",." and close[1:] in _CLOSE_QUOTES)


_PERSON, _THING = "person", "thing"


def _named_thing(
    text: str,
    s: int,
    e: int,
    before: list[str],
    has,
    ctx: NameContext,
    after_place_word: bool,
    is_town,
) -> str:
    """Rules 2–6 of the module docstring: ``_PERSON`` for a person or an outlet (which
    the report may name again alone), ``_THING`` for the rest, ``""`` for a place."""
    if _DESIGNATION.match(text, e) or _AFTER.match(text, e):
        return _THING
    role = _role_before(before)
    if role:
        return role
    if before and before[-1][0].isupper():
        given = _key(before[-1]) in ctx.first_names
        if _names_a_person(before[-1], has, given):
            return _PERSON if given else _THING
    sm = _SURNAME.match(text, e)
    if sm is None or has(_key(sm.group(1))):
        return ""
    # "Mayor of Mariupol Andryushchenko", "the Kharkiv Shevchenko plant": a town, then a name
    return "" if after_place_word or is_town() else _PERSON


def _role_before(before: list[str]) -> str:
    """ "Mayor Ihor Terekhov", "outlet Zvezda": a person or an outlet (``_PERSON``);
    "Deputy Kherson Occupation Head": an office named after a town (``_THING``)."""
    for i in range(len(before) - 1, -1, -1):
        w = before[i]
        names = before[i + 1 :]
        if names and not all(n[0].isupper() for n in names):
            return ""
        if w.lower() in _MEDIUM_BEFORE:
            return _PERSON
        if w.lower() in _ROLE_ANY_CASE or w in _ROLE_CAPITALISED:
            return _PERSON if names else _THING
    return ""


def _names_a_person(word: str, has, given: bool = False) -> bool:
    """A capitalised word before a name that makes the name a surname or an outlet's: no
    place name, or a known given name even where a town abroad bears it ("Vladimir")."""
    low = word.lower()
    if low in _MAY_PRECEDE or low.endswith(("ing", "’s", "'s")):
        return False
    if word.isupper() or any(c.isdigit() for c in word):
        return False  # an acronym or a road code: "T1302 Bakhmut-Lysychansk highway"
    return given or not has(_key(word))


def _key(word: str) -> str:
    from geo._text import name_key

    return name_key(word)
