"""The stepping figure's grid: every axis (ranges, ticks, which axes share x), the panel titles, the
legends' places, the figure's title and the default template, all as plain dicts placed by a ``Plan``."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import plotly.graph_objects as go

from lstm_core import cells
from lstm_core.trace import Trace
from ui import notation
from ui.cell_panels import CellPanels
from ui.figures.stepping.layout import MAX_FEATURE_LEGEND, Plan
from ui.figures.stepping.traces import Names

FONT = dict(size=13, color="#222222")
TITLE_FONT = dict(size=14, color="#222222")
SUB = '<br><span style="font-size:12px;color:#555555">'  # a title's second, smaller line


def axis_layout(plan: Plan, ranges, T: int, H: int, top: Sequence[str]) -> dict[str, dict]:
    """Every axis of the layout: where the plan puts it, and how it looks."""
    common = dict(showline=True, linecolor="#bbbbbb", gridcolor="#eeeeee")
    axes: dict[str, dict] = {}
    n_rows, wide = plan.n_rows, plan.arrangement == "wide"

    def axis(row: int, col: int, letter: str, **props) -> None:
        name = plan.name(row, col, letter)
        axes[name] = dict(plan.anchors[name], **common, **props)

    unit_ticks = dict(tickmode="linear", tick0=0, dtick=1) if H <= 16 else {}
    # A bar panel's "unit" axis title: where its panel is tall enough to spare the line ("present": not).
    unit_title = {} if plan.arrangement == "present" else dict(title=dict(text="unit", standoff=4))
    for col, key in enumerate(top, start=1):
        # Stacked bar panels (not "wide") share the units' positions: labelled under the last one only.
        labelled = wide or col == len(top)
        shown = {**unit_title, **unit_ticks} if labelled else dict(showticklabels=False, ticks="")
        axis(1, col, "x", range=[-0.6, H - 0.4], zeroline=False, **shown)
        axis(
            1,
            col,
            "y",
            range=ranges[key],
            zeroline=True,
            zerolinecolor="#888888",
            **({} if wide else dict(nticks=3)),
        )
    # Every time panel shares the first heatmap's x axis: zooming one zooms them all.
    anchor = plan.ref(2, 1)[0]
    if wide:
        heat_ticks = dict(tickmode="linear", tick0=0, dtick=1) if H <= 5 else dict(nticks=4)
    else:  # a short heatmap: its first and last unit
        heat_ticks = dict(tickmode="array", tickvals=sorted({0, H - 1}))
    # Time tick labels: under the last three panels on a desktop; elsewhere, where titles leave no room
    # for them, under the input and the unit panels only.
    ticked = range(n_rows - 2, n_rows + 1) if wide else (n_rows - 1, n_rows)
    for r in range(2, n_rows + 1):
        time_axis = dict(range=[-0.5, T - 0.5], zeroline=False, showticklabels=r in ticked)
        if not wide and r not in ticked:
            time_axis["ticks"] = ""  # tick marks without labels would poke into the next title
        if r > 2:
            time_axis["matches"] = anchor
        if r >= n_rows - 1:
            time_axis["title"] = dict(text="time step t", standoff=4)
        else:
            time_axis["showgrid"] = False  # no grid lines across the heatmaps
        axis(r, 1, "x", **time_axis)
        if r < n_rows - 1:
            heat_title = dict(title=dict(text="unit", standoff=2)) if wide else {}
            axis(r, 1, "y", range=[H - 0.5, -0.5], showgrid=False, zeroline=False, **heat_title, **heat_ticks)
    few = {} if wide else dict(nticks=3)
    axis(n_rows - 1, 1, "y", range=ranges["x"], **few)
    axis(n_rows, 1, "y", range=ranges["unit"], zeroline=True, zerolinecolor="#888888", **few)
    return axes


def panel_titles(plan: Plan, names: Names, trace: Trace, layer, cell: CellPanels, features) -> list[dict]:
    """Each panel's title but the line panel's (``unit_title``), as annotations. A phone's column is
    narrow: a second line there breaks at its "; ". A projector's is short: titles there are one line."""
    n = names

    def coloured(text: str, key: str) -> str:
        return f'<b><span style="color:{notation.colour(key)}">{text}</span></b>'

    def sub(text: str) -> str:
        if plan.arrangement == "present":
            return ""
        if plan.arrangement == "column":
            text = text.replace("; ", ";<br>")
        return f"{SUB}{text}</span>"

    titles = [
        ((1, col), coloured(n.title(key), key) + sub(f"faint bars: {n.html(key + '_prev')}"))
        for col, key in enumerate(cell.states, start=1)
    ]
    if cell.split:
        total, kept, written = cell.split
        titles.append(
            (
                (1, len(cell.states) + 1),
                f"{coloured(n.html(total), total)} = {coloured(n.html(kept), kept)} + "
                f"{coloured(n.html(written), written)}"
                + sub(f"{n.name(kept)}, then {n.name(written)}; the tick is {n.html(total)}"),
            )
        )
    for r, key in enumerate(cell.gates, start=2):
        text = f"{n.title(key)}: units × time"
        if key in cells.get(trace.variant).fixed:
            text += f" (≡ 1: the {trace.variant} cell has no {n.name('f')})"
        titles.append(((r, 1), text))
    x_title = n.title("x") if layer == 0 else f"{n.title('x')} = {n.html('h')} of layer {layer}"
    named = plan.arrangement == "wide" and len(features) <= MAX_FEATURE_LEGEND
    if plan.arrangement == "column":
        more = "" if named else sub("every feature; hover a line for its name")
        titles.append(((plan.n_rows - 1, 1), f"{x_title}{more}"))
    else:
        more = "" if named else "; hover a line for its name"
        titles.append(((plan.n_rows - 1, 1), f"{x_title}, every feature{more}"))
    return [_title(plan.x_domains[p][0], plan.y_domains[p][1], text) for p, text in titles]


def unit_title(plan: Plan, unit: int) -> dict:
    p = (plan.n_rows, 1)
    return _title(plan.x_domains[p][0], plan.y_domains[p][1], f"unit {unit} over time")


def _title(x0: float, y: float, text: str) -> dict:
    """A panel title: an annotation just above the panel's top left corner (paper coordinates)."""
    return dict(
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


def legends(plan: Plan) -> dict:
    """The input's legend and the unit's: beside their panels, or on a phone, the unit's below its panel
    (there is no room beside it), in rows."""
    common = dict(
        x=1.01, xanchor="left", yanchor="top", font=dict(size=11), tracegroupgap=2, bgcolor="rgba(0,0,0,0)"
    )
    x_top, unit = plan.y_domains[plan.n_rows - 1, 1][1], plan.y_domains[plan.n_rows, 1]
    if plan.arrangement == "column":  # under the time axis's tick labels and title
        below = dict(common, orientation="h", x=0, xanchor="left", y=unit[0] - 62 / plan.plot_px)
        return dict(legend2=dict(common, y=x_top), legend3=below)
    if plan.arrangement == "present":  # from the unit's title down, closely packed
        return dict(
            legend2=dict(common, y=x_top),
            legend3=dict(common, y=unit[1] + 28 / plan.plot_px, tracegroupgap=0),
        )
    return dict(legend2=dict(common, y=x_top), legend3=dict(common, y=unit[1]))


def heading(trace: Trace, layer: int, bold: str = "<b>{}</b>") -> str:
    """The figure's title: which cell, which layer, how many steps and units (``bold`` wraps the
    variant: Plotly's <b> by default, "**{}**" for Markdown)."""
    return (
        f"{bold.format(trace.variant)} cell, layer {layer + 1} of {trace.num_layers}: "
        f"{trace.T} steps × {trace.hidden_size} units"
    )


def figure_title(text: str, arrangement: str) -> dict:
    if arrangement == "column":  # a phone's width holds half of it on a line
        text = text.replace(": ", ":<br>", 1)
    return {
        "text": text,
        "x": 0.0,
        "xanchor": "left",
        "y": 1.0,
        "yanchor": "top",
        "yref": "container",
        "pad": {"t": 12, "l": 8},
        "font": {"size": 16},
    }


@functools.lru_cache(maxsize=1)
def template() -> dict:
    """The default Plotly template, as ``go.Figure()`` would carry it (colours of hover boxes, margins
    of axis titles ...): a plain-dict figure gets the same look."""
    return go.Figure().to_plotly_json()["layout"]["template"]
