"""ui/memory.py: freed heap pages go back to the system, from one thread per process."""

from __future__ import annotations

import os
import threading

import pytest

from ui import memory


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_malloc_trim_gives_freed_pages_back():
    """80 MiB of 2 kB blocks (malloc, not pymalloc), every 16th kept, so the heap's top stays in use and
    glibc alone returns nothing; malloc_trim(0) hands the free pages back."""
    trim = memory._malloc_trim()
    assert trim is not None  # Linux with glibc, as the replicas run
    blocks = [bytes(2048) for _ in range(40_000)]
    kept = blocks[::16]
    del blocks
    before = rss_mib()
    trim(0)
    after = rss_mib()
    assert before - after > 40, (before, after)
    assert len(kept) == 2500


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 20.0), ("0", 0.0), ("5", 5.0), ("-3", 0.0), ("soon", 20.0)]
)
def test_the_interval_comes_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("LAB_MALLOC_TRIM_S", raising=False)
    else:
        monkeypatch.setenv("LAB_MALLOC_TRIM_S", value)
    assert memory.interval() == expected


def test_one_thread_per_process(monkeypatch):
    monkeypatch.delenv("LAB_MALLOC_TRIM_S", raising=False)
    assert all(memory.start_trimming() for _ in range(3))
    assert [t.name for t in threading.enumerate()].count("malloc-trim") == 1


def test_off_when_asked(monkeypatch):
    monkeypatch.setenv("LAB_MALLOC_TRIM_S", "0")
    assert memory.start_trimming() is False
