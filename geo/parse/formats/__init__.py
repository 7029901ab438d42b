"""Report formats, one module each, all behind :class:`geo.parse.formats.base.ReportFormat`.

The registry lives in :mod:`geo.parse.report`; add a format by writing a module
with a ``FORMAT`` object and listing it there.
"""
