"""Schema versions of the PostGIS store: numbered SQL files, applied in order, each once.

``migrations/NNNN_name.sql`` holds version NNNN. :func:`upgrade` applies the
files above the database's version, each in its own transaction together
with the row that records it in ``schema_version``, under an advisory lock so
two upgrades at once cannot both apply a file. :func:`check` is what every
store does before its first statement: a database that is not initialised,
older or newer than this code gets a one-line :class:`DatabaseError` saying
what to run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources

import psycopg
from psycopg import sql

from geo.errors import DatabaseError
from geo.store.postgis.connection import one_line

_FILE_RE = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")
_UPGRADE_LOCK = "frontline:upgrade"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str = field(repr=False)


def migrations() -> list[Migration]:
    """The migration files shipped with this code, by version (1, 2, ...; no gaps)."""
    out = []
    for f in resources.files(__package__).joinpath("migrations").iterdir():
        m = _FILE_RE.fullmatch(f.name)
        if m:
            out.append(Migration(int(m.group(1)), m.group(2), f.read_text(encoding="utf-8")))
    out.sort(key=lambda m: m.version)
    if [m.version for m in out] != list(range(1, len(out) + 1)):
        raise RuntimeError(f"migration files are not numbered 1..n: {[m.version for m in out]}")
    return out


def latest() -> int:
    return len(migrations())


def current(conn: psycopg.Connection, schema: str) -> int | None:
    """The schema's version; ``None`` when the schema has no Frontline tables."""
    row = conn.execute(
        "SELECT to_regclass(quote_ident(%s) || '.schema_version') IS NOT NULL", (schema,)
    ).fetchone()
    if not row or not row[0]:
        return None
    q = sql.SQL("SELECT coalesce(max(version), 0) FROM {}.schema_version").format(
        sql.Identifier(schema)
    )
    got = conn.execute(q).fetchone()
    return int(got[0]) if got else 0


def check(conn: psycopg.Connection, schema: str, where: str) -> None:
    """Raise a one-line :class:`DatabaseError` unless the schema is at this code's version."""
    have, want = current(conn, schema), latest()
    conn.rollback()
    if have is None or have == 0:
        raise DatabaseError(
            f"{where}: no Frontline tables in schema {schema!r}: run `frontline db init`"
        )
    if have < want:
        raise DatabaseError(
            f"{where}: the database schema is at version {have}, this Frontline needs "
            f"{want}: run `frontline db upgrade`"
        )
    if have > want:
        raise DatabaseError(
            f"{where}: the database schema is at version {have}, newer than this Frontline "
            f"knows ({want}): upgrade Frontline"
        )


def _ensure_postgis(conn: psycopg.Connection, where: str) -> None:
    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        return
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public")
    except psycopg.Error as exc:
        raise DatabaseError(
            f"{where}: PostGIS is not installed in this database and could not be "
            f"({one_line(exc)}): run `CREATE EXTENSION postgis` as a superuser"
        ) from None


def upgrade(
    conn: psycopg.Connection, schema: str, where: str, target: int | None = None
) -> list[Migration]:
    """Create the schema if needed and apply the migrations above its version (up to
    ``target``); returns those applied. ``conn`` must be in autocommit mode."""
    want = latest() if target is None else target
    conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (f"{_UPGRADE_LOCK}:{schema}",))
    try:
        _ensure_postgis(conn, where)
        ident = sql.Identifier(schema)
        try:
            with conn.transaction():
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(ident))
                conn.execute(
                    sql.SQL(
                        "CREATE TABLE IF NOT EXISTS {}.schema_version (version integer PRIMARY "
                        "KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
                    ).format(ident)
                )
        except psycopg.Error as exc:
            raise DatabaseError(
                f"{where}: cannot create schema {schema!r}: {one_line(exc)}"
            ) from None
        have = current(conn, schema) or 0
        if have > latest():
            check(conn, schema, where)  # raises: newer than this code
        applied = []
        for m in migrations():
            if have < m.version <= want:
                try:
                    with conn.transaction():
                        conn.execute(m.sql.encode("utf-8"))  # several statements, no parameters
                        conn.execute(
                            sql.SQL(
                                "INSERT INTO {}.schema_version (version, name) VALUES (%s, %s)"
                            ).format(ident),
                            (m.version, m.name),
                        )
                except psycopg.Error as exc:
                    raise DatabaseError(
                        f"{where}: migration {m.version:04d}_{m.name} failed: {one_line(exc)}"
                    ) from None
                applied.append(m)
        return applied
    finally:
        conn.execute(
            "SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (f"{_UPGRADE_LOCK}:{schema}",)
        )
