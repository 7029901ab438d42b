"""End to end: a real ``streamlit run app.py`` in headless Debian Chromium through Playwright.

One server per module on the fixture store (see conftest). Every page records
its requests and dialogs; a test fails if any request leaves localhost or any
dialog opens. Skipped where /usr/bin/chromium is missing, unless
``FRONTLINE_REQUIRE_BROWSER=1`` (CI) turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from _streamlit_server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer
from conftest import XSS_SECTION, XSS_SNIPPET, XSS_TITLE

pytestmark = pytest.mark.browser

MAP = 'iframe[title="streamlit_folium.st_folium"]'
MARKER = "path.leaflet-interactive"
COUNT_RE = re.compile(r"Showing (\d+) events at (\d+) places")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
# Front colours from geo.places.fronts (Okabe-Ito).
DONETSK, KHARKIV, KHERSON, NOFRONT = "#D55E00", "#0072B2", "#E69F00", "#999999"


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("FRONTLINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and FRONTLINE_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} not installed (set FRONTLINE_REQUIRE_BROWSER=1 to fail instead)")


@pytest.fixture(scope="module")
def server(module_store: Path):
    _require_browser()
    with StreamlitServer(module_store) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser_(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A page plus what it saw: requests, dialogs; helpers for the map and the count."""

    def __init__(self, browser, base_url: str) -> None:
        self.ctx = browser.new_context(
            viewport={"width": 1400, "height": 1800}, accept_downloads=True
        )
        self.page = self.ctx.new_page()
        self.base = base_url
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.ctx.on("page", lambda p: self.requests.append(f"popup-window:{p.url}"))

    def open(self, query: str = "") -> None:
        self.page.goto(self.base + query)
        self.wait_map()

    @property
    def frame(self):
        return self.page.frame_locator(MAP)

    def wait_map(self, timeout_ms: int = 30_000) -> None:
        self.page.wait_for_selector(MAP, timeout=timeout_ms)
        self.frame.locator(".leaflet-container").wait_for(timeout=timeout_ms)

    def count_text(self) -> tuple[int, int]:
        loc = self.page.get_by_text(COUNT_RE)
        loc.wait_for()
        m = COUNT_RE.search(loc.inner_text())
        assert m, loc.inner_text()
        return int(m.group(1)), int(m.group(2))

    def markers(self) -> list[str]:
        """Stroke colours of the visible markers, sorted."""
        loc = self.frame.locator(MARKER)
        return sorted(loc.nth(i).get_attribute("stroke") or "" for i in range(loc.count()))

    def wait_for(self, places: int, heading: str | None = None, timeout_s: float = 20) -> float:
        """Wait until the count says ``places`` and the map shows that many markers."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout_s:
            try:
                ok_heading = (
                    heading is None or self.page.get_by_role("heading", name=heading).count() > 0
                )
                n = self.count_text()[1]
                one_map = self.page.locator(MAP).count() == 1  # not mid-swap
                if (
                    ok_heading
                    and one_map
                    and n == places
                    and self.frame.locator(MARKER).count() == places
                ):
                    return time.monotonic() - t0
            except Exception:  # the iframe is being replaced: try again
                pass
            time.sleep(0.1)
        raise AssertionError(
            f"expected {places} places (heading {heading!r}); count={self.count_text()}, "
            f"markers={self.frame.locator(MARKER).count()}"
        )

    def outside_requests(self) -> list[str]:
        out = []
        for u in self.requests:
            host = urlparse(u).hostname
            if u.startswith(("data:", "blob:", "about:")):
                continue
            if host not in LOCAL_HOSTS:
                out.append(u)
        return out


@pytest.fixture
def app_page(browser_, server):
    p = Page(browser_, server.url)
    yield p
    outside = p.outside_requests()
    dialogs = list(p.dialogs)
    p.ctx.close()
    assert not outside, f"requests left localhost: {outside[:5]}"
    assert not dialogs, f"dialogs opened: {dialogs}"


def _url_params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.page.url).query)


def test_first_map_shows_latest_day_markers(app_page: Page, server) -> None:
    page = app_page
    t0 = time.monotonic()
    page.open()
    page.wait_for(4, heading="2024-05-24")
    first_map_s = time.monotonic() - t0
    events, places = page.count_text()
    assert (events, places) == (4, 4)
    assert page.markers() == sorted([DONETSK] * 3 + [KHERSON])
    # The front label with its initiative is on the map, as text.
    labels = page.frame.locator(".fl-label").all_inner_texts()
    assert "Donetsk — initiative: Russia" in labels
    assert "Kherson — initiative: Ukraine" in labels
    # Leaflet itself came from this server.
    assert any(u.endswith("/app/static/leaflet/leaflet.js") for u in page.requests)
    print(f"server start {server.started_in_s:.2f}s, page open to first map {first_map_s:.2f}s")


def test_step_buttons_and_slider_change_markers(app_page: Page) -> None:
    page = app_page
    page.open()
    page.wait_for(4, heading="2024-05-24")
    page.page.get_by_role("button", name="◀ Prev").click()
    step_s = page.wait_for(4, heading="2024-05-22")
    assert page.markers() == sorted([KHARKIV, KHARKIV, NOFRONT, KHERSON])
    page.page.get_by_role("button", name="◀ Prev").click()
    page.wait_for(2, heading="2024-05-21")
    # The slider: keyboard on its thumb moves to the previous date with data.
    thumb = page.page.get_by_role("slider").first
    thumb.focus()
    thumb.press("ArrowLeft")
    page.wait_for(3, heading="2024-05-20")
    assert page.count_text() == (3, 3)
    assert _url_params(page)["date"] == ["2024-05-20"]
    print(f"step to updated map {step_s:.2f}s")


def _choose_front(page: Page, front: str) -> None:
    box = page.page.get_by_test_id("stMultiSelect").filter(has_text="Fronts")
    box.locator("input").click()
    page.page.get_by_role("option", name=front, exact=True).click()
    page.page.keyboard.press("Escape")


def test_front_filter_count_and_download(app_page: Page, tmp_path: Path) -> None:
    page = app_page
    page.open()
    page.wait_for(4, heading="2024-05-24")
    _choose_front(page, "Donetsk")
    page.wait_for(3)
    assert page.markers() == [DONETSK] * 3
    events, places = page.count_text()
    assert (events, places) == (3, 3)
    assert _url_params(page)["fronts"] == ["Donetsk"]

    with page.page.expect_download() as dl:
        page.page.get_by_role("button", name="Download this view (GeoJSON)").click()
    d = dl.value
    assert d.suggested_filename == "frontline_2024-05-24_donetsk.geojson"
    target = tmp_path / d.suggested_filename
    d.save_as(target)
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == events
    props = [f["properties"] for f in doc["features"]]
    assert {p["date"] for p in props} == {"2024-05-24"}
    assert {p["front"] for p in props} == {"Donetsk"}
    assert {p["place"] for p in props} == {"Chasiv Yar", "Ocheretyne", "Kurakhove"}
    assert all(f["geometry"]["type"] == "Point" for f in doc["features"])


def test_shared_url_restores_range_and_filters(app_page: Page) -> None:
    page = app_page
    page.open("?from=2024-05-20&to=2024-05-22&fronts=Kharkiv&status=confirmed,reported")
    page.wait_for(2, heading="2024-05-20 – 2024-05-22")
    assert page.count_text() == (3, 2)  # Vovchansk twice, Lyptsi once
    assert page.markers() == [KHARKIV, KHARKIV]
    # The range mode is selected and the URL keeps the view.
    assert page.page.get_by_role("radio", name="Range").is_checked()
    q = _url_params(page)
    assert q["from"] == ["2024-05-20"] and q["to"] == ["2024-05-22"]
    assert q["fronts"] == ["Kharkiv"]


def test_xss_report_is_shown_as_text(app_page: Page) -> None:
    page = app_page
    page.open("?date=2024-05-22&fronts=Kherson")
    page.wait_for(1, heading="2024-05-22")
    page.frame.locator(MARKER).first.click()
    popup = page.frame.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert XSS_TITLE in text
    assert XSS_SNIPPET in text
    assert XSS_SECTION in text  # shown as text, "{{ 7*7 }}" not evaluated
    # No element was created from the report's markup.
    assert popup.locator("img, script, b[onmouseover]").count() == 0
    time.sleep(0.5)  # give an injected handler the chance to fire (it must not)
    assert page.dialogs == []


def test_click_on_marker_shows_place_history(app_page: Page) -> None:
    page = app_page
    page.open("?from=2024-05-20&to=2024-05-24&fronts=Donetsk")
    page.wait_for(3)
    # Chasiv Yar has the most mentions, so it is the biggest marker: the first drawn.
    page.frame.locator(MARKER).first.click()
    hist = page.page.get_by_test_id("stDataFrame")
    hist.wait_for(timeout=15_000)
    page.page.get_by_text(re.compile(r"Chasiv Yar.*3 mentions on 3 dates")).wait_for()
    assert _url_params(page)["place"] == ["p-chasiv"]


def test_bad_upload_shows_an_error_not_a_traceback(app_page: Page) -> None:
    page = app_page
    page.open()
    page.wait_for(4, heading="2024-05-24")
    uploader = page.page.get_by_test_id("stFileUploader").filter(has_text="Report files")
    uploader.locator("input[type=file]").set_input_files(
        files=[{"name": "garbage.txt", "mimeType": "text/plain", "buffer": b"\x00\xff\xfe" * 50}]
    )
    err = page.page.get_by_test_id("stAlertContentError").filter(has_text="garbage.txt")
    err.wait_for(timeout=30_000)
    assert "garbage.txt:" in err.inner_text()
    assert page.page.get_by_test_id("stException").count() == 0
    assert "Traceback" not in page.page.content()
    page.wait_for(4, heading="2024-05-24")  # the map is untouched


def test_map_view_is_kept_in_the_url(app_page: Page) -> None:
    page = app_page
    page.open("?date=2024-05-24&center=48.6000,37.8000&zoom=9")
    page.wait_for(4, heading="2024-05-24")
    assert _map_zoom(page) == 9
    # Zooming is client-side (no rerun), but the URL follows it.
    page.frame.locator(".leaflet-control-zoom-in").click()
    page.page.wait_for_url(re.compile(r"zoom=10"), timeout=10_000)
    # A redraw (here: a filter, then a day step) keeps the user's view, and so does the URL.
    _choose_front(page, "Donetsk")
    page.wait_for(3)
    page.page.get_by_role("button", name="◀ Prev").click()
    page.wait_for(0, heading="2024-05-22")  # no Donetsk events that day
    page.page.get_by_role("button", name="◀ Prev").click()
    page.wait_for(1, heading="2024-05-21")
    assert _map_zoom(page) == 10
    page.page.wait_for_url(re.compile(r"zoom=10"), timeout=10_000)
    q = _url_params(page)
    assert q["fronts"] == ["Donetsk"] and q["date"] == ["2024-05-21"]
    lat, lon = (float(x) for x in q["center"][0].split(","))
    assert abs(lat - 48.6) < 0.05 and abs(lon - 37.8) < 0.05


def _map_zoom(page: Page) -> int:
    frame = page.page.locator(MAP).element_handle().content_frame()
    return frame.evaluate("window.map.getZoom()")


UPLOAD_REPORT = """Test Upload Bulletin – Day 820 (May 23, 2024)

Summary: a short report written for Frontline's upload test.

Kharkiv Front – Initiative Russia

Vovchansk

Fighting continued in Vovchansk and near Lyptsi, according to this test bulletin.
"""


@pytest.fixture
def fresh_server(tmp_path: Path):
    """A server of its own: the upload test adds a report to the store."""
    _require_browser()
    from conftest import write_store

    with StreamlitServer(write_store(tmp_path / "events")) as srv:
        yield srv


def test_upload_adds_the_report_and_lists_unresolved(browser_, fresh_server, tmp_path) -> None:
    from geo.ingest import ingest_bytes

    # What the library says about this report, to compare with what the app shows.
    expected = ingest_bytes("check.txt", UPLOAD_REPORT.encode(), tmp_path / "check")
    assert expected.ok and expected.date.isoformat() == "2024-05-23"
    page = Page(browser_, fresh_server.url)
    try:
        page.open()
        page.wait_for(4, heading="2024-05-24")
        uploader = page.page.get_by_test_id("stFileUploader").filter(has_text="Report files")
        uploader.locator("input[type=file]").set_input_files(
            files=[
                {
                    "name": "bulletin.txt",
                    "mimeType": "text/plain",
                    "buffer": UPLOAD_REPORT.encode(),
                }
            ]
        )
        # The app jumps to the new report's date and shows its events.
        page.wait_for(expected.events, heading="2024-05-23", timeout_s=40)
        ok = page.page.get_by_test_id("stAlertContentSuccess").filter(has_text="bulletin.txt")
        assert f"{expected.events} events on 2024-05-23" in ok.inner_text()
        if expected.unresolved:
            warn = page.page.get_by_test_id("stAlertContentWarning").filter(
                has_text="Unresolved names"
            )
            for name in expected.unresolved:
                assert name in warn.inner_text()
        assert (fresh_server.events_dir / "2024-05-23_dayseries.geojson").exists()
        assert not page.outside_requests() and not page.dialogs
    finally:
        page.ctx.close()
