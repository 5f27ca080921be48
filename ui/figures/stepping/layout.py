"""The stepping figure's pixel planner: where every panel goes in each arrangement of the screen.

``Plan`` turns an arrangement ("wide", "column", "present") and the number of rows into axis names, x and y
domains (paper fractions), the figure's height and its margins. Pure arithmetic: no trace, no Plotly.
"""

from __future__ import annotations

from ui.cell_panels import CellPanels

WIDTH_PX = 1400  # the layout is planned for this width; Streamlit stretches it to the container
# How the panels are arranged (``Plan``): "wide" on a desktop (the three bar panels side by side, then one
# full-width panel per row); "column" on a phone (every panel full width, one under the other);
# "present" on a projector (two columns, the whole figure about 480 px tall so that it fits under the step
# player at 1280×720 with presenter mode's text, docs/design.md "Screens").
ARRANGEMENTS = ("wide", "column", "present")
# t: the title and the first panels' titles; r: the colour bars and legends. "present" is drawn with the
# presenter's text (ui/presenter.py grows margins by FIGURE_SCALE): these are its margins before that.
MARGINS = {
    "wide": dict(l=64, r=215, t=95, b=55),
    "column": dict(l=46, r=44, t=112, b=150),
    "present": dict(l=48, r=150, t=22, b=40),
}
MARGIN = MARGINS["wide"]
ROW_PX = {"bars": 230, "heat": 80, "x": 140, "unit": 190}
# The gap above each kind of row: room for its title, plus the tick labels of the row above where shown.
GAP_PX = {"heat_after_bars": 72, "heat": 30, "x": 62, "unit": 62}
PRESENT_PLOT_PX = 326  # the plot area of "present"; its heatmaps share what the other panels leave
MAX_FEATURE_LEGEND = 6  # more input features than fit beside their panel: hover names them instead


class Plan:
    """Where every panel goes in one arrangement (``ARRANGEMENTS``): axis names, x and y domains (paper
    fractions), the figure's height and margins.

    A panel is named by its (row, col) in the "wide" arrangement: (1, k) the k-th of the ``n_top`` bar
    panels (``top_panels``: an LSTM's c, h, kept + written); (r, 1) for r = 2…n_rows-2 the gate heatmaps,
    (n_rows-1, 1) the input, (n_rows, 1) the one unit. Axis names are those ``make_subplots`` would give
    that grid (x, x2, x3, x4 …), whatever the arrangement.
    Each arrangement is a list of columns, each a stack of items from the top: (panels side by side,
    height px, gap px above: room for the item's title and the tick labels of the item above).
    """

    def __init__(self, arrangement: str, n_rows: int, n_top: int = 3):
        if arrangement not in ARRANGEMENTS:
            raise ValueError(f"arrangement must be one of {ARRANGEMENTS}; got {arrangement!r}")
        self.arrangement, self.n_rows, self.n_top = arrangement, n_rows, n_top
        self.margin = MARGINS[arrangement]
        panels = [*((1, k) for k in range(1, n_top + 1)), *((r, 1) for r in range(2, n_rows + 1))]
        self.axes = {
            p: (f"xaxis{k if k > 1 else ''}", f"yaxis{k if k > 1 else ''}") for k, p in enumerate(panels, 1)
        }
        self.x_domains: dict[tuple[int, int], list[float]] = {}
        self.y_domains: dict[tuple[int, int], list[float]] = {}
        columns = self._columns()
        self.plot_px = max(sum(px + gap for _, px, gap in items) for _, items in columns)
        for (x0, x1), items in columns:
            top = self.plot_px
            for side_by_side, px, gap in items:
                top -= gap
                width = (x1 - x0 - 0.07 * (len(side_by_side) - 1)) / len(side_by_side)
                for k, panel in enumerate(side_by_side):
                    left = x0 + k * (width + 0.07)
                    self.x_domains[panel] = [left, x1 if k == len(side_by_side) - 1 else left + width]
                    self.y_domains[panel] = [(top - px) / self.plot_px, top / self.plot_px]
                top -= px
        self.height = self.plot_px + self.margin["t"] + self.margin["b"]
        self.anchors: dict[str, dict] = {}
        for panel, (x_name, y_name) in self.axes.items():
            self.anchors[x_name] = {"anchor": y_name.replace("axis", ""), "domain": self.x_domains[panel]}
            self.anchors[y_name] = {"anchor": x_name.replace("axis", ""), "domain": self.y_domains[panel]}

    def _columns(self) -> list[tuple[tuple[float, float], list]]:
        n = self.n_rows
        heat = [(r, 1) for r in range(2, n - 1)]
        bars, x, unit = [(1, k) for k in range(1, self.n_top + 1)], (n - 1, 1), (n, 1)
        if self.arrangement == "wide":
            items = [(bars, ROW_PX["bars"], 0)]
            items += [
                ([p], ROW_PX["heat"], GAP_PX["heat_after_bars" if k == 0 else "heat"])
                for k, p in enumerate(heat)
            ]
            items += [([x], ROW_PX["x"], GAP_PX["x"]), ([unit], ROW_PX["unit"], GAP_PX["unit"])]
            return [((0.0, 1.0), items)]
        if self.arrangement == "column":
            # Bars with tick labels, the "unit" axis title and the next two-line title in between.
            # The bar panels share their units' positions: tick labels under the last of them only.
            items = [([p], 150, 0 if k == 0 else 44) for k, p in enumerate(bars)]
            items[-1] = (items[-1][0], 150, 58 if len(bars) > 1 else 0)
            items += [([p], 70, 74 if k == 0 else 28) for k, p in enumerate(heat)]
            items += [([x], 110, 70), ([unit], 150, 66)]  # the input title: three lines
            return [((0.0, 1.0), items)]
        # present: bars and input on the left, heatmaps and the unit on the right; final pixels.
        left = [([p], 56, 0 if k == 0 else 30) for k, p in enumerate(bars)] + [([x], 44, 54)]
        unit_px, unit_gap, heat_gap = 80, 30, 30
        heat_px = (PRESENT_PLOT_PX - unit_px - unit_gap - heat_gap * (len(heat) - 1)) / len(heat)
        right = [([p], heat_px, 0 if k == 0 else heat_gap) for k, p in enumerate(heat)]
        right.append(([unit], unit_px, unit_gap))
        return [((0.0, 0.43), left), ((0.53, 1.0), right)]

    def name(self, row: int, col: int, letter: str) -> str:
        """The layout key of a panel's axis: "xaxis4", "yaxis" ..."""
        return self.axes[row, col][0 if letter == "x" else 1]

    def ref(self, row: int, col: int) -> tuple[str, str]:
        """A trace's ("x4", "y4") for the panel at (row, col)."""
        x_name, y_name = self.axes[row, col]
        return x_name.replace("axis", ""), y_name.replace("axis", "")


def top_panels(cell: CellPanels) -> tuple[str, ...]:
    """The first row's panels, named by the state each shows: one per state, then the split's new state
    (an LSTM: c, h, c; a GRU: h, h; an RNN: h)."""
    return (*cell.states, *cell.split[:1]) if cell.split else cell.states
