"""Polite HTTP against a local stand-in server: retries, Retry-After, timeouts, pages cut
short, redirects, conditional requests, robots.txt, the cross-process rate limit."""

from __future__ import annotations

import datetime as dt
import email.utils
from pathlib import Path

import pytest
from publisher import cut, hang, page, publisher, redirect, status, truncated

from geo.errors import FetchError
from geo.fetch.http import Fetcher, RateLimiter, Validators, retry_after
from geo.settings import settings

HTML = "<html><body><p>" + "a fixture page " * 400 + "</p></body></html>"
MODIFIED = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def site():
    with publisher() as pub:
        yield pub


@pytest.fixture
def fetcher(tmp_path: Path):
    waits: list[tuple[str, float, str]] = []
    f = Fetcher(
        interval=0, read_timeout=1.0, connect_timeout=2, retries=2, backoff=0.01,
        max_wait=5, rate_dir=tmp_path / "rate",
        on_wait=lambda url, s, why: waits.append((url, s, why)),
    )  # fmt: skip
    f.waits = waits  # type: ignore[attr-defined]
    yield f
    f.close()


def test_page_is_fetched_with_the_settings_user_agent(site, fetcher):
    site.serve("/a", page(HTML))
    r = fetcher.get(site.url + "/a")
    assert r.status == 200 and r.body.decode() == HTML and not r.redirected
    assert site.requested("/a")[0].headers["User-Agent"] == settings.user_agent
    assert fetcher.downloaded == len(HTML)


def test_missing_page_is_an_answer_not_an_error(site, fetcher):
    assert fetcher.get(site.url + "/nothing").status == 404
    site.serve("/gone", status(410))
    assert fetcher.get(site.url + "/gone").status == 410
    assert len(site.requested("/nothing")) == 1  # no retry


def test_server_error_then_success_is_retried_with_backoff(site, fetcher):
    site.serve("/a", status(500), status(503), page(HTML))
    r = fetcher.get(site.url + "/a")
    assert r.status == 200
    assert [h.status for h in site.requested("/a")] == [500, 503, 200]
    assert [w[1] for w in fetcher.waits] == [0.01, 0.02]  # doubling


def test_server_error_every_time_gives_up_naming_the_url(site, fetcher):
    site.serve("/a", status(502))
    with pytest.raises(FetchError, match=r"/a: HTTP 502 .*gave up after 3 tries"):
        fetcher.get(site.url + "/a")
    assert len(site.requested("/a")) == 3


def test_429_waits_as_long_as_retry_after_asks(site, fetcher):
    site.serve("/a", status(429, Retry_After="1"), page(HTML))
    assert fetcher.get(site.url + "/a").status == 200
    assert fetcher.waits == [(site.url + "/a", 1.0, "HTTP 429 Too Many Requests")]


def test_retry_after_longer_than_the_limit_fails_that_page(site, fetcher):
    site.serve("/a", status(503, Retry_After="3600"), page(HTML))
    with pytest.raises(FetchError, match="asks to wait 3600 s, more than FRONTLINE_FETCH_MAX_WAIT"):
        fetcher.get(site.url + "/a")
    assert len(site.requested("/a")) == 1


def test_retry_after_as_a_date():
    now = 1_700_000_000.0
    when = email.utils.formatdate(now + 120, usegmt=True)
    assert retry_after(when, now=now) == pytest.approx(120)
    assert retry_after("7") == 7.0
    assert retry_after(email.utils.formatdate(now - 50, usegmt=True), now=now) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_page_that_hangs_past_the_timeout_is_retried(site, fetcher):
    site.serve("/a", hang(3.0), page(HTML))
    assert fetcher.get(site.url + "/a").body.decode() == HTML
    assert fetcher.waits[0][2] == "no answer within 1 s"


def test_page_that_always_hangs_fails(site, fetcher):
    site.serve("/a", hang(3.0))
    with pytest.raises(FetchError, match="gave up after 3 tries"):
        fetcher.get(site.url + "/a")


def test_page_cut_short_is_retried_then_fails(site, fetcher):
    site.serve("/a", truncated(HTML, 500), page(HTML))
    assert fetcher.get(site.url + "/a").body.decode() == HTML
    assert fetcher.waits[0][2] == "the page was cut short"
    site.serve("/b", truncated(HTML, 500))
    with pytest.raises(FetchError, match="cut short"):
        fetcher.get(site.url + "/b")


def test_page_without_a_length_that_stops_early_is_returned_as_sent(site, fetcher):
    # nothing on the wire says it is short: reading the page must notice (see test_pages)
    site.serve("/a", cut(HTML, 300))
    assert len(fetcher.get(site.url + "/a").body) == 300


def test_redirects_are_followed_one_polite_request_each(site, fetcher):
    site.serve("/old", redirect("/middle"))
    site.serve("/middle", redirect(site.url + "/new/", 308))
    site.serve("/new/", page(HTML))
    r = fetcher.get(site.url + "/old")
    assert r.status == 200 and r.redirected and r.final_url == site.url + "/new/"
    assert [h.path for h in site.requested() if h.path != "/robots.txt"] == [
        "/old",
        "/middle",
        "/new/",
    ]


def test_redirect_loop_fails(site, fetcher):
    site.serve("/a", redirect("/b"))
    site.serve("/b", redirect("/a"))
    with pytest.raises(FetchError, match="more than 10 redirects"):
        fetcher.get(site.url + "/a")


def test_conditional_requests_get_304_and_no_body(site, fetcher):
    site.serve("/a", page(HTML, etag='"v1"', modified=MODIFIED))
    first = fetcher.get(site.url + "/a")
    assert first.validators == Validators(
        '"v1"', email.utils.format_datetime(MODIFIED, usegmt=True)
    )
    again = fetcher.get(site.url + "/a", first.validators)
    assert again.not_modified and again.body == b""
    assert site.requested("/a")[-1].headers["If-None-Match"] == '"v1"'
    only_date = fetcher.get(site.url + "/a", Validators(None, first.validators.last_modified))
    assert only_date.status == 304
    assert fetcher.downloaded == len(HTML)


def test_refusal_is_not_retried_and_says_what_to_do(site, fetcher):
    site.serve("/a", status(403))
    with pytest.raises(FetchError, match="FRONTLINE_USER_AGENT"):
        fetcher.get(site.url + "/a")
    assert len(site.requested("/a")) == 1


def test_page_over_the_size_limit_is_refused(site, tmp_path):
    site.serve("/a", page(HTML))
    with (
        Fetcher(interval=0, max_bytes=1000, rate_dir=tmp_path) as f,
        pytest.raises(FetchError, match="limit is 1,000"),
    ):
        f.get(site.url + "/a")


def test_robots_txt_is_respected(site, fetcher):
    site.serve("/robots.txt", page("User-agent: *\nDisallow: /private/\n"))
    site.serve("/private/a", page(HTML))
    site.serve("/public/a", page(HTML))
    with pytest.raises(FetchError, match=r"robots\.txt does not allow"):
        fetcher.get(site.url + "/private/a")
    assert fetcher.get(site.url + "/public/a").status == 200
    assert not site.requested("/private/a")
    assert len(site.requested("/robots.txt")) == 1  # read once per run


def test_robots_txt_rules_for_frontline_apply(site, fetcher):
    site.serve(
        "/robots.txt", page("User-agent: frontline\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    )
    site.serve("/a", page(HTML))
    with pytest.raises(FetchError, match=r"robots\.txt does not allow"):
        fetcher.get(site.url + "/a")


def test_unreachable_robots_txt_stops_fetching_from_that_site(site, fetcher):
    site.serve("/robots.txt", status(500))
    site.serve("/a", page(HTML))
    with pytest.raises(FetchError, match=r"robots\.txt could not be read"):
        fetcher.get(site.url + "/a")
    assert not site.requested("/a")


def test_crawl_delay_longer_than_the_interval_wins(site, tmp_path):
    site.serve("/robots.txt", page("User-agent: *\nCrawl-delay: 2\n"))
    site.serve("/a", page(HTML))
    slept: list[float] = []
    with Fetcher(interval=0.5, rate_dir=tmp_path, sleep=slept.append) as f:
        f.get(site.url + "/a")
        f.get(site.url + "/a")
    # robots.txt at 0.5 s, the first page then waits out Crawl-delay, and the second too
    assert len(slept) == 2 and all(1.5 < s <= 2.0 for s in slept)


# --- the cross-process rate limit ---------------------------------------------------------


class _Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.t += s

    slept: list[float]


def test_rate_limit_is_shared_through_the_stamp_file(tmp_path):
    # two limiters on one folder stand for two processes: each opens the file itself
    clock = _Clock(1000.0)
    clock.slept = []
    a = RateLimiter(tmp_path, clock=clock, sleep=clock.sleep)
    b = RateLimiter(tmp_path, clock=clock, sleep=clock.sleep)
    assert a.wait("example.org", 1.0) == 0.0
    clock.t += 0.25
    assert b.wait("example.org", 1.0) == pytest.approx(0.75)
    assert b.wait("other.example", 1.0) == 0.0  # per host
    clock.t += 5
    assert a.wait("example.org", 1.0) == 0.0
    assert clock.slept == [pytest.approx(0.75)]


def test_rate_limit_ignores_a_stamp_from_the_future_and_interval_zero(tmp_path):
    clock = _Clock(1000.0)
    clock.slept = []
    lim = RateLimiter(tmp_path, clock=clock, sleep=clock.sleep)
    lim.path("h").parent.mkdir(parents=True, exist_ok=True)
    lim.path("h").write_text("999999.0")  # a clock set back
    assert lim.wait("h", 1.0) == 0.0
    assert lim.wait("z", 0) == 0.0 and not lim.path("z").exists()
