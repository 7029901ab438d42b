"""Serve Leaflet from this machine, never from a CDN.

folium points the browser at jsdelivr for Leaflet; with no internet (or a
strict firewall) the map iframe then stays blank without any error. The PyPI
package ``django-js-lib-leaflet`` ships Leaflet 1.9.4's built files, so we copy
them into ``static/leaflet/``, which Streamlit serves at ``/app/static/`` when
``enableStaticServing`` is on. The copy is not committed: third-party
JavaScript stays in its own package.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from geo.errors import FrontlineError
from geo.settings import settings

# URLs as the browser sees them under Streamlit's static serving.
LEAFLET_JS_URL = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS_URL = "/app/static/leaflet/leaflet.css"
_FILES = ("leaflet.js", "leaflet.css")
_DIRS = ("images",)


def leaflet_source_dir() -> Path:
    """Where the installed package keeps Leaflet's files."""
    spec = importlib.util.find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise FrontlineError(
            "Leaflet is not installed: run `pip install django-js-lib-leaflet` "
            "(it is a dependency of frontline)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet"


def ensure_leaflet(static_dir: Path | None = None) -> Path:
    """Copy Leaflet into ``<static_dir>/leaflet`` unless an identical copy is there.

    Cheap enough to call on every app start: it compares sizes and only copies
    what is missing or different. Returns the target directory.
    """
    src = leaflet_source_dir()
    dest = Path(static_dir or settings.static_dir) / "leaflet"
    dest.mkdir(parents=True, exist_ok=True)
    for name in _FILES:
        _copy_if_changed(src / name, dest / name)
    for d in _DIRS:
        if (src / d).is_dir():
            for f in (src / d).iterdir():
                _copy_if_changed(f, dest / d / f.name)
    return dest


def _copy_if_changed(src: Path, dest: Path) -> None:
    if dest.exists() and dest.stat().st_size == src.stat().st_size:
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dest)  # atomic: a browser never gets half a file
