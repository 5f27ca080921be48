"""views/1_Cell_anatomy.py under streamlit.testing: every variant runs, t and the unit move the numbers."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core import LSTM, VARIANTS
from lstm_core.sequences import make_preset
from tests.app.pages import open_page as open_app_page
from tests.player import player_args, report
from ui import notation
from ui.arithmetic import gates_of
from ui.equations import equations, fmt, substituted
from ui.state import ViewState

PAGE = "views/1_Cell_anatomy.py"
PLAYER = "anatomy_player"


def open_page(**params) -> AppTest:
    return open_app_page(PAGE, **params)


def expected_trace(variant: str, hidden: int = 4):
    """The trace the page shows for a default view: the default preset, random weights of seed 0."""
    view = ViewState()
    x = make_preset(view.preset, view.length, view.seed).x
    return LSTM.random(x.shape[1], hidden, 1, variant, seed=view.seed).run(x)


def latex_blocks(at: AppTest) -> tuple[str, str]:
    """(the symbolic equations, the step's numbers put in); the gate arithmetic comes first on the page."""
    _gate, numbers, symbolic = (el.value for el in at.latex)
    return symbolic, numbers


def figure(at: AppTest, which: int = 0) -> dict:
    """The diagram (0) or the phone's column (1): both are drawn, CSS shows the one that fits."""
    diagram, phone = at.get("plotly_chart")
    return json.loads((diagram, phone)[which].proto.spec)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_page_runs_and_shows_the_variants_equations(variant, vocabulary):
    at = open_page(variant=variant, vocabulary=vocabulary)
    symbolic, numbers = latex_blocks(at)
    for eq in equations(variant, vocabulary):
        assert eq.latex.replace(" = ", " &= ", 1) in symbolic
    trace = expected_trace(variant)
    for line in substituted(trace, 0, 0, 0, vocabulary):
        assert line.replace(" = ", " &= ", 1) in numbers
    assert "nan" not in numbers.lower()
    fig = figure(at)
    assert f"<b>{variant}</b> cell" in fig["layout"]["title"]["text"]
    boxes = {s.get("name") for s in fig["layout"]["shapes"]}
    assert ("box:f" in boxes) == (variant != "no_forget")


def test_vocabulary_symbols_are_shown():
    symbolic, numbers = latex_blocks(open_page(variant="udacity", vocabulary="udacity"))
    for text in (symbolic, numbers):
        assert r"\mathrm{LTM}" in text and r"\mathrm{STM}" in text
        assert "c_{t-1}" not in text and "h_t" not in text
    assert "U_t" in symbolic and "V_t" in symbolic and "E_t" in symbolic
    symbolic, numbers = latex_blocks(open_page(variant="standard", vocabulary="standard"))
    for text in (symbolic, numbers):
        assert "c_t" in text and r"\mathrm{LTM}" not in text
    assert "c_{t-1}" in symbolic and "x_t" in symbolic


def test_a_step_of_the_player_changes_the_numbers():
    at = open_page(variant="peephole")
    before = latex_blocks(at)
    assert player_args(at, PLAYER)["live"] is True  # the server draws the diagram of each step, Play too
    report(at, PLAYER, 7)
    assert not at.exception
    after = latex_blocks(at)
    assert after[0] == before[0]  # the symbolic equations do not depend on t
    assert after[1] != before[1]
    trace = expected_trace("peephole")
    for line in substituted(trace, 7, 0, 0, "standard"):
        assert line.replace(" = ", " &= ", 1) in after[1]
    assert at.query_params["t"] == "7"  # the link now opens this step
    assert "step t = 7 of" in figure(at)["layout"]["title"]["text"]
    c_strip = next(d for d in figure(at)["data"] if d["name"] == "c")
    shown = {
        u: v
        for row_u, row_v in zip(c_strip["customdata"], c_strip["z"], strict=True)
        for u, v in zip(row_u, row_v, strict=True)
        if u is not None
    }
    np.testing.assert_allclose([shown[j] for j in range(4)], trace.layers[0].c[7])


def test_choosing_a_unit_changes_the_numbers_and_the_link():
    at = open_page(variant="udacity", vocabulary="udacity", t=3)
    at.selectbox(key="anatomy_unit").set_value(2).run()
    assert not at.exception
    numbers = latex_blocks(at)[1]
    for line in substituted(expected_trace("udacity"), 3, 0, 2, "udacity"):
        assert line.replace(" = ", " &= ", 1) in numbers
    assert r"\mathrm{LTM}_t[2]" in numbers
    assert at.query_params["unit"] == "2"
    assert player_args(at, PLAYER)["t"] == 3  # t came from the link


def test_link_unit_is_validated():
    at = open_page(unit=3)
    assert at.selectbox(key="anatomy_unit").value == 3
    at = open_page(unit=99)  # only 4 units: falls back to unit 0
    assert at.selectbox(key="anatomy_unit").value == 0
    at = open_page(unit="<b>x</b>")
    assert at.selectbox(key="anatomy_unit").value == 0


def test_udacity_explains_its_use_gate():
    labels = [e.label for e in open_page(variant="udacity").expander]
    assert any("use gate" in label for label in labels)
    assert not any("use gate" in e.label for e in open_page(variant="standard").expander)


def test_upper_layer_of_a_stack():
    at = open_page(variant="standard", layers=2, layer=1, hidden=6)
    fig = figure(at)
    assert "layer 2 of 2" in fig["layout"]["title"]["text"]
    label = f"{notation.html('x', 'standard')} = {notation.html('h', 'standard')}"
    assert any(label in (a.get("text") or "") for a in fig["layout"]["annotations"])


def test_smallest_view_one_unit_one_step():
    at = open_page(hidden=1, length=1, variant="no_forget")
    assert (player_args(at, PLAYER)["t"], player_args(at, PLAYER)["T"]) == (0, 1)
    assert at.selectbox(key="anatomy_unit").value == 0
    numbers = latex_blocks(at)[1]
    for line in substituted(_one_step_trace(), 0, 0, 0, "standard"):
        assert line.replace(" = ", " &= ", 1) in numbers


def _one_step_trace():
    view = ViewState()
    x = make_preset(view.preset, 1, view.seed).x
    return LSTM.random(x.shape[1], 1, 1, "no_forget", seed=view.seed).run(x)


def gate_block(at: AppTest) -> str:
    return at.latex[0].value


ROW = re.compile(r"& (\S+) \\times \(?([^ )]+)\)? & = (\S+?) (?:\\\\|\\hline)")
BIAS = re.compile(r"b_\{[a-z]+\}\[\d\] & & = (\S+?) (?:\\\\|\\hline)")


@pytest.mark.parametrize("variant", VARIANTS)
def test_gate_arithmetic_terms_sum_to_z_at_two_units(variant):
    """Every gate of both units at t = 5: the panel's rows are the real weights times the step's numbers,
    they add up to the z shown, and the z and gate shown are the trace's (all at 4 significant digits)."""
    net_trace = expected_trace(variant, hidden=2)
    at = open_page(variant=variant, hidden=2, t=5)
    step = net_trace.layers[0].step(5)
    for unit in range(2):
        at.selectbox(key="anatomy_unit").set_value(unit).run()
        for gate in gates_of(variant):
            at.selectbox(key="anatomy_gate").set_value(gate).run()
            assert not at.exception
            text = gate_block(at)
            rows = ROW.findall(text)
            biases = [float(b) for b in BIAS.findall(text)]
            assert rows and biases, text
            products = [float(p) for _, _, p in rows]
            for w, v, p in rows:  # each shown product is the product of its shown factors
                assert float(w) * float(v) == pytest.approx(float(p), rel=1.2e-3, abs=1e-9)
            z_shown = float(re.search(r"\\hline z & .*? & = (\S+?) \\\\", text).group(1))
            assert sum(products) + sum(biases) == pytest.approx(z_shown, abs=1e-3 * len(rows))
            assert z_shown == pytest.approx(step.pre[gate][unit], rel=6e-4, abs=1e-9)
            value = float(re.search(r"\((?:\S+)\) & = (\S+?)\\end\{array\}", text).group(1))
            assert value == pytest.approx(getattr(step, gate)[unit], rel=6e-4, abs=1e-9)
            assert f"[{unit}]" in text.rsplit(r"\hline", 1)[1]


def test_gate_arithmetic_reads_the_weights_on_show():
    """The numbers are the network's own: the panel's weights are the torch layout's rows of seed 0."""
    view = ViewState()
    x = make_preset(view.preset, view.length, view.seed).x
    net = LSTM.random(x.shape[1], 2, 1, "standard", seed=view.seed)
    w = net.to_weights("torch")
    at = open_page(variant="standard", hidden=2, t=3)
    at.selectbox(key="anatomy_gate").set_value("o").run()
    weights = [float(w_) for w_, _, _ in ROW.findall(gate_block(at))]
    row = 3 * 2 + 0  # torch gate order i, f, g, o: o's rows start at 3H; unit 0
    expected = [*w["weight_ih_l0"][row], *w["weight_hh_l0"][row]]
    assert weights == [float(fmt(v)) for v in expected]
    assert "4 significant digits" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("which", [0, 1], ids=["diagram", "phone"])
def test_the_diagram_prints_every_wires_values_at_two_units(which):
    """At 2 units each wire's cells print its numbers (2 decimals), read from the figure's own text data,
    and the cells' values are the core's trace at that step."""
    trace = expected_trace("peephole", hidden=2)
    at = open_page(variant="peephole", hidden=2, t=6)
    step = trace.layers[0].step(6)
    fig = figure(at, which)
    shown = {d["name"]: d for d in fig["data"] if d["type"] == "heatmap"}
    assert set(shown) == {"x", "h_prev", "c_prev", "f", "i", "g", "o", "kept", "written", "c", "u", "h"}
    for key, d in shown.items():
        cells = {
            u: (v, text)
            for row_u, row_v, row_t in zip(d["customdata"], d["z"], d["text"], strict=True)
            for u, v, text in zip(row_u, row_v, row_t, strict=True)
            if u is not None
        }
        values = getattr(step, key)
        assert sorted(cells) == list(range(len(values))), key
        for j, expected in enumerate(values):
            value, text = cells[j]
            assert value == pytest.approx(expected, abs=1e-12), key
            assert text == f"{expected:.2f}".replace("-", "−").replace("−0.00", "0.00"), key


def test_udacity_words_on_the_standard_cell_say_u_is_not_the_literal_use_gate():
    note = "the literal Udacity cell's U_t is a different quantity"
    assert any(note in c.value for c in open_page(variant="standard", vocabulary="udacity").caption)
    for variant, vocabulary in (("udacity", "udacity"), ("standard", "standard")):
        assert not any(note in c.value for c in open_page(variant=variant, vocabulary=vocabulary).caption)


@pytest.mark.parametrize("variant", ["gru", "rnn"])
@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_a_gru_or_rnn_link_shows_that_cell(variant, vocabulary):
    """?variant=gru / rnn: the sidebar keeps the cell, the diagram, equations and arithmetic are its own."""
    import inspect

    from lstm_core import cells, network_class

    at = open_page(variant=variant, vocabulary=vocabulary)
    assert not at.exception
    assert at.selectbox(key="w_variant").value == variant and at.query_params["variant"] == variant
    assert not any("standard LSTM" in i.value for i in at.info)
    gate, numbers, symbolic = (el.value for el in at.latex)
    for eq in equations(variant, vocabulary):
        assert eq.latex.replace(" = ", " &= ", 1) in symbolic
    view = ViewState()
    x = make_preset(view.preset, view.length, view.seed).x
    trace = network_class(variant).random(x.shape[1], 4, 1, variant=variant, seed=view.seed).run(x)
    for line in substituted(trace, 0, 0, 0, vocabulary):
        assert line.replace(" = ", " &= ", 1) in numbers
    first = gates_of(variant)[0]
    assert f"= {fmt(getattr(trace.layers[0], first)[0][0])}" + r"\end{array}" in gate
    assert f"<b>{variant}</b> cell" in figure(at)["layout"]["title"]["text"]
    code = [c.value for c in at.code]
    assert inspect.getsource(cells.get(variant).reference).rstrip() in code
    words_note = [c.value for c in at.caption if "Udacity words" in c.value]
    assert bool(words_note) == (vocabulary == "udacity")


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_code_expander_shows_the_lstm_reference_step(variant):
    import inspect

    from lstm_core import cells

    at = open_page(variant=variant)
    (code,) = at.code
    assert code.value == inspect.getsource(cells.get(variant).reference).rstrip()
    assert any("tested against it" in c.value for c in at.caption)
