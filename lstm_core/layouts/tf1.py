"""TensorFlow 1 ``BasicLSTMCell`` / ``LSTMCell`` / ``MultiRNNCell``, keyed as TF1's checkpoints name them.

Layer k is ``rnn/multi_rnn_cell/cell_{k}/lstm_cell/kernel`` (I_k + H, 4H), acting on [x_t, h_{t-1}] (x
first), and ``.../bias`` (4H,); gate columns i, j (the core's g), f, o. Any scope prefix, ``basic_lstm_cell``
for ``lstm_cell``, a missing ``cell_{k}/`` (a single cell, layer 0) and a ``:0`` suffix are accepted.
``LSTMCell(use_peepholes=True)`` adds ``w_i_diag``, ``w_f_diag``, ``w_o_diag`` (H,): the peephole cell.

TF1 adds ``forget_bias`` (1.0 by default) to f's pre-activation at run time and does not save it, so it
is a required setting: a 0-d entry ``forget_bias`` in the weight dict, or ``lstm_core.load(...,
forget_bias=...)``. Reading folds it into b_f; writing stores the whole b_f in ``bias`` and forget_bias 0.
"""

from __future__ import annotations

import re

import numpy as np

from .. import cells
from ..cell import LayerParams
from .base import Layout, gates, reorder, span

ORDER = ("i", "g", "f", "o")  # TF1's i, j, f, o
PEEPHOLES = ("w_i_diag", "w_f_diag", "w_o_diag")  # the core's p_i, p_f, p_o
_KEY = re.compile(r"^(?:.*?/)?(?:cell_(\d+)/)?(?:basic_)?lstm_cell/(kernel|bias|w_[ifo]_diag)(?::0)?$")


def _key(name, k):
    return f"rnn/multi_rnn_cell/cell_{k}/lstm_cell/{name}"


def _parse(key):
    m = _KEY.match(key)
    return (m.group(2), int(m.group(1) or 0)) if m else None


def _shapes(variant, I, H):  # noqa: E741
    symbolic = isinstance(H, str)
    GH = f"{gates(variant)}H" if symbolic else gates(variant) * H
    shapes = {"kernel": ("I+H" if symbolic else I + H, GH), "bias": (GH,)}
    return shapes | ({p: (H,) for p in PEEPHOLES} if cells.get(variant).peepholes else {})


def _votes(variant):
    G = gates(variant)
    return [("kernel", 1, G), ("bias", 0, G)] + [(p, 0, 1) for p in PEEPHOLES if cells.get(variant).peepholes]


def _read(w, variant, settings):
    order = cells.get(variant).gates
    H = w["bias"].shape[0] // 4
    I = w["kernel"].shape[0] - H  # noqa: E741
    b = w["bias"].copy()
    b[2 * H : 3 * H] += settings["forget_bias"]  # f = σ(z_f + forget_bias)
    b = reorder(b, ORDER, order)
    return LayerParams(
        variant,
        W_x=reorder(w["kernel"][:I], ORDER, order),
        W_h=reorder(w["kernel"][I:], ORDER, order),
        b_x=b,
        b_h=np.zeros_like(b),
        p=np.stack([w[p] for p in PEEPHOLES]) if cells.get(variant).peepholes else None,
    )


def _write(P):
    order = P.spec.gates
    out = {
        "kernel": np.vstack([reorder(P.W_x, order, ORDER), reorder(P.W_h, order, ORDER)]),
        "bias": reorder(P.b_x + P.b_h, order, ORDER),
    }
    return out | (dict(zip(PEEPHOLES, P.p, strict=True)) if P.spec.peepholes else {})


def _detect(keys):
    parsed = [p for p in map(_parse, keys) if p]
    if not any(name == "kernel" for name, _ in parsed):
        return None
    return "peephole" if any(name == "w_f_diag" for name, _ in parsed) else "standard"


def _check_keys(keys):
    """Refuse what BasicLSTMCell/LSTMCell can save but the core cannot compute: projections (num_proj)."""
    if projected := sorted(k for k in keys if "/projection/" in k):
        raise ValueError(
            f"{projected[0]!r} is an output projection (LSTMCell num_proj); the core computes LSTMs "
            "without projections (num_proj=None)"
        )


def _gate_map(variant, H):
    return span(ORDER, H, "TF1 columns of kernel and bias", {"g": "g (TF1 j)"}) + (
        "; kernel rows: x first, then h; forget_bias added to f"
    )


LAYOUT = Layout(
    name="tf1",
    title="TensorFlow 1 BasicLSTMCell / LSTMCell / MultiRNNCell checkpoint names",
    variants=("standard", "peephole"),
    shapes=_shapes,
    votes=_votes,
    input_key=("kernel", 0, True),
    read=_read,
    write=_write,
    detect=_detect,
    gate_map=_gate_map,
    key=_key,
    parse=_parse,
    settings={
        "forget_bias": "TF1 adds it to the forget gate at run time and does not save it (BasicLSTMCell and "
        "LSTMCell default to 1.0); give it as lstm_core.load(..., forget_bias=1.0) or in the panel"
    },
    check_keys=_check_keys,
)
