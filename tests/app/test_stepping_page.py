"""pages/2_Step_through_time.py under streamlit.testing: the buttons and the slider move t, the figure and
the link follow, t stays inside the sequence, and the trace can be downloaded."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.io
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from lstm_core import LSTM, VARIANTS, notation
from lstm_core.sequences import make_preset
from tests.plotly_data import chart_specs, decode
from ui import figure_cache
from ui.figures.stepping import TABLE_KEYS, stepping_spec
from ui.state import ViewState

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "2_Step_through_time.py")
T = ViewState().length  # the default sequence: 20 steps


def open_page(**params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = str(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def expected_trace(variant="standard", hidden=4, layers=1, length=T):
    view = ViewState()
    x = make_preset(view.preset, length, view.seed).x
    return LSTM.random(x.shape[1], hidden, layers, variant, seed=view.seed).run(x)


def expected_spec(t: int, unit: int, variant="standard", vocabulary="standard") -> dict:
    """The figure the pure builder draws for this view, through JSON as the page sends it."""
    view = ViewState()
    names = make_preset(view.preset, T, view.seed).feature_names
    spec = stepping_spec(expected_trace(variant), t, vocabulary, unit=unit, feature_names=names)
    return json.loads(json.dumps(spec))


def figure(at: AppTest) -> dict:
    (spec,) = chart_specs(at)
    return spec


def trace_of(spec: dict, role: str, **meta) -> dict:
    found = [
        d
        for d in spec["data"]
        if d.get("meta", {}).get("role") == role and all(d["meta"].get(k) == v for k, v in meta.items())
    ]
    assert len(found) == 1, (role, meta)
    return found[0]


def step_label(at: AppTest) -> str:
    (label,) = [m.value for m in at.markdown if m.value.startswith("**Step ")]
    return label


def buttons(at: AppTest) -> dict[str, bool]:
    """Label → disabled, for the page's two step buttons."""
    return {b.label: b.disabled for b in at.button if b.label in ("Previous step", "Next step")}


def assert_shows_step(at: AppTest, t: int, variant="standard", length=T) -> None:
    assert at.slider(key="step_t").value == t
    assert step_label(at).startswith(f"**Step {t} of {length}**")
    lt = expected_trace(variant, length=length).layers[0]
    spec = figure(at)
    np.testing.assert_allclose(decode(trace_of(spec, "c")["y"]), lt.c[t], rtol=0, atol=1e-12)
    np.testing.assert_allclose(decode(trace_of(spec, "c_prev")["y"]), lt.c_prev[t], rtol=0, atol=1e-12)
    np.testing.assert_allclose(decode(trace_of(spec, "h")["y"]), lt.h[t], rtol=0, atol=1e-12)
    assert spec["layout"]["sliders"][0]["active"] == t


@pytest.mark.parametrize("variant", VARIANTS)
def test_page_runs_and_shows_step_zero(variant):
    at = open_page(variant=variant)
    assert [t.value for t in at.title] == ["Step through time"]
    assert_shows_step(at, 0, variant)
    assert buttons(at) == {"Previous step": True, "Next step": False}
    spec = figure(at)
    assert len(spec["frames"]) == T  # Play runs through every step in the browser
    assert [b["label"] for b in spec["layout"]["updatemenus"][0]["buttons"]] == ["▶ Play", "■ Pause"]


def test_next_step_moves_t_the_figure_and_the_link():
    at = open_page()
    before = figure(at)
    at.button(key="step_next").click().run()
    assert not at.exception
    assert_shows_step(at, 1)
    assert at.query_params["t"] == "1"
    after = figure(at)
    assert trace_of(after, "c")["y"] != trace_of(before, "c")["y"]
    at.button(key="step_next").click().run()
    assert_shows_step(at, 2)
    assert at.query_params["t"] == "2"
    at.button(key="step_prev").click().run()
    assert_shows_step(at, 1)
    assert at.query_params["t"] == "1"
    assert buttons(at) == {"Previous step": False, "Next step": False}


def test_previous_step_at_zero_stays_at_zero():
    at = open_page()
    assert buttons(at)["Previous step"] is True  # disabled: nobody can click it
    with pytest.raises(AppTestError, match="disabled"):
        at.button(key="step_prev").click()
    at.run()
    assert not at.exception
    assert_shows_step(at, 0)
    assert "t" not in at.query_params  # t = 0 is the default: the link leaves it out


def test_next_step_at_the_last_step_stays_there():
    at = open_page(t=T - 1)
    assert_shows_step(at, T - 1)
    assert buttons(at) == {"Previous step": False, "Next step": True}
    with pytest.raises(AppTestError, match="disabled"):
        at.button(key="step_next").click()
    at.button(key="step_prev").click().run()
    at.button(key="step_next").click().run()
    assert not at.exception
    assert_shows_step(at, T - 1)
    assert buttons(at)["Next step"] is True


def test_the_slider_scrubs_to_any_step():
    at = open_page(variant="peephole")
    at.slider(key="step_t").set_value(13).run()
    assert not at.exception
    assert_shows_step(at, 13, "peephole")
    assert at.query_params["t"] == "13"
    at.button(key="step_prev").click().run()
    assert_shows_step(at, 12, "peephole")


def test_link_t_opens_that_step_and_is_kept_inside_the_sequence():
    assert_shows_step(open_page(t=7), 7)
    at = open_page(t=15, length=8)  # a valid t, but past the end of this shorter sequence
    assert_shows_step(at, 7, length=8)
    at = open_page(t="abc")  # invalid: falls back to 0 with a notice
    assert_shows_step(at, 0)
    assert any("“t”" in w.value for w in at.warning)


def test_unit_selector_moves_the_line_panel_and_the_link():
    at = open_page(variant="udacity", vocabulary="udacity")
    at.selectbox(key="step_unit").set_value(3).run()
    assert not at.exception
    lt = expected_trace("udacity").layers[0]
    spec = figure(at)
    for key in ("f", "c", "h", "u"):
        line = trace_of(spec, "unit_line", key=key)
        assert line["meta"]["unit"] == 3
        np.testing.assert_allclose(decode(line["y"]), getattr(lt, key)[:, 3], rtol=0, atol=1e-12)
    assert at.query_params["unit"] == "3"
    assert open_page(unit=2).selectbox(key="step_unit").value == 2
    assert open_page(unit=99).selectbox(key="step_unit").value == 0


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_figure_speaks_the_chosen_vocabulary(vocabulary):
    spec = figure(open_page(vocabulary=vocabulary))
    names = [d.get("name", "") for d in spec["data"]]
    assert notation.title("c", vocabulary) in names
    other = "udacity" if vocabulary == "standard" else "standard"
    assert notation.title("c", other) not in names
    has_u = any(d.get("meta", {}).get("key") == "u" for d in spec["data"] if d["type"] == "heatmap")
    assert not has_u  # the standard cell has no U panel
    udacity_spec = figure(open_page(variant="udacity", vocabulary=vocabulary))
    assert any(d.get("meta", {}).get("key") == "u" for d in udacity_spec["data"] if d["type"] == "heatmap")


def test_upper_layer_is_shown_when_chosen_in_the_sidebar():
    at = open_page(layers=2, layer=1)
    trace = expected_trace(layers=2)
    spec = figure(at)
    np.testing.assert_allclose(decode(trace_of(spec, "c")["y"]), trace.layers[1].c[0], rtol=0, atol=1e-12)
    assert "layer 2 of 2" in spec["layout"]["title"]["text"]


def test_table_and_csv_download():
    at = open_page(vocabulary="udacity")
    (download,) = at.get("download_button")
    assert download.label == "Download CSV"
    (table,) = at.dataframe
    frame = table.value
    headings = [notation.short(k, "udacity") for k in TABLE_KEYS]
    assert list(frame.columns) == ["t", "unit", *headings]
    assert len(frame) == T * 4
    lt = expected_trace().layers[0]
    np.testing.assert_allclose(frame[notation.short("c", "udacity")], lt.c.ravel(), rtol=0, atol=1e-12)


def test_single_step_sequence_has_no_slider_and_no_moves():
    at = open_page(length=1, hidden=1)
    assert "step_t" not in [s.key for s in at.slider]
    assert buttons(at) == {"Previous step": True, "Next step": True}
    assert step_label(at).startswith("**Step 0 of 1**")
    assert len(figure(at)["frames"]) == 1


def test_the_cached_figure_is_the_pure_builders_figure_at_every_step():
    """The page builds the figure's parts once and adds each step: it must send exactly what
    stepping_spec draws from scratch, after steps, a scrub and a unit change."""
    at = open_page(variant="udacity", vocabulary="udacity")
    assert figure(at) == expected_spec(0, 0, "udacity", "udacity")
    at.button(key="step_next").click().run()
    at.button(key="step_next").click().run()
    assert figure(at) == expected_spec(2, 0, "udacity", "udacity")
    at.selectbox(key="step_unit").set_value(3).run()
    assert figure(at) == expected_spec(2, 3, "udacity", "udacity")
    at.slider(key="step_t").set_value(17).run()
    at.button(key="step_prev").click().run()
    assert not at.exception
    assert figure(at) == expected_spec(16, 3, "udacity", "udacity")


def test_the_figure_is_sent_as_built_without_plotly_rework():
    """The page hands Streamlit the finished dict (SpecFigure): the chart's JSON is that dict as
    plotly.io writes it, with nothing added, dropped or converted on the way."""
    at = open_page()
    at.button(key="step_next").click().run()
    (chart,) = at.get("plotly_chart")
    view = ViewState()
    names = make_preset(view.preset, T, view.seed).feature_names
    spec = stepping_spec(expected_trace(), 1, "standard", feature_names=names)
    assert chart.proto.spec == plotly.io.to_json(spec, validate=False)
    c = trace_of(figure(at), "c")["y"]
    assert isinstance(c, list) and c == expected_trace().layers[0].c[1].tolist()


def test_figure_parts_are_shared_by_content_not_by_object():
    trace = expected_trace()
    same = expected_trace()  # another object with the same numbers: a new cache_data copy, a new session
    parts = figure_cache.stepping_parts(trace, "standard", 0, None)
    assert figure_cache.stepping_parts(same, "standard", 0, None) is parts
    assert figure_cache.stepping_parts(trace, "udacity", 0, None) is not parts
    assert figure_cache.stepping_parts(expected_trace(hidden=5), "standard", 0, None) is not parts
    other_seed = LSTM.random(trace.x.shape[1], 4, 1, "standard", seed=99).run(trace.x)
    assert figure_cache.layer_fingerprint(other_seed, 0) != figure_cache.layer_fingerprint(trace, 0)
