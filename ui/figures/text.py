"""Figures of the Read text page: text coloured by one unit (Karpathy style), the next-character guesses,
a unit's gates at one character, and the training curve in bits per character. Pure functions."""

from __future__ import annotations

import textwrap

import numpy as np
import plotly.graph_objects as go

from lstm_core.text import Reading
from ui import notation
from ui.figures.stepping import colour_scale

WRAP = 80  # characters per row of the coloured text; longer lines continue on the next row
PHONE_WRAP = 34  # on a phone: ~9 px a character in a 390 px window, as wide as a 12 px monospace glyph
GATES = ("i", "f", "g", "o")  # in [0, 1] (g in [-1, 1]); c and h get a colour scale centred on 0
STEP_BARS = ("f", "i", "g", "o", "c_prev", "c", "h")  # unit_step_figure's bars, in the cell's order


def shown(ch: str) -> str:
    """How one character is drawn in a cell: a newline as ↵, a space as a middle dot's lighter cousin."""
    return {"\n": "↵", " ": " ", "\t": "→"}.get(ch, ch)


def layout_grid(text: str, wrap: int = WRAP) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) of every character (T,): a new row after every newline and every ``wrap`` characters."""
    rows, cols = np.empty(len(text), np.int64), np.empty(len(text), np.int64)
    r = c = 0
    for t, ch in enumerate(text):
        if c == wrap:
            r, c = r + 1, 0
        rows[t], cols[t] = r, c
        if ch == "\n":
            r, c = r + 1, 0
        else:
            c += 1
    return rows, cols


def colour_range(quantity: str, values: np.ndarray) -> tuple[float, float, list]:
    """(zmin, zmax, colour scale) in the quantity's own colour from the notation table, the scale of Step
    through time (``stepping.colour_scale``): i, f, o white → their colour on [0, 1], g vermillion →
    white → its colour on [−1, 1]. c and h have no fixed range, so theirs spans ± the largest |value|;
    h, itself vermillion, runs from grey at its negative end so that its sign still shows."""
    scale, zmin, zmax = colour_scale(quantity)
    if quantity not in ("c", "h"):
        return zmin, zmax, scale
    if quantity == "h":
        scale = [[0.0, notation.OKABE_ITO["grey"]], *scale[1:]]
    limit = max(float(np.abs(values).max()), 1e-9)
    return -limit, limit, scale


def _marker(row: int, col: int) -> dict:
    """The outline around the character of the step on show."""
    return dict(
        type="rect", x0=col - 0.5, x1=col + 0.5, y0=row - 0.5, y1=row + 0.5, line=dict(color="black", width=3)
    )


def step_frames(text: str, wrap: int = WRAP) -> list[dict]:
    """One animation frame per character of ``text``, named by its index: the step marker around it.

    The marker is a layout shape, not a trace: Plotly's redraw-free animation wipes a figure's heatmaps
    (plotly.js #4491) when a frame changes a trace, but leaves them alone when it changes only shapes. So
    the step player moves the marker in the browser at once, as it shows the stepping figure's frames."""
    rows, cols = layout_grid(text, wrap)
    return [
        {"name": str(t), "layout": {"shapes": [_marker(int(r), int(c))]}}
        for t, (r, c) in enumerate(zip(rows, cols, strict=True))
    ]


def coloured_text_figure(
    text: str, values: np.ndarray, quantity: str, title: str, step: int | None = None, wrap: int = WRAP
):
    """Every character of ``text`` on a grid, its cell coloured by values[t] (T,); hover shows the exact
    value. z[row, col] is values[t] at the character's place (NaN where there is no character).
    wrap: characters a row (a phone's column holds ~34 readable ones); the title is broken to fit too."""
    rows, cols = layout_grid(text, wrap)
    R = int(rows.max()) + 1 if len(text) else 1
    z = np.full((R, wrap), np.nan)
    labels = np.full((R, wrap), "", dtype=object)
    index = np.full((R, wrap), -1)
    z[rows, cols] = values
    labels[rows, cols] = [shown(ch) for ch in text]
    index[rows, cols] = np.arange(len(text))
    zmin, zmax, scale = colour_range(quantity, np.asarray(values))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            text=labels,
            customdata=index,
            texttemplate="%{text}",
            textfont=dict(family="monospace", size=12),
            zmin=zmin,
            zmax=zmax,
            colorscale=scale,
            xgap=1,
            ygap=1,
            hoverongaps=False,
            colorbar=dict(thickness=10, title=quantity),
            hovertemplate="character %{customdata}: “%{text}”<br>value %{z:.4f}<extra></extra>",
        )
    )
    if step is not None and 0 <= step < len(text):
        fig.add_shape(**_marker(rows[step], cols[step]))
    fig.update_xaxes(visible=False, range=[-0.5, wrap - 0.5])
    fig.update_yaxes(visible=False, autorange="reversed")
    lines = textwrap.wrap(title, wrap + 10) if wrap < WRAP else [title]
    fig.update_layout(
        title=dict(text="<br>".join(lines), x=0, font=dict(size=14)),
        height=min(40 + 20 * len(lines) + 20 * R, 4000),
        margin=dict(l=5, r=5, t=20 + 20 * len(lines), b=5),
        plot_bgcolor="white",
    )
    return fig


def guesses_figure(reading: Reading, t: int, k: int = 5) -> go.Figure:
    """Horizontal bars: the model's k likeliest next characters after character t, with probabilities."""
    top = reading.top_guesses(t, k)
    fig = go.Figure(
        go.Bar(
            x=[p for _, p in top],
            y=[f"“{shown(ch)}”" for ch, _ in top],
            orientation="h",
            text=[f"{p:.1%}" for _, p in top],
            textposition="auto",
            marker_color="#4c78a8",
            hovertemplate="%{y}: %{x:.4f}<extra></extra>",
        )
    )
    nxt = reading.text[t + 1] if t + 1 < len(reading.text) else None
    title = f"Next-character guesses after “{shown(reading.text[t])}”"
    if nxt is not None:
        title += f" (the text goes on with “{shown(nxt)}”)"
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(range=[0, 1], title_text="probability")
    fig.update_layout(
        title=dict(text=title, font=dict(size=13)), height=260, margin=dict(l=60, r=20, t=50, b=40)
    )
    return fig


def unit_step_figure(reading: Reading, layer: int, unit: int, t: int) -> go.Figure:
    """Bars of one unit's gates i, f, g, o and memories c_{t-1}, c_t, h_t at character t, labelled by their
    symbols from the notation table (short enough for a phone's seven narrow bars), named on hover."""
    lt = reading.trace.layers[layer]
    vals = [float(np.asarray(getattr(lt, n))[t, unit]) for n in STEP_BARS]
    fig = go.Figure(
        go.Bar(
            x=[notation.html(n, "standard") for n in STEP_BARS],
            y=vals,
            text=[f"{v:.3f}" for v in vals],
            textposition="outside",
            marker_color=[notation.colour(n) for n in STEP_BARS],  # each quantity in its colour everywhere
            customdata=[notation.title(n, "standard") for n in STEP_BARS],
            hovertemplate="%{customdata}: %{y:.4f}<extra></extra>",
        )
    )
    top = max(1.0, max(abs(v) for v in vals) * 1.25)
    fig.update_yaxes(range=[-top, top], zeroline=True)
    fig.update_layout(
        title=dict(text=f"Unit {unit} at character {t} (“{shown(reading.text[t])}”)", font=dict(size=13)),
        height=260,
        margin=dict(l=40, r=20, t=50, b=40),
    )
    return fig


def bits_curve_figure(bits: np.ndarray, baseline: float | None = None) -> go.Figure:
    """Training loss per step in bits per character, with the unigram baseline as a dashed line."""
    fig = go.Figure(go.Scatter(y=bits, x=np.arange(1, len(bits) + 1), mode="lines", name="training batch"))
    if baseline is not None:
        fig.add_hline(y=baseline, line_dash="dash", annotation_text=f"unigram {baseline:.2f}")
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(title_text="bits per character", rangemode="tozero")
    fig.update_layout(height=280, margin=dict(l=50, r=20, t=30, b=40), showlegend=False)
    return fig
