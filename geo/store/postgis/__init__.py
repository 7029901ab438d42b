"""The PostgreSQL/PostGIS store: the same :class:`geo.store.base.Store`, for many viewers.

- ``connection``  one pool per process shared by all sessions; one-line errors
- ``migrate``     schema versions: numbered SQL files in ``migrations/``
- ``store``       :class:`PostGISStore`: writes per report in one transaction, reads by query
- ``aggregates``  per-place tables and per-front counts computed by the database

Chosen by ``FRONTLINE_DATABASE_URL`` (see :func:`geo.store.open_store`).
Needs the ``postgis`` extra (psycopg 3 and psycopg_pool).
"""

from __future__ import annotations

from geo.store.postgis.store import PostGISStore

__all__ = ["PostGISStore"]
