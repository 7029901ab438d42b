"""The ``frontline`` command (also ``python -m geo``).

Each subcommand is a thin shell over a function in the package; errors that
are the input's fault (:class:`geo.errors.FrontlineError`) become one line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from geo import settings
from geo.errors import FrontlineError


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {s!r}") from exc


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="frontline", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    sp = sub.add_parser("parse", help="parse a report and print it as JSON")
    sp.add_argument("report", type=Path)
    sp.add_argument("--format", default="auto", choices=["auto", "dayseries", "isw", "news"])
    sp.add_argument("--date", type=_date, help="date to use when the report's cannot be read")

    sp = sub.add_parser("places", help="gazetteer commands")
    psub = sp.add_subparsers(dest="places_cmd", required=True)
    b = psub.add_parser("build", help="build data/places.csv from the GeoNames dump")
    b.add_argument("--geonames", type=Path, required=True, help="GeoNames UA.txt or UA.txt.gz")
    b.add_argument("--out", type=Path, default=settings.DATA_DIR / "places.csv")
    b.add_argument("--overrides", type=Path, default=settings.OVERRIDES_CSV)

    sp = sub.add_parser("geocode", help="resolve one name and print the choice as JSON")
    sp.add_argument("name")
    sp.add_argument("--front")
    sp.add_argument("--near", default="", help="comma-separated names mentioned nearby")
    sp.add_argument("--online", action="store_true", help="ask Nominatim for unknown names")

    sp = sub.add_parser("ingest", help="parse, geocode and store reports as events")
    sp.add_argument("reports", nargs="+", type=Path)
    sp.add_argument("--events-dir", type=Path, default=settings.EVENTS_DIR)
    sp.add_argument("--format", default="auto", choices=["auto", "dayseries", "isw", "news"])
    sp.add_argument("--date", type=_date)
    sp.add_argument("--online", action="store_true", help="ask Nominatim for unknown names")
    sp.add_argument(
        "--no-text", action="store_true",
        help="store no report text (snippets, evidence): for data you redistribute",
    )  # fmt: skip

    sp = sub.add_parser("rebuild", help="regenerate an event store from a folder of reports")
    sp.add_argument("reports_dir", type=Path)
    sp.add_argument("--events-dir", type=Path, default=settings.EVENTS_DIR)
    sp.add_argument("--keep-text", action="store_true", help="keep snippets (default: facts only)")

    sp = sub.add_parser("export", help="write matching events as one GeoJSON FeatureCollection")
    sp.add_argument("--events-dir", type=Path, default=settings.EVENTS_DIR)
    sp.add_argument("--from", dest="date_from", type=_date)
    sp.add_argument("--to", dest="date_to", type=_date)
    sp.add_argument("--front", action="append", default=[])
    sp.add_argument("--status", action="append", default=[])
    sp.add_argument("--kind", action="append", default=[])
    sp.add_argument("-o", "--output", type=Path)
    return p


def _cmd_parse(a: argparse.Namespace) -> int:
    from geo.parse.report import parse_file

    report = parse_file(a.report, fmt=a.format, date=a.date)
    json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


def _cmd_places(a: argparse.Namespace) -> int:
    from geo.places.build import build

    stats = build(a.geonames, a.out, overrides=a.overrides)
    print(json.dumps(stats))
    return 0


def _cmd_geocode(a: argparse.Namespace) -> int:
    from geo.resolve.resolver import geocode_name

    near = [n.strip() for n in a.near.split(",") if n.strip()]
    result = geocode_name(a.name, front=a.front, near=near, online=a.online)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result.get("place_id") else 1


def _cmd_ingest(a: argparse.Namespace) -> int:
    from geo.ingest import ingest_files

    results = ingest_files(
        a.reports, a.events_dir, fmt=a.format, date=a.date, online=a.online,
        keep_text=not a.no_text, on_result=lambda r: print(r.summary_line(), flush=True),
    )  # fmt: skip
    return 0 if all(r.ok for r in results) else 2


def _cmd_rebuild(a: argparse.Namespace) -> int:
    from geo.ingest import rebuild

    results = rebuild(
        a.reports_dir, a.events_dir, keep_text=a.keep_text,
        on_result=lambda r: print(r.summary_line(), flush=True),
    )  # fmt: skip
    return 0 if all(r.ok for r in results) else 2


def _cmd_export(a: argparse.Namespace) -> int:
    from geo.store.events import export_geojson, load
    from geo.view.query import ViewQuery, filter_events

    q = ViewQuery.of(a.date_from, a.date_to, a.front, a.status, a.kind)
    text = export_geojson(filter_events(load(a.events_dir), q))
    if a.output:
        from geo._io import atomic_write_text

        atomic_write_text(a.output, text)
    else:
        sys.stdout.write(text)
    return 0


_COMMANDS = {
    "parse": _cmd_parse,
    "places": _cmd_places,
    "geocode": _cmd_geocode,
    "ingest": _cmd_ingest,
    "rebuild": _cmd_rebuild,
    "export": _cmd_export,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.cmd](args)
    except FrontlineError as exc:
        print(f"frontline: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("frontline: interrupted", file=sys.stderr)
        return 130
