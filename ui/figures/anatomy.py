"""The cell diagram of one step: boxes, junctions and wires, every wire showing the vector it carries.

``anatomy_figure(trace, t, vocabulary, layer=0)`` draws the cell of ``trace.variant`` at step t the way
colah's diagram does — the memory line c along the top, the gates on a row above the input bus, the
output on the right — and lays a strip of small coloured cells on each wire, one cell per unit, so the
learner sees every number flowing through the cell (hover shows the exact value). Labels, symbols and
colours all come from ``lstm_core.notation``. Pure Plotly: no Streamlit, no maths beyond reading the trace.

Each strip is a heatmap trace named after its quantity (``trace.name`` is a notation / Trace key such as
"f" or "c"), with ``customdata`` holding the unit index of every cell; boxes and junctions are layout
shapes named "box:<key>" and "junction:<key>", and their captions annotations of the same name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from lstm_core import notation
from lstm_core.trace import Trace

# The drawing area in data units: 10 px a unit at 1100 × 650 px with the margins below.
WIDTH_PX, HEIGHT_PX = 1100, 650
X_MAX, Y_MAX = 108.0, 60.0
MARGIN = dict(l=10, r=10, t=48, b=2)

CELL_MAX, CELL_MIN = 1.6, 0.9  # cell size in units: as large as fits, never below CELL_MIN
CELL_SPAN = 12.0  # a vector of H units gets cells of CELL_SPAN / H (clamped), the same on every wire

# Geometry (data units). TOP: the memory line; BUS: the [h_{t-1}, x_t] bus under the gate row.
TOP, BUS, BOX_Y, X_IN_Y = 54.0, 7.5, 16.0, 2.0
BOX_W, BOX_H, R = 7.0, 5.0, 2.0
JOIN_X = 18.0  # where h_{t-1} and x_t meet
GATE_X = {"f": 24.0, "i": 40.0, "g": 52.0, "o": 64.0}
KEPT_X, PLUS_X = GATE_X["f"], GATE_X["g"]  # ⊙ of the forget gate, + of the memory update
WRITE_Y = 31.0  # ⊙ of input gate and candidate
OUT_X = 84.0  # the output column: tanh(c) (or Udacity's U) box above ⊙ of the output
U_Y = 36.0
TAP_X_UDACITY, BRIDGE_Y = 46.0, 46.0  # Udacity: where U reads LTM_{t-1} ⊙ f_t, and its wire's height
PEEP_X, PEEP_Y = 20.0, 20.3  # peephole: where c_{t-1} is tapped, and the height of its wire into f and i

WIRE = "#444444"
GRID = "#C8C8C8"  # shows between the cells of a strip
GATE_SCALE = "coloraxis"  # gates: σ outputs in [0, 1]
VALUE_SCALE = "coloraxis2"  # everything else, on one symmetric scale fixed over the whole sequence
VALUE_COLORS = "RdBu"  # diverging, colour-blind safe: red negative, white 0, blue positive
# Gates read "how open": white (0, closed) to near-black (1, open). On a diverging scale centred at 0.5 a
# half-open gate would vanish into white.
GATE_COLORS = [[0.0, "#FFFFFF"], [1.0, "#1A1A1A"]]


@dataclass(frozen=True)
class Strip:
    """Where a quantity's vector is drawn: centre, direction and the side its label goes on."""

    key: str
    cx: float
    cy: float
    room: float  # the length of free wire the strip may cover; longer vectors wrap into more rows
    vertical: bool = False
    label: str = "above"  # "above" or "right"
    wrap: int = 0  # break the name onto two lines when longer than this many characters (0: never)


def cell_size(hidden_size: int) -> float:
    """The side of one cell, in data units: the same on every wire of a diagram."""
    return min(CELL_MAX, max(CELL_MIN, CELL_SPAN / hidden_size))


def strip_geometry(n: int, room: float, cell: float) -> tuple[int, int]:
    """(rows, cells per row) for an n-vector drawn with cells of side ``cell`` in ``room`` units of wire."""
    rows = max(1, math.ceil(n * cell / room))
    return rows, math.ceil(n / rows)


def _strip_trace(values: np.ndarray, strip: Strip, s: float, title: str, scale: str) -> go.Heatmap:
    """A heatmap of one cell per unit laid along the wire; unit 0 first (left, or top for vertical)."""
    rows, per_row = strip_geometry(len(values), strip.room, s)
    z = np.full((per_row, rows) if strip.vertical else (rows, per_row), np.nan)
    unit = np.full(z.shape, -1)
    for j, v in enumerate(values):
        r, k = divmod(j, per_row)  # row r across the wire, position k along it
        # Heatmap rows go bottom-up: the first row along the wire is drawn on top / the first column left.
        idx = (per_row - 1 - k, r) if strip.vertical else (rows - 1 - r, k)
        z[idx], unit[idx] = v, j
    n_x, n_y = z.shape[1], z.shape[0]
    x0 = strip.cx - (n_x - 1) * s / 2
    y0 = strip.cy - (n_y - 1) * s / 2
    return go.Heatmap(
        z=np.where(np.isnan(z), None, z).tolist(),
        customdata=np.where(unit < 0, None, unit).tolist(),
        x0=x0,
        dx=s,
        y0=y0,
        dy=s,
        coloraxis=scale,
        xgap=1,
        ygap=1,
        hoverongaps=False,
        name=strip.key,
        meta={"key": strip.key, "title": title},
        hovertemplate=f"{title}<br>unit %{{customdata}}<br>value %{{z:.4f}}<extra></extra>",
    )


def _wrap(words: str, width: int) -> str:
    """``words`` on two lines, split at the space nearest the middle, if longer than ``width``."""
    spaces = [k for k, ch in enumerate(words) if ch == " "]
    if not width or len(words) <= width or not spaces:
        return words
    k = min(spaces, key=lambda k: abs(k - len(words) / 2))
    return f"{words[:k]}<br>{words[k + 1 :]}"


def _text(x, y, text, *, name="", size=12, color="#222222", xanchor="center", yanchor="middle", **kw):
    return dict(
        x=x,
        y=y,
        text=text,
        name=name,
        showarrow=False,
        font=dict(size=size, color=color),
        xanchor=xanchor,
        yanchor=yanchor,
        **kw,
    )


def _line(points, *, color=WIRE, width=2, dash=None, name=""):
    path = "M " + " L ".join(f"{x},{y}" for x, y in points)
    return dict(
        type="path", path=path, line=dict(color=color, width=width, dash=dash), layer="below", name=name
    )


def _arrow(x0, y0, x1, y1, color=WIRE, width=2):
    """An arrowhead at (x1, y1) on the segment from (x0, y0): an annotation drawn in data coordinates."""
    return dict(
        x=x1,
        y=y1,
        ax=x0,
        ay=y0,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        showarrow=True,
        arrowhead=2,
        arrowsize=1.1,
        arrowwidth=width,
        arrowcolor=color,
    )


def _tint(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[k : k + 2], 16) for k in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


class _Canvas:
    """Collects the traces, shapes and annotations of one diagram."""

    def __init__(self, vocabulary: str, variant: str, cell: float):
        self.vocabulary, self.variant, self.cell = vocabulary, variant, cell
        self.traces: list[go.Heatmap] = []
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []

    def html(self, key: str) -> str:
        return notation.html(key, self.vocabulary, self.variant)

    def name(self, key: str) -> str:
        return notation.name(key, self.vocabulary, self.variant)

    def wire(self, *points, arrow=True, **kw):
        self.shapes.append(_line(points, **kw))
        if arrow:  # the arrow's own shaft is solid: keep it to the last unit so dashes stay dashed
            (x0, y0), (x1, y1) = points[-2], points[-1]
            d = max(math.hypot(x1 - x0, y1 - y0), 1e-9)
            back = min(1.0, d) / d
            x0, y0 = x1 - (x1 - x0) * back, y1 - (y1 - y0) * back
            self.annotations.append(
                _arrow(x0, y0, x1, y1, color=kw.get("color", WIRE), width=kw.get("width", 2))
            )

    def box(self, key: str, x: float, y: float, text: str, width: float = BOX_W):
        colour = notation.colour(key)
        self.shapes.append(
            dict(
                type="rect",
                x0=x - width / 2,
                x1=x + width / 2,
                y0=y - BOX_H / 2,
                y1=y + BOX_H / 2,
                line=dict(color=colour, width=2.5),
                fillcolor=_tint(colour, 0.12),
                layer="above",
                name=f"box:{key}",
            )
        )
        self.annotations.append(_text(x, y, f"<b>{text}</b>", name=f"box:{key}", size=16, color=colour))

    def junction(self, key: str, x: float, y: float, symbol: str):
        self.shapes.append(
            dict(
                type="circle",
                x0=x - R,
                x1=x + R,
                y0=y - R,
                y1=y + R,
                line=dict(color=WIRE, width=2),
                fillcolor="white",
                layer="above",
                name=f"junction:{key}",
            )
        )
        self.annotations.append(_text(x, y, f"<b>{symbol}</b>", name=f"junction:{key}", size=18, color=WIRE))

    def dot(self, x: float, y: float, color=WIRE):
        d = 0.45
        self.shapes.append(
            dict(type="circle", x0=x - d, x1=x + d, y0=y - d, y1=y + d, fillcolor=color, line_width=0)
        )

    def strip(self, strip: Strip, values: np.ndarray, scale: str, *, symbol=None, words=None):
        """The vector on a wire, a coloured outline around it and its label (symbol bold, name below)."""
        key = strip.key
        title = notation.title(key, self.vocabulary, self.variant) if symbol is None else f"{words} {symbol}"
        self.traces.append(_strip_trace(np.asarray(values, dtype=float), strip, self.cell, title, scale))
        rows, per_row = strip_geometry(len(values), strip.room, self.cell)
        length, thick = per_row * self.cell, rows * self.cell
        w, h = (thick, length) if strip.vertical else (length, thick)
        colour = notation.colour(key)
        self.shapes.append(
            dict(
                type="rect",
                x0=strip.cx - w / 2 - 0.25,
                x1=strip.cx + w / 2 + 0.25,
                y0=strip.cy - h / 2 - 0.25,
                y1=strip.cy + h / 2 + 0.25,
                line=dict(color=colour, width=2),
                fillcolor=GRID,
                layer="below",
                name=f"strip:{key}",
            )
        )
        symbol = self.html(key) if symbol is None else symbol
        words = _wrap(
            self.name(key) if words is None else words, strip.wrap or (11 if strip.label == "right" else 0)
        )
        label = f"<b>{symbol}</b><br><span style='font-size:11px;color:#555555'>{words}</span>"
        if strip.label == "above":
            self.annotations.append(
                _text(
                    strip.cx,
                    strip.cy + h / 2 + 0.6,
                    label,
                    name=f"label:{key}",
                    color=colour,
                    yanchor="bottom",
                )
            )
        else:
            self.annotations.append(
                _text(
                    strip.cx + w / 2 + 0.8,
                    strip.cy,
                    label,
                    name=f"label:{key}",
                    color=colour,
                    xanchor="left",
                    align="left",
                )
            )


def _value_range(lt) -> float:
    """One symmetric colour range for all non-gate values of the layer over the whole sequence.

    Fixed over t, so a colour means the same number at every step; at least 1 so tanh outputs fill it.
    """
    arrays = (lt.x, lt.c_prev, lt.h_prev, lt.g, lt.kept, lt.written, lt.c, lt.u, lt.h)
    peak = max(float(np.max(np.abs(a))) if a.size else 0.0 for a in arrays)
    return max(1.0, peak)


def anatomy_figure(trace: Trace, t: int, vocabulary: str, layer: int = 0) -> go.Figure:
    """The cell of ``trace.variant`` at step t of layer ``layer``, every wire showing its numbers.

    standard / peephole: colah's cell (peephole adds dashed wires from c_{t-1} into f and i, from c_t into
    o). no_forget: no forget gate; c_{t-1} runs straight to the +. udacity: the use gate's tanh part U_t is
    a box with its own weights W_u reading LTM_{t-1} ⊙ f_t (not LTM_t), and STM_t = U_t ⊙ V_t.
    """
    variant = trace.variant
    lt = trace.layers[layer]
    step = lt.step(t)
    notation.names("x", vocabulary)  # a clear ValueError for an unknown vocabulary
    cv = _Canvas(vocabulary, variant, cell_size(lt.hidden_size))
    has_f = variant != "no_forget"
    udacity = variant == "udacity"

    # --- wires (drawn first, below everything) ---------------------------------------------------------
    # memory line: c_{t-1} → (⊙ f) → + → c_t
    if has_f:
        cv.wire((0.5, TOP), (KEPT_X - R, TOP))
        cv.wire((KEPT_X + R, TOP), (PLUS_X - R, TOP))
    else:
        cv.wire((0.5, TOP), (PLUS_X - R, TOP))
    cv.wire((PLUS_X + R, TOP), (X_MAX - 0.5, TOP))
    # inputs: h_{t-1} from the left, x_t from below-left, joined onto the bus under the gates
    cv.wire((0.5, BUS), (JOIN_X, BUS), arrow=False)
    cv.wire((JOIN_X, X_IN_Y), (JOIN_X, BUS), arrow=False)
    cv.dot(JOIN_X, BUS)
    gates = [k for k in ("f", "i", "g", "o") if k != "f" or has_f]
    cv.wire((JOIN_X, BUS), (GATE_X["o"], BUS), arrow=False)
    for k in gates:
        cv.wire((GATE_X[k], BUS), (GATE_X[k], BOX_Y - BOX_H / 2))
    box_top = BOX_Y + BOX_H / 2
    if has_f:
        cv.wire((KEPT_X, box_top), (KEPT_X, TOP - R))  # f up to its ⊙
    cv.wire((GATE_X["i"], box_top), (GATE_X["i"], WRITE_Y), (PLUS_X - R, WRITE_Y))  # i over to ⊙
    cv.wire((GATE_X["g"], box_top), (PLUS_X, WRITE_Y - R))  # g up to ⊙
    if udacity:  # the written wire passes under the U wire with a gap: they do not meet
        cv.wire((PLUS_X, WRITE_Y + R), (PLUS_X, BRIDGE_Y - 0.9), arrow=False)
        cv.wire((PLUS_X, BRIDGE_Y + 0.9), (PLUS_X, TOP - R))
    else:
        cv.wire((PLUS_X, WRITE_Y + R), (PLUS_X, TOP - R))
    # output: o across to ⊙, (tanh(c) or U) down to ⊙, h out to the right
    cv.wire((GATE_X["o"] + BOX_W / 2, BOX_Y), (OUT_X - R, BOX_Y))
    u_width = 15.0 if udacity else BOX_W
    cv.wire((OUT_X, U_Y - BOX_H / 2), (OUT_X, BOX_Y + R))
    cv.wire((OUT_X + R, BOX_Y), (X_MAX - 0.5, BOX_Y))
    if udacity:  # U reads LTM_{t-1} ⊙ f_t, tapped before the +
        cv.wire((TAP_X_UDACITY, TOP), (TAP_X_UDACITY, BRIDGE_Y), (OUT_X, BRIDGE_Y), (OUT_X, U_Y + BOX_H / 2))
        cv.dot(TAP_X_UDACITY, TOP)
    else:  # tanh(c) reads c_t
        cv.wire((OUT_X, TOP), (OUT_X, U_Y + BOX_H / 2))
        cv.dot(OUT_X, TOP)
    if variant == "peephole":
        _peepholes(cv)

    # --- boxes and junctions ----------------------------------------------------------------------------
    for k in gates:
        cv.box(k, GATE_X[k], BOX_Y, "tanh" if k == "g" else "σ")
    if udacity:
        W, b = (notation.parameter(kind, "u", variant, form="html") for kind in ("W", "b"))
        cv.box("u", OUT_X, U_Y, f"tanh({W}·+{b})", width=u_width)
    else:
        cv.box("u", OUT_X, U_Y, "tanh")
    if has_f:
        cv.junction("kept", KEPT_X, TOP, "⊙")
    else:
        cv.annotations.append(
            _text(
                KEPT_X,
                TOP - 3.2,
                f"no {cv.name('f')}: {cv.html('f')} ≡ 1",
                name="no_forget",
                size=12,
                color="#555555",
            )
        )
    cv.junction("written", PLUS_X, WRITE_Y, "⊙")
    cv.junction("c", PLUS_X, TOP, "+")
    cv.junction("h", OUT_X, BOX_Y, "⊙")

    # --- the numbers on the wires -----------------------------------------------------------------------
    G, V = GATE_SCALE, VALUE_SCALE
    x_symbol = x_words = None
    if layer > 0:
        x_symbol = f"{cv.html('x')} = {cv.html('h')}"
        x_words = f"{cv.name('h')} of the layer below"
    mid = lambda lo, hi: (lo + hi) / 2  # noqa: E731
    gap, head = 1.0, 1.8  # free wire left at each end of a strip; more where an arrowhead ends
    gate_low = (PEEP_Y if variant == "peephole" else box_top) + gap  # above the peephole wire
    left = mid(0.5, JOIN_X - 1.5)
    cv.strip(
        Strip("x", JOIN_X, X_IN_Y, room=12.0, label="right", wrap=60),
        step.x,
        V,
        symbol=x_symbol,
        words=x_words,
    )
    cv.strip(Strip("h_prev", left, BUS, room=JOIN_X - 3.0), step.h_prev, V)
    cv.strip(Strip("c_prev", left, TOP, room=JOIN_X - 3.0), step.c_prev, V)
    if has_f:
        lo, hi = gate_low, TOP - R - head
        cv.strip(
            Strip("f", KEPT_X, mid(lo, hi), room=min(20.0, hi - lo), vertical=True, label="right"), step.f, G
        )
        lo, hi = KEPT_X + R + gap, (TAP_X_UDACITY if udacity else PLUS_X - R) - gap
        cv.strip(Strip("kept", mid(lo, hi), TOP, room=hi - lo), step.kept, V)
    lo, hi = gate_low, WRITE_Y - gap
    cv.strip(Strip("i", GATE_X["i"], mid(lo, hi), room=hi - lo, vertical=True, label="right"), step.i, G)
    lo, hi = box_top + gap, WRITE_Y - R - head
    cv.strip(Strip("g", GATE_X["g"], mid(lo, hi), room=hi - lo, vertical=True, label="right"), step.g, V)
    lo, hi = WRITE_Y + R + gap, (BRIDGE_Y - 1.5 if udacity else TOP - R - head)
    cv.strip(
        Strip("written", PLUS_X, mid(lo, hi), room=hi - lo, vertical=True, label="right"), step.written, V
    )
    lo, hi = OUT_X + R + gap, X_MAX - 2.0
    cv.strip(Strip("c", mid(lo, hi), TOP, room=hi - lo), step.c, V)
    cv.strip(Strip("h", mid(lo, hi), BOX_Y, room=hi - lo), step.h, V)
    lo, hi = GATE_X["o"] + BOX_W / 2 + gap, OUT_X - R - head
    cv.strip(Strip("o", mid(lo, hi), BOX_Y, room=hi - lo, wrap=14), step.o, G)
    lo, hi = BOX_Y + R + head, U_Y - BOX_H / 2 - gap
    cv.strip(Strip("u", OUT_X, mid(lo, hi), room=hi - lo, vertical=True, label="right"), step.u, V)

    return _figure(cv, trace, t, layer, _value_range(lt))


def _peepholes(cv: _Canvas):
    """Dashed wires: c_{t-1} into the forget and input gates, c_t into the output gate."""
    colour, tap, y = notation.colour("c"), PEEP_X, PEEP_Y
    kw = dict(color=colour, width=1.5, dash="dot")
    box_top = BOX_Y + BOX_H / 2
    f_x, i_x = GATE_X["f"] - 2, GATE_X["i"] - 2
    cv.wire((tap, TOP), (tap, y), (i_x, y), (i_x, box_top), **kw)
    cv.wire((f_x, y), (f_x, box_top), **kw)
    cv.dot(tap, TOP, colour)
    cv.dot(f_x, y, colour)
    o_x = GATE_X["o"] + 2
    cv.wire((o_x, TOP), (o_x, BOX_Y + BOX_H / 2), **kw)
    cv.dot(o_x, TOP, colour)
    p = lambda g: notation.parameter("p", g, cv.variant, form="html")  # noqa: E731
    cv.annotations.append(
        _text(
            tap - 0.6, 32, f"peepholes<br>{p('i')}, {p('f')}", name="peephole", color=colour, xanchor="right"
        )
    )
    cv.annotations.append(
        _text(o_x + 0.6, 44, f"peephole<br>{p('o')}", name="peephole", color=colour, xanchor="left")
    )


def _figure(cv: _Canvas, trace: Trace, t: int, layer: int, value_range: float) -> go.Figure:
    fig = go.Figure(cv.traces)
    step_t = t % trace.T
    # t counts from 0, as the step player does: say so, so that "4 of 5" reads as the last step.
    where = f"step t = {step_t} of {trace.T} (t = 0…{trace.T - 1})"
    if trace.num_layers > 1:
        where += f", layer {layer % trace.num_layers + 1} of {trace.num_layers}"
    about = notation.variant_title(trace.variant, cv.vocabulary)
    title = (
        f"<b>{trace.variant}</b> cell · {where}<br><span style='font-size:12px;color:#555555'>{about}</span>"
    )
    # Flush right, clear of the output ⊙ also with presenter mode's larger titles.
    colorbar = dict(orientation="h", thickness=10, len=0.22, x=1.0, xanchor="right", title_side="top")
    fig.update_layout(
        width=WIDTH_PX,
        height=HEIGHT_PX,
        margin=MARGIN,
        # The first line's baseline sits 20 px below the top (Plotly anchors a two-line title by its first
        # baseline): room for its letters at 15 px, and at presenter mode's 19.5 px.
        title=dict(text=title, x=0.01, y=1.0, yanchor="top", yref="container", pad=dict(t=20), font_size=15),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        shapes=cv.shapes,
        annotations=cv.annotations,
        coloraxis=dict(
            colorscale=GATE_COLORS,
            cmin=0.0,
            cmax=1.0,
            colorbar=dict(colorbar, y=0.02, yanchor="bottom", title_text="gates: 0 = closed … 1 = open"),
        ),
        coloraxis2=dict(
            colorscale=VALUE_COLORS,
            cmin=-value_range,
            cmax=value_range,
            colorbar=dict(colorbar, y=0.13, yanchor="bottom", title_text="values (one scale for all steps)"),
        ),
        xaxis=dict(range=[0, X_MAX], visible=False, fixedrange=True),
        yaxis=dict(range=[0, Y_MAX], visible=False, fixedrange=True, scaleanchor="x", scaleratio=1),
        hoverlabel=dict(bgcolor="white"),
    )
    return fig
