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

Every label, hover text and colour comes from ``lstm_core.notation``. Pure Plotly, no Streamlit; the
figure only reads the trace. Each Plotly trace carries ``meta = {"role": ..., ...}`` so tests and other
code can find it without parsing legend text.
"""

from __future__ import annotations

import base64
import functools
import math
import struct
import threading
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lstm_core import cells, notation
from lstm_core.trace import STEP_FIELDS, LayerTrace, Trace
from ui.cell_panels import CellPanels, panels

MAX_FRAMES = 400  # animation frames at most (plus t and the last step); longer sequences skip steps
# On a sequence that skips steps, every step this near the anchor gets a frame too: Next, Previous and the
# keys move one step at a time, so the figure (8.7 MB at 2,000 steps × 32 units) is drawn afresh every
# ~30 steps rather than at every step. 60 frames add ~0.35 MB (~4 %) to that figure.
NEAR_FRAMES = 30
WIDTH_PX = 1400  # the layout is planned for this width; Streamlit stretches it to the container
# How the panels are arranged (``_Plan``): "wide" on a desktop (the three bar panels side by side, then one
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
GHOST_OPACITY = 0.35
MAX_FEATURE_LEGEND = 6  # more input features than fit beside their panel: hover names them instead
MARKER_COLOUR = "#111111"  # the current-step outline: not a quantity, so not in the notation table
SCALE_MID = "#ffffff"
FONT = dict(size=13, color="#222222")
TITLE_FONT = dict(size=14, color="#222222")
SUB = '<br><span style="font-size:12px;color:#555555">'  # a title's second, smaller line

# What a frame updates: the ``meta["role"]`` of every trace that depends on t (the last traces of the figure).
DYNAMIC_ROLES = ("c_prev", "c", "h_prev", "h", "kept", "written", "c_tick", "h_tick", "t_marker", "t_dots")


def gate_keys(variant: str) -> tuple[str, ...]:
    """The gate heatmaps of a variant (``ui.cell_panels``): f, i, g, o and u for udacity (its U_t has its
    own weights); r, z, n for the GRU; h for the RNN, which has no gates."""
    return panels(variant).gates


def line_keys(variant: str) -> tuple[str, ...]:
    """The quantities of the one-unit panel."""
    return panels(variant).lines


def frame_steps(
    T: int, t: int, max_frames: int = MAX_FRAMES, near: int = NEAR_FRAMES
) -> tuple[list[int], int]:
    """The steps that get an animation frame, and the stride between them.

    Every step when T ≤ max_frames; else every ``ceil(T / max_frames)``-th step, plus t (so the slider
    can sit on it), the last step and every step at most ``near`` from t (so stepping one at a time
    stays on this figure). ``near=0`` gives the steps Play shows: an even stride.
    """
    if max_frames < 1:
        raise ValueError(f"max_frames must be at least 1; got {max_frames}")
    if near < 0:
        raise ValueError(f"near must be at least 0; got {near}")
    stride = max(1, math.ceil(T / max_frames))
    around = range(max(0, t - near), min(T, t + near + 1)) if stride > 1 else ()
    return sorted(set(range(0, T, stride)) | {t, T - 1} | set(around)), stride


def has_frame(T: int, drawn_at: int, t: int, max_frames: int = MAX_FRAMES) -> bool:
    """Whether the figure of a T-step sequence drawn at step ``drawn_at`` carries a frame for step t."""
    return t in frame_steps(T, drawn_at, max_frames)[0]


def _check(trace: Trace, t, vocabulary: str, layer, unit) -> tuple[int, int, int]:
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


def _padded(lo: float, hi: float, pad: float = 0.08) -> list[float]:
    lo, hi = float(lo), float(hi)
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    span = hi - lo
    return [lo - pad * span, hi + pad * span]


def colour_scale(key: str) -> tuple[list, float, float]:
    """A colour scale ending in the quantity's colour: white → colour on [0, 1] for gates; for the rest
    (g, u, n and an RNN's h, all tanh outputs) vermillion → white → colour on [-1, 1], blue at -1 for h,
    whose own colour is vermillion (both ends alike would hide the sign). Fixed ranges: a colour means
    the same value at every step and in every run."""
    colour = notation.colour(key)
    if notation.quantity(key).kind != "gate":
        vermillion = notation.OKABE_ITO["vermillion"]
        negative = notation.OKABE_ITO["blue"] if colour == vermillion else vermillion
        return [[0.0, negative], [0.5, SCALE_MID], [1.0, colour]], -1.0, 1.0
    return [[0.0, SCALE_MID], [1.0, colour]], 0.0, 1.0


class _Names:
    """Labels of one figure: every word comes from the notation table."""

    def __init__(self, vocabulary: str, variant: str):
        self.vocabulary, self.variant = vocabulary, variant

    def name(self, key: str) -> str:
        return notation.name(key, self.vocabulary, self.variant)

    def html(self, key: str) -> str:
        return notation.html(key, self.vocabulary, self.variant)

    def short(self, key: str) -> str:
        return notation.short(key, self.vocabulary, self.variant)

    def title(self, key: str) -> str:
        return notation.title(key, self.vocabulary, self.variant)


class _Plan:
    """Where every panel goes in one arrangement (``ARRANGEMENTS``): axis names, x and y domains (paper
    fractions), the figure's height and margins.

    A panel is named by its (row, col) in the "wide" arrangement: (1, k) the k-th of the ``n_top`` bar
    panels (``_top_panels``: an LSTM's c, h, kept + written); (r, 1) for r = 2…n_rows-2 the gate heatmaps,
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
            items += [([x], 110, 48), ([unit], 150, 66)]
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


def stepping_figure(
    trace: Trace,
    t: int,
    vocabulary: str,
    layer: int = 0,
    unit: int = 0,
    feature_names: Sequence[str] | None = None,
    max_frames: int = MAX_FRAMES,
    arrangement: str = "wide",
) -> go.Figure:
    """Every linked view of one layer at step t, with a Plotly animation frame per step (see module doc).

    t: the step shown first, 0 ≤ t < T. layer: which layer, 0 = bottom. unit: the unit of the line panel.
    feature_names: names of the input features for layer 0 (default "x[0]", ... in the vocabulary);
        upper layers read the layer below's h, and are labelled so.
    max_frames: at most this many evenly spaced animation frames (plus t and the last step).
    arrangement: how the panels are laid out for the screen (``ARRANGEMENTS``: "wide", "column" on a
        phone, "present" on a projector).
    Raises ValueError for an out-of-range t, layer or unit, or an unknown vocabulary or arrangement.

    The validated graph object of ``stepping_spec``: Plotly checks every property of the dict here.
    """
    return go.Figure(stepping_spec(trace, t, vocabulary, layer, unit, feature_names, max_frames, arrangement))


def stepping_spec(
    trace: Trace,
    t: int,
    vocabulary: str,
    layer: int = 0,
    unit: int = 0,
    feature_names: Sequence[str] | None = None,
    max_frames: int = MAX_FRAMES,
    arrangement: str = "wide",
) -> dict:
    """``stepping_figure`` as a plain dict {"data", "layout", "frames"} of lists, strings and numbers,
    ready for JSON (arguments and errors as there)."""
    _check(trace, t, vocabulary, layer, unit)
    return SteppingParts(trace, vocabulary, layer, feature_names, max_frames, arrangement).spec(t, unit)


class SteppingParts:
    """The parts of the stepping figure that do not depend on t, built once as plain dicts.

    Built per (trace, vocabulary, layer, feature names); the parts of each unit of the line panel (its
    lines, its title, the animation frames, whose dots follow that unit) are built on first use and
    kept for the last ``UNITS_KEPT`` units. ``spec(t, unit)`` adds what depends on t: the dynamic
    traces (the same dicts as the frame of t, plus their static properties) and the frames (t is one of
    them). Parts are never changed once built: ``spec`` returns new top-level containers that
    share them, so one instance can serve many reruns and sessions at once.
    """

    UNITS_KEPT = 8

    def __init__(
        self,
        trace: Trace,
        vocabulary: str,
        layer: int = 0,
        feature_names: Sequence[str] | None = None,
        max_frames: int = MAX_FRAMES,
        arrangement: str = "wide",
    ):
        _, layer, _ = _check(trace, 0, vocabulary, layer, 0)
        if max_frames < 1:
            raise ValueError(f"max_frames must be at least 1; got {max_frames}")
        self.lt = lt = trace.layers[layer]
        self.T, self.H = lt.T, lt.hidden_size
        self.max_frames = max_frames
        self.names = _Names(vocabulary, trace.variant)
        self.panels = cell = panels(trace.variant)
        self.gates = cell.gates
        self.n_rows = len(self.gates) + 3
        self.plan = plan = _Plan(arrangement, self.n_rows, len(_top_panels(cell)))
        self.features = _feature_names(lt, layer, self.names, feature_names)
        self.ranges = _ranges(lt, cell)
        self.grid_steps, _ = frame_steps(self.T, 0, max_frames)
        self._units: dict[int, dict] = {}
        self._lock = threading.Lock()

        # Static traces first, then the dynamic ones (DYNAMIC_ROLES): a frame's ``traces`` are the last
        # indices of the figure's data.
        self.static = [
            *_heatmaps(lt, self.names, self.gates, plan),
            *_input_lines(lt, self.features, plan),
        ]
        n_static = len(self.static) + len(cell.lines)
        self.dynamic_indices = list(range(n_static, n_static + len(self._dynamic(0, 0))))
        self.titles = _titles(plan, self.names, trace, layer, cell, self.features)
        self.layout = {
            "template": _template(),
            **_axes(plan, self.ranges, self.T, self.H, _top_panels(cell)),
            "images": _images(lt, self.gates, plan),
            **_legends(plan),
            "height": plan.height,
            "margin": plan.margin,
            "barmode": "overlay",
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "#ffffff",
            "font": FONT,
            "hoverlabel": {"font": {"size": 13}},
            # A projector's figure has no room for its title: the page shows ``heading`` instead.
            "title": {} if arrangement == "present" else _figure_title(heading(trace, layer), arrangement),
        }

    def spec(self, t: int, unit: int = 0) -> dict:
        """The whole figure at step t (0 ≤ t < T) with ``unit`` on the line panel: {"data", "layout",
        "frames"}."""
        t, unit = _whole("t", t, self.T), _whole("unit", unit, self.H)
        per_unit = self._unit(unit)
        steps, _ = frame_steps(self.T, t, self.max_frames)
        data = self.static + per_unit["lines"] + [trace for trace, _ in self._dynamic(t, unit)]
        layout = dict(self.layout, annotations=[*self.titles, per_unit["title"]])
        frames = [per_unit["frames"].get(s) or self._frame(s, unit) for s in steps]
        return {"data": data, "layout": layout, "frames": frames}

    def _unit(self, unit: int) -> dict:
        """The parts of one unit: its lines, its panel title and the frames of the steps on the grid."""
        with self._lock:  # sessions share this object: one thread at a time edits the memo
            parts = self._units.get(unit)
        if parts is None:
            parts = {
                "lines": _unit_lines(self.lt, self.names, self.panels, unit, self.plan),
                "title": _unit_title(self.plan, unit),
                "frames": {s: self._frame(s, unit) for s in self.grid_steps},
            }
            with self._lock:
                while len(self._units) >= self.UNITS_KEPT:  # the oldest first: dicts keep insertion order
                    del self._units[next(iter(self._units))]
                self._units[unit] = parts
        return parts

    def _frame(self, s: int, unit: int) -> dict:
        data = [trace for trace, _ in self._dynamic(s, unit, frame=True)]
        return {"name": str(s), "data": data, "traces": self.dynamic_indices}

    def _dynamic(self, t: int, unit: int, frame: bool = False) -> list[tuple[dict, tuple[int, int]]]:
        """The traces that depend on t, each with its (row, col); ``frame=True`` leaves out what never
        changes. Both the figure's state at t and every animation frame come from here, so they cannot
        disagree."""
        traces = _dynamic(
            self.lt, t, self.names, self.features, unit, self.ranges, self.panels, self.n_rows, frame
        )
        if not frame:
            for trace, (row, col) in traces:
                trace["xaxis"], trace["yaxis"] = self.plan.ref(row, col)
        return traces


def heading(trace: Trace, layer: int, bold: str = "<b>{}</b>") -> str:
    """The figure's title: which cell, which layer, how many steps and units (``bold`` wraps the
    variant: Plotly's <b> by default, "**{}**" for Markdown)."""
    return (
        f"{bold.format(trace.variant)} cell, layer {layer + 1} of {trace.num_layers}: "
        f"{trace.T} steps × {trace.hidden_size} units"
    )


def _figure_title(text: str, arrangement: str) -> dict:
    if arrangement == "column":  # a phone's width holds half of it on a line
        text = text.replace(": ", ":<br>", 1)
    return {
        "text": text,
        "x": 0.0,
        "xanchor": "left",
        "y": 1.0,
        "yanchor": "top",
        "yref": "container",
        "pad": {"t": 12, "l": 8},
        "font": {"size": 16},
    }


def _whole(name: str, value, size: int) -> int:
    """value as an int in 0..size-1, or a ValueError worded as ``_check``'s."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    if not 0 <= value < size:
        what = f"step t = {value}" if name == "t" else f"{name} {value}"
        raise ValueError(f"{what} is outside 0..{size - 1}")
    return int(value)


def _top_panels(cell: CellPanels) -> tuple[str, ...]:
    """The first row's panels, named by the state each shows: one per state, then the split's new state
    (an LSTM: c, h, c; a GRU: h, h; an RNN: h)."""
    return (*cell.states, *cell.split[:1]) if cell.split else cell.states


@functools.lru_cache(maxsize=1)
def _template() -> dict:
    """The default Plotly template, as ``go.Figure()`` would carry it (colours of hover boxes, margins
    of axis titles ...): a plain-dict figure gets the same look."""
    return go.Figure().to_plotly_json()["layout"]["template"]


def _dynamic(lt, t, names: _Names, features, unit, ranges, cell: CellPanels, n_rows, frame=False):
    """The traces that depend on t as plain dicts, each with its (row, col); ``frame=True`` leaves out
    what never changes."""
    units = list(range(lt.hidden_size))
    full = not frame
    out = []

    def add(spec: dict, row: int, col: int, **static) -> None:
        if full:
            spec.update(static)
        out.append((spec, (row, col)))

    def bar(key, values, width, opacity, col, offset=None, base=None):
        spec = dict(type="bar", y=values.tolist())
        if base is None:
            spec["hovertemplate"] = f"{names.html(key)} = %{{y:.4g}}<br>unit %{{x}}, t = {t}<extra></extra>"
        else:  # with a base, Plotly's %{y} is the bar's top: show the value itself from customdata
            spec.update(
                base=base.tolist(),
                customdata=values.tolist(),
                hovertemplate=(
                    f"{names.html(key)} = %{{customdata:.4g}}<br>unit %{{x}}, t = {t}<extra></extra>"
                ),
            )
        extra = {} if offset is None else {"offset": offset}
        add(
            spec,
            1,
            col,
            x=units,
            name=names.title(key),
            width=width,
            opacity=opacity,
            marker=dict(color=notation.colour(key), line=dict(width=0)),
            showlegend=False,  # the panel titles name the bars, in their colours
            meta={"role": key},
            **extra,
        )

    for col, key in enumerate(cell.states, start=1):  # each state, the previous step's behind it
        bar(f"{key}_prev", getattr(lt, f"{key}_prev")[t], 0.8, GHOST_OPACITY, col)
        bar(key, getattr(lt, key)[t], 0.5, 1.0, col)
    if cell.split:  # the new state as kept + written, a waterfall per unit with the state as a tick
        total, kept, written = cell.split
        col = len(cell.states) + 1
        bar(kept, getattr(lt, kept)[t], 0.4, 1.0, col, offset=-0.4)
        bar(written, getattr(lt, written)[t], 0.4, 1.0, col, offset=0.0, base=getattr(lt, kept)[t])
        add(
            dict(
                type="scatter",
                y=getattr(lt, total)[t].tolist(),
                hovertemplate=f"{names.html(total)} = %{{y:.4g}}<br>unit %{{x}}, t = {t}<extra></extra>",
            ),
            1,
            col,
            x=units,
            mode="markers",
            marker=dict(
                symbol="line-ew",
                size=int(np.clip(300 / lt.hidden_size, 8, 34)),
                line=dict(width=3, color=notation.colour(total)),
            ),
            name=names.title(total),
            showlegend=False,
            meta={"role": f"{total}_tick"},
        )

    # The current step outlined on every gate heatmap.
    H = lt.hidden_size
    for r, key in enumerate(cell.gates, start=2):
        add(
            dict(type="scatter", x=[t - 0.5, t + 0.5, t + 0.5, t - 0.5, t - 0.5]),
            r,
            1,
            y=[-0.5, -0.5, H - 0.5, H - 0.5, -0.5],
            mode="lines",
            line=dict(color=MARKER_COLOUR, width=2),
            hoverinfo="skip",
            showlegend=False,
            meta={"role": "t_marker", "panel": key},
        )

    # The input and one-unit panels: a dotted vertical line at t and a dot on each curve.
    keys = cell.lines
    for row, panel, values, labels, colours, ylim, who in (
        (
            n_rows - 1,
            "x",
            lt.x[t].tolist(),
            features,
            [notation.colour("x")] * len(features),
            ranges["x"],
            "",
        ),
        (
            n_rows,
            "unit",
            [float(getattr(lt, k)[t, unit]) for k in keys],
            [names.html(k) for k in keys],
            [notation.colour(k) for k in keys],
            ranges["unit"],
            f"unit {unit}, ",
        ),
    ):
        add(
            dict(type="scatter", x=[t, t]),
            row,
            1,
            y=ylim,
            mode="lines",
            line=dict(color=MARKER_COLOUR, width=1.5, dash="dot"),
            hoverinfo="skip",
            showlegend=False,
            meta={"role": "t_marker", "panel": panel},
        )
        add(
            dict(
                type="scatter",
                x=[t] * len(values),
                y=values,
                hovertemplate=f"%{{text}} = %{{y:.4g}}<br>{who}t = {t}<extra></extra>",
            ),
            row,
            1,
            mode="markers",
            text=labels,
            marker=dict(size=9, color=colours, line=dict(width=1, color="#ffffff")),
            showlegend=False,
            meta={"role": "t_dots", "panel": panel},
        )
    return out


def _heatmaps(lt: LayerTrace, names: _Names, gates, plan: _Plan) -> list[dict]:
    T, H = lt.T, lt.hidden_size
    out = []
    wide = plan.arrangement == "wide"
    for r, key in enumerate(gates, start=2):
        scale, zmin, zmax = colour_scale(key)
        lo, hi = plan.y_domains[r, 1]
        x_ref, y_ref = plan.ref(r, 1)
        out.append(
            dict(
                type="heatmap",
                z=getattr(lt, key).T.tolist(),  # units × time
                x=list(range(T)),
                y=list(range(H)),
                zmin=zmin,
                zmax=zmax,
                colorscale=scale,
                name=names.title(key),
                hovertemplate=f"{names.html(key)} = %{{z:.4g}}<br>unit %{{y}}, t = %{{x}}<extra></extra>",
                colorbar=dict(
                    x=1.005,
                    xanchor="left",
                    y=(lo + hi) / 2,
                    yanchor="middle",
                    len=(hi - lo) * 1.15,
                    thickness=10,
                    # A short panel has room for two tick labels, not three.
                    tickvals=[zmin, (zmin + zmax) / 2, zmax] if wide else [zmin, zmax],
                    tickfont=dict(size=11),
                    outlinewidth=0,
                ),
                meta={"role": "heatmap", "key": key},
                xaxis=x_ref,
                yaxis=y_ref,
            )
        )
    return out


def _images(lt: LayerTrace, gates, plan: _Plan) -> list[dict]:
    """Each heatmap again as a layout image underneath: Plotly's client-side animation (redraw=False,
    the only fast kind) removes heatmap traces from the screen (plotly.js #4491, plotly.py #2151) while
    their hover keeps working; the image stays, so the panel looks the same during Play."""
    out = []
    for r, key in enumerate(gates, start=2):
        scale, zmin, zmax = colour_scale(key)
        x_ref, y_ref = plan.ref(r, 1)
        out.append(
            dict(
                source=_png_data_uri(_colour_mapped(getattr(lt, key).T, scale, zmin, zmax)),
                xref=x_ref,
                yref=y_ref,
                x=-0.5,
                y=-0.5,
                sizex=lt.T,
                sizey=lt.hidden_size,
                xanchor="left",
                yanchor="top",
                sizing="stretch",
                layer="below",
                name=f"heatmap:{key}",
            )
        )
    return out


def _input_lines(lt: LayerTrace, features, plan: _Plan) -> list[dict]:
    ref = plan.ref(plan.n_rows - 1, 1)
    # Beside the panel only in "wide": elsewhere there is no room, and hover names the lines.
    legend = plan.arrangement == "wide" and len(features) <= MAX_FEATURE_LEGEND
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    steps = list(range(lt.T))
    return [
        dict(
            type="scatter",
            x=steps,
            y=lt.x[:, j].tolist(),
            mode="lines",
            name=label,
            line=dict(color=notation.colour("x"), width=2, dash=dashes[j % len(dashes)]),
            hovertemplate=f"{label} = %{{y:.4g}}<br>t = %{{x}}<extra></extra>",
            legend="legend2",
            showlegend=legend,
            meta={"role": "input", "feature": j},
            xaxis=ref[0],
            yaxis=ref[1],
        )
        for j, label in enumerate(features)
    ]


def _unit_lines(lt: LayerTrace, names: _Names, cell: CellPanels, unit: int, plan: _Plan) -> list[dict]:
    ref = plan.ref(plan.n_rows, 1)
    steps = list(range(lt.T))
    states = cell.states
    return [
        dict(
            type="scatter",
            x=steps,
            y=getattr(lt, key)[:, unit].tolist(),
            mode="lines",
            # A projector's legend has room for the symbols only.
            name=names.html(key) if plan.arrangement == "present" else names.title(key),
            line=dict(color=notation.colour(key), width=3.2 if key in states else 1.8),
            hovertemplate=f"{names.html(key)} = %{{y:.4g}}<br>unit {unit}, t = %{{x}}<extra></extra>",
            legend="legend3",
            meta={"role": "unit_line", "key": key, "unit": unit},
            xaxis=ref[0],
            yaxis=ref[1],
        )
        for key in cell.lines
    ]


def _axes(plan: _Plan, ranges, T: int, H: int, top: Sequence[str]) -> dict[str, dict]:
    """Every axis of the layout: where the plan puts it, and how it looks."""
    common = dict(showline=True, linecolor="#bbbbbb", gridcolor="#eeeeee")
    axes: dict[str, dict] = {}
    n_rows, wide = plan.n_rows, plan.arrangement == "wide"

    def axis(row: int, col: int, letter: str, **props) -> None:
        name = plan.name(row, col, letter)
        axes[name] = dict(plan.anchors[name], **common, **props)

    unit_ticks = dict(tickmode="linear", tick0=0, dtick=1) if H <= 16 else {}
    # A bar panel's "unit" axis title: where its panel is tall enough to spare the line ("present": not).
    unit_title = {} if plan.arrangement == "present" else dict(title=dict(text="unit", standoff=4))
    for col, key in enumerate(top, start=1):
        # Stacked bar panels (not "wide") share the units' positions: labelled under the last one only.
        labelled = wide or col == len(top)
        shown = {**unit_title, **unit_ticks} if labelled else dict(showticklabels=False, ticks="")
        axis(1, col, "x", range=[-0.6, H - 0.4], zeroline=False, **shown)
        axis(
            1,
            col,
            "y",
            range=ranges[key],
            zeroline=True,
            zerolinecolor="#888888",
            **({} if wide else dict(nticks=3)),
        )
    # Every time panel shares the first heatmap's x axis: zooming one zooms them all.
    anchor = plan.ref(2, 1)[0]
    if wide:
        heat_ticks = dict(tickmode="linear", tick0=0, dtick=1) if H <= 5 else dict(nticks=4)
    else:  # a short heatmap: its first and last unit
        heat_ticks = dict(tickmode="array", tickvals=sorted({0, H - 1}))
    # Time tick labels: under the last three panels on a desktop; elsewhere, where titles leave no room
    # for them, under the input and the unit panels only.
    ticked = range(n_rows - 2, n_rows + 1) if wide else (n_rows - 1, n_rows)
    for r in range(2, n_rows + 1):
        time_axis = dict(range=[-0.5, T - 0.5], zeroline=False, showticklabels=r in ticked)
        if not wide and r not in ticked:
            time_axis["ticks"] = ""  # tick marks without labels would poke into the next title
        if r > 2:
            time_axis["matches"] = anchor
        if r >= n_rows - 1:
            time_axis["title"] = dict(text="time step t", standoff=4)
        else:
            time_axis["showgrid"] = False  # no grid lines across the heatmaps
        axis(r, 1, "x", **time_axis)
        if r < n_rows - 1:
            heat_title = dict(title=dict(text="unit", standoff=2)) if wide else {}
            axis(r, 1, "y", range=[H - 0.5, -0.5], showgrid=False, zeroline=False, **heat_title, **heat_ticks)
    few = {} if wide else dict(nticks=3)
    axis(n_rows - 1, 1, "y", range=ranges["x"], **few)
    axis(n_rows, 1, "y", range=ranges["unit"], zeroline=True, zerolinecolor="#888888", **few)
    return axes


def _titles(plan: _Plan, names: _Names, trace: Trace, layer, cell: CellPanels, features) -> list[dict]:
    """Each panel's title but the line panel's (``_unit_title``), as annotations. A phone's column is
    narrow: a second line there breaks at its "; ". A projector's is short: titles there are one line."""
    n = names

    def coloured(text: str, key: str) -> str:
        return f'<b><span style="color:{notation.colour(key)}">{text}</span></b>'

    def sub(text: str) -> str:
        if plan.arrangement == "present":
            return ""
        if plan.arrangement == "column":
            text = text.replace("; ", ";<br>")
        return f"{SUB}{text}</span>"

    titles = [
        ((1, col), coloured(n.title(key), key) + sub(f"faint bars: {n.html(key + '_prev')}"))
        for col, key in enumerate(cell.states, start=1)
    ]
    if cell.split:
        total, kept, written = cell.split
        titles.append(
            (
                (1, len(cell.states) + 1),
                f"{coloured(n.html(total), total)} = {coloured(n.html(kept), kept)} + "
                f"{coloured(n.html(written), written)}"
                + sub(f"{n.name(kept)}, then {n.name(written)}; the tick is {n.html(total)}"),
            )
        )
    for r, key in enumerate(cell.gates, start=2):
        text = f"{n.title(key)}: units × time"
        if key in cells.get(trace.variant).fixed:
            text += f" (≡ 1: the {trace.variant} cell has no {n.name('f')})"
        titles.append(((r, 1), text))
    x_title = n.title("x") if layer == 0 else f"{n.title('x')} = {n.html('h')} of layer {layer}"
    named = plan.arrangement == "wide" and len(features) <= MAX_FEATURE_LEGEND
    if plan.arrangement == "column":
        more = "" if named else sub("every feature; hover a line for its name")
        titles.append(((plan.n_rows - 1, 1), f"{x_title}{more}"))
    else:
        more = "" if named else "; hover a line for its name"
        titles.append(((plan.n_rows - 1, 1), f"{x_title}, every feature{more}"))
    return [_title(plan.x_domains[p][0], plan.y_domains[p][1], text) for p, text in titles]


def _unit_title(plan: _Plan, unit: int) -> dict:
    p = (plan.n_rows, 1)
    return _title(plan.x_domains[p][0], plan.y_domains[p][1], f"unit {unit} over time")


def _title(x0: float, y: float, text: str) -> dict:
    """A panel title: an annotation just above the panel's top left corner (paper coordinates)."""
    return dict(
        text=text,
        x=x0,
        xanchor="left",
        xref="paper",
        y=y,
        yanchor="bottom",
        yref="paper",
        yshift=3,
        showarrow=False,
        align="left",
        font=TITLE_FONT,
    )


def _legends(plan: _Plan) -> dict:
    """The input's legend and the unit's: beside their panels, or on a phone, the unit's below its panel
    (there is no room beside it), in rows."""
    common = dict(
        x=1.01, xanchor="left", yanchor="top", font=dict(size=11), tracegroupgap=2, bgcolor="rgba(0,0,0,0)"
    )
    x_top, unit = plan.y_domains[plan.n_rows - 1, 1][1], plan.y_domains[plan.n_rows, 1]
    if plan.arrangement == "column":  # under the time axis's tick labels and title
        below = dict(common, orientation="h", x=0, xanchor="left", y=unit[0] - 62 / plan.plot_px)
        return dict(legend2=dict(common, y=x_top), legend3=below)
    if plan.arrangement == "present":  # from the unit's title down, closely packed
        return dict(
            legend2=dict(common, y=x_top),
            legend3=dict(common, y=unit[1] + 28 / plan.plot_px, tracegroupgap=0),
        )
    return dict(legend2=dict(common, y=x_top), legend3=dict(common, y=unit[1]))


def _feature_names(lt: LayerTrace, layer: int, names: _Names, given: Sequence[str] | None) -> list[str]:
    n_features = lt.x.shape[1]
    if layer > 0:  # an upper layer reads the layer below's output
        return [f"{names.html('h')}[{j}] of layer {layer}" for j in range(n_features)]
    if given is not None:
        if len(given) != n_features:
            raise ValueError(f"{len(given)} feature names for {n_features} input features")
        return [str(n) for n in given]
    return [f"{names.short('x')}[{j}]" for j in range(n_features)]


def _ranges(lt: LayerTrace, cell: CellPanels) -> dict[str, list[float]]:
    """Fixed axis ranges over the whole sequence, so bars move against a still scale when animated: one
    per state, wide enough for its previous values and, for the split's state, its two parts."""
    out = {}
    for key in cell.states:
        fields = [key, f"{key}_prev", *(cell.split[1:] if cell.split and cell.split[0] == key else ())]
        largest = max(1.0, *(float(np.abs(getattr(lt, f)).max()) for f in fields))
        out[key] = [-1.08 * largest, 1.08 * largest]
    unit_values = np.concatenate([*(getattr(lt, k).ravel() for k in cell.states), [-1.0, 1.0]])
    return out | {
        "x": _padded(lt.x.min(), lt.x.max()),
        "unit": _padded(unit_values.min(), unit_values.max(), 0.05),
    }


def _colour_mapped(z: np.ndarray, scale, zmin: float, zmax: float) -> np.ndarray:
    """(rows, cols, 3) uint8 RGB of z through a Plotly colour scale (linear in RGB, as Plotly does),
    each cell repeated so the picture is about as many pixels as the panel: sharp cell edges."""
    positions = [p for p, _ in scale]
    rgb = [[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, c in scale]
    where = (np.clip(z, zmin, zmax) - zmin) / (zmax - zmin)
    channels = [np.interp(where, positions, [c[k] for c in rgb]) for k in range(3)]
    image = np.rint(np.stack(channels, axis=-1)).astype(np.uint8)
    rows, cols = z.shape
    plot_width = WIDTH_PX - MARGIN["l"] - MARGIN["r"]
    image = np.repeat(image, max(1, math.ceil(ROW_PX["heat"] / rows)), axis=0)
    return np.repeat(image, max(1, math.ceil(plot_width / cols)), axis=1)


def _png_data_uri(rgb: np.ndarray) -> str:
    """An RGB uint8 array as a PNG data URI (standard library only)."""
    height, width, _ = rgb.shape
    rows = np.hstack([np.zeros((height, 1), np.uint8), rgb.reshape(height, width * 3)])  # filter byte 0

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


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
    _check(trace, 0, vocabulary, layer, 0)
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
