"""Keras ``LSTM``: ``kernel_l{k}`` (I_k, 4H) acting as x @ kernel, ``recurrent_kernel_l{k}`` (H, 4H),
``bias_l{k}`` (4H,); gate columns i, f, c (the core's g), o. Keras ``GRU`` layers (reset_after=True,
gate columns z, r, h) convert to PyTorch's GRU keys through ``cells``."""

from __future__ import annotations

import numpy as np

from .. import cells
from ..cell import LayerParams
from .base import Layout, gates, reorder, span

ORDER = ("i", "f", "g", "o")
GRU_ORDER = ("z", "r", "n")  # Keras calls the candidate h; PyTorch calls it n


def _shapes(variant, I, H):  # noqa: E741
    GH = f"{gates(variant)}H" if isinstance(H, str) else gates(variant) * H
    return {"kernel": (I, GH), "recurrent_kernel": (H, GH), "bias": (GH,)}


def _votes(variant):
    G = gates(variant)
    return [("recurrent_kernel", 0, 1), ("recurrent_kernel", 1, G), ("kernel", 1, G), ("bias", 0, G)]


def _read(w, variant, settings):
    order = cells.get(variant).gates
    b = reorder(w["bias"], ORDER, order)
    return LayerParams(
        variant,
        W_x=reorder(w["kernel"], ORDER, order),
        W_h=reorder(w["recurrent_kernel"], ORDER, order),
        b_x=b,
        b_h=np.zeros_like(b),
    )


def _write(P):
    order = P.spec.gates
    return {
        "kernel": reorder(P.W_x, order, ORDER),
        "recurrent_kernel": reorder(P.W_h, order, ORDER),
        "bias": reorder(P.b_x + P.b_h, order, ORDER),
    }


def _detect(keys):
    return "standard" if "kernel_l0" in keys or "recurrent_kernel_l0" in keys else None


def gru_to_torch(w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One Keras GRU layer (kernel (I, 3H), recurrent_kernel (H, 3H), bias (2, 3H): input and recurrent
    biases, as reset_after=True keeps them) as PyTorch's weight_ih, weight_hh, bias_ih, bias_hh."""
    bias = w["bias"]
    return {
        "weight_ih": reorder(w["kernel"], GRU_ORDER, ("r", "z", "n")).T,
        "weight_hh": reorder(w["recurrent_kernel"], GRU_ORDER, ("r", "z", "n")).T,
        "bias_ih": reorder(bias[0], GRU_ORDER, ("r", "z", "n")),
        "bias_hh": reorder(bias[1], GRU_ORDER, ("r", "z", "n")),
    }


def rnn_to_torch(w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One Keras SimpleRNN layer (kernel (I, H), recurrent_kernel (H, H), bias (H,)) in PyTorch's keys."""
    return {
        "weight_ih": w["kernel"].T,
        "weight_hh": w["recurrent_kernel"].T,
        "bias_ih": w["bias"],
        "bias_hh": np.zeros_like(w["bias"]),
    }


def _gate_map(kind, H):
    if kind == "gru":
        return span(GRU_ORDER, H, "Keras GRU columns of kernel, recurrent_kernel, bias", {"n": "n (Keras h)"})
    if kind == "rnn":
        return "Keras SimpleRNN: one block, the new h"
    return span(ORDER, H, "Keras columns of kernel, recurrent_kernel, bias", {"g": "g (Keras c)"})


LAYOUT = Layout(
    name="keras",
    title="Keras LSTM get_weights()",
    variants=("standard",),
    shapes=_shapes,
    votes=_votes,
    input_key=("kernel", 0, False),
    read=_read,
    write=_write,
    detect=_detect,
    gate_map=_gate_map,
    cells={"gru": gru_to_torch, "rnn": rnn_to_torch},
)
