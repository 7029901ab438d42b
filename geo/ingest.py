"""Ingest: parse -> resolve -> store, one report at a time; the pipeline's one orchestrator.

Each report is independent: a report that cannot be read is reported
(``ok=False``, one line naming it) and nothing is written for it, and the
others carry on. The store writes each report atomically under its lock
(:meth:`geo.store.base.Store.write`, :meth:`~geo.store.base.Store.lock`), so
a crash, Ctrl-C, a second ingest or a rebuild running at the same time never
loses or corrupts one. Nothing stored is replaced unless the caller asked
(``replace``), and the result says what was.

:func:`rebuild` regenerates a whole file store in a temporary folder and
swaps it in, holding the store's lock throughout; it never drops what it
could not rebuild.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geo._io import atomic_write_bytes
from geo.errors import FrontlineError, ReportError, ReportExists, one_line
from geo.model import Report
from geo.parse.report import parse_file, parse_text
from geo.places.gazetteer import Gazetteer, load_gazetteer
from geo.resolve.resolver import OnlineLookup, resolve_report
from geo.settings import settings
from geo.store import FileStore, Store
from geo.store.files import LOCK_NAME, REBUILD_PREFIX, SOURCES, SUFFIX
from geo.store.frame import Collection
from geo.store.records import (
    ONE_PER_DATE,
    build_record,
    id_source_hash,
    stored_source,
)

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
    report_id: str | None = None
    outcome: str | None = None  # "added", "refreshed" (same text again) or "replaced"
    # Other reports of the same date and format left beside this one (one line each).
    same_day: list[str] = field(default_factory=list)
    # What this report replaced (``replace``), one line each.
    replaced: list[str] = field(default_factory=list)
    # Not stored because a different version is: what ``replace`` would replace.
    existing: list[str] = field(default_factory=list)
    # Not stored because its date is missing or after tomorrow: give it (--date).
    needs_date: bool = False
    notice: str | None = None  # how the report was read (a special edition: no fronts)

    def notes(self) -> list[str]:
        """What the user should know besides the counts, one short sentence each."""
        out = [f"replaced {one_line(r, 160)}" for r in self.replaced]
        if self.same_day:
            others = "; ".join(one_line(r, 160) for r in self.same_day)
            out.append(f"also stored for this date and format: {others}")
        return out

    def summary_line(self) -> str:
        if not self.ok:
            return f"ERROR {self.path}: {self.error}"
        names = f" ({', '.join(self.unresolved)})" if self.unresolved else ""
        notice = f" [{self.notice}]" if self.notice else ""
        line = (
            f"{self.date.isoformat() if self.date else '?':10} {self.format or '?':<10}"
            f" events={self.events} unresolved={len(self.unresolved)}{names} -> {self.out_file}"
            f"{notice}"
        )
        notes = self.notes()
        return line + (f"  [{' | '.join(notes)}]" if notes else "")


OnResult = Callable[[IngestResult], None] | None
OnStage = Callable[[str], None] | None
"""Told what an ingest is doing ("reading", "resolving", "waiting for the store",
"writing"): the upload worker's parent says where a stopped upload was."""


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


def check_report_path(path: Path) -> None:
    """Refuse what is not a regular file before opening it: a FIFO or a device would
    make the reader wait forever."""
    try:
        st = os.stat(path)
    except OSError:
        return  # the reader says "file not found" / "cannot read" itself
    if stat.S_ISDIR(st.st_mode):
        raise ReportError(str(path), "is a folder, not a report file")
    if not stat.S_ISREG(st.st_mode):
        raise ReportError(str(path), "not a regular file (a pipe, socket or device)")


def check_date(report: Report, date_given: dt.date | None, path: str | None) -> None:
    """A report dated after tomorrow is a misread date (or a hostile file) until the
    user says otherwise: it would become the dashboard's default day."""
    latest = dt.date.today() + dt.timedelta(days=1)
    if report.date > latest and date_given != report.date:
        raise ReportError(
            path,
            f"dated {report.date.isoformat()}, after tomorrow; if that is right, "
            f"pass --date {report.date.isoformat()}",
        )


def _describe(meta: dict) -> str:
    """One line naming a stored report (a :meth:`Store.reports` entry) for messages."""
    r = meta["report"]
    title = str(r.get("title") or "untitled")
    title = title if len(title) <= 80 else title[:79] + "…"
    where = ", shipped data" if meta.get("layer") == "base" else ""
    rid = r.get("report_id") or str(meta.get("file", ""))[: -len(SUFFIX)]
    return f"{rid} ({title!r}, {meta['counts'].get('events', '?')} events{where})"


def _store_report(
    report: Report,
    store: Store,
    gaz: Gazetteer,
    online: OnlineLookup | None,
    keep_text: bool,
    label: str,
    replace: bool = False,
    date: dt.date | None = None,
    file: str | None = None,
    on_stage: OnStage = None,
) -> IngestResult:
    stage = on_stage or (lambda _: None)
    check_date(report, date, label)
    stage("resolving")
    record = build_record(
        report, resolve_report(report, gaz, online), keep_text,
        file=file, date_given=date is not None, name=Path(label).name,
    )  # fmt: skip
    replaced: list[str] = []
    stage("waiting for the store")
    with store.lock():
        stage("writing")
        same_day = store.reports_on(record.date, record.format)
        mine = [
            r for r in same_day
            if r["report"].get("report_id") == record.report_id
            or stored_source(r["report"]) == record.source
        ]  # fmt: skip
        others = [r for r in same_day if not any(r is m for m in mine)]
        outcome = store.write(record, replace=replace)
        if outcome == "replaced":
            replaced = [_describe(m) for m in mine]
        if replace and record.format in ONE_PER_DATE:
            for other in others:
                rid = str(other["report"].get("report_id") or other["file"][: -len(SUFFIX)])
                if store.remove(rid):
                    replaced.append(_describe(other))
            others = []
    return IngestResult(
        path=label, ok=True, date=report.date, format=report.format,
        events=len(record.features), unresolved=record.unresolved_names,
        out_file=store.where(record.report_id), report_id=record.report_id,
        outcome="replaced" if replaced else outcome,
        same_day=[_describe(o) for o in others], replaced=replaced, notice=report.notice,
    )  # fmt: skip


def _failed(label: str, exc: BaseException) -> IngestResult:
    if isinstance(exc, ReportError):
        problem = exc.problem
    elif isinstance(exc, FrontlineError):
        problem = str(exc)
    else:  # a bug on odd input must not stop the other reports of a batch; say so plainly
        problem = f"unexpected {type(exc).__name__}: {exc}"
    return IngestResult(
        path=label, ok=False, error=one_line(problem),
        existing=list(exc.existing) if isinstance(exc, ReportExists) else [],
        needs_date=isinstance(exc, ReportError) and "--date" in exc.problem,
    )  # fmt: skip


def ingest_files(
    paths: Iterable[Path | str],
    store: Store | Path | str,
    fmt: str = "auto",
    date: dt.date | None = None,
    online: Online = False,
    keep_text: bool = True,
    on_result: OnResult = None,
    gaz: Gazetteer | None = None,
    replace: bool = False,
    root: Path | None = None,
    on_stage: OnStage = None,
) -> list[IngestResult]:
    """Parse, geocode and store each report; one :class:`IngestResult` per path, in order.

    The gazetteer is loaded once (a missing gazetteer is the caller's problem
    and raises :class:`~geo.errors.GazetteerError`). ``on_result`` is called
    as each report finishes, so the CLI can print progress. ``replace``: put
    each report in place of its stored version, and for daily series of the
    other reports of its date (the results say what was replaced). ``root``:
    the folder the paths are in, recorded with the events (a rebuild's link
    from events to report files).
    """
    files = [Path(p) for p in paths]
    results: list[IngestResult] = []
    if not files:
        return results
    gaz = gaz or load_gazetteer()
    lookup = _online_fallback(online)
    target = _as_store(store)
    cleaned = False
    for path in files:
        try:
            if on_stage is not None:
                on_stage("reading")
            check_report_path(path)
            report = parse_file(path, fmt=fmt, date=date, gaz=gaz)
            if not cleaned:
                _clean_debris(target)
                cleaned = True
            file = path.relative_to(root).as_posix() if root is not None else None
            result = _store_report(
                report, target, gaz, lookup, keep_text, str(path), replace, date, file, on_stage
            )
        except Exception as exc:
            result = _failed(str(path), exc)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _clean_debris(store: Store) -> None:
    """What killed writers left (``.tmp`` files, rebuild folders): gone before we write."""
    clean = getattr(store, "clean_debris", None)
    if clean is not None:
        clean()


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
    clean: bool = True,
) -> IngestResult:
    """Ingest report text already in memory (``name`` labels it in messages only).

    ``replace`` puts a different version of a stored report in its place
    (``frontline update`` does, for a corrected edition from the publisher);
    ``IngestResult.outcome`` says whether that happened."""
    try:
        gaz = gaz or load_gazetteer()
        report = parse_text(text, fmt=fmt, date=date, path=name, gaz=gaz, clean=clean)
        target = _as_store(store)
        _clean_debris(target)
        return _store_report(
            report, target, gaz, _online_fallback(online), keep_text, name, replace, date
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
    replace: bool = False,
    on_stage: OnStage = None,
) -> IngestResult:
    """Ingest an uploaded file's bytes (the app's upload button; see also
    :func:`geo.uploads.ingest_upload`, which runs this in a worker process).

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
            [path], store, fmt=fmt, date=date, online=online, keep_text=keep_text, gaz=gaz,
            replace=replace, on_stage=on_stage,
        )[0]  # fmt: skip
    result.path = name
    if result.error:
        result.error = one_line(result.error.replace(str(path), name))
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


# --------------------------------------------------------------------------- rebuild


@dataclass(slots=True)
class RebuildResult:
    """What a rebuild did: one result per report read, and what became of the old store."""

    results: list[IngestResult] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # old reports carried over, and why
    dropped: list[str] = field(default_factory=list)  # old reports that are gone, and why
    swapped: bool = False  # the new store is in place
    refused: str | None = None  # why the old store was left as it was
    in_place: bool = False  # written file by file (the store is a mount point)

    @property
    def failed(self) -> list[IngestResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return self.swapped and not self.failed

    def summary_line(self) -> str:
        done = sum(r.ok for r in self.results)
        if not self.swapped:
            return f"rebuild: the store was left as it was: {self.refused}"
        how = " in place" if self.in_place else ""
        return (
            f"rebuild: {done} reports rebuilt{how}, {len(self.failed)} failed, "
            f"{len(self.kept)} kept from the old store, {len(self.dropped)} dropped"
        )


def _folder_reports(reports_dir: Path) -> list[Path]:
    """The report files of a folder to rebuild from; a wrong path is an error, never an
    empty store."""
    if not reports_dir.is_dir():
        raise FrontlineError(f"{reports_dir}: not a folder of reports")
    paths = report_files(reports_dir)
    if not paths:
        raise FrontlineError(f"{reports_dir}: no report files (*.txt, *.md, *.html)")
    return paths


def rebuild(
    reports_dir: Path | None,
    events_dir: Path,
    keep_text: bool = False,
    on_result: OnResult = None,
    gaz: Gazetteer | None = None,
    allow_partial: bool = False,
    prune: bool = False,
) -> RebuildResult:
    """Regenerate ``events_dir`` from every report in ``reports_dir`` and the texts it keeps.

    Holds the store's lock throughout, so an ingest meanwhile waits and lands
    in the new store. The new store is written into a temporary folder and
    swapped in at the end, so readers see the old store or the new one (on a
    mount point, where folders cannot be swapped, it is written file by file).
    Never drops what it could not rebuild:

    - reports kept with their text (uploads) are read again from it;
    - a report whose file fails keeps its old events, and any failure leaves
      the old store as it was unless ``allow_partial``;
    - an old report that is not in the folder is kept, unless ``prune``;
    - debris of killed runs (``.rebuild-*`` folders, ``.tmp`` files) is removed.

    Refuses a folder with no reports, and keeps the old store when no report
    could be read, so a wrong path never wipes the data. ``reports_dir=None``
    rebuilds from the kept texts only.
    """
    events_dir = Path(events_dir)
    paths: list[Path] = []
    if reports_dir is not None:
        paths = _folder_reports(Path(reports_dir))
    store = FileStore(events_dir)
    with store.lock():
        store.clean_debris()
        kept_ids = store.kept_texts()
        if not paths and not kept_ids:
            raise FrontlineError(f"{events_dir}: no reports kept with their text to rebuild from")
        return _rebuild_locked(
            paths, reports_dir, store, kept_ids, keep_text, on_result, gaz, allow_partial, prune
        )


def _rebuild_locked(
    paths: list[Path],
    reports_dir: Path | None,
    store: FileStore,
    kept_ids: list[str],
    keep_text: bool,
    on_result: OnResult,
    gaz: Gazetteer | None,
    allow_partial: bool,
    prune: bool,
) -> RebuildResult:
    events_dir = store.folder
    out = RebuildResult(in_place=_must_write_in_place(events_dir))
    old = store.collections()
    if out.in_place:
        tmp = Path(tempfile.mkdtemp(dir=events_dir, prefix=REBUILD_PREFIX))
    else:
        events_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(
            tempfile.mkdtemp(dir=events_dir.parent, prefix=f".{events_dir.name}{REBUILD_PREFIX}")
        )

    def relabel(r: IngestResult) -> None:
        if r.out_file is not None:  # where the file will be once swapped in
            r.out_file = str(events_dir / Path(r.out_file).name)
        if on_result is not None:
            on_result(r)

    try:
        gaz = gaz or load_gazetteer()
        new = FileStore(tmp)
        out.results = ingest_files(
            paths, new, keep_text=keep_text, on_result=relabel, gaz=gaz, root=reports_dir
        )
        _reread_kept_texts(store, new, old, kept_ids, gaz, relabel, out)
        if not any(r.ok for r in out.results):
            out.refused = "no report could be read"
        elif out.failed and not allow_partial:
            out.refused = (
                f"{len(out.failed)} of {len(out.results)} reports failed (--allow-partial "
                "swaps anyway, keeping the old events of the reports that failed)"
            )
        if out.refused is None:
            try:
                _carry_over(store, new, old, reports_dir, out, prune)
            except OSError as exc:
                out.refused = f"the old reports it keeps could not be copied ({exc.strerror})"
        if out.refused is None:
            _keep_other_files(events_dir, tmp)
            if not out.in_place:
                out.in_place = not _swap_in(tmp, events_dir)
            if out.in_place:
                _write_in_place(tmp, events_dir)
            out.swapped = True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _reread_kept_texts(
    store: FileStore,
    new: FileStore,
    old: list[tuple[str, Collection]],
    kept_ids: list[str],
    gaz: Gazetteer,
    on_result: Callable[[IngestResult], None],
    out: RebuildResult,
) -> None:
    """Read again the reports the store kept with their text (uploads) and the folder
    did not hold (the folder's version of a report wins)."""
    rebuilt = _sources_in(new)
    old_meta = {name[: -len(SUFFIX)]: c.meta for name, c in old if c.problem is None}
    for rid in kept_ids:
        if stored_source((old_meta.get(rid) or {}).get("report") or {}) in rebuilt:
            continue
        doc = store.kept_text(rid)
        if doc is None:
            continue
        name = str(doc.get("name") or rid)
        given = None
        if doc.get("date_given"):
            with contextlib.suppress(TypeError, ValueError):
                given = dt.date.fromisoformat(str(doc.get("date")))
        r = ingest_text(
            doc["text"], new, name=f"{name} (kept text of {rid})",
            fmt=str(doc.get("format") or "auto"), date=given, gaz=gaz, keep_text=True, clean=False,
        )  # fmt: skip
        r.report_id = r.report_id or rid
        if not r.ok:
            r.error = f"{r.error} (its old events are kept)"
        out.results.append(r)
        on_result(r)


def _sources_in(store: FileStore) -> set[str]:
    return {
        src
        for _, c in store.collections()
        if c.problem is None and (src := stored_source(c.meta.get("report") or {}))
    }


def _carry_over(
    store: FileStore,
    new: FileStore,
    old: list[tuple[str, Collection]],
    reports_dir: Path | None,
    out: RebuildResult,
    prune: bool,
) -> None:
    """Copy into ``new`` every old report the rebuild did not make again, unless it is
    superseded (same id, same source, same report file, or an older file of a date the
    rebuild covers) or ``prune`` drops it because its report is gone."""
    made = new.collections()
    ids = {n[: -len(SUFFIX)] for n, _ in made}
    sources = _sources_in(new)
    files = {
        f for _, c in made if c.problem is None and (f := (c.meta.get("report") or {}).get("file"))
    }
    days: dict[tuple[str, str], set[str]] = {}
    for _, c in made:
        rep = c.meta.get("report") or {}
        days.setdefault((str(rep.get("date")), str(rep.get("format"))), set()).add(
            str(rep.get("title"))
        )
    failed_files = _failed_files(out.results, reports_dir)
    failed_kept = {r.report_id for r in out.failed if r.report_id}
    for name, c in old:
        rid = name[: -len(SUFFIX)]
        rep = (c.meta.get("report") or {}) if c.problem is None else {}
        src, file = stored_source(rep), rep.get("file")
        older_file = id_source_hash(rid) is None and (
            (day := days.get((str(rep.get("date")), str(rep.get("format"))))) is not None
            and (rep.get("format") in ONE_PER_DATE or rep.get("title") in day)
        )
        if rid in ids or (src and src in sources) or (file and file in files) or older_file:
            continue  # made again
        if c.problem is not None:
            why = f"kept {name}: not readable ({c.problem}), so not rebuilt"
        elif (file and file in failed_files) or rid in failed_kept:
            why = f"kept {rid}: its report failed, so its old events stay"
        elif prune:
            out.dropped.append(f"dropped {rid}: its report is not in the folder (--prune)")
            continue
        else:
            why = f"kept {rid}: its report is not in the folder (--prune drops such reports)"
        _copy_report(store, new, name)
        out.kept.append(why)


def _failed_files(results: list[IngestResult], root: Path | None) -> set[str]:
    out = set()
    for r in results:
        if r.ok or root is None:
            continue
        with contextlib.suppress(ValueError):
            out.add(Path(r.path).relative_to(root).as_posix())
    return out


def _copy_report(old: FileStore, new: FileStore, name: str) -> None:
    src = old.folder / name
    shutil.copy2(src, new.folder / name)
    kept = old.folder / SOURCES / (name[: -len(SUFFIX)] + ".json")
    if kept.is_file():
        (new.folder / SOURCES).mkdir(exist_ok=True)
        shutil.copy2(kept, new.folder / SOURCES / kept.name)


def _keep_other_files(old: Path, new: Path) -> None:
    """Carry over what is not an event file (a README, a .gitkeep, markers hiding shipped
    reports): rebuild owns only events and kept texts."""
    if not old.is_dir():
        return
    for p in old.iterdir():
        if p.name == LOCK_NAME or (p.name.startswith(".") and p.name.endswith(".tmp")):
            continue
        if p.is_file() and not p.name.endswith(SUFFIX) and not (new / p.name).exists():
            shutil.copy2(p, new / p.name)


def _must_write_in_place(target: Path) -> bool:
    """A mount point or a symlink cannot be swapped for another folder: write into it."""
    return target.is_symlink() or (target.is_dir() and os.path.ismount(target))


def _swap_in(new: Path, target: Path) -> bool:
    """Make ``new`` the content of ``target``; afterwards ``new`` holds the old store.

    On Linux ``renameat2(RENAME_EXCHANGE)`` swaps the two folders in one
    atomic step. Elsewhere the old folder is renamed aside first, which leaves
    a moment with no store (readers then see an empty one, never a partial one).
    ``False`` when the folder cannot be renamed (busy: a mount point the check
    missed, a bind mount): the caller then writes into it instead.
    """
    new.chmod(0o755)  # mkdtemp makes it private; the store is an ordinary folder
    try:
        if not target.exists():
            os.replace(new, target)
            return True
        if _exchange(new, target):
            return True
        aside = new.with_name(new.name + ".old")
        os.replace(target, aside)
        try:
            os.replace(new, target)
        except OSError:
            os.replace(aside, target)
            raise
        os.replace(aside, new)
    except OSError as exc:
        if exc.errno in (errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES):
            return False
        raise
    return True


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; ``False`` when the system cannot (then rename aside);
    raises the ``OSError`` of a folder that cannot be renamed at all (EBUSY)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES):
        raise OSError(err, os.strerror(err), str(b))
    return False


def _write_in_place(new: Path, target: Path) -> None:
    """Make ``target``'s events and kept texts those of ``new``, file by file.

    Each file is replaced atomically; readers may see old and new reports side
    by side for a moment, never a half-written file. Other files are left alone.
    """
    for sub in ("", SOURCES):
        src_dir, dst_dir = new / sub, target / sub
        wanted = {p.name for p in _files(src_dir)}
        for p in _files(src_dir):
            _put(p, dst_dir / p.name)
        suffix = ".json" if sub else SUFFIX
        for p in _files(dst_dir):
            if p.name.endswith(suffix) and p.name not in wanted:
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
        if sub == "":
            for p in _files(src_dir, events_only=False):
                if not p.name.endswith(SUFFIX) and not (dst_dir / p.name).exists():
                    _put(p, dst_dir / p.name)


def _files(folder: Path, events_only: bool = True) -> list[Path]:
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        if p.name.startswith(".") or not p.is_file():
            continue
        if events_only and not p.name.endswith((SUFFIX, ".json")):
            continue
        out.append(p)
    return out


def _put(src: Path, dst: Path) -> None:
    """Move ``src`` over ``dst`` atomically (a copy and a rename across file systems)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        atomic_write_bytes(dst, src.read_bytes())


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
    paths = _folder_reports(Path(reports_dir))
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
