"""views/3_Gate_lab.py under streamlit.testing: presets move the sliders and the half-life readout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core import VARIANTS
from lstm_core.experiments import GATES, PRESETS, describe_half_life, memory_half_life, run_settings
from lstm_core.sequences import make_preset
from tests.app.pages import open_page as open_app_page
from tests.plotly_data import chart_specs, decode
from ui import notation
from ui.state import ViewState

PAGE = "views/3_Gate_lab.py"


def open_page(**params) -> AppTest:
    return open_app_page(PAGE, **params)


def readout(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def expected_readout(preset: str, variant="standard", hidden=4, c0=0.5) -> list[str]:
    view = ViewState()
    x = make_preset(view.preset, view.length, view.seed).x
    trace = run_settings(PRESETS[preset], x, hidden, variant, view.seed, c0=c0)
    return [describe_half_life(h) for h in memory_half_life(trace)]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_page_runs_for_every_variant(variant, vocabulary):
    at = open_page(variant=variant, vocabulary=vocabulary)
    assert len(readout(at)) == 4
    (spec,) = chart_specs(at)
    legend = [t["name"] for t in spec["data"] if t.get("showlegend")]
    assert any(notation.title("c", vocabulary, variant) in name for name in legend)
    labels = " ".join(s.label for s in at.slider)
    assert notation.parameter("b", "g", variant) in labels  # b_g, or b_n for the Udacity cell
    f_disabled = [at.slider(key=k).disabled for k in ("gl_bias_f", "gl_weight_f")]
    assert f_disabled == [variant == "no_forget"] * 2


def test_default_readout_is_the_first_presets():
    at = open_page()
    assert at.selectbox(key="gl_preset").value == "perfect_memory"
    assert readout(at) == expected_readout("perfect_memory")


def test_choosing_a_preset_changes_the_readout_and_the_sliders():
    at = open_page()
    first = readout(at)
    for preset in ("amnesia", "write_once", "saturated"):
        at.selectbox(key="gl_preset").set_value(preset)
        rerun(at)
        assert readout(at) == expected_readout(preset)
        for key in GATES:
            gate = PRESETS[preset].gate(key)
            assert at.slider(key=f"gl_bias_{key}").value == gate.bias
            assert at.slider(key=f"gl_weight_{key}").value == gate.weight
    assert readout(at) != first
    at.selectbox(key="gl_preset").set_value("amnesia")
    assert all("step" in v and float(v.split()[0]) < 1 for v in readout(rerun(at)))


def test_clamping_f_to_one_gives_never():
    at = open_page()
    at.selectbox(key="gl_preset").set_value("amnesia")
    rerun(at)
    assert "never" not in readout(at)
    at.toggle(key="gl_clamp_on_f").set_value(True)
    rerun(at)
    assert at.slider(key="gl_clamp_f").value == 1.0
    assert readout(at) == ["never"] * 4
    assert at.selectbox(key="gl_preset").value == "custom"
    (spec,) = chart_specs(at)
    f_lines = [t for t in spec["data"] if t["meta"]["key"] == "f"]
    assert f_lines and all(np.all(decode(t["y"]) == 1.0) for t in f_lines)
    assert "clamped to 1" in f_lines[0]["name"]
    at.slider(key="gl_clamp_f").set_value(0.5)
    assert readout(rerun(at)) == ["1 step"] * 4  # f = 0.5 at every step: halved every step


def test_moving_a_slider_makes_the_settings_custom():
    at = open_page()
    at.slider(key="gl_bias_f").set_value(2.0)
    rerun(at)
    assert at.selectbox(key="gl_preset").value == "custom"
    f = 1 / (1 + np.exp(-2.0))
    # recurrent weights still move f a little around σ(2): the half-lives sit near ln .5 / ln σ(2)
    for value in readout(at):
        assert abs(float(value.split()[0]) - np.log(0.5) / np.log(f)) < 3


def test_large_hidden_size_is_capped_with_a_caption():
    at = open_page(hidden=9, layers=2)
    assert len(readout(at)) == 4
    captions = " ".join(c.value for c in at.caption)
    assert "4 units here" in captions and "asks for 9" in captions and "one layer" in captions
    (spec,) = chart_specs(at)
    units = {t["meta"]["unit"] for t in spec["data"]}
    assert units == {0, 1, 2, 3}


def test_small_hidden_size_uses_it():
    at = open_page(hidden=2)
    assert len(readout(at)) == 2
    assert "units here" not in " ".join(c.value for c in at.caption)


def test_no_forget_never_and_no_f_controls():
    at = open_page(variant="no_forget")
    assert readout(at) == ["never"] * 4
    assert at.toggle(key="gl_clamp_on_f").disabled


def test_vocabulary_words_on_the_page():
    at = open_page(vocabulary="udacity", variant="udacity")
    text = " ".join(m.value for m in at.markdown) + " ".join(s.value for s in at.subheader)
    assert notation.name("i", "udacity") in text and notation.name("c", "udacity") in text
    assert notation.name("i", "standard") not in text


def test_use_the_single_pulse_switches_the_input_and_states_the_presets_promise():
    from ui import claims

    at = open_page()
    at.selectbox(key="gl_preset").set_value("write_once")
    rerun(at)
    at.button(key="gl_use_pulse").click()
    rerun(at)
    assert at.sidebar.selectbox(key="w_preset").value == "pulse"
    claim = claims.CLAIMS["preset_write_once"]
    assert claim.say(claim.run()) in " ".join(m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == "gl_use_pulse"]  # on the pulse already: no button


@pytest.mark.parametrize("narrow", [False, True])
def test_a_phone_gets_two_units_a_row(narrow):
    """ui.screen's answer picks the figure's arrangement: four units side by side, or two rows of two."""
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / PAGE), default_timeout=60)
    at.session_state["screen_narrow"] = narrow
    at = rerun(at)
    (spec,) = chart_specs(at)
    hidden = at.sidebar.slider(key="w_hidden").value
    columns = 2 if narrow else hidden
    rows = 2 * -(-hidden // columns)
    assert sum(1 for k in spec["layout"] if k.startswith("yaxis")) == rows * columns
    units = {d["meta"]["unit"]: d["yaxis"] for d in spec["data"] if d["meta"]["key"] == "c"}
    assert units[columns - 1] == f"y{columns if columns > 1 else ''}" and len(units) == hidden
