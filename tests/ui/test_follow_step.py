"""ui.follow_step: when the stepping figure is drawn afresh, and the script that shows a step's frame."""

from __future__ import annotations

import json
import re

import pytest

from ui import follow_step
from ui.follow_step import STATE_KEY, Anchor, anchor, script


def every_step(drawn_at: int, t: int) -> bool:
    return True


def even_steps(drawn_at: int, t: int) -> bool:  # a long sequence: frames on a grid, plus the step drawn
    return t % 2 == 0 or t == drawn_at


def test_the_anchor_stays_while_only_t_moves():
    state: dict = {}
    first = anchor(state, ("view", 0), 3, every_step)
    assert first == Anchor(("view", 0), 3, 0) and state[STATE_KEY] is first
    for t in (4, 0, 19, 3):
        assert anchor(state, ("view", 0), t, every_step) is first


def test_a_new_view_or_a_step_without_a_frame_draws_afresh_at_t():
    state: dict = {}
    anchor(state, ("view", 0), 3, even_steps)
    assert anchor(state, ("view", 0), 4, even_steps).t == 3  # 4 is on the grid
    moved = anchor(state, ("view", 0), 5, even_steps)  # 5 is not: draw again, at 5
    assert (moved.t, moved.revision) == (5, 1)
    assert anchor(state, ("view", 0), 5, even_steps) is moved
    new_view = anchor(state, ("view", 1), 5, even_steps)  # another unit, say: drawn afresh
    assert (new_view.view, new_view.t, new_view.revision) == (("view", 1), 5, 2)


def test_each_anchor_names_its_own_chart():
    assert Anchor("v", 0, 0).chart_key("stepping_figure") == "stepping_figure_0"
    assert Anchor("v", 9, 7).chart_key("stepping_figure") == "stepping_figure_7"


def test_the_script_shows_frame_t_of_the_named_chart():
    html = script("stepping_figure_2", 11)
    style = "<style>div:has(> .st-key-step_follow) { display: none; }</style>"
    assert html.startswith(style + "<script>") and html.endswith("</script>") and html.count("<script>") == 1
    code = html.removeprefix(style + "<script>").removesuffix("</script>")
    assert re.search(r'const frame = "11";', code)
    assert 'const chart = ".st-key-stepping_figure_2 .js-plotly-plot";' in code
    assert "Plotly.animate(gd, [frame]" in code
    assert "redraw: false" in code  # the fast kind of animation: only the traces a frame names move
    # Everything else is the shipped file, placeholders aside.
    shipped = follow_step.SCRIPT
    assert code == shipped.replace('/*FRAME*/ "0"', '"11"').replace(
        '/*CHART*/ ".js-plotly-plot"', json.dumps(".st-key-stepping_figure_2 .js-plotly-plot")
    )
    assert code != shipped


@pytest.mark.parametrize("t", [True, 1.5, "3", -1])
def test_the_script_takes_a_whole_step_only(t):
    with pytest.raises(ValueError, match="whole number"):
        script("stepping_figure_0", t)


@pytest.mark.parametrize("key", ["", "a b", 'x"];alert(1)//', "k.class"])
def test_the_script_takes_a_plain_key_only(key):
    with pytest.raises(ValueError, match="chart key"):
        script(key, 0)
