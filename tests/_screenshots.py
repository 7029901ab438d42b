"""Take the README's screenshots of the running dashboard (not a test).

    python tests/_screenshots.py [EVENTS_DIR] [--out docs]

Starts ``streamlit run app.py`` on EVENTS_DIR (default data/events) with tiles
off, opens it in headless Chromium at 1400x1800 (Streamlit scrolls inside its
own container, so a tall viewport shows the whole page), and writes
``screenshot_day.png``, ``screenshot_range.png``, ``screenshot_history.png``.
Also prints the times from server start to first map and for a step to the
previous day.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from geo.serve import CHROMIUM, CHROMIUM_ARGS, StreamlitServer
from geo.settings import settings

REPO_ROOT = settings.repo_root

MAP = 'iframe[title="streamlit_folium.st_folium"]'


def _wait_map(page, old_count_text: str | None = None) -> None:
    page.wait_for_selector(MAP, timeout=60_000)
    if old_count_text is not None:
        t0 = time.monotonic()
        while time.monotonic() - t0 < 30:
            if page.get_by_text("Showing").first.inner_text() != old_count_text:
                break
            time.sleep(0.05)
    one = f"document.querySelectorAll('{MAP}').length === 1"
    page.wait_for_function(one, timeout=30_000)
    time.sleep(0.3)
    page.wait_for_function(one, timeout=30_000)
    page.frame_locator(MAP).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("events_dir", nargs="?", type=Path, default=REPO_ROOT / "data" / "events")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "docs")
    ap.add_argument("--query", default="", help="URL query for the day view, e.g. ?date=...")
    ap.add_argument("--range-query", default="", help="URL query for the range view")
    ap.add_argument("--place", default="", help="place_id for the history view (default: click)")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    a.out.mkdir(parents=True, exist_ok=True)
    t_start = time.monotonic()
    env = {"FRONTLINE_TILES": "0", "FRONTLINE_OVERLAY_DIR": None}
    server = StreamlitServer(a.events_dir.resolve(), env=env)
    with server as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(srv.url + a.query)
        _wait_map(page)
        print(f"server start to first map: {time.monotonic() - t_start:.2f}s")
        time.sleep(1.0)
        page.screenshot(path=str(a.out / "screenshot_day.png"))

        before = page.get_by_text("Showing").first.inner_text()
        t0 = time.monotonic()
        page.get_by_role("button", name="◀ Prev").click()
        _wait_map(page, before)
        print(f"step to updated map: {time.monotonic() - t0:.2f}s")

        page.goto(srv.url + a.range_query)
        _wait_map(page)
        if not a.range_query:
            page.get_by_role("radio", name="Range").click(force=True)
            _wait_map(page, page.get_by_text("Showing").first.inner_text())
        time.sleep(1.0)
        page.screenshot(path=str(a.out / "screenshot_range.png"))

        if a.place:  # the shared-URL way; clicking is covered by the browser test
            page.goto(srv.url + (a.range_query or "?") + f"&place={a.place}")
            _wait_map(page)
        else:
            page.frame_locator(MAP).locator("path.leaflet-interactive").last.click()
        page.get_by_test_id("stDataFrame").wait_for(timeout=30_000)
        time.sleep(1.0)
        page.screenshot(path=str(a.out / "screenshot_history.png"))
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
