"""Which panels each cell has on the pages that show one, read from the cell table (``lstm_core.cells``).

A page or figure asks ``panels(variant)`` what to draw and never tests the variant's name: the gate
heatmaps (the spec's ``shown`` gates; the RNN, which has none, shows its one weighted block, h), the state
bars (c and h when the cell's trace has a c; h alone for a GRU or an RNN, which have no cell state), the
split of the new state into what was kept and what was written (an LSTM's c_t = f ⊙ c_{t-1} + i ⊙ g, a
GRU's h_t = z ⊙ h_{t-1} + (1 − z) ⊙ n: whenever the trace has kept and written; none for the RNN), and the
lines of the one-unit panel. Keys are the notation table's and name fields of the cell's layer trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_core import cells

# The LSTM gates by squashing function, in the order their rows stand on Compare variants: a cell that is
# no LSTM puts its σ gates in the rows of i, f, o in turn and its tanh block in g's (the GRU's r, z, n
# beside i, f, g; the RNN's h beside g), so each sits beside a quantity of the same range.
LSTM_ROWS = {r"\sigma": ("i", "f", "o"), r"\tanh": ("g",)}


@dataclass(frozen=True)
class CellPanels:
    """What one cell shows.

    gates: the heatmaps, units × time, top to bottom.
    states: the bar panels of the state after each step, each with the previous step's behind it.
    split: (new state, kept part, written part), the new state as the sum of its two parts; None for a
        cell whose state is not such a sum.
    like: for a cell that is no LSTM, the LSTM gate beside which each of its gates is drawn
        (``LSTM_ROWS``); empty for an LSTM, whose gates are the rows.
    """

    gates: tuple[str, ...]
    states: tuple[str, ...]
    split: tuple[str, str, str] | None
    like: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        """The quantities of the one-unit panel: the gates, then the states not already among them."""
        return tuple(dict.fromkeys((*self.gates, *self.states)))

    @property
    def has_cell_state(self) -> bool:
        return "c" in self.states


def panels(variant: str) -> CellPanels:
    """The panels of ``variant``, a cell of ``lstm_core.cells.REGISTRY`` (a ValueError otherwise)."""
    spec = cells.get(variant)
    gates = spec.shown or spec.weighted
    states = ("c", "h") if "c" in spec.fields else ("h",)
    split = (states[0], "kept", "written") if {"kept", "written"} <= set(spec.fields) else None
    like = () if spec.family == "lstm" else _beside_lstm_rows(spec, gates)
    return CellPanels(gates, states, split, like)


def _beside_lstm_rows(spec: cells.CellSpec, gates: tuple[str, ...]) -> tuple[str, ...]:
    activation = {eq.key: eq.activation for eq in spec.equations}
    free = {fn: list(rows) for fn, rows in LSTM_ROWS.items()}
    return tuple(free[activation[g]].pop(0) for g in gates)
