"""What a sentence says about the places it names: status and kind.

Rules, applied to one sentence (case-insensitive, whole words):

Status (how sure the report is):
- **claimed** when the sentence carries any claim/uncertainty word: *claim(s/ed)*,
  *reportedly*, *allegedly*, *unconfirmed*, *unverified*, *not (been) visually
  confirmed*, *lack(s) visual confirmation*, *cannot/could not confirm*, *unable
  to verify*, *purportedly*. This wins over everything else, so a sentence
  that says "claimed … but this is unconfirmed" or "geolocated footage … claimed"
  is claimed (the conservative choice the project asks for).
- **confirmed** when, without claim words, it cites geolocated footage, says
  *confirmed*, or gives ISW's own assessment (*assessed*, *ISW assesses*).
- **reported** otherwise (a source reports it; nobody vouches either way).

Kind (what happened), first rule that matches, in this order:
- **withdrawal**: withdrew, retreated, pulled back
- **advance**: advanced, gains, seized, captured, foothold, took control, liberated
- **positional** (explicit): positional fighting/engagements, fighting continued, clashes
- **attack**: attacks, assaults, offensive operations, attempted to advance, ground attacks
- **strike**: missile, drone, shelled, airstrike, artillery strikes, bombard
- **positional**: fighting, battles, engagements, combat
- **other**: none of these.

Withdrawal comes first because a withdrawal sentence usually also names the
other side's advance ("forces withdrew from X as Russian troops advanced");
advance before attack because "advanced during assaults" reports the outcome.
Phrases like "attempted to advance" or "made no gains" are not advances.
"""

from __future__ import annotations

import re
from functools import lru_cache

from geo.model import Status

_CLAIMED = re.compile(
    r"\b(?:claim(?:s|ed|ing)?|counterclaim\w*|reportedly|allegedly|alleged|purported(?:ly)?|"
    r"unconfirmed|unverified|not\s+(?:yet\s+)?(?:been\s+)?(?:visually\s+)?(?:confirmed|verified)|"
    r"lacks?\s+(?:any\s+)?visual\s+confirmation|no\s+visual\s+confirmation|"
    r"(?:cannot|can\s*not|could\s+not|unable\s+to)\s+(?:independently\s+)?(?:confirm|verify)|"
    r"speculat\w+|rumou?r\w*)\b",
)
_CONFIRMED = re.compile(
    r"\b(?:geolocat\w+|confirm(?:s|ed|ation)?|assess(?:es|ed)?|verified|satellite\s+imagery)\b",
)

_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    (
        "withdrawal",
        re.compile(
            r"\b(?:withdr[ae]w\w*|withdrawal|retreat\w*|pull(?:ed|ing)?\s+back|abandon\w*)\b"
        ),
    ),
    (
        "advance",
        re.compile(
            r"\b(?:advance[ds]?|advancing|gain(?:s|ed)?|seiz(?:e|ed|es|ing|ure)|captur(?:e|ed|es|ing)|"
            r"foothold|took\s+control|take\s+control|taken\s+control|liberat\w+|recaptur\w+|"
            r"retook|retaken|regain\w*|entered)\b",
        ),
    ),
    (
        "positional",
        re.compile(r"\b(?:positional\s+\w+|fighting\s+continued|clash(?:es|ed)?)\b"),
    ),
    (
        "attack",
        re.compile(
            r"\b(?:attack(?:s|ed|ing)?|assault(?:s|ed|ing)?|offensive\s+operations?|offensives?|"
            r"attempt(?:ed|s)?\s+to\s+advance|ground\s+attacks?|counterattack\w*|"
            r"counteroffensive\w*|storm\w*|repel\w*|repuls\w*)\b",
        ),
    ),
    (
        "strike",
        re.compile(
            r"\b(?:missiles?|drones?|shahed\w*|shell(?:ed|ing|s)?|air\s*strikes?|airstrikes?|"
            r"strikes?|struck|artillery|bomb\w*|rockets?|mlrs|himars|glide\s+bombs?)\b",
        ),
    ),
    (
        "positional",
        re.compile(
            r"\b(?:positional\s+(?:fighting|engagements?|battles?)|fighting|clash(?:es|ed)?|"
            r"battles?|engagements?|skirmish\w*|combat)\b",
        ),
    ),
)


@lru_cache(maxsize=8192)
def classify(sentence: str) -> tuple[Status, str]:
    """``(status, kind)`` for one sentence (see the module docstring for the rules)."""
    low = sentence.lower()
    return _status(low), _kind(low)


# The patterns are lowercase and run on the lowercased sentence: twice as fast
# as case-insensitive matching, which the parser pays once per sentence.
def _status(low: str) -> Status:
    if _CLAIMED.search(low):
        return "claimed"
    if _CONFIRMED.search(low):
        return "confirmed"
    return "reported"


# Phrases that name an advance without reporting one ("attempted to advance",
# "made no gains"); removed before the advance rule so they count as attacks.
_NOT_ADVANCE = re.compile(
    r"\b(?:(?:attempt\w*|fail\w*|tried|trying|unsuccessful\w*)\s+to\s+(?:advance|seize|capture)\w*|"
    r"no\s+(?:confirmed\s+|significant\s+|territorial\s+)*(?:advances|gains)|"
    r"without\s+(?:any\s+)?(?:confirmed\s+|significant\s+)*(?:advances|gains)|"
    r"(?:did\s+not|didn't|not)\s+(?:advance|gain|make\s+(?:any\s+)?(?:advances|gains)))\b",
)


def _kind(low: str) -> str:
    for kind, rx in _KINDS:
        if not rx.search(low):
            continue
        # removing phrases never creates an advance word, so clean only on a hit
        if kind == "advance" and not rx.search(_NOT_ADVANCE.sub(" ", low)):
            continue
        return kind
    return "other"
