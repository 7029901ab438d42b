"""The raw-page folder: every page as the publisher sent it, with where and when.

Why keep raw pages: extraction and parsing improve, and a report can then be
read again from what was downloaded instead of asking the publisher twice; an
error about a page names the saved file, so a user can look at what the site
really sent. The folder is the user's (default under the cache folder,
``FRONTLINE_RAW_DIR``), never the repository: these are third-party pages.

Layout, one entry per source and date::

    <raw>/<source>/<YYYY>/<YYYY-MM-DD>.html   the bytes as received
    <raw>/<source>/<YYYY>/<YYYY-MM-DD>.json   url, final_url, status, fetched_at,
                                              checked_at, etag, last_modified, sha256,
                                              bytes, tried (addresses asked)
    <raw>/<source>/.lock                      held by the run fetching this source

Both files are written atomically, the page first; an entry whose page is
missing or does not match its ``sha256`` counts as not fetched, so a crash at
any point costs at most one download again. A date that was asked for and not
found has a ``.json`` with ``status`` 404 and no page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from geo._io import atomic_write_bytes, atomic_write_text
from geo.errors import FrontlineError, UpdateBusy
from geo.fetch.http import Validators
from geo.settings import settings


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True)
class RawEntry:
    """What the folder knows about one date of one source."""

    date: str
    url: str
    status: int  # 200: a page is kept; 404: not published when last asked
    final_url: str = ""
    fetched_at: str = ""  # when the kept page was downloaded
    checked_at: str = ""  # when the publisher was last asked
    etag: str | None = None
    last_modified: str | None = None
    sha256: str = ""
    bytes: int = 0
    tried: list[str] = field(default_factory=list)

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)

    @property
    def has_page(self) -> bool:
        return self.status == 200 and bool(self.sha256)

    def settled(self, settle_days: int) -> bool:
        """A 'not published' answer given at least ``settle_days`` after the date is final."""
        if self.status == 200 or not self.checked_at:
            return False
        try:
            checked = dt.datetime.fromisoformat(self.checked_at).date()
        except ValueError:
            return False
        return (checked - self.day).days >= settle_days


class RawPages:
    """One source's raw pages (see the module docstring)."""

    def __init__(self, folder: Path | str | None, source: str) -> None:
        root = Path(folder) if folder is not None else settings.raw_dir
        _refuse_repository(root)
        self.root = root
        self.dir = root / source
        self.source = source

    def __repr__(self) -> str:
        return f"RawPages({str(self.dir)!r})"

    def page_path(self, day: dt.date) -> Path:
        return self.dir / f"{day.year:04d}" / f"{day.isoformat()}.html"

    def meta_path(self, day: dt.date) -> Path:
        return self.page_path(day).with_suffix(".json")

    def entry(self, day: dt.date) -> RawEntry | None:
        """The entry for ``day``; ``None`` when there is none or it is unusable."""
        try:
            data = json.loads(self.meta_path(day).read_text("utf-8"))
            entry = RawEntry(**{k: data[k] for k in RawEntry.__dataclass_fields__ if k in data})
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if entry.date != day.isoformat():
            return None
        if entry.has_page and self.read(entry) is None:
            return None  # the page is gone or damaged: as if never fetched
        return entry

    def read(self, entry: RawEntry) -> bytes | None:
        """The kept page, or ``None`` when it is missing or not the bytes recorded."""
        try:
            data = self.page_path(entry.day).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == entry.sha256 else None

    def save_page(
        self, day: dt.date, url: str, final_url: str, body: bytes, validators: Validators,
        tried: list[str],
    ) -> RawEntry:  # fmt: skip
        """Keep a downloaded page (page first, then its record)."""
        stamp = now_utc()
        entry = RawEntry(
            date=day.isoformat(), url=url, status=200, final_url=final_url,
            fetched_at=stamp, checked_at=stamp, etag=validators.etag,
            last_modified=validators.last_modified,
            sha256=hashlib.sha256(body).hexdigest(), bytes=len(body), tried=tried,
        )  # fmt: skip
        atomic_write_bytes(self.page_path(day), body)
        self._write(entry)
        return entry

    def save_checked(self, entry: RawEntry) -> RawEntry:
        """Record that the publisher confirmed the kept page (304) just now."""
        entry = replace(entry, checked_at=now_utc())
        self._write(entry)
        return entry

    def save_missing(self, day: dt.date, tried: list[str]) -> RawEntry:
        """Record that no address for ``day`` had a page. A page kept from earlier stays on
        disk (it is what was published then), but the entry says 404 now."""
        entry = RawEntry(
            date=day.isoformat(), url=tried[0] if tried else "", status=404,
            checked_at=now_utc(), tried=tried,
        )  # fmt: skip
        self._write(entry)
        return entry

    def _write(self, entry: RawEntry) -> None:
        text = json.dumps(asdict(entry), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        atomic_write_text(self.meta_path(entry.day), text)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive use of this source's folder by one run, across processes.

        Never waits: a second run at the same time raises :class:`UpdateBusy`
        (naming the holder) instead of fetching or ingesting anything twice.
        ``flock`` is released by the kernel if the holder dies.
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / ".lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                raise UpdateBusy(
                    f"another fetch or update of {self.source} is running"
                    f"{f' ({holder})' if holder else ''}; nothing was done"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}, since {now_utc()}".encode(), 0)
            yield
        finally:
            os.close(fd)


def _refuse_repository(root: Path) -> None:
    """Third-party pages must never end up in a commit: refuse a folder in the repository."""
    try:
        inside = root.expanduser().resolve().is_relative_to(settings.repo_root.resolve())
    except OSError:
        return
    if inside and (settings.repo_root / ".git").exists():
        raise FrontlineError(
            f"{root}: the raw-page folder must not be inside the Frontline repository "
            "(publishers' pages must not be committed); choose another --raw-dir or "
            "FRONTLINE_RAW_DIR"
        )
