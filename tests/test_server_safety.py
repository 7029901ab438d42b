"""Issue 16, items 6, 8, 9 and 10, in a real browser against a real server.

Each test runs a server of its own (they write, or start it differently).
Every server here runs with tests/_server_guard: any connection it (or an
upload worker it starts) tries outside this machine is refused and logged,
and the tests assert the log is empty.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import Dashboard, require_browser, test_server, write_store
from playwright.sync_api import expect

from geo.view.access import is_loopback
from geo.view.safe import WORD_JOINER

pytestmark = pytest.mark.browser

OUTSIDE = "203.0.113.3"  # TEST-NET-3: an address no test may reach


def _listening(port: int) -> list[str]:
    """Local addresses of the sockets listening on ``port`` (from /proc/net/tcp, tcp6)."""
    out = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, _, state = line.split()[1:4]
            host, p = local.split(":")
            if state != "0A" or int(p, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(host)
            if width == 8:
                out.append(".".join(str(b) for b in raw[::-1]))
            else:  # four little-endian 32-bit words
                words = [raw[i : i + 4][::-1] for i in range(0, 16, 4)]
                import ipaddress

                out.append(str(ipaddress.IPv6Address(b"".join(words))))
    return out


def test_as_users_start_it_the_server_listens_here_only_and_asks_nothing_outside(page, tmp_path):
    """``streamlit run app.py`` with the project's config: 127.0.0.1, no IP lookups."""
    require_browser()
    with test_server(write_store(tmp_path / "events"), as_users_start_it=True) as srv:
        addresses = _listening(srv.port)
        assert addresses and all(is_loopback(a) for a in addresses), addresses
        ui = Dashboard(page, srv.url)
        ui.open()
        ui.expect_places(4, heading="2024-05-24")
        ui.assert_clean()
        assert srv.outside_attempts() == []


@pytest.fixture
def own_server(tmp_path):
    require_browser()
    with test_server(write_store(tmp_path / "events")) as srv:
        yield srv
        assert srv.outside_attempts() == [], "the server reached outside this machine"


def _shown(literal: str) -> re.Pattern[str]:
    """``literal`` as the page shows it: md() puts an invisible word joiner before
    anything GitHub would autolink."""
    return re.compile(f"{WORD_JOINER}?".join(map(re.escape, literal)))


def _upload(ui: Dashboard, files: list[dict]) -> None:
    box = ui.page.get_by_test_id("stFileUploader").filter(has_text="Report files")
    box.locator("input[type=file]").set_input_files(files=files)


BULLETIN = (
    f"Bulletin ![t](http://{OUTSIDE}/t.png) [more](http://{OUTSIDE}/m) – Day 820 (May 23, 2024)"
    "\n\nKharkiv Front – Initiative Russia\n\n"
    f"<img src=http://{OUTSIDE}/h.png> direction\n\n"
    "Fighting continued in Vovchansk, near Lyptsi and at Zzyzxhovka.\n"
)
UNDATED_ISW = (
    f"Russian Offensive Campaign Assessment, ![q](http://{OUTSIDE}/q.png) August 15\n\n"
    "Russian forces attacked near Bakhmut.\n"
)
NAMES = {
    "image": f"![x](http://{OUTSIDE}/up.png).txt",
    "link": f"[link](http://{OUTSIDE}/a) <img src=http://{OUTSIDE}/i.png>.txt",
    "isw": f"isw **bold** :red[x] $x$ <b>b</b> www.{OUTSIDE}.nip.io.txt",
}


def test_markdown_and_html_in_upload_names_and_report_text_stay_text(own_server, page):
    ui = Dashboard(page, own_server.url)
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    _upload(
        ui,
        [
            {"name": NAMES["image"], "mimeType": "text/plain", "buffer": b"\x00\xff\xfe" * 50},
            {"name": NAMES["link"], "mimeType": "text/plain", "buffer": BULLETIN.encode()},
            {"name": NAMES["isw"], "mimeType": "text/plain", "buffer": UNDATED_ISW.encode()},
        ],
    )
    sidebar = ui.page.get_by_test_id("stSidebar")
    # Every name and quoted title shows as written: as text, not as Markdown or HTML.
    alerts = sidebar.get_by_test_id("stAlertContainer")
    expect(alerts.filter(has_text=_shown(NAMES["image"]))).to_have_count(1, timeout=120_000)
    expect(alerts.filter(has_text=_shown(NAMES["isw"]))).to_have_count(1, timeout=120_000)
    expect(alerts.filter(has_text=_shown(f"![q](http://{OUTSIDE}/q.png)"))).to_have_count(1)
    ui.expect_places(2, heading="2024-05-23", timeout=120_000)  # the bulletin was added
    added = alerts.filter(has_text=_shown(NAMES["link"]))
    expect(added).to_contain_text("added:")
    # Nothing became a link, an image or markup pointing outside; nothing was requested.
    bad = f'a[href*="{OUTSIDE}"], img[src*="{OUTSIDE}"], [style*="{OUTSIDE}"]'
    expect(ui.page.locator(bad)).to_have_count(0)
    expect(sidebar.locator("strong, em, code, b").filter(has_text="bold")).to_have_count(0)
    ui.assert_clean()


def test_uploads_are_for_operators_when_the_dashboard_is_served_to_others(tmp_path, page):
    require_browser()
    with test_server(write_store(tmp_path / "events"), FRONTLINE_UPLOADS="operators") as srv:
        ui = Dashboard(page, srv.url)
        ui.open()
        ui.expect_places(4, heading="2024-05-24")
        sidebar = ui.page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("only its operator can add reports")).to_be_visible()
        uploader = ui.page.get_by_test_id("stFileUploader").filter(has_text="Report files")
        expect(uploader).to_have_count(0)
        ui.assert_clean()
        assert srv.outside_attempts() == []


def test_a_visitor_through_a_proxy_cannot_add_reports(own_server, page):
    """``auto``: a request forwarded by a proxy is someone else, not this machine's user."""
    ui = Dashboard(page, own_server.url)
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    uploader = ui.page.get_by_test_id("stFileUploader").filter(has_text="Report files")
    expect(uploader).to_have_count(1)
    expect(uploader).to_contain_text("up to 5 MB each")  # the real limit, not Streamlit's
    expect(uploader).not_to_contain_text("30MB")
    ui.page.set_extra_http_headers({"X-Forwarded-For": "203.0.113.7"})
    ui.open()
    ui.expect_places(4, heading="2024-05-24")
    expect(ui.page.get_by_text("only its operator can add reports")).to_be_visible()
    expect(uploader).to_have_count(0)
    ui.assert_clean()


# 126 KB of "*a ": the Markdown emphasis rules took minutes on it, in the server's
# process, holding the interpreter: every visitor's page froze (issue 16, item 6).
HOSTILE = b"*a " * 42_000


def test_a_hostile_upload_never_blocks_another_visitor(new_context, tmp_path):
    require_browser()
    with test_server(write_store(tmp_path / "events"), FRONTLINE_UPLOAD_SECONDS="30") as srv:
        first = Dashboard(new_context().new_page(), srv.url)
        first.open()
        first.expect_places(4, heading="2024-05-24")
        _upload(first, [{"name": "star.md", "mimeType": "text/markdown", "buffer": HOSTILE}])
        # the file is taken (its chip); "Reading star.md…" may already show beside it
        chip = first.page.get_by_test_id("stSidebar").get_by_test_id("stFileChipName")
        expect(chip.filter(has_text="star.md")).to_be_visible()
        # While that file is read, someone else opens the dashboard and uses it.
        second = Dashboard(new_context().new_page(), srv.url)
        second.open()
        second.expect_places(4, heading="2024-05-24", timeout=30_000)
        second.page.get_by_role("button", name="◀ Prev").click()
        second.expect_places(4, heading="2024-05-22", timeout=30_000)
        # The first visitor gets one line about the file, and the map is as it was.
        err = first.page.get_by_test_id("stAlertContentError").filter(has_text="star.md")
        expect(err).to_have_count(1, timeout=90_000)
        expect(first.page.get_by_test_id("stException")).to_have_count(0)
        first.expect_places(4, heading="2024-05-24")
        for d in (first, second):
            d.assert_clean()
        assert srv.outside_attempts() == []
