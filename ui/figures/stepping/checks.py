"""The stepping figure's argument checks: t, layer and unit whole numbers in range, the vocabulary known;
one wording of the ValueError for the figure, its parts and its table."""

from __future__ import annotations

import numpy as np

from lstm_core.trace import Trace
from ui import notation


def check_args(trace: Trace, t, vocabulary: str, layer, unit) -> tuple[int, int, int]:
    notation.names("x", vocabulary)  # a clear ValueError for an unknown vocabulary
    for name, value in (("t", t), ("layer", layer), ("unit", unit)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be a whole number; got {value!r}")
    if not 0 <= layer < trace.num_layers:
        raise ValueError(f"layer {layer} is outside 0..{trace.num_layers - 1}")
    if not 0 <= t < trace.T:
        raise ValueError(f"step t = {t} is outside 0..{trace.T - 1}")
    if not 0 <= unit < trace.hidden_size:
        raise ValueError(f"unit {unit} is outside 0..{trace.hidden_size - 1}")
    return int(t), int(layer), int(unit)


def whole(name: str, value, size: int) -> int:
    """value as an int in 0..size-1, or a ValueError worded as ``check_args``'s."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    if not 0 <= value < size:
        what = f"step t = {value}" if name == "t" else f"{name} {value}"
        raise ValueError(f"{what} is outside 0..{size - 1}")
    return int(value)
