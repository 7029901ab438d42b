"""Preparing the next views in the background: which views, and the worker that computes them."""

from __future__ import annotations

import datetime as dt
import threading

from geo.store.query import ViewQuery
from geo.view import state as vs
from geo.view.prefetch import Prefetcher

DATES = [dt.date(2024, 5, d) for d in (20, 21, 22, 24, 27)]


def test_neighbours_of_a_day_are_the_dates_before_and_after() -> None:
    s = vs.ViewState(vs.DAY, DATES[2], (DATES[0], DATES[-1]), fronts=("Donetsk",))
    got = vs.neighbours(s, DATES)
    want = [ViewQuery.of(d, d, ("Donetsk",)) for d in (DATES[3], DATES[1])]
    assert got == want


def test_neighbours_at_the_ends_and_of_a_range() -> None:
    first = vs.ViewState(vs.DAY, DATES[0], (DATES[0], DATES[1]))
    assert vs.neighbours(first, DATES) == [ViewQuery.of(DATES[1], DATES[1])]
    rng = vs.ViewState(vs.RANGE, DATES[3], (DATES[1], DATES[3]))
    assert vs.neighbours(rng, DATES) == [
        ViewQuery.of(DATES[2], DATES[4]),  # the whole range moves a date on
        ViewQuery.of(DATES[0], DATES[2]),
    ]
    # Playing a range grows its end: that frame comes first, then the steps
    playing = vs.ViewState(vs.RANGE, DATES[1], (DATES[1], DATES[1]))
    assert vs.neighbours(playing, DATES, until=DATES[3])[0] == ViewQuery.of(DATES[1], DATES[2])
    alone = vs.ViewState(vs.DAY, DATES[0], (DATES[0], DATES[0]))
    assert vs.neighbours(alone, DATES[:1]) == []


def _hold(p: Prefetcher) -> threading.Event:
    """Keep the worker busy until the returned event is set (so jobs queue up behind it)."""
    started, gate = threading.Event(), threading.Event()
    p.submit("block", lambda: (started.set(), gate.wait()))
    assert started.wait(10)
    return gate


def test_prefetcher_runs_each_key_once_newest_first() -> None:
    p = Prefetcher(max_pending=10)
    order: list[str] = []
    gate = _hold(p)
    for k in ("a", "b", "c"):
        assert p.submit(k, lambda k=k: order.append(k))
    assert not p.submit("b", lambda: order.append("b again"))  # queued already
    gate.set()
    assert p.idle()
    assert order == ["c", "b", "a"]  # the user's latest view first
    assert not p.submit("a", lambda: order.append("a again"))  # done already
    assert p.idle() and p.ran == 4


def test_prefetcher_drops_the_oldest_and_survives_a_failing_job() -> None:
    p = Prefetcher(max_pending=2)
    done: list[int] = []
    gate = _hold(p)
    assert p.idle(timeout_s=0.05) is False  # busy: the gate is closed
    for i in range(5):
        p.submit(i, lambda i=i: done.append(i))
    p.submit("boom", lambda: 1 / 0)
    gate.set()
    assert p.idle()
    assert p.failed == 1
    assert done == [4]  # of 0..4 and "boom" only the newest two were kept
    p.forget()
    assert p.submit(4, lambda: done.append(44)) and p.idle()
    assert done == [4, 44]
