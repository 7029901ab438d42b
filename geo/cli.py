"""The ``frontline`` command (also ``python -m geo``).

Each subcommand is a thin shell over a function in the package; errors that
are the input's fault (:class:`geo.errors.FrontlineError`, a bad setting
included) become one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from geo.errors import FrontlineError, one_line
from geo.model import KINDS, STATUSES

Command = Callable[[argparse.Namespace], int]


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {s!r}") from exc


def _format_choices() -> list[str]:
    from geo.parse.registry import format_names

    return ["auto", *format_names()]


def _events_dir_arg(sp: argparse.ArgumentParser) -> None:
    sp.add_argument(
        "--events-dir", type=Path, default=None,
        help="the event store folder (default: FRONTLINE_EVENTS_DIR, else data/events)",
    )  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="frontline", description=(__doc__ or "").splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    formats = _format_choices()

    sp = sub.add_parser("parse", help="parse a report and print it as JSON")
    sp.add_argument("report", type=Path, help="a report file (.txt, .md, .html)")
    sp.add_argument("--format", default="auto", choices=formats, help="report format")
    sp.add_argument("--date", type=_date, help="the report's date when its own cannot be read")

    sp = sub.add_parser("places", help="gazetteer commands")
    psub = sp.add_subparsers(dest="places_cmd", required=True)
    b = psub.add_parser("build", help="build data/places.csv from the GeoNames dump")
    b.add_argument("--geonames", type=Path, required=True, help="GeoNames UA.txt or UA.txt.gz")
    b.add_argument("--out", type=Path, help="output CSV (default: FRONTLINE_PLACES)")
    b.add_argument("--overrides", type=Path, help="hand fixes (default: FRONTLINE_OVERRIDES)")

    sp = sub.add_parser("geocode", help="resolve one name and print the choice as JSON")
    sp.add_argument("name", help="a place name as a report writes it")
    sp.add_argument("--front", help="the front the name is mentioned on (e.g. Luhansk)")
    sp.add_argument("--near", default="", help="comma-separated names mentioned nearby")
    sp.add_argument("--online", action="store_true", help="ask Nominatim for unknown names")

    sp = sub.add_parser("ingest", help="parse, geocode and store reports as events")
    sp.add_argument("reports", nargs="+", type=Path, help="report files")
    _events_dir_arg(sp)
    sp.add_argument("--format", default="auto", choices=formats, help="report format")
    sp.add_argument("--date", type=_date, help="the date when a report's own cannot be read")
    sp.add_argument("--online", action="store_true", help="ask Nominatim for unknown names")
    sp.add_argument(
        "--no-text", action="store_true",
        help="store no report text (snippets, evidence): for data you redistribute",
    )  # fmt: skip
    sp.add_argument(
        "--replace", action="store_true",
        help="put each report in place of its stored version and, for daily series (isw, "
        "dayseries), of the other reports of its date; each line says what was replaced",
    )  # fmt: skip

    sp = sub.add_parser("rebuild", help="regenerate an event store from a folder of reports")
    sp.add_argument(
        "reports_dir", type=Path, nargs="?",
        help="a folder of report files (searched recursively); without it, only the reports "
        "the store kept with their text (uploads) are read again",
    )  # fmt: skip
    _events_dir_arg(sp)
    sp.add_argument("--keep-text", action="store_true", help="keep snippets (default: facts only)")
    sp.add_argument(
        "--allow-partial", action="store_true",
        help="swap in the new store even when some reports failed (they keep their old events)",
    )  # fmt: skip
    sp.add_argument(
        "--prune", action="store_true",
        help="drop stored reports whose report is no longer in the folder (default: keep them)",
    )  # fmt: skip

    sp = sub.add_parser("export", help="write matching events as one GeoJSON FeatureCollection")
    _events_dir_arg(sp)
    sp.add_argument("--from", dest="date_from", type=_date, help="first date, YYYY-MM-DD")
    sp.add_argument("--to", dest="date_to", type=_date, help="last date, YYYY-MM-DD")
    sp.add_argument(
        "--front", action="append", default=[],
        help="front(s), comma-separated or repeated, any case; '(no front)' for none",
    )  # fmt: skip
    sp.add_argument(
        "--status", action="append", default=[], help=f"status(es): {', '.join(STATUSES)}"
    )
    sp.add_argument("--kind", action="append", default=[], help=f"kind(s): {', '.join(KINDS)}")
    sp.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")

    sub.add_parser("settings", help="list every setting with its variable and current value")
    return p


def _cmd_parse(a: argparse.Namespace) -> int:
    from geo.ingest import check_report_path
    from geo.parse.report import parse_file

    check_report_path(a.report)
    report = parse_file(a.report, fmt=a.format, date=a.date)
    json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


def _cmd_places(a: argparse.Namespace) -> int:
    from geo.places.build import build
    from geo.settings import settings

    out = a.out or settings.places_csv
    stats = build(a.geonames, out, overrides=a.overrides or settings.overrides_csv)
    print(json.dumps(stats))
    return 0


def _cmd_geocode(a: argparse.Namespace) -> int:
    from geo.ingest import _online_fallback
    from geo.places.gazetteer import load_gazetteer
    from geo.resolve.resolver import resolve_name

    gaz = load_gazetteer()
    near = [n.strip() for n in a.near.split(",") if n.strip()]
    res = resolve_name(a.name, gaz, front=a.front, near=near, online=_online_fallback(a.online))
    n_cands = len(gaz.lookup(a.name.strip()))
    p = res.place
    if p is not None:
        out: dict = {
            "place_id": p.place_id, "name": p.name, "lat": p.lat, "lon": p.lon,
            "oblast": p.oblast, "method": res.method, "candidates": n_cands,
            "precision": p.precision,
        }  # fmt: skip
    else:
        out = {
            "place_id": None, "name": a.name, "method": res.method, "candidates": n_cands,
            "options": [
                {"place_id": c.place_id, "name": c.name, "oblast": c.oblast, "lat": c.lat,
                 "lon": c.lon, "population": c.population}
                for c in res.candidates
            ],
        }  # fmt: skip
    print(json.dumps(out, ensure_ascii=False))
    return 0 if p is not None else 1


def _store_dir(a: argparse.Namespace) -> Path:
    from geo.settings import settings

    return Path(a.events_dir) if a.events_dir is not None else settings.events_dir


def _writable_store(a: argparse.Namespace):
    """``--events-dir`` as given, else your own reports over the events store (which
    ``ingest`` never modifies: see geo.store.layered)."""
    from geo.store import FileStore, open_store

    return FileStore(a.events_dir) if a.events_dir is not None else open_store()


def _cmd_ingest(a: argparse.Namespace) -> int:
    from geo.ingest import ingest_files

    results = ingest_files(
        a.reports, _writable_store(a), fmt=a.format, date=a.date, online=a.online,
        keep_text=not a.no_text, on_result=lambda r: print(r.summary_line(), flush=True),
        replace=a.replace,
    )  # fmt: skip
    for r in results:
        for line in r.existing:
            print(f"frontline: {r.path}: --replace would replace {line}", file=sys.stderr)
    return 0 if all(r.ok for r in results) else 2


def _cmd_rebuild(a: argparse.Namespace) -> int:
    from geo.ingest import rebuild

    done = rebuild(
        a.reports_dir, _store_dir(a), keep_text=a.keep_text,
        on_result=lambda r: print(r.summary_line(), flush=True),
        allow_partial=a.allow_partial, prune=a.prune,
    )  # fmt: skip
    for line in [*done.kept, *done.dropped]:
        print(line)
    print(done.summary_line(), file=sys.stdout if done.swapped else sys.stderr, flush=True)
    return 0 if done.ok else 2


def pick(values: Iterable[str], allowed: Sequence[str], what: str) -> list[str]:
    """Values given as ``--x a,b --x c``, matched case-insensitively to ``allowed``.

    Anything else is a :class:`FrontlineError` listing the valid values.
    """
    by_fold = {v.casefold(): v for v in allowed}
    out: list[str] = []
    for raw in values:
        for v in (x.strip() for x in raw.split(",")):
            if not v:
                continue
            if v.casefold() not in by_fold:
                raise FrontlineError(f"unknown {what} {v!r} (choose from: {', '.join(allowed)})")
            out.append(by_fold[v.casefold()])
    return list(dict.fromkeys(out))


def _cmd_export(a: argparse.Namespace) -> int:
    from geo._io import atomic_write_text
    from geo.model import NO_FRONT
    from geo.places.fronts import FRONTS
    from geo.store import open_store
    from geo.store.geojson import export_geojson
    from geo.store.query import ViewQuery

    if a.date_from and a.date_to and a.date_from > a.date_to:
        raise FrontlineError(f"--from {a.date_from} is after --to {a.date_to}")
    folder = _store_dir(a)
    if not folder.is_dir():
        raise FrontlineError(f"{folder}: no event store there (see --events-dir)")
    # What the dashboard shows: without --events-dir, your reports over the events store.
    store = open_store(folder) if a.events_dir is not None else open_store()
    everything = store.load()
    known = [*sorted(set(everything["front"].dropna().astype(str)) | set(FRONTS)), NO_FRONT]
    q = ViewQuery.of(
        a.date_from, a.date_to,
        pick(a.front, known, "front"), pick(a.status, STATUSES, "status"),
        pick(a.kind, KINDS, "kind"),
    )  # fmt: skip
    view = store.load(q)
    for name, problem in view.attrs.get("skipped", []):
        print(f"frontline: skipped {_where(store, name)}: {problem}", file=sys.stderr)
    text = export_geojson(view)
    if a.output:
        atomic_write_text(a.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _where(store, name: str) -> str:
    """The path of a store file named in a message."""
    folder = getattr(store, "folder", None)
    if folder is None:  # a layered store: the file is in one of its layers
        layers = [store.uploads.folder, store.base.folder] if hasattr(store, "uploads") else []
        folder = next((f for f in layers if (Path(f) / name).exists()), store.location)
    return str(Path(folder) / name)


def _cmd_settings(a: argparse.Namespace) -> int:
    from geo.settings import Settings

    for s in Settings.all():
        try:
            value = str(s.get())
        except FrontlineError as exc:
            value = f"INVALID ({exc})"
        print(f"{s.env:<30} {value}\n    {s.doc}")
    return 0


_COMMANDS: dict[str, Command] = {
    "parse": _cmd_parse,
    "places": _cmd_places,
    "geocode": _cmd_geocode,
    "ingest": _cmd_ingest,
    "rebuild": _cmd_rebuild,
    "export": _cmd_export,
    "settings": _cmd_settings,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.cmd](args)
    except FrontlineError as exc:
        print(f"frontline: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("frontline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `frontline export | head`: the reader left, nothing to say
        return 1
    except OSError as exc:  # a read-only folder, a full disk: the system's words, one line
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"frontline: error: {one_line(f'{where}{exc.strerror or exc}')}", file=sys.stderr)
        return 2
