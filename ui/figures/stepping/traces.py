"""The stepping figure's traces that do not depend on t: a heatmap per gate (units × time, and again as a
layout image underneath), the input's lines, one unit's lines; their colour scales, labels and the fixed
axis ranges they are drawn against. Plain dicts; every word and colour from ``ui.notation``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lstm_core.trace import LayerTrace
from ui import notation
from ui.cell_panels import CellPanels, panels
from ui.figures.stepping.layout import MAX_FEATURE_LEGEND, Plan
from ui.figures.stepping.png import colour_mapped, png_data_uri

SCALE_MID = "#ffffff"


def gate_keys(variant: str) -> tuple[str, ...]:
    """The gate heatmaps of a variant (``ui.cell_panels``): f, i, g, o and u for udacity (its U_t has its
    own weights); r, z, n for the GRU; h for the RNN, which has no gates."""
    return panels(variant).gates


def line_keys(variant: str) -> tuple[str, ...]:
    """The quantities of the one-unit panel."""
    return panels(variant).lines


def _padded(lo: float, hi: float, pad: float = 0.08) -> list[float]:
    lo, hi = float(lo), float(hi)
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    span = hi - lo
    return [lo - pad * span, hi + pad * span]


def colour_scale(key: str) -> tuple[list, float, float]:
    """A colour scale ending in the quantity's colour: white → colour on [0, 1] for gates; for the rest
    (g, u, n and an RNN's h, all tanh outputs) vermillion → white → colour on [-1, 1], blue at -1 for h,
    whose own colour is vermillion (both ends alike would hide the sign). Fixed ranges: a colour means
    the same value at every step and in every run."""
    colour = notation.colour(key)
    if notation.quantity(key).kind != "gate":
        vermillion = notation.OKABE_ITO["vermillion"]
        negative = notation.OKABE_ITO["blue"] if colour == vermillion else vermillion
        return [[0.0, negative], [0.5, SCALE_MID], [1.0, colour]], -1.0, 1.0
    return [[0.0, SCALE_MID], [1.0, colour]], 0.0, 1.0


class Names:
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


def heatmaps(lt: LayerTrace, names: Names, gates, plan: Plan) -> list[dict]:
    T, H = lt.T, lt.hidden_size
    out = []
    wide = plan.arrangement == "wide"
    for r, key in enumerate(gates, start=2):
        scale, zmin, zmax = colour_scale(key)
        lo, hi = plan.y_domains[r, 1]
        x_ref, y_ref = plan.ref(r, 1)
        out.append(
            dict(
                type="heatmap",
                z=getattr(lt, key).T.tolist(),  # units × time
                x=list(range(T)),
                y=list(range(H)),
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
                    ypad=0,  # the bar as long as its strip: Plotly's 10 px pads left a projector's 12 px
                    # A short panel has room for two tick labels, not three.
                    tickvals=[zmin, (zmin + zmax) / 2, zmax] if wide else [zmin, zmax],
                    tickfont=dict(size=11),
                    outlinewidth=0,
                ),
                meta={"role": "heatmap", "key": key},
                xaxis=x_ref,
                yaxis=y_ref,
            )
        )
    return out


def heatmap_images(lt: LayerTrace, gates, plan: Plan) -> list[dict]:
    """Each heatmap again as a layout image underneath: Plotly's client-side animation (redraw=False,
    the only fast kind) removes heatmap traces from the screen (plotly.js #4491, plotly.py #2151) while
    their hover keeps working; the image stays, so the panel looks the same during Play."""
    out = []
    for r, key in enumerate(gates, start=2):
        scale, zmin, zmax = colour_scale(key)
        x_ref, y_ref = plan.ref(r, 1)
        out.append(
            dict(
                source=png_data_uri(colour_mapped(getattr(lt, key).T, scale, zmin, zmax)),
                xref=x_ref,
                yref=y_ref,
                x=-0.5,
                y=-0.5,
                sizex=lt.T,
                sizey=lt.hidden_size,
                xanchor="left",
                yanchor="top",
                sizing="stretch",
                layer="below",
                name=f"heatmap:{key}",
            )
        )
    return out


def input_lines(lt: LayerTrace, features, plan: Plan) -> list[dict]:
    ref = plan.ref(plan.n_rows - 1, 1)
    # Beside the panel only in "wide": elsewhere there is no room, and hover names the lines.
    legend = plan.arrangement == "wide" and len(features) <= MAX_FEATURE_LEGEND
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    steps = list(range(lt.T))
    return [
        dict(
            type="scatter",
            x=steps,
            y=lt.x[:, j].tolist(),
            mode="lines",
            name=label,
            line=dict(color=notation.colour("x"), width=2, dash=dashes[j % len(dashes)]),
            hovertemplate=f"{label} = %{{y:.4g}}<br>t = %{{x}}<extra></extra>",
            legend="legend2",
            showlegend=legend,
            meta={"role": "input", "feature": j},
            xaxis=ref[0],
            yaxis=ref[1],
        )
        for j, label in enumerate(features)
    ]


def unit_lines(lt: LayerTrace, names: Names, cell: CellPanels, unit: int, plan: Plan) -> list[dict]:
    ref = plan.ref(plan.n_rows, 1)
    steps = list(range(lt.T))
    states = cell.states
    return [
        dict(
            type="scatter",
            x=steps,
            y=getattr(lt, key)[:, unit].tolist(),
            mode="lines",
            # A projector's legend has room for the symbols only.
            name=names.html(key) if plan.arrangement == "present" else names.title(key),
            line=dict(color=notation.colour(key), width=3.2 if key in states else 1.8),
            hovertemplate=f"{names.html(key)} = %{{y:.4g}}<br>unit {unit}, t = %{{x}}<extra></extra>",
            legend="legend3",
            meta={"role": "unit_line", "key": key, "unit": unit},
            xaxis=ref[0],
            yaxis=ref[1],
        )
        for key in cell.lines
    ]


def feature_labels(lt: LayerTrace, layer: int, names: Names, given: Sequence[str] | None) -> list[str]:
    n_features = lt.x.shape[1]
    if layer > 0:  # an upper layer reads the layer below's output
        return [f"{names.html('h')}[{j}] of layer {layer}" for j in range(n_features)]
    if given is not None:
        if len(given) != n_features:
            raise ValueError(f"{len(given)} feature names for {n_features} input features")
        return [str(n) for n in given]
    return [f"{names.short('x')}[{j}]" for j in range(n_features)]


def axis_ranges(lt: LayerTrace, cell: CellPanels) -> dict[str, list[float]]:
    """Fixed axis ranges over the whole sequence, so bars move against a still scale when animated: one
    per state, wide enough for its previous values and, for the split's state, its two parts."""
    out = {}
    for key in cell.states:
        fields = [key, f"{key}_prev", *(cell.split[1:] if cell.split and cell.split[0] == key else ())]
        largest = max(1.0, *(float(np.abs(getattr(lt, f)).max()) for f in fields))
        out[key] = [-1.08 * largest, 1.08 * largest]
    unit_values = np.concatenate([*(getattr(lt, k).ravel() for k in cell.states), [-1.0, 1.0]])
    return out | {
        "x": _padded(lt.x.min(), lt.x.max()),
        "unit": _padded(unit_values.min(), unit_values.max(), 0.05),
    }
