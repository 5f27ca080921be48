"""The home page's small live picture: both memories of one layer over the whole sequence."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import Trace
from ui import notation


def memories_figure(trace: Trace, vocabulary: str, layer: int = 0) -> go.Figure:
    """Heatmaps units × time of the long-term memory c and the short-term memory h of ``layer``."""
    lt = trace.layers[layer]
    keys = ("c", "h")
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.14,
        subplot_titles=[notation.title(k, vocabulary, trace.variant) for k in keys],
    )
    limit = max(float(abs(lt.c).max()), float(abs(lt.h).max()), 1e-9)
    for col, key in enumerate(keys, start=1):
        symbol = notation.html(key, vocabulary, trace.variant)
        fig.add_trace(
            go.Heatmap(
                z=getattr(lt, key).T,
                coloraxis="coloraxis",
                name=notation.name(key, vocabulary, trace.variant),
                hovertemplate=f"t = %{{x}}<br>unit %{{y}}<br>{symbol} = %{{z:.4g}}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text="time step t", row=1, col=col)
        fig.update_yaxes(title_text="unit" if col == 1 else None, row=1, col=col, autorange="reversed")
    fig.update_layout(
        height=300,
        margin=dict(l=50, r=20, t=50, b=45),
        coloraxis=dict(
            colorscale="RdBu", cmin=-limit, cmax=limit, colorbar=dict(thickness=12, title="value")
        ),
    )
    return fig
