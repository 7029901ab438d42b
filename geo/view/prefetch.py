"""Prepare the views a user will most likely ask for next, in one background thread.

A step (Next, Prev, an arrow key on the slider, a frame of Play) asks for the
view one date away. Computing a view's markers is the slowest part of a
step's run on the server, and it happens while the user waits. The
dashboard therefore hands the neighbouring views (:func:`geo.view.state.neighbours`)
to a :class:`Prefetcher` right after drawing a view: a single daemon thread
computes them into the view cache while the user looks at the map, so the
next step is served from memory.

Why one thread and a short queue: the work competes with the server's own
runs for the interpreter, and a view asked for several steps ago is no
longer worth computing. The oldest pending jobs are dropped first; a key
already done or queued is not queued again; a failing job is logged and
forgotten (the user's own run will compute, and report, the same view).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

log = logging.getLogger(__name__)


class Prefetcher:
    """A bounded queue of ``(key, job)`` run by one daemon thread, each key at most once.

    ``max_pending`` jobs wait at most (older ones are dropped when more come);
    ``remember`` keys are remembered as done, so a view is not computed twice
    while its result is still likely cached. ``wrap`` runs around every job
    (the app uses it to give the thread the Streamlit context of the session
    that asked).
    """

    def __init__(self, max_pending: int = 4, remember: int = 256) -> None:
        self.max_pending = max_pending
        self.remember = remember
        self._pending: deque[tuple[Hashable, Callable[[], object]]] = deque()
        self._done: OrderedDict[Hashable, None] = OrderedDict()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self.ran = 0  # jobs run (tests and benchmarks read it)
        self.failed = 0

    def submit(self, key: Hashable, job: Callable[[], object]) -> bool:
        """Queue ``job`` unless ``key`` is queued or done; True when queued."""
        with self._cond:
            if key in self._done or any(k == key for k, _ in self._pending):
                return False
            self._pending.append((key, job))
            while len(self._pending) > self.max_pending:
                self._pending.popleft()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="frontline-prefetch", daemon=True
                )
                self._thread.start()
            self._cond.notify()
        return True

    def forget(self) -> None:
        """Drop what is queued and what is remembered as done (after the data changed)."""
        with self._cond:
            self._pending.clear()
            self._done.clear()

    def idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until nothing is queued or running; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._busy, timeout_s)

    _busy = False

    def _work(self) -> None:
        while True:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
                if not self._cond.wait_for(lambda: bool(self._pending), timeout=30.0):
                    self._thread = None  # idle for long: let the thread end
                    return
                key, job = self._pending.pop()  # the newest first: the user's latest view
                self._busy = True
            try:
                job()
            except Exception:  # the user's own run computes (and reports) it
                log.debug("prefetch of %r failed", key, exc_info=True)
                with self._cond:
                    self.failed += 1
            with self._cond:
                self.ran += 1
                self._done[key] = None
                while len(self._done) > self.remember:
                    self._done.popitem(last=False)
