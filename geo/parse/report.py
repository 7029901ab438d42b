"""Read a report: detect its format and parse it into a :class:`geo.model.Report`.

``parse_file`` = :func:`geo.parse.reading.read_report` (size, encoding, markup) +
``parse_text``. Formats live in :mod:`geo.parse.formats`, one module each, behind
:class:`geo.parse.formats.base.ReportFormat`; :data:`FORMATS` is the registry.

Detection: every format scores the text (0..1); a file name starting with a
format's name (``isw_2022-10-20.txt``) adds 0.3; the best score wins, and
``news`` (no front structure, date from the text) is the fallback for prose.
``fmt`` other than ``auto`` skips detection.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geo.errors import ReportError
from geo.parse.formats import dayseries, isw, news
from geo.parse.formats.base import ParseContext, ReportFormat
from geo.model import Report
from geo.parse.reading import clean_text, read_report

FORMATS: dict[str, ReportFormat] = {f.name: f for f in (dayseries.FORMAT, isw.FORMAT, news.FORMAT)}


def detect_format(text: str, path: str | None = None) -> str:
    """Name of the format that fits ``text`` best (``news`` when nothing else does)."""
    stem = Path(path).name.lower() if path else ""
    best, best_score = "news", 0.25
    for name, f in FORMATS.items():
        score = f.detect(text) + (0.3 if stem.startswith(name) else 0.0)
        if score > best_score:
            best, best_score = name, score
    return best


def parse_file(
    path: str | Path, fmt: str = "auto", date: dt.date | None = None, gaz=None
) -> Report:
    """Parse the report at ``path``; every problem is a :class:`ReportError` naming it."""
    text = read_report(path)
    return parse_text(text, fmt=fmt, date=date, path=str(path), gaz=gaz, clean=False)


def parse_text(
    text: str,
    fmt: str = "auto",
    date: dt.date | None = None,
    path: str | None = None,
    gaz=None,
    clean: bool = True,
) -> Report:
    """Parse report text already in memory (markup is stripped unless ``clean=False``)."""
    if not isinstance(text, str):
        raise ReportError(path, "report text must be a string")
    if clean:
        if not text.strip():
            raise ReportError(path, "empty report")
        text = clean_text(text, path)
    if fmt not in ("auto", *FORMATS):
        raise ReportError(path, f"unknown format {fmt!r} (choose auto, {', '.join(FORMATS)})")
    if gaz is None:
        from geo.places.gazetteer import load_gazetteer

        gaz = load_gazetteer()
    name = detect_format(text, path) if fmt == "auto" else fmt
    ctx = ParseContext(path=path, gaz=gaz, date=date)
    try:
        return FORMATS[name].parse(text, ctx)
    except ReportError:
        raise
    except RecursionError:
        raise ReportError(path, "report structure too deeply nested to read") from None
