"""Step through time with a GRU and a plain RNN (``?variant=gru``, ``?variant=rnn``): the heatmaps are the
cell's own gates (r, z, n; the RNN's h), the bars show h alone (neither cell has a c), the GRU's new state
is split into z ⊙ h_{t-1} + (1 − z) ⊙ n, the step player moves every bar, and the table carries the
cell's fields. Expected numbers come from ``lstm_core.GRU`` / ``RNN`` built here, and the split is
written out longhand."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import GRU, RNN
from lstm_core.sequences import make_preset
from tests.app.pages import ROOT, open_page
from tests.app.test_stepping_page import PLAYER, figure, shown, step, trace_of
from tests.player import player_args
from tests.plotly_data import decode
from ui import notation
from ui.state import ViewState

PAGE = "views/2_Step_through_time.py"
VIEW = ViewState()
T = VIEW.length
NETS = {"gru": GRU, "rnn": RNN}


def core_layer(variant: str, hidden: int = 4, layers: int = 1, layer: int = 0):
    x = make_preset(VIEW.preset, T, VIEW.seed).x
    return NETS[variant].random(x.shape[1], hidden, layers, seed=VIEW.seed).run(x).layers[layer]


def heatmaps(spec: dict) -> dict[str, np.ndarray]:
    return {d["meta"]["key"]: decode(d["z"]) for d in spec["data"] if d["type"] == "heatmap"}


def bar_roles(spec: dict) -> set[str]:
    return {d["meta"]["role"] for d in spec["data"] if d["type"] == "bar"}


def assert_gru_bars(spec: dict, lt, t: int) -> None:
    z, h_prev, n = lt.z[t], lt.h_prev[t], lt.n[t]
    for role, expected in (
        ("h", lt.h[t]),
        ("h_prev", h_prev),
        ("kept", z * h_prev),  # longhand: h_t = z ⊙ h_{t-1} + (1 − z) ⊙ n_t
        ("written", (1.0 - z) * n),
        ("h_tick", lt.h[t]),
    ):
        np.testing.assert_allclose(decode(trace_of(spec, role)["y"]), expected, rtol=0, atol=1e-12)
    written = trace_of(spec, "written")
    np.testing.assert_allclose(decode(written["base"]), z * h_prev, rtol=0, atol=1e-12)
    np.testing.assert_allclose(decode(written["base"]) + decode(written["customdata"]), lt.h[t], atol=1e-12)


def test_gru_heatmaps_are_its_gates_and_the_bars_its_one_state():
    at = open_page(PAGE, variant="gru")
    lt = core_layer("gru")
    spec = figure(at)
    maps = heatmaps(spec)
    assert list(maps) == ["r", "z", "n"]
    for key, z in maps.items():
        np.testing.assert_allclose(z, getattr(lt, key).T, rtol=0, atol=1e-12)  # units × time
    assert bar_roles(spec) == {"h_prev", "h", "kept", "written"}  # no c, no c_prev: a GRU has no cell state
    assert_gru_bars(spec, lt, 0)
    lines = [d["meta"]["key"] for d in spec["data"] if d["meta"]["role"] == "unit_line"]
    assert lines == ["r", "z", "n", "h"]
    assert "<b>gru</b> cell" in spec["layout"]["title"]["text"]
    titles = " ".join(a["text"] for a in spec["layout"]["annotations"])
    assert notation.html("kept", "standard", "gru") in titles and notation.name("c", "standard") not in titles
    assert any("has no cell state" in i.value for i in at.info)


def test_gru_player_steps_move_every_bar():
    at = open_page(PAGE, variant="gru")
    lt = core_layer("gru")
    for t in (1, 7, 6):
        step(at, t)
        assert not at.exception
        frame, spec = shown(at)
        assert frame == t == player_args(at, PLAYER)["t"]
        assert_gru_bars(spec, lt, t)
    assert at.query_params["variant"] == "gru" and at.query_params["t"] == "6"


def test_rnn_shows_h_only():
    at = open_page(PAGE, variant="rnn", hidden=3)
    lt = core_layer("rnn", hidden=3)
    spec = figure(at)
    maps = heatmaps(spec)
    assert list(maps) == ["h"]
    np.testing.assert_allclose(maps["h"], lt.h.T, rtol=0, atol=1e-12)
    assert bar_roles(spec) == {"h_prev", "h"}
    assert not [d for d in spec["data"] if d["meta"]["role"].endswith("_tick")]  # no split: h is no sum
    step(at, 4)
    frame, spec = shown(at)
    np.testing.assert_allclose(decode(trace_of(spec, "h")["y"]), lt.h[4], rtol=0, atol=1e-12)
    np.testing.assert_allclose(decode(trace_of(spec, "h_prev")["y"]), lt.h[3], rtol=0, atol=1e-12)
    x = make_preset(VIEW.preset, T, VIEW.seed).x
    W = RNN.random(x.shape[1], 3, seed=VIEW.seed).to_weights()
    longhand = np.tanh(
        x[4] @ W["weight_ih_l0"].T + W["bias_ih_l0"] + lt.h[3] @ W["weight_hh_l0"].T + W["bias_hh_l0"]
    )
    np.testing.assert_allclose(lt.h[4], longhand, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("variant", "keys"),
    [("gru", ("h_prev", "r", "z", "hn", "n", "kept", "written", "h")), ("rnn", ("h_prev", "h"))],
)
def test_table_carries_the_cells_fields(variant, keys):
    at = open_page(PAGE, variant=variant, vocabulary="udacity")
    at.session_state["step_table_open"] = True  # the table is built once its expander is open
    at.run()
    (table,) = at.dataframe
    frame = table.value
    assert list(frame.columns) == ["t", "unit", *(notation.short(k, "udacity", variant) for k in keys)]
    lt = core_layer(variant)
    for key in keys:
        column = frame[notation.short(key, "udacity", variant)]
        np.testing.assert_allclose(column, getattr(lt, key).ravel(), rtol=0, atol=1e-12)
    (download,) = at.get("download_button")
    assert download.label == "Download CSV"


def test_the_csv_of_a_gru_holds_its_fields():
    lt = core_layer("gru")
    x = make_preset(VIEW.preset, T, VIEW.seed).x
    tidy = GRU.random(x.shape[1], 4, seed=VIEW.seed).run(x).to_frame()
    assert list(tidy["quantity"].cat.categories) == ["h_prev", "r", "z", "hn", "n", "kept", "written", "h"]
    kept = tidy[tidy["quantity"] == "kept"]["value"].to_numpy().reshape(T, 4)
    np.testing.assert_allclose(kept, lt.z * lt.h_prev, rtol=0, atol=1e-15)


@pytest.mark.parametrize("variant", ["gru", "rnn"])
def test_a_page_of_lstms_says_so_and_shows_the_standard_cell(variant):
    at = open_page("views/3_Gate_lab.py", variant=variant)
    assert any(f"the {variant.upper()} is shown on Step through time" in i.value for i in at.info)
    assert at.selectbox(key="w_variant").value == "standard"
    assert at.selectbox(key="w_variant").options == ["standard", "udacity", "no_forget", "peephole"]
    assert "variant" not in at.query_params
    step_page = open_page(PAGE, variant=variant)
    assert step_page.selectbox(key="w_variant").options[-2:] == ["gru", "rnn"]


ALL_PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "views").glob("*.py"))]
CELL_PAGES = {"views/1_Cell_anatomy.py", "views/2_Step_through_time.py", "views/4_Compare_variants.py"}
# Pages that build their own cells: the sidebar's Variant is disabled there and keeps the link's cell.
OWN_CELLS = {
    "views/5_Train.py",
    "views/6_Gradient_flow.py",
    "views/7_Lessons.py",
    "views/8_Challenges.py",
    "views/10_Read_text.py",
}


@pytest.mark.parametrize("variant", ["gru", "rnn"])
@pytest.mark.parametrize("path", ALL_PAGES)
def test_every_page_takes_a_gru_or_rnn_link(path, variant):
    """No page fails on ?variant=gru or rnn: the pages that show every cell show it, the others say they
    use the standard LSTM (and the link no longer claims otherwise); the pages that build their own cells
    keep it, disabled, for the pages that show it."""
    at = open_page(path, timeout=120, variant=variant)
    (box,) = [b for b in at.sidebar.selectbox if b.key == "w_variant"]
    if path in CELL_PAGES | OWN_CELLS:
        assert box.value == variant and at.query_params["variant"] == variant
        assert box.disabled == (path in OWN_CELLS | {"views/4_Compare_variants.py"})
        assert not any("is shown on Step through time" in i.value for i in at.info)
    else:
        assert box.value == "standard" and "variant" not in at.query_params
        assert any(f"the {variant.upper()} is shown on Step through time" in i.value for i in at.info)


def test_an_upper_gru_layer_shows_its_own_gates_and_reads_the_layer_below():
    at = open_page(PAGE, variant="gru", layers=2, layer=1, hidden=3)
    lt = core_layer("gru", hidden=3, layers=2, layer=1)
    below = core_layer("gru", hidden=3, layers=2, layer=0)
    np.testing.assert_array_equal(lt.x, below.h)  # layer 2 reads layer 1's h
    spec = figure(at)
    for key, z in heatmaps(spec).items():
        np.testing.assert_allclose(z, getattr(lt, key).T, rtol=0, atol=1e-12)
    inputs = [d for d in spec["data"] if d["meta"]["role"] == "input"]
    for j, line in enumerate(inputs):
        np.testing.assert_allclose(decode(line["y"]), below.h[:, j], rtol=0, atol=1e-12)
    assert "layer 2 of 2" in spec["layout"]["title"]["text"]
