"""Report formats, one module each, all behind :class:`geo.formats.base.ReportFormat`.

The registry lives in :mod:`geo.reports`; add a format by writing a module
with a ``FORMAT`` object and listing it there.
"""
