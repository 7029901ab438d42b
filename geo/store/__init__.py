"""Store: where events live, behind one interface (:class:`geo.store.base.Store`).

- ``records``  a resolved report as the store keeps it (facts + GeoJSON features)
- ``base``     the Store interface every backend implements
- ``files``    the default backend: a folder of GeoJSON files, one per report
- ``layered``  a user's own reports (uploads) shown over a read-only store
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
from geo.store.layered import LayeredStore


def open_store(events_dir: Path | str | None = None) -> Store:
    """The store the settings name, or the folder ``events_dir``.

    Without ``events_dir``: the user's uploads (``FRONTLINE_UPLOADS_DIR``)
    over the events store (``FRONTLINE_EVENTS_DIR``), which is read-only
    here, so nothing a user adds changes it (see :mod:`geo.store.layered`).
    """
    if events_dir is not None:
        return FileStore(Path(events_dir))
    return LayeredStore(settings.events_dir, settings.uploads_dir)


__all__ = ["FileStore", "LayeredStore", "Store", "open_store"]
