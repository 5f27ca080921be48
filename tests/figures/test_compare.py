"""ui/figures/compare.py: each variant's panels hold that variant's numbers, labelled from the notation."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import CELL_VARIANTS, VARIANTS
from lstm_core.experiments import run_matched
from lstm_core.sequences import make_sine
from ui import notation
from ui.figures.compare import (
    HEATMAP_KEYS,
    MAX_COLUMNS,
    STATE_KEYS,
    compare_gates_figure,
    compare_states_figure,
    envelope_steps,
    kept_steps,
    no_forget_note,
)

H, T = 3, 16


@pytest.fixture(scope="module")
def traces():
    return run_matched(make_sine(T).x, H, num_layers=2, seed=4)


def of(fig, **meta):
    return [t for t in fig.data if all(t.meta.get(k) == v for k, v in meta.items())]


@pytest.mark.parametrize("layer", [0, 1])
def test_state_panels_hold_each_variants_values(traces, layer):
    fig = compare_states_figure(traces, "standard", layer=layer)
    for variant in VARIANTS:
        for key in STATE_KEYS:
            lines = of(fig, variant=variant, key=key)
            assert sorted(line.meta["unit"] for line in lines) == list(range(H))
            for line in lines:
                expected = getattr(traces[variant].layers[layer], key)[:, line.meta["unit"]]
                np.testing.assert_array_equal(line.y, expected)
                assert line.line.color == notation.colour(key)


def test_state_panels_sit_in_their_variants_column(traces):
    fig = compare_states_figure(traces, "standard")
    columns = {}
    for line in fig.data:
        columns.setdefault(line.meta["variant"], set()).add(line.xaxis)
    xs = [columns[v] for v in VARIANTS]
    assert all(len(c) == 2 for c in xs)  # two rows (c, h) per column
    assert len(set().union(*xs)) == 2 * len(VARIANTS)  # no two variants share a panel
    titles = [a.text for a in fig.layout.annotations]
    for variant in VARIANTS:
        assert any(f"<b>{variant}</b>" in t for t in titles)


@pytest.mark.parametrize("layer", [0, -1])
def test_gate_heatmaps_hold_each_variants_values(traces, layer):
    fig = compare_gates_figure(traces, "standard", layer=layer)
    for variant in VARIANTS:
        for key in HEATMAP_KEYS:
            maps = of(fig, variant=variant, key=key)
            if variant == "no_forget" and key == "f":
                assert maps == []
                continue
            (heat,) = maps
            np.testing.assert_array_equal(np.asarray(heat.z), getattr(traces[variant].layers[layer], key).T)
            assert list(heat.y) == list(range(H)) and list(heat.x) == list(range(T))


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_no_forget_panel_is_a_note(traces, vocabulary):
    fig = compare_gates_figure(traces, vocabulary)
    (note,) = [a for a in fig.layout.annotations if a.name == "note:no_forget:f"]
    assert note.text == no_forget_note(vocabulary)
    assert notation.name("f", vocabulary) in note.text and "≡ 1" in note.text
    # it sits in the middle of the empty panel: row 2 (f), column 3 (no_forget)
    n = len(VARIANTS)
    axis = (HEATMAP_KEYS.index("f")) * n + list(VARIANTS).index("no_forget") + 1
    (x0, x1), (y0, y1) = fig.layout[f"xaxis{axis}"].domain, fig.layout[f"yaxis{axis}"].domain
    assert note.xref == note.yref == "paper"
    assert note.x == pytest.approx((x0 + x1) / 2) and note.y == pytest.approx((y0 + y1) / 2)


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_each_gate_row_is_drawn_in_that_gates_colour(traces, vocabulary):
    fig = compare_gates_figure(traces, vocabulary)
    axes = {}
    for heat in fig.data:
        axes.setdefault(heat.meta["key"], set()).add(heat.coloraxis)
    # one colour axis per gate, shared by every variant's panel of that gate
    assert all(len(names) == 1 for names in axes.values())
    assert len({next(iter(names)) for names in axes.values()}) == len(HEATMAP_KEYS)
    for key, (name,) in axes.items():
        axis = fig.layout[name]
        top = axis.colorscale[-1][1]
        assert top.lower() == notation.colour(key).lower(), key  # open / positive end is the gate's colour
        assert "viridis" not in str(axis.colorscale).lower()
        squash = notation.quantity(key).kind == "squash"
        assert (axis.cmin, axis.cmax) == ((-1, 1) if squash else (0, 1))
        assert axis.colorbar.title.text == notation.html(key, vocabulary)
        assert list(axis.colorbar.tickvals) == [axis.cmin, axis.cmax]  # a short row: its ends ticked only
    assert len({notation.colour(k) for k in HEATMAP_KEYS}) == len(HEATMAP_KEYS)


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_labels_follow_the_vocabulary(traces, vocabulary):
    states = compare_states_figure(traces, vocabulary)
    assert {t.name for t in states.data} == {notation.title(k, vocabulary) for k in STATE_KEYS} | {
        notation.title(k, vocabulary, "udacity") for k in STATE_KEYS
    }
    assert states.layout.yaxis.title.text == notation.html("c", vocabulary)
    gates = compare_gates_figure(traces, vocabulary)
    for heat in gates.data:
        assert heat.name == notation.title(heat.meta["key"], vocabulary, heat.meta["variant"])
    row_titles = [gates.layout[f"yaxis{(r * len(VARIANTS)) + 1 if r else ''}"].title.text for r in range(5)]
    assert row_titles == [notation.html(k, vocabulary) for k in HEATMAP_KEYS]
    for variant in VARIANTS:
        assert any(
            notation.variant_title(variant, vocabulary).split(": ")[0] in a.text.replace("<br>", " ")
            for a in gates.layout.annotations
        )


def test_udacity_use_gate_is_labelled_in_its_panel(traces):
    fig = compare_gates_figure(traces, "standard")
    (label,) = [a for a in fig.layout.annotations if a.name == "label:udacity:u"]
    assert label.text == notation.title("u", "standard", "udacity")  # not "tanh(c)": U has its own weights
    assert not [
        a for a in compare_gates_figure(traces, "udacity").layout.annotations if a.name == "label:udacity:u"
    ]


def test_time_marker(traces):
    fig = compare_states_figure(traces, "standard", t=5)
    assert len(fig.layout.shapes) == 2 * len(VARIANTS) and all(s.x0 == 5 for s in fig.layout.shapes)
    assert not compare_states_figure(traces, "standard").layout.shapes


def test_bad_inputs_are_refused(traces):
    with pytest.raises(ValueError, match="empty"):
        compare_states_figure({}, "standard")
    short = run_matched(make_sine(5).x, H)
    with pytest.raises(ValueError, match="same steps"):
        compare_gates_figure({"standard": traces["standard"], "udacity": short["udacity"]}, "standard")
    with pytest.raises(ValueError, match="holds a"):
        compare_states_figure({"standard": traces["udacity"]}, "standard")
    with pytest.raises(ValueError, match="vocabulary"):
        compare_states_figure(traces, "klingon")


LONG = 1203  # over MAX_COLUMNS: the figures keep a few hundred of its steps


@pytest.fixture(scope="module")
def long_traces():
    return run_matched(make_sine(LONG).x, 2, seed=4, cells=CELL_VARIANTS)


def test_kept_steps_keep_every_kth_the_last_and_t():
    assert list(kept_steps(MAX_COLUMNS, 7)) == list(range(MAX_COLUMNS))  # short enough: every step
    kept = kept_steps(LONG, 601)
    assert list(kept) == sorted({*range(0, LONG, 3), 601, LONG - 1}) and len(kept) <= MAX_COLUMNS + 2
    assert list(kept_steps(LONG)) == sorted({*range(0, LONG, 3), LONG - 1})


def test_envelope_steps_keep_each_runs_extremes():
    y = np.sin(np.arange(LONG) / 7.0) + np.linspace(0, 1, LONG)
    y[999] = 5.0  # one spike between two kept steps of an even stride
    kept = envelope_steps(y, 600)
    assert len(kept) <= MAX_COLUMNS + 3 and {0, 600, 999, LONG - 1} <= set(kept)
    width = -(-LONG // (MAX_COLUMNS // 2))
    for start in range(0, LONG, width):
        run = y[start : start + width]
        assert {start + int(np.argmin(run)), start + int(np.argmax(run))} <= set(kept)
    assert list(envelope_steps(y[:MAX_COLUMNS])) == list(range(MAX_COLUMNS))


def test_long_heatmaps_hold_the_cores_values_at_the_kept_steps(long_traces):
    fig = compare_gates_figure(long_traces, "standard", t=601)
    kept = kept_steps(LONG, 601)
    assert len(fig.data) > 0
    for heat in fig.data:
        m = heat.meta
        assert list(heat.x) == list(kept)  # the columns' real steps, the step t among them
        np.testing.assert_array_equal(
            np.asarray(heat.z), getattr(long_traces[m["variant"]].layers[-1], m["key"])[kept].T
        )


def test_long_lines_hold_the_cores_values_and_peaks(long_traces):
    fig = compare_states_figure(long_traces, "standard", t=601)
    assert len(fig.data) > 0
    for line in fig.data:
        m = line.meta
        full = getattr(long_traces[m["variant"]].layers[-1], m["key"])[:, m["unit"]]
        x = np.asarray(line.x)
        assert len(x) < LONG and {0, 601, LONG - 1} <= set(x.tolist())
        np.testing.assert_array_equal(np.asarray(line.y), full[x])
        assert np.max(line.y) == full.max() and np.min(line.y) == full.min()
    assert all(s.x0 == 601 for s in fig.layout.shapes)


@pytest.fixture(scope="module")
def every_cell():
    return run_matched(make_sine(T).x, H, seed=4, cells=CELL_VARIANTS)


def _axes(trace) -> tuple[str, str]:
    return trace.xaxis or "x", trace.yaxis or "y"


def _domain(fig, ref: str, axis: str) -> tuple[float, float]:
    return tuple(fig.layout[f"{axis}axis{ref[1:]}"].domain)


@pytest.mark.parametrize("make", [compare_states_figure, compare_gates_figure])
def test_two_columns_wrap_the_variants_into_blocks(every_cell, make):
    """columns=2 (a phone): variants 0 and 1 side by side, 2 and 3 under them, ...; same numbers."""
    wide, narrow = make(every_cell, "standard"), make(every_cell, "standard", columns=2)
    assert len(wide.data) == len(narrow.data)
    left = {}  # variant -> the left edge of its panels' x domain; top -> the top of its highest panel
    top = {}
    for w, n in zip(wide.data, narrow.data, strict=True):
        assert w.meta == n.meta
        for field in ("x", "y", "z"):
            if getattr(w, field, None) is not None:
                np.testing.assert_array_equal(getattr(w, field), getattr(n, field))
        x, y = _axes(n)
        left.setdefault(n.meta["variant"], set()).add(_domain(narrow, x, "x")[0])
        top[n.meta["variant"]] = max(top.get(n.meta["variant"], 0), _domain(narrow, y, "y")[1])
    order = list(every_cell)
    assert all(len(edges) == 1 for edges in left.values())  # each variant keeps one column
    assert len({left[v].pop() for v in order}) == 2  # two columns in all
    # the blocks go down the figure: the third and fourth variants sit under the first two
    assert top[order[0]] == top[order[1]] > top[order[2]] == top[order[3]] > top[order[4]]
    titles = [a.text for a in narrow.layout.annotations if (a.text or "").startswith("<b>")]
    assert titles == [f"<b>{v}</b>" for v in order]  # short headings: a name a column
    assert narrow.layout.height > wide.layout.height


def test_wrapped_notes_sit_on_their_panel(every_cell):
    """A GRU's missing c and no_forget's missing f are boxed on their own panels, wherever those moved."""
    states = compare_states_figure(every_cell, "standard", columns=2)
    gates = compare_gates_figure(every_cell, "standard", columns=2)
    for fig, name, variant, key in (
        (states, "note:gru:c", "gru", "h"),
        (gates, "note:no_forget:f", "no_forget", "i"),
    ):
        (note,) = [a for a in fig.layout.annotations if a.name == name]
        panel = of(fig, variant=variant, key=key)[0]  # a panel of the same variant: the same column
        x0, x1 = _domain(fig, _axes(panel)[0], "x")
        assert note.xref == "paper" and x0 < note.x < x1
        # centred on that point: Plotly's default "auto" would hang a note left of x in the page's left third
        assert (note.xanchor, note.yanchor) == ("center", "middle")


@pytest.mark.parametrize("columns", [None, 2])
def test_panel_labels_sit_above_the_first_units_row(every_cell, columns):
    """A label inside a heatmap's panel (the GRU's r, z, n; udacity's u) covers no unit: it sits in a
    blank band above unit 0 at least as tall as the label (11 px type, 15 px with its box)."""
    fig = compare_gates_figure(every_cell, "standard", columns=columns)
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("label:")]
    assert {a.name for a in labels} >= {"label:udacity:u", "label:gru:r", "label:gru:z", "label:gru:n"}
    for label in labels:
        _, variant, key = label.name.split(":")
        (heat,) = of(fig, variant=variant, key=key)
        yaxis = fig.layout[f"yaxis{_axes(heat)[1][1:]}"]
        y0, y1 = yaxis.domain
        bottom, top = yaxis.range  # reversed: unit H − 1 at the bottom, the band above unit 0
        row0_top = y0 + (y1 - y0) * (bottom - (-0.5)) / (bottom - top)  # data −0.5: unit 0's upper edge
        assert label.yanchor == "top" and label.y == pytest.approx(y1)
        assert (y1 - row0_top) * plot_px >= 15, label.name
