"""The pages' own runs of the core are kept in the byte-bounded trace store (``compute.byte_cached``), not
in ``st.cache_data(max_entries=...)``: each page, opened with seed after seed, fills it past its bound,
and the store holds at most its bytes, drops the oldest, and serves a repeated view without running it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ui import compute
from ui.byte_cache import deep_nbytes

PAGES = Path(__file__).resolve().parents[2] / "views"
SEEDS = 5


def _open(page: str, seed: int) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=120)
    at.query_params["seed"] = str(seed)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _entries(names: tuple[str, ...]) -> dict:
    store = compute.trace_store()
    return {k: v for k, (v, _, _) in store._entries.items() if k[0] in names}


@pytest.mark.parametrize(
    ("page", "names"),
    [
        ("3_Gate_lab.py", ("gate_lab.before_and_after",)),
        ("6_Gradient_flow.py", ("gradient_flow.flow_at_init", "gradient_flow.exploding_runs")),
    ],
)
def test_a_pages_runs_are_bounded_by_bytes(monkeypatch, page, names):
    compute.trace_store.clear()
    _open(page, 0)
    one_view = sum(deep_nbytes(v) for v in _entries(names).values())
    assert one_view > 0, f"{page} kept nothing under {names}"
    assert {k[0] for k in _entries(names)} == set(names)
    # A store that holds two and a half of this page's views, filled with five.
    bound = int(2.5 * one_view)
    monkeypatch.setattr(compute, "TRACE_BYTES", bound)
    compute.trace_store.clear()
    for seed in range(SEEDS):
        _open(page, seed)
    store = compute.trace_store()
    kept = _entries(names)
    held = sum(deep_nbytes(v) for v in kept.values())
    assert store.max_bytes == bound and held <= store.nbytes <= bound, (held, store.nbytes, bound)
    assert 0 < len(kept) < SEEDS * len(names)  # some views were dropped, the newest stayed
    # Shared, not copied: every array in a kept value is read-only.
    for value in kept.values():
        arrays = [a for a in _arrays(value)]
        assert arrays and not any(a.flags.writeable for a in arrays)
    # The newest view is served from the store: opening it again adds and drops nothing.
    before = set(kept)
    _open(page, SEEDS - 1)
    assert set(_entries(names)) == before
    compute.trace_store.clear()


def _arrays(value):
    """Every NumPy array inside ``value`` (containers and objects' attributes)."""
    todo, seen = [value], set()
    while todo:
        v = todo.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if isinstance(v, np.ndarray):
            yield v
        elif isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, (list, tuple)):
            todo.extend(v)
        elif hasattr(v, "__dict__") and not isinstance(v, type):
            todo.extend(vars(v).values())


def test_an_argument_array_is_keyed_by_all_its_bytes(monkeypatch):
    compute.trace_store.clear()
    calls = []

    @compute.byte_cached("test.sum")
    def total(x: np.ndarray, scale: float):
        calls.append(1)
        return {"sum": np.array([x.sum() * scale])}

    x = np.arange(10_000.0)
    first = total(x, 2.0)
    assert total(x.copy(), 2.0) is first and len(calls) == 1  # equal bytes: one run, one shared value
    changed = x.copy()
    changed[-1] += 1e-9
    assert total(changed, 2.0) is not first and len(calls) == 2
    assert total(x, 3.0)["sum"][0] == x.sum() * 3.0 and len(calls) == 3
    with pytest.raises(ValueError, match="read-only"):
        first["sum"][0] = 0.0
    compute.trace_store.clear()
