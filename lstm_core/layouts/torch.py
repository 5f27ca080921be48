"""PyTorch ``nn.LSTM``: ``weight_ih_l{k}`` (4H, I_k), ``weight_hh_l{k}`` (4H, H), ``bias_ih_l{k}``,
``bias_hh_l{k}`` (4H,); gate rows i, f, g, o; the two biases add."""

from __future__ import annotations

from .. import cells
from ..cell import LayerParams
from .base import Layout, gates, reorder, span

ORDER = ("i", "f", "g", "o")


def _shapes(variant, I, H):  # noqa: E741 (the paper's symbol)
    GH = f"{gates(variant)}H" if isinstance(H, str) else gates(variant) * H
    return {"weight_ih": (GH, I), "weight_hh": (GH, H), "bias_ih": (GH,), "bias_hh": (GH,)}


def _votes(variant):
    G = gates(variant)
    return [
        ("weight_hh", 1, 1),
        ("weight_hh", 0, G),
        ("weight_ih", 0, G),
        ("bias_ih", 0, G),
        ("bias_hh", 0, G),
    ]


def _read(w, variant, settings):
    order = cells.get(variant).gates
    return LayerParams(
        variant,
        W_x=reorder(w["weight_ih"].T, ORDER, order),
        W_h=reorder(w["weight_hh"].T, ORDER, order),
        b_x=reorder(w["bias_ih"], ORDER, order),
        b_h=reorder(w["bias_hh"], ORDER, order),
    )


def _write(P):
    order = P.spec.gates
    return {
        "weight_ih": reorder(P.W_x, order, ORDER).T,
        "weight_hh": reorder(P.W_h, order, ORDER).T,
        "bias_ih": reorder(P.b_x, order, ORDER),
        "bias_hh": reorder(P.b_h, order, ORDER),
    }


def _detect(keys):
    return "standard" if "weight_ih_l0" in keys or "weight_hh_l0" in keys else None


def _gate_map(kind, H):
    order = {"gru": ("r", "z", "n"), "rnn": ("h",)}.get(kind, ORDER)
    return span(order, H, "PyTorch rows of weight_ih, weight_hh, bias_ih, bias_hh")


LAYOUT = Layout(
    name="torch",
    title="PyTorch nn.LSTM state_dict",
    variants=("standard",),
    shapes=_shapes,
    votes=_votes,
    input_key=("weight_ih", 1, False),
    read=_read,
    write=_write,
    detect=_detect,
    gate_map=_gate_map,
)
