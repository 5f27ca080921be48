"""The ONNX ``LSTM`` operator's inputs, forward direction: ``W_l{k}`` (1, 4H, I_k), ``R_l{k}`` (1, 4H, H),
``B_l{k}`` (1, 8H) = [Wb, Rb], and for the peephole cell ``P_l{k}`` (1, 3H) in order i, o, f; gate rows
i, o, f, c (the core's g). The leading 1 is ONNX's num_directions. The ``GRU`` (gates z, r, h, with
linear_before_reset=1 as torch.onnx.export writes it) and ``RNN`` operators convert to PyTorch's keys
through ``cells``."""

from __future__ import annotations

import numpy as np

from .. import cells
from ..cell import LayerParams
from .base import Layout, gates, reorder, span

ORDER = ("i", "o", "f", "g")  # ONNX's i, o, f, c
PEEPHOLE_ORDER = ("i", "o", "f")
GRU_ORDER = ("z", "r", "n")  # ONNX calls the candidate h


def _shapes(variant, I, H):  # noqa: E741
    G = gates(variant)
    symbolic = isinstance(H, str)
    GH, GH2 = (f"{G}H", f"{2 * G}H") if symbolic else (G * H, 2 * G * H)
    shapes = {"W": (1, GH, I), "R": (1, GH, H), "B": (1, GH2)}
    return shapes | ({"P": (1, "3H" if symbolic else 3 * H)} if cells.get(variant).peepholes else {})


def _votes(variant):
    G = gates(variant)
    return [("R", 2, 1), ("R", 1, G), ("W", 1, G), ("B", 1, 2 * G)] + [("P", 1, 3)] * cells.get(
        variant
    ).peepholes


def _read(w, variant, settings):
    order = cells.get(variant).gates
    GH = w["W"].shape[1]
    p = None
    if cells.get(variant).peepholes:
        H = GH // 4
        P = w["P"][0]
        p = np.stack([P[PEEPHOLE_ORDER.index(g) * H : (PEEPHOLE_ORDER.index(g) + 1) * H] for g in "ifo"])
    return LayerParams(
        variant,
        W_x=reorder(w["W"][0].T, ORDER, order),
        W_h=reorder(w["R"][0].T, ORDER, order),
        b_x=reorder(w["B"][0, :GH], ORDER, order),
        b_h=reorder(w["B"][0, GH:], ORDER, order),
        p=p,
    )


def _write(P):
    order = P.spec.gates
    out = {
        "W": reorder(P.W_x, order, ORDER).T[None],
        "R": reorder(P.W_h, order, ORDER).T[None],
        "B": np.concatenate([reorder(P.b_x, order, ORDER), reorder(P.b_h, order, ORDER)])[None],
    }
    if P.spec.peepholes:
        out["P"] = np.concatenate([P.p["ifo".index(g)] for g in PEEPHOLE_ORDER])[None]
    return out


def _detect(keys):
    if "W_l0" not in keys or "R_l0" not in keys:
        return None
    return "peephole" if "P_l0" in keys else "standard"


def _split_b(w, G):
    """(Wb, Rb), each (G*H,), from B (1, 2*G*H); zeros when the node has no B."""
    GH = w["W"].shape[1]
    B = w.get("B", np.zeros((1, 2 * GH)))
    return B[0, :GH], B[0, GH:]


def gru_to_torch(w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One forward ONNX GRU (W (1, 3H, I), R (1, 3H, H), B (1, 6H); rows z, r, h) in PyTorch's keys."""
    Wb, Rb = _split_b(w, 3)
    to_torch = ("r", "z", "n")
    return {
        "weight_ih": reorder(w["W"][0].T, GRU_ORDER, to_torch).T,
        "weight_hh": reorder(w["R"][0].T, GRU_ORDER, to_torch).T,
        "bias_ih": reorder(Wb, GRU_ORDER, to_torch),
        "bias_hh": reorder(Rb, GRU_ORDER, to_torch),
    }


def rnn_to_torch(w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One forward ONNX RNN (W (1, H, I), R (1, H, H), B (1, 2H)) in PyTorch's keys."""
    Wb, Rb = _split_b(w, 1)
    return {"weight_ih": w["W"][0], "weight_hh": w["R"][0], "bias_ih": Wb, "bias_hh": Rb}


def _gate_map(kind, H):
    if kind == "gru":
        return span(GRU_ORDER, H, "ONNX GRU rows of W, R, B", {"n": "n (ONNX h)"})
    if kind == "rnn":
        return "ONNX RNN: one block, the new h"
    text = span(ORDER, H, "ONNX rows of W, R, B", {"g": "g (ONNX c)"})
    return text + ("; P: i, o, f" if kind == "peephole" else "")


LAYOUT = Layout(
    name="onnx",
    title="ONNX LSTM operator inputs W, R, B, P",
    variants=("standard", "peephole"),
    shapes=_shapes,
    votes=_votes,
    input_key=("W", 2, False),
    read=_read,
    write=_write,
    detect=_detect,
    gate_map=_gate_map,
    cells={"gru": gru_to_torch, "rnn": rnn_to_torch},
)
