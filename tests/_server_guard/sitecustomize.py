"""Loaded by every Python process started with this folder on PYTHONPATH (the test
servers and their upload workers): any connection or name lookup outside this
machine is refused and written to ``$FRONTLINE_TEST_NETLOG``, one line each.

The test process has its own guard (tests/_netguard.py); this one covers the
processes a test starts, so a test can assert that a server asked nothing of
the internet, not even at start-up.
"""

from __future__ import annotations

import os
import socket
import sys

_LOG = os.environ.get("FRONTLINE_TEST_NETLOG")


def _install() -> None:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from _netguard import is_loopback

    def refuse(what: str) -> OSError:
        with open(_LOG, "a", encoding="utf-8") as fh:  # type: ignore[arg-type]
            fh.write(f"{os.getpid()} {what}\n")
        return OSError(101, f"network is unreachable (test guard: {what})")

    def host_of(address: object) -> object:
        return address[0] if isinstance(address, tuple) and address else address

    orig_connect, orig_connect_ex = socket.socket.connect, socket.socket.connect_ex
    orig_sendto, orig_gai = socket.socket.sendto, socket.getaddrinfo

    def local(sock: socket.socket, address: object) -> bool:
        return sock.family == getattr(socket, "AF_UNIX", None) or is_loopback(host_of(address))

    def connect(self, address):
        if not local(self, address):
            raise refuse(f"connect {address!r}")
        return orig_connect(self, address)

    def connect_ex(self, address):
        if not local(self, address):
            raise refuse(f"connect {address!r}")
        return orig_connect_ex(self, address)

    def sendto(self, data, *args):
        address = args[-1]
        if not local(self, address):
            raise refuse(f"sendto {address!r}")
        return orig_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if not is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, str(refuse(f"resolve {host!r}")))
        return orig_gai(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = sendto  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo


if _LOG:
    _install()
