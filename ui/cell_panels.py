"""Which panels each cell has on the pages that show one, in one table.

A page or figure asks ``panels(variant)`` what to draw and never tests the variant's name: the gate
heatmaps, the state bars (c and h for an LSTM; h alone for a GRU or an RNN, which have no cell state), the
split of the new state into what was kept and what was written (an LSTM's c_t = f ⊙ c_{t-1} + i ⊙ g, a
GRU's h_t = z ⊙ h_{t-1} + (1 − z) ⊙ n; none for the RNN, whose h_t is not a sum) and the lines of the
one-unit panel. Keys are the notation table's (``lstm_core.notation``) and name the fields of the cell's
trace (``lstm_core.trace.LayerTrace``, ``lstm_core.comparison_cells.GRULayerTrace``, ``RNNLayerTrace``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_core import CELL_VARIANTS


@dataclass(frozen=True)
class CellPanels:
    """What one cell shows.

    gates: the heatmaps, units × time, top to bottom (the RNN, which has no gates, shows its h).
    states: the bar panels of the state after each step, each with the previous step's behind it.
    split: (new state, kept part, written part), the new state as the sum of its two parts; None for a
        cell whose state is not such a sum.
    like: for a cell that is no LSTM, the LSTM quantity whose part each of its gates plays, in order (r
        reads in as i lets in, z keeps as f keeps, n is a candidate as g is; the RNN's h is a tanh of its
        inputs as g is), which shares its range: Compare variants draws each gate in that quantity's row.
        Empty for an LSTM, whose gates are the rows.
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


_LSTM = CellPanels(gates=("f", "i", "g", "o"), states=("c", "h"), split=("c", "kept", "written"))
PANELS = {
    "standard": _LSTM,
    "udacity": CellPanels(gates=("f", "i", "g", "o", "u"), states=("c", "h"), split=("c", "kept", "written")),
    "no_forget": _LSTM,  # its f ≡ 1 is drawn, and titled so: the cell has no forget gate to learn
    "peephole": _LSTM,
    "gru": CellPanels(
        gates=("r", "z", "n"), states=("h",), split=("h", "kept", "written"), like=("i", "f", "g")
    ),
    "rnn": CellPanels(gates=("h",), states=("h",), split=None, like=("g",)),
}
assert tuple(PANELS) == CELL_VARIANTS, "one entry per cell the pages can show"


def panels(variant: str) -> CellPanels:
    """The panels of ``variant`` (one of ``lstm_core.CELL_VARIANTS``); a ValueError names the known ones."""
    try:
        return PANELS[variant]
    except KeyError:
        raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(PANELS)}") from None
