"""The comparison cells against PyTorch: forward vs ``nn.RNN`` / ``nn.GRU`` (float64, ≤ 1e-12) and the
backward pass vs autograd, for the weights, the input, h0 and the gradient of every intermediate (the
GRU written out longhand from PyTorch's documented equations, with ``retain_grad``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from lstm_core.comparison_cells import GRU, RNN

TOL = 1e-12
EXACT = 1e-10

SHAPES = [(1, 1), (3, 4), (6, 5)]
CASES = list(itertools.product(["rnn", "gru"], SHAPES, [1, 2, 3], [1, 8], [False, True]))
NETWORK = {"rnn": (RNN, torch.nn.RNN), "gru": (GRU, torch.nn.GRU)}


def _case_id(case):
    kind, (i, h), layers, steps, state = case
    return f"{kind}-I{i}-H{h}-L{layers}-T{steps}-{'state' if state else 'zero'}"


def rel_err(a, b) -> float:
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / scale) if scale > 1e-300 else 0.0


def _pair(kind, I, H, L, seed):  # noqa: E741
    ours, theirs = NETWORK[kind]
    torch.manual_seed(seed)
    module = theirs(I, H, num_layers=L).double()
    net = ours.from_weights({k: v.detach().numpy() for k, v in module.state_dict().items()})
    return net, module


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_forward_and_backward_match_torch(case):
    kind, (I, H), L, T, with_state = case  # noqa: E741
    seed = sum(map(ord, _case_id(case)))
    net, module = _pair(kind, I, H, L, seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, I))
    h0 = rng.standard_normal((L, H)) if with_state else np.zeros((L, H))
    dh = rng.standard_normal((T, H))
    trace = net.run(x, h0 if with_state else None)

    x_t, h0_t = torch.tensor(x, requires_grad=True), torch.tensor(h0, requires_grad=True)
    out, h_n = module(x_t, h0_t)
    np.testing.assert_allclose(trace.h, out.detach().numpy(), rtol=0, atol=TOL)
    for k in range(L):
        np.testing.assert_allclose(trace.layers[k].h[-1], h_n[k].detach().numpy(), rtol=0, atol=TOL)

    grads = net.backward(trace, dh)
    (out * torch.from_numpy(dh)).sum().backward()
    assert list(grads) == list(net.to_weights())
    for name, p in module.named_parameters():
        assert rel_err(grads[name], p.grad.numpy()) <= EXACT, name
    assert rel_err(grads.dx, x_t.grad.numpy()) <= EXACT
    assert rel_err(grads.dh0, h0_t.grad.numpy()) <= EXACT
    assert grads.dc0 is None and grads.dc is None


def _gru_longhand(w, x, h0, L, H):
    """torch.nn.GRU's documented equations, step by step, every intermediate retaining its gradient."""
    layers, inp = [], [x[t] for t in range(x.shape[0])]
    for k in range(L):
        W_i, W_h = w[f"weight_ih_l{k}"], w[f"weight_hh_l{k}"]
        b_i, b_h = w[f"bias_ih_l{k}"], w[f"bias_hh_l{k}"]
        h = h0[k]
        rec = {n: [] for n in ("r", "z", "n", "hn", "h", "a_r", "a_z", "a_n")}
        for x_t in inp:
            gi, gh = W_i @ x_t + b_i, W_h @ h + b_h
            a_r, a_z = gi[:H] + gh[:H], gi[H : 2 * H] + gh[H : 2 * H]
            r, z = torch.sigmoid(a_r), torch.sigmoid(a_z)
            hn = gh[2 * H :]
            a_n = gi[2 * H :] + r * hn
            n = torch.tanh(a_n)
            h = (1 - z) * n + z * h
            for name, v in zip(rec, (r, z, n, hn, h, a_r, a_z, a_n), strict=True):
                v.retain_grad()
                rec[name].append(v)
        layers.append(rec)
        inp = rec["h"]
    return layers, torch.stack(layers[-1]["h"])


@pytest.mark.parametrize("num_layers", [1, 2])
def test_gru_intermediates_and_their_gradients_match_longhand_torch(num_layers):
    I, H, T = 3, 4, 7  # noqa: E741
    net, _ = _pair("gru", I, H, num_layers, seed=4)
    rng = np.random.default_rng(4)
    x, h0, dh = rng.standard_normal((T, I)), rng.standard_normal((num_layers, H)), rng.standard_normal((T, H))
    trace = net.run(x, h0)
    grads = net.backward(trace, dh)
    w = {k: torch.tensor(v, requires_grad=True) for k, v in net.to_weights().items()}
    rec, h_top = _gru_longhand(w, torch.tensor(x), torch.tensor(h0), num_layers, H)
    (h_top * torch.from_numpy(dh)).sum().backward()
    for k in range(num_layers):
        lt, lg = trace.layers[k], grads.layers[k]
        for name in ("r", "z", "n", "hn", "h"):
            expected = torch.stack(rec[k][name]).detach().numpy()
            np.testing.assert_allclose(getattr(lt, name), expected, rtol=0, atol=TOL, err_msg=name)
            got = getattr(lg, "d" + name)
            assert rel_err(got, torch.stack([v.grad for v in rec[k][name]]).numpy()) <= EXACT, f"d{name}"
        for gate in ("r", "z", "n"):
            pre = torch.stack(rec[k][f"a_{gate}"])
            np.testing.assert_allclose(lt.pre[gate], pre.detach().numpy(), rtol=0, atol=TOL)
            assert rel_err(lg.dpre[gate], torch.stack([v.grad for v in rec[k][f"a_{gate}"]]).numpy()) <= EXACT
        np.testing.assert_array_equal(lg.dh_prev[1:], lg.dh[:-1])


def test_rnn_pre_activation_and_its_gradient():
    net, _ = _pair("rnn", 2, 3, 1, seed=8)
    rng = np.random.default_rng(8)
    x, dh = rng.standard_normal((5, 2)), rng.standard_normal((5, 3))
    trace = net.run(x)
    np.testing.assert_allclose(np.tanh(trace.layers[0].pre["h"]), trace.h, rtol=0, atol=TOL)
    lg = net.backward(trace, dh).layers[0]
    np.testing.assert_allclose(lg.dpre["h"], lg.dh * (1 - trace.h**2), rtol=0, atol=TOL)


@pytest.mark.parametrize("kind", ["rnn", "gru"])
def test_weights_round_trip_and_bad_weights_are_named(kind):
    cls = NETWORK[kind][0]
    net = cls.random(3, 4, num_layers=2, seed=1)
    w = net.to_weights()
    G = 1 if kind == "rnn" else 3
    assert {k: v.shape for k, v in w.items()} == {
        f"{name}_l{k}": shape
        for k in range(2)
        for name, shape in (
            ("weight_ih", (G * 4, 3 if k == 0 else 4)),
            ("weight_hh", (G * 4, 4)),
            ("bias_ih", (G * 4,)),
            ("bias_hh", (G * 4,)),
        )
    }
    again = cls.from_weights(w).to_weights()
    assert all(np.array_equal(w[k], again[k]) for k in w)
    bad = dict(w, weight_hh_l1=np.zeros((G * 4, 5)))
    with pytest.raises(
        ValueError, match=r"weight_hh_l1.*\(" + str(G * 4) + r", 4\).*\(" + str(G * 4) + ", 5\\)"
    ):
        cls.from_weights(bad)
    missing = {k: v for k, v in w.items() if k != "bias_ih_l1"}
    with pytest.raises(ValueError, match="bias_ih_l1"):
        cls.from_weights(missing)
    with pytest.raises(ValueError, match="NaN"):
        cls.from_weights(dict(w, bias_hh_l0=np.full(G * 4, np.nan)))
    with pytest.raises(ValueError, match="torch"):
        cls.from_weights(w, layout="keras")
    with pytest.raises(ValueError, match="shape"):
        net.run(np.zeros((5, 2)))
