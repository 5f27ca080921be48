"""Weights from outside the app: an uploaded file or a cell trained on the Train page.

A loaded network replaces the random one on every page until the learner goes back to random weights.
Pickle-based files are refused by name, before a single byte of them is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import streamlit as st

from lstm_core import LAYOUTS, LSTM, VARIANTS, layouts
from lstm_core import weights as weight_files
from lstm_core.sequences import MAX_FEATURES, Sequence
from ui.state import MAX_HIDDEN, MAX_LAYERS

EXPORT_HELP = """Export your weights to a safe format first — for a PyTorch `nn.LSTM` module:

```python
from safetensors.torch import save_file
save_file(model.lstm.state_dict(), "lstm.safetensors")   # model.lstm is the nn.LSTM
```

and for a Keras `LSTM` layer:

```python
kernel, recurrent_kernel, bias = model.layers[0].get_weights()
np.savez("lstm.npz", kernel_l0=kernel, recurrent_kernel_l0=recurrent_kernel, bias_l0=bias)
```"""


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

    def net(self) -> LSTM:
        return LSTM.from_weights(self.weights, layout=self.layout, variant=self.variant)


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


def remember(net: LSTM, label: str) -> LoadedNet:
    """Make ``net`` the network every page shows."""
    _check_limits(net)
    layout = "torch" if net.variant == "standard" else ("udacity" if net.variant == "udacity" else "seed")
    loaded = LoadedNet(
        label, net.variant, layout, net.to_weights(layout), net.input_size, net.hidden_size, net.num_layers
    )
    st.session_state["loaded_net"] = loaded
    return loaded


def use_trained(net: LSTM, x: np.ndarray, label: str) -> None:
    """Show a trained cell on every page, running on a sequence of its task."""
    remember(net, label)
    st.session_state["custom_sequence"] = Sequence("trained", f"{label}: a task sequence", x)
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
            if st.button("Back to random weights", key="drop_loaded"):
                del st.session_state["loaded_net"]
                st.rerun()
        upload = st.file_uploader(
            "Weight file (.safetensors, .npz or .json)",
            type=["safetensors", "npz", "json", "pt", "pth", "pkl", "h5", "ckpt", "bin"],
            key="weights_upload",
            max_upload_size=weight_files.MAX_FILE_MB,
            help="Any of the torch, keras, seed or udacity layouts (see the README).",
        )
        layout = st.selectbox("Layout", ("detect", *LAYOUTS), key="weights_layout")
        variant = st.selectbox("Variant", ("detect", *VARIANTS), key="weights_variant")
        if upload is not None and st.session_state.get("weights_file_id") != (
            upload.file_id,
            layout,
            variant,
        ):
            st.session_state["weights_file_id"] = (upload.file_id, layout, variant)
            st.session_state["weights_error"] = _load(upload.name, upload.getvalue(), layout, variant)
            if st.session_state["weights_error"] is None:
                st.rerun()  # the sidebar read the network before this upload: draw the page again with it
        if error := st.session_state.get("weights_error"):
            st.error(error)
            if "pickle" in error:
                st.markdown(EXPORT_HELP)


def read_upload(filename: str, data: bytes, layout: str = "detect", variant: str = "detect") -> LSTM:
    """The network in an uploaded weight file; ValueError with a message for the learner otherwise."""
    wf = weight_files.loads(data, weight_files.format_of(filename))
    layout = wf.layout if layout == "detect" else layout
    variant = wf.variant if variant == "detect" else variant
    # Sizes first: a network too big for the app is refused by the limit it breaks.
    if (claimed := layouts.sizes(wf.weights, layout, variant)) is not None:
        _check_sizes(*claimed)
    net = LSTM.from_weights(wf.weights, layout=layout, variant=variant)
    _check_limits(net)
    _check_values(wf.weights)
    return net


def _load(filename: str, data: bytes, layout: str, variant: str) -> str | None:
    """Load an upload into the session; the error message for the page, or None when it loaded."""
    name = filename[:60]
    previous = "loaded weights" if current() is not None else "random weights"
    try:
        remember(read_upload(filename, data, layout, variant), name)
    except ValueError as e:
        return plain(f"{name} was not loaded: {e}. The previous {previous} are still in use.")
    return None
