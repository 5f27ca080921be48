"""Training figures: the loss/accuracy curve and the gradient flow through time. Pure: data in, figure out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui import notation

CELL_COLOURS = {
    "LSTM": notation.OKABE_ITO["blue"],
    "RNN": notation.OKABE_ITO["vermillion"],
    "GRU": notation.OKABE_ITO["green"],
}
_DASH = {"dh": "solid", "dc": "dash"}


def _series(result_like, name: str) -> np.ndarray:
    value = result_like.get(name) if isinstance(result_like, Mapping) else getattr(result_like, name, None)
    return np.asarray([] if value is None else value, dtype=float)


def loss_curve_figure(
    result_like,
    chance: float | None = None,
    title: str = "Training",
    metric_name: str = "accuracy",
    total_steps: int | None = None,
    marks: Sequence[tuple[int, str]] = (),
    baseline: float | None = None,
    chance_label: str = "chance",
) -> go.Figure:
    """Loss (top) and accuracy (bottom) against the training step.

    result_like: a ``TrainResult`` or a mapping with "losses" and "accuracies" (step k is index k - 1).
    chance: the accuracy of the best input-blind guess, drawn as a dotted line named ``chance_label``.
    total_steps: fixes the x range (so a live chart does not rescale while it grows).
    marks: (step, label) pairs drawn as dashed vertical lines through both panels, labelled in the top
    one, e.g. where a run was stopped and later continued. A loss that became infinite (a run that blew
    up) ends the line there.
    baseline: the loss of the naive forecast next = current (the own-series task), drawn as a dotted line
    in the loss panel: below it, the cell does better than copying the current value.
    """
    losses, accuracies = _series(result_like, "losses"), _series(result_like, "accuracies")
    steps = np.arange(1, losses.size + 1)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45])
    fig.add_trace(
        go.Scatter(
            x=steps,
            y=np.where(np.isfinite(losses), losses, np.nan),  # inf on a log axis made its ticks "NaN×10^inf"
            name="loss (batch)",
            mode="lines",
            line=dict(color="#000000"),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=steps,
            y=accuracies,
            name=f"{metric_name} (batch)",
            mode="lines",
            line=dict(color=notation.OKABE_ITO["blue"]),
        ),
        row=2,
        col=1,
    )
    if chance is not None:
        fig.add_hline(
            y=chance,
            line=dict(color=notation.OKABE_ITO["grey"], dash="dot"),
            annotation_text=f"{chance_label} {chance:.0%}",
            annotation_position="top right",  # below, it sat on the time axis's numbers
            row=2,
            col=1,
        )
    if baseline is not None:
        fig.add_hline(
            y=baseline,
            line=dict(color=notation.OKABE_ITO["vermillion"], dash="dot"),
            annotation_text=f"next = current {baseline:.3g}",
            annotation_position="top right",
            row=1,
            col=1,
        )
    for step, label in marks:
        line = dict(color=notation.OKABE_ITO["vermillion"], dash="dash", width=1)
        fig.add_vline(x=step, line=line, annotation_text=label, annotation_position="top left", row=1, col=1)
        fig.add_vline(x=step, line=line, row=2, col=1)
    positive = losses[np.isfinite(losses)]
    if baseline is not None and positive.size:
        positive = np.append(positive, baseline)  # the baseline's line stays inside the range
    if positive.size and positive.min() > 0:
        fig.update_yaxes(title_text="loss", **log_axis(positive), row=1)
    else:
        fig.update_yaxes(title_text="loss", type="linear", row=1)
    fig.update_yaxes(title_text=metric_name, range=[0, 1.02], tickformat=".0%", row=2)
    fig.update_xaxes(title_text="training step", row=2)
    if total_steps:
        fig.update_xaxes(range=[0, max(int(total_steps), 1)])
    fig.update_layout(
        title=title,
        height=500,
        margin=dict(l=60, r=20, t=60, b=50),
        # below the plot: on a phone the two names wrap to two rows, which above it covered its top
        legend=dict(orientation="h", x=0, xanchor="left", y=-0.14, yanchor="top"),
        template="plotly_white",
    )
    return fig


def next_value_figure(x: np.ndarray, prediction: np.ndarray, split: int, names: Sequence[str]) -> go.Figure:
    """The first column of a series, the cell's prediction of each next value and the held-out tail.

    x: (T, I) the series; prediction: (T − 1, I), row t the prediction of x[t + 1]; split: the first
    held-out index (shaded from there on); names: I column names.
    """
    T = x.shape[0]
    fig = go.Figure()
    fig.add_vrect(
        x0=split - 0.5,
        x1=T - 0.5,
        fillcolor=notation.OKABE_ITO["grey"],
        opacity=0.12,
        line_width=0,
        annotation_text="held out",
        annotation_position="bottom left",
    )
    fig.add_trace(
        go.Scatter(x=np.arange(T), y=x[:, 0], name=names[0], mode="lines", line=dict(color="#000000"))
    )
    fig.add_trace(
        go.Scatter(
            x=np.arange(1, T),
            y=prediction[:, 0],
            name="the cell's prediction of the next value",
            mode="lines",
            line=dict(color=notation.OKABE_ITO["blue"], dash="dash"),
        )
    )
    more = f" (column 1 of {x.shape[1]})" if x.shape[1] > 1 else ""
    fig.update_layout(
        title=f"Your series{more} and the trained cell's predictions",
        xaxis_title="time step",
        yaxis_title=names[0],
        height=360,
        margin=dict(l=60, r=20, t=60, b=50),
        legend=dict(orientation="h", y=1.12, x=0),
        template="plotly_white",
    )
    return fig


def gradient_flow_figure(
    norms_by_cell: Mapping[str, Mapping[str, np.ndarray] | np.ndarray],
    quantity: str | tuple[str, ...] = ("dh", "dc"),
    vocabulary: str = "standard",
    title: str = "Gradient flow back through time",
) -> go.Figure:
    """‖∂Loss/∂h_t‖ (and ‖∂Loss/∂c_t‖ where a cell has one) against the distance T - 1 - t from the loss.

    norms_by_cell: cell name ("LSTM", "RNN", "GRU") -> either a (T,) array of norms of ``quantity`` or a
    mapping {"dh": (T,), "dc": (T,) or None}. One line per cell and quantity, on a log y-axis. Titles
    longer than a phone's width break their line with <br>.
    """
    quantities = (quantity,) if isinstance(quantity, str) else tuple(quantity)
    fig = go.Figure()
    for cell, entry in norms_by_cell.items():
        per_q = entry if isinstance(entry, Mapping) else {quantities[0]: entry}
        for q in quantities:
            norms = per_q.get(q)
            if norms is None:
                continue
            norms = np.asarray(norms, dtype=float).ravel()
            T = norms.size
            distance = T - 1 - np.arange(T)
            order = np.argsort(distance)
            state = q[1:]  # "dh" -> "h"
            label = (
                f"{cell}: ‖∂Loss/∂{notation.short(state, vocabulary)}‖ ({notation.name(state, vocabulary)})"
            )
            fig.add_trace(
                go.Scatter(
                    x=distance[order],
                    y=norms[order],
                    name=label,
                    mode="lines+markers",
                    marker=dict(size=4),
                    line=dict(color=CELL_COLOURS.get(cell, "#000000"), dash=_DASH.get(q, "solid")),
                    meta=dict(cell=cell, quantity=q),
                )
            )
    shown = [tr.y for tr in fig.data]
    fig.update_yaxes(
        title_text="gradient norm (log scale)",
        exponentformat="power",
        **log_axis(np.concatenate(shown) if shown else []),
    )
    fig.update_xaxes(title_text="steps back from the loss, T − 1 − t")
    fig.update_layout(
        title=title,
        height=480,
        margin=dict(l=60, r=20, t=80, b=50),  # room for a title in two lines
        # below the plot, in rows: beside it the six long names took half a phone's width from the lines
        legend=dict(orientation="h", x=0, xanchor="left", y=-0.2, yanchor="top"),
        template="plotly_white",
    )
    return fig


def log_axis(values: np.ndarray) -> dict:
    """A log axis over the positive finite ``values``: its range, padded by 5 %, and its ticks.

    A range of our own: Plotly pads a log axis past 1e308 for a value near the float limit, and its ticks
    then read "NaN×10^Infinity". No values to go by: a plain log axis.
    """
    values = np.asarray(values, dtype=float).ravel()
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return dict(type="log")
    lo, hi = np.log10(values.min()), np.log10(values.max())
    pad = max(0.05 * (hi - lo), 0.05)
    return dict(
        type="log",
        range=[lo - pad, min(hi + pad, 307.0)],
        tickvals=_log_ticks(lo - pad, hi + pad),
    )


def _log_ticks(lo: float, hi: float) -> list[float] | None:
    """1, 2 and 5 times each power of ten between 10**lo and 10**hi when they span under three decades,
    else None (Plotly's powers of ten). Within a few decades Plotly labels 2, 3, … 9 between the powers,
    too tight on a phone, and its own "D2" labels them in a smaller font (under 18 px in presenter mode)."""
    if hi - lo >= 3:
        return None
    return [
        m * 10.0**k
        for k in range(int(np.floor(lo)), int(np.ceil(hi)) + 1)
        for m in (1, 2, 5)
        if lo <= np.log10(m * 10.0**k) <= hi
    ]


def grad_norm_steps_figure(series: Mapping[str, np.ndarray], title: str = "Gradient norm per training step"):
    """The whole-model gradient norm (before clipping) at each training step, one line per run, log y."""
    fig = go.Figure()
    colours = [notation.OKABE_ITO[c] for c in ("vermillion", "blue", "green", "purple")]
    for k, (name, norms) in enumerate(series.items()):
        norms = np.asarray(norms, dtype=float)
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, norms.size + 1),
                y=norms,
                name=name,
                mode="lines",
                line=dict(color=colours[k % len(colours)]),
            )
        )
    shown = [tr.y for tr in fig.data]
    fig.update_yaxes(
        title_text="‖gradient‖ before clipping (log scale)",
        **log_axis(np.concatenate(shown) if shown else []),
    )
    fig.update_xaxes(title_text="training step")
    fig.update_layout(
        title=title,
        height=420,
        margin=dict(l=60, r=20, t=60, b=50),
        legend=dict(orientation="h", x=0, xanchor="left", y=-0.22, yanchor="top"),  # not beside: phones
        template="plotly_white",
    )
    return fig
