"""Store: where events live, behind one interface (:class:`geo.store.base.Store`).

- ``records``  a resolved report as the store keeps it (facts + GeoJSON features)
- ``base``     the Store interface every backend implements
- ``files``    the default backend: a folder of GeoJSON files, one per report
- ``frame``    the events table every backend answers with (columns, dtypes)
- ``query``    :class:`ViewQuery`, what a user asked to see, and its filter
- ``geojson``  the one GeoJSON writer behind ``frontline export`` and the download

:func:`open_store` picks the backend from the settings.
"""

from __future__ import annotations

from pathlib import Path

from geo.settings import settings
from geo.store.base import Store
from geo.store.files import FileStore


def open_store(events_dir: Path | str | None = None) -> Store:
    """The store the settings name: the folder ``events_dir`` (default ``FRONTLINE_EVENTS_DIR``)."""
    return FileStore(settings.events_dir if events_dir is None else Path(events_dir))


__all__ = ["FileStore", "Store", "open_store"]
