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
returns them). ``columns`` (both figures) puts at most that many variants side by side and wraps the rest
onto further blocks of rows (``Grid``), with short headings: a phone's six columns would be ~50 px wide.
Labels, symbols and colours come from ``ui.notation``. Pure Plotly, no Streamlit, no maths.

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
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import cells
from lstm_core.trace import Trace
from ui import notation
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


def variant_title(variant: str, vocabulary: str, short: bool = False) -> str:
    """'<b>peephole</b><br>Gers & Schmidhuber (2000)<br>the gates also read …': a column's heading, each
    part broken into lines of at most ``TITLE_CHARS`` characters; short: the name alone."""
    if short:
        return f"<b>{variant}</b>"
    parts = notation.variant_title(variant, vocabulary).split(": ", 1)
    small = "<br>".join(
        f"<span style='font-size:11px'>{'<br>'.join(textwrap.wrap(part, TITLE_CHARS))}</span>"
        for part in parts
    )
    return f"<b>{variant}</b><br>{small}"


def _heading_px(variants, short: bool = False) -> int:
    """The top margin the columns' headings need: 14 px a line, and room for the figure above them."""
    return 40 + 14 * max(variant_title(v, "udacity", short).count("<br>") + 1 for v in variants)


SPACER_PX = 80  # between two blocks of a wrapped grid: the upper block's time axis, the lower one's headings
STATE_ROW_PX = 150  # a c or h panel's height in a wrapped grid


@dataclass(frozen=True)
class Grid:
    """Where each variant's panels go: ``cols`` variants side by side with ``rows`` panels each, top to
    bottom; further variants wrap onto further blocks of rows, an empty spacer row between two blocks."""

    variants: int
    rows: int
    cols: int

    @classmethod
    def of(cls, variants: int, rows: int, columns: int | None) -> Grid:
        return cls(variants, rows, variants if columns is None else max(1, min(columns, variants)))

    @property
    def blocks(self) -> int:
        return -(-self.variants // self.cols)

    @property
    def wrapped(self) -> bool:
        return self.blocks > 1

    def cell(self, v: int, row: int = 1) -> tuple[int, int]:
        """(figure row, figure column), 1-based, of panel ``row`` (1-based) of the ``v``-th variant."""
        return (v // self.cols) * (self.rows + 1) + row, v % self.cols + 1

    def subplots(self, titles: list[str], row_px: int, **kwargs) -> go.Figure:
        """``make_subplots`` of the grid, ``titles[v]`` over each variant's top panel."""
        if not self.wrapped:
            return make_subplots(
                rows=self.rows,
                cols=self.cols,
                subplot_titles=titles + [""] * (self.cols * (self.rows - 1)),
                **kwargs,
            )
        specs, heights, grid_titles = [], [], []
        for block in range(self.blocks):
            present = [block * self.cols + k < self.variants for k in range(self.cols)]
            if block:
                specs.append([None] * self.cols)
                heights.append(SPACER_PX)
            for row in range(self.rows):
                specs.append([{} if here else None for here in present])
                heights.append(row_px)
                for k, here in enumerate(present):
                    if here:
                        grid_titles.append(titles[block * self.cols + k] if row == 0 else "")
        kwargs["vertical_spacing"] = 6 / sum(heights)
        return make_subplots(
            rows=len(specs),
            cols=self.cols,
            specs=specs,
            row_heights=heights,
            subplot_titles=grid_titles,
            **kwargs,
        )

    def panels_px(self, row_px: int) -> int:
        """The height of every block's panels and the spacers between blocks, at ``row_px`` a panel row."""
        return self.blocks * self.rows * row_px + (self.blocks - 1) * SPACER_PX

    def block_rows(self) -> list[int]:
        """The figure row of each block's first panel row."""
        return [block * (self.rows + 1) + 1 for block in range(self.blocks)]


def _time_marker(fig: go.Figure, t: int | None) -> None:
    """A dotted line at step t in every panel that holds a trace, as ``add_vline(row=, col=)`` draws it,
    set in one assignment: ``add_vline`` re-validates every shape added before, which cost ~0.4 s of the
    page's ~0.8 s at the defaults (42 panels)."""
    if t is None:
        return
    drawn = {(tr.xaxis or "x", tr.yaxis or "y") for tr in fig.data}
    lines = []
    for n in range(1, sum(1 for key in fig.layout if key.startswith("xaxis")) + 1):
        x, y = ("x", "y") if n == 1 else (f"x{n}", f"y{n}")
        if (x, y) in drawn:
            line = dict(color="#888888", width=1, dash="dot")
            lines.append(dict(type="line", x0=t, x1=t, y0=0, y1=1, xref=x, yref=f"{y} domain", line=line))
    fig.update_layout(shapes=[*fig.layout.shapes, *lines])


def _add_annotations(fig: go.Figure, notes: list[dict]) -> None:
    """Add the notes and labels in one assignment (``add_annotation`` re-validates all the earlier ones)."""
    fig.update_layout(annotations=[*fig.layout.annotations, *notes])


def compare_states_figure(
    traces: Mapping[str, Trace],
    vocabulary: str,
    layer: int = -1,
    t: int | None = None,
    columns: int | None = None,
    names_only: bool = False,
) -> go.Figure:
    """c_t (top row) and h_t (bottom row) of every unit over time, one column per variant (or ``columns``
    variants a block of rows).

    Lines are per unit, in the quantity's notation colour; y axes are shared along a row so a variant
    whose memory runs away (no_forget) stands out. t: a dotted marker at that step, or None.
    names_only: each column headed by its variant's name alone, as a wrapped grid is (presenter mode's
    larger type cannot fit six origins side by side).
    """
    variants = _variants(traces)
    notation.names("x", vocabulary)
    grid = Grid.of(len(variants), len(STATE_KEYS), columns)
    short = grid.wrapped or names_only
    fig = grid.subplots(
        [variant_title(v, vocabulary, short) for v in variants],
        STATE_ROW_PX,
        shared_xaxes=True,
        shared_yaxes=True,
        vertical_spacing=0.1,
        horizontal_spacing=0.03,
    )
    notes: list[dict] = []
    for v, variant in enumerate(variants):
        lt = traces[variant].layers[layer]
        steps = np.arange(lt.T)
        for panel, key in enumerate(STATE_KEYS, start=1):
            row, col = grid.cell(v, panel)
            if key not in panels(variant).states:
                text = no_state_note(variant, key, vocabulary, short)
                notes.append(_note(fig, (row, col), text, key, variant, 10 if short else 11))
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
                        showlegend=v == 0 and j == 0,
                        hovertemplate=f"{variant}<br>unit {j}<br>t = %{{x}}<br>%{{y:.4f}}"
                        f"<extra>{notation.html(key, vocabulary, variant)}</extra>",
                        meta={"variant": variant, "key": key, "unit": j},
                    ),
                    row=row,
                    col=col,
                )
    for first in grid.block_rows():
        for panel, key in enumerate(STATE_KEYS):
            fig.update_yaxes(title_text=notation.html(key, vocabulary), row=first + panel, col=1)
    fig.update_yaxes(zeroline=True, zerolinecolor="#BBBBBB", gridcolor="#EEEEEE")
    fig.update_xaxes(gridcolor="#EEEEEE")
    _time_axes(fig, grid, [len(STATE_KEYS)] * len(variants))
    _add_annotations(fig, notes)
    _time_marker(fig, t)
    heading = _heading_px(variants, short)
    if grid.wrapped:
        panels_px = grid.panels_px(STATE_ROW_PX)
        legend_y, height = -75 / panels_px, panels_px + heading + 100  # under the last time axis
    else:
        legend_y, height = -0.14, 440 + heading
    fig.update_layout(
        height=height,
        margin=dict(l=60, r=20, t=heading, b=100),
        template="plotly_white",
        legend=dict(orientation="h", yanchor="top", y=legend_y, x=0, xanchor="left"),
    )
    return fig


def _time_axes(fig: go.Figure, grid: Grid, lowest: list[int]) -> None:
    """ "time step t" and its ticks under each variant's lowest panel (``lowest[v]``, 1-based): the last row
    of a one-block grid, the bottom of every block of a wrapped one, or higher up where a GRU's or RNN's
    lower rows are empty (an axis with no trace is not drawn)."""
    if not grid.wrapped:
        fig.update_xaxes(title_text="time step t", row=grid.rows)
    for v, panel in enumerate(lowest):
        if grid.wrapped or panel < grid.rows:
            row, col = grid.cell(v, panel)
            fig.update_xaxes(showticklabels=True, title_text="time step t", row=row, col=col)


def no_forget_note(vocabulary: str, short: bool = False) -> str:
    """'no forget gate: f<sub>t</sub> ≡ 1' in the chosen vocabulary; short: on two lines."""
    return (
        f"no {notation.name('f', vocabulary)}:{'<br>' if short else ' '}{notation.html('f', vocabulary)} ≡ 1"
    )


def no_state_note(variant: str, key: str, vocabulary: str, short: bool = False) -> str:
    """'no cell state:<br>h<sub>t</sub> is the GRU's<br>one memory' in the chosen vocabulary, narrow enough
    for one of six columns; short: 'no cell state:<br>h<sub>t</sub> is its<br>one memory', for a phone's."""
    if short:
        return (
            f"no {notation.name(key, vocabulary)}:<br>{notation.html('h', vocabulary)} is its<br>one memory"
        )
    return (
        f"no {notation.name(key, vocabulary)}:<br>{notation.html('h', vocabulary)} is the "
        f"{variant.upper()}'s<br>one memory"
    )


def _note(fig: go.Figure, cell: tuple[int, int], text: str, key: str, variant: str, size: int = 13) -> dict:
    """A boxed note in place of a panel the cell has no quantity for (for ``_add_annotations``)."""
    return dict(
        text=text,
        **_paper(fig, cell, 0.5, 0.5),
        # explicit: Plotly's "auto" anchors a paper-placed note by its side of the page, not its middle
        xanchor="center",
        yanchor="middle",
        showarrow=False,
        font=dict(size=size, color=notation.colour(key)),
        bordercolor=notation.colour(key),
        borderwidth=1,
        borderpad=6,
        bgcolor="#FFF8EC",
        name=f"note:{variant}:{key}",
    )


def _paper(fig: go.Figure, cell: tuple[int, int], x: float, y: float) -> dict:
    """Paper coordinates of the point (x, y) ∈ [0, 1]² of the subplot at ``cell`` = (row, col), 1-based.

    Paper rather than "x7 domain" references: Plotly.js does not place an annotation on the domain of an
    axis that holds no trace, and the no-forget panel holds none.
    """
    subplot = fig.get_subplot(*cell)
    (x0, x1), (y0, y1) = subplot.xaxis.domain, subplot.yaxis.domain
    return dict(xref="paper", yref="paper", x=x0 + x * (x1 - x0), y=y0 + y * (y1 - y0))


LABEL_BAND_PX = 18  # a panel label's height at 11 px: the blank band a gate heatmap keeps above its units


def _panel_label(fig: go.Figure, cell: tuple[int, int], text: str, key: str, variant: str) -> dict:
    return dict(
        text=text,
        **_paper(fig, cell, 0.01, 1.0),
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
    traces: Mapping[str, Trace],
    vocabulary: str,
    layer: int = -1,
    t: int | None = None,
    columns: int | None = None,
    names_only: bool = False,
) -> go.Figure:
    """One heatmap per gate (rows i, f, g, o, u) and variant (columns, or ``columns`` variants a block of
    rows): units down, time across.

    Each row has its own colour axis (``coloraxis`` for i, ``coloraxis2`` for f, …) in that gate's colour
    from the notation table, the same scale Step through time uses: white → colour on [0, 1] for sigmoid
    gates, vermillion → white → colour on [−1, 1] for g and u. A variant without a gate (no_forget's f)
    gets a note panel in its place. t: a dotted marker at that step, or None. names_only: as in
    ``compare_states_figure``.
    """
    variants = _variants(traces)
    notation.names("x", vocabulary)
    H = next(iter(traces.values())).hidden_size
    row_px = int(np.clip(14 * H, 60, 160)) + LABEL_BAND_PX
    grid = Grid.of(len(variants), len(HEATMAP_KEYS), columns)
    short = grid.wrapped or names_only
    fig = grid.subplots(
        [variant_title(v, vocabulary, short) for v in variants],
        row_px,
        shared_xaxes=True,
        shared_yaxes=True,
        vertical_spacing=0.045,
        horizontal_spacing=0.03,
    )
    notes: list[dict] = []
    for v, variant in enumerate(variants):
        lt = traces[variant].layers[layer]
        units, steps = np.arange(lt.hidden_size), kept_steps(lt.T, t)
        for panel, key in _placed(variant):
            row, col = grid.cell(v, panel)
            symbol = notation.html(key, vocabulary, variant)
            if key in cells.get(variant).fixed:  # no_forget's f ≡ 1
                text = no_forget_note(vocabulary, short)
                notes.append(_note(fig, (row, col), text, key, variant, 11 if short else 13))
                continue
            if symbol != notation.html(HEATMAP_KEYS[panel - 1], vocabulary):
                # the row is labelled with the standard cell's symbol; say where this column differs
                label = notation.title(key, vocabulary, variant)
                notes.append(_panel_label(fig, (row, col), label, key, variant))
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
    for first in grid.block_rows():
        for panel, key in enumerate(HEATMAP_KEYS):
            # the row label names the standard cell's quantity; the Udacity column's u is U_t (see hover)
            fig.update_yaxes(title_text=notation.html(key, vocabulary), row=first + panel, col=1)
    # Unit 0 on top, under a blank band as tall as a panel label, so that a label never hides a unit's row
    band = LABEL_BAND_PX * H / (row_px - LABEL_BAND_PX)
    fig.update_yaxes(range=[H - 0.5, -0.5 - band], showticklabels=False, ticks="")
    fig.update_yaxes(showticklabels=True, col=1, tickvals=list(range(0, H, -(-H // 5))))
    _time_axes(fig, grid, [max(panel for panel, _ in _placed(v)) for v in variants])
    _add_annotations(fig, notes)
    _time_marker(fig, t)
    heading = _heading_px(variants, short)
    panels_px = grid.panels_px(row_px)
    fig.update_layout(
        height=panels_px + 80 + heading,
        margin=dict(l=70, r=20, t=heading, b=50),
        template="plotly_white",
    )
    for panel, key in enumerate(HEATMAP_KEYS, start=1):
        scale, zmin, zmax = colour_scale(key)
        lo, hi = fig.get_subplot(panel, 1).yaxis.domain  # the colour bars sit beside the first block
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
