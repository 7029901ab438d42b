"""Dates as reports write them ("May 24, 2024", "24 May 2024", "2024-05-24").

Parsers combine these helpers into their own documented rule; nothing here
guesses a missing year.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for m in names
}  # fmt: skip
_MON = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
MDY = re.compile(
    rf"\b{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I
)
DMY = re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MON}\s+(?P<year>(?:19|20)\d\d)\b", re.I)
ISO = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[-_.](?P<mon>\d\d)[-_.](?P<day>\d\d)(?!\d)")


def _make(year: str | int, mon: str | int, day: str | int) -> dt.date | None:
    if isinstance(mon, int):
        m = mon
    elif mon.isdigit():
        m = int(mon)
    else:
        m = MONTHS.get(mon.lower().rstrip("."), 0)
    try:
        return dt.date(int(year), int(m), int(day))
    except (TypeError, ValueError):
        return None


def full_dates(text: str) -> list[tuple[int, dt.date]]:
    """Every complete date in ``text`` with its offset, in text order."""
    out = []
    for rx in (MDY, DMY, ISO):
        for m in rx.finditer(text):
            d = _make(m["year"], m["mon"], m["day"])
            if d and 1990 <= d.year <= 2100:
                out.append((m.start(), d))
    return sorted(out, key=lambda t: t[0])


_MONTH_DAY = re.compile(rf"\b{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)


def month_day(text: str) -> tuple[int, int] | None:
    """The first "Month D" (no year needed) in ``text``."""
    for m in _MONTH_DAY.finditer(text):
        mon = MONTHS.get(m["mon"].lower().rstrip("."))
        day = int(m["day"])
        if mon and 1 <= day <= 31:
            return mon, day
    return None


def file_date(name: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` (or ``_``/``.`` separated) date in a file name."""
    if not name:
        return None
    m = ISO.search(str(name).replace("\\", "/").rsplit("/", 1)[-1])
    return _make(m["year"], int(m["mon"]), m["day"]) if m else None


def with_year(mon: int, day: int, year: int) -> dt.date | None:
    try:
        return dt.date(year, mon, day)
    except ValueError:
        return None
