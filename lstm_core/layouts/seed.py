"""Per-gate matrices in Géron's notation (the seed notebooks): ``W_x{g}_l{k}`` (I_k, H), ``W_h{g}_l{k}``
(H, H), ``b_{g}_l{k}`` (H,) for gates i, f, o, g (no f for no_forget), plus ``p_i``, ``p_f``, ``p_o`` (H,)
for the peephole cell; i_t = σ(W_xiᵀ x_t + W_hiᵀ h_{t-1} + b_i)."""

from __future__ import annotations

import numpy as np

from .. import cells
from ..cell import LayerParams
from .base import Layout

PEEPHOLES = ("p_i", "p_f", "p_o")


def _gates(variant):
    return [g for g in ("i", "f", "o", "g") if g in cells.get(variant).gates]


def _shapes(variant, I, H):  # noqa: E741
    gs = _gates(variant)
    shapes = {f"W_x{g}": (I, H) for g in gs} | {f"W_h{g}": (H, H) for g in gs} | {f"b_{g}": (H,) for g in gs}
    return shapes | ({p: (H,) for p in PEEPHOLES} if cells.get(variant).peepholes else {})


def _votes(variant):
    return [(name, 0, 1) for name in _shapes(variant, "I", "H") if not name.startswith("W_x")] + [
        ("W_xi", 1, 1)
    ]


def _read(w, variant, settings):
    order = cells.get(variant).gates
    b = np.concatenate([w[f"b_{g}"] for g in order])
    return LayerParams(
        variant,
        W_x=np.concatenate([w[f"W_x{g}"] for g in order], axis=1),
        W_h=np.concatenate([w[f"W_h{g}"] for g in order], axis=1),
        b_x=b,
        b_h=np.zeros_like(b),
        p=np.stack([w[p] for p in PEEPHOLES]) if cells.get(variant).peepholes else None,
    )


def _write(P):
    out = {}
    for g in P.spec.gates:
        out |= {
            f"W_x{g}": P.block(P.W_x, g),
            f"W_h{g}": P.block(P.W_h, g),
            f"b_{g}": P.block(P.b_x + P.b_h, g),
        }
    if P.spec.peepholes:
        out |= dict(zip(PEEPHOLES, P.p, strict=True))
    return out


def _detect(keys):
    if "W_xi_l0" not in keys and "W_hi_l0" not in keys:
        return None
    if "p_i_l0" in keys:
        return "peephole"
    return "standard" if "W_xf_l0" in keys else "no_forget"


LAYOUT = Layout(
    name="seed",
    title="per-gate matrices, Géron's notation",
    variants=("standard", "no_forget", "peephole"),
    shapes=_shapes,
    votes=_votes,
    input_key=("W_xi", 0, False),
    read=_read,
    write=_write,
    detect=_detect,
    gate_map=lambda variant, H: "one array per gate: W_x{g}, W_h{g}, b_{g} → gate {g}, by name",
)
