"""The registry of cells: adding a cell is one module in this package and one entry here (docs/design.md §2).

Order matters: the sidebar lists the LSTM cells in this order, and ``lstm_core.VARIANTS`` is theirs.
"""

from __future__ import annotations

from . import gru, no_forget, peephole, rnn, standard, udacity
from .base import CellSpec

REGISTRY: dict[str, CellSpec] = {
    m.SPEC.name: m.SPEC for m in (standard, udacity, no_forget, peephole, gru, rnn)
}
