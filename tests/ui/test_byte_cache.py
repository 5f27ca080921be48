"""The app's caches are bounded by bytes: fill each past its bound and measure what it holds.

Memory is measured with ``tracemalloc`` (NumPy reports its buffers to it), not taken from the caches' own
bookkeeping, so a size function that under-counts would fail here.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
import weakref

import numpy as np
import pytest

from lstm_core import LSTM
from lstm_core.sequences import make_preset
from ui import compute, figure_cache
from ui.byte_cache import ByteLRU, MiB, deep_nbytes
from ui.figures.stepping import SteppingParts


def _held_after(fill) -> int:
    """Bytes still allocated once ``fill()`` has run and its own references are gone."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        fill()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_deep_nbytes_measures_what_a_heavy_trace_allocates():
    x = make_preset("sine", 2000, seed=0).x
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        trace = LSTM.random(input_size=2, hidden_size=32, num_layers=3, seed=1).run(x)
        allocated = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # At least 3 layers × 12 recorded (T, H) float64 fields plus each layer's input (and the
    # pre-activations beside them): ~19 MiB.
    longhand = 3 * 12 * 2000 * 32 * 8 + (2000 * 2 + 2 * 2000 * 32) * 8
    assert abs(deep_nbytes(trace) - allocated) < 0.02 * allocated
    assert longhand <= deep_nbytes(trace) < 1.1 * longhand


def test_the_trace_cache_holds_at_most_its_bytes(monkeypatch):
    """8 heavy links (3 layers × 32 units × 2,000 steps, distinct seeds) into a 70 MiB cache."""
    monkeypatch.setattr(compute, "TRACE_BYTES", 70 * MiB)
    compute.trace_store.clear()
    x = make_preset("sine", 2000, seed=0).x

    def fill():
        for seed in range(8):
            compute.run_random("standard", 32, 3, seed, x)

    held = _held_after(fill)
    store = compute.trace_store()
    assert store.max_bytes == 70 * MiB
    assert 55 * MiB < held <= 70 * MiB, held / MiB  # full, and never past the bound
    assert store.nbytes <= store.max_bytes and len(store) == 3  # 3 × 20.1 MiB fit, a fourth does not
    # The most recent links stay: asking for seed 7 again runs nothing.
    runs = []
    monkeypatch.setattr(LSTM, "run", lambda self, x: runs.append(1))
    compute.run_random("standard", 32, 3, 7, x)
    assert runs == []
    compute.run_random("standard", 32, 3, 0, x)
    assert runs == [1], "the oldest link was dropped"


def test_the_figure_parts_cache_holds_at_most_its_bytes(monkeypatch):
    """Parts of 6 distinct 32-unit, 60-step views (~8 MiB each at most) into a 20 MiB cache, every unit the
    parts keep shown."""
    monkeypatch.setattr(figure_cache, "PARTS_BYTES", 20 * MiB)
    figure_cache.parts_store.clear()
    x = make_preset("sine", 60, seed=0).x
    traces = [LSTM.random(input_size=2, hidden_size=32, num_layers=1, seed=s).run(x) for s in range(6)]

    def fill():
        for trace in traces:
            parts = figure_cache.stepping_parts(trace, figure_cache.parts_key(trace, "standard"))
            for unit in range(SteppingParts.UNITS_KEPT):  # grow each to the most it can hold
                parts.spec(0, unit)

    held = _held_after(fill)
    store = figure_cache.parts_store()
    assert store.max_bytes == 20 * MiB
    assert 10 * MiB < held <= 20 * MiB, held / MiB
    assert 2 <= len(store) < len(traces)


def test_the_parts_size_is_what_they_grow_to():
    trace = LSTM.random(input_size=2, hidden_size=32, num_layers=1, seed=0).run(
        make_preset("sine", 120, seed=0).x
    )
    parts = SteppingParts(trace, "standard")
    promised = figure_cache.parts_nbytes(parts)
    for unit in range(2 * SteppingParts.UNITS_KEPT):
        parts.spec(0, unit)
    assert deep_nbytes(parts) <= promised * 1.01
    assert deep_nbytes(parts) >= promised * 0.9, "the bound should be tight, not a guess"


def test_a_value_larger_than_the_whole_cache_is_returned_not_kept():
    store: ByteLRU[np.ndarray] = ByteLRU(1 * MiB, ttl_s=60)
    big = store.get("big", lambda: np.zeros(2 * MiB // 8))
    assert big.nbytes == 2 * MiB and len(store) == 0 and store.nbytes == 0
    small = store.get("small", lambda: np.zeros(1000))
    assert store.get("small", lambda: np.ones(1000)) is small and store.nbytes == deep_nbytes(small)


def test_entries_unused_for_the_ttl_are_swept():
    now = [0.0]
    store: ByteLRU[np.ndarray] = ByteLRU(10 * MiB, ttl_s=60, clock=lambda: now[0])
    store.get("a", lambda: np.zeros(1000))
    store.get("b", lambda: np.zeros(1000))
    now[0] = 30
    assert store.sweep() == 0 and len(store) == 2
    assert store.get("a", lambda: np.ones(1000))[0] == 0  # a hit, and it renews "a"
    now[0] = 61
    assert store.sweep() == 1 and len(store) == 1, "b, unused since 0 s, goes; a was used at 30 s"
    now[0] = 90
    assert store.sweep() == 1 and store.nbytes == 0 and len(store) == 0


def test_the_background_sweep_empties_an_idle_cache():
    store: ByteLRU[np.ndarray] = ByteLRU(10 * MiB, ttl_s=0.2, sweep_s=0.1)
    store.get("a", lambda: np.zeros(100_000))
    deadline = time.monotonic() + 10
    while len(store) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(store) == 0 and store.nbytes == 0


class _Session:
    """Stands for a closed session's objects: a reference cycle holding a buffer."""

    def __init__(self):
        self.me, self.buffer = self, np.zeros(250_000)


@pytest.fixture
def closed_session():
    """A weak reference to a closed session's garbage, with Python's own collector off (an idle server
    allocates too little for it to run), so only the sweep can free the cycle."""
    gc.disable()
    try:
        gone = _Session()
        alive = weakref.ref(gone)
        del gone
        assert alive() is not None  # only a collection frees a cycle
        yield alive
    finally:
        gc.enable()
        gc.collect()


def test_after_a_drop_the_sweep_frees_the_garbage_in_reference_cycles(closed_session):
    store: ByteLRU[np.ndarray] = ByteLRU(10 * MiB, ttl_s=0.2, sweep_s=0.05)
    store.get("a", lambda: np.zeros(100_000))
    deadline = time.monotonic() + 10
    while closed_session() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(store) == 0 and closed_session() is None


def test_while_nothing_is_dropped_the_sweep_runs_no_full_collection(closed_session):
    store: ByteLRU[np.ndarray] = ByteLRU(10 * MiB, ttl_s=60, sweep_s=0.05)
    store.get("a", lambda: np.zeros(100_000))
    time.sleep(0.5)  # ten sweeps, none drops anything
    assert len(store) == 1 and closed_session() is not None


@pytest.mark.parametrize("store", [compute.trace_store, figure_cache.parts_store])
def test_the_app_caches_are_bounded_and_expire(store):
    cache = store()
    assert 0 < cache.max_bytes <= 256 * MiB and 0 < cache.ttl_s <= 300


class _AppSession:
    """Stands in for Streamlit's AppSession: an id, and weakly referable."""

    def __init__(self, id: str):
        self.id = id


def test_closed_sessions_past_their_time_are_let_go(monkeypatch):
    """Streamlit's own session storage and manager (a fake runtime around them): the expired sessions go,
    one still within its time stays. Fails if Streamlit renames what ``drop_expired_sessions`` reads,
    where the function itself would quietly drop nothing."""
    import asyncio
    import threading
    from types import SimpleNamespace

    from streamlit.runtime import Runtime
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.session_manager import SessionInfo
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

    from ui.byte_cache import drop_expired_sessions

    storage = MemorySessionStorage(ttl_seconds=0.2)
    manager = WebsocketSessionManager(storage, None, None, None)
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    fake = SimpleNamespace(_session_mgr=manager, _get_async_objs=lambda: SimpleNamespace(eventloop=loop))
    monkeypatch.setattr(Runtime, "_instance", fake)
    try:
        left = [_AppSession("left-1"), _AppSession("left-2")]
        for session in left:
            storage.save(SessionInfo(client=None, session=session))
        refs = [weakref.ref(session) for session in left]
        del left, session
        time.sleep(0.3)
        gc.collect()
        assert all(ref() is not None for ref in refs)  # past their time, yet held until a session is stored
        assert drop_expired_sessions() == 2
        gc.collect()
        assert all(ref() is None for ref in refs)
        storage.save(SessionInfo(client=None, session=_AppSession("just-left")))
        assert drop_expired_sessions() == 0
        assert [info.session.id for info in storage.list()] == ["just-left"]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        runner.join(5)
        loop.close()


def test_without_a_server_no_session_is_dropped(monkeypatch):
    from streamlit.runtime import Runtime

    from ui.byte_cache import drop_expired_sessions

    monkeypatch.setattr(Runtime, "_instance", None)
    assert drop_expired_sessions() == 0
