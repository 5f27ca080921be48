"""Compare variants: the same input through the cells, side by side as small multiples.

``compare_states_figure(traces, vocabulary, …)`` puts one column per variant and two rows: the long-term
memory c_t and the short-term memory h_t of every unit over time, on y axes shared along each row so the
variants can be read against each other. A GRU or RNN has no c: its c panel is a note saying so.
``compare_gates_figure(traces, vocabulary, …)`` has the same columns and one heatmap row per LSTM gate (i,
f, g, o and the output's tanh part u), units down, time across. The no_forget cell has no forget gate:
its f panel shows a note ("no forget gate: f ≡ 1") instead of an empty plot. A GRU's or RNN's own gates
(``ui.cell_panels``: r, z, n; the RNN's h) sit in the row of the LSTM quantity whose part each plays, in
their own colours and labelled; its other rows stay empty.

``traces`` maps a variant name to its Trace or CellTrace (as ``lstm_core.experiments.run_matched``
returns them).
Labels, symbols and colours come from ``lstm_core.notation``. Pure Plotly, no Streamlit, no maths.

Line traces carry ``meta = {"variant", "key", "unit"}``, heatmaps ``meta = {"variant", "key"}``; the
no-forget note is the annotation named ``"note:<variant>:f"``, a missing c ``"note:<variant>:c"``.

Long sequences are thinned to what a panel can show (a sixth of the page is a few hundred pixels wide):
over ``MAX_COLUMNS`` steps a heatmap keeps every k-th step (``kept_steps``: always the first, the last and
step t), a line the smallest and the largest value of each run of steps (``envelope_steps``), so no peak
is lost. What is kept is the core's values at those steps, and each trace's x says which steps they are.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import cells, notation
from lstm_core.trace import Trace
from ui.cell_panels import panels
from ui.figures.stepping import colour_scale

STATE_KEYS = ("c", "h")
HEATMAP_KEYS = ("i", "f", "g", "o", "u")
OTHER_GATES = ("r", "z", "n", "h")  # the GRU's and the RNN's heatmaps: each gets a colour axis of its own


def _variants(traces: Mapping[str, Trace]) -> list[str]:
    if not traces:
        raise ValueError("traces is empty; pass one Trace per variant")
    shapes = {(tr.T, tr.hidden_size) for tr in traces.values()}
    if len(shapes) != 1:
        raise ValueError(f"every trace must cover the same steps and units; got (T, H) = {sorted(shapes)}")
    for variant, tr in traces.items():
        if tr.variant != variant:
            raise ValueError(f"traces[{variant!r}] holds a {tr.variant!r} trace")
    return list(traces)


# Steps a panel shows at most: six columns on a 1,400 px page are ~150 px wide each, so 500 is over three
# steps a pixel even on a 4K screen. At 2,000 steps it cuts the page's figures from ~30 MB to ~8 MB.
MAX_COLUMNS = 500


def kept_steps(n: int, t: int | None = None, max_columns: int = MAX_COLUMNS) -> np.ndarray:
    """The steps a heatmap of n steps shows: all of them up to ``max_columns``; beyond, every k-th step
    (k = ⌈n / max_columns⌉) and always the last step and step t, sorted."""
    if n <= max_columns:
        return np.arange(n)
    every = np.arange(0, n, -(-n // max_columns))
    extra = [n - 1] if t is None else [n - 1, int(t)]
    return np.unique(np.concatenate([every, extra]))


def envelope_steps(y: np.ndarray, t: int | None = None, max_points: int = MAX_COLUMNS) -> np.ndarray:
    """The steps a line of ``y`` (T,) shows: all of them up to ``max_points``; beyond, in each of
    ``max_points // 2`` runs of steps the one with the smallest and the one with the largest value, and
    always the first, the last and step t, sorted: the line keeps its peaks."""
    n = len(y)
    if n <= max_points:
        return np.arange(n)
    width = -(-n // (max_points // 2))
    runs = np.full(-(-n // width) * width, np.nan)
    runs[:n] = y
    runs = runs.reshape(-1, width)
    starts = np.arange(0, n, width)
    extra = [0, n - 1] if t is None else [0, n - 1, int(t)]
    return np.unique(
        np.concatenate([starts + np.nanargmin(runs, axis=1), starts + np.nanargmax(runs, axis=1), extra])
    )


TITLE_CHARS = 24  # a heading's line at most: six columns of 11 px text side by side must not overlap


def variant_title(variant: str, vocabulary: str) -> str:
    """'<b>peephole</b><br>Gers & Schmidhuber (2000)<br>the gates also read …': a column's heading, each
    part broken into lines of at most ``TITLE_CHARS`` characters."""
    parts = notation.variant_title(variant, vocabulary).split(": ", 1)
    small = "<br>".join(
        f"<span style='font-size:11px'>{'<br>'.join(textwrap.wrap(part, TITLE_CHARS))}</span>"
        for part in parts
    )
    return f"<b>{variant}</b><br>{small}"


def _heading_px(variants) -> int:
    """The top margin the columns' headings need: 14 px a line, and room for the figure above them."""
    return 40 + 14 * max(variant_title(v, "udacity").count("<br>") + 1 for v in variants)


def _time_marker(fig: go.Figure, t: int | None, rows: int, cols: int) -> None:
    """A dotted line at step t in every panel that holds a trace, as ``add_vline(row=, col=)`` draws it,
    set in one assignment: ``add_vline`` re-validates every shape added before, which cost ~0.4 s of the
    page's ~0.8 s at the defaults (42 panels)."""
    if t is None:
        return
    drawn = {(tr.xaxis or "x", tr.yaxis or "y") for tr in fig.data}
    lines = []
    for n in range(1, rows * cols + 1):
        x, y = ("x", "y") if n == 1 else (f"x{n}", f"y{n}")
        if (x, y) in drawn:
            line = dict(color="#888888", width=1, dash="dot")
            lines.append(dict(type="line", x0=t, x1=t, y0=0, y1=1, xref=x, yref=f"{y} domain", line=line))
    fig.update_layout(shapes=[*fig.layout.shapes, *lines])


def _add_annotations(fig: go.Figure, notes: list[dict]) -> None:
    """Add the notes and labels in one assignment (``add_annotation`` re-validates all the earlier ones)."""
    fig.update_layout(annotations=[*fig.layout.annotations, *notes])


def compare_states_figure(
    traces: Mapping[str, Trace], vocabulary: str, layer: int = -1, t: int | None = None
) -> go.Figure:
    """c_t (top row) and h_t (bottom row) of every unit over time, one column per variant.

    Lines are per unit, in the quantity's notation colour; y axes are shared along a row so a variant
    whose memory runs away (no_forget) stands out. t: a dotted marker at that step, or None.
    """
    variants = _variants(traces)
    notation.names("x", vocabulary)
    n = len(variants)
    fig = make_subplots(
        rows=2,
        cols=n,
        shared_xaxes=True,
        shared_yaxes=True,
        vertical_spacing=0.1,
        horizontal_spacing=0.03,
        subplot_titles=[variant_title(v, vocabulary) for v in variants] + [""] * n,
    )
    notes: list[dict] = []
    for col, variant in enumerate(variants, start=1):
        lt = traces[variant].layers[layer]
        steps = np.arange(lt.T)
        for row, key in enumerate(STATE_KEYS, start=1):
            if key not in panels(variant).states:
                notes.append(
                    _note(fig, (row - 1) * n + col, no_state_note(variant, key, vocabulary), key, variant, 11)
                )
                continue
            values = getattr(lt, key)
            label = notation.title(key, vocabulary, variant)
            for j in range(lt.hidden_size):
                kept = envelope_steps(values[:, j], t)
                fig.add_trace(
                    go.Scatter(
                        x=steps[kept],
                        y=values[kept, j],
                        mode="lines",
                        line=dict(color=notation.colour(key), width=1.8),
                        opacity=0.9,
                        name=label,
                        legendgroup=key,
                        showlegend=col == 1 and j == 0,
                        hovertemplate=f"{variant}<br>unit {j}<br>t = %{{x}}<br>%{{y:.4f}}"
                        f"<extra>{notation.html(key, vocabulary, variant)}</extra>",
                        meta={"variant": variant, "key": key, "unit": j},
                    ),
                    row=row,
                    col=col,
                )
    for row, key in enumerate(STATE_KEYS, start=1):
        fig.update_yaxes(title_text=notation.html(key, vocabulary), row=row, col=1)
    fig.update_yaxes(zeroline=True, zerolinecolor="#BBBBBB", gridcolor="#EEEEEE")
    fig.update_xaxes(title_text="time step t", row=2, gridcolor="#EEEEEE")
    _add_annotations(fig, notes)
    _time_marker(fig, t, 2, n)
    fig.update_layout(
        height=440 + _heading_px(variants),
        margin=dict(l=60, r=20, t=_heading_px(variants), b=100),
        template="plotly_white",
        legend=dict(orientation="h", yanchor="top", y=-0.14, x=0, xanchor="left"),
    )
    return fig


def no_forget_note(vocabulary: str) -> str:
    """'no forget gate: f<sub>t</sub> ≡ 1' in the chosen vocabulary."""
    return f"no {notation.name('f', vocabulary)}: {notation.html('f', vocabulary)} ≡ 1"


def no_state_note(variant: str, key: str, vocabulary: str) -> str:
    """'no cell state:<br>h<sub>t</sub> is the GRU's<br>one memory' in the chosen vocabulary, narrow enough
    for one of six columns."""
    return (
        f"no {notation.name(key, vocabulary)}:<br>{notation.html('h', vocabulary)} is the "
        f"{variant.upper()}'s<br>one memory"
    )


def _note(fig: go.Figure, axis: int, text: str, key: str, variant: str, size: int = 13) -> dict:
    """A boxed note in place of a panel the cell has no quantity for (for ``_add_annotations``)."""
    return dict(
        text=text,
        **_paper(fig, axis, 0.5, 0.5),
        showarrow=False,
        font=dict(size=size, color=notation.colour(key)),
        bordercolor=notation.colour(key),
        borderwidth=1,
        borderpad=6,
        bgcolor="#FFF8EC",
        name=f"note:{variant}:{key}",
    )


def _paper(fig: go.Figure, axis: int, x: float, y: float) -> dict:
    """Paper coordinates of the point (x, y) ∈ [0, 1]² of subplot number ``axis`` (1-based, row by row).

    Paper rather than "x7 domain" references: Plotly.js does not place an annotation on the domain of an
    axis that holds no trace, and the no-forget panel holds none.
    """
    suffix = "" if axis == 1 else str(axis)
    (x0, x1), (y0, y1) = fig.layout[f"xaxis{suffix}"].domain, fig.layout[f"yaxis{suffix}"].domain
    return dict(xref="paper", yref="paper", x=x0 + x * (x1 - x0), y=y0 + y * (y1 - y0))


def _panel_label(fig: go.Figure, axis: int, text: str, key: str, variant: str) -> dict:
    return dict(
        text=text,
        **_paper(fig, axis, 0.01, 0.97),
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font=dict(size=11, color="#111111"),
        bgcolor="rgba(255,255,255,0.85)",
        name=f"label:{variant}:{key}",
    )


def _axis(key: str) -> str:
    """The colour axis of a gate: one per gate, so each gate keeps its own colour."""
    index = (*HEATMAP_KEYS, *OTHER_GATES).index(key) + 1
    return "coloraxis" if index == 1 else f"coloraxis{index}"


def _placed(variant: str) -> list[tuple[int, str]]:
    """(row, key) of each heatmap of ``variant``'s column: an LSTM fills every row with its own quantity;
    a GRU or RNN puts each gate in the row of the LSTM quantity it is ``like`` (``ui.cell_panels``)."""
    cell = panels(variant)
    if not cell.like:
        return list(enumerate(HEATMAP_KEYS, start=1))
    return [(HEATMAP_KEYS.index(like) + 1, key) for key, like in zip(cell.gates, cell.like, strict=True)]


def compare_gates_figure(
    traces: Mapping[str, Trace], vocabulary: str, layer: int = -1, t: int | None = None
) -> go.Figure:
    """One heatmap per gate (rows i, f, g, o, u) and variant (columns): units down, time across.

    Each row has its own colour axis (``coloraxis`` for i, ``coloraxis2`` for f, …) in that gate's colour
    from the notation table, the same scale Step through time uses: white → colour on [0, 1] for sigmoid
    gates, vermillion → white → colour on [−1, 1] for g and u. A variant without a gate (no_forget's f)
    gets a note panel in its place. t: a dotted marker at that step, or None.
    """
    variants = _variants(traces)
    notation.names("x", vocabulary)
    n, rows = len(variants), len(HEATMAP_KEYS)
    fig = make_subplots(
        rows=rows,
        cols=n,
        shared_xaxes=True,
        shared_yaxes=True,
        vertical_spacing=0.045,
        horizontal_spacing=0.03,
        subplot_titles=[variant_title(v, vocabulary) for v in variants] + [""] * (n * (rows - 1)),
    )
    notes: list[dict] = []
    for col, variant in enumerate(variants, start=1):
        lt = traces[variant].layers[layer]
        units, steps = np.arange(lt.hidden_size), kept_steps(lt.T, t)
        for row, key in _placed(variant):
            symbol = notation.html(key, vocabulary, variant)
            if key in cells.get(variant).fixed:  # no_forget's f ≡ 1
                notes.append(_note(fig, (row - 1) * n + col, no_forget_note(vocabulary), key, variant))
                continue
            if symbol != notation.html(HEATMAP_KEYS[row - 1], vocabulary):
                # the row is labelled with the standard cell's symbol; say where this column differs
                label = notation.title(key, vocabulary, variant)
                notes.append(_panel_label(fig, (row - 1) * n + col, label, key, variant))
            fig.add_trace(
                go.Heatmap(
                    z=getattr(lt, key)[steps].T,
                    x=steps,
                    y=units,
                    coloraxis=_axis(key),
                    name=notation.title(key, vocabulary, variant),
                    hovertemplate=f"{variant}<br>unit %{{y}}<br>t = %{{x}}<br>%{{z:.4f}}"
                    f"<extra>{symbol}</extra>",
                    meta={"variant": variant, "key": key},
                ),
                row=row,
                col=col,
            )
    for row, key in enumerate(HEATMAP_KEYS, start=1):
        # the row label names the standard cell's quantity; the Udacity column's u is U_t (see hover)
        fig.update_yaxes(title_text=notation.html(key, vocabulary), row=row, col=1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, ticks="")
    fig.update_yaxes(showticklabels=True, col=1, tickmode="auto", nticks=5)
    fig.update_xaxes(title_text="time step t", row=rows)
    for col, variant in enumerate(variants, start=1):  # a column whose bottom rows are empty: time under
        lowest = max(
            row for row, _ in _placed(variant)
        )  # its lowest heatmap (an axis with no trace is not drawn)
        if lowest < rows:
            fig.update_xaxes(showticklabels=True, title_text="time step t", row=lowest, col=col)
    _add_annotations(fig, notes)
    _time_marker(fig, t, rows, n)
    H = next(iter(traces.values())).hidden_size
    row_px = int(np.clip(14 * H, 60, 160))
    fig.update_layout(
        height=rows * row_px + 80 + _heading_px(variants),
        margin=dict(l=70, r=20, t=_heading_px(variants), b=50),
        template="plotly_white",
    )
    for row, key in enumerate(HEATMAP_KEYS, start=1):
        scale, zmin, zmax = colour_scale(key)
        lo, hi = fig.layout[f"yaxis{(row - 1) * n + 1}"].domain
        fig.update_layout(
            {
                _axis(key): dict(
                    colorscale=scale,
                    cmin=zmin,
                    cmax=zmax,
                    # only the ends ticked: a row can be 60 px tall, too short for Plotly's automatic ticks
                    colorbar=dict(
                        title=notation.html(key, vocabulary),
                        len=hi - lo,
                        y=(lo + hi) / 2,
                        x=1.01,
                        tickvals=[zmin, zmax],
                        thickness=12,
                    ),
                )
            }
        )
    # A GRU's or RNN's gate shares its row's range (``like``), so the row's colour bar reads it too.
    for key in sorted({key for v in variants for _, key in _placed(v)} & set(OTHER_GATES)):
        scale, zmin, zmax = colour_scale(key)
        fig.update_layout({_axis(key): dict(colorscale=scale, cmin=zmin, cmax=zmax, showscale=False)})
    return fig
