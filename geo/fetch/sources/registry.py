"""The one registry of sources: list them, get one by name.

Like :mod:`geo.parse.registry`: a source is a module in
:mod:`geo.fetch.sources` that defines ``SOURCE`` (a
:class:`geo.fetch.sources.base.Source`). Modules are imported on first use.
"""

from __future__ import annotations

import importlib
from functools import cache

from geo.errors import FrontlineError
from geo.fetch.sources.base import Source

# name -> module, in the order listings show them.
SOURCE_MODULES: dict[str, str] = {
    "isw": "geo.fetch.sources.isw",
}


def source_names() -> tuple[str, ...]:
    return tuple(SOURCE_MODULES)


@cache
def get_source(name: str) -> Source:
    """The source called ``name``; a :class:`FrontlineError` lists the known ones otherwise."""
    module = SOURCE_MODULES.get(name)
    if module is None:
        raise FrontlineError(f"unknown source {name!r} (choose {', '.join(SOURCE_MODULES)})")
    src: Source = importlib.import_module(module).SOURCE
    return src


def list_sources() -> dict[str, Source]:
    return {name: get_source(name) for name in SOURCE_MODULES}
