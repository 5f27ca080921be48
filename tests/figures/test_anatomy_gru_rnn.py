"""The GRU's and plain RNN's Cell anatomy: the diagram's numbers are the core's trace at step t, and the
gate arithmetic sums to the trace's pre-activation (torch's GRU candidate with r_t ⊙ (W_hn h + b_hn))."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import network_class
from lstm_core.cell import sigmoid
from tests.figures.test_anatomy import strip_values, strips
from ui.arithmetic import gate_arithmetic, gates_of, latex
from ui.figures.anatomy import anatomy_figure, anatomy_phone_figure, number, phone_rows

WIRES = {"gru": ("x", "h_prev", "r", "z", "hn", "n", "kept", "written", "h"), "rnn": ("x", "h_prev", "h")}


def make(variant, hidden=3, inputs=2, steps=6, seed=2):
    net = network_class(variant).random(inputs, hidden, 1, variant=variant, seed=seed)
    return net, net.run(np.random.default_rng(seed).normal(size=(steps, inputs)))


@pytest.mark.parametrize("variant", ["gru", "rnn"])
@pytest.mark.parametrize("hidden", [3, 7])
@pytest.mark.parametrize("draw", [anatomy_figure, anatomy_phone_figure])
def test_every_wire_carries_the_trace_at_step_t(variant, hidden, draw):
    _, trace = make(variant, hidden)
    t, unit = 4, 2
    lt = trace.layers[0]
    fig = draw(trace, t, "standard", unit=unit)
    shown = strips(fig)
    assert set(shown) == set(WIRES[variant])
    for key in WIRES[variant]:
        np.testing.assert_allclose(strip_values(shown[key]), getattr(lt, key)[t], rtol=0, atol=1e-12)
        printed = [c for row in shown[key].text for c in row if c]
        if len(getattr(lt, key)[t]) <= 4:  # every unit's number in its cell
            assert sorted(printed) == sorted(number(v) for v in getattr(lt, key)[t])
        else:  # the chosen unit's value in the label
            assert printed == []
            labels = [a.text for a in fig.layout.annotations if a.name in (f"label:{key}",)] + [
                a.text for a in fig.layout.annotations if f"[{unit}]" in (a.text or "")
            ]
            if key != "x":
                assert any(number(getattr(lt, key)[t][unit]) in text for text in labels), key
    assert f"<b>{variant}</b> cell" in fig.layout.title.text


def test_the_gru_diagram_has_its_gates_and_junctions():
    _, trace = make("gru")
    names = {s.name for s in anatomy_figure(trace, 1, "standard").layout.shapes}
    assert {"box:r", "box:z", "box:hn", "box:n", "junction:kept", "junction:rhn", "junction:written"} <= names
    assert {"junction:one_minus", "junction:h"} <= names
    assert phone_rows("gru") == WIRES["gru"] and phone_rows("rnn") == WIRES["rnn"]


@pytest.mark.parametrize("variant", ["gru", "rnn"])
def test_gate_arithmetic_sums_to_the_trace(variant):
    net, trace = make(variant)
    for t in range(trace.T):
        step = trace.layers[0].step(t)
        for gate in gates_of(variant):
            for j in range(3):
                worked = gate_arithmetic(net.layers[0], step, gate, j)
                assert abs(worked.z - step.pre[gate][j]) < 1e-12
                squash = sigmoid if worked.activation == "sigmoid" else np.tanh
                assert abs(float(squash(np.array([worked.z]))[0]) - getattr(step, gate)[j]) < 1e-12
                assert abs(worked.value - getattr(step, gate)[j]) < 1e-12


def test_the_gru_candidate_keeps_the_reset_gate_outside_its_recurrent_sum():
    net, trace = make("gru")
    step = trace.layers[0].step(3)
    worked = gate_arithmetic(net.layers[0], step, "n", 1)
    assert worked.activation == "tanh" and worked.scale == ("r_t[1]", float(step.r[1]))
    assert abs(worked.inner_sum - step.hn[1]) < 1e-12  # W_hn h_{t-1} + b_hn, what r scales
    assert [t.weight_symbol for t in worked.terms] == ["W_{in}[1,0]", "W_{in}[1,1]"]
    assert [t.weight_symbol for t in worked.inner] == [f"W_{{hn}}[1,{k}]" for k in range(3)]
    assert [s for s, _ in worked.biases] == ["b_{in}[1]"] and [s for s, _ in worked.inner_biases] == [
        "b_{hn}[1]"
    ]
    text = latex(worked, "standard", "gru")
    assert r"r_t[1] \cdot (\ldots)" in text and "sum of the 4 indented rows" in text
    assert "sum of the 4 unindented rows above" in text  # 2 x-terms, b_in, r·(…)


def test_rnn_arithmetic_uses_torchs_names():
    net, trace = make("rnn")
    worked = gate_arithmetic(net.layers[0], trace.layers[0].step(0), "h", 0)
    assert [t.weight_symbol for t in worked.terms] == ["W_{ih}[0,0]", "W_{ih}[0,1]"] + [
        f"W_{{hh}}[0,{k}]" for k in range(3)
    ]
    assert [s for s, _ in worked.biases] == ["b_{ih}[0]", "b_{hh}[0]"] and worked.activation == "tanh"


@pytest.mark.parametrize("variant", ["gru", "rnn"])
def test_each_quantity_is_drawn_once(variant):
    """One strip per wire: the RNN's h leaves the cell once (it used to be printed in its box as well)."""
    _, trace = make(variant)
    names = [tr.name for tr in anatomy_figure(trace, 2, "standard").data if tr.type == "heatmap"]
    assert sorted(names) == sorted(WIRES[variant])
