"""Connections to the PostGIS store's database: one pool per process, honest one-line errors.

A Streamlit server runs every session in its own thread of one process, so
the pool lives at module level, keyed by (URL, schema): all sessions share
it, and a command opens the same kind of pool for its few statements. Each
connection starts with ``search_path`` set to the store's schema (then
``public``, where PostGIS lives), so the SQL names tables plainly.

Every psycopg failure that is the environment's fault (the server is down,
the password is wrong, the pool is exhausted) becomes a
:class:`geo.errors.DatabaseError` whose message is one line and never
carries the password.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import orjson
import psycopg
from psycopg.types.json import set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout

from geo.errors import DatabaseError

_pools: dict[tuple[str, str], ConnectionPool] = {}
_pools_lock = threading.Lock()


def redact(url: str) -> str:
    """The URL without its password (for messages and the store's location)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def one_line(exc: BaseException) -> str:
    """psycopg's message (often several lines with hints) as one line."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _configure(conn: psycopg.Connection) -> None:
    set_json_loads(orjson.loads, conn)  # json columns come back as dicts, parsed in C


def _options(schema: str) -> str:
    # The schema name is checked by the settings (lower-case letters, digits, _).
    return f"-c search_path={schema},public"


def connect(url: str, schema: str, timeout: float, autocommit: bool = False) -> psycopg.Connection:
    """One connection of its own (migrations, the writers' lock); errors as one line."""
    try:
        conn = psycopg.connect(
            url, options=_options(schema), connect_timeout=max(1, round(timeout)),
            autocommit=autocommit,
        )  # fmt: skip
    except psycopg.Error as exc:
        raise DatabaseError(f"{redact(url)}: cannot connect: {one_line(exc)}") from None
    _configure(conn)
    return conn


def pool(url: str, schema: str, size: int, timeout: float) -> ConnectionPool:
    """The process's pool for this database and schema, opened on first use."""
    key = (url, schema)
    with _pools_lock:
        p = _pools.get(key)
        if p is None:
            p = ConnectionPool(
                url, min_size=1, max_size=max(1, size), timeout=timeout, open=False,
                kwargs={"options": _options(schema), "connect_timeout": max(1, round(timeout))},
                configure=_configure, check=ConnectionPool.check_connection,
                name=f"frontline-{schema}",
            )  # fmt: skip
            p.open(wait=False)
            _pools[key] = p
    return p


@contextlib.contextmanager
def checked_out(p: ConnectionPool, where: str) -> Iterator[psycopg.Connection]:
    """A pooled connection in a transaction (committed on success, rolled back on error)."""
    try:
        with p.connection() as conn:
            yield conn
    except PoolTimeout:
        raise DatabaseError(
            f"{where}: no database connection within {p.timeout:g} s (is the database up?)"
        ) from None
    except psycopg.OperationalError as exc:
        raise DatabaseError(f"{where}: database error: {one_line(exc)}") from None


def close_pools() -> None:
    """Close every pool of this process (tests; at exit)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for p in pools:
        p.close()


def drop_pool(url: str, schema: str) -> None:
    with _pools_lock:
        p = _pools.pop((url, schema), None)
    if p is not None:
        p.close()


atexit.register(close_pools)
