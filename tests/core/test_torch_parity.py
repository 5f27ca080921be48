"""Parity of the standard variant with PyTorch ``nn.LSTM`` (docs/design.md §2 standard, §3 torch layout).

Torch only reports the top layer's h at every step, so lower layers are reproduced layer by layer with
``nn.LSTMCell`` loops (and separate single-layer ``nn.LSTM`` modules) fed with the layer's own weights.
All in float64; the module is built in float32 and converted with ``.double()`` (no global dtype change).
"""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lstm_core import LSTM
from tests.core.helpers import assert_layer_matches, layout_shapes

TOL = 1e-12

SHAPES = [(1, 1), (3, 4), (5, 7), (16, 32)]
LAYERS = [1, 2, 3]
STEPS = [1, 7, 25]
CASES = list(itertools.product(SHAPES, LAYERS, STEPS, [False, True]))


def _case_id(case) -> str:
    (i, h), layers, steps, with_state = case
    return f"I{i}-H{h}-L{layers}-T{steps}-{'state' if with_state else 'zero'}"


def _torch_lstm(input_size: int, hidden_size: int, num_layers: int, seed: int) -> torch.nn.LSTM:
    torch.manual_seed(seed)
    return torch.nn.LSTM(input_size, hidden_size, num_layers=num_layers).double()


def _torch_reference(state_dict, x, h0, c0, num_layers, hidden_size):
    """Per layer: every step's h, c, gates i, f, g, o and the state the step started from.

    h and c come from an ``nn.LSTMCell`` loop with the layer's weights; the gates are computed with
    torch ops from the same weights (4H pre-activation chunked in order i, f, g, o).
    """
    layers = []
    inp = x
    for k in range(num_layers):
        w_ih = state_dict[f"weight_ih_l{k}"]
        w_hh = state_dict[f"weight_hh_l{k}"]
        b_ih = state_dict[f"bias_ih_l{k}"]
        b_hh = state_dict[f"bias_hh_l{k}"]
        cell = torch.nn.LSTMCell(inp.shape[1], hidden_size).double()
        with torch.no_grad():
            cell.weight_ih.copy_(w_ih)
            cell.weight_hh.copy_(w_hh)
            cell.bias_ih.copy_(b_ih)
            cell.bias_hh.copy_(b_hh)
        h = h0[k].clone() if h0 is not None else torch.zeros(hidden_size, dtype=torch.float64)
        c = c0[k].clone() if c0 is not None else torch.zeros(hidden_size, dtype=torch.float64)
        rec = {name: [] for name in ("i", "f", "g", "o", "c", "h", "c_prev", "h_prev")}
        with torch.no_grad():
            for t in range(inp.shape[0]):
                z = F.linear(inp[t], w_ih, b_ih) + F.linear(h, w_hh, b_hh)
                zi, zf, zg, zo = z.chunk(4)
                rec["i"].append(torch.sigmoid(zi))
                rec["f"].append(torch.sigmoid(zf))
                rec["g"].append(torch.tanh(zg))
                rec["o"].append(torch.sigmoid(zo))
                rec["h_prev"].append(h)
                rec["c_prev"].append(c)
                h, c = cell(inp[t], (h, c))
                rec["h"].append(h)
                rec["c"].append(c)
        arrays = {name: torch.stack(vals).numpy() for name, vals in rec.items()}
        layers.append(arrays)
        inp = torch.stack(rec["h"])
    return layers


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_every_layer_every_step_matches_torch(case):
    (input_size, hidden_size), num_layers, steps, with_state = case
    seed = zlib.crc32(_case_id(case).encode()) % (2**31)
    m = _torch_lstm(input_size, hidden_size, num_layers, seed)
    state_dict = {k: v.detach().numpy() for k, v in m.state_dict().items()}
    net = LSTM.from_weights(state_dict, layout="torch", variant="standard")

    gen = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(steps, input_size, dtype=torch.float64, generator=gen)
    if with_state:
        h0 = torch.randn(num_layers, hidden_size, dtype=torch.float64, generator=gen)
        c0 = torch.randn(num_layers, hidden_size, dtype=torch.float64, generator=gen)
        trace = net.run(x.numpy(), h0=h0.numpy(), c0=c0.numpy())
        with torch.no_grad():
            out, (h_n, c_n) = m(x, (h0, c0))
    else:
        h0 = c0 = None
        trace = net.run(x.numpy())
        with torch.no_grad():
            out, (h_n, c_n) = m(x)

    assert len(trace.layers) == num_layers

    # Top layer: nn.LSTM's own output for every step.
    assert_layer_matches(trace, {"h": out.numpy()}, TOL, "trace (top, nn.LSTM)")
    assert_layer_matches(trace.layers[-1], {"h": out.numpy()}, TOL, "top layer (nn.LSTM)")
    # Final state of every layer.
    for k in range(num_layers):
        np.testing.assert_allclose(trace.layers[k].h[-1], h_n[k].numpy(), rtol=0, atol=TOL)
        np.testing.assert_allclose(trace.layers[k].c[-1], c_n[k].numpy(), rtol=0, atol=TOL)

    # Every layer, every step: h, c, gates and starting state from the layer-by-layer reference.
    torch_sd = {k: v.detach() for k, v in m.state_dict().items()}
    reference = _torch_reference(torch_sd, x, h0, c0, num_layers, hidden_size)
    # The reference itself must agree with nn.LSTM (guards the test, not the code).
    np.testing.assert_allclose(reference[-1]["h"], out.numpy(), rtol=0, atol=TOL)
    for k in range(num_layers):
        assert_layer_matches(trace.layers[k], reference[k], TOL, f"layer {k}")
    assert_layer_matches(trace, {"c": reference[-1]["c"]}, TOL, "trace (top)")


@pytest.mark.parametrize("num_layers", [1, 2, 3])
def test_each_layer_matches_a_single_layer_torch_module(num_layers):
    """Feed torch layer k's h sequence into a 1-layer nn.LSTM holding layer k+1's weights."""
    input_size, hidden_size, steps = 5, 7, 11
    m = _torch_lstm(input_size, hidden_size, num_layers, seed=100 + num_layers)
    sd = m.state_dict()
    net = LSTM.from_weights(
        {k: v.detach().numpy() for k, v in sd.items()}, layout="torch", variant="standard"
    )
    gen = torch.Generator().manual_seed(7)
    x = torch.randn(steps, input_size, dtype=torch.float64, generator=gen)
    h0 = torch.randn(num_layers, hidden_size, dtype=torch.float64, generator=gen)
    c0 = torch.randn(num_layers, hidden_size, dtype=torch.float64, generator=gen)
    trace = net.run(x.numpy(), h0=h0.numpy(), c0=c0.numpy())

    inp = x
    for k in range(num_layers):
        single = torch.nn.LSTM(inp.shape[1], hidden_size, num_layers=1).double()
        single.load_state_dict(
            {
                "weight_ih_l0": sd[f"weight_ih_l{k}"],
                "weight_hh_l0": sd[f"weight_hh_l{k}"],
                "bias_ih_l0": sd[f"bias_ih_l{k}"],
                "bias_hh_l0": sd[f"bias_hh_l{k}"],
            }
        )
        with torch.no_grad():
            out, (h_n, c_n) = single(inp, (h0[k : k + 1], c0[k : k + 1]))
        np.testing.assert_allclose(trace.layers[k].h, out.numpy(), rtol=0, atol=TOL)
        np.testing.assert_allclose(trace.layers[k].c[-1], c_n[0].numpy(), rtol=0, atol=TOL)
        inp = out


@pytest.mark.parametrize(
    ("input_size", "hidden_size", "num_layers", "seed"),
    [(1, 1, 1, 0), (3, 4, 2, 1), (5, 7, 3, 2), (16, 32, 2, 3)],
)
def test_random_net_exported_to_torch_gives_same_outputs(input_size, hidden_size, num_layers, seed):
    net = LSTM.random(
        input_size=input_size,
        hidden_size=hidden_size,
        num_layers=num_layers,
        variant="standard",
        seed=seed,
    )
    weights = net.to_weights("torch")
    assert set(weights) == set(layout_shapes("torch", "standard", input_size, hidden_size, num_layers))

    m = torch.nn.LSTM(input_size, hidden_size, num_layers=num_layers).double()
    m.load_state_dict({k: torch.from_numpy(np.asarray(v, dtype=np.float64)) for k, v in weights.items()})

    rng = np.random.default_rng(seed + 10)
    x = rng.standard_normal((13, input_size))
    h0 = rng.standard_normal((num_layers, hidden_size))
    c0 = rng.standard_normal((num_layers, hidden_size))
    for state in (None, (h0, c0)):
        if state is None:
            trace = net.run(x)
            with torch.no_grad():
                out, (h_n, c_n) = m(torch.tensor(x))
        else:
            trace = net.run(x, h0=h0, c0=c0)
            with torch.no_grad():
                out, (h_n, c_n) = m(torch.tensor(x), (torch.tensor(h0), torch.tensor(c0)))
        np.testing.assert_allclose(trace.h, out.numpy(), rtol=0, atol=TOL)
        for k in range(num_layers):
            np.testing.assert_allclose(trace.layers[k].h[-1], h_n[k].numpy(), rtol=0, atol=TOL)
            np.testing.assert_allclose(trace.layers[k].c[-1], c_n[k].numpy(), rtol=0, atol=TOL)


def test_torch_biases_are_added():
    """Moving all of bias_hh into bias_ih (or vice versa) gives the same cell (docs/design.md §3)."""
    m = _torch_lstm(3, 4, 2, seed=5)
    sd = {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}
    moved = dict(sd)
    for k in range(2):
        moved[f"bias_ih_l{k}"] = sd[f"bias_ih_l{k}"] + sd[f"bias_hh_l{k}"]
        moved[f"bias_hh_l{k}"] = np.zeros_like(sd[f"bias_hh_l{k}"])
    x = np.random.default_rng(0).standard_normal((9, 3))
    a = LSTM.from_weights(sd, layout="torch", variant="standard").run(x)
    b = LSTM.from_weights(moved, layout="torch", variant="standard").run(x)
    for k in range(2):
        np.testing.assert_allclose(a.layers[k].h, b.layers[k].h, rtol=0, atol=TOL)
        np.testing.assert_allclose(a.layers[k].c, b.layers[k].c, rtol=0, atol=TOL)
    # And the biases actually matter (guards against an implementation that drops one of them).
    dropped = dict(sd)
    dropped["bias_hh_l0"] = np.zeros_like(sd["bias_hh_l0"])
    c = LSTM.from_weights(dropped, layout="torch", variant="standard").run(x)
    assert np.max(np.abs(c.layers[0].h - a.layers[0].h)) > 1e-6
