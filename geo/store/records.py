"""A resolved report as the store keeps it: its facts and its events.

One event = one resolved place mention on one date (see :mod:`geo.schema`).
A :class:`ReportRecord` is what every store backend writes and replaces as a
unit: the report's metadata (title, URL, date, format, fronts with their
initiative, the names left unresolved) and its events as GeoJSON features.
Nothing here touches a disk or a database.

**Identity.** A report is identified by its source, not by its date and
format: its canonical URL when it names one, else a digest of its text
(:func:`source_key`). Two different reports of one day are two reports, kept
side by side; the same report read again is the same id, so re-ingesting it
never duplicates it, and a different text of it is a new *version*, which a
store replaces only when asked (:class:`geo.errors.ReportExists`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from geo.errors import ReportError
from geo.model import Place, Report, ResolvedMention
from geo.parse.registry import format_names

COORD_DECIMALS = 5  # ~1 m: far finer than a village, and keeps files small
# Daily series: one report per date is the norm, so a second one of a date is
# worth a word to the user, and ``--replace`` puts a new one in place of the
# others of its date. News articles share dates freely.
ONE_PER_DATE: frozenset[str] = frozenset({"dayseries", "isw"})
SOURCE_HASH_CHARS = 10


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """One report's facts (``meta``, the file's ``frontline`` member) and events (features)."""

    report_id: str
    date: dt.date
    format: str
    meta: dict
    features: list[dict]
    # The report's own text and how it was read (``name``, ``format``, ``date``,
    # ``date_given``, ``text``), kept by the store beside the events so a
    # rebuild can read the report again; ``None`` for facts-only data.
    source_text: dict | None = None

    @property
    def content_hash(self) -> str:
        """Digest of the report's text: two records of one report with the same hash were
        made from the same text (re-deriving them replaces nothing a user wrote)."""
        return str(self.meta["report"].get("content_hash") or "")

    @property
    def source(self) -> str:
        """The report's identity (see :func:`source_key`)."""
        return str(self.meta["report"].get("source") or "")

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


def text_hash(text: str) -> str:
    """A short digest of a report's text (its identity when it has no URL)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


_TRACKING = re.compile(r"utm_\w*|fbclid|gclid|mc_cid|mc_eid|ref|ref_src", re.I)


def canonical_url(url: str | None) -> str | None:
    """The URL as an identity: one page, one key, whatever way it was written.

    The scheme (http/https), the case of the host, a leading ``www.``, a
    default port, a fragment, tracking parameters and a trailing slash do not
    make another page. Anything that is not an http(s) URL with a host is no
    source (``None``).
    """
    if not url or not isinstance(url, str):
        return None
    try:
        u = urlsplit(url.strip())
        port = u.port
    except ValueError:
        return None
    host = (u.hostname or "").lower().rstrip(".")
    if u.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.removeprefix("www.")
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = u.path.rstrip("/")
    params = sorted(
        q for q in u.query.split("&") if q and not _TRACKING.fullmatch(q.split("=", 1)[0])
    )
    return f"https://{netloc}{path}" + (f"?{'&'.join(params)}" if params else "")


def source_key(report: Report) -> str:
    """What identifies a report: its canonical URL, else ``text:`` and a digest of its text."""
    return canonical_url(report.source_url) or f"text:{text_hash(report.text)}"


def stored_source(meta_report: dict) -> str | None:
    """The identity of a stored report from its facts (also files written before
    identities were stored: their URL, or their text digest), or ``None``."""
    src = meta_report.get("source")
    if isinstance(src, str) and src:
        return src
    url = canonical_url(meta_report.get("url"))
    if url:
        return url
    digest = meta_report.get("content_hash")
    return f"text:{digest}" if isinstance(digest, str) and digest else None


def source_hash(source: str) -> str:
    """The short digest of an identity that ends a report id."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:SOURCE_HASH_CHARS]


def report_id(report: Report) -> str:
    """The report's id: ``<YYYY-MM-DD>_<format>_<digest of its source>``.

    Built from the validated date, a registered format name and a hex digest
    only, so no text from a report can reach a file name. The digest is of
    :func:`source_key`: the same report (same URL, or same text) always has
    the same id, and two different reports of one day never share one.
    """
    date = valid_date(report.date)
    fmt = valid_format(report.format)
    return f"{date.isoformat()}_{fmt}_{source_hash(source_key(report))}"


def id_source_hash(rid: str) -> str | None:
    """The source digest at the end of a report id, or ``None`` for ids without one (older
    files: ``<date>_<format>`` or ``<date>_news_<title digest>``)."""
    parts = rid.split("_")
    tail = parts[-1] if len(parts) >= 3 else ""
    ok = len(tail) == SOURCE_HASH_CHARS and all(c in "0123456789abcdef" for c in tail)
    return tail if ok else None


def event_id(rid: str, front: str | None, section: str, place_id: str, start: int) -> str:
    """Stable id from the report's id (:func:`report_id`: its source, not its path), so
    the same report gives the same ids and two reports never share one. The id is
    passed in, not derived here: deriving it digests the whole text, once per event."""
    return _sha(rid, front, section, place_id, start, n=16)


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
        eid = event_id(rid, rm.front, rm.section, place.place_id, rm.mention.start)
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
            "source": source_key(report),
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


def build_record(
    report: Report,
    resolved: list[ResolvedMention],
    keep_text: bool,
    file: str | None = None,
    date_given: bool = False,
    name: str | None = None,
) -> ReportRecord:
    """The report as the store keeps it (see :class:`ReportRecord`).

    ``file`` is where a rebuild read it (relative to its folder): the link
    from stored events back to their report file. With ``keep_text`` the
    report's text is kept too, under ``name`` (default: its path;
    ``date_given``: its date came from the user).
    """
    features = build_events(report, resolved, keep_text)
    meta = build_meta(report, resolved, features, keep_text)
    if file is not None:
        meta["report"]["file"] = file
    source_text = None
    if keep_text:
        source_text = {
            "name": name or report.path or "", "format": report.format,
            "date": valid_date(report.date).isoformat(), "date_given": date_given,
            "text": report.text,
        }  # fmt: skip
    return ReportRecord(
        report_id(report), valid_date(report.date), report.format, meta, features, source_text
    )
