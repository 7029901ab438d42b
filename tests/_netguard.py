"""A guard that makes any network access outside this machine fail loudly.

Tests never touch the network (team rule). Rather than trust that, the guard
replaces ``socket.socket.connect``/``connect_ex``, ``socket.create_connection``
and ``socket.getaddrinfo`` so that anything but loopback (127.0.0.0/8, ::1,
``localhost``) and Unix sockets raises :class:`NetworkBlocked`. Local stand-in
servers on 127.0.0.1 keep working.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Iterator


class NetworkBlocked(RuntimeError):
    """Raised when code under test tries to reach a non-loopback address."""


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local host
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.strip("[]").split("%")[0].lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check(address: object, family: int | None = None) -> None:
    if family is not None and family == getattr(socket, "AF_UNIX", object()):
        return
    if isinstance(address, (str, bytes)) and family is None:
        return  # a Unix socket path
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_loopback(host):
        raise NetworkBlocked(f"tests must not use the network (tried {address!r})")


@contextlib.contextmanager
def install() -> Iterator[None]:
    """Block non-loopback connections until the context ends (nesting is fine)."""
    orig_connect = socket.socket.connect
    orig_connect_ex = socket.socket.connect_ex
    orig_create = socket.create_connection
    orig_gai = socket.getaddrinfo

    def connect(self, address):
        _check(address, self.family)
        return orig_connect(self, address)

    def connect_ex(self, address):
        _check(address, self.family)
        return orig_connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        _check(address)
        return orig_create(address, *args, **kwargs)

    def getaddrinfo(host, *args, **kwargs):
        if not is_loopback(host):
            raise NetworkBlocked(f"tests must not resolve {host!r}")
        return orig_gai(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.create_connection = create_connection
    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect = orig_connect
        socket.socket.connect_ex = orig_connect_ex
        socket.create_connection = orig_create
        socket.getaddrinfo = orig_gai
