"""Train on your own series in the browser: upload a CSV, train with the live curve, read the held-out
comparison with next = current, then step through the trained cell on that data."""

from __future__ import annotations

import re

import numpy as np

from lstm_core.next_value import NextValueSeries
from tests.browser.helpers import settle

SETTLE_TIMEOUT = 90
N = 150
SINE = np.sin(2 * np.pi * np.arange(N) / 25) + 0.1 * np.random.default_rng(1).standard_normal(N)
CSV = ("level\n" + "\n".join(repr(float(v)) for v in SINE) + "\n").encode()
CURVE_LENGTHS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(
    gd => (gd._fullData || []).map(tr => (tr.y ? tr.y.length : 0)))"""


def choose_own_series(page) -> None:
    page.get_by_role("combobox", name="Task", exact=True).click()
    page.get_by_role("option", name=re.compile("^Your own series")).click()
    settle(page, timeout=SETTLE_TIMEOUT)


def upload(page, name: str, data: bytes) -> None:
    chooser = page.locator('[data-testid="stFileUploader"]', has_text="Your series")
    chooser.locator('input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    settle(page, timeout=SETTLE_TIMEOUT)


def metric(page, label: str) -> str:
    return (
        page.locator('[data-testid="stMetric"]')
        .filter(has_text=label)
        .locator('[data-testid="stMetricValue"]')
        .inner_text()
    )


def test_upload_a_csv_train_compare_and_step_through_the_trained_cell(page, app_url):
    page.goto(f"{app_url}/Train")
    settle(page, timeout=SETTLE_TIMEOUT)
    choose_own_series(page)
    upload(page, "short.csv", b"v\n1\n2\n3\n")
    assert (
        "The series has 3 values (rows); predicting the next value needs 50 to 2,000"
        in page.locator('[data-testid="stAlert"]').first.inner_text()
    )
    upload(page, "sine.csv", CSV)
    assert "Uploaded sine.csv: 150 steps × 1 column(s)" in page.locator('[data-testid="stMain"]').inner_text()
    steps = page.get_by_label("Training steps")
    steps.fill("40")
    steps.press("Enter")
    settle(page, timeout=SETTLE_TIMEOUT)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({CURVE_LENGTHS_JS})().flat().some(n => n === 40)", timeout=60_000)
    settle(page, timeout=SETTLE_TIMEOUT)
    assert page.locator('[data-testid="stException"]').count() == 0
    baseline = np.mean((SINE[119:149] - SINE[120:]) ** 2)  # next = current on the last 30 values
    assert NextValueSeries.from_values(SINE).split == 120
    assert metric(page, "Held-out MSE, next = current") == f"{baseline:.4g}"
    assert "next = current**" not in page.locator('[data-testid="stMain"]').inner_text()  # Markdown drawn
    assert "the last 30 values of your series" in page.locator('[data-testid="stMain"]').inner_text()

    page.get_by_role("button", name="Step through the trained cell on your data").click()
    page.wait_for_url("**/Step_through_time**", timeout=SETTLE_TIMEOUT * 1000)
    settle(page, timeout=SETTLE_TIMEOUT)
    assert page.locator('[data-testid="stException"]').count() == 0
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "trained on your series (40 steps)" in sidebar
    assert "Your series, standardised (150 steps): 150 steps × 1 feature(s)" in sidebar
