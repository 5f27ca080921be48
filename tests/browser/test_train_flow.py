"""Train a cell in the browser, see the curve, and open the trained cell on Step through time."""

from __future__ import annotations

from tests.browser.helpers import settle

SETTLE_TIMEOUT = 90


def test_train_a_few_steps_then_inspect_the_trained_cell(page, app_url):
    page.goto(f"{app_url}/Train")
    settle(page, timeout=SETTLE_TIMEOUT)
    steps = page.get_by_label("Training steps")
    steps.fill("60")
    steps.press("Enter")
    settle(page, timeout=SETTLE_TIMEOUT)
    page.get_by_role("button", name="Train", exact=True).click()
    settle(page, timeout=SETTLE_TIMEOUT)
    assert page.locator('[data-testid="stException"]').count() == 0
    losses = page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot');
                   return gd ? gd._fullData.map(tr => (tr.y ? tr.y.length : 0)) : []; }"""
    )
    assert losses and max(losses) == 60, losses  # the loss curve holds every trained step
    page.get_by_role("button", name="Inspect the trained cell").click()
    page.wait_for_url("**/Step_through_time**", timeout=SETTLE_TIMEOUT * 1000)
    settle(page, timeout=SETTLE_TIMEOUT)
    assert page.locator('[data-testid="stException"]').count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "trained on" in sidebar and "Using" in sidebar
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
