"""The cell table (lstm_core/cells): every cell's fast kernels against its readable reference step, on
every field the kernels record, ≤ 1e-12; the references against the equations written out longhand from
the layouts' keys (tests/core/test_udacity.py, test_keras_reference.py) and against torch; and the table
agreeing with the traces it describes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lstm_core import GRU, LSTM, RNN, cells
from lstm_core.batched import forward_layer, run_batch
from lstm_core.cell import run_layer
from lstm_core.comparison_cells import forward_layer as cell_forward_layer
from lstm_core.trace import STEP_FIELDS
from tests.core.helpers import random_input, random_layout_weights, random_state
from tests.core.test_keras_reference import seed_longhand
from tests.core.test_udacity import udacity_longhand

TOL = 1e-12
NETWORK = {"lstm": LSTM, "gru": GRU, "rnn": RNN}
LSTM_CELLS = [name for name, spec in cells.REGISTRY.items() if spec.family == "lstm"]
OTHER_CELLS = [name for name, spec in cells.REGISTRY.items() if spec.family != "lstm"]
SIZES = [(1, 1), (3, 4), (2, 6)]


def _net(name: str, I: int, H: int, layers: int, seed: int):  # noqa: E741
    spec = cells.get(name)
    if spec.family == "lstm":
        return LSTM.random(I, H, layers, variant=name, seed=seed, scale=1.2)
    return NETWORK[spec.family].random(I, H, layers, seed=seed, scale=1.2)


def _assert_same(got: dict, ref: dict, keys, where: str) -> None:
    for key in keys:
        diff = float(np.max(np.abs(np.asarray(got[key]) - ref[key])))
        assert diff <= TOL, f"{where}: {key} differs from the reference by {diff:.2e}"


def _clamps(name: str) -> list[dict[str, float]]:
    """No clamp, then each clampable gate alone at a value inside its range, then all of them."""
    spec = cells.get(name)
    one = {g: (-0.3 if spec.own_name(g) == spec.tanh_gate else 0.7) for g in spec.clampable}
    return [{}] + [{g: v} for g, v in one.items()] + [one]


@pytest.mark.parametrize("name", LSTM_CELLS)
@pytest.mark.parametrize(("I", "H"), SIZES)
def test_lstm_kernel_matches_the_reference_on_every_field(name, I, H):  # noqa: E741
    spec = cells.get(name)
    P = _net(name, I, H, 1, seed=I * 10 + H).layers[0]
    x = random_input(9, I, seed=H, scale=2.0)
    h0, c0 = (s[0] for s in random_state(1, H, seed=I, scale=1.5))
    for clamp in _clamps(name):
        fast = run_layer(P, x, h0, c0, clamp)
        ref = cells.run_reference(spec, P, x, h0, c0, clamp)
        assert set(fast) == set(ref), (name, sorted(set(fast) ^ set(ref)))
        assert set(spec.fields) <= set(ref)
        _assert_same(fast, ref, ref, f"{name} clamp={clamp}")


@pytest.mark.parametrize("name", LSTM_CELLS)
def test_every_layer_of_the_lstm_trace_matches_the_reference(name):
    spec = cells.get(name)
    net = _net(name, 3, 5, 3, seed=7)
    x = random_input(11, 3, seed=8, scale=2.0)
    h0, c0 = random_state(3, 5, seed=9)
    trace = net.run(x, h0, c0)
    inp = x
    for k, (P, lt) in enumerate(zip(net.layers, trace.layers, strict=True)):
        ref = cells.run_reference(spec, P, inp, h0[k], c0[k])
        got = {f: getattr(lt, f) for f in spec.fields} | {f"z_{g}": z for g, z in lt.pre.items()}
        assert set(got) == set(ref)
        _assert_same(got, ref, ref, f"{name} layer {k}")
        inp = ref["h"]


@pytest.mark.parametrize("name", LSTM_CELLS)
def test_batched_training_kernel_matches_the_reference(name):
    """batched.forward_layer (one exp per step, pre-negated weights) and run_batch, sequence by sequence."""
    spec = cells.get(name)
    net = _net(name, 2, 4, 2, seed=3)
    B, T = 3, 7
    x = np.random.default_rng(4).standard_normal((B, T, 2)) * 2.0
    h0, c0 = np.random.default_rng(5).standard_normal((2, 2, B, 4))
    P = net.layers[0]
    cache = forward_layer(P, np.ascontiguousarray(x.transpose(1, 0, 2)), h0[0], c0[0])
    layers = run_batch(net, x, h0, c0)
    for b in range(B):
        ref = cells.run_reference(spec, P, x[b], h0[0, b], c0[0, b])
        stacked = np.concatenate([ref[g] for g in spec.weighted], axis=-1)
        got = {"A": cache["A"][:, b], "u": cache["u"][:, b], "c": cache["c"][:, b], "h": cache["h"][:, b]}
        _assert_same(got, ref | {"A": stacked}, got, f"{name} batched b={b}")
        names = ("i", "f", "g", "o", "u", "c", "h", "c_prev", "h_prev")
        _assert_same({k: layers[0][k][b] for k in names}, ref, names, f"{name} run_batch b={b}")


@pytest.mark.parametrize("name", OTHER_CELLS)
@pytest.mark.parametrize(("I", "H"), SIZES)
def test_gru_and_rnn_kernels_match_the_reference_on_every_field(name, I, H):  # noqa: E741
    spec = cells.get(name)
    net = _net(name, I, H, 2, seed=I + H)
    x = random_input(8, I, seed=H, scale=2.0)
    h0 = np.tanh(np.random.default_rng(I).standard_normal((2, H)))
    trace = net.run(x, h0)
    inp = x
    for k, (P, lt) in enumerate(zip(net.layers, trace.layers, strict=True)):
        ref = cells.run_reference(spec, P, inp, h0[k])
        cache = {key: v[:, 0] for key, v in cell_forward_layer(P, inp[:, None], h0[k][None]).items()}
        _assert_same(cache, ref, [key for key in cache if key != "x"], f"{name} kernel layer {k}")
        _assert_same({f: getattr(lt, f) for f in spec.fields}, ref, spec.fields, f"{name} trace layer {k}")
        inp = ref["h"]


@pytest.mark.parametrize("name", ["standard", "no_forget", "peephole"])
def test_reference_matches_the_longhand_of_the_seed_layout(name):
    w = random_layout_weights("seed", name, 3, 4, 2, seed=21)
    net = LSTM.from_weights(w, layout="seed", variant=name)
    x = random_input(10, 3, seed=22)
    h0, c0 = random_state(2, 4, seed=23)
    longhand, inp = seed_longhand(w, x, name, h0, c0), x
    for k, P in enumerate(net.layers):
        ref = cells.run_reference(cells.get(name), P, inp, h0[k], c0[k])
        _assert_same(ref, longhand[k], longhand[k], f"{name} layer {k}")
        inp = ref["h"]


def test_udacity_reference_matches_the_longhand_of_the_lesson():
    w = random_layout_weights("udacity", "udacity", 2, 3, 2, seed=31, scale=0.7)
    net = LSTM.from_weights(w, layout="udacity", variant="udacity")
    x = random_input(10, 2, seed=32)
    h0, c0 = random_state(2, 3, seed=33)
    longhand, inp = udacity_longhand(w, x, h0, c0), x
    for k, P in enumerate(net.layers):
        ref = cells.run_reference(cells.get("udacity"), P, inp, h0[k], c0[k])
        _assert_same(ref | {"n": ref["g"]}, longhand[k], longhand[k], f"udacity layer {k}")
        inp = ref["h"]


@pytest.mark.parametrize(("name", "module"), [("gru", torch.nn.GRU), ("rnn", torch.nn.RNN)])
def test_gru_and_rnn_references_match_torch(name, module):
    torch.manual_seed(5)
    m = module(3, 4).double()
    net = NETWORK[name].from_weights({k: v.detach().numpy() for k, v in m.state_dict().items()})
    x, h0 = np.random.default_rng(6).standard_normal((9, 3)), np.random.default_rng(7).standard_normal(4)
    expected, _ = m(torch.from_numpy(x), torch.from_numpy(h0)[None])
    ref = cells.run_reference(cells.get(name), net.layers[0], x, h0)
    np.testing.assert_allclose(ref["h"], expected.detach().numpy(), rtol=0, atol=TOL)


def test_standard_reference_matches_torch():
    torch.manual_seed(2)
    m = torch.nn.LSTM(3, 4).double()
    net = LSTM.from_weights({k: v.detach().numpy() for k, v in m.state_dict().items()}, layout="torch")
    x = np.random.default_rng(3).standard_normal((9, 3))
    expected, _ = m(torch.from_numpy(x))
    ref = cells.run_reference(cells.get("standard"), net.layers[0], x, np.zeros(4), np.zeros(4))
    np.testing.assert_allclose(ref["h"], expected.detach().numpy(), rtol=0, atol=TOL)


def test_the_table_describes_the_traces():
    """Fields, gates and clamps of each spec are what the networks record and accept."""
    for name, spec in cells.REGISTRY.items():
        net = _net(name, 2, 3, 1, seed=0)
        assert net.layers[0].W_h.shape == (3, 3 * len(spec.gates)), name
        lt = net.run(np.ones((4, 2))).layers[0]
        for f in spec.fields:
            assert getattr(lt, f).shape == (4, 3), (name, f)
        if spec.family == "lstm":
            assert spec.fields == STEP_FIELDS
            assert set(lt.pre) == {*spec.weighted, *(("u",) if "W_u" in spec.extra_params else ())}
            for key, value in spec.fixed.items():
                assert np.all(getattr(lt, key) == value), (name, key)
            for gate in {"i", "f", "g", "o"} - set(spec.clampable):
                with pytest.raises(ValueError, match=f"no gate '{gate}'"):
                    _net(name, 2, 3, 1, seed=0).run(np.ones((4, 2)), clamp={gate: 0.5})
        else:
            assert spec.fields == lt.FRAME_FIELDS
        assert {eq.key for eq in spec.equations} <= set(spec.fields) | {"u"}
        assert spec.default_layout in spec.layouts


def test_udacity_names_map_both_ways():
    spec = cells.get("udacity")
    assert [spec.trace_name(g) for g in spec.gates] == ["i", "f", "o", "g"]
    assert [spec.own_name(k) for k in ("i", "f", "g", "o", "h")] == ["i", "f", "n", "v", "h"]
    assert cells.get("standard").own_name("g") == "g"


@pytest.mark.parametrize("name", list(cells.REGISTRY))
def test_each_cell_module_documents_the_equations_its_spec_holds(name):
    """The plain-text lines of the spec are the ones its module's docstring shows (spaces aside)."""
    import importlib

    module = importlib.import_module(f"lstm_core.cells.{name}")
    doc = " ".join(module.__doc__.split())
    for eq in cells.get(name).equations:
        assert " ".join(eq.text.split()) in doc, (name, eq.text)


def test_every_cell_builds_alike_through_its_network_class():
    from lstm_core import network_class

    for name, spec in cells.REGISTRY.items():
        net = network_class(name).random(2, 3, 1, seed=4, variant=name)
        assert net.variant == name and isinstance(net, NETWORK[spec.family])
        again = network_class(name).from_weights(net.to_weights(), layout=spec.default_layout, variant=name)
        np.testing.assert_array_equal(again.run(np.ones((3, 2))).h, net.run(np.ones((3, 2))).h)
    with pytest.raises(ValueError, match="a GRU runs the 'gru' cell, not variant 'standard'"):
        GRU.random(2, 3, variant="standard")
