"""Model files through the Load weights panel (AppTest): an ONNX export of nn.LSTM, a Keras .keras
archive, TF1 weights that need forget_bias from the panel, and refusals that name the setting."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import torch
from streamlit.testing.v1 import AppTest

from lstm_core.sequences import make_preset
from tests.core.test_model_files import (
    _dot_keras,
    _lstm_arrays,
    _lstm_config,
    _sequential,
    keras_lstm_longhand,
    tf1_longhand,
)
from tests.plotly_data import chart_specs, decode

ROOT = Path(__file__).resolve().parents[2]
X = make_preset("sine", 20, 0).x  # the home page's default sequence: 20 steps of 2 features


def _home() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def _upload(at: AppTest, name: str, data: bytes) -> None:
    at.sidebar.file_uploader(key="weights_upload").set_value((name, data, "application/octet-stream"))
    at.run().run()  # the panel loads the file after this run read the network: the next run shows it


def _memory(at: AppTest) -> np.ndarray:
    """The home page's LTM heatmap, (H, T)."""
    return decode(chart_specs(at)[0]["data"][0]["z"])


def _sidebar_text(at: AppTest, kind: str) -> str:
    return " ".join(e.value for e in getattr(at.sidebar, kind))


def _captions(at: AppTest) -> str:
    """The sidebar's captions as shown (file names and keys are backslash-escaped for Markdown)."""
    return _sidebar_text(at, "caption").replace("\\", "")


def test_an_onnx_export_loads_shows_its_gate_blocks_and_is_plotted(tmp_path):
    torch.manual_seed(0)
    module = torch.nn.LSTM(2, 3).double()
    torch.onnx.export(
        module, (torch.zeros(4, 1, 2, dtype=torch.float64),), str(tmp_path / "m.onnx"), dynamo=False
    )
    at = _home()
    _upload(at, "m.onnx", (tmp_path / "m.onnx").read_bytes())
    assert not at.exception and not at.sidebar.error
    assert "Using **m.onnx**: standard, 1 layer(s) × 3 units" in _sidebar_text(at, "success")
    captions = _captions(at)
    assert "ONNX rows of W, R, B 0–2 → i, 3–5 → o, 6–8 → f, 9–11 → g (ONNX c)" in captions
    state, cells = None, []
    with torch.no_grad():
        for x_t in torch.from_numpy(X.copy()):  # one step at a time, to read torch's c_t at every t
            _, state = module(x_t[None, None, :], state)
            cells.append(state[1][0, 0].numpy())
    np.testing.assert_allclose(_memory(at), np.array(cells).T, atol=1e-12)


def test_a_dot_keras_model_loads_and_matches_the_keras_equations():
    rng = np.random.default_rng(0)
    w = {"lstm": _lstm_arrays(rng, 2, 4)}
    at = _home()
    _upload(at, "model.keras", _dot_keras(_sequential(_lstm_config("lstm", 4)), w))
    assert not at.sidebar.error
    assert "Keras columns of kernel, recurrent_kernel, bias 0–3 → i, 4–7 → f" in _captions(at)
    kernel, recurrent, bias = (a.astype(np.float32).astype(np.float64) for a in w["lstm"])
    h = keras_lstm_longhand([(kernel, recurrent, bias)], X)
    net = at.session_state["loaded_net"].net()
    np.testing.assert_allclose(net.run(X).h, h, atol=1e-12)


def test_a_hard_sigmoid_keras_model_is_refused_with_its_name():
    w = {"lstm": _lstm_arrays(np.random.default_rng(0), 2, 4)}
    config = _sequential(_lstm_config("lstm", 4, recurrent_activation="hard_sigmoid"))
    at = _home()
    _upload(at, "old.keras", _dot_keras(config, w))
    error = _sidebar_text(at, "error")
    assert "old.keras was not loaded" in error
    assert "recurrent\\_activation='hard\\_sigmoid'" in error  # escaped for Markdown, shown as typed
    assert "loaded_net" not in at.session_state


def test_tf1_weights_ask_for_forget_bias_in_the_panel_and_then_load():
    rng = np.random.default_rng(1)
    kernel, bias = rng.uniform(-1, 1, (2 + 3, 12)), rng.uniform(-1, 1, 12)
    buf = io.BytesIO()
    np.savez(
        buf,
        **{
            "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel": kernel,
            "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias": bias,
        },
    )
    at = _home()
    _upload(at, "tf1.npz", buf.getvalue())
    assert "missing setting 'forget\\_bias'" in _sidebar_text(at, "error")
    at.sidebar.number_input(key="weights_forget_bias").set_value(1.0)
    at.run().run()
    assert not at.sidebar.error
    assert "TF1 columns of kernel and bias 0–2 → i, 3–5 → g (TF1 j), 6–8 → f, 9–11 → o" in _captions(at)
    net = at.session_state["loaded_net"].net()
    np.testing.assert_allclose(net.run(X).h, tf1_longhand([(kernel, bias)], X, 1.0), atol=1e-12)


def test_a_gru_model_file_loads_and_a_page_of_lstms_points_to_step_through_time(tmp_path):
    torch.onnx.export(torch.nn.GRU(2, 3), (torch.zeros(4, 1, 2),), str(tmp_path / "g.onnx"), dynamo=False)
    at = _home()
    _upload(at, "g.onnx", (tmp_path / "g.onnx").read_bytes())
    assert not at.exception and not at.sidebar.error
    assert "Using **g.onnx**: gru, 1 layer(s) × 3 units" in _sidebar_text(at, "success")
    assert "ONNX GRU rows of W, R, B 0–2 → z, 3–5 → r, 6–8 → n (ONNX h)" in _captions(at)
    assert any("the loaded GRU is shown on Step through time" in i.value for i in at.info)
    assert at.session_state["loaded_net"].variant == "gru"
