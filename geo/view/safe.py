"""Untrusted text (report text, file names, URL parameters) made safe for Streamlit's Markdown.

Streamlit renders most of its text elements (``st.markdown``, ``st.success``,
``st.warning``, captions, labels) as Markdown with its own extensions: a file
named ``![x](http://host/a.png).txt`` would make every viewer's browser load
an outside image, ``[x](url)`` would become a link, ``:red[...]`` colours and
``$...$`` typesets. :func:`md` backslash-escapes every ASCII punctuation
character, which CommonMark defines as a literal, so the text shows exactly as
written and nothing in it is interpreted. GitHub's autolinks (``http://x``,
``www.x``, ``a@b.c``) are found in the text *after* it is parsed, escapes or
not: an invisible word joiner (U+2060) goes before each, which a link may not
follow, so they stay text (shown the same; a copy holds the joiner).
"""

from __future__ import annotations

import re
import string

_ESCAPE = {ord(c): "\\" + c for c in string.punctuation}
_AUTOLINK = re.compile(r"(?=https?:|www\.|@)", re.IGNORECASE)
WORD_JOINER = "\u2060"
_MAX = 500


def md(text: object, limit: int = _MAX) -> str:
    """``text`` as literal Markdown, on one line, cut to ``limit`` characters."""
    s = " ".join(str(text).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _AUTOLINK.sub(WORD_JOINER, s).translate(_ESCAPE)
