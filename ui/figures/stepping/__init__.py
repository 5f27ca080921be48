"""Step through time: one Plotly figure whose panels all follow the current step t.

``stepping_figure(trace, t, vocabulary, layer, unit)`` draws, for one layer of a Trace (an LSTM's, or a
GRU's or RNN's ``CellTrace``), the panels its cell has (``ui.cell_panels``: one table, no per-cell code):

- row 1: the states as bars per unit — an LSTM's long-term memory c_t and short-term memory h_t, a GRU's
  or RNN's h_t alone — the previous step (c_{t-1}, h_{t-1}) as wider faint "ghost" bars behind them; and
  the split of the new state into what was kept and what was written (an LSTM's c_t = f ⊙ c_{t-1} + i ⊙ g,
  a GRU's h_t = z ⊙ h_{t-1} + (1 − z) ⊙ n; the RNN has none), drawn as a small waterfall per unit (kept
  from 0, written starting where kept ends) with the state marked by a horizontal tick;
- one heatmap units × time per gate: f, i, g, o and, for the udacity cell, u (its U_t has its own
  weights); r, z, n for the GRU; h for the gateless RNN; with the current step outlined; gates on a
  fixed [0, 1] colour range, g, u, n and h on [-1, 1];
- the layer's input over time, every feature as a line, current step marked;
- one unit's gates and states over time, current step marked.

The figure carries a Plotly animation frame per step (every ``ceil(T / max_frames)``-th step for long
sequences, always including t and the last step) and no controls of its own: the page's step player
(``ui.components.step_player``, through ``ui.follow_step``) shows a frame as it steps and plays, in the
browser with no server round trip. A frame updates only the traces that depend on t
(``DYNAMIC_ROLES``): the bars, the state ticks and the current-step markers, with ``redraw=False`` (fast).
Such an animation wipes heatmap traces off the screen (a plotly.js limitation), so each heatmap also lies
underneath as a layout image of the same colours; the trace stays for its hover and colour bar.

Speed: ``SteppingParts`` builds everything that does not depend on t once — the heatmaps, lines, images,
axes, titles and every animation frame — as plain dicts of lists, strings and numbers;
``SteppingParts.spec(t, unit)`` then adds only the step-dependent traces and controls (well under a
millisecond). The page sends that dict as it is (``ui.figure_cache``), skipping Plotly's validation and
deep copy, and only when the view changes: a Next step shows another frame of the figure already drawn
(``ui.follow_step``). ``stepping_figure`` is ``go.Figure(stepping_spec(...))``, so the tests validate
exactly the dict the page sends. Plain lists, not NumPy arrays, so that specs compare with ``==``.

Every label, hover text and colour comes from ``ui.notation``. Pure Plotly, no Streamlit; the
figure only reads the trace. Each Plotly trace carries ``meta = {"role": ..., ...}`` so tests and other
code can find it without parsing legend text.

One module per job (this package re-exports the names pages and tests import):

- ``figure``: ``stepping_figure`` and ``stepping_spec``, the entry points;
- ``parts``: ``SteppingParts``, the step-independent parts and their thread-locked memo of units;
- ``layout``: ``Plan``, the pixel planner of each arrangement (``ARRANGEMENTS``);
- ``grid``: the axes, panel titles, legends, the figure's title (``heading``) and template;
- ``traces``: the static traces (heatmaps and their images, input and unit lines), ``colour_scale``;
- ``frames``: which steps get a frame (``frame_steps``, ``has_frame``) and the traces a frame updates;
- ``png``: heatmaps as PNG data URIs (standard library only);
- ``tables``: ``trace_table`` and ``table_help``;
- ``checks``: the argument checks and their ValueError wording.
"""

from ui.figures.stepping.figure import stepping_figure, stepping_spec
from ui.figures.stepping.frames import DYNAMIC_ROLES, MAX_FRAMES, NEAR_FRAMES, frame_steps, has_frame
from ui.figures.stepping.grid import heading
from ui.figures.stepping.layout import ARRANGEMENTS, MARGINS, MAX_FEATURE_LEGEND, WIDTH_PX
from ui.figures.stepping.parts import SteppingParts
from ui.figures.stepping.tables import TABLE_KEYS, table_help, table_keys, trace_table
from ui.figures.stepping.traces import colour_scale, gate_keys, line_keys

__all__ = [
    "ARRANGEMENTS",
    "DYNAMIC_ROLES",
    "MARGINS",
    "MAX_FEATURE_LEGEND",
    "MAX_FRAMES",
    "NEAR_FRAMES",
    "TABLE_KEYS",
    "WIDTH_PX",
    "SteppingParts",
    "colour_scale",
    "frame_steps",
    "gate_keys",
    "has_frame",
    "heading",
    "line_keys",
    "stepping_figure",
    "stepping_spec",
    "table_help",
    "table_keys",
    "trace_table",
]
