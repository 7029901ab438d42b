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
    """A different version of a stored report was offered without asking to replace it.

    ``existing`` lists what would be replaced (one line each: id, title, events,
    where), so the CLI and the app can say it before the user chooses.
    """

    def __init__(self, message: str, existing: list[str] | None = None) -> None:
        super().__init__(message)
        self.existing = list(existing or [])


class StoreBusy(StoreError):
    """Another writer (a rebuild, an ingest) held the store's lock for longer than we could wait."""


class OverlayError(FrontlineError):
    """An occupied-area overlay file is unreadable or holds no polygons."""


# --- reliability: messages ---------------------------------------------------------------
MAX_MESSAGE_CHARS = 300


def one_line(message: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``message`` on one line, cut to ``limit`` characters.

    Errors quote the input (a heading, a name); a hostile input must not turn
    an error into megabytes of terminal output or of page.
    """
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
