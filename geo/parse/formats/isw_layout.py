"""The layout of an ISW report: where its body starts and ends, and what each line is.

ISW reports reach Frontline in many forms (see :mod:`geo.parse.formats.isw`):
the plain text of 2022, scraper text, pages of two site generations with
their navigation and footer, markdown crawls with front matter. Whatever the
form, the report itself reads the same way, and that is what is recognised
here, never one file's strings:

- **Body start**: the first real paragraph (eight words or more with a
  sentence end) or structural heading (Key Takeaways, an effort heading).
  Before it are the title, the byline, the time stamp, front matter
  (``title:``, ``source:``), site navigation and "Click here" map links.
- **Body end**: the first of the closing sourcing note (``Note: ISW does not
  receive any classified material…``, when endnotes, a footer or nothing
  follow it: a few reports carry it on top), the endnotes (``[1] URL``, also all on
  one line or with roman numerals) and a footer line (``Tags``, ``File
  Attachments``, ``Reading Now``, ``Next up``, a copyright or phone line).
- **Headings**: effort headings in every form (``Russian Subordinate Main
  Effort #2—Luhansk Oblast``, ``Russian Main Effort: Eastern Ukraine``,
  ``Subordinate Main Effort #1 –`` with nothing after the dash, and the long
  table-of-contents items that spell the objective out), objective lines
  (``Russian objective: …``, the group headings of 2025 crawls) and other
  section titles.
- **Special editions**: an announcement such as "ISW is publishing an
  abbreviated campaign update today" (their fronts are not invented: see
  the format's docstring).
- **Theatre**: an ISW page about another theatre (an "Iran Update") is not a
  Russia–Ukraine report.
"""

from __future__ import annotations

import re

from geo.parse.formats.base import Block, strip_footnotes

# --- headings -----------------------------------------------------------------

OBJECTIVE = re.compile(
    r"\s*\((?:russian\s+|ukrainian\s+)?(?:objective|comprised|efforts?\s+to|approximately|note|"
    r"russian\s+objective)\b.*$",
    re.I,
)
# A heading that spells its objective out: "Effort #1 – Push Ukrainian forces back …".
FRONT_HEAD = re.compile(
    r"\b(?:main|supporting|subordinate)\s+(?:main\s+|supporting\s+)?efforts?\b"
    r"|\bcounter-?offensives?\b"
    r"|^(?:eastern|southern|northern|northeastern|northeast|western|central|southwestern)"
    r"\s+ukraine\b"
    r"|\b(?:axis|axes|directions?|front|line|sector)\b"
    r"|^(?:russian|ukrainian)\s+(?:incursion|offensive|operations?)\s+(?:in|into|on)\b",
    re.I,
)
NON_FRONT = re.compile(
    r"mobiliz|force[\s-]generation|occupied|occupation|belarus|takeaways|items\s+to\s+watch|"
    r"mdcoa|indicators|special\s+edition|appendix|war\s+crimes|information\s+space|domestic|"
    r"sanctions|air\s+campaign|missile\s+campaign|strike\s+campaign|diplomatic|satellite|"
    r"click\s+here|^note\b|sourcing|assessment,|key\s+inflections|control-of-terrain|"
    r"image|maxar|source:|technological|drone\s+campaign|air,\s+missile",
    re.I,
)
HEAD_START = re.compile(
    r"^(?:\d{1,2}\)\s*)?(?:russian?\s+|ukrainian\s+)?(?:(?:main|supporting|subordinate)\s+\w*\s*"
    r"efforts?\b|counter-?offensives?\b|(?:eastern|southern|northern|northeastern|northeast|"
    r"western|central)\s+ukraine\b|(?:incursion|offensive)\s+(?:in|into)\b)",
    re.I,
)
OBJECTIVE_LINE = re.compile(r"^(?:russian\s+)?objective\s*:\s*(?P<objective>.+?)\s*\.?$", re.I)
_EFFORT_NO = re.compile(
    r"^(?:russian?\s+)?(?P<kind>(?:main|supporting|subordinate)(?:\s+(?:main|supporting))?\s+"
    r"efforts?)\s*#?\s*(?P<no>\d{1,2}[a-z]?)\b\s*(?:(?:[—–-]+|:)\s*(?P<rest>.*))?$",
    re.I,
)
_HEAD_WORD = re.compile(r"[^\W\d_][\w'’]*")
_MAX_HEADING = 260
_TOC_WORDS = 25


def heading_core(text: str) -> str:
    """The heading without footnote markers and ``(Russian objective: …)`` notes."""
    s = OBJECTIVE.sub("", strip_footnotes(text)).strip(" :;,-–—")
    return re.sub(r"\s+", " ", s)


def is_heading(text: str) -> bool:
    """A standalone heading: short and without a final period, not a bullet; or a line
    in effort vocabulary of any length ("Russian Subordinate Main Effort #1 – Push …"),
    or an objective line."""
    s = strip_footnotes(text)
    if not s or len(s) > _MAX_HEADING:
        return False
    if OBJECTIVE_LINE.match(s):
        return True
    if s.startswith(("- ", "• ", "· ")):
        return False
    if s[-1] in '.!?"”’' or s.endswith(";") or s.endswith("; and"):
        return False
    core = heading_core(s)
    return 0 < len(core.split()) <= 16 or bool(HEAD_START.match(core))


def is_toc_item(text: str) -> bool:
    """An item of the table of contents: a bullet in effort vocabulary ("- Russian Main
    Effort – Eastern Ukraine (…)"), or such a line ending in ";" or "." ("Supporting
    effort 1—Mariupol;") that holds no sentence."""
    s = strip_footnotes(text)
    if not s or len(s) > _MAX_HEADING:
        return False
    bullet = s.startswith(("- ", "• ", "· "))
    body = s[2:].strip() if bullet else s
    if not HEAD_START.match(body):
        return False
    if bullet:
        return s[-1] not in ".!?" or _SENTENCE.search(body[:-1]) is None
    return (
        body.endswith((";", "; and", "."))
        and len(body.split()) <= _TOC_WORDS
        and ": " not in body  # "Main effort—Kyiv axis: Russian operations …" is a paragraph
        and _SENTENCE.search(body[:-1]) is None
    )


def is_front_heading(core: str, in_front: bool) -> bool:
    """Front vocabulary, and it reads as a title, not a sentence ending in a colon."""
    if NON_FRONT.search(core):
        return False
    if in_front and core.startswith("(") and core.endswith(")"):
        return True
    if HEAD_START.search(core):
        return True
    return bool(FRONT_HEAD.search(core)) and title_case(core, 0.5)


def title_case(core: str, share: float = 0.6) -> bool:
    words = [w for w in _HEAD_WORD.findall(core) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= share


def effort_number(core: str) -> tuple[str, str] | None:
    """``("subordinate main effort", "1")`` and what follows the dash, for numbered efforts."""
    m = _EFFORT_NO.match(core)
    if m is None:
        return None
    kind = " ".join(m["kind"].lower().split()).rstrip("s")
    return f"{kind} #{m['no'].lower()}", (m["rest"] or "").strip(" –—-:")


# --- body bounds --------------------------------------------------------------

_SENTENCE = re.compile(r"[.!?](?:[\"”’)\]]|\[\w{1,8}\])*(?:\s|$)")
_CHROME = re.compile(
    r"^(?:click\s*here|for\s+more\s+information\s+on\s+isw|download\s+the\s+pdf|skip\s+to|"
    r"note:\s*the\s+data\s+cut-?off)",
    re.I,
)
_STRUCTURE = re.compile(r"^(?:key\s+takeaways|key\s+inflections)", re.I)
_SOURCING_NOTE = re.compile(r"^note:\s*isw\s+does\s+not\s+receive\b", re.I)
_ENDNOTE = re.compile(r"^\[(?:\d{1,3}|[ivxlc]{1,8})\]\s*(?:\S|$)")
_FIRST_ENDNOTE = re.compile(r"^\[(?:1|i)\]\s*<?(?:https?://|www\.)", re.I)
_FOOTER = re.compile(
    r"^(?:tags|file\s+attachments:?|reading\s+now\b|next\s+up\b|related\s+research\b|"
    r"read\s+more\s+on\b|©|copyright\s+©?\s*\d{4}|ph\s+\(\d{3}\)|assessment\s+as\s+of\b)",
    re.I,
)
_MIN_WORDS = 8


def _opens_body(blk: Block) -> bool:
    t = strip_footnotes(blk.text)
    if _CHROME.match(t):
        return False
    if _STRUCTURE.match(t) or (is_heading(t) and HEAD_START.match(heading_core(t))):
        return True
    return len(t.split()) >= _MIN_WORDS and _SENTENCE.search(t) is not None


def _closes_body(blks: list[Block], i: int) -> bool:
    t = blks[i].text
    if _FOOTER.match(t) or _FIRST_ENDNOTE.match(t):
        return True
    if _SOURCING_NOTE.match(t):
        # the closing note, unless a report carries it on top (some of August 2022 do)
        return i + 1 == len(blks) or _closes_body(blks, i + 1)
    if _ENDNOTE.match(t):
        # a run of "[n] URL" lines: at least two of the next five are endnotes or bare URLs
        rest = blks[i : i + 5]
        found = sum(bool(_ENDNOTE.match(x.text)) or x.text.startswith("http") for x in rest)
        return found >= min(2, len(rest))
    return False


def body_bounds(blks: list[Block]) -> tuple[int, int]:
    """``(start, end)``: the body is ``blks[start:end]`` (rules in the module docstring)."""
    # no line reads like prose (a bare list of places): everything after the title is body
    start = next((i for i, b in enumerate(blks) if i > 0 and _opens_body(b)), min(1, len(blks)))
    end = next((i for i in range(start + 1, len(blks)) if _closes_body(blks, i)), len(blks))
    return start, end


# --- what kind of report -----------------------------------------------------

_ANNOUNCED = re.compile(
    r"\bISW\s+is\s+publishing\s+(?:an?\s+)?(?:abbreviated|special|shortened|truncated|"
    r"modified|short)\b[^.]{0,80}?\b(?:update|edition|report|assessment)\b",
    re.I,
)
_ANNOUNCE_WITHIN = 12  # blocks after the body start


def special_edition(blks: list[Block], start: int, end: int) -> str | None:
    """The sentence that announces a special or abbreviated edition, if the report has one."""
    for blk in blks[start : min(end, start + _ANNOUNCE_WITHIN)]:
        m = _ANNOUNCED.search(blk.text)
        if m is not None:
            return m.group()
    return None


_RUSSIA_UKRAINE = re.compile(
    r"\b(?:russia|russian|ukraine|ukrainian|kremlin|donbas|crimea|kursk)\b|russia-ukraine", re.I
)
# A title names its product in capitals ("Iran Update", "China–Taiwan Weekly Report").
_PRODUCT = re.compile(r"\b(?:Update|Report|Assessment|Brief)\b|\|\s*(?:ISW|Critical Threats)\b")
_TITLE_WORDS = 20
_TEAM = re.compile(r"/research/(?P<team>[\w-]+)/", re.I)


def other_theatre(title: str, url: str | None) -> bool:
    """An ISW product about another theatre ("Iran Update …"): its title or its address
    names a product and not Russia or Ukraine. Unknown titles count as Russia–Ukraine."""
    team = _TEAM.search(url or "")
    if team is not None:
        return "russia" not in team["team"].lower() and "ukraine" not in team["team"].lower()
    if len(title.split()) > _TITLE_WORDS:
        return False  # not a title: a byline or a paragraph came first
    return bool(_PRODUCT.search(title)) and not _RUSSIA_UKRAINE.search(title)
