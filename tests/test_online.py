"""The Nominatim fallback against a stand-in server on 127.0.0.1 (never the real one).

The session-wide network guard (tests/_netguard.py, activated in conftest.py)
makes any non-loopback connection fail, so these tests prove the fallback talks
only to the address it is given.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from _netguard import NetworkBlocked

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


def test_timeout_gives_none_and_a_warning_and_is_not_cached(server, tmp_path):
    fb = _fallback(server, tmp_path, timeout=0.3)
    with pytest.warns(UserWarning, match="Slowtown"):
        assert fb.lookup("Slowtown") is None
    assert not list((tmp_path / "nominatim").glob("*.json"))


def test_unreachable_server_gives_none_and_a_warning(tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    fb = NominatimFallback(
        user_agent=UA, domain=f"127.0.0.1:{port}", scheme="http", min_delay=0, timeout=1,
        cache_dir=tmp_path / "c",
    )  # fmt: skip
    with pytest.warns(UserWarning):
        assert fb.lookup("Bohorodychne") is None


def test_default_domain_is_blocked_by_the_guard(tmp_path):
    # The guard is really on: the real Nominatim cannot be reached from a test.
    fb = NominatimFallback(user_agent=UA, min_delay=0, timeout=1, cache_dir=tmp_path / "c")
    with pytest.warns(UserWarning):
        assert fb.lookup("Bohorodychne") is None
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("nominatim.openstreetmap.org", 443), timeout=1)


def test_empty_user_agent_is_refused(tmp_path):
    with pytest.raises(ValueError):
        NominatimFallback(user_agent=" ", cache_dir=tmp_path)


def test_place_from_raw_maps_features_and_bad_rows():
    river = place_from_raw({"lat": "49.1", "lon": "37.9", "class": "waterway", "type": "river",
                            "osm_type": "relation", "osm_id": 5, "name": "Oskil"})  # fmt: skip
    assert river.feature_code == "STM" and river.precision == "feature"
    assert place_from_raw({"lat": "x", "lon": "1"}) is None
    assert place_from_raw({}) is None
