"""The stepping figure's two entry points: ``stepping_spec`` (the plain dict the page sends) and
``stepping_figure`` (the same dict as a validated graph object)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from lstm_core.trace import Trace
from ui.figures.stepping.checks import check_args
from ui.figures.stepping.frames import MAX_FRAMES
from ui.figures.stepping.parts import SteppingParts


def stepping_figure(
    trace: Trace,
    t: int,
    vocabulary: str,
    layer: int = 0,
    unit: int = 0,
    feature_names: Sequence[str] | None = None,
    max_frames: int = MAX_FRAMES,
    arrangement: str = "wide",
) -> go.Figure:
    """Every linked view of one layer at step t, with a Plotly animation frame per step (see the package doc,
    ``ui.figures.stepping``).

    t: the step shown first, 0 ≤ t < T. layer: which layer, 0 = bottom. unit: the unit of the line panel.
    feature_names: names of the input features for layer 0 (default "x[0]", ... in the vocabulary);
        upper layers read the layer below's h, and are labelled so.
    max_frames: at most this many evenly spaced animation frames (plus t and the last step).
    arrangement: how the panels are laid out for the screen (``ARRANGEMENTS``: "wide", "column" on a
        phone, "present" on a projector).
    Raises ValueError for an out-of-range t, layer or unit, or an unknown vocabulary or arrangement.

    The validated graph object of ``stepping_spec``: Plotly checks every property of the dict here.
    """
    return go.Figure(stepping_spec(trace, t, vocabulary, layer, unit, feature_names, max_frames, arrangement))


def stepping_spec(
    trace: Trace,
    t: int,
    vocabulary: str,
    layer: int = 0,
    unit: int = 0,
    feature_names: Sequence[str] | None = None,
    max_frames: int = MAX_FRAMES,
    arrangement: str = "wide",
) -> dict:
    """``stepping_figure`` as a plain dict {"data", "layout", "frames"} of lists, strings and numbers,
    ready for JSON (arguments and errors as there)."""
    check_args(trace, t, vocabulary, layer, unit)
    return SteppingParts(trace, vocabulary, layer, feature_names, max_frames, arrangement).spec(t, unit)
