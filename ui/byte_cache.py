"""A least-recently-used cache bounded by bytes, shared by every session of one server process.

Why not ``st.cache_data(max_entries=...)``: the values the app caches differ in size a thousandfold (a trace
of one layer × 4 units × 20 steps is ~13 KiB, one of 3 layers × 32 units × 2,000 steps ~20 MiB, and its
stepping-figure parts up to ~70 MiB), so a bound on entries is either far too small for the default view or
lets 100 heavy links fill a replica (64 heavy traces were 1.6 GB). ``st.cache_data`` also keeps each value
pickled and hands every rerun its own unpickled copy, so a heavy view costs its size twice per session.
Here a value is measured once when stored (``deep_nbytes``) and shared, never copied: only read-only values
may be cached (the traces' arrays are read-only; the figure parts are never changed once built).

Entries unused for ``ttl_s`` seconds are dropped by a background sweep, and glibc is then asked to hand the
freed pages back to the system (``release_freed_memory``), so a replica returns to its idle memory once the
learners of a heavy lesson have gone. See docs/serving.md, "Memory".
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import sys
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import numpy as np

V = TypeVar("V")
MiB = 2**20
# At most this many values are built at once in one process (by all caches and sessions together). A build
# is CPU-bound and holds the GIL, so more at once are no faster; they only multiply the memory in flight:
# 100 heavy links opened together built 100 figures' parts side by side (7 GB, where the cache holds 0.5).
BUILDS_AT_ONCE = 2
_builds = threading.BoundedSemaphore(BUILDS_AT_ONCE)
_SCALARS = frozenset({float, int, bool, str, type(None)})


def deep_nbytes(value: object) -> int:
    """Bytes held by ``value`` and everything it refers to: containers, objects' attributes and NumPy
    buffers, each object counted once. Lists of plain numbers or strings are summed without visiting each
    element (fast; a number shared by two lists is counted twice, so the result errs on the high side)."""
    seen: set[int] = set()
    total = 0
    todo = [value]
    while todo:
        v = todo.pop()
        if id(v) in seen or isinstance(v, type):
            continue
        seen.add(id(v))
        total += sys.getsizeof(v)  # an ndarray that owns its data includes its buffer
        if isinstance(v, np.ndarray):
            if v.base is not None:
                todo.append(v.base)
        elif isinstance(v, dict):
            todo.extend(v.keys())
            todo.extend(v.values())
        elif isinstance(v, (list, tuple, set, frozenset)):
            if set(map(type, v)) <= _SCALARS:
                total += sum(map(sys.getsizeof, v))
            else:
                todo.extend(v)
        elif hasattr(v, "__dict__"):
            todo.append(vars(v))
    return total


def read_only(value: V) -> V:
    """``value`` with every NumPy array in it made read-only (containers and attributes walked as in
    ``deep_nbytes``), so a value shared by every session cannot be changed by one of them."""
    seen: set[int] = set()
    todo = [value]
    while todo:
        v = todo.pop()
        if id(v) in seen or isinstance(v, type) or type(v) in _SCALARS:
            continue
        seen.add(id(v))
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
        elif isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, (list, tuple, set, frozenset)):
            todo.extend(v)
        elif hasattr(v, "__dict__"):
            todo.extend(vars(v).values())
    return value


def release_freed_memory() -> None:
    """Hand freed heap pages back to the system (glibc's ``malloc_trim``; a no-op elsewhere).

    Why: after the first large NumPy buffer is freed, glibc raises its mmap threshold, so later buffers of a
    few hundred KiB come from the heap and stay in the process's resident memory after they are freed.
    """
    name = ctypes.util.find_library("c")
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(name).malloc_trim(0)


def drop_expired_sessions(timeout_s: float = 5.0) -> int:
    """Let go of the closed sessions that Streamlit keeps past ``server.disconnectedSessionTTL``; how many.

    Why: Streamlit keeps a closed session for a reconnect in a TTL cache that drops expired entries only
    when a session is stored in it, so on a quiet server every learner who left stays in memory with their
    session state and widgets until the next one arrives: 100 heavy links that had closed four minutes
    before still held 100 sessions and ~50 MiB (docs/serving.md, "Memory"). There is no public call for
    it; this reaches the session storage through the runtime's private attributes, on the runtime's event
    loop and under the session manager's lock, as Streamlit itself touches it. Another Streamlit (or no
    server: AppTest, bare mode) gets 0.
    """
    try:
        from streamlit.runtime import Runtime

        runtime = Runtime.instance()
        manager = runtime._session_mgr
        storage, lock = manager._session_storage._cache, manager._storage_lock
        loop = runtime._get_async_objs().eventloop
    except (ImportError, RuntimeError, AttributeError):
        return 0

    async def expire() -> int:
        with lock:
            return len(storage.expire())

    with contextlib.suppress(Exception):  # a loop that is closing, a changed cache: nothing to drop
        return asyncio.run_coroutine_threadsafe(expire(), loop).result(timeout_s)
    return 0


class ByteLRU(Generic[V]):
    """Values by key, at most ``max_bytes`` in total (the least recently used go first), each dropped after
    ``ttl_s`` seconds without use. Thread-safe. A value larger than ``max_bytes`` is returned, not kept."""

    def __init__(
        self, max_bytes: int, ttl_s: float, sweep_s: float = 10.0, clock: Callable[[], float] = time.monotonic
    ):
        self.max_bytes, self.ttl_s, self.sweep_s = int(max_bytes), float(ttl_s), float(sweep_s)
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[V, int, float]] = OrderedDict()  # value, bytes, last use
        self._nbytes = 0
        self._lock = threading.Lock()
        self._sweeper: threading.Thread | None = None

    @property
    def nbytes(self) -> int:
        """Bytes held now (as measured when each value was stored)."""
        return self._nbytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, make: Callable[[], V], size: Callable[[V], int] = deep_nbytes) -> V:
        """The value stored for ``key``, else ``make()`` (stored when it fits, its size ``size(value)``)."""
        with self._lock:
            if (hit := self._entries.get(key)) is not None:
                self._entries[key] = (hit[0], hit[1], self._clock())
                self._entries.move_to_end(key)
                return hit[0]
        with _builds:  # outside the lock: other sessions' hits do not wait for a build
            with self._lock:
                if (hit := self._entries.get(key)) is not None:  # built while this one waited
                    return hit[0]
            value = make()
            nbytes = int(size(value))
        if nbytes > self.max_bytes:
            return value
        with self._lock:
            if key in self._entries:  # another session built it meanwhile: keep one copy
                return self._entries[key][0]
            self._entries[key] = (value, nbytes, self._clock())
            self._nbytes += nbytes
            while self._nbytes > self.max_bytes:
                self._drop(next(iter(self._entries)))
            self._start_sweeper()
        return value

    def sweep(self) -> int:
        """Drop the entries unused for ``ttl_s`` seconds; how many were dropped."""
        now = self._clock()
        with self._lock:
            old = [k for k, (_, _, used) in self._entries.items() if now - used >= self.ttl_s]
            for k in old:
                self._drop(k)
        return len(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._nbytes = 0

    def _drop(self, key: Hashable) -> None:
        _, nbytes, _ = self._entries.pop(key)
        self._nbytes -= nbytes

    def _start_sweeper(self) -> None:
        if self._sweeper is None:
            self._sweeper = threading.Thread(
                target=_sweep_while_alive, args=(weakref.ref(self), self.sweep_s), daemon=True
            )
            self._sweeper.start()


# Sweeps after one that dropped entries that also run a full garbage collection (see _sweep_while_alive).
COLLECTS_AFTER_A_DROP = 6


def _sweep_while_alive(ref: weakref.ref, period: float) -> None:
    """Every ``period`` s, sweep the cache and the closed sessions and give freed memory back, until the
    cache is gone.

    Entries expire when their learners have gone, and a closed session at about the same time
    (``server.disconnectedSessionTTL``, 120 s; ``drop_expired_sessions``). A session's objects sit in
    reference cycles that only a full collection frees, and an idle server allocates too little to trigger
    one: after 12 heavy links had closed, 34 MiB of the replica's 60 MiB above idle were such garbage
    (docs/serving.md, "Memory"). So for a minute after a drop each sweep collects before trimming; while
    learners keep using their entries nothing is dropped and no sweep holds the interpreter for a full
    collection."""
    collects_left = 0
    while True:
        time.sleep(period)
        cache = ref()
        if cache is None:
            return
        if cache.sweep() + drop_expired_sessions():
            collects_left = COLLECTS_AFTER_A_DROP
        del cache
        if collects_left:
            collects_left -= 1
            gc.collect()
        # Also what closed sessions freed (every sweep: a few ms, where the heap holds GBs of free pages).
        release_freed_memory()
