"""Take the README's screenshots of the running dashboard (not a test).

    python tests/_screenshots.py [EVENTS_DIR] [--out docs]

Starts ``streamlit run app.py`` on EVENTS_DIR (default data/events) with map
tiles off, so the pictures show what an offline user sees (the Natural Earth
base layer, no OpenStreetMap), opens it in headless Chromium in a 1400x1000
window (a laptop screen) and writes ``screenshot_day.png`` (the newest report),
``screenshot_range.png`` (a month) and ``screenshot_history.png`` (a place
found under an old spelling, with its history).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's geo and app

from geo.serve import CHROMIUM, CHROMIUM_ARGS, StreamlitServer
from geo.settings import settings

REPO_ROOT = settings.repo_root
MAP = 'iframe[title="streamlit_folium.st_folium"]'
VIEWPORT = {"width": 1400, "height": 1000}


def _settle(page, heading: str) -> None:
    """Wait for the view of ``heading``: its markers, the base layer, the charts below."""
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=60_000)
    frame = page.frame_locator(MAP)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    frame.locator(".leaflet-container[data-fl-basemap]").wait_for(state="attached", timeout=60_000)
    page.get_by_text("Activity per front").wait_for(timeout=60_000)
    time.sleep(1.0)  # label placement and fonts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("events_dir", nargs="?", type=Path, default=REPO_ROOT / "data" / "events")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "docs")
    ap.add_argument("--day", default="2026-02-07", help="the day to show (the newest report)")
    ap.add_argument("--range", default="2022-06-01,2022-06-30", help="FROM,TO of the month")
    ap.add_argument("--find", default="Severodonetsk", help="a name to type in Find a place")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    a.out.mkdir(parents=True, exist_ok=True)
    lo, hi = a.range.split(",")
    env = {"FRONTLINE_TILES": "0", "FRONTLINE_OVERLAY_DIR": None}
    with StreamlitServer(a.events_dir.resolve(), env=env) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{srv.url}?date={a.day}")
        _settle(page, a.day)
        page.screenshot(path=str(a.out / "screenshot_day.png"))

        page.goto(f"{srv.url}?from={lo}&to={hi}")
        _settle(page, f"{lo} – {hi}")
        page.screenshot(path=str(a.out / "screenshot_range.png"))

        box = page.get_by_role("textbox", name="Find a place")
        box.fill(a.find)
        box.press("Enter")
        page.get_by_text(re.compile(r"· [\d,]+ mentions?$")).first.click()
        page.get_by_test_id("stDataFrame").wait_for(timeout=30_000)
        page.frame_locator(MAP).locator("path.fl-chosen").wait_for(timeout=30_000)
        time.sleep(1.5)  # the pan to the place
        page.screenshot(path=str(a.out / "screenshot_history.png"))
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
