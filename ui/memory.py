"""Give a replica's freed memory back to the system (docs/serving.md, "Memory").

A heavy view's figure and trace are hundreds of thousands of small Python objects. When its sessions
close, the caches drop them and the allocator frees them, but glibc keeps freed pages inside its heap
unless they sit at its very top, so the replica's RSS stays near its peak long after the visitors have
left. ``malloc_trim(0)`` walks the heap and hands every wholly free page back (``madvise``); a daemon
thread calls it every ``TRIM_EVERY_S`` seconds. With replicas started as docs/serving.md says
(``PYTHONMALLOC=malloc``), Python's own objects live in that heap too.

Without glibc (macOS, musl) there is nothing to call and nothing is started. ``LAB_MALLOC_TRIM_S=0`` turns
the thread off, to measure what it changes (``benchmarks/load_test.py --flood``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
import time

TRIM_EVERY_S = 20.0
_lock = threading.Lock()
_running: list[threading.Thread] = []  # the one trimming thread, once started


def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    return getattr(ctypes.CDLL(name), "malloc_trim", None)


def interval() -> float:
    """Seconds between two trims: ``LAB_MALLOC_TRIM_S`` if set to a number (0: never), else TRIM_EVERY_S."""
    try:
        return max(0.0, float(os.environ.get("LAB_MALLOC_TRIM_S", TRIM_EVERY_S)))
    except ValueError:
        return TRIM_EVERY_S


def start_trimming() -> bool:
    """Start the trimming thread once per process; True if it runs."""
    every, trim = interval(), _malloc_trim()
    if every == 0 or trim is None:
        return False

    def loop() -> None:
        while True:
            time.sleep(every)
            trim(0)

    with _lock:  # every session's first run calls this; one thread per process
        if not _running:
            _running.append(threading.Thread(target=loop, name="malloc-trim", daemon=True))
            _running[0].start()
    return True
