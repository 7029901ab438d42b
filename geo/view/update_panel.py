"""The "Latest report" line and the operator's "Update now" button, above the map.

Streamlit widgets only; what they show and do is :mod:`geo.fetch.update`,
tested without Streamlit.
"""

from __future__ import annotations

import streamlit as st

from geo.errors import FrontlineError
from geo.settings import settings
from geo.store import Store
from geo.view.safe import md


def latest_and_update(store: Store, stamp: str) -> None:
    """The line "Latest report: DATE (N days ago)"; for an operator who turned it on
    (FRONTLINE_ALLOW_UPDATE=1), "Update now", which runs ``frontline update`` for every
    source with a progress bar. The work and the texts are :mod:`geo.fetch.update`."""
    from geo.fetch.update import (
        DateOutcome,
        latest_line,
        progress_text,
        summary_message,
        update_all,
    )
    from geo.view import cache

    ss = st.session_state
    left, right = st.columns([6, 1], vertical_alignment="center")
    newest = cache.latest_report(store.location, stamp, store)
    left.caption(md(latest_line(newest)))
    done = ss.pop("_update_result", None)
    if done is not None:
        (st.success if done[0] else st.warning)("\n\n".join(md(line) for line in done[1]))
    if not settings.allow_update:
        return
    if not right.button(
        "Update now", key="update_now", disabled=store.read_only,
        help="Fetch new reports from their publishers and add them to the map",
    ):  # fmt: skip
        return
    bar = st.progress(0.0, text="Asking the publishers for new reports…")

    def progress(done: int, total: int, outcome: DateOutcome) -> None:
        bar.progress(done / total, text=progress_text(done, total, outcome))

    try:
        summaries = update_all(store, on_progress=progress)
    except FrontlineError as exc:  # another update running, a bad setting
        bar.empty()
        st.error(md(exc))
        return
    bar.empty()
    ss["_update_result"] = summary_message(summaries)
    added = [o.day for s in summaries for o in s.outcomes if o.status in ("new", "replaced")]
    if added:
        ss["_goto_day"] = max(added)  # as after an upload: show the newest report
    st.rerun()  # the new reports are in the store: draw the map again with them
