"""Read the recurrent layers of a Keras model file (docs/design.md, "Model files") with h5py, no pickle.

- ``.keras`` (Keras 3): a zip of ``config.json`` and ``model.weights.h5``, where layer ``name``'s variables
  are ``layers/<name>/cell/vars/0, 1, 2`` (kernel, recurrent_kernel, bias).
- ``.weights.h5`` (Keras 3 ``save_weights``): the same HDF5 tree without a config.
- legacy ``.h5`` (Keras 2 ``model.save`` / ``save_weights``): ``model_config`` as a root attribute (full
  models only), layers listed in the ``layer_names`` attribute of ``model_weights`` (or of the root), each
  with a ``weight_names`` attribute naming ``.../kernel:0``, ``.../recurrent_kernel:0``, ``.../bias:0``.

Every ``LSTM``, ``GRU`` and ``SimpleRNN`` layer is read, bottom first; a config the core cannot compute
(another activation, ``go_backwards``, ``Bidirectional``, a GRU with ``reset_after=False``) is refused by
name. Without a config the activations cannot be checked, and ``Found.notices`` says so.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile

import numpy as np

from .found import MAX_ARRAY_BYTES, Found

RECURRENT = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "rnn"}
_CONTAINERS = ("Sequential", "Functional", "Model")
_WEIGHTS = ("kernel", "recurrent_kernel", "bias")
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
NO_CONFIG = (
    "this file holds weights only, without the model's config, so the activations, go_backwards and "
    "reset_after could not be checked; they are taken to be Keras's defaults (tanh, sigmoid)"
)


def is_hdf5(data: bytes) -> bool:
    return data.startswith(_HDF5_SIGNATURE)


def read(data: bytes) -> Found:
    """The recurrent layers of a .keras, .weights.h5 or legacy .h5 file given as bytes."""
    if data.startswith(b"PK"):
        config, h5 = _unzip(data)
        return _read_h5(h5, config, "Keras .keras model")
    if not is_hdf5(data):
        raise ValueError("this is neither a .keras archive (a zip) nor an HDF5 file (.h5, .weights.h5)")
    return _read_h5(data, None, "Keras HDF5 file")


def _unzip(data: bytes) -> tuple[dict, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = {i.filename: i for i in z.infolist()}
            for needed in ("config.json", "model.weights.h5"):
                if needed not in members:
                    raise ValueError(f"this .keras archive has no {needed}")
                if members[needed].file_size > MAX_ARRAY_BYTES:
                    raise ValueError(f"{needed} in this .keras archive unpacks to more than this app reads")
            config_text, h5 = z.read("config.json"), z.read("model.weights.h5")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        raise ValueError(f"this is not a readable .keras archive ({e})") from None
    return _json(config_text, "config.json"), h5


def _json(text, what: str) -> dict:
    try:
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise ValueError(f"{what} is not readable JSON ({e})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{what} is not a Keras model config (a JSON object)")
    return doc


def _read_h5(data: bytes, config: dict | None, source: str) -> Found:
    import h5py

    try:
        with h5py.File(io.BytesIO(data), "r") as f:
            if config is None and "model_config" in f.attrs:
                config = _json(f.attrs["model_config"], "the file's model_config")
            specs = _layer_configs(config) if config is not None else None
            layers = _legacy_layers(f, specs) if _legacy_root(f) is not None else _keras3_layers(f, specs)
    except ValueError:
        raise
    except Exception as e:  # noqa: BLE001 (h5py raises many kinds on a damaged file; every one is a refusal)
        why = f"{type(e).__name__}: {e}"
        raise ValueError(f"this HDF5 file cannot be read as Keras weights ({why})") from None
    return _found(layers, specs is not None, source)


# ---------------------------------------------------------------- the config


def _layer_configs(config: dict) -> list[tuple[str, str, dict]]:
    """[(class name, layer name, layer config)] of the recurrent layers, in the config's order; refuses
    wrappers and settings the core cannot compute."""
    out = []
    for cls, cfg in _walk(config):
        if cls == "Bidirectional":
            raise ValueError(f"layer {cfg.get('name')!r} is Bidirectional; the core runs forward layers only")
        if cls in ("LSTMCell", "GRUCell", "RNN", "StackedRNNCells", "CuDNNLSTM", "CuDNNGRU", "ConvLSTM2D"):
            raise ValueError(
                f"layer {cfg.get('name')!r} is a {cls}; Load weights reads LSTM, GRU and SimpleRNN layers"
            )
        if cls in RECURRENT:
            _check_config(cls, cfg)
            out.append((cls, str(cfg.get("name")), cfg))
    return out


def _walk(node):
    """(class_name, config) of every layer in a model config, nested models included, in order."""
    if isinstance(node, dict):
        cls, cfg = node.get("class_name"), node.get("config")
        if cls in _CONTAINERS or cls is None:
            inner = cfg.get("layers") if isinstance(cfg, dict) else cfg
            for child in inner if isinstance(inner, list) else []:
                yield from _walk(child)
        elif isinstance(cfg, dict):
            yield cls, cfg


def _activation(value) -> str:
    """An activation's name from a Keras 2 string or a Keras 3 serialized object."""
    if isinstance(value, dict):
        value = value.get("config", value.get("class_name"))
        if isinstance(value, dict):
            value = value.get("name")
    return str(value)


def _check_config(cls: str, cfg: dict) -> None:
    name = cfg.get("name")
    expected = {"activation": "tanh"} | ({} if cls == "SimpleRNN" else {"recurrent_activation": "sigmoid"})
    for setting, default in expected.items():
        if setting in cfg and (value := _activation(cfg[setting])) != default:
            raise ValueError(
                f"{cls} layer {name!r} has {setting}={value!r}; the core computes {setting}={default!r} only"
            )
    for setting in ("go_backwards",):
        if cfg.get(setting):
            raise ValueError(f"{cls} layer {name!r} has {setting}=True; the core runs forward layers only")
    if cls == "GRU" and not cfg.get("reset_after", True):
        raise ValueError(
            f"GRU layer {name!r} has reset_after=False; the core's GRU (as PyTorch's) applies the reset gate "
            "after the recurrent product, reset_after=True"
        )


# ---------------------------------------------------------------- the weights


def _legacy_root(f):
    """The group that lists the layers in a Keras 2 file, or None for a Keras 3 file."""
    if "model_weights" in f and "layer_names" in f["model_weights"].attrs:
        return f["model_weights"]
    return f if "layer_names" in f.attrs else None


def _legacy_layers(f, specs) -> list[tuple[str, dict]]:
    """[(layer name, {kernel, recurrent_kernel, bias})] from a Keras 2 HDF5 file."""
    root = _legacy_root(f)
    found = {}
    for layer in (_text(n) for n in root.attrs["layer_names"]):
        group = root[layer]
        names = [_text(n) for n in group.attrs.get("weight_names", [])]
        if any("backward_" in n for n in names):
            raise ValueError(f"layer {layer!r} is Bidirectional; the core runs forward layers only")
        arrays = {_base(n): _array(group[n], n) for n in names if _base(n) in _WEIGHTS}
        if "kernel" in arrays and "recurrent_kernel" in arrays:
            found[layer] = arrays
    return _in_config_order(found, specs)


def _keras3_layers(f, specs) -> list[tuple[str, dict]]:
    """[(layer name, {kernel, recurrent_kernel, bias})] from a Keras 3 file: each group ``.../cell/vars``."""
    paths = []
    f.visit(lambda p: paths.append(p) if p.endswith("cell/vars") else None)
    found = {}
    for path in paths:
        if "backward_layer" in path:
            raise ValueError(f"{path!r} belongs to a Bidirectional layer; the core runs forward layers only")
        group = f[path]
        arrays = {_WEIGHTS[int(k)]: _array(group[k], f"{path}/{k}") for k in group if k in ("0", "1", "2")}
        if "kernel" in arrays and "recurrent_kernel" in arrays:
            found[path.split("/")[-3]] = arrays
    return _in_config_order(found, specs)


def _in_config_order(found: dict, specs) -> list[tuple[str, dict]]:
    if specs is None:  # no config: layers by name, lstm before lstm_1 before lstm_2 … lstm_10
        return sorted(
            found.items(), key=lambda kv: [int(s) if s.isdigit() else s for s in re.split(r"(\d+)", kv[0])]
        )
    missing = [name for _, name, _ in specs if name not in found]
    if missing:
        raise ValueError(f"the config names layer {missing[0]!r}, whose weights are not in the file")
    return [(name, found[name]) for _, name, _ in specs]


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _base(weight_name: str) -> str:
    """ "lstm/lstm_cell/kernel:0" -> "kernel"."""
    return weight_name.rsplit("/", 1)[-1].split(":")[0]


def _array(dataset, where: str) -> np.ndarray:
    """A dataset as float64, its declared size checked before h5py allocates it."""
    shape, dtype = getattr(dataset, "shape", None), getattr(dataset, "dtype", None)
    if shape is None or dtype is None or dtype.kind not in "fiu":
        raise ValueError(f"{where!r} is not an array of numbers")
    if math.prod(shape) * 8 > MAX_ARRAY_BYTES:
        raise ValueError(f"{where!r} declares shape {shape}, more than this app reads")
    return np.asarray(dataset[()], dtype=np.float64)


def _found(layers: list[tuple[str, dict]], has_config: bool, source: str) -> Found:
    if not layers:
        raise ValueError("no LSTM, GRU or SimpleRNN layer with weights was found in this file")
    kinds = {name: _kind(w) for name, w in layers}
    if len(set(kinds.values())) > 1:
        listed = ", ".join(f"{n} ({k})" for n, k in kinds.items())
        raise ValueError(f"this model mixes recurrent layers of different kinds ({listed}); one kind is read")
    kind = next(iter(kinds.values()))
    out = []
    for _, w in layers:
        G_H = w["recurrent_kernel"].shape[-1]
        bias_shape = (2, G_H) if kind == "gru" else (G_H,)
        w.setdefault("bias", np.zeros(bias_shape))  # use_bias=False: the layer adds nothing
        if kind == "gru" and w["bias"].shape != bias_shape:
            raise ValueError(
                f"a GRU bias of shape {w['bias'].shape} means reset_after=False; the core's GRU (as "
                "PyTorch's) needs reset_after=True, a bias of shape (2, 3H)"
            )
        out.append(w)
    return Found(kind, "keras", "standard", out, source, notices=[] if has_config else [NO_CONFIG])


def _kind(w: dict) -> str:
    """lstm, gru or rnn from the blocks of the recurrent kernel (H, G*H): G = 4, 3 or 1."""
    shape = w["recurrent_kernel"].shape
    if len(shape) != 2 or shape[0] == 0 or shape[1] % shape[0]:
        raise ValueError(f"a recurrent_kernel of shape {shape} is not (H, G·H)")
    kind = {4: "lstm", 3: "gru", 1: "rnn"}.get(shape[1] // shape[0])
    if kind is None:
        raise ValueError(
            f"a recurrent_kernel of shape {shape} has {shape[1] // shape[0]} gate blocks; 4, 3 or 1 expected"
        )
    return kind
