"""Issue 16, item 9: who may add reports (geo.view.access.may_write), without a server.

The browser side (the uploader is absent for a visitor who may not write) is in
tests/test_server_safety.py.
"""

from __future__ import annotations

import pytest

from geo.errors import SettingsError
from geo.settings import settings
from geo.view.access import is_loopback, may_write

OPS = ("ops@example.org",)


def _may(mode="auto", server="127.0.0.1", ip=None, headers=None, email=None, ops=OPS, auth=True):
    return may_write(mode, server, ip, headers or {}, email, ops, auth)


def test_on_this_machine_anyone_may_add_reports():
    assert _may().allowed
    assert _may(server="localhost", ip="127.0.0.1").allowed
    assert _may(server="::1", ip="::1", ops=(), auth=False).allowed


@pytest.mark.parametrize(
    "kw",
    [
        {"server": "0.0.0.0"},  # served on every interface
        {"server": ""},  # Streamlit's default: every interface
        {"server": None},
        {"ip": "203.0.113.7"},  # a visitor from elsewhere
        {"headers": {"X-Forwarded-For": "203.0.113.7"}},  # through a reverse proxy
        {"headers": {"Forwarded": "for=203.0.113.7"}},
    ],
)
def test_served_to_others_only_operators_may(kw):
    a = _may(**kw)
    assert not a.allowed and a.can_sign_in and "sign in" in a.reason
    assert _may(**kw, email="OPS@example.org").allowed
    other = _may(**kw, email="visitor@example.org")
    assert not other.allowed and not other.can_sign_in


def test_without_sign_in_set_up_nobody_else_may_and_the_reason_says_how_to_fix_it():
    a = _may(server="0.0.0.0", auth=False)
    assert not a.allowed and not a.can_sign_in
    assert "FRONTLINE_OPERATORS" in a.reason and "[auth]" in a.reason
    assert not _may(server="0.0.0.0", ops=()).allowed


def test_the_setting_decides_first():
    assert not _may(mode="off").allowed
    assert not _may(mode="off", email=OPS[0]).allowed
    assert _may(mode="everyone", server="0.0.0.0", ip="203.0.113.7").allowed
    assert not _may(mode="operators").allowed  # on this machine too: behind a proxy, say
    assert _may(mode="operators", email=OPS[0]).allowed


@pytest.mark.parametrize(
    ("host", "loop"),
    [("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("[::1]", True),
     ("localhost", True), (None, True), ("0.0.0.0", False), ("", False), ("10.0.0.2", False),
     ("example.org", False)],
)  # fmt: skip
def test_loopback(host, loop):
    assert is_loopback(host) is loop


def test_settings_of_who_may_write(monkeypatch):
    monkeypatch.setenv("FRONTLINE_UPLOADS", "Operators")
    monkeypatch.setenv("FRONTLINE_OPERATORS", " Ops@Example.org , b@example.org")
    assert settings.uploads == "operators"
    assert settings.operators == ("ops@example.org", "b@example.org")
    monkeypatch.setenv("FRONTLINE_UPLOADS", "anyone")
    with pytest.raises(SettingsError, match="FRONTLINE_UPLOADS"):
        _ = settings.uploads
    monkeypatch.setenv("FRONTLINE_OPERATORS", "not-an-address")
    with pytest.raises(SettingsError, match="FRONTLINE_OPERATORS"):
        _ = settings.operators
