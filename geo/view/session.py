"""The view in Streamlit's session: read from the link once, moved by the controls, written back.

The decisions (what a link means, where a step or Play goes, which gap a
step crossed) are :mod:`geo.view.state`, tested without Streamlit; this module
keeps their result in ``st.session_state`` under plain keys (``mode``, ``day``,
``range``...), which, unlike a widget's own state, are never dropped between
runs. Widgets only show and change these keys.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st
from streamlit.errors import StreamlitAPIException

from geo.settings import settings
from geo.view import state as vs


def restore_from_url(dates: list[dt.date], fronts, place_ids) -> None:
    """Seed widget state from the link once per session; say what had to be adjusted
    (``fronts`` and ``place_ids`` are called only for a link that names some)."""
    ss = st.session_state
    if ss.get("_restored"):
        return
    ss["_restored"] = True
    restored = vs.from_params(st.query_params.to_dict(), dates, fronts, place_ids)
    s = restored.state
    ss.update(
        mode=s.mode, day=s.day, range=s.range, fronts=list(s.fronts),
        statuses=list(s.statuses), kinds=list(s.kinds), place=s.place,
        center=s.center, zoom=s.zoom, _notices=(restored.notices, s.query()),
    )  # fmt: skip


def current_state() -> vs.ViewState:
    ss = st.session_state
    return vs.ViewState(
        mode=ss["mode"], day=ss["day"], range=tuple(ss["range"]),
        fronts=tuple(ss.get("fronts") or ()), statuses=tuple(ss.get("statuses") or ()),
        kinds=tuple(ss.get("kinds") or ()), place=ss.get("place"),
    )  # fmt: skip


def write_url(s: vs.ViewState) -> None:
    params = vs.to_params(s)
    current = st.query_params.to_dict()
    for k in ("center", "zoom"):  # the map keeps these in the URL itself, in the browser
        if k in current:
            params[k] = current[k]
    if params != current:
        st.query_params.from_dict(params)


def set_time(s: vs.ViewState) -> None:
    """Move the sliders from code: their keys carry a counter that code bumps, because a
    Streamlit widget cannot be given a value and a session-state value at once."""
    ss = st.session_state
    before = current_state()
    ss["day"], ss["range"] = s.day, s.range
    ss["_slider_gen"] = ss.get("_slider_gen", 0) + 1
    gap = vs.jumped_gap(before, s, dates_now())
    ss["_step_note"] = f"Stepped over a gap: {gap.text()}." if gap else None


def fit_to_dates(dates: list[dt.date]) -> None:
    """Keep the view on dates the store has (see :func:`geo.view.state.onto_dates`);
    the sliders are replaced only when the view had to move."""
    s = current_state()
    moved = vs.onto_dates(s, dates)
    if moved != s:
        ss = st.session_state
        ss["day"], ss["range"] = moved.day, moved.range
        ss["_slider_gen"] = ss.get("_slider_gen", 0) + 1
        shown = (s.day,) if s.mode == vs.DAY else s.range
        gone = next((d for d in shown if d not in dates), shown[0])
        ss["_step_note"] = f"No events on {gone.isoformat()} any more: moved to the nearest date."


def dates_now() -> list[dt.date]:
    return st.session_state.get("_dates") or []


def step(dates: list[dt.date], delta: int) -> None:
    moved_to, moved = vs.step(current_state(), dates, delta)
    if moved:
        set_time(moved_to)


def toggle_play(dates: list[dt.date]) -> None:
    ss = st.session_state
    ss["playing"] = not ss.get("playing", False)
    if ss["playing"]:
        start, ss["_play_until"] = vs.play_start(current_state(), dates)
        set_time(start)


def slider_changed(widget_key: str, state_key: str) -> None:
    """The slider moved: its value becomes the view's. A slider of an earlier generation
    (replaced when code moved the view, see :func:`set_time`) may still report the value
    it had, in the same request as the click that moved the view: that is ignored, or a
    quick second click on Next would bring the view back."""
    if not current_key(widget_key, "_slider_gen"):
        return
    value = st.session_state[widget_key]
    st.session_state[state_key] = tuple(value) if state_key == "range" else value
    st.session_state["_step_note"] = None


def current_key(widget_key: str, gen_key: str) -> bool:
    """Whether ``widget_key`` (``NAME_GEN``) is the widget of the current generation."""
    return widget_key.rsplit("_", 1)[-1] == str(st.session_state.get(gen_key, 0))


def mode_changed(widget_key: str) -> None:
    """The Day/Range choice changed (ignored from a replaced radio, as for the slider)."""
    if current_key(widget_key, "_mode_gen"):
        st.session_state["mode"] = st.session_state[widget_key]


def play_frame(dates: list[dt.date]) -> None:
    """One frame of Play: wait, move on, redraw the view (only the fragment)."""
    ss = st.session_state
    time.sleep(settings.play_seconds)
    moved_to, moved = vs.play_step(current_state(), dates, ss.get("_play_until", dates[-1]))
    if moved:
        set_time(moved_to)
    else:
        ss["playing"] = False
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:  # this run was a full run (e.g. a filter changed meanwhile)
        st.rerun()
