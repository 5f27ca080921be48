"""views/5_Train.py under streamlit.testing: train a few steps, continue, stop, download, inspect."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import StopException
from streamlit.testing.v1 import AppTest

import lstm_core.train
from lstm_core import scenes
from lstm_core.tasks import make_task
from lstm_core.train import Model, evaluate
from tests.plotly_data import chart_specs, decode

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "views" / "5_Train.py")


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
    at.switch_page("views/5_Train.py")
    run(at)
    train_steps(at, 5)
    at.button(key="tr_inspect").click()
    run(at)
    assert at.title[0].value == "Step through time"
    assert at.session_state["loaded_net"].label.startswith("trained on")
    # the line panel follows the unit whose c_t best separates the two answers (lstm_core/scenes.py)
    net = at.session_state["train_run"]["model"].network()
    unit = scenes.memory_units(net, "first_bit", 20).unit
    assert at.selectbox(key="step_unit").value == unit


# ---------------------------------------------------------------- Stop keeps what was learnt
#
# In the browser a click while the page trains makes Streamlit raise StopException inside the next
# st.* call, which is the training callback's next redraw. AppTest cannot click while a script runs,
# so this file fakes exactly that: from step ``k`` on a click is pending, and the page's next
# st.progress call raises StopException. Where it lands depends on the clock (the page redraws every
# half second), so each test reads the step it stopped at and trains a reference model that far.


def click_during_training(monkeypatch, k: int) -> None:
    """From step ``k`` on, a click is pending: the page's next progress redraw ends its script run."""
    real_train, real_progress = lstm_core.train.train, DeltaGenerator.progress
    pending = [False]

    def train(*args, callback, **kwargs):
        def clicked_at_k(step, loss, acc):
            pending[0] = pending[0] or step == k
            return callback(step, loss, acc)

        return real_train(*args, callback=clicked_at_k, **kwargs)

    def progress(self, *args, **kwargs):
        if pending[0]:
            raise StopException()
        return real_progress(self, *args, **kwargs)

    monkeypatch.setattr(lstm_core.train, "train", train)
    monkeypatch.setattr(DeltaGenerator, "progress", progress)


def reference(steps_by_chunk: list[int], seed: int = 0):
    """The model of the default page settings (first bit, length 20, standard LSTM, hidden 8) trained
    ``steps_by_chunk`` steps in turn with the page's seeds, uninterrupted: (model, optimizer)."""
    task = make_task("first_bit", 20)
    model = Model.for_task(task, hidden_size=8, seed=seed, forget_bias=task.suggested["forget_bias"])
    optimizer = None
    for chunk, steps in enumerate(steps_by_chunk):
        optimizer = lstm_core.train.train(
            model,
            task,
            steps=steps,
            lr=0.01,
            clip=1.0,
            batch_size=32,
            seed=seed * 1000 + chunk,
            optimizer=optimizer,
        ).optimizer
    return model, optimizer


def start_then_stop(monkeypatch, at: AppTest, steps: int, k: int, press_stop: bool = True) -> int:
    """Press Train for ``steps`` steps, click mid-run from step ``k`` on, then (if ``press_stop``) press
    Stop training; return the step it stopped at."""
    click_during_training(monkeypatch, k)
    at.number_input(key="tr_steps").set_value(steps)
    at.button(key="tr_train").click()
    run(at)  # the interrupted script run: no exception on the page, the live area drawn
    monkeypatch.undo()
    assert [b.label for b in at.button if b.key == "tr_stop"] == ["Stop training"]
    kept = at.session_state["train_run"]
    stopped_at = len(kept["losses"])
    assert kept["status"] == "training" and k <= stopped_at < steps
    if press_stop:
        at.button(key="tr_stop").click()
    run(at)
    return stopped_at


def test_stop_keeps_the_model_as_it_was_at_that_step(monkeypatch):
    at = run(AppTest.from_file(PAGE, default_timeout=120))
    s = start_then_stop(monkeypatch, at, steps=4000, k=5)
    kept = at.session_state["train_run"]
    assert kept["status"] == "stopped"
    assert len(kept["losses"]) == len(kept["accuracies"]) == s
    assert kept["optimizer"].t == s  # Adam took exactly the recorded steps: none lost, none half-made
    model, optimizer = reference([s])
    np.testing.assert_array_equal(kept["model"].theta, model.theta)
    np.testing.assert_array_equal(kept["optimizer"].v, optimizer.v)
    # the page shows that model: step count, held-out numbers, the whole curve up to the stop
    assert at.metric[0].value == str(s)
    loss, acc = evaluate(model, make_task("first_bit", 20))
    assert at.metric[1].value == f"{acc:.1%}" and at.metric[2].value == f"{loss:.4g}"
    assert f"Training stopped at step {s} of 4000: you pressed Stop training" in at.info[0].value
    (spec,) = chart_specs(at)
    np.testing.assert_allclose(decode(spec["data"][0]["y"]), kept["losses"])
    np.testing.assert_array_equal(decode(spec["data"][0]["x"]), np.arange(1, s + 1))
    marks = [sh["x0"] for sh in spec["layout"]["shapes"] if sh["type"] == "line" and sh["x0"] == sh["x1"]]
    assert marks == [s, s]  # the stop, marked through both panels
    assert "stopped" in [a["text"] for a in spec["layout"]["annotations"]]
    assert not at.button(key="tr_more").disabled
    assert [b.label for b in at.get("download_button")] == ["Download .safetensors", "Download .npz"]
    assert not [b for b in at.button if b.key == "tr_stop"]  # training is over: no Stop button


def test_train_more_after_a_stop_continues_from_the_kept_model(monkeypatch):
    at = run(AppTest.from_file(PAGE, default_timeout=120))
    s = start_then_stop(monkeypatch, at, steps=4000, k=5)
    at.number_input(key="tr_steps").set_value(20)
    at.button(key="tr_more").click()
    run(at)
    kept = at.session_state["train_run"]
    assert kept["status"] == "finished" and len(kept["losses"]) == s + 20 and kept["optimizer"].t == s + 20
    model, _ = reference([s, 20])  # the same Adam state, new batches for the second run
    np.testing.assert_array_equal(kept["model"].theta, model.theta)
    assert at.metric[0].value == str(s + 20)
    assert not at.info  # finished: no "stopped" note
    losses = trained_losses(at)
    assert losses.size == s + 20
    np.testing.assert_allclose(losses, kept["losses"])


def test_a_rerun_mid_training_keeps_the_model_too(monkeypatch):
    """Any other click (a setting, another page) also ends the run; the page says so and keeps it."""
    at = run(AppTest.from_file(PAGE, default_timeout=120))
    s = start_then_stop(monkeypatch, at, steps=4000, k=3, press_stop=False)
    kept = at.session_state["train_run"]
    assert kept["status"] == "interrupted" and kept["marks"] == [(s, "interrupted")]
    np.testing.assert_array_equal(kept["model"].theta, reference([s])[0].theta)
    assert at.metric[0].value == str(s)
    assert f"Training stopped at step {s} of 4000: the page was stopped or reran" in at.info[0].value


def test_train_after_a_stop_starts_a_fresh_model(monkeypatch):
    at = run(AppTest.from_file(PAGE, default_timeout=120))
    start_then_stop(monkeypatch, at, steps=4000, k=3)
    train_steps(at, 5)
    kept = at.session_state["train_run"]
    assert len(kept["losses"]) == 5 and kept["marks"] == [] and kept["optimizer"].t == 5
    np.testing.assert_array_equal(kept["model"].theta, reference([5])[0].theta)


def test_inspect_after_a_stop_opens_the_kept_cell(monkeypatch):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("views/5_Train.py")
    run(at)
    s = start_then_stop(monkeypatch, at, steps=4000, k=3)
    kept_net = at.session_state["train_run"]["model"].network()
    at.button(key="tr_inspect").click()
    run(at)
    assert at.title[0].value == "Step through time"
    loaded = at.session_state["loaded_net"]
    assert loaded.label == f"trained on Remember the first bit ({s} steps)"
    expected = kept_net.to_weights(loaded.layout)
    assert sorted(loaded.weights) == sorted(expected)
    for name, array in expected.items():
        np.testing.assert_array_equal(loaded.weights[name], array)


def test_the_next_run_waits_until_the_stopped_run_lets_go(monkeypatch):
    """With fastReruns Streamlit starts the next script run at once, on a new thread, while the stopped
    one is still busy up to its next st.* call. Here a thread plays that old run: it holds the session's
    lock on the kept run, takes one more step and records it; the page must show the model after it."""
    at = run(AppTest.from_file(PAGE, default_timeout=120))
    s = start_then_stop(monkeypatch, at, steps=4000, k=3, press_stop=False)
    kept, lock = at.session_state["train_run"], at.session_state["tr_lock"]
    kept["status"], kept["held_out"] = "training", None  # as it was while the old run was still going
    task = make_task("first_bit", 20)

    def old_run_finishing_its_step():
        time.sleep(1.5)
        result = lstm_core.train.train(
            kept["model"], task, steps=1, batch_size=32, seed=99, optimizer=kept["optimizer"]
        )
        kept["losses"].append(float(result.losses[0]))
        kept["accuracies"].append(float(result.accuracies[0]))
        lock.release()  # the old run's StopException leaves its ``with`` block

    assert lock.acquire(blocking=False)
    old = threading.Thread(target=old_run_finishing_its_step)
    old.start()
    run(at)
    old.join()
    assert at.metric[0].value == str(s + 1) and kept["optimizer"].t == s + 1
    assert trained_losses(at).size == s + 1
    assert kept["marks"][-1] == (s + 1, "interrupted")


def test_convergence_button_states_the_measured_steps_to_95_percent():
    from ui import claims

    at = run(AppTest.from_file(PAGE, default_timeout=300))
    at.button(key="tr_convergence").click()
    run(at)
    claim = claims.CLAIMS["train_convergence"]
    result = claim.run()
    assert claim.holds(result)
    assert claim.say(result) in " ".join(m.value for m in at.markdown)
