"""A GRU and a plain RNN in real Chromium: ``/Step_through_time?variant=gru`` renders with no exception,
its heatmaps are r, z, n, its bars h alone, and the step player steps the figure to the core's numbers
(``lstm_core.GRU`` built here; the split written longhand); ``?variant=rnn`` and Compare variants too."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import GRU, RNN
from lstm_core.sequences import make_preset
from tests.browser.helpers import settle
from tests.browser.test_deep_links import SIDEBAR
from tests.browser.test_pages import (
    PAGES,
    SETTLE_TIMEOUT,
    STEP_PAGE,
    assert_healthy,
    click_button,
    main_text,
    open_page,
    plots,
    query,
    shown_step,
    url,
    wait_for_step,
)
from ui.state import ViewState

VIEW = ViewState()
T = VIEW.length

# The stepping figure as the browser holds it: the frame shown, its heatmaps' keys and the bars' values.
STATE_JS = """() => {
    const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const list = v => (ArrayBuffer.isView(v) ? Array.from(v) : v);
    const bar = r => {
        const d = gd.data.find(d => d.meta && d.meta.role === r);
        return d ? list(d.y) : null;
    };
    return {
        frame: gd._fullLayout ? gd._fullLayout._currentFrame ?? null : null,
        heat: gd.data.filter(d => d.type === 'heatmap').map(d => d.meta.key),
        roles: gd.data.filter(d => d.type === 'bar').map(d => d.meta.role),
        h: bar('h'), h_prev: bar('h_prev'), kept: bar('kept'), written: bar('written'),
    };
}"""


def core_layer(cls):
    x = make_preset(VIEW.preset, T, VIEW.seed).x
    return cls.random(x.shape[1], VIEW.hidden, seed=VIEW.seed).run(x).layers[0]


def figure_state(page, t: int, drawn: bool = False) -> dict:
    """The figure's state once it shows step t: animated to t's frame, or (``drawn``) drawn at t."""
    shows = f"s.frame === {str(t)!r}" + (" || s.frame === null" if drawn else "")
    page.wait_for_function(
        f"() => {{ const s = ({STATE_JS})(); return {shows}; }}", timeout=15_000, polling=50
    )
    return page.evaluate(STATE_JS)


def variant_box(page) -> str:
    return page.locator(SIDEBAR).get_by_role("combobox", name="Variant", exact=True).input_value()


def test_step_through_time_with_a_gru_renders_and_the_player_steps(app_url, page, js_errors):
    open_page(page, url(app_url, STEP_PAGE, "variant=gru"))
    assert_healthy(page)
    assert "gru" in variant_box(page)
    assert "has no cell state" in main_text(page)
    lt = core_layer(GRU)
    state = figure_state(page, 0, drawn=True)
    assert state["heat"] == ["r", "z", "n"]
    assert set(state["roles"]) == {"h_prev", "h", "kept", "written"}  # no c bars: a GRU has no c
    np.testing.assert_allclose(state["h"], lt.h[0], rtol=0, atol=1e-12)
    for t in (1, 2):
        click_button(page, "Next step")
        wait_for_step(page, t)
        assert shown_step(page) == (t, T) and query(page) == {"variant": "gru", "t": str(t)}
        state = figure_state(page, t)
        np.testing.assert_allclose(state["h"], lt.h[t], rtol=0, atol=1e-12)
        np.testing.assert_allclose(state["h_prev"], lt.h[t - 1], rtol=0, atol=1e-12)
        np.testing.assert_allclose(state["kept"], lt.z[t] * lt.h[t - 1], rtol=0, atol=1e-12)
        np.testing.assert_allclose(state["written"], (1 - lt.z[t]) * lt.n[t], rtol=0, atol=1e-12)
    assert_healthy(page)
    assert not js_errors, js_errors


def test_step_through_time_with_an_rnn_shows_h_only(app_url, page, js_errors):
    open_page(page, url(app_url, STEP_PAGE, "variant=rnn&t=5"))
    assert_healthy(page)
    state = figure_state(page, 5, drawn=True)
    assert state["heat"] == ["h"] and set(state["roles"]) == {"h_prev", "h"}
    np.testing.assert_allclose(state["h"], core_layer(RNN).h[5], rtol=0, atol=1e-12)
    assert not js_errors, js_errors


def test_compare_variants_draws_the_gru_and_rnn_beside_the_lstms(app_url, page, js_errors):
    open_page(page, url(app_url, "Compare_variants", "variant=gru"))
    assert_healthy(page)
    text = " | ".join(p["text"] for p in plots(page)).lower()
    assert "reset gate" in text and "no cell state:" in text, text
    assert not js_errors, js_errors


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_every_page_opens_on_a_gru_link(app_url, page, js_errors, path):
    """No page fails on ?variant=gru: the pages of LSTMs say they use the standard one; the pages that
    build their own cells keep the GRU in their (disabled) Variant box for the pages that show it."""
    page.set_default_timeout(15_000)
    page.goto(url(app_url, path, "variant=gru"))
    settle(page, timeout=SETTLE_TIMEOUT)
    assert_healthy(page)
    own_cells = ("Train", "Gradient_flow", "Lessons", "Challenges", "Read_text")
    expected = "gru" if path in (STEP_PAGE, "Compare_variants", "Cell_anatomy", *own_cells) else "standard"
    assert expected in variant_box(page)
    if expected == "standard":
        assert "the GRU is shown on Step through time" in main_text(page)
    assert not js_errors, f"JavaScript errors on /{path}: {js_errors}"
