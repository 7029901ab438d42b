"""The dashboard on every store backend: the same views, the same numbers, honest errors.

Streamlit's AppTest runs app.py for real (no browser); one browser test drives a real
`streamlit run` on PostGIS. The PostGIS cases skip without a test database unless
FRONTLINE_REQUIRE_DB=1.
"""

from __future__ import annotations

import pytest
from helpers import (
    APP_FILE,
    app_count,
    app_heading,
    app_runner,
    database_store,
    test_server,
)
from streamlit.testing.v1 import AppTest

from geo.store import FileStore
from geo.store.postgis import PostGISStore

APP = APP_FILE


def _env_for(store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTLINE_TILES", "0")
    monkeypatch.delenv("FRONTLINE_OVERLAY_DIR", raising=False)
    if isinstance(store, FileStore):
        monkeypatch.delenv("FRONTLINE_DATABASE_URL", raising=False)
        monkeypatch.setenv("FRONTLINE_EVENTS_DIR", str(store.folder))
    else:
        monkeypatch.setenv("FRONTLINE_DATABASE_URL", store.url)
        monkeypatch.setenv("FRONTLINE_DATABASE_SCHEMA", store.schema)


@pytest.fixture
def app(backend_store, monkeypatch):
    _env_for(backend_store, monkeypatch)

    return app_runner()


_count, _heading = app_count, app_heading


def test_day_steps_and_range_are_the_same_on_every_backend(app) -> None:
    at = app()
    assert not at.exception, at.exception
    assert _heading(at) == "2024-05-24" and _count(at) == (4, 4)
    at.button(key="prev").click().run()
    assert _heading(at) == "2024-05-22" and _count(at) == (4, 4)
    at.radio(key="mode_0").set_value("Range").run()
    assert _count(at) == (13, 8)
    at.multiselect(key="fronts").select("Donetsk").run()
    assert _count(at) == (6, 3)


def test_place_history_and_trend_panels(app) -> None:
    at = app(**{"from": "2024-05-20", "to": "2024-05-24", "place": "p-chasiv"})
    assert not at.exception, at.exception
    assert any(
        "Chasiv Yar" in md.value and "3 mentions on 3 dates" in md.value for md in at.markdown
    )
    fronts = at.multiselect(key="fronts").options
    assert fronts[-1] == "(no front)" and "Donetsk" in fronts
    assert "Activity per front" in [h.value for h in at.subheader]
    assert "No events." not in [c.value for c in at.caption]


def test_unreachable_database_is_one_line_in_the_app(monkeypatch) -> None:
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", "postgresql://u:pw-123@127.0.0.1:1/none")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    (err,) = at.error
    assert "cannot connect" in err.value and "\n" not in err.value and "pw-123" not in err.value


def test_uninitialised_database_says_what_to_run(monkeypatch) -> None:
    with database_store(init=False) as db:
        monkeypatch.setenv("FRONTLINE_DATABASE_URL", db.url)
        monkeypatch.setenv("FRONTLINE_DATABASE_SCHEMA", db.schema)
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        (err,) = at.error
        assert "frontline db init" in err.value


@pytest.mark.browser
def test_dashboard_on_postgis_in_a_browser(page, tmp_path) -> None:
    from helpers import Dashboard, fill, require_browser

    require_browser()
    with database_store() as db:
        assert isinstance(db, PostGISStore)
        fill(db)
        env = {"FRONTLINE_DATABASE_URL": db.url, "FRONTLINE_DATABASE_SCHEMA": db.schema}
        with test_server(tmp_path / "no-folder", **env) as srv:  # the database wins
            ui = Dashboard(page, srv.url)
            ui.open("?from=2024-05-20&to=2024-05-24")
            ui.expect_places(8, heading="2024-05-20 – 2024-05-24")
            assert ui.count() == (13, 8)
            ui.assert_clean()
