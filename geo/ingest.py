"""Ingest: parse -> resolve -> store, one report at a time; the pipeline's one orchestrator.

Each report is independent: a report that cannot be read is reported
(``ok=False``) and nothing is written for it, and the others carry on. The
store writes each report atomically (:meth:`geo.store.base.Store.write`), so a
crash, Ctrl-C, or a second ingest into the same store never loses or corrupts
one. :func:`rebuild` regenerates a whole file store in a temporary folder and
swaps it in.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import FrontlineError, ReportError
from geo.model import Report
from geo.parse.report import parse_file, parse_text
from geo.places.gazetteer import Gazetteer, load_gazetteer
from geo.resolve.resolver import OnlineLookup, resolve_report
from geo.settings import settings
from geo.store import FileStore, Store
from geo.store.records import build_record

REPORT_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".html", ".htm"})
# Files that describe a folder of reports rather than being one.
_NOT_REPORTS = ("index", "readme", "source", "license", "licence")


@dataclass(slots=True)
class IngestResult:
    """What happened to one report: the line the CLI prints, the app's upload message."""

    path: str
    ok: bool
    date: dt.date | None = None
    format: str | None = None
    events: int = 0
    unresolved: list[str] = field(default_factory=list)
    error: str | None = None
    out_file: str | None = None  # where the store put it (a file, a table row)
    outcome: str | None = None  # what the write did: added, refreshed or replaced
    notice: str | None = None  # how the report was read (a special edition: no fronts)

    def summary_line(self) -> str:
        if not self.ok:
            return f"ERROR {self.path}: {self.error}"
        names = f" ({', '.join(self.unresolved)})" if self.unresolved else ""
        notice = f" [{self.notice}]" if self.notice else ""
        return (
            f"{self.date.isoformat() if self.date else '?':10} {self.format or '?':<10}"
            f" events={self.events} unresolved={len(self.unresolved)}{names} -> {self.out_file}"
            f"{notice}"
        )


OnResult = Callable[[IngestResult], None] | None


Online = bool | OnlineLookup | None
"""``True`` for the Nominatim fallback, a lookup of your own, or nothing."""


def _online_fallback(online: Online) -> OnlineLookup | None:
    """``True`` -> the Nominatim fallback (imported only when asked for); callables pass through."""
    if online is True:
        try:
            from geo.resolve.online import NominatimFallback
        except ImportError as exc:
            raise FrontlineError(f"the online fallback is not available: {exc}") from exc
        return NominatimFallback()
    return online or None


def _as_store(store: Store | Path | str) -> Store:
    return store if isinstance(store, Store) else FileStore(store)


def _store_report(
    report: Report,
    store: Store,
    gaz: Gazetteer,
    online: OnlineLookup | None,
    keep_text: bool,
    label: str,
    replace: bool = False,
) -> IngestResult:
    record = build_record(report, resolve_report(report, gaz, online), keep_text)
    outcome = store.write(record, replace=replace)
    return IngestResult(
        path=label, ok=True, date=report.date, format=report.format,
        events=len(record.features), unresolved=record.unresolved_names,
        out_file=store.where(record.report_id), outcome=outcome, notice=report.notice,
    )  # fmt: skip


def _failed(label: str, exc: BaseException) -> IngestResult:
    if isinstance(exc, ReportError):
        return IngestResult(path=label, ok=False, error=exc.problem)
    if isinstance(exc, FrontlineError):
        return IngestResult(path=label, ok=False, error=str(exc))
    # A bug on odd input must not stop the other reports of a batch; say so plainly.
    return IngestResult(path=label, ok=False, error=f"unexpected {type(exc).__name__}: {exc}")


def ingest_files(
    paths: Iterable[Path | str],
    store: Store | Path | str,
    fmt: str = "auto",
    date: dt.date | None = None,
    online: Online = False,
    keep_text: bool = True,
    on_result: OnResult = None,
    gaz: Gazetteer | None = None,
) -> list[IngestResult]:
    """Parse, geocode and store each report; one :class:`IngestResult` per path, in order.

    The gazetteer is loaded once (a missing gazetteer is the caller's problem
    and raises :class:`~geo.errors.GazetteerError`). ``on_result`` is called
    as each report finishes, so the CLI can print progress.
    """
    paths = [Path(p) for p in paths]
    results: list[IngestResult] = []
    if not paths:
        return results
    gaz = gaz or load_gazetteer()
    lookup = _online_fallback(online)
    target = _as_store(store)
    for path in paths:
        try:
            report = parse_file(path, fmt=fmt, date=date, gaz=gaz)
            result = _store_report(report, target, gaz, lookup, keep_text, str(path))
        except Exception as exc:
            result = _failed(str(path), exc)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def ingest_text(
    text: str,
    store: Store | Path | str,
    name: str = "<report>",
    fmt: str = "auto",
    date: dt.date | None = None,
    online: Online = False,
    keep_text: bool = True,
    gaz: Gazetteer | None = None,
    replace: bool = False,
) -> IngestResult:
    """Ingest report text already in memory (``name`` labels it in messages only).

    ``replace`` puts a different version of a stored report in its place
    (``frontline update`` does, for a corrected edition from the publisher);
    ``IngestResult.outcome`` says whether that happened."""
    try:
        gaz = gaz or load_gazetteer()
        report = parse_text(text, fmt=fmt, date=date, path=name, gaz=gaz)
        return _store_report(
            report, _as_store(store), gaz, _online_fallback(online), keep_text, name, replace
        )
    except Exception as exc:
        return _failed(name, exc)


def ingest_bytes(
    name: str,
    data: bytes,
    store: Store | Path | str,
    fmt: str = "auto",
    date: dt.date | None = None,
    online: Online = False,
    keep_text: bool = True,
    gaz: Gazetteer | None = None,
) -> IngestResult:
    """Ingest an uploaded file's bytes (the app's upload button).

    The bytes go through the same reader as files on disk (encoding, HTML
    cleaning, size limit) via a private temporary file; only the suffix of the
    user's ``name`` is used there, sanitised to letters, digits, ``._-`` (so a
    date in the file name can still serve as the report's date).
    """
    limit = settings.max_report_bytes
    if len(data) > limit:
        return IngestResult(
            path=name, ok=False,
            error=f"file is {len(data):,} bytes; the limit is {limit:,}",
        )  # fmt: skip
    suffix = Path(name).suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        suffix = ".txt"
    with tempfile.TemporaryDirectory(prefix="frontline-upload-") as tmp:
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(name).stem)[:80].lstrip(".") or "report"
        path = Path(tmp) / f"{stem}{suffix}"
        path.write_bytes(data)
        result = ingest_files(
            [path], store, fmt=fmt, date=date, online=online, keep_text=keep_text, gaz=gaz
        )[0]
    result.path = name
    if result.error:
        result.error = result.error.replace(str(path), name)
    return result


def report_files(reports_dir: Path) -> list[Path]:
    """Report files under ``reports_dir`` (recursively), sorted; index/readme files skipped."""
    out = []
    for p in Path(reports_dir).rglob("*"):
        if p.suffix.lower() not in REPORT_SUFFIXES or not p.is_file():
            continue
        if p.name.startswith(".") or p.stem.lower().startswith(_NOT_REPORTS):
            continue
        out.append(p)
    return sorted(out)


def rebuild(
    reports_dir: Path,
    events_dir: Path,
    keep_text: bool = False,
    on_result: OnResult = None,
    gaz: Gazetteer | None = None,
) -> list[IngestResult]:
    """Regenerate ``events_dir`` from every report in ``reports_dir``.

    The new store is written into a temporary sibling folder and swapped in
    at the end, so readers see the old store or the new one, never a half
    rebuilt one, and files whose report is gone disappear. Refuses to run on
    a folder with no reports, and keeps the old store when no report could be
    read, so a wrong path never wipes the data.
    """
    reports_dir, events_dir = Path(reports_dir), Path(events_dir)
    if not reports_dir.is_dir():
        raise FrontlineError(f"{reports_dir}: not a folder of reports")
    paths = report_files(reports_dir)
    if not paths:
        raise FrontlineError(f"{reports_dir}: no report files (*.txt, *.md, *.html)")
    events_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=events_dir.parent, prefix=f".{events_dir.name}.rebuild-"))

    def relabel(r: IngestResult) -> None:
        if r.out_file is not None:  # where the file will be once swapped in
            r.out_file = str(events_dir / Path(r.out_file).name)
        if on_result is not None:
            on_result(r)

    try:
        results = ingest_files(paths, tmp, keep_text=keep_text, on_result=relabel, gaz=gaz)
        if any(r.ok for r in results):
            _keep_other_files(events_dir, tmp)
            _swap_in(tmp, events_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def _keep_other_files(old: Path, new: Path) -> None:
    """Carry over what is not an event file (a README, a .gitkeep): rebuild owns only events."""
    if not old.is_dir():
        return
    for p in old.iterdir():
        is_temp = p.name.startswith(".") and p.name.endswith(".tmp")
        if p.is_file() and not p.name.endswith(".geojson") and not is_temp:
            shutil.copy2(p, new / p.name)


def _swap_in(new: Path, target: Path) -> None:
    """Make ``new`` the content of ``target``; afterwards ``new`` holds the old store.

    On Linux ``renameat2(RENAME_EXCHANGE)`` swaps the two folders in one
    atomic step. Elsewhere the old folder is renamed aside first, which leaves
    a moment with no store (readers then see an empty one, never a partial one).
    """
    new.chmod(0o755)  # mkdtemp makes it private; the store is an ordinary folder
    if not target.exists():
        os.replace(new, target)
        return
    if _exchange(new, target):
        return
    aside = new.with_name(new.name + ".old")
    os.replace(target, aside)
    os.replace(new, target)
    os.replace(aside, new)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


class _NothingRead(Exception):
    """No report of a rebuild could be read: the old store stays."""


def rebuild_database(
    reports_dir: Path,
    store: Store,
    keep_text: bool = False,
    on_result: OnResult = None,
    gaz: Gazetteer | None = None,
) -> list[IngestResult]:
    """:func:`rebuild` for a store that swaps in new content in one step (PostGIS:
    ``store.replacing()``): the same checks, and readers see the old store or the new one.

    Holds the store's writers' lock throughout, so an ingest never lands in the old store
    only to vanish with it.
    """
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        raise FrontlineError(f"{reports_dir}: not a folder of reports")
    paths = report_files(reports_dir)
    if not paths:
        raise FrontlineError(f"{reports_dir}: no report files (*.txt, *.md, *.html)")
    replacing = getattr(store, "replacing", None)
    if replacing is None:
        raise FrontlineError(f"{store.location}: this store cannot be rebuilt in place")
    results: list[IngestResult] = []
    try:
        with store.lock(), replacing() as fresh:

            def relabel(r: IngestResult) -> None:  # where the report will be once swapped in
                if r.out_file is not None:
                    r.out_file = r.out_file.replace(fresh.location, store.location)
                if on_result is not None:
                    on_result(r)

            results = ingest_files(paths, fresh, keep_text=keep_text, on_result=relabel, gaz=gaz)
            if not any(r.ok for r in results):
                raise _NothingRead
    except _NothingRead:
        pass
    return results
