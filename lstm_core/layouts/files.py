"""``lstm_core.load``: any supported file in, a network out (docs/design.md, "Model files").

Weight files (.npz, .json, .safetensors) go through ``lstm_core.weights``; model files (.keras, .h5,
.weights.h5, .onnx) through the readers of this package. The result says which layout the file was in and
which block of the file became which gate, because gate order is what differs between frameworks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import weights as weight_files
from . import REGISTRY, check_layout, gate_map, keras_file, onnx_file, sizes
from .found import Found

MODEL_SUFFIXES = {".keras": "keras", ".h5": "keras", ".hdf5": "keras", ".onnx": "onnx"}
CELLS = ("gru", "rnn")  # the cells beside the LSTM; their weight files are in the torch layout
SUFFIXES = (".npz", ".json", ".safetensors", *MODEL_SUFFIXES)
_PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".bin")


def check_suffix(filename: str) -> str:
    """The file's suffix, lower case, if it is one that is read; a ValueError says what is accepted."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"cannot read {Path(filename).name!r}: files must end in .npz, .json or .safetensors (weight "
            "files), or .keras, .weights.h5, .h5 or .onnx (model files)"
            + (
                " (pickle-based files are refused because loading them can run arbitrary code)"
                if suffix in _PICKLE_SUFFIXES
                else ""
            )
        )
    return suffix


@dataclass(frozen=True)
class Loaded:
    """A network read from a file: ``net`` (an LSTM, GRU or RNN), the ``layout`` the file was in, ``kind``
    (the LSTM variant, or "gru" / "rnn"), ``gate_map`` (which block became which gate) and ``notices``
    (what could not be checked)."""

    net: object
    layout: str
    kind: str
    gate_map: str
    notices: tuple[str, ...] = ()


def load(path, layout: str | None = None, variant: str | None = None, forget_bias: float | None = None):
    """The network in a weight or model file; its ``.run(x).h`` is the top layer's (T, H) output.

    layout, variant: override what the file says or what its key names suggest. forget_bias: the number
    TF1 adds to the forget gate (tf1 files only; TF1 does not save it). ValueError for what is refused,
    naming the setting and its value or the key and its shape.
    """
    path = Path(path)
    return read_bytes(path.name, path.read_bytes(), layout, variant, forget_bias).net


def read_bytes(
    filename: str,
    data: bytes,
    layout: str | None = None,
    variant: str | None = None,
    forget_bias: float | None = None,
    limit: Callable[[int, int, int], None] | None = None,
) -> Loaded:
    """``load`` for bytes (an upload). ``limit(input_size, hidden_size, num_layers)`` may raise ValueError
    before the network is built, so a file too big for the caller is refused by the size it breaks."""
    suffix = check_suffix(filename)
    if suffix in MODEL_SUFFIXES:
        if len(data) > weight_files.MAX_FILE_BYTES:
            raise ValueError(
                f"the file is {len(data) / 2**20:.1f} MB; at most {weight_files.MAX_FILE_MB} MB is read"
            )
        found = (keras_file if MODEL_SUFFIXES[suffix] == "keras" else onnx_file).read(data)
        return _from_found(found, layout, variant, forget_bias, limit)
    wf = weight_files.loads(data, weight_files.format_of(filename))
    layout, variant = layout or wf.layout, variant or wf.variant
    if variant in CELLS:  # a torch nn.GRU / nn.RNN state dict (or the Train page's download of one)
        if layout != "torch":
            raise ValueError(f"layout {layout!r} cannot express a {variant.upper()} weight file; use 'torch'")
        return _build_torch_cell(wf.weights, variant, "torch", limit, ())
    return _build_lstm(wf.weights, layout, variant, forget_bias, limit, ())


def _from_found(found: Found, layout, variant, forget_bias, limit) -> Loaded:
    if layout is not None and layout != found.layout:
        raise ValueError(f"this file is a {found.source}, in the {found.layout!r} layout, not {layout!r}")
    L = REGISTRY[found.layout]
    if found.kind != "lstm":
        if variant not in (None, found.kind):
            raise ValueError(f"this file holds a {found.kind.upper()}, not an LSTM of variant {variant!r}")
        return _build_cell(found, L, limit)
    w = {L.key(name, k): a for k, layer in enumerate(found.layers) for name, a in layer.items()}
    return _build_lstm(w, found.layout, variant or found.variant, forget_bias, limit, tuple(found.notices))


def _build_lstm(w, layout, variant, forget_bias, limit, notices) -> Loaded:
    from ..network import LSTM

    check_layout(layout, variant)
    w = _with_forget_bias(w, layout, forget_bias)
    if limit is not None and (claimed := sizes(w, layout, variant)) is not None:
        limit(*claimed)
    net = LSTM.from_weights(w, layout=layout, variant=variant)
    return Loaded(net, layout, variant, gate_map(layout, variant, net.hidden_size), notices)


def _with_forget_bias(w: dict, layout: str, forget_bias) -> dict:
    """The weights with ``forget_bias`` as the tf1 setting; a ValueError when it clashes or does not apply."""
    if forget_bias is None:
        return w
    if "forget_bias" not in REGISTRY[layout].settings:
        raise ValueError(f"forget_bias={forget_bias!r} applies to the tf1 layout only, not to {layout!r}")
    recorded = w.get("forget_bias")
    if (
        recorded is not None
        and np.asarray(recorded).size == 1
        and float(np.asarray(recorded).reshape(-1)[0]) != forget_bias
    ):
        raise ValueError(
            f"the file records forget_bias={float(np.asarray(recorded).reshape(-1)[0])!r}, "
            f"and forget_bias={forget_bias!r} was given"
        )
    return w | {"forget_bias": np.array(float(forget_bias))}


def _build_cell(found: Found, L, limit) -> Loaded:
    convert = L.cells.get(found.kind)
    if convert is None:
        raise ValueError(f"the {L.name!r} layout has no {found.kind.upper()}")
    w = {f"{name}_l{k}": a for k, layer in enumerate(found.layers) for name, a in convert(layer).items()}
    return _build_torch_cell(w, found.kind, L.name, limit, tuple(found.notices))


def _build_torch_cell(w: dict, kind: str, layout: str, limit, notices) -> Loaded:
    """A GRU or RNN from torch-keyed weights ``w``; ``layout`` is the file's, for the gate map."""
    from ..networks import BY_FAMILY

    if limit is not None and "weight_ih_l0" in w and "weight_hh_l0" in w:
        layers = sum(1 for key in w if key.startswith("weight_ih_l"))
        limit(np.shape(w["weight_ih_l0"])[-1], np.shape(w["weight_hh_l0"])[-1], layers)
    net = BY_FAMILY[kind].from_weights(dict(w))
    return Loaded(net, layout, kind, gate_map(layout, kind, net.hidden_size), notices)
