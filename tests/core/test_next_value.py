"""lstm_core.next_value: the own-series task against torch and longhand, the held-out report, refusals."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lstm_core.next_value import MIN_STEPS, NextValueSeries, Scaling
from lstm_core.sequences import MAX_STEPS, SequenceError, parse_csv
from lstm_core.train import Model, train

T = np.arange(120)
SINE = np.sin(2 * np.pi * T / 25) + 0.1 * np.random.default_rng(0).standard_normal(120)


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn"])
def test_next_value_loss_and_gradient_equal_torch(kind):
    """One batch of the task: our MSE and every parameter's gradient equal torch's (nn.LSTM/GRU/RNN +
    nn.Linear at every step + mse_loss) on the same windows, targets one step ahead."""
    x = np.stack([SINE, np.cos(T / 7.0)], axis=1)
    series = NextValueSeries.from_values(x)
    task = series.task(window=12)
    model = Model.for_task(task, kind=kind, hidden_size=5, seed=2, forget_bias=1.0 if kind == "lstm" else 0.0)
    xb, yb = task.batch(8, np.random.default_rng(4))
    np.testing.assert_array_equal(xb[:, 1:], yb[:, :-1])  # the target is the next input
    loss, _, grad = model.loss_and_grad(task, xb, yb)

    core = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind](2, 5).double()
    core.load_state_dict({k: torch.from_numpy(v) for k, v in model.network().to_weights("torch").items()})
    linear = torch.nn.Linear(5, 2).double()
    linear.load_state_dict(
        {"weight": torch.from_numpy(model.W_y.T.copy()), "bias": torch.from_numpy(model.b_y.copy())}
    )
    h, _ = core(torch.from_numpy(xb.transpose(1, 0, 2).copy()))  # time-major
    ref = torch.nn.functional.mse_loss(linear(h).transpose(0, 1), torch.from_numpy(yb))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    # Our gradient vector laid out like the weights: write it into a copy of the model and read it back.
    shadow = Model(model.network(), 2, readout="every", W_y=model.W_y, b_y=model.b_y)
    shadow.theta[...] = grad
    for name, p in core.named_parameters():
        np.testing.assert_allclose(
            shadow.network().to_weights("torch")[name], p.grad.numpy(), rtol=1e-9, atol=1e-13
        )
    np.testing.assert_allclose(shadow.W_y.T, linear.weight.grad.numpy(), rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(shadow.b_y, linear.bias.grad.numpy(), rtol=1e-9, atol=1e-13)


def test_windows_stay_in_the_training_part_and_are_standardised():
    series = NextValueSeries.from_values(SINE)
    assert series.split == 96  # 120 − 24 held out
    task = series.task(window=200)  # longer than the training part allows: cut to split − 1
    assert task.length == 95
    mean, sd = SINE[:96].mean(), SINE[:96].std()
    xb, yb = task.batch(4, np.random.default_rng(0))
    np.testing.assert_allclose(xb[0, :, 0], (SINE[:95] - mean) / sd)  # the only start that fits
    np.testing.assert_allclose(yb[0, :, 0], (SINE[1:96] - mean) / sd)


def test_report_is_held_out_mse_of_the_cell_and_of_next_equals_current_longhand():
    series = NextValueSeries.from_values(SINE)
    task = series.task(window=30)
    model = Model.for_task(task, hidden_size=8, seed=0, forget_bias=1.0)
    train(model, task, steps=60, lr=0.01, batch_size=16, seed=0)
    report = series.report(model)
    tail = SINE[96:]
    assert report.steps == 24
    assert report.baseline_mse == pytest.approx(np.mean((SINE[95:119] - tail) ** 2), rel=1e-12)
    # longhand: run the trained cell over the whole standardised series, read out every step, undo
    mean, sd = SINE[:96].mean(), SINE[:96].std()
    h = model.network().run(((SINE - mean) / sd)[:, None]).h
    pred = (h @ model.W_y + model.b_y)[:, 0] * sd + mean
    assert report.trained_mse == pytest.approx(np.mean((pred[95:119] - tail) ** 2), rel=1e-9)
    assert report.ratio == pytest.approx(report.trained_mse / report.baseline_mse)


def test_a_constant_column_is_scaled_by_one_not_divided_by_zero():
    s = Scaling.fit(np.stack([np.full(60, 3.0), np.arange(60.0)], axis=1))
    assert s.scale[0] == 1.0 and s.scale[1] == pytest.approx(np.arange(60.0).std())
    z = s.apply(np.array([[3.0, 0.0]]))
    assert np.isfinite(z).all() and z[0, 0] == 0.0


@pytest.mark.parametrize(
    "x, words",
    [
        (np.arange(MIN_STEPS - 1.0), f"{MIN_STEPS - 1} values (rows); predicting the next value needs 50"),
        (np.full(80, 2.5), "Every value of the series is 2.5"),
        (np.r_[np.zeros(70), np.arange(10.0)], "constant over its first 64 values"),
        (np.arange(MAX_STEPS + 1.0), f"{MAX_STEPS + 1} time steps (rows); at most {MAX_STEPS}"),
        (np.r_[np.arange(60.0), np.nan], "Row 61, column 1 is not a finite number"),
    ],
)
def test_series_it_cannot_train_on_are_refused_saying_what_is_allowed(x, words):
    with pytest.raises(SequenceError) as e:
        NextValueSeries.from_values(x)
    assert words in str(e.value)


def test_csv_refusals_come_from_the_csv_reader():
    with pytest.raises(SequenceError, match="Row 3, column 1: 'abc' is not a number"):
        parse_csv(b"value\n1\nabc\n")
    with pytest.raises(SequenceError, match="Row 3, column 1 is not a finite number"):
        parse_csv(b"value\n1\ninf\n")
