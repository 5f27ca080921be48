"""``ui.admission``: heavy runs share a byte budget; light and nested runs never wait; a failed run frees
its share. Threads are ordered with events (no sleeps, no timings): a run that must wait says so through
``on_wait`` before it blocks."""

from __future__ import annotations

import threading

import pytest

from ui.admission import LIGHT_BYTES, RUN_BYTES, Turns, run_cost
from ui.byte_cache import MiB

JOIN_S = 30  # a guard against a deadlock, not a timing


class Run:
    """A thread that takes a turn of ``cost`` and logs "<name> waits", "<name> in <bytes in flight>" and
    "<name> out"; it holds its turn until ``hold`` is set."""

    def __init__(self, turns: Turns, cost: int, log: list, name: str, hold: threading.Event | None = None):
        self.waits, self.entered = threading.Event(), threading.Event()

        def on_wait():
            log.append(f"{name} waits")
            self.waits.set()

        def body():
            with turns.turn(cost, on_wait=on_wait):
                log.append(f"{name} in {turns.in_flight}")
                self.entered.set()
                if hold is not None:
                    hold.wait(JOIN_S)
                log.append(f"{name} out")

        self.thread = threading.Thread(target=body, daemon=True)
        self.thread.start()

    def join(self) -> None:
        self.thread.join(JOIN_S)
        assert not self.thread.is_alive(), "a run never finished"


def test_a_run_that_does_not_fit_waits_for_the_one_in_flight():
    turns, log = Turns(budget=100, light=1), []
    release_a = threading.Event()
    a = Run(turns, 60, log, "a", release_a)
    assert a.entered.wait(JOIN_S)
    b = Run(turns, 60, log, "b")
    assert b.waits.wait(JOIN_S), log  # 60 + 60 > 100
    assert log == ["a in 60", "b waits"]
    release_a.set()
    a.join()
    b.join()
    assert log == ["a in 60", "b waits", "a out", "b in 60", "b out"]
    assert turns.in_flight == 0


def test_runs_that_fit_together_run_together():
    turns, log = Turns(budget=100, light=1), []
    release = threading.Event()
    a = Run(turns, 40, log, "a", release)
    assert a.entered.wait(JOIN_S)
    b = Run(turns, 60, log, "b", release)
    assert b.entered.wait(JOIN_S), log
    assert log == ["a in 40", "b in 100"]  # both inside at once: 40 + 60 = the budget
    release.set()
    a.join()
    b.join()
    assert turns.in_flight == 0


def test_light_runs_never_wait_and_a_run_over_the_budget_runs_alone():
    turns, log = Turns(budget=100, light=10), []
    release_big = threading.Event()
    big = Run(turns, 500, log, "big", release_big)  # more than the budget: admitted when alone
    assert big.entered.wait(JOIN_S)
    Run(turns, 9, log, "light").join()
    assert log == ["big in 500", "light in 500", "light out"]  # not counted, not held up
    heavy = Run(turns, 20, log, "heavy")
    assert heavy.waits.wait(JOIN_S)
    release_big.set()
    big.join()
    heavy.join()
    assert log[3:] == ["heavy waits", "big out", "heavy in 20", "heavy out"]


def test_a_nested_turn_counts_once_and_a_failed_run_frees_its_share():
    turns = Turns(budget=100, light=1)
    seen = []
    with pytest.raises(RuntimeError), turns.turn(80):
        with turns.turn(80):  # the fragment inside the page's own run: would deadlock if counted
            seen.append(turns.in_flight)
        seen.append(turns.in_flight)
        raise RuntimeError("the run failed")  # e.g. Streamlit stopping it for a rerun
    assert seen == [80, 80] and turns.in_flight == 0
    with turns.turn(100):
        assert turns.in_flight == 100


def test_the_heavy_view_costs_about_what_it_holds_and_the_default_view_is_light():
    heavy = run_cost(2000, 32, 3)  # hidden=32&layers=3&length=2000
    assert 55 * MiB < heavy < 65 * MiB  # measured: trace 20 + parts 21 + figure 23 MiB
    assert 2 * heavy <= RUN_BYTES < 3 * heavy  # two heavy runs at once
    assert run_cost(20, 4, 1) < LIGHT_BYTES  # the default view
