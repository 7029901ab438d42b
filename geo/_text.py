"""Spelling-insensitive name keys and Ukrainian transliteration.

Reports spell the same village many ways (Kupyansk / Kupiansk / Kup'yans'k,
Zaporizhia / Zaporizhzhia). Both the gazetteer builder and the mention
extractor reduce a name to one key with :func:`name_key`, so a lookup never
depends on the transliteration the author chose.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = "'’ʼ`´ʹ‘\""
_DROP = re.compile(r"[\s\-‐‑‒–—_.]+")
# Order matters: digraphs first, then the bare y, then collapse doubles.
_RULES: tuple[tuple[str, str], ...] = (
    ("zhzh", "zh"),
    ("yi", "i"),
    ("ya", "ia"),
    ("yu", "iu"),
    ("ye", "ie"),
    ("yo", "io"),
    ("y", "i"),
    ("ii", "i"),
    ("ii", "i"),
)


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """Reduce a Latin-script place name to its transliteration-insensitive key.

    >>> name_key("Kup'yans'k") == name_key("Kupiansk") == name_key("Kupyansk")
    True
    >>> name_key("Zaporizhzhia") == name_key("Zaporizhia")
    True
    """
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower()
    for a in _APOSTROPHES:
        s = s.replace(a, "")
    s = _DROP.sub("", s)
    for old, new in _RULES:
        s = s.replace(old, new)
    return s


def is_latin(name: str) -> bool:
    """True when every letter is Latin (after removing accents)."""
    s = unicodedata.normalize("NFKD", name)
    return all(
        ("a" <= c.lower() <= "z") or not c.isalpha() for c in s if not unicodedata.combining(c)
    )


def is_cyrillic(name: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in name)


# Ukrainian national transliteration (Cabinet of Ministers resolution 55, 2010).
_UK = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def translit_uk(name: str) -> str:
    """Transliterate Ukrainian Cyrillic to Latin with the 2010 national system."""
    out: list[str] = []
    word_start = True
    for ch in name:
        low = ch.lower()
        if low in _UK:
            lat = _UK_INITIAL.get(low, _UK[low]) if word_start else _UK[low]
            if low == "г" and out and out[-1].lower().endswith("z"):
                lat = "gh"
            out.append(lat.capitalize() if ch.isupper() else lat)
            word_start = False
        else:
            out.append(ch)
            word_start = not ch.isalpha()
    return "".join(out)
