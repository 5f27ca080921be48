"""The one place the app runs the core: cached on plain parameters, so views only read the result.

One cache of traces per server process (``ui.byte_cache.ByteLRU``, bounded by bytes: ``TRACE_BYTES``),
shared by every session and keyed by a digest of every number that goes into the run, so learners with the
same settings share a trace and learners with different settings never do. A cached trace is shared, not
copied: its arrays are read-only.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np
import streamlit as st

from lstm_core import CELL_VARIANTS, Trace, network_class
from lstm_core.experiments import run_matched
from ui.byte_cache import ByteLRU, MiB, read_only

# About 12 of the heaviest traces (3 layers × 32 units × 2,000 steps: 20 MiB each) or thousands of the
# default view's (~13 KiB); docs/serving.md has the measurements.
TRACE_BYTES = 256 * MiB
TRACE_TTL_S = 120.0  # a trace nobody has asked for in two minutes is dropped (recomputing: ≤ 0.2 s)


@st.cache_resource(show_spinner=False)
def trace_store() -> ByteLRU[Trace]:
    """This process's trace cache (``st.cache_resource``, so ``st.cache_resource.clear()`` empties it)."""
    return ByteLRU(TRACE_BYTES, TRACE_TTL_S)


def array_digest(digest, a: np.ndarray) -> None:
    """Feed ``a``'s dtype, shape and every byte to ``digest`` (no sampling, however large)."""
    a = np.ascontiguousarray(a)
    digest.update(f"|{a.dtype.str}{a.shape}|".encode())
    digest.update(a.data)


def random_key(variant: str, hidden: int, layers: int, seed: int, x: np.ndarray) -> tuple:
    """The cache key of ``run_random``: every parameter, and a digest of all of x."""
    digest = hashlib.blake2b(digest_size=16)
    array_digest(digest, x)
    return "random", str(variant), int(hidden), int(layers), int(seed), digest.hexdigest()


def weights_key(variant: str, layout: str, weights: dict[str, np.ndarray], x: np.ndarray) -> tuple:
    """The cache key of ``run_weights``: variant, layout and a digest of every weight's name and numbers
    and of all of x."""
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(weights):
        digest.update(f"|{name}".encode())
        array_digest(digest, np.asarray(weights[name]))
    array_digest(digest, x)
    return "weights", str(variant), str(layout), digest.hexdigest()


def random_network(variant: str, hidden: int, layers: int, seed: int, input_size: int):
    """The randomly initialised LSTM, GRU or RNN of these sizes that ``run_random`` runs."""
    return network_class(variant).random(input_size, hidden, layers, variant=variant, seed=seed)


def weights_network(variant: str, layout: str, weights: dict[str, np.ndarray]):
    """The LSTM, GRU or RNN of loaded or trained weights that ``run_weights`` runs."""
    return network_class(variant).from_weights(weights, layout=layout, variant=variant)


def run_random(variant: str, hidden: int, layers: int, seed: int, x: np.ndarray) -> Trace:
    """A randomly initialised network of these sizes run on x (T, I); I is taken from x. A Trace, or a
    ``CellTrace`` for a GRU or an RNN."""

    def make() -> Trace:
        return random_network(variant, hidden, layers, seed, x.shape[1]).run(x)

    return trace_store().get(random_key(variant, hidden, layers, seed, x), make)


def run_weights(variant: str, layout: str, weights: dict[str, np.ndarray], x: np.ndarray) -> Trace:
    """Loaded or trained weights run on x (T, I)."""

    def make() -> Trace:
        return weights_network(variant, layout, weights).run(x)

    return trace_store().get(weights_key(variant, layout, weights, x), make)


def run_every_cell(hidden: int, layers: int, seed: int, x: np.ndarray) -> dict[str, Trace]:
    """Every cell of ``CELL_VARIANTS`` on x (T, I), as ``run_matched`` runs them (Compare variants): in
    the trace store, like every other run, since the GRU's and RNN's traces do not pickle for
    ``st.cache_data``."""
    key = ("every cell", *random_key("", hidden, layers, seed, x)[2:])

    def make() -> dict[str, Trace]:
        return run_matched(x, hidden, layers, seed, cells=CELL_VARIANTS)

    return trace_store().get(key, make)


def _arg_key(value):
    """A hashable stand-in for one argument of a ``byte_cached`` function: arrays by a digest of all
    their bytes, tuples element by element, anything else as it is (it must be hashable)."""
    if isinstance(value, np.ndarray):
        digest = hashlib.blake2b(digest_size=16)
        array_digest(digest, value)
        return "array", digest.hexdigest()
    if isinstance(value, tuple):
        return tuple(map(_arg_key, value))
    return value


def byte_cached(name: str):
    """Decorator for a page's run of the core: ``fn(*args)`` kept in the trace store (``TRACE_BYTES`` for
    every page together, bounded by bytes; ``TRACE_TTL_S``), under ``name`` and the arguments, its arrays
    made read-only and shared by every session. It replaces ``st.cache_data(max_entries=...)``, which
    bounded only the number of values and kept a pickled copy of each, unpickled again for every rerun.
    ``name`` must be unique in the app: the pages' scripts define their functions anew on every run."""

    def wrap(fn):
        @functools.wraps(fn)
        def cached(*args):
            return trace_store().get((name, *map(_arg_key, args)), lambda: read_only(fn(*args)))

        return cached

    return wrap


def network_for(settings):
    """The network ``trace_for`` runs (the same weights), for views that show the weights themselves."""
    if (loaded := settings.loaded) is not None:
        return weights_network(loaded.variant, loaded.layout, loaded.weights)
    return random_network(
        settings.variant,
        settings.hidden_size,
        settings.num_layers,
        settings.seed,
        np.asarray(settings.x).shape[1],
    )


def trace_for(settings) -> Trace:
    """The trace every view of a page reads: the settings' network run on the settings' sequence."""
    if (loaded := settings.loaded) is not None:
        return run_weights(loaded.variant, loaded.layout, loaded.weights, np.asarray(settings.x))
    return run_random(
        settings.variant, settings.hidden_size, settings.num_layers, settings.seed, np.asarray(settings.x)
    )
