"""Linear time on hostile input: every stage, every shape, the growth ratio per doubling.

A report that takes quadratic time in some stage freezes whoever reads it: a
126 KB file of ``*a `` took minutes in the Markdown reader, a 1 MB
one-paragraph report over a minute in the resolver (issue 16, item 5). This
benchmark builds each hostile *shape* at 1, 2, 4 and 8 MB and times each
stage on it:

- ``read``     bytes -> clean text (decoding, HTML/Markdown stripping)
- ``parse``    clean text -> Report (format, date, fronts, sections, mentions)
- ``store``    Report + a place per mention -> events file written into a file store
  (fed each mention's first namesake, so it is measured even when ``resolve`` is slow)
- ``resolve``  Report -> one place (or none) per mention, the resolver

What it asserts is the *ratio* of times between one size and the next, not a
time: about 2 for a linear stage, a bit more for n·log n, about 4 for a
quadratic one. Each step's ratio is printed; a stage fails when its growth per
doubling over the whole range (the geometric mean of the steps) exceeds
``--max-ratio`` (2.6), or when one size takes longer than ``--timeout``
seconds (it is not tried again at larger sizes). Times under ``--floor``
seconds are too short to judge and pass.

Each (shape, size) runs in a child process that is killed at the timeout, so
a quadratic stage costs the benchmark minutes, not hours.

Usage: python bench/linear.py [--sizes 1,2,4,8] [--shapes a,b] [--timeout 120]
       [--max-ratio 2.6] [--repeat 3]
Exit code 1 when any stage fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MB = 1_000_000
STAGES = ("read", "parse", "store", "resolve")
TITLE = "Invented Bulletin – Day 821 (May 24, 2024)\n\n"
FRONT = "Kharkiv Front – Initiative Russia\n\n"
# Real place names (facts) that the gazetteer knows, in the region of one front.
PLACES = (
    "Vovchansk", "Lyptsi", "Hlyboke", "Synkivka", "Petropavlivka", "Ivanivske", "Ocheretyne",
    "Novobakhmutivka", "Robotyne", "Staromaiorske", "Krynky", "Kupyansk", "Chasiv Yar",
    "Pokrovsk", "Orikhiv", "Kurakhove", "Kreminna", "Siversk", "Toretsk", "Avdiivka",
)  # fmt: skip


def _fill(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit.encode()))


def _cycle(parts: tuple[str, ...], sep: str, size: int) -> str:
    out: list[str] = []
    n = 0
    for p in itertools.cycle(parts):
        out.append(p)
        n += len(p.encode()) + len(sep)
        if n >= size:
            return sep.join(out)
    raise AssertionError  # unreachable: cycle never ends


def _random_names(size: int) -> str:
    """Sentences of distinct gazetteer names (a seeded draw: the same text every run)."""
    import random

    from geo.places.gazetteer import load_gazetteer

    names = sorted({p.name for p in load_gazetteer().places if p.name.isascii()})
    rng = random.Random(12)
    out: list[str] = []
    n = 0
    while n < size:
        para = " ".join(
            f"Russian forces attacked near {rng.choice(names)} and {rng.choice(names)}."
            for _ in range(6)
        )
        out.append(para)
        n += len(para) + 2
    return "\n\n".join(out) + "\n"


# shape -> (file name, bytes of about ``size``)
SHAPES: dict[str, Callable[[int], tuple[str, bytes]]] = {
    # Markdown emphasis with nothing to close it (the reader's italic regex).
    "md-stars": lambda n: ("stars.md", (TITLE + _fill("*a ", n)).encode()),
    # Runs of "[" (the reader's link regex).
    "md-brackets": lambda n: ("brackets.md", (TITLE + _fill("[", n)).encode()),
    # One line listing place names (mentions: a copy of the sentence per name).
    "place-list": lambda n: (
        "list.txt",
        (TITLE + FRONT + "Fighting near " + _cycle(PLACES, ", ", n) + ".\n").encode(),
    ),
    # One paragraph of sentences naming places (the resolver compares within a paragraph).
    "one-paragraph": lambda n: (
        "paragraph.txt",
        (
            TITLE
            + FRONT
            + _cycle(tuple(f"Russian forces attacked near {p}." for p in PLACES), " ", n)
            + "\n"
        ).encode(),
    ),
    # Many direction sub-headings in one front (the report builder's section lookup).
    "many-sections": lambda n: (
        "sections.txt",
        (
            TITLE
            + FRONT
            + _cycle(tuple(f"{p}\n\nFighting continued near {p}.\n" for p in PLACES), "\n", n)
        ).encode(),
    ),
    # A front heading whose side is a long run of garbage (an error naming the heading).
    "bad-heading": lambda n: (
        "heading.txt",
        (TITLE + "Kharkiv Front – Initiative " + _fill("Zz", n) + "\n\nVovchansk\n").encode(),
    ),
    # Many distinct real names, a few per sentence and paragraph, under one front: every
    # name is its own unit with its own namesakes (the resolver's per-unit work).
    "random-names": lambda n: (
        "names.txt",
        (TITLE + FRONT + _random_names(n)).encode(),
    ),
    # HTML: deeply nested and unclosed tags.
    "html-nesting": lambda n: (
        "nested.html",
        (f"<html><body><h1>{TITLE}</h1>" + _fill("<div><b>Lyptsi ", n)).encode(),
    ),
}


# --------------------------------------------------------------------------- the child


def child(shape: str, size: int, repeat: int, skip: set[str]) -> None:
    """Time each stage on one (shape, size); print ``{"stage": s, "s": seconds}`` lines."""
    from geo.errors import FrontlineError
    from geo.model import Resolution, ResolvedMention
    from geo.parse.reading import bytes_to_text
    from geo.parse.report import parse_text
    from geo.places.gazetteer import load_gazetteer
    from geo.resolve.resolver import resolve_report
    from geo.store import FileStore
    from geo.store.records import build_record

    gaz = load_gazetteer()
    name, data = SHAPES[shape](size)
    kind = {".md": "markdown", ".html": "html"}.get(Path(name).suffix, "auto")

    def timed(stage: str, fn: Callable[[], object]) -> object:
        if stage in skip:  # it timed out at a smaller size: do not wait for it again
            return None
        best, out = float("inf"), None
        for _ in range(repeat):
            print(json.dumps({"run": stage}), flush=True)  # the parent's clock starts
            t = time.perf_counter()
            try:
                out = fn()
            except FrontlineError as exc:  # a refused input is an answer too
                out = exc
            best = min(best, time.perf_counter() - t)
        print(json.dumps({"stage": stage, "s": best, "error": _err(out)}), flush=True)
        return out

    text = timed("read", lambda: bytes_to_text(data, name, kind=kind))
    if not isinstance(text, str):
        return
    report = timed("parse", lambda: parse_text(text, path=name, gaz=gaz, clean=False))
    if report is None or isinstance(report, Exception):
        return
    # The store's input does not wait for the resolver: each mention placed at its first
    # namesake (linear), so a slow resolver never hides how the store grows.
    placed = [
        ResolvedMention(m, front, section, Resolution(cands[0] if cands else None, "bench"))
        for m, front, section in _mentions(report)
        for cands in [gaz.lookup(m.text)]
    ]
    with tempfile.TemporaryDirectory(prefix="frontline-linear-") as tmp:
        store = FileStore(tmp)
        timed("store", lambda: store.write(build_record(report, placed, True), replace=True))
    timed("resolve", lambda: resolve_report(report, gaz, None))


def _mentions(report):
    for f in report.fronts:
        for sec in f.sections:
            for m in sec.mentions:
                yield m, f.name, sec.heading
    for m in report.other_mentions:
        yield m, None, ""


def _err(out: object) -> str | None:
    return f"{type(out).__name__}: {str(out)[:80]}" if isinstance(out, Exception) else None


# --------------------------------------------------------------------------- the parent


def run_one(
    shape: str, size: int, timeout: float, repeat: int, skip: set[str]
) -> tuple[dict, str | None]:
    """``({stage: seconds}, the stage that timed out or None)``."""
    env = {**os.environ, "FRONTLINE_MAX_REPORT_BYTES": str(64 * MB)}
    cmd = [sys.executable, __file__, "--child", shape, str(size), "--repeat", str(repeat)]
    cmd += ["--skip", ",".join(sorted(skip))]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    assert proc.stdout is not None
    times: dict[str, float] = {}
    deadline = time.monotonic() + 60  # start-up and the gazetteer
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    stage = next((s for s in STAGES if s not in times and s not in skip), "?")
                    return times, stage
                line = proc.stdout.readline()
                if not line:
                    return times, None
                msg = json.loads(line)
                if "run" in msg:  # one run of a stage starts: it has ``timeout`` seconds
                    deadline = time.monotonic() + timeout
                    continue
                times[msg["stage"]] = msg["s"]
                if msg["s"] > timeout:
                    return times, msg["stage"]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", default="1,2,4,8", help="sizes in MB, doubling (default 1,2,4,8)")
    ap.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shapes")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per stage and size")
    ap.add_argument("--max-ratio", type=float, default=2.6, help="largest ratio per doubling")
    ap.add_argument("--floor", type=float, default=0.1, help="times below this always pass")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    ap.add_argument("--child", nargs=2, metavar=("SHAPE", "BYTES"), help=argparse.SUPPRESS)
    ap.add_argument("--skip", default="", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        child(a.child[0], int(a.child[1]), a.repeat, set(filter(None, a.skip.split(","))))
        return 0
    sizes = [int(float(x) * MB) for x in a.sizes.split(",")]
    shapes = [s.strip() for s in a.shapes.split(",") if s.strip()]
    failed = 0
    print(f"Linear-time check: sizes {a.sizes} MB, ratio per doubling must be <= {a.max_ratio}")
    print(f"(timeout {a.timeout:g} s per stage and size; times under {a.floor:g} s always pass)")
    for shape in shapes:
        print(f"\n== {shape}")
        head = " ".join(f"{s / MB:>9g} MB" for s in sizes)
        print(f"  {'stage':<8} {head}   {'ratios':<16} {'growth':>6}")
        table: dict[str, list[float | None]] = {s: [] for s in STAGES}
        stuck: dict[str, int] = {}
        for i, size in enumerate(sizes):
            times, timed_out = run_one(shape, size, a.timeout, a.repeat, set(stuck))
            for s in STAGES:
                table[s].append(times.get(s))
            if timed_out is not None:
                stuck[timed_out] = i
            if "read" in stuck or "parse" in stuck:
                break  # the later stages need their output
        for stage in STAGES:
            failed += _report(stage, table[stage], stuck.get(stage), sizes, a)
    print(f"\n{'FAILED' if failed else 'OK'}: {failed} stage(s) not linear")
    return 1 if failed else 0


def _report(stage: str, ts: list[float | None], stuck: int | None, sizes, a) -> int:
    """Print one stage's row; 1 when it fails.

    The verdict is the growth per doubling over the whole range (the geometric mean
    of the steps, so one noisy step does not decide), or a timeout; each step's
    ratio is printed too.
    """
    cells = []
    for i in range(len(sizes)):
        t = ts[i] if i < len(ts) else None
        if stuck is not None and i == stuck:
            cells.append(f"{'>' + str(int(a.timeout)) + ' s':>12}")
        else:
            cells.append(f"{'' if t is None else f'{t:.3f} s':>12}")
    steps = []
    for x, y in itertools.pairwise(ts):
        if x is None or y is None or y < a.floor or x < a.floor / 2:
            steps.append(None)
        else:
            steps.append(y / max(x, 1e-9))
    shown = " ".join("·" if r is None else f"{r:.2f}" for r in steps) or "-"
    known = [(i, t) for i, t in enumerate(ts) if t is not None and t >= a.floor / 2]
    growth = None
    if len(known) >= 2 and known[-1][1] >= a.floor:
        (i0, t0), (i1, t1) = known[0], known[-1]
        growth = (t1 / t0) ** (1 / (i1 - i0))
    if all(t is None for t in ts) and stuck is None:
        return 0  # not reached (an earlier stage refused the input)
    bad = stuck is not None or (growth is not None and growth > a.max_ratio)
    mean = "" if growth is None else f"x{growth:.2f}"
    verdict = "FAIL" if bad else "ok"
    print(f"  {stage:<8} " + " ".join(cells) + f"   {shown:<16} {mean:>6}  {verdict}")
    return int(bad)


if __name__ == "__main__":
    raise SystemExit(main())
