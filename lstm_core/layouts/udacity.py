"""The Udacity LTM/STM cell: ``W_{n,i,f,v}_l{k}`` (H, H + I_k) acting on [STM_{t-1}, E_t] (STM first),
``W_u_l{k}`` (H, H), and ``b_{n,i,f,v,u}_l{k}`` (H,)."""

from __future__ import annotations

import numpy as np

from .. import cells
from ..cell import LayerParams
from .base import Layout

NAMES = ("n", "i", "f", "v")


def _shapes(variant, I, H):  # noqa: E741
    HI = "H+I" if isinstance(H, str) else H + I
    shapes = {f"W_{g}": (H, HI) for g in NAMES} | {"W_u": (H, H)}
    return shapes | {f"b_{g}": (H,) for g in (*NAMES, "u")}


def _votes(variant):
    return [(name, 0, 1) for name in _shapes(variant, "I", "H")]


def _read(w, variant, settings):
    order = cells.get(variant).gates  # i f v n
    H = w["W_u"].shape[0]
    b = np.concatenate([w[f"b_{g}"] for g in order])
    return LayerParams(
        variant,
        W_x=np.concatenate([w[f"W_{g}"][:, H:].T for g in order], axis=1),
        W_h=np.concatenate([w[f"W_{g}"][:, :H].T for g in order], axis=1),
        b_x=b,
        b_h=np.zeros_like(b),
        W_u=w["W_u"],
        b_u=w["b_u"],
    )


def _write(P):
    out = {}
    for g in P.spec.gates:
        out |= {
            f"W_{g}": np.hstack([P.block(P.W_h, g).T, P.block(P.W_x, g).T]),
            f"b_{g}": P.block(P.b_x + P.b_h, g),
        }
    return out | {"W_u": P.W_u, "b_u": P.b_u}


def _detect(keys):
    return "udacity" if "W_u_l0" in keys or "W_n_l0" in keys else None


LAYOUT = Layout(
    name="udacity",
    title="Udacity LTM/STM lesson",
    variants=("udacity",),
    shapes=_shapes,
    votes=_votes,
    input_key=("W_n", 1, True),
    read=_read,
    write=_write,
    detect=_detect,
    gate_map=lambda variant, H: "one array per gate: W_n → N (g), W_i → i, W_f → f, W_v → V (o), W_u → U",
)
