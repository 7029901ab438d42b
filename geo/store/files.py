"""The default store: a folder with one GeoJSON FeatureCollection per report.

Each file is named ``<report_id>.geojson`` (ids never carry report text) and
written with :func:`geo._io.atomic_write_text`, so a crash leaves the old file
or the new one. Every write holds the store's lock (``<folder>/.lock``, see
:meth:`FileStore.lock`), so a rebuild that holds it throughout never swaps in
a store made without a write that happened meanwhile, and what a killed
writer leaves behind (``.*.tmp``) can be cleaned by the next one. There is no
shared index file that a race could lose. Everything else is derived from the
files on load and cached by their names, mtimes, sizes and inodes, so an
unchanged store is answered without reading a byte.

A file's name starts with its report's date, and every event in it carries
that date (:func:`geo.store.records.report_id` makes both). The store relies
on it: a view of some dates, and the newest report, are answered from the
files named for those dates (and any file whose name gives no date), so a
first visitor of a large store waits for one day's files, not for all of
them. A file that breaks the rule is skipped with a message, whichever way
it is read, so both ways always give the same answer.

A file looks like this (one feature per line, so the shipped data diffs well)::

    {"type":"FeatureCollection",
    "frontline":{"report":{...},"fronts":[...],"unresolved":[...],"counts":{...}},
    "features":[
    {"type":"Feature","id":"...","geometry":{...},"properties":{...}},
    ...
    ]}

A report kept with its text (a user's upload) also has ``.sources/<report_id>.json``:
the text and how it was read, so ``frontline rebuild`` can read it again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import os
import re
import shutil
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import geopandas as gpd
import orjson
import pyarrow.compute as pc

from geo._io import atomic_write_text
from geo.errors import ReportExists, StoreBusy, StoreError
from geo.store.base import Store, WriteOutcome, dated_between, newest_date
from geo.store.frame import Collection, frame_of, parse_collection
from geo.store.query import ViewQuery, dates_with_events, filter_events
from geo.store.records import ReportRecord, id_source_hash, source_hash, stored_source

SUFFIX = ".geojson"
SOURCES = ".sources"  # kept report texts: <folder>/.sources/<report_id>.json
LOCK_NAME = ".lock"
REBUILD_PREFIX = ".rebuild-"  # temporary folders of a rebuild: .<store>.rebuild-* beside it

# (mtime_ns, size, inode) of one file: what says it may have changed.
Stamp = tuple[int, int, int]
Listing = tuple[tuple[str, Stamp], ...]

# A view of dates whose files are at most this share of the store is read from those
# files alone; a wider one reads (and caches) the whole store, which it nearly is.
PARTIAL_SHARE = 0.25

_lock = threading.Lock()  # guards _build_locks and clear_cache
_build_locks: dict[str, threading.Lock] = {}
# Plain dicts: single gets and sets are atomic, so a view read from a few files never
# waits for a whole-store read that another thread is doing.
_file_cache: dict[tuple[str, str], tuple[Stamp, Collection]] = {}
_frame_cache: dict[str, tuple[Listing, gpd.GeoDataFrame]] = {}

_NAME_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:_|\.geojson$)")


def few(n: int, total: int) -> bool:
    """Whether reading ``n`` of ``total`` files for a view beats reading them all."""
    return n <= PARTIAL_SHARE * total


def name_date(name: str) -> dt.date | None:
    """The date a store file's name starts with (``2024-05-01_isw_….geojson``), or ``None``."""
    m = _NAME_DATE.match(name)
    if m is None:
        return None
    try:
        return dt.date.fromisoformat(m.group(1))
    except ValueError:
        return None


def build_lock(key: str) -> threading.Lock:
    """The lock one store's whole-store read holds, so two threads never both do it."""
    with _lock:
        return _build_locks.setdefault(key, threading.Lock())


def dumps_collection(record: ReportRecord) -> str:
    """The file text: deterministic (same record, same bytes), one feature per line."""
    body = b",\n".join(map(orjson.dumps, record.features)).decode("utf-8")
    sep = "\n" if record.features else ""
    meta = orjson.dumps(record.meta).decode("utf-8")
    return f'{{"type":"FeatureCollection",\n"frontline":{meta},\n"features":[{sep}{body}{sep}]}}\n'


# --------------------------------------------------------------------------- the writer lock


class _ProcessLock:
    """One store's lock as this process holds it: a re-entrant lock among its threads,
    and one ``flock`` on the lock file against other processes while any thread holds it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.rlock = threading.RLock()
        self.fd: int | None = None
        self.depth = 0

    def acquire(self, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self.rlock.acquire(timeout=-1 if timeout is None else max(timeout, 0)):
            raise StoreBusy(_busy(self.path, timeout))
        try:
            if self.depth == 0:
                self.fd = _flock(self.path, deadline, timeout)
            self.depth += 1
        except BaseException:
            self.rlock.release()
            raise

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            os.close(self.fd)  # closing releases the flock
            self.fd = None
        self.rlock.release()


_process_locks: dict[tuple[int, str], _ProcessLock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(path: str) -> _ProcessLock:
    key = (os.getpid(), path)  # a forked child starts with no lock held
    with _process_locks_guard:
        pl = _process_locks.get(key)
        if pl is None:
            pl = _process_locks[key] = _ProcessLock(path)
        return pl


def _busy(path: str, timeout: float | None) -> str:
    return (
        f"{Path(path).parent}: another writer (a rebuild or an ingest) is using this store; "
        f"gave up after {timeout:g} s, try again later"
    )


def _flock(path: str, deadline: float | None, timeout: float | None) -> int:
    """Open and lock ``path``; the file must still be the one at ``path`` once locked
    (a rebuild swaps the folder that holds it: a waiter then locks the new one)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if deadline is None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            else:
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise StoreBusy(_busy(path, timeout)) from None
                        time.sleep(0.05)
            try:
                current = os.stat(path).st_ino
            except FileNotFoundError:
                current = -1
            if current == os.fstat(fd).st_ino:
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the folder was swapped while we waited: lock the new one


# --------------------------------------------------------------------------- the store


class FileStore(Store):
    """Events in a folder of GeoJSON files (see the module docstring)."""

    def __init__(self, folder: Path | str, read_only: bool = False) -> None:
        self.folder = Path(folder)
        self.read_only = read_only

    def __repr__(self) -> str:
        return f"FileStore({str(self.folder)!r})"

    @property
    def location(self) -> str:
        return str(self.folder)

    def path_of(self, report_id: str) -> Path:
        if not report_id or "/" in report_id or report_id.startswith("."):
            raise StoreError(f"not a report id: {report_id!r}")
        return self.folder / f"{report_id}{SUFFIX}"

    def source_path(self, report_id: str) -> Path:
        return self.path_of(report_id).parent / SOURCES / f"{report_id}.json"

    def where(self, report_id: str) -> str:
        return str(self.path_of(report_id))

    # --- the lock -----------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        """Exclusive write access: an advisory lock on ``<folder>/.lock``.

        ``flock`` is released by the kernel when its holder dies, so a killed
        writer never leaves the store locked. Re-entrant within a process (a
        write inside an ingest's lock); ``timeout`` seconds, then
        :class:`~geo.errors.StoreBusy` (``None``: wait as long as it takes).
        """
        self._writable()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.folder}: cannot create the store ({exc.strerror})") from None
        pl = _process_lock(os.path.realpath(self.folder / LOCK_NAME))
        pl.acquire(timeout)
        try:
            yield
        finally:
            pl.release()

    def clean_debris(self) -> list[str]:
        """Remove what killed writers left: ``.*.tmp`` files and ``.rebuild-*`` folders.

        Only while holding the lock: every writer holds it while it writes, so
        nothing of a live writer can be there. Returns what was removed.
        """
        removed: list[str] = []
        with self.lock():
            for folder in (self.folder, self.folder / SOURCES):
                for p in _entries(folder):
                    if p.name.startswith(".") and p.name.endswith(".tmp") and p.is_file():
                        with contextlib.suppress(FileNotFoundError):
                            p.unlink()
                            removed.append(str(p))
            aside = [
                *_entries(self.folder.parent, f".{self.folder.name}{REBUILD_PREFIX}"),
                *_entries(self.folder, REBUILD_PREFIX),
            ]
            for p in aside:
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                    removed.append(str(p))
        return removed

    # --- writing ----------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.folder}: this store is read-only")

    def write(self, record: ReportRecord, *, replace: bool = False) -> WriteOutcome:
        """See :meth:`Store.write`. Stored versions of the same report are found by its
        source (the digest at the end of ids, or the URL of older files), so the same
        report read with another date or format is not stored twice."""
        self._writable()
        with self.lock():
            path = self.path_of(record.report_id)
            versions = self.versions(record)
            outcome: WriteOutcome = "added"
            if versions:
                if all(_same_text(c, record) for _, c in versions):
                    outcome = "refreshed"
                elif replace:
                    outcome = "replaced"
                else:
                    existing = [self.describe(rid, c) for rid, c in versions]
                    raise ReportExists(
                        f"{self.folder}: already holds {existing[0]}, made from different "
                        "text; replace it explicitly (--replace) or remove it first",
                        existing,
                    )
            if record.source_text is not None:
                text = orjson.dumps(record.source_text).decode("utf-8")
                atomic_write_text(self.source_path(record.report_id), text)
            atomic_write_text(path, dumps_collection(record))
            for rid, _ in versions:
                if rid != record.report_id:
                    self._unlink(rid)
            if record.source_text is None:  # an older version's kept text is not this one's
                with contextlib.suppress(FileNotFoundError):
                    self.source_path(record.report_id).unlink()
        return outcome

    def versions(self, record: ReportRecord) -> list[tuple[str, Collection]]:
        """The stored versions of ``record``'s report: same id, or same source under another
        date or format, or an older file of its date and format with its URL."""
        want = record.source
        digest = source_hash(want) if want else None
        legacy = f"{record.date.isoformat()}_{record.format}"
        out = []
        for name in self._names():
            rid = name[: -len(SUFFIX)]
            same_id = rid == record.report_id
            same_digest = digest is not None and id_source_hash(rid) == digest
            older = id_source_hash(rid) is None and (rid == legacy or rid.startswith(legacy + "_"))
            if not (same_id or same_digest or older):
                continue
            c = _read(self.folder / name)
            same_source = c.problem is None and stored_source(c.meta.get("report") or {}) == want
            if same_id or same_source:
                out.append((rid, c))
        return out

    def remove(self, report_id: str) -> bool:
        self._writable()
        with self.lock():
            return self._unlink(report_id)

    def _unlink(self, report_id: str) -> bool:
        with contextlib.suppress(FileNotFoundError):
            self.source_path(report_id).unlink()
        try:
            self.path_of(report_id).unlink()
        except FileNotFoundError:
            return False
        return True

    def exists(self, report_id: str) -> bool:
        return self.path_of(report_id).is_file()

    # --- kept texts -------------------------------------------------------------------
    def kept_text(self, report_id: str) -> dict | None:
        """The text kept with a report (see :class:`ReportRecord`), or ``None``."""
        try:
            doc = orjson.loads(self.source_path(report_id).read_bytes())
        except (OSError, ValueError):
            return None
        ok = isinstance(doc, dict) and isinstance(doc.get("text"), str)
        return doc if ok else None

    def kept_texts(self) -> list[str]:
        """Ids of the reports stored with their text, sorted."""
        ids = [
            p.name[: -len(".json")]
            for p in _entries(self.folder / SOURCES)
            if p.name.endswith(".json") and not p.name.startswith(".")
        ]
        return sorted(i for i in ids if self.exists(i))

    # --- reading ----------------------------------------------------------------------
    def listing(self) -> Listing:
        """``(name, (mtime_ns, size, inode))`` of the store's files, sorted; temp files
        (``.x``) are ignored."""
        out = []
        try:
            entries = list(os.scandir(self.folder))
        except (FileNotFoundError, NotADirectoryError):
            return ()
        for e in entries:
            name = e.name
            if name.startswith(".") or not name.endswith(SUFFIX):
                continue
            try:
                st = e.stat()
            except FileNotFoundError:  # replaced or removed while we looked
                continue
            if stat.S_ISREG(st.st_mode):
                out.append((name, (st.st_mtime_ns, st.st_size, st.st_ino)))
        out.sort()
        return tuple(out)

    def _names(self) -> list[str]:
        """Names of the event files, without a ``stat`` each (a store may hold thousands)."""
        try:
            names = os.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [n for n in names if n.endswith(SUFFIX) and not n.startswith(".")]

    def stamp(self) -> str:
        listing = self.listing()
        if not listing:
            return ""
        return hashlib.blake2b(repr(listing).encode(), digest_size=16).hexdigest()

    def _key(self) -> str:
        return str(self.folder.resolve())

    def _collections(self, listing: Listing) -> list[tuple[str, Collection]]:
        """Each file parsed, re-reading only what changed since the last call; files gone
        from ``listing`` are forgotten."""
        key = self._key()
        out = self._collections_of(listing)
        live = {name for name, _ in listing}
        for k in [k for k in list(_file_cache) if k[0] == key and k[1] not in live]:
            _file_cache.pop(k, None)
        return out

    def _collections_of(self, names: Iterable[tuple[str, Stamp]]) -> list[tuple[str, Collection]]:
        """Like :meth:`_collections` for some files only (the cache is kept, not pruned)."""
        key = self._key()
        out = []
        for name, st in names:
            cached = _file_cache.get((key, name))
            if cached is None or cached[0] != st:
                cached = (st, _read(self.folder / name))
                _file_cache[(key, name)] = cached
            out.append((name, cached[1]))
        return out

    def collections(self) -> list[tuple[str, Collection]]:
        """``(file name, collection)`` of every file, cached (callers must not modify them)."""
        with build_lock(self._key()):
            return self._collections(self.listing())

    def is_read(self, listing: Listing | None = None) -> bool:
        """Whether the whole store is in memory as it is now (its frame is cached)."""
        cached = _frame_cache.get(self._key())
        return cached is not None and cached[0] == (self.listing() if listing is None else listing)

    def _frame(self) -> gpd.GeoDataFrame:
        """The whole store's frame, cached until a file changes (callers must not modify it)."""
        key = self._key()
        with build_lock(key):
            listing = self.listing()
            cached = _frame_cache.get(key)
            if cached is None or cached[0] != listing:
                cached = (listing, _frame_from(self._collections(listing)))
                _frame_cache[key] = cached
        return cached[1]

    def partial_files(self, q: ViewQuery | None, listing: Listing) -> Listing | None:
        """The files to read for ``q`` while the store is not in memory, or ``None`` when
        the whole store should be read (no dates asked, or most of the store)."""
        if q is None or (q.date_from is None and q.date_to is None) or self.is_read(listing):
            return None
        files = within(q.date_from, q.date_to, listing)
        return files if few(len(files), len(listing)) else None

    def load(self, q: ViewQuery | None = None, strict: bool = False) -> gpd.GeoDataFrame:
        """See :meth:`Store.load`; ``strict=True`` raises :class:`StoreError` on the first
        unusable file instead of skipping it. Callers get their own frame.

        A view of a few dates, asked before the store is in memory, is read from those
        dates' files only (see the module docstring); its ``attrs["skipped"]`` then lists
        the unusable files among them."""
        where = lambda name: str(self.folder / name)  # noqa: E731
        if not strict:
            files = self.partial_files(q, self.listing())
            if files is not None:
                return view_of(_frame_from(self._collections_of(files)), q, False, where)
        return view_of(self._frame(), q, strict, where)

    def dates(self) -> list[dt.date]:
        return dates_with_events(self._frame())

    def quick_dates(self) -> list[dt.date]:
        """From the file names while the store is not in memory (see :meth:`Store.quick_dates`)."""
        listing = self.listing()
        if self.is_read(listing):
            return self.dates()
        return quick_dates_of(listing, self._collections_of)

    def reports(self) -> list[dict]:
        return _reports_of(self.collections())

    def reports_between(self, first: dt.date | None, last: dt.date | None) -> list[dict]:
        files = within(first, last, self.listing())
        return dated_between(_reports_of(self._collections_of(files)), first, last)

    def latest_report_date(self) -> dt.date | None:
        return latest_by_names(self.listing(), self._collections_of)

    def reports_on(self, date: dt.date, fmt: str) -> list[dict]:
        prefix = f"{date.isoformat()}_{fmt}"
        names = []
        for name in self._names():
            if name[: -len(SUFFIX)] == prefix or name.startswith(prefix + "_"):
                with contextlib.suppress(FileNotFoundError):
                    st = os.stat(self.folder / name)
                    if stat.S_ISREG(st.st_mode):
                        names.append((name, (st.st_mtime_ns, st.st_size, st.st_ino)))
        parsed = self._collections_of(names)
        return [
            r
            for r in _reports_of(parsed)
            if r["report"].get("date") == date.isoformat() and r["report"].get("format") == fmt
        ]

    def describe(self, report_id: str, collection: Collection | None = None) -> str:
        """One line naming a stored report for messages: id, title, events, where."""
        c = collection if collection is not None else _read(self.path_of(report_id))
        if c.problem is not None:
            return f"{report_id} (an unreadable file) in {self.folder}"
        title = str((c.meta.get("report") or {}).get("title") or "untitled")
        title = title if len(title) <= 80 else title[:79] + "…"
        return f"{report_id} ({title!r}, {len(c.props)} events) in {self.folder}"


def _same_text(c: Collection, record: ReportRecord) -> bool:
    stored = (c.meta.get("report") or {}) if c.problem is None else {}
    return bool(record.content_hash) and stored.get("content_hash") == record.content_hash


def _reports_of(parsed: list[tuple[str, Collection]]) -> list[dict]:
    out: list[dict] = []
    for name, c in parsed:
        if c.problem is not None:
            continue
        m = c.meta
        out.append(
            {
                "file": name,
                "report": dict(m.get("report") or {}),
                "fronts": list(m.get("fronts") or []),
                "unresolved": list(m.get("unresolved") or []),
                "counts": dict(m.get("counts") or {}),
            }
        )
    out.sort(key=lambda r: (str(r["report"].get("date") or ""), r["file"]))
    return out


def _entries(folder: Path, prefix: str = "") -> list[Path]:
    try:
        return [folder / n for n in os.listdir(folder) if n.startswith(prefix)]
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
            return []
        raise


def _read(path: Path) -> Collection:
    try:
        with open(path, "rb", buffering=0) as fh:
            data = fh.readall()
    except OSError as exc:
        return Collection(problem=f"not readable: {exc.strerror or exc}")
    c = parse_collection(data)
    named = name_date(path.name)
    if c.problem is not None or named is None:
        return c
    day = named.isoformat()
    report = c.meta.get("report")
    said = report.get("date") if isinstance(report, dict) else None
    others = sorted(d for d in _event_dates(c) if d != named)
    if others or (said is not None and said != day):
        what = f"events dated {others[0].isoformat()}" if others else f"a report dated {said!r}"
        return Collection(problem=f"holds {what}, but its name says {day} (rename or rebuild it)")
    return c


Reader = Callable[[Listing], list[tuple[str, Collection]]]


def within(first: dt.date | None, last: dt.date | None, listing: Listing) -> Listing:
    """The files of ``listing`` that may hold reports or events dated ``first..last``:
    those named for a date in it, and those whose name gives no date."""
    out = []
    for name, st in listing:
        d = name_date(name)
        if d is None or ((first is None or d >= first) and (last is None or d <= last)):
            out.append((name, st))
    return tuple(out)


def latest_by_names(listing: Listing, read: Reader) -> dt.date | None:
    """The newest report date, reading the files of one named date at a time from the
    newest; the files whose names give no date are read first, as they may hold any date.
    ``read`` reads some files of ``listing``."""
    groups, undated = _grouped(listing)
    loose = newest_date(_reports_of(read(undated)))
    for d in sorted(groups, reverse=True):
        if loose is not None and loose >= d:
            return loose
        if newest_date(_reports_of(read(groups[d]))) == d:
            return d
    return loose


def quick_dates_of(listing: Listing, read: Reader) -> list[dt.date]:
    """The dates the file names of ``listing`` give, and those of the events in files whose
    names give none; the newest dates' files are read until one has events, so a first
    look opens on a date with events. ``read`` reads some files of ``listing``."""
    groups, undated = _grouped(listing)
    loose: set[dt.date] = set()
    for _, c in read(undated):
        if c.problem is None:
            loose.update(_event_dates(c))
    out = sorted(loose | set(groups))
    while out and out[-1] not in loose:
        if any(c.problem is None and len(c.props) for _, c in read(groups[out[-1]])):
            break
        out.pop()
    return out


def _grouped(listing: Listing) -> tuple[dict[dt.date, Listing], Listing]:
    """The files of ``listing`` by the date their names give, and those whose names give none."""
    groups: dict[dt.date, list[tuple[str, Stamp]]] = {}
    undated = []
    for name, st in listing:
        d = name_date(name)
        if d is None:
            undated.append((name, st))
        else:
            groups.setdefault(d, []).append((name, st))
    return {d: tuple(v) for d, v in groups.items()}, tuple(undated)


def _event_dates(c: Collection) -> set[dt.date]:
    return {dt.date.fromisoformat(d) for d in pc.unique(c.props.column("date")).to_pylist() if d}


def _frame_from(parsed: list[tuple[str, Collection]]) -> gpd.GeoDataFrame:
    """The frame of the usable collections, listing the unusable ones in ``attrs``."""
    gdf = frame_of([c for _, c in parsed])
    gdf.attrs["skipped"] = [(n, c.problem) for n, c in parsed if c.problem is not None]
    gdf.attrs["files"] = sum(c.problem is None for _, c in parsed)
    return gdf


def clear_cache() -> None:
    """Forget cached files and frames (tests, or after editing files in place)."""
    with _lock:
        _file_cache.clear()
        _frame_cache.clear()


def view_of(
    gdf: gpd.GeoDataFrame, q: ViewQuery | None, strict: bool, where: Callable[[str], str]
) -> gpd.GeoDataFrame:
    """What a store's ``load`` returns from its cached frame: the caller's own copy (of the
    view ``q``), carrying the files that were skipped; ``strict`` makes the first skipped
    file (named by ``where``) an error instead."""
    skipped = list(gdf.attrs["skipped"])
    if strict and skipped:
        name, problem = skipped[0]
        raise StoreError(f"{where(name)}: {problem}")
    out = gdf.copy() if q is None else filter_events(gdf, q)
    out.attrs = {"skipped": skipped, "files": gdf.attrs["files"]}
    return out
