"""The sidebar's "Add reports": uploads, their outcomes and the choices they leave.

Streamlit widgets only; reading an upload is :mod:`geo.uploads` (a worker process with a
time limit), storing it :mod:`geo.ingest` and :mod:`geo.store.layered`, who may write
:mod:`geo.view.access`; all tested without Streamlit.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.settings import settings
from geo.store import Store
from geo.view.safe import md


def upload_panel(store: Store) -> None:
    """Add report files: read in a worker process with a time limit (geo.uploads), into
    the user's own store over the shipped data (geo.store.layered); nothing stored is
    replaced unless the user clicks a button that says what will be replaced."""
    from geo.uploads import prewarm
    from geo.view.access import streamlit_access

    sb = st.sidebar
    sb.header("Add reports")
    access = streamlit_access()
    if not access.allowed:
        sb.caption(md(access.reason))
        if access.can_sign_in:
            sb.button("Sign in", key="operator_login", on_click=st.login)
        return
    prewarm()
    limit = settings.max_report_bytes
    ups = sb.file_uploader(
        f"Report files (.txt, .md, .html), up to {_megabytes(limit)} each",
        type=["txt", "md", "html", "htm"], accept_multiple_files=True, key="report_upload",
        max_upload_size=max(1, -(-limit // (1024 * 1024))),
    )  # fmt: skip
    done: dict = st.session_state.setdefault("_ingested", {})
    changed = None
    for up in ups or []:
        if up.file_id not in done:
            with sb.status(f"Reading {md(up.name)}…"):
                done[up.file_id] = _ingest_upload(up.name, up.getvalue(), store)
            changed = changed or _landed(done[up.file_id])
        choice = _show_upload(done[up.file_id], up.file_id)
        if choice is not None:  # the user chose: a date, or to replace
            with sb.status(f"Reading {md(up.name)} again…"):
                done[up.file_id] = _ingest_upload(up.name, up.getvalue(), store, **choice)
            changed = changed or _landed(done[up.file_id])
            if changed is None:
                st.rerun()  # show the new outcome
    if changed is not None:  # the store changed: redraw with it, on the new report's date
        st.session_state["_goto_day"] = changed
        st.rerun()


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.3g} MB"


def _landed(r) -> dt.date | None:
    return r.date if r.ok else None


def _show_upload(r, key: str) -> dict | None:
    """One upload's outcome, with the choices it leaves; the choice the user made, if any."""
    sb = st.sidebar
    name = md(r.path)
    if r.ok:
        verb = {"replaced": "replaced what was stored:", "refreshed": "already stored,"}.get(
            r.outcome or "", "added:"
        )
        sb.success(f"{name}: {verb} {r.events} events on {r.date}")
        for line in r.replaced:
            sb.caption(f"Replaced {md(line)}")
        if r.unresolved:
            sb.warning("Unresolved names (not on the map): " + md(", ".join(r.unresolved)))
        if r.same_day:
            sb.info(
                f"Also stored for {r.date} ({md(r.format)}): "
                + md("; ".join(r.same_day))
                + ". Both are on the map."
            )
            if sb.button(
                f"Keep only this upload for {r.date}", key=f"only_{key}",
                help="Replaces the reports listed above (shipped data is hidden, not changed).",
            ):  # fmt: skip
                return {"replace": True}
        return None
    if r.existing:
        sb.warning(
            f"{name}: a different version of this report is already stored: "
            + md("; ".join(r.existing))
        )
        if sb.button("Replace it with this upload", key=f"replace_{key}"):
            return {"replace": True}
        return None
    if r.needs_date:
        sb.error(f"{name}: {md(r.error)}")
        day = sb.date_input("The report's date", value=None, key=f"date_{key}", format="YYYY-MM-DD")
        if day is not None and sb.button("Add it with this date", key=f"dated_{key}"):
            return {"date": day}
        return None
    sb.error(f"{name}: {md(r.error)}")
    return None


def _ingest_upload(name: str, data: bytes, store: Store, **choice):
    from geo.ingest import IngestResult
    from geo.uploads import ingest_upload

    try:
        return ingest_upload(name, data, store, **choice)
    except Exception as exc:  # never a traceback in the app
        return IngestResult(path=name, ok=False, error=f"{type(exc).__name__}: {exc}")
