"""views/4_Compare_variants.py under streamlit.testing: six cell sections (the four LSTMs, the GRU, the RNN),
the traces the figures hold against the core, equations."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core import CELL_VARIANTS, GRU, RNN
from lstm_core.experiments import run_matched
from lstm_core.sequences import make_preset
from tests.app.pages import ROOT
from tests.app.pages import open_page as open_app_page
from tests.plotly_data import chart_specs, decode
from ui import notation
from ui.equations import equations
from ui.figures.compare import MAX_COLUMNS, kept_steps
from ui.state import ViewState

PAGE = "views/4_Compare_variants.py"


def open_page(**params) -> AppTest:
    return open_app_page(PAGE, **params)


def test_six_cell_sections():
    at = open_page()
    headers = [s.value for s in at.subheader]
    for variant in CELL_VARIANTS:
        assert headers.count(variant) == 1
    captions = [c.value for c in at.caption]
    for variant in CELL_VARIANTS:
        assert notation.variant_title(variant, "standard") in captions


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_the_intro_is_short_and_the_matching_is_one_click_away(vocabulary):
    """Two lines above the figures (presenter mode shows the controls on the first screen); how the
    weights are matched, in the chosen vocabulary, in an expander."""
    at = open_page(vocabulary=vocabulary)
    intro = at.caption[0].value
    assert intro.startswith("The same input through all six cells") and len(intro) < 200
    (matched,) = [e for e in at.expander if e.label == "How the weights are matched"]
    text = matched.markdown[0].value
    assert f"no_forget drops the {notation.name('f', vocabulary)} weights" in text
    assert f"Neither has a {notation.name('c', vocabulary)}" in text


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_equations_with_differences_highlighted(vocabulary):
    at = open_page(vocabulary=vocabulary)
    shown = [el.value for el in at.latex]
    expected = [eq for v in CELL_VARIANTS for eq in equations(v, vocabulary)]
    assert len(shown) == len(expected)
    for text, eq in zip(shown, expected, strict=True):
        assert eq.latex in text
        assert ("colorbox" in text) == eq.differs
    assert any(eq.differs for eq in expected)


def test_charts_hold_the_matched_traces():
    at = open_page(hidden=3, preset="pulse", length=15)
    states, gates = chart_specs(at)
    view = ViewState()
    x = make_preset("pulse", 15, view.seed).x
    traces = run_matched(x, 3, 1, view.seed, cells=CELL_VARIANTS)
    for line in states["data"]:
        m = line["meta"]
        np.testing.assert_allclose(decode(line["y"]), getattr(traces[m["variant"]], m["key"])[:, m["unit"]])
    for heat in gates["data"]:
        m = heat["meta"]
        z = decode(heat["z"]).reshape(3, 15)
        np.testing.assert_allclose(z, getattr(traces[m["variant"]].layers[0], m["key"]).T)
    assert {(h["meta"]["variant"], h["meta"]["key"]) for h in gates["data"]}.isdisjoint({("no_forget", "f")})
    notes = [a["text"] for a in gates["layout"]["annotations"] if a.get("name") == "note:no_forget:f"]
    assert len(notes) == 1 and "≡ 1" in notes[0]


def test_layer_and_vocabulary_follow_the_sidebar():
    at = open_page(layers=2, layer=1, vocabulary="udacity")
    headers = " ".join(s.value for s in at.subheader)
    assert "layer 2 of 2" in headers and notation.name("h", "udacity") in headers
    states, _ = chart_specs(at)
    assert {t["name"] for t in states["data"]} == {notation.title(k, "udacity") for k in ("c", "h")}


def test_texts_are_shown():
    at = open_page()
    labels = [e.label for e in at.main.expander]
    assert labels == [
        "How the weights are matched",
        "The four LSTM variants in a minute",
        "Why the udacity cell's output parts ways with the standard one",
    ]
    assert all(e.markdown and e.markdown[0].value.strip() for e in at.main.expander)  # none empty


@pytest.mark.parametrize("variant", ["gru", "rnn"])
def test_gru_and_rnn_beside_the_lstms(variant):
    """With ?variant=gru or rnn the page draws every cell; the GRU's and RNN's heatmaps are their own
    gates, computed here by lstm_core.GRU / RNN with the seed's weights, and their c panel is a note."""
    at = open_page(variant=variant, hidden=3, preset="pulse", length=15)
    assert at.selectbox(key="w_variant").value == variant
    states, gates = chart_specs(at)
    view = ViewState()
    x = make_preset("pulse", 15, view.seed).x
    lt = {"gru": GRU, "rnn": RNN}[variant].random(x.shape[1], 3, seed=view.seed).run(x).layers[0]
    heat = {
        h["meta"]["key"]: decode(h["z"]).reshape(3, 15)
        for h in gates["data"]
        if h["meta"]["variant"] == variant
    }
    own = {"gru": ["r", "z", "n"], "rnn": ["h"]}[variant]
    assert list(heat) == own
    for key in own:
        np.testing.assert_allclose(heat[key], getattr(lt, key).T, rtol=0, atol=1e-12)
    lines = [d for d in states["data"] if d["meta"]["variant"] == variant]
    assert {d["meta"]["key"] for d in lines} == {"h"}  # no c: the cell has none
    for line in lines:
        np.testing.assert_allclose(decode(line["y"]), lt.h[:, line["meta"]["unit"]], rtol=0, atol=1e-12)
    (note,) = [a["text"] for a in states["layout"]["annotations"] if a.get("name") == f"note:{variant}:c"]
    assert note.startswith(f"no {notation.name('c', 'standard')}:") and f"the {variant.upper()}'s" in note
    labels = {a["name"] for a in gates["layout"]["annotations"] if a.get("name", "").startswith("label:")}
    assert {f"label:{variant}:{key}" for key in own} <= labels  # each gate named in its borrowed row


def test_long_sequences_are_thinned_to_the_cores_values():
    """Over MAX_COLUMNS steps the page sends a heatmap column every few steps (the step t always among
    them) and each line's extremes: each kept number is the core's at the step its x names."""
    at = open_page(hidden=2, preset="pulse", length=1203, t=601)
    states, gates = chart_specs(at)
    x = make_preset("pulse", 1203, ViewState().seed).x
    traces = run_matched(x, 2, 1, ViewState().seed, cells=CELL_VARIANTS)
    kept = kept_steps(1203, 601)
    for heat in gates["data"]:
        m = heat["meta"]
        np.testing.assert_array_equal(decode(heat["x"]), kept)
        z = decode(heat["z"]).reshape(2, len(kept))
        np.testing.assert_allclose(
            z, getattr(traces[m["variant"]].layers[0], m["key"])[kept].T, rtol=0, atol=0
        )
    for line in states["data"]:
        m = line["meta"]
        steps = decode(line["x"]).astype(int)
        full = getattr(traces[m["variant"]].layers[0], m["key"])[:, m["unit"]]
        assert len(steps) <= MAX_COLUMNS + 3 and 601 in steps
        np.testing.assert_allclose(decode(line["y"]), full[steps], rtol=0, atol=0)
        assert decode(line["y"]).max() == full.max()
    assert len(json.dumps(gates)) < 1_000_000  # 6 cells × 5 gates × 2 units × ~400 steps, not all 1,203


@pytest.mark.parametrize("narrow", [False, True])
def test_a_phone_gets_two_cells_a_row(narrow):
    """ui.screen's answer picks the arrangement: six columns with long headings, or three blocks of two
    with the names alone."""
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=120)
    at.session_state["screen_narrow"] = narrow
    at.run()
    assert not at.exception
    for spec in chart_specs(at):
        headings = [a["text"] for a in spec["layout"]["annotations"] if a["text"].startswith("<b>")]
        assert [h.split("</b>")[0][3:] for h in headings] == list(CELL_VARIANTS)
        assert all(h.endswith("</b>") for h in headings) == narrow
        left_edges = {
            round(spec["layout"][k]["domain"][0], 3) for k in spec["layout"] if k.startswith("xaxis")
        }
        assert len(left_edges) == (2 if narrow else len(CELL_VARIANTS))


def test_presenter_mode_heads_each_column_with_the_cells_name_alone():
    """Six origins of up to three lines at presenter mode's 18 px ran into each other: its headings are
    the names, and each cell's section below still gives the origin."""

    def headings(at):
        return [
            [a["text"] for a in spec["layout"]["annotations"] if a["text"].startswith("<b>")]
            for spec in chart_specs(at)
        ]

    on, off = open_page(present="1"), open_page()
    assert headings(on) == [[f"<b>{v}</b>" for v in CELL_VARIANTS]] * 2
    assert all(h[0].startswith("<b>standard</b><br>") for h in headings(off))  # the origins, off
    captions = [c.value for c in on.caption]
    assert all(notation.variant_title(v, "standard") in captions for v in CELL_VARIANTS)


def _in_page_order(node) -> list:
    """Every element under ``node``, in the order the page shows them."""
    out = []
    for child in getattr(node, "children", {}).values():
        out += [child, *_in_page_order(child)]
    return out


@pytest.mark.parametrize("present", [False, True])
def test_on_a_projector_the_figures_come_before_the_introduction(present):
    at = open_page(**({"present": "1"} if present else {}))
    kinds = [(e.type, getattr(e, "label", None)) for e in _in_page_order(at.main)]
    first_chart = next(k for k, (kind, _) in enumerate(kinds) if kind == "plotly_chart")
    matched = kinds.index(("expander", "How the weights are matched"))
    assert (first_chart < matched) == present
