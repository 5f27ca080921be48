"""torch-made nn.GRU and nn.RNN weight files through ``lstm_core.load``: safetensors (written by
safetensors.torch), .npz and .json, one and two layers; the network that comes out runs like torch
(float64, ≤ 1e-12). The Train page's record (kind, layout) is read, and a clash is refused by name."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

import lstm_core
from lstm_core import GRU, RNN

TOL = 1e-12
MODULES = {"gru": (torch.nn.GRU, GRU), "rnn": (torch.nn.RNN, RNN)}


def _module(kind: str, layers: int, seed: int):
    torch.manual_seed(seed)
    return MODULES[kind][0](input_size=3, hidden_size=5, num_layers=layers).double()


def _write(module, path, fmt: str) -> None:
    state = module.state_dict()
    if fmt == "safetensors":
        save_file(state, str(path))
    elif fmt == "npz":
        np.savez(path, **{k: v.numpy() for k, v in state.items()})
    else:
        path.write_text(json.dumps({k: v.tolist() for k, v in state.items()}))


@pytest.mark.parametrize("fmt", ["safetensors", "npz", "json"])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("kind", ["gru", "rnn"])
def test_a_torch_file_loads_and_runs_as_torch_does(tmp_path, kind, layers, fmt):
    module = _module(kind, layers, seed=layers)
    path = tmp_path / f"{kind}.{fmt}"
    _write(module, path, fmt)
    net = lstm_core.load(path)
    assert type(net) is MODULES[kind][1] and net.variant == kind
    assert (net.input_size, net.hidden_size, net.num_layers) == (3, 5, layers)
    x = np.random.default_rng(7).standard_normal((9, 3))
    h0 = np.random.default_rng(8).standard_normal((layers, 5))
    with torch.no_grad():
        out, h_n = module(torch.from_numpy(x), torch.from_numpy(h0))
    trace = net.run(x, h0)
    np.testing.assert_allclose(trace.h, out.numpy(), rtol=0, atol=TOL)
    for k in range(layers):
        np.testing.assert_allclose(trace.layers[k].h[-1], h_n[k].numpy(), rtol=0, atol=TOL)
    assert (
        lstm_core.load(path, layout="torch", variant=kind).to_weights().keys() == module.state_dict().keys()
    )


def test_the_train_pages_record_is_read_and_a_clash_refused(tmp_path):
    module = _module("gru", 1, seed=3)
    path = tmp_path / "trained.safetensors"
    save_file(module.state_dict(), str(path), metadata={"kind": "gru", "layout": "torch"})
    net = lstm_core.load(path)
    x = np.linspace(-1, 1, 12).reshape(4, 3)
    with torch.no_grad():
        np.testing.assert_allclose(net.run(x).h, module(torch.from_numpy(x))[0].numpy(), rtol=0, atol=TOL)
    with pytest.raises(ValueError, match="layout 'keras' cannot express a GRU"):
        lstm_core.load(path, layout="keras")
    with pytest.raises(ValueError, match=r"weight_hh_l0"):
        lstm_core.load(path, variant="standard")  # 3 gate blocks read as an LSTM's 4: the shapes say no
    save_file(module.state_dict(), str(path), metadata={"kind": "gru", "layout": "keras"})
    with pytest.raises(ValueError, match="the torch layout only"):
        lstm_core.load(path)
