"""ui.arithmetic: every gate's terms, read from the real weights, add up to the trace's pre-activation."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lstm_core import LSTM, VARIANTS
from lstm_core.cell import sigmoid
from ui.arithmetic import gate_arithmetic, gates_of, latex
from ui.equations import fmt

STEPS, INPUTS = 4, 3


def net_and_trace(variant: str, hidden: int = 2, layers: int = 1, layout: str | None = None):
    net = LSTM.random(INPUTS, hidden, layers, variant, seed=3)
    if layout is not None:  # through a weight file's layout and back: PyTorch keeps two biases
        net = LSTM.from_weights(net.to_weights(layout), layout=layout, variant=variant)
    x = np.random.default_rng(4).normal(size=(STEPS, INPUTS))
    return net, net.run(x)


@pytest.mark.parametrize("variant", VARIANTS)
def test_terms_sum_to_the_traces_pre_activation_for_every_gate(variant):
    net, trace = net_and_trace(variant, hidden=2)
    for t in range(STEPS):
        step = trace.layers[0].step(t)
        for gate in gates_of(variant):
            for unit in range(2):
                worked = gate_arithmetic(net.layers[0], step, gate, unit)
                assert abs(worked.z - step.pre[gate][unit]) < 1e-12, (gate, unit, t)
                assert abs(worked.value - getattr(step, gate)[unit]) < 1e-12, (gate, unit, t)
                squash = sigmoid if worked.activation == "sigmoid" else np.tanh
                assert abs(float(squash(np.array([worked.z]))[0]) - getattr(step, gate)[unit]) < 1e-12


def test_the_terms_are_the_weights_times_the_inputs_written_longhand():
    """Standard cell, forget gate of unit 1: PyTorch's weight_ih rows H..2H are f (gate order i, f, g, o)."""
    net, trace = net_and_trace("standard", hidden=2, layout="torch")
    w = net.to_weights("torch")
    step = trace.layers[0].step(2)
    worked = gate_arithmetic(net.layers[0], step, "f", 1)
    H, j = 2, 1
    row = H + j
    expected = [w["weight_ih_l0"][row, i] * step.x[i] for i in range(INPUTS)]
    expected += [w["weight_hh_l0"][row, k] * step.h_prev[k] for k in range(H)]
    np.testing.assert_allclose([term.product for term in worked.terms], expected, rtol=1e-15)
    assert [b for _, b in worked.biases] == [w["bias_ih_l0"][row], w["bias_hh_l0"][row]]
    assert [term.weight_symbol for term in worked.terms[:2]] == ["W_{xf}[1,0]", "W_{xf}[1,1]"]
    assert worked.terms[INPUTS].value_symbol == "h_{t-1}[0]"


def test_peephole_adds_its_peek_at_the_memory():
    net, trace = net_and_trace("peephole")
    step = trace.layers[0].step(1)
    for gate, reads in (("i", "c_prev"), ("f", "c_prev"), ("o", "c")):
        last = gate_arithmetic(net.layers[0], step, gate, 0).terms[-1]
        assert last.weight_symbol == f"p_{{{gate}}}[0]"
        assert last.value == getattr(step, reads)[0]
    assert not gate_arithmetic(net.layers[0], step, "g", 0).terms[-1].weight_symbol.startswith("p")


def test_udacity_reads_one_matrix_and_its_use_gate_reads_the_kept_memory():
    net, trace = net_and_trace("udacity")
    step = trace.layers[0].step(2)
    worked = gate_arithmetic(net.layers[0], step, "g", 1, vocabulary="udacity")
    assert [t.weight_symbol for t in worked.terms] == [f"W_{{n}}[1,{k}]" for k in range(2 + INPUTS)]
    assert worked.terms[0].value_symbol == r"\mathrm{STM}_{t-1}[0]"
    assert worked.terms[2].value_symbol == "E_t[0]"
    use = gate_arithmetic(net.layers[0], step, "u", 1, vocabulary="udacity")
    assert [t.value for t in use.terms] == list(step.kept)
    assert use.activation == "tanh" and use.biases[0][0] == "b_{u}[1]"


def test_an_upper_layer_reads_the_layer_below():
    net, trace = net_and_trace("standard", hidden=3, layers=2)
    step = trace.layers[1].step(3)
    worked = gate_arithmetic(net.layers[1], step, "o", 2)
    assert [t.value for t in worked.terms[:3]] == list(trace.layers[0].h[3])
    assert abs(worked.z - step.pre["o"][2]) < 1e-12


def test_gates_of_each_variant():
    assert gates_of("standard") == gates_of("peephole") == ("f", "i", "g", "o")
    assert gates_of("no_forget") == ("i", "g", "o")
    assert gates_of("udacity") == ("f", "i", "g", "o", "u")
    net, trace = net_and_trace("no_forget")
    with pytest.raises(ValueError, match="no gate 'f'"):
        gate_arithmetic(net.layers[0], trace.layers[0].step(0), "f", 0)
    with pytest.raises(IndexError):
        gate_arithmetic(net.layers[0], trace.layers[0].step(0), "i", 2)


def test_latex_shows_every_term_and_the_rounded_numbers_multiply_out():
    net, trace = net_and_trace("peephole", hidden=2)
    worked = gate_arithmetic(net.layers[0], trace.layers[0].step(3), "o", 1)
    text = latex(worked, "standard", "peephole")
    rows = re.findall(r"& (\S+) \\times \(?([^ )]+)\)? & = (\S+?) (?:\\\\|\\hline)", text)
    assert len(rows) == len(worked.terms) == INPUTS + 2 + 1
    for (w, v, p), term in zip(rows, worked.terms, strict=True):
        assert (w, v, p) == (fmt(term.weight), fmt(term.value), fmt(term.product))
        # 4 significant digits each: the product of the shown factors is the shown product to 1e-3
        assert float(w) * float(v) == pytest.approx(float(p), rel=1.2e-3, abs=1e-9)
    assert rf"= {fmt(worked.z)}" in text and rf"\sigma({fmt(worked.z)}) & = {fmt(worked.value)}" in text
    assert f"sum of the {len(worked.terms) + 1} rows above" in text
