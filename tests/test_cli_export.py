"""``frontline export`` refuses what it cannot honour, and every option says what it does.

Issue 15, item 8: values are matched case-insensitively and may be
comma-separated; anything unknown, reversed dates or a missing store is a
one-line error naming the valid values, exit code 2, and no file written.
"""

from __future__ import annotations

import argparse
import json

import pytest
from test_events import write_store

from geo.cli import _parser, main


@pytest.fixture
def store(tmp_path):
    d = tmp_path / "events"
    write_store(d)
    return d


def _export(store, tmp_path, *args: str) -> tuple[int, list[dict]]:
    out = tmp_path / "out.geojson"
    out.unlink(missing_ok=True)
    code = main(["export", "--events-dir", str(store), "-o", str(out), *args])
    feats = json.loads(out.read_text("utf-8"))["features"] if out.exists() else []
    return code, feats


def test_front_is_case_insensitive_and_comma_separated(store, tmp_path) -> None:
    code, lower = _export(store, tmp_path, "--front", "donetsk")
    assert code == 0 and lower and {f["properties"]["front"] for f in lower} == {"Donetsk"}
    code, both = _export(store, tmp_path, "--front", "Donetsk,Kharkiv")
    assert code == 0
    assert {f["properties"]["front"] for f in both} == {"Donetsk", "Kharkiv"}
    code, repeated = _export(store, tmp_path, "--front", "DONETSK", "--front", "kharkiv")
    assert code == 0 and len(repeated) == len(both) > len(lower)


@pytest.mark.parametrize(
    ("args", "named", "valid"),
    [
        (["--front", "Narnia"], "Narnia", "Donetsk"),
        (["--front", "Donetsk,Narnia"], "Narnia", "Kharkiv"),
        (["--status", "sure"], "sure", "confirmed"),
        (["--kind", "nuke"], "nuke", "attack"),
    ],
)
def test_unknown_values_are_one_line_errors(store, tmp_path, capsys, args, named, valid) -> None:
    code, _ = _export(store, tmp_path, *args)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert not (tmp_path / "out.geojson").exists()  # nothing written
    assert len(err.splitlines()) == 1 and named in err and valid in err  # lists the choices


def test_reversed_dates_and_missing_store_are_errors(store, tmp_path, capsys) -> None:
    code, _ = _export(store, tmp_path, "--from", "2024-05-25", "--to", "2024-05-01")
    err = capsys.readouterr().err
    assert code == 2 and "2024-05-25" in err and "after" in err
    code, _ = _export(tmp_path / "no-such-store", tmp_path)
    err = capsys.readouterr().err
    assert code == 2 and "no-such-store" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out.geojson").exists()


def test_bad_date_is_a_usage_error(store, tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", "--events-dir", str(store), "--from", "May 1"])
    assert exc.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err


def _actions(p: argparse.ArgumentParser, path: str = "frontline"):
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction):
            yield path, action


def test_every_option_has_help() -> None:
    missing = [
        f"{path} {'/'.join(a.option_strings) or a.dest}"
        for path, a in _actions(_parser())
        if not (a.help or "").strip()
    ]
    assert not missing, missing
