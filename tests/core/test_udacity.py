"""The Udacity LTM/STM cell of docs/design.md §2 written out longhand, step by step.

    N_t   = tanh(W_n [STM_{t-1}, E_t] + b_n)        (STM first in the concatenation)
    i_t   = σ(W_i [STM_{t-1}, E_t] + b_i)
    f_t   = σ(W_f [STM_{t-1}, E_t] + b_f)
    LTM_t = LTM_{t-1} ⊙ f_t + N_t ⊙ i_t
    U_t   = tanh(W_u (LTM_{t-1} ⊙ f_t) + b_u)
    V_t   = σ(W_v [STM_{t-1}, E_t] + b_v)
    STM_t = U_t ⊙ V_t

Trace names (docs/design.md §2, the cell table's ``trace_names``; §1 for the memories): n is g, o is v,
c is LTM, h is STM.
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


def udacity_longhand(w, events, stm0=None, ltm0=None):
    def layer(k):
        W_n, b_n = w[f"W_n_l{k}"], w[f"b_n_l{k}"]
        W_i, b_i = w[f"W_i_l{k}"], w[f"b_i_l{k}"]
        W_f, b_f = w[f"W_f_l{k}"], w[f"b_f_l{k}"]
        W_u, b_u = w[f"W_u_l{k}"], w[f"b_u_l{k}"]
        W_v, b_v = w[f"W_v_l{k}"], w[f"b_v_l{k}"]

        def step(E_t, stm, ltm):
            stm_e = np.concatenate([stm, E_t])  # [STM_{t-1}, E_t]
            N_t = np.tanh(W_n @ stm_e + b_n)
            i_t = sigmoid(W_i @ stm_e + b_i)
            f_t = sigmoid(W_f @ stm_e + b_f)
            ltm_new = ltm * f_t + N_t * i_t
            U_t = np.tanh(W_u @ (ltm * f_t) + b_u)
            V_t = sigmoid(W_v @ stm_e + b_v)
            stm_new = U_t * V_t
            return dict(n=N_t, g=N_t, i=i_t, f=f_t, c=ltm_new, u=U_t, v=V_t, o=V_t, h=stm_new)

        return step

    return run_longhand(layer, events, num_layers_of(w, "W_n"), w["b_n_l0"].shape[0], stm0, ltm0)


SIZES = [(1, 1, 1), (3, 4, 1), (2, 5, 1), (3, 4, 2), (5, 2, 2)]


@pytest.mark.parametrize(
    ("input_size", "hidden_size", "num_layers"), SIZES, ids=[f"I{a}-H{b}-L{c}" for a, b, c in SIZES]
)
@pytest.mark.parametrize("with_state", [False, True], ids=["zero", "state"])
def test_udacity_matches_longhand(input_size, hidden_size, num_layers, with_state):
    seed = 100 * input_size + 10 * hidden_size + num_layers
    w = random_layout_weights("udacity", "udacity", input_size, hidden_size, num_layers, seed=seed, scale=0.7)
    events = random_input(12, input_size, seed + 1)
    net = LSTM.from_weights(w, layout="udacity", variant="udacity")
    if with_state:
        stm0, ltm0 = random_state(num_layers, hidden_size, seed + 2, scale=1.5)
        trace = net.run(events, h0=stm0, c0=ltm0)
        ref = udacity_longhand(w, events, stm0, ltm0)
    else:
        trace = net.run(events)
        ref = udacity_longhand(w, events)
    assert len(trace.layers) == num_layers
    for k in range(num_layers):
        assert_layer_matches(trace.layers[k], ref[k], TOL, f"udacity layer {k}")
    assert_layer_matches(trace, {"h": ref[-1]["h"], "c": ref[-1]["c"]}, TOL, "udacity top")


def test_udacity_concatenation_puts_stm_first():
    """W_n with weight only on the E columns (the last I): with STM_0 = 0 the first N is tanh(W_E E + b)."""
    hs, i_size = 3, 2
    w = random_layout_weights("udacity", "udacity", i_size, hs, 1, seed=5)
    w["W_n_l0"][:, :hs] = 0.0  # STM columns
    events = random_input(1, i_size, 6)
    trace = LSTM.from_weights(w, layout="udacity", variant="udacity").run(
        events, h0=np.full((1, hs), 0.9), c0=np.zeros((1, hs))
    )
    expected = np.tanh(w["W_n_l0"][:, hs:] @ events[0] + w["b_n_l0"])
    np.testing.assert_allclose(trace.layers[0].n[0], expected, rtol=0, atol=TOL)


def test_udacity_u_reads_forgotten_old_ltm_not_new_ltm():
    hs = 4
    w = random_layout_weights("udacity", "udacity", 2, hs, 1, seed=8, scale=0.9)
    events = random_input(6, 2, 9)
    stm0, ltm0 = random_state(1, hs, 10, scale=2.0)
    layer = LSTM.from_weights(w, layout="udacity", variant="udacity").run(events, h0=stm0, c0=ltm0).layers[0]
    right = np.tanh((layer.c_prev * layer.f) @ w["W_u_l0"].T + w["b_u_l0"])
    wrong = np.tanh(layer.c @ w["W_u_l0"].T + w["b_u_l0"])
    np.testing.assert_allclose(layer.u, right, rtol=0, atol=TOL)
    assert np.max(np.abs(layer.u - wrong)) > 1e-6


@pytest.mark.parametrize("variant", ["standard", "no_forget", "peephole"])
def test_standard_like_trace_has_u_tanh_c_and_v_o(variant):
    net = LSTM.random(input_size=3, hidden_size=5, num_layers=2, variant=variant, seed=4)
    h0, c0 = random_state(2, 5, 7)
    trace = net.run(random_input(10, 3, 6), h0=h0, c0=c0)
    for k, layer in enumerate(trace.layers):
        np.testing.assert_allclose(layer.u, np.tanh(layer.c), rtol=0, atol=TOL, err_msg=f"layer {k} u")
        np.testing.assert_allclose(layer.v, layer.o, rtol=0, atol=TOL, err_msg=f"layer {k} v")
        np.testing.assert_allclose(layer.n, layer.g, rtol=0, atol=TOL, err_msg=f"layer {k} n")
        np.testing.assert_allclose(layer.h, layer.o * np.tanh(layer.c), rtol=0, atol=TOL)


@pytest.mark.parametrize("variant", ["standard", "udacity", "no_forget", "peephole"])
def test_h_is_u_times_v_for_every_variant(variant):
    net = LSTM.random(input_size=2, hidden_size=4, num_layers=2, variant=variant, seed=12)
    trace = net.run(random_input(7, 2, 13))
    for layer in trace.layers:
        np.testing.assert_allclose(layer.h, layer.u * layer.v, rtol=0, atol=TOL)


def test_udacity_output_is_not_o_tanh_c():
    """It is a different cell: STM_t = U_t ⊙ V_t, not o_t ⊙ tanh(LTM_t)."""
    for seed in range(3):
        net = LSTM.random(input_size=3, hidden_size=4, num_layers=1, variant="udacity", seed=seed)
        trace = net.run(random_input(10, 3, seed + 50))
        layer = trace.layers[0]
        np.testing.assert_array_equal(layer.o, layer.v)
        assert np.max(np.abs(layer.h - layer.o * np.tanh(layer.c))) > 1e-3
