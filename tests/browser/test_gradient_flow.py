"""Gradient flow in the browser: the default "Train all three" shows the accuracies the page promises."""

from __future__ import annotations

import re

from tests.browser.helpers import settle
from ui import claims

SETTLE_TIMEOUT = 120


def test_default_training_shows_the_accuracies(page, app_url):
    page.goto(f"{app_url}/Gradient_flow")
    settle(page, timeout=SETTLE_TIMEOUT)
    page.get_by_role("button", name="Train all three").click()
    settle(page, timeout=SETTLE_TIMEOUT)
    assert page.locator('[data-testid="stException"]').count() == 0
    text = page.locator('[data-testid="stMain"]').inner_text()
    shown = dict(re.findall(r"(LSTM|RNN|GRU) (\d+)%", text.split("Accuracy on 512 fresh sequences:")[1]))
    claim = claims.CLAIMS["gf_trained"]
    n = claim.numbers(claim.run())
    assert {cell: int(v) for cell, v in shown.items()} == {
        c: round(100 * n[c]) for c in ("LSTM", "RNN", "GRU")
    }
    assert int(shown["LSTM"]) >= 95 and int(shown["GRU"]) >= 95 and abs(int(shown["RNN"]) - 50) <= 10
    assert "the gated cells carry the first bit across 20 steps" in text
