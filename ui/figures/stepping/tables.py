"""Step through time's table: one row per (t, unit) of a layer, one column per recorded quantity, headed
by its symbol, and the tooltips that name each column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_core.trace import STEP_FIELDS, Trace
from ui import notation
from ui.figures.stepping.checks import check_args

# An LSTM table's quantities: every recorded field but v, which is o in every variant (listed once, as o).
TABLE_KEYS = tuple(k for k in STEP_FIELDS if k != "v")


def table_keys(trace: Trace) -> tuple[str, ...]:
    """The quantities of ``trace``'s table: its layers' recorded (T, H) fields (``FRAME_FIELDS``: an
    LSTM's ``TABLE_KEYS``; a GRU's h_prev, r, z, hn, n, kept, written, h; an RNN's h_prev, h), v left out."""
    return tuple(k for k in trace.layers[0].FRAME_FIELDS if k != "v")


def trace_table(trace: Trace, layer: int, vocabulary: str) -> pd.DataFrame:
    """One row per (t, unit) of ``layer``, one column per quantity, headed by its symbol in ``vocabulary``
    (``notation.short``; ``table_help`` gives the words): the rows of ``trace.to_frame()`` for this layer,
    pivoted, no new numbers.

    Built from the layer's (T, H) arrays, not by pivoting ``to_frame()``: that tidy frame of every layer
    took 4.5 s and 169 MiB at its peak for 3 layers × 32 units × 2,000 steps, where this takes 0.11 s and
    10 MiB, 6.5 MiB kept (docs/serving.md, "Memory")."""
    check_args(trace, 0, vocabulary, layer, 0)
    lt = trace.layers[layer]
    T, H = lt.h.shape
    columns = {"t": np.repeat(np.arange(T), H), "unit": np.tile(np.arange(H), T)}
    for k in table_keys(trace):
        columns[notation.short(k, vocabulary, trace.variant)] = np.asarray(getattr(lt, k)).ravel()
    return pd.DataFrame(columns)


def table_help(trace: Trace, vocabulary: str) -> dict[str, str]:
    """Column heading of ``trace_table`` → the quantity's name and description, for tooltips."""
    return {
        notation.short(k, vocabulary, trace.variant): (
            f"{notation.name(k, vocabulary, trace.variant)}: {notation.description(k, trace.variant)}"
        )
        for k in table_keys(trace)
    }
