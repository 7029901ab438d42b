"""Frontline: daily war situation reports about Ukraine, turned into a dated map of the front.

One folder per stage of the pipeline, in the order data flows through them:

- ``geo.parse``    report file -> clean text -> :class:`geo.model.Report` (fronts, sections,
                   place mentions with status and kind); one module per report format
- ``geo.places``   the gazetteer (GeoNames + hand fixes), its build, the fronts and which
                   front a place belongs to
- ``geo.resolve``  each mention -> one gazetteer place, front-aware, or unresolved;
                   the opt-in online fallback; a geopy adapter
- ``geo.store``    resolved reports kept as events: the Store interface, the file store,
                   the event table, GeoJSON export
- ``geo.view``     what the dashboard shows: the view in a link, per-place tables, the map,
                   trends, overlays

Shared by all of them: ``geo.settings`` (every setting), ``geo.errors`` (every error),
``geo.model`` (the data passed between stages), ``geo.schema`` (the event properties).
``geo.ingest`` runs parse -> resolve -> store; ``geo.cli`` is the ``frontline`` command.
"""

__version__ = "0.1.0"
