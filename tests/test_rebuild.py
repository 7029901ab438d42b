"""Issue 16, items 2-4 and 12: a rebuild never deletes what it could not rebuild.

- a report whose new parse fails keeps its old events, and any failure leaves
  the old store as it was unless ``--allow-partial`` (a full disk included);
- reports kept with their text (uploads) are read again, never dropped;
- an ingest while a rebuild runs waits for the store lock and lands;
- what killed runs left (``.events.rebuild-*``, ``.tmp``) is cleaned next time;
- a store that is a mount point is rebuilt in place.

Every process a test starts is killed in a ``finally`` (helpers.child / cli).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import REPO, child, cli, event_files, load, wait_for
from test_ingest import BAD, DAY1, DAY2, _many_reports, _shifted_report

from geo.ingest import ingest_bytes, ingest_files, rebuild


def _file_of(events_file: Path) -> str | None:
    """The report file a stored report was rebuilt from."""
    return json.loads(events_file.read_text("utf-8"))["frontline"]["report"].get("file")


def _snapshot(store: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in event_files(store)}


def _folder(tmp_path: Path, n: int = 3) -> tuple[Path, Path]:
    """A folder of ``n`` reports and a store rebuilt from it."""
    reports = tmp_path / "reports"
    _many_reports(reports, n)
    store = tmp_path / "events"
    assert rebuild(reports, store).ok
    return reports, store


def test_a_failed_report_leaves_the_old_store_as_it_was(tmp_path):
    reports, store = _folder(tmp_path)
    before = _snapshot(store)
    (reports / "r001.txt").write_bytes(BAD[0].read_bytes())  # unreadable now
    with cli("rebuild", reports, "--events-dir", store) as p:
        out, err = p.communicate(timeout=180)
    assert p.returncode == 2
    assert out.count("\n") == 3 and f"ERROR {reports / 'r001.txt'}:" in out
    (line,) = err.splitlines()
    assert "left as it was" in line and "1 of 3 reports failed" in line
    assert "--allow-partial" in line
    assert _snapshot(store) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".events.rebuild-")]


def test_allow_partial_swaps_and_the_failed_report_keeps_its_old_events(tmp_path):
    reports, store = _folder(tmp_path)
    old = {json.loads(b)["frontline"]["report"]["file"]: n for n, b in _snapshot(store).items()}
    kept_bytes = (store / old["r001.txt"]).read_bytes()
    (reports / "r001.txt").write_bytes(BAD[0].read_bytes())
    (reports / "r003.txt").write_text(_shifted_report(3), encoding="utf-8")  # a new one
    done = rebuild(reports, store, allow_partial=True)
    assert done.swapped and not done.ok and len(done.failed) == 1
    assert done.kept == [f"kept {old['r001.txt'][:-8]}: its report failed, so its old events stay"]
    assert (store / old["r001.txt"]).read_bytes() == kept_bytes
    files = [
        json.loads(p.read_text())["frontline"]["report"].get("file") for p in event_files(store)
    ]
    assert sorted(files) == ["r000.txt", "r001.txt", "r002.txt", "r003.txt"]


FULL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from geo.cli import main
    raise SystemExit(main(sys.argv[2:]))
    """
)


def test_a_full_disk_never_shrinks_the_store(tmp_path):
    """Writes fail past a size, as on a full disk (RLIMIT_FSIZE: no root, no mocks)."""
    reports = tmp_path / "reports"
    paths = _many_reports(reports, 6)
    for p in paths[::2]:  # every other report three times as long: a bigger events file
        body = p.read_text("utf-8")
        head, _, rest = body.partition("\n")
        p.write_text(head + "\n" + rest * 3, encoding="utf-8")
    store = tmp_path / "events"
    assert rebuild(reports, store).ok
    before = _snapshot(store)
    sizes = sorted(len(b) for b in before.values())
    assert sizes[2] < sizes[3]  # three small files, three big ones
    limit = (sizes[2] + sizes[3]) // 2
    script = tmp_path / "full_disk.py"
    script.write_text(FULL_DISK)
    for p in paths:  # a new edition of every report (a newer parser, say)
        p.write_text(p.read_text("utf-8") + "\nFighting continued near Robotyne.\n", "utf-8")
    with child(
        sys.executable, script, limit, "rebuild", reports, "--events-dir", store,
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ) as p:  # fmt: skip
        out, err = p.communicate(timeout=180)
    assert p.returncode == 2, (out, err)
    assert "File too large" in out and "left as it was" in err
    assert _snapshot(store) == before  # 6 reports before, 6 after, every byte


def test_uploads_are_read_again_from_their_kept_text(tmp_path):
    reports, store = _folder(tmp_path, 2)
    upload = _shifted_report(20).encode()
    up = ingest_bytes("my upload.txt", upload, store)
    assert up.ok and up.report_id
    done = rebuild(reports, store)
    assert done.ok and len(done.results) == 3 and done.kept == []
    again = done.results[-1]
    assert again.ok and again.report_id == up.report_id and "kept text" in again.path
    assert up.report_id in set(load(store)["report_id"])
    assert (store / ".sources" / f"{up.report_id}.json").is_file()
    # Without a folder, a rebuild reads the kept texts alone (the uploads store).
    only = rebuild(None, store)
    assert only.ok and [r.report_id for r in only.results] == [up.report_id]
    assert len(only.kept) == 2  # the folder's reports: not in a folder now, so kept


@pytest.mark.slow
def test_an_ingest_during_a_rebuild_is_never_lost(tmp_path):
    reports = tmp_path / "reports"
    _many_reports(reports, 400)
    store = tmp_path / "events"
    ingest_files([DAY1], store)
    late = tmp_path / "late.txt"
    late.write_text(_shifted_report(500), encoding="utf-8")

    def rebuilding() -> bool:
        return any(len(event_files(t)) >= 5 for t in tmp_path.glob(".events.rebuild-*"))

    log = (tmp_path / "rebuild.log").open("w")  # a pipe nobody reads would fill and block
    with log, cli("rebuild", reports, "--events-dir", store, stdout=log) as rb:
        wait_for(rebuilding, 120, "the rebuild to write its files")
        with cli("ingest", late, "--events-dir", store) as ing:
            out, err = ing.communicate(timeout=300)
        assert ing.returncode == 0, err
        _, err = rb.communicate(timeout=300)
        assert rb.returncode == 0, err
    (line,) = out.splitlines()
    stored = line.rsplit("-> ", 1)[1]
    assert Path(stored).is_file()
    dates = set(load(store, strict=True)["date"].dt.strftime("%Y-%m-%d"))
    assert "2025-10-06" in dates and len(dates) == 401  # 400 rebuilt + the late one


def test_a_killed_rebuild_leaves_the_old_store_whole_and_the_next_run_cleans_up(tmp_path):
    reports = tmp_path / "reports"
    _many_reports(reports, 400)
    store = tmp_path / "events"
    ingest_files([DAY1, DAY2], store)
    before = _snapshot(store)
    with cli("rebuild", reports, "--events-dir", store, stdout=subprocess.DEVNULL) as p:
        wait_for(
            lambda: any(len(event_files(t)) >= 5 for t in tmp_path.glob(".events.rebuild-*")),
            120, "the rebuild to write its files",
        )  # fmt: skip
        p.send_signal(signal.SIGKILL)
        p.communicate(timeout=60)
    assert _snapshot(store) == before
    assert len(load(store, strict=True)) > 0
    debris = list(tmp_path.glob(".events.rebuild-*"))
    assert debris  # what kill -9 leaves...
    (store / ".2024-05-24_dayseries_x.geojson.abc123.tmp").write_text('{"type": "Fea')
    ingest_files([DAY2], store)  # ...the next writer removes
    assert not list(tmp_path.glob(".events.rebuild-*"))
    assert not list(store.glob(".*.tmp"))


def _can_mount() -> bool:
    if not shutil.which("unshare") or not Path("/proc/self/ns/mnt").exists():
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return probe.returncode == 0


MOUNT = textwrap.dedent(
    """
    set -e
    mount --make-rprivate / 2>/dev/null || true
    mount {how} "$1"
    shift
    exec "$@"
    """
)


@pytest.mark.skipif(not _can_mount(), reason="needs mount namespaces (unshare -m)")
@pytest.mark.parametrize("how", ["tmpfs", "bind"])
def test_a_store_that_is_a_mount_point_is_rebuilt_in_place(tmp_path, how):
    """``os.replace`` of a mount point fails (EBUSY): the rebuild writes into it instead.

    The mount lives in a private mount namespace of the child, so it can never
    outlive the test.
    """
    reports, store = _folder(tmp_path, 2)
    (reports / "r002.txt").write_text(_shifted_report(2), encoding="utf-8")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    out = tmp_path / "out"
    if how == "bind":
        spec = f'--bind "{store}"'
        target = store
    else:
        spec = "-t tmpfs tmpfs"
        target = out
    script = tmp_path / "mount.sh"
    script.write_text(MOUNT.format(how=spec))
    inner = (
        f'cp -a "{store}/." "{mnt}/" 2>/dev/null || true; '
        f'"{sys.executable}" -m geo rebuild "{reports}" --events-dir "{mnt}"; rc=$?; '
        f'cp -a "{mnt}/." "{out}/"; exit $rc'
    )
    out.mkdir()
    with child(
        "unshare", "-m", "sh", script, mnt, "sh", "-c", inner,
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as p:  # fmt: skip
        stdout, stderr = p.communicate(timeout=300)
    assert p.returncode == 0, (stdout, stderr)
    assert "Traceback" not in stderr and "rebuilt in place" in stdout
    assert sorted(_file_of(f) for f in event_files(target)) == ["r000.txt", "r001.txt", "r002.txt"]
    assert not [p for p in target.iterdir() if p.name.startswith(".rebuild-")]
