"""Find gazetteer place names in report text, with character spans.

Why a gazetteer matcher and not NER: the villages that matter on a front
(Novoselivka Persha, Ivano-Darivka, Staromayorske) are exactly the names a
generic model misses or splits. We tokenise, and at every capitalised word try
the longest run of up to ``gaz.max_words`` words whose
:func:`geo._text.name_key` is a gazetteer key, so any transliteration the
author chose (Kupyansk/Kupiansk, Zaporizhia/Zaporizhzhia) reaches the same
places. Words may be joined by one space or a hyphen, so "Ivano-Darivka" and
"Serebryanske forest" are one candidate. What the sentence says about where
each place lies (its oblast, its bearing from another place) is read by
:mod:`geo.parse.locators` into the mention.

Every step reads a bounded neighbourhood of each word, and each sentence is
classified once, so a passage costs time linear in its length (a one-line
list of a hundred thousand names included).

What is *not* a mention (rules, in order; the context rules for people, units,
weapons and outlets are in :mod:`geo.parse.not_places`):

- anything inside a URL, a ``ria dot ru`` style domain, or an area phrase:
  ``X Oblast``, ``X Raion``, ``X Krai``, ``X Republic``, ``X district``,
  ``X-Y Oblast border`` and lists such as ``Kharkiv, Kherson, and Zaporizhia
  oblasts`` or ``eastern Kharkiv and western Luhansk Oblast`` (these name
  regions, not settlements; before a singular ``Oblast`` a list counts only
  with direction words, as "Nikopol and Marhanets, Dnipropetrovsk Oblast" names
  two towns);
- a name followed by ``People's`` (``Donetsk People's Republic``) or by a
  power-plant word (``Zaporizhzhia Nuclear Power Plant`` is in Enerhodar);
- all-caps acronyms, and the words in :data:`STOPLIST` (English words, person
  names and adjectives that happen to be gazetteer spellings; built by running
  the extractor over the 309 ISW reports of 2022 and checking the most frequent
  matches by hand).

Special forms:

- ``Chervonyi (Krasnyi) Lyman``: one mention, keyed by the first name the
  gazetteer knows, the other kept in ``alt_keys``; ``Dovzhansk (formerly
  Sverdlovsk)``: the former name is an ``alt_keys`` entry, not a second place;
- lower-case connectors join the words of one name (``Sacco i Vanzetti``,
  ``… na …``); "and" in the languages names are written in (i, e, y, ta) is
  one word, so the gazetteer's ``Sacco e Vanzetti`` is found;
- ``Kharkiv City`` / ``Donetsk city``: the mention covers "Kharkiv City" but its
  key is that of "Kharkiv" (the city itself);
- ``X River``, ``X Reservoir``, ``X forest``, ``X Microraion``… are feature
  mentions (``is_feature=True``); their key is that of the whole phrase, so
  "Dnipro River" never resolves to the city of Dnipro. A plural tail makes every
  name of its list a feature with the singular key ("the Inhulets and Dnipro
  Rivers" -> Inhulets River, Dnipro River);
- ``Siverskyi Donets`` (any spelling, with or without ``River``) is one feature
  mention with the key of "Siverskyi Donets River", never the town Donets or
  Donetsk; ISW's ``Dnipro direction`` is the river, not the city;
- a stoplisted word that is also a front village (:data:`PLACE_IN_CONTEXT`:
  Shevchenko, Nove, New York) counts after a locative word or inside a list of
  places ("near Udachne, Shevchenko, and Zvirove");
- a run that starts with a prefix word (:data:`NAME_PREFIXES`: Malaya, Velyka,
  Nova…) is one name or none: "Malaya Loknya", missing from the gazetteer, never
  becomes the village "Loknya"; nor does a run of two names in a row ("Zeleny
  Shlyakh", "Cherkasy Tyshky") unless both are towns ("Rubizhne Popasna").
"""

from __future__ import annotations

import re
from bisect import bisect_right

from geo._text import name_key
from geo.model import Mention
from geo.parse.classify import classify
from geo.parse.locators import locate
from geo.parse.not_places import NameContext, not_a_place
from geo.places.gazetteer import Gazetteer

# Letters with internal apostrophes (Kup'yans'k) but not a possessive 's.
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ](?!s\b)[^\W\d_]+)*")
_JOIN_GAPS = frozenset((" ", "-", "‐", "‑"))
# The same start, with its whole first word (one regex call per capital, not two).
_CAP_WORD = re.compile(r"(?<![^\W\d_])(?<!['’ʼ])(?=[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁІЇЄҐ])" + _WORD.pattern)

AREA_WORDS = frozenset(
    [
        "oblast",
        "oblasts",
        "raion",
        "raions",
        "rayon",
        "rayons",
        "krai",
        "krais",
        "kray",
        "republic",
        "republics",
        "district",
        "districts",
        "region",
        "regions",
        "governorate",
        "okrug",
        "hromada",
        "hromadas",
        "province",
        "provinces",
        "municipality",
        "community",
    ]
)
CITY_WORDS = frozenset(("city",))
FEATURE_WORDS = frozenset(
    [
        "river",
        "rivers",
        "reservoir",
        "reservoirs",
        "forest",
        "forests",
        "woods",
        "lake",
        "lakes",
        "microraion",
        "microraions",
        "microdistrict",
        "microdistricts",
        "island",
        "islands",
        "canal",
        "bay",
        "spit",
        "estuary",
        "channel",
        "creek",
        "stream",
    ]
)
# A settlement name in front of these names something elsewhere (the plant,
# the regime), not the settlement.
AFTER_SKIP = frozenset(
    [
        "nuclear",
        "hydroelectric",
        "thermal",
        "npp",
        "hpp",
        "tpp",
        "chp",
        "people's",
        "people’s",
        "peoples",
    ]
)

# Gazetteer spellings that are (almost always) something else in English
# reports: common words, adjectives, person names, month/weekday names,
# organisations. Checked by hand against the most frequent matches over the
# 2022 ISW corpus (see the module docstring). Keys, not spellings.
STOPLIST_WORDS = (
    # people (authors, officials, commanders) whose names are also village spellings
    "Putin",
    "Vladimir",
    "Volodymyr",
    "Serhiy",
    "Serhii",
    "Kagan",
    "Karolina",
    "Peskov",
    "Gerasimov",
    "Budanov",
    "Oleg",
    "Oleh",
    "Lavrov",
    "Orlov",
    "Medvedev",
    "Kim",
    "Nataliya",
    "Natalia",
    "Natalya",
    "Kiselev",
    "Reznikov",
    "Maria",
    "Ivanov",
    "Zhuravlev",
    "Strelkov",
    "Sasha",
    "Mironov",
    "Maksim",
    "Ivashchenko",
    "Nikiforov",
    "Tymoshenko",
    "Sychevoy",
    "Gubarev",
    "Sokolov",
    "Stalin",
    "Konstantinov",
    "Nosov",
    "Likhachev",
    "Prokopenko",
    "Gulevich",
    "Golubev",
    "Usov",
    "Gladkov",
    "Kolesnikov",
    "Simonov",
    "Ilya",
    "Marchenko",
    "Vasilev",
    "Pavlov",
    "Artamonov",
    "Havrylov",
    "Kuznetsova",
    "Vishnevsky",
    "Suvorov",
    "Svyatoslav",
    "Nevsky",
    "Zavadsky",
    "Pankov",
    "Bokov",
    "Bykov",
    "Molotov",
    "Antonov",
    "Gerasimova",
    "Zelensky",
    "Zelenskyy",
    "Shoigu",
    "Prigozhin",
    "Kadyrov",
    "Lukashenko",
    "Surovikin",
    "Girkin",
    "Pushilin",
    "Saldo",
    "Zaluzhnyi",
    "Syrskyi",
    "Kuleba",
    "Shevchenko",
    "Sergei",
    "Sergey",
    "Dmitry",
    "Dmytro",
    "Ihor",
    "Igor",
    "Mykola",
    "Yevgeny",
    "Yevgeniy",
    "Andrei",
    "Andrey",
    "Alexander",
    "Oleksandr",
    "Olga",
    "Olena",
    "Kirill",
    "Ramzan",
    "Denis",
    "Anna",
    "Roman",
    "Yuri",
    "Viktor",
    "Mikhail",
    # calendar
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    # English words, adjectives, units, regions and organisations
    "Russian",
    "Russians",
    "Ukrainian",
    "Ukrainians",
    "Key",
    "Mission",
    "Human",
    "Radio",
    "Port",
    "Police",
    "Policy",
    "Many",
    "Pravda",
    "Marine",
    "German",
    "Roty",
    "War I",
    "War II",
    "Romani",
    "Bay",
    "Dacha",
    "Nova",
    "Nove",
    "Novaya",
    "Novy",
    "Veliky",
    "Bolshoy",
    "Malaya",
    "Verkhny",
    "Nizhny",
    "Moskovsky",
    "Azov",
    "Chechnya",
    "Kuban",
    "Tavriia",
    "Tavria",
    "Karabakh",
    "Moldova",
    "Kyrgyz",
    "Vostok",
    "Sparta",
    "Spartak",
    "Sich",
    "Tor",
    "Avangard",
    "Luch",
    "Bolshevik",
    "Ural",
    "Volga",
    "Kavkaz",
    "Leningrad",
    "New York",
    "Novgorod",
    "Guta",
    "Svoboda",
    "Mir",
    "Victory",
    "Peace",
    "Maia",
    "Lvova",
    "Belousov",
    "Maidan",
    "Berlin",
    "Bortnikov",
    "Kondratiev",
)
STOPLIST: frozenset[str] = frozenset(name_key(w) for w in STOPLIST_WORDS)
# Stoplisted words that are also villages on the front ("near Udachne, Shevchenko,
# and Kotlyne"): they count where a place is expected, never elsewhere.
_IN_CONTEXT_WORDS = ("Shevchenko", "Nove", "New York")
PLACE_IN_CONTEXT: frozenset[str] = frozenset(name_key(w) for w in _IN_CONTEXT_WORDS)
_CONTEXT_FIRST_WORDS = frozenset(w.split()[0].lower() for w in _IN_CONTEXT_WORDS)
# First words of compound names ("Malaya Loknya", "Velyka Novosilka"): a run
# that starts with one is one name or none, never its second word alone.
NAME_PREFIXES: frozenset[str] = frozenset(
    name_key(w)
    for w in (
        "Mala", "Malaya", "Malyi", "Maly", "Velyka", "Velykyi", "Veliky", "Velikaya",
        "Bolshaya", "Bolshoy", "Bolshoi", "Nova", "Novyi", "Novy", "Novaya", "Nove",
        "Stara", "Staryi", "Staraya", "Verkhnia", "Verkhnii", "Verkhny", "Verkhnyaya",
        "Nyzhnia", "Nyzhnii", "Nizhny", "Nizhnyaya", "Krasnaya", "Krasnyi", "Krasny",
    )
)  # fmt: skip
_DNIPRO, _DNIPRO_RIVER = name_key("Dnipro"), name_key("Dnipro River")
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:near|in|at|toward|towards|into|around|outside|within|from|of|and|or)"
    r"(?:\s+the\s+(?:village|settlement|town)\s+of)?\s+|,\s+)$"
)

_NAME = r"[A-Z][\w'’]*(?:\s[A-Z][\w'’]*)?"
_URLS = re.compile(r"(?:https?://|www\.)\S+")
# Area words are rare, so find them first and look back for the names they qualify
# (a regex anchored at every capital letter would cost more than the whole matcher).
_AREA_WORD = re.compile(
    r"(?<![\w])(?:(?P<pl>[Oo]blasts|[Rr]a[iy]ons|[Kk]rais|[Dd]istricts|[Rr]egions|[Hh]romadas|"
    r"[Rr]epublics)|(?P<sg>[Oo]blast|[Rr]a[iy]on|[Kk]ra[iy]|[Rr]epublic|[Dd]istrict|[Rr]egion|"
    r"[Gg]overnorate|[Oo]krug|[Hh]romada))(?!\w)"
)
# "eastern Kharkiv and western Luhansk Oblast(s)": a direction word may qualify each name;
# after a singular area word a list counts only with them ("Nikopol and Marhanets,
# Dnipropetrovsk Oblast" names two towns).
_DIR = r"(?i:(?:north|south)(?:east|west)?(?:ern)?|east(?:ern)?|west(?:ern)?|central)"
_EL = rf"(?:{_DIR}\s+)?{_NAME}"
_BEFORE_SG = re.compile(
    rf"{_EL}(?:(?:(?:,\s*(?:and\s+)?|\s+(?:and|or)\s+){_DIR}\s+|[-–/]){_NAME})*\s+$"
)
_BEFORE_PL = re.compile(rf"{_EL}(?:(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|[-–/]){_EL})*\s+$")


# The Siverskyi Donets in its spellings; the gazetteer lacks it (and "Donets" or
# "Donetsk" alone would be a town).
_SIVERSKYI = re.compile(
    r"(?<![\w-])(?:Si|Sie|Se|Sje)vers(?:['’]?k)(?:yi|yy|iy|ii|ij|y|i|oy|oi|ky)?\s+Donetsk?(?![\w'’])"
    r"(?:\s+[Rr]iver(?![\w'’]))?"
)
SIVERSKYI_DONETS_KEY = name_key("Siverskyi Donets River")
_SINGULAR = {w: w[:-1] for w in FEATURE_WORDS if w.endswith("s") and w[:-1] in FEATURE_WORDS}
# "the Dnipro and Inhulets rivers": every name of the list is a feature.
_FEATURE_PL = re.compile(
    r"(?<![\w-])(?:[Rr]ivers|[Rr]eservoirs|[Ll]akes|[Ii]slands|[Ff]orests)(?![\w'’])"
)


def _siverskyi_spans(text: str, lo: int, hi: int) -> dict[int, int]:
    if text.find("Donets", lo, hi) < 0:
        return {}
    return {m.start(): m.end() for m in _SIVERSKYI.finditer(text, lo, hi)}


def _feature_lists(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(start, end, singular feature word) of "X, Y and Z rivers" lists, the last name excluded."""
    out = []
    for m in _FEATURE_PL.finditer(text, lo, hi):
        b = _BEFORE_PL.search(text, max(lo, m.start() - _LIST_REACH + 10), m.start())
        if b:
            out.append((b.start(), m.start(), m.group().lower()[:-1]))
    return out


def _excluded_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """URLs and area phrases ("Kharkiv Oblast", "Kherson and Zaporizhia oblasts")."""
    out = (
        [(m.start(), m.end()) for m in _URLS.finditer(text, lo, hi)]
        if "/" in text[lo:hi] or " dot " in text[lo:hi]
        else []
    )
    for m in _AREA_WORD.finditer(text, lo, hi):
        w0 = max(lo, m.start() - 160)
        rx = _BEFORE_PL if m.group("pl") else _BEFORE_SG
        b = rx.search(text, w0, m.start())
        if b:
            out.append((b.start(), m.end()))
    return out


_SENT_END = re.compile(
    r"(?<=[.!?])[\"”’)\]]*(?:\[(?:\d{1,3}|[ivxlc]{1,8})\])*\s+(?=[\"“(\[]?[A-Z0-9])"
)


def sentences(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[lo:hi]`` (a simple splitter; abbreviations may split)."""
    out, s = [], lo
    for m in _SENT_END.finditer(text, lo, hi):
        out.append((s, m.start()))
        s = m.end()
    if s < hi:
        out.append((s, hi))
    return out


def by_sentence(
    ms: list[Mention], sents: list[tuple[int, int]]
) -> list[tuple[tuple[int, int], list[Mention]]]:
    """Each sentence with the mentions that start in it, in one pass over both (both sorted)."""
    out: list[tuple[tuple[int, int], list[Mention]]] = []
    k = 0
    for s0, s1 in sents:
        while k < len(ms) and ms[k].start < s0:
            k += 1
        j = k
        while j < len(ms) and ms[j].start < s1:
            j += 1
        out.append(((s0, s1), ms[k:j]))
        k = j
    return out


def _snippet(text: str, s0: int, s1: int, m0: int, m1: int, width: int = 200) -> str:
    """The sentence, trimmed to about ``width`` characters around the mention."""
    if s1 - s0 <= width:
        return text[s0:s1].strip()
    lo = max(s0, min(m0 - width // 2, s1 - width))
    hi = min(s1, lo + width)
    return ("…" if lo > s0 else "") + text[lo:hi].strip() + ("…" if hi < s1 else "")


def find_mentions(
    text: str,
    gaz: Gazetteer,
    lo: int = 0,
    hi: int | None = None,
    paragraph: int = 0,
    skip: list[tuple[int, int]] | None = None,
    context: NameContext | None = None,
) -> list[Mention]:
    """Mentions of gazetteer names in ``text[lo:hi]``; spans index into ``text``.

    ``skip`` lists extra spans (e.g. footnote markers) that must not be read.
    ``context`` carries what the not-a-place rules learnt in earlier passages
    of the same report (:class:`geo.parse.not_places.NameContext`); without it
    the passage is read on its own.
    """
    hi = len(text) if hi is None else hi
    if hi <= lo:
        return []
    scan = _Scan(text, gaz, lo, hi, skip, context or name_context(text[lo:hi]))
    out: list[Mention] = []
    for first in _CAP_WORD.finditer(text, lo, hi):
        m = scan.mention_at(first, out)
        if m is not None:
            out.append(m)
    _describe(text, out, lo, hi, paragraph)
    locate(text, out, gaz)
    return out


def name_context(text: str) -> NameContext:
    """A :class:`NameContext` for one report (the stoplist's people are its first names)."""
    return NameContext(text, first_names=STOPLIST)


def _describe(text: str, ms: list[Mention], lo: int, hi: int, paragraph: int) -> None:
    """Status, kind and snippet from each mention's sentence (each sentence classified once)."""
    if not ms:
        return
    sents = sentences(text, lo, hi) or [(lo, hi)]
    for (s0, s1), sm in by_sentence(ms, sents):
        if not sm:
            continue
        status, kind = classify(text[s0:s1])
        for m in sm:
            m.status, m.kind, m.paragraph = status, kind, paragraph
            m.snippet = _snippet(text, s0, s1, m.start, m.end)


# Found = (length of the name in the run, its key, _all_features of it, other keys).
_Found = tuple[int, str, "bool | None", tuple[str, ...]]
# Lower-case words that join the words of one name ("Sakko i Vanzetti",
# "Rostov na Donu"); "and" in any of the languages names are written in is one word.
CONNECTORS = frozenset(("i", "y", "e", "ta", "na", "nad", "pid", "pry", "u", "v", "on"))
_AND_WORDS = ("i", "e", "y", "ta")
# "Chervonyi (Krasnyi) Lyman": a name with its other first word in brackets.
_PAREN_ALT = re.compile(r" \(([A-Z][\w'’-]*)\) ([A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*)?)")
# "Dovzhansk (formerly Sverdlovsk)": another name of the same place, not a second place.
_FORMERLY = re.compile(
    r"\s*\((?:formerly|former|previously|renamed\s+from|also\s+known\s+as|also\s+called|now)"
    r"\s+([A-Z][\w'’]*(?:[ -][A-Z][\w'’]*)?)"
)


class _Scan:
    """One pass of :func:`find_mentions` over a passage: tokens -> names -> mentions."""

    def __init__(self, text: str, gaz: Gazetteer, lo: int, hi: int, skip, ctx: NameContext) -> None:
        self.text, self.gaz, self.lo, self.hi, self.ctx = text, gaz, lo, hi, ctx
        self.excluded = _Spans(_excluded_spans(text, lo, hi) + list(skip or ()))
        index = gaz.index if hasattr(gaz, "index") else None
        self.has = index.__contains__ if index is not None else gaz.has_key
        self.maxw = max(1, int(getattr(gaz, "max_words", 4)))
        self.runs = _run_cache(gaz)
        self.rivers = _siverskyi_spans(text, lo, hi)
        self.lists = _FeatureLists(_feature_lists(text, lo, hi))
        self.free = lo  # first position not yet covered by a mention
        self.suppressed: set[int] = set()  # starts of names that are another's old name

    def place_key(self, key: str) -> bool:
        return key not in STOPLIST and self.has(key)

    def is_town(self, key: str) -> bool:
        return _is_town(self.gaz, key)

    def mention_at(self, first: re.Match, out: list[Mention]) -> Mention | None:
        """The mention starting at the capitalised word ``first``, if it starts one."""
        s, e = first.start(), first.end()
        text = self.text
        if s < self.free or s in self.suppressed:
            return None
        if (e - s > 1 and text[s:e].isupper()) or s in self.excluded:
            return None
        if s in self.rivers:
            # "Siverskyi Donets (River)": the river, never the town Donets or Donetsk
            return self._make(s, self.rivers[s], SIVERSKYI_DONETS_KEY, True, ())
        found, run_end = self._name(s, e, out)
        if found is None:
            return None
        rel, key, is_feature, alts = found
        return self._finish(s, s + rel, run_end, key, is_feature, alts)

    def _tokens(self, s: int, e: int) -> list[tuple[int, int]]:
        """The run of joinable words from ``s``: one space or a hyphen between them; later
        words capitalised ("Chasiv Yar"), hyphen-joined ("Rostov-na-Donu"), a feature word
        ("Serebryanske forest") or a lower-case connector before a capitalised word."""
        text, hi = self.text, self.hi
        toks = [(s, e)]
        while len(toks) < self.maxw and e < hi - 1 and text[e] in _JOIN_GAPS:
            m2 = _WORD.match(text, e + 1, hi)
            if m2 is None:
                break
            w = m2.group()
            joins = w[0].isupper() or text[e] != " " or w.lower() in FEATURE_WORDS
            if not joins and not (w in CONNECTORS and _capital_follows(text, m2.end(), hi)):
                break
            e = m2.end()
            toks.append((m2.start(), e))
        return toks

    def _name(self, s: int, e: int, out: list[Mention]) -> tuple[_Found | None, int]:
        """The longest name starting at ``s`` and where its run of words ends."""
        text = self.text
        paren = _PAREN_ALT.match(text, e) if e < self.hi and text[e] == " " else None
        if paren is not None:
            found = self._bracketed(s, e, paren)
            if found is not None:
                return found, s + found[0]
        toks = self._tokens(s, e)
        run_end = toks[-1][1]
        run = text[s:run_end]
        if run in self.runs:
            found = self.runs[run]
        else:
            found = self.runs[run] = _longest_name(text, s, toks, self.place_key, self.gaz)
        if found is None:
            found = _name_in_place_context(text, s, toks, self.has, self.gaz, out, self.lo)
        if found is None and len(toks) > 1 and name_key(text[s : toks[0][1]]) in NAME_PREFIXES:
            # "Malaya Loknya" is not in the gazetteer; "Loknya" alone is
            # another village across the border
            self.free = run_end
        return found, run_end

    def _bracketed(self, s: int, e: int, paren: re.Match) -> _Found | None:
        """ "Chervonyi (Krasnyi) Lyman": one place under two names, keyed by the first."""
        tail = paren.group(2)
        k1 = name_key(f"{self.text[s:e]} {tail}")
        k2 = name_key(f"{paren.group(1)} {tail}")
        for key, other in ((k1, k2), (k2, k1)):
            if self.place_key(key):
                return paren.end() - s, key, _all_features(self.gaz, key), (other,)
        return None

    def _finish(
        self, s: int, end: int, run_end: int, key: str, is_feature, alts: tuple[str, ...]
    ) -> Mention | None:
        """Apply the rules that look past the name (module docstring) and build the mention."""
        text, hi = self.text, self.hi
        nxt = _WORD.match(text, end + 1, hi) if end < hi - 1 and text[end] == " " else None
        nxt_word = nxt.group().lower() if nxt else ""
        if nxt_word in AFTER_SKIP or nxt_word in AREA_WORDS or (end - 1) in self.excluded:
            self.free = end
            return None
        if end < run_end and text[end] == " " and _unknown_compound(nxt, key, self.has, self.gaz):
            self.free = run_end
            return None
        if nxt_word == "direction" and key == _DNIPRO:
            # ISW's "Dnipro direction" is the river front below Zaporizhzhia, not the city
            key, is_feature = _DNIPRO_RIVER, True
        elif nxt is not None and nxt_word in CITY_WORDS:
            end = nxt.end()
        elif nxt is not None and nxt_word in FEATURE_WORDS:
            # "the Inhulets and Dnipro Rivers": the key is that of "Dnipro River"
            key = name_key(f"{text[s:end]} {_SINGULAR.get(nxt_word, nxt_word)}")
            end, is_feature = nxt.end(), True
        elif feat := self.lists.word_at(s):
            key, is_feature = name_key(f"{text[s:end]} {feat}"), True
        elif is_feature is None:  # only admin areas under this name: not a mention
            self.free = end
            return None
        self.free = end
        town = self.is_town
        if not_a_place(text, s, end, key, bool(is_feature), self.place_key, self.ctx, town):
            return None
        old = _FORMERLY.match(text, end, hi)
        if old is not None:
            alts = (*alts, name_key(old.group(1)))
            self.suppressed.add(old.start(1))
        return self._make(s, end, key, is_feature, alts)

    def _make(self, s: int, end: int, key: str, is_feature, alts: tuple[str, ...]) -> Mention:
        self.free = end
        return Mention(
            text=self.text[s:end], start=s, end=end, key=key, is_feature=bool(is_feature),
            alt_keys=alts,
        )  # fmt: skip


def _capital_follows(text: str, pos: int, hi: int) -> bool:
    return pos < hi - 1 and text[pos] == " " and text[pos + 1].isupper()


_LIST_REACH = 170  # a feature list starts at most this far before its plural word


class _FeatureLists:
    """The "X, Y and Z rivers" lists of a passage, asked in text order (a moving pointer)."""

    __slots__ = ("i", "lists")

    def __init__(self, lists: list[tuple[int, int, str]]) -> None:
        self.lists, self.i = lists, 0

    def word_at(self, pos: int) -> str:
        lists = self.lists
        while self.i < len(lists) and lists[self.i][1] <= pos:
            self.i += 1
        for k in range(self.i, len(lists)):  # no slice: that would copy the rest each time
            a, b, w = lists[k]
            if b > pos + _LIST_REACH:
                break  # a list ending this far on starts after pos
            if a <= pos < b:
                return w
        return ""


_RUNS_MAX = 200_000


def _run_cache(gaz: Gazetteer) -> dict[str, _Found | None]:
    """A run of words as written -> (length of its longest name, its key,
    :func:`_all_features`, ()) or None; bounded, since report text is unbounded."""
    runs = gaz.memo("mentions.runs")
    if len(runs) > _RUNS_MAX:
        runs.clear()
    return runs


def _longest_name(text: str, s: int, toks: list[tuple[int, int]], place_key, gaz) -> _Found | None:
    """(length, key, :func:`_all_features` of it, ()) of the run's longest name, if any.

    A name with a connector is also tried with the connector's other
    spellings ("Sacco i Vanzetti" is the gazetteer's "Sacco e Vanzetti").
    """
    for j in range(len(toks) - 1, -1, -1):
        end = toks[j][1]
        if text[toks[j][0] : end] in CONNECTORS:
            continue  # a name never ends on "i" or "na"
        for key in _spellings(text, s, toks[: j + 1]):
            if place_key(key):
                return end - s, key, _all_features(gaz, key), ()
    return None


def _spellings(text: str, s: int, toks: list[tuple[int, int]]) -> list[str]:
    """The run's key, and the keys with each "and" connector spelt the other ways."""
    words = [text[a:b] for a, b in toks]
    base = name_key(text[s : toks[-1][1]])
    ands = [i for i, w in enumerate(words) if i and w in _AND_WORDS]
    if not ands:
        return [base]
    out = [base]
    for alt in _AND_WORDS:
        variant = [alt if i in ands else w for i, w in enumerate(words)]
        key = name_key(" ".join(variant))
        if key not in out:
            out.append(key)
    return out


def _unknown_compound(nxt: re.Match | None, key: str, has, gaz: Gazetteer) -> bool:
    """A name followed by another place name ("Zeleny Shlyakh", "Cherkasy Tyshky"):
    one name the gazetteer lacks, not two places. Two towns in a row are two
    places with a comma missing ("Rubizhne Popasna")."""
    if nxt is None or not nxt.group()[0].isupper():
        return False
    w = nxt.group().lower()
    if w in CITY_WORDS or w in FEATURE_WORDS or w in AREA_WORDS or w in AFTER_SKIP:
        return False
    key2 = name_key(nxt.group())
    if key2 in STOPLIST or not has(key2):
        return False
    return not (_is_town(gaz, key) and _is_town(gaz, key2))


def _is_town(gaz: Gazetteer, key: str) -> bool:
    """A Ukrainian town of 10,000 people goes by this name (foreign cities, in the
    gazetteer for strikes and border areas, would turn first names into towns:
    "Marina" is a Moscow district)."""
    towns = gaz.memo("mentions.town")
    if key not in towns:
        towns[key] = any(
            p.population >= 10_000 and p.country == "UA" for p in gaz.candidates(key)
        )
    found: bool = towns[key]
    return found


def _name_in_place_context(
    text: str, s: int, toks: list[tuple[int, int]], has, gaz, out: list[Mention], lo: int
) -> _Found | None:
    """A :data:`PLACE_IN_CONTEXT` name where a place is expected: after "near",
    "in", "toward"…, or after a comma or "and" that follows another mention."""
    if text[s : toks[0][1]].lower() not in _CONTEXT_FIRST_WORDS:
        return None  # the common case, decided without a regex
    before = text[max(lo, s - 40) : s]
    m = _PLACE_BEFORE.search(before)
    if m is None:
        return None
    sep = m.group()
    if (sep.startswith(",") or sep.lstrip().startswith(("and", "or"))) and not (
        out and out[-1].end >= s - len(sep) - 5
    ):
        return None  # a list, but not a list of places
    for j in range(len(toks) - 1, -1, -1):
        key = name_key(text[s : toks[j][1]])
        if key in PLACE_IN_CONTEXT and has(key):
            return toks[j][1] - s, key, _all_features(gaz, key), ()
    return None


class _Spans:
    """Sorted, merged spans with a bisect lookup (a report can have hundreds of URLs)."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def __contains__(self, pos: int) -> bool:
        k = bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.ends[k]


def _all_features(gaz: Gazetteer, key: str) -> bool | None:
    """True if every candidate is a feature, False if any is a settlement, None if only areas."""
    cands = gaz.candidates(key)
    if not cands:
        return False
    precisions = {p.precision for p in cands}
    if "settlement" in precisions:
        return False
    if "feature" in precisions:
        return True
    return None
