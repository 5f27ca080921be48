"""Weights from outside: a PyTorch export read through the upload path, refusals, and every page using it."""

import io
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save as save_torch
from streamlit.testing.v1 import AppTest

from lstm_core import LSTM
from lstm_core.sequences import make_preset
from tests.plotly_data import chart_specs, decode
from ui.loaded import LoadedNet, read_upload

ROOT = Path(__file__).resolve().parents[2]


def torch_export(input_size=2, hidden=5, layers=2) -> tuple[torch.nn.LSTM, bytes]:
    torch.manual_seed(0)
    module = torch.nn.LSTM(input_size, hidden, layers)
    return module, save_torch(module.state_dict())  # float32, no metadata: as a student would export it


def test_a_pytorch_safetensors_export_is_detected_and_matches_torch():
    module, data = torch_export()
    net = read_upload("student.safetensors", data)
    assert (net.variant, net.input_size, net.hidden_size, net.num_layers) == ("standard", 2, 5, 2)
    x = make_preset("sine", 20, 0).x
    with torch.no_grad():
        expected = module.double()(torch.from_numpy(x.copy()))[0].numpy()
    np.testing.assert_allclose(net.run(x).h, expected, atol=1e-6)  # the export was float32


def test_a_keras_npz_export_is_detected():
    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    np.savez(
        buf,
        kernel_l0=rng.normal(size=(3, 16)),
        recurrent_kernel_l0=rng.normal(size=(4, 16)),
        bias_l0=rng.normal(size=16),
    )
    net = read_upload("keras.npz", buf.getvalue())
    assert (net.input_size, net.hidden_size) == (3, 4)


@pytest.mark.parametrize("name", ["model.pt", "model.pth", "weights.pkl", "model.ckpt"])
def test_pickle_based_files_are_refused_by_name(name):
    with pytest.raises(ValueError, match="pickle"):
        read_upload(name, pickle.dumps({"weight_ih_l0": np.zeros((4, 1))}))


@pytest.mark.parametrize("name", ["model.h5", "model.keras", "model.onnx"])
def test_a_pickle_named_as_a_model_file_is_refused_as_not_that_format(name):
    with pytest.raises(ValueError, match="neither a .keras archive|not a readable .onnx"):
        read_upload(name, pickle.dumps({"weight_ih_l0": np.zeros((4, 1))}))


def test_a_pickle_renamed_to_npz_is_refused_without_unpickling():
    with pytest.raises(ValueError, match="would need pickle to load; refused"):
        read_upload("renamed.npz", pickle.dumps({"weight_ih_l0": np.zeros((4, 1))}))


def test_weights_beyond_the_app_limits_are_refused_with_the_limit():
    data = save_torch(torch.nn.LSTM(2, 40).state_dict())
    with pytest.raises(ValueError, match="hidden size 40; this app shows at most 32"):
        read_upload("big.safetensors", data)


def loaded_net(net: LSTM) -> LoadedNet:
    w = net.to_weights("torch")
    return LoadedNet(
        "student.safetensors", "standard", "torch", w, net.input_size, net.hidden_size, net.num_layers
    )


def test_every_page_runs_the_loaded_network():
    _, data = torch_export()
    net = read_upload("student.safetensors", data)
    x = make_preset("sine", 20, 0).x
    expected = net.run(x)
    for page in ("app.py", "views/1_Cell_anatomy.py", "views/2_Step_through_time.py"):
        at = AppTest.from_file(str(ROOT / page), default_timeout=60)
        at.session_state["loaded_net"] = loaded_net(net)
        at.run()
        assert not at.exception, page
        assert at.sidebar.slider[0].value == 5 and at.sidebar.slider[0].disabled
    home = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    home.session_state["loaded_net"] = loaded_net(net)
    home.run()
    np.testing.assert_allclose(
        decode(chart_specs(home)[0]["data"][0]["z"]), expected.layers[0].c.T, atol=1e-12
    )


def test_a_loaded_network_with_the_wrong_input_width_says_so_and_falls_back():
    net = LSTM.random(3, 4, 1, seed=1)  # the default sine preset has 2 features
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["loaded_net"] = loaded_net(net)
    at.run()
    assert not at.exception
    assert "read 3 feature(s) per step, but the sequence has 2" in " ".join(e.value for e in at.sidebar.error)


@pytest.mark.parametrize(
    ("name", "sizes"),
    [
        ("remember_first_bit.safetensors", (2, 8, 1)),
        ("parity_counter.safetensors", (1, 16, 1)),
        ("adding_problem.safetensors", (2, 16, 1)),
        ("pytorch_export.safetensors", (2, 4, 1)),
    ],
)
def test_the_shipped_examples_load_through_the_upload_path(name, sizes):
    path = ROOT / "assets" / "weights" / name
    net = read_upload(name, path.read_bytes())
    assert (net.input_size, net.hidden_size, net.num_layers) == sizes
    x = np.random.default_rng(0).integers(0, 2, size=(20, net.input_size)).astype(float)
    assert np.isfinite(net.run(x).h).all()


def test_every_trained_example_is_made_by_the_script():
    import scripts.make_example_weights as maker

    shipped = {p.name for p in (ROOT / "assets" / "weights").glob("*.safetensors")}
    assert shipped == set(maker.TRAINED) | {"pytorch_export.safetensors"}
