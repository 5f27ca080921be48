"""One step state per page, in Chromium: whatever moves the step (the player's buttons and slider, keys,
Play, a link, a sidebar change), the player's label, the link's t, the figure's own frame and the numbers
it plots agree, and they are the core's numbers at that step (``ui.follow_step``,
``ui.components.step_player``)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lstm_core import LSTM
from lstm_core.sequences import make_preset
from tests.browser.helpers import settle
from tests.browser.test_deep_links import hidden_slider
from tests.browser.test_pages import (
    SETTLE_TIMEOUT,
    STEP_PAGE,
    assert_healthy,
    click_button,
    open_page,
    player,
    query,
    shown_step,
    url,
    wait_for_step,
)
from ui.state import ViewState

T = ViewState().length
ANATOMY_PAGE = "Cell_anatomy"

# The stepping figure as the browser holds it now: the frame last shown, the c and h bars, and a mark a
# test can leave on the graph div to tell whether it was drawn again.
STATE_JS = """() => {
    const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const list = v => (ArrayBuffer.isView(v) ? Array.from(v) : v);
    const role = r => list(gd.data.find(d => d.meta && d.meta.role === r).y);
    return {
        mark: gd.__testMark || null,
        frame: gd._fullLayout ? gd._fullLayout._currentFrame ?? null : null,
        c: role('c'),
        h: role('h'),
        controls: gd.querySelectorAll('.updatemenu-button, .slider-group').length,
    };
}"""


def expected_layer(hidden: int = 4, length: int = T):
    view = ViewState()
    x = make_preset(view.preset, length, view.seed).x
    return LSTM.random(x.shape[1], hidden, 1, view.variant, seed=view.seed).run(x).layers[0]


def wait_for_frame(page, t: int) -> dict:
    """Wait until the figure shows frame t (or was drawn at t: no frame shown yet), and return its state."""
    page.wait_for_function(
        f"() => {{ const s = ({STATE_JS})(); return s.frame === {str(t)!r}; }}", timeout=15_000, polling=50
    )
    return page.evaluate(STATE_JS)


def assert_agree(page, layer, t: int, total: int = T) -> dict:
    """Label, link, figure frame and plotted numbers all at step t, once the page has settled."""
    wait_for_step(page, t)
    state = wait_for_frame(page, t)
    assert shown_step(page) == (t, total)
    assert query(page).get("t", "0") == str(t)
    np.testing.assert_allclose(state["c"], layer.c[t], rtol=0, atol=1e-12)
    np.testing.assert_allclose(state["h"], layer.h[t], rtol=0, atol=1e-12)
    return state


def focus_page(page) -> None:
    """Keys go to the page itself, as after a click on an empty part of it."""
    page.locator("h1").first.click()


def test_every_way_of_moving_the_step_agrees_and_never_redraws(app_url, page, js_errors):
    open_page(page, url(app_url, STEP_PAGE, "t=3"))  # a deep link
    layer = expected_layer()
    state = assert_agree(page, layer, 3)
    page.evaluate("() => { document.querySelector('.js-plotly-plot').__testMark = 'drawn once'; }")
    assert state["controls"] == 0, "the figure has its own Play/slider: two sets of controls"

    click_button(page, "Next step")
    assert_agree(page, layer, 4)
    click_button(page, "Previous step")
    assert_agree(page, layer, 3)
    player(page).locator("#scrub").fill("11")  # the player's slider
    assert_agree(page, layer, 11)
    focus_page(page)
    for key, t in (("ArrowRight", 12), ("PageDown", 13), ("PageUp", 12), ("ArrowLeft", 11), ("End", T - 1)):
        page.keyboard.press(key)
        state = assert_agree(page, layer, t)
    page.keyboard.press("Home")
    wait_for_step(page, 0)
    state = wait_for_frame(page, 0)
    np.testing.assert_allclose(state["c"], layer.c[0], rtol=0, atol=1e-12)
    assert state["mark"] == "drawn once", "a step drew the figure again instead of moving it"
    assert_healthy(page)
    assert not js_errors, js_errors


def test_a_key_moves_the_figure_before_the_page_asks_the_server(app_url, page):
    """The frame changes in the browser first; the report to the server (a rerun request) comes after."""
    open_page(page, url(app_url, STEP_PAGE))
    wait_for_step(page, 0)
    page.evaluate(
        """() => {
            window.__order = [];
            const send = WebSocket.prototype.send;
            WebSocket.prototype.send = function (data) {
                window.__order.push('server');
                return send.call(this, data);
            };
            const gd = document.querySelector('.js-plotly-plot');
            gd.on('plotly_animatingframe', e => window.__order.push('frame ' + e.name));
        }"""
    )
    focus_page(page)
    page.keyboard.press("ArrowRight")
    wait_for_step(page, 1)
    order = page.evaluate("() => window.__order")
    assert order and order[0] == "frame 1" and "server" in order, order
    np.testing.assert_allclose(page.evaluate(STATE_JS)["c"], expected_layer().c[1], rtol=0, atol=1e-12)


def test_play_then_pause_leaves_the_page_where_the_figure_stopped(app_url, page, js_errors):
    open_page(page, url(app_url, STEP_PAGE, "t=2"))
    wait_for_step(page, 2)
    layer = expected_layer()
    page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot'); window.__played = [];
                   gd.on('plotly_animatingframe', e => window.__played.push(e.name)); }"""
    )
    click_button(page, "Play")
    page.wait_for_function("() => window.__played.length >= 3", timeout=10_000, polling=50)
    click_button(page, "Pause")
    played = page.evaluate("() => window.__played")
    assert played[:3] == ["3", "4", "5"], played
    stopped = int(player(page).locator("body").get_attribute("data-t"))
    assert stopped >= 5
    assert_agree(page, layer, stopped)
    page.wait_for_timeout(1200)  # paused: nothing moves on
    assert shown_step(page)[0] == stopped
    assert not js_errors, js_errors  # no "undefined" from a stopped animation either


def test_play_to_the_end_at_four_times_speed(app_url, page, js_errors):
    open_page(page, url(app_url, STEP_PAGE, "t=10"))
    wait_for_step(page, 10)
    player(page).locator("#speed").select_option("4")
    focus_page(page)
    page.keyboard.press(" ")  # Space plays
    assert player(page).locator("body").get_attribute("data-playing") == "true"
    page.wait_for_function(
        """() => { const f = document.querySelector('iframe[title="ui.components.step_player.step_player"]');
                   return f.contentDocument.body.dataset.playing === 'false'; }""",
        timeout=15_000,
        polling=50,
    )
    assert_agree(page, expected_layer(), T - 1)
    assert player(page).get_by_role("button", name="Next step").is_disabled()
    assert not js_errors, js_errors


def test_loop_runs_on_from_the_first_step(app_url, page):
    open_page(page, url(app_url, STEP_PAGE, f"t={T - 2}"))
    wait_for_step(page, T - 2)
    player(page).locator("#loop").check()
    player(page).locator("#speed").select_option("4")
    click_button(page, "Play")
    player(page).locator('body[data-t="1"]').wait_for(timeout=10_000)  # past the end, round to 1
    click_button(page, "Pause")
    t = int(player(page).locator("body").get_attribute("data-t"))
    assert t < T - 2
    assert_agree(page, expected_layer(), t)


def test_a_length_change_keeps_t_or_clamps_it_and_says_so(app_url, page, js_errors):
    open_page(page, url(app_url, STEP_PAGE, "t=7"))
    wait_for_step(page, 7)
    length = page.locator('[data-testid="stSidebar"]').get_by_label("Length (steps)")
    length.fill("12")
    length.press("Enter")
    page.wait_for_url(re.compile(r"length=12"), timeout=15_000)
    settle(page, timeout=SETTLE_TIMEOUT)
    assert_agree(page, expected_layer(length=12), 7, total=12)
    length.fill("5")
    length.press("Enter")
    page.wait_for_url(re.compile(r"length=5"), timeout=15_000)
    settle(page, timeout=SETTLE_TIMEOUT)
    assert_agree(page, expected_layer(length=5), 4, total=5)
    notice = page.locator('[data-testid="stAlert"]', has_text="past the end")
    assert "Step 7 is past the end of this 5-step sequence; showing its last step, 4." in notice.inner_text()
    assert not js_errors, js_errors


def test_a_key_typed_into_the_sequence_box_does_not_step(app_url, page):
    open_page(page, url(app_url, STEP_PAGE, "t=5"))
    wait_for_step(page, 5)
    page.locator('[data-testid="stSidebar"]').get_by_text("Typed numbers").click()
    settle(page, timeout=SETTLE_TIMEOUT)
    box = page.locator('[data-testid="stSidebar"] textarea')
    box.click()
    for key in ("ArrowRight", "PageDown", " ", "End", "Home", "ArrowLeft"):
        box.press(key)
    box.type("1, 2")
    page.wait_for_timeout(800)
    assert shown_step(page)[0] == 5
    assert player(page).locator("body").get_attribute("data-playing") == "false"
    assert query(page).get("t") == "5"


def test_a_new_view_draws_the_figure_afresh_at_the_step_on_show(app_url, page, js_errors):
    open_page(page, url(app_url, STEP_PAGE, "t=3"))
    wait_for_step(page, 3)
    page.evaluate("() => { document.querySelector('.js-plotly-plot').__testMark = 'four units'; }")
    hidden_slider(page).focus()
    page.keyboard.press("ArrowRight")  # 4 → 5 units: another network; the key moves the slider, not t
    page.wait_for_url("**hidden=5**", timeout=15_000)
    settle(page, timeout=SETTLE_TIMEOUT)
    page.wait_for_function(
        "() => !document.querySelector('.js-plotly-plot').__testMark", timeout=15_000, polling=50
    )
    state = page.evaluate(STATE_JS)
    np.testing.assert_allclose(state["c"], expected_layer(hidden=5).c[3], rtol=0, atol=1e-12)
    assert len(state["c"]) == 5 and shown_step(page) == (3, T)
    assert_healthy(page)
    assert not js_errors, js_errors


def test_a_step_without_a_frame_draws_the_figure_anew_and_the_next_one_moves_it(app_url, page, js_errors):
    """Over 400 steps the figure has a frame every other step and at the 30 next to the step it was drawn
    at: the player's slider to an odd step far away reruns the page, which draws the figure there; Next
    from there shows a frame of that figure (the step reruns only the player)."""
    length = 600
    layer = expected_layer(length=length)
    open_page(page, url(app_url, STEP_PAGE, f"length={length}"))
    assert_agree(page, layer, 0, total=length)
    page.evaluate("() => { document.querySelector('.js-plotly-plot').__testMark = 'at 0'; }")
    player(page).locator("#scrub").fill("101")
    page.wait_for_function(
        "() => !document.querySelector('.js-plotly-plot').__testMark", timeout=15_000, polling=50
    )
    assert_agree(page, layer, 101, total=length)
    page.evaluate("() => { document.querySelector('.js-plotly-plot').__testMark = 'at 101'; }")
    click_button(page, "Next step")
    state = assert_agree(page, layer, 102, total=length)
    assert state["mark"] == "at 101", "a step with a frame drew the figure again"
    assert_healthy(page)
    assert not js_errors, js_errors


# --- Cell anatomy: the same player, the server draws each step's diagram -----------------------------

ANATOMY_JS = """() => {
    const gd = document.querySelector('.st-key-anatomy_diagram .js-plotly-plot');
    const title = gd.querySelector('.gtitle');
    const list = v => (ArrayBuffer.isView(v) ? Array.from(v) : v);
    const c = gd.data.find(d => d.name === 'c');
    return {title: title ? title.textContent : '', customdata: c.customdata, z: c.z.map(list)};
}"""


def anatomy_shows(page, t: int) -> dict:
    page.wait_for_function(
        f"() => ({ANATOMY_JS})().title.includes('step t = {t} of')", timeout=15_000, polling=50
    )
    return page.evaluate(ANATOMY_JS)


def assert_anatomy_at(page, layer, t: int) -> None:
    wait_for_step(page, t)
    shown = anatomy_shows(page, t)
    values = {
        u: v
        for row_u, row_v in zip(shown["customdata"], shown["z"], strict=True)
        for u, v in zip(row_u, row_v, strict=True)
        if u is not None
    }
    np.testing.assert_allclose([values[j] for j in range(4)], layer.c[t], rtol=0, atol=1e-9)
    equations = page.locator('[data-testid="stMain"]').inner_text()
    assert f"Step t = {t}, unit j = 0" in equations


@pytest.mark.parametrize("present", [False, True], ids=["plain", "presenter"])
def test_keys_and_play_on_cell_anatomy(app_url, page, js_errors, present):
    open_page(page, url(app_url, ANATOMY_PAGE, "present=1" if present else ""))
    layer = expected_layer()
    assert_anatomy_at(page, layer, 0)
    focus_page(page)
    for key, t in (("ArrowRight", 1), ("PageDown", 2), ("End", T - 1), ("Home", 0)):
        page.keyboard.press(key)
        assert_anatomy_at(page, layer, t)
    page.keyboard.press(" ")  # Play: the diagram's wires change step by step
    anatomy_shows(page, 2)
    page.keyboard.press(" ")
    t = int(player(page).locator("body").get_attribute("data-t"))
    assert t >= 2
    assert_anatomy_at(page, layer, t)
    assert_healthy(page)
    assert not js_errors, js_errors
