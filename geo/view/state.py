"""The view a user is looking at, as plain data: read from a link, written back to it, stepped.

The dashboard's URL holds the whole view (a day or a range, the filters, the
chosen place, the map's centre and zoom) so a link opens what its sender saw.
Reading a link is done here, against the dates and fronts the store really
has, and every adjustment is reported as a notice instead of happening
silently. Stepping through dates and the defaults for a new visitor live here
too, so all of it is tested without Streamlit.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from geo.model import KINDS, NO_FRONT, STATUSES
from geo.places.fronts import CANONICAL
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


def front_options(fronts: Sequence[str | None]) -> list[str]:
    """The fronts a filter offers: the canonical ones present, in map order, then others
    alphabetically, then "(no front)" when some events have none (given as None, NaN or
    :data:`geo.model.NO_FRONT`)."""
    none = [f for f in fronts if f is None or f != f or f == NO_FRONT]  # f != f: NaN
    present = {str(f) for f in fronts} - {str(f) for f in none}
    opts = [f for f in CANONICAL if f in present] + sorted(present - set(CANONICAL))
    if none:
        opts.append(NO_FRONT)
    return opts


def nearest_date(dates: Sequence[dt.date], target: dt.date) -> dt.date:
    """The date with data closest to ``target``; on a tie the earlier one."""
    return min(dates, key=lambda d: (abs((d - target).days), d > target))


def _parse_date(params: Mapping[str, str], name: str, notices: list[str]) -> dt.date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        notices.append(f"'{name}={_quote(raw)}' is not a date (YYYY-MM-DD); ignored.")
        return None


def _quote(raw: str, limit: int = 40) -> str:
    """A link's value as shown in a notice: short (the app escapes it for Markdown)."""
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


def _outside(d: dt.date, dates: Sequence[dt.date]) -> str | None:
    if d < dates[0]:
        return f"{d.isoformat()} is before the first report ({dates[0].isoformat()})"
    if d > dates[-1]:
        return f"{d.isoformat()} is after the latest report ({dates[-1].isoformat()})"
    return None


def _day_from_link(d: dt.date, dates: Sequence[dt.date], notices: list[str]) -> dt.date:
    """``d`` itself when it has data, else the nearest date that has, with a notice."""
    near = nearest_date(dates, d)
    if near != d:
        why = _outside(d, dates) or f"No report on {d.isoformat()}"
        notices.append(f"{why}: showing {near.isoformat()} instead.")
    return near


def _range_from_link(
    lo: dt.date | None, hi: dt.date | None, dates: Sequence[dt.date], notices: list[str]
) -> tuple[dt.date, dt.date]:
    """The dates with data inside ``[lo, hi]`` (open ends reach the data's ends).

    The ends snap inwards, to the first and last dates with reports in the
    range, so a range never grows past what the link asked; one line says so.
    A range without any report shows the date nearest to it, and says that.
    """
    if lo and hi and lo > hi:
        notices.append(f"The range ran backwards ({lo} after {hi}); its ends were swapped.")
        lo, hi = hi, lo
    want_lo, want_hi = lo or dates[0], hi or dates[-1]
    a = bisect.bisect_left(dates, want_lo)
    b = bisect.bisect_right(dates, want_hi) - 1
    asked = f"{want_lo.isoformat()} – {want_hi.isoformat()}"
    if a > b:  # no report inside the range
        mid = want_lo + (want_hi - want_lo) / 2
        near = nearest_date(dates, mid)
        why = _outside(want_hi if want_hi < dates[0] else want_lo, dates)
        why = f"{why}; no" if why else "No"
        notices.append(f"{why} reports in {asked}: showing {near.isoformat()}, the nearest date.")
        return near, near
    got_lo, got_hi = dates[a], dates[b]
    if a == b and (lo, hi) != (got_lo, got_hi):
        notices.append(f"Only {got_lo.isoformat()} has reports in {asked}: showing that day.")
    elif (lo and got_lo != lo) or (hi and got_hi != hi):
        n = b - a + 1
        notices.append(
            f"Reports in {asked} run from {got_lo.isoformat()} to {got_hi.isoformat()} "
            f"({n} dates): showing those."
        )
    return got_lo, got_hi


def _list_param(
    params: Mapping[str, str],
    name: str,
    known: Collection[str] | Callable[[], Collection[str]],
    notices: list[str],
) -> tuple[str, ...]:
    raw = params.get(name, "")
    if not raw:
        return ()
    allowed = known() if callable(known) else known
    values = [v for v in (x.strip() for x in raw.split(",")) if v]
    by_fold = {a.casefold(): a for a in allowed}
    matched = [by_fold[v.casefold()] for v in values if v.casefold() in by_fold]
    kept = list(dict.fromkeys(matched))
    unknown = [_quote(v) for v in values if v.casefold() not in by_fold]
    if unknown:
        choices = ", ".join(sorted(allowed))
        notices.append(f"Unknown {name} ignored: {', '.join(unknown)} (known: {choices}).")
    twice = [v for v in kept if matched.count(v) > 1]
    if twice:
        notices.append(f"{', '.join(twice)} given more than once in '{name}'; used once.")
    return tuple(kept)


_CENTER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
MIN_ZOOM, MAX_ZOOM = 2, 18


def map_view_params(
    params: Mapping[str, str], notices: list[str] | None = None
) -> tuple[tuple[float, float] | None, int | None]:
    """The map's centre and zoom from a link, when valid (else a notice, when asked for)."""
    said = notices if notices is not None else []
    center = zoom = None
    raw_c = params.get("center", "")
    m = _CENTER.match(raw_c)
    if m and -90 <= float(m.group(1)) <= 90 and -180 <= float(m.group(2)) <= 180:
        center = (float(m.group(1)), float(m.group(2)))
    elif raw_c:
        said.append(f"'center={_quote(raw_c)}' is not a latitude,longitude; ignored.")
    raw = params.get("zoom", "").strip()
    if raw.isdigit() and MIN_ZOOM <= int(raw) <= MAX_ZOOM:
        zoom = int(raw)
    elif raw:
        said.append(f"'zoom={_quote(raw)}' is not a zoom level ({MIN_ZOOM}–{MAX_ZOOM}); ignored.")
    return center, zoom


def from_params(
    params: Mapping[str, str],
    dates: Sequence[dt.date],
    fronts: Callable[[], Collection[str]],
    place_ids: Callable[[], Collection[str]],
) -> Restored:
    """The view a link describes, moved onto dates and fronts the store has.

    Every adjustment is one notice: a bad or out-of-range date, a range with
    fewer reports than asked, an unknown or repeated filter value, a bad map
    position, a place not in the data. ``fronts`` and ``place_ids`` are called
    only when the link names fronts or a place: both need the whole store,
    which a first look at a large one does not wait for.
    """
    notices: list[str] = []
    state = default_state(dates)
    d_from = _parse_date(params, "from", notices)
    d_to = _parse_date(params, "to", notices)
    day = _parse_date(params, "date", notices)
    if d_from or d_to:
        if day:
            notices.append(f"'date={day.isoformat()}' ignored: the link also gives a range.")
        lo, hi = _range_from_link(d_from, d_to, dates, notices)
        state = replace(state, mode=RANGE, range=(lo, hi), day=hi)
    elif day:
        state = replace(state, mode=DAY, day=_day_from_link(day, dates, notices))
    center, zoom = map_view_params(params, notices)
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


def onto_dates(state: ViewState, dates: Sequence[dt.date]) -> ViewState:
    """``state`` with its day and range ends on the nearest dates that have data: the
    store can change under an open view (a report removed; a first look's dates, read
    from file names, corrected once the whole store is read)."""
    have = set(dates)
    if not dates or (state.day in have and state.range[0] in have and state.range[1] in have):
        return state
    day, lo, hi = (d if d in have else nearest_date(dates, d) for d in (state.day, *state.range))
    return replace(state, day=day, range=(min(lo, hi), hi))


def step(state: ViewState, dates: Sequence[dt.date], delta: int) -> tuple[ViewState, bool]:
    """Move the day (or the whole range) by ``delta`` dates with data.

    Returns the new state and whether it moved; at either end it stays put
    (so Play knows to stop).
    """
    state = onto_dates(state, dates)
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


def play_start(state: ViewState, dates: Sequence[dt.date]) -> tuple[ViewState, dt.date]:
    """Where Play begins, and the date it ends on.

    A range plays through itself: it starts as its first date alone and grows
    a date at a time until it is the whole range again (so the map fills up
    over the range). A day plays forward to the latest date; on the latest
    date, from the start of the default range, so Play always shows something move.
    """
    if state.mode == RANGE:
        lo, hi = state.range
        if lo == hi:  # a one-date range: play the default range's dates up to it
            lo = dates[max(0, dates.index(hi) - DEFAULT_RANGE_DATES + 1)]
        return replace(state, range=(lo, lo), day=lo), hi
    if state.day == dates[-1]:
        start = default_range(dates)[0]
        return replace(state, day=start), dates[-1]
    return state, dates[-1]


def play_step(state: ViewState, dates: Sequence[dt.date], until: dt.date) -> tuple[ViewState, bool]:
    """One frame of Play: the day, or the range's end, moves to the next date up to ``until``.

    Returns the new state and whether it moved (``False``: Play has finished).
    """
    if state.mode == RANGE:
        lo, hi = state.range
        if hi >= until:
            return state, False
        nxt = dates[dates.index(hi) + 1]
        return replace(state, range=(lo, nxt), day=nxt), True
    if state.day >= until:
        return state, False
    return step(state, dates, 1)


GAP_DAYS = 31  # a stretch this long without any report is shown as a gap


@dataclass(frozen=True, slots=True)
class Gap:
    """Dates with no report between two that have some."""

    after: dt.date  # the last date with data before the gap
    before: dt.date  # the first date with data after it

    @property
    def days(self) -> int:
        return (self.before - self.after).days - 1

    def text(self) -> str:
        n = self.days
        a, b = self.after, self.before
        months = (b.year - a.year) * 12 + b.month - a.month - (b.day < a.day)
        span = f"{months} months" if months >= 2 else f"{n} days"
        return f"no reports {self.after.isoformat()} → {self.before.isoformat()} ({span})"


def gaps(dates: Sequence[dt.date], min_days: int = GAP_DAYS) -> list[Gap]:
    """The stretches of at least ``min_days`` without any report, in order.

    The date slider offers only dates with data, so months without reports
    would pass unseen between two neighbouring stops; the app lists them and
    says when a step jumps one.
    """
    return [Gap(a, b) for a, b in itertools.pairwise(dates) if (b - a).days - 1 >= min_days]


def jumped_gap(before: ViewState, after: ViewState, dates: Sequence[dt.date]) -> Gap | None:
    """The gap a step from ``before`` to ``after`` crossed, if any (one notice for the user)."""
    a, b = sorted((before.span[1], after.span[1]))
    for g in gaps(dates):
        if a <= g.after and g.before <= b:
            return g
    return None


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


def neighbours(
    state: ViewState, dates: Sequence[dt.date], until: dt.date | None = None
) -> list[ViewQuery]:
    """The views one step away (and Play's next frame when ``until`` is given): what the
    user most likely asks for next, so the dashboard can prepare them while they look."""
    moves = [step(state, dates, 1), step(state, dates, -1)]
    if until is not None:
        moves.insert(0, play_step(state, dates, until))
    out: list[ViewQuery] = []
    for moved_to, moved in moves:
        q = moved_to.query()
        if moved and q not in out and q != state.query():
            out.append(q)
    return out
