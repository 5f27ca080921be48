"""Weight layouts (docs/design.md §3): exact round trips, conversions, validation errors, and file formats."""

from __future__ import annotations

import builtins
import json

import numpy as np
import pytest

from lstm_core import LSTM, VARIANTS
from tests.core.helpers import (
    ALL_LAYOUTS,
    CORE_VARIANTS,
    LAYOUTS_BY_VARIANT,
    layout_shapes,
    random_input,
    random_layout_weights,
    random_state,
)

TOL = 1e-12

VARIANT_LAYOUTS = [(v, lay) for v, lays in LAYOUTS_BY_VARIANT.items() for lay in lays]
VARIANT_BAD_LAYOUTS = [
    (v, lay) for v in CORE_VARIANTS for lay in ALL_LAYOUTS if lay not in LAYOUTS_BY_VARIANT[v]
]
SIZES = [(1, 1, 1), (3, 4, 1), (3, 4, 2), (2, 3, 3)]


def test_variants_constant_names_the_four_variants():
    assert set(CORE_VARIANTS) <= set(VARIANTS)
    assert tuple(VARIANTS[:4]) == ("standard", "udacity", "no_forget", "peephole")


def _assert_same_weights(a: dict, b: dict) -> None:
    assert set(a) == set(b), f"keys differ: {sorted(set(a) ^ set(b))}"
    for key in a:
        got = np.asarray(b[key])
        assert got.dtype == np.float64, f"{key}: dtype {got.dtype}"
        assert got.shape == np.asarray(a[key]).shape, f"{key}: shape {got.shape}"
        assert np.array_equal(a[key], got), f"{key}: values differ"


def _assert_same_run(t1, t2, atol=TOL) -> None:
    assert len(t1.layers) == len(t2.layers)
    for k, (a, b) in enumerate(zip(t1.layers, t2.layers, strict=True)):
        for name in ("f", "i", "g", "o", "c", "h", "u", "v"):
            np.testing.assert_allclose(
                getattr(a, name), getattr(b, name), rtol=0, atol=atol, err_msg=f"layer {k} {name}"
            )


# --------------------------------------------------------------------------------------------------
# Exact round trips through every layout a variant can express
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("variant", "layout"), VARIANT_LAYOUTS)
@pytest.mark.parametrize(("input_size", "hidden_size", "num_layers"), SIZES)
def test_from_weights_to_weights_round_trips_exactly(variant, layout, input_size, hidden_size, num_layers):
    w = random_layout_weights(layout, variant, input_size, hidden_size, num_layers, seed=num_layers)
    net = LSTM.from_weights(w, layout=layout, variant=variant)
    _assert_same_weights(w, net.to_weights(layout))
    # twice in a row gives the same again, and the input dict was not modified
    _assert_same_weights(w, net.to_weights(layout=layout))
    _assert_same_weights(
        random_layout_weights(layout, variant, input_size, hidden_size, num_layers, seed=num_layers), w
    )


@pytest.mark.parametrize(("variant", "layout"), VARIANT_LAYOUTS)
def test_random_net_exports_exactly_the_documented_keys(variant, layout):
    net = LSTM.random(input_size=3, hidden_size=4, num_layers=2, variant=variant, seed=1)
    w = net.to_weights(layout)
    expected = layout_shapes(layout, variant, 3, 4, 2)
    assert set(w) == set(expected)
    for key, shape in expected.items():
        assert np.asarray(w[key]).shape == shape, key
        assert np.asarray(w[key]).dtype == np.float64, key
        assert np.all(np.isfinite(w[key])), key
    again = LSTM.from_weights(w, layout=layout, variant=variant)
    x = random_input(6, 3, 2)
    _assert_same_run(net.run(x), again.run(x))


def test_random_is_reproducible_from_seed_and_seed_matters():
    a = LSTM.random(input_size=3, hidden_size=4, num_layers=2, variant="standard", seed=3)
    b = LSTM.random(input_size=3, hidden_size=4, num_layers=2, variant="standard", seed=3)
    c = LSTM.random(input_size=3, hidden_size=4, num_layers=2, variant="standard", seed=4)
    _assert_same_weights(a.to_weights("torch"), b.to_weights("torch"))
    assert not np.array_equal(a.to_weights("torch")["weight_ih_l0"], c.to_weights("torch")["weight_ih_l0"])


# --------------------------------------------------------------------------------------------------
# Conversions between torch, keras and seed (standard variant)
# --------------------------------------------------------------------------------------------------

STANDARD_LAYOUTS = LAYOUTS_BY_VARIANT["standard"]


@pytest.mark.parametrize("source", STANDARD_LAYOUTS)
@pytest.mark.parametrize("target", STANDARD_LAYOUTS)
@pytest.mark.parametrize("num_layers", [1, 3])
def test_standard_conversions_keep_the_outputs(source, target, num_layers):
    w = random_layout_weights(source, "standard", 3, 5, num_layers, seed=7)
    net = LSTM.from_weights(w, layout=source, variant="standard")
    converted = net.to_weights(target)
    assert set(converted) == set(layout_shapes(target, "standard", 3, 5, num_layers))
    net2 = LSTM.from_weights(converted, layout=target, variant="standard")
    x = random_input(11, 3, 8)
    h0, c0 = random_state(num_layers, 5, 9)
    _assert_same_run(net.run(x, h0=h0, c0=c0), net2.run(x, h0=h0, c0=c0))
    # and back to the source layout: same outputs again
    net3 = LSTM.from_weights(net2.to_weights(source), layout=source, variant="standard")
    _assert_same_run(net.run(x), net3.run(x))


def _torch_blocks(w, k, hs):
    """Torch rows i, f, g, o -> dict gate -> (W_x (I,H), W_h (H,H), b (H,))."""
    out = {}
    for n, gate in enumerate("ifgo"):
        rows = slice(n * hs, (n + 1) * hs)
        out[gate] = (
            w[f"weight_ih_l{k}"][rows].T,
            w[f"weight_hh_l{k}"][rows].T,
            w[f"bias_ih_l{k}"][rows] + w[f"bias_hh_l{k}"][rows],
        )
    return out


@pytest.mark.parametrize("num_layers", [1, 2])
def test_torch_to_keras_and_seed_follow_the_layout_table(num_layers):
    hs = 4
    w = random_layout_weights("torch", "standard", 3, hs, num_layers, seed=13)
    net = LSTM.from_weights(w, layout="torch", variant="standard")
    keras = net.to_weights("keras")
    seed = net.to_weights("seed")
    for k in range(num_layers):
        np.testing.assert_array_equal(keras[f"kernel_l{k}"], w[f"weight_ih_l{k}"].T)
        np.testing.assert_array_equal(keras[f"recurrent_kernel_l{k}"], w[f"weight_hh_l{k}"].T)
        np.testing.assert_allclose(
            keras[f"bias_l{k}"], w[f"bias_ih_l{k}"] + w[f"bias_hh_l{k}"], rtol=0, atol=1e-15
        )
        blocks = _torch_blocks(w, k, hs)
        for gate, (w_x, w_h, b) in blocks.items():
            np.testing.assert_array_equal(seed[f"W_x{gate}_l{k}"], w_x, err_msg=f"W_x{gate}_l{k}")
            np.testing.assert_array_equal(seed[f"W_h{gate}_l{k}"], w_h, err_msg=f"W_h{gate}_l{k}")
            np.testing.assert_allclose(seed[f"b_{gate}_l{k}"], b, rtol=0, atol=1e-15, err_msg=f"b_{gate}")


def test_keras_to_torch_biases_add_up_to_the_keras_bias():
    w = random_layout_weights("keras", "standard", 2, 3, 2, seed=14)
    t = LSTM.from_weights(w, layout="keras", variant="standard").to_weights("torch")
    for k in range(2):
        np.testing.assert_array_equal(t[f"weight_ih_l{k}"], w[f"kernel_l{k}"].T)
        np.testing.assert_array_equal(t[f"weight_hh_l{k}"], w[f"recurrent_kernel_l{k}"].T)
        np.testing.assert_allclose(
            t[f"bias_ih_l{k}"] + t[f"bias_hh_l{k}"], w[f"bias_l{k}"], rtol=0, atol=1e-15
        )


# --------------------------------------------------------------------------------------------------
# Validation errors: ValueError naming the key, the expected shape and the shape given
# --------------------------------------------------------------------------------------------------


def _raises_naming(weights, layout, variant, *substrings):
    with pytest.raises(ValueError) as info:
        LSTM.from_weights(weights, layout=layout, variant=variant)
    message = str(info.value)
    for s in substrings:
        assert s in message, f"{s!r} not in error message {message!r}"
    return message


@pytest.mark.parametrize(("variant", "layout"), VARIANT_LAYOUTS)
def test_missing_key_is_named_with_its_expected_shape(variant, layout):
    w = random_layout_weights(layout, variant, 3, 4, 2, seed=1)
    shapes = layout_shapes(layout, variant, 3, 4, 2)
    # drop a layer-1 key whose shape does not depend on how sizes are inferred: the last bias-like key
    key = sorted(k for k in shapes if k.endswith("_l1") and len(shapes[k]) == 1)[-1]
    del w[key]
    _raises_naming(w, layout, variant, key, str(shapes[key]))


@pytest.mark.parametrize(("variant", "layout"), VARIANT_LAYOUTS)
def test_extra_key_is_named(variant, layout):
    w = random_layout_weights(layout, variant, 3, 4, 1, seed=1)
    w["surprise_l0"] = np.zeros(4)
    _raises_naming(w, layout, variant, "surprise_l0")


def test_no_forget_rejects_forget_weights():
    w = random_layout_weights("seed", "standard", 3, 4, 1, seed=1)  # has W_xf/W_hf/b_f
    message = _raises_naming(w, "seed", "no_forget")
    assert any(k in message for k in ("W_xf_l0", "W_hf_l0", "b_f_l0")), message


def test_standard_seed_rejects_peephole_weights():
    w = random_layout_weights("seed", "peephole", 3, 4, 1, seed=1)
    message = _raises_naming(w, "seed", "standard")
    assert any(k in message for k in ("p_i_l0", "p_f_l0", "p_o_l0")), message


# (layout, variant, key, wrong shape, expected shape) for I=3, H=4 — each key's expected shape is
# fixed by the other keys whatever key the implementation reads the sizes from.
WRONG_SHAPES = [
    ("torch", "standard", 1, "bias_hh_l0", (17,), (16,)),
    ("torch", "standard", 1, "bias_ih_l0", (16, 1), (16,)),
    ("torch", "standard", 2, "weight_ih_l1", (16, 3), (16, 4)),
    ("torch", "standard", 2, "weight_hh_l1", (16,), (16, 4)),
    ("keras", "standard", 1, "bias_l0", (15,), (16,)),
    ("keras", "standard", 2, "kernel_l1", (3, 16), (4, 16)),
    ("keras", "standard", 2, "recurrent_kernel_l1", (4, 12), (4, 16)),
    ("seed", "standard", 1, "W_hf_l0", (4, 3), (4, 4)),
    ("seed", "standard", 2, "W_xo_l1", (3, 4), (4, 4)),
    ("seed", "no_forget", 1, "b_g_l0", (5,), (4,)),
    ("seed", "peephole", 1, "p_o_l0", (3,), (4,)),
    ("seed", "peephole", 1, "p_i_l0", (4, 1), (4,)),
    ("udacity", "udacity", 1, "W_u_l0", (4, 3), (4, 4)),
    ("udacity", "udacity", 1, "W_f_l0", (4, 6), (4, 7)),
    ("udacity", "udacity", 2, "W_v_l1", (4, 7), (4, 8)),
    ("udacity", "udacity", 1, "b_v_l0", (3,), (4,)),
]


@pytest.mark.parametrize(
    ("layout", "variant", "num_layers", "key", "given", "expected"),
    WRONG_SHAPES,
    ids=[f"{r[0]}-{r[1]}-{r[3]}" for r in WRONG_SHAPES],
)
def test_wrong_shape_names_key_expected_and_given(layout, variant, num_layers, key, given, expected):
    w = random_layout_weights(layout, variant, 3, 4, num_layers, seed=2)
    assert layout_shapes(layout, variant, 3, 4, num_layers)[key] == expected  # guards the table above
    w[key] = np.zeros(given)
    _raises_naming(w, layout, variant, key, str(expected), str(given))


@pytest.mark.parametrize(("variant", "layout"), VARIANT_LAYOUTS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_non_finite_value_is_named(variant, layout, bad):
    w = random_layout_weights(layout, variant, 3, 4, 2, seed=3)
    key = sorted(w)[len(w) // 2]
    arr = w[key].copy()
    arr.flat[arr.size // 2] = bad
    w[key] = arr
    _raises_naming(w, layout, variant, key)


@pytest.mark.parametrize(("variant", "layout"), VARIANT_BAD_LAYOUTS)
def test_layout_the_variant_cannot_express(variant, layout):
    # from_weights with weights that are well-formed for the layout (as far as the layout goes)
    source_variant = "udacity" if layout == "udacity" else "standard"
    w = random_layout_weights(layout, source_variant, 3, 4, 1, seed=4)
    with pytest.raises(ValueError) as info:
        LSTM.from_weights(w, layout=layout, variant=variant)
    assert layout in str(info.value), str(info.value)
    # to_weights of a net of that variant
    net = LSTM.random(input_size=3, hidden_size=4, num_layers=1, variant=variant, seed=0)
    with pytest.raises(ValueError) as info:
        net.to_weights(layout)
    assert layout in str(info.value), str(info.value)


def test_unknown_layout():
    w = random_layout_weights("torch", "standard", 3, 4, 1)
    with pytest.raises(ValueError, match="tensorflow"):
        LSTM.from_weights(w, layout="tensorflow", variant="standard")
    net = LSTM.from_weights(w, layout="torch", variant="standard")
    with pytest.raises(ValueError, match="tensorflow"):
        net.to_weights("tensorflow")


def test_unknown_variant():
    w = random_layout_weights("torch", "standard", 3, 4, 1)
    with pytest.raises(ValueError, match="bogus_cell"):
        LSTM.from_weights(w, layout="torch", variant="bogus_cell")
    with pytest.raises(ValueError, match="bogus_cell"):
        LSTM.random(input_size=3, hidden_size=4, num_layers=1, variant="bogus_cell", seed=0)


# ==================================================================================================
# File I/O. The file API is not fixed by docs/design.md; these tests use
#   net.save(path, layout=None) / LSTM.load(path) -> LSTM
#   lstm_core.weights.save_weights(path, weights, variant=..., layout=...)
#   lstm_core.weights.load_weights(path) -> WeightFile(weights, variant, layout, recorded)
# through the three adapters below (adapt them if the API changes).
# ==================================================================================================

FORMATS = ("npz", "json", "safetensors")


def _save_weights(path, weights, variant, layout):
    from lstm_core.weights import save_weights

    return save_weights(path, weights, variant=variant, layout=layout)


def _load_weights(path):
    """(weights, variant, layout) as recorded in the file."""
    from lstm_core.weights import load_weights

    wf = load_weights(path)
    assert wf.recorded, "variant and layout were guessed, not read from the file"
    return wf.weights, wf.variant, wf.layout


def _load_net(path):
    return LSTM.load(path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("variant", "layout"), VARIANT_LAYOUTS)
def test_weight_files_round_trip_exactly(tmp_path, fmt, variant, layout):
    w = random_layout_weights(layout, variant, 3, 4, 2, seed=5)
    # awkward floats survive too
    key = sorted(w)[0]
    w[key].flat[0] = 0.1 + 0.2
    w[key].flat[1] = -1e-300
    w[key].flat[2] = 5e-324  # smallest subnormal
    path = tmp_path / f"weights.{fmt}"
    _save_weights(path, w, variant, layout)
    assert path.exists()
    loaded, loaded_variant, loaded_layout = _load_weights(path)
    assert loaded_variant == variant
    assert loaded_layout == layout
    _assert_same_weights(w, loaded)
    # str paths work as well
    loaded2, _, _ = _load_weights(str(path))
    _assert_same_weights(w, loaded2)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("variant", "layout"), VARIANT_LAYOUTS)
def test_net_save_load_round_trips(tmp_path, fmt, variant, layout):
    net = LSTM.random(input_size=2, hidden_size=3, num_layers=2, variant=variant, seed=6)
    path = tmp_path / f"net.{fmt}"
    net.save(path, layout=layout)
    _, saved_variant, saved_layout = _load_weights(path)
    assert (saved_variant, saved_layout) == (variant, layout)
    loaded = _load_net(path)
    _assert_same_weights(net.to_weights(layout), loaded.to_weights(layout))
    x = random_input(5, 2, 7)
    _assert_same_run(net.run(x), loaded.run(x))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("variant", CORE_VARIANTS)
def test_net_save_default_layout(tmp_path, fmt, variant):
    net = LSTM.random(input_size=2, hidden_size=3, num_layers=1, variant=variant, seed=8)
    path = tmp_path / f"net.{fmt}"
    net.save(path)
    weights, saved_variant, saved_layout = _load_weights(path)
    assert saved_variant == variant
    assert saved_layout in LAYOUTS_BY_VARIANT[variant]
    assert set(weights) == set(layout_shapes(saved_layout, variant, 2, 3, 1))
    x = random_input(5, 2, 9)
    _assert_same_run(net.run(x), _load_net(path).run(x))


def test_json_file_is_plain_json_recording_variant_and_layout(tmp_path):
    net = LSTM.random(input_size=2, hidden_size=3, num_layers=1, variant="udacity", seed=1)
    path = tmp_path / "net.json"
    net.save(path, layout="udacity")
    text = path.read_text()
    json.loads(text)  # valid JSON
    assert "udacity" in text


class _PickleBomb:
    """Unpickling this creates a marker file: proof that pickle ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


def test_npz_with_object_array_is_refused_without_unpickling(tmp_path):
    marker = tmp_path / "pickle_ran"
    w = random_layout_weights("torch", "standard", 3, 4, 1)
    bomb = np.empty(1, dtype=object)
    bomb[0] = _PickleBomb(marker)
    w["weight_ih_l0"] = bomb
    path = tmp_path / "evil.npz"
    np.savez(path, **w)
    with pytest.raises(ValueError):
        _load_weights(path)
    with pytest.raises(ValueError):
        _load_net(path)
    assert not marker.exists(), "an .npz was unpickled"


@pytest.mark.parametrize("fmt", FORMATS)
def test_loading_a_file_with_bad_weights_raises_value_error(tmp_path, fmt):
    w = random_layout_weights("torch", "standard", 3, 4, 1)
    w["weight_hh_l0"] = np.zeros((16, 5))
    path = tmp_path / f"bad.{fmt}"
    # Refusing to save a bad weight set is as good as refusing to load it.
    with pytest.raises(ValueError) as info:
        _save_weights(path, w, "standard", "torch")
        _load_net(path)
    assert "weight_hh_l0" in str(info.value)
    assert "(16, 4)" in str(info.value) and "(16, 5)" in str(info.value)


def test_unsupported_file_extension_is_refused(tmp_path):
    net = LSTM.random(input_size=2, hidden_size=3, num_layers=1, variant="standard", seed=0)
    with pytest.raises(ValueError):
        net.save(tmp_path / "net.pkl")
    (tmp_path / "net.pkl").write_bytes(b"not a pickle")
    with pytest.raises(ValueError):
        _load_net(tmp_path / "net.pkl")


@pytest.mark.parametrize(("cell", "kind"), [("GRU", "gru"), ("RNN", "rnn")])
def test_a_pytorch_gru_or_rnn_state_dict_is_read_as_what_it_is(tmp_path, cell, kind):
    """nn.GRU and nn.RNN use nn.LSTM's key names; their gate blocks (3, 1; an LSTM has 4) say which."""
    import torch

    torch.manual_seed(0)
    module = getattr(torch.nn, cell)(input_size=2, hidden_size=5, num_layers=2)
    path = tmp_path / f"{cell.lower()}.npz"
    np.savez(path, **{k: v.detach().numpy() for k, v in module.state_dict().items()})
    from lstm_core.weights import load_weights

    read = load_weights(path)
    assert (read.layout, read.variant, read.recorded) == ("torch", kind, False)
    with pytest.raises(ValueError, match=f"the file holds a {cell}, not an LSTM"):
        _load_net(path)  # LSTM.load takes LSTMs; lstm_core.load takes every cell
    lstm = torch.nn.LSTM(input_size=2, hidden_size=5, num_layers=2)
    np.savez(path, **{k: v.detach().numpy() for k, v in lstm.state_dict().items()})
    read = load_weights(path)  # the same keys with 4 blocks: an LSTM, read as one
    assert (read.layout, read.variant, read.recorded) == ("torch", "standard", False)
