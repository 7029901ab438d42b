"""End to end: a real ``streamlit run app.py`` in headless Debian Chromium through Playwright.

One server per module on the fixture store (conftest's ``dashboard``); every
page records its requests and dialogs, and a test fails if any request leaves
the machine or any dialog opens (conftest's ``ui``). Assertions go through
Playwright's ``expect``, which retries until the page settles; a failing test
leaves a screenshot in ``test-results/``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from helpers import (
    MAP,
    MARKER,
    XSS_SECTION,
    XSS_SNIPPET,
    XSS_TITLE,
    Dashboard,
    require_browser,
    test_server,
    write_store,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Front colours from geo.places.fronts (Okabe-Ito).
DONETSK, KHARKIV, KHERSON, NOFRONT = "#D55E00", "#0072B2", "#E69F00", "#999999"


def test_first_map_shows_latest_day_markers(ui: Dashboard) -> None:
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    assert ui.count() == (4, 4)
    assert ui.markers() == sorted([DONETSK] * 3 + [KHERSON])
    # The front label with its initiative is on the map, as text.
    labels = ui.map.locator(".fl-label")
    expect(labels.filter(has_text="Donetsk — initiative: Russia")).to_have_count(1)
    expect(labels.filter(has_text="Kherson — initiative: Ukraine")).to_have_count(1)
    # Leaflet itself came from this server.
    assert any(u.endswith("/app/static/leaflet/leaflet.js") for u in ui.requests)


def test_step_buttons_and_slider_change_markers(ui: Dashboard) -> None:
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    ui.page.get_by_role("button", name="◀ Prev").click()
    ui.expect_places(4, heading="2024-05-22")
    assert ui.markers() == sorted([KHARKIV, KHARKIV, NOFRONT, KHERSON])
    ui.page.get_by_role("button", name="◀ Prev").click()
    ui.expect_places(2, heading="2024-05-21")
    # The slider: keyboard on its thumb moves to the previous date with data.
    thumb = ui.page.get_by_role("slider").first
    thumb.focus()
    thumb.press("ArrowLeft")
    ui.expect_places(3, heading="2024-05-20")
    assert ui.count() == (3, 3)
    expect(ui.page).to_have_url(re.compile(r"date=2024-05-20"))


def _choose_front(ui: Dashboard, front: str) -> None:
    box = ui.page.get_by_test_id("stMultiSelect").filter(has_text="Fronts")
    box.locator("input").click()
    ui.page.get_by_role("option", name=front, exact=True).click()
    ui.page.keyboard.press("Escape")


def test_front_filter_count_and_download(ui: Dashboard, tmp_path: Path) -> None:
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    _choose_front(ui, "Donetsk")
    ui.expect_places(3)
    assert ui.markers() == [DONETSK] * 3
    events, _ = ui.count()
    assert ui.count() == (3, 3)
    expect(ui.page).to_have_url(re.compile(r"fronts=Donetsk"))

    with ui.page.expect_download() as dl:
        ui.page.get_by_role("button", name="Download this view (GeoJSON)").click()
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


def test_shared_url_restores_range_and_filters(ui: Dashboard) -> None:
    ui.open("?from=2024-05-20&to=2024-05-22&fronts=Kharkiv&status=confirmed,reported")
    ui.expect_places(2, heading="2024-05-20 – 2024-05-22")
    assert ui.count() == (3, 2)  # Vovchansk twice, Lyptsi once
    assert ui.markers() == [KHARKIV, KHARKIV]
    expect(ui.page.get_by_role("radio", name="Range")).to_be_checked()
    q = ui.url_params()
    assert q["from"] == ["2024-05-20"] and q["to"] == ["2024-05-22"]
    assert q["fronts"] == ["Kharkiv"]


def test_xss_report_is_shown_as_text(ui: Dashboard) -> None:
    ui.open("?date=2024-05-22&fronts=Kherson")
    ui.expect_places(1, heading="2024-05-22")
    ui.map.locator(MARKER).first.click()
    popup = ui.map.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(XSS_TITLE)
    expect(popup).to_contain_text(XSS_SNIPPET)
    expect(popup).to_contain_text(XSS_SECTION)  # as text: "{{ 7*7 }}" not evaluated
    # No element was created from the report's markup.
    expect(popup.locator("img, script, b[onmouseover]")).to_have_count(0)
    time.sleep(0.5)  # give an injected handler the chance to fire (it must not)
    assert ui.dialogs == []


def test_click_on_marker_shows_place_history(ui: Dashboard) -> None:
    ui.open("?from=2024-05-20&to=2024-05-24&fronts=Donetsk")
    ui.expect_places(3)
    # Chasiv Yar has the most mentions, so it is the biggest marker: the first drawn.
    ui.map.locator(MARKER).first.click()
    expect(ui.page.get_by_test_id("stDataFrame")).to_be_visible(timeout=15_000)
    expect(ui.page.get_by_text(re.compile(r"Chasiv Yar.*3 mentions on 3 dates"))).to_be_visible()
    expect(ui.page).to_have_url(re.compile(r"place=p-chasiv"))


def test_bad_upload_shows_an_error_not_a_traceback(ui: Dashboard) -> None:
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    uploader = ui.page.get_by_test_id("stFileUploader").filter(has_text="Report files")
    uploader.locator("input[type=file]").set_input_files(
        files=[{"name": "garbage.txt", "mimeType": "text/plain", "buffer": b"\x00\xff\xfe" * 50}]
    )
    err = ui.page.get_by_test_id("stAlertContentError").filter(has_text="garbage.txt")
    expect(err).to_contain_text("garbage.txt:", timeout=30_000)
    expect(ui.page.get_by_test_id("stException")).to_have_count(0)
    assert "Traceback" not in ui.page.content()
    ui.expect_places(4, heading="2024-05-24")  # the map is untouched


def _map_zoom(ui: Dashboard) -> int:
    frame = ui.page.locator(MAP).element_handle().content_frame()
    return frame.evaluate("window.map.getZoom()")


def test_map_view_is_kept_in_the_url(ui: Dashboard) -> None:
    ui.open("?date=2024-05-24&center=48.6000,37.8000&zoom=9")
    ui.expect_places(4, heading="2024-05-24")
    assert _map_zoom(ui) == 9
    # Zooming is client-side (no rerun), but the URL follows it.
    ui.map.locator(".leaflet-control-zoom-in").click()
    expect(ui.page).to_have_url(re.compile(r"zoom=10"))
    # A redraw (here: a filter, then a day step) keeps the user's view, and so does the URL.
    _choose_front(ui, "Donetsk")
    ui.expect_places(3)
    ui.page.get_by_role("button", name="◀ Prev").click()
    ui.expect_places(0, heading="2024-05-22")  # no Donetsk events that day
    ui.page.get_by_role("button", name="◀ Prev").click()
    ui.expect_places(1, heading="2024-05-21")
    assert _map_zoom(ui) == 10
    expect(ui.page).to_have_url(re.compile(r"zoom=10"))
    q = ui.url_params()
    assert q["fronts"] == ["Donetsk"] and q["date"] == ["2024-05-21"]
    lat, lon = (float(x) for x in q["center"][0].split(","))
    assert abs(lat - 48.6) < 0.05 and abs(lon - 37.8) < 0.05


UPLOAD_REPORT = """Test Upload Bulletin – Day 820 (May 23, 2024)

Summary: a short report written for Frontline's upload test.

Kharkiv Front – Initiative Russia

Vovchansk

Fighting continued in Vovchansk and near Lyptsi, according to this test bulletin.
"""


@pytest.fixture
def fresh_ui(page, tmp_path: Path):
    """A server of its own: the upload test adds a report to the store."""
    require_browser()
    with test_server(write_store(tmp_path / "events")) as srv:
        d = Dashboard(page, srv.url)
        d.server = srv  # type: ignore[attr-defined]
        yield d
        d.assert_clean()
        assert srv.outside_attempts() == [], "the server reached outside this machine"


def test_upload_adds_the_report_and_lists_unresolved(fresh_ui: Dashboard, tmp_path) -> None:
    from geo.ingest import ingest_bytes

    # What the library says about this report, to compare with what the app shows.
    expected = ingest_bytes("check.txt", UPLOAD_REPORT.encode(), tmp_path / "check")
    assert expected.ok and expected.date.isoformat() == "2024-05-23"
    ui = fresh_ui
    events_dir = ui.server.events_dir  # type: ignore[attr-defined]
    shipped = {p.name: p.read_bytes() for p in events_dir.iterdir()}
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    uploader = ui.page.get_by_test_id("stFileUploader").filter(has_text="Report files")
    uploader.locator("input[type=file]").set_input_files(
        files=[{"name": "bulletin.txt", "mimeType": "text/plain", "buffer": UPLOAD_REPORT.encode()}]
    )
    # The app jumps to the new report's date and shows its events.
    ui.expect_places(expected.events, heading="2024-05-23", timeout=120_000)  # a cold worker
    ok = ui.page.get_by_test_id("stAlertContentSuccess").filter(has_text="bulletin.txt")
    expect(ok).to_contain_text(f"added: {expected.events} events on 2024-05-23")
    if expected.unresolved:
        warn = ui.page.get_by_test_id("stAlertContentWarning").filter(has_text="Unresolved names")
        for name in expected.unresolved:
            expect(warn).to_contain_text(name)
    # The upload is in the user's own store; the shipped data did not change.
    uploads = events_dir.parent / f"uploads-{events_dir.name}"
    assert (uploads / Path(expected.out_file).name).exists()
    assert {p.name: p.read_bytes() for p in events_dir.iterdir()} == shipped
