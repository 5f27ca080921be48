"""Weights from outside the app: an uploaded file or a cell trained on the Train page.

A loaded network replaces the random one on every page until the learner goes back to random weights; a
GRU or a plain RNN (torch ``nn.GRU`` / ``nn.RNN`` weights, or a Keras or ONNX model holding one) replaces it
on the pages that show those cells (``ui.controls.CELL_PAGES``), and the others say where it is shown.
Weight files (.npz, .json, .safetensors) and model files (.keras, .weights.h5, .h5, .onnx) are read
through ``lstm_core.layouts.files``; pickle-based files are refused by name, before a single byte of them
is read. After a load the panel says which gate block of the file became which gate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import streamlit as st

from lstm_core import LAYOUTS, LSTM, cells
from lstm_core.layouts import files as model_files
from lstm_core.limits import UPLOAD_MB
from lstm_core.sequences import MAX_FEATURES, Sequence
from ui import compute
from ui.state import MAX_HIDDEN, MAX_LAYERS

EXPORT_HELP = """Export your weights to a safe format first — for a PyTorch `nn.LSTM`, `nn.GRU` or `nn.RNN`:

```python
from safetensors.torch import save_file
save_file(model.lstm.state_dict(), "lstm.safetensors")   # model.lstm is the nn.LSTM (or nn.GRU, nn.RNN)
```

or the whole model to ONNX with `torch.onnx.export(model, (x,), "model.onnx", dynamo=False)`. Keras
models upload as they are saved: `model.save("model.keras")` or `model.save_weights("model.weights.h5")`."""
UPLOAD_TYPES = ["safetensors", "npz", "json", "keras", "h5", "onnx", "pt", "pth", "pkl", "ckpt", "bin"]
UPLOAD_LABEL = "Weight or model file"  # the uploader's label; browser tests find the widget by it


@dataclass(frozen=True)
class LoadedNet:
    """A network the learner brought in: plain data, so it caches and pickles like any parameter."""

    label: str
    variant: str
    layout: str
    weights: dict[str, np.ndarray]
    input_size: int
    hidden_size: int
    num_layers: int
    gate_map: str = ""  # which block of the file became which gate ("" for a network trained here)
    notices: tuple[str, ...] = ()  # what could not be checked in the file

    def net(self):
        """The LSTM, GRU or RNN of these weights."""
        return compute.weights_network(self.variant, self.layout, self.weights)


# Largest |weight| taken from a file: far beyond any trained network, and small enough that W x with
# |x| <= MAX_ABS_VALUE can never overflow to inf.
MAX_ABS_WEIGHT = 1e6

# Characters that Markdown (and Streamlit's :color[...] / :emoji: directives) would act on, and the
# "1." or "1)" that would start a numbered list.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#|~$:!+-])")
_LIST_NUMBER = re.compile(r"^(\s*\d+)([.)])")


def plain(text: str) -> str:
    """``text`` (a file name, a key from a file) backslash-escaped so Markdown shows it as typed."""
    return _LIST_NUMBER.sub(r"\1\\\2", _MARKDOWN_SPECIALS.sub(r"\\\1", text))


def _check_sizes(input_size: int, hidden_size: int, num_layers: int) -> None:
    for what, value, limit in (
        ("hidden size", hidden_size, MAX_HIDDEN),
        ("number of layers", num_layers, MAX_LAYERS),
        ("input size", input_size, MAX_FEATURES),
    ):
        if value > limit:
            raise ValueError(f"these weights have {what} {value}; this app shows at most {limit}")


def _check_limits(net: LSTM) -> None:
    _check_sizes(net.input_size, net.hidden_size, net.num_layers)


def _check_values(weights: dict[str, np.ndarray]) -> None:
    for key, a in weights.items():
        if a.size and (largest := float(np.abs(a).max())) > MAX_ABS_WEIGHT:
            raise ValueError(
                f"key {key!r} holds values as large as {largest:.3g}; this app takes weights between "
                f"{-MAX_ABS_WEIGHT:,.0f} and {MAX_ABS_WEIGHT:,.0f}"
            )


def remember(net, label: str, gate_map: str = "", notices: tuple[str, ...] = ()) -> LoadedNet:
    """Make ``net`` (an LSTM, GRU or RNN) the network every page shows; ``gate_map`` and ``notices`` come
    from its file."""
    _check_limits(net)
    layout = cells.get(net.variant).default_layout  # a GRU's or RNN's is torch
    loaded = LoadedNet(
        label,
        net.variant,
        layout,
        net.to_weights(layout),
        net.input_size,
        net.hidden_size,
        net.num_layers,
        gate_map,
        notices,
    )
    st.session_state["loaded_net"] = loaded
    return loaded


def use_trained(net: LSTM, x: np.ndarray, label: str, title: str = "", names: tuple[str, ...] = ()) -> None:
    """Show a trained cell on every page, running on x (T, I): a sequence of its task, or the series it
    learnt to predict. title: the sequence's name in the sidebar; names: its I column names."""
    remember(net, label)
    st.session_state["custom_sequence"] = Sequence(
        "trained", title or f"{label}: a task sequence", x, "", names
    )
    st.session_state["w_source"] = "typed"
    st.session_state["sequence_error"] = None


def current() -> LoadedNet | None:
    return st.session_state.get("loaded_net")


def panel(sb) -> None:
    """The sidebar's "Load weights" expander: upload, detect or override layout and variant, or reset."""
    loaded = current()
    with sb.expander("Load weights", expanded=loaded is not None):
        if loaded is not None:
            st.success(
                f"Using **{plain(loaded.label)}**: {loaded.variant}, {loaded.num_layers} layer(s) × "
                f"{loaded.hidden_size} units, {loaded.input_size} input feature(s)."
            )
            if loaded.gate_map:
                st.caption(f"Gate blocks: {plain(loaded.gate_map)}.")
            for notice in loaded.notices:
                st.warning(plain(notice))
            if st.button("Back to random weights", key="drop_loaded"):
                del st.session_state["loaded_net"]
                st.rerun()
        upload = st.file_uploader(
            f"{UPLOAD_LABEL} (.safetensors, .npz, .json, .keras, .weights.h5, .h5, .onnx)",
            type=UPLOAD_TYPES,
            key="weights_upload",
            max_upload_size=UPLOAD_MB,  # the one upload limit (lstm_core/limits.py)
            help=f"At most {UPLOAD_MB} MB. Weights in the torch, keras, seed, udacity, tf1 or onnx layouts, "
            "a Keras model (.keras, .weights.h5, .h5) or an ONNX model (see the README).",
        )
        layout = st.selectbox("Layout", ("detect", *LAYOUTS), key="weights_layout")
        variant = st.selectbox("Variant", ("detect", *cells.names()), key="weights_variant")
        forget_bias = _forget_bias_field(layout)
        if upload is not None and st.session_state.get("weights_file_id") != (
            upload.file_id,
            layout,
            variant,
            forget_bias,
        ):
            st.session_state["weights_file_id"] = (upload.file_id, layout, variant, forget_bias)
            st.session_state["weights_error"] = _load(
                upload.name, upload.getvalue(), layout, variant, forget_bias
            )
            if st.session_state["weights_error"] is None:
                st.rerun()  # the sidebar read the network before this upload: draw the page again with it
        if error := st.session_state.get("weights_error"):
            st.error(error)
            if "pickle" in error:
                st.markdown(EXPORT_HELP)


def _forget_bias_field(layout: str) -> float | None:
    """TF1's forget_bias, which its files do not hold: asked for when the layout is tf1 or the last
    upload was refused for the lack of it, and kept on show once it has a value."""
    error = (st.session_state.get("weights_error") or "").replace("\\", "")  # unescape the Markdown
    given = st.session_state.get("weights_forget_bias") is not None
    if layout != "tf1" and "forget_bias" not in error and not given:
        return None
    return st.number_input(
        "forget_bias (TF1 adds it to the forget gate; BasicLSTMCell's default is 1.0)",
        value=None,
        step=0.5,
        key="weights_forget_bias",
    )


def read_file(
    filename: str, data: bytes, layout: str = "detect", variant: str = "detect", forget_bias=None
) -> model_files.Loaded:
    """What an uploaded file holds, an LSTM, GRU or RNN the pages can show; ValueError with a message
    otherwise."""
    loaded = model_files.read_bytes(
        filename,
        data,
        None if layout == "detect" else layout,
        None if variant == "detect" else variant,
        forget_bias,
        limit=_check_sizes,  # sizes first: a network too big for the app is refused by the limit it breaks
    )
    _check_limits(loaded.net)
    _check_values(loaded.net.to_weights())
    return loaded


def read_upload(filename: str, data: bytes, layout: str = "detect", variant: str = "detect"):
    """The network in an uploaded weight or model file; ValueError with a message for the learner."""
    return read_file(filename, data, layout, variant).net


def _load(filename: str, data: bytes, layout: str, variant: str, forget_bias=None) -> str | None:
    """Load an upload into the session; the error message for the page, or None when it loaded."""
    name = filename[:60]
    previous = "loaded weights" if current() is not None else "random weights"
    try:
        loaded = read_file(filename, data, layout, variant, forget_bias)
    except ValueError as e:
        return plain(f"{name} was not loaded: {e}. The previous {previous} are still in use.")
    remember(loaded.net, name, loaded.gate_map, loaded.notices)
    return None
