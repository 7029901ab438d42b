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


# --- fetching reports from publishers (fetch engineer) ------------------------------------
class FetchError(FrontlineError):
    """A page could not be downloaded (after retries, or refused). Names the URL."""

    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        self.problem = problem
        super().__init__(f"{url}: {problem}")


class PageError(ReportError):
    """A downloaded page is not a usable report (no body found, truncated, wrong date).

    Names the page's URL and, when it was kept, the saved file, so the user can
    look at what the site actually sent.
    """

    def __init__(self, url: str | None, problem: str, saved: str | None = None) -> None:
        self.url = url or "<page>"
        self.saved = saved
        where = f"{self.url} (saved as {saved})" if saved else self.url
        super().__init__(where, problem)


class WrongPage(PageError):
    """The address answered with a page that is not the report asked for (an index page,
    a home page, the report of another date)."""


class UpdateBusy(FrontlineError):
    """Another fetch or update of the same source is running; this one did nothing."""
class DatabaseError(StoreError):
    """The PostGIS store's database is unreachable, refuses us, or its schema does not fit
    this Frontline (not initialised, older: ``frontline db upgrade``, or newer)."""
# --- reliability: messages ---------------------------------------------------------------
MAX_MESSAGE_CHARS = 300


def one_line(message: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``message`` on one line, cut to ``limit`` characters.

    Errors quote the input (a heading, a name); a hostile input must not turn
    an error into megabytes of terminal output or of page.
    """
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
