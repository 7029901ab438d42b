"""Frontline: daily war situation reports about Ukraine, turned into a dated map of the front.

Public modules are flat and named for what they do:

- ``geo.parse.reading``    read a report file (text, Markdown, HTML) into clean text, safely
- ``geo.parse.report``    detect the format and parse a report into a :class:`geo.model.Report`
- ``geo.parse.formats.*``  one parser per report format, all behind :class:`geo.parse.formats.base.ReportFormat`
- ``geo.parse.mentions``   find gazetteer place names in text, with status and kind of activity
- ``geo.places.gazetteer``  load ``data/places.csv`` and look names up by a spelling-insensitive key
- ``geo.places``     build ``data/places.csv`` from the GeoNames dump
- ``geo.resolve.resolver``    resolve mentions to one place each, front-aware
- ``geo.resolve.online``     the opt-in Nominatim fallback (cached, rate-limited)
- ``geo.store.events``     events as GeoJSON: build, store atomically, load, export
- ``geo.view.mapview``    the Folium map of a view
- ``geo.cli``        the ``frontline`` command
"""

__version__ = "0.1.0"
