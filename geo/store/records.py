"""A resolved report as the store keeps it: its facts and its events.

One event = one resolved place mention on one date (see :mod:`geo.schema`).
A :class:`ReportRecord` is what every store backend writes and replaces as a
unit: the report's metadata (title, URL, date, format, fronts with their
initiative, the names left unresolved) and its events as GeoJSON features.
Nothing here touches a disk or a database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from geo.errors import ReportError
from geo.model import Place, Report, ResolvedMention
from geo.parse.registry import format_names

COORD_DECIMALS = 5  # ~1 m: far finer than a village, and keeps files small
# Formats with one report per date: a re-ingest (or a corrected edition)
# replaces that date's report. Others (news) can share a date.
ONE_PER_DATE: frozenset[str] = frozenset({"dayseries", "isw"})


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """One report's facts (``meta``, the file's ``frontline`` member) and events (features)."""

    report_id: str
    date: dt.date
    format: str
    meta: dict
    features: list[dict]

    @property
    def content_hash(self) -> str:
        """Digest of the report's text: two records of one report with the same hash were
        made from the same text (re-deriving them replaces nothing a user wrote)."""
        return str(self.meta["report"].get("content_hash") or "")

    @property
    def title(self) -> str:
        return str(self.meta["report"].get("title") or "")

    @property
    def unresolved_names(self) -> list[str]:
        """Distinct names that could not be placed, in report order."""
        return list(dict.fromkeys(u["mention"] for u in self.meta["unresolved"]))


def _sha(*parts: object, n: int) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def valid_date(date: object) -> dt.date:
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date) or not 1000 <= date.year <= 9999:
        raise ReportError(None, f"report has no valid date: {date!r}")
    return date


def valid_format(fmt: object) -> str:
    if fmt not in format_names():
        raise ReportError(
            None, f"unknown report format {fmt!r} (known: {', '.join(format_names())})"
        )
    return str(fmt)


def _title_key(title: str | None) -> str:
    return " ".join((title or "").split())


def text_hash(text: str) -> str:
    """A short digest of a report's text (its identity when it has no URL)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def report_id(report: Report) -> str:
    """The report's id: ``<YYYY-MM-DD>_<format>``, or ``..._<hash8>`` for formats that share dates.

    Built from the validated date and a registered format name only, so no
    text from a report can reach a file name. Daily series (dayseries, isw)
    have one report per date; news articles can share a date, so their id
    carries a hash of the title: the same article always has the same id.
    """
    date = valid_date(report.date)
    fmt = valid_format(report.format)
    if fmt in ONE_PER_DATE:
        return f"{date.isoformat()}_{fmt}"
    return f"{date.isoformat()}_{fmt}_{_sha(_title_key(report.title), n=8)}"


def event_id(report: Report, front: str | None, section: str, place_id: str, start: int) -> str:
    """Stable id: the same report (format, date, title; not its path) gives the same ids."""
    return _sha(
        report.format, valid_date(report.date).isoformat(), _title_key(report.title),
        front, section, place_id, start, n=16,
    )  # fmt: skip


def placeable(place: Place | None) -> bool:
    """A resolved place whose coordinates can be drawn."""
    if place is None:
        return False
    lon, lat = place.lon, place.lat
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def build_events(report: Report, resolved: list[ResolvedMention], keep_text: bool) -> list[dict]:
    """GeoJSON features for the resolved mentions of ``report``, in the resolver's order.

    Each event's front is the one the resolver gave it (the report's front, or
    for mentions outside fronts the front whose zone holds the place), with
    that front's initiative when the report gives one. Unresolved mentions are
    not events (see :func:`build_meta`). ``snippet`` is written only when
    ``keep_text``: shipped data holds facts only.
    """
    date = valid_date(report.date).isoformat()
    rid = report_id(report)
    fronts = {f.name: f for f in report.fronts}
    features: list[dict] = []
    seen: set[str] = set()
    for rm in resolved:
        place = rm.resolution.place
        if place is None or not placeable(place):
            continue
        rf = fronts.get(rm.event_front) if rm.event_front else None
        eid = event_id(report, rm.front, rm.section, place.place_id, rm.mention.start)
        if eid in seen:  # the same mention handed over twice
            continue
        seen.add(eid)
        props = {
            "id": eid,
            "date": date,
            "front": rm.event_front,
            "initiative": rf.initiative if rf else None,
            "initiative_source": rf.initiative_source if rf else None,
            "section": rm.section,
            "place": place.name,
            "place_id": place.place_id,
            "mention": rm.mention.text,
            "status": rm.mention.status,
            "kind": rm.mention.kind,
            "precision": place.precision,
            "source": report.title,
            "source_url": report.source_url,
            "report_format": report.format,
            "method": rm.resolution.method,
            "report_id": rid,
        }
        if keep_text and rm.mention.snippet:
            props["snippet"] = rm.mention.snippet
        point = [round(float(place.lon), COORD_DECIMALS), round(float(place.lat), COORD_DECIMALS)]
        features.append(
            {
                "type": "Feature",
                "id": eid,
                "geometry": {"type": "Point", "coordinates": point},
                "properties": props,
            }
        )
    return features


def build_meta(
    report: Report, resolved: list[ResolvedMention], features: list[dict], keep_text: bool
) -> dict:
    """The report's facts: title, URL, fronts with initiative, unresolved mentions, counts.

    The initiative ``evidence`` sentence is report text, so it is kept only
    with ``keep_text`` (a user's own reports), never in shipped data.
    """
    fronts = []
    for f in report.fronts:
        entry = {
            "name": f.name,
            "initiative": f.initiative,
            "initiative_source": f.initiative_source,
        }
        if keep_text and f.initiative_evidence:
            entry["evidence"] = f.initiative_evidence
        fronts.append(entry)
    unresolved = [
        {
            "mention": rm.mention.text,
            "front": rm.front,
            "section": rm.section,
            "method": rm.resolution.method
            if rm.resolution.place is None
            else "invalid-coordinates",
            "candidates": [c.place_id for c in rm.resolution.candidates],
        }
        for rm in resolved
        if not placeable(rm.resolution.place)
    ]
    by_front: dict[str, int] = {}
    for feat in features:
        key = feat["properties"]["front"] or ""
        by_front[key] = by_front.get(key, 0) + 1
    return {
        "report": {
            "title": report.title,
            "url": report.source_url,
            "date": valid_date(report.date).isoformat(),
            "format": valid_format(report.format),
            "report_id": report_id(report),
            "content_hash": text_hash(report.text),
        },
        "fronts": fronts,
        "unresolved": unresolved,
        "counts": {
            "mentions": len(resolved),
            "events": len(features),
            "unresolved": len(unresolved),
            "events_by_front": dict(sorted(by_front.items())),
        },
    }


def build_record(report: Report, resolved: list[ResolvedMention], keep_text: bool) -> ReportRecord:
    """The report as the store keeps it (see :class:`ReportRecord`)."""
    features = build_events(report, resolved, keep_text)
    meta = build_meta(report, resolved, features, keep_text)
    return ReportRecord(report_id(report), valid_date(report.date), report.format, meta, features)
