"""The cell diagram of one step: boxes, junctions and wires, every wire showing the vector it carries.

``anatomy_figure(trace, t, vocabulary, layer=0, unit=0)`` draws the cell of ``trace.variant`` at step t the
way colah's diagram does — the memory line c along the top, the gates on a row above the input bus, the
output on the right — flattened to a projector's shape (wide and low: the step player and the whole diagram
fit 1280×720 together). Each wire carries a strip of coloured cells, one per unit; each gate box holds its
gate's strip, so a gate's numbers sit where they are made. With up to ``NUMBERS_UP_TO`` units every cell is
a chip with its number printed inside (to ``DIGITS`` decimals; hover shows 4); with more, the cells are small
squares and every label prints the value of the chosen ``unit`` ("c_t[5] = 0.31"), whose cell is outlined.

``anatomy_phone_figure`` draws the same numbers as a column of labelled strips in computation order, for a
phone's 390 px (the diagram's labels cannot fit there). Labels, symbols and colours all come from
``ui.notation``. Pure Plotly: no Streamlit, no maths beyond reading the trace.

Each strip is a heatmap trace named after its quantity (``trace.name`` is a notation / Trace key such as
"f" or "c"), with ``customdata`` holding the unit index of every cell and ``text`` the number printed in it
("" where none is printed); boxes and junctions are layout shapes named "box:<key>" and "junction:<key>",
and their captions annotations of the same name; a strip's label is the annotation "label:<key>".
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from lstm_core import cells as cell_table
from lstm_core.trace import Trace
from ui import notation

NUMBERS_UP_TO = 4  # print every unit's number in its cell for cells of at most this many units
DIGITS = 2  # decimals printed in a cell: "−0.12" fits a chip at 18 px

# The drawing area in data units. The figure is drawn at the page's width; at 1280×720 in presenter mode it
# is ~6.3 px a unit, on a 1400 px desktop with the sidebar ~5 px: a 14 px number (18 px in presenter mode)
# is ~2.9 units tall and "−0.12" ~7.5 units wide at either, so a chip is CHIP_W × CHIP_H.
X_MAX, Y_MAX = 202.0, 62.0
WIDTH_PX, HEIGHT_PX = 1180, 410
MARGIN = dict(l=4, r=4, t=30, b=2)
CHIP_W, CHIP_H = 9.0, 4.0
ROW = NUMBERS_UP_TO * CHIP_W  # the wire length a row strip may take
COLUMN = NUMBERS_UP_TO * CHIP_H  # the height a strip inside a box may take
CELL_MIN = 0.9  # a cell of a longer vector is never shorter than this (9 px at the default size)

# Geometry (data units). TOP: the memory line; BUS: the [h_{t-1}, x_t] bus under the gate row.
TOP, BUS, X_Y = 54.0, 9.0, 22.0
BOX_W, HEAD = 12.0, 4.0  # a gate box: its strip above a header band holding "σ" or "tanh"
BOX_LO = BUS + 3.0
BOX_HI = BOX_LO + HEAD + COLUMN + 1.0
R = 2.0  # junction radius
JOIN_X = 41.0  # where x_t joins h_{t-1} on the bus
GATE_X = {"f": 50.0, "i": 75.0, "g": 100.0, "o": 126.0}
KEPT_X, PLUS_X = GATE_X["f"], GATE_X["g"]  # ⊙ of the forget gate, + of the memory update
WRITE_Y = BOX_HI + 4.0  # ⊙ of input gate and candidate
WRITTEN_Y = 45.5  # the written strip on its wire between ⊙ and +
OUT_X, OUT_Y = 150.0, 20.0  # the output column: ⊙ of the output at OUT_Y, the tanh(c) / U box above it
U_LO = 27.0
U_HI = U_LO + HEAD + COLUMN + 1.0
RIGHT_X = 164.0  # where the c_t and h_t strips start
LEFT_X = 2.0  # where the c_{t-1}, h_{t-1} and x_t strips start
TAP_X_UDACITY, BRIDGE_Y = KEPT_X + R + 1.5 + ROW + 1.5, 50.0  # Udacity: U reads LTM_{t-1} ⊙ f_t here
PEEP_X, PEEP_Y = 43.0, BOX_HI + 2.0  # peephole: where c_{t-1} is tapped, and its wire into f and i

LABEL_PX, SYMBOL_PX, NUMBER_PX = 14, 16, 14  # ×1.3 in presenter mode: 18, 21, 18 px
WIRE = "#444444"
GRID = "#C8C8C8"  # shows between the cells of a strip
GATE_SCALE = "coloraxis"  # gates: σ outputs in [0, 1]
VALUE_SCALE = "coloraxis2"  # everything else, on one symmetric scale fixed over the whole sequence
VALUE_COLORS = "RdBu"  # diverging, colour-blind safe: red negative, white 0, blue positive
# Gates read "how open": white (0, closed) to near-black (1, open). On a diverging scale centred at 0.5 a
# half-open gate would vanish into white.
GATE_COLORS = [[0.0, "#FFFFFF"], [1.0, "#1A1A1A"]]


def number(value: float) -> str:
    """A cell's printed number: ``DIGITS`` decimals below 10, fewer above, a true minus sign (−0.12)."""
    v = float(value)
    text = f"{v:.{DIGITS}f}" if abs(v) < 9.995 else f"{v:.1f}" if abs(v) < 99.95 else f"{v:.0f}"
    if float(text) == 0.0:  # -0.001 rounds to 0: no sign
        text = text.lstrip("-")
    return text.replace("-", "−")


@dataclass(frozen=True)
class Strip:
    """Where a quantity's vector is drawn: its centre, whether its cells run along y, and its label."""

    key: str
    cx: float
    cy: float
    vertical: bool = False
    room: float = ROW  # the length it may cover; small cells wrap into more rows past it
    label: str = "above"  # "above", "below", "left" or "right" of the strip, or "" (the box says it)
    align: str = "center"  # for labels above / below: "left", "center" or "right" edge of the strip
    beside: float = 0.8  # for labels left / right: the gap between the strip and its label
    max_chars: int = 34  # a label above / below longer than this drops the name (it would run into others)
    two_lines: bool = False  # a label above: the name on a line of its own under the symbol


def strip_geometry(n: int, room: float) -> tuple[int, int]:
    """(rows, cells per row) of a vector longer than ``NUMBERS_UP_TO`` in ``room`` units of wire: as few
    rows as keep each cell at least ``CELL_MIN`` long."""
    rows = max(1, math.ceil(n * CELL_MIN / room))
    return rows, math.ceil(n / rows)


def _text(x, y, text, *, name="", size=LABEL_PX, color="#222222", xanchor="center", yanchor="middle", **kw):
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


def _plain(html: str) -> str:
    """The characters a label shows: its markup removed."""
    return re.sub(r"<[^>]*>", "", html)


def _wrap(words: str, width: int) -> str:
    """``words`` on two lines, split at the space nearest the middle, if longer than ``width``."""
    spaces = [k for k, ch in enumerate(words) if ch == " "]
    if not width or len(words) <= width or not spaces:
        return words
    k = min(spaces, key=lambda k: abs(k - len(words) / 2))
    return f"{words[:k]}<br>{words[k + 1 :]}"


class _Canvas:
    """Collects the traces, shapes and annotations of one diagram."""

    def __init__(self, vocabulary: str, variant: str, hidden: int, unit: int, chip=(CHIP_W, CHIP_H)):
        self.vocabulary, self.variant, self.hidden, self.unit = vocabulary, variant, hidden, unit
        self.chip = chip  # (width, height) of a cell with its number printed
        self.numbers = hidden <= NUMBERS_UP_TO
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

    def box(self, key: str, x: float, lo: float, hi: float, text: str, *, head_at_top=False, width=BOX_W):
        """A gate's box from y = lo to hi: a header band with its function, its strip in the rest."""
        colour = notation.colour(key)
        self.shapes.append(
            dict(
                type="rect",
                x0=x - width / 2,
                x1=x + width / 2,
                y0=lo,
                y1=hi,
                line=dict(color=colour, width=2.5),
                fillcolor=_tint(colour, 0.12),
                layer="below",
                name=f"box:{key}",
            )
        )
        y = hi - HEAD / 2 if head_at_top else lo + HEAD / 2
        self.annotations.append(
            _text(x, y, f"<b>{text}</b>", name=f"box:{key}", size=SYMBOL_PX, color=colour)
        )

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

    def cells(self, n: int, room: float, vertical: bool) -> tuple[float, float, int, int]:
        """(cell length along the wire, across it, rows, cells per row) of an n-vector.

        Up to ``NUMBERS_UP_TO`` entries: one chip each, its number printed. Longer: thinner cells that fill
        the same band (``room`` along the wire, a chip across), wrapped into rows where they would be
        shorter than ``CELL_MIN``.
        """
        chip_along, chip_across = self.chip[::-1] if vertical else self.chip
        if n <= NUMBERS_UP_TO:
            return chip_along, chip_across, 1, n
        rows, per_row = strip_geometry(n, room)
        return room / per_row, chip_across / rows, rows, per_row

    def strip(self, strip: Strip, values, scale: str, *, symbol=None, words=None, chosen=True, wrap=12):
        """The vector on a wire (a heatmap), its coloured outline and its label (symbol bold, name after).

        ``chosen``: the strip is indexed by unit, so the chosen unit's value goes into the label when the
        cells are too small for numbers (x_t of the first layer is indexed by feature instead).
        """
        key, values = strip.key, np.asarray(values, dtype=float)
        title = notation.title(key, self.vocabulary, self.variant) if symbol is None else f"{words} {symbol}"
        along, across, rows, per_row = self.cells(len(values), strip.room, strip.vertical)
        z = np.full((per_row, rows) if strip.vertical else (rows, per_row), np.nan)
        unit = np.full(z.shape, -1)
        for j, v in enumerate(values):
            r, k = divmod(j, per_row)  # row r across the wire, position k along it
            # Heatmap rows go bottom-up: the first cell along the wire is drawn on top, the first column left.
            idx = (per_row - 1 - k, r) if strip.vertical else (rows - 1 - r, k)
            z[idx], unit[idx] = v, j
        printed = len(values) <= NUMBERS_UP_TO
        text = [["" if u < 0 or not printed else number(values[u]) for u in row] for row in unit]
        n_y, n_x = z.shape
        dx, dy = (across, along) if strip.vertical else (along, across)
        x0, y0 = strip.cx - (n_x - 1) * dx / 2, strip.cy - (n_y - 1) * dy / 2
        self.traces.append(
            go.Heatmap(
                z=np.where(np.isnan(z), None, z).tolist(),
                customdata=np.where(unit < 0, None, unit).tolist(),
                text=text,
                texttemplate="%{text}",
                textfont=dict(size=NUMBER_PX),
                x0=x0,
                dx=dx,
                y0=y0,
                dy=dy,
                coloraxis=scale,
                xgap=1,
                ygap=1,
                hoverongaps=False,
                name=key,
                meta={"key": key, "title": title},
                hovertemplate=f"{title}<br>unit %{{customdata}}<br>value %{{z:.4f}}<extra></extra>",
            )
        )
        width, height = n_x * dx, n_y * dy
        colour = notation.colour(key)
        self.shapes.append(
            dict(
                type="rect",
                x0=strip.cx - width / 2 - 0.25,
                x1=strip.cx + width / 2 + 0.25,
                y0=strip.cy - height / 2 - 0.25,
                y1=strip.cy + height / 2 + 0.25,
                line=dict(color=colour, width=2),
                fillcolor=GRID,
                layer="below",
                name=f"strip:{key}",
            )
        )
        symbol = self.html(key) if symbol is None else symbol
        if (
            not printed and chosen and self.unit < len(values)
        ):  # the chosen unit: outlined, value in the label
            (ux,), (uy,) = np.nonzero(self.unit == unit.T)
            cx, cy = x0 + ux * dx, y0 + uy * dy
            self.shapes.append(
                dict(
                    type="rect",
                    x0=cx - dx / 2,
                    x1=cx + dx / 2,
                    y0=cy - dy / 2,
                    y1=cy + dy / 2,
                    line=dict(color="#000000", width=2),
                    layer="above",
                    name=f"chosen:{key}",
                )
            )
            symbol = f"{symbol}[{self.unit}] = {number(values[self.unit])}"
        words = self.name(key) if words is None else words
        if strip.label in ("above", "below") and len(_plain(f"{symbol} {words}")) > strip.max_chars:
            words = ""  # the value goes first: the name is in the hover and under "How to read the diagram"
        self.label(strip, colour, symbol, words, width, height, wrap)

    def label(self, strip: Strip, colour: str, symbol: str, words: str, width: float, height: float, wrap=12):
        where, name = strip.label, f"label:{strip.key}"
        if not where:
            return
        text = (
            f"<b>{symbol}</b>{'<br>' if strip.two_lines else ' '}<span style='color:#444444'>{words}</span>"
        )
        kw = dict(name=name, color=colour)
        if where in ("above", "below"):
            x = {"left": strip.cx - width / 2, "center": strip.cx, "right": strip.cx + width / 2}[strip.align]
            y = strip.cy + (height / 2 + 0.5) * (1 if where == "above" else -1)
            yanchor = "bottom" if where == "above" else "top"
            self.annotations.append(
                _text(x, y, text, xanchor=strip.align, yanchor=yanchor, align=strip.align, **kw)
            )
        else:  # beside: symbol on one line, the name wrapped under it
            text = f"<b>{symbol}</b><br><span style='color:#444444'>{_wrap(words, wrap)}</span>"
            sign = 1 if where == "right" else -1
            x = strip.cx + sign * (width / 2 + strip.beside)
            xanchor = "left" if where == "right" else "right"
            self.annotations.append(_text(x, strip.cy, text, xanchor=xanchor, align=xanchor, **kw))


# The non-gate quantities of each family's layer trace: they share the values' colour scale.
VALUE_FIELDS = {
    "lstm": ("x", "c_prev", "h_prev", "g", "kept", "written", "c", "u", "h"),
    "gru": ("x", "h_prev", "hn", "n", "kept", "written", "h"),
    "rnn": ("x", "h_prev", "h"),
}
SIGMOID_GATES = {"lstm": ("f", "i", "o"), "gru": ("r", "z"), "rnn": ()}


def _value_range(lt, family: str = "lstm") -> float:
    """One symmetric colour range for all non-gate values of the layer over the whole sequence.

    Fixed over t, so a colour means the same number at every step; at least 1 so tanh outputs fill it.
    """
    arrays = [getattr(lt, k) for k in VALUE_FIELDS[family]]
    peak = max(float(np.max(np.abs(a))) if a.size else 0.0 for a in arrays)
    return max(1.0, peak)


def _x_labels(cv: _Canvas, layer: int) -> tuple[str | None, str | None]:
    """An upper layer reads the layer below's h: its x strip says so."""
    if layer == 0:
        return None, None
    return f"{cv.html('x')} = {cv.html('h')}", f"{cv.name('h')} of the layer below"


def anatomy_figure(trace: Trace, t: int, vocabulary: str, layer: int = 0, unit: int = 0) -> go.Figure:
    """The cell of ``trace.variant`` at step t of layer ``layer``, every wire showing its numbers.

    standard / peephole: colah's cell (peephole adds dotted wires from c_{t-1} into f and i, from c_t into
    o). no_forget: no forget gate; c_{t-1} runs straight to the +. udacity: the use gate's tanh part U_t is
    a box with its own weights W_u reading LTM_{t-1} ⊙ f_t (not LTM_t), and STM_t = U_t ⊙ V_t.
    unit: whose value every label prints when the cells are too many for numbers (more than
    ``NUMBERS_UP_TO`` units).
    """
    variant = trace.variant
    lt = trace.layers[layer]
    step = lt.step(t)
    notation.names("x", vocabulary)  # a clear ValueError for an unknown vocabulary
    H = lt.hidden_size
    cv = _Canvas(vocabulary, variant, H, min(max(unit, 0), H - 1))
    family = cell_table.get(variant).family
    if family != "lstm":  # one geometry per family; the cell table says which
        return {"gru": _gru_figure, "rnn": _rnn_figure}[family](cv, trace, t, layer, lt, step)
    has_f = "f" not in cell_table.get(variant).fixed  # no_forget's f ≡ 1: no gate to draw
    udacity = "W_u" in cell_table.get(variant).extra_params  # a use gate with weights of its own
    gates = [k for k in ("f", "i", "g", "o") if k != "f" or has_f]
    right_cx, left_cx = RIGHT_X + ROW / 2, LEFT_X + ROW / 2
    u_width = 24.0 if udacity else BOX_W

    # --- wires (drawn first, below everything) ---------------------------------------------------------
    # memory line: c_{t-1} → (⊙ f) → + → c_t
    if has_f:
        cv.wire((0.5, TOP), (KEPT_X - R, TOP))
        cv.wire((KEPT_X + R, TOP), (PLUS_X - R, TOP))
    else:
        cv.wire((0.5, TOP), (PLUS_X - R, TOP))
    cv.wire((PLUS_X + R, TOP), (X_MAX - 0.5, TOP))
    # inputs: h_{t-1} along the bus, x_t from its own strip above it, joined onto the bus under the gates
    cv.wire((0.5, BUS), (JOIN_X, BUS), arrow=False)
    cv.wire((LEFT_X + ROW, X_Y), (JOIN_X, X_Y), (JOIN_X, BUS), arrow=False)
    cv.dot(JOIN_X, BUS)
    cv.wire((JOIN_X, BUS), (GATE_X["o"], BUS), arrow=False)
    for k in gates:
        cv.wire((GATE_X[k], BUS), (GATE_X[k], BOX_LO))
    if has_f:
        cv.wire((KEPT_X, BOX_HI), (KEPT_X, TOP - R))  # f up to its ⊙
    cv.wire((GATE_X["i"], BOX_HI), (GATE_X["i"], WRITE_Y), (PLUS_X - R, WRITE_Y))  # i over to ⊙
    cv.wire((GATE_X["g"], BOX_HI), (PLUS_X, WRITE_Y - R))  # g up to ⊙
    if udacity:  # the written wire passes under the U wire with a gap: they do not meet
        cv.wire((PLUS_X, WRITE_Y + R), (PLUS_X, BRIDGE_Y - 0.9), arrow=False)
        cv.wire((PLUS_X, BRIDGE_Y + 0.9), (PLUS_X, TOP - R))
    else:
        cv.wire((PLUS_X, WRITE_Y + R), (PLUS_X, TOP - R))
    # output: o across to ⊙, (tanh(c) or U) down to ⊙, h out to the right
    cv.wire((GATE_X["o"] + BOX_W / 2, OUT_Y), (OUT_X - R, OUT_Y))
    cv.wire((OUT_X, U_LO), (OUT_X, OUT_Y + R))
    cv.wire((OUT_X + R, OUT_Y), (X_MAX - 0.5, OUT_Y))
    if udacity:  # U reads LTM_{t-1} ⊙ f_t, tapped before the +
        cv.wire((TAP_X_UDACITY, TOP), (TAP_X_UDACITY, BRIDGE_Y), (OUT_X, BRIDGE_Y), (OUT_X, U_HI))
        cv.dot(TAP_X_UDACITY, TOP)
    else:  # tanh(c) reads c_t
        cv.wire((OUT_X, TOP), (OUT_X, U_HI))
        cv.dot(OUT_X, TOP)
    if cell_table.get(variant).peepholes:
        _peepholes(cv)

    # --- boxes, junctions and the gates' names under the bus --------------------------------------------
    for k in gates:
        cv.box(k, GATE_X[k], BOX_LO, BOX_HI, "tanh" if k == "g" else "σ")
        cv.annotations.append(
            _text(
                GATE_X[k],
                BUS - 0.8,
                _wrap(cv.name(k), 9),
                name=f"name:{k}",
                color=notation.colour(k),
                yanchor="top",
            )
        )
    if udacity:
        W, b = (notation.parameter(kind, "u", variant, form="html") for kind in ("W", "b"))
        cv.box("u", OUT_X, U_LO, U_HI, f"tanh({W}·+{b})", head_at_top=True, width=u_width)
    else:
        cv.box("u", OUT_X, U_LO, U_HI, "tanh", head_at_top=True)
    if has_f:
        cv.junction("kept", KEPT_X, TOP, "⊙")
    else:
        cv.annotations.append(
            _text(
                (KEPT_X + PLUS_X) / 2,
                TOP + 2.5,
                f"no {cv.name('f')}: {cv.html('f')} ≡ 1",
                name="no_forget",
                yanchor="bottom",
            )
        )
    cv.junction("written", PLUS_X, WRITE_Y, "⊙")
    cv.junction("c", PLUS_X, TOP, "+")
    cv.junction("h", OUT_X, OUT_Y, "⊙")

    # --- the numbers on the wires -----------------------------------------------------------------------
    G, V = GATE_SCALE, VALUE_SCALE
    x_symbol, x_words = _x_labels(cv, layer)
    in_box = BOX_LO + HEAD + COLUMN / 2 + 0.5  # the centre of a gate box's strip
    cv.strip(
        Strip("x", left_cx, X_Y, align="left"), step.x, V, symbol=x_symbol, words=x_words, chosen=layer > 0
    )
    cv.strip(Strip("h_prev", left_cx, BUS, align="left", two_lines=True, max_chars=60), step.h_prev, V)
    cv.strip(Strip("c_prev", left_cx, TOP, align="left"), step.c_prev, V)
    for k in gates:
        # the box's name under the bus says what it is; the symbol rides beside the strip
        cv.strip(
            Strip(k, GATE_X[k], in_box, vertical=True, room=COLUMN, label=""),
            getattr(step, k),
            G if k != "g" else V,
        )
    if has_f:
        cv.strip(Strip("kept", (KEPT_X + R + TAP_X_UDACITY) / 2, TOP), step.kept, V)
    cv.strip(Strip("written", PLUS_X, WRITTEN_Y, label="left"), step.written, V, wrap=20)
    cv.strip(Strip("c", right_cx, TOP, align="right"), step.c, V)
    cv.strip(Strip("h", right_cx, OUT_Y, label="below", align="right"), step.h, V)
    u_strip = Strip("u", OUT_X, U_LO + COLUMN / 2 + 0.5, vertical=True, room=COLUMN, label="right")
    # the label goes outside the box, whatever the strip's width (a chip's)
    cv.strip(dataclasses.replace(u_strip, beside=u_width / 2 - CHIP_W / 2 + 0.8), step.u, V)
    for k in gates:  # the gate's symbol (and the chosen unit's value) just right of its box, over its wire
        _gate_symbol(cv, k, getattr(step, k))
    return _figure(cv, trace, t, layer, _value_range(lt))


def _gate_symbol(cv: _Canvas, key: str, values: np.ndarray, x: float | None = None, width: float = BOX_W):
    """f_t just right of the foot of gate f's box (and the chosen unit's value when the cells are small)."""
    text = f"<b>{cv.html(key)}</b>"
    if not cv.numbers:  # short lines: the gap to the next box is ~12 units
        text = f"<b>{cv.html(key)}[{cv.unit}]</b><br>= {number(values[cv.unit])}"
    cv.annotations.append(
        _text(
            (GATE_X[key] if x is None else x) + width / 2 + 0.6,
            BOX_LO,
            text,
            name=f"label:{key}",
            size=SYMBOL_PX,
            color=notation.colour(key),
            xanchor="left",
            yanchor="bottom",
            align="left",
        )
    )


# The GRU (torch's): h_{t-1} runs along the top through z ⊙ h_{t-1} into the +; the gates r, z, the
# recurrent part hn = W_hn h_{t-1} + b_hn and the candidate n stand on the [h_{t-1}, x_t] bus; r ⊙ hn
# goes into n's box from above; 1 − z meets n at the second ⊙, whose output rises to the +.
GRU_X = {"z": 54.0, "r": 78.0, "hn": 102.0, "n": 128.0}
HN_W = 18.0  # the hn box: "W_hn·+b_hn" in its header
RH_Y = BOX_HI + 4.5  # ⊙ of r and hn
Z_Y = 40.0  # the 1 − z wire, above r ⊙ hn; low enough that the written strip's label clears its 1− box
GRU_WRITTEN_Y = 48.0  # the written strip, between 1 − z's wire and the top line
GRU_KEPT_X = 90.0  # the kept strip's centre: its label clears h_{t-1}'s ("previous short-term memory")
ONE_MINUS_X, WRITE_X = 141.0, 154.0  # 1 − z, and the ⊙ of (1 − z) and n at Z_Y
GRU_PLUS_X = WRITE_X


def _gru_figure(cv: _Canvas, trace: Trace, t: int, layer: int, lt, step) -> go.Figure:
    G, V = GATE_SCALE, VALUE_SCALE
    left_cx, right_cx = LEFT_X + ROW / 2, RIGHT_X + ROW / 2
    tap = JOIN_X
    # wires: h_{t-1} along the top, tapped down onto the bus where x_t joins it
    cv.wire((0.5, TOP), (GRU_X["z"] - R, TOP))
    cv.wire((GRU_X["z"] + R, TOP), (GRU_PLUS_X - R, TOP))
    cv.wire((GRU_PLUS_X + R, TOP), (X_MAX - 0.5, TOP))
    cv.dot(tap, TOP)
    cv.wire((tap, TOP), (tap, BUS), arrow=False)
    cv.wire((LEFT_X + ROW, BUS), (tap, BUS), arrow=False)
    cv.dot(tap, BUS)
    cv.wire((tap, BUS), (GRU_X["n"], BUS), arrow=False)
    for x in GRU_X.values():
        cv.wire((x, BUS), (x, BOX_LO))
    cv.wire((GRU_X["z"], BOX_HI), (GRU_X["z"], TOP - R))  # z up to z ⊙ h_{t-1}
    cv.dot(GRU_X["z"], Z_Y)
    cv.wire((GRU_X["z"], Z_Y), (ONE_MINUS_X - 3.2, Z_Y))  # z across to 1 − z
    cv.wire((ONE_MINUS_X + 3.2, Z_Y), (WRITE_X - R, Z_Y))
    cv.wire((GRU_X["r"], BOX_HI), (GRU_X["r"], RH_Y), (GRU_X["hn"] - R, RH_Y))  # r over to r ⊙ hn
    cv.wire((GRU_X["hn"], BOX_HI), (GRU_X["hn"], RH_Y - R))  # hn up to it
    cv.wire((GRU_X["hn"] + R, RH_Y), (GRU_X["n"], RH_Y), (GRU_X["n"], BOX_HI))  # r ⊙ hn down into n
    n_mid = (BOX_LO + BOX_HI) / 2
    cv.wire((GRU_X["n"] + BOX_W / 2, n_mid), (WRITE_X, n_mid), (WRITE_X, Z_Y - R))  # n up to its ⊙
    cv.wire((WRITE_X, Z_Y + R), (WRITE_X, TOP - R))  # written up to the +
    # boxes, junctions, names
    W, b = (notation.parameter(kind, "n", cv.variant, "h", form="html") for kind in ("W", "b"))
    heads = {"z": "σ", "r": "σ", "hn": "W·+b", "n": "tanh"}  # hn's own symbols are under the bus
    for k, x in GRU_X.items():
        width = HN_W if k == "hn" else BOX_W
        cv.box(k, x, BOX_LO, BOX_HI, heads[k], width=width)
        words = f"{W}h+{b}" if k == "hn" else _wrap(cv.name(k), 9)
        if k == "hn" and not cv.numbers:  # its chosen unit's value under its name, clear of the ⊙ above
            words += f"<br>[{cv.unit}] = {number(step.hn[cv.unit])}"
        cv.annotations.append(
            _text(x, BUS - 0.8, words, name=f"name:{k}", color=notation.colour(k), yanchor="top")
        )
    cv.junction("kept", GRU_X["z"], TOP, "⊙")
    cv.junction("rhn", GRU_X["hn"], RH_Y, "⊙")
    # 1 − z: a small box, since "1−" does not fit a junction's circle
    cv.shapes.append(
        dict(
            type="rect",
            x0=ONE_MINUS_X - 3.2,
            x1=ONE_MINUS_X + 3.2,
            y0=Z_Y - R,
            y1=Z_Y + R,
            line=dict(color=WIRE, width=2),
            fillcolor="white",
            layer="above",
            name="junction:one_minus",
        )
    )
    cv.annotations.append(_text(ONE_MINUS_X, Z_Y, "<b>1−</b>", name="junction:one_minus", color=WIRE))
    cv.junction("written", WRITE_X, Z_Y, "⊙")
    cv.junction("h", GRU_PLUS_X, TOP, "+")
    # numbers
    x_symbol, x_words = _x_labels(cv, layer)
    in_box = BOX_LO + HEAD + COLUMN / 2 + 0.5
    cv.strip(
        Strip("x", left_cx, BUS, label="below", align="left"),
        step.x,
        V,
        symbol=x_symbol,
        words=x_words,
        chosen=layer > 0,
    )
    cv.strip(Strip("h_prev", left_cx, TOP, align="left"), step.h_prev, V)
    for k, x in GRU_X.items():
        cv.strip(
            Strip(k, x, in_box, vertical=True, room=COLUMN, label=""), getattr(step, k), G if k in "rz" else V
        )
    # kept left of the middle: the written strip's label reaches up to the top line on the right
    cv.strip(Strip("kept", GRU_KEPT_X, TOP), step.kept, V)
    cv.strip(Strip("written", WRITE_X, GRU_WRITTEN_Y, label="left"), step.written, V, wrap=20)
    cv.strip(Strip("h", right_cx, TOP, align="right"), step.h, V)
    for k in ("z", "r", "n"):  # hn's symbol is its name under the bus: beside the box it hits n's
        _gate_symbol(cv, k, getattr(step, k), x=GRU_X[k])
    return _figure(cv, trace, t, layer, _value_range(lt, "gru"))


RNN_X = 100.0  # the one tanh box
RNN_Y_MAX = BOX_HI + 4.0  # nothing above the box: a lower figure


def _rnn_figure(cv: _Canvas, trace: Trace, t: int, layer: int, lt, step) -> go.Figure:
    """The plain RNN: h_{t-1} and x_t joined on the bus into one tanh box, h_t out to the right."""
    V = VALUE_SCALE
    left_cx, right_cx = LEFT_X + ROW / 2, RIGHT_X + ROW / 2
    in_box = BOX_LO + HEAD + COLUMN / 2 + 0.5
    cv.wire((0.5, BUS), (JOIN_X, BUS), arrow=False)
    cv.wire((LEFT_X + ROW, X_Y), (JOIN_X, X_Y), (JOIN_X, BUS), arrow=False)
    cv.dot(JOIN_X, BUS)
    cv.wire((JOIN_X, BUS), (RNN_X, BUS), (RNN_X, BOX_LO))
    cv.wire((RNN_X + BOX_W / 2, in_box), (X_MAX - 0.5, in_box))
    Wx, Wh = (notation.parameter("W", "h", cv.variant, s, form="html") for s in ("i", "h"))
    cv.box("h", RNN_X, BOX_LO, BOX_HI, "tanh")
    cv.annotations.append(
        _text(
            RNN_X,
            BUS - 0.8,
            f"tanh({Wx}x + {Wh}h + b)",
            name="name:h",
            color=notation.colour("h"),
            yanchor="top",
        )
    )
    x_symbol, x_words = _x_labels(cv, layer)
    cv.strip(
        Strip("x", left_cx, X_Y, align="left"), step.x, V, symbol=x_symbol, words=x_words, chosen=layer > 0
    )
    cv.strip(Strip("h_prev", left_cx, BUS, label="below", align="left"), step.h_prev, V)
    # h only once, where it leaves the cell: in the box as well it would be the same numbers twice
    cv.strip(Strip("h", right_cx, in_box, align="right"), step.h, V)
    _gate_symbol(cv, "h", step.h, x=RNN_X)
    return _figure(cv, trace, t, layer, _value_range(lt, "rnn"), y_max=RNN_Y_MAX)


def _peepholes(cv: _Canvas):
    """Dotted wires: c_{t-1} into the forget and input gates, c_t into the output gate."""
    colour, tap, y = notation.colour("c"), PEEP_X, PEEP_Y
    kw = dict(color=colour, width=1.5, dash="dot")
    f_x, i_x = GATE_X["f"] - 3.5, GATE_X["i"] - 3.5
    cv.wire((tap, TOP), (tap, y), (i_x, y), (i_x, BOX_HI), **kw)
    cv.wire((f_x, y), (f_x, BOX_HI), **kw)
    cv.dot(tap, TOP, colour)
    cv.dot(f_x, y, colour)
    o_x = GATE_X["o"] + 3.5
    cv.wire((o_x, TOP), (o_x, BOX_HI), **kw)
    cv.dot(o_x, TOP, colour)
    p = lambda g: notation.parameter("p", g, cv.variant, form="html")  # noqa: E731
    cv.annotations.append(
        _text(
            tap - 0.6, 40, f"peepholes<br>{p('i')}, {p('f')}", name="peephole", color=colour, xanchor="right"
        )
    )
    cv.annotations.append(
        _text(o_x + 0.6, 40, f"peephole<br>{p('o')}", name="peephole", color=colour, xanchor="left")
    )


def _title(trace: Trace, t: int, layer: int, vocabulary: str, *, lines: int = 1) -> str:
    step_t = t % trace.T
    # t counts from 0, as the step player does: say so, so that "4 of 5" reads as the last step.
    where = f"step t = {step_t} of {trace.T} (t = 0…{trace.T - 1})"
    if trace.num_layers > 1:
        where += f", layer {layer % trace.num_layers + 1} of {trace.num_layers}"
    about = notation.variant_title(trace.variant, vocabulary)
    # One line on the wide diagram (a projector's height is scarce), three on the phone's column. No font
    # size inside the text: presenter mode scales the title's font, never inline styles.
    if lines == 1:
        return f"<b>{trace.variant}</b> cell · {where} · <span style='color:#444444'>{about}</span>"
    return f"<b>{trace.variant}</b> cell<br>{where}<br><span style='color:#444444'>{_wrap(about, 40)}</span>"


def _colour_axes(value_range: float, bars: dict) -> dict:
    """The two colour bars, each with its range in its title: tick labels under a bar would need a row of
    their own that the wide diagram has no room for (its margin would clip them, raising the bars would
    run them into the labels above)."""
    bars = dict(bars, showticklabels=False, ticks="")
    r = f"{value_range:.2g}"
    return dict(
        coloraxis=dict(
            colorscale=GATE_COLORS,
            cmin=0.0,
            cmax=1.0,
            colorbar=dict(bars, x=bars["x"] - 0.17, title_text="gates: 0 shut … 1 open"),
        ),
        coloraxis2=dict(
            colorscale=VALUE_COLORS,
            cmin=-value_range,
            cmax=value_range,
            colorbar=dict(bars, title_text=f"values: −{r} … {r}"),
        ),
    )


def _figure(cv: _Canvas, trace: Trace, t: int, layer: int, value_range: float, y_max=Y_MAX) -> go.Figure:
    fig = go.Figure(cv.traces)
    # Side by side under the output, clear of the h_t label, also with presenter mode's larger type.
    bars = dict(
        orientation="h",
        thickness=10,
        len=0.155,
        x=1.0,
        xanchor="right",
        y=0.0,
        yanchor="bottom",
        title_side="top",
        title_font_size=LABEL_PX,
        tickfont_size=LABEL_PX,
    )
    height = round(MARGIN["t"] + MARGIN["b"] + (HEIGHT_PX - MARGIN["t"] - MARGIN["b"]) * y_max / Y_MAX)
    _lay_out(fig, cv, _title(trace, t, layer, cv.vocabulary), _colour_axes(value_range, bars), X_MAX, y_max)
    fig.update_layout(width=WIDTH_PX, height=height, margin=MARGIN)
    return fig


def _lay_out(fig: go.Figure, cv: _Canvas, title: str, axes: dict, x_max: float, y_max: float) -> None:
    """The layout both diagrams share: the title at the top left, the drawing on equal axes of
    [0, x_max] × [0, y_max] with no visible axis, the colour bars ``axes``."""
    fig.update_layout(
        title=dict(
            text=title,
            x=0.01,
            y=1.0,
            yanchor="top",
            yref="container",
            pad=dict(
                t=20
            ),  # the first line's baseline: room for its letters at 15 px and at presenter's 19.5
            font_size=15,
        ),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        shapes=cv.shapes,
        annotations=cv.annotations,
        **axes,
        xaxis=dict(range=[0, x_max], visible=False, fixedrange=True),
        yaxis=dict(range=[0, y_max], visible=False, fixedrange=True, scaleanchor="x", scaleratio=1),
        hoverlabel=dict(bgcolor="white"),
    )


# The phone's column: one labelled strip per quantity, in the order the step computes them.
PHONE_X = 70.0  # data units across: ~5 px a unit at a phone's 350 px
PHONE_CHIP = (PHONE_X / NUMBERS_UP_TO - 1.0, 5.0)
PHONE_PITCH = 10.5  # a label line, its strip and a gap
PHONE_PX_PER_UNIT = 5.0
PHONE_MARGIN = dict(l=4, r=4, t=96, b=60)


def phone_rows(variant: str) -> tuple[str, ...]:
    """The quantities of the phone's column, top to bottom: inputs, gates, memory, output."""
    spec = cell_table.get(variant)
    if spec.family != "lstm":  # the GRU's and RNN's own quantities, in the order their step makes them
        return ("x", *spec.fields)
    fixed = spec.fixed  # no_forget's f ≡ 1: no gate and no kept memory to show
    gates = tuple(k for k in ("f", "i", "g", "o") if k not in fixed)
    kept = () if "f" in fixed else ("kept",)
    return ("x", "h_prev", "c_prev", *gates, *kept, "written", "c", "u", "h")


def anatomy_phone_figure(trace: Trace, t: int, vocabulary: str, layer: int = 0, unit: int = 0) -> go.Figure:
    """The numbers of ``anatomy_figure`` for a phone: a column of strips, each under its label.

    No wires: at 350 px the diagram's labels cannot all fit, so this keeps the numbers and their names
    (each gate's row names its function) and leaves the wiring to the wide diagram and the equations.
    """
    variant = trace.variant
    lt = trace.layers[layer]
    step = lt.step(t)
    notation.names("x", vocabulary)
    H = lt.hidden_size
    cv = _Canvas(vocabulary, variant, H, min(max(unit, 0), H - 1), chip=PHONE_CHIP)
    keys = phone_rows(variant)
    y_max = len(keys) * PHONE_PITCH
    x_symbol, x_words = _x_labels(cv, layer)
    spec = cell_table.get(variant)
    function = {"f": "σ", "i": "σ", "o": "σ", "g": "tanh"}
    if spec.family != "lstm":
        function = {
            eq.key: "σ" if eq.activation == r"\sigma" else "tanh" for eq in spec.equations if eq.activation
        }
    for n, key in enumerate(keys):
        cy = y_max - (n + 0.5) * PHONE_PITCH - 1.5  # the strip; its label sits above it
        scale = GATE_SCALE if key in SIGMOID_GATES[spec.family] else VALUE_SCALE
        words = x_words if key == "x" else cv.name(key)
        if key == "hn":  # its symbol is a formula: "of the candidate" would run past a 2-unit strip's edge
            words = f"recurrent part of {cv.html('n')}"
        if key in function:
            words = f"{words} = {function[key]}(…)"
        cv.strip(
            Strip(key, PHONE_X / 2, cy, room=PHONE_X - 2, align="left", max_chars=46),
            getattr(step, key),
            scale,
            symbol=x_symbol if key == "x" else None,
            words=words,
            chosen=key != "x" or layer > 0,
        )
    fig = go.Figure(cv.traces)
    height = PHONE_MARGIN["t"] + PHONE_MARGIN["b"] + y_max * PHONE_PX_PER_UNIT
    bars = dict(
        orientation="h",
        thickness=10,
        len=0.45,
        x=1.0,
        xanchor="right",
        y=-0.01,
        yanchor="top",
        title_side="top",
        title_font_size=LABEL_PX,
        tickfont_size=LABEL_PX,
    )
    axes = _colour_axes(_value_range(lt, spec.family), bars)
    axes["coloraxis"]["colorbar"]["x"] = 0.47
    _lay_out(fig, cv, _title(trace, t, layer, vocabulary, lines=3), axes, PHONE_X, y_max)
    fig.update_layout(height=height, margin=PHONE_MARGIN)
    return fig
