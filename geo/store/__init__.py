"""Store: where events live, behind one interface (:class:`geo.store.base.Store`).

- ``records``  a resolved report as the store keeps it (facts + GeoJSON features)
- ``base``     the Store interface every backend implements
- ``files``    the default backend: a folder of GeoJSON files, one per report
- ``layered``  a user's own reports (uploads) shown over a read-only store
- ``frame``    the events table every backend answers with (columns, dtypes)
- ``query``    :class:`ViewQuery`, what a user asked to see, and its filter
- ``geojson``  the one GeoJSON writer behind ``frontline export`` and the download
- ``postgis``  the PostgreSQL/PostGIS backend (imported only when a database is named)
- ``transfer`` moving reports between stores (``frontline db import`` / ``db export``)

:func:`open_store` picks the backend from the settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import StoreError
from geo.settings import settings
from geo.store.base import Store
from geo.store.files import FileStore
from geo.store.layered import LayeredStore

if TYPE_CHECKING:
    from geo.store.postgis import PostGISStore


def open_store(events_dir: Path | str | None = None) -> Store:
    """The store the settings name, or the folder ``events_dir``.

    An explicit ``events_dir`` is that folder. Otherwise ``FRONTLINE_DATABASE_URL``, when
    set, names a PostGIS store (schema ``FRONTLINE_DATABASE_SCHEMA``), where a team keeps
    everything in one place. Unset, the user's uploads (``FRONTLINE_UPLOADS_DIR``) over
    the events folder (``FRONTLINE_EVENTS_DIR``), which is read-only here, so nothing a
    user adds changes the shipped data (see :mod:`geo.store.layered`).
    """
    if events_dir is not None:
        return FileStore(Path(events_dir))
    url = settings.database_url
    if url is not None:
        return open_database(url)
    return LayeredStore(settings.events_dir, settings.uploads_dir)


def open_database(url: str, schema: str | None = None) -> PostGISStore:
    """The PostGIS store at ``url``; a one-line error when its driver is not installed."""
    try:
        from geo.store.postgis import PostGISStore
    except ImportError as exc:
        raise StoreError(
            f"FRONTLINE_DATABASE_URL is set but the PostGIS store cannot load ({exc}): "
            "install Frontline with the postgis extra (pip install 'frontline[postgis]')"
        ) from None
    return PostGISStore(url, schema)


__all__ = ["FileStore", "LayeredStore", "Store", "open_database", "open_store"]
