"""An uploaded report is read in a worker process with a time limit.

Parsing runs Python and regular expressions that hold the interpreter lock:
inside the dashboard's server process, one slow file (a hostile one, or a
huge one) would stall every other user's page. So each upload is read by
:func:`geo.ingest.ingest_bytes` in a process of its own, started fresh
(a new interpreter: nothing of the server's threads or state is copied), and stopped with
``SIGKILL`` when it takes longer than ``FRONTLINE_UPLOAD_SECONDS``. The user
gets one line saying so. At most ``FRONTLINE_UPLOAD_WORKERS`` uploads are
read at once; the others wait their turn, outside the time limit. One worker
is started ahead of need, so an upload does not wait for Python to start.

The store stays consistent whatever happens to a worker: it writes under the
store's lock, atomically (a killed writer leaves the old file or the new
one, and its lock is released by the kernel).
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import dataclasses
import datetime as dt
import json
import os
import pickle
import selectors
import subprocess
import sys
import threading
import time

from geo.errors import one_line
from geo.ingest import IngestResult, ingest_bytes
from geo.settings import settings
from geo.store.base import Store

_slots: threading.BoundedSemaphore | None = None
_slots_guard = threading.Lock()


def _worker_slots() -> threading.BoundedSemaphore:
    global _slots
    with _slots_guard:
        if _slots is None:
            _slots = threading.BoundedSemaphore(settings.upload_workers)
        return _slots


def ingest_upload(
    name: str,
    data: bytes,
    store: Store,
    date: dt.date | None = None,
    replace: bool = False,
    time_limit: float | None = None,
) -> IngestResult:
    """:func:`geo.ingest.ingest_bytes` in a worker process, stopped after ``time_limit``
    seconds (default ``FRONTLINE_UPLOAD_SECONDS``). Never raises for the file's sake:
    every problem is an ``ok=False`` result with one line of error."""
    limit = settings.upload_seconds if time_limit is None else time_limit
    with _worker_slots():
        return _run(name, data, store, date, replace, limit)


class _Worker:
    """``python -m geo.uploads``: it imports the pipeline and loads the gazetteer, then
    waits for one job on stdin, sends its stages and result on stdout (one JSON object
    a line) and exits. It also exits when its stdin closes (the server is gone), so a
    spare worker never outlives the dashboard.

    A fresh interpreter rather than :mod:`multiprocessing`: that would re-run the
    parent's ``__main__`` in the child, which in the dashboard is the app itself."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(settings.repo_root), env.get("PYTHONPATH", "")) if p
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "geo.uploads"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            cwd=settings.repo_root,
        )  # fmt: skip

    def usable(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


# One worker started ahead (imports and gazetteer loaded) for the next upload.
_spare: _Worker | None = None
_spare_guard = threading.Lock()


def _take_worker() -> _Worker:
    global _spare
    with _spare_guard:
        worker = _spare if _spare is not None and _spare.usable() else None
        if worker is None and _spare is not None:
            _spare.stop()
        _spare = _Worker()  # warms up while this one works
        return worker or _Worker()


def prewarm() -> None:
    """Start the spare worker now, so the first upload does not wait for it."""
    global _spare
    with _spare_guard:
        if _spare is None or not _spare.usable():
            _spare = _Worker()


@atexit.register
def _stop_spare() -> None:
    with _spare_guard:
        if _spare is not None:
            _spare.stop()


def _run(
    name: str, data: bytes, store: Store, date: dt.date | None, replace: bool, limit: float
) -> IngestResult:
    """Hand the job to a worker and read its stages and result until the deadline; the
    worker is killed afterwards in any case."""
    job = {
        "name": name, "date": date.isoformat() if date else None, "replace": replace,
        "store": base64.b64encode(pickle.dumps(store)).decode("ascii"), "size": len(data),
        # Settings are read when used: the worker uses the ones in force now.
        "env": {k: v for k, v in os.environ.items() if k.startswith("FRONTLINE_")},
    }  # fmt: skip
    deadline = time.monotonic() + limit
    stage = "starting"
    worker = _take_worker()
    proc = worker.proc
    assert proc.stdin is not None and proc.stdout is not None
    try:
        with contextlib.suppress(BrokenPipeError):  # dead already: EOF below says so
            proc.stdin.write(json.dumps(job).encode() + b"\n" + data)
            proc.stdin.close()
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return _failed(name, _stopped(limit, stage))
                line = proc.stdout.readline()
                if not line:  # EOF: the worker is gone without an answer
                    code = proc.wait(5)
                    return _failed(name, f"the worker reading it stopped unexpectedly ({code})")
                msg = json.loads(line)
                if "stage" in msg:
                    stage = str(msg["stage"])
                elif "done" in msg:
                    return _result(msg["done"])
    finally:
        worker.stop()


def _result(fields: dict) -> IngestResult:
    if fields.get("date"):
        fields["date"] = dt.date.fromisoformat(fields["date"])
    return IngestResult(**fields)


def _stopped(limit: float, stage: str) -> str:
    if stage == "waiting for the store":
        return (
            f"not stored: the store was busy for longer than the {limit:g} s limit (a rebuild "
            "or another ingest is writing); try again later"
        )
    if stage == "writing":
        return (
            f"stopped after {limit:g} s while writing: the store holds the old version or "
            "the new one, never a mix"
        )
    return (
        f"not stored: reading it took longer than the {limit:g} s limit "
        f"(FRONTLINE_UPLOAD_SECONDS), so it was stopped while {stage}"
    )


def _failed(name: str, error: str) -> IngestResult:
    return IngestResult(path=name, ok=False, error=one_line(error))


def _send(msg: dict) -> None:
    sys.stdout.write(json.dumps(msg, default=str) + "\n")
    sys.stdout.flush()


def main() -> int:
    """The worker (``python -m geo.uploads``); see :class:`_Worker`."""
    from geo.places.gazetteer import load_gazetteer

    with contextlib.suppress(Exception):  # warm up; a missing gazetteer is told per job
        load_gazetteer()
    header = sys.stdin.buffer.readline()
    if not header:
        return 0  # the server went away before giving a job
    job = json.loads(header)
    data = sys.stdin.buffer.read(int(job["size"]))
    name = str(job["name"])
    for k in [k for k in os.environ if k.startswith("FRONTLINE_")]:
        del os.environ[k]
    os.environ.update(job.get("env") or {})
    try:
        store = pickle.loads(base64.b64decode(job["store"]))
        date = dt.date.fromisoformat(job["date"]) if job.get("date") else None
        result = ingest_bytes(
            name, data, store, date=date, replace=bool(job.get("replace")),
            on_stage=lambda s: _send({"stage": s}),
        )  # fmt: skip
    except Exception as exc:  # the parent shows it as one line
        result = _failed(name, f"{type(exc).__name__}: {exc}")
    _send({"done": dataclasses.asdict(result)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
