"""The Gate lab's before/after figure: what a change to the gates does to the long-term memory.

``gate_lab_figure(before, after, vocabulary, …)`` draws one column per unit (or ``columns`` units per
row of panels, for a narrow screen). The top row holds the
memory of the untouched random cell (``before``: dashed, grey) and of the changed cell (``after``: solid,
in the memory's notation colour), each starting at x = −1 (tick "start") with the starting memory
c_prev[0] and then following c_t, so a memory wiped at the first step shows as a drop; the unit's memory
half-life is written in the corner. The bottom row holds the changed cell's gates f, i, g, o over time.

Every label, symbol and colour comes from ``ui.notation``. Pure Plotly: the figure only reads the
traces (and the half-lives the page computed); it computes no maths.

Each Plotly trace carries ``meta = {"key": <notation key>, "run": "before" | "after", "unit": j}`` so
tests and other code can find it without parsing legend text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import cells
from lstm_core.experiments import describe_half_life
from lstm_core.trace import Trace
from ui import notation

GATE_KEYS = ("f", "i", "g", "o")  # forget first: it is the gate the memory curve answers to
# Drawn widest first, so gates on the same value (saturated: several at 1) stay visible as nested lines.
GATE_WIDTH = {"f": 5.0, "i": 3.8, "g": 2.7, "o": 1.8}
BEFORE_COLOUR = notation.OKABE_ITO["grey"]
ROW_HEIGHT_PX = 230


def _check_pair(before: Trace, after: Trace, layer: int) -> None:
    if before.T != after.T or before.hidden_size != after.hidden_size:
        raise ValueError(
            f"before and after must cover the same steps and units; got T={before.T}, H={before.hidden_size} "
            f"and T={after.T}, H={after.hidden_size}"
        )
    if not -after.num_layers <= layer < after.num_layers:
        raise IndexError(f"layer {layer} is outside 0..{after.num_layers - 1}")


def gate_lab_figure(
    before: Trace,
    after: Trace,
    vocabulary: str,
    layer: int = 0,
    half_lives: Sequence[float] | None = None,
    clamp: Mapping[str, float] | None = None,
    columns: int | None = None,
) -> go.Figure:
    """Memory before and after the change, and the changed cell's gates, one column per unit.

    before: the trace of the untouched cell; after: the trace of the changed cell, same input and size.
    half_lives: (H,) the changed cell's memory half-life per unit, in steps (``inf`` = never), shown in
        each memory panel; None shows none.
    clamp: the gates clamped in the changed run and their values, named in the legend.
    columns: units side by side (None: all H); more units go on to further pairs of rows, so that a
        phone's panels stay wide enough for their half-life and ticks.
    """
    _check_pair(before, after, layer)
    notation.names("x", vocabulary)  # a clear ValueError for an unknown vocabulary
    variant, clamp = after.variant, dict(clamp or {})
    b, a = before.layers[layer], after.layers[layer]
    H, T = a.hidden_size, a.T
    steps = np.arange(T)
    start_and_steps = np.arange(-1, T)  # the memory curves begin at the starting memory, drawn at "start"
    c_name = notation.title("c", vocabulary, variant)
    cols = H if columns is None else max(1, min(columns, H))
    blocks = -(-H // cols)  # pairs of rows: the memories, then the gates, of up to ``cols`` units
    titles = []
    for block in range(blocks):
        units = range(block * cols, (block + 1) * cols)
        titles += [f"unit {j}" if j < H else "" for j in units] + [""] * cols

    fig = make_subplots(
        rows=2 * blocks,
        cols=cols,
        shared_xaxes=True,
        shared_yaxes=True,
        vertical_spacing=0.1 / blocks,
        horizontal_spacing=0.04 if cols > 1 else 0.0,
        subplot_titles=titles,
    )
    c_colour = notation.colour("c")
    for j in range(H):
        first = j == 0
        c_row, col = 2 * (j // cols) + 1, j % cols + 1
        hover = f"unit {j}<br>t = %{{x}}<br>%{{y:.4f}}<extra>%{{fullData.name}}</extra>"
        fig.add_trace(
            go.Scatter(
                x=start_and_steps,
                y=np.r_[b.c_prev[0, j], b.c[:, j]],
                mode="lines",
                line=dict(color=BEFORE_COLOUR, dash="dash", width=2),
                name=f"{c_name}, before the change",
                legendgroup="c:before",
                showlegend=first,
                hovertemplate=hover,
                meta={"key": "c", "run": "before", "unit": j},
            ),
            row=c_row,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=start_and_steps,
                y=np.r_[a.c_prev[0, j], a.c[:, j]],
                mode="lines+markers",
                marker=dict(size=4),
                line=dict(color=c_colour, width=3),
                name=f"{c_name}, after the change",
                legendgroup="c:after",
                showlegend=first,
                hovertemplate=hover,
                meta={"key": "c", "run": "after", "unit": j},
            ),
            row=c_row,
            col=col,
        )
        for key in GATE_KEYS:
            label = notation.title(key, vocabulary, variant)
            if key in clamp:
                label += f" (clamped to {clamp[key]:g})"
            elif key in cells.get(variant).fixed:
                label += " (≡ 1: this variant has none)"
            fig.add_trace(
                go.Scatter(
                    x=steps,
                    y=getattr(a, key)[:, j],
                    mode="lines",
                    line=dict(
                        color=notation.colour(key),
                        width=GATE_WIDTH[key],
                        dash="dot" if key in clamp else None,
                    ),
                    name=label,
                    legendgroup=f"gate:{key}",
                    showlegend=first,
                    hovertemplate=hover,
                    meta={"key": key, "run": "after", "unit": j},
                ),
                row=c_row + 1,
                col=col,
            )
        if half_lives is not None:
            fig.add_annotation(
                text=f"half-life: <b>{describe_half_life(half_lives[j])}</b>",
                xref="x domain",
                yref="y domain",
                row=c_row,
                col=col,
                x=0.98,
                y=0.96,
                xanchor="right",
                yanchor="top",
                showarrow=False,
                bgcolor="rgba(255,255,255,0.85)",
                bordercolor=c_colour,
                borderwidth=1,
                font=dict(size=12, color="#222222"),
                name=f"half_life:{j}",
            )

    lo = float(min(b.c.min(), a.c.min(), a.c_prev[0].min(), -0.1))
    hi = float(max(b.c.max(), a.c.max(), a.c_prev[0].max(), 0.1))
    pad = 0.08 * (hi - lo)
    for c_row in range(1, 2 * blocks, 2):
        fig.update_yaxes(range=[lo - pad, hi + pad * 3], row=c_row, zeroline=True, zerolinecolor="#BBBBBB")
        fig.update_yaxes(range=[-1.08, 1.08], row=c_row + 1, zeroline=True, zerolinecolor="#BBBBBB")
        fig.update_yaxes(title_text=notation.html("c", vocabulary, variant), row=c_row, col=1)
        fig.update_yaxes(title_text="gates", row=c_row + 1, col=1)
    tick_step = max(2, int(np.ceil(T / (6 if columns is None else 3))))  # fewer on a narrow panel
    ticks = range(tick_step, T, tick_step)  # 0 is left out: it would collide with "start"
    fig.update_xaxes(
        range=[-1.5, T - 0.5],
        tickvals=[-1, *ticks],
        ticktext=["start", *(str(t) for t in ticks)],
        tickangle=0,
        gridcolor="#EEEEEE",
    )
    fig.update_xaxes(title_text="time step t", row=2 * blocks)
    fig.update_layout(
        height=2 * blocks * ROW_HEIGHT_PX + 150,
        margin=dict(l=60, r=20, t=110, b=50),
        template="plotly_white",
        legend=dict(orientation="h", yanchor="bottom", y=1.08, x=0, xanchor="left", font=dict(size=12)),
        hovermode="closest",
    )
    return fig
