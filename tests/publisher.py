"""A stand-in publisher for the fetch tests: report pages in both ISW site generations, and a
local HTTP server (127.0.0.1 only) that answers the way real servers do and misbehave.

The pages are the skeletons in ``fixtures/pages/`` (the two sites' markup structure,
navigation with place names that must never reach the map) around report text written
for these tests. The server serves scripted answers per path (a page with validators,
a status, a redirect, a hang, a page cut short), answers conditional requests with 304,
and logs every request.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from geo.fetch.sources.isw import new_path, old_path

PAGES = Path(__file__).parent / "fixtures" / "pages"
NAV_PLACES = ("Kramatorsk", "Mariupol")
"""Named only in the skeletons' menus, sidebars and related links, never in a report body."""

# Places a report of the day is about (real names, the test's own sentences).
EAST = [("Bakhmut", "Klishchiivka"), ("Avdiivka", "Marinka"), ("Kreminna", "Bilohorivka")]
SOUTH = [("Orikhiv", "Robotyne"), ("Hulyaipole", "Vuhledar"), ("Kherson", "Beryslav")]


def places_of(day: dt.date) -> tuple[tuple[str, str], tuple[str, str]]:
    """The two eastern and two southern places the fixture report of ``day`` names."""
    k = day.toordinal() % 3
    return EAST[k], SOUTH[k]


def long_date(day: dt.date, year: bool = True) -> str:
    return f"{day:%B} {day.day}" + (f", {day.year}" if year else "")


def title_of(day: dt.date) -> str:
    return f"Russian Offensive Campaign Assessment, {long_date(day, day.year != 2022)}"


def old_body(day: dt.date, note: str = "") -> str:
    """An old-site body field: paragraphs, bold headings, a list, endnotes (own words)."""
    (e1, e2), (s1, s2) = places_of(day)
    d = long_date(day)
    return f"""<p><strong>{title_of(day)}</strong></p>
<p><strong>Fixture Writer and Second Fixture Writer</strong></p>
<p><strong>{d}, 6:00pm ET</strong></p>
<p><strong>This topline was written for Frontline's fetch tests{note}. </strong>It sums up the
day in one invented sentence.[1]</p>
<p><strong>Key Takeaways:</strong></p>
<ul><li>Russian forces kept up attacks near {e1} in the test fixture.</li></ul>
<p><strong>Russian Main Effort—Eastern Ukraine</strong></p>
<p><strong>Russian Subordinate Main Effort—Donetsk Oblast (Russian objective: a fixture goal)
</strong></p>
<p>Russian forces conducted ground attacks near {e1} and {e2} on {long_date(day, False)}.[2]
Russian forces continued offensive operations near {e1}.[3]</p>
<p><strong>Russian Supporting Effort—Southern Axis (Russian objective: another fixture goal)
</strong></p>
<p>Russian forces attacked near {s1} and shelled {s2}.[4] Russian forces continued
ground attacks near {s1}.[5]</p>
<hr/>
<p><a href="#_ednref1">[1]</a> https://example.org/fixture/1</p>
<p><a href="#_ednref2">[2]</a> https://example.org/fixture/2</p>
"""


def new_body(day: dt.date, note: str = "") -> str:
    """A current-site content area: intro, key takeaways, toplines, sections, endnotes."""
    (e1, e2), (s1, s2) = places_of(day)
    md = long_date(day, False)
    return f"""<div>
<p><em>A fixture note about this series, written for Frontline's tests{note}.</em>&nbsp;</p>
<p></p>
<div class="gb-container" data-id="key-takeaways" title="Key Takeaways">
<div class="gb-container form-wrapper-mobile">
<h2 class="gb-headline gb-headline-text">Key Takeaways</h2>
<ol class="wp-block-list">
<li class="has-text-color">Russian forces kept up attacks near {e1} in the test fixture.</li>
</ol>
</div>
</div>
<div class="gb-element" data-id="toplines" title="Toplines">
<h2 class="gb-text">Toplines</h2>
<p><strong>This topline was written for Frontline's fetch tests. </strong>It sums up the day in
one invented sentence.[1]</p>
</div>
<div class="gb-element" data-id="russian-main-effort" title="Russian Main Effort">
<h2 class="gb-text">Russian Main Effort—Eastern Ukraine</h2>
<h3 class="gb-text">Russian Subordinate Main Effort—Donetsk Oblast</h3>
<p>Russian forces conducted ground attacks near {e1} and {e2} on {md}.[2] Russian forces
continued offensive operations near {e1}.[3]</p>
<div class="conflict-map-title" data-map-title="Fixture map title"></div>
<a href="/wp-content/uploads/fixture.webp"><img src="/fixture.webp" alt="Map Thumbnail"></a>
</div>
<div class="gb-element" data-id="russian-supporting-effort" title="Russian Supporting Effort">
<h2 class="gb-text">Russian Supporting Effort—Southern Axis</h2>
<p>Russian forces attacked near {s1} and shelled {s2}.[4] Russian forces continued ground
attacks near {s1}.[5]</p>
</div>
<div class="gb-container" data-id="endnotes" title="Endnotes">
<div class="gb-container gb-accordion"><div class="gb-accordion__item">
<button class="gb-button gb-accordion__toggle"><span class="gb-button-text">Endnotes</span></button>
<div class="gb-accordion__content"><p>[1] https://example.org/fixture/1<br>[2] https://example.org/fixture/2</p></div>
</div></div>
</div>
</div>"""


def _fill(template: str, **values: str) -> str:
    text = (PAGES / template).read_text("utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def old_page(day: dt.date, note: str = "", body: str | None = None) -> str:
    """A whole old-site page for ``day`` at its real address."""
    published = dt.datetime(
        day.year, day.month, day.day, 19, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )
    return _fill(
        "old_site.html", PATH=old_path(day), TITLE=title_of(day), DATE_TEXT=long_date(day),
        PUBLISHED=published.isoformat(), BODY=old_body(day, note) if body is None else body,
    )  # fmt: skip


def new_page(day: dt.date, note: str = "", body: str | None = None, area: bool = True) -> str:
    """A whole current-site page for ``day``; published late evening ET = the next day in UTC.

    ``area=False`` leaves out the content area around the blocks (the blocks alone)."""
    published = dt.datetime(day.year, day.month, day.day, 2, 5, tzinfo=dt.UTC) + dt.timedelta(
        days=1
    )
    return _fill(
        "new_site.html", PATH=new_path(day), TITLE=title_of(day), DATE_TEXT=long_date(day),
        PUBLISHED=published.isoformat(), BODY=new_body(day, note) if body is None else body,
        AREA_OPEN='<div id="printable-area"><div class="dynamic-entry-content">' if area else "",
        AREA_CLOSE="</div></div>" if area else "",
    )  # fmt: skip


# --- the server ----------------------------------------------------------------------------


@dataclass
class Answer:
    """One scripted answer. ``kind``: page, status, redirect, hang, truncated, cut."""

    kind: str
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    seconds: float = 0.0  # hang: how long before answering (a page, unless body is empty)


def page(html: str | bytes, etag: str | None = None, modified: dt.datetime | None = None) -> Answer:
    body = html.encode("utf-8") if isinstance(html, str) else html
    lm = email.utils.format_datetime(modified, usegmt=True) if modified else None
    return Answer("page", body, etag=etag, last_modified=lm)


def status(code: int, **headers: str) -> Answer:
    return Answer(
        "status", status=code, headers={k.replace("_", "-"): v for k, v in headers.items()}
    )


def redirect(location: str, code: int = 301) -> Answer:
    return Answer("redirect", status=code, headers={"Location": location})


def hang(seconds: float, then: Answer | None = None) -> Answer:
    """Say nothing for ``seconds`` (past the client's read timeout), then maybe answer."""
    return Answer("hang", seconds=seconds, body=then.body if then else b"")


def truncated(html: str, keep: int) -> Answer:
    """Promise the whole page (Content-Length) but send only ``keep`` bytes and hang up."""
    return Answer("truncated", html.encode("utf-8"), seconds=keep)


def cut(html: str, keep: int) -> Answer:
    """Send the first ``keep`` bytes as if they were the whole page (no length, then close)."""
    return Answer("cut", html.encode("utf-8")[:keep])


@dataclass
class Hit:
    path: str
    status: int
    headers: dict[str, str]
    sent: int  # body bytes sent


class Publisher:
    """Scripted answers per path; every request is logged in :attr:`hits`."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.hits: list[Hit] = []
        self.gates: dict[str, threading.Event] = {}
        self.entered: dict[str, threading.Event] = {}
        self.closing = threading.Event()
        self.lock = threading.Lock()
        self.url = ""

    def serve(self, path: str, *answers: Answer) -> None:
        """Answer ``path`` with ``answers`` in turn; the last one repeats."""
        self.routes[path] = list(answers)

    def gate(self, path: str) -> tuple[threading.Event, threading.Event]:
        """Hold requests for ``path`` until the returned ``release`` is set; ``entered`` is
        set when one arrives."""
        self.gates[path], self.entered[path] = threading.Event(), threading.Event()
        return self.entered[path], self.gates[path]

    def requested(self, path: str | None = None, status: int | None = None) -> list[Hit]:
        with self.lock:
            return [
                h for h in self.hits
                if (path is None or h.path == path) and (status is None or h.status == status)
            ]  # fmt: skip

    def _next(self, path: str) -> Answer | None:
        with self.lock:
            answers = self.routes.get(path)
            if not answers:
                return None
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def _log(self, path: str, code: int, headers: dict[str, str], sent: int) -> None:
        with self.lock:
            self.hits.append(Hit(path, code, headers, sent))


def _handler(pub: Publisher) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            path = self.path
            headers = {k: v for k, v in self.headers.items()}
            if path in pub.gates:
                pub.entered[path].set()
                pub.gates[path].wait(10)
            ans = pub._next(path)
            if ans is None:
                return self._send(path, headers, 404, b"not found", {})
            if ans.kind == "page":
                # RFC 9110: If-None-Match, when sent, decides alone
                inm, ims = headers.get("If-None-Match"), headers.get("If-Modified-Since")
                if (inm is not None and inm == ans.etag) or (
                    inm is None and ims is not None and ims == ans.last_modified
                ):
                    return self._send(path, headers, 304, b"", _validators(ans))
                extra = {"Content-Type": "text/html; charset=utf-8", **_validators(ans)}
                return self._send(path, headers, 200, ans.body, extra)
            if ans.kind in ("status", "redirect"):
                return self._send(path, headers, ans.status, b"", ans.headers)
            if ans.kind == "hang":
                pub.closing.wait(ans.seconds)
                self._send(path, headers, 200, ans.body, {"Content-Type": "text/html"})
                return None
            if ans.kind == "truncated":
                keep = int(ans.seconds)
                pub._log(path, 200, headers, keep)
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(ans.body)))
                self.end_headers()
                self.wfile.write(ans.body[:keep])
                self.wfile.flush()
                self.close_connection = True
                return None
            if ans.kind == "cut":
                pub._log(path, 200, headers, len(ans.body))
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(ans.body)
                self.close_connection = True
                return None
            raise AssertionError(ans.kind)

        def _send(
            self, path: str, headers: dict[str, str], code: int, body: bytes, extra: dict[str, str]
        ) -> None:
            # logged before answering: the client may act on the answer at once
            pub._log(path, code, headers, len(body) if code != 304 else 0)
            self.send_response(code)
            for k, v in extra.items():
                self.send_header(k, v)
            if code != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if code != 304:
                self.wfile.write(body)

    return Handler


def _validators(ans: Answer) -> dict[str, str]:
    out = {}
    if ans.etag:
        out["ETag"] = ans.etag
    if ans.last_modified:
        out["Last-Modified"] = ans.last_modified
    return out


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that gave up (timeout) while a hang was answered is expected: quiet."""


@contextmanager
def publisher() -> Iterator[Publisher]:
    """A running :class:`Publisher` on 127.0.0.1; stopped (and its hangs released) after."""
    pub = Publisher()
    server = _Server(("127.0.0.1", 0), _handler(pub))
    pub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield pub
    finally:
        pub.closing.set()
        for g in pub.gates.values():
            g.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
