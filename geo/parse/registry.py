"""The one registry of report formats: list them, get one, guess which one a text is.

Modelled on xarray's ``backends/plugins.py``. A format is a module in
:mod:`geo.parse.formats` that defines ``FORMAT``, an object with ``name``,
``detect(text) -> float`` and ``parse(text, ctx) -> Report`` (see
:class:`geo.parse.formats.base.ReportFormat`). Adding a format is adding that
one file and its name to :data:`FORMAT_MODULES`; the command line's choices,
the store's categories and format detection all come from here.

Modules are imported on first use, so listing the names costs nothing.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from geo.errors import ReportError
from geo.parse.formats.base import ReportFormat

# name -> module; the order is the order of detection ties and of listings.
FORMAT_MODULES: dict[str, str] = {
    "dayseries": "geo.parse.formats.dayseries",
    "isw": "geo.parse.formats.isw",
    "news": "geo.parse.formats.news",
}
FALLBACK = "news"
"""What a text with no recognisable structure is read as: places, no fronts."""
_FALLBACK_SCORE = 0.25
_NAME_BONUS = 0.3  # a file name that starts with a format's name (isw_2022-10-20.txt)


def format_names() -> tuple[str, ...]:
    """Every format's name."""
    return tuple(FORMAT_MODULES)


@cache
def get_format(name: str) -> ReportFormat:
    """The format called ``name``; a :class:`ReportError` lists the known ones otherwise."""
    module = FORMAT_MODULES.get(name)
    if module is None:
        raise ReportError(None, f"unknown format {name!r} (choose {', '.join(FORMAT_MODULES)})")
    fmt: ReportFormat = importlib.import_module(module).FORMAT
    return fmt


def list_formats() -> dict[str, ReportFormat]:
    """Every format, loaded."""
    return {name: get_format(name) for name in FORMAT_MODULES}


def guess_format(text: str, path: str | None = None) -> str:
    """The name of the format that fits ``text`` best (:data:`FALLBACK` when none does).

    Every format scores the text from 0 to 1; a file name starting with a
    format's name adds a little; the best score wins.
    """
    stem = Path(path).name.lower() if path else ""
    best, best_score = FALLBACK, _FALLBACK_SCORE
    for name, fmt in list_formats().items():
        score = fmt.detect(text) + (_NAME_BONUS if stem.startswith(name) else 0.0)
        if score > best_score:
            best, best_score = name, score
    return best
