"""Untrusted text (report text, file names, URL parameters) made safe for Streamlit's Markdown.

Streamlit renders most of its text elements (``st.markdown``, ``st.success``,
``st.warning``, captions, labels) as Markdown with its own extensions: a file
named ``![x](http://host/a.png).txt`` would make every viewer's browser load
an outside image, ``[x](url)`` would become a link, ``:red[...]`` colours and
``$...$`` typesets. :func:`md` backslash-escapes every ASCII punctuation
character, which CommonMark defines as a literal, so the text shows exactly as
written and nothing in it is interpreted.
"""

from __future__ import annotations

import string

_ESCAPE = {ord(c): "\\" + c for c in string.punctuation}
_MAX = 500


def md(text: object, limit: int = _MAX) -> str:
    """``text`` as literal Markdown, on one line, cut to ``limit`` characters."""
    s = " ".join(str(text).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s.translate(_ESCAPE)
