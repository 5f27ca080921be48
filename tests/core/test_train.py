"""Training (issue 5): the batched path against ``run``/``backward``, the whole model's gradient against
finite differences, losses, clipping and Adam against PyTorch, determinism, the callback, the tasks, and
a learning test: an LSTM learns to remember the first bit over a distance where a plain RNN cannot."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lstm_core import LSTM
from lstm_core.batched import run_batch
from lstm_core.comparison_cells import GRU, RNN
from lstm_core.losses import cross_entropy, mse
from lstm_core.tasks import TASKS, TEXT, make_task
from lstm_core.train import Adam, Model, clip_grad_norm, evaluate, train
from tests.core.helpers import CORE_VARIANTS

CORES = [("lstm", v) for v in CORE_VARIANTS] + [("rnn", "-"), ("gru", "-")]
CORE_IDS = [f"{k}-{v}" for k, v in CORES]


def rel_err(a, b) -> float:
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / scale) if scale > 1e-300 else 0.0


def _model(kind, variant, task, **options):
    return Model.for_task(task, kind=kind, variant=variant if kind == "lstm" else "standard", **options)


# ---------------------------------------------------------------- the batched path agrees with run


def _sequence_state(s, b):
    """Sequence b's initial state from None, a shared (L, H) or a per-sequence (L, B, H) array."""
    return None if s is None else (s if s.ndim == 2 else s[:, b])


@pytest.mark.parametrize("variant", CORE_VARIANTS)
@pytest.mark.parametrize("state", ["zero", "shared", "per-sequence"])
def test_run_batch_equals_run_for_every_sequence(variant, state):
    B, T, I, H, L = 4, 9, 3, 5, 2  # noqa: E741
    net = LSTM.random(I, H, L, variant=variant, seed=3, scale=0.8)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((B, T, I))
    h0 = c0 = None
    if state == "shared":
        h0, c0 = rng.standard_normal((L, H)), rng.standard_normal((L, H))
    elif state == "per-sequence":
        h0, c0 = rng.standard_normal((L, B, H)), rng.standard_normal((L, B, H))
    layers = run_batch(net, x, h0, c0)
    for b in range(B):
        trace = net.run(x[b], _sequence_state(h0, b), _sequence_state(c0, b))
        for k in range(L):
            for name in ("x", "h_prev", "c_prev", "i", "f", "g", "o", "u", "c", "h"):
                got, expected = layers[k][name][b], getattr(trace.layers[k], name)
                np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12, err_msg=f"{b} {k} {name}")


@pytest.mark.parametrize(("kind", "variant"), CORES, ids=CORE_IDS)
def test_batched_backward_equals_the_sum_of_per_sequence_backward_passes(kind, variant):
    """Model.backward on a batch against ``network().backward`` of each sequence's trace: the recurrent
    weight gradients add up, and each sequence's state gradients dh (and dc) are its own."""
    task = make_task("sine", 6)  # readout at every step
    model = _model(kind, variant, task, hidden_size=4, num_layers=2, seed=2)
    x, _ = task.batch(3, np.random.default_rng(0))
    out, cache = model.forward(x)
    R = np.random.default_rng(1).standard_normal(out.shape)  # loss = Σ R ⊙ out
    model.backward(cache, R)
    net = model.network()
    per_seq = []
    for b in range(3):
        trace = net.run(x[b])
        np.testing.assert_allclose(trace.h @ model.W_y + model.b_y, out[b], rtol=0, atol=1e-12)
        per_seq.append(net.backward(trace, R[b] @ model.W_y.T))
    for k in range(2):
        for name in ("W_x", "W_h", "b_x", "p", "W_u", "b_u"):
            if f"l{k}.{name}" not in model.grads:
                continue
            total = sum(getattr(g.layers[k].params, name) for g in per_seq)
            assert rel_err(model.grads[f"l{k}.{name}"], total) <= 1e-12, (k, name)
        for b in range(3):
            np.testing.assert_allclose(
                model.state_grads[k]["dh"][:, b], per_seq[b].layers[k].dh, rtol=0, atol=1e-12
            )
            if kind == "lstm":
                np.testing.assert_allclose(
                    model.state_grads[k]["dc"][:, b], per_seq[b].layers[k].dc, rtol=0, atol=1e-12
                )


@pytest.mark.parametrize(("kind", "variant"), CORES, ids=CORE_IDS)
def test_sequence_gradients_agree_with_a_batch_of_one(kind, variant):
    task = make_task("first_bit", 7)
    model = _model(kind, variant, task, hidden_size=3, seed=5)
    x, y = task.batch(1, np.random.default_rng(3))
    sg = model.sequence_gradients(task, x[0], y[0])
    loss, _, grad = model.loss_and_grad(task, x, y)
    assert sg.loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(sg.grads.dh, model.state_grads[0]["dh"][:, 0], rtol=0, atol=1e-12)
    assert sg.dh.shape == (7, 3) and not sg.dh[:-1].any()  # the readout looks at the last step only


# ---------------------------------------------------------------- the whole model's gradient


def _fd_check(model, task, x, y, masks_seed):
    def loss():
        rng = np.random.default_rng(masks_seed) if masks_seed is not None else None
        return model.loss_and_grad(task, x, y, rng)[0]

    rng = np.random.default_rng(masks_seed) if masks_seed is not None else None
    grad = model.loss_and_grad(task, x, y, rng)[2].copy()
    fd = np.zeros_like(grad)
    for j in range(model.theta.size):
        old = model.theta[j]
        model.theta[j] = old + 1e-6
        up = loss()
        model.theta[j] = old - 1e-6
        down = loss()
        model.theta[j] = old
        fd[j] = (up - down) / 2e-6
    return rel_err(grad, fd)


@pytest.mark.parametrize(("kind", "variant"), CORES, ids=CORE_IDS)
def test_model_gradient_with_dropout_matches_finite_differences(kind, variant):
    task = make_task("parity", 5)
    model = _model(kind, variant, task, hidden_size=3, num_layers=2, dropout=0.4, seed=1)
    x, y = task.batch(4, np.random.default_rng(0))
    assert _fd_check(model, task, x, y, masks_seed=7) <= 1e-6


@pytest.mark.parametrize("name", list(TASKS))
def test_model_gradient_matches_finite_differences_for_every_task(name):
    task = make_task(name, 5)
    model = Model.for_task(task, hidden_size=3, seed=4, forget_bias=1.0)
    x, y = task.batch(3, np.random.default_rng(1))
    assert _fd_check(model, task, x, y, masks_seed=None) <= 1e-6


def test_dropout_masks_are_recorded_and_only_between_layers():
    task = make_task("parity", 6)
    model = Model.for_task(task, hidden_size=5, num_layers=3, dropout=0.5, seed=0)
    x, _ = task.batch(4, np.random.default_rng(0))
    _, cache = model.forward(x, rng=np.random.default_rng(9))
    masks = cache["masks"]
    assert masks[0] is None and all(m.shape == (6, 4, 5) for m in masks[1:])
    assert set(np.unique(np.concatenate([m.ravel() for m in masks[1:]]))) == {
        0.0,
        2.0,
    }  # kept units × 1/(1−p)
    np.testing.assert_array_equal(cache["layers"][1]["x"], cache["layers"][0]["h"] * masks[1])
    # no rng: no dropout, the same numbers as the trace
    out, cache = model.forward(x)
    assert all(m is None for m in cache["masks"])
    np.testing.assert_allclose(
        cache["layers"][-1]["h"][:, 2], model.network().run(x[2]).h, rtol=0, atol=1e-12
    )


# ---------------------------------------------------------------- losses, clipping, Adam vs torch


def test_losses_match_torch():
    rng = np.random.default_rng(0)
    logits, y = rng.standard_normal((5, 7, 4)) * 3, rng.integers(0, 4, size=(5, 7))
    loss, dlogits = cross_entropy(logits, y)
    lt = torch.tensor(logits, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(lt.reshape(-1, 4), torch.from_numpy(y).reshape(-1))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    assert rel_err(dlogits, lt.grad.numpy()) <= 1e-12
    assert np.isfinite(cross_entropy(np.array([[1e4, -1e4]]), np.array([1]))[0])  # no overflow
    pred, target = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    loss, dpred = mse(pred, target)
    pt = torch.tensor(pred, requires_grad=True)
    ref = torch.nn.functional.mse_loss(pt, torch.from_numpy(target))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    assert rel_err(dpred, pt.grad.numpy()) <= 1e-12


def test_clipping_bounds_the_global_norm_like_torch():
    rng = np.random.default_rng(0)
    big = rng.standard_normal(50) * 10
    ref = torch.tensor(big.copy())
    ref.grad = torch.tensor(big.copy())
    norm = clip_grad_norm(big, 1.0)
    torch_norm = torch.nn.utils.clip_grad_norm_([ref], 1.0)
    assert norm == pytest.approx(torch_norm.item(), rel=1e-12) and norm > 1.0
    assert np.linalg.norm(big) <= 1.0
    np.testing.assert_allclose(big, ref.grad.numpy(), rtol=1e-12)
    small = rng.standard_normal(50) * 1e-3
    before = small.copy()
    clip_grad_norm(small, 1.0)
    np.testing.assert_array_equal(small, before)  # under the bound: untouched


def test_train_clips_every_step_when_asked():
    task = make_task("adding", 8)
    model = Model.for_task(task, hidden_size=4, seed=0)
    seen = []
    original = Adam.step

    def spy(self, theta, grad):
        seen.append(np.linalg.norm(grad))
        original(self, theta, grad)

    Adam.step = spy
    try:
        result = train(model, task, steps=10, lr=0.01, clip=1e-3, batch_size=8, seed=0)
        clipped = list(seen)
        seen.clear()
        train(model, task, steps=10, lr=0.01, clip=None, batch_size=8, seed=0)
    finally:
        Adam.step = original
    assert max(clipped) <= 1e-3 * (1 + 1e-9) and result.grad_norms.min() > 1e-3  # norms recorded before
    assert min(seen) > 1e-3  # switched off: the raw gradient reaches Adam


def test_adam_matches_torch_optim_adam():
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(20)
    param = torch.tensor(theta.copy(), requires_grad=True)
    ours = Adam(20, lr=0.05, betas=(0.8, 0.99), eps=1e-6)
    theirs = torch.optim.Adam([param], lr=0.05, betas=(0.8, 0.99), eps=1e-6)
    for _ in range(6):
        grad = rng.standard_normal(20)
        ours.step(theta, grad)
        param.grad = torch.tensor(grad)
        theirs.step()
        assert rel_err(theta, param.detach().numpy()) <= 1e-13


def test_a_few_training_steps_equal_pytorch_training_the_same_lstm():
    """Same initial weights, batches, loss, clipping and Adam: the parameters stay equal to rounding."""
    task = make_task("first_bit", 10)
    model = Model.for_task(task, hidden_size=6, seed=3, forget_bias=1.0)
    lstm, linear = torch.nn.LSTM(2, 6).double(), torch.nn.Linear(6, 2).double()
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in model.network().to_weights("torch").items()})
    linear.load_state_dict(
        {"weight": torch.from_numpy(model.W_y.T.copy()), "bias": torch.from_numpy(model.b_y.copy())}
    )
    params = [*lstm.parameters(), *linear.parameters()]
    optimizer = torch.optim.Adam(params, lr=0.02)
    rng = np.random.default_rng((11, 0))  # the data stream ``train`` draws for seed 11
    for _ in range(8):
        x, y = task.batch(16, rng)
        out, _ = lstm(torch.from_numpy(x.transpose(1, 0, 2).copy()))
        loss = torch.nn.functional.cross_entropy(linear(out[-1]), torch.from_numpy(y))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 0.5)
        optimizer.step()
    result = train(model, task, steps=8, lr=0.02, clip=0.5, batch_size=16, seed=11)
    assert result.losses[-1] == pytest.approx(loss.item(), rel=1e-9)
    for key, value in model.network().to_weights("torch").items():
        assert rel_err(value, lstm.state_dict()[key].numpy()) <= 1e-9, key
    assert rel_err(model.W_y.T, linear.weight.detach().numpy()) <= 1e-9


# ---------------------------------------------------------------- the loop


def test_training_is_deterministic_and_seeded():
    task = make_task("parity", 6)

    def run(seed):
        model = Model.for_task(task, kind="gru", hidden_size=4, num_layers=2, dropout=0.2, seed=0)
        return train(model, task, steps=15, lr=0.01, batch_size=8, seed=seed), model.theta.copy()

    (a, theta_a), (b, theta_b), (c, _) = run(1), run(1), run(2)
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(theta_a, theta_b)
    assert not np.array_equal(a.losses, c.losses)


def test_callback_sees_progress_and_can_stop_training_keeping_what_was_learnt():
    task = make_task("first_bit", 5)
    model = Model.for_task(task, hidden_size=4, seed=0)
    start = model.theta.copy()
    calls = []

    def callback(step, loss, accuracy):
        calls.append((step, loss, accuracy))
        return np.bool_(step < 7)  # a NumPy False stops too

    result = train(model, task, steps=100, batch_size=8, callback=callback, report_every=0.0)
    assert [c[0] for c in calls] == list(range(1, 8))
    assert result.stopped and result.steps == 7 and len(result.losses) == 7
    assert all(np.isfinite(c[1]) and 0.0 <= c[2] <= 1.0 for c in calls)
    assert calls[-1][1] == result.losses[-1]
    assert not np.array_equal(model.theta, start)
    # stopped, then continued with the same optimiser state
    again = train(model, task, steps=3, batch_size=8, optimizer=result.optimizer)
    assert again.optimizer.t == 10 and not again.stopped
    # the default reporting interval still reports the last step
    last = []
    train(model, task, steps=4, batch_size=8, callback=lambda *a: last.append(a))
    assert last and last[-1][0] == 4


def test_network_snapshot_is_independent_of_later_training():
    task = make_task("first_bit", 5)
    model = Model.for_task(task, hidden_size=4, seed=0)
    snapshot = model.network().to_weights("torch")
    net = model.network()
    train(model, task, steps=5, batch_size=8)
    assert all(np.array_equal(net.to_weights("torch")[k], snapshot[k]) for k in snapshot)
    assert not all(np.array_equal(model.network().to_weights("torch")[k], snapshot[k]) for k in snapshot)
    assert isinstance(Model.for_task(task, kind="rnn").network(), RNN)
    assert isinstance(Model.for_task(task, kind="gru").network(), GRU)


def test_mismatched_model_and_task_are_refused():
    model = Model.for_task(make_task("first_bit", 5), hidden_size=4)
    with pytest.raises(ValueError, match="does not fit"):
        train(model, make_task("sine", 5), steps=1)
    with pytest.raises(ValueError, match="kind"):
        Model.create(kind="lstm2")


# ---------------------------------------------------------------- tasks


@pytest.mark.parametrize("name", list(TASKS))
def test_task_generators_are_seeded_and_their_targets_follow_the_rule(name):
    task = make_task(name, 12)
    x, y = task.batch(64, np.random.default_rng(0))
    x2, y2 = task.batch(64, np.random.default_rng(0))
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert x.shape == (64, 12, task.input_size)
    assert len(task.explanation) > 200 and task.title
    assert set(task.suggested) == {"hidden_size", "steps", "lr", "batch_size", "forget_bias"}
    if name == "first_bit":
        np.testing.assert_array_equal(y, (x[:, 0, 0] > 0).astype(int))
        assert (x[:, 0, 1] == 1).all() and not x[:, 1:, 1].any()
    elif name == "adding":
        assert (x[..., 1].sum(axis=1) == 2).all()
        assert (x[:, :6, 1].sum(axis=1) == 1).all()  # one marker in each half
        np.testing.assert_allclose(y[:, 0], (x[..., 0] * x[..., 1]).sum(axis=1))
    elif name == "parity":
        np.testing.assert_array_equal(y, np.cumsum(x[..., 0], axis=1).astype(int) % 2)
    elif name == "sine":
        np.testing.assert_array_equal(y[:, :-1, 0], x[:, 1:, 0])
    else:
        np.testing.assert_array_equal(y[:, :-1], x[:, 1:].argmax(axis=-1))
        text = "".join(task.alphabet[c] for c in x[0].argmax(axis=-1))
        assert text in TEXT + TEXT  # a window of the rhyme, wrapping round
    shape = (64,) if task.readout == "last" else (64, 12)
    assert y.shape[: len(shape)] == shape
    with pytest.raises(ValueError, match="length"):
        make_task(name, 0)


# ---------------------------------------------------------------- learning


def test_lstm_remembers_the_first_bit_where_a_plain_rnn_stays_at_chance():
    """T = 50 steps, H = 8, the same budget of 300 Adam steps for both. The LSTM starts with its forget
    gate open (forget_bias 3); the RNN has nothing to open."""
    task = make_task("first_bit", 50)
    settings = dict(steps=300, lr=0.01, clip=1.0, batch_size=64, seed=0)
    lstm = Model.for_task(task, kind="lstm", hidden_size=8, seed=0, forget_bias=3.0)
    train(lstm, task, **settings)
    rnn = Model.for_task(task, kind="rnn", hidden_size=8, seed=0)
    train(rnn, task, **settings)
    lstm_acc, rnn_acc = evaluate(lstm, task, 1000)[1], evaluate(rnn, task, 1000)[1]
    assert lstm_acc >= 0.95, f"LSTM reached only {lstm_acc:.3f}"
    assert rnn_acc <= 0.6, f"the RNN was expected near chance (0.5), got {rnn_acc:.3f}"
