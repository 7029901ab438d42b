"""The Nominatim fallback against a stand-in server on 127.0.0.1 (never the real one).

The session-wide network guard (tests/_netguard.py, activated in conftest.py)
makes any non-loopback connection fail, so these tests prove the fallback talks
only to the address it is given.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from _netguard import NetworkBlocked
from helpers import REPO, child

from geo.resolve.online import NominatimFallback, place_from_raw

UA = "frontline-tests/1.0 (tests@example.org)"

# Nominatim-like answers (format=json, addressdetails=1); coordinates are facts.
ANSWERS = {
    "Bohorodychne": [
        {
            "place_id": 1234, "osm_type": "node", "osm_id": 337011, "lat": "49.0405",
            "lon": "37.6010", "class": "place", "type": "village", "name": "Bohorodychne",
            "display_name": "Bohorodychne, Kramatorsk Raion, Donetsk Oblast, Ukraine",
            "address": {"state": "Donetsk Oblast", "country_code": "ua"},
        }
    ],
    "Nowhere": [],
}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        qs = parse_qs(url.query)
        self.server.seen.append(
            {
                "path": url.path,
                "qs": qs,
                "ua": self.headers.get("User-Agent"),
                "t": time.monotonic(),
            }
        )
        q = qs.get("q", [""])[0]
        if q == "Slowtown":
            time.sleep(1.5)
        body = json.dumps(ANSWERS.get(q, [])).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.seen = []
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _fallback(server, tmp_path, **kw) -> NominatimFallback:
    kw.setdefault("min_delay", 0.0)
    kw.setdefault("timeout", 5)
    return NominatimFallback(
        user_agent=UA, domain=f"127.0.0.1:{server.server_address[1]}", scheme="http",
        cache_dir=tmp_path / "nominatim", **kw,
    )  # fmt: skip


def test_lookup_returns_a_place_and_sends_agent_and_country_codes(server, tmp_path):
    fb = _fallback(server, tmp_path, country_codes=("ua", "ru"))
    p = fb.lookup("Bohorodychne")
    assert p is not None
    assert p.place_id == "osm:node:337011"
    assert (p.lat, p.lon) == (49.0405, 37.601)
    assert p.oblast == "Donetsk" and p.country == "UA"
    assert p.precision == "settlement"
    (req,) = server.seen
    assert req["path"] == "/search"
    assert req["ua"] == UA
    assert req["qs"]["countrycodes"] == ["ua,ru"]
    assert req["qs"]["q"] == ["Bohorodychne"]


def test_cache_means_a_name_is_never_asked_twice(server, tmp_path):
    fb = _fallback(server, tmp_path)
    assert fb.lookup("Bohorodychne") is not None
    assert fb.lookup("Nowhere") is None
    assert fb.lookup("Bohorodychne") is not None
    assert fb.lookup("Nowhere") is None  # negative answers are cached too
    assert len(server.seen) == 2
    # a new instance (a new run) reads the same cache from disk
    fb2 = _fallback(server, tmp_path)
    assert fb2.lookup("Bohorodychne").place_id == "osm:node:337011"
    assert len(server.seen) == 2 and fb2.requests == 0
    assert len(list((tmp_path / "nominatim").glob("*.json"))) == 2


def test_rate_limiter_spaces_requests(server, tmp_path):
    fb = _fallback(server, tmp_path, min_delay=0.2)
    for name in ("Aaa", "Bbb", "Ccc"):
        fb.lookup(name)
    times = [r["t"] for r in server.seen]
    assert len(times) == 3
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.19


def test_timeout_gives_none_and_one_line_and_is_not_asked_again_for_a_while(
    server, tmp_path, capsys
):
    fb = _fallback(server, tmp_path, timeout=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a line on stderr, not a Python warning
        assert fb.lookup("Slowtown") is None
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("frontline: online lookup of 'Slowtown' failed")
    # Cached as a failure with its time: the next run does not ask before retry_after_s.
    fb2 = _fallback(server, tmp_path, timeout=0.3)
    assert fb2.lookup("Slowtown") is None and fb2.requests == 0
    fb3 = _fallback(server, tmp_path, timeout=5, retry_after_s=0)
    assert fb3.lookup("Slowtown") is None and fb3.requests == 1  # asked again; answered


def test_unreachable_server_gives_none_and_one_line(tmp_path, capsys):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    fb = NominatimFallback(
        user_agent=UA, domain=f"127.0.0.1:{port}", scheme="http", min_delay=0, timeout=1,
        cache_dir=tmp_path / "c",
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fb.lookup("Bohorodychne") is None
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_default_domain_is_blocked_by_the_guard(tmp_path, capsys):
    # The guard is really on: the real Nominatim cannot be reached from a test.
    fb = NominatimFallback(user_agent=UA, min_delay=0, timeout=1, cache_dir=tmp_path / "c")
    assert fb.lookup("Bohorodychne") is None
    assert "failed" in capsys.readouterr().err
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("nominatim.openstreetmap.org", 443), timeout=1)


@pytest.fixture
def silent_server():
    """Accepts connections (the kernel's backlog) and never answers a byte."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    yield s.getsockname()[1]
    s.close()


def test_a_server_that_never_answers_costs_two_timeouts_not_one_per_name(
    silent_server, tmp_path, capsys
):
    fb = NominatimFallback(
        user_agent=UA, domain=f"127.0.0.1:{silent_server}", scheme="http", min_delay=0,
        timeout=0.5, cache_dir=tmp_path / "c",
    )  # fmt: skip
    names = [f"Village{i}" for i in range(8)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [fb.lookup(n) for n in names] == [None] * 8
    assert fb.requests == 2 and fb.stopped  # then it carried on offline
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and "stopped for this run" in lines[1]


def test_a_run_spends_at_most_its_budget_online(server, tmp_path, capsys):
    """The server takes 1.5 s per answer; a 1 s budget caps the first request's wait."""
    fb = _fallback(server, tmp_path, timeout=10, budget_s=1.0)
    assert [fb.lookup(n) for n in ("Slowtown", "Aaa", "Bbb", "Ccc")] == [None] * 4
    assert fb.requests == 1 and len(server.seen) == 1
    err = capsys.readouterr().err
    assert "budget" in err and "FRONTLINE_ONLINE_BUDGET" in err and len(err.splitlines()) <= 2


RATE_CLIENT = """
import sys
from geo.resolve.online import NominatimFallback
fb = NominatimFallback(
    user_agent="frontline-tests/1.0 (tests@example.org)", domain=sys.argv[1], scheme="http",
    min_delay=0.4, timeout=5, cache_dir=sys.argv[2],
)
print("ready", flush=True)
sys.stdin.readline()
for n in sys.argv[3:]:
    fb.lookup(n)
"""


def test_the_one_request_a_second_limit_holds_across_processes(server, tmp_path):
    script = tmp_path / "client.py"
    script.write_text(RATE_CLIENT)
    domain = f"127.0.0.1:{server.server_address[1]}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with contextlib.ExitStack() as stack:
        procs = []
        for names in (["A1", "A2", "A3"], ["B1", "B2", "B3"]):
            cmd = [sys.executable, script, domain, tmp_path / "cache", *names]
            pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "text": True}
            procs.append(stack.enter_context(child(*cmd, env=env, **pipes)))
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        for p in procs:  # both start asking at once
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            p.stdin.close()
            assert p.wait(timeout=120) == 0
    times = sorted(r["t"] for r in server.seen)
    assert len(times) == 6
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.39, gaps  # one request per 0.4 s for both processes together


def test_empty_user_agent_is_refused(tmp_path):
    with pytest.raises(ValueError):
        NominatimFallback(user_agent=" ", cache_dir=tmp_path)


def test_place_from_raw_maps_features_and_bad_rows():
    river = place_from_raw({"lat": "49.1", "lon": "37.9", "class": "waterway", "type": "river",
                            "osm_type": "relation", "osm_id": 5, "name": "Oskil"})  # fmt: skip
    assert river.feature_code == "STM" and river.precision == "feature"
    assert place_from_raw({"lat": "x", "lon": "1"}) is None
    assert place_from_raw({}) is None
