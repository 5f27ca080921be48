"""Hand-written references in the keras and seed layouts (docs/design.md §2 and §3), one step at a time.

Each reference below is written out longhand from the equations; the implementation must match every
intermediate (i, f, g, o, c, h and the starting state c_prev, h_prev) of every layer to 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import LSTM
from tests.core.helpers import (
    assert_layer_matches,
    num_layers_of,
    random_input,
    random_layout_weights,
    random_state,
    run_longhand,
    sigmoid,
)

TOL = 1e-12

SIZES = [(1, 1, 1), (3, 4, 1), (3, 4, 2), (2, 5, 3), (6, 3, 2)]


def _ids(sizes):
    return [f"I{i}-H{h}-L{n}" for i, h, n in sizes]


# --------------------------------------------------------------------------------------------------
# keras layout, standard variant
# --------------------------------------------------------------------------------------------------


def keras_longhand(w, x, h0=None, c0=None):
    """z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias; columns i, f, c, o."""

    def layer(k):
        kernel, recurrent, bias = w[f"kernel_l{k}"], w[f"recurrent_kernel_l{k}"], w[f"bias_l{k}"]
        hs = recurrent.shape[0]

        def step(x_t, h, c):
            z = x_t @ kernel + h @ recurrent + bias
            i = sigmoid(z[0 * hs : 1 * hs])
            f = sigmoid(z[1 * hs : 2 * hs])
            g = np.tanh(z[2 * hs : 3 * hs])  # keras calls this column block "c"
            o = sigmoid(z[3 * hs : 4 * hs])
            c_new = f * c + i * g
            return dict(i=i, f=f, g=g, o=o, c=c_new, h=o * np.tanh(c_new))

        return step

    hidden = w["recurrent_kernel_l0"].shape[0]
    return run_longhand(layer, x, num_layers_of(w, "kernel"), hidden, h0, c0)


@pytest.mark.parametrize(("input_size", "hidden_size", "num_layers"), SIZES, ids=_ids(SIZES))
@pytest.mark.parametrize("with_state", [False, True], ids=["zero", "state"])
def test_keras_layout_matches_longhand(input_size, hidden_size, num_layers, with_state):
    seed = 1000 * input_size + 100 * hidden_size + num_layers
    w = random_layout_weights("keras", "standard", input_size, hidden_size, num_layers, seed=seed)
    x = random_input(9, input_size, seed + 1)
    net = LSTM.from_weights(w, layout="keras", variant="standard")
    if with_state:
        h0, c0 = random_state(num_layers, hidden_size, seed + 2)
        trace = net.run(x, h0=h0, c0=c0)
        ref = keras_longhand(w, x, h0, c0)
    else:
        trace = net.run(x)
        ref = keras_longhand(w, x)
    assert len(trace.layers) == num_layers
    for k in range(num_layers):
        assert_layer_matches(trace.layers[k], ref[k], TOL, f"keras layer {k}")
    assert_layer_matches(trace, {"h": ref[-1]["h"], "c": ref[-1]["c"]}, TOL, "keras top")


def test_keras_gate_column_order_is_i_f_c_o():
    """Only the f block of the bias is large and negative: f must be ~0 and nothing else must be."""
    hs = 3
    w = random_layout_weights("keras", "standard", 2, hs, 1, seed=3, scale=0.1)
    w["bias_l0"] = np.zeros(4 * hs)
    w["bias_l0"][hs : 2 * hs] = -30.0  # second block = forget gate
    trace = LSTM.from_weights(w, layout="keras", variant="standard").run(
        random_input(4, 2, 4), h0=np.zeros((1, hs)), c0=np.full((1, hs), 2.0)
    )
    layer = trace.layers[0]
    assert np.all(layer.f < 1e-10)
    assert np.all(layer.i > 0.3) and np.all(layer.o > 0.3)


# --------------------------------------------------------------------------------------------------
# seed layout: standard, no_forget, peephole
# --------------------------------------------------------------------------------------------------


def seed_longhand(w, x, variant, h0=None, c0=None):
    """Géron notation: i_t = σ(W_xiᵀ x_t + W_hiᵀ h_{t-1} + b_i), etc.

    standard:  c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
    no_forget: f ≡ 1 (no f keys), c_t = c_{t-1} + i ⊙ g
    peephole:  p_i, p_f read c_{t-1} inside i and f; p_o reads c_t inside o
    """

    def layer(k):
        W_xi, W_hi, b_i = w[f"W_xi_l{k}"], w[f"W_hi_l{k}"], w[f"b_i_l{k}"]
        W_xo, W_ho, b_o = w[f"W_xo_l{k}"], w[f"W_ho_l{k}"], w[f"b_o_l{k}"]
        W_xg, W_hg, b_g = w[f"W_xg_l{k}"], w[f"W_hg_l{k}"], w[f"b_g_l{k}"]
        if variant != "no_forget":
            W_xf, W_hf, b_f = w[f"W_xf_l{k}"], w[f"W_hf_l{k}"], w[f"b_f_l{k}"]
        if variant == "peephole":
            p_i, p_f, p_o = w[f"p_i_l{k}"], w[f"p_f_l{k}"], w[f"p_o_l{k}"]

        def step(x_t, h, c):
            if variant == "standard":
                i = sigmoid(W_xi.T @ x_t + W_hi.T @ h + b_i)
                f = sigmoid(W_xf.T @ x_t + W_hf.T @ h + b_f)
                g = np.tanh(W_xg.T @ x_t + W_hg.T @ h + b_g)
                c_new = f * c + i * g
                o = sigmoid(W_xo.T @ x_t + W_ho.T @ h + b_o)
            elif variant == "no_forget":
                i = sigmoid(W_xi.T @ x_t + W_hi.T @ h + b_i)
                f = np.ones_like(b_i)
                g = np.tanh(W_xg.T @ x_t + W_hg.T @ h + b_g)
                c_new = c + i * g
                o = sigmoid(W_xo.T @ x_t + W_ho.T @ h + b_o)
            elif variant == "peephole":
                i = sigmoid(W_xi.T @ x_t + W_hi.T @ h + p_i * c + b_i)
                f = sigmoid(W_xf.T @ x_t + W_hf.T @ h + p_f * c + b_f)
                g = np.tanh(W_xg.T @ x_t + W_hg.T @ h + b_g)
                c_new = f * c + i * g
                o = sigmoid(W_xo.T @ x_t + W_ho.T @ h + p_o * c_new + b_o)
            else:  # pragma: no cover - test bug
                raise AssertionError(variant)
            return dict(i=i, f=f, g=g, o=o, c=c_new, h=o * np.tanh(c_new))

        return step

    return run_longhand(layer, x, num_layers_of(w, "W_xi"), w["b_i_l0"].shape[0], h0, c0)


@pytest.mark.parametrize("variant", ["standard", "no_forget", "peephole"])
@pytest.mark.parametrize(("input_size", "hidden_size", "num_layers"), SIZES, ids=_ids(SIZES))
@pytest.mark.parametrize("with_state", [False, True], ids=["zero", "state"])
def test_seed_layout_matches_longhand(variant, input_size, hidden_size, num_layers, with_state):
    seed = 1000 * input_size + 100 * hidden_size + 10 * num_layers + len(variant)
    w = random_layout_weights("seed", variant, input_size, hidden_size, num_layers, seed=seed)
    x = random_input(10, input_size, seed + 1)
    net = LSTM.from_weights(w, layout="seed", variant=variant)
    if with_state:
        h0, c0 = random_state(num_layers, hidden_size, seed + 2)
        trace = net.run(x, h0=h0, c0=c0)
        ref = seed_longhand(w, x, variant, h0, c0)
    else:
        trace = net.run(x)
        ref = seed_longhand(w, x, variant)
    assert len(trace.layers) == num_layers
    for k in range(num_layers):
        assert_layer_matches(trace.layers[k], ref[k], TOL, f"{variant} seed layer {k}")
    assert_layer_matches(trace, {"h": ref[-1]["h"], "c": ref[-1]["c"]}, TOL, f"{variant} top")


def test_no_forget_has_f_exactly_one():
    w = random_layout_weights("seed", "no_forget", 3, 4, 2, seed=11)
    trace = LSTM.from_weights(w, layout="seed", variant="no_forget").run(random_input(8, 3, 12))
    for layer in trace.layers:
        assert np.array_equal(layer.f, np.ones((8, 4)))


def test_peephole_weights_matter_and_read_the_right_cell_state():
    """p_o reads c_t, p_i and p_f read c_{t-1}: a reference with them swapped must NOT match."""
    hs = 4
    w = random_layout_weights("seed", "peephole", 2, hs, 1, seed=21, scale=0.8)
    for p in ("p_i", "p_f", "p_o"):
        w[f"{p}_l0"] = np.full(hs, 2.0)
    x = random_input(6, 2, 22)
    h0, c0 = random_state(1, hs, 23, scale=2.0)
    trace = LSTM.from_weights(w, layout="seed", variant="peephole").run(x, h0=h0, c0=c0)
    ref = seed_longhand(w, x, "peephole", h0, c0)[0]
    assert_layer_matches(trace.layers[0], ref, TOL, "peephole")
    # Expected o differs from an o that reads c_{t-1}:
    wrong_o = sigmoid(
        x @ w["W_xo_l0"] + ref["h_prev"] @ w["W_ho_l0"] + w["p_o_l0"] * ref["c_prev"] + w["b_o_l0"]
    )
    assert np.max(np.abs(wrong_o - trace.layers[0].o)) > 1e-6
    # and the peepholes are not ignored:
    w0 = dict(w)
    for p in ("p_i", "p_f", "p_o"):
        w0[f"{p}_l0"] = np.zeros(hs)
    plain = LSTM.from_weights(w0, layout="seed", variant="peephole").run(x, h0=h0, c0=c0)
    assert np.max(np.abs(plain.h - trace.h)) > 1e-6
