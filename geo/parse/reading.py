"""Read a report file into clean text, safely.

Reports arrive as plain text, Markdown or HTML, in whatever encoding the
author's tool produced. Everything downstream (format detection, character
spans of mentions) works on the *clean text* returned here, so this module is
the one place that decides what a report's text is:

- refuse files over :data:`geo.settings.max_report_bytes` before reading them;
- refuse empty and binary files;
- decode: UTF-8 (with or without BOM), UTF-16 with a BOM, and cp1251 only when
  the result is clearly Cyrillic text (a cp1251 decode never fails, so without
  that check any binary garbage would "succeed");
- HTML -> text with block structure kept (one block per line, ``li`` -> ``- ``,
  ``script``/``style`` dropped), Markdown -> text (headings on their own line,
  emphasis, links and list markers stripped);
- normalise whitespace (NBSP, tabs, runs of blank lines).

Every failure is a :class:`geo.errors.ReportError` naming the file.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

from geo.errors import ReportError
from geo.settings import settings

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown")


def read_report(path: str | Path) -> str:
    """Return the clean text of the report at ``path`` (see module docstring).

    Only regular files are read: a FIFO, socket or device would block the
    reader forever (a FIFO waits for a writer) or never end, so it is refused
    before a single byte is read. The file is opened non-blocking and checked
    on the open descriptor, so swapping the path for a FIFO after a check
    cannot slip through.
    """
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | _O_NONBLOCK)
    except FileNotFoundError:
        raise ReportError(str(p), "file not found") from None
    except IsADirectoryError:
        raise ReportError(str(p), "is a folder, not a report file") from None
    except OSError as exc:
        raise ReportError(str(p), f"cannot read file ({exc.strerror or exc})") from None
    try:
        data = _read_regular(fd, str(p))
    finally:
        os.close(fd)
    return bytes_to_text(data, str(p), kind=_kind_from_suffix(p))


_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # absent on Windows, which has no FIFOs


def _read_regular(fd: int, path: str) -> bytes:
    """The bytes of an open regular file, refusing anything else and anything too large."""
    try:
        st = os.fstat(fd)
    except OSError as exc:
        raise ReportError(path, f"cannot read file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ReportError(path, "is a folder, not a report file")
    if not stat.S_ISREG(st.st_mode):
        raise ReportError(
            path, "is not a regular file (a pipe, socket or device); save the report to a file"
        )
    limit = settings.max_report_bytes
    if st.st_size > limit:
        raise ReportError(
            path, f"file is {st.st_size:,} bytes; the limit for a report is {limit:,} bytes"
        )
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ReportError(path, f"cannot read file ({exc.strerror or exc})") from None
    if size > limit:  # grew while we looked
        raise ReportError(path, f"file is larger than the limit of {limit:,} bytes")
    return b"".join(chunks)


def bytes_to_text(data: bytes, path: str | None = None, kind: str = "auto") -> str:
    """Decode and clean raw report bytes (``kind``: auto, text, html or markdown)."""
    if not data.strip():
        raise ReportError(path, "empty file")
    text = decode(data, path)
    return clean_text(text, path, kind)


def clean_text(text: str, path: str | None = None, kind: str = "auto") -> str:
    """Strip markup (when ``kind`` says so or the text looks like HTML) and normalise whitespace."""
    if kind == "auto":
        kind = sniff_markup(text)
    if kind == "html":
        text = _page_or_html(text, path)
    elif kind == "markdown":
        text = markdown_to_text(text)
    else:
        text = unjoin_paragraphs(text)
    text = normalise_whitespace(text)
    if not text.strip():
        raise ReportError(path, "no text in the file (empty after removing markup)")
    return text


def _page_or_html(html: str, path: str | None) -> str:
    """A saved ISW page is cut to its report body, so site navigation, sidebars and footers
    never become report text; other HTML is read whole."""
    from geo.parse.pages import extract_page  # it reads HTML with this module's helpers

    try:
        page = extract_page(html)
    except ReportError as exc:
        raise ReportError(path, exc.problem) from None
    return page.report_text() if page is not None else html_to_text(html)


# --- decoding ---------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in text (tab, LF, CR, FF are fine).
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes, path: str | None = None) -> str:
    """Decode report bytes, refusing binary data and encodings we cannot be sure of."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise ReportError(
                    path,
                    f"starts with a {enc.upper()} byte-order mark but is not valid {enc}"
                    f" (byte {exc.start:,})",
                ) from None
            _refuse_binary_text(text, path)
            return text
    head = data[:65536]
    if b"\x00" in head or _control_ratio(head) > 0.05:
        raise ReportError(path, "binary file, not a text report")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        maybe = _cp1251_if_clear(data)
        if maybe is None:
            raise ReportError(
                path,
                f"not valid UTF-8 (bad byte 0x{data[exc.start]:02x} at offset {exc.start:,}); "
                "save the report as UTF-8",
            ) from None
        text = maybe
    _refuse_binary_text(text, path)
    return text


def _control_ratio(head: bytes) -> float:
    if not head:
        return 0.0
    return sum(head.count(bytes([c])) for c in _CONTROL) / len(head)


def _refuse_binary_text(text: str, path: str | None) -> None:
    sample = text[:65536]
    if sample and len(_CONTROL_RE.findall(sample)) / len(sample) > 0.01:
        raise ReportError(path, "binary file, not a text report")


def _cp1251_if_clear(data: bytes) -> str | None:
    """Decode as cp1251 only when nearly every non-ASCII character is Cyrillic.

    cp1251 maps almost every byte, so "it decoded" proves nothing; a Russian or
    Ukrainian text in cp1251 is mostly Cyrillic letters and common punctuation.
    """
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return None
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return None
    cyr = sum(1 for c in non_ascii if "\u0400" <= c <= "\u04ff")
    letters_ok = cyr / len(non_ascii) >= 0.9 and cyr >= 3
    # Real words, not scattered bytes: most Cyrillic letters sit next to another.
    runs = re.findall("[\u0400-\u04ff]{3,}", text)
    words_ok = len(runs) >= 2 and sum(map(len, runs)) >= 0.8 * cyr
    return text if letters_ok and words_ok else None


# --- markup -----------------------------------------------------------------

_HTML_SNIFF = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|p|div|br|h[1-6]|li|ul|table)\b", re.I
)
_MD_SNIFF = re.compile(r"^(?:#{1,6}\s+\S|\*\*[^*\n]+\*\*|\[[^\]\n]+\]\([^)\s]+\))", re.M)


def _kind_from_suffix(p: Path) -> str:
    s = p.suffix.lower()
    if s in HTML_SUFFIXES:
        return "html"
    if s in MARKDOWN_SUFFIXES:
        return "markdown"
    return "auto"


def sniff_markup(text: str) -> str:
    """Guess ``html`` / ``markdown`` / ``text`` from the content (for unknown suffixes)."""
    head = text[:20000]
    if len(_HTML_SNIFF.findall(head)) >= 2:
        return "html"
    if len(_MD_SNIFF.findall(head)) >= 2:
        return "markdown"
    return "text"


_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "title",
        "caption",
    ]
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "svg", "head"))


class _HTMLText(HTMLParser):
    """Collect text, turning block elements into line breaks (why: headings stay lines)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if tag == "title":
            self.in_title = True
        if tag in _BLOCK_TAGS:
            self.out.append("\n\n")
            if tag == "li":
                self.out.append("- ")
        elif tag in ("td", "th"):
            self.out.append(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in ("br", "hr"):
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "title":
            self.in_title = False
        if tag in _BLOCK_TAGS:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
            return
        if not self.skip:
            self.out.append(data.replace("\n", " "))


def html_to_text(html: str) -> str:
    """HTML -> text with one block per paragraph; the ``<title>`` becomes the first line.

    ``head`` is skipped as a whole except its title, which is the report's
    title on most sites.
    """
    parser = _HTMLText()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # very broken markup; keep what we have
        pass
    body = "".join(parser.out)
    title = " ".join("".join(parser.title).split())
    if title and not body.lstrip().startswith(title):
        body = title + "\n\n" + body
    return body


# Every pattern below runs in time linear in its input: no repeated group can
# rescan what a failed attempt already read (link text stops at the next
# bracket, emphasis at the next marker, everything at the end of the line).
_URL_PART = r"(?:[^()\n\\]|\\.)*"  # a link target: no parentheses, escapes allowed
_MD_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^```.*$", re.M), ""),
    # footnote links of crawled pages, "[[xii]](https://…#_edn12)" -> "[xii]"
    (re.compile(rf"\[\[([^\[\]\n]{{1,16}})\]\]\({_URL_PART}\)"), r"[\1]"),
    (re.compile(rf"!\[([^\[\]\n]*)\]\({_URL_PART}\)"), r"\1"),  # images -> alt text
    # links -> text (one level of parentheses inside the target, as Wikipedia URLs have)
    (
        re.compile(rf"\[([^\[\]\n]*)\]\({_URL_PART}(?:\({_URL_PART}\){_URL_PART})*\)"),
        r"\1",
    ),
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),  # quotes
    (re.compile(r"^[ \t]*(?:[*+]|\d{1,9}[.)])[ \t]+", re.M), "- "),  # list markers -> "- "
    (re.compile(r"^[ \t]*-[ \t]+", re.M), "- "),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])"), r"\1"),  # italic
    (re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`\n]*)`"), r"\1"),
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.M), ""),  # rules
    (re.compile(r"\*{2,}"), ""),  # emphasis markers left unpaired ("****Heading****.")
    (re.compile(r"(?<!\w)_+|_+(?!\w)"), ""),  # and underscores outside words ("_(_ ")
)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+(.*)|[ \t]*)$", re.M)


def _heading_line(m: re.Match) -> str:
    # the closing hashes are stripped in Python: a regex for them backtracks on space runs
    return "\n" + (m.group(1) or "").rstrip().rstrip("#").rstrip() + "\n"


def markdown_to_text(md: str) -> str:
    """Markdown -> text: headings as their own lines, emphasis/links/list markers stripped.

    List items keep a plain ``- `` so formats that read bullets still see them.
    Footnote links (``[[12]](url)``) keep their ``[12]`` marker, so sentence
    ends and footnotes read as in the plain-text reports.
    """
    md = _MD_HEADING.sub(_heading_line, md)
    for rx, repl in _MD_RULES:
        md = rx.sub(repl, md)
    return md


# --- paragraphs joined by commas ----------------------------------------------
# A scraper that stored a report as a JSON list of paragraphs and joined them
# with "," leaves one huge line: "…end of a paragraph.,Next paragraph…". Prose
# never puts a comma straight after a sentence end, so a long line with several
# such joints is split back into paragraphs.
_STRONG_JOINT = re.compile(r"(?<=[a-z\d)\]”\"’][.!?])[ \u00a0]*,(?=[^\s\d])|,[ \t\u00a0]*,")
_COMMA_RUN = re.compile(r"[ \t\u00a0]*,(?:[ \t\u00a0]*,)*[ \t\u00a0]*")
_JOINED_LINE = 1000  # characters: shorter lines are ordinary paragraphs
_JOINTS_NEEDED = 3
_SENTENCE_END = ".!?"
_CLOSERS = '”"’'


def _is_joint(text: str, m: re.Match) -> bool:
    """Whether the comma run ``m`` joins two paragraphs (see :func:`unjoin_paragraphs`)."""
    run = m.group()
    nxt = text[m.end() : m.end() + 1]
    prev = text[m.start() - 1 : m.start()]
    if not nxt:
        return True  # trailing commas close the list
    if run.count(",") > 1 or "\u00a0" in run:
        return run.count(",") > 1 or nxt.isupper() or nxt in '“"'
    if run[-1] == ",":  # no space after the comma: "word,Word"
        return not (nxt.isdigit() or nxt in _CLOSERS or prev.isdigit())
    before = text[m.start() - 2 : m.start() - 1]
    return prev in _SENTENCE_END and (before.islower() or before.isdigit()) and nxt.isupper()


def unjoin_paragraphs(text: str) -> str:
    """Split lines that are comma-joined paragraph lists back into paragraphs.

    Only lines longer than :data:`_JOINED_LINE` characters with at least
    :data:`_JOINTS_NEEDED` sentence-end commas (``…area.,Russian…``) or
    comma runs (``, ,,``) are touched; there a run of commas is a paragraph
    break when it holds two commas or a no-break space, when no space follows
    a single comma (``Kagan,February``, but not ``11,300``), or when it follows
    a sentence end and precedes a capital (``Stupochky., Russian``).
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if len(line) < _JOINED_LINE or len(_STRONG_JOINT.findall(line)) < _JOINTS_NEEDED:
            continue

        def split(m: re.Match, line: str = line) -> str:
            return "\n\n" if _is_joint(line, m) else m.group()

        lines[i] = _COMMA_RUN.sub(split, line)
    return "\n".join(lines)


def excerpt(s: str, limit: int = 120) -> str:
    """``s`` quoted for an error message, cut to about ``limit`` characters.

    Messages quote report text (a heading, a side); a hostile report can make
    that text megabytes long, and a one-line error must stay one short line.
    """
    s = " ".join(s[: limit * 4].split())
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")


_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANKS = re.compile(r"\n{3,}")


def normalise_whitespace(text: str) -> str:
    """One space between words, stripped lines, at most one blank line between blocks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip("\n") + "\n"
