"""ui/figures/gate_lab.py: the before/after curves are the traces' numbers, labelled from notation."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import LSTM, VARIANTS
from lstm_core.experiments import PRESETS, describe_half_life, memory_half_life, run_settings
from lstm_core.sequences import make_pulse
from ui import notation
from ui.figures.gate_lab import GATE_KEYS, gate_lab_figure

H = 3


def pair(variant="standard", preset="write_once", c0=0.5, clamp=None, T=12):
    x = make_pulse(T).x
    before = LSTM.random(1, H, variant=variant, seed=2).run(x, c0=np.full((1, H), c0))
    settings = PRESETS[preset]
    for gate, value in (clamp or {}).items():
        settings = settings.with_gate(gate, clamp=value)
    after = run_settings(settings, x, H, variant, seed=2, c0=c0)
    return before, after, settings


def traces_of(fig, **meta):
    return [t for t in fig.data if all(t.meta.get(k) == v for k, v in meta.items())]


@pytest.mark.parametrize("variant", VARIANTS)
def test_memory_curves_are_the_traces_c(variant):
    before, after, _ = pair(variant)
    fig = gate_lab_figure(before, after, "standard")
    for run, tr in (("before", before), ("after", after)):
        lines = traces_of(fig, key="c", run=run)
        assert len(lines) == H
        for line in lines:
            j = line.meta["unit"]
            np.testing.assert_array_equal(line.y[1:], tr.c[:, j])
            assert line.y[0] == tr.layers[0].c_prev[0, j] == 0.5  # drawn at "start"
            np.testing.assert_array_equal(line.x, np.arange(-1, tr.T))


def test_before_is_dashed_grey_after_solid_in_the_memory_colour():
    fig = gate_lab_figure(*pair()[:2], "standard")
    for line in traces_of(fig, key="c", run="before"):
        assert line.line.dash == "dash" and line.line.color == notation.OKABE_ITO["grey"]
    for line in traces_of(fig, key="c", run="after"):
        assert line.line.dash is None and line.line.color == notation.colour("c")


@pytest.mark.parametrize("variant", VARIANTS)
def test_gate_lines_are_the_changed_runs_gates(variant):
    before, after, _ = pair(variant, "saturated")
    fig = gate_lab_figure(before, after, "standard")
    for key in GATE_KEYS:
        lines = traces_of(fig, key=key)
        assert len(lines) == H
        for line in lines:
            assert line.meta["run"] == "after" and line.line.color == notation.colour(key)
            np.testing.assert_array_equal(line.y, getattr(after.layers[0], key)[:, line.meta["unit"]])


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_labels_come_from_the_chosen_vocabulary(vocabulary):
    before, after, _ = pair("udacity")
    fig = gate_lab_figure(before, after, vocabulary)
    legend = [t.name for t in fig.data if t.showlegend]
    assert len(legend) == 2 + len(GATE_KEYS)  # one entry per quantity, not per unit
    c_title = notation.title("c", vocabulary, "udacity")
    assert any(name.startswith(c_title) and "before" in name for name in legend)
    assert any(name.startswith(c_title) and "after" in name for name in legend)
    for key in GATE_KEYS:
        assert notation.title(key, vocabulary, "udacity") in {t.name for t in traces_of(fig, key=key)}
    assert fig.layout.yaxis.title.text == notation.html("c", vocabulary, "udacity")
    other = "udacity" if vocabulary == "standard" else "standard"
    assert not any(notation.name("c", other) in name for name in legend)


def test_half_life_annotations_per_unit():
    before, after, _ = pair("standard", "amnesia", clamp={"f": 1.0})
    half = memory_half_life(after)
    fig = gate_lab_figure(before, after, "standard", half_lives=half)
    notes = {a.name: a.text for a in fig.layout.annotations if (a.name or "").startswith("half_life:")}
    assert len(notes) == H
    assert all("never" in text for text in notes.values())
    before, after, _ = pair("standard", "amnesia")
    half = memory_half_life(after)
    fig = gate_lab_figure(before, after, "standard", half_lives=half)
    for j in range(H):
        (text,) = [a.text for a in fig.layout.annotations if a.name == f"half_life:{j}"]
        assert describe_half_life(half[j]) in text
    assert not [a for a in gate_lab_figure(before, after, "standard").layout.annotations if a.name]


def test_clamped_gates_are_named_in_the_legend():
    before, after, settings = pair("standard", "amnesia", clamp={"f": 1.0, "o": 0.25})
    fig = gate_lab_figure(before, after, "standard", clamp=settings.clamp("standard"))
    (f_name,) = {t.name for t in traces_of(fig, key="f")}
    (o_name,) = {t.name for t in traces_of(fig, key="o")}
    assert "clamped to 1" in f_name and "clamped to 0.25" in o_name
    assert all(t.line.dash == "dot" for t in traces_of(fig, key="f"))
    assert all(np.all(t.y == 1.0) for t in traces_of(fig, key="f"))


def test_one_column_per_unit_and_memory_axis_covers_every_value():
    before, after, _ = pair("no_forget", "amnesia", c0=-0.7, T=30)
    fig = gate_lab_figure(before, after, "standard")
    titles = [a.text for a in fig.layout.annotations]
    assert [f"unit {j}" for j in range(H)] == [t for t in titles if t.startswith("unit")]
    lo, hi = fig.layout.yaxis.range
    for tr in (before, after):
        assert lo <= tr.c.min() and tr.c.max() <= hi and lo <= -0.7


def test_mismatched_traces_and_bad_inputs_are_refused():
    before, after, _ = pair()
    short = LSTM.random(1, H, seed=2).run(make_pulse(5).x)
    with pytest.raises(ValueError, match="same steps and units"):
        gate_lab_figure(short, after, "standard")
    with pytest.raises(IndexError):
        gate_lab_figure(before, after, "standard", layer=3)
    with pytest.raises(ValueError, match="vocabulary"):
        gate_lab_figure(before, after, "klingon")


def _axis_number(ref: str) -> int:
    """Plotly's axis number of "x", "x5", "y5 domain": 1, 5, 5."""
    digits = ref.split()[0].lstrip("xy")
    return int(digits) if digits else 1


@pytest.mark.parametrize("columns", [1, 2])
def test_a_narrow_screen_gets_units_in_rows_of_columns(columns):
    """Units wrap onto further pairs of rows (memory, gates): with 2 columns unit 2 of 3 sits under unit 0."""
    before, after, _ = pair("standard", "amnesia")
    half = memory_half_life(after)
    fig = gate_lab_figure(before, after, "standard", half_lives=half, columns=columns)
    blocks = -(-H // columns)
    assert fig.layout.height == gate_lab_figure(before, after, "standard").layout.height + (blocks - 1) * 460
    for j in range(H):
        c_row, col = 2 * (j // columns) + 1, j % columns + 1
        # make_subplots numbers axes row by row: (row - 1) * columns + col
        c_axis, gate_axis = (c_row - 1) * columns + col, c_row * columns + col
        for run in ("before", "after"):
            (line,) = traces_of(fig, key="c", run=run, unit=j)
            assert _axis_number(line.yaxis) == c_axis
        for key in GATE_KEYS:
            (line,) = traces_of(fig, key=key, unit=j)
            assert _axis_number(line.yaxis) == gate_axis
            np.testing.assert_array_equal(line.y, getattr(after.layers[0], key)[:, j])
        (note,) = [a for a in fig.layout.annotations if a.name == f"half_life:{j}"]
        assert _axis_number(note.yref) == c_axis and describe_half_life(half[j]) in note.text
        assert fig.layout[f"yaxis{c_axis if c_axis > 1 else ''}"].range[1] > 0.5  # the memory's range
        assert list(fig.layout[f"yaxis{gate_axis}"].range) == [-1.08, 1.08]
    titles = [a.text for a in fig.layout.annotations if (a.text or "").startswith("unit ")]
    assert titles == [f"unit {j}" for j in range(H)]
