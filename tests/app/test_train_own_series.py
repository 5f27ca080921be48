"""The Train page's own series under AppTest: upload a CSV, train a few steps, the numbers it shows
against the trainer and longhand, the held-out comparison with next = current, Step through time on the
data with those weights, the download, and the bad files."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from lstm_core import train as training
from lstm_core.next_value import NextValueSeries
from lstm_core.sequences import MAX_STEPS, parse_csv
from lstm_core.train import Model
from tests.plotly_data import chart_specs, decode
from ui.loaded import read_upload

from .pages import ROOT

PAGE = str(ROOT / "views" / "5_Train.py")
N = 120
SINE = np.sin(2 * np.pi * np.arange(N) / 25) + 0.1 * np.random.default_rng(1).standard_normal(N)
SINE_CSV = ("level\n" + "\n".join(repr(float(v)) for v in SINE) + "\n").encode()
STEPS, HIDDEN = 12, 6


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def own_series_page(path: str = PAGE) -> AppTest:
    at = AppTest.from_file(path, default_timeout=120)
    if path != PAGE:
        at.switch_page("views/5_Train.py")
    run(at)
    at.selectbox(key="tr_task").set_value("own_series")
    return run(at)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="tr_csv").set_value((name, data, "text/csv"))
    return run(at)


def train(at: AppTest) -> AppTest:
    at.slider(key="tr_hidden").set_value(HIDDEN)
    at.number_input(key="tr_steps").set_value(STEPS)
    at.button(key="tr_train").click()
    return run(at)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def reference():
    """What the page's settings train, uninterrupted: the series, the model and the trainer's result."""
    series = NextValueSeries.from_values(SINE)
    task = series.task(50)
    model = Model.for_task(task, hidden_size=HIDDEN, seed=0, forget_bias=1.0)
    result = training.train(model, task, steps=STEPS, lr=0.01, clip=1.0, batch_size=32, seed=0)
    return series, model, result


def test_upload_train_and_compare_with_next_equals_current(offered):
    at = upload(own_series_page(), "sine.csv", SINE_CSV)
    assert "Uploaded sine.csv: 120 steps × 1 column(s). The cell trains on the first 96 values" in " ".join(
        c.value for c in at.caption
    )
    train(at)
    series, model, result = reference()
    curve, predictions = chart_specs(at)
    np.testing.assert_allclose(decode(curve["data"][0]["y"]), result.losses, rtol=1e-12)
    np.testing.assert_array_equal(at.session_state["train_run"]["model"].theta, model.theta)
    # next = current on the training part, standardised, drawn in the loss panel
    z = (SINE[:96] - SINE[:96].mean()) / SINE[:96].std()
    (line,) = [s for s in curve["layout"]["shapes"] if s["y0"] == s["y1"] and s["yref"] == "y"]
    assert line["y0"] == pytest.approx(np.mean((z[1:] - z[:-1]) ** 2), rel=1e-12)

    # held out: the last 24 values; next = current longhand, the cell run over the whole series longhand
    baseline = np.mean((SINE[95:119] - SINE[96:]) ** 2)
    h = model.network().run(((SINE - SINE[:96].mean()) / SINE[:96].std())[:, None]).h
    pred = (h @ model.W_y + model.b_y)[:, 0] * SINE[:96].std() + SINE[:96].mean()
    trained = np.mean((pred[95:119] - SINE[96:]) ** 2)
    assert metric(at, "Held-out MSE, next = current") == f"{baseline:.4g}"
    assert metric(at, "Held-out MSE, trained cell") == f"{trained:.4g}"
    assert metric(at, "Trained ÷ baseline") == f"{trained / baseline:.3g}"
    verdict = "beats next = current" if trained < baseline else "does not beat next = current"
    sentence = next(m.value for m in at.markdown if "next = current**" in m.value)
    assert verdict in sentence and "the last 24 values of your series" in sentence
    np.testing.assert_allclose(decode(predictions["data"][0]["y"]), SINE, rtol=1e-12)
    np.testing.assert_allclose(decode(predictions["data"][1]["y"]), pred[:-1], rtol=1e-9, atol=1e-12)

    # the download opens as loaded weights do, and holds the trained cell
    net = read_upload("own.safetensors", offered["Download .safetensors"])
    for key, value in model.network().to_weights("torch").items():
        np.testing.assert_array_equal(net.to_weights("torch")[key], value)


@pytest.fixture
def offered(monkeypatch) -> dict:
    """label -> the bytes the page hands to each download button."""
    seen, real = {}, DeltaGenerator.download_button

    def download_button(self, label, data, *args, **kwargs):
        seen[label] = data
        return real(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", download_button)
    return seen


def test_step_through_the_trained_cell_opens_step_through_time_on_the_data():
    at = upload(own_series_page(str(ROOT / "app.py")), "sine.csv", SINE_CSV)
    train(at)
    kept = at.session_state["train_run"]["model"].network()
    at.button(key="tr_inspect").click()
    run(at)
    assert at.title[0].value == "Step through time"
    loaded = at.session_state["loaded_net"]
    assert loaded.label == f"trained on your series ({STEPS} steps)"
    for name, array in kept.to_weights(loaded.layout).items():
        np.testing.assert_array_equal(loaded.weights[name], array)
    shown = at.session_state["custom_sequence"]
    np.testing.assert_allclose(shown.x[:, 0], (SINE - SINE[:96].mean()) / SINE[:96].std(), rtol=1e-12)
    assert shown.feature_names == ("level",)


def _csv(values) -> bytes:
    return ("v\n" + "\n".join(str(v) for v in values) + "\n").encode()


BAD = [
    (_csv(SINE[:49]), "The series has 49 values (rows); predicting the next value needs 50 to 2,000"),
    (_csv([*SINE[:60], "abc"]), "Row 62, column 1: 'abc' is not a number."),
    (_csv([*SINE[:60], "nan"]), "Row 62, column 1 is not a finite number ('nan')."),
    (_csv([*SINE[:60], "inf"]), "Row 62, column 1 is not a finite number ('inf')."),
    (_csv([3.5] * 80), "Every value of the series is 3.5 in each column"),
    (
        _csv(np.arange(MAX_STEPS + 1)),
        f"The data has {MAX_STEPS + 1} rows of numbers (time steps); at most 2000",
    ),
]


@pytest.mark.parametrize("data, message", BAD, ids=["short", "text", "nan", "inf", "constant", "long"])
def test_a_bad_csv_is_refused_and_keeps_the_series_and_the_settings(data, message):
    at = upload(own_series_page(), "sine.csv", SINE_CSV)
    at.slider(key="tr_hidden").set_value(HIDDEN)
    at.number_input(key="tr_steps").set_value(STEPS)
    at.selectbox(key="tr_cell").set_value("gru")
    run(at)
    upload(at, "bad.csv", data)
    (error,) = [e.value for e in at.error]
    assert message in error and error.endswith("The previous series is still in use."), error
    assert "Uploaded sine.csv: 120 steps" in " ".join(c.value for c in at.caption)
    assert (at.slider(key="tr_hidden").value, at.number_input(key="tr_steps").value) == (HIDDEN, STEPS)
    assert at.selectbox(key="tr_cell").value == "gru"
    assert not at.button(key="tr_train").disabled
    np.testing.assert_array_equal(at.session_state["tr_series"][0].x[:, 0], parse_csv(SINE_CSV)[0][:, 0])


def test_a_bad_first_csv_says_what_is_allowed_and_training_waits():
    at = upload(own_series_page(), "short.csv", _csv(SINE[:10]))
    assert [e.value for e in at.error] == [
        "The series has 10 values (rows); predicting the next value needs 50 to 2,000: the first 80% "
        "to train on, the rest to test on."
    ]
    assert at.button(key="tr_train").disabled


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_a_trained_gru_or_rnn_steps_through_time_on_the_data_too(cell):
    at = upload(own_series_page(str(ROOT / "app.py")), "sine.csv", SINE_CSV)
    at.selectbox(key="tr_cell").set_value(cell)
    train(at)
    kept = at.session_state["train_run"]["model"].network()
    at.button(key="tr_inspect").click()
    run(at)
    assert at.title[0].value == "Step through time"
    loaded = at.session_state["loaded_net"]
    assert loaded.variant == cell and loaded.label == f"trained on your series ({STEPS} steps)"
    for name, array in kept.to_weights("torch").items():
        np.testing.assert_array_equal(loaded.weights[name], array)
    assert not [w.value for w in at.warning]
    assert not [i.value for i in at.info if "random weights" in i.value]  # the page shows it, not a stand-in
