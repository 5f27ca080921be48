"""ui.follow_step: when the stepping figure is drawn afresh, the chart the player moves, and when the
player is told that the server moved t."""

from __future__ import annotations

import pytest

from ui.components.step_player import play_rate, step_player
from ui.follow_step import STATE_KEY, Anchor, anchor, chart_selector, sync


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


def test_the_selector_names_the_chart_of_the_key():
    assert chart_selector("stepping_figure_2") == ".st-key-stepping_figure_2 .js-plotly-plot"


@pytest.mark.parametrize("key", ["", "a b", 'x"];alert(1)//', "k.class"])
def test_the_selector_takes_a_plain_key_only(key):
    with pytest.raises(ValueError, match="chart key"):
        chart_selector(key)


def test_the_player_is_told_only_when_the_server_moved_t():
    state: dict = {}
    assert sync(state, "p", 0) == 1  # first draw: the player takes the server's t
    assert sync(state, "p", 0) == 1  # a rerun at the same step: nothing new
    state["p_sync"]["t"] = 5  # the player reported 5 (what ui.follow_step._adopt records)
    assert sync(state, "p", 5) == 1  # the echo of its own report: it keeps stepping where it is
    assert sync(state, "p", 3) == 2  # a shorter sequence clamped t: the player jumps there
    assert sync(state, "q", 3) == 1  # players of other pages keep their own count


def test_play_runs_two_steps_a_second_on_short_sequences_and_faster_on_long_ones():
    assert play_rate(20) == 2.0
    assert play_rate(100) == 5.0
    assert play_rate(40) == 2.0
    assert play_rate(60) == 3.0
    assert play_rate(2000) == 5.0  # at 4×: 20 frames a second


@pytest.mark.parametrize(("T", "t"), [(0, 0), (5, 5), (5, -1)])
def test_the_player_takes_a_step_inside_the_sequence_only(T, t):
    with pytest.raises(ValueError, match="0 ≤ t < T"):
        step_player(T, t, 1, key="p")
