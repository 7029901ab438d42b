"""Moving reports between stores: ``frontline db import DIR`` and ``frontline db export DIR``.

A report moves whole, as the :class:`~geo.store.records.ReportRecord` it was
written as (its facts and its features, extra properties included), through
the target's ordinary :meth:`~geo.store.base.Store.write`: the same
atomicity, and the same refusal to replace a different version unless asked.
A file that cannot be read is named and skipped; the others carry on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from geo.errors import DatabaseError, FrontlineError, ReportExists, StoreError
from geo.store.base import Store
from geo.store.files import SUFFIX
from geo.store.frame import parse_collection
from geo.store.records import ReportRecord


@dataclass(slots=True)
class Transfer:
    """What a transfer did: counts per write outcome, and what it could not move."""

    added: int = 0
    refreshed: int = 0
    replaced: int = 0
    refused: list[str] = field(default_factory=list)  # ReportExists messages
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, problem)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.skipped

    def summary(self) -> str:
        moved = self.added + self.refreshed + self.replaced
        parts = [f"{self.added} added", f"{self.refreshed} refreshed", f"{self.replaced} replaced"]
        if self.refused:
            parts.append(f"{len(self.refused)} refused (different versions; see --replace)")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return f"{moved} reports: " + ", ".join(parts)


def _date(report: dict, feats: list) -> dt.date:
    raw = report.get("date")
    if raw is None and feats:
        raw = (feats[0].get("properties") or {}).get("date")
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValueError(f"no report date: {raw!r}") from None


def file_records(folder: Path) -> Iterator[tuple[str, ReportRecord | str]]:
    """``(path, record)`` for each report file of a file store, or ``(path, problem)``.

    The report's id is its file name, as in :class:`~geo.store.files.FileStore`.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FrontlineError(f"{folder}: no event store there")
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield str(path), f"not readable: {exc.strerror or exc}"
            continue
        col = parse_collection(data)
        if col.problem is not None:
            yield str(path), col.problem
            continue
        doc = orjson.loads(data)
        meta = doc.get("frontline") or {}
        feats = doc["features"]
        report = meta.get("report") or {}
        try:
            date = _date(report, feats)
        except ValueError as exc:
            yield str(path), str(exc)
            continue
        fmt = report.get("format") or (
            feats[0]["properties"].get("report_format") if feats else None
        )
        stem = path.name[: -len(SUFFIX)]
        yield str(path), ReportRecord(stem, date, str(fmt or "unknown"), meta, feats)


def copy_records(
    records: Iterable[tuple[str, ReportRecord | str]],
    target: Store,
    replace: bool = False,
    on_problem: Callable[[str], None] | None = None,
) -> Transfer:
    """Write each record into ``target``; problems are collected (and passed to
    ``on_problem`` as one line each), never raised, except a failing database."""
    out = Transfer()
    for where, rec in records:
        if isinstance(rec, str):
            out.skipped.append((where, rec))
            if on_problem:
                on_problem(f"skipped {where}: {rec}")
            continue
        try:
            outcome = target.write(rec, replace=replace)
        except ReportExists as exc:
            out.refused.append(str(exc))
            if on_problem:
                on_problem(str(exc))
            continue
        except DatabaseError:  # the database itself failed: stop, say why
            raise
        except StoreError as exc:
            out.skipped.append((where, str(exc)))
            if on_problem:
                on_problem(f"skipped {where}: {exc}")
            continue
        setattr(out, outcome, getattr(out, outcome) + 1)
    return out


def store_records(store: Store) -> Iterator[tuple[str, ReportRecord | str]]:
    """``(where, record)`` for each report of a store that can list its records."""
    records = getattr(store, "records", None)
    if records is None:
        raise FrontlineError(f"{store.location}: this store cannot list its reports for export")
    for rec in records():
        yield store.where(rec.report_id), rec
