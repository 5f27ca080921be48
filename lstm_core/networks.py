"""The network class of each cell family (``CellSpec.family``, docs/design.md §2): the LSTM's cells run
in ``LSTM``, the GRU in ``GRU``, the RNN in ``RNN``. All three build alike: ``random(I, H, L, seed=…,
variant=…)``, ``from_weights(w, layout, variant=…)``."""

from __future__ import annotations

from . import cells
from .comparison_cells import GRU, RNN
from .network import LSTM

BY_FAMILY = {"lstm": LSTM, "gru": GRU, "rnn": RNN}


def network_class(variant: str) -> type[LSTM] | type[GRU] | type[RNN]:
    """The network that runs the cell ``variant``; a ValueError for a cell the table does not hold."""
    return BY_FAMILY[cells.get(variant).family]
