"""views/2_Step_through_time.py under streamlit.testing: a step the player reports moves t, the figure and
the link follow, t stays inside the sequence, and the trace can be downloaded.

A step leaves the drawn chart as it is and the step player shows the step's animation frame
(``ui.follow_step``): what the learner sees is ``shown(at)``, the drawn figure at the player's step."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core import LSTM, VARIANTS
from lstm_core.sequences import make_preset
from tests.player import player_args, report
from tests.plotly_data import at_frame, chart_specs, decode
from ui import figure_cache, notation
from ui.figures.stepping import TABLE_KEYS, stepping_spec
from ui.state import ViewState

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "2_Step_through_time.py")
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
    """The figure the page drew (sent to the browser)."""
    (spec,) = chart_specs(at)
    return spec


PLAYER = "step_player"


def chart_key(at: AppTest) -> str:
    """The Streamlit key of the page's one chart (its element id ends in it)."""
    (chart,) = at.get("plotly_chart")
    return chart.proto.id.rsplit("-", 1)[1]


def shown(at: AppTest) -> tuple[int, dict]:
    """The step the player shows, and the figure as the browser shows it then: the drawn figure animated
    to that step's frame. The player must aim at this page's chart, which must have that frame."""
    args = player_args(at, PLAYER)
    assert args["chart"] == f".st-key-{chart_key(at)} .js-plotly-plot", (args["chart"], chart_key(at))
    assert args["t"] in args["steps"]
    return args["t"], at_frame(figure(at), str(args["t"]))


def trace_of(spec: dict, role: str, **meta) -> dict:
    found = [
        d
        for d in spec["data"]
        if d.get("meta", {}).get("role") == role and all(d["meta"].get(k) == v for k, v in meta.items())
    ]
    assert len(found) == 1, (role, meta)
    return found[0]


def step(at: AppTest, t: int) -> AppTest:
    return report(at, PLAYER, t)


def assert_shows_step(at: AppTest, t: int, variant="standard", length=T) -> None:
    args = player_args(at, PLAYER)
    assert (args["t"], args["T"]) == (t, length)  # the player's label: "Step t of T"
    assert at.query_params.get("t", "0") == str(t)
    lt = expected_trace(variant, length=length).layers[0]
    frame, spec = shown(at)
    assert frame == t
    np.testing.assert_allclose(decode(trace_of(spec, "c")["y"]), lt.c[t], rtol=0, atol=1e-12)
    np.testing.assert_allclose(decode(trace_of(spec, "c_prev")["y"]), lt.c_prev[t], rtol=0, atol=1e-12)
    np.testing.assert_allclose(decode(trace_of(spec, "h")["y"]), lt.h[t], rtol=0, atol=1e-12)
    (marker,) = [d for d in spec["data"] if d["meta"] == {"role": "t_marker", "panel": "x"}]
    assert marker["x"] == [t, t]


@pytest.mark.parametrize("variant", VARIANTS)
def test_page_runs_and_shows_step_zero(variant):
    at = open_page(variant=variant)
    assert [t.value for t in at.title] == ["Step through time"]
    assert_shows_step(at, 0, variant)
    spec = figure(at)
    assert len(spec["frames"]) == T  # the player's Play runs through every step in the browser
    assert player_args(at, PLAYER)["steps"] == list(range(T))
    assert "updatemenus" not in spec["layout"] and "sliders" not in spec["layout"]  # one set of controls


def test_next_step_moves_t_the_figure_and_the_link():
    at = open_page()
    before = shown(at)[1]
    step(at, 1)
    assert not at.exception
    assert_shows_step(at, 1)
    assert at.query_params["t"] == "1"
    after = shown(at)[1]
    assert trace_of(after, "c")["y"] != trace_of(before, "c")["y"]
    step(at, 2)
    assert_shows_step(at, 2)
    assert at.query_params["t"] == "2"
    step(at, 1)
    assert_shows_step(at, 1)
    assert at.query_params["t"] == "1"
    assert player_args(at, PLAYER)["rev"] == 1  # the player's own steps: it was never told to jump


def test_a_report_outside_the_sequence_is_kept_inside_it():
    at = step(open_page(), -1)
    assert not at.exception
    assert_shows_step(at, 0)
    assert "t" not in at.query_params  # t = 0 is the default: the link leaves it out
    step(at, T + 5)
    assert_shows_step(at, T - 1)


def test_a_length_change_keeps_t_when_it_exists_else_clamps_it_and_says_so():
    at = step(open_page(), 7)
    at.number_input(key="w_length").set_value(12).run()
    assert_shows_step(at, 7, length=12)
    assert not at.info
    at.number_input(key="w_length").set_value(5).run()
    assert_shows_step(at, 4, length=5)
    assert any("Step 7 is past the end of this 5-step sequence" in i.value for i in at.info)
    assert player_args(at, PLAYER)["rev"] == 2  # told to jump: the server moved t


def test_a_jump_reaches_any_step():
    at = open_page(variant="peephole")
    step(at, 13)
    assert not at.exception
    assert_shows_step(at, 13, "peephole")
    assert at.query_params["t"] == "13"
    step(at, 12)
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
    spec = shown(at)[1]
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
    step(at, 1)
    np.testing.assert_allclose(
        decode(trace_of(shown(at)[1], "c")["y"]), trace.layers[1].c[1], rtol=0, atol=1e-12
    )


def test_table_and_csv_download():
    at = open_page(vocabulary="udacity")
    (download,) = at.get("download_button")
    assert download.label == "Download CSV"
    assert not at.dataframe  # built only once the learner opens its expander
    at.session_state["step_table_open"] = True
    at.run()
    (table,) = at.dataframe
    frame = table.value
    headings = [notation.short(k, "udacity") for k in TABLE_KEYS]
    assert list(frame.columns) == ["t", "unit", *headings]
    assert len(frame) == T * 4
    lt = expected_trace().layers[0]
    np.testing.assert_allclose(frame[notation.short("c", "udacity")], lt.c.ravel(), rtol=0, atol=1e-12)


def test_single_step_sequence_has_one_step_only():
    at = open_page(length=1, hidden=1)
    assert (player_args(at, PLAYER)["t"], player_args(at, PLAYER)["T"]) == (0, 1)
    assert len(figure(at)["frames"]) == 1
    assert player_args(step(at, 1), PLAYER)["t"] == 0
    assert not at.exception and "t" not in at.query_params


def assert_shows_the_builders_figure(at: AppTest, t: int, unit: int, drawn_at: int) -> None:
    """The page drew exactly what stepping_spec draws from scratch at ``drawn_at``, and shows at t the
    same traces and layout as stepping_spec draws at t."""
    assert figure(at) == expected_spec(drawn_at, unit, "udacity", "udacity")
    frame, spec = shown(at)
    scratch = expected_spec(t, unit, "udacity", "udacity")
    assert frame == t and spec["data"] == scratch["data"] and spec["frames"] == scratch["frames"]
    assert spec["layout"] == scratch["layout"]


def test_the_cached_figure_is_the_pure_builders_figure_at_every_step():
    """The page builds the figure's parts once and draws it at the step where the view last changed; every
    step after that is a frame of it: after steps, a scrub and a unit change, the learner sees exactly
    what stepping_spec draws from scratch at that step."""
    at = open_page(variant="udacity", vocabulary="udacity")
    assert_shows_the_builders_figure(at, 0, 0, drawn_at=0)
    step(at, 1)
    step(at, 2)
    assert_shows_the_builders_figure(at, 2, 0, drawn_at=0)
    at.selectbox(key="step_unit").set_value(3).run()  # a new view: drawn afresh, at the step on show
    assert_shows_the_builders_figure(at, 2, 3, drawn_at=2)
    step(at, 17)
    step(at, 16)
    assert not at.exception
    assert_shows_the_builders_figure(at, 16, 3, drawn_at=2)


def test_a_step_resends_no_figure_a_new_view_draws_one():
    """Between steps the chart's element is identical (Streamlit neither resends nor redraws it) and only
    the player's step moves; a new unit, or a step with no frame in the drawn figure, draws a new chart
    under a new key, which the player then aims at."""
    at = open_page()
    (drawn,) = at.get("plotly_chart")
    for t in (1, 2):
        step(at, t)
        (chart,) = at.get("plotly_chart")
        assert (chart.proto.id, chart.proto.spec) == (drawn.proto.id, drawn.proto.spec)
        assert shown(at)[0] == t
    step(at, 19)
    assert at.get("plotly_chart")[0].proto.id == drawn.proto.id
    first_key = chart_key(at)
    at.selectbox(key="step_unit").set_value(1).run()
    assert chart_key(at) != first_key and shown(at)[0] == 19
    assert trace_of(figure(at), "c")["y"] == trace_of(at_frame(figure(at), "19"), "c")["y"]  # drawn at 19

    # 1000 steps: a frame every 3rd step, for every step within NEAR_FRAMES (30) of the step drawn, and
    # for the last step
    long = open_page(length=1000)
    keys = [chart_key(long)]
    steps = ((1, False), (2, False), (30, False), (31, True), (32, False), (999, False), (998, True))
    for t, redrawn in steps:
        step(long, t)
        assert not long.exception
        assert (chart_key(long) != keys[-1]) is redrawn, t
        keys.append(chart_key(long))
        assert_shows_step(long, t, length=1000)


def test_the_figure_is_sent_as_built_without_plotly_rework():
    """The page hands Streamlit the finished dict (SpecFigure): the chart's JSON is that dict as
    plotly.io writes it, with nothing added, dropped or converted on the way."""
    at = open_page(t=1)
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

    def parts(trace, vocabulary="standard"):
        return figure_cache.stepping_parts(trace, figure_cache.parts_key(trace, vocabulary, 0, None))

    assert parts(same) is parts(trace)
    assert parts(trace, "udacity") is not parts(trace)
    assert parts(expected_trace(hidden=5)) is not parts(trace)
    other_seed = LSTM.random(trace.x.shape[1], 4, 1, "standard", seed=99).run(trace.x)
    assert figure_cache.layer_fingerprint(other_seed, 0) != figure_cache.layer_fingerprint(trace, 0)
