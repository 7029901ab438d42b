"""The report body, title, date and canonical address read out of ISW pages of both site
generations; never the navigation around it."""

from __future__ import annotations

import datetime as dt

import pytest
from publisher import NAV_PLACES, new_page, old_page, places_of

from geo.errors import PageError
from geo.parse.pages import NEW_SITE, OLD_SITE, extract_page, page_date
from geo.parse.report import parse_text
from geo.settings import settings

OLD_DAY = dt.date(2023, 5, 3)
NEW_DAY = dt.date(2025, 12, 18)
CHROME = (
    "Who We Are", "Donate", "Search form", "Download the PDF", "Related Research",
    "Analyst Notes", "Jump to", "Fixture footer", "Previous", "Battle Map", "Newsroom",
)  # fmt: skip


@pytest.fixture(scope="module")
def gaz():
    from geo.places.gazetteer import load_gazetteer

    return load_gazetteer()


def _no_chrome(body: str) -> None:
    for word in (*CHROME, *NAV_PLACES):
        assert word not in body, word


def test_old_site_page_gives_the_body_field_only():
    page = extract_page(old_page(OLD_DAY), None)
    assert page is not None and page.layout == OLD_SITE
    assert page.title == "Russian Offensive Campaign Assessment, May 3, 2023"
    assert page.date == OLD_DAY
    # the canonical link is relative on the old site; it names the old site's host
    assert page.url == (
        "https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment-may-3-2023"
    )
    (e1, e2), (s1, _) = places_of(OLD_DAY)
    assert f"near {e1} and {e2}" in page.body and s1 in page.body
    assert any(
        ln.startswith("Russian Subordinate Main Effort—Donetsk Oblast (")
        for ln in page.body.splitlines()
    )
    assert "- Russian forces kept up attacks" in page.body  # list items keep their marker
    _no_chrome(page.body)


def test_relative_canonical_resolves_against_the_address_given():
    url = "https://www.understandingwar.org/backgrounder/russian-offensive-campaign-assessment-may-3-2023"
    page = extract_page(old_page(OLD_DAY), url)
    assert page is not None and page.url == url
    # a development host in og:url (as on real old pages) is never taken as the address
    assert "dev-site" not in (page.url or "")


def test_2022_title_without_year_takes_the_year_of_publication():
    day = dt.date(2022, 9, 29)
    page = extract_page(old_page(day), None)
    assert page is not None
    assert page.title == "Russian Offensive Campaign Assessment, September 29"
    assert page.date == day
    assert page.url and page.url.endswith(
        "/backgrounder/russian-offensive-campaign-assessment-september-29"
    )


@pytest.mark.parametrize(
    ("title", "published", "want"),
    [
        # a late-December report published just after midnight keeps its year
        (
            "Assessment, December 31",
            dt.datetime(2023, 1, 1, 0, 30, tzinfo=dt.UTC),
            dt.date(2022, 12, 31),
        ),
        # an evening report is the next day in UTC but the same day in US Eastern time
        ("Special report", dt.datetime(2025, 12, 19, 2, 5, tzinfo=dt.UTC), dt.date(2025, 12, 18)),
        (
            "Report, March 16, 2026",
            dt.datetime(2026, 3, 17, 2, 5, tzinfo=dt.UTC),
            dt.date(2026, 3, 16),
        ),
        ("Report without a date", None, None),
    ],
)
def test_page_date(title, published, want):
    assert page_date(title, published, None) == want


def test_new_site_page_gives_the_content_blocks_only():
    page = extract_page(new_page(NEW_DAY), None)
    assert page is not None and page.layout == NEW_SITE
    assert page.title == "Russian Offensive Campaign Assessment, December 18, 2025"
    assert page.date == NEW_DAY  # published 02:05 UTC the next day
    assert page.url == (
        "https://understandingwar.org/research/russia-ukraine/"
        "russian-offensive-campaign-assessment-december-18-2025/"
    )
    assert page.sections == (
        "key-takeaways", "toplines", "russian-main-effort", "russian-supporting-effort", "endnotes"
    )  # fmt: skip
    lines = page.body.splitlines()
    for heading in ("Key Takeaways", "Toplines", "Russian Main Effort—Eastern Ukraine"):
        assert heading in lines
    assert "[2] https://example.org/fixture/2" in lines  # endnotes are kept, one per line
    # the menu closes </body></html> early (as on the real site); nothing after it leaks in
    _no_chrome(page.body)


def test_new_site_blocks_without_the_content_area_are_read_in_order():
    page = extract_page(new_page(NEW_DAY, area=False), None)
    assert page is not None and page.sections[0] == "key-takeaways"
    assert page.body.index("Key Takeaways") < page.body.index("Russian Supporting Effort")
    assert "fixture note" not in page.body  # text outside the blocks is not in them
    _no_chrome(page.body)


def test_page_of_another_site_is_not_recognised():
    assert (
        extract_page("<html><head><title>Hello</title></head><body><p>Hi</p></body></html>") is None
    )
    assert extract_page("", None) is None


def test_isw_page_with_an_unknown_layout_is_an_error_naming_the_page():
    html = old_page(OLD_DAY).replace("field-name-body", "field-name-article-text")
    with pytest.raises(PageError) as err:
        extract_page(html, "https://www.understandingwar.org/backgrounder/x")
    # named by the page's own address
    assert (
        "understandingwar.org/backgrounder/russian-offensive-campaign-assessment-may-3-2023:"
        in str(err.value)
    )
    assert "layout is unknown" in str(err.value)


def test_page_cut_inside_the_body_is_an_error_not_half_a_report():
    html = old_page(OLD_DAY)
    cut = html[: html.index("Russian Supporting Effort")]
    with pytest.raises(PageError, match="cut short"):
        extract_page(cut, None)
    new = new_page(NEW_DAY)
    with pytest.raises(PageError, match="cut short"):
        extract_page(new[: new.index('data-id="endnotes"')], None)


def test_empty_body_is_an_error():
    with pytest.raises(PageError, match="empty"):
        extract_page(old_page(OLD_DAY, body="<p> </p>"), None)


def test_report_text_is_read_by_the_isw_format_with_the_canonical_address(gaz):
    page = extract_page(new_page(NEW_DAY), None)
    assert page is not None
    report = parse_text(page.report_text(), fmt="auto", gaz=gaz)
    assert report.format == "isw"
    assert report.date == NEW_DAY
    assert report.source_url == page.url
    assert {f.name for f in report.fronts} >= {"Donetsk"}
    names = {m.text for f in report.fronts for s in f.sections for m in s.mentions}
    assert not names & set(NAV_PLACES)


# --- real pages (development materials, when present) ------------------------------------

SHARED = settings.shared_dir / "reports"


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", ["isw_2023-04-30.html", "isw_2023-05-03.html", "isw_2023-05-05.html"]
)
def test_real_old_site_pages(name):
    path = SHARED / "isw-later" / name
    if not path.exists():
        pytest.skip("../shared is not here")
    day = dt.date.fromisoformat(name[4:14])
    page = extract_page(path.read_text("utf-8"), None)
    assert page is not None and page.layout == OLD_SITE and page.date == day
    assert page.url and page.url.startswith("https://www.understandingwar.org/backgrounder/")
    assert page.body.splitlines()[0] == page.title
    for chrome in ("Who We Are", "Search form", "Download the PDF", "Planned Giving"):
        assert chrome not in page.body


@pytest.mark.shared
def test_real_new_site_page():
    path = SHARED / "pages" / "layout_example_new_site_iran-update_2026-03-16.html"
    if not path.exists():
        pytest.skip("../shared is not here")
    page = extract_page(path.read_text("utf-8"), None)
    assert page is not None and page.layout == NEW_SITE
    assert page.date == dt.date(2026, 3, 16)
    assert {"key-takeaways", "toplines", "endnotes"} <= set(page.sections)
    assert page.url and page.url.startswith("https://understandingwar.org/research/")
    for chrome in ("Related Research", "Planned Giving", "Jump to", "Analyst Notes", "Donate"):
        assert chrome not in page.body
