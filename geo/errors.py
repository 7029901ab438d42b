"""The project's own error types.

Every failure a user can cause (a bad file, a bad option) is raised as a
:class:`FrontlineError` so the CLI and the app can show one clear line instead
of a traceback.
"""

from __future__ import annotations


class FrontlineError(Exception):
    """Base class for errors that are the input's fault, not a bug."""


class SettingsError(FrontlineError):
    """An environment variable holds a value Frontline cannot use; names the variable."""


class ReportError(FrontlineError):
    """A report could not be read or parsed. Names the file and the problem."""

    def __init__(self, path: str | None, problem: str) -> None:
        self.path = path or "<report>"
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class GazetteerError(FrontlineError):
    """The gazetteer file is missing or malformed."""


class StoreError(FrontlineError):
    """The event store cannot be read or written."""


class ReportExists(StoreError):
    """A different version of a stored report was offered without asking to replace it."""


class OverlayError(FrontlineError):
    """An occupied-area overlay file is unreadable or holds no polygons."""


class DatabaseError(StoreError):
    """The PostGIS store's database is unreachable, refuses us, or its schema does not fit
    this Frontline (not initialised, older: ``frontline db upgrade``, or newer)."""
