"""The app's "Latest report" line and the operator's "Update now" button (Streamlit's AppTest,
the real app script, against a local stand-in publisher)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import Dashboard, require_browser, test_server, write_store
from playwright.sync_api import expect
from publisher import new_page, places_of, publisher
from publisher import page as _answer
from streamlit.testing.v1 import AppTest

from geo.fetch.sources.isw import new_path
from geo.fetch.update import latest_line
from geo.store import open_store
from geo.view.safe import md

APP = str(Path(__file__).resolve().parent.parent / "app.py")
NEWEST = dt.date(2024, 5, 24)  # the fixture store's newest report


@pytest.fixture
def env(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FRONTLINE_EVENTS_DIR", str(store))
    monkeypatch.setenv("FRONTLINE_TILES", "0")
    monkeypatch.delenv("FRONTLINE_OVERLAY_DIR", raising=False)
    monkeypatch.delenv("FRONTLINE_ALLOW_UPDATE", raising=False)
    monkeypatch.setenv("FRONTLINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FRONTLINE_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("FRONTLINE_FETCH_INTERVAL", "0")
    return store


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_latest_report_line_and_no_update_button_by_default(env) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert md(latest_line(NEWEST)) in _captions(at)
    assert not [b for b in at.button if b.key == "update_now"]


def test_update_now_fetches_the_new_report_and_shows_it(env, monkeypatch) -> None:
    today = dt.date.today()
    day = today - dt.timedelta(days=2)
    with publisher() as site:
        site.serve(new_path(day), _answer(new_page(day)))
        monkeypatch.setenv("FRONTLINE_ALLOW_UPDATE", "1")
        monkeypatch.setenv("FRONTLINE_ISW_BASE_URL", site.url)
        at = AppTest.from_file(APP, default_timeout=120).run()
        at.button(key="update_now").click().run()
    assert not at.exception, at.exception
    shown = " ".join(s.value for s in at.success)
    assert "isw: 1 new report" in shown.replace("\\", ""), shown
    assert "(2 days ago)" in " ".join(_captions(at)).replace("\\", "")
    assert any(m.value.lstrip("#").strip() == day.isoformat() for m in at.markdown)  # the map
    ev = open_store().load()  # the update went to your own layer, over the shipped store
    assert set(places_of(day)[0]) <= set(ev.loc[ev["date"].dt.date == day, "mention"])


@pytest.mark.browser
def test_update_now_in_the_browser(page, tmp_path: Path) -> None:
    require_browser()
    store = write_store(tmp_path / "events")
    day = dt.date.today() - dt.timedelta(days=2)
    with publisher() as site:
        site.serve(new_path(day), _answer(new_page(day)))
        env = {
            "FRONTLINE_ALLOW_UPDATE": "1", "FRONTLINE_ISW_BASE_URL": site.url,
            "FRONTLINE_CACHE": str(tmp_path / "cache"), "FRONTLINE_RAW_DIR": str(tmp_path / "raw"),
            "FRONTLINE_FETCH_INTERVAL": "0",
        }  # fmt: skip
        with test_server(store, **env) as srv:
            ui = Dashboard(page, srv.url)
            ui.open()
            expect(page.get_by_text(latest_line(NEWEST))).to_be_visible()
            page.get_by_role("button", name="Update now").click()
            expect(
                page.get_by_text("isw: 1 new report, 7 dates not published, 0 failed")
            ).to_be_visible(timeout=60_000)
            expect(page.get_by_text("(2 days ago)")).to_be_visible()
            expect(page.get_by_role("heading", name=day.isoformat(), exact=True)).to_be_visible()
            ui.assert_clean()
