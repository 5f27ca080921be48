"""``SteppingParts``: the stepping figure's step-independent parts, built once per (trace, vocabulary, layer,
feature names, arrangement) and shared by every rerun and session; a lock guards its memo of units."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from lstm_core.trace import Trace
from ui.cell_panels import panels
from ui.figures.stepping.checks import check_args, whole
from ui.figures.stepping.frames import MAX_FRAMES, dynamic_traces, frame_steps
from ui.figures.stepping.grid import (
    FONT,
    axis_layout,
    figure_title,
    heading,
    legends,
    panel_titles,
    template,
    unit_title,
)
from ui.figures.stepping.layout import Plan, top_panels
from ui.figures.stepping.traces import (
    Names,
    axis_ranges,
    feature_labels,
    heatmap_images,
    heatmaps,
    input_lines,
    unit_lines,
)


class SteppingParts:
    """The parts of the stepping figure that do not depend on t, built once as plain dicts.

    Built per (trace, vocabulary, layer, feature names); the parts of each unit of the line panel (its
    lines, its title, the animation frames, whose dots follow that unit) are built on first use and
    kept for the last ``UNITS_KEPT`` units. ``spec(t, unit)`` adds what depends on t: the dynamic
    traces (the same dicts as the frame of t, plus their static properties) and the frames (t is one of
    them). Parts are never changed once built: ``spec`` returns new top-level containers that
    share them, so one instance can serve many reruns and sessions at once.
    """

    UNITS_KEPT = 8

    def __init__(
        self,
        trace: Trace,
        vocabulary: str,
        layer: int = 0,
        feature_names: Sequence[str] | None = None,
        max_frames: int = MAX_FRAMES,
        arrangement: str = "wide",
    ):
        _, layer, _ = check_args(trace, 0, vocabulary, layer, 0)
        if max_frames < 1:
            raise ValueError(f"max_frames must be at least 1; got {max_frames}")
        self.lt = lt = trace.layers[layer]
        self.T, self.H = lt.T, lt.hidden_size
        self.max_frames = max_frames
        self.names = Names(vocabulary, trace.variant)
        self.panels = cell = panels(trace.variant)
        self.gates = cell.gates
        self.n_rows = len(self.gates) + 3
        self.plan = plan = Plan(arrangement, self.n_rows, len(top_panels(cell)))
        self.features = feature_labels(lt, layer, self.names, feature_names)
        self.ranges = axis_ranges(lt, cell)
        self.grid_steps, _ = frame_steps(self.T, 0, max_frames)
        self._units: dict[int, dict] = {}
        self._lock = threading.Lock()

        # Static traces first, then the dynamic ones (DYNAMIC_ROLES): a frame's ``traces`` are the last
        # indices of the figure's data.
        self.static = [
            *heatmaps(lt, self.names, self.gates, plan),
            *input_lines(lt, self.features, plan),
        ]
        n_static = len(self.static) + len(cell.lines)
        self.dynamic_indices = list(range(n_static, n_static + len(self._dynamic(0, 0))))
        self.titles = panel_titles(plan, self.names, trace, layer, cell, self.features)
        self.layout = {
            "template": template(),
            **axis_layout(plan, self.ranges, self.T, self.H, top_panels(cell)),
            "images": heatmap_images(lt, self.gates, plan),
            **legends(plan),
            "height": plan.height,
            "margin": plan.margin,
            "barmode": "overlay",
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "#ffffff",
            "font": FONT,
            "hoverlabel": {"font": {"size": 13}},
            # A projector's figure has no room for its title: the page shows ``heading`` instead.
            "title": {} if arrangement == "present" else figure_title(heading(trace, layer), arrangement),
        }

    def spec(self, t: int, unit: int = 0) -> dict:
        """The whole figure at step t (0 ≤ t < T) with ``unit`` on the line panel: {"data", "layout",
        "frames"}."""
        t, unit = whole("t", t, self.T), whole("unit", unit, self.H)
        per_unit = self._unit(unit)
        steps, _ = frame_steps(self.T, t, self.max_frames)
        data = self.static + per_unit["lines"] + [trace for trace, _ in self._dynamic(t, unit)]
        layout = dict(self.layout, annotations=[*self.titles, per_unit["title"]])
        frames = [per_unit["frames"].get(s) or self._frame(s, unit) for s in steps]
        return {"data": data, "layout": layout, "frames": frames}

    def _unit(self, unit: int) -> dict:
        """The parts of one unit: its lines, its panel title and the frames of the steps on the grid."""
        with self._lock:  # sessions share this object: one thread at a time edits the memo
            parts = self._units.get(unit)
        if parts is None:
            parts = {
                "lines": unit_lines(self.lt, self.names, self.panels, unit, self.plan),
                "title": unit_title(self.plan, unit),
                "frames": {s: self._frame(s, unit) for s in self.grid_steps},
            }
            with self._lock:
                while len(self._units) >= self.UNITS_KEPT:  # the oldest first: dicts keep insertion order
                    del self._units[next(iter(self._units))]
                self._units[unit] = parts
        return parts

    def _frame(self, s: int, unit: int) -> dict:
        data = [trace for trace, _ in self._dynamic(s, unit, frame=True)]
        return {"name": str(s), "data": data, "traces": self.dynamic_indices}

    def _dynamic(self, t: int, unit: int, frame: bool = False) -> list[tuple[dict, tuple[int, int]]]:
        """The traces that depend on t, each with its (row, col); ``frame=True`` leaves out what never
        changes. Both the figure's state at t and every animation frame come from here, so they cannot
        disagree."""
        traces = dynamic_traces(
            self.lt, t, self.names, self.features, unit, self.ranges, self.panels, self.n_rows, frame
        )
        if not frame:
            for trace, (row, col) in traces:
                trace["xaxis"], trace["yaxis"] = self.plan.ref(row, col)
        return traces
