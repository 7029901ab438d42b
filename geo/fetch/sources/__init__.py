"""Publishers' report series, one module each, behind :class:`geo.fetch.sources.base.Source`.

Adding a series is adding one module that defines ``SOURCE`` and its name in
:data:`geo.fetch.sources.registry.SOURCE_MODULES`; the commands' choices come
from the registry.
"""
