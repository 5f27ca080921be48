"""Step through time in Chromium: a step shows the step's animation frame of the figure already drawn
(no redraw), the figure's own slider and Play follow the page's step, and a new view draws the figure
afresh at the step on show (``ui.follow_step``)."""

from __future__ import annotations

import numpy as np

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
    url,
    wait_for_step,
)
from ui.state import ViewState

# The stepping figure as the browser holds it now: the frame last shown, the c and h bars, the text of its
# own slider, and a mark a test can leave on the graph div to tell whether it was drawn again.
STATE_JS = """() => {
    const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const list = v => (ArrayBuffer.isView(v) ? Array.from(v) : v);
    const role = r => list(gd.data.find(d => d.meta && d.meta.role === r).y);
    const value = gd.querySelector('.slider-group text');
    return {
        mark: gd.__testMark || null,
        frame: gd._fullLayout ? gd._fullLayout._currentFrame ?? null : null,
        c: role('c'),
        h: role('h'),
        slider: value ? value.textContent : '',
    };
}"""


def expected_layer(hidden: int = 4):
    view = ViewState()
    x = make_preset(view.preset, view.length, view.seed).x
    return LSTM.random(x.shape[1], hidden, 1, view.variant, seed=view.seed).run(x).layers[0]


def wait_for_frame(page, t: int) -> dict:
    """Wait until the figure shows frame t, and return its state."""
    page.wait_for_function(f"() => ({STATE_JS})().frame === {str(t)!r}", timeout=15_000, polling=50)
    return page.evaluate(STATE_JS)


def assert_shows(state: dict, layer, t: int) -> None:
    np.testing.assert_allclose(state["c"], layer.c[t], rtol=0, atol=1e-12)
    np.testing.assert_allclose(state["h"], layer.h[t], rtol=0, atol=1e-12)
    assert state["slider"].startswith(f"step t = {t} "), state["slider"]


def test_a_step_moves_the_drawn_figure_and_play_goes_on_from_it(app_url, page, js_errors):
    open_page(page, url(app_url, STEP_PAGE))
    layer = expected_layer()
    assert_shows(wait_for_frame(page, 0), layer, 0)
    page.evaluate("() => { document.querySelector('.js-plotly-plot').__testMark = 'drawn once'; }")

    for t in (1, 2):
        click_button(page, "Next step")
        wait_for_step(page, t)
        state = wait_for_frame(page, t)
        assert_shows(state, layer, t)
        assert state["mark"] == "drawn once", "a step drew the figure again instead of moving it"

    # A narrower window makes Streamlit draw the chart again at the new width: it must stay at the step.
    width = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.width")
    page.set_viewport_size({"width": 1100, "height": 900})
    page.wait_for_function(
        f"() => document.querySelector('.js-plotly-plot')._fullLayout.width < {width}", timeout=15_000
    )
    assert_shows(wait_for_frame(page, 2), layer, 2)
    assert not js_errors, js_errors
    # Play runs on from the step on show, in the browser.
    page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot'); window.__played = [];
                   gd.on('plotly_animatingframe', e => window.__played.push(e.name)); }"""
    )
    page.locator(".js-plotly-plot .updatemenu-button", has_text="Play").first.click()
    page.wait_for_function("() => window.__played.length >= 2", timeout=10_000, polling=50)
    page.locator(".js-plotly-plot .updatemenu-button", has_text="Pause").first.click()
    played = page.evaluate("() => window.__played")
    assert played[:2] == ["3", "4"], played

    # The page's next step wins over wherever Play stopped.
    click_button(page, "Next step")
    wait_for_step(page, 3)
    state = wait_for_frame(page, 3)
    assert_shows(state, layer, 3)
    assert state["mark"] == "drawn once"
    assert_healthy(page)
    # Plotly's own buttons leave the promise of the animation they stop unhandled: Pause (and the step
    # that takes over) each end Play with a rejection of no reason, "undefined". Nothing else may appear.
    assert set(js_errors) <= {"undefined"}, js_errors


def test_a_new_view_draws_the_figure_afresh_at_the_step_on_show(app_url, page, js_errors):
    open_page(page, url(app_url, STEP_PAGE, "t=3"))
    assert_shows(wait_for_frame(page, 3), expected_layer(), 3)
    page.evaluate("() => { document.querySelector('.js-plotly-plot').__testMark = 'four units'; }")
    hidden_slider(page).focus()
    page.keyboard.press("ArrowRight")  # 4 → 5 units: another network, another figure
    page.wait_for_url("**hidden=5**", timeout=15_000)
    settle(page, timeout=SETTLE_TIMEOUT)
    page.wait_for_function(
        "() => !document.querySelector('.js-plotly-plot').__testMark", timeout=15_000, polling=50
    )
    state = wait_for_frame(page, 3)
    assert_shows(state, expected_layer(hidden=5), 3)
    assert len(state["c"]) == 5
    assert_healthy(page)
    assert not js_errors, js_errors
