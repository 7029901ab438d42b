"""The default store: a folder with one GeoJSON FeatureCollection per report.

Each file is named ``<report_id>.geojson`` (ids never carry report text) and
written with :func:`geo._io.atomic_write_text`, so a crash leaves the old file
or the new one, and two ingests into one folder both land: there is no shared
index file that a race could lose. Everything else is derived from the files
on load and cached by their names, mtimes, sizes and inodes, so an unchanged
store is answered without reading a byte.

A file looks like this (one feature per line, so the shipped data diffs well)::

    {"type":"FeatureCollection",
    "frontline":{"report":{...},"fronts":[...],"unresolved":[...],"counts":{...}},
    "features":[
    {"type":"Feature","id":"...","geometry":{...},"properties":{...}},
    ...
    ]}
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import orjson

from geo._io import atomic_write_text
from geo.errors import ReportExists, StoreError
from geo.store.base import Store, WriteOutcome
from geo.store.frame import Collection, frame_of, parse_collection
from geo.store.query import ViewQuery, filter_events
from geo.store.records import ReportRecord

SUFFIX = ".geojson"

# (mtime_ns, size, inode) of one file: what says it may have changed.
Stamp = tuple[int, int, int]
Listing = tuple[tuple[str, Stamp], ...]

_lock = threading.Lock()
_file_cache: dict[tuple[str, str], tuple[Stamp, Collection]] = {}
_frame_cache: dict[str, tuple[Listing, gpd.GeoDataFrame]] = {}


def dumps_collection(record: ReportRecord) -> str:
    """The file text: deterministic (same record, same bytes), one feature per line."""
    body = b",\n".join(map(orjson.dumps, record.features)).decode("utf-8")
    sep = "\n" if record.features else ""
    meta = orjson.dumps(record.meta).decode("utf-8")
    return f'{{"type":"FeatureCollection",\n"frontline":{meta},\n"features":[{sep}{body}{sep}]}}\n'


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

    def where(self, report_id: str) -> str:
        return str(self.path_of(report_id))

    # --- writing ----------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.folder}: this store is read-only")

    def write(self, record: ReportRecord, *, replace: bool = False) -> WriteOutcome:
        self._writable()
        path = self.path_of(record.report_id)
        outcome: WriteOutcome = "added"
        old = _read(path) if path.exists() else None
        if old is not None:
            stored = (old.meta.get("report") or {}) if old.problem is None else {}
            same_text = (
                bool(record.content_hash) and stored.get("content_hash") == record.content_hash
            )
            if same_text:
                outcome = "refreshed"
            elif replace:
                outcome = "replaced"
            else:
                title = stored.get("title") or "(unreadable file)"
                n = len(old.props) if old.problem is None else 0
                raise ReportExists(
                    f"{path}: already holds {record.report_id} ({title!r}, {n} events) made from "
                    "different text; replace it explicitly (--replace) or remove it first"
                )
        atomic_write_text(path, dumps_collection(record))
        return outcome

    def remove(self, report_id: str) -> bool:
        self._writable()
        try:
            self.path_of(report_id).unlink()
        except FileNotFoundError:
            return False
        return True

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """An advisory lock on ``<folder>/.lock`` (flock: released if the holder dies)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def exists(self, report_id: str) -> bool:
        return self.path_of(report_id).is_file()

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

    def stamp(self) -> str:
        listing = self.listing()
        if not listing:
            return ""
        return hashlib.blake2b(repr(listing).encode(), digest_size=16).hexdigest()

    def _key(self) -> str:
        return str(self.folder.resolve())

    def _collections(self, listing: Listing | None = None) -> list[tuple[str, Collection]]:
        """Each file parsed, re-reading only what changed since the last call."""
        key = self._key()
        if listing is None:
            listing = self.listing()
        out = []
        for name, st in listing:
            cached = _file_cache.get((key, name))
            if cached is None or cached[0] != st:
                cached = (st, _read(self.folder / name))
                _file_cache[(key, name)] = cached
            out.append((name, cached[1]))
        live = {name for name, _ in listing}
        for k in [k for k in _file_cache if k[0] == key and k[1] not in live]:
            del _file_cache[k]
        return out

    def _frame(self) -> gpd.GeoDataFrame:
        """The whole store's frame, cached until a file changes (callers must not modify it)."""
        key = self._key()
        with _lock:
            listing = self.listing()
            cached = _frame_cache.get(key)
            if cached is None or cached[0] != listing:
                parsed = self._collections(listing)
                gdf = frame_of([c for _, c in parsed])
                gdf.attrs["skipped"] = [(n, c.problem) for n, c in parsed if c.problem is not None]
                gdf.attrs["files"] = sum(c.problem is None for _, c in parsed)
                cached = (listing, gdf)
                _frame_cache[key] = cached
        return cached[1]

    def load(self, q: ViewQuery | None = None, strict: bool = False) -> gpd.GeoDataFrame:
        """See :meth:`Store.load`; ``strict=True`` raises :class:`StoreError` on the first
        unusable file instead of skipping it. Callers get their own frame."""
        gdf = self._frame()
        skipped = list(gdf.attrs["skipped"])
        if strict and skipped:
            name, problem = skipped[0]
            raise StoreError(f"{self.folder / name}: {problem}")
        out = gdf.copy() if q is None else filter_events(gdf, q)
        out.attrs = {"skipped": skipped, "files": gdf.attrs["files"]}
        return out

    def reports(self) -> list[dict]:
        with _lock:
            parsed = self._collections()
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


def _read(path: Path) -> Collection:
    try:
        with open(path, "rb", buffering=0) as fh:
            data = fh.readall()
    except OSError as exc:
        return Collection(problem=f"not readable: {exc.strerror or exc}")
    return parse_collection(data)


def clear_cache() -> None:
    """Forget cached files and frames (tests, or after editing files in place)."""
    with _lock:
        _file_cache.clear()
        _frame_cache.clear()
