"""Fixtures shared by the tests; the data and helpers behind them are in ``helpers.py``."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from helpers import VIEWPORT, Dashboard, events_frame, require_browser, test_server, write_store

from geo.serve import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def events() -> gpd.GeoDataFrame:
    return events_frame()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "events")


@pytest.fixture(scope="module")
def module_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("store") / "events")


# --- network guard (geocoding engineer) -------------------------------------------------
# Tests never touch the network: any connection to a non-loopback address fails for the
# whole session (see tests/_netguard.py). Local stand-in servers on 127.0.0.1 still work.
@pytest.fixture(autouse=True, scope="session")
def _no_network():
    from _netguard import install

    with install():
        yield


# --- reliability: no test writes into the user's own uploads ------------------------------
@pytest.fixture(autouse=True, scope="session")
def _uploads_dir(tmp_path_factory: pytest.TempPathFactory):
    """``open_store()`` layers FRONTLINE_UPLOADS_DIR over the events store; in tests that
    is a session folder, never the home directory of whoever runs them."""
    import os

    old = os.environ.get("FRONTLINE_UPLOADS_DIR")
    os.environ["FRONTLINE_UPLOADS_DIR"] = str(tmp_path_factory.mktemp("uploads"))
    yield
    if old is None:
        os.environ.pop("FRONTLINE_UPLOADS_DIR", None)
    else:
        os.environ["FRONTLINE_UPLOADS_DIR"] = old


@pytest.fixture(autouse=True)
def _own_uploads_dir(_uploads_dir, tmp_path_factory: pytest.TempPathFactory, monkeypatch):
    """And a folder of each test's own: what one test adds (an upload, an update) is never
    seen by the next."""
    monkeypatch.setenv("FRONTLINE_UPLOADS_DIR", str(tmp_path_factory.mktemp("uploads")))


# --- browser tests (pytest-playwright, Debian's Chromium) -------------------------------
# pytest-playwright makes the browser, a fresh context per test and, on failure, a
# screenshot in test-results/ (see addopts in pyproject.toml).


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    require_browser()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": VIEWPORT, "accept_downloads": True}


@pytest.fixture(scope="module")
def dashboard(module_store: Path):
    """One dashboard server per test module, on the fixture store."""
    require_browser()
    with test_server(module_store) as srv:
        yield srv


@pytest.fixture
def ui(page, dashboard) -> Dashboard:
    """The dashboard in a fresh page; fails the test if a request left the machine or a
    dialog opened."""
    d = Dashboard(page, dashboard.url)
    yield d
    d.assert_clean()
    assert dashboard.outside_attempts() == [], "the server reached outside this machine"


# --- store backends (postgis engineer) ----------------------------------------------------
# The same tests on every Store backend: the file store, and PostGIS in a schema of its own
# (skipped without a test database unless FRONTLINE_REQUIRE_DB=1; see helpers.database_url).


@pytest.fixture(params=["files", "postgis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path):
    """An empty store of each kind."""
    from helpers import database_store

    from geo.store import FileStore

    if request.param == "files":
        yield FileStore(tmp_path / "events")
    else:
        with database_store() as db:
            yield db


@pytest.fixture
def backend_store(backend):
    """A store of each kind holding the fixture reports (helpers.REPORTS)."""
    from helpers import fill

    return fill(backend)


@pytest.fixture
def db():
    """An initialised PostGIS store of its own (PostGIS-only tests)."""
    from helpers import database_store

    with database_store() as store:
        yield store


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests start a server and a browser: they are ``slow`` too, so
    ``-m "not slow"`` is the quick run."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)
