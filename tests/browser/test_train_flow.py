"""Train a cell in the browser, see the curve, and open the trained cell on Step through time."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lstm_core import weights
from lstm_core.tasks import make_task
from lstm_core.train import Model
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


LIVE_STEP_JS = """() => { const p = document.querySelector('[data-testid="stProgress"]');
    const m = p && p.innerText.match(/step (\\d+) of (\\d+)/); return m ? Number(m[1]) : null; }"""
CURVE_LENGTHS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(
    gd => (gd._fullData || []).map(tr => (tr.y ? tr.y.length : 0)))"""


def _download(page, label: str) -> bytes:
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name=label).click()
    return Path(download.value.path()).read_bytes()


def _steps_trained(page) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Steps trained")
    return int(metric.inner_text().split()[-1].replace(",", ""))


def test_stop_mid_run_keeps_the_model_then_train_more_and_inspect(page, app_url):
    page.goto(f"{app_url}/Train")
    settle(page, timeout=SETTLE_TIMEOUT)
    steps = page.get_by_label("Training steps")
    steps.fill("5000")
    steps.press("Enter")
    settle(page, timeout=SETTLE_TIMEOUT)
    page.get_by_role("button", name="Train", exact=True).click()

    # training: the progress bar counts steps and the live curve grows
    page.wait_for_function(f"() => ({LIVE_STEP_JS})() >= 10", timeout=SETTLE_TIMEOUT * 1000, polling=100)
    first = page.evaluate(LIVE_STEP_JS)
    page.wait_for_function(f"() => ({LIVE_STEP_JS})() > {first}", timeout=30_000, polling=100)
    page.wait_for_function(f"() => ({CURVE_LENGTHS_JS})().flat().some(n => n > {first})", timeout=30_000)
    assert page.get_by_role("button", name="Stop training").is_visible()

    page.get_by_role("button", name="Stop training").click()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stProgress\"]')", timeout=15_000, polling=100
    )
    settle(page, timeout=SETTLE_TIMEOUT)
    assert page.locator('[data-testid="stException"]').count() == 0
    kept = _steps_trained(page)
    assert first < kept < 5000
    note = page.locator('[data-testid="stAlert"]').inner_text()
    assert f"Training stopped at step {kept} of 5000: you pressed Stop training" in note
    assert page.evaluate(CURVE_LENGTHS_JS) == [[kept, kept]]  # loss and accuracy up to the stop
    page.wait_for_timeout(2000)  # nothing trains on in the background
    assert _steps_trained(page) == kept
    assert page.evaluate(CURVE_LENGTHS_JS) == [[kept, kept]]
    assert page.get_by_role("button", name="Stop training").count() == 0

    # the kept cell downloads in both formats: the same trained weights, not the starting ones
    files = {fmt: weights.loads(_download(page, f"Download .{fmt}"), fmt) for fmt in ("safetensors", "npz")}
    task = make_task("first_bit", 20)
    start = Model.for_task(task, hidden_size=8, forget_bias=task.suggested["forget_bias"]).network()
    start = start.to_weights("torch")
    for f in files.values():
        assert (f.variant, f.layout) == ("standard", "torch")
        assert f.weights["weight_hh_l0"].shape == (32, 8)
        np.testing.assert_array_equal(f.weights["weight_hh_l0"], files["npz"].weights["weight_hh_l0"])
        assert np.abs(f.weights["weight_hh_l0"] - start["weight_hh_l0"]).max() > 1e-3

    # Train more continues from the kept model
    steps.fill("40")
    steps.press("Enter")
    settle(page, timeout=SETTLE_TIMEOUT)
    page.get_by_role("button", name="Train 40 more steps").click()
    page.wait_for_function(
        f"() => ({CURVE_LENGTHS_JS})().length === 1 && ({CURVE_LENGTHS_JS})()[0][0] === {kept + 40}",
        timeout=SETTLE_TIMEOUT * 1000,
        polling=200,
    )
    settle(page, timeout=SETTLE_TIMEOUT)
    assert _steps_trained(page) == kept + 40
    assert page.locator('[data-testid="stAlert"]').count() == 0  # finished: no stop note
    assert page.locator('[data-testid="stException"]').count() == 0

    page.get_by_role("button", name="Inspect the trained cell").click()
    page.wait_for_url("**/Step_through_time**", timeout=SETTLE_TIMEOUT * 1000)
    settle(page, timeout=SETTLE_TIMEOUT)
    assert page.locator('[data-testid="stException"]').count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert f"trained on Remember the first bit ({kept + 40} steps)" in sidebar
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
