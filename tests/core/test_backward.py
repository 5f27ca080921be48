"""The LSTM backward pass (issue 5): ``net.backward(trace, dh, layout)``.

Three independent references:
- PyTorch ``nn.LSTM`` autograd (torch layout, float64): weights, input and initial-state gradients.
- Every variant longhand in torch ops from the docs/design.md §2 equations, with ``retain_grad`` on
  every intermediate, so each d<name> of every layer and step is checked, not only the weights.
- Central finite differences on ``run`` for every variant in its own layout.
The loss is always Σ dh ⊙ h, so ∂Loss/∂h_t = dh.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pytest
import torch

from lstm_core import LSTM
from tests.core.helpers import (
    CORE_VARIANTS,
    NATURAL_LAYOUT,
    random_input,
    random_layout_weights,
    random_state,
)

OWN_LAYOUT = {"standard": "seed", "no_forget": "seed", "peephole": "seed", "udacity": "udacity"}
EXACT = 1e-10  # relative error against autograd: the same arithmetic, so only rounding separates them
FD_TOL = 1e-6  # relative error against central differences (issue 5)


def rel_err(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 1e-300 else 0.0


def assert_close(got, expected, tol, what):
    assert np.shape(got) == np.shape(expected), f"{what}: shape {np.shape(got)} != {np.shape(expected)}"
    err = rel_err(got, expected)
    assert err <= tol, f"{what}: relative error {err:.2e} > {tol:.0e}"


def _setup(variant, I, H, L, T, seed, with_state=True):  # noqa: E741
    layout = NATURAL_LAYOUT[variant]
    w = random_layout_weights(layout, variant, I, H, L, seed=seed, scale=0.6)
    net = LSTM.from_weights(w, layout=layout, variant=variant)
    x = random_input(T, I, seed + 1)
    h0, c0 = random_state(L, H, seed + 2) if with_state else (None, None)
    dh = np.random.default_rng(seed + 3).standard_normal((T, H))
    return net, x, h0, c0, dh


# ---------------------------------------------------------------- nn.LSTM autograd, torch layout

SHAPES = [(1, 1), (3, 4), (5, 7)]
TORCH_CASES = list(itertools.product(SHAPES, [1, 2], [1, 9], [False, True]))


@pytest.mark.parametrize(
    "case",
    TORCH_CASES,
    ids=[f"I{i}-H{h}-L{n}-T{t}-{'state' if s else 'zero'}" for (i, h), n, t, s in TORCH_CASES],
)
def test_weights_input_and_state_gradients_match_torch_autograd(case):
    (I, H), L, T, with_state = case  # noqa: E741
    seed = 1000 * I + 100 * H + 10 * L + T
    net, x, h0, c0, dh = _setup("standard", I, H, L, T, seed, with_state)
    trace = net.run(x, h0, c0)
    grads = net.backward(trace, dh, layout="torch")

    module = torch.nn.LSTM(I, H, num_layers=L).double()
    module.load_state_dict({k: torch.from_numpy(v) for k, v in net.to_weights("torch").items()})
    x_t = torch.tensor(x, requires_grad=True)
    h0_t = torch.tensor(np.zeros((L, H)) if h0 is None else h0, requires_grad=True)
    c0_t = torch.tensor(np.zeros((L, H)) if c0 is None else c0, requires_grad=True)
    out, _ = module(x_t, (h0_t, c0_t))
    np.testing.assert_allclose(out.detach().numpy(), trace.h, rtol=0, atol=1e-12)  # same forward
    (out * torch.from_numpy(dh)).sum().backward()

    assert list(grads) == list(net.to_weights("torch"))
    for name, p in module.named_parameters():
        assert_close(grads[name], p.grad.numpy(), EXACT, name)
    assert_close(grads.dx, x_t.grad.numpy(), EXACT, "dx")
    assert_close(grads.dh0, h0_t.grad.numpy(), EXACT, "dh0")
    assert_close(grads.dc0, c0_t.grad.numpy(), EXACT, "dc0")


# ---------------------------------------------------------------- every intermediate, every variant


def _longhand_torch(variant, w, x, h0, c0, L):
    """docs/design.md §2 in torch ops, one step at a time; returns per layer a dict name -> list over t of
    tensors that retain their gradient, and the top layer's h as a (T, H) tensor."""
    layers, inp = [], [x[t] for t in range(x.shape[0])]
    for k in range(L):
        W = {name[: -len(f"_l{k}")]: v for name, v in w.items() if name.endswith(f"_l{k}")}
        h, c = h0[k], c0[k]
        rec = {n: [] for n in ("h", "c", "f", "i", "g", "o", "kept", "written", "u", "v")}
        rec |= {f"z_{n}": [] for n in ("i", "f", "g", "o", "u")}
        for x_t in inp:
            if variant == "udacity":
                sx = torch.cat([h, x_t])  # [STM_{t-1}, E_t]
                z = {
                    "g": W["W_n"] @ sx + W["b_n"],
                    "i": W["W_i"] @ sx + W["b_i"],
                    "f": W["W_f"] @ sx + W["b_f"],
                    "o": W["W_v"] @ sx + W["b_v"],
                }
            else:
                gates = ("i", "o", "g") if variant == "no_forget" else ("i", "f", "o", "g")
                z = {g: x_t @ W[f"W_x{g}"] + h @ W[f"W_h{g}"] + W[f"b_{g}"] for g in gates}
                if variant == "peephole":
                    z["i"] = z["i"] + W["p_i"] * c
                    z["f"] = z["f"] + W["p_f"] * c
            i, g = torch.sigmoid(z["i"]), torch.tanh(z["g"])
            # no_forget: f is the constant 1; a leaf tensor so that ∂Loss/∂f can be compared too
            f = torch.ones_like(h, requires_grad=True) if variant == "no_forget" else torch.sigmoid(z["f"])
            kept, written = f * c, i * g
            c_new = kept + written
            if variant == "udacity":
                z["u"] = W["W_u"] @ kept + W["b_u"]
                u, o = torch.tanh(z["u"]), torch.sigmoid(z["o"])
            else:
                if variant == "peephole":
                    z["o"] = z["o"] + W["p_o"] * c_new
                u, o = torch.tanh(c_new), torch.sigmoid(z["o"])
            h = o * u
            c = c_new
            values = {
                "h": h,
                "c": c,
                "f": f,
                "i": i,
                "g": g,
                "o": o,
                "kept": kept,
                "written": written,
                "u": u,
            }
            values["v"] = o
            values |= {f"z_{n}": v for n, v in z.items()}
            for name, value in values.items():
                if value.requires_grad:
                    value.retain_grad()
                rec[name].append(value)
        layers.append(rec)
        inp = rec["h"]
    return layers, torch.stack(layers[-1]["h"])


def _grad_of(values):
    return np.stack([v.grad.numpy() if v.grad is not None else np.zeros(v.shape) for v in values])


@pytest.mark.parametrize("variant", CORE_VARIANTS)
@pytest.mark.parametrize("num_layers", [1, 2])
def test_every_intermediate_gradient_matches_longhand_autograd(variant, num_layers):
    I, H, T = 3, 4, 6  # noqa: E741
    net, x, h0, c0, dh = _setup(variant, I, H, num_layers, T, seed=7 + num_layers)
    trace = net.run(x, h0, c0)
    grads = net.backward(trace, dh)
    assert grads.layout == OWN_LAYOUT[variant]

    w = {k: torch.tensor(v, requires_grad=True) for k, v in net.to_weights(OWN_LAYOUT[variant]).items()}
    x_t = torch.tensor(x, requires_grad=True)
    h0_t, c0_t = torch.tensor(h0, requires_grad=True), torch.tensor(c0, requires_grad=True)
    rec, h_top = _longhand_torch(variant, w, x_t, h0_t, c0_t, num_layers)
    np.testing.assert_allclose(h_top.detach().numpy(), trace.h, rtol=0, atol=1e-12)
    (h_top * torch.from_numpy(dh)).sum().backward()

    for k in range(num_layers):
        lg, r = grads.layers[k], rec[k]
        for name in ("h", "c", "f", "i", "g", "o", "kept", "written", "u", "v"):
            assert_close(getattr(lg, "d" + name), _grad_of(r[name]), EXACT, f"layer {k} d{name}")
        for gate, dz in lg.dpre.items():
            assert_close(dz, _grad_of(r[f"z_{gate}"]), EXACT, f"layer {k} dpre[{gate}]")
        assert set(lg.dpre) == set(trace.layers[k].pre)
        # the state each step started from: row 0 is the initial state, then the previous step's
        np.testing.assert_array_equal(lg.dh_prev[1:], lg.dh[:-1])
        np.testing.assert_array_equal(lg.dc_prev[0], lg.dc0)
    for key, p in w.items():
        assert_close(grads[key], p.grad.numpy(), EXACT, key)
    assert_close(grads.dx, x_t.grad.numpy(), EXACT, "dx")
    assert_close(grads.dh0, h0_t.grad.numpy(), EXACT, "dh0")
    assert_close(grads.dc0, c0_t.grad.numpy(), EXACT, "dc0")
    assert np.array_equal(grads.dh, grads.layers[-1].dh) and np.array_equal(grads.dc, grads.layers[-1].dc)
    if variant == "udacity":
        assert np.array_equal(grads.layers[0].dn, grads.layers[0].dg)


# ---------------------------------------------------------------- central finite differences


def _loss(net_weights, layout, variant, x, h0, c0, dh):
    net = LSTM.from_weights(net_weights, layout=layout, variant=variant)
    return float(np.sum(net.run(x, h0, c0).h * dh))


def _fd(f, array, eps=1e-6):
    """Central differences of the scalar f() with respect to every entry of ``array`` (perturbed in place)."""
    out = np.zeros_like(array)
    for idx in np.ndindex(array.shape):
        old = array[idx]
        array[idx] = old + eps
        up = f()
        array[idx] = old - eps
        down = f()
        array[idx] = old
        out[idx] = (up - down) / (2 * eps)
    return out


@pytest.mark.parametrize("variant", CORE_VARIANTS)
def test_gradients_match_finite_differences_in_the_variants_own_layout(variant):
    I, H, L, T = 2, 3, 2, 5  # noqa: E741
    layout = OWN_LAYOUT[variant]
    net, x, h0, c0, dh = _setup(variant, I, H, L, T, seed=21)
    grads = net.backward(net.run(x, h0, c0), dh)
    w = net.to_weights(layout)
    assert list(grads) == list(w)
    for key in w:
        fd = _fd(lambda: _loss(w, layout, variant, x, h0, c0, dh), w[key])  # noqa: B023
        assert_close(grads[key], fd, FD_TOL, key)
    for label, array, got in (("x", x, grads.dx), ("h0", h0, grads.dh0), ("c0", c0, grads.dc0)):
        fd = _fd(lambda: _loss(w, layout, variant, x, h0, c0, dh), array)
        assert_close(got, fd, FD_TOL, f"d{label}")


@pytest.mark.parametrize("variant", CORE_VARIANTS)
def test_state_gradients_match_finite_differences(variant):
    """dh_t, dc_t are total gradients. The loss of steps t+1.. as a function of the state (h_t, c_t) a run
    starts from has central differences equal to dh_t − dh[t] (dh[t]: the direct part) and to the part
    of dc_t that does not go through h_t; the rest is dh_t ⊙ ∂h_t/∂c_t from the step's own equations."""
    I, H, T, t = 2, 3, 7, 3  # noqa: E741
    net, x, h0, c0, dh = _setup(variant, I, H, 1, T, seed=33)
    trace = net.run(x, h0, c0)
    lg = net.backward(trace, dh).layers[0]
    h_t, c_t = trace.h[t][None].copy(), trace.c[t][None].copy()

    def later_loss():
        return float(np.sum(net.run(x[t + 1 :], h_t, c_t).h * dh[t + 1 :]))

    s = trace.step(t)
    if variant == "udacity":
        dh_dc = np.zeros(H)  # STM_t = U_t ⊙ V_t reads the old LTM, not LTM_t
    else:
        dh_dc = s.o * (1 - s.u**2)  # h = o ⊙ tanh(c)
        if variant == "peephole":
            dh_dc = dh_dc + s.u * s.o * (1 - s.o) * net.to_weights("seed")["p_o_l0"]  # o peeks at c_t
    assert_close(lg.dh[t] - dh[t], _fd(later_loss, h_t)[0], FD_TOL, f"dh[{t}]")
    assert_close(lg.dc[t] - lg.dh[t] * dh_dc, _fd(later_loss, c_t)[0], FD_TOL, f"dc[{t}]")


# ---------------------------------------------------------------- layouts and the returned object


def test_every_layout_of_the_standard_variant_holds_the_same_gradient():
    net, x, h0, c0, dh = _setup("standard", 3, 4, 2, 6, seed=3)
    grads = net.backward(net.run(x, h0, c0), dh)
    by_layout = {layout: net.backward(net.run(x, h0, c0), dh, layout=layout) for layout in ("torch", "keras")}
    for layout, g in by_layout.items():
        assert list(g) == list(net.to_weights(layout)), layout
        assert {k: v.shape for k, v in g.items()} == {k: v.shape for k, v in net.to_weights(layout).items()}
        for key, value in grads.to_weights(layout).items():
            np.testing.assert_array_equal(value, g[key])
    # torch has two biases that the cell adds: both get the same gradient
    for k in range(2):
        np.testing.assert_array_equal(
            by_layout["torch"][f"bias_ih_l{k}"], by_layout["torch"][f"bias_hh_l{k}"]
        )
    # keras column block order i f c o, seed has per-gate keys: the same numbers
    H = 4
    for k in range(2):
        for j, gate in enumerate(("i", "f", "g", "o")):
            np.testing.assert_array_equal(
                by_layout["keras"][f"kernel_l{k}"][:, j * H : (j + 1) * H], grads[f"W_x{gate}_l{k}"]
            )
            np.testing.assert_array_equal(
                by_layout["keras"][f"bias_l{k}"][j * H : (j + 1) * H], grads[f"b_{gate}_l{k}"]
            )


def test_gradients_are_a_read_only_mapping_with_state_fields():
    net, x, h0, c0, dh = _setup("peephole", 2, 3, 2, 4, seed=5)
    trace = net.run(x, h0, c0)
    grads = net.backward(trace, dh)
    assert isinstance(grads, Mapping)
    assert dict(grads).keys() == net.to_weights("seed").keys() and len(grads) == len(net.to_weights("seed"))
    with pytest.raises(ValueError):
        grads["W_xi_l0"][0, 0] = 1.0
    assert grads.dh0.shape == grads.dc0.shape == (2, 3) and grads.dx.shape == (4, 2)
    assert grads.norms("dc").shape == (2, 4)
    frame = grads.to_frame()
    assert set(frame.columns) == {"layer", "t", "unit", "quantity", "value"}
    assert len(frame) == 2 * 4 * 3 * 12
    row = frame[(frame.layer == 1) & (frame.t == 2) & (frame.unit == 1) & (frame.quantity == "dc")]
    assert row.value.item() == grads.layers[1].dc[2, 1]


def test_zero_dh_gives_zero_gradients_and_dh_only_at_the_last_step_flows_back():
    net, x, h0, c0, dh = _setup("standard", 2, 3, 1, 8, seed=9)
    trace = net.run(x, h0, c0)
    zero = net.backward(trace, np.zeros_like(dh))
    assert all(not v.any() for v in zero.values()) and not zero.dh0.any()
    last = np.zeros_like(dh)
    last[-1] = 1.0
    g = net.backward(trace, last)
    assert np.all(np.abs(g.layers[0].dc[:-1]).sum(axis=1) > 0)  # earlier steps receive gradient
    assert not np.any(g.layers[0].dh[-1] - last[-1])  # nothing comes back from beyond the last step


def test_clamped_gates_pass_no_gradient_to_their_weights():
    net, x, h0, c0, dh = _setup("standard", 2, 3, 1, 5, seed=11)
    clamp = {"f": 1.0, "o": 0.5}
    grads = net.backward(net.run(x, h0, c0, clamp=clamp), dh)
    w = net.to_weights("seed")
    for gate in ("f", "o"):
        assert not grads[f"W_x{gate}_l0"].any() and not grads[f"b_{gate}_l0"].any()

    def loss():
        return float(np.sum(LSTM.from_weights(w, layout="seed").run(x, h0, c0, clamp=clamp).h * dh))

    for key in ("W_xi_l0", "W_hg_l0", "b_i_l0"):
        assert_close(grads[key], _fd(loss, w[key]), FD_TOL, key)


def test_bad_arguments_raise_value_errors():
    net, x, h0, c0, dh = _setup("standard", 2, 3, 1, 4, seed=1)
    trace = net.run(x, h0, c0)
    with pytest.raises(ValueError, match="shape"):
        net.backward(trace, dh[:-1])
    with pytest.raises(ValueError, match="NaN"):
        net.backward(trace, np.full_like(dh, np.nan))
    with pytest.raises(ValueError, match="udacity"):
        net.backward(trace, dh, layout="udacity")
    other = LSTM.random(2, 3, 1, variant="udacity")
    with pytest.raises(ValueError, match="trace"):
        other.backward(trace, dh)
