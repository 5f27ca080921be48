"""Step through time: one Plotly figure whose panels all follow the current step t.

``stepping_figure(trace, t, vocabulary, layer, unit)`` draws, for one layer of a Trace:

- row 1: the long-term memory c_t and the short-term memory h_t as bars per unit, the previous step
  (c_{t-1}, h_{t-1}) as wider faint "ghost" bars behind them; and the split of c_t into what was kept,
  f ⊙ c_{t-1}, and what was written, i ⊙ g, drawn as a small waterfall per unit (kept from 0, written
  starting where kept ends) with c_t marked by a horizontal tick;
- one heatmap units × time per gate: f, i, g, o and, for the udacity cell, u (its U_t has its own
  weights), with the current step outlined; gates on a fixed [0, 1] colour range, g and u on [-1, 1];
- the layer's input over time, every feature as a line, current step marked;
- one unit's f, i, g, o (u for udacity), c and h over time, current step marked.

The figure carries a Plotly animation frame per step (every ``ceil(T / max_frames)``-th step for long
sequences, always including t and the last step), a Play/Pause button and a Plotly slider, so Play runs
in the browser with no server round trip. A frame updates only the traces that depend on t
(``DYNAMIC_ROLES``): the bars, the c_t ticks and the current-step markers, with ``redraw=False`` (fast).
Such an animation wipes heatmap traces off the screen (a plotly.js limitation), so each heatmap also lies
underneath as a layout image of the same colours; the trace stays for its hover and colour bar.

Every label, hover text and colour comes from ``lstm_core.notation``. Pure Plotly, no Streamlit; the
figure only reads the trace. Each Plotly trace carries ``meta = {"role": ..., ...}`` so tests and other
code can find it without parsing legend text.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import notation
from lstm_core.trace import STEP_FIELDS, LayerTrace, Trace

MAX_FRAMES = 400  # animation frames at most (plus t and the last step); longer sequences skip steps
WIDTH_PX = 1400  # the layout is planned for this width; Streamlit stretches it to the container
MARGIN = dict(l=64, r=215, t=200, b=55)
ROW_PX = {"bars": 230, "heat": 80, "x": 140, "unit": 190}
# The gap above each kind of row: room for its title, plus the tick labels of the row above where shown.
GAP_PX = {"heat_after_bars": 72, "heat": 30, "x": 62, "unit": 62}
GHOST_OPACITY = 0.35
MAX_FEATURE_LEGEND = 6  # more input features than fit beside their panel: hover names them instead
MARKER_COLOUR = "#111111"  # the current-step outline: not a quantity, so not in the notation table
SCALE_MID = "#ffffff"
FONT = dict(size=13, color="#222222")
TITLE_FONT = dict(size=14, color="#222222")
SUB = '<br><span style="font-size:12px;color:#555555">'  # a title's second, smaller line

# What a frame updates: the ``meta["role"]`` of every trace that depends on t (the last traces of the figure).
DYNAMIC_ROLES = ("c_prev", "c", "h_prev", "h", "kept", "written", "c_tick", "t_marker", "t_dots")


def gate_keys(variant: str) -> tuple[str, ...]:
    """The gate heatmaps of a variant: f, i, g, o, and u for udacity (its U_t has its own weights)."""
    return ("f", "i", "g", "o", "u") if variant == "udacity" else ("f", "i", "g", "o")


def line_keys(variant: str) -> tuple[str, ...]:
    """The quantities of the one-unit panel."""
    return (*gate_keys(variant), "c", "h")


def frame_steps(T: int, t: int, max_frames: int = MAX_FRAMES) -> tuple[list[int], int]:
    """The steps that get an animation frame, and the stride between them.

    Every step when T ≤ max_frames; else every ``ceil(T / max_frames)``-th step, plus t (so the slider
    can sit on it) and the last step.
    """
    if max_frames < 1:
        raise ValueError(f"max_frames must be at least 1; got {max_frames}")
    stride = max(1, math.ceil(T / max_frames))
    return sorted(set(range(0, T, stride)) | {t, T - 1}), stride


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


def _scale(key: str) -> tuple[list, float, float]:
    """A colour scale ending in the quantity's colour: white → colour on [0, 1] for gates; for g and u
    (kind "squash") vermillion → white → colour on [-1, 1]. Fixed ranges: a colour means the same value
    at every step and in every run."""
    colour = notation.colour(key)
    if notation.quantity(key).kind == "squash":
        return [[0.0, notation.OKABE_ITO["vermillion"]], [0.5, SCALE_MID], [1.0, colour]], -1.0, 1.0
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


class _Layout:
    """Pixel plan of the rows: heights, gaps, and the paper-fraction domains they turn into."""

    def __init__(self, rows: Sequence[str]):
        self.rows = list(rows)
        heights, gaps = [], []
        for r, kind in enumerate(self.rows):
            heights.append(ROW_PX["heat" if kind.startswith("heat:") else kind])
            if r:
                if kind.startswith("heat:"):
                    gaps.append(GAP_PX["heat_after_bars"] if self.rows[r - 1] == "bars" else GAP_PX["heat"])
                else:
                    gaps.append(GAP_PX[kind])
        self.plot_px = sum(heights) + sum(gaps)
        self.height = self.plot_px + MARGIN["t"] + MARGIN["b"]
        self.domains = []
        top = self.plot_px
        for r, h in enumerate(heights):
            if r:
                top -= gaps[r - 1]
            self.domains.append([(top - h) / self.plot_px, top / self.plot_px])
            top -= h

    def domain(self, kind: str) -> list[float]:
        return self.domains[self.rows.index(kind)]


def stepping_figure(
    trace: Trace,
    t: int,
    vocabulary: str,
    layer: int = 0,
    unit: int = 0,
    feature_names: Sequence[str] | None = None,
    max_frames: int = MAX_FRAMES,
) -> go.Figure:
    """Every linked view of one layer at step t, with a Plotly animation frame per step (see module doc).

    t: the step shown first, 0 ≤ t < T. layer: which layer, 0 = bottom. unit: the unit of the line panel.
    feature_names: names of the input features for layer 0 (default "x[0]", ... in the vocabulary);
        upper layers read the layer below's h, and are labelled so.
    max_frames: at most this many evenly spaced animation frames (plus t and the last step).
    Raises ValueError for an out-of-range t, layer or unit, or an unknown vocabulary.
    """
    t, layer, unit = _check(trace, t, vocabulary, layer, unit)
    lt = trace.layers[layer]
    T, H = lt.T, lt.hidden_size
    names = _Names(vocabulary, trace.variant)
    gates = gate_keys(trace.variant)
    rows = ["bars", *(f"heat:{k}" for k in gates), "x", "unit"]
    plan = _Layout(rows)
    features = _feature_names(lt, layer, names, feature_names)

    specs = [[{}, {}, {}]] + [[{"colspan": 3}, None, None] for _ in rows[1:]]
    fig = make_subplots(rows=len(rows), cols=3, specs=specs, horizontal_spacing=0.07)
    ranges = _ranges(lt)

    # Static traces first, then the dynamic ones (DYNAMIC_ROLES): a frame's ``traces`` are the last indices.
    _add_heatmaps(fig, lt, names, gates, plan)
    _add_input_lines(fig, lt, features, len(rows) - 1)
    _add_unit_lines(fig, lt, names, unit, len(rows))
    first_dynamic = len(fig.data)
    for tr, (row, col) in _dynamic(lt, t, names, features, unit, ranges, gates, len(rows)):
        fig.add_trace(tr, row=row, col=col)
    dynamic_indices = list(range(first_dynamic, len(fig.data)))

    steps, stride = frame_steps(T, t, max_frames)
    fig.frames = [
        dict(
            name=str(s),
            data=[
                tr for tr, _ in _dynamic(lt, s, names, features, unit, ranges, gates, len(rows), frame=True)
            ],
            traces=dynamic_indices,
        )
        for s in steps
    ]
    _style_axes(fig, plan, ranges, T, H, len(rows))
    _add_titles(fig, plan, names, trace, layer, unit, gates)
    _add_controls(fig, steps, stride, t, T)
    _place_legends(fig, plan)
    fig.update_layout(
        height=plan.height,
        margin=MARGIN,
        barmode="overlay",
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        font=FONT,
        hoverlabel=dict(font_size=13),
        title=dict(
            text=(
                f"<b>{trace.variant}</b> cell, layer {layer + 1} of {trace.num_layers}: {T} steps × {H} units"
            ),
            x=0.0,
            xanchor="left",
            y=1.0,
            yanchor="top",
            yref="container",
            pad=dict(t=12, l=8),
            font=dict(size=16),
        ),
    )
    return fig


def _feature_names(lt: LayerTrace, layer: int, names: _Names, given: Sequence[str] | None) -> list[str]:
    n_features = lt.x.shape[1]
    if layer > 0:  # an upper layer reads the layer below's output
        return [f"{names.html('h')}[{j}] of layer {layer}" for j in range(n_features)]
    if given is not None:
        if len(given) != n_features:
            raise ValueError(f"{len(given)} feature names for {n_features} input features")
        return [str(n) for n in given]
    return [f"{names.short('x')}[{j}]" for j in range(n_features)]


def _ranges(lt: LayerTrace) -> dict[str, list[float]]:
    """Fixed axis ranges over the whole sequence, so bars move against a still scale when animated."""
    memory = max(
        1.0,
        float(np.abs(lt.c).max()),
        float(np.abs(lt.c_prev).max()),
        float(np.abs(lt.kept).max()),
        float(np.abs(lt.written).max()),
    )
    state = max(1.0, float(np.abs(lt.h).max()), float(np.abs(lt.h_prev).max()))
    unit_values = np.concatenate([lt.c.ravel(), lt.h.ravel(), [-1.0, 1.0]])
    return {
        "c": [-1.08 * memory, 1.08 * memory],
        "h": [-1.08 * state, 1.08 * state],
        "x": _padded(lt.x.min(), lt.x.max()),
        "unit": _padded(unit_values.min(), unit_values.max(), 0.05),
    }


def _dynamic(lt, t, names: _Names, features, unit, ranges, gates, n_rows, frame=False):
    """The traces that depend on t as plain dicts, each with its (row, col); ``frame=True`` leaves out
    what never changes.

    Both the figure's first state and every animation frame come from here, so they cannot disagree.
    Plain dicts, not graph objects: a long sequence has hundreds of frames, and building and validating
    a graph object per trace per frame would take seconds.
    """
    units = np.arange(lt.hidden_size)
    full = not frame
    out = []

    def add(spec: dict, row: int, col: int, **static) -> None:
        if full:
            spec.update(static)
        out.append((spec, (row, col)))

    def bar(key, values, width, opacity, col, offset=None, base=None):
        spec = dict(type="bar", y=values)
        if base is None:
            spec["hovertemplate"] = f"{names.html(key)} = %{{y:.4g}}<br>unit %{{x}}, t = {t}<extra></extra>"
        else:  # with a base, Plotly's %{y} is the bar's top: show the value itself from customdata
            spec.update(
                base=base,
                customdata=values,
                hovertemplate=(
                    f"{names.html(key)} = %{{customdata:.4g}}<br>unit %{{x}}, t = {t}<extra></extra>"
                ),
            )
        add(
            spec,
            1,
            col,
            x=units,
            name=names.title(key),
            width=width,
            offset=offset,
            opacity=opacity,
            marker=dict(color=notation.colour(key), line=dict(width=0)),
            showlegend=False,  # the panel titles name the bars, in their colours
            meta={"role": key},
        )

    bar("c_prev", lt.c_prev[t], 0.8, GHOST_OPACITY, 1)
    bar("c", lt.c[t], 0.5, 1.0, 1)
    bar("h_prev", lt.h_prev[t], 0.8, GHOST_OPACITY, 2)
    bar("h", lt.h[t], 0.5, 1.0, 2)
    bar("kept", lt.kept[t], 0.4, 1.0, 3, offset=-0.4)
    bar("written", lt.written[t], 0.4, 1.0, 3, offset=0.0, base=lt.kept[t])
    add(
        dict(
            type="scatter",
            y=lt.c[t],
            hovertemplate=f"{names.html('c')} = %{{y:.4g}}<br>unit %{{x}}, t = {t}<extra></extra>",
        ),
        1,
        3,
        x=units,
        mode="markers",
        marker=dict(
            symbol="line-ew",
            size=int(np.clip(300 / lt.hidden_size, 8, 34)),
            line=dict(width=3, color=notation.colour("c")),
        ),
        name=names.title("c"),
        showlegend=False,
        meta={"role": "c_tick"},
    )

    # The current step outlined on every gate heatmap.
    H = lt.hidden_size
    for r, key in enumerate(gates, start=2):
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
    keys = line_keys(lt.variant)
    for row, panel, values, labels, colours, ylim, who in (
        (n_rows - 1, "x", lt.x[t], features, [notation.colour("x")] * len(features), ranges["x"], ""),
        (
            n_rows,
            "unit",
            np.array([getattr(lt, k)[t, unit] for k in keys]),
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
                x=np.full(len(values), t),
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


def _add_heatmaps(fig, lt: LayerTrace, names: _Names, gates, plan: _Layout) -> None:
    T, H = lt.T, lt.hidden_size
    for r, key in enumerate(gates, start=2):
        scale, zmin, zmax = _scale(key)
        lo, hi = plan.domain(f"heat:{key}")
        fig.add_trace(
            go.Heatmap(
                z=getattr(lt, key).T,  # units × time
                x=np.arange(T),
                y=np.arange(H),
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
                    tickvals=[zmin, (zmin + zmax) / 2, zmax],
                    tickfont=dict(size=11),
                    outlinewidth=0,
                ),
                meta={"role": "heatmap", "key": key},
            ),
            row=r,
            col=1,
        )
        # The same picture as a layout image underneath: Plotly's client-side animation (redraw=False,
        # the only fast kind) removes heatmap traces from the screen (plotly.js #4491, plotly.py #2151)
        # while their hover keeps working; the image stays, so the panel looks the same during Play.
        sub = fig.get_subplot(r, 1)
        fig.add_layout_image(
            source=_png_data_uri(_colour_mapped(getattr(lt, key).T, scale, zmin, zmax)),
            xref=sub.xaxis.plotly_name.replace("axis", ""),
            yref=sub.yaxis.plotly_name.replace("axis", ""),
            x=-0.5,
            y=-0.5,
            sizex=T,
            sizey=H,
            xanchor="left",
            yanchor="top",
            sizing="stretch",
            layer="below",
            name=f"heatmap:{key}",
        )


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


def _add_input_lines(fig, lt: LayerTrace, features, row: int) -> None:
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    steps = np.arange(lt.T)
    for j, label in enumerate(features):
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=lt.x[:, j],
                mode="lines",
                name=label,
                line=dict(color=notation.colour("x"), width=2, dash=dashes[j % len(dashes)]),
                hovertemplate=f"{label} = %{{y:.4g}}<br>t = %{{x}}<extra></extra>",
                legend="legend2",
                showlegend=len(features) <= MAX_FEATURE_LEGEND,
                meta={"role": "input", "feature": j},
            ),
            row=row,
            col=1,
        )


def _add_unit_lines(fig, lt: LayerTrace, names: _Names, unit: int, row: int) -> None:
    steps = np.arange(lt.T)
    states = ("c", "h")
    for key in line_keys(lt.variant):
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=getattr(lt, key)[:, unit],
                mode="lines",
                name=names.title(key),
                line=dict(color=notation.colour(key), width=3.2 if key in states else 1.8),
                hovertemplate=f"{names.html(key)} = %{{y:.4g}}<br>unit {unit}, t = %{{x}}<extra></extra>",
                legend="legend3",
                meta={"role": "unit_line", "key": key, "unit": unit},
            ),
            row=row,
            col=1,
        )


def _style_axes(fig, plan: _Layout, ranges, T: int, H: int, n_rows: int) -> None:
    """Every axis in one layout update (one ``update_xaxes`` call per axis costs more than the data)."""
    common = dict(showline=True, linecolor="#bbbbbb", gridcolor="#eeeeee")
    axes: dict[str, dict] = {}

    def axis(row: int, col: int, letter: str, **props) -> None:
        sub = fig.get_subplot(row, col)
        name = (sub.xaxis if letter == "x" else sub.yaxis).plotly_name
        axes[name] = dict(common, **props)

    unit_ticks = dict(tickmode="linear", tick0=0, dtick=1) if H <= 16 else {}
    for col, key in ((1, "c"), (2, "h"), (3, "c")):
        axis(
            1,
            col,
            "x",
            range=[-0.6, H - 0.4],
            title=dict(text="unit", standoff=4),
            zeroline=False,
            **unit_ticks,
        )
        axis(1, col, "y", range=ranges[key], zeroline=True, zerolinecolor="#888888", domain=plan.domains[0])
    # Every time panel shares the first heatmap's x axis: zooming one zooms them all.
    anchor = fig.get_subplot(2, 1).xaxis.plotly_name.replace("axis", "")
    heat_ticks = dict(tickmode="linear", tick0=0, dtick=1) if H <= 5 else dict(nticks=4)
    for r in range(2, n_rows + 1):
        time_axis = dict(range=[-0.5, T - 0.5], zeroline=False, showticklabels=r >= n_rows - 2)
        if r > 2:
            time_axis["matches"] = anchor
        if r >= n_rows - 1:
            time_axis["title"] = dict(text="time step t", standoff=4)
        else:
            time_axis["showgrid"] = False  # no grid lines across the heatmaps
        axis(r, 1, "x", **time_axis)
        domain = plan.domains[r - 1]
        if r < n_rows - 1:
            axis(
                r,
                1,
                "y",
                range=[H - 0.5, -0.5],
                title=dict(text="unit", standoff=2),
                showgrid=False,
                zeroline=False,
                domain=domain,
                **heat_ticks,
            )
    axis(n_rows - 1, 1, "y", range=ranges["x"], domain=plan.domains[n_rows - 2])
    axis(
        n_rows, 1, "y", range=ranges["unit"], zeroline=True, zerolinecolor="#888888", domain=plan.domains[-1]
    )
    fig.update_layout(axes)


def _add_titles(fig, plan: _Layout, names: _Names, trace: Trace, layer, unit, gates) -> None:
    n = names
    bars = plan.domain("bars")
    x_domains = [fig.get_subplot(1, c).xaxis.domain for c in (1, 2, 3)]

    def coloured(text: str, key: str) -> str:
        return f'<b><span style="color:{notation.colour(key)}">{text}</span></b>'

    titles = [
        (x_domains[0], bars[1], f"{coloured(n.title('c'), 'c')}{SUB}faint bars: {n.html('c_prev')}</span>"),
        (x_domains[1], bars[1], f"{coloured(n.title('h'), 'h')}{SUB}faint bars: {n.html('h_prev')}</span>"),
        (
            x_domains[2],
            bars[1],
            f"{coloured(n.html('c'), 'c')} = {coloured(n.html('kept'), 'kept')} + "
            f"{coloured(n.html('written'), 'written')}{SUB}{n.name('kept')}, then {n.name('written')}; "
            f"the tick is {n.html('c')}</span>",
        ),
    ]
    full = fig.get_subplot(2, 1).xaxis.domain
    for key in gates:
        text = f"{n.title(key)}: units × time"
        if key == "f" and trace.variant == "no_forget":
            text += f" (≡ 1: the {trace.variant} cell has no {n.name('f')})"
        titles.append((full, plan.domain(f"heat:{key}")[1], text))
    x_title = n.title("x") if layer == 0 else f"{n.title('x')} = {n.html('h')} of layer {layer}"
    more = "; hover a line for its name" if _n_inputs(fig) > MAX_FEATURE_LEGEND else ""
    titles.append((full, plan.domain("x")[1], f"{x_title}, every feature{more}"))
    titles.append((full, plan.domain("unit")[1], f"unit {unit} over time"))
    for (x0, _), y, text in titles:
        fig.add_annotation(
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


def _n_inputs(fig) -> int:
    return sum(1 for tr in fig.data if tr.meta and tr.meta.get("role") == "input")


def _add_controls(fig, steps: list[int], stride: int, t: int, T: int) -> None:
    frame_ms = int(np.clip(8000 / len(steps), 60, 400))
    start = steps.index(t)
    # Play starts at the step on show (from t, or from the start when t is the last step); after Pause
    # it continues from where it stopped ("fromcurrent").
    play_list = [str(s) for s in (steps[start:] if start < len(steps) - 1 else steps)]
    every = "" if stride == 1 else f" (Play and this slider show one step in {stride})"
    fig.update_layout(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0.0,
                xanchor="left",
                y=1.0,
                yanchor="bottom",
                pad=dict(t=0, b=132),
                showactive=False,
                font=dict(size=13),
                buttons=[
                    dict(
                        label="▶ Play",
                        method="animate",
                        args=[
                            play_list,
                            dict(
                                frame=dict(duration=frame_ms, redraw=False),
                                fromcurrent=True,
                                transition=dict(duration=0),
                                mode="immediate",
                            ),
                        ],
                    ),
                    dict(
                        label="■ Pause",
                        method="animate",
                        args=[
                            [None],
                            dict(
                                frame=dict(duration=0, redraw=False),
                                transition=dict(duration=0),
                                mode="immediate",
                            ),
                        ],
                    ),
                ],
            )
        ],
        sliders=[
            dict(
                active=start,
                x=0.0,
                len=1.0,
                xanchor="left",
                y=1.0,
                yanchor="bottom",
                pad=dict(t=0, b=56, l=0, r=0),
                currentvalue=dict(
                    prefix="step t = ", suffix=f" of 0…{T - 1}{every}", xanchor="right", font=dict(size=13)
                ),
                ticklen=3,
                font=dict(size=10),
                steps=[
                    dict(
                        label=str(s),
                        method="animate",
                        args=[
                            [str(s)],
                            dict(
                                frame=dict(duration=0, redraw=False),
                                transition=dict(duration=0),
                                mode="immediate",
                            ),
                        ],
                    )
                    for s in steps
                ],
            )
        ],
    )


def _place_legends(fig, plan: _Layout) -> None:
    common = dict(
        x=1.01, xanchor="left", yanchor="top", font=dict(size=11), tracegroupgap=2, bgcolor="rgba(0,0,0,0)"
    )
    fig.update_layout(
        legend2=dict(common, y=plan.domain("x")[1]),
        legend3=dict(common, y=plan.domain("unit")[1]),
    )


# The table's quantities: every recorded field but v, which is o in every variant (listed once, as o).
TABLE_KEYS = tuple(k for k in STEP_FIELDS if k != "v")


def trace_table(trace: Trace, layer: int, vocabulary: str) -> pd.DataFrame:
    """One row per (t, unit) of ``layer``, one column per quantity, headed by its symbol in ``vocabulary``
    (``notation.short``; ``table_help`` gives the words). A view of ``trace.to_frame()``: no new numbers."""
    _check(trace, 0, vocabulary, layer, 0)
    tidy = trace.to_frame()
    wide = (
        tidy[(tidy["layer"] == layer) & tidy["quantity"].isin(TABLE_KEYS)]
        .pivot(index=["t", "unit"], columns="quantity", values="value")
        .reindex(columns=list(TABLE_KEYS))
    )
    wide.columns = [notation.short(k, vocabulary, trace.variant) for k in TABLE_KEYS]
    return wide.reset_index()


def table_help(trace: Trace, vocabulary: str) -> dict[str, str]:
    """Column heading of ``trace_table`` → the quantity's name and description, for tooltips."""
    return {
        notation.short(k, vocabulary, trace.variant): (
            f"{notation.name(k, vocabulary, trace.variant)}: {notation.description(k, trace.variant)}"
        )
        for k in TABLE_KEYS
    }
