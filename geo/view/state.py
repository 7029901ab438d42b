"""The view a user is looking at, as plain data: read from a link, written back to it, stepped.

The dashboard's URL holds the whole view (a day or a range, the filters, the
chosen place, the map's centre and zoom) so a link opens what its sender saw.
Reading a link is done here, against the dates and fronts the store really
has, and every adjustment is reported as a notice instead of happening
silently. Stepping through dates and the defaults for a new visitor live here
too, so all of it is tested without Streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from geo.model import KINDS, STATUSES
from geo.store.query import ViewQuery

DAY, RANGE = "Day", "Range"
MODES: tuple[str, ...] = (DAY, RANGE)
DEFAULT_RANGE_DATES = 30  # a new Range view covers this many dates with data


@dataclass(frozen=True, slots=True)
class ViewState:
    """Everything a link restores. Dates are always dates that have data."""

    mode: str
    day: dt.date
    range: tuple[dt.date, dt.date]
    fronts: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    place: str | None = None
    center: tuple[float, float] | None = None
    zoom: int | None = None

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """The dates shown: the day twice, or the range."""
        return (self.day, self.day) if self.mode == DAY else self.range

    def query(self) -> ViewQuery:
        lo, hi = self.span
        return ViewQuery.of(lo, hi, self.fronts, self.statuses, self.kinds)


@dataclass(slots=True)
class Restored:
    """A view read from a link, with one notice per thing the link asked that could not be."""

    state: ViewState
    notices: list[str] = field(default_factory=list)


def default_range(
    dates: Sequence[dt.date], n: int = DEFAULT_RANGE_DATES
) -> tuple[dt.date, dt.date]:
    """The last ``n`` dates that have data (all of them when there are fewer)."""
    return dates[max(0, len(dates) - n)], dates[-1]


def default_state(dates: Sequence[dt.date]) -> ViewState:
    """What a visitor without a link sees: the latest date; Range = the last 30 dates."""
    return ViewState(DAY, dates[-1], default_range(dates))


def nearest_date(dates: Sequence[dt.date], target: dt.date) -> dt.date:
    """The date with data closest to ``target``; on a tie the earlier one."""
    return min(dates, key=lambda d: (abs((d - target).days), d > target))


def _date_param(
    params: Mapping[str, str], name: str, dates: Sequence[dt.date], notices: list[str]
) -> dt.date | None:
    raw = params.get(name, "")
    if not raw:
        return None
    try:
        d = dt.date.fromisoformat(raw)
    except ValueError:
        notices.append(f"'{name}' is not a date (YYYY-MM-DD); ignored.")
        return None
    near = nearest_date(dates, d)
    if near != d:
        notices.append(f"No report on {d.isoformat()}: showing {near.isoformat()} instead.")
    return near


def _list_param(
    params: Mapping[str, str], name: str, allowed: Collection[str], notices: list[str]
) -> tuple[str, ...]:
    raw = params.get(name, "")
    if not raw:
        return ()
    values = [v for v in (x.strip() for x in raw.split(",")) if v]
    by_fold = {a.casefold(): a for a in allowed}
    kept = list(dict.fromkeys(by_fold[v.casefold()] for v in values if v.casefold() in by_fold))
    unknown = [v for v in values if v.casefold() not in by_fold]
    if unknown:
        notices.append(f"Unknown {name} ignored: {', '.join(unknown)}.")
    return tuple(kept)


_CENTER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


def map_view_params(params: Mapping[str, str]) -> tuple[tuple[float, float] | None, int | None]:
    """The map's centre and zoom from a link, when valid."""
    center = zoom = None
    m = _CENTER.match(params.get("center", ""))
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            center = (lat, lon)
    raw = params.get("zoom", "")
    if raw.isdigit() and 2 <= int(raw) <= 18:
        zoom = int(raw)
    return center, zoom


def from_params(
    params: Mapping[str, str],
    dates: Sequence[dt.date],
    fronts: Collection[str],
    place_ids: Callable[[], Collection[str]],
) -> Restored:
    """The view a link describes, moved onto dates and fronts the store has.

    ``place_ids`` is called only when the link names a place: the list of all
    places is expensive and not needed for most links.
    """
    notices: list[str] = []
    state = default_state(dates)
    d_from = _date_param(params, "from", dates, notices)
    d_to = _date_param(params, "to", dates, notices)
    day = _date_param(params, "date", dates, notices)
    if d_from or d_to:
        lo, hi = d_from or dates[0], d_to or dates[-1]
        if lo > hi:
            notices.append("The range ran backwards; its ends were swapped.")
            lo, hi = hi, lo
        state = replace(state, mode=RANGE, range=(lo, hi), day=hi)
    elif day:
        state = replace(state, mode=DAY, day=day)
    center, zoom = map_view_params(params)
    state = replace(
        state,
        fronts=_list_param(params, "fronts", fronts, notices),
        statuses=_list_param(params, "status", STATUSES, notices),
        kinds=_list_param(params, "kind", KINDS, notices),
        center=center,
        zoom=zoom,
    )
    pid = params.get("place", "")
    if pid:
        if pid in place_ids():
            state = replace(state, place=pid)
        else:
            notices.append("The place in the link is not in the data; no place selected.")
    return Restored(state, notices)


def to_params(state: ViewState) -> dict[str, str]:
    """The link's query parameters for ``state`` (the map writes centre and zoom itself)."""
    params: dict[str, str] = {}
    if state.mode == DAY:
        params["date"] = state.day.isoformat()
    else:
        params["from"], params["to"] = (d.isoformat() for d in state.range)
    for key, values in (
        ("fronts", state.fronts),
        ("status", state.statuses),
        ("kind", state.kinds),
    ):
        if values:
            params[key] = ",".join(values)
    if state.place:
        params["place"] = state.place
    if state.center is not None:
        params["center"] = f"{state.center[0]:.4f},{state.center[1]:.4f}"
    if state.zoom is not None:
        params["zoom"] = str(state.zoom)
    return params


def step(state: ViewState, dates: Sequence[dt.date], delta: int) -> tuple[ViewState, bool]:
    """Move the day (or the whole range) by ``delta`` dates with data.

    Returns the new state and whether it moved; at either end it stays put
    (so Play knows to stop).
    """
    index = {d: i for i, d in enumerate(dates)}
    if state.mode == RANGE:
        a, b = (index[d] for d in state.range)
        if a + delta < 0 or b + delta >= len(dates):
            return state, False
        rng = (dates[a + delta], dates[b + delta])
        return replace(state, range=rng, day=rng[1]), True
    i = index[state.day] + delta
    if not 0 <= i < len(dates):
        return state, False
    return replace(state, day=dates[i]), True


def play_start(state: ViewState, dates: Sequence[dt.date]) -> ViewState:
    """Where Play begins: from the start of the range, or from the first date when a
    day view is already on the latest date (so Play always shows something move)."""
    if state.mode == RANGE:
        lo, hi = state.range
        width = dates.index(hi) - dates.index(lo)
        return replace(state, range=(dates[0], dates[min(width, len(dates) - 1)]))
    if state.day == dates[-1]:
        return replace(state, day=dates[0])
    return state


def view_title(date_from: dt.date | None, date_to: dt.date | None) -> str:
    """``"2024-05-24"`` for a day, ``"2024-05-01 – 2024-05-24"`` for a range."""
    if date_from is None and date_to is None:
        return "all dates"
    if date_from == date_to or date_to is None:
        return str(date_from)
    if date_from is None:
        return f"until {date_to}"
    return f"{date_from} – {date_to}"


def export_filename(q: ViewQuery) -> str:
    """The download's name, after the view: ``frontline_2024-05-24_donetsk.geojson``.

    Dates, then the chosen fronts (lower case, non-alphanumerics as ``-``);
    nothing from report text, so the name is always safe on any file system.
    """
    parts = ["frontline"]
    if q.date_from and q.date_to and q.date_from == q.date_to:
        parts.append(q.date_from.isoformat())
    elif q.date_from or q.date_to:
        parts.append(
            f"{q.date_from.isoformat() if q.date_from else 'start'}"
            f"_{q.date_to.isoformat() if q.date_to else 'end'}"
        )
    for f in q.fronts or ():
        slug = re.sub(r"[^a-z0-9]+", "-", f.lower()).strip("-")
        parts.append(slug or "front")
    return "_".join(parts)[:150] + ".geojson"
