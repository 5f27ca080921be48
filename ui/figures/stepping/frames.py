"""The stepping figure's animation: which steps get a frame (``frame_steps``), and the traces that depend
on t (``dynamic_traces``: the state bars, the split's ticks, the current-step markers and dots), which
both the figure's state at t and every frame are built from."""

from __future__ import annotations

import math

import numpy as np

from ui import notation
from ui.cell_panels import CellPanels
from ui.figures.stepping.traces import Names

MAX_FRAMES = 400  # animation frames at most (plus t and the last step); longer sequences skip steps
# On a sequence that skips steps, every step this near the anchor gets a frame too: Next, Previous and the
# keys move one step at a time, so the figure (8.7 MB at 2,000 steps × 32 units) is drawn afresh every
# ~30 steps rather than at every step. 60 frames add ~0.35 MB (~4 %) to that figure.
NEAR_FRAMES = 30
GHOST_OPACITY = 0.35
MARKER_COLOUR = "#111111"  # the current-step outline: not a quantity, so not in the notation table

# What a frame updates: the ``meta["role"]`` of every trace that depends on t (the last traces of the figure).
DYNAMIC_ROLES = ("c_prev", "c", "h_prev", "h", "kept", "written", "c_tick", "h_tick", "t_marker", "t_dots")


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


def dynamic_traces(lt, t, names: Names, features, unit, ranges, cell: CellPanels, n_rows, frame=False):
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
