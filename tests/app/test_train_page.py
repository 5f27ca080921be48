"""pages/5_Train.py under streamlit.testing: train a few steps, continue, download, inspect."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.plotly_data import chart_specs, decode

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "5_Train.py")


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def trained_losses(at: AppTest) -> np.ndarray:
    specs = chart_specs(at)
    assert len(specs) == 1
    return decode(specs[0]["data"][0]["y"])


def train_steps(at: AppTest, steps: int, cell: str | None = None) -> AppTest:
    at.number_input(key="tr_steps").set_value(steps)
    if cell:
        at.selectbox(key="tr_cell").set_value(cell)
    at.button(key="tr_train").click()
    return run(at)


def test_page_opens_with_suggested_settings():
    at = run(AppTest.from_file(PAGE, default_timeout=120))
    assert at.selectbox(key="tr_task").value == "first_bit"
    assert at.number_input(key="tr_steps").value == 300
    assert not chart_specs(at)
    assert at.button(key="tr_more").disabled


def test_train_then_continue():
    at = run(AppTest.from_file(PAGE, default_timeout=120))
    train_steps(at, 15)
    losses = trained_losses(at)
    run_state = at.session_state["train_run"]
    assert losses.size == 15
    np.testing.assert_allclose(losses, run_state["losses"])
    assert at.metric[0].value == "15"
    assert not at.button(key="tr_more").disabled
    at.button(key="tr_more").click()
    run(at)
    losses = trained_losses(at)
    assert losses.size == 30
    np.testing.assert_allclose(losses[:15], run_state["losses"][:15])
    assert [b.label for b in at.get("download_button")] == ["Download .safetensors", "Download .npz"]


@pytest.mark.parametrize("cell", ["udacity", "gru"])
def test_other_cells_train(cell):
    at = run(AppTest.from_file(PAGE, default_timeout=120))
    train_steps(at, 10, cell)
    assert trained_losses(at).size == 10
    assert at.session_state["train_run"]["model"].kind == ("gru" if cell == "gru" else "lstm")


def test_task_change_moves_to_suggested_settings():
    at = run(AppTest.from_file(PAGE, default_timeout=120))
    at.selectbox(key="tr_task").set_value("parity")
    run(at)
    assert at.number_input(key="tr_length").value == 10
    assert at.slider(key="tr_hidden").value == 16


def test_inspect_opens_step_through_time():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/5_Train.py")
    run(at)
    train_steps(at, 5)
    at.button(key="tr_inspect").click()
    run(at)
    assert at.title[0].value == "Step through time"
    assert at.session_state["loaded_net"].label.startswith("trained on")
