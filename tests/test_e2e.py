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
    FIND_REPORTS,
    MAP,
    MARKER,
    VIEWPORT,
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
    # No view in the link: the first view fits its markers, all inside the map, none under
    # the legend.
    box = ui.map.locator(".leaflet-container").bounding_box()
    legend = ui.map.locator(".fl-legend").bounding_box()
    assert box and legend
    for i in range(ui.map.locator(MARKER).count()):
        m = ui.map.locator(MARKER).nth(i).bounding_box()
        assert m and box["x"] <= m["x"] and m["x"] + m["width"] <= box["x"] + box["width"]
        assert box["y"] <= m["y"] and m["y"] + m["height"] <= box["y"] + box["height"]
        assert m["x"] + m["width"] < legend["x"] or m["y"] + m["height"] < legend["y"]


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


def test_a_step_redraws_the_map_and_the_charts_catch_up(ui: Dashboard) -> None:
    ui.open("?date=2024-05-21")
    ui.expect_places(2, heading="2024-05-21")
    marks = ui.page.get_by_text(re.compile(r"The dashed line marks \d{4}-\d\d-\d\d"))
    expect(marks).to_have_text("The dashed line marks 2024-05-21.", timeout=20_000)
    ui.map.locator("body").evaluate("() => { window.__sameMap = true; }")
    ui.page.get_by_role("button", name="Next ▶").click()
    ui.page.get_by_role("button", name="Next ▶").click()
    ui.expect_places(4, heading="2024-05-24")
    # The charts under the map follow once the user stops stepping...
    expect(marks).to_have_text("The dashed line marks 2024-05-24.", timeout=20_000)
    # ...and the map was updated in place, never rebuilt.
    assert ui.map.locator("body").evaluate("() => window.__sameMap === true")
    expect(ui.page.get_by_text("Find a place", exact=True)).to_be_visible()


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


_LEAFLET_STYLED = "() => getComputedStyle(document.querySelector('.leaflet-bottom')).position"


def test_map_fits_the_window_with_legend_and_scale(ui: Dashboard) -> None:
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    frame = ui.page.locator(MAP).element_handle().content_frame()
    frame.wait_for_function(f"({_LEAFLET_STYLED})() === 'absolute'")  # Leaflet's CSS is in
    height = VIEWPORT["height"]
    box = ui.page.locator(MAP).bounding_box()
    assert box and box["y"] + box["height"] <= height, box
    for part in (".fl-legend", ".leaflet-control-scale", ".leaflet-control-zoom"):
        b = ui.map.locator(part).bounding_box()
        assert b and b["y"] >= 0 and b["y"] + b["height"] <= height, (part, b)


def test_first_click_on_marker_opens_popup_and_history(ui: Dashboard) -> None:
    ui.open("?from=2024-05-20&to=2024-05-24&fronts=Donetsk")
    ui.expect_places(3)
    y0 = ui.page.evaluate("document.querySelector('[data-testid=stMain]').scrollTop")
    # Chasiv Yar has the most mentions, so it is the biggest marker: the first drawn.
    ui.map.locator(MARKER).first.click()
    expect(ui.page.get_by_test_id("stDataFrame")).to_be_visible(timeout=15_000)
    expect(ui.page.get_by_text("3 mentions on 3 dates", exact=False)).to_be_visible()
    expect(ui.page.get_by_text("Chasiv Yar", exact=True)).to_be_visible()
    # The popup is open after the redraw that rings the chosen place; the page did not move.
    expect(ui.map.locator(".leaflet-popup-content")).to_contain_text("Chasiv Yar")
    expect(ui.map.locator("path.fl-chosen")).to_have_count(1)
    expect(ui.page).to_have_url(re.compile(r"place=p-chasiv"))
    assert ui.page.evaluate("document.querySelector('[data-testid=stMain]').scrollTop") == y0
    # Another marker: the history follows the click, at once.
    ui.map.locator(MARKER).last.click()
    expect(ui.page.get_by_text("Kurakhove", exact=True)).to_be_visible(timeout=15_000)
    expect(ui.page.get_by_text("1 mentions on 1 dates", exact=False)).to_be_visible()


def test_offline_base_layer_draws_with_tiles_off(ui: Dashboard) -> None:
    ui.open("?date=2024-05-24&center=48.6000,37.8000&zoom=8")
    ui.expect_places(4, heading="2024-05-24")
    container = ui.map.locator(".leaflet-container")
    expect(container).to_have_attribute("data-fl-basemap", re.compile(r"^[1-9]\d+$"))
    base = ui.map.locator(".leaflet-flBase-pane path")
    assert base.count() >= 5  # land, lakes, rivers, coast, borders
    expect(ui.map.locator(".fl-city", has_text="Kramatorsk")).to_have_count(1)
    assert not any("tile.openstreetmap" in u for u in ui.requests)
    assert any(u.endswith("/app/static/basemap/basemap.json") for u in ui.requests)
    # Zoomed in, the settlements that carry markers are named beside them.
    expect(ui.map.locator(".fl-name")).to_have_count(0)
    ui.map.locator(".leaflet-control-zoom-in").click()
    names = ui.map.locator(".fl-name")
    expect(names.filter(has_text="Chasiv Yar")).to_have_count(1)
    expect(names.filter(has_text="Ocheretyne")).to_have_count(1)


def _boxes(locator) -> list[dict]:
    return [b for b in (locator.nth(i).bounding_box() for i in range(locator.count())) if b]


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]
    )  # fmt: skip


# Labels are placed (and placed again once fonts and the legend settle) in the browser:
# wait until no label box meets a marker, a control or another label, then measure.
_LABELS_SETTLED = """() => {
  const r = (e) => e.getBoundingClientRect();
  const hit = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const all = (sel) => [...document.querySelectorAll(sel)];
  const labels = all('.fl-front-label').filter(e => e.offsetWidth).map(r);
  const others = all('path.leaflet-interactive, .leaflet-control').map(r);
  return labels.length > 0 && labels.every((l, i) => !others.some(o => hit(l, o))
    && !labels.slice(i + 1).some(o => hit(l, o)));
}"""


def test_front_labels_sit_inside_the_map_off_the_markers(ui: Dashboard) -> None:
    for query in ("?date=2024-05-24", "?date=2024-05-24&center=48.3000,37.9000&zoom=9",
                  "?from=2024-05-20&to=2024-05-24"):  # fmt: skip
        ui.open(query)
        labels = ui.map.locator(".fl-front-label")
        expect(labels.first).to_be_visible()
        ui.page.locator(MAP).element_handle().content_frame().wait_for_function(
            _LABELS_SETTLED, timeout=10_000
        )
        frame = ui.page.locator(MAP).bounding_box()
        markers = _boxes(ui.map.locator(MARKER))
        others = _boxes(ui.map.locator(".leaflet-control"))
        shown = [b for b in _boxes(labels) if b["width"] > 0]
        assert shown, query
        for b in shown:
            assert frame["x"] <= b["x"] and b["x"] + b["width"] <= frame["x"] + frame["width"]
            assert frame["y"] <= b["y"] and b["y"] + b["height"] <= frame["y"] + frame["height"]
            assert not any(_overlap(b, m) for m in markers), (query, b)
            assert not any(_overlap(b, c) for c in others), (query, b, others)
        for i, a in enumerate(shown):
            assert not any(_overlap(a, b) for b in shown[i + 1 :])
    # Over a range the label says which date's initiative it shows.
    expect(labels.filter(has_text="Donetsk — initiative: Russia as of 2024-05-24")).to_have_count(1)
    labels.filter(has_text="Donetsk").click()
    popup = ui.map.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("In this range: Russia on 3 dates")


def test_bad_deep_links_say_what_was_shown(ui: Dashboard) -> None:
    ui.open("?date=2030-01-01&fronts=Donetsk,donetsk,Narnia")
    ui.expect_places(3, heading="2024-05-24")
    note = ui.page.get_by_test_id("stAlertContentInfo")
    expect(note).to_contain_text("2030-01-01 is after the latest report (2024-05-24)")
    expect(note).to_contain_text("Unknown fronts ignored: Narnia")
    expect(note).to_contain_text("Donetsk given more than once")
    # The README's example: a range, not one day, and one line saying what it holds.
    ui.open("?from=2024-05-01&to=2024-05-24")
    ui.expect_places(8, heading="2024-05-20 – 2024-05-24")
    expect(ui.page.get_by_role("radio", name="Range")).to_be_checked()
    expect(ui.page.get_by_test_id("stAlertContentInfo")).to_contain_text(
        "Reports in 2024-05-01 – 2024-05-24 run from 2024-05-20 to 2024-05-24 (4 dates)"
    )


def test_play_from_the_latest_date_moves_and_stops(ui: Dashboard) -> None:
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    ui.page.get_by_role("button", name="▶ Play").click()
    # From the first of the last 30 dates (here: the first date) through to the latest.
    ui.expect_places(3, heading="2024-05-20", timeout=30_000)
    ui.expect_places(4, heading="2024-05-24", timeout=30_000)
    expect(ui.page.get_by_role("button", name="▶ Play")).to_be_visible(timeout=30_000)


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
    # The URL follows the run that drew the map (it is written after the map is sent).
    expect(ui.page).to_have_url(re.compile(r"date=2024-05-21"))
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
    # While the app reruns to show the new date, Streamlit may keep the last run's copy
    # of the sidebar beside the new one for a moment: wait until the run is over.
    ui.expect_settled()
    expect(ok).to_have_count(1, timeout=60_000)
    expect(ok).to_contain_text(f"added: {expected.events} events on 2024-05-23")
    if expected.unresolved:
        warn = ui.page.get_by_test_id("stAlertContentWarning").filter(has_text="Unresolved names")
        expect(warn).to_have_count(1, timeout=60_000)
        for name in expected.unresolved:
            expect(warn).to_contain_text(name)
    # The upload is in the user's own store; the shipped data did not change.
    uploads = events_dir.parent / f"uploads-{events_dir.name}"
    assert (uploads / Path(expected.out_file).name).exists()
    assert {p.name: p.read_bytes() for p in events_dir.iterdir()} == shipped


# --- a store under real GeoNames ids, with a stored evidence sentence -------------------

EVIDENCE = "Our own test sentence: the enemy pressed on <b>Bakhmut</b> from the east."


@pytest.fixture(scope="module")
def find_dashboard(tmp_path_factory: pytest.TempPathFactory):
    """A store of places under their real ids; one report keeps its evidence sentence
    (``fronts[].evidence``, as `frontline ingest` writes it for your own reports)."""
    require_browser()
    folder = write_store(tmp_path_factory.mktemp("find") / "events", FIND_REPORTS)
    path = folder / "2023-01-11_dayseries.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["frontline"]["fronts"][0]["evidence"] = EVIDENCE
    path.write_text(json.dumps(doc), encoding="utf-8")
    with test_server(folder) as srv:
        yield srv


@pytest.fixture
def find_ui(page, find_dashboard) -> Dashboard:
    d = Dashboard(page, find_dashboard.url)
    yield d
    d.assert_clean()


def test_find_a_place_by_former_name_pans_and_highlights(find_ui: Dashboard) -> None:
    ui = find_ui
    ui.open("?date=2023-01-11&center=47.0000,33.0000&zoom=8")
    ui.expect_places(4, heading="2023-01-11")
    box = ui.page.get_by_role("textbox", name="Find a place")
    box.fill("Artemivsk")
    box.press("Enter")
    match = ui.page.get_by_text(
        "Bakhmut (as Artemivsk) · Donetsk oblast, Bakhmut raion · 3 mentions", exact=True
    )
    expect(match).to_be_visible(timeout=15_000)
    match.click()
    expect(ui.page.get_by_text("3 mentions on 2 dates", exact=False)).to_be_visible()
    expect(ui.map.locator("path.fl-chosen")).to_have_count(1)
    frame = ui.page.locator(MAP).element_handle().content_frame()
    # The map pans to the chosen place (from the far-away view the link opened).
    ui.page.wait_for_function(
        "f => { const c = f.contentWindow.map.getCenter();"
        " return Math.abs(c.lat - 48.594) < 0.05 && Math.abs(c.lng - 37.999) < 0.05; }",
        arg=ui.page.locator(MAP).element_handle(),
    )
    assert frame.evaluate("window.map.getZoom()") >= 10
    # Namesakes are told apart and ordered by mentions.
    box.fill("Lyman")
    box.press("Enter")
    first = ui.page.get_by_text("Lyman · Donetsk oblast, Kramatorsk raion · 2 mentions")
    second = ui.page.get_by_text("Lyman · Kharkiv oblast, Chuhuiv raion · 1 mention")
    expect(first).to_be_visible()
    expect(second).to_be_visible()
    assert first.bounding_box()["y"] < second.bounding_box()["y"]


def test_front_label_click_shows_the_reports_own_sentence(find_ui: Dashboard) -> None:
    ui = find_ui
    ui.open("?date=2023-01-11")
    ui.expect_places(4, heading="2023-01-11")
    ui.map.locator(".fl-front-label", has_text="Donetsk").click()
    popup = ui.map.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(EVIDENCE)  # as text: the <b> is not markup
    expect(popup.locator("b", has_text="Bakhmut")).to_have_count(0)
    expect(popup).to_contain_text("Day 322 summary")


def test_charts_draw_without_console_warnings(page, dashboard) -> None:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    ui = Dashboard(page, dashboard.url)
    ui.open("?from=2024-05-21&to=2024-05-24")
    charts = ui.page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(2, timeout=30_000)
    expect(charts.last.locator("svg, canvas").first).to_be_visible()
    strip = charts.last.get_by_role("img")
    for text in ("initiative (pale: inferred)", "Russia", "Ukraine", "neither side", "Donetsk"):
        expect(strip).to_contain_text(text)  # the strip's legend and its front axis
    ui.page.get_by_role("button", name="◀ Prev").click()  # and again after a redraw
    ui.expect_places(7, heading="2024-05-20 – 2024-05-22")
    expect(charts).to_have_count(2)
    bad = [m for m in messages if "Infinite extent" in m or "WARN" in m]
    assert not bad, bad
    ui.assert_clean()
