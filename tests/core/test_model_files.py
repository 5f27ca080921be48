"""Real model files through ``lstm_core.load`` (docs/design.md, "Model files" and "Weight layouts").

ONNX files are made here by ``torch.onnx.export`` (checked against torch at 1e-12 in float64 and against
onnxruntime at 1e-6 in float32) or built node by node with ``onnx.helper``; Keras files are built with
h5py in Keras's own group layout; TF1 weights are written under TF1's checkpoint names and checked
against the BasicLSTMCell / LSTMCell equations written out below.
"""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np
import onnxruntime as ort
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

import lstm_core
from lstm_core import GRU, LSTM, RNN
from lstm_core.layouts.files import read_bytes
from lstm_core.weights import save_weights
from tests.core.helpers import sigmoid

TORCH_CELLS = {"lstm": (torch.nn.LSTM, LSTM), "gru": (torch.nn.GRU, GRU), "rnn": (torch.nn.RNN, RNN)}


def _export(module, x, path_or_buffer):
    target = path_or_buffer if isinstance(path_or_buffer, io.BytesIO) else str(path_or_buffer)
    torch.onnx.export(module, (x,), target, dynamo=False)


# ---------------------------------------------------------------- ONNX from torch.onnx.export


@pytest.mark.parametrize("kind", list(TORCH_CELLS))
@pytest.mark.parametrize("num_layers", [1, 2])
def test_torch_onnx_export_matches_torch_in_float64(tmp_path, kind, num_layers):
    torch.manual_seed(num_layers)
    module_cls, net_cls = TORCH_CELLS[kind]
    module = module_cls(3, 5, num_layers=num_layers).double()
    x = torch.randn(9, 1, 3, dtype=torch.float64)
    _export(module, x, tmp_path / "m.onnx")
    net = lstm_core.load(tmp_path / "m.onnx")
    assert type(net) is net_cls and net.num_layers == num_layers
    expected = module(x)[0][:, 0].detach().numpy()
    assert np.abs(net.run(x[:, 0].numpy()).h - expected).max() <= 1e-12


@pytest.mark.parametrize("kind", list(TORCH_CELLS))
def test_torch_onnx_export_matches_onnxruntime_in_float32(tmp_path, kind):
    torch.manual_seed(3)
    module = TORCH_CELLS[kind][0](4, 6, num_layers=2)
    x = torch.randn(8, 1, 4)
    _export(module, x, tmp_path / "m.onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    expected = session.run(None, {session.get_inputs()[0].name: x.numpy()})[0][:, 0]
    got = lstm_core.load(tmp_path / "m.onnx").run(x[:, 0].numpy().astype(np.float64)).h
    assert np.abs(got - expected).max() <= 1e-6


def test_onnx_gate_map_names_the_onnx_row_blocks(tmp_path):
    module = torch.nn.LSTM(2, 8)
    _export(module, torch.zeros(3, 1, 2), tmp_path / "m.onnx")
    loaded = read_bytes("m.onnx", (tmp_path / "m.onnx").read_bytes())
    assert loaded.layout == "onnx" and loaded.kind == "standard"
    assert loaded.gate_map.startswith("ONNX rows of W, R, B 0–7 → i, 8–15 → o, 16–23 → f, 24–31 → g")


# ---------------------------------------------------------------- ONNX graphs built by hand


def _onnx_rnn(op, W, R, B=None, P=None, **attrs) -> bytes:
    """A one-node ONNX graph X (T, 1, I) -> Y of op LSTM/GRU/RNN; weights as initializers, B as a
    Constant node (torch.onnx.export writes both kinds)."""
    H = R.shape[-1]
    inits = [
        numpy_helper.from_array(W.astype(np.float32), "W"),
        numpy_helper.from_array(R.astype(np.float32), "R"),
    ]
    nodes, inputs = [], ["X", "W", "R", "B" if B is not None else ""]
    if B is not None:
        nodes.append(
            helper.make_node("Constant", [], ["B"], value=numpy_helper.from_array(B.astype(np.float32)))
        )
    if P is not None:
        inputs += ["", "", "", "P"]
        inits.append(numpy_helper.from_array(P.astype(np.float32), "P"))
    nodes.append(helper.make_node(op, inputs, ["Y"], hidden_size=H, **attrs))
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["T", 1, W.shape[-1]])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    return model.SerializeToString()


def _ort(data: bytes, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(data)
    return session.run(None, {"X": x[:, None, :].astype(np.float32)})[0][:, 0, 0]


def test_hand_built_onnx_peephole_lstm_matches_onnxruntime():
    rng = np.random.default_rng(0)
    I, H = 3, 4  # noqa: E741
    W, R = rng.uniform(-1, 1, (1, 4 * H, I)), rng.uniform(-1, 1, (1, 4 * H, H))
    B, P = rng.uniform(-1, 1, (1, 8 * H)), rng.uniform(-1, 1, (1, 3 * H))
    data = _onnx_rnn("LSTM", W, R, B, P)
    x = rng.uniform(-1, 1, (6, I))
    loaded = read_bytes("p.onnx", data)
    assert loaded.kind == "peephole"
    np.testing.assert_allclose(loaded.net.run(x).h, _ort(data, x), atol=1e-6)


def test_hand_built_onnx_gru_without_b_matches_onnxruntime():
    rng = np.random.default_rng(1)
    W, R = rng.uniform(-1, 1, (1, 9, 2)), rng.uniform(-1, 1, (1, 9, 3))
    data = _onnx_rnn("GRU", W, R, linear_before_reset=1)
    x = rng.uniform(-1, 1, (5, 2))
    np.testing.assert_allclose(
        lstm_core.layouts.files.read_bytes("g.onnx", data).net.run(x).h, _ort(data, x), atol=1e-6
    )


@pytest.mark.parametrize(
    ("op", "attrs", "named"),
    [
        ("GRU", {"linear_before_reset": 0}, "linear_before_reset=0"),
        ("LSTM", {"direction": "reverse"}, "direction='reverse'"),
        (
            "LSTM",
            {"activations": ["HardSigmoid", "Tanh", "Tanh"]},
            "activations=['HardSigmoid', 'Tanh', 'Tanh']",
        ),
        ("LSTM", {"clip": 3.0}, "clip=3.0"),
        ("LSTM", {"input_forget": 1}, "input_forget=1"),
    ],
)
def test_onnx_settings_the_core_cannot_compute_are_refused_by_name(op, attrs, named):
    G = 3 if op == "GRU" else 4
    data = _onnx_rnn(op, np.zeros((1, G * 2, 2)), np.zeros((1, G * 2, 2)), **attrs)
    with pytest.raises(ValueError, match=named.replace("[", r"\[").replace("]", r"\]")):
        read_bytes("m.onnx", data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01 not protobuf", "not a readable .onnx file|no LSTM, GRU or RNN node"),
        (
            helper.make_model(helper.make_graph([], "empty", [], [])).SerializeToString(),
            "no LSTM, GRU or RNN node",
        ),
    ],
)
def test_bad_onnx_files_give_a_value_error(data, message):
    with pytest.raises(ValueError, match=message):
        read_bytes("bad.onnx", data)


def test_onnx_tensor_declaring_a_huge_shape_is_refused_before_allocation():
    tensor = TensorProto(name="W", data_type=TensorProto.FLOAT, dims=[1, 4 * 10**6, 10**3])  # no data
    node = helper.make_node("LSTM", ["X", "W", "W"], ["Y"], hidden_size=2)
    graph = helper.make_graph([node], "g", [], [], [tensor])
    with pytest.raises(ValueError, match="declares shape"):
        read_bytes("huge.onnx", helper.make_model(graph).SerializeToString())


# ---------------------------------------------------------------- Keras files built with h5py


def keras_lstm_longhand(layers, x):
    """Keras LSTM, columns i, f, c, o: z = x_t @ kernel + h @ recurrent_kernel + bias."""
    inp = x
    for kernel, recurrent, bias in layers:
        H = recurrent.shape[0]
        h, c, out = np.zeros(H), np.zeros(H), []
        for x_t in inp:
            z = x_t @ kernel + h @ recurrent + bias
            i, f, g, o = sigmoid(z[:H]), sigmoid(z[H : 2 * H]), np.tanh(z[2 * H : 3 * H]), sigmoid(z[3 * H :])
            c = f * c + i * g
            h = o * np.tanh(c)
            out.append(h)
        inp = np.array(out)
    return inp


def keras_gru_longhand(kernel, recurrent, bias, x):
    """Keras GRU, reset_after=True, columns z, r, h; bias rows: input, recurrent."""
    H = recurrent.shape[0]
    h, out = np.zeros(H), []
    for x_t in x:
        xz, hz = x_t @ kernel + bias[0], h @ recurrent + bias[1]
        z = sigmoid(xz[:H] + hz[:H])
        r = sigmoid(xz[H : 2 * H] + hz[H : 2 * H])
        cand = np.tanh(xz[2 * H :] + r * hz[2 * H :])
        h = z * h + (1 - z) * cand
        out.append(h)
    return np.array(out)


def _lstm_config(name, units, **extra):
    cfg = {"name": name, "units": units, "activation": "tanh", "recurrent_activation": "sigmoid"}
    return {"module": "keras.layers", "class_name": "LSTM", "config": cfg | extra}


def _sequential(*layers):
    inp = {"class_name": "InputLayer", "config": {"name": "input_layer", "batch_shape": [None, None, 3]}}
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": [inp, *layers]}}


def _functional(*layers):
    inp = {"class_name": "InputLayer", "name": "inputs", "config": {"name": "inputs"}}
    named = [dict(layer, name=layer["config"]["name"], inbound_nodes=[]) for layer in layers]
    return {"class_name": "Functional", "config": {"name": "model", "layers": [inp, *named]}}


def _keras3_h5(weights: dict[str, list[np.ndarray]]) -> bytes:
    """A Keras 3 weights file: layers/<name>/cell/vars/0, 1, 2."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("layers/input_layer/vars")
        for name, arrays in weights.items():
            group = f.create_group(f"layers/{name}/cell/vars")
            for k, a in enumerate(arrays):
                group[str(k)] = a.astype(np.float32)
            f.create_group(f"layers/{name}/vars")
    return buf.getvalue()


def _dot_keras(config: dict, weights: dict[str, list[np.ndarray]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.6.0"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", _keras3_h5(weights))
    return buf.getvalue()


def _legacy_h5(config: dict | None, weights: dict[str, list[np.ndarray]]) -> bytes:
    """A Keras 2 file: model_config attribute (when given), model_weights/<layer>/<layer>/lstm_cell/…:0."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        root = f
        if config is not None:
            f.attrs["model_config"] = json.dumps(config)
            root = f.create_group("model_weights")
        root.attrs["layer_names"] = [n.encode() for n in weights]
        for name, arrays in weights.items():
            names = [f"{name}/lstm_cell/{w}:0" for w in ("kernel", "recurrent_kernel", "bias")[: len(arrays)]]
            group = root.create_group(name)
            group.attrs["weight_names"] = [n.encode() for n in names]
            for n, a in zip(names, arrays, strict=True):
                group[n] = a
    return buf.getvalue()


def _lstm_arrays(rng, I, H, bias=True):  # noqa: E741
    out = [rng.uniform(-1, 1, (I, 4 * H)), rng.uniform(-1, 1, (H, 4 * H))]
    return out + [rng.uniform(-1, 1, 4 * H)] * bias


def _f32(arrays):
    return [a.astype(np.float32).astype(np.float64) for a in arrays]


@pytest.mark.parametrize("model", [_sequential, _functional], ids=["sequential", "functional"])
def test_dot_keras_two_stacked_lstms_match_the_keras_equations(tmp_path, model):
    rng = np.random.default_rng(2)
    w = {"lstm": _lstm_arrays(rng, 3, 4), "lstm_1": _lstm_arrays(rng, 4, 4)}
    config = model(
        _lstm_config("lstm", 4, return_sequences=True), _lstm_config("lstm_1", 4, return_state=True)
    )
    (tmp_path / "m.keras").write_bytes(_dot_keras(config, w))
    x = rng.uniform(-1, 1, (7, 3))
    net = lstm_core.load(tmp_path / "m.keras")
    assert type(net) is LSTM and net.num_layers == 2
    expected = keras_lstm_longhand([_f32(w["lstm"]), _f32(w["lstm_1"])], x)
    assert np.abs(net.run(x).h - expected).max() <= 1e-12


def test_keras_use_bias_false_reads_zero_biases():
    rng = np.random.default_rng(3)
    w = {"lstm": _lstm_arrays(rng, 2, 3, bias=False)}
    data = _dot_keras(_sequential(_lstm_config("lstm", 3, use_bias=False)), w)
    x = rng.uniform(-1, 1, (5, 2))
    expected = keras_lstm_longhand([[*_f32(w["lstm"]), np.zeros(12)]], x)
    assert np.abs(read_bytes("m.keras", data).net.run(x).h - expected).max() <= 1e-12


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("recurrent_activation", "hard_sigmoid", "recurrent_activation='hard_sigmoid'"),
        ("activation", "relu", "activation='relu'"),
        ("go_backwards", True, "go_backwards=True"),
    ],
)
@pytest.mark.parametrize("container", ["keras", "legacy h5"])
def test_keras_config_the_core_cannot_compute_is_refused_by_name(setting, value, named, container):
    w = {"lstm": _lstm_arrays(np.random.default_rng(0), 2, 2)}
    config = _sequential(_lstm_config("lstm", 2, **{setting: value}))
    data = _dot_keras(config, w) if container == "keras" else _legacy_h5(config, w)
    with pytest.raises(ValueError, match=named):
        read_bytes("m.keras" if container == "keras" else "m.h5", data)


def test_keras_bidirectional_is_refused():
    inner = _lstm_config("lstm", 2)
    config = _sequential({"class_name": "Bidirectional", "config": {"name": "bidirectional", "layer": inner}})
    with pytest.raises(ValueError, match="Bidirectional"):
        read_bytes("m.keras", _dot_keras(config, {"lstm": _lstm_arrays(np.random.default_rng(0), 2, 2)}))


def test_weights_h5_without_config_loads_and_says_activations_were_not_checked():
    rng = np.random.default_rng(4)
    w = {"lstm": _lstm_arrays(rng, 3, 2)}
    loaded = read_bytes("m.weights.h5", _keras3_h5(w))
    x = rng.uniform(-1, 1, (4, 3))
    assert np.abs(loaded.net.run(x).h - keras_lstm_longhand([_f32(w["lstm"])], x)).max() <= 1e-12
    assert any("activations" in n and "could not be checked" in n for n in loaded.notices)
    assert loaded.gate_map.startswith("Keras columns of kernel, recurrent_kernel, bias 0–1 → i, 2–3 → f")


def test_legacy_h5_full_model_matches_the_keras_equations():
    rng = np.random.default_rng(5)
    w = {"lstm_1": _lstm_arrays(rng, 2, 3)}
    data = _legacy_h5(_sequential(_lstm_config("lstm_1", 3)), w)
    x = rng.uniform(-1, 1, (6, 2))
    loaded = read_bytes("old.h5", data)
    assert loaded.notices == ()
    assert np.abs(loaded.net.run(x).h - keras_lstm_longhand([w["lstm_1"]], x)).max() <= 1e-12


def test_keras_gru_matches_the_keras_gru_equations():
    rng = np.random.default_rng(6)
    kernel, recurrent, bias = (
        rng.uniform(-1, 1, (2, 9)),
        rng.uniform(-1, 1, (3, 9)),
        rng.uniform(-1, 1, (2, 9)),
    )
    gru = {"class_name": "GRU", "config": {"name": "gru", "units": 3, "reset_after": True}}
    data = _dot_keras(_sequential(gru), {"gru": [kernel, recurrent, bias]})
    x = rng.uniform(-1, 1, (5, 2))
    net = read_bytes("g.keras", data).net
    assert type(net) is GRU
    expected = keras_gru_longhand(*_f32([kernel, recurrent, bias]), x)
    assert np.abs(net.run(x).h - expected).max() <= 1e-12


def test_keras_gru_reset_after_false_is_refused_by_name():
    gru = {"class_name": "GRU", "config": {"name": "gru", "units": 2, "reset_after": False}}
    data = _dot_keras(_sequential(gru), {"gru": [np.zeros((2, 6)), np.zeros((2, 6)), np.zeros(6)]})
    with pytest.raises(ValueError, match="reset_after=False"):
        read_bytes("g.keras", data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("m.keras", b"PK\x03\x04 broken", "not a readable .keras archive"),
        ("m.h5", b"\x89HDF\r\n\x1a\n" + b"\x00" * 64, "cannot be read as Keras weights"),
        ("m.h5", b"plain text", "neither a .keras archive"),
    ],
)
def test_bad_keras_files_give_a_value_error(name, data, message):
    with pytest.raises(ValueError, match=message):
        read_bytes(name, data)


def test_h5_dataset_declaring_a_huge_shape_is_refused_before_reading():
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_dataset("layers/lstm/cell/vars/0", shape=(10**5, 4 * 10**4), dtype="f4")  # never written
        f["layers/lstm/cell/vars/1"] = np.zeros((2, 8))
    with pytest.raises(ValueError, match="declares shape"):
        read_bytes("m.weights.h5", buf.getvalue())


# ---------------------------------------------------------------- TF1 BasicLSTMCell / LSTMCell


def tf1_longhand(cells, x, forget_bias, peepholes=None):
    """TF1's LSTMCell: [i, j, f, o] = [x, h] @ kernel + bias; c = σ(f + forget_bias (+ w_f c)) c +
    σ(i (+ w_i c)) tanh(j); h = σ(o (+ w_o c_new)) tanh(c)."""
    inp = x
    for k, (kernel, bias) in enumerate(cells):
        H = bias.shape[0] // 4
        w_i, w_f, w_o = peepholes[k] if peepholes else (np.zeros(H),) * 3
        h, c, out = np.zeros(H), np.zeros(H), []
        for x_t in inp:
            z = np.concatenate([x_t, h]) @ kernel + bias
            i, j, f, o = z[:H], z[H : 2 * H], z[2 * H : 3 * H], z[3 * H :]
            c = sigmoid(f + forget_bias + w_f * c) * c + sigmoid(i + w_i * c) * np.tanh(j)
            h = sigmoid(o + w_o * c) * np.tanh(c)
            out.append(h)
        inp = np.array(out)
    return inp


def _tf1_cells(rng, I, H, n):  # noqa: E741
    return [
        (rng.uniform(-1, 1, ((I if k == 0 else H) + H, 4 * H)), rng.uniform(-1, 1, 4 * H)) for k in range(n)
    ]


@pytest.mark.parametrize("fmt", ["safetensors", "npz"])
def test_tf1_multi_rnn_cell_matches_the_basic_lstm_cell_equations(tmp_path, fmt):
    rng = np.random.default_rng(7)
    cells = _tf1_cells(rng, 3, 4, 2)
    weights = {}
    for k, (kernel, bias) in enumerate(cells):
        weights[f"rnn/multi_rnn_cell/cell_{k}/basic_lstm_cell/kernel"] = kernel
        weights[f"rnn/multi_rnn_cell/cell_{k}/basic_lstm_cell/bias"] = bias
    path = tmp_path / f"tf1.{fmt}"
    if fmt == "npz":
        np.savez(path, **weights)
    else:
        from safetensors.numpy import save_file

        save_file(weights, str(path))
    x = rng.uniform(-1, 1, (6, 3))
    net = lstm_core.load(path, forget_bias=1.0)
    assert np.abs(net.run(x).h - tf1_longhand(cells, x, 1.0)).max() <= 1e-12
    other = lstm_core.load(path, layout="tf1", forget_bias=0.25)
    assert np.abs(other.run(x).h - tf1_longhand(cells, x, 0.25)).max() <= 1e-12


def test_tf1_without_forget_bias_is_refused_naming_it(tmp_path):
    kernel, bias = _tf1_cells(np.random.default_rng(0), 2, 2, 1)[0]
    np.savez(tmp_path / "t.npz", **{"rnn/basic_lstm_cell/kernel": kernel, "rnn/basic_lstm_cell/bias": bias})
    with pytest.raises(ValueError, match="missing setting 'forget_bias'.*BasicLSTMCell"):
        lstm_core.load(tmp_path / "t.npz")


def test_tf1_forget_bias_recorded_in_the_file_is_used(tmp_path):
    rng = np.random.default_rng(8)
    (kernel, bias), x = _tf1_cells(rng, 2, 3, 1)[0], rng.uniform(-1, 1, (4, 2))
    w = {"lstm_cell/kernel:0": kernel, "lstm_cell/bias:0": bias, "forget_bias": np.array(0.5)}
    np.savez(tmp_path / "t.npz", **w)
    assert (
        np.abs(lstm_core.load(tmp_path / "t.npz").run(x).h - tf1_longhand([(kernel, bias)], x, 0.5)).max()
        <= 1e-12
    )
    with pytest.raises(ValueError, match=r"records forget_bias=0\.5, and forget_bias=1\.0 was given"):
        lstm_core.load(tmp_path / "t.npz", forget_bias=1.0)


def test_tf1_lstm_cell_with_peepholes_matches_the_equations(tmp_path):
    rng = np.random.default_rng(9)
    (kernel, bias), x = _tf1_cells(rng, 2, 3, 1)[0], rng.uniform(-1, 1, (5, 2))
    diag = {name: rng.uniform(-1, 1, 3) for name in ("w_i_diag", "w_f_diag", "w_o_diag")}
    w = {"rnn/lstm_cell/kernel": kernel, "rnn/lstm_cell/bias": bias} | {
        f"rnn/lstm_cell/{n}": a for n, a in diag.items()
    }
    np.savez(tmp_path / "p.npz", **w)
    net = lstm_core.load(tmp_path / "p.npz", forget_bias=1.0)
    assert net.variant == "peephole"
    expected = tf1_longhand(
        [(kernel, bias)], x, 1.0, [(diag["w_i_diag"], diag["w_f_diag"], diag["w_o_diag"])]
    )
    assert np.abs(net.run(x).h - expected).max() <= 1e-12


def test_tf1_projection_is_refused_naming_num_proj():
    kernel, bias = _tf1_cells(np.random.default_rng(0), 2, 2, 1)[0]
    w = {
        "rnn/lstm_cell/kernel": kernel,
        "rnn/lstm_cell/bias": bias,
        "rnn/lstm_cell/projection/kernel": np.zeros((2, 1)),
    }
    with pytest.raises(ValueError, match="num_proj"):
        LSTM.from_weights(w | {"forget_bias": np.array(1.0)}, layout="tf1")


# ---------------------------------------------------------------- the new layouts round-trip exactly


@pytest.mark.parametrize(
    ("layout", "variant"),
    [("tf1", "standard"), ("tf1", "peephole"), ("onnx", "standard"), ("onnx", "peephole")],
)
def test_new_layouts_round_trip_exactly_and_compute_the_same(tmp_path, layout, variant):
    net = LSTM.random(3, 4, num_layers=2, variant=variant, seed=1)
    w = net.to_weights(layout)
    back = LSTM.from_weights(w, layout=layout, variant=variant)
    for k, a in back.to_weights(layout).items():
        np.testing.assert_array_equal(a, w[k])
    x = np.random.default_rng(0).uniform(-1, 1, (5, 3))
    # The same numbers; BLAS may sum in another order for arrays at other addresses, hence 1e-15.
    np.testing.assert_allclose(back.run(x).h, net.run(x).h, rtol=0, atol=1e-15)
    path = save_weights(tmp_path / "w.safetensors", w, variant, layout)
    np.testing.assert_allclose(lstm_core.load(path).run(x).h, net.run(x).h, rtol=0, atol=1e-15)


def test_pickle_formats_stay_refused(tmp_path):
    for suffix in (".pt", ".pth", ".pkl", ".ckpt"):
        (tmp_path / f"m{suffix}").write_bytes(b"\x80\x04junk")
        with pytest.raises(ValueError, match="pickle"):
            lstm_core.load(tmp_path / f"m{suffix}")


def _mutations(data: bytes, rng, n: int):
    """``n`` damaged copies of ``data``: truncated, or with a few bytes overwritten."""
    for _ in range(n):
        b = bytearray(data)
        if rng.random() < 0.3:
            b = b[: rng.integers(0, len(b))]
        else:
            for _ in range(rng.integers(1, 8)):
                b[rng.integers(0, len(b))] = rng.integers(0, 256)
        yield bytes(b)


def test_damaged_model_files_give_a_value_error_and_nothing_else():
    rng = np.random.default_rng(11)
    w = {"lstm": _lstm_arrays(rng, 2, 3)}
    config = _sequential(_lstm_config("lstm", 3))
    buf = io.BytesIO()
    _export(torch.nn.LSTM(2, 3), torch.zeros(3, 1, 2), buf)
    seeds = {
        "m.keras": _dot_keras(config, w),
        "m.weights.h5": _keras3_h5(w),
        "old.h5": _legacy_h5(config, w),
        "m.onnx": buf.getvalue(),
    }
    for name, data in seeds.items():
        read_bytes(name, data)  # the undamaged file loads
        for damaged in _mutations(data, rng, 60):
            try:
                read_bytes(name, damaged)
            except ValueError as e:
                assert str(e)
