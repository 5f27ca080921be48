"""Heavy page runs take turns: at most ``RUN_BYTES`` of them in flight per server process.

Why: every session runs its page script in its own thread, all at once. A heavy view (3 layers × 32 units ×
2,000 steps) holds about 60 MiB while its run is in flight (its trace 20 MiB, its figure's parts 21 MiB, the
figure dict and its JSON 23 MiB), so 100 learners opening 100 different heavy links held all of that at the
same time, 100 times over (6.5 GB). The byte-bounded caches (``ui.byte_cache``) bound what is kept between
runs, not what runs hold. A run is CPU-bound and holds the GIL, so more of them at once are no faster.

A run says what it will hold (``run_cost``); it starts at once while the runs in flight and it fit in
``RUN_BYTES``, else it waits for a turn. Light runs (the default view: ~40 KiB) never wait, so a class on
the default view is not held up by a heavy link. A run larger than the whole budget runs alone. Nested
turns (a fragment run inside the page's full run, in the same thread) count once. See docs/serving.md,
"Memory".
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from ui.byte_cache import MiB

RUN_BYTES = 128 * MiB  # two heavy views at once
LIGHT_BYTES = 1 * MiB  # below this a run never waits
# Bytes a run holds per recorded number of its trace (one (t, unit) pair of one layer): measured 60 MiB for
# the 192,000 of 3 layers × 32 units × 2,000 steps on Step through time (trace, figure parts, figure JSON).
BYTES_PER_NUMBER = 330


def run_cost(steps: int, hidden: int, layers: int) -> int:
    """What a page run over a trace of ``steps`` × ``hidden`` units × ``layers`` holds while in flight."""
    return int(steps) * int(hidden) * int(layers) * BYTES_PER_NUMBER


class Turns:
    """Runs by their cost in bytes, at most ``budget`` in flight at once (see the module's docstring)."""

    def __init__(self, budget: int = RUN_BYTES, light: int = LIGHT_BYTES):
        self.budget, self.light = int(budget), int(light)
        self._in_flight = 0
        self._changed = threading.Condition()
        self._mine = threading.local()  # this thread's nesting depth

    @property
    def in_flight(self) -> int:
        """Bytes of the runs in flight now."""
        return self._in_flight

    @contextlib.contextmanager
    def turn(self, cost: int, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold ``cost`` bytes of the budget for the body; ``on_wait()`` is called once if it must wait."""
        depth = getattr(self._mine, "depth", 0)
        if depth or cost < self.light:
            self._mine.depth = depth + 1
            try:
                yield
            finally:
                self._mine.depth = depth
            return
        with self._changed:
            must_wait = not self._fits(cost)
        if must_wait and on_wait is not None:
            on_wait()  # outside the lock: it may draw on the page, and Streamlit may stop the run there
        with self._changed:
            self._changed.wait_for(lambda: self._fits(cost))
            self._in_flight += cost
        self._mine.depth = 1
        try:
            yield
        finally:
            self._mine.depth = 0
            with self._changed:
                self._in_flight -= cost
                self._changed.notify_all()

    def _fits(self, cost: int) -> bool:
        return self._in_flight == 0 or self._in_flight + cost <= self.budget


_TURNS = Turns()


def turn(cost: int, on_wait: Callable[[], None] | None = None):
    """This process's turn for a run holding ``cost`` bytes (``Turns.turn``)."""
    return _TURNS.turn(cost, on_wait)
