"""Read a report: its text, its format, and the parsed :class:`geo.model.Report`.

``parse_file`` = :func:`geo.parse.reading.read_report` (size, encoding,
markup) + ``parse_text``. The format is guessed by
:func:`geo.parse.registry.guess_format` unless ``fmt`` names one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geo.errors import ReportError
from geo.model import Report
from geo.parse.formats.base import ParseContext
from geo.parse.reading import clean_text, read_report
from geo.parse.registry import format_names, get_format, guess_format
from geo.places.gazetteer import Gazetteer, load_gazetteer


def parse_file(
    path: str | Path, fmt: str = "auto", date: dt.date | None = None, gaz: Gazetteer | None = None
) -> Report:
    """Parse the report at ``path``; every problem is a :class:`ReportError` naming it."""
    text = read_report(path)
    return parse_text(text, fmt=fmt, date=date, path=str(path), gaz=gaz, clean=False)


def parse_text(
    text: str,
    fmt: str = "auto",
    date: dt.date | None = None,
    path: str | None = None,
    gaz: Gazetteer | None = None,
    clean: bool = True,
) -> Report:
    """Parse report text already in memory (markup is stripped unless ``clean=False``)."""
    if not isinstance(text, str):
        raise ReportError(path, "report text must be a string")
    if clean:
        if not text.strip():
            raise ReportError(path, "empty report")
        text = clean_text(text, path)
    if fmt != "auto" and fmt not in format_names():
        raise ReportError(
            path, f"unknown format {fmt!r} (choose auto, {', '.join(format_names())})"
        )
    name = guess_format(text, path) if fmt == "auto" else fmt
    ctx = ParseContext(path=path, gaz=gaz or load_gazetteer(), date=date)
    try:
        return get_format(name).parse(text, ctx)
    except ReportError:
        raise
    except RecursionError:
        raise ReportError(path, "report structure too deeply nested to read") from None
