"""views/6_Gradient_flow.py under streamlit.testing: RNN vs LSTM vs GRU gradient norms, and clipping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core import gradient_flow as gf
from tests.plotly_data import chart_specs, decode
from ui import claims, notation

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "views" / "6_Gradient_flow.py")


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(length: int | None = None, **params) -> AppTest:
    """The page at its defaults (``length`` None), or with the sequence length set."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = str(value)
    run(at)
    if length is not None:
        at.slider(key="gf_length").set_value(length)
        run(at)
    return at


def plotted(spec: dict) -> dict[tuple[str, str], np.ndarray]:
    """{(cell, quantity): y} of a gradient-flow chart, each indexed by distance 0 … T − 1."""
    out = {}
    for t in spec["data"]:
        x, y = decode(t["x"]), decode(t["y"])
        out[(t["meta"]["cell"], t["meta"]["quantity"])] = y[np.argsort(x)]
    return out


def test_defaults_show_the_lstm_memory_gradient_100_times_the_rnns_at_the_far_end():
    at = open_page()
    init = plotted(chart_specs(at)[0])
    D = gf.DEFAULTS
    assert init[("LSTM", "dc")].size == D["length"]
    far_lstm, far_rnn = init[("LSTM", "dc")][-1], init[("RNN", "dh")][-1]
    assert far_lstm >= 100 * far_rnn
    text = " ".join(m.value for m in at.markdown)
    assert f"{D['length'] - 1} steps back" in text
    assert f"{far_lstm:.2g}" in text and f"{far_rnn:.1e}" in text


def test_default_exploding_case_blows_up_without_clipping_and_learns_with_it():
    at = open_page()
    (norms,) = [s for s in chart_specs(at) if [t["name"] for t in s["data"]] == list(gf.CLIP_LABELS)]
    off, on = (decode(t["y"]) for t in norms["data"])
    assert off.size == on.size == gf.EXPLODE["steps"]
    assert not np.isfinite(off).all() or np.nanmax(off) >= 1e6 * off[0]
    assert np.isfinite(on).all() and on.max() < 1e3 * on[0]
    losses = [s for s in chart_specs(at) if s["layout"].get("title", {}).get("text", "").startswith("RNN, ")]
    clipped_loss = decode(losses[1]["data"][0]["y"])
    assert np.isfinite(clipped_loss).all()
    assert clipped_loss[-50:].mean() < claims.BEST_CONSTANT_MSE < clipped_loss[0]
    assert any("became infinite" in m.value for m in at.markdown)


def test_default_training_states_the_accuracies_it_reaches():
    at = open_page()
    at.button(key="gf_train").click()
    run(at)
    text = " ".join(m.value for m in at.markdown)
    result = claims.CLAIMS["gf_trained"].run()
    n = claims.CLAIMS["gf_trained"].numbers(result)
    assert n["LSTM"] >= 0.95 and n["GRU"] >= 0.95 and abs(n["RNN"] - 0.5) <= 0.10
    assert claims.CLAIMS["gf_trained"].say(result) in text
    assert len(chart_specs(at)) == 6  # the after-training chart joined the five


def cells(spec: dict) -> list[tuple[str, str]]:
    return [(t["meta"]["cell"], t["meta"]["quantity"]) for t in spec["data"]]


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_initial_flow_has_three_cells(vocabulary):
    at = open_page(length=20, vocabulary=vocabulary)
    init = chart_specs(at)[0]
    assert cells(init) == [("LSTM", "dh"), ("LSTM", "dc"), ("RNN", "dh"), ("GRU", "dh")]
    assert init["layout"]["yaxis"]["type"] == "log"
    for trace in init["data"]:
        x, y = decode(trace["x"]), decode(trace["y"])
        np.testing.assert_array_equal(x, np.arange(20))
        assert y.shape == (20,) and (y >= 0).all()
        assert notation.name(trace["meta"]["quantity"][1:], vocabulary) in trace["name"]
    assert any("clipping" in m.value.lower() for m in at.markdown)  # the explanation text loaded


def test_rnn_gradient_fades_faster_than_lstm_memory():
    at = open_page(length=40)
    init = {(t["meta"]["cell"], t["meta"]["quantity"]): decode(t["y"]) for t in chart_specs(at)[0]["data"]}
    far_rnn = init[("RNN", "dh")][-1] / init[("RNN", "dh")][0]
    far_lstm = init[("LSTM", "dc")][-1] / init[("LSTM", "dc")][0]
    assert far_rnn < far_lstm


def test_train_all_three_adds_an_after_chart():
    at = open_page(length=10)
    before = len(chart_specs(at))
    at.number_input(key="gf_steps").set_value(10)
    at.button(key="gf_train").click()
    run(at)
    specs = chart_specs(at)
    assert len(specs) == before + 1
    assert {c for c, _ in cells(specs[1])} == {"LSTM", "RNN", "GRU"}


def test_exploding_section_compares_clipping():
    at = open_page()
    at.number_input(key="gf_explode_steps").set_value(20)
    run(at)
    norms = [s for s in chart_specs(at) if s["layout"]["yaxis"].get("type") == "log" and len(s["data"]) == 2]
    assert [t["name"] for t in norms[0]["data"]] == ["clipping off", "clipping on (norm 1)"]
    off, on = (decode(t["y"]) for t in norms[0]["data"])
    assert off.size == on.size == 20
    assert off[0] == pytest.approx(on[0])  # the same first batch and weights: clipping acts after the norm
