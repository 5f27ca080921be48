"""torch nn.GRU / nn.RNN weight files through the Load weights panel on Step through time (AppTest): the
file loads instead of being refused, the page runs the loaded cell and plots torch's numbers; on a page
of LSTMs the loaded cell is set aside with a notice naming where it is shown; a variant override that
does not fit is refused."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save
from streamlit.testing.v1 import AppTest

from lstm_core.sequences import make_preset
from tests.app.test_stepping_page import figure, shown, step, trace_of
from tests.plotly_data import decode

ROOT = Path(__file__).resolve().parents[2]
X = make_preset("sine", 20, 0).x  # the default sequence: 20 steps of 2 features


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / name), default_timeout=60)
    at.run()
    return at


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.sidebar.file_uploader(key="weights_upload").set_value((name, data, "application/octet-stream"))
    at.run().run()  # the panel loads the file after this run read the network: the next run shows it
    assert not at.exception, [e.value for e in at.exception]
    return at


def _torch(kind: str, seed: int = 0):
    torch.manual_seed(seed)
    module = {"gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind](2, 3).double()
    with torch.no_grad():
        out, _ = module(torch.from_numpy(X.copy()))
    return module, out.numpy()


@pytest.mark.parametrize("kind", ["gru", "rnn"])
def test_a_torch_state_dict_opens_on_step_through_time_with_torchs_numbers(kind):
    module, h = _torch(kind)
    at = _upload(_page("views/2_Step_through_time.py"), f"{kind}.safetensors", save(module.state_dict()))
    assert not at.sidebar.error
    success = " ".join(e.value for e in at.sidebar.success)
    assert f"{kind}.safetensors**: {kind}, 1 layer(s) × 3 units, 2 input feature(s)" in success
    assert at.selectbox(key="w_variant").value == kind and at.selectbox(key="w_variant").disabled
    spec = figure(at)
    np.testing.assert_allclose(decode(trace_of(spec, "h")["y"]), h[0], rtol=0, atol=1e-12)
    line = trace_of(spec, "unit_line", key="h")
    np.testing.assert_allclose(decode(line["y"]), h[:, 0], rtol=0, atol=1e-12)  # unit 0 at every step
    step(at, 9)
    _, spec = shown(at)
    np.testing.assert_allclose(decode(trace_of(spec, "h")["y"]), h[9], rtol=0, atol=1e-12)
    np.testing.assert_allclose(decode(trace_of(spec, "h_prev")["y"]), h[8], rtol=0, atol=1e-12)


def test_the_gru_gates_plotted_are_torchs_equations_of_the_loaded_weights():
    module, h = _torch("gru", seed=4)
    buf = io.BytesIO()
    np.savez(buf, **{k: v.numpy() for k, v in module.state_dict().items()})
    at = _upload(_page("views/2_Step_through_time.py"), "g.npz", buf.getvalue())
    w = {k: v.numpy() for k, v in module.state_dict().items()}
    H = 3
    h_prev = np.vstack([np.zeros(H), h[:-1]])
    gi = X @ w["weight_ih_l0"].T + w["bias_ih_l0"]  # torch.nn.GRU's documented equations, longhand
    gh = h_prev @ w["weight_hh_l0"].T + w["bias_hh_l0"]
    r = 1 / (1 + np.exp(-(gi[:, :H] + gh[:, :H])))
    z = 1 / (1 + np.exp(-(gi[:, H : 2 * H] + gh[:, H : 2 * H])))
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    np.testing.assert_allclose((1 - z) * n + z * h_prev, h, rtol=0, atol=1e-12)
    maps = {d["meta"]["key"]: decode(d["z"]) for d in figure(at)["data"] if d["type"] == "heatmap"}
    for key, expected in (("r", r), ("z", z), ("n", n)):
        np.testing.assert_allclose(maps[key], expected.T, rtol=0, atol=1e-12)


def test_on_a_page_of_lstms_the_loaded_gru_is_set_aside_with_a_notice():
    module, _ = _torch("gru")
    at = _upload(_page("views/3_Gate_lab.py"), "gru.safetensors", save(module.state_dict()))
    assert any("the loaded GRU is shown on Step through time" in i.value for i in at.info)
    assert at.selectbox(key="w_variant").value == "standard" and not at.selectbox(key="w_variant").disabled
    assert at.session_state["loaded_net"].variant == "gru"  # kept for the pages that show it


def test_a_variant_override_that_does_not_fit_is_refused_by_the_shape():
    module, _ = _torch("gru")
    at = _page("views/2_Step_through_time.py")
    at.sidebar.selectbox(key="weights_variant").set_value("standard")
    _upload(at, "gru.safetensors", save(module.state_dict()))
    error = " ".join(e.value for e in at.sidebar.error).replace("\\", "")
    assert "gru.safetensors was not loaded" in error and "weight_hh_l0" in error
    assert "loaded_net" not in at.session_state
