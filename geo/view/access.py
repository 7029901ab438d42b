"""Who may change data from the dashboard: adding reports, and anything else that writes.

On your own machine the dashboard is yours: it listens on 127.0.0.1 only
(``.streamlit/config.toml``) and you may add reports. Served to others, anyone
who can reach the port could write the store, so writing is for operators:
people signed in with Streamlit's built-in authentication whose e-mail
address is in ``FRONTLINE_OPERATORS``. ``FRONTLINE_UPLOADS`` chooses:

- ``auto`` (default): anyone when the server listens on loopback only and the
  visitor connects from this machine, not through a proxy; operators otherwise;
- ``operators``: operators only, wherever the visitor is (set this behind a
  reverse proxy: the server then sees every visitor as local);
- ``everyone``: anyone who can reach the page; ``off``: nobody.

The decision is a pure function of those facts (:func:`may_write`), so it is
tested without a server; :func:`streamlit_access` gathers them in the app.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from geo.settings import settings

_FORWARD_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")


@dataclass(frozen=True, slots=True)
class Access:
    """May this visitor write? If not, ``reason`` says why in one sentence, and
    ``can_sign_in`` whether signing in could change that."""

    allowed: bool
    reason: str = ""
    can_sign_in: bool = False


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 or ``localhost``; ``None`` is Streamlit's word for a local visitor."""
    if host is None:
        return True
    h = host.strip().strip("[]").lower()
    if h in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def may_write(
    mode: str,
    server_address: str | None,
    client_ip: str | None,
    headers: Mapping[str, str],
    user_email: str | None,
    operators: tuple[str, ...],
    auth_configured: bool,
) -> Access:
    """The decision (see the module docstring); every input is a plain value."""
    if mode == "off":
        return Access(False, "Adding reports is turned off on this server.")
    if mode == "everyone":
        return Access(True)
    proxied = any(k.lower() in _FORWARD_HEADERS for k in headers)
    local = bool(server_address) and is_loopback(server_address)
    if mode == "auto" and local and is_loopback(client_ip) and not proxied:
        return Access(True)
    if user_email and user_email.strip().lower() in operators:
        return Access(True)
    if not operators or not auth_configured:
        return Access(
            False,
            "This dashboard is served to others, so only its operator can add reports, "
            "and no operator sign-in is set up (FRONTLINE_OPERATORS and Streamlit's [auth]).",
        )
    if user_email:
        return Access(False, "Your account is not one of this dashboard's operators.")
    return Access(False, "Only operators can add reports here: sign in first.", True)


def streamlit_access() -> Access:
    """:func:`may_write` for the visitor of the current Streamlit session."""
    import streamlit as st

    try:
        auth_configured = "auth" in st.secrets
    except Exception:  # no secrets file at all
        auth_configured = False
    email = None
    if auth_configured:
        try:
            if st.user.is_logged_in:
                email = str(st.user.get("email") or "") or None
        except Exception:
            email = None
    try:
        headers = dict(st.context.headers)
        client_ip = st.context.ip_address
    except Exception:  # outside a browser session (AppTest): this machine
        headers, client_ip = {}, None
    address = st.get_option("server.address")
    return may_write(
        settings.uploads, address, client_ip, headers, email, settings.operators, auth_configured
    )
