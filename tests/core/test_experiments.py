"""What-if experiments: presets do what they say, half-lives, and matched weights across the variants."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lstm_core import GRU, LSTM, RNN, VARIANTS
from lstm_core.cell import sigmoid
from lstm_core.experiments import (
    GATES,
    PRESET_TITLES,
    PRESETS,
    Gate,
    GateSettings,
    build_net,
    describe_half_life,
    half_life,
    matched_nets,
    mean_forget,
    memory_half_life,
    run_matched,
    run_settings,
)
from lstm_core.sequences import make_count_ones, make_pulse, make_remember_first, make_sine

SMALL = (1, 2, 4)  # the Gate lab's hidden sizes


# ---------------------------------------------------------------------------------------------- half-life


def test_half_life_values():
    got = half_life([0.5, 0.9, 1.0, 0.0, 0.99])
    assert got[0] == pytest.approx(1.0, abs=1e-15)
    assert got[1] == pytest.approx(np.log(0.5) / np.log(0.9)) and got[1] == pytest.approx(6.58, abs=5e-3)
    assert got[2] == np.inf
    assert got[3] == 0.0
    assert got[4] == pytest.approx(68.97, abs=5e-3)


def test_half_life_edges_give_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = half_life(np.array([0.0, 1e-300, 1.0, 1.5, -0.1, np.nan, 1 - 1e-12]))
    assert got[0] == 0.0 and 0 < got[1] < 0.01
    assert got[2] == got[3] == np.inf
    assert got[4] == 0.0 and np.isnan(got[5])
    assert np.isfinite(got[6]) and got[6] > 1e11
    assert half_life(0.5).shape == () and float(half_life(0.5)) == pytest.approx(1.0)


def test_half_life_grows_with_f():
    f = np.linspace(0.01, 0.999, 50)
    assert np.all(np.diff(half_life(f)) > 0)
    k = half_life(f)
    np.testing.assert_allclose(f**k, 0.5)  # the definition: f^k = 1/2


def test_memory_half_life_is_half_life_of_geometric_mean():
    x = make_sine(30).x
    trace = LSTM.random(2, 3, seed=5).run(x)
    gm = np.exp(np.log(trace.layers[0].f).mean(axis=0))
    np.testing.assert_allclose(mean_forget(trace), gm)
    np.testing.assert_allclose(memory_half_life(trace), np.log(0.5) / np.log(gm))
    # a stored value multiplied by every f_t shrinks exactly as much as by gm^T
    np.testing.assert_allclose(trace.layers[0].f.prod(axis=0), gm**30)


def test_memory_half_life_never_and_zero_without_warnings():
    x = make_pulse(10).x
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = LSTM.random(1, 3, seed=0).run(x, clamp={"f": 1.0})
        erased = LSTM.random(1, 3, seed=0).run(x, clamp={"f": 0.0})
        no_forget = LSTM.random(1, 3, variant="no_forget", seed=0).run(x)
        assert np.all(memory_half_life(kept) == np.inf)
        assert np.all(memory_half_life(erased) == 0.0)
        assert np.all(memory_half_life(no_forget) == np.inf)


def test_memory_half_life_reads_the_chosen_layer():
    x = make_sine(12).x
    trace = LSTM.random(2, 3, num_layers=2, seed=1).run(x)
    np.testing.assert_allclose(memory_half_life(trace, 1), half_life(mean_forget(trace, 1)))
    assert not np.allclose(memory_half_life(trace, 0), memory_half_life(trace, 1))


@pytest.mark.parametrize(
    "steps, text",
    [
        (np.inf, "never"),
        (0.0, "less than a step"),
        (1.0, "1 step"),
        (6.5788, "6.6 steps"),
        (68.97, "69 steps"),
        (15269.9, "15,270 steps"),
        (np.nan, "unknown"),
    ],
)
def test_describe_half_life(steps, text):
    assert describe_half_life(steps) == text


# ---------------------------------------------------------------------------------------------- settings


@pytest.mark.parametrize("variant", VARIANTS)
def test_empty_settings_change_nothing(variant):
    net = build_net(GateSettings(), 2, 3, variant, seed=7, num_layers=2)
    ref = LSTM.random(2, 3, 2, variant, seed=7)
    layout = "udacity" if variant == "udacity" else "seed"  # torch's two biases are summed on the way
    for key, value in ref.to_weights(layout).items():
        np.testing.assert_array_equal(net.to_weights(layout)[key], value)
    x = make_sine(6).x
    np.testing.assert_allclose(net.run(x).h, ref.run(x).h, rtol=0, atol=1e-15)


def test_build_net_overrides_only_what_is_set():
    s = GateSettings(f=Gate(bias=3.0), i=Gate(weight=-2.0))
    net, ref = build_net(s, 3, 4, "standard", seed=2), LSTM.random(3, 4, seed=2)
    w, r = net.to_weights("seed"), ref.to_weights("seed")
    assert np.all(w["b_f_l0"] == 3.0) and np.all(w["W_xi_l0"] == -2.0)
    for key in w:
        if key not in ("b_f_l0", "W_xi_l0"):
            np.testing.assert_array_equal(w[key], r[key], err_msg=key)


def test_build_net_udacity_edits_the_event_columns():
    s = GateSettings(g=Gate(bias=0.5, weight=1.5), o=Gate(weight=-1.0))
    H = 3
    net, ref = build_net(s, 2, H, "udacity", seed=4), LSTM.random(2, H, variant="udacity", seed=4)
    w, r = net.to_weights("udacity"), ref.to_weights("udacity")
    assert np.all(w["b_n_l0"] == 0.5) and np.all(w["W_n_l0"][:, H:] == 1.5)
    np.testing.assert_array_equal(w["W_n_l0"][:, :H], r["W_n_l0"][:, :H])  # STM columns untouched
    assert np.all(w["W_v_l0"][:, H:] == -1.0)
    for key in ("W_i_l0", "W_f_l0", "W_u_l0", "b_u_l0", "b_i_l0", "b_f_l0", "b_v_l0"):
        np.testing.assert_array_equal(w[key], r[key], err_msg=key)


def test_no_forget_ignores_f_settings_and_clamps():
    s = GateSettings(f=Gate(bias=-5.0, weight=1.0, clamp=0.0), i=Gate(clamp=0.5))
    assert s.clamp("no_forget") == {"i": 0.5}
    assert s.clamp("standard") == {"f": 0.0, "i": 0.5}
    trace = run_settings(s, make_pulse(5).x, 2, "no_forget")
    assert np.all(trace.layers[0].f == 1.0) and np.all(trace.layers[0].i == 0.5)


def test_settings_are_hashable_and_editable():
    s = PRESETS["amnesia"]
    t = s.with_gate("f", clamp=1.0)
    assert hash(s) != hash(t) and t.f.clamp == 1.0 and t.f.bias == s.f.bias and s.f.clamp is None
    with pytest.raises(ValueError, match="unknown gate"):
        s.gate("z")


def test_presets_cover_the_four_and_fit_the_sliders():
    from lstm_core.experiments import BIAS_RANGE, WEIGHT_RANGE

    assert list(PRESETS) == ["perfect_memory", "amnesia", "write_once", "saturated"]
    assert set(PRESET_TITLES) == set(PRESETS)
    for s in PRESETS.values():
        assert s.description and "\n" not in s.description
        for k in GATES:
            g = s.gate(k)
            assert BIAS_RANGE[0] <= g.bias <= BIAS_RANGE[1] and WEIGHT_RANGE[0] <= g.weight <= WEIGHT_RANGE[1]


@pytest.mark.parametrize("variant", ["standard", "udacity", "peephole"])
@pytest.mark.parametrize("H", SMALL)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perfect_memory_keeps_the_memory(variant, H, seed):
    x = make_sine(40).x
    trace = run_settings(PRESETS["perfect_memory"], x, H, variant, seed, c0=0.8)
    lt = trace.layers[0]
    assert np.all(lt.f > 0.999) and np.all(lt.i < 1e-3)
    np.testing.assert_allclose(lt.c, 0.8, rtol=0.02)  # 40 steps later, still within 2 %
    assert np.all(memory_half_life(trace) > 1000)


@pytest.mark.parametrize("variant", ["standard", "peephole"])
@pytest.mark.parametrize("H", SMALL)
def test_perfect_memory_keeps_a_written_value(variant, H):
    """Write with the write-once preset, then hand the memory to perfect memory: it stays put."""
    x = make_pulse(30).x
    written = run_settings(PRESETS["write_once"], x[:1], H, variant, seed=3).c[-1]
    held = run_settings(PRESETS["perfect_memory"], x[1:], H, variant, seed=3, c0=written[None, :])
    np.testing.assert_allclose(held.c, np.broadcast_to(written, held.c.shape), rtol=0.02)


@pytest.mark.parametrize("variant", ["standard", "udacity", "peephole"])
@pytest.mark.parametrize("H", SMALL)
@pytest.mark.parametrize("make", [make_sine, make_pulse, make_count_ones])
def test_amnesia_keeps_only_this_steps_write(variant, H, make):
    x = make(30).x
    trace = run_settings(PRESETS["amnesia"], x, H, variant, seed=1, c0=0.9)
    lt = trace.layers[0]
    assert np.all(lt.f < 1e-3)
    np.testing.assert_allclose(np.abs(lt.c), np.abs(lt.i * lt.g), atol=1e-3)
    assert abs(lt.c[0] - 0.9).min() > 0.1  # the starting memory is gone after one step
    assert np.all(memory_half_life(trace) < 0.2)


@pytest.mark.parametrize("variant", ["standard", "udacity", "peephole"])
@pytest.mark.parametrize("H", SMALL)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_write_once_writes_at_the_pulse_then_holds(variant, H, seed):
    x = make_pulse(21).x
    lt = run_settings(PRESETS["write_once"], x, H, variant, seed).layers[0]
    assert np.all(lt.i[0] > 0.999)  # the pulse opens the input gate ...
    assert np.all(lt.i[1:] < 1e-3)  # ... and nothing else does
    after = lt.c[0]
    assert np.all(np.abs(after) > 0.5)  # something substantial was written
    np.testing.assert_allclose(lt.c[1:], np.broadcast_to(after, lt.c[1:].shape), rtol=0.05)  # held 20 steps


def test_write_once_on_remember_first_writes_a_positive_first_value():
    seq = next(
        make_remember_first(20, seed=s) for s in range(20) if make_remember_first(20, seed=s).x[0, 0] > 0
    )
    lt = run_settings(PRESETS["write_once"], seq.x, 2, "standard", seed=0).layers[0]
    assert np.all(lt.i[0] > 0.999) and np.all(np.abs(lt.c[0]) > 0.5)


@pytest.mark.parametrize("variant", ["standard", "udacity", "peephole"])
@pytest.mark.parametrize("H", SMALL)
@pytest.mark.parametrize("make", [make_pulse, make_count_ones])
@pytest.mark.parametrize("seed", [0, 5])
def test_saturated_gates_sit_at_zero_or_one(variant, H, make, seed):
    x = make(40, seed=seed).x
    lt = run_settings(PRESETS["saturated"], x, H, variant, seed).layers[0]
    for key in ("i", "f", "o"):
        a = getattr(lt, key)
        assert np.all(np.minimum(a, 1 - a) < 1e-3), key
    assert np.all(1 - np.abs(lt.g) < 1e-3)
    # a digital latch: memory 0 until the first 1 arrives, then 1 (an input of 1 stores 1, 0 holds)
    first = int(np.argmax(x[:, 0] == 1))
    np.testing.assert_allclose(lt.c[:first], 0.0, atol=1e-2)
    np.testing.assert_allclose(lt.c[first:], 1.0, atol=1e-2)


@pytest.mark.parametrize("gate, value", [("f", 1.0), ("i", 0.0), ("g", -1.0), ("o", 0.25)])
def test_run_settings_applies_clamps(gate, value):
    s = PRESETS["amnesia"].with_gate(gate, clamp=value)
    lt = run_settings(s, make_sine(8).x, 3, "standard", seed=0).layers[0]
    assert np.all(getattr(lt, gate) == value)


def test_clamping_f_to_one_gives_never():
    s = PRESETS["amnesia"].with_gate("f", clamp=1.0)
    for variant in VARIANTS:
        trace = run_settings(s, make_sine(8).x, 2, variant, seed=0)
        assert np.all(memory_half_life(trace) == np.inf), variant


def test_run_settings_c0_forms():
    x = make_pulse(4).x
    a = run_settings(PRESETS["perfect_memory"], x, 2, c0=0.3)
    b = run_settings(PRESETS["perfect_memory"], x, 2, c0=np.full((1, 2), 0.3))
    np.testing.assert_array_equal(a.c, b.c)
    np.testing.assert_array_equal(a.layers[0].c_prev[0], [0.3, 0.3])


# ---------------------------------------------------------------------------------------------- matched nets


@pytest.mark.parametrize("num_layers", [1, 2])
def test_matched_standard_is_the_random_standard_net(num_layers):
    nets = matched_nets(2, 3, num_layers, seed=11)
    assert list(nets) == list(VARIANTS)
    assert all(net.variant == v for v, net in nets.items())
    ref = LSTM.random(2, 3, num_layers, "standard", seed=11)
    x = make_sine(15).x
    for key, value in ref.to_weights().items():
        np.testing.assert_array_equal(nets["standard"].to_weights()[key], value)
    np.testing.assert_array_equal(nets["standard"].run(x).h, ref.run(x).h)


@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("seed", [0, 3])
def test_matched_no_forget_is_standard_with_f_clamped_to_one(num_layers, seed):
    nets = matched_nets(2, 4, num_layers, seed)
    x = make_sine(25).x
    nf, ref = nets["no_forget"].run(x), nets["standard"].run(x, clamp={"f": 1.0})
    for k in range(num_layers):
        for q in ("i", "f", "g", "o", "c", "h"):
            np.testing.assert_allclose(
                getattr(nf.layers[k], q), getattr(ref.layers[k], q), rtol=0, atol=1e-12
            )
    w = nets["no_forget"].to_weights("seed")
    assert not any(k.startswith(("W_xf", "W_hf", "b_f")) for k in w)


def test_matched_peephole_shares_the_gate_weights():
    nets = matched_nets(3, 4, 2, seed=6)
    std, pee = nets["standard"].to_weights("seed"), nets["peephole"].to_weights("seed")
    for key, value in std.items():
        np.testing.assert_array_equal(pee[key], value)
    peeps = [pee[f"{p}_l{k}"] for p in ("p_i", "p_f", "p_o") for k in range(2)]
    assert all(np.all(np.abs(p) <= 0.5) and np.any(p != 0) for p in peeps)
    again = matched_nets(3, 4, 2, seed=6)["peephole"].to_weights("seed")
    np.testing.assert_array_equal(again["p_f_l1"], pee["p_f_l1"])  # seeded
    # with the peepholes set to zero it is the standard cell
    zero = {k: (np.zeros_like(v) if k.startswith("p_") else v) for k, v in pee.items()}
    x = make_sine(10, seed=0).x[:, :1].repeat(3, axis=1)
    np.testing.assert_allclose(
        LSTM.from_weights(zero, "seed", "peephole").run(x).h, nets["standard"].run(x).h, atol=1e-12
    )


@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("H", [1, 3])
def test_matched_udacity_reads_the_standard_weights(num_layers, H):
    nets = matched_nets(2, H, num_layers, seed=9)
    x = make_sine(20).x
    uda, std_w = nets["udacity"].run(x), nets["standard"].to_weights("seed")
    for k in range(num_layers):
        lt = uda.layers[k]
        inp = lt.x
        # every gate is the standard gate equation on udacity's own STM_{t-1}, with the standard weights
        for gate, act in (("i", sigmoid), ("f", sigmoid), ("o", sigmoid), ("g", np.tanh)):
            z = (
                inp @ std_w[f"W_x{gate}_l{k}"]
                + lt.h_prev @ std_w[f"W_h{gate}_l{k}"]
                + std_w[f"b_{gate}_l{k}"]
            )
            np.testing.assert_allclose(getattr(lt, gate), act(z), rtol=0, atol=1e-12, err_msg=gate)
        # identity W_u, zero b_u: U_t = tanh(f_t ⊙ LTM_{t-1}) exactly
        np.testing.assert_array_equal(lt.u, np.tanh(lt.f * lt.c_prev))
        np.testing.assert_allclose(lt.h, lt.u * lt.o, atol=1e-15)
    w = nets["udacity"].to_weights("udacity")
    np.testing.assert_array_equal(w["W_u_l0"], np.eye(H))
    np.testing.assert_array_equal(w["b_u_l0"], np.zeros(H))


def test_matched_variants_agree_at_the_first_step_and_then_part():
    traces = run_matched(make_sine(20).x, 3, seed=2)
    assert list(traces) == list(VARIANTS)
    std = traces["standard"].layers[0]
    for variant in ("udacity", "no_forget"):
        lt = traces[variant].layers[0]
        for q in ("i", "g", "o"):
            np.testing.assert_allclose(getattr(lt, q)[0], getattr(std, q)[0], atol=1e-15)
        assert not np.allclose(lt.h, std.h)  # the equations differ, so the outputs part


def test_run_matched_runs_the_gru_and_rnn_on_the_same_input_with_their_own_seeded_weights():
    x = make_sine(12).x
    traces = run_matched(x, 3, num_layers=2, seed=5, cells=("gru", "peephole", "rnn"))
    assert list(traces) == ["gru", "peephole", "rnn"]
    np.testing.assert_array_equal(traces["gru"].h, GRU.random(x.shape[1], 3, 2, seed=5).run(x).h)
    np.testing.assert_array_equal(traces["rnn"].h, RNN.random(x.shape[1], 3, 2, seed=5).run(x).h)
    np.testing.assert_array_equal(traces["peephole"].h, run_matched(x, 3, 2, 5)["peephole"].h)
    with pytest.raises(ValueError, match="lstm"):
        run_matched(x, 3, cells=("lstm",))
