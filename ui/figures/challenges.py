"""A challenge's goal drawn onto the Gate lab figure (ui/challenges.py defines the goals)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui import notation
from ui.challenges import Target

TARGET_COLOUR = "rgba(0, 158, 115, 0.18)"  # a pale green band: where the curve should run
TARGET_LINE = notation.OKABE_ITO["green"]


def add_target(fig: go.Figure, target: Target | None) -> go.Figure:
    """Draw ``target`` into the first column of a ``gate_lab_figure``: a band lo…hi (a dashed line when
    lo = hi) over its steps, in its row, named in the legend. Returns the same figure."""
    if target is None:
        return fig
    meta = {"key": "target", "run": "goal", "unit": 0}
    if np.allclose(target.lo, target.hi):
        fig.add_trace(
            go.Scatter(
                x=target.t,
                y=target.lo,
                mode="lines",
                line=dict(color=TARGET_LINE, width=3, dash="dash"),
                name=target.label,
                meta=meta,
            ),
            row=target.row,
            col=1,
        )
        return fig
    fig.add_trace(
        go.Scatter(
            x=np.r_[target.t, target.t[::-1]],
            y=np.r_[target.hi, target.lo[::-1]],
            mode="lines",
            fill="toself",
            fillcolor=TARGET_COLOUR,
            line=dict(color=TARGET_LINE, width=1),
            hoverinfo="skip",
            name=target.label,
            meta=meta,
        ),
        row=target.row,
        col=1,
    )
    return fig
